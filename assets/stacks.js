// stacks.js: stacks of notes in the page (board/stacks.go has the rules).
// A note on a stack names the stack's head in its stack field; the page
// draws a stack where its head lies, as the head with a pile of card edges
// under it and a count ("3 notes"), and does not draw its other notes,
// whose own places are stale. Votes and reactions on a stack's notes add
// up on it; moving the head moves the stack, and recolouring it recolours
// every note of it.
//
// A person stacks notes by dragging them onto another note (the note
// under the pointer, or the one the note dragged covers most of, lights
// up while it would take them), or with "Stack on…" in the selection bar,
// which lists the notes nearest first. A stack opens in a dialog that
// lists its notes, each readable, editable, votable and taken out on its
// own, and takes it apart: its notes laid out beside it. After a round of
// votes the facilitator can arrange the notes and stacks by their votes.
//
// Every change goes through app.edit, so undo, the lock, the moderation
// and the server's refusals hold as for any edit. The pure parts (what a
// drag drops on, the updates that stack, where notes taken out go, the
// order by votes) are exported for stacks.test.mjs.

import { ballotTotal, inverse, stackOf } from "./state.js";
import { format, menuKeys } from "./render.js";
import { columnOf, columnWidth, reactionEmoji } from "./conversation.js";
import { bounds, fitCamera, inset, overlap, placeGap, revealCamera, screenToBoard } from "./layout.js";

/** pileOffset is how far the pile's card edges show right of and below a
 * stack's head, in board units (the CSS draws them): notes laid out
 * beside a stack keep clear of them. */
export const pileOffset = 12;

const menuNotes = 40; // "Stack on…" lists this many notes, the nearest first
const labelChars = 40; // a note is named in menus and buttons by this much of its first line

// --- Pure: tested in stacks.test.mjs -----------------------------------------

const cmpId = (p, q) => (p.id < q.id ? -1 : p.id > q.id ? 1 : 0);
const update = (id, set) => ({ kind: "update", id, set });

/** headOf returns the id of the head of the stack note n lies on, or ""
 * when it heads one or lies on its own. A stack naming a note that is not
 * on this page's board (deleted, or not shown to this person) is no
 * stack here, and the note is drawn on its own. */
export function headOf(view, n) {
  if (!n?.stack) return "";
  const h = view.notes.get(n.stack);
  return h && !h.stack ? h.id : "";
}

/** stacksOf returns every stack of view: head id -> its other notes,
 * topmost first (state.js's stackOf, for all of them in one pass). */
export function stacksOf(view) {
  const out = new Map();
  for (const n of view.notes.values()) {
    const h = headOf(view, n);
    if (!h) continue;
    if (!out.has(h)) out.set(h, []);
    out.get(h).push(n);
  }
  for (const m of out.values()) m.sort((p, q) => q.z - p.z || cmpId(p, q));
  return out;
}

/** displayView returns the board as the page draws it: without the notes
 * that lie in a stack, and with each head standing for its stack, its
 * votes and reactions the sums of the stack's and stackSize its number
 * of notes. cache (a Map kept between calls) keeps a stack's note object
 * the same while its notes are, so the renderer skips it. A board without
 * stacks is returned as it is. */
export function displayView(view, cache = new Map()) {
  const stacks = stacksOf(view);
  if (!stacks.size) {
    cache.clear();
    return view;
  }
  const notes = new Map();
  for (const n of view.notes.values()) {
    if (headOf(view, n)) continue;
    const members = stacks.get(n.id);
    notes.set(n.id, members ? pileOf(n, members, cache) : n);
  }
  for (const id of cache.keys()) if (!stacks.has(id)) cache.delete(id);
  return { ...view, notes };
}

function pileOf(head, members, cache) {
  const c = cache.get(head.id);
  if (c && c.head === head && c.members.length === members.length && c.members.every((m, i) => m === members[i])) return c.pile;
  const pile = { ...head, stackSize: members.length + 1 };
  let votes = head.votes || 0;
  const reactions = { ...head.reactions };
  for (const m of members) {
    votes += m.votes || 0;
    for (const [k, v] of Object.entries(m.reactions || {})) reactions[k] = (reactions[k] || 0) + v;
  }
  if (votes) pile.votes = votes;
  else delete pile.votes;
  if (Object.keys(reactions).length) pile.reactions = reactions;
  cache.set(head.id, { head, members, pile });
  return pile;
}

const inside = (p, n) => p.x >= n.x && p.x < n.x + n.w && p.y >= n.y && p.y < n.y + n.h;
const covers = (r, n) => overlap(r, n) >= 0.5 * Math.min(r.w * r.h, n.w * n.h);

/** underStart returns the notes a drag begins on: those under the pointer
 * where it was pressed, and those the notes dragged already cover most
 * of. A drag does not stack onto them until it has left them, so nudging
 * a note that lies over another does not stack it. view is displayView's. */
export function underStart(view, dragging, pointer, rects) {
  const out = new Set();
  for (const n of view.notes.values()) {
    if (dragging.has(n.id)) continue;
    if (inside(pointer, n) || rects.some((r) => covers(r, n))) out.add(n.id);
  }
  return out;
}

