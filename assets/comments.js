// comments.js: a note's thread, in the page. The thread opens from the
// note's comment count, from "Comments" on the selection bar, or with C
// on the selected note; it shows the note's comments oldest first, each
// with its author and time (one waiting for approval says so, with
// Approve and Reject for the facilitator; a private one is blank until
// the reveal), and a box to add one: Enter sends. Comments arriving while
// it is open are added to the list, which a screen reader reads out
// (aria-live, additions only: the list is kept, never built again).
// Editors and facilitators comment; anyone deletes their own, and the
// facilitator any. The server checks it all again. What is typed is kept
// for its note (a draft each) until the server takes it: a comment it
// refuses (the word filter, the lock) stays in the box, with why.

import { newId } from "./socket.js";
import { format } from "./render.js";
import { maxComments } from "./conversation.js";

/** attachComments wires the comments panel. It returns open(id), close()
 * and render(view), called after every draw. */
export function attachComments(app) {
  const t = app.t;
  const $ = (id) => document.getElementById(id);
  const panel = $("comments-panel");
  const list = $("comments-list");
  const input = $("comments-input");
  const facilitator = app.role === "facilitate";
  let noteId = null;
  let drawn = null; // the comments last drawn, to skip a view that changed nothing here
  const drafts = new Map(); // note id -> what was typed for it and not yet taken by the server
  const sending = new Map(); // seq -> {note, text}: sent, not yet answered
  const items = new Map(); // comment id -> li
  let time = null; // made when first needed, as paste.js's

  function open(id) {
    if (!app.view().notes.has(id)) return;
    if (input && noteId !== id) {
      // Each note its own draft: what was typed for one is not sent to another.
      keepDraft();
      input.value = drafts.get(id) ?? "";
      showError("");
    }
    noteId = id;
    drawn = null;
    items.clear();
    list.replaceChildren();
    panel.hidden = false;
    document.body.classList.add("comments-open");
    render(app.view());
    (input && !input.disabled ? input : $("comments-close")).focus();
  }

  function close() {
    if (noteId === null) return;
    const id = noteId;
    keepDraft();
    noteId = null;
    const had = panel.contains(document.activeElement);
    panel.hidden = true;
    document.body.classList.remove("comments-open");
    const note = document.getElementById("note-" + id);
    if (app.list?.focusNote(id)) return; // the list view shows the note as a row (listview.js)
    if (note) note.focus();
    // The note is gone (deleted, rejected): the focus, which the hidden
    // panel took with it, goes to the board.
    else if (had || document.activeElement === document.body) app.focusBoard();
  }

  function keepDraft() {
    if (!input || noteId === null) return;
    if (input.value) drafts.set(noteId, input.value);
    else drafts.delete(noteId);
  }

  function showError(text) {
    const el = $("comments-error");
    if (!el || el.textContent === text) return;
    el.textContent = text;
    el.hidden = !text;
  }

  $("comments-close").addEventListener("click", close);
  panel.addEventListener("keydown", (e) => {
    e.stopPropagation(); // the board's keys (Delete, arrows, N) are not for the thread
    if (e.key === "Escape") close();
  });
  $("comments-open")?.addEventListener("click", () => {
    const [id] = app.ui.selected;
    if (id) open(id);
  });
  addEventListener("keydown", (e) => {
    if (e.key !== "c" && e.key !== "C") return;
    if (e.ctrlKey || e.metaKey || e.altKey || app.ui.editing || e.target.closest?.("input, textarea, [contenteditable='true'], dialog")) return;
    const id = e.target.closest?.(".note")?.dataset.id ?? (app.ui.selected.size === 1 ? [...app.ui.selected][0] : null);
    if (!id) return;
    e.preventDefault();
    open(id);
  });

  // Sending: Enter sends, Shift+Enter is a new line.
  const max = () => app.limits.maxTextRunes;
  function count() {
    const n = [...input.value].length;
    $("comments-count").textContent = format(t["comments.count"], { n, max: max() });
    $("comments-count").classList.toggle("over", n > max());
  }
  input?.addEventListener("input", () => {
    count();
    showError("");
  });
  input?.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  $("comments-form")?.addEventListener("submit", (e) => {
    e.preventDefault();
    send();
  });
  // send sends the comment and keeps it in the box until the server takes
  // it (accepted), so a refusal loses nothing; the same text on its way
  // already is not sent twice.
  function send() {
    const text = input.value.trim();
    if (!text || noteId === null || [...text].length > max()) return;
    if (app.lesson && !app.lesson.mayChange()) return; // locked: it says why
    for (const s of sending.values()) if (s.note === noteId && s.text === text) return;
    showError("");
    const seq = app.edit({ kind: "comment", id: noteId, comment: { id: newId(), text } }, { undoable: false });
    if (seq) sending.set(seq, { note: noteId, text });
  }

  /** accepted is told the server took this page's operation seq: a
   * comment sent from here leaves its box, unless more was typed since. */
  function accepted(seq) {
    const s = sending.get(seq);
    if (!s) return;
    sending.delete(seq);
    if (s.note === noteId && input) {
      if (input.value.trim() === s.text) {
        input.value = "";
        count();
      }
    } else if (drafts.get(s.note)?.trim() === s.text) drafts.delete(s.note);
  }

  /** refused is told the server refused operation seq (a reject message
   * m). A comment from here stays in its box; when its thread is open the
   * panel says why, and it returns true (nothing else need say it). */
  function refused(m) {
    const s = sending.get(m.seq);
    if (!s) return false;
    sending.delete(m.seq);
    if (s.note !== noteId || panel.hidden) return false;
    showError(t["error.rejected"] + " " + m.message);
    return true;
  }

  // why returns why this person cannot comment on n now, or "".
  function why(view, n) {
    if (!app.canEdit) return t["comments.viewOnly"];
    if (view.locked && !facilitator) return t["comments.locked"];
    if (n.pending) return t["comments.noteWaiting"];
    if ((n.comments?.length || 0) >= maxComments) return format(t["comments.full"], { max: maxComments });
    return "";
  }

  function render(view) {
    if (noteId === null) return;
    const n = view.notes.get(noteId);
    if (!n) return close(); // deleted, or rejected, meanwhile
    const key = [n.comments, view.locked, n.pending, n.text, app.participant];
    if (drawn && key.every((k, i) => k === drawn[i])) return;
    drawn = key;
    const first = (n.text.split("\n")[0] || t["note.empty"]).slice(0, 80);
    $("comments-note").textContent = format(t["comments.on"], { text: first });
    const cs = n.comments ?? [];
    $("comments-empty").hidden = cs.length > 0;
    const seen = new Set();
    let prev = null;
    for (const c of cs) {
      seen.add(c.id);
      let li = items.get(c.id);
      if (!li) {
        li = item(c.id);
        items.set(c.id, li);
      }
      fill(li, c);
      // In order, moving only what is out of place: an element moved is
      // read out again.
      const want = prev ? prev.nextSibling : list.firstChild;
      if (want !== li) list.insertBefore(li, want);
      prev = li;
    }
    for (const [id, li] of items) {
      if (!seen.has(id)) {
        li.remove();
        items.delete(id);
      }
    }
    const reason = why(view, n);
    $("comments-closed").textContent = reason;
    $("comments-closed").hidden = !reason;
    if (input) {
      input.disabled = !!reason;
      $("comments-send").disabled = !!reason;
      count();
    }
  }

  function item(id) {
    const li = document.createElement("li");
    li.className = "comment";
    li.dataset.id = id;
    const head = document.createElement("div");
    head.className = "comment-head";
    const author = document.createElement("strong");
    author.className = "comment-author";
    const when = document.createElement("time");
    when.className = "comment-time";
    head.append(author, " ", when);
    const text = document.createElement("p");
    text.className = "comment-text";
    const tools = document.createElement("div");
    tools.className = "comment-tools";
    li.append(head, text, tools);
    return li;
  }

  function fill(li, c) {
    const [head, text, tools] = li.children;
    const [author, , when] = head.childNodes;
    // A board that hides names sends none; this person's own comment is
    // theirs to see named, whatever the board keeps.
    const own = !!c.authorId && c.authorId === app.participant;
    author.textContent = c.author || (own && app.name) || t["names.anonymous"];
    const d = new Date(c.at);
    if (when.dateTime !== c.at) {
      when.dateTime = c.at;
      time ??= new Intl.DateTimeFormat(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit" });
      when.textContent = time.format(d);
    }
    const blank = !!c.private && !c.text;
    text.textContent = blank ? t["comments.private"] : c.text;
    text.classList.toggle("blank", blank);
    li.classList.toggle("pending", !!c.pending);
    const mine = !!c.authorId && c.authorId === app.participant;
    const sig = [c.pending, mine, facilitator].join();
    if (tools._sig === sig) return;
    tools._sig = sig;
    const parts = [];
    if (c.pending) {
      const label = document.createElement("span");
      label.className = "comment-waiting";
      label.textContent = t["comments.waiting"];
      parts.push(label);
      if (facilitator) {
        parts.push(
          button("moderation-approve", t["comments.approve"], () => app.edit({ kind: "approve", id: c.id }, { undoable: false })),
          button("moderation-reject", t["comments.reject"], () => app.edit({ kind: "reject", id: c.id }, { undoable: false })),
        );
      }
    }
    if (app.canEdit && (mine || facilitator)) {
      const b = button("comment-delete", t["comments.delete"], async () => {
        if (await app.confirm(t["comments.deleteConfirm"], t["comments.delete"])) {
          app.edit({ kind: "uncomment", id: noteId, comment: { id: c.id } }, { undoable: false });
        }
      });
      b.setAttribute("aria-label", format(t["comments.deleteLabel"], { name: c.author || t["names.anonymous"] }));
      parts.push(b);
    }
    tools.replaceChildren(...parts);
  }

  function button(cls, text, act) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = text;
    b.addEventListener("click", act);
    return b;
  }

  return { open, close, render, accepted, refused, openId: () => noteId };
}
