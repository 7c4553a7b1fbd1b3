// conversation.js: how a board's reactions, comments and columns change,
// in the browser. Pure logic, no DOM: state.js's applyOp calls it, and it
// mirrors board/reactions.go, board/comments.go and board/columns.go on a
// client's copy of a board (what the server sends this person), so every
// page holds the board the server shows it. assets/conversation.test.mjs
// runs the messages the server's own code sends (testdata/conversation.json,
// written by conversation_test.go) through it.

/** reactionNames are board.Reactions, in the order the page shows them. */
export const reactionNames = ["like", "love", "idea", "question"];

/** reactionEmoji is how the page shows each reaction. */
export const reactionEmoji = { like: "👍", love: "❤️", idea: "💡", question: "❓" };

/** columnWidth is board.ColumnWidth: the width of one lane, in board units. */
export const columnWidth = 480;

/** maxColumns is board.MaxColumns. */
export const maxColumns = 20;

/** maxComments is board.MaxComments: comments one note holds. */
export const maxComments = 100;

/** conversationKinds are the operations of this module: never undone
 * (a comment's id cannot come back, and a reaction is taken back with
 * unreact). */
export const conversationKinds = new Set([
  "react", "unreact", "comment", "uncomment", "column-add", "column-set", "column-move", "column-delete",
]);

/** applyConversation applies one of conversationKinds to board in place,
 * returning Apply's error code or "" (the board unchanged on error). */
export function applyConversation(board, op, stamp = {}) {
  switch (op.kind) {
    case "react":
    case "unreact":
      return react(board, op, stamp);
    case "comment":
    case "uncomment":
      return comment(board, op, stamp);
  }
  return column(board, op);
}

// --- Reactions -----------------------------------------------------------

// react applies react and unreact as Board.react does on a client: the
// sender's own copy has their participant id and changes what they gave;
// everyone else's copy only counts, and while reactions are hidden it has
// no note and changes nothing.
function react(board, op, stamp) {
  if (board.moderation?.reactions === "off") return "forbidden";
  if (op.withheld && !op.id) return "";
  const n = board.notes.get(op.id);
  if (!n) return "not_found";
  if (n.pending) return "conflict"; // a note waiting for approval takes no reactions (permitWaiting)
  const up = op.kind === "react";
  if (stamp.authorId) {
    const mine = board.reacted?.[stamp.authorId]?.[op.id] ?? [];
    const has = mine.includes(op.reaction);
    if (up && has) return "conflict";
    if (!up && !has) return "conflict";
    const next = up ? [...mine, op.reaction].sort() : mine.filter((r) => r !== op.reaction);
    const notes = { ...board.reacted?.[stamp.authorId] };
    if (next.length) notes[op.id] = next;
    else delete notes[op.id];
    const reacted = { ...board.reacted };
    if (Object.keys(notes).length) reacted[stamp.authorId] = notes;
    else delete reacted[stamp.authorId];
    board.reacted = Object.keys(reacted).length ? reacted : null;
  }
  const counts = { ...n.reactions };
  if (up) counts[op.reaction] = (counts[op.reaction] ?? 0) + 1;
  else if (--counts[op.reaction] <= 0 || Number.isNaN(counts[op.reaction])) delete counts[op.reaction];
  board.notes.set(op.id, withReactions(n, counts));
  return "";
}

// withReactions returns note n with those counts; none is no field, as in
// the server's JSON.
function withReactions(n, counts) {
  const m = { ...n };
  if (counts && Object.keys(counts).length) m.reactions = counts;
  else delete m.reactions;
  return m;
}

/** dropReactions takes a deleted note off this person's reactions. */
export function dropReactions(board, id) {
  if (!board.reacted) return;
  let reacted = null;
  for (const [p, notes] of Object.entries(board.reacted)) {
    if (!notes[id]) continue;
    reacted ??= { ...board.reacted };
    const next = { ...notes };
    delete next[id];
    if (Object.keys(next).length) reacted[p] = next;
    else delete reacted[p];
  }
  if (reacted) board.reacted = Object.keys(reacted).length ? reacted : null;
}

/** moderateReactions follows a moderate operation's change of the
 * reactions mode (applyModeration in board/moderation.go): shown again,
 * every note takes the counts the operation carries (a note not named has
 * none); hidden, every note shows only this person's own. wasHidden is
 * the mode before the operation. */
