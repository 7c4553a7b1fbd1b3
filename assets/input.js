// input.js: maps pointer, touch, pen, wheel and keyboard input, and the top
// bar's buttons, to the named actions of actions.js. Pointer Events cover
// mouse, touch and pen alike. What an action does is actions.js's business;
// here is only which gesture or key means which action. On a view link's
// page (app.canEdit false) nothing maps to an edit: a drag anywhere pans,
// and only the keys that move the view do anything.

const dragThresholdPx = 3; // less movement than this on screen is a click, not a drag
// A finger wobbles more than a mouse: a touch on empty board that moves
// less than this is a tap (which deselects), not a pan.
const tapSlopPx = 10;

// Keys that a focused control has a meaning for of its own (Enter presses
// a button or follows a link, arrows move within a toolbar or a group of
// radio buttons, Escape closes a panel), or that a person aims at the
// control they are on (Delete, N): there, they are not the board's.
const controlKeys = new Set(["Enter", "Delete", "Backspace", "n", "N", "Escape", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"]);
const controls = "button, a, input, textarea, select, [role=toolbar], [role=dialog], .stops-panel";
const cursorEveryMs = 50; // 20 a second: the server drops cursor moves beyond 30

export function attachInput(app, actions) {
  // A person who pans or zooms takes the view back from a presenter they
  // follow (stage.js): every move of the view from here says so first.
  const { panBy, zoomAt, zoomBy, fit } = actions;
  const took = () => app.stage?.tookView();
  actions = {
    ...actions,
    panBy: (dx, dy) => ((dx || dy) && took(), panBy(dx, dy)),
    zoomAt: (...a) => (took(), zoomAt(...a)),
    zoomBy: (f) => (took(), zoomBy(f)),
    fit: () => (took(), fit()),
  };
  const viewport = document.getElementById("viewport");
  const boardEl = document.getElementById("board");
  const band = document.getElementById("band");
  const { ui, cam } = app;
  const noteOf = (target) => target.closest?.(".note[data-id]");

  // --- Buttons ---------------------------------------------------------------

  // A view link's page has no editing buttons at all (board.templ).
  const on = (id, fn) => document.getElementById(id)?.addEventListener("click", fn);
  on("zoom-in", () => actions.zoomBy(1.25));
  on("zoom-out", () => actions.zoomBy(0.8));
  on("fit", () => actions.fit());
  if (app.canEdit) {
    on("add-note", () => actions.addNoteInView());
    on("undo", () => actions.undo());
    on("redo", () => actions.redo());
    on("redo-menu", () => actions.redo()); // a phone's redo, in the ⋯ menu
  }

  // --- Wheel: pan, or zoom with Ctrl (which is also what a trackpad pinch sends)

  viewport.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      if (e.ctrlKey || e.metaKey) actions.zoomAt(Math.exp(-e.deltaY * 0.01), e.clientX, e.clientY);
      else actions.panBy(-e.deltaX, -e.deltaY);
    },
    { passive: false },
  );

  // --- Pointer: drag, resize, rubber band, pan, pinch ----------------------

  const pointers = new Map(); // pointerId -> {x, y}
  let gesture = null;
  let lastCursor = 0;
  let spaceHeld = false;

  viewport.addEventListener("pointerdown", (e) => {
    if (e.target.closest(".note-editor")) return;
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.size === 2) {
      // Two fingers: pinch to zoom, whatever the first one was doing.
      cancelGesture();
      const [a, b] = [...pointers.values()];
      gesture = { kind: "pinch", dist: Math.hypot(a.x - b.x, a.y - b.y), mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } };
      return;
    }
    const noteEl = app.canEdit ? noteOf(e.target) : null; // a viewer's drag on a note pans
    if (noteEl) {
      const id = noteEl.dataset.id;
      // A press on another note ends the writing in the open one, saved:
      // the press is cancelled (no focus change), so the editor's textarea
      // would keep the focus and the typing, and others would go on seeing
      // this person write there. The view stays: the finger aims at it.
      if (ui.editing && ui.editing !== id) actions.stopEditing({ keepView: true });
      if (e.shiftKey) {
        actions.toggleSelected(id);
        return;
      }
      // A press on a selected note keeps the selection, so all of it drags.
      // On a touch screen a tap selects a note, and a tap on the note
      // already selected (alone) opens it for writing: a double tap is
      // hard to time, and a finger has no Enter.
      const again = e.pointerType === "touch" && ui.selected.size === 1 && ui.selected.has(id) && ui.editing !== id;
      if (!ui.selected.has(id)) actions.select([id]);
      const resize = e.target.classList.contains("resize-handle");
      const start = actions.toBoard(e.clientX, e.clientY);
      gesture = { kind: "drag", start, drag: actions.startDrag(resize ? "resize" : "move", start), tapEdits: again && !resize ? id : "" };
      viewport.setPointerCapture(e.pointerId);
      e.preventDefault();
      return;
    }
    // Empty space: touch pans; mouse and pen draw a selection band
    // (middle button, or Space held, pans). A finger's tap, a pan that
    // never moved, is what a click is for a mouse: it ends the writing and
    // clears the selection (endGesture); a pan keeps both, so a phone can
    // move the board under the note being written.
    const touch = e.pointerType === "touch";
    if (!touch) actions.stopEditing();
    if (!app.canEdit || touch || e.button === 1 || spaceHeld) {
      gesture = { kind: "pan", x: e.clientX, y: e.clientY, from: { x: e.clientX, y: e.clientY }, tap: touch && app.canEdit };
    } else {
      if (!e.shiftKey) actions.select([]);
      gesture = { kind: "band", start: actions.toBoard(e.clientX, e.clientY), base: new Set(ui.selected), client: { x: e.clientX, y: e.clientY } };
    }
    viewport.setPointerCapture(e.pointerId);
    e.preventDefault();
  });

  viewport.addEventListener("pointermove", (e) => {
    if (pointers.has(e.pointerId)) pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const p = actions.toBoard(e.clientX, e.clientY);
    const now = performance.now();
    if (now - lastCursor > cursorEveryMs) {
      lastCursor = now;
      app.cursor(Math.round(p.x), Math.round(p.y));
    }
    if (!gesture) return;
    switch (gesture.kind) {
      case "pinch": {
        if (pointers.size < 2) return;
        const [a, b] = [...pointers.values()];
        const dist = Math.hypot(a.x - b.x, a.y - b.y);
        const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
        actions.panBy(mid.x - gesture.mid.x, mid.y - gesture.mid.y);
        actions.zoomAt(dist / gesture.dist, mid.x, mid.y);
        gesture.dist = dist;
        gesture.mid = mid;
        return;
      }
      case "pan":
        if (gesture.tap && Math.hypot(e.clientX - gesture.from.x, e.clientY - gesture.from.y) < tapSlopPx) return; // a tap, so far
        gesture.tap = false;
        actions.panBy(e.clientX - gesture.x, e.clientY - gesture.y);
        gesture.x = e.clientX;
        gesture.y = e.clientY;
        return;
      case "band": {
        const s = gesture.start;
        const r = viewport.getBoundingClientRect();
        Object.assign(band.style, {
          left: Math.min(gesture.client.x, e.clientX) - r.left + "px",
          top: Math.min(gesture.client.y, e.clientY) - r.top + "px",
          width: Math.abs(e.clientX - gesture.client.x) + "px",
          height: Math.abs(e.clientY - gesture.client.y) + "px",
        });
        band.hidden = false;
        actions.selectInRect({ x0: Math.min(s.x, p.x), y0: Math.min(s.y, p.y), x1: Math.max(s.x, p.x), y1: Math.max(s.y, p.y) }, gesture.base);
        return;
      }
      case "drag": {
        const dx = p.x - gesture.start.x, dy = p.y - gesture.start.y;
        if (!gesture.drag.moved && Math.hypot(dx * cam.zoom, dy * cam.zoom) < dragThresholdPx) return;
        actions.dragTo(gesture.drag, dx, dy);
        return;
      }
    }
  });

  function endGesture(e) {
    pointers.delete(e.pointerId);
    // A finger lifted points at nothing: its cursor goes from the others'
    // screens, not left with its name where the finger last was.
    if (e.pointerType === "touch" && pointers.size === 0) app.cursor(null, null);
    if (!gesture) return;
    if (gesture.kind === "pan" && gesture.tap && e.type === "pointerup") {
      cancelGesture();
      actions.stopEditing();
      actions.select([]);
      return;
    }
    const edit = gesture.kind === "drag" && e.type === "pointerup" && !gesture.drag.moved ? gesture.tapEdits : "";
    if (edit) {
      cancelGesture();
      actions.startEditing(edit);
      return;
    }
    if (gesture.kind === "drag") actions.endDrag(gesture.drag);
    if (gesture.kind === "pinch" && pointers.size === 1) {
      gesture = null;
      return;
    }
    cancelGesture();
  }
  function cancelGesture() {
    gesture = null;
    band.hidden = true;
    actions.cancelDrag();
  }
  viewport.addEventListener("pointerup", endGesture);
  viewport.addEventListener("pointercancel", endGesture);
  viewport.addEventListener("pointerleave", (e) => {
    if (!gesture && e.pointerType === "mouse") app.cursor(null, null);
  });

  viewport.addEventListener("dblclick", (e) => {
    if (!app.canEdit) return;
    // The pointer is captured by the viewport during a press, which makes
    // the viewport the target of the click; ask what is under the pointer.
    const noteEl = noteOf(document.elementFromPoint(e.clientX, e.clientY) || e.target);
    if (noteEl) {
      if (ui.editing !== noteEl.dataset.id) actions.startEditing(noteEl.dataset.id); // a second tap opened it already
      return;
    }
    const p = actions.toBoard(e.clientX, e.clientY);
    actions.addNote(p.x - 100, p.y - 80); // the new note's middle under the pointer
  });

  // Focus follows selection for the keyboard: Tab walks the notes.
  boardEl.addEventListener("focusin", (e) => {
    const noteEl = noteOf(e.target);
    if (app.canEdit && noteEl && !ui.selected.has(noteEl.dataset.id) && !ui.editing) actions.select([noteEl.dataset.id]);
  });

  // --- Keyboard -------------------------------------------------------------

  document.addEventListener("keyup", (e) => {
    if (e.key === " ") spaceHeld = false;
  });
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, textarea, dialog, [contenteditable]:not([contenteditable=false])")) return;
    if (controlKeys.has(e.key) && e.target.closest(controls)) return;
    if (app.stage?.key(e)) return; // the presenter's: stops, pointer, spotlight
    const mod = e.ctrlKey || e.metaKey;
    const step = e.shiftKey ? 50 : 10;
    if (!app.canEdit) {
      viewKey(e, mod);
      return;
    }
    if (mod && (e.key === "z" || e.key === "Z")) {
      e.preventDefault();
      e.shiftKey ? actions.redo() : actions.undo();
      return;
    }
    if (mod && e.key === "y") {
      e.preventDefault();
      actions.redo();
      return;
    }
    if (mod && e.key === "d") {
      e.preventDefault();
      actions.duplicate();
      return;
    }
    if (mod) return;
    switch (e.key) {
      case "n":
      case "N":
        e.preventDefault();
        actions.addNoteInView();
        return;
      case "Delete":
      case "Backspace":
        e.preventDefault();
        actions.deleteSelected();
        return;
      case "Enter": {
        const id = noteOf(document.activeElement)?.dataset.id || [...ui.selected][0];
        if (id) {
          e.preventDefault();
          actions.startEditing(id);
        }
        return;
      }
      case "Escape":
        actions.select([]);
        document.activeElement?.blur?.();
        return;
      case "ArrowLeft":
      case "ArrowRight":
      case "ArrowUp":
      case "ArrowDown": {
        if (!ui.selected.size) return;
        e.preventDefault();
        const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
        if (e.altKey) actions.resizeSelected(...d); // Alt+arrows resize, for those who cannot drag
        else actions.moveSelected(...d);
        return;
      }
      case "+":
      case "=":
        actions.zoomBy(1.25);
        return;
      case "-":
        actions.zoomBy(0.8);
        return;
      case "0":
        actions.fit();
        return;
      case "f":
      case "F":
        actions.bringToFront();
        return;
      case "k":
      case "K":
        if (!ui.selected.size) return;
        e.preventDefault();
        actions.cycleColor(e.shiftKey ? -1 : 1);
        return;
      case " ":
        spaceHeld = true;
        return;
    }
  });

  /** viewKey handles a key on a view link's page: the view moves, and
   * nothing else happens. */
  function viewKey(e, mod) {
    if (mod) return;
    switch (e.key) {
      case "+":
      case "=":
        actions.zoomBy(1.25);
        return;
      case "-":
        actions.zoomBy(0.8);
        return;
      case "0":
        actions.fit();
        return;
      case "Escape":
        document.activeElement?.blur?.();
        return;
      case "ArrowLeft":
      case "ArrowRight":
      case "ArrowUp":
      case "ArrowDown": {
        e.preventDefault();
        const d = (e.shiftKey ? 5 : 1) * 40;
        const [dx, dy] = { ArrowLeft: [d, 0], ArrowRight: [-d, 0], ArrowUp: [0, d], ArrowDown: [0, -d] }[e.key];
        actions.panBy(dx, dy);
        return;
      }
      case " ":
        spaceHeld = true;
        return;
    }
  }
}
