// editor.js: typing into a note. A textarea takes the place of the note's
// text while one note is edited here; what is typed goes out as updates of
// the note's text, through app.edit like every other change.

const typingPauseMs = 300; // a pause this long in typing sends what was typed

/** NoteEditor edits the text of one note at a time. */
export class NoteEditor {
  constructor(app) {
    this.app = app;
    this.open = null; // {id, ta, timer, sent, send}
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
    const open = { id, ta, timer: 0, sent: note.text };
    open.send = () => {
      clearTimeout(open.timer);
      if (ta.value === open.sent) return;
      open.sent = ta.value;
      app.edit({ kind: "update", id, set: { text: ta.value } });
    };
    this.open = open;
    // Every pause in typing is an edit of its own (and in the outbox at
    // once), so a dropped connection or a closed tab loses at most the
    // last 300 ms of typing.
    ta.addEventListener("input", () => {
      clearTimeout(open.timer);
      open.timer = setTimeout(open.send, typingPauseMs);
    });
    ta.addEventListener("blur", () => this.stop());
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
    const el = document.getElementById("note-" + open.id);
    if (el) el.querySelector(".note-text").hidden = false;
    this.app.cursor(null, null);
    this.app.render();
  }
}
