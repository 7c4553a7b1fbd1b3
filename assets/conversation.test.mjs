// Tests of reactions, comments and columns in the page's model; run with
// `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { applyOp, boardFromJSON, boardToJSON, BoardState, inverse } from "./state.js";
import { columnOf, conversationKinds } from "./conversation.js";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const K = "00000000-0000-4000-8000-0000000000e1";
const C1 = "00000000-0000-4000-8000-0000000000c1";
const C2 = "00000000-0000-4000-8000-0000000000c2";
const ada = "AAAAAAAAAAAAAAAA", bo = "BBBBBBBBBBBBBBBB";
const at = (s) => `2026-11-26T09:00:${String(s).padStart(2, "0")}Z`;

function board() {
  return boardFromJSON({ id: "b", title: "T", version: 0, createdAt: at(0), notes: [] });
}

// What the server sends each person through reactions (shown, hidden,
// shown again, off), comment threads (private, waiting, approved,
// rejected, deleted) and columns (added, renamed, moved, removed), and the
// board each must hold then (conversation_test.go writes the file from
// the server's own code).
const streams = JSON.parse(readFileSync(new URL("./testdata/conversation.json", import.meta.url), "utf8"));
for (const s of streams) {
  test(`conversation.json: what ${s.name} is sent gives the board the server shows ${s.name}`, () => {
    const b = boardFromJSON(structuredClone(s.start));
    for (const m of s.messages) {
      assert.equal(applyOp(b, m.op, { at: m.at, author: m.author, authorId: m.authorId, role: m.role }), "", `version ${m.version}: ${JSON.stringify(m.op)}`);
      b.version = m.version;
      const j = boardToJSON(b);
      delete j.deleted;
      if (s.checks[m.version]) assert.deepEqual(j, s.checks[m.version], `after version ${m.version}`);
    }
    const j = boardToJSON(b);
    delete j.deleted;
    assert.deepEqual(j, s.want);
  });
}

test("a reaction shows at once, highlighted as this person's, and settles with the server's copy", () => {
  const s = new BoardState(board());
  s.identify("Ada", ada, "view");
  s.serverOp({ version: 1, at: at(1), author: "T", role: "facilitate", op: { kind: "create", note: { id: A, x: 0, y: 0, z: 1 } } }, "me");
  s.local(1, { kind: "react", id: A, reaction: "like" });
  assert.deepEqual(s.view().notes.get(A).reactions, { like: 1 });
  assert.deepEqual(s.view().reacted, { [ada]: { [A]: ["like"] } });
  // Someone else's copy counts, and says nothing of who.
  s.serverOp({ version: 2, at: at(2), op: { kind: "react", id: A, reaction: "like" } }, "me");
  s.serverOp({ version: 3, at: at(3), author: "Ada", authorId: ada, role: "view", client: "me", seq: 1, op: { kind: "react", id: A, reaction: "like" } }, "me");
  assert.equal(s.pending.length, 0);
  assert.deepEqual(s.view().notes.get(A).reactions, { like: 2 });
  assert.equal(applyOp(s.confirmed, { kind: "react", id: A, reaction: "like" }, { authorId: ada }), "conflict", "one of each a person");
  assert.equal(applyOp(s.confirmed, { kind: "unreact", id: A, reaction: "idea" }, { authorId: ada }), "conflict");
  applyOp(s.confirmed, { kind: "unreact", id: A, reaction: "like" }, { authorId: ada });
  assert.deepEqual([s.confirmed.notes.get(A).reactions, s.confirmed.reacted], [{ like: 1 }, null]);
});

test("reactions off are refused, counts stay; hidden shows one's own; shown again takes the counts", () => {
  const b = board();
  applyOp(b, { kind: "create", note: { id: A, x: 0, y: 0 } }, { at: at(1) });
  applyOp(b, { kind: "create", note: { id: B, x: 0, y: 0 } }, { at: at(1) });
  applyOp(b, { kind: "react", id: A, reaction: "idea" }, { authorId: ada });
  applyOp(b, { kind: "react", id: A, reaction: "like" });
  applyOp(b, { kind: "react", id: B, reaction: "like" });
  applyOp(b, { kind: "moderate", moderation: { reactions: "off" } });
  assert.deepEqual(b.moderation, { reactions: "off" });
  assert.equal(applyOp(b, { kind: "react", id: A, reaction: "love" }, { authorId: ada }), "forbidden");
  assert.deepEqual(b.notes.get(A).reactions, { idea: 1, like: 1 });
  applyOp(b, { kind: "moderate", moderation: { reactions: "hidden" } });
  assert.deepEqual([b.notes.get(A).reactions, b.notes.get(B).reactions], [{ idea: 1 }, undefined]);
  assert.equal(applyOp(b, { kind: "react", withheld: true }), "", "someone else's hidden reaction is only a version");
  applyOp(b, { kind: "moderate", moderation: {}, counts: { [A]: { idea: 3 } } });
  assert.deepEqual([b.notes.get(A).reactions, b.notes.get(B).reactions], [{ idea: 3 }, undefined]);
});

test("deleting a note takes it off this person's reactions", () => {
  const b = board();
  applyOp(b, { kind: "create", note: { id: A, x: 0, y: 0 } });
  applyOp(b, { kind: "react", id: A, reaction: "idea" }, { authorId: ada });
  applyOp(b, { kind: "delete", id: A });
  assert.equal(b.reacted, null);
});

