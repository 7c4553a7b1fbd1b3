// Tests of listview.js's order: how the list view reads a board. Run with
// `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { byRows, listOrder, readingOrder } from "./listview.js";

let seq = 0;
function note(x, y, extra = {}) {
  seq++;
  return { id: extra.id ?? `n${String(seq).padStart(3, "0")}`, x, y, w: 200, h: 160, text: extra.text ?? `note ${seq}`, color: "yellow", z: seq, ...extra };
}

function board(notes, columns = []) {
  return { notes: new Map(notes.map((n) => [n.id, n])), columns };
}

const ids = (entries) => entries.map((e) => e.note.id);

test("notes read row by row, each row left to right", () => {
  const notes = [note(500, 0, { id: "c" }), note(0, 300, { id: "d" }), note(250, 0, { id: "b" }), note(0, 0, { id: "a" }), note(250, 300, { id: "e" })];
  assert.deepEqual(ids(readingOrder(board(notes))), ["a", "b", "c", "d", "e"]);
});

test("a row laid out by hand, not quite straight, still reads left to right", () => {
  // The tops lie 0, 30 and 90 units down: each within half a note (80) of
  // the row's tops so far, on average, so one row. The next row begins
  // well down, and a staircase does not make one long row.
  const notes = [note(0, 30, { id: "a" }), note(250, 90, { id: "b" }), note(500, 0, { id: "c" }), note(100, 260, { id: "d" })];
  assert.deepEqual(ids(readingOrder(board(notes))), ["a", "b", "c", "d"]);
  const stairs = [0, 1, 2, 3].map((i) => note(600 - i * 200, i * 70, { id: "s" + i }));
  assert.deepEqual(byRows(stairs).map((n) => n.id), ["s1", "s0", "s3", "s2"]);
});

test("notes at the same place read in a fixed order, by id", () => {
  const notes = [note(0, 0, { id: "z" }), note(0, 0, { id: "m" }), note(0, 0, { id: "a" })];
  assert.deepEqual(byRows(notes).map((n) => n.id), ["a", "m", "z"]);
});

test("on a board with columns, each column reads in full before the next, then notes in none", () => {
  const cols = [{ id: "c1", name: "Went well" }, { id: "c2", name: "To improve" }];
  const notes = [
    note(500, 0, { id: "improve-1" }), // middle at 600: column 2 (480..960)
    note(20, 400, { id: "well-2" }),
    note(1100, -50, { id: "outside" }), // middle at 1200: right of both lanes
    note(20, 0, { id: "well-1" }),
    note(540, 400, { id: "improve-2" }),
    note(-400, 0, { id: "left" }), // middle below 0: in no lane
  ];
  const got = readingOrder(board(notes, cols));
  assert.deepEqual(ids(got), ["well-1", "well-2", "improve-1", "improve-2", "left", "outside"]);
  assert.deepEqual(got.map((e) => e.column), [0, 0, 1, 1, -1, -1]);
});

test("without columns every note is in none", () => {
  const got = readingOrder(board([note(0, 0), note(600, 0)]));
  assert.deepEqual(got.map((e) => e.column), [-1, -1]);
});

test("sorted by votes, most first; equal counts keep reading order", () => {
  const notes = [
    note(0, 0, { id: "a", votes: 1 }),
    note(250, 0, { id: "b", votes: 3 }),
    note(500, 0, { id: "c" }),
    note(0, 300, { id: "d", votes: 3 }),
    note(250, 300, { id: "e", votes: 1 }),
  ];
  assert.deepEqual(ids(listOrder(board(notes), "votes")), ["b", "d", "a", "e", "c"]);
  assert.deepEqual(ids(listOrder(board(notes), "reading")), ["a", "b", "c", "d", "e"]);
  assert.deepEqual(ids(listOrder(board(notes))), ["a", "b", "c", "d", "e"], "reading order is the default");
});

test("sorting by votes ignores columns: the winners of every column read from the top", () => {
  const cols = [{ id: "c1", name: "" }, { id: "c2", name: "" }];
  const notes = [note(20, 0, { id: "a", votes: 1 }), note(520, 0, { id: "b", votes: 5 }), note(20, 300, { id: "c", votes: 2 })];
  assert.deepEqual(ids(listOrder(board(notes, cols), "votes")), ["b", "c", "a"]);
});

test("a stack is one entry, its notes nested topmost first; sorted by votes it counts them all", () => {
  const notes = [
    note(0, 0, { id: "head", votes: 1 }),
    note(10, 10, { id: "under-2", stack: "head", votes: 2, z: 1 }),
    note(10, 40, { id: "under-1", stack: "head", z: 2 }),
    note(300, 0, { id: "alone", votes: 2 }),
  ];
  const got = readingOrder(board(notes));
  assert.deepEqual(ids(got), ["head", "alone"]);
  assert.deepEqual(got[0].children.map((n) => n.id), ["under-1", "under-2"]);
  assert.deepEqual(got[1].children, []);
  assert.deepEqual(ids(listOrder(board(notes), "votes")), ["head", "alone"], "3 votes in the stack beat 2");
});

test("a stack naming a note that is not there, or itself in a loop, is no stack", () => {
  const notes = [
    note(0, 0, { id: "a", stack: "gone" }),
    note(300, 0, { id: "b", stack: "c" }),
    note(600, 0, { id: "c", stack: "b" }),
  ];
  const got = readingOrder(board(notes));
  assert.deepEqual(ids(got), ["a", "b", "c"]);
  for (const e of got) assert.deepEqual(e.children, []);
});

test("a note stacked on a stacked note is no stack member, as on the canvas (stacks.js)", () => {
  const notes = [note(0, 0, { id: "top" }), note(0, 300, { id: "mid", stack: "top" }), note(300, 0, { id: "low", stack: "mid" })];
  const got = readingOrder(board(notes));
  assert.deepEqual(ids(got), ["top", "low"]);
  assert.deepEqual(got[0].children.map((n) => n.id), ["mid"]);
});

test("a thousand notes order quickly enough to do on every change", () => {
  const notes = [];
  for (let i = 0; i < 1000; i++) notes.push(note((i % 40) * 230, Math.floor(i / 40) * 190 + (i % 7) * 9, { votes: i % 5 }));
  const got = readingOrder(board(notes));
  assert.equal(got.length, 1000);
  // Row by row: each row's forty notes come left to right.
  for (let r = 0; r < 25; r++) {
    const xs = got.slice(r * 40, r * 40 + 40).map((e) => e.note.x);
    assert.deepEqual(xs, [...xs].sort((a, b) => a - b), `row ${r}`);
  }
  assert.equal(listOrder(board(notes), "votes")[0].note.votes, 4);
});
