// moderation.js: what the facilitator allows on a board, in the page.
// Notes waiting for approval look different for the people who see them
// (their author and facilitators): dashed, hatched and labelled. The
// facilitator approves or rejects each on the note, or every one from the
// lesson bar, and sets the board's moderation in the Moderation dialog
// (from the Lesson panel): approval, own notes only, closed to new notes,
// the word filter, and whose names show (everyone's, facilitators' only,
// or none kept). Everyone else sees what is on in the lesson bar, and
// a change the settings refuse is stopped before it is sent, saying why.
//
// Moderation goes through app.edit like every other change, and is never
// undone. The page only mirrors the rules: the server checks them all
// again, and its refusal is shown like any other.

import { format } from "./render.js";

const maxFilterWords = 500; // board.MaxFilterWords
const maxFilterWordRunes = 40; // board.MaxFilterWordRunes
// A filter word as the server takes it: letters, digits and marks, and a
// trailing * for every word that begins so (board.checkModeration). Digits
// are Go's unicode.IsDigit, \p{Nd} (isWordRune in board/moderation.go):
// \p{N} would let through ½ or Ⅻ, which the server refuses.
const filterWord = /^[\p{L}\p{Nd}\p{M}]+\*?$/u;

/** parseWords reads the words typed for the filter, one a line or
 * separated by commas, and checks them as the server does. It returns
 * {words} or {error: [key, vars]}. Words repeated in any case are kept
 * once. */
export function parseWords(text) {
  const words = [];
  const seen = new Set();
  for (const raw of String(text).split(/[\n,]+/)) {
    const w = raw.trim();
    if (!w) continue;
    if (!filterWord.test(w) || [...w].length > maxFilterWordRunes) return { error: ["moderation.badWord", { word: [...w].slice(0, 60).join("") }] };
    const key = w.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    words.push(w);
  }
  if (words.length > maxFilterWords) return { error: ["moderation.tooManyWords", { max: maxFilterWords, n: words.length }] };
  return { words };
}

/** attachModeration wires the notes' waiting marks (through renderer's
 * marks and decorate hooks, after lesson.js's), the lesson bar's
 * moderation badges and, on the facilitator's page, the approve and
 * reject buttons and the Moderation dialog. It returns what board.js
 * calls: render after every draw, onMessage for every server message,
 * mayChange before an action starts, and mayEdit before every edit. */