test("comments keep the server's order, and only their author or a facilitator deletes one", () => {
  const b = board();
  applyOp(b, { kind: "create", note: { id: A, x: 0, y: 0 } }, { at: at(1) });
  applyOp(b, { kind: "comment", id: A, comment: { id: K, text: "late" } }, { at: "2026-11-26T09:00:02.5Z", author: "Ada", authorId: ada, role: "edit" });
  // Sooner by half a second, given later (an approval): it goes first.
  applyOp(b, { kind: "approve", approvedComments: [{ note: A, comment: { id: B, text: "early", author: "Bo", authorId: bo, at: "2026-11-26T09:00:02.000000001Z" } }] });
  assert.deepEqual(b.notes.get(A).comments.map((c) => c.text), ["early", "late"]);
  assert.equal(applyOp(b, { kind: "comment", id: A, comment: { id: K, text: "again" } }, { role: "edit" }), "conflict");
  assert.equal(applyOp(b, { kind: "uncomment", id: A, comment: { id: K } }, { authorId: bo, role: "edit" }), "forbidden");
  assert.equal(applyOp(b, { kind: "uncomment", id: A, comment: { id: K } }, { authorId: ada, role: "edit" }), "");
  assert.equal(applyOp(b, { kind: "uncomment", id: A, comment: { id: B } }, { role: "facilitate" }), "");
  assert.equal(b.notes.get(A).comments, undefined);
  assert.equal(inverse(b, { kind: "comment", id: A, comment: { id: K, text: "x" } }), null, "never undone");
});

test("a student's comment waits at once on their own page while approval is on", () => {
  const s = new BoardState(board());
  s.identify("Ada", ada, "edit");
  s.serverOp({ version: 1, at: at(1), role: "facilitate", op: { kind: "create", note: { id: A, x: 0, y: 0, z: 1 } } }, "me");
  s.serverOp({ version: 2, at: at(2), role: "facilitate", op: { kind: "moderate", moderation: { approval: true } } }, "me");
  s.local(1, { kind: "comment", id: A, comment: { id: K, text: "hi" } });
  assert.equal(s.view().notes.get(A).comments[0].pending, true);
  assert.equal(s.view().notes.get(A).comments[0].author, "Ada");
});

test("columns: a note is in the lane its middle lies in; moves and removals carry notes along", () => {
  const b = board();
  for (const [id, name] of [[C1, "One"], [C2, "Two"]]) applyOp(b, { kind: "column-add", column: { id, name } });
  applyOp(b, { kind: "create", note: { id: A, x: 380, y: 0 } }); // middle 480: the second lane
  applyOp(b, { kind: "create", note: { id: B, x: -150, y: 0 } }); // middle -50: none
  assert.deepEqual([columnOf(b, b.notes.get(A)), columnOf(b, b.notes.get(B))], [1, -1]);
  assert.equal(applyOp(b, { kind: "column-delete", id: C2 }), "conflict");
  assert.equal(applyOp(b, { kind: "column-move", id: C2, index: 2 }), "invalid");
  assert.equal(applyOp(b, { kind: "column-move", id: C2, index: 0 }), "");
  assert.deepEqual([b.columns.map((c) => c.name), b.notes.get(A).x, b.notes.get(B).x], [["Two", "One"], -100, -150]);
  assert.equal(applyOp(b, { kind: "column-delete", id: C1 }), "");
  assert.deepEqual(b.columns, [{ id: C2, name: "Two" }]);
  assert.equal(applyOp(b, { kind: "column-set", column: { id: C1, name: "x" } }), "not_found");
  for (const kind of conversationKinds) assert.equal(inverse(b, { kind, id: C2, column: { id: C2 } }), null, kind);
});

test("a note waiting for approval takes no reactions; a waiting comment approved by id shows at once", () => {
  const b = board();
  applyOp(b, { kind: "create", note: { id: B, x: 0, y: 0 } }, { authorId: bo, role: "edit" });
  applyOp(b, { kind: "moderate", moderation: { approval: true } });
  applyOp(b, { kind: "create", note: { id: A, x: 0, y: 0 } }, { authorId: ada, role: "edit" });
  assert.equal(applyOp(b, { kind: "react", id: A, reaction: "like" }, { authorId: ada }), "conflict");
  assert.equal(b.notes.get(A).reactions, undefined);
  applyOp(b, { kind: "comment", id: B, comment: { id: C1, text: "hi" } }, { authorId: ada, role: "edit", at: at(1) });
  assert.equal(b.notes.get(B).comments[0].pending, true);
  assert.equal(applyOp(b, { kind: "approve", id: C1 }), "");
  assert.equal(b.notes.get(B).comments[0].pending, undefined);
});

test("the facilitator's own moderate that shows reactions again keeps the counts shown until the echo's", () => {
  const s = new BoardState(board());
  s.identify("T", "TTTTTTTTTTTTTTTT", "facilitate");
  s.serverOp({ version: 1, at: at(1), op: { kind: "create", note: { id: A, x: 0, y: 0, z: 1 } } }, "me");
  s.serverOp({ version: 2, at: at(2), op: { kind: "moderate", moderation: { reactions: "hidden" } } }, "me");
  s.serverOp({ version: 3, at: at(3), authorId: "TTTTTTTTTTTTTTTT", op: { kind: "react", id: A, reaction: "like" } }, "me");
  assert.deepEqual(s.view().notes.get(A).reactions, { like: 1 });
  s.local(1, { kind: "moderate", moderation: {} });
  assert.deepEqual(s.view().notes.get(A).reactions, { like: 1 }, "not blank while the echo is on its way");
  s.serverOp({ version: 4, at: at(4), client: "me", seq: 1, op: { kind: "moderate", moderation: {}, counts: { [A]: { like: 4 } } } }, "me");
  assert.deepEqual(s.view().notes.get(A).reactions, { like: 4 });
});
