// Tests of what restore.js decides without a page. Run with `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { restoreBatches, restoreOps, restoreTarget } from "./restore.js";
import { applyOp, boardFromJSON, cloneBoard, defaultLimits, inverse, UndoStack } from "./state.js";

const id = (n) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const note = (n, more = {}) => ({ id: id(n), x: n * 10, y: 0, w: 200, h: 160, text: "note " + n, color: "yellow", z: n, author: "Ada", ...more });
const board = (title, notes, version = 0) => boardFromJSON({ title, version, notes });
const fresh = () => {
  let n = 900;
  return () => id(++n);
};

// shape is what a person sees of a board's notes, ids aside (a note that
// comes back has a new one): sorted, so two boards compare.
const shape = (b) => [...b.notes.values()].map((n) => [n.text, n.x, n.y, n.w, n.h, n.color, n.z].join("|")).sort();

test("a restore creates what was deleted under new ids, deletes what is new, and changes what changed", () => {
  const then = board("Retro", [note(1), note(2), note(3)]);
  const now = board("Retro, later", [note(1, { x: 500, text: "moved and edited" }), note(3), note(4)]);
  now.deleted.add(id(2));
  const ops = restoreOps(now, then, { newId: fresh(), canRename: true });
  assert.deepEqual(ops.map((o) => o.kind), ["delete", "update", "create", "rename"], "deletes first, so a full board has room");
  assert.deepEqual(ops[0], { kind: "delete", id: id(4) });
  assert.deepEqual(ops[1], { kind: "update", id: id(1), set: { x: 10, text: "note 1" } });
  assert.notEqual(ops[2].note.id, id(2), "a deleted note's id is never used again");
  assert.deepEqual({ ...ops[2].note, id: "" }, { id: "", x: 20, y: 0, w: 200, h: 160, text: "note 2", color: "yellow", z: 2 });
  assert.deepEqual(ops[3], { kind: "rename", title: "Retro" });

  // Applied as the server would, as one batch, it gives the board as it was.
  const after = cloneBoard(now);
  assert.equal(applyOp(after, { kind: "batch", ops }), "");
  assert.deepEqual(shape(after), shape(then));
  assert.equal(after.title, "Retro");
  // Nothing is left to do: a note that came back under a new id is the
  // same note to a second restore.
  assert.deepEqual(restoreOps(after, then, { newId: fresh(), canRename: true }), []);
});

test("only the facilitator's restore renames", () => {
  const ops = restoreOps(board("Now", [note(1)]), board("Then", [note(1)]), { newId: fresh() });
  assert.deepEqual(ops, []);
});

test("someone else's private notes are left alone; one's own are not", () => {
  const mine = note(5, { private: true, authorId: "me", text: "my secret" });
  const theirs = note(6, { private: true, authorId: "bo", text: "" });
  const now = board("T", [note(1, { x: 99 }), mine, theirs]);
  const then = board("T", [note(1), note(6, { private: true, authorId: "bo", text: "", x: 0 })]);
  const ops = restoreOps(now, then, { me: "me", newId: fresh() });
  assert.deepEqual(ops, [
    { kind: "delete", id: id(5) },
    { kind: "update", id: id(1), set: { x: 10 } },
  ]);
});

test("a note private in the snapshot keeps the text it has now, and cannot come back without one", () => {
  // The API shows a snapshot as nobody in particular sees it: a private
  // note's text is blank there.
  const now = board("T", [note(1, { text: "revealed since", x: 300 })]);
  const then = board("T", [note(1, { private: true, authorId: "bo", text: "" }), note(2, { private: true, authorId: "bo", text: "" })]);
  assert.deepEqual(restoreOps(now, then, { newId: fresh() }), [{ kind: "update", id: id(1), set: { x: 10 } }]);
});

test("a large restore goes in batches the server takes, for the restore and for its undo", () => {
  const long = "x".repeat(4000);
  const now = board("T", Array.from({ length: 40 }, (_, i) => note(i + 1, { text: long })));
  const then = board("T", []);
  const ops = restoreOps(now, then, { newId: fresh() });
  assert.equal(ops.length, 40);
  const limits = { maxOps: defaultLimits.maxBatchOps, maxBytes: defaultLimits.maxMessageBytes };
  const out = restoreBatches(ops, now, limits);
  // Forty deletes are a small message, but undoing them brings back
  // 160,000 characters: more than one message holds.
  assert.ok(out.length > 1, `${out.length} batches`);
  const bytes = (op) => new TextEncoder().encode(JSON.stringify({ type: "op", seq: Number.MAX_SAFE_INTEGER, op })).length;
  let b = cloneBoard(now);
  for (const op of out) {
    assert.ok(bytes(op) <= limits.maxBytes);
    assert.ok(bytes(inverse(b, op)) <= limits.maxBytes, "the undo fits one message too");
    assert.equal(applyOp(b, op), "");
  }
  assert.equal(b.notes.size, 0);
  // And a small one is one batch: one step to undo.
  const small = restoreOps(board("T", [note(1), note(2)]), board("T", [note(3)]), { newId: fresh() });
  const one = restoreBatches(small, board("T", [note(1), note(2)]), limits);
  assert.equal(one.length, 1);
  assert.equal(one[0].kind, "batch");
  // At most maxOps a batch.
  const many = restoreOps(board("T", []), board("T", Array.from({ length: 1200 }, (_, i) => note(i + 1, { text: "" }))), { newId: fresh() });
  assert.deepEqual(restoreBatches(many, board("T", []), { maxOps: 500, maxBytes: 0 }).map((op) => op.ops.length), [500, 500, 200]);
  const sized = restoreBatches(many, board("T", []), limits);
  assert.ok(sized.every((op) => op.ops.length <= 500 && bytes(op) <= limits.maxBytes));
  assert.equal(sized.reduce((sum, op) => sum + op.ops.length, 0), 1200);
});

test("undoing a restore brings the board back to what it was before it", () => {
  const before = board("T", [note(1, { x: 500 }), note(4)]);
  before.deleted.add(id(2));
  const then = board("T", [note(1), note(2)]);
  const newId = fresh();
  const [op] = restoreBatches(restoreOps(before, then, { newId }), before, { maxOps: 500, maxBytes: 65536 });
  const undo = new UndoStack(newId);
  undo.record(op, inverse(before, op));
  const b = cloneBoard(before);
  assert.equal(applyOp(b, op), "");
  assert.deepEqual(shape(b), shape(then));
  assert.equal(applyOp(b, undo.undo(b)), "");
  assert.deepEqual(shape(b), shape(before));
});

test("the address names a snapshot or a version to bring back", () => {
  assert.deepEqual(restoreTarget("#restore=k3Yz_-9a"), { snapshot: "k3Yz_-9a" });
  assert.deepEqual(restoreTarget("#restore-version=42"), { version: 42 });
  for (const h of ["", "#", "#restore=", "#restore=a b", "#restore-version=-1", "#restore-version=4x", "#share"]) {
    assert.equal(restoreTarget(h), null, h);
  }
});
