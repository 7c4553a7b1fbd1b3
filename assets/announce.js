// announce.js: what a screen reader hears of other people's work on the
// board. The board itself is silent to someone who cannot see it: notes
// appear, move and go without a word. Here the changes others make (add,
// edit, move, delete notes) and the people who join are gathered for a
// moment and said in one short sentence a kind ("Bo added 3 notes", "Bo
// and 2 others edited 4 notes", "Eva joined") into a polite live region,
// so a class at work is a murmur, not a flood. This person's own changes,
// from any of their tabs, are never said: they know what they did.
//
// Pure logic but for liveRegion: the clock and the timer are passed in,
// so assets/announce.test.mjs runs it in node without waiting.

import { format } from "./render.js";

/** quietMs: what others do is said once they have paused this long. */
export const quietMs = 1500;
/** maxMs: and at the latest this long after the first change, so a long
 * drag or a class typing away is still heard now and then. */
export const maxMs = 5000;
/** rejoinMs: a person back within this long after leaving (a phone's
 * dropped Wi-Fi, a reload) did not join; they were away a moment. */
export const rejoinMs = 120000;

// The kinds of change said, in the order they are said within one
// sentence group when several happen at once.
const kinds = ["joined", "added", "edited", "moved", "deleted"];

/** changesOf returns what op does to notes as [kind, note id] pairs:
 * "added", "edited" (text, colour, size), "moved" (place, or to the
 * front) or "deleted". Anything else (votes, comments, the lesson's
 * settings) says nothing here: the page shows those its own way. */
export function changesOf(op) {
  if (!op) return [];
  switch (op.kind) {
    case "batch":
      return (op.ops || []).flatMap(changesOf);
    case "create":
      return op.note?.id ? [["added", op.note.id]] : [];
    case "delete":
      return op.id ? [["deleted", op.id]] : [];
    case "update": {
      const set = op.set || {};
      const edited = ["text", "color", "w", "h"].some((k) => k in set);
      return op.id ? [[edited ? "edited" : "moved", op.id]] : [];
    }
  }
  return [];
}

/** Announcer gathers others' changes and says them. say(text) speaks;
 * t is the page's strings; me() returns {client, participant} of this
 * page (the participant is known only after the welcome). setTimer,
 * clearTimer and now stand in for setTimeout, clearTimeout and Date.now. */
export class Announcer {
  constructor({ say, t, me, setTimer = setTimeout, clearTimer = clearTimeout, now = () => Date.now() }) {
    Object.assign(this, { say, t, me, now });
    // Called as functions, not as methods of this: a browser's setTimeout
    // refuses any this but the window.
    this.setTimer = (fn, ms) => setTimer(fn, ms);
    this.clearTimer = (id) => clearTimer(id);
    this.pending = new Map(); // kind -> {people: Map(key -> name), notes: Set(id)}
    this.added = new Set(); // notes added in this window: their first edits are part of adding them
    this.first = 0; // when the first change of this window came
    this.timer = null;
    this.gone = new Map(); // participant -> when they left
  }

  /** op takes an op message from the server; this person's own are left
   * out. A message without an author's name (a board that hides names)
   * is someone's. */
  op(m) {
    const me = this.me();
    if (m.client && m.client === me.client) return;
    if (me.participant && m.authorId === me.participant) return;
    const who = { key: m.authorId || m.client || "?", name: m.author || "" };
    for (const [kind, id] of changesOf(m.op)) {
      if (kind === "added") this.added.add(id);
      else if (this.added.has(id) && kind !== "deleted") continue;
      this.note(kind, who, id);
    }
  }

  /** presence takes a presence message's joined and left, with peers the
   * people present before it (presence id -> peer). A tab of someone
   * already here, a screen without a participant (the projector), this
   * person's own tabs and someone back from a short absence did not join. */
  presence({ joined = [], left = [] }, peers) {
    const me = this.me();
    const now = this.now();
    for (const id of left) {
      const p = peers.get(id);
      if (p?.participant) this.gone.set(p.participant, now);
    }
    const here = new Set();
    for (const p of peers.values()) if (!left.includes(p.id) && p.participant) here.add(p.participant);
    for (const p of joined) {
      if (!p.participant || p.participant === me.participant || here.has(p.participant)) continue;
      here.add(p.participant);
      const away = this.gone.get(p.participant);
      if (away !== undefined && now - away < rejoinMs) continue;
      this.note("joined", { key: p.participant, name: p.name || "" }, null);
    }
  }

  note(kind, who, id) {
    let g = this.pending.get(kind);
    if (!g) this.pending.set(kind, (g = { people: new Map(), notes: new Set() }));
    if (!g.people.has(who.key) || (!g.people.get(who.key) && who.name)) g.people.set(who.key, who.name);
    if (id) g.notes.add(id);
    const now = this.now();
    if (!this.timer) this.first = now;
    this.clearTimer(this.timer);
    const wait = Math.max(0, Math.min(quietMs, this.first + maxMs - now));
    this.timer = this.setTimer(() => this.flush(), wait);
  }

  /** forgetNames drops the names of what has gathered and not been said:
   * the board stopped showing this person names, and what was gathered
   * while it did is said as someone's. */
  forgetNames() {
    for (const g of this.pending.values()) {
      for (const key of g.people.keys()) g.people.set(key, "");
    }
  }

  /** flush says what has gathered, at once. */
  flush() {
    this.clearTimer(this.timer);
    this.timer = null;
    const text = this.sentence();
    this.pending = new Map();
    this.added = new Set();
    if (text) this.say(text);
  }

  /** sentence words what has gathered: one clause a kind of change. */
  sentence() {
    const t = this.t;
    const parts = [];
    for (const kind of kinds) {
      const g = this.pending.get(kind);
      if (!g) continue;
      const who = people([...g.people.values()], t);
      const n = g.notes.size;
      const notes = n === 1 ? t["announce.aNote"] : format(t["announce.notes"], { n });
      parts.push(format(t["announce." + kind], { who, notes }));
    }
    return parts.join(". ");
  }
}

/** people names a group of people briefly: "Bo", "Bo and Ana", "Bo and
 * one other", "Bo and 3 others", or, when no name is known (a board that
 * hides them), "Someone" or "3 people". */
export function people(names, t) {
  const named = names.filter(Boolean);
  const n = names.length;
  if (n === 1) return named[0] || t["announce.someone"];
  if (!named.length) return format(t["announce.people"], { n });
  if (n === 2 && named.length === 2) return format(t["announce.two"], { a: named[0], b: named[1] });
  if (n === 2) return format(t["announce.andOne"], { a: named[0] });
  return format(t["announce.andOthers"], { a: named[0], n: n - 1 });
}

/** liveRegion returns say(text) for a live region element. The same
 * words twice in a row would not be read again (the region's text would
 * not change), so every other time they end in a no-break space. */
export function liveRegion(el) {
  let flip = false;
  return (text) => {
    flip = !flip;
    el.textContent = flip ? text : text + "\u00a0";
  };
}
