// trash.js: the facilitator's "Deleted notes" (board/trash.go). Deleted
// notes stay in the board's trash on the server for 30 days; the
// facilitator's page asks for them when the dialog opens (GET
// /api/boards/{link}/trash, which answers a facilitate link only) and
// brings one back with an undelete operation, which the server sends to
// everyone with the note. The list is asked for again after every
// restore, so it shows what the server has, not what the page guesses.
//
// Nobody else's page has the dialog; the server refuses both anyway.

import { format } from "./render.js";
import { noteColor, noteName } from "./stacks.js";
import { apiMessage } from "./keep.js";

const units = [
  ["year", 365 * 24 * 3600e3],
  ["month", 30 * 24 * 3600e3],
  ["week", 7 * 24 * 3600e3],
  ["day", 24 * 3600e3],
  ["hour", 3600e3],
  ["minute", 60e3],
];

/** relativeTime says how long ago at (a time in ms) was at now, in the
 * largest whole unit (Intl.RelativeTimeFormat rtf: "5 minutes ago",
 * "yesterday"); under a minute, and a time a little ahead of this clock,
 * are justNow. */
export function relativeTime(at, now, rtf, justNow = rtf.format(0, "second")) {
  const ago = now - at;
  if (ago < 60e3) return justNow;
  for (const [unit, ms] of units) {
    if (ago >= ms) return rtf.format(-Math.floor(ago / ms), unit);
  }
  return justNow;
}

/** attachTrash wires the Deleted notes dialog into the facilitator's page
 * (the ⋯ menu's entry opens it). It returns what board.js calls with the
 * server's answers: accepted(seq) and refused(m), true when the reject
 * was the dialog's own (said in the dialog, which covers the toast). */
export function attachTrash(app) {
  const t = app.t;
  const $ = (id) => document.getElementById(id);
  const dialog = $("trash-dialog"), opener = $("trash-open");
  if (!dialog || !opener) return null;
  const list = $("trash-list"), status = $("trash-status"), empty = $("trash-empty");
  const fill = (key, vars) => format(t[key] ?? key, vars);
  let rtf = null, when = null; // made when first needed, as paste.js's
  const restoring = new Map(); // seq -> the note's name, sent and not yet answered
  let asked = 0; // the last request, so a slow answer never replaces a newer one

  function say(text, alert = false) {
    status.textContent = text;
    status.hidden = !text;
    status.setAttribute("role", alert ? "alert" : "status");
  }

  async function load() {
    const mine = ++asked;
    list.setAttribute("aria-busy", "true");
    let items = null, message = "";
    try {
      const res = await fetch("/api/boards/" + encodeURIComponent(app.cfg.link) + "/trash", { cache: "no-store" });
      if (res.ok) items = (await res.json()).trash ?? [];
      else message = await apiMessage(res, t);
    } catch {
      message = t["share.offline"];
    }
    if (mine !== asked) return;
    list.removeAttribute("aria-busy");
    if (!items) {
      say(fill("trash.failed", { message }), true);
      return;
    }
    draw(items);
  }

  function draw(items) {
    const now = app.serverNow?.() ?? Date.now();
    const hadFocus = list.contains(document.activeElement);
    list.replaceChildren(...items.map((item) => row(item, now)));
    empty.hidden = items.length > 0;
    $("trash-loading").hidden = true;
    // The row whose Restore had the focus is gone: the focus goes to the
    // first row's, or the dialog's Close.
    if (hadFocus) (list.querySelector("button") ?? $("trash-close")).focus();
  }

  function row({ note: n, deletedAt, deletedBy }, now) {
    const li = document.createElement("li");
    li.className = "trash-item";
    li.dataset.id = n.id;
    li.style.setProperty("--item", noteColor(n.color));
    const text = document.createElement("p");
    text.className = "trash-text";
    const blank = n.private && !n.text;
    text.textContent = blank ? t["trash.private"] : n.text || t["note.empty"];
    text.classList.toggle("blank", blank || !n.text);
    const meta = document.createElement("p");
    meta.className = "trash-meta";
    const at = Date.parse(deletedAt);
    rtf ??= new Intl.RelativeTimeFormat(app.cfg.lang || undefined, { numeric: "auto" });
    const ago = Number.isNaN(at) ? "" : relativeTime(at, now, rtf, t["trash.justNow"]);
    const time = document.createElement("time");
    time.dateTime = deletedAt;
    time.textContent = ago;
    when ??= new Intl.DateTimeFormat(app.cfg.lang || undefined, { dateStyle: "medium", timeStyle: "short" });
    if (!Number.isNaN(at)) time.title = when.format(at);
    const [before, after] = fill(deletedBy ? "trash.by" : "trash.when", { name: deletedBy }).split("{when}");
    meta.append(before, time, after ?? "");
    if (n.author) meta.append(" · " + fill("trash.author", { name: n.author }));
    const name = blank ? t["trash.private"] : noteName(n.text, t["note.empty"]);
    const b = document.createElement("button");
    b.type = "button";
    b.className = "trash-restore";
    b.textContent = t["trash.restore"];
    b.setAttribute("aria-label", fill("trash.restoreLabel", { text: name }));
    b.addEventListener("click", () => restore(n.id, name, b));
    li.append(text, meta, b);
    return li;
  }

  // restore sends the undelete; the button says it is on its way (and
  // keeps the focus, which a disabled button would drop) until the list
  // is drawn again.
  function restore(id, name, button) {
    if (button.getAttribute("aria-disabled") === "true") return;
    const seq = app.edit({ kind: "undelete", id }, { undoable: false });
    if (!seq) return;
    restoring.set(seq, name);
    button.setAttribute("aria-disabled", "true");
    button.textContent = t["trash.restoring"];
  }

  opener.addEventListener("click", () => {
    say("");
    list.replaceChildren();
    empty.hidden = true;
    $("trash-loading").hidden = false;
    dialog.showModal();
    $("trash-close").focus();
    load();
  });
  $("trash-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    asked++; // an answer still coming is for nobody
    if (!document.querySelector("#more-menu:not([hidden])")) $("more")?.focus();
  });
  // The board's keys are for the board, not for the dialog's buttons.
  dialog.addEventListener("keydown", (e) => {
    if (!e.ctrlKey && !e.metaKey) e.stopPropagation();
  });

  /** accepted: the server took the undelete seq; the note is back. */
  function accepted(seq) {
    const name = restoring.get(seq);
    if (name === undefined) return;
    restoring.delete(seq);
    const text = fill("trash.restored", { text: name });
    app.say?.(text);
    if (!dialog.open) return;
    say(text);
    load();
  }

  /** refused: the server refused the undelete m.seq (gone from the
   * trash, the board full): said in the dialog, and the list asked anew. */
  function refused(m) {
    if (!restoring.has(m.seq)) return false;
    restoring.delete(m.seq);
    if (!dialog.open) return false;
    say(t["error.rejected"] + " " + m.message, true);
    load();
    return true;
  }

  return { accepted, refused, load };
}
