// input.js: turns pointer, touch, pen, wheel and keyboard input into edits
// and camera moves. Pointer Events cover mouse, touch and pen alike.

import { newId } from "./socket.js";

const dragSendMs = 40; // a drag sends at most one move per frame and per 40 ms; the last always goes
const minZoom = 0.1;
const maxZoom = 4;

export function attachInput(app) {
  const viewport = document.getElementById("viewport");
  const boardEl = document.getElementById("board");
  const band = document.getElementById("band");
  const { ui, cam } = app;
  const lim = () => app.limits || { minSize: 40, maxSize: 4000, maxCoord: 1e6, maxTextRunes: 5000 };
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

  // Screen to board coordinates.
  const toBoard = (clientX, clientY) => {
    const r = viewport.getBoundingClientRect();
    return { x: (clientX - r.left - cam.x) / cam.zoom, y: (clientY - r.top - cam.y) / cam.zoom };
  };
  const noteOf = (target) => target.closest?.(".note[data-id]");
  const select = (ids) => {
    ui.selected = new Set(ids);
    app.render();
  };

  // --- Actions -----------------------------------------------------------

  app.addNote = (x, y) => {
    const id = newId();
    const v = app.view();
    let top = 0;
    for (const n of v.notes.values()) top = Math.max(top, n.z);
    app.edit({ kind: "create", note: { id, x: Math.round(x), y: Math.round(y), text: "", z: top + 1 } });
    ui.selected = new Set([id]);
    app.renderNow(); // the editor goes into the note's element, so draw it now
    startEditing(id);
    return id;
  };

  const selectedNotes = () => [...ui.selected].map((id) => app.view().notes.get(id)).filter(Boolean);
  const many = (ops) => (ops.length === 1 ? ops[0] : { kind: "batch", ops });

  app.recolor = (color) => {
    const ops = selectedNotes().map((n) => ({ kind: "update", id: n.id, set: { color } }));
    if (ops.length) app.edit(many(ops));
  };
  app.bringToFront = () => {
    let top = 0;
    for (const n of app.view().notes.values()) top = Math.max(top, n.z);
    const ops = selectedNotes().sort((a, b) => a.z - b.z).map((n, i) => ({ kind: "update", id: n.id, set: { z: top + 1 + i } }));
    if (ops.length) app.edit(many(ops));
  };
  app.duplicate = () => {
    let top = 0;
    for (const n of app.view().notes.values()) top = Math.max(top, n.z);
    const copies = selectedNotes().map((n, i) => ({
      kind: "create",
      note: { id: newId(), x: n.x + 24, y: n.y + 24, w: n.w, h: n.h, text: n.text, color: n.color, z: top + 1 + i },
    }));
    if (!copies.length) return;
    app.edit(many(copies));
    select(copies.map((c) => c.note.id));
  };
  app.deleteSelected = () => {
    const ops = selectedNotes().map((n) => ({ kind: "delete", id: n.id }));
    if (!ops.length) return;
    stopEditing();
    app.edit(many(ops));
    select([]);
  };
  app.moveSelected = (dx, dy) => {
    const ops = selectedNotes().map((n) => ({ kind: "update", id: n.id, set: { x: n.x + dx, y: n.y + dy } }));
    if (ops.length) app.edit(many(ops));
  };

  app.resizeSelected = (dw, dh) => {
    const L = lim();
    const ops = selectedNotes().map((n) => ({
      kind: "update", id: n.id,
      set: { w: clamp(n.w + dw, L.minSize, L.maxSize), h: clamp(n.h + dh, L.minSize, L.maxSize) },
    }));
    if (ops.length) app.edit(many(ops));
  };

  // --- Camera --------------------------------------------------------------

  const zoomAt = (factor, clientX, clientY) => {
    const r = viewport.getBoundingClientRect();
    const px = clientX - r.left, py = clientY - r.top;
    const z = clamp(cam.zoom * factor, minZoom, maxZoom);
    cam.x = px - ((px - cam.x) * z) / cam.zoom;
    cam.y = py - ((py - cam.y) * z) / cam.zoom;
    cam.zoom = z;
    app.render();
  };
  const zoomCenter = (factor) => {
    const r = viewport.getBoundingClientRect();
    zoomAt(factor, r.left + r.width / 2, r.top + r.height / 2);
  };
  app.fit = () => {
    const notes = [...app.view().notes.values()];
    const r = viewport.getBoundingClientRect();
    if (!notes.length) {
      Object.assign(cam, { x: 0, y: 0, zoom: 1 });
      return app.render();
    }
    const x0 = Math.min(...notes.map((n) => n.x)), y0 = Math.min(...notes.map((n) => n.y));
    const x1 = Math.max(...notes.map((n) => n.x + n.w)), y1 = Math.max(...notes.map((n) => n.y + n.h));
    const margin = 40;
    // The board starts below the top bar; fit into what is left.
    const height = r.height - boardEl.offsetTop;
    // Up to 3x: a projector showing a handful of notes should fill the wall.
    const z = clamp(Math.min((r.width - 2 * margin) / (x1 - x0), (height - 2 * margin) / (y1 - y0)), minZoom, 3);
    cam.zoom = z;
    cam.x = (r.width - (x1 - x0) * z) / 2 - x0 * z;
    cam.y = (height - (y1 - y0) * z) / 2 - y0 * z;
    app.render();
  };
  document.getElementById("zoom-in").addEventListener("click", () => zoomCenter(1.25));
  document.getElementById("zoom-out").addEventListener("click", () => zoomCenter(0.8));
  document.getElementById("fit").addEventListener("click", () => app.fit());
  document.getElementById("add-note").addEventListener("click", () => {
    const r = viewport.getBoundingClientRect();
    const p = toBoard(r.left + r.width / 2 - 100 + Math.random() * 40, r.top + r.height / 2 - 80 + Math.random() * 40);
    app.addNote(p.x, p.y);
  });
  document.getElementById("undo").addEventListener("click", () => app.undoLast());
  document.getElementById("redo").addEventListener("click", () => app.redoLast());

  viewport.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      if (e.ctrlKey || e.metaKey) {
        zoomAt(Math.exp(-e.deltaY * 0.01), e.clientX, e.clientY);
      } else {
        cam.x -= e.deltaX;
        cam.y -= e.deltaY;
        app.render();
      }
    },
    { passive: false },
  );

  // --- Editing text --------------------------------------------------------

  let editor = null; // {id, textarea, timer, sent}
  function startEditing(id) {
    stopEditing();
    const el = document.getElementById("note-" + id);
    const note = app.view().notes.get(id);
    if (!el || !note) return;
    const ta = document.createElement("textarea");
    ta.className = "note-editor";
    ta.value = note.text;
    ta.maxLength = lim().maxTextRunes;
    ta.setAttribute("aria-label", app.t["note.edit"]);
    el.querySelector(".note-text").hidden = true;
    el.append(ta);
    ui.editing = id;
    editor = { id, ta, timer: 0, sent: note.text };
    const send = () => {
      clearTimeout(editor?.timer);
      if (!editor || ta.value === editor.sent) return;
      editor.sent = ta.value;
      app.edit({ kind: "update", id, set: { text: ta.value } });
    };
    // Every pause in typing is an edit of its own (and in the outbox at
    // once), so a dropped connection or a closed tab loses at most the
    // last 300 ms of typing.
    ta.addEventListener("input", () => {
      clearTimeout(editor.timer);
      editor.timer = setTimeout(send, 300);
    });
    ta.addEventListener("blur", () => stopEditing());
    ta.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        stopEditing();
        el.focus();
      }
      e.stopPropagation();
    });
    editor.send = send;
    ta.focus();
    ta.setSelectionRange(ta.value.length, ta.value.length);
    app.cursor(null, null);
    app.render();
  }
  function stopEditing() {
    if (!editor) return;
    const { id, ta } = editor;
    editor.send();
    editor = null;
    ui.editing = null;
    ta.remove();
    const el = document.getElementById("note-" + id);
    if (el) el.querySelector(".note-text").hidden = false;
    app.cursor(null, null);
    app.render();
  }
  app.startEditing = startEditing;
  app.stopEditing = stopEditing;

  // --- Pointer: drag, resize, rubber band, pan, pinch ----------------------

  const pointers = new Map(); // pointerId -> {x, y}
  let gesture = null;
  let lastCursor = 0;

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
    const noteEl = noteOf(e.target);
    if (noteEl) {
      const id = noteEl.dataset.id;
      if (e.shiftKey) {
        const s = new Set(ui.selected);
        s.has(id) ? s.delete(id) : s.add(id);
        select(s);
        return;
      }
      if (!ui.selected.has(id)) select([id]);
      const start = toBoard(e.clientX, e.clientY);
      const notes = selectedNotes().map((n) => ({ id: n.id, x: n.x, y: n.y, w: n.w, h: n.h }));
      const resize = e.target.classList.contains("resize-handle");
      gesture = { kind: resize ? "resize" : "drag", start, notes, moved: false, lastSend: 0, id };
      viewport.setPointerCapture(e.pointerId);
      e.preventDefault();
      return;
    }
    // Empty space: touch pans; mouse and pen draw a selection band
    // (middle button, or Space held, pans).
    stopEditing();
    if (e.pointerType === "touch" || e.button === 1 || spaceHeld) {
      gesture = { kind: "pan", x: e.clientX, y: e.clientY };
    } else {
      if (!e.shiftKey) select([]);
      gesture = { kind: "band", start: toBoard(e.clientX, e.clientY), base: new Set(ui.selected), client: { x: e.clientX, y: e.clientY } };
    }
    viewport.setPointerCapture(e.pointerId);
    e.preventDefault();
  });

  viewport.addEventListener("pointermove", (e) => {
    if (pointers.has(e.pointerId)) pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const p = toBoard(e.clientX, e.clientY);
    const now = performance.now();
    if (now - lastCursor > 50) {
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
        cam.x += mid.x - gesture.mid.x;
        cam.y += mid.y - gesture.mid.y;
        zoomAt(dist / gesture.dist, mid.x, mid.y);
        gesture.dist = dist;
        gesture.mid = mid;
        return;
      }
      case "pan":
        cam.x += e.clientX - gesture.x;
        cam.y += e.clientY - gesture.y;
        gesture.x = e.clientX;
        gesture.y = e.clientY;
        app.render();
        return;
      case "band": {
        const s = gesture.start;
        const x0 = Math.min(s.x, p.x), y0 = Math.min(s.y, p.y), x1 = Math.max(s.x, p.x), y1 = Math.max(s.y, p.y);
        const r = viewport.getBoundingClientRect();
        Object.assign(band.style, {
          left: Math.min(gesture.client.x, e.clientX) - r.left + "px",
          top: Math.min(gesture.client.y, e.clientY) - r.top + "px",
          width: Math.abs(e.clientX - gesture.client.x) + "px",
          height: Math.abs(e.clientY - gesture.client.y) + "px",
        });
        band.hidden = false;
        const ids = new Set(gesture.base);
        for (const n of app.view().notes.values()) {
          if (n.x < x1 && n.x + n.w > x0 && n.y < y1 && n.y + n.h > y0) ids.add(n.id);
        }
        select(ids);
        return;
      }
      case "drag":
      case "resize": {
        const dx = p.x - gesture.start.x, dy = p.y - gesture.start.y;
        if (!gesture.moved && Math.hypot(dx * cam.zoom, dy * cam.zoom) < 3) return;
        gesture.moved = true;
        ui.dragging = new Set(gesture.notes.map((n) => n.id));
        ui.preview = new Map(gesture.notes.map((n) => [n.id, gestureTarget(n, dx, dy)]));
        app.render();
        if (now - gesture.lastSend >= dragSendMs) {
          gesture.lastSend = now;
          sendGesture(false);
        }
        return;
      }
    }
  });

  const gestureTarget = (n, dx, dy) => {
    const L = lim();
    if (gesture.kind === "resize") {
      return { w: Math.round(clamp(n.w + dx, L.minSize, L.maxSize)), h: Math.round(clamp(n.h + dy, L.minSize, L.maxSize)) };
    }
    return { x: Math.round(clamp(n.x + dx, -L.maxCoord, L.maxCoord)), y: Math.round(clamp(n.y + dy, -L.maxCoord, L.maxCoord)) };
  };

  // sendGesture sends the drag's current positions; the final one goes on
  // the undo stack as one step, with the positions before the drag.
  function sendGesture(final) {
    const ops = [], inv = [];
    for (const n of gesture.notes) {
      const target = ui.preview.get(n.id);
      if (!target || !app.state.view().notes.has(n.id)) continue;
      ops.push({ kind: "update", id: n.id, set: target });
      inv.push({ kind: "update", id: n.id, set: gesture.kind === "resize" ? { w: n.w, h: n.h } : { x: n.x, y: n.y } });
    }
    if (!ops.length) return;
    if (final) app.edit(many(ops), { inv: many(inv) });
    else app.edit(many(ops), { undoable: false });
  }

  function endGesture(e) {
    pointers.delete(e.pointerId);
    if (!gesture) return;
    if ((gesture.kind === "drag" || gesture.kind === "resize") && gesture.moved) sendGesture(true);
    if (gesture.kind === "pinch" && pointers.size === 1) {
      gesture = null;
      return;
    }
    cancelGesture();
  }
  function cancelGesture() {
    gesture = null;
    ui.preview = new Map();
    ui.dragging = new Set();
    band.hidden = true;
    app.render();
  }
  viewport.addEventListener("pointerup", endGesture);
  viewport.addEventListener("pointercancel", endGesture);
  viewport.addEventListener("pointerleave", (e) => {
    if (!gesture && e.pointerType === "mouse") app.cursor(null, null);
  });

  viewport.addEventListener("dblclick", (e) => {
    // The pointer is captured by the viewport during a press, which makes
    // the viewport the target of the click; ask what is under the pointer.
    const noteEl = noteOf(document.elementFromPoint(e.clientX, e.clientY) || e.target);
    if (noteEl) {
      startEditing(noteEl.dataset.id);
      return;
    }
    const p = toBoard(e.clientX, e.clientY);
    app.addNote(p.x - 100, p.y - 80);
  });

  // Focus follows selection for the keyboard: Tab walks the notes.
  boardEl.addEventListener("focusin", (e) => {
    const noteEl = noteOf(e.target);
    if (noteEl && !ui.selected.has(noteEl.dataset.id) && !ui.editing) select([noteEl.dataset.id]);
  });

  // --- Keyboard -------------------------------------------------------------

  let spaceHeld = false;
  document.addEventListener("keyup", (e) => {
    if (e.key === " ") spaceHeld = false;
  });
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, textarea, dialog, [contenteditable]:not([contenteditable=false])")) return;
    const mod = e.ctrlKey || e.metaKey;
    const step = e.shiftKey ? 50 : 10;
    if (mod && (e.key === "z" || e.key === "Z")) {
      e.preventDefault();
      e.shiftKey ? app.redoLast() : app.undoLast();
      return;
    }
    if (mod && e.key === "y") {
      e.preventDefault();
      app.redoLast();
      return;
    }
    if (mod && e.key === "d") {
      e.preventDefault();
      app.duplicate();
      return;
    }
    if (mod) return;
    switch (e.key) {
      case "n":
      case "N": {
        e.preventDefault();
        document.getElementById("add-note").click();
        return;
      }
      case "Delete":
      case "Backspace":
        e.preventDefault();
        app.deleteSelected();
        return;
      case "Enter": {
        const id = noteOf(document.activeElement)?.dataset.id || [...ui.selected][0];
        if (id) {
          e.preventDefault();
          startEditing(id);
        }
        return;
      }
      case "Escape":
        select([]);
        document.activeElement?.blur?.();
        return;
      case "ArrowLeft":
      case "ArrowRight":
      case "ArrowUp":
      case "ArrowDown": {
        if (!ui.selected.size) return;
        e.preventDefault();
        const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
        if (e.altKey) app.resizeSelected(...d); // Alt+arrows resize, for those who cannot drag
        else app.moveSelected(...d);
        return;
      }
      case "+":
      case "=":
        zoomCenter(1.25);
        return;
      case "-":
        zoomCenter(0.8);
        return;
      case "0":
        app.fit();
        return;
      case "f":
      case "F":
        app.bringToFront();
        return;
      case " ":
        spaceHeld = true;
        return;
    }
  });
}
