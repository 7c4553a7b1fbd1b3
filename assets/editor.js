// editor.js: typing into a note. A textarea takes the place of the note's
// text while one note is edited here; what is typed goes out as updates of
// the note's text, through app.edit like every other change.
//
// While the board's word filter refuses words, the server may refuse a
// text this page cannot judge (only facilitators are sent the words). A
// refused text stays in the editor, which stays open and says why, once,
// and only what the server took goes on the undo stack.

const typingPauseMs = 300; // a pause this long in typing sends what was typed

/** NoteEditor edits the text of one note at a time. */
export class NoteEditor {
  constructor(app) {
    this.app = app;
    this.open = null; // {id, ta, timer, sent, send, refused, why}
    this.waiting = new Map(); // seq -> {op, id}: sent under the refusing filter, not yet answered
    this.taken = new Map(); // note id -> its text as the server last took it from here, what an undo brings back
  }

  /** start opens the editor on note id, closing any other first. */
  start(id) {
    this.stop();
    const app = this.app;
    if (!app.mayChange({ ids: [id] })) return; // locked, or not this person's to change: say so, not type in vain
    const el = document.getElementById("note-" + id);
    const note = app.view().notes.get(id);
    if (!el || !note) return;
    // Someone else's private note shows blank here, and its text is theirs
    // alone until the reveal: the server refuses every change to it, so
    // typing would only lose what was typed.
    if (note.private && (!note.authorId || note.authorId !== app.participant)) {
      app.toast(app.t["lesson.notYours"]);
      return;
    }
    const ta = document.createElement("textarea");
    ta.className = "note-editor";
    ta.value = note.text;
    ta.maxLength = app.limits.maxTextRunes;
    ta.setAttribute("aria-label", app.t["note.edit"]);
    el.querySelector(".note-text").hidden = true;
    el.append(ta);
    app.ui.editing = id;
    const open = { id, ta, timer: 0, sent: note.text, refused: false, why: null };
    if (![...this.waiting.values()].some((w) => w.id === id)) this.taken.set(id, note.text);
    open.send = () => {
      clearTimeout(open.timer);
      if (ta.value === open.sent) return;
      open.sent = ta.value;
      const op = { kind: "update", id, set: { text: ta.value } };
      if (app.view().moderation?.filter?.mode !== "refuse") {
        app.edit(op);
        return;
      }
      // Recorded once the server took it (accepted): a refused text is no
      // step to undo, and an undo brings back what the server took.
      const seq = app.edit(op, { undoable: false });
      if (seq) this.waiting.set(seq, { op, id });
    };
    this.open = open;
    // Every pause in typing is an edit of its own (and in the outbox at
    // once), so a dropped connection or a closed tab loses at most the
    // last 300 ms of typing.
    ta.addEventListener("input", () => {
      clearTimeout(open.timer);
      open.timer = setTimeout(open.send, typingPauseMs);
    });
    // A refused text is kept where it can be changed: the editor stays
    // open (Escape closes it), and what was changed meanwhile still goes.
    ta.addEventListener("blur", () => (open.refused ? open.send() : this.stop()));
    ta.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        this.stop();
        el.focus();
      }
      e.stopPropagation(); // keys typed here are text, not commands
    });
    ta.focus();
    ta.setSelectionRange(ta.value.length, ta.value.length);
    app.cursor(null, null);
    app.render();
  }

  /** stop sends what is left unsent and closes the editor, if open. */
  stop() {
    const open = this.open;
    if (!open) return;
    // Closed before the textarea goes: removing it may blur it, which
    // calls stop again.
    this.open = null;
    open.send();
    this.app.ui.editing = null;
    open.ta.remove();
    open.why?.remove();
    const el = document.getElementById("note-" + open.id);
    if (el) el.querySelector(".note-text").hidden = false;
    this.app.cursor(null, null);
    this.app.render();
    this.onStop?.(open.id); // actions.js: the view zoomed in to write goes back
  }

  /** accepted is told the server took this page's operation seq: a text
   * sent under the refusing filter goes on the undo stack now, and a note
   * marked refused is not any more. */
  accepted(seq) {
    const w = this.waiting.get(seq);
    if (!w) return;
    this.waiting.delete(seq);
    const before = this.taken.get(w.id);
    const text = w.op.set.text;
    this.taken.set(w.id, text);
    if (before !== undefined && before !== text) this.app.undo.record(w.op, { kind: "update", id: w.id, set: { text: before } });
    const open = this.open;
    if (open?.id !== w.id || !open.refused) return;
    this.mark(open, false);
    if (document.activeElement !== open.ta) this.stop(); // kept open only for the refusal
  }

  /** refused is told the server refused operation seq (a reject message
   * m). It returns true when the refusal was the filter's of a text typed
   * here, which it then shows in the editor, kept open or opened again
   * with that text: nothing else need say it. */
  refused(m) {
    const w = this.waiting.get(m.seq);
    if (!w) return false;
    this.waiting.delete(m.seq);
    if (m.code !== "invalid") return false; // the lock, say: the page says it as for any change
    let open = this.open;
    if (!open && !document.querySelector("dialog[open]")) {
      // Closed before the answer came: open again, with the text the
      // server refused, which would otherwise be gone.
      this.start(w.id);
      open = this.open;
      if (open?.id === w.id) {
        open.ta.value = open.sent = w.op.set.text;
        open.ta.setSelectionRange(open.ta.value.length, open.ta.value.length);
      }
    }
    if (open?.id !== w.id) return false;
    this.mark(open, true);
    return true;
  }

  // mark shows, or stops showing, that the server refused the text in the
  // editor, beside it and to a screen reader (once, as an alert).
  mark(open, on) {
    open.refused = on;
    open.ta.classList.toggle("refused", on);
    if (on && !open.why) {
      open.why = document.createElement("p");
      open.why.className = "note-editor-error";
      open.why.id = "note-editor-error";
      open.why.setAttribute("role", "alert");
      open.why.textContent = this.app.t["note.refused"];
      open.ta.after(open.why);
      open.ta.setAttribute("aria-invalid", "true");
      open.ta.setAttribute("aria-describedby", open.why.id);
    } else if (!on && open.why) {
      open.why.remove();
      open.why = null;
      open.ta.removeAttribute("aria-invalid");
      open.ta.removeAttribute("aria-describedby");
    }
  }
}
