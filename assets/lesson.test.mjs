// Tests of what lesson.js decides without a page. Run with `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { parseDuration } from "./lesson.js";

test("a timer's length is typed as minutes, or minutes and seconds, from a second to a day", () => {
  const cases = [
    ["5", 300], ["2:30", 150], ["0:02", 2], [" 1:5 ", 65], ["1440", 86400], ["0", 0], ["0:00", 0],
    ["1441", 0], ["1:60", 0], ["", 0], ["two", 0], ["-1", 0], ["1.5", 0],
  ];
  for (const [typed, want] of cases) assert.equal(parseDuration(typed), want, JSON.stringify(typed));
});
