// Tests of what render.js decides without a page. Run with `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { format, others } from "./render.js";

const ada = "AAAAAAAAAAAAAAAA", bo = "BBBBBBBBBBBBBBBB";

test("the people list shows each person once, however many tabs, and me not at all", () => {
  const peers = new Map(
    [
      { id: "p1", name: "Ada", participant: ada }, // me, this tab
      { id: "p2", name: "Ada", participant: ada }, // me, another tab
      { id: "p3", name: "Bo", participant: bo },
      { id: "p4", name: "Bo (phone)", participant: bo }, // Bo again
      { id: "p5", name: "Cy" }, // no participant id: one tab, one person
      { id: "p6", name: "Cy" },
    ].map((p) => [p.id, p]),
  );
  assert.deepEqual(others(peers, { you: "p1", participant: ada }).map((p) => p.id), ["p3", "p5", "p6"]);
  // Before the welcome names my participant, only this tab is known as me.
  assert.deepEqual(others(peers, { you: "p1", participant: "" }).map((p) => p.id), ["p2", "p3", "p5", "p6"]);
});

test("format shows a name as typed, patterns and all", () => {
  // String.replace with a string would put the matched place back for $&,
  // and the text before or after it for $` and $'.
  assert.equal(format("{name} is presenting", { name: "A$&B" }), "A$&B is presenting");
  assert.equal(format("Remove {name} from the board? {name} may come back.", { name: "$`$'$$" }), "Remove $`$'$$ from the board? $`$'$$ may come back.");
  assert.equal(format("{i} / {n}", { i: 2, n: 7 }), "2 / 7");
  assert.equal(format("{n} votes", { n: 0 }), "0 votes");
  // A place nothing fills stays, so a missing value shows as missing.
  assert.equal(format("{file} could not be imported: {message}", { file: "a.json" }), "a.json could not be imported: {message}");
  assert.equal(format("{toString} {constructor}", {}), "{toString} {constructor}");
});