export function moderateReactions(board, op, wasHidden) {
  const hidden = board.moderation?.reactions === "hidden";
  if (wasHidden && !hidden && !op.counts) {
    // The facilitator's own moderate, shown before the server fills in
    // the counts: the notes keep what they show until the echo brings
    // them, rather than all going blank meanwhile. The server's copy
    // leaves counts out only when no note has any reaction, and then
    // this person has none of their own to show either.
    return;
  }
  if (op.counts) {
    for (const [id, n] of board.notes) {
      const counts = op.counts?.[id];
      if (counts || n.reactions) board.notes.set(id, withReactions(n, counts ? { ...counts } : null));
    }
  } else if (!wasHidden && hidden) {
    // A client holds only its own person's reactions.
    const mine = Object.values(board.reacted ?? {})[0] ?? {};
    for (const [id, n] of board.notes) {
      const own = Object.fromEntries((mine[id] ?? []).map((r) => [r, 1]));
      if (Object.keys(own).length || n.reactions) board.notes.set(id, withReactions(n, own));
    }
  }
}

// --- Comments ------------------------------------------------------------

// comment applies comment and uncomment (Board.applyComment).
function comment(board, op, stamp) {
  const n = board.notes.get(op.id);
  if (!n) return "not_found";
  const cs = n.comments ?? [];
  if (op.kind === "comment") {
    if (n.pending) return "conflict"; // a note waiting for approval takes no comments
    if (findComment(board, op.comment.id).note) return "conflict";
    if (cs.length >= maxComments) return "too_large";
    const c = { id: op.comment.id, text: op.comment.text ?? "", author: stamp.author ?? "" };
    if (stamp.authorId) c.authorId = stamp.authorId;
    c.at = stamp.at || new Date().toISOString();
    if (board.private) c.private = true;
    if (board.moderation?.approval && !(!stamp.role || stamp.role === "facilitate")) c.pending = true;
    board.notes.set(n.id, { ...n, comments: insertComment(cs, c) });
    return "";
  }
  const i = cs.findIndex((c) => c.id === op.comment.id);
  if (i < 0) return "not_found";
  const facilitator = !stamp.role || stamp.role === "facilitate";
  if (!facilitator && (!cs[i].authorId || cs[i].authorId !== stamp.authorId)) return "forbidden";
  board.notes.set(n.id, withComments(n, cs.filter((_, j) => j !== i)));
  return "";
}

function withComments(n, cs) {
  const m = { ...n, comments: cs };
  if (!cs.length) delete m.comments;
  return m;
}

