// Tests of the pure client logic; run with `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { applyOp, boardFromJSON, boardToJSON, BoardState, inverse, topZ, UndoStack, cloneBoard, lessonKinds, parseTime, timeMs, trashHolds } from "./state.js";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

function board() {
  return boardFromJSON({ id: "b", title: "T", version: 0, notes: [] });
}

test("applyOp mirrors the server: per-field merge, tombstones, atomic batch", () => {
  const b = board();
  assert.equal(applyOp(b, { kind: "create", note: { id: A, x: 1, y: 2 } }), "");
  assert.equal(b.notes.get(A).color, "yellow");
  assert.equal(b.notes.get(A).z, 1);
  applyOp(b, { kind: "update", id: A, set: { x: 5 } });
  applyOp(b, { kind: "update", id: A, set: { text: "hi" } });
  assert.deepEqual([b.notes.get(A).x, b.notes.get(A).y, b.notes.get(A).text], [5, 2, "hi"]);
  // A batch with a failing op changes nothing.
  assert.equal(applyOp(b, { kind: "batch", ops: [{ kind: "update", id: A, set: { x: 9 } }, { kind: "delete", id: B }] }), "not_found");
  assert.equal(b.notes.get(A).x, 5);
  applyOp(b, { kind: "delete", id: A });
  assert.equal(applyOp(b, { kind: "create", note: { id: A, x: 0, y: 0 } }), "conflict");
  assert.equal(applyOp(b, { kind: "update", id: A, set: { x: 1 } }), "not_found");
});

// The cases Apply in board/apply.go runs too (board/vectors_test.go): the
// same board, operations and stamps must give the same board and the same
// error codes on both sides.
const applyCases = JSON.parse(readFileSync(new URL("../board/testdata/apply.json", import.meta.url), "utf8"));
for (const c of applyCases) {
  test(`apply.json: ${c.name}`, () => {
    const b = boardFromJSON(structuredClone(c.board));
    c.steps.forEach((s, i) => {
      const before = boardToJSON(b);
      const err = applyOp(b, s.op, s.stamp);
      assert.equal(err, s.error ?? "", `step ${i + 1}`);
      if (err) assert.deepEqual(boardToJSON(b), before, `step ${i + 1} failed but changed the board`);
      else b.version = s.stamp.version; // as BoardState.serverOp does
    });
    assert.deepEqual(boardToJSON(b), c.want);
  });
}

test("applyOp names an unknown kind invalid, as Apply does", () => {
  const b = board();
  assert.equal(applyOp(b, { kind: "shout" }), "invalid");
  assert.equal(applyOp(b, { kind: "batch", ops: [{ kind: "rename", title: "x" }, { kind: "shout" }] }), "invalid");
  assert.equal(b.title, "T");
});

test("topZ is the highest z, and 0 without notes or with all of them below 0", () => {
  const b = board();
  assert.equal(topZ(b), 0);
  applyOp(b, { kind: "create", note: { id: A, x: 0, y: 0, z: -4 } });
  assert.equal(topZ(b), 0);
  applyOp(b, { kind: "create", note: { id: B, x: 0, y: 0, z: 12 } });
  assert.equal(topZ(b), 12);
});

test("own pending notes show this person as author until the server's copy comes", () => {
  const s = new BoardState(board());
  s.local(1, { kind: "create", note: { id: A, x: 0, y: 0 } });
  assert.equal(s.view().notes.get(A).authorId, undefined, "no participant id before the welcome");
  s.identify("Ada", "AAAAAAAAAAAAAAAA");
  assert.deepEqual([s.view().notes.get(A).author, s.view().notes.get(A).authorId], ["Ada", "AAAAAAAAAAAAAAAA"]);
  s.serverOp({ version: 1, client: "me", seq: 1, at: "2026-11-26T09:00:00Z", author: "Ada", authorId: "AAAAAAAAAAAAAAAA",
    op: { kind: "create", note: { id: A, x: 0, y: 0 } } }, "me");
  assert.equal(s.pending.length, 0);
  assert.equal(s.confirmed.notes.get(A).authorId, "AAAAAAAAAAAAAAAA");
  s.serverOp({ version: 2, client: "old", seq: 1, at: "2026-11-26T09:00:00Z", author: "Bo",
    op: { kind: "create", note: { id: B, x: 0, y: 0 } } }, "me");
  assert.equal("authorId" in s.confirmed.notes.get(B), false, "an op message without authorId gives a note without one");
});

