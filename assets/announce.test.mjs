// Tests of what a screen reader is told of other people's changes
// (announce.js), on a clock the test moves by hand: nothing waits.
// Run with `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { Announcer, changesOf, maxMs, people, quietMs, rejoinMs } from "./announce.js";

const t = {
  "announce.added": "{who} added {notes}",
  "announce.edited": "{who} edited {notes}",
  "announce.moved": "{who} moved {notes}",
  "announce.deleted": "{who} deleted {notes}",
  "announce.joined": "{who} joined",
  "announce.aNote": "a note",
  "announce.notes": "{n} notes",
  "announce.someone": "Someone",
  "announce.people": "{n} people",
  "announce.two": "{a} and {b}",
  "announce.andOne": "{a} and one other",
  "announce.andOthers": "{a} and {n} others",
};

const ME = "MEMEMEMEMEMEMEMEMEMEMw", BO = "BOBOBOBOBOBOBOBOBOBOBw", ANA = "ANAANAANAANAANAANAANAw", EVA = "EVAEVAEVAEVAEVAEVAEVAw";

/** mustAnnouncer returns an announcer on a fake clock: said is what it
 * said, tick(ms) moves the clock and runs the timers that come due. */
function mustAnnouncer() {
  let now = 1_000_000;
  const timers = new Map();
  let next = 1;
  const said = [];
  const a = new Announcer({
    say: (text) => said.push(text),
    t,
    me: () => ({ client: "tab-me", participant: ME }),
    now: () => now,
    setTimer: (fn, ms) => (timers.set(next, { at: now + ms, fn }), next++),
    clearTimer: (id) => timers.delete(id),
  });
  const tick = (ms) => {
    const end = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, x]) => x.at <= end).sort((p, q) => p[1].at - q[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = end;
  };
  return { a, said, tick, pending: () => timers.size };
}

