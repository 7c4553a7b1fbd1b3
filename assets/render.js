// render.js: draws the board model into the page. Notes are keyed by id and
// their elements reused, so a change touches only what changed; note text
// goes through textContent only.
//
// Text that does not fit its note is first set smaller, step by step, but
// never below a floor (14 px, or the normal 16 px when large text is on:
// large text may lose its extra size, never more); what still does not fit
// is marked as going on (the class "clipped": its last line fades out and
// the note shows a "⋯" marker, with the whole text as the note's tooltip).
// Notes do not grow to fit: their size is shared with everyone, and large
// text is one person's choice.

const fitSteps = [0.9, 0.8, 0.7, 0.6]; // text sizes tried, as fractions of the note's own
const tooltipChars = 1000; // a clipped note's tooltip shows this much of its text

/** format fills the {name} places of a page string s with vars, as they
 * are: a replacer function, not a replacement string, so a person's name
 * such as "$&" is shown as typed and never read as a pattern. A place
 * vars does not name is left as it is. */
export function format(s, vars = {}) {
  return String(s).replace(/\{(\w+)\}/g, (place, k) => (Object.hasOwn(vars, k) ? String(vars[k]) : place));
}

export class Renderer {
  /** editable says whether notes get their handles for editing (a resize
   * corner): not on a view link's page, which changes nothing. */
  constructor({ boardEl, viewportEl, cursorsEl, strings, editable = true }) {
    this.editable = editable;
    this.boardEl = boardEl;
    this.viewportEl = viewportEl;
    this.cursorsEl = cursorsEl;
    this.t = strings;
    this.els = new Map(); // note id -> element
    // Adopt the notes the server rendered, so the page does not flash.
    for (const el of boardEl.querySelectorAll(".note[data-id]")) this.els.set(el.dataset.id, el);
    this.cursorEls = new Map();
    this.drawn = new Map(); // note id -> what was drawn last, to skip unchanged notes
    this.refitAll = false;
  }

  /** refit measures every note's text again at the next draw: for a
   * change of text size. */
  refit() {
    this.refitAll = true;
  }

