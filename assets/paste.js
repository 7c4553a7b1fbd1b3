// paste.js: "Paste a list", for editors and the facilitator: one new note
// for every line typed or pasted into a dialog, laid out in a grid in free
// space on screen (actions.placeNotesInView). The list is checked against
// the board's limits before anything is sent, with a message naming the
// line at fault, and goes out through app.edit, the one path every change
// takes, in batches the server takes (at most maxBatchOps operations and
// maxMessageBytes a message), each one step to undo. The lines are read as
// board/export.NotesFromLines reads them on the server; the functions above
// attachPaste need no page and are tested in node (paste.test.mjs).

import { newId } from "./socket.js";
import { topZ } from "./state.js";
import { format } from "./render.js";

const utf8 = new TextEncoder();
const bytes = (s) => (s ? utf8.encode(s).length : 0);
const runeCount = (s) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** noteOverhead is what a note counts against maxBoardBytes besides its
 * text, author and author id (noteOverhead in board/board.go). */
const noteOverhead = 256;

// Control characters have no business on a note and the server refuses
// them; a list copied out of a PDF or a terminal can carry some, invisible
// to the person pasting, so they go. Tabs and line breaks inside a cell stay.
const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** listItems returns the notes of a pasted list, [{line, text}]: one for
 * every line with words on it, trimmed, without a leading bullet ("- ",
 * "* ", "• "); line is where it starts in the text, counting from 1. Text
 * that reads as one column of CSV (what a spreadsheet copies when a cell
 * holds quotes or line breaks) gives its cells, without their quotes, a
 * cell on several lines being one note; any other text is plain lines, its
 * quotes kept. */
export function listItems(text) {
  text = text.replace(/^\ufeff/, "").replace(/\r\n?/g, "\n");
  const cells = csvColumn(text) ?? text.split("\n").map((s, i) => ({ line: i + 1, text: s }));
  const out = [];
  for (const cell of cells) {
    let s = cell.text.replace(controls, "").trim();
    if (/^[-*•](?:[ \t]|$)/.test(s)) s = s.slice(1).trim();
    if (s) out.push({ line: cell.line, text: s.toWellFormed?.() ?? s });
  }
  return out;
}

// csvColumn reads text as one column of CSV, as Go's encoding/csv does with
// one field a record: empty lines skipped, a quoted cell may hold line
// breaks and "" for a quote. It returns null for text that is not that (a
// comma outside quotes, a quote inside an unquoted cell, an unclosed quote),
// and for text without quotes, which plain lines read the same.
function csvColumn(text) {
  if (!text.includes('"')) return null;
  const cells = [];
  let i = 0, line = 1;
  while (i < text.length) {
    if (text[i] === "\n") {
      i++;
      line++;
      continue;
    }
    const start = line;
    if (text[i] !== '"') {
      let end = text.indexOf("\n", i);
      if (end < 0) end = text.length;
      const cell = text.slice(i, end);
      if (cell.includes('"') || cell.includes(",")) return null;
      cells.push({ line: start, text: cell });
      i = end;
      continue;
    }
    const parts = [];
    i++;
    for (;;) {
      const q = text.indexOf('"', i);
      if (q < 0) return null;
      const part = text.slice(i, q);
      for (const c of part) if (c === "\n") line++;
      parts.push(part);
      if (text[q + 1] === '"') {
        parts.push('"');
        i = q + 2;
        continue;
      }
      i = q + 1;
      break;
    }
    if (i < text.length && text[i] !== "\n") return null;
    cells.push({ line: start, text: parts.join("") });
  }
  return cells;
}

/** checkList says what keeps items from going onto board (a view of the
 * state: its title and notes) within limits, or returns null when nothing
 * does: {key, vars} of the message to show. author and authorId are the
 * person adding them, which count against the board's size too. */
export function checkList(items, board, limits, { author = "", authorId = "" } = {}) {
  if (!items.length) return { key: "paste.empty", vars: {} };
  for (const it of items) {
    const n = runeCount(it.text);
    if (n > limits.maxTextRunes) return { key: "paste.tooLong", vars: { line: it.line, n, max: limits.maxTextRunes } };
  }
  const room = Math.max(0, limits.maxNotes - board.notes.size);
  if (room === 0) return { key: "paste.full", vars: { max: limits.maxNotes } };
  if (items.length > room) return { key: "paste.tooMany", vars: { n: items.length, room } };
  let size = bytes(board.title);
  for (const n of board.notes.values()) size += noteOverhead + bytes(n.text) + bytes(n.author) + bytes(n.authorId);
  const each = noteOverhead + bytes(author) + bytes(authorId);
  for (const it of items) size += each + bytes(it.text);
  if (size > limits.maxBoardBytes) return { key: "paste.tooBig", vars: {} };
  return null;
}

