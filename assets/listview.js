// listview.js: the board as a list. Every note is a row, in reading order
// (column by column when the board has columns, then top to bottom and
// left to right), or by votes, most first, so after a round the winners
// read from the top. A row says in words what the canvas shows (the
// text, the colour by name, who wrote it, the votes, reactions and
// comments, whether it waits for approval or is private), and has each
// thing a person may do to the note as a button named with the note.
//
// The list is another way to see the same board: its buttons call the
// same actions as the canvas (actions.js, lesson.js's votes, reactions.js,
// moderation.js, comments.js), so undo, the lock, the moderation and the
// server's rules hold exactly as there; it only hides what this person's
// role may not use. It is drawn from the same state after every change,
// and updates rows in place, keyed by note id: a row being typed in, or
// the button with the focus, stays as it is while others edit.
//
// The choice of view is kept in this browser, and ?view=list in the
// address opens the list whatever was chosen (?view=canvas the canvas).

import { columnOf, reactionEmoji, reactionNames } from "./conversation.js";
import { format } from "./render.js";
import { headOf, noteName, votingOf } from "./stacks.js";

const viewKey = "corkboard:view";
const sortKey = "corkboard:list-sort";
// A note whose top lies less than half a note's height below the tops of a
// row (their mean) reads as part of it: a board laid out by hand is never
// quite straight.
const sameRow = 0.5;

// --- Order: pure, tested in listview.test.mjs -------------------------------

/** readingOrder returns the notes of view as the list shows them in
 * reading order: entries {note, column, children}, where column is the
 * index of the note's column (-1 for none; columns first, in their order,
 * then the notes in no column) and children are the other notes of the
 * stack it heads (stacks.js), topmost first as the stack shows them.
 * Within a column, notes read row by row, each row left to right. */
export function readingOrder(view) {
  const notes = [...view.notes.values()];
  const children = new Map(); // head id -> notes stacked on it
  const heads = [];
  for (const n of notes) {
    const head = headOf(view, n);
    if (head) {
      if (!children.has(head)) children.set(head, []);
      children.get(head).push(n);
    } else heads.push(n);
  }
  const groups = new Map(); // column index -> notes
  for (const n of heads) {
    const c = columnOf(view, n);
    if (!groups.has(c)) groups.set(c, []);
    groups.get(c).push(n);
  }
  const order = [...groups.keys()].sort((a, b) => (a < 0) - (b < 0) || a - b);
  const out = [];
  for (const c of order) {
    for (const n of byRows(groups.get(c))) out.push({ note: n, column: c, children: (children.get(n.id) ?? []).sort(topmost) });
  }
  return out;
}

// topmost orders a stack's notes as state.js's stackOf does.
const topmost = (p, q) => q.z - p.z || cmpId(p, q);

/** byRows returns notes in reading order: rows top to bottom, each left
 * to right. A note joins the row above when its top is within half a
 * note (the shortest's height) of that row's tops, on average. */
export function byRows(notes) {
  const sorted = [...notes].sort((a, b) => a.y - b.y || a.x - b.x || cmpId(a, b));
  const out = [];
  let row = [], tops = 0, minH = 0;
  const flush = () => {
    row.sort((a, b) => a.x - b.x || a.y - b.y || cmpId(a, b));
    out.push(...row);
    row = [];
  };
  for (const n of sorted) {
    if (row.length && n.y - tops / row.length < sameRow * Math.min(minH, n.h)) {
      row.push(n);
      tops += n.y;
      minH = Math.min(minH, n.h);
      continue;
    }
    flush();
    row = [n];
    tops = n.y;
    minH = n.h;
  }
  flush();
  return out;
}

const cmpId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** entryVotes is what an entry counts when sorted by votes: its note's
 * votes and those of the notes stacked on it, since a stack gathers one
 * idea. */
export function entryVotes(e) {
  let v = e.note.votes || 0;
  for (const c of e.children) v += c.votes || 0;
  return v;
}

/** listOrder returns the entries of view in the order chosen: "reading"
 * (readingOrder), or "votes": most first, equal counts in reading order. */
export function listOrder(view, sortBy = "reading") {
  const entries = readingOrder(view);
  if (sortBy !== "votes") return entries;
  return entries.map((e, i) => ({ e, i, v: entryVotes(e) })).sort((a, b) => b.v - a.v || a.i - b.i).map((x) => x.e);
}

// --- The list in the page -------------------------------------------------

/** attachList wires the list view: the toggle in the top bar, the list
 * and its sort choice. actions are actions.js's. It returns what board.js
 * and others call: render(view) after every draw, active() whether the
 * list shows, editNote(id) to type into a note's row (a note just added),
 * focusNote(id) to put the focus on a note's row (the comments panel
 * closing), and accepted(seq) and refused(m) for the texts sent from a
 * row's editor. */
