// timeline.js: a board's past, for the replay (replay.js). It holds the
// board at the first version the server can replay from and the op
// messages after it, as the server kept them (GET /api/boards/{link}/ops:
// exactly what live clients were sent), and gives the board at any version
// in between by applying them in order with state.js's applyOp, as a live
// page does. Pure logic, no page: node tests it (timeline.test.mjs).
//
// Going forward applies the operations between; going back starts again
// from the nearest checkpoint, a copy of the board kept every
// checkpointEvery versions on the way, so a scrubber dragged back and
// forth over 10,000 operations never applies more than that many at a
// step.

import { applyOp, cloneBoard } from "./state.js";

/** checkpointEvery is how many versions apart the timeline keeps a copy of
 * the board to go back to. */
export const checkpointEvery = 500;

/** opsPage is how many operations the replay asks the server for at a
 * time (the server gives at most 5,000). */
export const opsPage = 2000;

/** speeds are the replay's speeds, in operations a second: a class's few
 * edits a second as they came, then faster to run through a long lesson. */
export const speeds = Object.freeze([5, 20, 100, 500]);

export class Timeline {
  /** base is the board (boardFromJSON) at the first version to replay
   * from. */
  constructor(base) {
    this.start = base.version;
    this.msgs = []; // op messages of versions start+1, start+2, …
    this.checkpoints = [cloneBoard(base)]; // [i]: the board at start + i * checkpointEvery
    this.board = cloneBoard(base);
    this.version = this.start;
  }

  /** loaded is the newest version the timeline can show. */
  get loaded() {
    return this.start + this.msgs.length;
  }

  /** append adds op messages after the newest loaded, in order. A message
   * out of order (a page asked for twice) is skipped. It returns how many
   * it took. */
  append(msgs) {
    let n = 0;
    for (const m of msgs) {
      if (m.version !== this.loaded + 1) continue;
      this.msgs.push(m);
      n++;
    }
    return n;
  }

  /** at returns the board at version v (held to start … loaded), which the
   * timeline then stands at. The board is the timeline's own: the caller
   * reads it and does not change it; it changes with the next call. */
  at(v) {
    v = Math.max(this.start, Math.min(this.loaded, Math.trunc(v)));
    if (v < this.version) {
      const i = Math.min(Math.floor((v - this.start) / checkpointEvery), this.checkpoints.length - 1);
      this.board = cloneBoard(this.checkpoints[i]);
      this.version = this.start + i * checkpointEvery;
    }
    while (this.version < v) {
      const m = this.msgs[this.version - this.start];
      // An operation the server applied applies here too; one that does
      // not (which would be a bug) leaves the board as it was, and the
      // replay goes on.
      applyOp(this.board, m.op, { at: m.at, author: m.author, authorId: m.authorId });
      this.version++;
      this.board.version = this.version;
      const steps = this.version - this.start;
      if (steps % checkpointEvery === 0 && this.checkpoints.length === steps / checkpointEvery) {
        this.checkpoints.push(cloneBoard(this.board));
      }
    }
    return this.board;
  }

  /** timeAt returns when version v was made (its op message's "at"), or
   * "" for the first version, which the timeline has no operation of. */
  timeAt(v) {
    return this.msgs[v - this.start - 1]?.at ?? "";
  }
}

/** advance returns where playing at speed operations a second for dt
 * seconds takes the replay from version, with carry the fraction of an
 * operation left from the step before: {version, carry}. It stops at
 * until (the newest loaded version). */
export function advance(version, carry, speed, dt, until) {
  const total = carry + speed * Math.max(0, dt);
  const n = Math.floor(total);
  const next = Math.min(until, version + n);
  return { version: next, carry: next === version + n ? total - n : 0 };
}
