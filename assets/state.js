// state.js: the board model in the browser. Pure logic, no DOM: it runs in
// node for its tests, assets/state.test.mjs, which also runs the Apply cases
// of board/testdata/apply.json; `go test ./assets` runs them (TestClientLogic).
//
// The board a person sees is the server's confirmed board (every operation
// in version order) with this person's pending operations applied on top.
// Pending operations leave that layer when the server sends them back in
// the order (the "echo"); they are forgotten for good when acknowledged as
// saved or rejected. Applying the same operations in the same order as the
// server gives the same board, so everyone converges.

/** defaultLimits stand in for the limits the server sends in its welcome
 * (board.DefaultLimits, with sync's maxInFlight and maxMessageBytes) until
 * the welcome arrives, and for any limit the welcome does not name
 * (maxAuthorRunes, maxZ): the welcome's values replace them, field by
 * field. They are here once, and everything else reads app.limits. */
export const defaultLimits = Object.freeze({
  maxTextRunes: 5000,
  maxTitleRunes: 200,
  maxAuthorRunes: 60,
  maxNotes: 5000,
  maxBoardBytes: 4 << 20, // a board's notes, counted as their text plus 256 bytes each
  maxBatchOps: 500,
  maxCoord: 1_000_000,
  minSize: 40,
  maxSize: 4000,
  maxZ: 2 ** 53, // fixed on the server; not sent
  maxInFlight: 64, // operations sent and not yet answered (socket.js)
  maxMessageBytes: 65536, // the largest message the server reads (socket.js)
});

/** topZ returns the highest z on the board, or 0 for a board without
 * notes (as topZ in board/board.go): what goes on top goes above it. */
export function topZ(board) {
  let top = 0;
  for (const n of board.notes.values()) top = Math.max(top, n.z);
  return top;
}

/** applyOp applies one operation to a board in place. It mirrors Apply in
 * board/apply.go (the shared cases in board/testdata/apply.json keep the
 * two in step): it returns Apply's error code ("not_found", "conflict",
 * "invalid") or "" on success, and leaves the board unchanged on error (a
 * batch is all or nothing). Limits are the server's to check. stamp is
 * {at, author, authorId} of the op message; the version is the caller's. */
export function applyOp(board, op, stamp = {}) {
  if (op.kind === "batch") {
    const scratch = { ...board, notes: new Map(board.notes), deleted: new Set(board.deleted) };
    for (const sub of op.ops || []) {
      const err = applyOne(scratch, sub, stamp);
      if (err) return err;
    }
    board.notes = scratch.notes;
    board.deleted = scratch.deleted;
    board.title = scratch.title;
    return "";
  }
  return applyOne(board, op, stamp);
}

function applyOne(board, op, stamp) {
  const at = stamp.at || new Date().toISOString();
  switch (op.kind) {
    case "create": {
      const n = op.note;
      if (board.deleted.has(n.id) || board.notes.has(n.id)) return "conflict";
      const note = {
        id: n.id, x: n.x, y: n.y, w: n.w ?? 200, h: n.h ?? 160, text: n.text ?? "",
        color: n.color ?? "yellow", z: n.z ?? Math.min(topZ(board) + 1, defaultLimits.maxZ),
        author: stamp.author ?? "", createdAt: at, updatedAt: at,
      };
      // Notes made before participants existed have no authorId at all,
      // as on the server.
      if (stamp.authorId) note.authorId = stamp.authorId;
      board.notes.set(n.id, note);
      return "";
    }
    case "update": {
      const old = board.notes.get(op.id);
      if (!old) return "not_found";
      board.notes.set(op.id, { ...old, ...op.set, updatedAt: at });
      return "";
    }
    case "delete":
      if (!board.notes.has(op.id)) return "not_found";
      board.notes.delete(op.id);
      board.deleted.add(op.id);
      return "";
    case "rename":
      board.title = op.title;
      return "";
  }
  return "invalid";
}

/** boardFromJSON turns the server's board into the model's form. */
export function boardFromJSON(j) {
  return {
    id: j.id, title: j.title, version: j.version, createdAt: j.createdAt,
    notes: new Map((j.notes || []).map((n) => [n.id, n])),
    deleted: new Set(j.deleted || []),
  };
}

/** boardToJSON is boardFromJSON backwards: the board in the form the
 * server's Board.MarshalJSON gives (without its clients), fields in the
 * same order, notes bottom to top (by z, then id), tombstones sorted and
 * left out when there are none. The shared Apply cases compare with it. */
export function boardToJSON(b) {
  const byStack = (p, q) => p.z - q.z || (p.id < q.id ? -1 : p.id > q.id ? 1 : 0);
  const j = {
    id: b.id, title: b.title, version: b.version, createdAt: b.createdAt,
    notes: [...b.notes.values()].sort(byStack).map(noteToJSON),
  };
  if (b.deleted.size) j.deleted = [...b.deleted].sort();
  return j;
}

function noteToJSON(n) {
  const j = { id: n.id, x: n.x, y: n.y, w: n.w, h: n.h, text: n.text, color: n.color, z: n.z, author: n.author ?? "" };
  if (n.authorId) j.authorId = n.authorId;
  j.createdAt = n.createdAt;
  j.updatedAt = n.updatedAt;
  return j;
}