/** dropTarget returns the id of the note that the notes being dragged
 * (ids in dragging, now at rects) would be stacked on if let go with the
 * pointer at pointer, or "": the topmost note under the pointer, or else,
 * for one note dragged, the note it covers most of, if at least half of
 * the smaller of the two. view is displayView's, so the note found is a
 * stack's head or a note on its own. A note waiting for approval takes no
 * stack (the server refuses it). skip (from underStart) is updated: a note
 * the drag has left is skipped no more. */
export function dropTarget(view, dragging, pointer, rects, skip = new Set()) {
  for (const id of skip) {
    const n = view.notes.get(id);
    if (!n || !(inside(pointer, n) || rects.some((r) => covers(r, n)))) skip.delete(id);
  }
  const ok = (n) => !dragging.has(n.id) && !n.pending && !skip.has(n.id);
  let best = null;
  for (const n of view.notes.values()) {
    if (ok(n) && inside(pointer, n) && (!best || n.z > best.z || (n.z === best.z && n.id > best.id))) best = n;
  }
  if (best) return best.id;
  if (rects.length !== 1) return "";
  const r = rects[0];
  let most = 0, id = "";
  for (const n of view.notes.values()) {
    if (!ok(n) || !covers(r, n)) continue;
    const a = overlap(r, n);
    if (a > most) [most, id] = [a, n.id];
  }
  return id;
}

/** stackOps returns the updates that put the notes ids on the stack of
 * note target (its stack's head, if target lies in one): a note that
 * heads a stack brings its notes along, moved first, since the server
 * takes no head onto another stack; notes already there, and the head
 * itself, are left out. */
export function stackOps(view, ids, target) {
  const t = view.notes.get(target);
  if (!t) return [];
  const head = headOf(view, t) || t.id;
  const ops = [];
  const seen = new Set([head]);
  for (const id of ids) {
    const n = view.notes.get(id);
    if (!n || seen.has(id)) continue;
    seen.add(id);
    for (const m of stackOf(view, id)) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      ops.push(update(m.id, { stack: head }));
    }
    if (n.stack !== head) ops.push(update(id, { stack: head }));
  }
  return ops;
}

/** besidePlaces returns where notes of the given sizes go when they leave
 * the stack headed by head: on a grid (a row of up to three, else about
 * square) just right of the stack, or just below it, moved further right
 * or down until it covers no other note drawn (as far as tries steps; if
 * none is free, right of the stack). view is the board (not displayView's). */
export function besidePlaces(view, head, sizes, { gap = placeGap, tries = 12, maxCoord = 1e6 } = {}) {
  const k = sizes.length;
  if (!k) return [];
  let cols = k <= 3 ? k : Math.ceil(Math.sqrt(k));
  const cw = Math.max(...sizes.map((s) => s.w)) + gap, ch = Math.max(...sizes.map((s) => s.h)) + gap;
  // A stack in a column keeps its notes in that column (a note belongs
  // to the lane its middle lies in): as many to a row as the lane holds,
  // beside the head if they fit there, else below it.
  const lane = laneOf(view, head);
  if (lane) cols = Math.max(1, Math.min(cols, Math.floor((lane.right - lane.left + gap) / cw)));
  const w = cols * cw - gap, h = Math.ceil(k / cols) * ch - gap;
  const others = [...view.notes.values()].filter((n) => !headOf(view, n));
  const right = head.x + head.w + pileOffset + gap, below = head.y + head.h + pileOffset + gap;
  const starts = [];
  if (lane) {
    const x = Math.max(lane.left, Math.min(head.x, lane.right - w));
    if (right + w <= lane.right) for (let i = 0; i < tries; i++) starts.push({ x: right, y: head.y + i * ch });
    for (let i = 0; i < tries; i++) starts.push({ x, y: below + i * ch });
  } else {
    for (let i = 0; i < tries; i++) starts.push({ x: right + i * cw, y: head.y }, { x: head.x, y: below + i * ch });
  }
  const free = (s) => others.every((n) => overlap({ x: s.x, y: s.y, w, h }, n, gap - 1) === 0);
  const s = starts.find(free) ?? starts[0];
  const clamp = (v, size) => Math.round(Math.max(-maxCoord, Math.min(maxCoord - size, v)));
  return sizes.map((z, i) => ({ x: clamp(s.x + (i % cols) * cw, z.w), y: clamp(s.y + Math.floor(i / cols) * ch, z.h) }));
}

/** laneOf returns the part of n's column that notes are laid out in,
 * {left, right} in board units, or null when n lies in no column. */
function laneOf(view, n) {
  const i = columnOf(view, n);
  if (i < 0) return null;
  const pad = 16; // as a note added in a lane (columns.js laneView)
  return { left: i * columnWidth + pad, right: (i + 1) * columnWidth - pad };
}

/** apartOps returns the updates that take the stack headed by head apart:
 * every note of it on its own again, laid out beside the head
 * (besidePlaces), topmost first. */
export function apartOps(view, head, opts) {
  const h = view.notes.get(head);
  const members = h ? stackOf(view, head) : [];
  const places = besidePlaces(view, h, members, opts);
  return members.map((m, i) => update(m.id, { stack: "", ...places[i] }));
}

/** takeOutOps returns the updates that take note id out of its stack, to
 * lie beside it. A head taken out leaves its stack to its topmost note,
 * which takes the head's place (as when a head is deleted). */