  /** notes draws every note of view. ui says what is selected, being
   * dragged or edited here, and who edits what elsewhere. */
  notes(view, ui) {
    const seen = new Set();
    const measure = [];
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
      // mark sums up what a lesson shows on the note (lesson.js: private
      // writing, votes), drawn by decorate; both hooks are optional.
      const mark = this.marks ? this.marks(n, view) : "";
      const d = this.drawn.get(n.id);
      if (!(d && d.n === n && d.sel === sel && d.drag === drag && d.editor === editor && d.editing === editing && d.mark === mark)) {
        this.drawn.set(n.id, { n, sel, drag, editor, editing, mark });
        this.update(el, n, ui);
        this.decorate?.(el, n, mark, view);
      }
      // Only a change of text or size (or a note just out of the editor,
      // or a lesson's mark, which can take room from the text) can change
      // what fits: a drag across the board measures nothing. fitMark, if
      // set, is the part of the mark that can take room (reactions.js: a
      // row or none, not its counts), so a reaction does not refit.
      const key = editing ? "" : n.text + "\u0000" + n.w + "\u0000" + n.h + "\u0000" + (this.fitMark ? this.fitMark(n, view, mark) : mark);
      if (key && (this.refitAll || el._fitKey !== key)) measure.push(el);
      if (!key && el.classList.contains("clipped")) el.classList.remove("clipped"); // the editor scrolls instead
      el._fitKey = key;
    }
    for (const [id, el] of this.els) {
      if (!seen.has(id)) {
        el.remove();
        this.els.delete(id);
        this.drawn.delete(id);
      }
    }
    this.refitAll = false;
    this.fitText(measure);
  }

  /** fitText sets the text of each note element in els as large as fits,
   * from the note's own size down to the floor, and marks the notes whose
   * text does not fit even then. It measures all of them at once at each
   * step, so a thousand notes cost a handful of layouts, not a thousand. */
  fitText(els) {
    if (!els.length) return;
    for (const el of els) {
      el._text ??= el.querySelector(".note-text");
      el._text.style.fontSize = "";
    }
    const base = parseFloat(getComputedStyle(els[0]).fontSize) || 16;
    const floor = base > 16 ? 16 : 14;
    const tall = (el) => el._text.scrollHeight > el._text.clientHeight + 1;
    const wide = (el) => el._text.scrollWidth > el._text.clientWidth + 1;
    // While measuring, words are not broken ("fitting" in the CSS), so a
    // word too long for its line ("Photosynthesis" in large text) makes the
    // text smaller too, rather than breaking in two.
    for (const el of els) el._text.classList.add("fitting");
    let over = els.filter((el) => tall(el) || wide(el));
    for (const f of fitSteps) {
      if (!over.length || base * f < floor - 0.01) break;
      for (const el of over) el._text.style.fontSize = f * 100 + "%";
      over = over.filter((el) => tall(el) || wide(el));
    }
    for (const el of els) el._text.classList.remove("fitting");
    // At the floor a long word breaks after all, which can take a line more.
    const clipped = new Set(over.filter(tall));
    for (const el of els) {
      const was = el.classList.contains("clipped"), is = clipped.has(el);
      if (was !== is) el.classList.toggle("clipped", is);
      if (is) el.title = [...el._text.textContent].slice(0, tooltipChars).join("");
      else if (was) el.removeAttribute("title");
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
    if (!el._ready) {
      // Server-rendered notes get their interactive parts here.
      el._ready = true;
      el.tabIndex = 0;
      el.setAttribute("role", "group");
      if (!el.querySelector(".note-author")) {
        const author = document.createElement("footer");
        author.className = "note-author";
        el.append(author);
      }
      if (this.editable) {
        // What the keys do with a note, read after its name (board.templ).
        el.setAttribute("aria-describedby", "note-keys");
        const handle = document.createElement("div");
        handle.className = "resize-handle";
        handle.setAttribute("aria-hidden", "true");
        el.append(handle);
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
    if (author.title !== n.author) author.title = n.author; // the whole name, where one line cuts it
    const label = (n.text.split("\n")[0] || this.t["note.empty"]).slice(0, 80);
    // A note waiting for approval says so in its name too, not only in
    // its look (moderation.js draws the label).
    const aria = `${this.t["note.label"]}: ${label}` + (n.author ? ` (${n.author})` : "") + (n.pending ? ` · ${this.t["moderation.waiting"]}` : "");
    if (el.getAttribute("aria-label") !== aria) el.setAttribute("aria-label", aria);
    el.classList.toggle("selected", ui.selected.has(n.id));
    el.classList.toggle("dragging", ui.dragging.has(n.id));
    const editor = ui.remoteEditors.get(n.id);
    if (editor) {
      el.dataset.editor = editor.name || this.t["names.anonymous"]; // a board that hides names sends none
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
      // A board that hides names sends none: the pointer goes unlabelled.
      el.firstChild.textContent = p.name || "";
      el.firstChild.hidden = !p.name;
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
 * everyone else, each once (see others), each with their role. me is
 * {you, participant, name, role}; count is how many connections the board
 * has, which in a large room is more than the server lists (it names the
 * first hundred). With onRemove (the facilitator's page), everyone else
 * gets a Remove button that calls it with their entry. The list is built
 * again only when what it shows changed, so a button is not replaced
 * under a press as cursors move. It returns how many people are here, me
 * included. presenter is the presence id of whoever presents (stage.js):
 * their entry says so, and a mark shows each person who follows (me too,
 * with me.following); a person presents or follows when any of their tabs
 * does. */
export function renderPeople(listEl, peers, me, t, count = 0, { onRemove, presenter } = {}) {
  const person = (p) => p.participant || "tab:" + p.id;
  const presents = new Set(), follows = new Set();
  for (const p of peers.values()) {
    if (p.id === presenter) presents.add(person(p));
    if (p.following) follows.add(person(p));
  }
  const mine = me.participant || "tab:" + me.you;
  const items = [
    { name: me.name + " " + t["people.you"], color: null, role: me.role, me: true, presents: !!presenter && (presenter === me.you || presents.has(mine)), follows: !!me.following, hand: me.hand },
    // A connection without a participant is a screen, not a person (the
    // projector's page): named, but no role, no Remove, and not counted.
    // A person on a board that hides names comes without name and
    // participant (but for those who facilitate): a person still.
    ...others(peers, me).map((p) => {
      const screen = !p.participant && (!!p.name || p.role === "facilitate");
      return { ...p, screen, role: screen ? "" : p.role, presents: presents.has(person(p)), follows: follows.has(person(p)) };
    }),
  ];
  const unlisted = count - 1 - peers.size; // connections beyond the list, mine aside
  const sig = JSON.stringify([items.map((p) => [p.id, p.name, p.color, p.role, p.presents, p.follows, p.hand || "", !!p.screen]), unlisted, !!onRemove]);
  const n = items.filter((p) => !p.screen).length + Math.max(0, unlisted);
  if (listEl._sig === sig) return n;
  listEl._sig = sig;
  const lis = items.map((p) => {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.className = "person-name";
    name.textContent = p.name || t["names.anonymous"]; // a board that hides names sends none
    li.append(name);
    if (p.role && t["role." + p.role]) {
      const role = document.createElement("span");
      role.className = "person-role";
      role.textContent = t["role." + p.role];
      li.append(" ", role);
    }
    if (p.presents) {
      const badge = document.createElement("span");
      badge.className = "person-presents";
      badge.textContent = t["people.presenting"];
      li.append(badge);
    } else if (p.follows) {
      const mark = document.createElement("span");
      mark.className = "person-follows";
      mark.textContent = "◎";
      mark.title = t["people.following"];
      mark.setAttribute("role", "img");
      mark.setAttribute("aria-label", t["people.following"]);
      li.append(mark);
    }
    if (p.hand === "raised" || p.hand === "done") {
      // A raised hand, or done (lesson.js): one per person, from presence.
      const hand = document.createElement("span");
      hand.className = p.hand === "raised" ? "person-hand icon icon-hand" : "person-hand";
      hand.dataset.hand = p.hand;
      hand.textContent = p.hand === "raised" ? "" : "✓";
      hand.title = t[p.hand === "raised" ? "lesson.handUpLabel" : "lesson.handDoneLabel"];
      hand.setAttribute("role", "img");
      hand.setAttribute("aria-label", hand.title);
      li.append(hand);
      li.dataset.hand = p.hand;
    }
    if (p.color) li.style.setProperty("--peer-color", p.color);
    if (onRemove && !p.me && !p.screen) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "person-remove";
      b.textContent = t["people.remove"];
      b.setAttribute("aria-label", format(t["people.removeLabel"], { name: p.name || t["names.anonymous"] }));
      b.addEventListener("click", () => onRemove(p));
      li.append(b);
    }
    return li;
  });
  if (unlisted > 0) {
    const li = document.createElement("li");
    li.className = "more";
    li.textContent = format(t["people.more"], { n: unlisted });
    lis.push(li);
  }
  listEl.replaceChildren(...lis);
  return n;
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

/** menuKeys gives a menu of buttons the keys of a menu: arrows, Home and
 * End move between its items; Escape and Tab close it (close) and put the
 * focus back on the button that opened it. */
export function menuKeys(menu, button, close) {
  menu.addEventListener("keydown", (e) => {
    e.stopPropagation(); // the menu's keys, not the bar's or the board's
    const items = [...menu.querySelectorAll("button")];
    const i = items.indexOf(document.activeElement);
    const to = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: items.length - 1 }[e.key];
    if (to !== undefined) {
      e.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    } else if (e.key === "Escape" || e.key === "Tab") {
      e.preventDefault();
      close();
      button.focus();
    }
  });
}
