// reactions.js: reactions on notes, in the page. Each note shows the
// reactions it has (👍 ❤️ 💡 ❓ with their counts, this person's own
// highlighted) and, when it is selected, pointed at or holds the focus, all
// four to give or take back with a click, a tap or the keyboard. Everyone
// reacts, view links too and on a locked board; while the facilitator has
// reactions hidden each person sees only their own, and while they are off
// the row is gone. The facilitator chooses in the Lesson panel. The note's
// comment count (💬 3, comments.js opens the thread) sits in the same row,
// marked while some of its comments wait for approval. A page without a
// participant (the projector's) is nobody who reacts: it shows the counts
// given, without buttons to give one.

import { reactionEmoji, reactionNames } from "./conversation.js";
import { format } from "./render.js";

/** attachReactions wires the notes' reaction rows (through renderer's
 * marks and decorate hooks, after the lesson's and moderation's) and the
 * facilitator's choice of mode. It returns render, called after every draw. */
export function attachReactions(app, { renderer, openComments }) {
  const t = app.t;
  const own = (view, id) => view.reacted?.[app.participant]?.[id] ?? [];

  const innerMarks = renderer.marks;
  renderer.marks = (n, view) => {
    const mode = view.moderation?.reactions || "";
    const counts = reactionNames.map((r) => n.reactions?.[r] || 0).join(",");
    const comments = `${n.comments?.length || 0},${waitingComments(n)}`;
    return (innerMarks ? innerMarks(n, view) : "") + `|R${mode},${counts},${own(view, n.id).join("+")},${comments},${+!!app.participant}`;
  };
  // What takes room from the text is whether the row shows, not its
  // counts (its buttons keep their width): a reaction does not refit.
  const innerFit = renderer.fitMark ?? innerMarks;
  renderer.fitMark = (n, view) => (innerFit ? innerFit(n, view) : "") + `|R${rowState(n, view)}`;

  const innerDecorate = renderer.decorate;
  renderer.decorate = (el, n, mark, view) => {
    innerDecorate?.(el, n, mark, view);
    const mode = view.moderation?.reactions || "";
    const comments = n.comments?.length || 0;
    let row = el.querySelector(":scope > .note-reactions");
    // A note waiting for approval takes neither reactions nor comments
    // until it shows (the server refuses them), and its foot stays free
    // to grab.
    if ((mode === "off" && !comments) || n.pending) return row?.remove();
    if (!row) {
      row = reactionRow(el);
      el.insertBefore(row, el.querySelector(":scope > .note-author"));
    }
    const mine = own(view, n.id);
    const person = !!app.participant; // the projector's page has none
    row.dataset.mode = mode;
    for (const b of row.querySelectorAll(".reaction")) {
      const r = b.dataset.reaction;
      const count = n.reactions?.[r] || 0;
      const pressed = mine.includes(r);
      b.hidden = mode === "off" || (!person && count === 0);
      b.disabled = !person;
      b.classList.toggle("zero", count === 0);
      b.setAttribute("aria-pressed", String(pressed));
      b.querySelector(".reaction-count").textContent = count ? String(count) : "";
      const label = format(t[pressed ? "reactions.labelMine" : "reactions.label"], { name: t["reactions." + r], n: count }) + (mode === "hidden" && person ? " · " + t["reactions.onlyYou"] : "");
      if (b.getAttribute("aria-label") !== label) {
        b.setAttribute("aria-label", label);
        b.title = label;
      }
    }
    const hint = row.querySelector(".reactions-hint");
    hint.hidden = mode !== "hidden" || !person;
    const badge = row.querySelector(".comments-badge");
    badge.hidden = !comments;
    badge.querySelector(".comments-badge-count").textContent = String(comments);
    // Comments waiting for approval are marked on their note's badge: the
    // facilitator finds them here, and their author sees they wait.
    const waiting = waitingComments(n);
    badge.classList.toggle("waiting", waiting > 0);
    let label = comments === 1 ? t["comments.badgeOne"] : format(t["comments.badge"], { n: comments });
    if (waiting) label = format(t["comments.badgeWaiting"], { label, n: waiting });
    if (badge.getAttribute("aria-label") !== label) {
      badge.setAttribute("aria-label", label);
      badge.title = label;
    }
    // A row with nothing to show takes no room from the text until the
    // note is selected or pointed at (then it floats over the foot).
    row.classList.toggle("empty", rowState(n, view) === "e");
  };

  // reactionRow makes a note's row. Its buttons keep their presses to
  // themselves: a press on a note would select or drag it, a double press
  // open it for typing, and Enter or Delete act on the selection.
  function reactionRow(el) {
    const row = document.createElement("div");
    row.className = "note-reactions";
    row.setAttribute("role", "group");
    row.setAttribute("aria-label", t["reactions.row"]);
    const guard = (b) => {
      for (const type of ["pointerdown", "dblclick", "keydown"]) b.addEventListener(type, (e) => e.stopPropagation());
    };
    for (const r of reactionNames) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "reaction";
      b.dataset.reaction = r;
      const emoji = document.createElement("span");
      emoji.setAttribute("aria-hidden", "true");
      emoji.textContent = reactionEmoji[r];
      const count = document.createElement("span");
      count.className = "reaction-count";
      b.append(emoji, count);
      guard(b);
      b.addEventListener("click", (e) => {
        e.stopPropagation();
        toggle(el.dataset.id, r);
      });
      row.append(b);
    }
    const hint = document.createElement("span");
    hint.className = "reactions-hint";
    hint.textContent = t["reactions.onlyYou"];
    hint.title = t["reactions.hiddenHint"];
    const badge = document.createElement("button");
    badge.type = "button";
    badge.className = "comments-badge";
    const icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "💬";
    const n = document.createElement("span");
    n.className = "comments-badge-count";
    badge.append(icon, n);
    guard(badge);
    badge.addEventListener("click", (e) => {
      e.stopPropagation();
      openComments(el.dataset.id);
    });
    row.append(hint, badge);
    return row;
  }

  const waitingComments = (n) => n.comments?.reduce((k, c) => k + (c.pending ? 1 : 0), 0) || 0;

  /** rowState says whether note n has a row ("" none, "e" empty, "f"
   * with counts): only that takes room from its text. */
  function rowState(n, view) {
    const mode = view.moderation?.reactions || "";
    const comments = n.comments?.length || 0;
    if ((mode === "off" && !comments) || n.pending) return "";
    const shown = mode !== "off" && reactionNames.some((r) => n.reactions?.[r] > 0);
    return shown || comments ? "f" : "e";
  }

  /** toggle gives note id reaction r from this person, or takes it back. */
  function toggle(id, r) {
    const view = app.state.view();
    if (view.moderation?.reactions === "off") return;
    if (!app.participant) return; // nobody to react as: its buttons are disabled, this is a click before the welcome
    const kind = own(view, id).includes(r) ? "unreact" : "react";
    app.edit({ kind, id, reaction: r }, { undoable: false });
  }

  // The facilitator's choice: the whole of the moderation settings goes
  // with it, since a moderate replaces them all.
  const modeBox = document.getElementById("reactions-mode");
  modeBox?.addEventListener("change", (e) => {
    const value = e.target.value;
    const m = { ...app.state.view().moderation };
    delete m.reactions;
    if (value) m.reactions = value;
    app.edit({ kind: "moderate", moderation: m }, { undoable: false });
  });

  const coarse = matchMedia("(pointer: coarse)");
  const dock = document.getElementById("dock");
  let above = null; // the note whose row hangs above it, or inside it

  // placeRow hangs the selected note's row above the note, not below it,
  // on a touch screen where below would put it under the dock (the
  // lesson's chips, the selection bar), which take the taps meant for it,
  // or over the note below, whose first line it would hide.
  function placeRow() {
    const [id] = app.ui.selected.size === 1 ? app.ui.selected : [];
    const el = id && coarse.matches && !document.body.classList.contains("projector") ? document.getElementById("note-" + id) : null;
    const row = el?.querySelector(":scope > .note-reactions");
    if (above && above !== el) above.classList.remove("reactions-above", "reactions-inside");
    above = null;
    if (!row || !dock) return;
    const note = el.getBoundingClientRect();
    const r = row.getBoundingClientRect();
    const gap = 6, h = r.height;
    const top = document.querySelector(".topbar")?.getBoundingClientRect().bottom ?? 0;
    const onNote = (y0, y1) => [...el.parentElement.children].some((o) => {
      if (o === el || !o.classList.contains("note")) return false;
      const b = o.getBoundingClientRect();
      return b.left < r.right && r.left < b.right && b.top < y1 && y0 < b.bottom;
    });
    const below = [note.bottom + gap, note.bottom + gap + h], over = [note.top - gap - h, note.top - gap];
    // Above only when below is covered and above is not; inside the
    // note's foot when both are.
    const belowBad = below[1] > dock.getBoundingClientRect().top || onNote(...below);
    const aboveOk = over[0] >= top && !onNote(...over);
    el.classList.toggle("reactions-above", belowBad && aboveOk);
    el.classList.toggle("reactions-inside", belowBad && !aboveOk);
    if (belowBad) above = el;
  }

  function render(view) {
    placeRow();
    if (!modeBox) return;
    const mode = view.moderation?.reactions || "";
    const input = modeBox.querySelector(`input[value="${mode}"]`);
    if (input && !input.checked) input.checked = true;
  }

  return { render, toggle }; // toggle: the list view's buttons too (listview.js)
}
