// Tests of trash.js's relativeTime: how long ago a note was deleted, in
// both of the page's languages. Run with `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { relativeTime } from "./trash.js";

const now = Date.parse("2026-03-10T12:00:00Z");
const ago = (ms) => now - ms;
const min = 60e3, hour = 60 * min, day = 24 * hour;

test("a deletion is said in the largest whole unit, English and Swedish", () => {
  const en = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  const sv = new Intl.RelativeTimeFormat("sv", { numeric: "auto" });
  const cases = [
    [3e3, "now", "nu"],
    [45e3, "now", "nu"],
    [5 * min + 20e3, "5 minutes ago", "för 5 minuter sedan"],
    [2 * hour, "2 hours ago", "för 2 timmar sedan"],
    [day + hour, "yesterday", "i går"],
    [9 * day, "last week", "förra veckan"],
    [29 * day, "4 weeks ago", "för 4 veckor sedan"],
    [61e3, "1 minute ago", "för 1 minut sedan"],
    [-5e3, "now", "nu"], // a clock a little behind the server's
  ];
  for (const [ms, english, swedish] of cases) {
    assert.equal(relativeTime(ago(ms), now, en), english);
    assert.equal(relativeTime(ago(ms), now, sv), swedish);
  }
  assert.equal(relativeTime(ago(20e3), now, en, "just now"), "just now", "the page's own words for under a minute");
});
