// Tests of stacks.js's pure parts: what a drag drops on, the updates that
// stack and unstack (applied with state.js's applyOp, which mirrors the
// server's rules), where notes taken out of a stack go, and the order and
// grid of "Arrange by votes". Run with `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { applyOp, cloneBoard, inverse } from "./state.js";
import { apartOps, arrangeOps, besidePlaces, displayView, dropTarget, headOf, pileOffset, stackOps, takeOutOps, underStart, voteOrder } from "./stacks.js";
import { overlap } from "./layout.js";

function note(id, x, y, extra = {}) {
  return { id, x, y, w: 200, h: 160, text: id, color: "yellow", z: extra.z ?? 1, author: "", ...extra };
}

function board(notes) {
  return { title: "t", version: 0, notes: new Map(notes.map((n) => [n.id, n])), deleted: new Set(), moderation: null };
}

// apply applies op to a copy of b as the server would order it, and
// returns the copy; it fails the test on a refusal.
function apply(b, op) {
  const c = cloneBoard(b);
  const err = applyOp(c, op, { at: "2026-01-01T00:00:00Z" });
  assert.equal(err, "", `applying ${JSON.stringify(op)}`);
  return c;
}

const batch = (ops) => (ops.length === 1 ? ops[0] : { kind: "batch", ops });

test("a stack draws as its head, its votes and reactions added up", () => {
  const b = board([
    note("h", 0, 0, { z: 1, votes: 2, reactions: { like: 1 } }),
    note("m1", 900, 900, { z: 3, stack: "h", votes: 1, reactions: { like: 2, idea: 1 } }),
    note("m2", 900, 900, { z: 2, stack: "h" }),
    note("alone", 400, 0, { votes: 4 }),
    note("lost", 0, 400, { stack: "gone" }), // its head is not on this page: drawn on its own
  ]);
  const cache = new Map();
  const d = displayView(b, cache);
  assert.deepEqual([...d.notes.keys()].sort(), ["alone", "h", "lost"]);
  const h = d.notes.get("h");
  assert.equal(h.stackSize, 3);
  assert.equal(h.votes, 3);
  assert.deepEqual(h.reactions, { like: 3, idea: 1 });
  assert.equal(b.notes.get("h").votes, 2, "the board itself is left as it is");
  assert.equal(displayView(b, cache).notes.get("h"), h, "an unchanged stack is the same object, which the renderer skips");
  const plain = board([note("a", 0, 0)]);
  assert.equal(displayView(plain, new Map()), plain, "a board without stacks is drawn as it is");
  assert.equal(headOf(b, b.notes.get("m1")), "h");
  assert.equal(headOf(b, b.notes.get("lost")), "");
});

test("a drag drops on the topmost note under the pointer, or on the note it covers most of", () => {
  const d = board([note("low", 0, 0, { z: 1 }), note("high", 100, 0, { z: 5 }), note("far", 1000, 0), note("dragged", 2000, 0, { z: 9 })]);
  const dragging = new Set(["dragged"]);
  const at = (x, y) => ({ x, y, w: 200, h: 160 });
  assert.equal(dropTarget(d, dragging, { x: 150, y: 50 }, [at(90, 0)]), "high", "both lie under the pointer: the top one");
  assert.equal(dropTarget(d, dragging, { x: 50, y: 50 }, [at(0, 0)]), "low");
  // The pointer is off every note (the note was grabbed by its edge), but
  // the note covers most of "far".
  assert.equal(dropTarget(d, dragging, { x: 950, y: 200 }, [at(960, 40)]), "far");
  assert.equal(dropTarget(d, dragging, { x: 950, y: 200 }, [at(1150, 100)]), "", "a corner over a note is not a drop");
  assert.equal(dropTarget(d, dragging, { x: 1500, y: 50 }, [at(1500, 0)]), "", "over nothing");
  assert.equal(dropTarget(d, new Set(["dragged", "far"]), { x: 1050, y: 50 }, [at(1000, 0), at(1040, 0)]), "", "a note dragged is no target");
  const waiting = board([note("w", 0, 0, { pending: true }), note("dragged", 0, 0)]);
  assert.equal(dropTarget(waiting, dragging, { x: 50, y: 50 }, [at(0, 0)]), "", "a note waiting for approval takes no stack");
});

test("a nudge of a note lying over another does not stack it", () => {
  const d = board([note("under", 0, 0, { z: 1 }), note("top", 50, 20, { z: 2 }), note("other", 600, 0)]);
  const dragging = new Set(["top"]);
  const start = { x: 100, y: 60 };
  const skip = underStart(d, dragging, start, [d.notes.get("top")]);
  assert.deepEqual([...skip], ["under"]);
  assert.equal(dropTarget(d, dragging, { x: 110, y: 70 }, [note("top", 60, 30)], skip), "", "nudged: still over the note it lay on");
  // Dragged away, and back: now it is a drop.
  assert.equal(dropTarget(d, dragging, { x: 450, y: 400 }, [note("top", 400, 360)], skip), "");
  assert.equal(skip.size, 0);
  assert.equal(dropTarget(d, dragging, { x: 100, y: 60 }, [note("top", 50, 20)], skip), "under");
});

