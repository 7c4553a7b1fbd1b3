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

import {
  applyConversation, approveComments, commentToJSON, conversationKinds, dropReactions, findComment, moderateReactions, rejectComment, revealComments,
  waitingComment,
  parseTime, withoutWaiting,
} from "./conversation.js";

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
 * board/apply.go and board/lesson.go (the shared cases in
 * board/testdata/apply.json keep the two in step): it returns Apply's error
 * code ("not_found", "conflict", "forbidden", "invalid", "too_large") or ""
 * on success, and leaves the board unchanged on error (a batch is all or
 * nothing). Limits and roles are the server's to check; the one rule it
 * mirrors is that only its author changes a private note's text, which
 * holds for every role. stamp is {at, author, authorId, role} of the op
 * message (the role decides whether a new note waits for approval); the
 * version is the caller's. */
export function applyOp(board, op, stamp = {}) {
  // A board that keeps no names stamps none (board/anonymity.go).
  if (board.moderation?.names === "none" && stamp.author) stamp = { ...stamp, author: "" };
  // What the server ordered was permitted there (and may come without
  // its author, on a board that hides names).
  const refused = stamp.replica ? "" : permitPrivate(board, op, stamp);
  if (refused) return refused;
  if (op.kind === "batch") {
    const scratch = { ...board, notes: new Map(board.notes), deleted: new Set(board.deleted) };
    for (const sub of op.ops || []) {
      const err = applyOne(scratch, sub, stamp);
      if (err) return err;
    }
    Object.assign(board, scratch);
    return "";
  }
  if (lessonKinds.has(op.kind)) return applyLesson(board, op, stamp, stamp.at || new Date().toISOString());
  if (moderationKinds.has(op.kind)) return applyModeration(board, op, stamp);
  if (conversationKinds.has(op.kind)) return applyConversation(board, op, stamp);
  return applyOne(board, op, stamp);
}

/** moderationKinds are the facilitator's moderation operations
 * (board/moderation.go) and the server's "none", a copy of an operation
 * this person may not see: never undone. */
export const moderationKinds = new Set(["moderate", "approve", "reject", "none"]);

/** facilitates reports whether a stamp's role is a facilitator's: the
 * empty role, of operations from before roles, is one (board.facilitates). */
export function facilitates(role) {
  return !role || role === "facilitate";
}

/** lessonKinds are the operations that run a lesson (board/lesson.go):
 * the facilitator's, but for votes, and never undone. */
export const lessonKinds = new Set([
  "lock", "unlock", "hide", "reveal", "vote-start", "vote", "unvote", "vote-end", "vote-clear",
  "timer-start", "timer-pause", "timer-resume", "timer-reset", "stop-add", "stop-set", "stop-delete", "stop-move",
]);

/** maxStops is board.MaxStops: a board holds at most this many stops. */
const maxStops = 100;