test("reconciliation: own edits show at once and settle in server order", () => {
  const s = new BoardState(board());
  s.local(1, { kind: "create", note: { id: A, x: 0, y: 0 } });
  s.local(2, { kind: "update", id: A, set: { x: 100 } });
  assert.equal(s.view().notes.get(A).x, 100);
  // Someone else moved it first; our pending move still shows on top.
  assert.ok(s.serverOp({ version: 1, client: "me", seq: 1, op: { kind: "create", note: { id: A, x: 0, y: 0 } } }, "me"));
  assert.ok(s.serverOp({ version: 2, client: "other", seq: 7, op: { kind: "update", id: A, set: { x: 50, y: 50 } } }, "me"));
  assert.deepEqual([s.view().notes.get(A).x, s.view().notes.get(A).y], [100, 50]);
  // Our move lands after theirs: it wins for x, theirs stays for y.
  assert.ok(s.serverOp({ version: 3, client: "me", seq: 2, op: { kind: "update", id: A, set: { x: 100 } } }, "me"));
  assert.equal(s.pending.length, 0);
  assert.deepEqual([s.view().notes.get(A).x, s.view().notes.get(A).y], [100, 50]);
  // Out-of-order versions are refused.
  assert.equal(s.serverOp({ version: 9, client: "x", seq: 1, op: { kind: "rename", title: "x" } }, "me"), false);
});

test("a rejected edit rolls back", () => {
  const s = new BoardState(board());
  s.serverOp({ version: 1, client: "o", seq: 1, op: { kind: "create", note: { id: A, x: 0, y: 0 } } }, "me");
  s.local(1, { kind: "update", id: A, set: { color: "blue" } });
  assert.equal(s.view().notes.get(A).color, "blue");
  s.settle(1);
  assert.equal(s.view().notes.get(A).color, "yellow");
});

test("a pending edit of a note deleted by someone else shows nothing and breaks nothing", () => {
  const s = new BoardState(board());
  s.serverOp({ version: 1, client: "o", seq: 1, op: { kind: "create", note: { id: A, x: 0, y: 0 } } }, "me");
  s.local(1, { kind: "update", id: A, set: { x: 9 } });
  s.serverOp({ version: 2, client: "o", seq: 2, op: { kind: "delete", id: A } }, "me");
  assert.equal(s.view().notes.has(A), false);
});

test("undo and redo, with others editing in between", () => {
  let n = 0;
  const u = new UndoStack(() => `00000000-0000-4000-8000-0000000001${String(n++).padStart(2, "0")}`);
  const b = board();
  const create = { kind: "create", note: { id: A, x: 0, y: 0 } };
  u.record(create, inverse(b, create));
  applyOp(b, create);
  const move = { kind: "update", id: A, set: { x: 10 } };
  u.record(move, inverse(b, move));
  applyOp(b, move);
  applyOp(b, { kind: "update", id: A, set: { text: "theirs" } }); // someone else

  const undoMove = u.undo(b);
  assert.deepEqual(undoMove, { kind: "update", id: A, set: { x: 0 } });
  applyOp(b, undoMove);
  assert.equal(b.notes.get(A).text, "theirs", "undo touches only the fields it changed");

  const undoCreate = u.undo(b);
  assert.deepEqual(undoCreate, { kind: "delete", id: A });
  applyOp(b, undoCreate);

  // Redo of the create must use a new id: the old one is a tombstone.
  const redoCreate = u.redo(b);
  assert.equal(redoCreate.kind, "create");
  assert.notEqual(redoCreate.note.id, A);
  assert.equal(applyOp(b, redoCreate), "");
  // Redo of the move follows the note to its new id.
  const redoMove = u.redo(b);
  assert.deepEqual(redoMove, { kind: "update", id: redoCreate.note.id, set: { x: 10 } });
});

test("undoing a move of a note someone else deleted does nothing", () => {
  const u = new UndoStack(() => B);
  const b = board();
  applyOp(b, { kind: "create", note: { id: A, x: 0, y: 0 } });
  const move = { kind: "update", id: A, set: { x: 10 } };
  u.record(move, inverse(b, move));
  applyOp(b, move);
  applyOp(b, { kind: "delete", id: A }); // someone else
  assert.equal(u.undo(b), null);
  assert.equal(b.notes.size, 0);
});

