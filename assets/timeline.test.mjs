// Tests of the replay's stepping (timeline.js). Run with `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { Timeline, advance, checkpointEvery } from "./timeline.js";
import { applyOp, boardFromJSON, boardToJSON } from "./state.js";

const id = (n) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

// history makes n op messages as the server keeps them: notes made, moved,
// written in, and now and then deleted, each a version after start.
function history(start, n) {
  const msgs = [];
  let made = 0;
  for (let v = start + 1; v <= start + n; v++) {
    let op;
    if (v % 7 === 0 && made > 2) op = { kind: "delete", id: id(made - 2) };
    else if (v % 3 === 0 && made > 0) op = { kind: "update", id: id(made), set: { x: v, text: "at " + v } };
    else op = { kind: "create", note: { id: id(++made), x: v, y: 0, z: v } };
    if (op.kind === "delete" && msgs.some((m) => m.op.kind === "delete" && m.op.id === op.id)) op = { kind: "rename", title: "v" + v };
    msgs.push({ type: "op", version: v, at: new Date(Date.UTC(2026, 0, 1, 9, 0, v)).toISOString(), author: "Ada", op });
  }
  return msgs;
}

const base = (version) => boardFromJSON({ title: "Start", version, createdAt: "2026-01-01T09:00:00Z", notes: [] });

// straight is the board at v, applied from the start in one go: what the
// timeline must give, however it got there.
function straight(start, msgs, v) {
  const b = base(start);
  for (const m of msgs) {
    if (m.version > v) break;
    applyOp(b, m.op, { at: m.at, author: m.author });
    b.version = m.version;
  }
  return boardToJSON(b);
}

test("the timeline gives the board at any version, forward, back, and across checkpoints", () => {
  const start = 40, n = 3 * checkpointEvery + 77;
  const msgs = history(start, n);
  const tl = new Timeline(base(start));
  assert.equal(tl.append(msgs.slice(0, 1000)), 1000);
  assert.equal(tl.append(msgs.slice(900, 1200)), 200, "a page asked for twice takes only what is new");
  assert.equal(tl.append(msgs.slice(1200)), n - 1200);
  assert.equal(tl.loaded, start + n);
  for (const v of [start, start + 1, start + 600, start + 1500, start + 499, start + 500, start + 501, start + 3, start + n, start + 1000, start]) {
    assert.deepEqual(boardToJSON(tl.at(v)), straight(start, msgs, v), `at ${v}`);
    assert.equal(tl.version, v);
  }
  assert.equal(tl.checkpoints.length, Math.floor(n / checkpointEvery) + 1);
  // Beyond what is loaded (or before the start) it stops at the end.
  assert.equal(tl.at(start + n + 50).version, start + n);
  assert.equal(tl.at(0).version, start);
  assert.equal(tl.timeAt(start + 2), msgs[1].at);
  assert.equal(tl.timeAt(start), "");
});

test("going back starts from the nearest checkpoint, not from the start", () => {
  const msgs = history(0, 2 * checkpointEvery + 10);
  const tl = new Timeline(base(0));
  tl.append(msgs);
  tl.at(2 * checkpointEvery + 10);
  let applied = 0;
  for (const m of msgs) {
    const op = m.op;
    Object.defineProperty(m, "op", { get: () => (applied++, op) });
  }
  tl.at(2 * checkpointEvery + 3);
  assert.equal(applied, 3);
});

test("playing advances by the speed, keeps the fraction, and waits at what is loaded", () => {
  assert.deepEqual(advance(10, 0, 20, 0.016, 100), { version: 10, carry: 0.32 });
  let s = { version: 10, carry: 0 };
  for (let i = 0; i < 60; i++) s = advance(s.version, s.carry, 20, 1 / 60, 1000);
  assert.equal(s.version, 30); // a second at 20 a second
  assert.deepEqual(advance(95, 0.5, 500, 1, 100), { version: 100, carry: 0 });
  assert.deepEqual(advance(5, 0, 100, -1, 100), { version: 5, carry: 0 });
});