// permitPrivate refuses a change to the text of a private note by anyone
// but its author (permitPrivate in board/role.go), judged on the board as
// it is before the operation, batch or not.
function permitPrivate(board, op, stamp) {
  const ops = op.kind === "batch" ? op.ops || [] : [op];
  for (const o of ops) {
    if (o.kind !== "update" || o.set?.text === undefined) continue;
    const n = board.notes.get(o.id);
    if (n && n.private && (!n.authorId || n.authorId !== stamp.authorId)) return "forbidden";
  }
  return "";
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
      if (board.private) note.private = true;
      // As the server decides it: from the sender's role, so a student's
      // own page shows the note waiting at once.
      if (board.moderation?.approval && !facilitates(stamp.role)) note.pending = true;
      board.notes.set(n.id, note);
      return "";
    }
    case "update": {
      const old = board.notes.get(op.id);
      if (!old) return "not_found";
      if (op.set.stack) {
        const refused = checkStack(board, old, op.set.stack);
        if (refused) return refused;
      }
      const note = { ...old, ...op.set, updatedAt: at };
      if (!note.stack) delete note.stack;
      board.notes.set(op.id, note);
      return "";
    }
    case "delete": {
      const old = board.notes.get(op.id);
      if (!old) return "not_found";
      board.notes.delete(op.id);
      board.deleted.add(op.id);
      dropVotes(board, op.id);
      dropReactions(board, op.id);
      passStack(board, old);
      return "";
    }
    case "undelete": {
      // This page has no trash: the note comes with the server's copy
      // (board/trash.go); this person's own undelete shows at its echo.
      // A pending undelete of this page's shows the note as the page last
      // had it (stamp.gone) until the server's copy brings it.
      const n = op.restored ?? stamp.gone?.get(op.id);
      if (!n || n.id !== op.id) return op.withheld ? "" : "not_found";
      if (board.notes.has(n.id)) return "conflict";
      let note = { ...n, updatedAt: at };
      // Sent whole to its sender and its author: others' names go where
      // this person may not see them.
      if (stamp.replica && !namesFor(board, stamp.selfStaff)) note = namesOnlyOf(note, stamp.self);
      const head = board.notes.get(note.stack);
      if (note.stack && (!head || head.stack || head.pending)) delete note.stack;
      board.deleted.delete(n.id);
      board.notes.set(n.id, note);
      return "";
    }
    case "rename":
      board.title = op.title;
      return "";
    case "none":
      return ""; // something this person may not see: only the version moves
  }
  return "invalid";
}

// applyModeration applies moderate, approve and reject as applyModeration
// in board/moderation.go does on a board without an id (a client's copy,
// which the server sends masked or whole, and never filters itself).
function applyModeration(board, op, stamp = {}) {
  switch (op.kind) {
    case "moderate": {
      const wasHidden = board.moderation?.reactions === "hidden";
      const oldNames = board.moderation?.names ?? "";
      board.moderation = moderationFromJSON(op.moderation);
      moderateReactions(board, op, wasHidden);
      applyNamesSetting(board, op, oldNames, stamp);
      return "";
    }
    case "approve": {
      const approved = op.approved || [];
      if (op.id) {
        const n = board.notes.get(op.id);
        if (n && !n.pending) return "conflict";
        // Not a note: a comment, waiting or carried by the operation.
        const comment = n ? "" : waitingComment(board, op.id);
        if (!n && !approved.some((a) => a.id === op.id) && comment && !op.approvedComments?.some((a) => a.comment.id === op.id)) return comment;
        // The one named shows at once, as with an approve of everything: a
        // facilitator's own approve carries no approved until the echo,
        // and the note would keep its Approve button meanwhile.
        if (n) board.notes.set(op.id, withoutWaiting(n));
        else if (!comment) approveComments(board, [{ note: findComment(board, op.id).note.id, comment: { id: op.id } }]);
      }
      // Those who were not shown the notes get them here; those who were
      // (their authors, facilitators) let them show.
      for (const a of approved) {
        const n = board.notes.get(a.id);
        if (n) {
          if (n.pending) board.notes.set(a.id, withoutWaiting(n));
          continue;
        }
        if (board.deleted.has(a.id)) continue;
        board.notes.set(a.id, withoutWaiting(a));
      }
      const all = !approved.length && !op.approvedComments?.length && !op.id;
      approveComments(board, op.approvedComments, all);
      if (all) {
        for (const [id, n] of board.notes) if (n.pending) board.notes.set(id, withoutWaiting(n));
      }
      return "";
    }
    case "reject": {
      const ids = [...(op.rejected || [])];
      if (op.id) {
        const n = board.notes.get(op.id);
        if (n && !n.pending) return "conflict";
        if (!n && waitingComment(board, op.id) === "conflict") return "conflict";
        if (!ids.includes(op.id)) ids.push(op.id);
      }
      for (const id of ids) {
        if (!board.notes.has(id)) {
          rejectComment(board, id); // the ids may be comments'
          continue;
        }
        board.notes.delete(id);
        board.deleted.add(id);
        dropVotes(board, id);
        dropReactions(board, id);
      }
      return "";
    }
    case "none":
      return "";
  }
  return "invalid";
}