test("undo of a batch delete brings every note back from the trash; undo of a delete among other changes makes it anew", () => {
  const u = new UndoStack((() => { let i = 0; return () => `00000000-0000-4000-8000-0000000002${i++}0`; })());
  const b = board();
  applyOp(b, { kind: "create", note: { id: A, x: 0, y: 0, text: "a" } });
  applyOp(b, { kind: "create", note: { id: B, x: 5, y: 5, text: "b" } });
  const del = { kind: "batch", ops: [{ kind: "delete", id: A }, { kind: "delete", id: B }] };
  u.record(del, inverse(cloneBoard(b), del));
  applyOp(b, del);
  assert.deepEqual(u.undo(b), { kind: "each", ops: [{ kind: "undelete", id: A }, { kind: "undelete", id: B }] });
  applyOp(b, { kind: "undelete", id: B, restored: { id: B, x: 5, y: 5, text: "b" } });
  // Redone: the notes that came back are deleted again, under their ids.
  assert.deepEqual(u.redo(b), { kind: "batch", ops: [{ kind: "delete", id: B }] });
  applyOp(b, { kind: "delete", id: B });
  // Undone again: only what is gone comes back, each once.
  assert.deepEqual(u.undo(b), { kind: "each", ops: [{ kind: "undelete", id: A }, { kind: "undelete", id: B }] });

  // More than the trash holds: made anew, every one.
  const many = { kind: "batch", ops: Array.from({ length: trashHolds + 1 }, (_, i) => ({ kind: "delete", id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` })) };
  const big = board();
  for (const o of many.ops) applyOp(big, { kind: "create", note: { id: o.id, x: 0, y: 0 } });
  const inv = inverse(big, many);
  assert.equal(inv.kind, "batch");
  assert.equal(inv.ops.filter((o) => o.kind === "create").length, trashHolds + 1);

  const c = board();
  applyOp(c, { kind: "create", note: { id: A, x: 0, y: 0, text: "a" } });
  applyOp(c, { kind: "create", note: { id: B, x: 5, y: 5, text: "b" } });
  const mixed = { kind: "batch", ops: [{ kind: "update", id: A, set: { x: 9 } }, { kind: "delete", id: B }] };
  const v = new UndoStack(() => `00000000-0000-4000-8000-000000000300`);
  v.record(mixed, inverse(cloneBoard(c), mixed));
  applyOp(c, mixed);
  const undo = v.undo(c);
  assert.equal(undo.kind, "batch");
  assert.equal(applyOp(c, undo), "");
  assert.deepEqual([...c.notes.values()].map((n) => `${n.text} ${n.x}`).sort(), ["a 0", "b 5"]);
});

const ada = "AAAAAAAAAAAAAAAA", bo = "BBBBBBBBBBBBBBBB";
const at = (s) => `2026-11-26T09:00:${String(s).padStart(2, "0")}Z`;

test("deleting someone else's private note cannot be undone within a batch; one's own can; one note comes back from the trash", () => {
  const b = board();
  b.private = true;
  applyOp(b, { kind: "create", note: { id: A, x: 0, y: 0 } }, { author: "Ada", authorId: ada }); // blank here: Bo never had its text
  applyOp(b, { kind: "create", note: { id: B, x: 300, y: 0, text: "Bo's" } }, { author: "Bo", authorId: bo });
  assert.deepEqual(inverse(b, { kind: "delete", id: A }, bo), { kind: "undelete", id: A }, "from the trash, whole, as Ada's");
  assert.equal(inverse(b, { kind: "delete", id: A }, bo, true), null, "Ada's note would come back blank, as Bo's");
  assert.equal(inverse(b, { kind: "delete", id: A }, "", true), null, "whoever makes the delete, before the welcome names them");
  assert.deepEqual(inverse(b, { kind: "delete", id: B }, bo, true)?.note.text, "Bo's");
  assert.deepEqual(inverse(b, { kind: "delete", id: A }, ada, true)?.note.id, A, "Ada's own");
  // Deleted together, both come back from the trash, Ada's as Ada's; a
  // batch of other changes too brings back only what it can.
  const both = { kind: "batch", ops: [{ kind: "delete", id: A }, { kind: "delete", id: B }] };
  assert.deepEqual(inverse(b, both, bo), { kind: "each", ops: [{ kind: "undelete", id: A }, { kind: "undelete", id: B }] });
  const mixed = { kind: "batch", ops: [{ kind: "rename", title: "T" }, { kind: "delete", id: A }, { kind: "delete", id: B }] };
  assert.deepEqual(inverse(b, mixed, bo), { kind: "batch", ops: [{ kind: "create", note: { id: B, x: 300, y: 0, w: 200, h: 160, text: "Bo's", color: "yellow", z: 2 } }, { kind: "rename", title: b.title }] });
  const u = new UndoStack(() => B);
  u.record({ kind: "delete", id: A }, inverse(b, { kind: "delete", id: A }, bo, true));
  assert.equal(u.canUndo(), false);
  // Undone, a delete from the trash is deleted again by a redo, under the
  // same id.
  const v = new UndoStack(() => B);
  const del = { kind: "delete", id: B };
  v.record(del, inverse(b, del, bo));
  applyOp(b, del);
  assert.deepEqual(v.undo(b), { kind: "undelete", id: B });
  applyOp(b, { kind: "undelete", id: B, restored: { id: B, x: 300, y: 0, w: 200, h: 160, text: "Bo's", color: "yellow", z: 2, author: "Bo", authorId: bo } });
  assert.deepEqual(v.redo(b), { kind: "delete", id: B });
});

test("running a lesson is never undone: no inverse, nothing on the undo stack", () => {
  const b = board();
  applyOp(b, { kind: "create", note: { id: A, x: 0, y: 0 } });
  const u = new UndoStack(() => B);
  for (const kind of lessonKinds) {
    const op = { kind, id: A };
    assert.equal(inverse(b, op), null, kind);
    u.record(op, inverse(b, op));
  }
  assert.equal(u.canUndo(), false);
});

test("someone else's private note comes blank, marked private, and the reveal brings its text", () => {
  const s = new BoardState(board());
  s.identify("Bo", bo);
  s.serverOp({ version: 1, at: at(1), op: { kind: "hide" } }, "me");
  // Ada's note, as everyone but Ada receives it: without its text.
  s.serverOp({ version: 2, at: at(2), author: "Ada", authorId: ada, client: "ada", seq: 1, op: { kind: "create", withheld: true, note: { id: A, x: 0, y: 0 } } }, "me");
  s.serverOp({ version: 3, at: at(3), author: "Ada", authorId: ada, client: "ada", seq: 2, op: { kind: "update", withheld: true, id: A, set: {} } }, "me");
  let n = s.view().notes.get(A);
  assert.deepEqual([n.text, n.private, n.updatedAt], ["", true, at(3)]);
  // Bo may move it, not change its text: the page shows that at once.
  s.local(1, { kind: "update", id: A, set: { text: "mine now" } });
  assert.equal(s.view().notes.get(A).text, "");
  s.settle(1);
  // Bo's own note while writing privately keeps its text for Bo.
  s.local(2, { kind: "create", note: { id: B, x: 300, y: 0, text: "Bo's" } });
  assert.deepEqual([s.view().notes.get(B).text, s.view().notes.get(B).private], ["Bo's", true]);
  s.serverOp({ version: 4, at: at(4), author: "Bo", authorId: bo, client: "me", seq: 2, op: { kind: "create", note: { id: B, x: 300, y: 0, text: "Bo's" } } }, "me");
  s.serverOp({ version: 5, at: at(5), op: { kind: "reveal", texts: { [A]: "Ada's", [B]: "Bo's" } } }, "me");
  n = s.view().notes.get(A);
  assert.deepEqual([n.text, "private" in n, s.view().private], ["Ada's", false, false]);
  assert.equal("private" in s.view().notes.get(B), false);
});

test("a vote shows at once with this person's ballot; copies of others' votes count, or in a hidden round do nothing", () => {
  const s = new BoardState(board());
  s.identify("Ada", ada);
  s.serverOp({ version: 1, at: at(1), op: { kind: "create", note: { id: A, x: 0, y: 0 } } }, "me");
  s.serverOp({ version: 2, at: at(2), op: { kind: "vote-start", voting: { votes: 2, perNote: 2 } } }, "me");
  s.local(1, { kind: "vote", id: A });
  assert.deepEqual([s.view().notes.get(A).votes, s.view().ballots], [1, { [ada]: { [A]: 1 } }]);
  assert.equal(s.confirmed.ballots, null, "the confirmed board waits for the server");
  // Someone else's vote, as Ada receives it: no author.
  s.serverOp({ version: 3, at: at(3), op: { kind: "vote", id: A } }, "me");
  s.serverOp({ version: 4, at: at(4), author: "Ada", authorId: ada, client: "me", seq: 1, op: { kind: "vote", id: A } }, "me");
  assert.equal(s.pending.length, 0);
  assert.deepEqual([s.view().notes.get(A).votes, s.view().ballots[ada][A]], [2, 1]);
  s.serverOp({ version: 5, at: at(5), op: { kind: "vote-end", votes: { [A]: 2 } } }, "me");
  s.serverOp({ version: 6, at: at(6), op: { kind: "vote-start", voting: { votes: 1, perNote: 1, hidden: true } } }, "me");
  assert.equal(s.view().notes.get(A).votes, undefined, "a new round starts from nothing");
  s.serverOp({ version: 7, at: at(7), op: { kind: "vote", withheld: true } }, "me");
  assert.deepEqual([s.view().version, s.view().notes.get(A).votes], [7, undefined]);
  // Over the round's limit: the page shows nothing for it.
  s.local(2, { kind: "vote", id: A });
  s.local(3, { kind: "vote", id: A });
  assert.equal(s.view().notes.get(A).votes, 1);
});

test("a timer started here counts from the page's idea of the server's clock until the server's copy comes", () => {
  const s = new BoardState(board());
  s.now = () => "2026-11-26T09:00:00.5Z";
  s.local(1, { kind: "timer-start", seconds: 120 });
  assert.deepEqual(s.view().timer, { seconds: 120, endsAt: "2026-11-26T09:02:00.5Z" });
  s.serverOp({ version: 1, at: "2026-11-26T09:00:00.75Z", client: "me", seq: 1, op: { kind: "timer-start", seconds: 120 } }, "me");
  assert.deepEqual(s.view().timer, { seconds: 120, endsAt: "2026-11-26T09:02:00.75Z" });
});

test("times keep their nanoseconds, and any zone comes out in UTC", () => {
  assert.deepEqual(parseTime("2026-11-26T09:00:01.123456789Z"), { sec: Date.parse("2026-11-26T09:00:01Z") / 1000, ns: 123456789 });
  assert.equal(timeMs("2026-11-26T10:00:01.5+01:00"), Date.parse("2026-11-26T09:00:01.5Z"));
  const b = board();
  applyOp(b, { kind: "timer-start", seconds: 60 }, { at: "2026-11-26T10:59:30.000000001+01:00" });
  assert.equal(b.timer.endsAt, "2026-11-26T10:00:30.000000001Z");
});

test("boardToJSON writes the fields in the order of the server's boardJSON", () => {
  const b = boardFromJSON({
    id: "x", title: "T", version: 3, createdAt: at(0), locked: true, private: true, voting: { votes: 1, perNote: 1, open: true },
    ballots: { [ada]: { [A]: 1 } }, timer: { seconds: 5, leftMs: 10 }, stops: [{ id: B, x: 0, y: 0, w: 1, h: 1 }],
    notes: [{ id: A, x: 0, y: 0, w: 200, h: 160, text: "", color: "yellow", z: 1, author: "", createdAt: at(0), updatedAt: at(0), private: true, votes: 1 }],
    deleted: [B],
  });
  const j = boardToJSON(b);
  assert.deepEqual(Object.keys(j), ["id", "title", "version", "createdAt", "locked", "private", "voting", "ballots", "timer", "stops", "notes", "deleted"]);
  assert.deepEqual(Object.keys(j.notes[0]).slice(-4), ["createdAt", "updatedAt", "private", "votes"]);
});

// What the server sends each person on a moderated board, and the board
// each must hold after it (board.ViewFor): a teacher, two students and a
// page without a participant, through approval, rejection, the word
// filter, private writing and a vote (assets/streams_test.go writes the
// file from the server's own code, and checks it is current).
// viewJSON is the board as the server's View writes it: without the
// tombstones, which are the server's bookkeeping.
function viewJSON(b) {
  const j = boardToJSON(b);
  delete j.deleted;
  return j;
}
const streams = JSON.parse(readFileSync(new URL("./testdata/moderation.json", import.meta.url), "utf8"));
for (const s of streams) {
  test(`moderation.json: what ${s.name} is sent gives the board the server shows ${s.name}`, () => {
    const b = boardFromJSON(structuredClone(s.start));
    for (const m of s.messages) {
      const stamp = { at: m.at, author: m.author, authorId: m.authorId, role: m.role, replica: true, self: s.participant, selfStaff: s.facilitator };
      assert.equal(applyOp(b, m.op, stamp), "", `version ${m.version}: ${JSON.stringify(m.op)}`);
      b.version = m.version;
      if (s.checks[m.version]) assert.deepEqual(viewJSON(b), s.checks[m.version], `after version ${m.version}`);
    }
    assert.deepEqual(viewJSON(b), s.want);
  });
}

test("a student's new note waits at once while approval is on; a teacher's, and anyone's with approval off, does not", () => {
  const s = new BoardState(board());
  s.identify("Ada", ada, "edit");
  s.local(1, { kind: "create", note: { id: A, x: 0, y: 0 } });
  assert.equal(s.view().notes.get(A).pending, undefined);
  s.serverOp({ version: 1, at: at(1), author: "T", authorId: "TTTTTTTTTTTTTTTT", role: "facilitate", op: { kind: "moderate", moderation: { approval: true } } }, "me");
  assert.deepEqual(s.view().moderation, { approval: true });
  assert.equal(s.view().notes.get(A).pending, true, "the pending create shows waiting once approval is on");
  s.serverOp({ version: 2, at: at(2), author: "Ada", authorId: ada, role: "edit", client: "me", seq: 1, op: { kind: "create", note: { id: A, x: 0, y: 0, z: 1 } } }, "me");
  assert.equal(s.confirmed.notes.get(A).pending, true);
  // A teacher's note, and one from before roles (no role), show at once.
  s.serverOp({ version: 3, at: at(3), author: "T", authorId: "TTTTTTTTTTTTTTTT", role: "facilitate", op: { kind: "create", note: { id: B, x: 0, y: 0, z: 2 } } }, "me");
  assert.equal(s.confirmed.notes.get(B).pending, undefined);
  const t = new BoardState(board());
  t.identify("T", "TTTTTTTTTTTTTTTT", "facilitate");
  t.serverOp({ version: 1, at: at(1), op: { kind: "moderate", moderation: { approval: true } } }, "me");
  t.local(1, { kind: "create", note: { id: A, x: 0, y: 0 } });
  assert.equal(t.view().notes.get(A).pending, undefined);
});

test("approve, reject and none as the server applies them", () => {
  const b = board();
  applyOp(b, { kind: "moderate", moderation: { approval: true, ownNotes: false, filter: { mode: "mask", words: [] } } });
  assert.deepEqual(b.moderation, { approval: true, filter: { mode: "mask" } }, "what is off is left out, as the server writes it");
  applyOp(b, { kind: "create", note: { id: A, x: 0, y: 0 } }, { authorId: ada, role: "edit" });
  applyOp(b, { kind: "create", note: { id: B, x: 0, y: 0 } }, { authorId: bo, role: "edit" });
  assert.equal(applyOp(b, { kind: "none", withheld: true }), "");
  // Approving a note that is not waiting, or not here, is refused.
  applyOp(b, { kind: "approve", id: A, approved: [{ ...b.notes.get(A), pending: false }] });
  assert.equal(b.notes.get(A).pending, undefined);
  assert.equal(applyOp(b, { kind: "approve", id: A }), "conflict");
  assert.equal(applyOp(b, { kind: "reject", id: A }), "conflict");
  assert.equal(applyOp(b, { kind: "approve", id: "00000000-0000-4000-8000-0000000000ff" }), "not_found");
  // Every note waiting, with nothing named: the server's own copy.
  applyOp(b, { kind: "create", note: { id: "00000000-0000-4000-8000-0000000000c1", x: 0, y: 0 } }, { authorId: bo, role: "edit" });
  applyOp(b, { kind: "reject", rejected: [B] });
  assert.deepEqual([b.notes.has(B), b.deleted.has(B)], [false, true], "a rejected note leaves a tombstone");
  applyOp(b, { kind: "approve" });
  assert.equal([...b.notes.values()].some((n) => n.pending), false);
  applyOp(b, { kind: "moderate", moderation: {} });
  assert.equal(b.moderation, null);
});

test("moderating is never undone", () => {
  const b = board();
  for (const kind of ["moderate", "approve", "reject", "none"]) assert.equal(inverse(b, { kind, moderation: {} }), null, kind);
});

test("an undo or redo the moderation refuses leaves both stacks and the ids as they were", () => {
  let n = 0;
  const u = new UndoStack(() => `00000000-0000-4000-8000-0000000003${String(n++).padStart(2, "0")}`);
  const b = board();
  applyOp(b, { kind: "create", note: { id: A, x: 0, y: 0, text: "a" } });
  const del = { kind: "delete", id: A };
  u.record(del, inverse(b, del, "", true)); // as within a batch
  applyOp(b, del);
  // The board is closed to new notes: bringing the note back is a create.
  assert.equal(u.undo(b, () => false), null);
  assert.deepEqual([u.canUndo(), u.canRedo(), u.alias.size], [true, false, 0], "nothing moved, no alias taken");
  const op = u.undo(b, (o) => o.kind === "create");
  assert.equal(op.kind, "create");
  assert.deepEqual([u.canUndo(), u.canRedo(), u.alias.get(A)], [false, true, op.note.id]);
  applyOp(b, op);
  assert.equal(u.redo(b, () => false), null);
  assert.deepEqual([u.canUndo(), u.canRedo()], [false, true], "the redo is still there");
  assert.deepEqual(u.redo(b), { kind: "delete", id: op.note.id });
});

test("forget takes a refused edit off the undo stack", () => {
  const u = new UndoStack(() => B);
  const b = board();
  applyOp(b, { kind: "create", note: { id: A, x: 0, y: 0, text: "a" } });
  const ok = { kind: "update", id: A, set: { text: "b" } };
  const refused = { kind: "update", id: A, set: { text: "c" } };
  u.record(ok, inverse(b, ok));
  u.record(refused, { kind: "update", id: A, set: { text: "b" } });
  u.forget(refused);
  assert.deepEqual(u.undo(b), { kind: "update", id: A, set: { text: "a" } });
  assert.equal(u.canUndo(), false);
});

test("a note waiting for approval takes no votes, and approving it by id shows it at once", () => {
  const b = board();
  applyOp(b, { kind: "moderate", moderation: { approval: true } });
  applyOp(b, { kind: "create", note: { id: A, x: 0, y: 0 } }, { authorId: ada, role: "edit" });
  applyOp(b, { kind: "vote-start", voting: { votes: 3, perNote: 1 } });
  assert.equal(applyOp(b, { kind: "vote", id: A }, { authorId: ada }), "conflict");
  assert.equal(b.notes.get(A).votes, undefined);
  // The facilitator's own approve, before the server adds approved.
  assert.equal(applyOp(b, { kind: "approve", id: A }), "");
  assert.equal(b.notes.get(A).pending, undefined);
  assert.equal(applyOp(b, { kind: "vote", id: A }, { authorId: ada }), "");
  assert.equal(b.notes.get(A).votes, 1);
});

test("an undo of a delete shows the note at once, before the server brings it back", () => {
  const s = new BoardState(board());
  s.identify("Ada", ada, "edit");
  s.serverOp({ version: 1, at: at(1), author: "Bo", authorId: bo, role: "edit", op: { kind: "create", note: { id: A, x: 5, y: 6, text: "Bo's", z: 1 } } }, "me");
  s.serverOp({ version: 2, at: at(2), author: "Ada", authorId: ada, role: "edit", client: "other", seq: 1, op: { kind: "delete", id: A } }, "me");
  s.local(1, { kind: "undelete", id: A });
  assert.equal(s.view().notes.get(A)?.text, "Bo's", "a delete the server confirmed");
  s.settle(1);
  s.local(2, { kind: "create", note: { id: B, x: 0, y: 0 } });
  s.local(3, { kind: "delete", id: B });
  s.local(4, { kind: "undelete", id: B });
  assert.ok(s.view().notes.has(B), "a delete still pending");
});