export function attachModeration(app, { renderer }) {
  const t = app.t;
  const $ = (id) => document.getElementById(id);
  const facilitator = app.role === "facilitate";
  const fill = (key, vars) => format(t[key] || key, vars);
  const setText = (el, s) => {
    if (el && el.textContent !== s) el.textContent = s;
  };
  const show = (el, on) => {
    if (el && el.hidden === on) el.hidden = !on;
  };
  const mine = (n) => !!n.authorId && n.authorId === app.participant;

  // --- Notes waiting for approval --------------------------------------------

  const innerMarks = renderer.marks;
  renderer.marks = (n, view) => (innerMarks ? innerMarks(n, view) : "") + (n.pending ? "|Q" : "");

  const innerDecorate = renderer.decorate;
  renderer.decorate = (el, n, mark, view) => {
    innerDecorate?.(el, n, mark, view);
    el.classList.toggle("pending", !!n.pending);
    let box = el.querySelector(":scope > .note-pending");
    if (!n.pending) return box?.remove();
    if (!box) {
      box = pendingBox(el);
      el.prepend(box);
    }
  };

  // pendingBox makes a waiting note's label and, for a facilitator, its
  // Approve and Reject buttons. The buttons keep their presses to
  // themselves: a press on a note would select or drag it, a double press
  // open it for typing, and Enter or Delete act on the selection.
  function pendingBox(el) {
    const box = document.createElement("div");
    box.className = "note-pending";
    const label = document.createElement("span");
    label.className = "note-pending-label";
    label.textContent = t["moderation.waiting"];
    box.append(label);
    if (!facilitator) return box;
    const button = (cls, text, title, act) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = cls;
      b.textContent = text;
      b.title = title;
      b.setAttribute("aria-label", title);
      for (const type of ["pointerdown", "dblclick", "keydown"]) b.addEventListener(type, (e) => e.stopPropagation());
      b.addEventListener("click", (e) => {
        e.stopPropagation();
        // The buttons go with the note's waiting (and a rejected note with
        // them): the focus, if it was here, goes on to the note.
        act(el.dataset.id, el.contains(document.activeElement));
      });
      return b;
    };
    box.append(
      button("moderation-approve", t["moderation.approve"], t["moderation.approveLabel"], approve),
      button("moderation-reject", t["moderation.reject"], t["moderation.rejectLabel"], reject),
    );
    return box;
  }

  const run = (op) => app.edit(op, { undoable: false });

  function approve(id, focused = false) {
    if (!run(id ? { kind: "approve", id } : { kind: "approve" })) return;
    if (focused) refocus(id);
  }

  // reject asks first: a rejected note is deleted, for its author too, and
  // its id can never come back.
  async function reject(id, focused = false) {
    const w = waiting(app.state.view());
    if (!id && !(w.notes + w.comments)) return;
    const question = id ? t["moderation.rejectConfirm"] : fill("moderation.rejectAllConfirm", { list: waitingList(w) });
    if (!(await app.confirm(question, id ? t["moderation.reject"] : t["moderation.rejectAll"]))) return;
    if (run(id ? { kind: "reject", id } : { kind: "reject" }) && focused) refocus(id);
  }

  // refocus puts the focus, which was on a note's Approve or Reject, on
  // the note, or, when it is gone (rejected), on the next note waiting, or
  // the board.
  function refocus(id) {
    app.renderNow(); // the note's buttons are gone only once it is drawn again
    const el = document.getElementById("note-" + id);
    if (el) return el.focus();
    const next = document.querySelector("#board > .note.pending");
    if (next) next.focus();
    else app.focusBoard();
  }

  /** waiting counts the notes and comments waiting for approval that this
   * page has: {notes, comments}. */
  function waiting(view) {
    let notes = 0, comments = 0;
    for (const n of view.notes.values()) {
      if (n.pending) notes++;
      if (n.comments) for (const c of n.comments) if (c.pending) comments++;
    }
    return { notes, comments };
  }

  // waitingList says what waits, as "2 notes, 1 comment".
  function waitingList({ notes, comments }) {
    const part = (n, key) => (n === 1 ? t[key + "One"] : fill(key, { n }));
    const parts = [];
    if (notes) parts.push(part(notes, "moderation.notes"));
    if (comments) parts.push(part(comments, "moderation.comments"));
    return parts.join(", ");
  }

  // --- What the settings refuse ------------------------------------------------

  /** refusal returns the key of the reason the board's moderation refuses
   * a change of this person's, or "": adding notes (create) while the
   * board is closed, changing the notes ids that someone else made while
   * only one's own may be changed, or, for a facilitator, a note still
   * waiting (approve or reject it first). The server refuses the same. */
  function refusal({ create = false, ids = [] }) {
    const view = app.state.view();
    const m = view.moderation;
    if (create && m?.closed && !facilitator) return "moderation.closedRefused";
    for (const id of ids) {
      const n = view.notes.get(id);
      if (!n || mine(n)) continue;
      if (n.pending && facilitator) return "moderation.waitingRefused";
      if (m?.ownNotes && !facilitator) return "moderation.ownRefused";
    }
    return "";
  }

  /** mayChange says whether this person may make a change ({create, ids}),
   * and when not, says why once (the toast shows one message at a time). */
  function mayChange(change = {}) {
    const why = refusal(change);
    if (why) app.toast(t[why]);
    return !why;
  }

  /** mayEdit is mayChange for an operation about to be sent. */
  function mayEdit(op) {
    const change = { create: false, ids: [] };
    for (const o of op.kind === "batch" || op.kind === "each" ? op.ops || [] : [op]) {
      if (o.kind === "create") change.create = true;
      else if (o.kind === "update" || o.kind === "delete") change.ids.push(o.id);
    }
    return mayChange(change);
  }

  // --- The lesson bar ----------------------------------------------------------

  const narrow = matchMedia("(max-width: 600px)");

  function drawBar(view) {
    const m = view.moderation;
    const closed = $("moderation-closed-badge");
    show(closed, !!m?.closed);
    setText(closed, t["moderation.closedBadge"]);
    if (closed.title !== t["moderation.closedRefused"] && !facilitator) closed.title = t["moderation.closedRefused"];
    // Students are told their notes wait; the facilitator sees the count.
    const approval = $("moderation-approval-badge");
    show(approval, !!m?.approval && !facilitator && app.canEdit);
    setText(approval, narrow.matches ? t["moderation.approvalShort"] : t["moderation.approvalBadge"]);
    if (approval.title !== t["moderation.approvalBadge"]) approval.title = t["moderation.approvalBadge"];
    // Everyone is told when names are hidden, or not kept at all.
    const names = $("moderation-names-badge");
    if (names) {
      const mode = m?.names || "";
      show(names, mode === "staff" || mode === "none");
      setText(names, t[mode === "none" ? "names.noneBadge" : "names.hiddenBadge"]);
      const help = t[mode === "none" ? "names.noneBadgeHelp" : facilitator ? "names.staffHelp" : "names.hiddenHelp"];
      if (names.title !== help) names.title = help;
    }

    const add = $("add-note");
    if (add) {
      const off = !!m?.closed && !facilitator;
      if (add.disabled !== off) add.disabled = off;
      const tip = off ? t["moderation.closedRefused"] : "";
      if ((add.getAttribute("title") || "") !== tip) tip ? (add.title = tip) : add.removeAttribute("title");
    }

    // Comments wait too: a teacher must see them even when no note does.
    const bar = $("moderation-waiting");
    if (bar) {
      const w = waiting(view);
      const n = w.notes + w.comments;
      show(bar, n > 0);
      const count = $("moderation-count");
      setText(count, fill("moderation.count", { n }));
      const list = waitingList(w);
      if (count.title !== list) count.title = list;
    }
  }

  // --- The facilitator's Moderation dialog -------------------------------------

  const dialog = $("moderation-dialog");
  if (dialog) attachDialog();

  let sentSeq = 0; // the last moderate sent from the dialog, whose refusal it shows

  function attachDialog() {
    const form = $("moderation-form");
    $("moderation-open").addEventListener("click", () => {
      fillForm(app.state.view().moderation, true);
      showError("");
      setText($("mod-saved"), "");
      dialog.showModal();
    });
    // The ⋯ menu opens it too: the Lesson panel is not always open.
    $("moderation-menu")?.addEventListener("click", () => $("moderation-open").click());
    $("moderation-close").addEventListener("click", () => dialog.close());
    // The board's keys are for notes, not for the dialog's fields.
    dialog.addEventListener("keydown", (e) => e.stopPropagation());
    for (const id of ["mod-approval", "mod-own", "mod-closed", "mod-defaults"]) $(id).addEventListener("change", () => send());
    for (const r of form.querySelectorAll('[name="mod-filter"]')) r.addEventListener("change", () => send());
    for (const r of form.querySelectorAll('[name="mod-names"]')) r.addEventListener("change", () => sendNames(r));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (send() && filterMode()) setText($("mod-saved"), fill("moderation.wordsSaved", { n: parseWords($("mod-words").value).words.length }));
    });
    $("mod-words").addEventListener("input", () => {
      showError("");
      setText($("mod-saved"), "");
    });
    $("moderation-approve-all").addEventListener("click", () => approve(""));
    $("moderation-reject-all").addEventListener("click", () => reject(""));
  }

  const filterMode = () => $("moderation-form").querySelector('[name="mod-filter"]:checked')?.value || "";

  // settings returns the whole of the settings the dialog shows, or null
  // (having said why) when its words are not ones the server takes.
  function settings() {
    const m = { approval: $("mod-approval").checked, ownNotes: $("mod-own").checked, closed: $("mod-closed").checked };
    // The reactions' mode is set in the Lesson panel (reactions.js): kept as it is.
    const reactions = app.state.view().moderation?.reactions;
    if (reactions) m.reactions = reactions;
    const names = $("moderation-form").querySelector('[name="mod-names"]:checked')?.value || "";
    if (names) m.names = names;
    const mode = filterMode();
    if (mode) {
      const parsed = parseWords($("mod-words").value);
      if (parsed.error) {
        showError(fill(...parsed.error));
        return null;
      }
      m.filter = { mode, defaults: $("mod-defaults").checked, words: parsed.words };
    }
    return m;
  }

  // sendNames sends a choice of whose names show. Names not kept erases
  // every name already on the board, at once and for good: that is asked
  // first, and the choice goes back to the board's when the answer is no.
  async function sendNames(radio) {
    if (radio.value === "none" && app.state.view().moderation?.names !== "none") {
      const yes = await app.confirm(t["names.noneConfirm"], t["names.noneConfirmOk"]);
      if (!yes || !radio.checked) {
        if (!yes) fillForm(app.state.view().moderation, false);
        radio.focus();
        return;
      }
      radio.focus(); // back in the dialog, where the question came from
    }
    send();
  }

  // send sends the dialog's settings, whole, as one moderate.
  function send() {
    const m = settings();
    if (!m) return false;
    showError("");
    sentSeq = run({ kind: "moderate", moderation: m });
    return sentSeq > 0;
  }

  function showError(text) {
    const el = $("mod-error");
    setText(el, text);
    show(el, !!text);
  }

  // fillForm shows the board's settings in the dialog; the words only when
  // asked (the dialog opening), never under a person's typing.
  function fillForm(m, words) {
    $("mod-approval").checked = !!m?.approval;
    $("mod-own").checked = !!m?.ownNotes;
    $("mod-closed").checked = !!m?.closed;
    const mode = m?.filter?.mode || "";
    for (const r of $("moderation-form").querySelectorAll('[name="mod-filter"]')) r.checked = r.value === mode;
    for (const r of $("moderation-form").querySelectorAll('[name="mod-names"]')) r.checked = r.value === (m?.names || "");
    $("mod-defaults").checked = m?.filter ? !!m.filter.defaults : true;
    if (words) $("mod-words").value = (m?.filter?.words || []).join("\n");
  }

  function drawPanel(view) {
    const summary = $("moderation-summary");
    if (!summary) return;
    const m = view.moderation;
    const on = [];
    if (m?.approval) on.push(t["moderation.shortApproval"]);
    if (m?.ownNotes) on.push(t["moderation.shortOwnNotes"]);
    if (m?.closed) on.push(t["moderation.shortClosed"]);
    if (m?.filter) on.push(t["moderation.shortFilter"]);
    if (m?.names === "staff") on.push(t["moderation.shortNamesStaff"]);
    if (m?.names === "none") on.push(t["moderation.shortNamesNone"]);
    setText(summary, on.length ? fill("moderation.summaryOn", { list: on.join(", ") }) : t["moderation.summaryOff"]);
    // Marked, not pressed: the button opens a dialog, and the summary
    // beside it says what is on.
    $("moderation-open").classList.toggle("on", on.length > 0);
    // Another tab of the facilitator's may change the settings meanwhile.
    if (dialog.open && view.moderation !== shownSettings) fillForm(m, false);
    shownSettings = view.moderation;
  }
  let shownSettings;

  // --- Wiring ------------------------------------------------------------------

  /** onMessage shows, in the dialog, the server's refusal of the settings
   * it sent (the toast says it too, under the dialog). */
  function onMessage(m) {
    if (m.type === "reject" && m.seq === sentSeq && dialog?.open) showError(m.message);
  }

  function render(view) {
    drawBar(view);
    drawPanel(view);
  }

  /** allows says, without a word, whether the settings let this person
   * make a change: the tools for one they refuse are not offered. */
  const allows = (change = {}) => !refusal(change);

  return { render, onMessage, mayChange, mayEdit, allows, approve, reject }; // approve, reject: the list view's buttons too (listview.js)
}