/** moderationFromJSON returns a board's moderation settings as the
 * server writes them: only what is on, and null when nothing is
 * (board.Moderation, whose zero value the server leaves out). */
export function moderationFromJSON(m) {
  if (!m) return null;
  const out = {};
  if (m.approval) out.approval = true;
  if (m.ownNotes) out.ownNotes = true;
  if (m.closed) out.closed = true;
  if (m.filter) {
    out.filter = { mode: m.filter.mode };
    if (m.filter.defaults) out.filter.defaults = true;
    if (m.filter.words?.length) out.filter.words = [...m.filter.words];
  }
  if (m.reactions) out.reactions = m.reactions;
  if (m.names) out.names = m.names;
  return Object.keys(out).length ? out : null;
}

// applyLesson applies the operations of board/lesson.go's applyLesson, at
// the stamp's time at.
// Like the server, it never changes voting, ballots, timer or stops in
// place, so a copy of the board (cloneBoard) may share them.
function applyLesson(board, op, stamp, at) {
  switch (op.kind) {
    case "lock":
    case "unlock":
      board.locked = op.kind === "lock";
      return "";
    case "hide":
      board.private = true;
      return "";
    case "reveal":
      // The server puts every private note's text in the operation: those
      // who could not see a note's text learn it here.
      for (const [id, n] of board.notes) {
        const comments = n.comments?.some((c) => c.private);
        if (!n.private && !comments) continue;
        const m = { ...n };
        delete m.private;
        if (comments) m.comments = revealComments(n.comments, op.texts);
        // Only where the text was withheld: an author keeps their own,
        // which others may have been sent masked (board/lesson.go).
        if (n.private && op.texts && Object.hasOwn(op.texts, id) && n.text === "") m.text = op.texts[id];
        board.notes.set(id, m);
      }
      board.private = false;
      return "";
    case "vote-start":
      if (board.voting?.open) return "conflict";
      board.voting = { votes: op.voting.votes, perNote: op.voting.perNote, hidden: !!op.voting.hidden, open: true };
      clearVotes(board);
      return "";
    case "vote":
    case "unvote":
      return vote(board, op, stamp);
    case "vote-end":
      if (!board.voting?.open) return "conflict";
      // The totals come with the operation: those who saw only their own
      // votes learn everyone's here.
      for (const [id, n] of board.notes) {
        const votes = op.votes?.[id] ?? 0;
        if ((n.votes ?? 0) !== votes) board.notes.set(id, withVotes(n, votes));
      }
      board.voting = { ...board.voting, open: false };
      board.ballots = null; // the counts stay; who voted for what goes, as on the server
      return "";
    case "vote-clear":
      board.voting = null;
      clearVotes(board);
      return "";
    case "timer-start":
      board.timer = { seconds: op.seconds, endsAt: addTime(at, op.seconds * 1e9) };
      return "";
    case "timer-pause": {
      const t = board.timer;
      if (!t?.endsAt) return "conflict";
      const leftMs = Math.trunc(timeDiffNs(t.endsAt, at) / 1e6);
      if (leftMs < 1) return "conflict"; // it has ended: a paused timer always has time left
      board.timer = { seconds: t.seconds, leftMs };
      return "";
    }
    case "timer-resume": {
      const t = board.timer;
      if (!t || t.endsAt) return "conflict";
      board.timer = { seconds: t.seconds, endsAt: addTime(at, (t.leftMs || 0) * 1e6) };
      return "";
    }
    case "timer-reset":
      board.timer = null;
      return "";
    case "stop-add":
      if (board.stops.length >= maxStops) return "too_large";
      if (board.stops.some((s) => s.id === op.stop.id)) return "conflict";
      board.stops = [...board.stops, op.stop];
      return "";
    case "stop-set": {
      const i = board.stops.findIndex((s) => s.id === op.stop.id);
      if (i < 0) return "not_found";
      board.stops = board.stops.map((s, j) => (j === i ? op.stop : s));
      return "";
    }
    case "stop-delete": {
      const i = board.stops.findIndex((s) => s.id === op.id);
      if (i < 0) return "not_found";
      board.stops = board.stops.filter((_, j) => j !== i);
      return "";
    }
    case "stop-move": {
      const i = board.stops.findIndex((s) => s.id === op.id);
      if (i < 0) return "not_found";
      if (op.index >= board.stops.length) return "invalid";
      const stops = board.stops.filter((_, j) => j !== i);
      stops.splice(op.index, 0, board.stops[i]);
      board.stops = stops;
      return "";
    }
  }
  return "invalid";
}