/** batches groups ops into the operations to send: batches of at most
 * maxOps operations whose message ({"type":"op","seq":…,"op":…}) takes at
 * most maxBytes in UTF-8, and a single operation as itself. measure, if
 * given, is what an operation counts instead of its own JSON's bytes (a
 * restore counts its undo too). */
export function batches(ops, maxOps, maxBytes, measure = (op) => bytes(JSON.stringify(op))) {
  const envelope = bytes(JSON.stringify({ type: "op", seq: Number.MAX_SAFE_INTEGER, op: { kind: "batch", ops: [] } }));
  const out = [];
  let group = [], size = envelope;
  for (const op of ops) {
    const b = measure(op) + 1; // and its comma
    if (group.length && (group.length >= maxOps || (maxBytes > 0 && size + b > maxBytes))) {
      out.push(group);
      group = [];
      size = envelope;
    }
    group.push(op);
    size += b;
  }
  if (group.length) out.push(group);
  return out.map((g) => (g.length === 1 ? g[0] : { kind: "batch", ops: g }));
}

/** attachPaste wires the ⋯ menu's "Paste a list" and its dialog; a view
 * link's page has neither. */
export function attachPaste(app, actions) {
  const $ = (id) => document.getElementById(id);
  const dialog = $("paste-dialog");
  if (!dialog) return;
  const t = app.t;
  const text = $("paste-text"), error = $("paste-error"), add = $("paste-add");
  // Made when first needed: the first Intl formatter of a page costs tens
  // of milliseconds (its locale data), on every phone opening the board.
  let number = null;
  const fill = (key, vars) => format(t[key], Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === "number" ? (number ??= new Intl.NumberFormat(app.cfg.lang || undefined)).format(v) : v])));

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
    if (message) text.setAttribute("aria-invalid", "true");
    else text.removeAttribute("aria-invalid");
  }

  // The button says how many notes it adds, counted once a frame at most
  // while a long list is typed or pasted.
  let counting = false;
  function count() {
    if (counting) return;
    counting = true;
    requestAnimationFrame(() => {
      counting = false;
      const n = listItems(text.value).length;
      add.textContent = n === 0 ? t["paste.add"] : n === 1 ? t["paste.addOne"] : fill("paste.addMany", { n });
    });
  }

  $("paste-open").addEventListener("click", () => {
    showError("");
    count();
    dialog.showModal();
    text.focus();
  });
  for (const id of ["paste-close", "paste-cancel"]) $(id).addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => $("more")?.focus()); // the menu entry is hidden by now
  text.addEventListener("input", () => {
    if (!error.hidden) showError("");
    count();
  });
  text.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      $("paste-form").requestSubmit();
    }
  });
  $("paste-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const problem = paste(text.value);
    if (problem) {
      showError(problem.message);
      text.focus();
      if (problem.line) selectLine(problem.line);
      return;
    }
    text.value = "";
    count();
    dialog.close();
  });

  // selectLine selects line n (from 1) of the list, so that the line a
  // message names is the one in sight.
  function selectLine(n) {
    const lines = text.value.split("\n");
    const start = lines.slice(0, n - 1).reduce((sum, l) => sum + l.length + 1, 0);
    text.setSelectionRange(start, start + (lines[n - 1]?.length ?? 0));
  }

  // paste adds the list's notes, or returns what keeps it from doing so:
  // {message, line} (line 0 for the whole list).
  function paste(value) {
    const board = app.state.view();
    // While a lesson locks the board only its facilitator changes it; said
    // here, since the page's own word for it would show behind the dialog.
    if (board.locked && app.role !== "facilitate") return { message: t["lesson.lockedRefused"], line: 0 };
    // So while the board is closed to new notes: the list stays, and why
    // shows in the dialog (app.edit would refuse every note of it).
    if (board.moderation?.closed && app.role !== "facilitate") return { message: t["moderation.closedRefused"], line: 0 };
    const items = listItems(value);
    const problem = checkList(items, board, app.limits, { author: app.name, authorId: app.participant });
    if (problem) return { message: fill(problem.key, problem.vars), line: problem.vars.line || 0 };
    const places = actions.placeNotesInView(items.length);
    const top = topZ(board);
    const ops = items.map((it, i) => ({
      kind: "create",
      note: { id: newId(), x: places[i].x, y: places[i].y, text: it.text, z: Math.min(top + 1 + i, app.limits.maxZ) },
    }));
    const added = []; // only notes that were sent are selected
    for (const op of batches(ops, app.limits.maxBatchOps, app.limits.maxMessageBytes)) {
      if (!app.edit(op)) break;
      for (const c of op.kind === "batch" ? op.ops : [op]) added.push(c.note.id);
    }
    actions.select(added);
    return null;
  }
}