export function attachList(app, { actions }) {
  const t = app.t;
  const $ = (id) => document.getElementById(id);
  const section = $("list-view");
  const listEl = $("list-notes");
  const toggle = $("list-toggle");
  // A phone's top bar has room for the toggle only in the list, where
  // the zoom buttons go: on the canvas it is in the ⋯ menu (list-menu).
  const menuToggle = $("list-menu");
  if (!section || !listEl || !toggle) return null;
  const facilitator = app.role === "facilitate";
  const palette = app.cfg.palette ?? [];
  const fill = (key, vars) => format(t[key] ?? key, vars);
  const rows = new Map(); // note id -> row
  let active = false;
  let sortBy = localStorage.getItem(sortKey) === "votes" ? "votes" : "reading";
  let drawn = null; // what the last draw drew from, to skip a draw that changes nothing
  let editing = null; // the row's editor: {id, row, ta, why, waiting}
  const waiting = new Map(); // seq -> {id, op, before}: texts sent under the refusing filter
  let openPicker = null; // the row whose colour or column picker is open: {row, kind}

  // --- Which view -----------------------------------------------------------

  function setActive(on) {
    if (on === active) return;
    if (on) {
      actions.stopEditing(); // what is typed on the canvas is sent, and its editor closed
      actions.select([]);
    } else if (editing) {
      // Typed but not saved: sent, as the canvas sends what is typed
      // when its editor closes; a refusal then says why in the toast.
      stopEditing(true);
      closeEditor(false);
    }
    active = on;
    document.body.classList.toggle("list-mode", on);
    section.hidden = !on;
    toggle.setAttribute("aria-pressed", String(on));
    menuToggle?.setAttribute("aria-pressed", String(on));
    // The language switch leads to this page in the other language, in
    // the same view.
    for (const a of document.querySelectorAll(".lang-switch a[href]")) {
      const url = new URL(a.href);
      if (on) url.searchParams.set("view", "list");
      else url.searchParams.delete("view");
      a.href = url.pathname + url.search;
    }
    drawn = null;
    if (on) render(app.view());
    app.render();
  }

  function choose(on) {
    localStorage.setItem(viewKey, on ? "list" : "canvas");
    // The address says the view too, so a link copied from here opens it.
    const url = new URL(location.href);
    if (on) url.searchParams.set("view", "list");
    else url.searchParams.delete("view");
    history.replaceState(history.state, "", url);
    setActive(on);
  }
  toggle.addEventListener("click", () => choose(!active));
  menuToggle?.addEventListener("click", () => {
    choose(!active);
    // The menu closes: the focus goes to the toggle, if the bar shows it.
    (toggle.checkVisibility() ? toggle : $("more"))?.focus();
  });

  // --- The sort choice ------------------------------------------------------

  for (const r of section.querySelectorAll('input[name="list-sort"]')) {
    r.checked = r.value === sortBy;
    r.addEventListener("change", () => {
      if (!r.checked) return;
      sortBy = r.value === "votes" ? "votes" : "reading";
      localStorage.setItem(sortKey, sortBy);
      drawn = null;
      render(app.view());
      say(t[sortBy === "votes" ? "list.sortedVotes" : "list.sortedReading"]);
    });
  }

  // The board's keys (N, F, arrows, Delete, +, -) act on the canvas and
  // its selection, which the list hides: here only the shortcuts with
  // Ctrl or Cmd (undo, redo) go on to the page.
  section.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && openPicker) {
      e.preventDefault();
      const { row, kind } = openPicker;
      closePicker();
      row.btn[kind].focus();
    }
    // The arrows, Home and End walk an open picker's choices.
    const choices = openPicker?.row.picker.contains(document.activeElement) ? [...openPicker.row.picker.querySelectorAll("button")] : null;
    if (choices) {
      const i = choices.indexOf(document.activeElement);
      const to = { ArrowDown: i + 1, ArrowRight: i + 1, ArrowUp: i - 1, ArrowLeft: i - 1, Home: 0, End: choices.length - 1 }[e.key];
      if (to !== undefined) {
        e.preventDefault();
        choices[(to + choices.length) % choices.length].focus();
      }
    }
    if (!e.ctrlKey && !e.metaKey) e.stopPropagation();
  });

  // say tells a screen reader what just happened, politely (board.js's
  // live region).
  const say = (text) => app.say?.(text);

  // --- Drawing --------------------------------------------------------------

  /** context is what every row of one view depends on besides its note,
   * as the flags rows are drawn from and a key that changes with them. */
  function context(view) {
    const m = view.moderation;
    const c = {
      ...votingOf(app, view),
      canEdit: app.canEdit,
      // The lock stops writing, not voting, and never the facilitator.
      writes: app.canEdit && (facilitator || !view.locked),
      ownOnly: !!m?.ownNotes && !facilitator,
      reactions: m?.reactions || "",
      columns: (view.columns ?? []).map((col, i) => col.name || fill("columns.untitled", { n: i + 1 })),
    };
    c.key = JSON.stringify([c.me, c.writes, c.ownOnly, c.reactions, c.voting, c.voter, c.used, c.columns, app.ui.editing, sortBy]);
    return c;
  }

  function render(view) {
    if (!active) return;
    const editors = [...app.ui.remoteEditors].map(([id, p]) => id + ":" + (p.name || "?")).join();
    const key = [view, view.version, view.notes.size, app.participant, editors, sortBy, editing?.id];
    if (drawn && key.every((k, i) => k === drawn[i])) return;
    drawn = key;
    const c = context(view);
    const entries = listOrder(view, sortBy);
    const focused = document.activeElement;
    const focusedRow = rowOf(focused);
    const focusedAt = focusedRow ? indexIn(listEl, focusedRow) : -1;

    const seen = new Set();
    const place = (container, list, nested) => {
      let prev = null, lastColumn = null;
      for (const e of list) {
        const n = e.note ?? e;
        seen.add(n.id);
        let row = rows.get(n.id);
        if (!row) {
          row = makeRow(n.id);
          rows.set(n.id, row);
        }
        drawRow(row, n, view, c, nested ? 0 : e.children.length, nested, nested ? 0 : entryVotes(e));
        // A column's first note says which column begins, as a heading a
        // screen reader can jump between (reading order only).
        const column = nested || sortBy !== "reading" || !c.columns.length ? null : e.column;
        const head = column !== null && column !== lastColumn ? (column >= 0 ? c.columns[column] : t["list.noColumn"]) : "";
        lastColumn = column;
        if (row.colHead.textContent !== head) row.colHead.textContent = head;
        if (row.colHead.hidden !== !head) row.colHead.hidden = !head;
        // In order, moving only what is out of place, and never the row
        // that holds the focus (a moved element loses it): the others
        // move around it.
        const want = prev ? prev.nextSibling : container.firstChild;
        if (want !== row.li && !(row.li.contains(focused) && row.li.parentElement === container)) container.insertBefore(row.li, want);
        prev = row.li;
        // A stack is one row with its notes nested in it.
        if (!nested) place(row.stack, e.children, true);
        const stacked = !nested && e.children.length > 0;
        if (row.stack.hidden === stacked) row.stack.hidden = !stacked;
      }
      // What is left after the last row is gone, or belongs in another
      // list (a stack), which puts it there in its turn.
      let extra;
      while ((extra = prev ? prev.nextSibling : container.firstChild)) extra.remove();
    };
    place(listEl, entries, false);
    for (const [id, row] of rows) {
      if (seen.has(id)) continue;
      row.li.remove();
      rows.delete(id);
      if (editing?.id === id) dropEditor();
      if (openPicker?.row === row) openPicker = null;
    }
    // The focus was on a row that went (deleted here or by someone else):
    // it goes on to the row now in its place, or the list itself.
    if (focusedRow && !focusedRow.isConnected) {
      const next = listEl.children[Math.min(focusedAt, listEl.children.length - 1)];
      (next ?? section.querySelector("h2")).focus();
    }
    if ($("list-empty").hidden !== entries.length > 0) $("list-empty").hidden = entries.length > 0;
    const count = view.notes.size === 1 ? t["list.countOne"] : fill("list.count", { n: view.notes.size });
    if ($("list-count").textContent !== count) $("list-count").textContent = count;
  }

  const rowOf = (el) => el?.closest?.("#list-notes .list-row") ?? null;
  const indexIn = (list, li) => {
    let top = li;
    while (top.parentElement !== list) top = top.parentElement.closest(".list-row");
    return [...list.children].indexOf(top);
  };

  // --- A row ----------------------------------------------------------------

  // makeRow builds the elements of one note's row, once: every button it
  // may have is here from the start and only shown, hidden and named
  // again as the note changes, so a pressed button keeps the focus.
  function makeRow(id) {
    const el = (tag, cls, text) => {
      const x = document.createElement(tag);
      if (cls) x.className = cls;
      if (text !== undefined) x.textContent = text;
      return x;
    };
    const li = el("li", "list-row");
    li.dataset.id = id;
    li.tabIndex = -1; // the focus lands here when the button it was on goes
    const colHead = el("h3", "list-colhead");
    colHead.hidden = true;
    const card = el("div", "list-card");
    const states = el("p", "list-states");
    const text = el("p", "list-text");
    const meta = el("p", "list-meta");
    const colour = el("span", "list-colour");
    const author = el("span", "list-author");
    const column = el("span", "list-column");
    const votes = el("span", "list-votes");
    const editor = el("span", "list-editor");
    meta.append(colour, author, column, votes, editor);
    const tools = el("div", "list-tools");
    tools.setAttribute("role", "group");
    const button = (cls, label, act) => {
      const b = el("button", "list-button " + cls, label);
      b.type = "button";
      b.addEventListener("click", () => act(li.dataset.id, b));
      return b;
    };
    const btn = {
      approve: button("moderation-approve", t["moderation.approve"], (id) => app.moderation?.approve(id)),
      reject: button("moderation-reject", t["moderation.reject"], (id) => app.moderation?.reject(id)),
      edit: button("list-edit", t["list.edit"], startEditing),
      unvote: button("list-unvote", "−", (id) => app.lesson?.vote(id, false)),
      // Pressed while it shows no votes are left, lesson.js says why.
      vote: button("list-vote", "+ " + t["list.vote"], (id) => app.lesson?.vote(id, true)),
      comments: button("list-comments", "", (id) => app.comments?.open(id)),
      colour: button("list-colour-open", t["action.color"], () => togglePicker(row, "colour")),
      move: button("list-move-open", t["list.move"], () => togglePicker(row, "move")),
      stackOn: button("list-stack-on", t["stack.on"], () => togglePicker(row, "stackOn")),
      openStack: button("list-stack-open", t["stack.open"], (id) => app.stacks?.open(id)),
      // On top of the canvas's notes: nothing the list shows, so it is said.
      front: button("list-front", t["action.front"], (id) => actions.bringToFront([id]) && say(fill("list.fronted", { text: rowName(id) }))),
      delete: button("list-delete danger", t["action.delete"], remove),
      // A phone shows the rest of a row's tools when asked (the CSS hides
      // this button on a wider screen, which shows them all).
      more: button("list-more", "⋯", () => {
        const open = !li.classList.contains("more-open");
        li.classList.toggle("more-open", open);
        btn.more.setAttribute("aria-expanded", String(open));
      }),
    };
    btn.more.setAttribute("aria-expanded", "false");
    btn.more.setAttribute("aria-controls", "list-rest-" + id);
    btn.more.title = t["list.more"];
    for (const k of ["colour", "move", "stackOn"]) {
      btn[k].setAttribute("aria-expanded", "false");
      btn[k].setAttribute("aria-controls", `list-${k}-${id}`);
    }
    const icon = el("span", "", "💬");
    icon.setAttribute("aria-hidden", "true");
    btn.comments.append(icon, " ", el("span", "list-comments-text"));
    btn.unvote.title = t["lesson.unvote"];
    const reacts = reactionNames.map((r) => {
      const b = button("list-react", "", (id) => app.reactions?.toggle(id, r));
      b.dataset.reaction = r;
      const emoji = el("span", "", reactionEmoji[r]);
      emoji.setAttribute("aria-hidden", "true");
      b.append(emoji, el("span", "list-react-count"));
      return b;
    });
    const react = el("span", "list-reacts");
    react.append(...reacts);
    const rest = el("span", "list-rest");
    rest.id = "list-rest-" + id;
    rest.append(btn.colour, btn.move, btn.stackOn, btn.front, btn.delete);
    tools.append(btn.approve, btn.reject, btn.edit, btn.unvote, btn.vote, react, btn.comments, btn.openStack, btn.more, rest);
    const picker = el("div", "list-picker");
    picker.hidden = true;
    picker.setAttribute("role", "group");
    const stack = el("ol", "list-stack");
    stack.hidden = true;
    card.append(states, text, meta, tools, picker);
    li.append(colHead, card, stack);
    const row = { li, colHead, card, states, text, meta, colour, author, column, votes, editor, tools, btn, reacts, picker, stack, n: null, sig: "" };
    return row;
  }

  // drawRow shows note n in its row, when what the row shows changed.
  // stacked is how many notes lie on it, the head of a stack; member says
  // it lies on one, where it goes wherever the stack's head goes.
  function drawRow(row, n, view, c, stacked, member, total = 0) {
    const own = c.ballot[n.id] || 0;
    const mine = !!n.authorId && n.authorId === c.me;
    const reacted = view.reacted?.[c.me]?.[n.id] ?? [];
    const col = columnOf(view, n);
    const remote = app.ui.remoteEditors.get(n.id);
    const sig = [c.key, own, reacted.join(), col, remote ? remote.name || "?" : "", editing?.id === n.id, stacked, member, total].join("|");
    if (row.n === n && row.sig === sig) return;
    row.n = n;
    row.sig = sig;
    const li = row.li;
    const blank = !!n.private && !mine && !n.text; // someone else's private note: its text is theirs until the reveal
    const name = blank ? t["list.writing"] : noteName(n.text, t["note.empty"]);
    const label = (key) => fill(key, { text: name });
    if (li.dataset.color !== n.color) li.dataset.color = n.color;
    li.classList.toggle("pending", !!n.pending);
    li.classList.toggle("private", !!n.private);

    // What the canvas shows on the note, in words.
    const states = [];
    if (n.pending) states.push(["pending", t["moderation.waiting"]]);
    if (n.private) states.push(["private", mine ? t["lesson.onlyYou"] : t["list.privateOther"]]);
    if (stacked) states.push(["stack", fill("stack.title", { n: stacked + 1 })]);
    const stateKey = states.map((s) => s.join(":")).join();
    if (row.states._key !== stateKey) {
      row.states._key = stateKey;
      row.states.replaceChildren(...states.map(([cls, s]) => {
        const b = document.createElement("span");
        b.className = "list-state list-state-" + cls;
        b.textContent = s;
        return b;
      }));
    }
    row.states.hidden = !states.length;
    if (stacked) row.stack.setAttribute("aria-label", fill("stack.title", { n: stacked + 1 }));
    if (editing?.id !== n.id) {
      const shown = blank ? t["lesson.writing"] : n.text || t["list.emptyText"];
      if (row.text.textContent !== shown) row.text.textContent = shown;
      row.text.classList.toggle("blank", blank || !n.text);
    }
    setText(row.colour, t["color." + n.color] || n.color);
    setText(row.author, n.author ? fill("list.by", { name: n.author }) : "");
    row.author.hidden = !n.author; // a board that shows no names sends none
    setText(row.column, col >= 0 && !member && sortBy !== "reading" ? fill("columns.in", { name: c.columns[col] }) : "");
    row.column.hidden = !row.column.textContent;
    let votes = "";
    // The votes, when there are any to say: in a hidden round only this
    // person's own, as on the canvas.
    if (c.voting && !n.pending) {
      const count = n.votes || 0;
      if (c.voting.open && c.voting.hidden) votes = own ? fill("lesson.yourVotes", { n: own }) : "";
      else if (count) votes = count === 1 ? t["list.votesOne"] : fill("lesson.voteCount", { n: count });
      if (votes && c.voting.open && own && !c.voting.hidden) votes += " · " + fill("list.yours", { n: own });
      // A stack gathers one idea: its row says the votes of all its notes,
      // as the canvas does on its head, and as the list sorts it.
      if (stacked && total !== count && !(c.voting.open && c.voting.hidden)) votes = [votes, (total === 1 ? t["list.stackVotesOne"] : fill("list.stackVotes", { n: total }))].filter(Boolean).join(" · ");
    }
    setText(row.votes, votes);
    row.votes.hidden = !votes;
    setText(row.editor, remote ? fill("list.editing", { name: remote.name || t["names.anonymous"] || "?" }) : "");
    row.editor.hidden = !remote;
    row.tools.setAttribute("aria-label", fill("list.actions", { text: name }));

    // The buttons this person may use on this note, as the server judges.
    const b = row.btn;
    const other = !mine;
    // Only the facilitator changes someone else's note while it waits;
    // its author may (permitWaiting in board/role.go).
    const changes = c.writes && !(c.ownOnly && other) && !(n.pending && facilitator && other);
    show(b.approve, facilitator && !!n.pending, label("list.approveLabel"));
    show(b.reject, facilitator && !!n.pending, label("list.rejectLabel"));
    show(b.edit, changes && !blank && !(n.private && other) && editing?.id !== n.id, label("list.editLabel"));
    const voting = c.voter && !!c.voting?.open && !n.pending;
    show(b.unvote, voting && own > 0, label("list.unvoteLabel"));
    show(b.vote, voting, label("list.voteLabel"));
    if (voting) {
      const full = c.used >= c.voting.votes || own >= c.voting.perNote;
      b.vote.setAttribute("aria-disabled", String(full));
    }
    // Reactions: everyone's, locked or not; none while off or waiting. A
    // page without a participant (the projector's) shows the counts only.
    const mode = c.reactions;
    const reactions = mode !== "off" && !n.pending;
    for (const r of row.reacts) {
      const kind = r.dataset.reaction;
      const count = n.reactions?.[kind] || 0;
      const pressed = reacted.includes(kind);
      r.disabled = !c.me;
      r.setAttribute("aria-pressed", String(pressed));
      setText(r.lastChild, count ? String(count) : "");
      const what = fill(pressed ? "reactions.labelMine" : "reactions.label", { name: t["reactions." + kind], n: count }) + (mode === "hidden" && c.me ? " · " + t["reactions.onlyYou"] : "");
      if (r.title !== what) r.title = what;
      show(r, reactions && (!!c.me || count > 0), fill("list.reactLabel", { label: what, text: name }));
    }
    const comments = n.comments?.length || 0;
    const waitingComments = n.comments?.filter((x) => x.pending).length || 0;
    setText(b.comments.lastChild, comments ? `${t["comments.open"]} ${comments}` : t["comments.open"]);
    b.comments.classList.toggle("waiting", waitingComments > 0);
    let commentsLabel = fill("list.commentsLabel", { text: name, n: comments });
    if (waitingComments) commentsLabel = fill("comments.badgeWaiting", { label: commentsLabel, n: waitingComments });
    // A view link reads comments; it writes none: no thread to open when
    // there is nothing to read. Nor on a note waiting for approval.
    show(b.comments, !n.pending && (app.canEdit || comments > 0), commentsLabel);
    show(b.colour, changes, label("list.colourLabel"));
    show(b.move, changes && !member && c.columns.length > 0, label("list.moveLabel"));
    show(b.stackOn, changes && !member && !n.pending && view.notes.size > 1, label("list.stackOnLabel"));
    show(b.openStack, stacked > 0 && !!app.stacks, fill("stack.openLabel", { n: stacked + 1 }));
    show(b.front, changes && !member, label("list.frontLabel"));
    show(b.delete, changes, label("list.deleteLabel"));
    show(b.more, changes, label("list.moreLabel"));
    if (openPicker?.row === row) {
      const keep = { colour: changes, move: changes && !member && c.columns.length, stackOn: changes && !member && !n.pending }[openPicker.kind];
      if (!keep) closePicker();
      else fillPicker(row, openPicker.kind);
    }
    row.tools.hidden = editing?.id === n.id;
  }

  // show shows or hides a button, and names it (with its note) when shown.
  function show(el, on, label) {
    if (el.hidden === on) el.hidden = !on;
    if (on && label !== undefined && el.getAttribute("aria-label") !== label) el.setAttribute("aria-label", label);
  }

  function setText(el, s) {
    if (el.textContent !== s) el.textContent = s;
  }

  // --- Pickers: colour, column ----------------------------------------------

  function togglePicker(row, kind) {
    const same = openPicker?.row === row && openPicker.kind === kind;
    closePicker();
    if (same) return;
    openPicker = { row, kind };
    // The notes to stack on are found once, as the canvas's menu does: a
    // note moved or edited meanwhile does not reorder them under a finger.
    if (kind === "stackOn") openPicker.targets = (app.stacks?.targets([row.li.dataset.id]) ?? []).map((m) => [m.id, app.stacks.targetName(m)]);
    row.btn[kind].setAttribute("aria-expanded", "true");
    row.picker.id = `list-${kind}-${row.li.dataset.id}`;
    fillPicker(row, kind);
    row.picker.hidden = false;
    // Clear of the bars over the list's foot (scroll-margin in the CSS).
    row.picker.scrollIntoView({ block: "nearest" });
    row.picker.querySelector('[aria-pressed="true"], button')?.focus({ preventScroll: true });
  }

  function closePicker() {
    if (!openPicker) return;
    const { row, kind } = openPicker;
    openPicker = null;
    row.btn[kind].setAttribute("aria-expanded", "false");
    row.picker.hidden = true;
    row.picker.replaceChildren();
    row.picker._key = "";
  }

  // fillPicker fills an open picker with its choices: the palette's
  // colours, each named, or the board's columns; the note's own is pressed.
  function fillPicker(row, kind) {
    const n = row.n;
    const view = app.view();
    const col = columnOf(view, n);
    const names = context(view).columns;
    const name = noteName(n.private && n.authorId !== app.participant && !n.text ? "" : n.text, t["note.empty"]);
    row.picker.setAttribute("aria-label", fill({ move: "list.moveLabel", colour: "list.colourLabel", stackOn: "list.stackOnLabel" }[kind], { text: name }));
    const choices =
      kind === "colour" ? palette.map((p) => [p, t["color." + p] || p, p === n.color])
      : kind === "move" ? names.map((s, i) => [String(i), s, i === col])
      : (openPicker?.targets ?? []).filter(([id]) => view.notes.has(id) && !view.notes.get(id).stack).map(([id, text]) => [id, text, false]);
    const key = JSON.stringify([kind, n.color, col, choices]);
    if (row.picker._key === key) return;
    const focused = row.picker.contains(document.activeElement) ? document.activeElement.dataset.value : null;
    row.picker._key = key;
    if (!choices.length) {
      const p = document.createElement("p");
      p.className = "list-none";
      p.textContent = t["stack.none"];
      row.picker.replaceChildren(p);
      return;
    }
    row.picker.replaceChildren(
      ...choices.map(([value, text, current]) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "list-choice";
        b.dataset.value = value;
        if (kind === "colour") {
          const sw = document.createElement("span");
          sw.className = "list-swatch";
          sw.dataset.color = value;
          sw.setAttribute("aria-hidden", "true");
          b.append(sw);
        }
        b.append(text);
        if (kind !== "stackOn") b.setAttribute("aria-pressed", String(current)); // a choice of the note's own, not an act
        b.addEventListener("click", () => {
          const id = row.li.dataset.id;
          if (kind === "stackOn") {
            if (!app.stacks.stackOnto([id], value)) return; // refused, and said why: the choices stay
            // This row is now in the stack's: the focus goes to the stack.
            closePicker();
            app.renderNow();
            const head = rows.get(app.state.view().notes.get(id)?.stack || value);
            (head && !head.btn.openStack.hidden ? head.btn.openStack : head?.li)?.focus();
            return;
          }
          const sent = kind === "colour" ? actions.recolor(value, [id]) : actions.moveToColumn(Number(value), [id]);
          if (!sent && !current) return; // refused, and said why: the choices stay
          if (sent) say(fill(kind === "colour" ? "list.coloured" : "list.moved", { name: text, text: rowName(id) }));
          closePicker();
          row.btn[kind].focus();
        });
        return b;
      }),
    );
    if (focused) row.picker.querySelector(`[data-value="${CSS.escape(focused)}"]`)?.focus();
  }

  // rowName is how note id is named in what is said of it.
  const rowName = (id) => {
    const n = app.view().notes.get(id);
    return n ? noteName(n.private && n.authorId !== app.participant && !n.text ? "" : n.text, t["note.empty"]) : "";
  };

  // --- Delete ---------------------------------------------------------------

  function remove(id) {
    const n = app.view().notes.get(id);
    if (!n || !actions.deleteSelected([id])) return;
    // Undo (the top bar's ↶, or Ctrl+Z) brings it back, as on the canvas.
    say(fill("list.deleted", { text: noteName(n.text, t["note.empty"]) }));
  }

  // --- Editing a note's text --------------------------------------------------

  function startEditing(id) {
    if (editing) stopEditing(true);
    const row = rows.get(id);
    const n = app.view().notes.get(id);
    if (!row || !n || !app.mayChange({ ids: [id] })) return false;
    if (n.private && (!n.authorId || n.authorId !== app.participant)) {
      app.toast(t["lesson.notYours"]);
      return false;
    }
    closePicker();
    const box = document.createElement("div");
    box.className = "list-editor-box";
    const ta = document.createElement("textarea");
    ta.className = "list-textarea";
    ta.value = n.text;
    ta.maxLength = app.limits.maxTextRunes;
    ta.rows = Math.min(8, Math.max(3, n.text.split("\n").length + 1));
    ta.setAttribute("aria-label", fill("list.textLabel", { text: noteName(n.text, t["note.empty"]) }));
    const buttons = document.createElement("div");
    buttons.className = "list-editor-buttons";
    const save = document.createElement("button");
    save.type = "button";
    save.className = "primary";
    save.textContent = t["list.save"];
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = t["list.cancel"];
    buttons.append(save, cancel);
    box.append(ta, buttons);
    row.text.hidden = true;
    row.text.after(box);
    editing = { id, row, ta, box, before: n.text, why: null, waiting: 0 };
    app.ui.editing = id; // others see who types in it, as on the canvas
    app.cursor(null, null);
    save.addEventListener("click", () => stopEditing(true));
    cancel.addEventListener("click", () => stopEditing(false));
    ta.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        stopEditing(false);
      } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        stopEditing(true);
      }
      e.stopPropagation(); // keys typed here are text, not commands
    });
    // Typing again after a refusal (or while the answer is on its way)
    // makes a new text to save.
    ta.addEventListener("input", () => {
      if (editing) editing.waiting = 0;
      mark(false);
    });
    drawn = null;
    render(app.view());
    ta.focus();
    ta.setSelectionRange(ta.value.length, ta.value.length);
    return true;
  }

  /** stopEditing ends the editing: with save, what was typed is sent as
   * one change, which undo takes back, as the canvas's typing is. Under
   * the word filter that refuses words the editor stays until the server
   * has taken the text (refused, it says why and stays open). */
  function stopEditing(save) {
    const ed = editing;
    if (!ed) return;
    if (!save) return closeEditor(true);
    if (ed.waiting) return; // sent: the server's answer closes it, or says why not
    const n = app.view().notes.get(ed.id);
    const text = ed.ta.value;
    if (!n || text === n.text) return closeEditor(true);
    const op = { kind: "update", id: ed.id, set: { text } };
    if (app.view().moderation?.filter?.mode !== "refuse") {
      if (!app.edit(op)) return; // locked meanwhile: said why, and the text stays
      return closeEditor(true);
    }
    const seq = app.edit(op, { undoable: false });
    if (!seq) return;
    waiting.set(seq, { id: ed.id, op, before: n.text });
    ed.waiting = seq;
  }

  // closeEditor takes the editor away, the focus back to the row's Edit
  // button (when focus says so).
  function closeEditor(refocus) {
    const ed = editing;
    if (!ed) return;
    const had = ed.box.contains(document.activeElement);
    dropEditor();
    ed.row.sig = ""; // drawn again: its text and buttons
    drawn = null;
    render(app.view());
    if (refocus && had && ed.row.li.isConnected) (ed.row.btn.edit.hidden ? ed.row.li : ed.row.btn.edit).focus();
    app.render();
  }

  // dropEditor forgets the editor and takes it out of its row (which may
  // be gone: the note deleted meanwhile), and tells others nobody here
  // types in the note any more.
  function dropEditor() {
    const ed = editing;
    editing = null;
    ed.box.remove();
    ed.row.text.hidden = false;
    if (app.ui.editing === ed.id) {
      app.ui.editing = null;
      app.cursor(null, null);
    }
  }

  // mark shows, or stops showing, that the server refused the text.
  function mark(on) {
    const ed = editing;
    if (!ed) return;
    ed.ta.classList.toggle("refused", on);
    if (on && !ed.why) {
      ed.why = document.createElement("p");
      ed.why.className = "list-error";
      ed.why.id = "list-error-" + ed.id;
      ed.why.setAttribute("role", "alert");
      ed.why.textContent = t["note.refused"];
      ed.ta.after(ed.why);
      ed.ta.setAttribute("aria-invalid", "true");
      ed.ta.setAttribute("aria-describedby", ed.why.id);
    } else if (!on && ed.why) {
      ed.why.remove();
      ed.why = null;
      ed.ta.removeAttribute("aria-invalid");
      ed.ta.removeAttribute("aria-describedby");
    }
  }

  /** accepted is told the server took this page's operation seq: a text
   * sent from a row under the refusing filter goes on the undo stack now,
   * and its editor closes. */
  function accepted(seq) {
    const w = waiting.get(seq);
    if (!w) return;
    waiting.delete(seq);
    app.undo.record(w.op, { kind: "update", id: w.id, set: { text: w.before } });
    if (editing?.waiting === seq && editing.ta.value === w.op.set.text) closeEditor(true);
  }

  /** refused is told the server refused operation seq (a reject message
   * m). A text from a row's editor stays there, which says why; it
   * returns true then, as nothing else need say it. */
  function refused(m) {
    const w = waiting.get(m.seq);
    if (!w) return false;
    waiting.delete(m.seq);
    if (m.code !== "invalid" || editing?.id !== w.id) return false;
    editing.waiting = 0;
    mark(true);
    editing.ta.focus();
    return true;
  }

  // --- For others -------------------------------------------------------------

  /** editNote opens the editor on note id's row, when the list shows:
   * a note just added is typed into here, not on the hidden canvas. */
  function editNote(id) {
    if (!active) return false;
    drawn = null;
    render(app.view());
    rows.get(id)?.li.scrollIntoView({ block: "center" });
    startEditing(id);
    return true;
  }

  /** focusNote puts the focus on note id's Comments button, or its row,
   * when the list shows; on the list itself when the note is gone. */
  function focusNote(id) {
    if (!active) return false;
    const row = rows.get(id);
    if (!row) section.querySelector("h2").focus();
    else (row.btn.comments.hidden ? row.li : row.btn.comments).focus();
    return true;
  }

  // chosen is the view this person chose: the address's, or this browser's.
  const chosen = () => {
    const params = new URLSearchParams(location.search).get("view");
    return params === "list" || (params !== "canvas" && localStorage.getItem(viewKey) === "list");
  };
  // The projector view is the board for the wall, not a list to edit: it
  // shows the canvas (setCanvas(true)) without changing the view chosen,
  // which setCanvas(false) brings back.
  const setCanvas = (on) => setActive(!on && chosen());
  setActive(!document.body.classList.contains("projector") && chosen());
  return { render, active: () => active, editNote, focusNote, accepted, refused, setCanvas };
}
