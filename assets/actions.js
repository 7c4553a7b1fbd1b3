// actions.js: what a person can do on a board, each as a named action: add,
// recolour, bring to front, duplicate, delete, move and resize notes, edit
// their text, undo and redo, select, and pan, zoom and fit the view. Input
// (keys, pointer, buttons) only decides which action to call; every change
// to the board goes through app.edit, the one path to the server, whatever
// triggered it. An action that changes the board asks app.mayChange before
// it does anything else: while the board is locked for this person, or its
// moderation refuses the change (closed to new notes, someone else's
// note), it says so once, and leaves the view, the selection and the
// notes alone.

import { newId } from "./socket.js";
import { topZ } from "./state.js";
import { NoteEditor } from "./editor.js";
import { fitCamera, inset, noteSize, placeGap, placeGrid, placeNote, revealCamera, screenToBoard } from "./layout.js";
import { lanesBounds, laneView } from "./columns.js";
import { columnOf, columnWidth } from "./conversation.js";

const minZoom = 0.05; // far enough out for a phone to show notes spread over a wall's worth of board
const maxZoom = 4;
// Fit makes a handful of notes fill a projector, but no more than twice
// their size: beyond that a note is no easier to read, only emptier.
const fitMaxZoom = 2;
const fitMargin = 40; // notes to the edge of the free screen after a fit, in screen pixels (less on a phone)
const wallMaxZoom = 1; // the projector view's fit: a single note is not blown up to fill the wall
const readableZoom = 0.5; // a note added while zoomed further out than this is brought up to 100 % to type into
const placeChoices = 3; // a new note takes one of the 3 free places nearest the middle, so a class adding at once spreads out
const copyOffset = 24; // a duplicate shows beside its original, not hidden under it
const dragSendMs = 40; // a drag sends at most one move per 40 ms; the last always goes
// Writing on a phone: a note whose text shows smaller than this on screen
// is brought up to be written in, as wide as this share of the screen
// (the text then about 25 px, as a phone's own apps write).
const readableTextPx = 14;
const editWidthShare = 0.8;

/** createActions returns the actions on app's board. viewport is the
 * element the board is seen through, boardEl the board inside it. */