// vote applies a vote or unvote (board/lesson.go's vote). A copy of
// someone else's vote has no authorId (ballots are secret) and counts
// only; in a hidden round it has no note either, and changes nothing.
function vote(board, op, stamp) {
  const v = board.voting;
  if (!v?.open) return "conflict";
  if (op.withheld && !op.id) return "";
  if (board.deleted.has(op.id) || !board.notes.has(op.id)) return "not_found";
  // A note waiting for approval takes no votes (permitWaiting in
  // board/role.go): a vote for it shows nothing here, as the server will
  // answer conflict.
  if (board.notes.get(op.id).pending) return "conflict";
  const up = op.kind === "vote";
  if (stamp.authorId) {
    const ballot = board.ballots?.[stamp.authorId] ?? {};
    const mine = ballot[op.id] ?? 0;
    if (up && ballotTotal(ballot) >= v.votes) return "conflict";
    if (up && mine >= v.perNote) return "conflict";
    if (!up && mine === 0) return "conflict";
    const next = { ...ballot, [op.id]: mine + (up ? 1 : -1) };
    if (next[op.id] === 0) delete next[op.id];
    const ballots = { ...board.ballots };
    if (Object.keys(next).length) ballots[stamp.authorId] = next;
    else delete ballots[stamp.authorId];
    board.ballots = ballots;
  }
  const n = board.notes.get(op.id);
  const votes = n.votes ?? 0;
  board.notes.set(op.id, withVotes(n, up ? votes + 1 : Math.max(0, votes - 1)));
  return "";
}

/** ballotTotal returns how many votes a ballot ({note id: votes}) holds. */
export function ballotTotal(ballot) {
  let total = 0;
  for (const n of Object.values(ballot || {})) total += n;
  return total;
}

// withVotes returns note n with votes votes; none is no field at all, as
// in the server's JSON.
function withVotes(n, votes) {
  const m = { ...n, votes };
  if (!votes) delete m.votes;
  return m;
}

function clearVotes(board) {
  for (const [id, n] of board.notes) if (n.votes) board.notes.set(id, withVotes(n, 0));
  board.ballots = null;
}

// dropVotes takes back the votes on a deleted note from every ballot, so
// its voters may give them to other notes.
function dropVotes(board, id) {
  if (!board.ballots) return;
  let ballots = null;
  for (const [p, ballot] of Object.entries(board.ballots)) {
    if (!ballot[id]) continue;
    ballots ??= { ...board.ballots };
    const next = { ...ballot };
    delete next[id];
    if (Object.keys(next).length) ballots[p] = next;
    else delete ballots[p];
  }
  if (ballots) board.ballots = ballots;
}

// Times are the server's RFC 3339 strings, to the nanosecond. A Date holds
// only milliseconds, so the arithmetic the timer needs keeps whole seconds
// and nanoseconds apart, and writes times as Go does (UTC, the fraction
// without trailing zeros), so the boards compare equal.

export { parseTime };

