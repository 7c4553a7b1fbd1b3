// Tests of layout.js: where new notes go and how the camera fits. Run with
// `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { placeNote, placeGrid, fitCamera, revealCamera, screenToBoard, overlap, noteSize, placeGap } from "./layout.js";

const inside = (r, v) => r.x >= v.x && r.y >= v.y && r.x + r.w <= v.x + v.w && r.y + r.h <= v.y + v.h;
const rect = (p) => ({ x: p.x, y: p.y, w: noteSize.w, h: noteSize.h });

function assertApart(notes) {
  for (let i = 0; i < notes.length; i++) {
    for (let j = i + 1; j < notes.length; j++) {
      assert.equal(overlap(notes[i], notes[j]), 0, `notes ${i} and ${j} overlap: ${JSON.stringify([notes[i], notes[j]])}`);
    }
  }
}

test("the first note goes in the middle of the view, within half a note", () => {
  const view = { x: 0, y: 0, w: 1000, h: 600 };
  const p = placeNote([], view);
  assert.ok(p.inView);
  assert.ok(Math.abs(p.x + noteSize.w / 2 - 500) <= (noteSize.w + placeGap) / 2, JSON.stringify(p));
  assert.ok(Math.abs(p.y + noteSize.h / 2 - 300) <= (noteSize.h + placeGap) / 2, JSON.stringify(p));
});

test("notes added one after another line up, a gap apart", () => {
  const view = { x: 0, y: 0, w: 1000, h: 600 };
  const notes = [];
  for (let i = 0; i < 6; i++) notes.push(rect(placeNote(notes, view)));
  const xs = new Set(notes.map((n) => n.x)), ys = new Set(notes.map((n) => n.y));
  assert.ok(xs.size <= 3 && ys.size <= 3, JSON.stringify(notes));
  for (const x of xs) assert.equal(Math.abs(x - notes[0].x) % (noteSize.w + placeGap), 0);
});

for (const [name, view] of [
  ["projector", { x: 0, y: 0, w: 1840, h: 860 }],
  ["laptop", { x: -300, y: 50, w: 1300, h: 560 }],
  ["phone", { x: 0, y: 0, w: 358, h: 640 }],
]) {
  test(`thirty notes added one after another on a ${name} do not overlap, and each is in view or says it is not`, () => {
    const notes = [];
    let inView = 0;
    for (let i = 0; i < 30; i++) {
      const p = placeNote(notes, view);
      const r = rect(p);
      if (p.inView) {
        inView++;
        assert.ok(inside(r, view), `note ${i} said in view: ${JSON.stringify(r)}`);
      }
      notes.push(r);
    }
    assertApart(notes);
    // The view fills before anything goes outside it.
    const fits = Math.floor((view.w + placeGap) / (noteSize.w + placeGap)) * Math.floor((view.h + placeGap) / (noteSize.h + placeGap));
    assert.ok(inView >= Math.min(30, fits) * 0.75, `${inView} of 30 in view, room for about ${fits}`);
  });
}

test("a new note avoids notes that are already there, wherever they are", () => {
  const view = { x: 0, y: 0, w: 1200, h: 800 };
  // Someone else's notes, off any grid.
  const notes = [
    { x: 480, y: 300, w: 250, h: 200 },
    { x: 123, y: 77, w: 200, h: 160 },
    { x: 900, y: 555, w: 300, h: 245 },
  ];
  for (let i = 0; i < 12; i++) notes.push(rect(placeNote(notes, view)));
  assertApart(notes);
});

test("with choices, people adding at once get different places, all free", () => {
  const view = { x: 0, y: 0, w: 1200, h: 800 };
  const notes = [{ x: 500, y: 320, w: 200, h: 160 }];
  const seen = new Set();
  for (const r of [0, 0.4, 0.9]) {
    const p = placeNote(notes, view, { choices: 3, random: () => r });
    assert.equal(overlap(rect(p), notes[0]), 0);
    seen.add(p.x + "," + p.y);
  }
  assert.equal(seen.size, 3);
});

test("a full view sends the note beside it, free, and says so", () => {
  const view = { x: 0, y: 0, w: 600, h: 400 };
  const notes = [{ x: -50, y: -50, w: 700, h: 500 }];
  const p = placeNote(notes, view);
  assert.equal(p.inView, false);
  assert.equal(overlap(rect(p), notes[0]), 0);
});

test("a view smaller than a note still places it, outside what is on screen", () => {
  const p = placeNote([], { x: 0, y: 0, w: 100, h: 80 });
  assert.equal(p.inView, false);
});

