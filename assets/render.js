// render.js: draws the board model into the page. Notes are keyed by id and
// their elements reused, so a change touches only what changed; note text
// goes through textContent only.

export class Renderer {
  constructor({ boardEl, viewportEl, cursorsEl, strings }) {
    this.boardEl = boardEl;
    this.viewportEl = viewportEl;
    this.cursorsEl = cursorsEl;
    this.t = strings;
    this.els = new Map(); // note id -> element
    // Adopt the notes the server rendered, so the page does not flash.
    for (const el of boardEl.querySelectorAll(".note[data-id]")) this.els.set(el.dataset.id, el);
    this.cursorEls = new Map();
    this.drawn = new Map(); // note id -> what was drawn last, to skip unchanged notes
  }

  /** notes draws every note of view. ui says what is selected, being
   * dragged or edited here, and who edits what elsewhere. */
  notes(view, ui) {
    const seen = new Set();
    for (const n of view.notes.values()) {
      seen.add(n.id);
      let el = this.els.get(n.id);
      if (!el) {
        el = this.create(n.id);
        this.els.set(n.id, el);
        this.boardEl.append(el);
      }
      // Notes are replaced, never changed in place, so an unchanged note
      // with unchanged marks needs no work: a drag on a board of 1,000
      // notes touches one element a frame, not a thousand.
      const sel = ui.selected.has(n.id), drag = ui.dragging.has(n.id), editor = ui.remoteEditors.get(n.id), editing = ui.editing === n.id;
      const d = this.drawn.get(n.id);
      if (d && d.n === n && d.sel === sel && d.drag === drag && d.editor === editor && d.editing === editing) continue;
      this.drawn.set(n.id, { n, sel, drag, editor, editing });
      this.update(el, n, ui);
    }
    for (const [id, el] of this.els) {
      if (!seen.has(id)) {
        el.remove();
        this.els.delete(id);
        this.drawn.delete(id);
      }
    }
  }

  create(id) {
    const el = document.createElement("article");
    el.className = "note";
    el.id = "note-" + id;
    el.dataset.id = id;
    const text = document.createElement("div");
    text.className = "note-text";
    const author = document.createElement("footer");
    author.className = "note-author";
    el.append(text, author);
    return el;
  }

  update(el, n, ui) {
    if (!el.querySelector(".resize-handle")) {
      // Server-rendered notes get their interactive parts here.
      el.tabIndex = 0;
      el.setAttribute("role", "group");
      const handle = document.createElement("div");
      handle.className = "resize-handle";
      handle.setAttribute("aria-hidden", "true");
      el.append(handle);
      if (!el.querySelector(".note-author")) {
        const author = document.createElement("footer");
        author.className = "note-author";
        el.insertBefore(author, handle);
      }
    }
    const s = el.style;
    const px = (v) => v + "px";
    if (s.left !== px(n.x)) s.left = px(n.x);
    if (s.top !== px(n.y)) s.top = px(n.y);
    if (s.width !== px(n.w)) s.width = px(n.w);
    if (s.height !== px(n.h)) s.height = px(n.h);
    if (s.zIndex !== String(n.z)) s.zIndex = String(n.z);
    if (el.dataset.color !== n.color) el.dataset.color = n.color;
    el._text ??= el.querySelector(".note-text");
    el._author ??= el.querySelector(".note-author");
    const text = el._text;
    if (ui.editing !== n.id && text.textContent !== n.text) text.textContent = n.text;
    const author = el._author;
    if (author.textContent !== n.author) author.textContent = n.author;
    const label = (n.text.split("\n")[0] || this.t["note.empty"]).slice(0, 80);
    const aria = `${this.t["note.label"]}: ${label}` + (n.author ? ` (${n.author})` : "");
    if (el.getAttribute("aria-label") !== aria) el.setAttribute("aria-label", aria);
    el.classList.toggle("selected", ui.selected.has(n.id));
    el.classList.toggle("dragging", ui.dragging.has(n.id));
    const editor = ui.remoteEditors.get(n.id);
    if (editor) {
      el.dataset.editor = editor.name || "?";
      el.style.setProperty("--editor-color", editor.color || "#888");
    } else if (el.dataset.editor) {
      delete el.dataset.editor;
    }
  }

  /** camera applies pan and zoom. */
  camera(cam) {
    this.boardEl.style.transform = `translate(${cam.x}px, ${cam.y}px) scale(${cam.zoom})`;
    this.cursorsEl.style.transform = this.boardEl.style.transform;
  }

  /** cursors draws the other people's pointers with their names. */
  cursors(peers, you) {
    const seen = new Set();
    for (const p of peers.values()) {
      if (p.id === you || p.x == null) continue;
      seen.add(p.id);
      let el = this.cursorEls.get(p.id);
      if (!el) {
        el = document.createElement("div");
        el.className = "cursor";
        const label = document.createElement("span");
        el.append(label);
        this.cursorsEl.append(el);
        this.cursorEls.set(p.id, el);
      }
      el.style.transform = `translate(${p.x}px, ${p.y}px)`;
      el.style.setProperty("--peer-color", p.color || "#888");
      el.firstChild.textContent = p.name || "?";
    }
    for (const [id, el] of this.cursorEls) {
      if (!seen.has(id)) {
        el.remove();
        this.cursorEls.delete(id);
      }
    }
  }
}

/** renderPeople fills the list of who is here: this person first, then
 * everyone else, each once (see others). me is {you, participant, name};
 * count is how many connections the board has, which in a large room is
 * more than the server lists (it names the first hundred). */
export function renderPeople(listEl, peers, me, t, count = 0) {
  const items = [{ name: me.name + " " + t["people.you"], color: null }, ...others(peers, me)];
  const unlisted = count - 1 - peers.size; // connections beyond the list, mine aside
  const lis = items.map((p) => {
    const li = document.createElement("li");
    li.textContent = p.name || "?";
    if (p.color) li.style.setProperty("--peer-color", p.color);
    return li;
  });
  if (unlisted > 0) {
    const li = document.createElement("li");
    li.className = "more";
    li.textContent = t["people.more"].replace("{n}", unlisted);
    lis.push(li);
  }
  listEl.replaceChildren(...lis);
}

/** others returns the people present besides me, one entry a person, not a
 * tab: connections that share a participant id are one person with several
 * tabs open (the first one seen stands for them), and a connection without
 * one counts as a person of its own. My own other tabs are me, so they are
 * left out too. */
export function others(peers, me) {
  const people = new Map(); // participant id, or "tab:" + presence id -> peer
  for (const p of peers.values()) {
    if (p.id === me.you || (me.participant && p.participant === me.participant)) continue;
    const key = p.participant || "tab:" + p.id;
    if (!people.has(key)) people.set(key, p);
  }
  return [...people.values()];
}