/** timeMs returns an RFC 3339 time in milliseconds since 1970. */
export function timeMs(s) {
  const t = parseTime(s);
  return t.sec * 1000 + t.ns / 1e6;
}

function formatTime({ sec, ns }) {
  const frac = ns ? "." + String(ns).padStart(9, "0").replace(/0+$/, "") : "";
  return new Date(sec * 1000).toISOString().slice(0, 19) + frac + "Z";
}

function addTime(s, ns) {
  const t = parseTime(s);
  const total = t.ns + ns;
  const carry = Math.floor(total / 1e9);
  return formatTime({ sec: t.sec + carry, ns: total - carry * 1e9 });
}

// timeDiffNs returns a - b in nanoseconds.
function timeDiffNs(a, b) {
  const p = parseTime(a), q = parseTime(b);
  return (p.sec - q.sec) * 1e9 + (p.ns - q.ns);
}

/** boardFromJSON turns the server's board into the model's form. */
export function boardFromJSON(j) {
  return {
    id: j.id, title: j.title, version: j.version, createdAt: j.createdAt,
    locked: !!j.locked, private: !!j.private, voting: j.voting ?? null, ballots: j.ballots ?? null,
    timer: j.timer ?? null, stops: j.stops ?? [], moderation: moderationFromJSON(j.moderation),
    reacted: j.reacted ?? null, columns: j.columns ?? [],
    notes: new Map((j.notes || []).map((n) => [n.id, n])),
    deleted: new Set(j.deleted || []),
  };
}

/** boardToJSON is boardFromJSON backwards: the board in the form the
 * server's Board.WriteJSON gives (without its clients), fields in the same
 * order (boardJSON in board/board.go), what is unset left out, notes bottom
 * to top (by z, then id), tombstones sorted. The shared Apply cases
 * compare with it. */
export function boardToJSON(b) {
  const byStack = (p, q) => p.z - q.z || (p.id < q.id ? -1 : p.id > q.id ? 1 : 0);
  const j = {};
  if (b.id) j.id = b.id;
  Object.assign(j, { title: b.title, version: b.version, createdAt: b.createdAt });
  if (b.locked) j.locked = true;
  if (b.private) j.private = true;
  if (b.voting) {
    const { votes, perNote, hidden, open } = b.voting;
    j.voting = hidden ? { votes, perNote, hidden, open } : { votes, perNote, open };
  }
  if (b.ballots && Object.keys(b.ballots).length) j.ballots = sortedObject(b.ballots, sortedObject);
  if (b.reacted && Object.keys(b.reacted).length) j.reacted = sortedObject(b.reacted, sortedObject);
  if (b.columns?.length) j.columns = b.columns.map(({ id, name }) => ({ id, name }));
  if (b.timer) {
    const { seconds, endsAt, leftMs } = b.timer;
    j.timer = { seconds };
    if (endsAt) j.timer.endsAt = endsAt;
    if (leftMs) j.timer.leftMs = leftMs;
  }
  if (b.stops?.length) {
    j.stops = b.stops.map(({ id, name, x, y, w, h }) => (name ? { id, name, x, y, w, h } : { id, x, y, w, h }));
  }
  if (b.moderation) j.moderation = moderationFromJSON(b.moderation);
  j.notes = [...b.notes.values()].sort(byStack).map(noteToJSON);
  if (b.deleted.size) j.deleted = [...b.deleted].sort();
  return j;
}

// sortedObject returns o with its keys in order (as Go writes maps), each
// value through f.
function sortedObject(o, f = (v) => v) {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, f(o[k])]));
}

