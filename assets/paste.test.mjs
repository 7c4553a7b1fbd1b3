// Tests of what paste.js decides without a page. Run with `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { batches, checkList, listItems } from "./paste.js";
import { defaultLimits } from "./state.js";

const texts = (s) => listItems(s).map((it) => it.text);

test("a list is one note a line, as the server reads it (board/export's TestNotesFromLines)", () => {
  const cases = [
    ["a plain list", "Went well\n\n  Snacks  \r\nÅsa's idea, again\n", ["Went well", "Snacks", "Åsa's idea, again"]],
    ["bullets", "- one\n* two\n• three\n-four", ["one", "two", "three", "-four"]],
    ["a spreadsheet column", '\ufeffFirst\n"Two\nlines"\n"Say ""hi"""\n', ["First", "Two\nlines", 'Say "hi"']],
    ["quotes in a plain list", 'He said "hi"\n"a", b', ['He said "hi"', '"a", b']],
    ["a quoted column", '"Alpha"\n"Beta, gamma"\n\n"Delta"', ["Alpha", "Beta, gamma", "Delta"]],
    ["an unclosed quote", '"Alpha\nBeta', ['"Alpha', "Beta"]],
    ["control characters", "bell\u0007 ring\n\u001b[0m\ttab", ["bell ring", "[0m\ttab"]],
    ["old Mac line ends", "a\rb\r\rc", ["a", "b", "c"]],
  ];
  for (const [name, text, want] of cases) assert.deepEqual(texts(text), want, name);
});

test("each note knows the line it starts on, blank lines and cells on several lines counted", () => {
  assert.deepEqual(listItems("a\n\n\nb").map((it) => it.line), [1, 4]);
  assert.deepEqual(listItems('"x\ny"\n\n"z"').map((it) => it.line), [1, 4]);
});

test("a list is checked against the board's limits, naming the line at fault", () => {
  const board = { title: "T", notes: new Map([["n1", { text: "old", author: "A" }]]) };
  const limits = { ...defaultLimits, maxTextRunes: 10, maxNotes: 4 };
  assert.equal(checkList(listItems("a\nb"), board, limits), null);
  assert.deepEqual(checkList([], board, limits), { key: "paste.empty", vars: {} });
  // Ten emoji are ten characters, though twenty UTF-16 units.
  assert.equal(checkList(listItems("😀".repeat(10)), board, limits), null);
  assert.deepEqual(checkList(listItems("short\n\n" + "å".repeat(11)), board, limits), { key: "paste.tooLong", vars: { line: 3, n: 11, max: 10 } });
  assert.deepEqual(checkList(listItems("a\nb\nc\nd"), board, limits), { key: "paste.tooMany", vars: { n: 4, room: 3 } });
  const full = { title: "T", notes: new Map([1, 2, 3, 4].map((i) => [String(i), { text: "" }])) };
  assert.deepEqual(checkList(listItems("a"), full, limits), { key: "paste.full", vars: { max: 4 } });
  // The title, the note there (its text and author), and two new notes by
  // Bo (x) of one character each: exactly full.
  const small = { ...limits, maxBoardBytes: 1 + (256 + 3 + 1) + 2 * (256 + 2 + 1 + 1) };
  assert.equal(checkList(listItems("a\nb"), board, small, { author: "Bo", authorId: "x" }), null);
  assert.deepEqual(checkList(listItems("a\nbc"), board, small, { author: "Bo", authorId: "x" }), { key: "paste.tooBig", vars: {} });
});

test("batches hold at most maxOps operations and fit a message, in order, one operation alone", () => {
  const create = (i, text = "x") => ({ kind: "create", note: { id: "00000000-0000-4000-8000-" + String(i).padStart(12, "0"), x: 0, y: 0, text, z: i } });
  const ops = Array.from({ length: 1203 }, (_, i) => create(i));
  const out = batches(ops, 500, 1 << 30);
  assert.deepEqual(out.map((b) => b.ops.length), [500, 500, 203]);
  assert.deepEqual(out.flatMap((b) => b.ops), ops);
  assert.deepEqual(batches([ops[0]], 500, 65536), [ops[0]]);
  // Long notes: each message stays within the bytes a message may have.
  const long = Array.from({ length: 40 }, (_, i) => create(i, "ä".repeat(5000)));
  const sent = batches(long, 500, 65536);
  assert.ok(sent.length > 1);
  for (const b of sent) {
    const msg = JSON.stringify({ type: "op", seq: 123456789, op: b });
    assert.ok(new TextEncoder().encode(msg).length <= 65536, `${msg.length}`);
  }
  assert.deepEqual(sent.flatMap((b) => (b.kind === "batch" ? b.ops : [b])), long);
});