test("stacking a head brings its notes, moved first, as the server takes it", () => {
  let b = board([note("a", 0, 0, { z: 1 }), note("b", 300, 0, { z: 2 }), note("c", 600, 0, { z: 3 }), note("d", 900, 0, { z: 4 })]);
  b = apply(b, batch(stackOps(b, ["b"], "a")));
  assert.equal(b.notes.get("b").stack, "a");
  // c heads a stack of d; dropped onto b, which lies in a's stack: all go to a.
  b = apply(b, batch(stackOps(b, ["d"], "c")));
  const before = b;
  const ops = stackOps(b, ["c"], "b");
  assert.deepEqual(ops.map((o) => [o.id, o.set.stack]), [["d", "a"], ["c", "a"]]);
  b = apply(b, batch(ops));
  assert.deepEqual(["b", "c", "d"].map((id) => b.notes.get(id).stack), ["a", "a", "a"]);
  // Undone in one step: c heads its stack again.
  const back = apply(b, inverse(before, batch(ops)));
  assert.deepEqual(["b", "c", "d"].map((id) => back.notes.get(id).stack), ["a", undefined, "c"]);
  assert.deepEqual(stackOps(b, ["a", "b"], "b"), [], "nothing to do: a stack onto itself");
});

test("taking a stack apart lays its notes beside it, clear of other notes", () => {
  let b = board([
    note("h", 0, 0, { z: 1 }),
    note("m1", 5000, 5000, { z: 4, stack: "h" }),
    note("m2", 5000, 5000, { z: 3, stack: "h" }),
    note("m3", 5000, 5000, { z: 2, stack: "h" }),
    note("right", 250, 0), // right of the stack: the notes go elsewhere
  ]);
  const ops = apartOps(b, "h");
  assert.deepEqual(ops.map((o) => o.id), ["m1", "m2", "m3"], "topmost first");
  b = apply(b, batch(ops));
  const out = ["m1", "m2", "m3"].map((id) => b.notes.get(id));
  for (const n of out) assert.equal(n.stack, undefined);
  const all = [...b.notes.values()];
  for (const n of out) {
    for (const o of all) if (o !== n) assert.equal(overlap(n, o), 0, `${n.id} covers ${o.id}`);
  }
  const h = b.notes.get("h");
  for (const n of out) assert.ok(n.x >= h.x + h.w + pileOffset || n.y >= h.y + h.h + pileOffset, `${n.id} clear of the stack's pile`);
});

test("beside a stack with room, its notes go in a row just right of it", () => {
  const b = board([note("h", 100, 100)]);
  const places = besidePlaces(b, b.notes.get("h"), [{ w: 200, h: 160 }, { w: 200, h: 160 }]);
  const x0 = 100 + 200 + pileOffset + 24;
  assert.deepEqual(places, [{ x: x0, y: 100 }, { x: x0 + 224, y: 100 }]);
});

test("a note taken out of a stack lies beside it; a head taken out leaves the stack to its topmost note", () => {
  let b = board([note("h", 0, 0, { z: 1 }), note("m1", 0, 0, { z: 5, stack: "h" }), note("m2", 0, 0, { z: 4, stack: "h" }), note("m3", 0, 0, { z: 3, stack: "h" })]);
  const one = apply(b, batch(takeOutOps(b, "m2")));
  assert.equal(one.notes.get("m2").stack, undefined);
  assert.ok(one.notes.get("m2").x > 200);
  assert.deepEqual(["m1", "m3"].map((id) => one.notes.get(id).stack), ["h", "h"]);
  b = apply(b, batch(takeOutOps(b, "h")));
  const m1 = b.notes.get("m1");
  assert.equal(m1.stack, undefined);
  assert.deepEqual([m1.x, m1.y], [0, 0], "the new head lies where the head lay");
  assert.deepEqual(["m2", "m3"].map((id) => b.notes.get(id).stack), ["m1", "m1"]);
  assert.ok(b.notes.get("h").x > 200, "the old head lies beside the stack");
});

test("arranged by votes: stacks and notes on a grid, most votes first, in reading order when equal", () => {
  const b = board([
    note("h", 900, 900, { votes: 1 }),
    note("m", 0, 0, { stack: "h", votes: 3 }),
    note("two", 500, 500, { votes: 2 }),
    note("none1", 0, 300),
    note("none0", 300, 0),
    note("wait", 0, 0, { pending: true, votes: 0 }),
  ]);
  const d = displayView(b, new Map());
  assert.deepEqual(voteOrder(d).map((n) => n.id), ["h", "two", "none0", "none1"]);
  const { ops, rect } = arrangeOps(d, { x: 1000, y: 2000, w: 1600, h: 900 });
  const at = new Map(ops.map((o) => [o.id, o.set]));
  assert.deepEqual(at.get("h"), { x: 1000, y: 2000 }, "the stack with most votes (1 + 3) first, top left");
  assert.ok(at.get("two").x > 1000 && at.get("two").y === 2000, "next along the row");
  assert.ok(!at.has("wait"), "a note waiting for approval stays where it is");
  assert.ok(!at.has("m"), "a stack moves by its head");
  assert.equal(rect.x, 1000);
  assert.equal(rect.y, 2000);
  const places = [...at.values()].map((p) => ({ ...p, w: 200, h: 160 }));
  for (const p of places) for (const q of places) if (p !== q) assert.equal(overlap(p, q), 0);
  // The moves apply, and only maxOps of them are sent.
  apply(b, batch(ops));
  assert.equal(arrangeOps(d, { x: 0, y: 0, w: 100, h: 100 }, { maxOps: 2 }).ops.length, 2);
});
