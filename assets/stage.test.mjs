// Tests of what stage.js decides without a page. Run with `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { countFollowers, stepStops } from "./stage.js";

const stops = ["a", "b", "c"].map((id) => ({ id, x: 0, y: 0, w: 100, h: 100 }));

test("stepping through stops goes one on or back, and stays within them", () => {
  const cases = [
    // [atStop, last, d, want]
    ["a", 0, 1, 1],
    ["b", 1, 1, 2],
    ["c", 2, 1, 2], // the last stays the last
    ["a", 0, -1, 0], // the first stays the first
    ["c", 2, -1, 1],
    ["", -1, 1, 0], // no stop yet: the first
    ["", -1, -1, 0],
    ["", 1, 1, 2], // moved away from b: on from b
    ["", 1, -1, 0],
    ["gone", 5, -1, 1], // the last one gone to was deleted since: from the end
  ];
  for (const [at, last, d, want] of cases) {
    assert.equal(stepStops(stops, at, last, d), want, `from ${at || "no stop"} (last ${last}) by ${d}`);
  }
  assert.equal(stepStops([], "", -1, 1), -1);
});

test("the followers are counted by person, without me", () => {
  const peers = new Map(
    [
      { id: "p1", participant: "ME", following: false }, // me, presenting
      { id: "p2", participant: "ME", following: true }, // me, another tab
      { id: "p3", participant: "BO", following: true },
      { id: "p4", participant: "BO", following: true }, // Bo's phone
      { id: "p5", following: true }, // a tab without a participant
      { id: "p6", participant: "CY" }, // not following
    ].map((p) => [p.id, p]),
  );
  assert.equal(countFollowers(peers, "p1", "ME"), 2);
  assert.equal(countFollowers(peers, "p1", ""), 3); // before the welcome names my participant
});