export function cloneBoard(b) {
  return { ...b, notes: new Map(b.notes), deleted: new Set(b.deleted) };
}

/** BoardState is the confirmed board plus this client's pending edits. */
export class BoardState {
  constructor(board) {
    this.confirmed = board;
    this.pending = []; // [{seq, op}] sent or to be sent, not yet echoed
    this.cached = null;
    // Who this person is, for the notes their pending creates show: the
    // server will stamp them the same way.
    this.me = { author: "", authorId: undefined };
  }

  /** identify sets this person's name and public participant id. */
  identify(author, authorId) {
    this.me = { author, authorId };
    this.cached = null;
  }

  /** view returns the board to show: confirmed plus pending. */
  view() {
    if (this.cached) return this.cached;
    if (this.pending.length === 0) return (this.cached = this.confirmed);
    const v = cloneBoard(this.confirmed);
    for (const p of this.pending) applyOp(v, p.op, this.me); // a failing one just shows nothing
    return (this.cached = v);
  }

  /** local records an edit of this client; it shows at once. */
  local(seq, op) {
    this.pending.push({ seq, op });
    this.cached = null;
  }

  /** serverOp applies an op message from the server, in version order. It
   * returns false if the message does not follow the confirmed version. */
  serverOp(msg, myClient) {
    if (msg.version !== this.confirmed.version + 1) return false;
    if (this.confirmed === this.cached) this.cached = null;
    applyOp(this.confirmed, msg.op, { at: msg.at, author: msg.author, authorId: msg.authorId });
    this.confirmed.version = msg.version;
    if (msg.client === myClient) this.settle(msg.seq);
    this.cached = null;
    return true;
  }

  /** settle drops a pending op: echoed, rejected or acknowledged as a duplicate. */
  settle(seq) {
    const before = this.pending.length;
    this.pending = this.pending.filter((p) => p.seq !== seq);
    if (this.pending.length !== before) this.cached = null;
  }

  /** replace takes a whole board from the server (a welcome that is not a resume). */
  replace(board) {
    this.confirmed = board;
    this.cached = null;
  }
}

/** inverse returns the operation that undoes op, given the board as it was
 * just before op; or null when there is nothing to undo. */
export function inverse(before, op) {
  switch (op.kind) {
    case "create":
      return { kind: "delete", id: op.note.id };
    case "update": {
      const old = before.notes.get(op.id);
      if (!old) return null;
      const set = {};
      for (const k of Object.keys(op.set)) set[k] = old[k];
      return { kind: "update", id: op.id, set };
    }
    case "delete": {
      const old = before.notes.get(op.id);
      if (!old) return null;
      const { id, x, y, w, h, text, color, z } = old;
      return { kind: "create", note: { id, x, y, w, h, text, color, z } };
    }
    case "rename":
      return { kind: "rename", title: before.title };
    case "batch": {
      const inv = [];
      let b = cloneBoard(before);
      for (const sub of op.ops) {
        const i = inverse(b, sub);
        if (i) inv.unshift(i);
        applyOp(b, sub);
      }
      return inv.length ? { kind: "batch", ops: inv } : null;
    }
  }
  return null;
}

/** UndoStack keeps this person's edits and their inverses. Undo and redo are
 * new operations through the server, so they work while others edit.
 * A deleted note cannot come back under its old id (the server keeps
 * tombstones), so undoing a delete recreates it under a new id, and the
 * stack remembers the new id for later undos and redos. */
export class UndoStack {
  constructor(newId, limit = 200) {
    this.newId = newId;
    this.limit = limit;
    this.undos = [];
    this.redos = [];
    this.alias = new Map(); // old id -> id it lives under now
  }

  record(op, inv) {
    if (!inv) return;
    this.undos.push({ op, inv });
    if (this.undos.length > this.limit) this.undos.shift();
    this.redos = [];
  }

  canUndo() { return this.undos.length > 0; }
  canRedo() { return this.redos.length > 0; }

  /** undo returns the op to send (or null), given the current view. */
  undo(view) {
    const e = this.undos.pop();
    if (!e) return null;
    const op = this.resolve(e.inv, view);
    if (op) this.redos.push(e);
    return op;
  }

  redo(view) {
    const e = this.redos.pop();
    if (!e) return null;
    const op = this.resolve(e.op, view);
    if (op) this.undos.push(e);
    return op;
  }

  /** resolve rewrites ids to where the notes live now, recreates deleted
   * notes under fresh ids, and drops parts that name notes that are gone:
   * undoing a move of a note someone else deleted does nothing. */
  resolve(op, view) {
    const id = (x) => {
      while (this.alias.has(x)) x = this.alias.get(x);
      return x;
    };
    const one = (o) => {
      switch (o.kind) {
        case "create": {
          const fresh = this.newId();
          this.alias.set(o.note.id, fresh);
          return { kind: "create", note: { ...o.note, id: fresh } };
        }
        case "update":
        case "delete": {
          const i = id(o.id);
          if (!view.notes.has(i)) return null;
          return { ...o, id: i };
        }
        case "rename":
          return o;
      }
      return null;
    };
    if (op.kind === "batch") {
      const ops = op.ops.map(one).filter(Boolean);
      return ops.length ? { kind: "batch", ops } : null;
    }
    return one(op);
  }
}