export function takeOutOps(view, id, opts) {
  const n = view.notes.get(id);
  if (!n) return [];
  const head = headOf(view, n);
  if (head) {
    const [p] = besidePlaces(view, view.notes.get(head), [n], opts);
    return [update(id, { stack: "", ...p })];
  }
  const members = stackOf(view, id);
  if (!members.length) return [];
  const [top, ...rest] = members;
  const [p] = besidePlaces(view, n, [n], opts);
  // The new head first: the others may only then stack onto it.
  return [update(top.id, { stack: "", x: n.x, y: n.y }), ...rest.map((m) => update(m.id, { stack: top.id })), update(id, p)];
}

/** voteOrder returns the notes view draws (displayView's: stacks as their
 * heads, their votes summed) that may be moved, most votes first; equal
 * counts keep reading order (top to bottom, then left to right). Notes
 * waiting for approval are left where they are (the server takes no
 * facilitator's move of them). */
export function voteOrder(view) {
  return [...view.notes.values()]
    .filter((n) => !n.pending)
    .sort((p, q) => (q.votes || 0) - (p.votes || 0) || p.y - q.y || p.x - q.x || cmpId(p, q));
}

/** arrangeOps returns the moves that lay out view's notes and stacks
 * (displayView's) by their votes (voteOrder) on a grid from the top left
 * of rect, row by row, with about rect's shape: at most maxOps of them,
 * the most voted. It returns {ops, rect}: the moves (none for a note
 * already in its place) and the rectangle the grid takes. */
export function arrangeOps(view, rect, { gap = placeGap, maxOps = 500, maxCoord = 1e6 } = {}) {
  const items = voteOrder(view).slice(0, maxOps);
  if (!items.length) return { ops: [], rect: null };
  const pile = items.some((n) => n.stackSize) ? pileOffset : 0;
  const cw = Math.max(...items.map((n) => n.w)) + gap + pile, ch = Math.max(...items.map((n) => n.h)) + gap + pile;
  const k = items.length;
  const aspect = rect.w > 0 && rect.h > 0 ? rect.w / rect.h : 16 / 9;
  const cols = Math.max(1, Math.min(k, Math.round(Math.sqrt((k * aspect * ch) / cw))));
  const clamp = (v, size) => Math.round(Math.max(-maxCoord, Math.min(maxCoord - size, v)));
  const ops = [];
  const placed = [];
  items.forEach((n, i) => {
    const x = clamp(rect.x + (i % cols) * cw, n.w), y = clamp(rect.y + Math.floor(i / cols) * ch, n.h);
    placed.push({ x, y, w: n.w + (n.stackSize ? pileOffset : 0), h: n.h + (n.stackSize ? pileOffset : 0) });
    if (x !== n.x || y !== n.y) ops.push(update(n.id, { x, y }));
  });
  return { ops, rect: bounds(placed) };
}

/** arrangeInColumns is arrangeOps for a board with columns: each note
 * and stack stays in the column it lies in, and the column's own are
 * laid out by their votes from the top of the lanes down, as many to a
 * row as the lane holds. Notes in no column stay where they are. It
 * returns {ops, rect} as arrangeOps does. */
export function arrangeInColumns(view, { gap = placeGap, maxOps = 500, maxCoord = 1e6 } = {}) {
  const items = voteOrder(view).filter((n) => columnOf(view, n) >= 0).slice(0, maxOps);
  if (!items.length) return { ops: [], rect: null };
  const pile = items.some((n) => n.stackSize) ? pileOffset : 0;
  const cw = Math.max(...items.map((n) => n.w)) + gap + pile, ch = Math.max(...items.map((n) => n.h)) + gap + pile;
  const top = Math.min(...items.map((n) => n.y)); // the lanes' first row stays where it was
  const clamp = (v, size) => Math.round(Math.max(-maxCoord, Math.min(maxCoord - size, v)));
  const ops = [], placed = [];
  const byColumn = new Map();
  for (const n of items) {
    const i = columnOf(view, n);
    if (!byColumn.has(i)) byColumn.set(i, []);
    byColumn.get(i).push(n);
  }
  for (const notes of byColumn.values()) {
    const lane = laneOf(view, notes[0]);
    const cols = Math.max(1, Math.min(notes.length, Math.floor((lane.right - lane.left + gap) / cw)));
    const left = lane.left + Math.max(0, (lane.right - lane.left - (cols * cw - gap)) / 2); // the rows in the lane's middle
    notes.forEach((n, j) => {
      const x = clamp(left + (j % cols) * cw, n.w), y = clamp(top + Math.floor(j / cols) * ch, n.h);
      placed.push({ x, y, w: n.w + (n.stackSize ? pileOffset : 0), h: n.h + (n.stackSize ? pileOffset : 0) });
      if (x !== n.x || y !== n.y) ops.push(update(n.id, { x, y }));
    });
  }
  return { ops, rect: bounds(placed) };
}

/** votingOf is what a row about a note (the list view's, a stack
 * dialog's) shows of a round of votes to this person: who they are, their
 * ballot and how many of its votes they have used, the round, and whether
 * this page votes at all (the projector's is a screen, not a voter). */
export function votingOf(app, view) {
  const me = app.participant;
  const v = view.voting;
  const ballot = (me && view.ballots?.[me]) || {};
  return {
    me, ballot, used: ballotTotal(ballot),
    voting: v ? { open: !!v.open, hidden: !!v.hidden, votes: v.votes, perNote: v.perNote } : null,
    voter: !!(v?.open && me && !document.body.classList.contains("projector")),
  };
}