function noteToJSON(n) {
  const j = { id: n.id, x: n.x, y: n.y, w: n.w, h: n.h, text: n.text, color: n.color, z: n.z, author: n.author ?? "" };
  if (n.authorId) j.authorId = n.authorId;
  j.createdAt = n.createdAt;
  j.updatedAt = n.updatedAt;
  if (n.private) j.private = true;
  if (n.votes) j.votes = n.votes;
  if (n.pending) j.pending = true;
  if (n.reactions && Object.keys(n.reactions).length) j.reactions = sortedObject(n.reactions);
  if (n.comments?.length) j.comments = n.comments.map(commentToJSON);
  if (n.stack) j.stack = n.stack;
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
    this.gone = new Map(); // note id -> the note as it was when deleted (newest 200)
    this.cached = null;
    // Who this person is, for the notes their pending creates show: the
    // server will stamp them the same way.
    // role is the page's link's: the server marks what its notes wait for.
    this.me = { author: "", authorId: undefined, role: "" };
    // now gives the time a pending operation shows with (a timer started
    // here counts from it until the server's copy comes): the page sets it
    // to the server's clock once the welcome tells it.
    this.now = () => new Date().toISOString();
  }

  /** identify sets this person's name, public participant id and role
   * (kept as it was when not given). */
  identify(author, authorId, role = this.me.role) {
    this.me = { author, authorId, role };
    this.cached = null;
  }

  /** view returns the board to show: confirmed plus pending. */
  view() {
    if (this.cached) return this.cached;
    if (this.pending.length === 0) return (this.cached = this.confirmed);
    const v = cloneBoard(this.confirmed);
    const gone = new Map(this.gone);
    const stamp = { ...this.me, at: this.now(), gone };
    for (const p of this.pending) {
      if (p.op.kind === "delete" && v.notes.has(p.op.id)) gone.set(p.op.id, v.notes.get(p.op.id));
      applyOp(v, p.op, stamp); // a failing one just shows nothing
    }
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
    // The notes deleted, as this page had them, for an undo of the delete
    // to show at once (a few: an undo is of a recent delete).
    for (const o of msg.op.kind === "batch" ? msg.op.ops || [] : [msg.op]) {
      const n = o.kind === "delete" && this.confirmed.notes.get(o.id);
      if (!n) continue;
      this.gone.set(o.id, n);
      if (this.gone.size > 200) this.gone.delete(this.gone.keys().next().value);
    }
    // replica, self and selfStaff: whose copy of the board this is, for
    // what it may still see when the board stops showing names.
    applyOp(this.confirmed, msg.op, {
      at: msg.at, author: msg.author, authorId: msg.authorId, role: msg.role,
      replica: true, self: this.me.authorId, selfStaff: this.me.role === "facilitate" && !!this.me.authorId,
    });
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

/** trashHolds is how many deleted notes a board's trash keeps, the
 * newest (board.MaxTrash). */
export const trashHolds = 200;

/** inverse returns the operation that undoes op, given the board as it was
 * just before op; or null when there is nothing to undo. Running a lesson
 * (lessonKinds) and moderating (moderationKinds) are never undone: a vote
 * is taken back with unvote, a lock with unlock, and a reveal or a
 * rejection cannot be taken back at all. me is the public
 * participant id of whoever made op: a deleted private note of someone
 * else's does not come back, since this page never had its text and would
 * bring it back blank, as a note of me's. */
export function inverse(before, op, me = "", inBatch = false) {
  if (lessonKinds.has(op.kind) || moderationKinds.has(op.kind) || conversationKinds.has(op.kind)) return null;
  switch (op.kind) {
    case "create":
      return { kind: "delete", id: op.note.id };
    case "update": {
      const old = before.notes.get(op.id);
      if (!old) return null;
      const set = {};
      for (const k of Object.keys(op.set)) set[k] = old[k];
      if ("stack" in op.set) set.stack = old.stack || ""; // "" takes it off again
      return { kind: "update", id: op.id, set };
    }
    case "delete": {
      const old = before.notes.get(op.id);
      if (!old) return null;
      // One note this person deleted comes back from the board's trash as
      // it was: its author, comments and id (board/trash.go). Within a
      // batch (a batch holds no undelete) it is made again, as this
      // person's, under a new id.
      if (!inBatch) return { kind: "undelete", id: op.id };
      if (old.private && (!old.authorId || old.authorId !== me)) return null;
      const { id, x, y, w, h, text, color, z } = old;
      return { kind: "create", note: { id, x, y, w, h, text, color, z } };
    }
    case "undelete":
      return { kind: "delete", id: op.id };
    case "rename":
      return { kind: "rename", title: before.title };
    case "batch": {
      // Notes deleted together come back together, each from the trash as
      // it was (see "delete"): one undelete each, sent one by one, since
      // a batch holds none ("each" never goes on the wire).
      // The trash keeps the newest trashHolds deleted notes: a larger
      // delete pushed its first notes out, and they are made anew.
      if (!inBatch && op.ops.length <= trashHolds && op.ops.every((o) => o.kind === "delete")) {
        const ops = op.ops.filter((o) => before.notes.has(o.id)).map((o) => ({ kind: "undelete", id: o.id }));
        return ops.length ? { kind: "each", ops } : null;
      }
      const inv = [];
      let b = cloneBoard(before);
      for (const sub of op.ops) {
        const i = inverse(b, sub, me, true);
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
 * Undoing a delete brings the note back from the board's trash under its
 * own id. Where it cannot (a delete within a batch of other changes) the
 * note is made anew: a deleted id cannot be created again (the server
 * keeps tombstones), so it gets a new one, and the stack remembers the new
 * id for later undos and redos. */
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

  /** undo returns the op to send (or null), given the current view. may,
   * given that op, says whether it may be sent now (the board's lock and
   * moderation): when not, both stacks and the ids stay as they were, so
   * the step can be tried again. */
  undo(view, may) {
    return this.step(this.undos, this.redos, "inv", view, may);
  }

  redo(view, may) {
    return this.step(this.redos, this.undos, "op", view, may);
  }

  // step moves the top entry of from to to, and returns its side resolved.
  // An entry that resolves to nothing (its notes are gone) is dropped.
  step(from, to, side, view, may = () => true) {
    const e = from.at(-1);
    if (!e) return null;
    const fresh = new Map();
    const op = this.resolve(e[side], view, fresh);
    if (op && !may(op)) return null;
    from.pop();
    if (!op) return null;
    to.push(e);
    for (const [old, id] of fresh) this.alias.set(old, id);
    return op;
  }

  /** forget takes the entry of op (the very object recorded) off the
   * stacks: an edit the server refused is not there to undo. */
  forget(op) {
    this.undos = this.undos.filter((e) => e.op !== op);
    this.redos = this.redos.filter((e) => e.op !== op);
  }

  /** resolve rewrites ids to where the notes live now, recreates deleted
   * notes under fresh ids (noted in aliases, old id to new), and drops
   * parts that name notes that are gone: undoing a move of a note someone
   * else deleted does nothing. */
  resolve(op, view, aliases = this.alias) {
    const id = (x) => {
      while (aliases.has(x) || this.alias.has(x)) x = aliases.get(x) ?? this.alias.get(x);
      return x;
    };
    const one = (o) => {
      switch (o.kind) {
        case "create": {
          const fresh = this.newId();
          aliases.set(o.note.id, fresh);
          return { kind: "create", note: { ...o.note, id: fresh } };
        }
        case "update":
        case "delete": {
          const i = id(o.id);
          if (!view.notes.has(i)) return null;
          if (o.set?.stack) {
            const head = id(o.set.stack);
            if (!view.notes.has(head)) return null; // the stack it was on is gone
            return { ...o, id: i, set: { ...o.set, stack: head } };
          }
          return { ...o, id: i };
        }
        case "rename":
          return o;
        case "undelete": {
          const i = id(o.id);
          if (view.notes.has(i)) return null; // back already
          return { ...o, id: i };
        }
      }
      return null;
    };
    if (op.kind === "batch" || op.kind === "each") {
      const ops = op.ops.map(one).filter(Boolean);
      return ops.length ? { kind: op.kind, ops } : null;
    }
    return one(op);
  }
}

// Stacks (board/stacks.go): a note names the head of its stack; stacks
// do not nest; deleting a head passes the stack to its topmost note, in
// the head's place.

/** stackOf returns the notes of the stack headed by head, topmost first
 * (by z, then id), without the head (Board.StackOf). */
export function stackOf(board, head) {
  const members = [];
  for (const n of board.notes.values()) if (n.stack === head) members.push(n);
  return members.sort((p, q) => q.z - p.z || (p.id < q.id ? -1 : p.id > q.id ? 1 : 0));
}

// checkStack mirrors Board.checkStack for what a page can judge: the
// server has the last word.
function checkStack(board, note, head) {
  if (head === note.stack) return "";
  if (head === note.id) return "invalid";
  if (note.pending) return "conflict";
  const h = board.notes.get(head);
  if (!h) return "not_found";
  if (h.pending || h.stack) return "conflict";
  for (const n of board.notes.values()) if (n.stack === note.id) return "conflict";
  return "";
}

function passStack(board, old) {
  const members = stackOf(board, old.id);
  members.forEach((m, i) => {
    const n = { ...m };
    if (i === 0) {
      delete n.stack;
      n.x = old.x;
      n.y = old.y;
    } else {
      n.stack = members[0].id;
    }
    board.notes.set(n.id, n);
  });
}

// applyNamesSetting mirrors Board.applyNamesSetting (board/anonymity.go): names shown again come
// with the operation; a board that keeps no names forgets them; a page
// that may no longer see others' names drops them, keeping its own notes
// its own (stamp.self is this person's participant id, stamp.selfStaff
// whether they facilitate).
function applyNamesSetting(board, op, old, stamp) {
  const setAuthor = (id, f) => {
    const n = board.notes.get(id);
    if (n) {
      board.notes.set(id, f({ ...n }));
      return;
    }
    for (const [nid, note] of board.notes) {
      const i = note.comments?.findIndex((c) => c.id === id) ?? -1;
      if (i < 0) continue;
      const comments = [...note.comments];
      comments[i] = f({ ...comments[i] });
      board.notes.set(nid, { ...note, comments });
      return;
    }
  };
  const fill = (a) => (x) => {
    x.author = a.name ?? "";
    if (a.id) x.authorId = a.id;
    else delete x.authorId;
    return x;
  };
  for (const [id, a] of Object.entries(op.authors || {})) setAuthor(id, fill(a));
  const names = op.moderation?.names ?? "";
  const forget = names === "none";
  const shown = names === "" || (names === "staff" && stamp.selfStaff);
  const hide = !!stamp.replica && !shown && old !== names;
  if (!forget && !hide) return;
  const clear = (x) => {
    if (hide && x.authorId !== stamp.self) {
      x.author = "";
      delete x.authorId;
    } else if (forget) {
      x.author = "";
    }
    return x;
  };
  for (const [id, n] of [...board.notes]) {
    board.notes.set(id, clear({ ...n }));
    const note = board.notes.get(id);
    if (note.comments?.length) board.notes.set(id, { ...note, comments: note.comments.map((c) => clear({ ...c })) });
  }
}

/** namesFor reports whether the board shows names to a facilitator
 * (staff) or anyone else (Moderation.NamesFor). */
export function namesFor(board, staff) {
  const names = board.moderation?.names ?? "";
  return names === "" || (names === "staff" && !!staff);
}

function namesOnlyOf(n, self) {
  const strip = (x) => {
    if (x.authorId === self) return x;
    const y = { ...x, author: "" };
    delete y.authorId;
    return y;
  };
  const out = strip(n);
  if (n.comments?.length) out.comments = n.comments.map(strip);
  return out;
}