export function createActions(app, { viewport, boardEl }) {
  const { ui, cam } = app;
  const editor = new NoteEditor(app);
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  // The notes an action is for: the selection, or the notes ids names (the
  // list view's row of one note, listview.js).
  const selectedNotes = (ids = ui.selected) => [...ids].map((id) => app.view().notes.get(id)).filter(Boolean);
  const many = (ops) => (ops.length === 1 ? ops[0] : { kind: "batch", ops });
  // onTop returns z(i), the z of the i-th of several notes put on top of the
  // stack as it is now, each above the one before.
  const onTop = () => {
    const top = topZ(app.view());
    return (i) => Math.min(top + 1 + i, app.limits.maxZ);
  };

  /** toBoard turns a point on the screen into board coordinates. */
  function toBoard(clientX, clientY) {
    const r = viewport.getBoundingClientRect();
    return { x: (clientX - r.left - cam.x) / cam.zoom, y: (clientY - r.top - cam.y) / cam.zoom };
  }

  // --- Selection -------------------------------------------------------------

  function select(ids) {
    ui.selected = new Set(ids);
    app.render();
  }

  function toggleSelected(id) {
    const s = new Set(ui.selected);
    s.has(id) ? s.delete(id) : s.add(id);
    select(s);
  }

  /** selectInRect selects the notes that overlap a rectangle in board
   * coordinates, besides those in base. */
  function selectInRect({ x0, y0, x1, y1 }, base = []) {
    const ids = new Set(base);
    const view = app.view();
    for (const n of view.notes.values()) {
      if (app.stacks?.isMember(view, n)) continue; // not drawn: its stack's head stands for it
      if (n.x < x1 && n.x + n.w > x0 && n.y < y1 && n.y + n.h > y0) ids.add(n.id);
    }
    select(ids);
  }

  // --- Notes -----------------------------------------------------------------

  /** addNote adds an empty note with its corner at (x, y) on the board, on
   * top of the others, and opens it for typing. */
  function addNote(x, y) {
    if (!app.mayChange({ create: true })) return null;
    app.autoFit = false; // the person is at work here: the view stays where it is
    const id = newId();
    // Refused (the board is locked): nothing to select or type into.
    if (!app.edit({ kind: "create", note: { id, x: Math.round(x), y: Math.round(y), text: "", z: onTop()(0) } })) return null;
    // The list view types into the new note's row, not the hidden canvas.
    if (app.list?.editNote(id)) return id;
    ui.selected = new Set([id]);
    app.renderNow(); // the editor goes into the note's element, so draw it now
    editor.start(id);
    return id;
  }

  /** margin is how far notes keep from the edges of the free screen area:
   * 40 pixels, less on a narrow screen. */
  const margin = (area) => Math.min(fitMargin, Math.round((area.right - area.left) * 0.04));

  /** addNoteInView adds a note in free space on screen, as near the middle
   * as there is room (layout.js's placeNote), never under the fixed bars.
   * When the screen is full, the note goes beside what is there and the
   * view moves to show it; when the view is zoomed out too far to read,
   * it zooms in on the new note, since the person is about to type in it. */
  function addNoteInView() {
    if (!app.mayChange({ create: true })) return null; // before the view moves to make room
    const { area, m, view } = freeView();
    // In the lane in view, if there is one: the note belongs to its column.
    const p = placeNote([...app.view().notes.values()], laneView(app.view(), view, noteSize.w), { choices: placeChoices, maxCoord: app.limits.maxCoord });
    showNew({ x: p.x, y: p.y, ...noteSize }, p.inView, area, m);
    return addNote(p.x, p.y);
  }

  /** placeNotesInView returns where n new notes go, such as the lines of
   * a pasted list: a grid in free space on screen (layout.js's
   * placeGrid), placed and brought into view as addNoteInView does. */
  function placeNotesInView(n) {
    const { area, m, view } = freeView();
    const g = placeGrid([...app.view().notes.values()], view, n, { maxCoord: app.limits.maxCoord });
    if (!g.rect) return [];
    app.autoFit = false; // the person is at work here: the view stays where it is
    showNew(g.rect, g.inView, area, m);
    app.render();
    return g.places;
  }

  // freeView is the board rectangle that the free screen area shows, with
  // its margin kept: where new notes go.
  function freeView() {
    const area = app.freeArea();
    const m = margin(area);
    return { area, m, view: screenToBoard(cam, inset(area, m)) };
  }

  // showNew brings r, where new notes go, into view: zoomed in if the view
  // is too far out to read it, moved if r is outside it.
  function showNew(r, inView, area, m) {
    if (cam.zoom < readableZoom) Object.assign(cam, fitCamera([r], area, { margin: m, minZoom, maxZoom: 1 }));
    else if (!inView) Object.assign(cam, revealCamera(cam, r, area, { margin: m, minZoom }));
  }

  function recolor(color, ids) {
    // A stack is recoloured whole (stacks.js).
    const notes = app.stacks ? app.stacks.withMembers(selectedNotes(ids)) : selectedNotes(ids);
    const ops = notes.map((n) => ({ kind: "update", id: n.id, set: { color } }));
    return ops.length > 0 && app.mayChange() && app.edit(many(ops)) > 0;
  }

  /** cycleColor gives the selection the palette's next colour after the
   * first selected note's (step 1), or the one before (-1): the key K,
   * for those who do not pick from the swatches. The colour is said, as a
   * screen reader would not otherwise know it. */
  function cycleColor(step = 1) {
    const [first] = selectedNotes();
    const palette = app.cfg.palette || [];
    if (!first || !palette.length) return;
    const i = palette.indexOf(first.color);
    const color = palette[(((i < 0 ? -1 : i) + step) % palette.length + palette.length) % palette.length];
    if (recolor(color)) app.say?.(app.t["action.color"] + ": " + (app.t["color." + color] || color));
  }

  /** moveToColumn moves the selection into column i, to the foot of what
   * is there, each note in the middle of the lane: what a drag into the
   * lane does, for those who cannot drag. One edit, one step to undo. The
   * view follows, so the notes do not vanish from a phone's screen. */
  function moveToColumn(i, only) {
    const view = app.view();
    if (i < 0 || i >= (view.columns?.length ?? 0)) return false;
    const moving = selectedNotes(only).filter((n) => columnOf(view, n) !== i).sort((a, b) => a.y - b.y || a.x - b.x);
    if (!moving.length || !app.mayChange({ ids: moving.map((n) => n.id) })) return false;
    const ids = new Set(moving.map((n) => n.id));
    const stay = [...view.notes.values()].filter((n) => !ids.has(n.id) && columnOf(view, n) >= 0);
    const here = stay.filter((n) => columnOf(view, n) === i);
    // Below the lane's last note; in an empty lane, level with the
    // highest note in any lane, or at the top.
    let y = here.length ? Math.max(...here.map((n) => n.y + n.h)) + placeGap : stay.length ? Math.min(...stay.map((n) => n.y)) : 0;
    const L = app.limits;
    const ops = moving.map((n) => {
      const set = { x: clamp(Math.round(i * columnWidth + (columnWidth - n.w) / 2), -L.maxCoord, L.maxCoord), y: clamp(Math.round(y), -L.maxCoord, L.maxCoord) };
      y += n.h + placeGap;
      return { kind: "update", id: n.id, set };
    });
    if (!app.edit(many(ops))) return false;
    const moved = ops.map((o) => ({ ...view.notes.get(o.id), ...o.set }));
    const { area, m } = freeView();
    const r = { x: Math.min(...moved.map((n) => n.x)), y: Math.min(...moved.map((n) => n.y)) };
    r.w = Math.max(...moved.map((n) => n.x + n.w)) - r.x;
    r.h = Math.max(...moved.map((n) => n.y + n.h)) - r.y;
    Object.assign(cam, revealCamera(cam, r, area, { margin: m, minZoom }));
    app.autoFit = false;
    app.render();
    return true;
  }

  /** bringToFront puts the selection on top, keeping its own order. */
  function bringToFront(ids) {
    const z = onTop();
    const ops = selectedNotes(ids).sort((a, b) => a.z - b.z).map((n, i) => ({ kind: "update", id: n.id, set: { z: z(i) } }));
    return ops.length > 0 && app.mayChange() && app.edit(many(ops)) > 0;
  }

  /** duplicate copies the selection onto the top of the stack and selects the copies. */
  function duplicate() {
    const z = onTop();
    const copies = selectedNotes().map((n, i) => ({
      kind: "create",
      note: { id: newId(), x: n.x + copyOffset, y: n.y + copyOffset, w: n.w, h: n.h, text: n.text, color: n.color, z: z(i) },
    }));
    if (!copies.length || !app.mayChange({ create: true })) return;
    if (app.edit(many(copies))) select(copies.map((c) => c.note.id));
  }

  function deleteSelected(ids) {
    const ops = selectedNotes(ids).map((n) => ({ kind: "delete", id: n.id }));
    if (!ops.length || !app.mayChange()) return false;
    const refocus = focusAfterDelete(new Set(ops.map((o) => o.id)));
    editor.stop();
    if (!app.edit(many(ops))) return false;
    const gone = new Set(ops.map((o) => o.id));
    select([...ui.selected].filter((id) => !gone.has(id)));
    refocus();
    app.deletedToast?.([...gone]); // board.js: a moment's Undo on screen
    return true;
  }

  // focusAfterDelete returns what puts the focus back once the notes of
  // gone (a set of ids) are deleted, if the focus was on one of them or on
  // the selection bar (its Delete): both go, and the focus would fall to
  // the page. It goes to the next note in the order Tab walks them, or the
  // one before, or to the board when none is left.
  function focusAfterDelete(gone) {
    const at = document.activeElement;
    const onNote = at?.closest?.(".note[data-id]");
    if (!(onNote && boardEl.contains(onNote)) && !at?.closest?.("#selection-bar")) return () => {};
    // A finger or a mouse on the bar's Delete: the next note is not taken
    // for the next one to work on (focus would select it, and a tap on it
    // would then open it to write in); the board keeps the focus.
    if (!onNote && !at.matches(":focus-visible")) {
      return () => {
        app.renderNow();
        app.focusBoard();
      };
    }
    const notes = [...boardEl.querySelectorAll(".note[data-id]")];
    if (onNote && !gone.has(onNote.dataset.id)) return () => {}; // a note that stays keeps it
    const from = onNote ? notes.indexOf(onNote) : notes.findIndex((el) => gone.has(el.dataset.id));
    const left = (el) => !gone.has(el.dataset.id);
    const next = notes.slice(from + 1).find(left) ?? notes.slice(0, Math.max(0, from)).reverse().find(left);
    return () => {
      app.renderNow(); // the deleted notes' elements go now, not at the next frame
      if (next?.isConnected) next.focus({ preventScroll: true });
      else app.focusBoard();
    };
  }

  function moveSelected(dx, dy) {
    const L = app.limits;
    const ops = selectedNotes().map((n) => ({
      kind: "update", id: n.id,
      set: { x: clamp(n.x + dx, -L.maxCoord, L.maxCoord), y: clamp(n.y + dy, -L.maxCoord, L.maxCoord) },
    }));
    if (ops.length && app.mayChange()) app.edit(many(ops));
  }

  function resizeSelected(dw, dh) {
    const L = app.limits;
    const ops = selectedNotes().map((n) => ({
      kind: "update", id: n.id,
      set: { w: clamp(n.w + dw, L.minSize, L.maxSize), h: clamp(n.h + dh, L.minSize, L.maxSize) },
    }));
    if (ops.length && app.mayChange()) app.edit(many(ops));
  }

  // --- Dragging: moving or resizing the selection by pointer ---------------

  /** startDrag begins moving (kind "move") or resizing ("resize") the
   * selected notes and returns the drag, for dragTo and endDrag. */
  function startDrag(kind, at) {
    const drag = { kind, notes: selectedNotes().map(({ id, x, y, w, h }) => ({ id, x, y, w, h })), moved: false, refused: false, lastSend: 0 };
    app.stacks?.startDrag(drag, at); // at, the board point pressed: a move may end on a note, to stack onto it
    return drag;
  }

  // dragTarget is where a drag by (dx, dy) puts note n, within the limits.
  function dragTarget(drag, n, dx, dy) {
    const L = app.limits;
    if (drag.kind === "resize") {
      return { w: Math.round(clamp(n.w + dx, L.minSize, L.maxSize)), h: Math.round(clamp(n.h + dy, L.minSize, L.maxSize)) };
    }
    return { x: Math.round(clamp(n.x + dx, -L.maxCoord, L.maxCoord)), y: Math.round(clamp(n.y + dy, -L.maxCoord, L.maxCoord)) };
  }

  /** dragTo shows the drag's notes moved or resized by (dx, dy) board units
   * from where it began, and now and then sends where they are, so others
   * see the drag as it happens. A drag the board's lock refuses at its
   * first move shows and sends nothing, to its end. */
  function dragTo(drag, dx, dy) {
    if (drag.refused) return;
    if (!drag.moved && !app.mayChange({ ids: drag.notes.map((n) => n.id) })) {
      drag.refused = true;
      return;
    }
    drag.moved = true;
    ui.dragging = new Set(drag.notes.map((n) => n.id));
    ui.preview = new Map(drag.notes.map((n) => [n.id, dragTarget(drag, n, dx, dy)]));
    app.stacks?.dragTarget(drag, dx, dy);
    app.render();
    const now = performance.now();
    if (now - drag.lastSend >= dragSendMs) {
      drag.lastSend = now;
      sendDrag(drag, false);
    }
  }

  /** endDrag sends where the drag left its notes, as one undo step back to
   * where they were before it, and stops showing it. */
  function endDrag(drag) {
    // Let go over a note, the notes stack onto it (stacks.js) instead.
    if (drag.moved && !app.stacks?.drop(drag)) sendDrag(drag, true);
    cancelDrag();
  }

  /** cancelDrag stops showing a drag without sending more of it. */
  function cancelDrag() {
    app.stacks?.cancelDrag();
    ui.preview = new Map();
    ui.dragging = new Set();
    app.render();
  }

  // sendDrag sends the drag's current positions; the final one goes on the
  // undo stack as one step, with the positions before the drag.
  function sendDrag(drag, final) {
    const ops = [], inv = [];
    for (const n of drag.notes) {
      const target = ui.preview.get(n.id);
      if (!target || !app.state.view().notes.has(n.id)) continue;
      ops.push({ kind: "update", id: n.id, set: target });
      inv.push({ kind: "update", id: n.id, set: drag.kind === "resize" ? { w: n.w, h: n.h } : { x: n.x, y: n.y } });
    }
    if (!ops.length) return;
    if (final) app.edit(many(ops), { inv: many(inv) });
    else app.edit(many(ops), { undoable: false });
  }

  // --- Undo ------------------------------------------------------------------

  // Undo and redo ask before they take a step: taking an entry off one
  // stack puts it on the other (and gives a deleted note its new id), which
  // an edit refused afterwards would leave done on the stacks only. The
  // lock is asked first; the moderation (closed to new notes, own notes
  // only, a note waiting) can only judge the operation the step resolves
  // to, so the stack asks it before it moves anything.
  const mayStep = (op) => !app.moderation || app.moderation.mayEdit(op);

  function undo() {
    if (!app.undo.canUndo() || !app.mayChange()) return;
    sendStep(app.undo.undo(app.state.view(), mayStep));
  }

  function redo() {
    if (!app.undo.canRedo() || !app.mayChange()) return;
    sendStep(app.undo.redo(app.state.view(), mayStep));
  }

  // sendStep sends what an undo or redo resolved to: one operation, or
  // several sent one by one ("each": the notes of a multiple delete, each
  // brought back from the trash).
  function sendStep(op) {
    for (const o of op?.kind === "each" ? op.ops : op ? [op] : []) app.edit(o, { undoable: false });
  }

  // --- Camera ----------------------------------------------------------------

  /** zoomAt zooms by factor, keeping the board point under the screen point
   * (clientX, clientY) where it is. */
  function zoomAt(factor, clientX, clientY) {
    const r = viewport.getBoundingClientRect();
    const px = clientX - r.left, py = clientY - r.top;
    const z = clamp(cam.zoom * factor, minZoom, maxZoom);
    cam.x = px - ((px - cam.x) * z) / cam.zoom;
    cam.y = py - ((py - cam.y) * z) / cam.zoom;
    cam.zoom = z;
    app.autoFit = false;
    app.render();
  }

  /** zoomBy zooms by factor around the middle of the screen. */
  function zoomBy(factor) {
    const r = viewport.getBoundingClientRect();
    zoomAt(factor, r.left + r.width / 2, r.top + r.height / 2);
  }

  /** panBy moves the view by (dx, dy) screen pixels. */
  function panBy(dx, dy) {
    cam.x += dx;
    cam.y += dy;
    app.autoFit = false;
    app.render();
  }

  /** fit shows every note, as large as the screen allows (up to twice
   * their size), inside the part of the screen that no fixed bar covers
   * (app.freeArea). A board without notes shows its origin at 100 %. */
  function fit() {
    const area = app.freeArea({ panels: false });
    // A board with notes fits its notes: its lanes, tall and mostly empty,
    // would make them too small to read on a phone. A board of empty
    // columns (new from a template) opens on the lanes' names.
    const all = app.view();
    const notes = [...all.notes.values()].filter((n) => !app.stacks?.isMember(all, n)); // a stack's notes are drawn as its head
    const lanes = !notes.length && lanesBounds(app.view());
    const rects = lanes ? [{ ...lanes, h: Math.min(lanes.h, 600) }] : notes;
    // The names of the lanes just above the notes stay in view.
    const heads = notes.length && lanesBounds(app.view());
    if (heads && heads.y >= Math.min(...notes.map((n) => n.y)) - 240) rects.push({ x: notes[0].x, y: heads.y, w: 1, h: 1 });
    // The wall shows few notes no larger than life (its type is large
    // already), and every column's name, which a class reads the notes by.
    const wall = !!app.onWall?.();
    const opts = { margin: margin(area), minZoom, maxZoom: wall ? wallMaxZoom : fitMaxZoom };
    let fitted = fitCamera(rects, area, opts);
    if (wall && heads && notes.length) {
      const withHeads = fitCamera([...rects, { x: heads.x, y: heads.y, w: heads.w, h: 1 }], area, opts);
      if (withHeads.zoom >= Math.min(readableZoom, fitted.zoom)) fitted = withHeads; // unless they would make the notes too small to read
    }
    Object.assign(cam, fitted);
    app.autoFit = true;
    app.render();
  }

  // --- Editing -----------------------------------------------------------------

  // A phone's fitted view can show a note a few dozen pixels wide, its
  // text far too small to write in. Editing there brings the note up to
  // most of the screen's width, at the top of the free area (a phone's
  // keyboard takes the bottom). When the writing ends, the view goes back
  // to where it was, unless the person moved it meanwhile or ended the
  // writing by pressing another note (the finger aims at what shows now).
  let editView = null; // {before, after, autoFit}: the cameras either side of the zoom to write
  let keepView = false;
  const phone = () => matchMedia("(pointer: coarse)").matches || app.freeArea().right <= 600;

  function startEditing(id) {
    editor.start(id);
    if (ui.editing !== id || !phone() || app.stage?.following()) return; // a follower's view is the presenter's
    const n = app.view().notes.get(id);
    const el = document.getElementById("note-" + id);
    if (!n || !el) return;
    const textPx = (parseFloat(getComputedStyle(el).fontSize) || 16) * cam.zoom;
    const area = app.freeArea();
    const W = area.right - area.left;
    const zoom = Math.min(maxZoom, (W * editWidthShare) / n.w);
    if (textPx >= readableTextPx || zoom <= cam.zoom) return;
    const before = { x: cam.x, y: cam.y, zoom: cam.zoom };
    const m = margin(area);
    Object.assign(cam, { x: area.left + (W - n.w * zoom) / 2 - n.x * zoom, y: area.top + m - n.y * zoom, zoom });
    editView = { before, after: { ...cam }, autoFit: app.autoFit };
    app.autoFit = false; // a change of window size (a keyboard) must not fit the view away from the note
    app.render();
  }

  function stopEditing({ keepView: keep = false } = {}) {
    keepView = keep;
    editor.stop();
    keepView = false;
  }

  // Told by the editor whenever it closes, however (Escape, the focus
  // gone, a press elsewhere, a delete).
  editor.onStop = () => {
    const v = editView;
    editView = null;
    if (!v || keepView) return;
    const same = (a, b) => Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5 && Math.abs(a.zoom - b.zoom) < 1e-6;
    if (!same(cam, v.after)) return; // moved since: the person's view now
    Object.assign(cam, v.before);
    app.autoFit = v.autoFit;
    app.render();
  };

  return {
    toBoard,
    select, toggleSelected, selectInRect,
    addNote, addNoteInView, placeNotesInView, recolor, cycleColor, bringToFront, moveToColumn, duplicate, deleteSelected, moveSelected, resizeSelected,
    startEditing, stopEditing,
    // The server's answers to the editor's own texts (editor.js).
    accepted: (seq) => editor.accepted(seq),
    refused: (m) => editor.refused(m),
    startDrag, dragTo, endDrag, cancelDrag,
    undo, redo,
    zoomAt, zoomBy, panBy, fit,
  };
}