/** noteColor is the CSS colour of a note of colour c: the palette's
 * variable (a colour the server did not send never reaches here, but
 * falls back to yellow rather than into the style). */
export function noteColor(c) {
  return /^[a-z]+$/.test(c) ? `var(--note-${c}, var(--note-yellow))` : "var(--note-yellow)";
}

/** noteName names a note in a menu or a button: the first line of its
 * text, cut to labelChars characters (not UTF-16 units), or fallback. */
export function noteName(text, fallback) {
  const first = String(text ?? "").trim().split("\n")[0].trim();
  const cs = [...first];
  if (!cs.length) return fallback;
  return cs.length > labelChars ? cs.slice(0, labelChars).join("").trimEnd() + "…" : first;
}

// --- In the page -------------------------------------------------------------

/** attachStacks wires stacks into the page: the pile and count on a
 * stack's head (through renderer's marks and decorate hooks), dropping
 * notes onto notes, the selection bar's "Stack on…" and "Open stack",
 * the stack's dialog, and the facilitator's "Arrange by votes". It
 * returns what board.js and actions.js call: prepare(view), the board to
 * draw, before every draw; render(view) after it; withMembers(notes);
 * isMember(view, n); and the drag's startDrag, dragTarget and drop. */
export function attachStacks(app, { renderer, actions }) {
  const t = app.t;
  const $ = (id) => document.getElementById(id);
  const fill = (key, vars) => format(t[key] ?? key, vars);
  const count = (n) => fill("stack.count", { n });
  const cache = new Map();
  let shown = null; // the view last drawn: displayView's
  let dropOn = ""; // the note a drag would stack onto now
  const mine = (n) => !!n.authorId && n.authorId === app.participant;
  const nameOf = (n) => (n.private && !mine(n) && !n.text ? t["lesson.writing"] : noteName(n.text, t["note.empty"]));

  // --- Drawing ---------------------------------------------------------------

  /** prepare returns the board to draw, and puts the heads of their
   * stacks in the selection in place of notes that went into one (a drop,
   * someone else's stacking). */
  function prepare(view) {
    shown = displayView(view, cache);
    if (shown === view) return view;
    let moved = false;
    const selected = new Set();
    for (const id of app.ui.selected) {
      const head = headOf(view, view.notes.get(id));
      if (head) moved = true;
      selected.add(head || id);
    }
    if (moved) app.ui.selected = selected;
    return shown;
  }

  const innerMarks = renderer.marks;
  renderer.marks = (n, view) => (innerMarks ? innerMarks(n, view) : "") + (n.stackSize ? "|S" + n.stackSize : "");
  // The count takes a line from the text, whatever it says.
  const innerFit = renderer.fitMark;
  renderer.fitMark = (n, view, mark) => (innerFit ? innerFit(n, view, mark) : mark) + (n.stackSize ? "|S" : "");

  const innerDecorate = renderer.decorate;
  renderer.decorate = (el, n, mark, view) => {
    innerDecorate?.(el, n, mark, view);
    el.classList.toggle("stack-head", !!n.stackSize);
    let badge = el.querySelector(":scope > .stack-badge");
    if (!n.stackSize) {
      badge?.remove();
      return;
    }
    if (!badge) {
      badge = document.createElement("button");
      badge.type = "button";
      badge.className = "stack-badge";
      badge.setAttribute("aria-haspopup", "dialog");
      // Its presses are its own: a press on a note selects or drags it,
      // a double press opens it for typing, Enter or Delete act on it.
      for (const type of ["pointerdown", "dblclick", "keydown"]) badge.addEventListener(type, (e) => e.stopPropagation());
      badge.addEventListener("click", (e) => {
        e.stopPropagation();
        open(el.dataset.id);
      });
      el.prepend(badge);
    }
    const text = count(n.stackSize);
    if (badge.textContent !== text) badge.textContent = text;
    const label = fill("stack.badgeLabel", { n: n.stackSize });
    if (badge.getAttribute("aria-label") !== label) {
      badge.setAttribute("aria-label", label);
      badge.title = label;
    }
    // The note's name says it is a stack (render.js names the note).
    const aria = el.getAttribute("aria-label") || "";
    const said = " · " + fill("stack.label", { n: n.stackSize });
    if (!aria.endsWith(said)) el.setAttribute("aria-label", aria + said);
  };

  /** render runs after every draw: the drop's highlight, the selection
   * bar's stack buttons, the arrange button and the open dialog. */
  function render(view) {
    const d = shown ?? displayView(view, cache);
    for (const el of document.querySelectorAll("#board > .stack-drop-target")) if (el.dataset.id !== dropOn) el.classList.remove("stack-drop-target");
    const target = dropOn && document.getElementById("note-" + dropOn);
    if (target && !target.classList.contains("stack-drop-target")) {
      target.classList.add("stack-drop-target");
      target.dataset.dropLabel = t["stack.drop"];
    }
    for (const el of document.querySelectorAll("#board > .stack-over")) if (!dropOn || !app.ui.dragging.has(el.dataset.id)) el.classList.remove("stack-over");
    if (dropOn) for (const id of app.ui.dragging) document.getElementById("note-" + id)?.classList.add("stack-over");
    drawBar(d);
    drawArrange(d);
    if (dialog?.open) drawDialog(view);
  }

  // --- Dragging onto a note ------------------------------------------------

  /** startDrag notes where a move of the selection begins (actions.js's
   * drag): the pointer at (board point) at, and what it lies on. */
  function startDrag(drag, at) {
    if (drag.kind !== "move" || !at || !shown) return;
    drag.at = at;
    drag.skip = underStart(shown, new Set(drag.notes.map((n) => n.id)), at, drag.notes);
  }

  /** dragTarget finds what the drag, moved by (dx, dy), would stack onto,
   * and shows it. */
  function dragTarget(drag, dx, dy) {
    if (!drag.at || !shown) return;
    const moving = new Set(drag.notes.map((n) => n.id));
    const rects = drag.notes.map((n) => ({ x: n.x + dx, y: n.y + dy, w: n.w, h: n.h }));
    const id = dropTarget(shown, moving, { x: drag.at.x + dx, y: drag.at.y + dy }, rects, drag.skip);
    drag.stackOn = id;
    if (id !== dropOn) {
      dropOn = id;
      if (id) app.say?.(fill("stack.dropSay", { text: nameOf(shown.notes.get(id)) }));
    }
  }

  /** drop stacks the drag's notes onto the note it was over, if any, and
   * says whether it did: one step to undo, which brings them back where
   * the drag began. A stacking the page refuses (the board's lock or
   * moderation, which say why) leaves the drag to end as a move. */
  function drop(drag) {
    const target = drag.moved ? drag.stackOn : "";
    dropOn = "";
    for (const el of document.querySelectorAll("#board > .stack-over")) el.classList.remove("stack-over");
    if (!target) return false;
    const view = app.state.view();
    if (!view.notes.has(target)) return false;
    // Where the notes were when the drag began, which undo brings back:
    // the moves sent during the drag are not steps of their own.
    const before = { ...view, notes: new Map(view.notes) };
    const set = [];
    for (const n of drag.notes) {
      const now = before.notes.get(n.id);
      if (!now) continue;
      before.notes.set(n.id, { ...now, x: n.x, y: n.y });
      set.push(n);
    }
    const ops = stackOps(view, set.map((n) => n.id), target);
    if (!ops.length) return false;
    // The notes dragged go back to where they were (no one sees them
    // there while they are stacked): taken out, they are laid out anew.
    const at = new Map(set.map((n) => [n.id, n]));
    for (const o of ops) if (at.has(o.id)) Object.assign(o.set, { x: at.get(o.id).x, y: at.get(o.id).y });
    return stack(ops, target, before);
  }

  // stack sends the updates ops, which stack notes onto target's stack,
  // as one step to undo (back to the board before), and says so.
  function stack(ops, target, before = app.state.view()) {
    const op = ops.length === 1 ? ops[0] : { kind: "batch", ops };
    if (!app.mayChange({ ids: ops.map((o) => o.id) })) return false;
    if (!app.edit(op, { inv: inverse(before, op, app.participant) })) return false;
    const view = app.state.view();
    const head = headOf(view, view.notes.get(target)) || target;
    // This page's copy refused it too (a note waiting for approval): the
    // server's refusal, which says why, is all there is to say.
    if (view.notes.get(ops.at(-1).id)?.stack !== head) return true;
    actions.select([head]);
    app.say?.(fill("stack.stacked", { n: stackOf(view, head).length + 1 }));
    return true;
  }

  /** withMembers returns notes with the notes of the stacks they head
   * after each: what a recolour of a stack recolours. */
  function withMembers(notes) {
    const view = app.state.view();
    const out = [], seen = new Set();
    for (const n of notes) {
      for (const m of [n, ...stackOf(view, n.id)]) {
        if (seen.has(m.id)) continue;
        seen.add(m.id);
        out.push(m);
      }
    }
    return out;
  }

  // --- The selection bar ---------------------------------------------------

  const stackOn = $("stack-on"), menu = $("stack-menu"), openButton = $("stack-open");
  const selectedHead = (d) => {
    if (app.ui.selected.size !== 1) return "";
    const [id] = app.ui.selected;
    return d.notes.get(id)?.stackSize ? id : "";
  };

  function drawBar(d) {
    if (!stackOn) return;
    const head = selectedHead(d);
    const hide = (el, off) => {
      if (el.hidden !== off) el.hidden = off;
    };
    hide(openButton, !head);
    if (head) {
      const label = fill("stack.openLabel", { n: d.notes.get(head).stackSize });
      if (openButton.getAttribute("aria-label") !== label) openButton.setAttribute("aria-label", label);
    }
    // Something to stack, and somewhere to stack it.
    const selected = [...app.ui.selected].filter((id) => d.notes.has(id));
    const others = selected.length > 0 && d.notes.size > selected.length && (app.moderation?.allows({ ids: selected }) ?? true); // only one's own notes, where only those may be changed
    hide(stackOn, !others);
    if (!others) showMenu(false);
  }

  /** targets returns the notes, as drawn (a stack as its head, with its
   * stackSize), that the notes of ids may be stacked on: the nearest
   * menuNotes, nearest first. */
  function targets(ids) {
    const d = shown ?? displayView(app.state.view(), cache);
    const skip = new Set(ids);
    const sel = ids.map((id) => d.notes.get(id)).filter(Boolean);
    const mid = bounds(sel) ?? { x: 0, y: 0, w: 0, h: 0 };
    const cx = mid.x + mid.w / 2, cy = mid.y + mid.h / 2;
    const dist = (n) => Math.hypot(n.x + n.w / 2 - cx, n.y + n.h / 2 - cy);
    return [...d.notes.values()]
      .filter((n) => !skip.has(n.id) && !n.pending)
      .sort((p, q) => dist(p) - dist(q) || cmpId(p, q))
      .slice(0, menuNotes);
  }

  /** stackOnto stacks the notes of ids onto target's stack, as one step
   * to undo, and says so; false if nothing was sent. */
  function stackOnto(ids, target) {
    const view = app.state.view();
    const ops = stackOps(view, ids, target);
    return ops.length > 0 && stack(ops, target, view);
  }

  function showMenu(open) {
    if (!menu || menu.hidden === !open) return;
    menu.hidden = !open;
    stackOn.setAttribute("aria-expanded", String(open));
    if (!open) return;
    const items = targets([...app.ui.selected]).map((n) => {
      const b = document.createElement("button");
      b.type = "button";
      b.setAttribute("role", "menuitem");
      b.tabIndex = -1;
      b.dataset.id = n.id;
      b.style.setProperty("--item", noteColor(n.color));
      b.textContent = targetName(n);
      b.addEventListener("click", () => {
        showMenu(false);
        if (!stackOnto([...app.ui.selected], n.id)) return stackOn.focus();
        // The notes stacked are drawn no more: the focus goes to their stack.
        app.renderNow();
        const el = document.getElementById("note-" + n.id);
        el ? el.focus({ preventScroll: true }) : app.focusBoard();
      });
      return b;
    });
    if (!items.length) {
      const p = document.createElement("p");
      p.className = "stack-menu-none";
      p.textContent = t["stack.none"];
      items.push(p);
    }
    menu.replaceChildren(...items);
    menu.querySelector("button")?.focus();
  }

  /** targetName names a note of targets in a menu: its text, and how
   * many notes its stack holds. */
  function targetName(n) {
    return nameOf(n) + (n.stackSize ? " · " + count(n.stackSize) : "");
  }

  if (stackOn && menu) {
    stackOn.addEventListener("click", () => showMenu(menu.hidden));
    menuKeys(menu, stackOn, () => showMenu(false));
    document.addEventListener("pointerdown", (e) => {
      if (!menu.hidden && !e.target.closest("#stack-menu, #stack-on")) showMenu(false);
    });
  }
  openButton?.addEventListener("click", () => {
    const [id] = app.ui.selected;
    if (id) open(id);
  });

  // --- The stack's dialog --------------------------------------------------

  const dialog = $("stack-dialog");
  const list = $("stack-list");
  let openHead = ""; // the head of the stack the dialog shows
  let openIds = []; // its notes when last drawn: the stack is followed to a new head
  let editing = null; // {id, ta}: a note's text being edited in the dialog
  const rows = new Map(); // note id -> li

  /** open shows the stack headed by head (or lying under it) in the dialog. */
  function open(id) {
    if (!dialog) return;
    const view = app.state.view();
    const n = view.notes.get(id);
    if (!n) return;
    openHead = headOf(view, n) || id;
    openIds = [];
    editing = null;
    rows.clear();
    list.replaceChildren();
    drawDialog(view);
    if (!dialog.open) dialog.showModal();
    (list.querySelector("button") ?? $("stack-close")).focus();
  }

  function close() {
    const head = openHead;
    openHead = "";
    editing = null;
    if (dialog?.open) dialog.close();
    // Back to the stack: its row in the list, or its note on the canvas.
    if (!app.list?.focusNote(head)) document.getElementById("note-" + head)?.focus({ preventScroll: true });
  }

  if (dialog) {
    $("stack-close").addEventListener("click", close);
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      if (editing) stopEditing(false);
      else close();
    });
    // The board's keys are for the board, not for the dialog's buttons.
    dialog.addEventListener("keydown", (e) => {
      if (!e.ctrlKey && !e.metaKey) e.stopPropagation();
    });
    $("stack-apart")?.addEventListener("click", takeApart);
  }

  // drawDialog shows the stack's notes, head first, as they are now. A
  // stack whose head was deleted is followed to its new head; a stack
  // gone (taken apart, elsewhere too) closes the dialog.
  function drawDialog(view) {
    let head = view.notes.get(openHead);
    if (!head || head.stack || !stackOf(view, openHead).length) {
      const next = openIds.map((id) => view.notes.get(id)).find((n) => n && !n.stack && stackOf(view, n.id).length);
      if (!next) return close();
      openHead = next.id;
      head = next;
    }
    const notes = [head, ...stackOf(view, openHead)];
    openIds = notes.map((n) => n.id);
    const title = fill("stack.title", { n: notes.length });
    if ($("stack-title").textContent !== title) $("stack-title").textContent = title;
    const c = context(view);
    // Where only one's own notes may be changed, what changes every note
    // of the stack (taking its top note out hands the stack on; taking it
    // apart) is for a stack of one's own notes only.
    const whole = c.writes && !(c.ownOnly && !notes.every(mine));
    const focused = document.activeElement;
    const keep = focused && list.contains(focused) ? { id: focused.closest("li")?.dataset.id, act: focused.dataset.act } : null;
    const seen = new Set();
    let prev = null;
    for (const n of notes) {
      seen.add(n.id);
      let li = rows.get(n.id);
      if (!li) {
        li = document.createElement("li");
        li.className = "stack-item";
        li.dataset.id = n.id;
        rows.set(n.id, li);
      }
      const sig = c.key + (n.id === openHead) + whole;
      if (editing?.id !== n.id && (li._n !== n || li._sig !== sig)) {
        li._n = n;
        li._sig = sig;
        drawItem(li, n, n.id === openHead, c, whole);
      }
      const want = prev ? prev.nextSibling : list.firstChild;
      if (want !== li) list.insertBefore(li, want);
      prev = li;
    }
    for (const [id, li] of rows) {
      if (seen.has(id)) continue;
      li.remove();
      rows.delete(id);
      if (editing?.id === id) editing = null;
    }
    // The button pressed was drawn anew: the focus goes to its twin.
    if (keep && !list.contains(document.activeElement)) {
      const li = rows.get(keep.id);
      (li?.querySelector(`[data-act="${keep.act}"]`) ?? li?.querySelector("button") ?? list.querySelector("button") ?? $("stack-close")).focus();
    }
    const apart = $("stack-apart");
    if (apart) apart.hidden = !whole;
  }

  // context is what every item of one view depends on besides its note.
  function context(view) {
    const facilitator = app.role === "facilitate";
    const c = {
      ...votingOf(app, view),
      facilitator,
      writes: app.canEdit && (facilitator || !view.locked),
      ownOnly: !!view.moderation?.ownNotes && !facilitator,
    };
    c.key = JSON.stringify([c.me, c.used, c.voting, c.voter, c.writes, c.ownOnly, c.ballot]);
    return c;
  }

  // drawItem shows note n in its item li: its text, who wrote it, its
  // votes and reactions, and what this person may do with it; whole says
  // whether they may change every note of the stack.
  function drawItem(li, n, isHead, c, whole) {
    const el = (tag, cls, text) => {
      const x = document.createElement(tag);
      if (cls) x.className = cls;
      if (text !== undefined) x.textContent = text;
      return x;
    };
    const name = nameOf(n);
    const blank = !!n.private && !mine(n) && !n.text;
    li.style.setProperty("--item", noteColor(n.color));
    li.classList.toggle("stack-item-head", isHead);
    const text = el("p", "stack-text" + (blank || !n.text ? " blank" : ""), blank ? t["lesson.writing"] : n.text || t["note.empty"]);
    const meta = el("p", "stack-meta");
    const parts = [];
    if (isHead) parts.push(t["stack.top"]);
    parts.push(t["color." + n.color] || n.color);
    if (n.author && (mine(n) || !app.wallHidesNames?.())) parts.push(fill("list.by", { name: n.author })); // the wall names none but its own
    if (n.pending) parts.push(t["moderation.waiting"]);
    const own = c.ballot[n.id] || 0;
    if (c.voting && !n.pending) {
      if (c.voting.open && c.voting.hidden) parts.push(fill("lesson.yourVotes", { n: own }));
      else if (c.voting.open || n.votes) parts.push(n.votes === 1 ? t["list.votesOne"] : fill("lesson.voteCount", { n: n.votes || 0 }));
    }
    const reactions = Object.entries(n.reactions || {}).filter(([, v]) => v > 0);
    if (reactions.length) parts.push(reactions.map(([k, v]) => `${reactionEmoji[k] ?? k} ${v}`).join(" "));
    if (n.comments?.length) parts.push(n.comments.length === 1 ? t["comments.badgeOne"] : fill("comments.badge", { n: n.comments.length }));
    meta.textContent = parts.join(" · ");
    const tools = el("div", "stack-tools");
    tools.setAttribute("role", "group");
    tools.setAttribute("aria-label", fill("list.actions", { text: name }));
    const button = (act, label, aria, fn, cls = "") => {
      const b = el("button", cls, label);
      b.type = "button";
      b.dataset.act = act;
      if (aria) b.setAttribute("aria-label", aria);
      b.addEventListener("click", () => fn(n.id, b));
      tools.append(b);
      return b;
    };
    const changes = c.writes && !(c.ownOnly && !mine(n)) && !(n.pending && c.facilitator && !mine(n));
    if (changes && !blank && !(n.private && !mine(n))) button("edit", t["action.edit"], fill("list.editLabel", { text: name }), startEditing);
    if (c.voter && !n.pending) {
      if (own > 0) button("unvote", "−", fill("list.unvoteLabel", { text: name }), (id) => app.lesson?.vote(id, false));
      const plus = button("vote", "+ " + t["list.vote"], fill("list.voteLabel", { text: name }), (id) => app.lesson?.vote(id, true), "stack-vote");
      plus.setAttribute("aria-disabled", String(c.used >= c.voting.votes || own >= c.voting.perNote));
    }
    if (!n.pending && app.comments) {
      button("comments", t["comments.open"], fill("list.commentsLabel", { text: name, n: n.comments?.length || 0 }), (id) => {
        close();
        app.comments.open(id);
      });
    }
    // Taking a stack's top note out hands the stack to the next, which
    // changes every note of it.
    if (isHead ? whole : c.writes && !(c.ownOnly && !mine(n))) button("out", t["stack.takeOut"], fill("stack.takeOutLabel", { text: name }), takeOut);
    // A change elsewhere on the note (its place, a reaction's ack) leaves
    // the item as it was: a button replaced under a finger or a pointer
    // loses the press that was on its way to it.
    const drawn = text.outerHTML + meta.outerHTML + tools.outerHTML;
    if (li._drawn === drawn) return;
    li._drawn = drawn;
    li.replaceChildren(text, meta, tools);
  }

  function startEditing(id) {
    if (editing) stopEditing(false);
    const li = rows.get(id);
    const n = app.state.view().notes.get(id);
    if (!li || !n) return;
    const ta = document.createElement("textarea");
    ta.className = "stack-textarea";
    ta.value = n.text;
    ta.rows = Math.min(8, Math.max(3, n.text.split("\n").length + 1));
    ta.setAttribute("aria-label", fill("list.editLabel", { text: nameOf(n) }));
    const save = document.createElement("button");
    save.type = "button";
    save.className = "primary";
    save.textContent = t["stack.save"];
    save.addEventListener("click", () => stopEditing(true));
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = t["name.cancel"];
    cancel.addEventListener("click", () => stopEditing(false));
    ta.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        stopEditing(true);
      }
    });
    const buttons = document.createElement("div");
    buttons.className = "stack-tools";
    buttons.append(save, cancel);
    editing = { id, ta };
    li._drawn = null;
    li.replaceChildren(ta, buttons);
    ta.focus();
  }

  // stopEditing ends the dialog's editor, sending what was typed (save)
  // as an edit of the note's text, cut to the limit as the canvas does.
  function stopEditing(save) {
    if (!editing) return;
    const { id, ta } = editing;
    editing = null;
    const n = app.state.view().notes.get(id);
    const text = [...ta.value].slice(0, app.limits.maxTextRunes).join("");
    if (save && n && text !== n.text) app.edit({ kind: "update", id, set: { text } });
    const li = rows.get(id);
    if (li) li._n = null; // drawn anew
    drawDialog(app.state.view());
    rows.get(id)?.querySelector('[data-act="edit"]')?.focus();
  }

  function takeOut(id) {
    const view = app.state.view();
    const ops = takeOutOps(view, id, { maxCoord: app.limits.maxCoord });
    if (!ops.length || !app.mayChange({ ids: ops.map((o) => o.id) })) return;
    if (!app.edit(ops.length === 1 ? ops[0] : { kind: "batch", ops })) return;
    app.say?.(fill("stack.tookOut", { text: nameOf(view.notes.get(id)) }));
  }

  /** takeApart puts every note of the open stack on its own again, laid
   * out beside it, selects them all and shows them: one step to undo. */
  function takeApart() {
    const view = app.state.view();
    const head = openHead;
    const ops = apartOps(view, head, { maxCoord: app.limits.maxCoord });
    if (!ops.length || !app.mayChange({ ids: ops.map((o) => o.id) })) return;
    if (!app.edit(ops.length === 1 ? ops[0] : { kind: "batch", ops })) return;
    close();
    const ids = [head, ...ops.map((o) => o.id)];
    actions.select(ids);
    const after = app.state.view();
    const r = bounds(ids.map((id) => after.notes.get(id)).filter(Boolean));
    if (r) {
      const area = app.freeArea();
      Object.assign(app.cam, revealCamera(app.cam, r, area, { margin: 24, minZoom: 0.05 }));
      app.autoFit = false;
    }
    app.render();
    app.say?.(fill("stack.apartDone", { n: ids.length }));
  }

  // --- Arranging by votes (the facilitator's) --------------------------------

  const arrange = $("votes-arrange");
  const narrow = matchMedia("(max-width: 600px)");
  function drawArrange(d) {
    if (!arrange) return;
    const on = !d.voting?.open && [...d.notes.values()].some((n) => n.votes > 0) && app.canEdit;
    if (arrange.hidden === on) arrange.hidden = !on;
    // A phone's lesson bar keeps to a row or two: the short words there,
    // the whole in the name.
    const text = t[narrow.matches ? "stack.arrangeShort" : "stack.arrange"];
    if (arrange.textContent !== text) arrange.textContent = text;
    if (arrange.getAttribute("aria-label") !== t["stack.arrange"]) arrange.setAttribute("aria-label", t["stack.arrange"]);
  }
  arrange?.addEventListener("click", () => {
    const view = app.state.view();
    const d = displayView(view, cache);
    const area = app.freeArea();
    const margin = Math.min(40, Math.round((area.right - area.left) * 0.04));
    const rect = screenToBoard(app.cam, inset(area, margin));
    // A board with columns keeps every note in its column.
    const opts = { maxOps: app.limits.maxBatchOps, maxCoord: app.limits.maxCoord };
    const { ops, rect: grid } = d.columns?.length ? arrangeInColumns(d, opts) : arrangeOps(d, rect, opts);
    if (!ops.length || !app.mayChange({ ids: ops.map((o) => o.id) })) return;
    if (!app.edit(ops.length === 1 ? ops[0] : { kind: "batch", ops })) return;
    // Every note of the grid in view, as a fit would show it.
    Object.assign(app.cam, fitCamera([grid], area, { margin, minZoom: 0.05, maxZoom: 1 }));
    app.autoFit = false;
    app.render();
    app.say?.(t["stack.arranged"]);
  });

  return {
    prepare, render, open, withMembers, targets, targetName, stackOnto,
    isMember: (view, n) => !!headOf(view, n),
    startDrag, dragTarget, drop,
    // The drop's highlight goes with a drag that ends without a drop.
    cancelDrag: () => {
      dropOn = "";
    },
  };
}