/** compareComments orders comments as the server does: by time, then id. */
export function compareComments(a, b) {
  const p = parseTime(a.at), q = parseTime(b.at);
  return p.sec - q.sec || p.ns - q.ns || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** parseTime returns an RFC 3339 time (the server's) as {sec, ns}: whole
 * seconds since 1970 and the nanoseconds past them. A Date keeps only
 * milliseconds, and two comments a microsecond apart must keep their
 * order. (Here rather than in state.js, which imports this module.) */
export function parseTime(s) {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i.exec(s || "");
  if (!m) return { sec: Math.floor(Date.parse(s) / 1000) || 0, ns: 0 };
  return { sec: Date.parse(m[1] + m[3]) / 1000, ns: Number((m[2] || "").slice(0, 9).padEnd(9, "0")) };
}

// insertComment returns cs with c in its place (insertComment in
// board/comments.go), so a comment given later by an approval sits where
// everyone else has it.
function insertComment(cs, c) {
  let i = 0;
  while (i < cs.length && compareComments(cs[i], c) < 0) i++;
  return [...cs.slice(0, i), c, ...cs.slice(i)];
}

/** findComment returns {note, index} of the comment with that id, or {}. */
export function findComment(board, id) {
  for (const n of board.notes.values()) {
    const i = n.comments?.findIndex((c) => c.id === id) ?? -1;
    if (i >= 0) return { note: n, index: i };
  }
  return {};
}

/** waitingComment reports whether id is a comment waiting for approval:
 * "" if it is, "conflict" if it is one that is not waiting, "not_found"
 * if there is no such comment (checkWaiting in board/comments.go). */
export function waitingComment(board, id) {
  const { note, index } = findComment(board, id);
  if (!note) return "not_found";
  return note.comments[index].pending ? "" : "conflict";
}

/** approveComments lets the comments an approve names show: those this
 * person has stop waiting, those they were not shown are put in their
 * place. With all (an approve of everything, as a facilitator's page
 * applies its own before the server fills it in) every waiting comment
 * shows. */
export function approveComments(board, approvedComments = [], all = false) {
  for (const a of approvedComments) {
    const n = board.notes.get(a.note);
    if (!n) continue; // a note this person was not shown either
    const cs = n.comments ?? [];
    const i = cs.findIndex((c) => c.id === a.comment.id);
    if (i >= 0) {
      if (cs[i].pending) board.notes.set(n.id, { ...n, comments: cs.map((c, j) => (j === i ? withoutWaiting(c) : c)) });
    } else {
      board.notes.set(n.id, { ...n, comments: insertComment(cs, withoutWaiting(a.comment)) });
    }
  }
  if (!all) return;
  for (const [id, n] of board.notes) {
    if (n.comments?.some((c) => c.pending)) board.notes.set(id, { ...n, comments: n.comments.map(withoutWaiting) });
  }
}

/** withoutWaiting returns a note or comment that no longer waits for
 * approval: without its mark and the masked text only the server keeps. */
export function withoutWaiting(c) {
  const m = { ...c };
  delete m.pending;
  delete m.shown;
  delete m.shownBy;
  return m;
}

/** rejectComment deletes the comment id, if this person has it. */
export function rejectComment(board, id) {
  const { note, index } = findComment(board, id);
  if (note) board.notes.set(note.id, withComments(note, note.comments.filter((_, j) => j !== index)));
}

/** revealComments returns a note's comments after a reveal: none private,
 * and those whose text was withheld from this person with the text the
 * operation carries (an author keeps their own). */
export function revealComments(cs, texts = {}) {
  return cs.map((c) => {
    if (!c.private) return c;
    const m = { ...c };
    delete m.private;
    if (Object.hasOwn(texts, c.id) && c.text === "") m.text = texts[c.id];
    return m;
  });
}

/** commentToJSON writes a comment with its fields in the server's order. */
export function commentToJSON(c) {
  const j = { id: c.id, text: c.text, author: c.author ?? "" };
  if (c.authorId) j.authorId = c.authorId;
  j.at = c.at;
  if (c.private) j.private = true;
  if (c.pending) j.pending = true;
  return j;
}

// --- Columns -------------------------------------------------------------

/** columnOf returns the index of the lane note n lies in (its middle), or
 * -1 for none (Board.ColumnOf). */
export function columnOf(board, n) {
  const cols = board.columns ?? [];
  if (!cols.length) return -1;
  const mid = n.x + n.w / 2;
  const i = Math.floor(mid / columnWidth);
  return mid < 0 || i >= cols.length ? -1 : i;
}

// column applies the column operations (applyColumn in board/columns.go).
function column(board, op) {
  const cols = board.columns ?? [];
  const at = (id) => cols.findIndex((c) => c.id === id);
  switch (op.kind) {
    case "column-add":
      if (cols.length >= maxColumns) return "too_large";
      if (at(op.column.id) >= 0) return "conflict";
      board.columns = [...cols, { id: op.column.id, name: op.column.name ?? "" }];
      return "";
    case "column-set": {
      const i = at(op.column.id);
      if (i < 0) return "not_found";
      board.columns = cols.map((c, j) => (j === i ? { id: op.column.id, name: op.column.name ?? "" } : c));
      return "";
    }
    case "column-delete": {
      const i = at(op.id);
      if (i < 0) return "not_found";
      for (const n of board.notes.values()) if (columnOf(board, n) === i) return "conflict";
      // The lanes to its right take one step left, with their notes.
      shiftNotes(board, (c) => (c > i ? -1 : 0));
      board.columns = cols.filter((_, j) => j !== i);
      return "";
    }
    case "column-move": {
      const i = at(op.id);
      if (i < 0) return "not_found";
      if (op.index >= cols.length) return "invalid";
      const order = cols.filter((_, j) => j !== i);
      order.splice(op.index, 0, cols[i]);
      const moves = new Map(order.map((c, to) => [at(c.id), to])); // old lane -> new lane
      shiftNotes(board, (c) => moves.get(c) - c);
      board.columns = order;
      return "";
    }
  }
  return "invalid";
}

// shiftNotes moves every note in a lane by lanes(lane) lanes, judged on
// the columns as they are before the change.
function shiftNotes(board, lanes) {
  for (const [id, n] of board.notes) {
    const c = columnOf(board, n);
    const d = c >= 0 ? lanes(c) : 0;
    if (d) board.notes.set(id, { ...n, x: n.x + d * columnWidth });
  }
}