let ids = 0;
const id = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, "0")}`;
const create = (note = id()) => ({ kind: "create", note: { id: note, x: 0, y: 0 } });
const msg = (author, authorId, op, client = "tab-" + author) => ({ type: "op", author, authorId, client, op });

test("changes are told by kind: text, colour and size are edits; place and stacking are moves", () => {
  const n = "n1";
  assert.deepEqual(changesOf({ kind: "update", id: n, set: { text: "hi" } }), [["edited", n]]);
  assert.deepEqual(changesOf({ kind: "update", id: n, set: { color: "blue" } }), [["edited", n]]);
  assert.deepEqual(changesOf({ kind: "update", id: n, set: { w: 300, h: 200 } }), [["edited", n]]);
  assert.deepEqual(changesOf({ kind: "update", id: n, set: { x: 1, y: 2 } }), [["moved", n]]);
  assert.deepEqual(changesOf({ kind: "update", id: n, set: { z: 9 } }), [["moved", n]]);
  assert.deepEqual(changesOf({ kind: "batch", ops: [{ kind: "delete", id: "a" }, create("b")] }), [["deleted", "a"], ["added", "b"]]);
  for (const kind of ["vote", "comment", "lock", "column-add", "rename", "none"]) assert.deepEqual(changesOf({ kind, id: n }), [], kind);
});

test("another person's changes are said together once they pause, never one by one", () => {
  const { a, said, tick } = mustAnnouncer();
  for (let i = 0; i < 3; i++) {
    a.op(msg("Bo", BO, create()));
    tick(quietMs - 1);
  }
  assert.deepEqual(said, [], "still adding: nothing said yet");
  tick(1);
  assert.deepEqual(said, ["Bo added 3 notes"]);

  const note = id();
  a.op(msg("Ana", ANA, create(note)));
  tick(quietMs);
  for (let x = 0; x < 20; x++) a.op(msg("Ana", ANA, { kind: "update", id: note, set: { x, y: x } })); // a drag
  tick(quietMs);
  assert.deepEqual(said.slice(1), ["Ana added a note", "Ana moved a note"], "one drag is one move of one note");
});

test("several people in one moment are one sentence; kinds of change are clauses", () => {
  const { a, said, tick } = mustAnnouncer();
  const [n1, n2, n3, n4] = [id(), id(), id(), id()];
  for (const n of [n1, n2, n3, n4]) a.op(msg("Ada", "ADA", create(n)));
  tick(quietMs);
  said.length = 0;
  a.op(msg("Bo", BO, { kind: "update", id: n1, set: { text: "a" } }));
  a.op(msg("Ana", ANA, { kind: "update", id: n2, set: { text: "b" } }));
  a.op(msg("Eva", EVA, { kind: "update", id: n3, set: { color: "pink" } }));
  a.op(msg("Bo", BO, { kind: "delete", id: n4 }));
  tick(quietMs);
  assert.deepEqual(said, ["Bo and 2 others edited 3 notes. Bo deleted a note"]);
  a.op(msg("Bo", BO, { kind: "update", id: n1, set: { text: "ab" } }));
  a.op(msg("Ana", ANA, { kind: "update", id: n1, set: { text: "abc" } }));
  tick(quietMs);
  assert.equal(said.at(-1), "Bo and Ana edited a note");
});

test("a note added and typed into in one moment is only added", () => {
  const { a, said, tick } = mustAnnouncer();
  const n = id();
  a.op(msg("Bo", BO, create(n)));
  for (const text of ["H", "He", "Hello"]) a.op(msg("Bo", BO, { kind: "update", id: n, set: { text } }));
  tick(quietMs);
  assert.deepEqual(said, ["Bo added a note"]);
});

test("this person's own changes, from this tab or another, are not said", () => {
  const { a, said, tick, pending } = mustAnnouncer();
  a.op(msg("Me", "", create(), "tab-me")); // before the welcome names the participant
  a.op(msg("Me", ME, create(), "tab-other")); // my phone
  a.op({ type: "op", author: "Me", authorId: ME, client: "tab-me", op: { kind: "delete", id: "x" } });
  tick(maxMs);
  assert.deepEqual(said, []);
  assert.equal(pending(), 0, "nothing waits to be said");
});

test("without names (a board that hides them), changes are someone's", () => {
  const { a, said, tick } = mustAnnouncer();
  a.op(msg("", BO, create()));
  tick(quietMs);
  a.op(msg("", BO, create()));
  a.op(msg("", ANA, create()));
  tick(quietMs);
  a.op(msg("", BO, create()));
  a.op(msg("Ana", ANA, create()));
  tick(quietMs);
  a.op({ type: "op", client: "c9", op: create() }); // no author at all
  tick(quietMs);
  assert.deepEqual(said, ["Someone added a note", "2 people added 2 notes", "Ana and one other added 2 notes", "Someone added a note"]);
});

test("a class that never pauses is still heard, at most every few seconds", () => {
  const { a, said, tick } = mustAnnouncer();
  const n = id();
  a.op(msg("Ana", ANA, create(n)));
  tick(quietMs);
  said.length = 0;
  for (let ms = 0; ms < 2 * maxMs; ms += 100) {
    a.op(msg("Ana", ANA, { kind: "update", id: n, set: { x: ms } }));
    tick(100);
  }
  assert.deepEqual(said, ["Ana moved a note", "Ana moved a note"], "once at the longest wait, then again");
});

test("a person who joins is said; their other tabs, screens, me and a quick return are not", () => {
  const { a, said, tick } = mustAnnouncer();
  const peers = new Map([["p1", { id: "p1", participant: ME, name: "Me" }]]);
  const join = (...ps) => {
    a.presence({ joined: ps }, peers);
    for (const p of ps) peers.set(p.id, p);
  };
  const leave = (pid) => {
    a.presence({ left: [pid] }, peers);
    peers.delete(pid);
  };
  join({ id: "p2", participant: EVA, name: "Eva" });
  tick(quietMs);
  join({ id: "p3", participant: EVA, name: "Eva" }); // Eva's second tab
  join({ id: "p4", name: "Projector" }); // a screen, not a person
  join({ id: "p5", participant: ME, name: "Me" }); // my own phone
  tick(quietMs);
  assert.deepEqual(said, ["Eva joined"]);

  leave("p2");
  leave("p3");
  tick(rejoinMs - 1);
  join({ id: "p6", participant: EVA, name: "Eva" }); // her Wi-Fi came back
  tick(quietMs);
  assert.deepEqual(said, ["Eva joined"], "back after a moment: not said");
  leave("p6");
  tick(rejoinMs);
  join({ id: "p7", participant: EVA, name: "Eva" }, { id: "p8", participant: BO, name: "Bo" }, { id: "p9", participant: ANA, name: "" });
  a.op(msg("Bo", BO, create()));
  tick(quietMs);
  assert.deepEqual(said.at(-1), "Eva and 2 others joined. Bo added a note");
});

test("groups of people are named briefly", () => {
  assert.equal(people(["Bo"], t), "Bo");
  assert.equal(people([""], t), "Someone");
  assert.equal(people(["Bo", "Ana"], t), "Bo and Ana");
  assert.equal(people(["", "Ana"], t), "Ana and one other");
  assert.equal(people(["Bo", "", "Eva", ""], t), "Bo and 3 others");
  assert.equal(people(["", "", ""], t), "3 people");
});

test("names gathered before the board stopped showing them are not said", () => {
  const { a, said, tick } = mustAnnouncer();
  a.op(msg("Bo", BO, create()));
  a.presence({ joined: [{ id: "p-eva", participant: EVA, name: "Eva" }] }, new Map());
  a.forgetNames();
  tick(quietMs);
  assert.deepEqual(said, ["Someone joined. Someone added a note"]);
});