test("fit shows every note inside the free part of the screen", () => {
  const notes = [
    { x: 0, y: 0, w: 200, h: 160 },
    { x: 3000, y: 0, w: 200, h: 160 },
    { x: 0, y: 2500, w: 200, h: 160 },
    { x: 3000, y: 2500, w: 200, h: 160 },
  ];
  const area = { left: 0, top: 52, right: 390, bottom: 760 };
  const cam = fitCamera(notes, area, { margin: 16 });
  for (const n of notes) {
    const x0 = cam.x + n.x * cam.zoom, y0 = cam.y + n.y * cam.zoom;
    assert.ok(x0 >= area.left && y0 >= area.top, JSON.stringify({ n, cam }));
    assert.ok(x0 + n.w * cam.zoom <= area.right && y0 + n.h * cam.zoom <= area.bottom, JSON.stringify({ n, cam }));
  }
  assert.ok(cam.zoom > 0.05 && cam.zoom < 0.2, `zoom ${cam.zoom}`);
});

test("fit does not blow a single note up past the largest zoom, and an empty board is at 100 %", () => {
  const area = { left: 0, top: 60, right: 1920, bottom: 1000 };
  assert.equal(fitCamera([{ x: 10, y: 10, w: 200, h: 160 }], area).zoom, 2);
  assert.deepEqual(fitCamera([], area), { x: 0, y: 60, zoom: 1 });
});

test("reveal moves the camera as little as it takes, and zooms out for what does not fit", () => {
  const area = { left: 0, top: 50, right: 400, bottom: 650 };
  const cam = { x: 0, y: 50, zoom: 1 };
  assert.deepEqual(revealCamera(cam, { x: 20, y: 20, w: 200, h: 160 }, area), cam);
  const moved = revealCamera(cam, { x: 500, y: 20, w: 200, h: 160 }, area);
  assert.deepEqual(moved, { x: -316, y: 50, zoom: 1 });
  const out = revealCamera({ x: 0, y: 50, zoom: 3 }, { x: 0, y: 0, w: 200, h: 160 }, area);
  const v = screenToBoard(out, { left: 16, top: 66, right: 384, bottom: 634 });
  assert.ok(out.zoom < 3 && inside({ x: 0, y: 0, w: 200, h: 160 }, { x: v.x - 1e-9, y: v.y - 1e-9, w: v.w + 2e-9, h: v.h + 2e-9 }), JSON.stringify(out));
});

test("a pasted list goes in one row in free space in view when a row fits, a gap apart", () => {
  const view = { x: 0, y: 0, w: 1300, h: 560 };
  const notes = [{ x: 500, y: 200, w: 200, h: 160 }];
  const g = placeGrid(notes, view, 3);
  assert.ok(g.inView);
  const rects = g.places.map(rect);
  assert.deepEqual(new Set(rects.map((r) => r.y)).size, 1, JSON.stringify(rects));
  for (let i = 1; i < 3; i++) assert.equal(rects[i].x - rects[i - 1].x, noteSize.w + placeGap);
  for (const r of rects) assert.ok(inside(r, view), JSON.stringify(r));
  assertApart([...notes, ...rects]);
});

test("a pasted list on a phone goes down one column, and into a gap between notes when that is where there is room", () => {
  const phone = placeGrid([], { x: 0, y: 0, w: 358, h: 640 }, 3);
  assert.ok(phone.inView);
  assert.equal(new Set(phone.places.map((p) => p.x)).size, 1);
  // A laptop with a row of notes across its middle: three in a row fit
  // above it, not across it.
  const view = { x: 0, y: 0, w: 1300, h: 600 };
  const notes = [0, 1, 2, 3, 4].map((i) => ({ x: i * 260, y: 220, w: 200, h: 160 }));
  const g = placeGrid(notes, view, 3);
  assert.ok(g.inView);
  const rects = g.places.map(rect);
  for (const r of rects) assert.ok(inside(r, view), JSON.stringify(r));
  assertApart([...notes, ...rects]);
});

test("a long list takes a block about as wide as the view, beside what is there, overlapping nothing", () => {
  const view = { x: 0, y: 0, w: 1300, h: 560 };
  const notes = [{ x: 100, y: 100, w: 200, h: 160 }, { x: 700, y: 300, w: 200, h: 160 }];
  const g = placeGrid(notes, view, 200);
  assert.equal(g.places.length, 200);
  assert.equal(g.inView, false);
  const cols = new Set(g.places.map((p) => p.x)).size, rows = new Set(g.places.map((p) => p.y)).size;
  assert.ok(cols > rows && cols * rows >= 200 && (cols - 1) * rows < 200, `${cols} x ${rows}`);
  assertApart([...notes, ...g.places.map(rect)]);
  assert.deepEqual(g.rect, { x: g.places[0].x, y: g.places[0].y, w: cols * (noteSize.w + placeGap) - placeGap, h: rows * (noteSize.h + placeGap) - placeGap });
});
