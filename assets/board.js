// board.js: the board page. It wires the model (state.js), the connection
// (socket.js), the drawing (render.js), the actions (actions.js) and the
// input (input.js) together, and runs the page's own furniture: the name
// dialog, the ⋯ menu, the help and the list of people, each of which can be
// put away, the free area they leave for the notes (app.freeArea), the
// share panel (share.js), downloading the board (download.js), pasting a
// list (paste.js), keeping a snapshot (keep.js) and bringing the board
// back to one (restore.js), deleting it (lifecycle.js), and the cover that
// says why the board closed.
//
// The page's link decides its role (cfg.role, drawn into the page by the
// server): a view link's page has no editing controls and sends no edits,
// an edit link's cannot rename the board, and only the facilitator's
// removes people. The server checks all of it again on every message.

import { BoardState, boardFromJSON, defaultLimits, inverse, namesFor, UndoStack } from "./state.js";
import { Close, Connection, Outbox, newId, tooLarge } from "./socket.js";
import { Renderer, format, menuKeys, renderPeople } from "./render.js";
import { createActions } from "./actions.js";
import { attachInput } from "./input.js";
import { attachShare } from "./share.js";
import { attachStage } from "./stage.js";
import { attachLesson } from "./lesson.js";
import { attachModeration } from "./moderation.js";
import { attachDownload } from "./download.js";
import { attachPaste } from "./paste.js";
import { attachKeep } from "./keep.js";
import { attachLifecycle } from "./lifecycle.js";
import { attachRestore } from "./restore.js";
import { attachReactions } from "./reactions.js";
import { attachComments } from "./comments.js";
import { attachColumns } from "./columns.js";
import { attachList } from "./listview.js";
import { attachStacks } from "./stacks.js";
import { attachTrash } from "./trash.js";
import { columnOf, findComment } from "./conversation.js";
import { Announcer, liveRegion } from "./announce.js";

const cfg = JSON.parse(document.getElementById("board-config").textContent);
const t = cfg.strings;
const $ = (sel) => document.querySelector(sel);

const role = cfg.role || "facilitate";
// The projector's page (?projector=1) is a screen, not a person: it joins
// under a fixed name without asking for one, and without a participant, so
// it is nobody who votes or raises a hand (the server refuses its votes).
// Leaving the projector view there makes it this person's page again
// (app.leaveProjectorPage).
let projectorPage = new URLSearchParams(location.search).get("projector") === "1";
const app = {
  cfg,
  t,
  role,
  canEdit: role !== "view",
  canRename: role === "facilitate",
  canRemove: role === "facilitate",
  state: new BoardState(boardFromJSON(cfg.board)),
  epoch: "",
  you: "", // this connection's presence id
  participant: "", // this person's public participant id, the same in every tab
  peers: new Map(),
  ui: { selected: new Set(), dragging: new Set(), editing: null, remoteEditors: new Map(), preview: new Map() },
  cam: { x: 0, y: 0, zoom: 1 },
  // autoFit: the view still fits the notes by itself (when the first
  // welcome brings a newer board, or the window changes size), because
  // nobody has panned, zoomed or added a note yet.
  autoFit: true,
  undo: new UndoStack(newId),
  name: projectorPage ? t["name.projector"] : localStorage.getItem("corkboard:name") || "",
  color: localStorage.getItem("corkboard:color") || randomColor(),
  limits: defaultLimits, // until the welcome's
};
localStorage.setItem("corkboard:color", app.color);

function randomColor() {
  const colors = ["#b91c1c", "#c2410c", "#a16207", "#15803d", "#0e7490", "#1d4ed8", "#6d28d9", "#be185d"];
  return colors[Math.floor(Math.random() * colors.length)];
}

// runes cuts s to at most n characters. Limits count characters (runes), not
// UTF-16 units, and a cut through an emoji would leave half of one.
function runes(s, n) {
  const cs = [...s];
  return cs.length > n ? cs.slice(0, n).join("") : s;
}

document.body.classList.add("scripted"); // the camera now places the board, below the top bar

const renderer = new Renderer({ boardEl: $("#board"), viewportEl: $("#viewport"), cursorsEl: $("#cursors"), strings: t, editable: app.canEdit });
const outbox = new Outbox(cfg.link);
// What a screen reader hears besides the page itself: others' changes,
// gathered (announce.js), and the connection's troubles.
app.say = liveRegion($("#announcer"));
const announcer = new Announcer({ say: app.say, t, me: () => ({ client: outbox.client, participant: app.participant }) });

/** onWall says whether this page is on the wall: the projector view of
 * a facilitator's own window, or the projector's page itself. */
app.onWall = () => projectorPage || document.body.classList.contains("projector");
/** wallHidesNames says whether the wall must show no one's name but this
 * person's own: a board that does not show names to everyone. The
 * facilitator may see them; the class looking at the wall may not. */
app.wallHidesNames = () => app.onWall() && (app.state.view().moderation?.names ?? "") !== "";

// nameless returns x (a note or a comment) without its author's name,
// unless it is this person's own. The id stays: it says what is whose to
// change, not who it is on screen.
const nameless = (x) => (!x.author || (app.participant && x.authorId === app.participant) ? x : { ...x, author: "" });
// wallNames caches the view without others' names for the last model view.
let wallNames = { from: null, to: null };
function withoutNames(v) {
  if (wallNames.from === v) return wallNames.to;
  const notes = new Map();
  for (const [id, n] of v.notes) {
    const m = nameless(n);
    notes.set(id, m.comments?.some((c) => c.author) ? { ...m, comments: m.comments.map(nameless) } : m);
  }
  wallNames = { from: v, to: { ...v, notes } };
  return wallNames.to;
}
/** wallPeers returns the people here as the wall shows them: those who
 * facilitate and this person's own tabs by name, everyone else unnamed. */
function wallPeers() {
  if (!app.wallHidesNames()) return app.peers;
  const out = new Map();
  for (const [id, p] of app.peers) {
    const known = p.role === "facilitate" || (app.participant && p.participant === app.participant);
    out.set(id, known ? p : { ...p, name: "" });
  }
  return out;
}

/** view is the board to show: the model plus the drag in progress, and
 * on the wall without the names the class may not see. */
app.view = () => {
  let v = app.state.view();
  if (app.wallHidesNames()) v = withoutNames(v);
  if (app.ui.preview.size === 0) return v;
  const notes = new Map(v.notes);
  for (const [id, p] of app.ui.preview) {
    const n = notes.get(id);
    if (n) notes.set(id, { ...n, ...p });
  }
  return { ...v, notes };
};

let renderQueued = false;
app.render = () => {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => app.renderNow());
};

/** renderNow draws at once, for code that needs the elements right away. */
app.renderNow = () => {
  renderQueued = false;
  const v = app.view();
  fitWall(v);
  renderer.notes(app.stacks ? app.stacks.prepare(v) : v, app.ui); // a stack is drawn as its head (stacks.js)
  app.lesson?.render(v);
  app.moderation?.render(v);
  if ($("#board-title").textContent !== v.title && !$("#board-title").isContentEditable) {
    $("#board-title").textContent = v.title;
    document.title = v.title + " · Corkboard";
  }
  if ($("#menu-title").textContent !== v.title) $("#menu-title").textContent = v.title;
  // The whole title, should two lines not hold it, and how to rename it.
  const tip = app.canRename ? v.title + "\n" + t["board.rename"] : v.title;
  if ($("#board-title").title !== tip) $("#board-title").title = tip;
  renderer.camera(app.cam);
  // The notes the undo notice offers to bring back are back (a
  // facilitator restored them): it has nothing left to offer.
  if (undoToastIds.length && undoToastIds.every((id) => v.notes.has(id))) hideUndoToast();
  const peers = wallPeers();
  renderer.cursors(peers, app.you);
  const me = { you: app.you, participant: app.participant, name: app.name, role: app.role, following: !!app.stage?.following(), hand: app.lesson?.myHand() };
  const people = renderPeople($("#people"), peers, me, t, app.count, { onRemove: app.canRemove ? removePerson : undefined, presenter: app.stage?.info.presenter });
  const count = format(t["people.count"], { n: people });
  if ($("#people-count").textContent !== count) $("#people-count").textContent = count;
  if ($("#my-name").textContent !== app.name) $("#my-name").textContent = app.name;
  app.stacks?.render(v); // before the bar: it shows or hides the bar's stack buttons
  updateToolbar();
  app.stage?.render();
  app.reactions?.render(v);
  app.comments?.render(v);
  app.columns?.render(v); // after the camera: the lanes take the board's
  app.list?.render(v);
};

// fitWall fits the wall's view again whenever the notes reach further than
// they did, while nobody has moved it: notes the class adds from their
// phones land on the wall, not beside it.
let wallSpan = "";
function fitWall(v) {
  if (!app.autoFit || !app.onWall() || app.stage?.following() || !app.actions) {
    wallSpan = "";
    return;
  }
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const n of v.notes.values()) {
    x0 = Math.min(x0, n.x);
    y0 = Math.min(y0, n.y);
    x1 = Math.max(x1, n.x + n.w);
    y1 = Math.max(y1, n.y + n.h);
  }
  const span = [x0, y0, x1, y1, v.columns?.length ?? 0].join();
  if (span === wallSpan) return;
  const first = !wallSpan;
  wallSpan = span;
  if (!first) app.actions.fit(); // the first is the page's own fit, or the projector view's
}

/** edit applies an edit of this person: at once on screen, then through the
 * server. undoable says whether it goes on the undo stack. */
app.edit = (op, { undoable = true, inv } = {}) => {
  // The view link's page makes no edits but votes, and a locked board takes
  // votes from everyone (the server would refuse anything else).
  // Reactions are taking part, as votes are: everyone's, locked or not.
  const voting = ["vote", "unvote", "react", "unreact"].includes(op.kind);
  if (!app.canEdit && !voting) return 0;
  if (!voting && app.lesson && !app.lesson.mayChange()) return 0; // the board is locked
  if (!voting && app.moderation && !app.moderation.mayEdit(op)) return 0; // closed, or not this person's note
  hideUndoToast(); // its Undo would now undo this edit, not the delete it names
  const before = app.state.view();
  if (undoable) app.undo.record(op, inv ?? inverse(before, op, app.participant));
  const seq = conn.send(op);
  app.state.local(seq, op);
  app.render();
  return seq;
};

/** mayChange says whether this person may change the board now, and
 * says why not when the board is locked for them, or when the board's
 * moderation refuses the change ({create: true} to add notes, {ids} to
 * change those notes; see moderation.js). Actions ask before they begin,
 * so a refused one shows nothing (no drag, no move of the view, no
 * selection of notes that never came to be) besides that one message. */
app.mayChange = (change) => app.canEdit && (app.lesson?.mayChange() ?? true) && (app.moderation?.mayChange(change) ?? true);

// A presenter's cursor gives way to their view and pointer (stage.js),
// which count against the same limit on the server.
app.cursor = (x, y) => (app.stage?.wantsPresent() && x !== null ? undefined : conn.cursor(x, y, app.ui.editing));

const conn = new Connection({
  url: (location.protocol === "https:" ? "wss://" : "ws://") + location.host + cfg.wsPath,
  outbox,
  hello: () => {
    const h = { name: app.name, color: app.color, participant: !projectorPage };
    if (app.epoch) {
      h.since = app.state.confirmed.version;
      h.epoch = app.epoch;
    }
    return h;
  },
  limits: () => app.limits,
  onMessage: handle,
  onStatus: showStatus,
  onClosed: showClosed,
  // Whether the page's link still leads to the board, for a page that
  // cannot connect: a 404 means it was replaced.
  // A 410 means the board was deleted, which the page says as a close 4006 would.
  linkGone: async () => {
    const status = (await fetch("/api/boards/" + encodeURIComponent(cfg.link) + "/links", { cache: "no-store" })).status;
    return status === 410 ? Close.deleted : status === 404;
  },
});
app.conn = conn;

// Edits left in the outbox by an earlier page (a reload, a closed tab, a
// drop in the middle of typing) show at once and go out after the welcome.
app.state.identify(app.name, app.participant, role);
for (const { seq, op } of outbox.ops) app.state.local(seq, op);

function handle(m) {
  switch (m.type) {
    case "welcome":
      if (app.welcomed && (m.participant || "") !== app.participant && !(rejoining && !app.participant)) {
        // Someone else now: this browser's participant secret changed
        // (its storage was cleared or taken over). The page holds the
        // previous person's private texts, ballot, undo and unsent edits,
        // none of which is the new person's to see or send: those edits
        // could only go out under the wrong name, so they go, and the page
        // starts afresh as the person the server now knows.
        conn.pause();
        outbox.discard();
        location.reload();
        return;
      }
      rejoining = false;
      app.epoch = m.epoch;
      app.you = m.you;
      app.participant = m.participant || "";
      app.state.identify(app.name, app.participant);
      // Field by field: a limit the welcome does not name keeps its default.
      app.limits = { ...defaultLimits, ...m.limits };
      app.peers = new Map(m.peers.map((p) => [p.id, p]));
      app.count = m.count || 0;
      if (m.board) app.state.replace(boardFromJSON(m.board));
      dropGone();
      rememberBoard();
      // The first welcome may bring notes added since the page was drawn.
      if (app.autoFit && !app.welcomed) actions.fit();
      app.welcomed = true;
      app.restore?.welcomed(); // a restore the address asks for, once (restore.js)
      break;
    case "op": {
      // A rejection of this person's own note or comment is said: the
      // author would otherwise only find it gone.
      const own = m.op?.kind === "reject" ? ownIn(m.op) : null;
      announcer.op(m); // someone else's, that is: its own are not said
      const names = app.state.confirmed.moderation?.names ?? "";
      if (!app.state.serverOp(m, outbox.client)) {
        // A gap cannot happen on one connection; if it does, start afresh.
        app.epoch = "";
        conn.ws?.close();
      }
      if (own) tellRejected(own);
      // Whose names this person may see changed: so do the people here.
      if ((app.state.confirmed.moderation?.names ?? "") !== names) renamePeers();
      if (m.client === outbox.client) accepted(m.seq);
      dropGone();
      break;
    }
    case "ack":
      if (m.duplicate) app.state.settle(m.seq);
      accepted(m.seq); // a duplicate's echo came to an earlier connection
      break;
    case "reject":
      app.state.settle(m.seq);
      // The editor and the comment box keep what was typed and say why
      // beside it: a toast as well would say it twice, and the editor's
      // every pause in typing would say it again.
      if (actions.refused(m) || app.comments?.refused(m) || app.list?.refused(m) || app.trash?.refused(m)) break;
      // socket.js refuses an operation too large to send with a reject of
      // its own (local), which the page words in the person's language.
      toast(m.local && m.code === tooLarge ? t["error.tooLarge"] : t["error.rejected"] + " " + m.message);
      break;
    case "error":
      toast(m.message);
      break;
    case "presence":
      announcer.presence(m, app.peers); // who joined, before they are among the peers
      if (m.count) app.count = m.count;
      for (const p of m.joined || []) app.peers.set(p.id, p);
      for (const id of m.left || []) app.peers.delete(id);
      for (const c of m.cursors || []) app.peers.set(c.id, c);
      app.ui.remoteEditors = new Map();
      for (const p of app.peers.values()) if (p.editing && p.id !== app.you) app.ui.remoteEditors.set(p.editing, p);
      break;
    case "people":
      // The answer to who: the names of those listed, as the board's names
      // setting now lets this person see them (none where names are hidden).
      for (const p of m.peers || []) {
        const had = app.peers.get(p.id);
        if (had) app.peers.set(p.id, { ...had, name: p.name, participant: p.participant });
      }
      break;
  }
  app.stage?.handle(m); // the stage news in a welcome or presence, and summon
  app.lesson?.onMessage(m); // the server's clock, and the hands
  app.moderation?.onMessage(m); // a refusal of the moderation dialog's settings
  app.render();
}

/** renamePeers names the people here as the board's names setting now
 * lets this person see them. The server names nobody anew: where names
 * are now hidden the page forgets those it has (but for those who
 * facilitate, who are no secret, and this person's own tabs); where they
 * show again, it asks who is here (the server answers that once every
 * five seconds, so a second change soon after asks a little later). */
let lastWho = 0, whoTimer = 0;
function renamePeers() {
  clearTimeout(whoTimer);
  if (!namesFor(app.state.confirmed, role === "facilitate" && !!app.participant)) {
    for (const [id, p] of app.peers) {
      if (p.role === "facilitate" || (app.participant && p.participant === app.participant) || (!p.name && !p.participant)) continue;
      app.peers.set(id, { ...p, name: "", participant: "" });
    }
    $("#announcer").textContent = ""; // what it said last may name someone
    announcer.forgetNames(); // and so may what it has still to say
    return;
  }
  const wait = lastWho + 5100 - Date.now();
  if (wait > 0) {
    whoTimer = setTimeout(renamePeers, wait);
    return;
  }
  lastWho = Date.now();
  conn.stage({ type: "who" });
}

/** ownIn returns which of the notes and comments a reject op names are
 * this person's, as they are before it applies. */
function ownIn(op) {
  const own = { notes: [], comments: [] };
  if (!app.participant) return own;
  const view = app.state.view();
  for (const id of new Set([...(op.rejected || []), ...(op.id ? [op.id] : [])])) {
    const n = view.notes.get(id);
    if (n) {
      if (n.authorId === app.participant) own.notes.push(id);
      continue;
    }
    const c = findComment(view, id);
    if (c.note?.comments[c.index].authorId === app.participant) own.comments.push(id);
  }
  return own;
}

/** tellRejected says which of own (from ownIn) the reject took away. */
function tellRejected(own) {
  const view = app.state.view();
  const notes = own.notes.filter((id) => !view.notes.has(id)).length;
  const comments = own.comments.filter((id) => !findComment(view, id).note).length;
  const say = (n, one, many) => (n === 1 ? t[one] : format(t[many], { n }));
  const words = [notes && say(notes, "moderation.yourNote", "moderation.yourNotes"), comments && say(comments, "moderation.yourComment", "moderation.yourComments")].filter(Boolean);
  if (words.length) toast(words.join(" "));
}

// accepted tells those who keep what was typed until the server takes it
// (the editor, the comment box) that it took the operation seq.
function accepted(seq) {
  actions.accepted(seq);
  app.comments?.accepted(seq);
  app.list?.accepted(seq);
  app.trash?.accepted(seq);
}

/** focusBoard puts the focus on the board's notes, for when what had it
 * went away (a note rejected, a thread whose note was deleted). */
app.focusBoard = () => {
  const b = $("#board");
  if (!b.hasAttribute("tabindex")) b.tabIndex = -1; // focusable by script, not a Tab stop
  b.focus({ preventScroll: true });
};

/** dropGone takes notes that someone else deleted (a restore, a
 * rejection) out of the selection, so the selection bar does not stay up
 * for notes that are not there. */
function dropGone() {
  if (!app.ui.selected.size) return; // the usual case: no view to build for every op
  const notes = app.state.view().notes;
  const gone = [...app.ui.selected].filter((id) => !notes.has(id));
  if (!gone.length) return;
  const selected = new Set(app.ui.selected);
  for (const id of gone) selected.delete(id);
  app.ui.selected = selected;
}

function showStatus({ state, unsent, reason }) {
  const el = $("#status");
  let text;
  switch (state) {
    case "connected":
      text = unsent ? t["status.saving"] : t["status.saved"];
      break;
    case "offline":
      text = format(t["status.offline"], { n: unsent });
      break;
    case "failed":
      text = t["status.failed"] + (reason ? " " + reason : "");
      break;
    case "closed":
      text = t["status.closed"];
      break;
    default:
      text = unsent ? format(t["status.reconnectingUnsent"], { n: unsent }) : t["status.reconnecting"];
  }
  el.textContent = text;
  el.title = text; // a phone shows only the dot while all is well
  el.dataset.state = state === "connected" && unsent ? "saving" : state;
  sayStatus(state, unsent, text);
}

// sayStatus says the connection's troubles, once each, and that they are
// over once every change is saved again; an edit's "saving…" and "saved"
// are only shown, or each arrow key would be followed by both. Offline and
// reconnecting are one trouble, which a retry turns from one to the other.
// A closed board says why in its own dialog.
let trouble = "";
function sayStatus(state, unsent, text) {
  const now = { offline: "down", reconnecting: "down", failed: "failed" }[state] || "";
  if (now && now !== trouble) app.say(text);
  else if (state === "connected" && trouble && !unsent) app.say(t["status.back"]);
  else if (!now) return; // connected with changes still going out: not over yet
  trouble = now;
}

let toastTimer;
function toast(text) {
  const el = $("#toast");
  // The toast is an alert, which a screen reader reads out at every change
  // of its text: words already showing are left as they are and only shown
  // longer, so a refusal that every step of a gesture repeats is said once.
  if (el.hidden || el.textContent !== text) {
    el.textContent = text;
    el.hidden = false;
  }
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), 6000);
}
app.toast = toast;

// After a delete, a moment's notice with Undo (the same undo as Ctrl+Z),
// for a finger that has no Ctrl+Z and a person who deleted by mistake. It
// is the dock's top row, so it never covers the selection bar, and notes
// added meanwhile keep clear of it (app.freeArea); a screen reader is
// told of the delete already (announce.js, the list view), so it is no
// alert. It stays while pointed at or focused.
const undoToastMs = 6000;
let undoToastTimer;
let undoToastIds = []; // the notes the notice offers to bring back
function deletedToast(ids) {
  const n = ids.length;
  undoToastIds = ids;
  let el = $("#undo-toast");
  if (!el) {
    el = document.createElement("div");
    el.id = "undo-toast";
    el.className = "undo-toast";
    el.hidden = true;
    const text = document.createElement("span");
    const undo = document.createElement("button");
    undo.type = "button";
    undo.textContent = t["board.undo"];
    undo.addEventListener("click", () => {
      hideUndoToast();
      actions.undo();
    });
    el.append(text, undo);
    const later = () => {
      clearTimeout(undoToastTimer);
      undoToastTimer = setTimeout(() => !el.matches(":hover, :focus-within") && hideUndoToast(), undoToastMs);
    };
    el.addEventListener("pointerleave", later);
    el.addEventListener("focusout", later);
    $("#dock").prepend(el);
  }
  el.firstChild.textContent = n === 1 ? t["undo.deleted"] : format(t["undo.deletedMany"], { n });
  el.hidden = false;
  clearTimeout(undoToastTimer);
  undoToastTimer = setTimeout(() => !el.matches(":hover, :focus-within") && hideUndoToast(), undoToastMs);
}
function hideUndoToast() {
  clearTimeout(undoToastTimer);
  undoToastIds = [];
  const el = $("#undo-toast");
  if (!el) return;
  if (el.contains(document.activeElement)) app.focusBoard(); // not left on a button that goes
  el.hidden = true;
}
app.deletedToast = deletedToast;
$("#toast").addEventListener("click", () => ($("#toast").hidden = true)); // read it and put it away

function rememberBoard() {
  let recent = [];
  try {
    recent = JSON.parse(localStorage.getItem("corkboard:recent")) || [];
  } catch {}
  // Kept by link, the page's permission: the board's id is never sent
  // to the page. (Entries from before links hold an id, which is such a
  // board's facilitate link.)
  recent = recent.filter((b) => (b.link || b.id) !== cfg.link);
  recent.unshift({ link: cfg.link, role: app.role, title: app.state.confirmed.title, at: Date.now() });
  localStorage.setItem("corkboard:recent", JSON.stringify(recent.slice(0, 20)));
}

/** forgetBoard takes this link off the recent boards: it leads nowhere now. */
function forgetBoard() {
  try {
    const recent = JSON.parse(localStorage.getItem("corkboard:recent")) || [];
    localStorage.setItem("corkboard:recent", JSON.stringify(recent.filter((b) => (b.link || b.id) !== cfg.link)));
  } catch {}
}

/** confirmAction asks before something that cannot be taken back, in the
 * page's own dialog, with Cancel focused; it resolves to true for OK.
 * A dialog's close event comes a moment after it closes, so a question
 * asked again at once would take the earlier close for its answer: each
 * question listens only for a close while its dialog is shut, and a new
 * question answers one still waiting with no. */
let confirmWaiting = null;
function confirmAction(text, ok) {
  confirmWaiting?.(false);
  const dialog = $("#confirm-dialog");
  $("#confirm-text").textContent = text;
  $("#confirm-ok").textContent = ok;
  dialog.returnValue = "";
  dialog.showModal();
  $("#confirm-cancel").focus();
  return new Promise((resolve) => {
    const answer = (yes) => {
      if (confirmWaiting === answer) confirmWaiting = null;
      dialog.removeEventListener("close", onClose);
      resolve(yes);
    };
    const onClose = () => {
      if (!dialog.open) answer(dialog.returnValue === "ok");
    };
    confirmWaiting = answer;
    dialog.addEventListener("close", onClose);
  });
}
app.confirm = confirmAction;

/** removePerson asks the facilitator, then removes a person (all of their
 * tabs) from the board. */
async function removePerson(p) {
  const name = p.name || t["names.anonymous"];
  if (!(await confirmAction(format(t["people.removeConfirm"], { name }), t["people.remove"]))) return;
  if (!conn.remove(p.id)) toast(t["people.removeOffline"]);
}

/** showClosed covers the board when the server closed the connection for
 * good: the link was replaced (4004; also when a page that could not
 * connect finds its link leads nowhere), or the facilitator removed this
 * person (4005), who may join again. */
function showClosed(code) {
  const removed = code === Close.removed;
  const deleted = code === Close.deleted; // the board itself is gone (4006)
  for (const d of document.querySelectorAll("dialog[open]")) d.close();
  showMenu(false);
  actions.stopEditing();
  $("#closed-title").textContent = t[removed ? "closed.removedTitle" : deleted ? "closed.deletedTitle" : "closed.replacedTitle"];
  $("#closed-text").textContent = t[removed ? "closed.removed" : deleted ? "closed.deleted" : "closed.replaced"];
  const unsent = removed ? 0 : outbox.ops.length; // a removed person's edits go out when they come back
  $("#closed-unsent").textContent = format(t["closed.unsent"], { n: unsent });
  $("#closed-unsent").hidden = unsent === 0;
  $("#rejoin").hidden = !removed;
  if (!removed) forgetBoard();
  if (deleted) outbox.discard(); // nowhere left to send them
  app.closed = code;
  $("#closed-dialog").showModal();
  (removed ? $("#rejoin") : $("#closed-home")).focus();
}
$("#closed-dialog").addEventListener("cancel", (e) => e.preventDefault()); // Escape does not hide why
$("#rejoin").addEventListener("click", () => {
  app.closed = 0;
  $("#closed-dialog").close();
  conn.rejoin();
});

// The selection toolbar: colours and actions for the selected notes.
function updateToolbar() {
  const bar = $("#selection-bar");
  if (!bar) return; // a view link's page has none
  const n = app.ui.selected.size;
  bar.hidden = n === 0 || !!app.ui.editing;
  $("#selection-count").textContent = n > 1 ? format(t["selection.count"], { n }) : "";
  // What the board's settings refuse is not offered: where students change
  // only their own notes, the tools of someone else's note (a stack's top
  // one too, whoever's notes lie under it) are not there to press.
  const touch = app.moderation?.allows({ ids: [...app.ui.selected] }) ?? true;
  $("#edit-note").hidden = n !== 1 || !touch;
  for (const id of ["#swatches", "#front", "#delete"]) if ($(id)) $(id).hidden = !touch;
  // The swatch of the selection's colour is pressed (K steps on from it).
  const colors = new Set([...app.ui.selected].map((id) => app.view().notes.get(id)?.color));
  for (const s of $("#swatches").children) s.setAttribute("aria-pressed", String(colors.size === 1 && colors.has(s.dataset.color)));
  $("#move-column").hidden = !app.view().columns?.length || !touch;
  if (bar.hidden || $("#move-column").hidden) showColumnMenu(false);
  // One tool of the bar is its Tab stop (the one last used): the arrows
  // go to the others.
  const tools = barTools();
  if (!tools.includes(barTool)) barTool = tools[0];
  for (const b of tools) b.tabIndex = b === barTool ? 0 : -1;
}

// The selection bar is one Tab stop, and comes right after the selected
// note: Tab on the note goes to it, Tab there goes on to the next note,
// Shift+Tab back to the note. Within it the arrows go from tool to tool,
// as in any toolbar, so walking the notes with Tab is not a walk through
// a dozen tools after each. barNote is the note it was reached from.
let barTool = null, barNote = "";
const barTools = () => [...$("#selection-bar").querySelectorAll(":scope > button, #swatches > button")].filter((b) => !b.hidden && !b.disabled);
const noteEl = (id) => (id ? document.getElementById("note-" + id) : null);

function wireToolbarKeys() {
  const bar = $("#selection-bar");
  $("#board").addEventListener("keydown", (e) => {
    const note = e.target.closest?.(".note[data-id]");
    if (e.key !== "Tab" || e.shiftKey || note !== e.target || !app.ui.selected.has(note.dataset.id)) return;
    updateToolbar(); // the bar as the selection is now, not at the last frame
    if (bar.hidden || !bar.checkVisibility()) return; // none, or put away (the projector view)
    e.preventDefault();
    barNote = note.dataset.id;
    barTool?.focus();
  });
  bar.addEventListener("focusin", (e) => {
    if (barTools().includes(e.target)) {
      barTool = e.target;
      for (const b of barTools()) b.tabIndex = b === barTool ? 0 : -1;
    }
  });
  bar.addEventListener("keydown", (e) => {
    const tools = barTools();
    const i = tools.indexOf(e.target);
    if (i < 0) return;
    const to = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: tools.length - 1 }[e.key];
    if (to !== undefined && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      tools[(to + tools.length) % tools.length].focus();
      return;
    }
    if (e.key !== "Tab") return;
    const from = noteEl(barNote);
    if (!from || !app.ui.selected.has(barNote)) return; // reached some other way: Tab goes on as the page goes
    if (e.shiftKey) {
      e.preventDefault();
      from.focus();
      return;
    }
    let next = from.nextElementSibling;
    while (next && !next.matches(".note[data-id]")) next = next.nextElementSibling;
    if (next) {
      e.preventDefault();
      next.focus();
    }
  });
}

// "Move to column…": a menu of the board's columns, the selection's own
// ticked, for those who cannot drag (a finger on a crowded phone, the
// keyboard). It moves through actions.moveToColumn, as one step to undo.
function showColumnMenu(open) {
  const menu = $("#column-menu"), button = $("#move-column");
  if (!menu || menu.hidden === !open) return;
  menu.hidden = !open;
  button.setAttribute("aria-expanded", String(open));
  if (!open) return;
  const view = app.view();
  const at = new Set([...app.ui.selected].map((id) => view.notes.get(id)).filter(Boolean).map((n) => columnOf(view, n)));
  menu.replaceChildren(
    ...view.columns.map((c, i) => {
      const b = document.createElement("button");
      b.type = "button";
      b.setAttribute("role", "menuitemradio");
      b.setAttribute("aria-checked", String(at.size === 1 && at.has(i)));
      b.tabIndex = -1;
      b.textContent = c.name || format(t["columns.untitled"], { n: i + 1 });
      b.addEventListener("click", () => {
        showColumnMenu(false);
        actions.moveToColumn(i);
        if (!button.hidden) button.focus();
      });
      return b;
    }),
  );
  // Above its button, as far as the window allows.
  const bar = $("#selection-bar").getBoundingClientRect();
  const half = menu.offsetWidth / 2, edge = 8;
  const mid = button.offsetLeft + button.offsetWidth / 2;
  menu.style.left = Math.max(edge + half - bar.left, Math.min(innerWidth - edge - half - bar.left, mid)) + "px";
  (menu.querySelector('[aria-checked="true"]') || menu.firstElementChild)?.focus();
}

function wireColumnMenu() {
  const menu = $("#column-menu"), button = $("#move-column");
  button.addEventListener("click", () => showColumnMenu(menu.hidden));
  menuKeys(menu, button, () => showColumnMenu(false));
  document.addEventListener("pointerdown", (e) => {
    if (!menu.hidden && !e.target.closest("#column-menu, #move-column")) showColumnMenu(false);
  });
}

function buildToolbar() {
  const swatches = $("#swatches");
  if (!swatches) return;
  for (const c of cfg.palette) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "swatch";
    b.dataset.color = c;
    b.title = t["color." + c] || c;
    b.setAttribute("aria-label", t["action.color"] + ": " + (t["color." + c] || c));
    b.addEventListener("click", () => actions.recolor(c));
    swatches.append(b);
  }
  $("#front").addEventListener("click", () => actions.bringToFront());
  $("#edit-note").addEventListener("click", () => {
    const [id] = app.ui.selected;
    if (id) actions.startEditing(id);
  });
  wireToolbarKeys();
  wireColumnMenu();
  $("#duplicate").addEventListener("click", () => actions.duplicate());
  $("#delete").addEventListener("click", () => actions.deleteSelected());
}

// Name: asked once, remembered in this browser. Only "Join" (Enter, or the
// button) takes what was typed. Escape, or Cancel, keeps the name this
// person had; on a first visit, when there is none, they join as a guest
// (as with an empty name), so Escape never shuts anyone out, and the ⋯
// menu's "Change name" shows that name and fixes it.
function askName() {
  const dialog = $("#name-dialog");
  const input = $("#name-input");
  input.value = app.name || "";
  $("#name-cancel").hidden = !app.name;
  // Who sees the name is the board's names setting: it is said as it is.
  // Facilitators are no secret, so theirs shows as ever.
  const names = app.welcomed ? app.state.view().moderation?.names ?? "" : cfg.names || ""; // before the first welcome, as the page was drawn
  $("#name-help").textContent = t[role !== "facilitate" && names === "staff" ? "name.helpStaff" : names === "none" ? "name.helpNone" : "name.help"];
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        const typed = dialog.returnValue === "ok" ? runes(input.value.trim(), app.limits.maxAuthorRunes) : "";
        const name = typed || app.name || t["name.default"] + " " + Math.floor(100 + Math.random() * 900);
        const changed = name !== app.name;
        app.name = name;
        app.state.identify(app.name, app.participant);
        localStorage.setItem("corkboard:name", name);
        resolve(changed);
      },
      { once: true },
    );
  });
}
$("#name-cancel").addEventListener("click", () => $("#name-dialog").close("cancel"));

// Rename the board: double-click the title (or focus it and press Enter),
// type, Enter saves, Escape cancels.
function renameBoard() {
  const h1 = $("#board-title");
  if (h1.isContentEditable) return;
  const before = app.view().title;
  h1.contentEditable = "plaintext-only";
  h1.focus();
  getSelection().selectAllChildren(h1);
  const done = (save) => {
    h1.removeEventListener("keydown", onKey);
    h1.contentEditable = "false";
    const title = h1.textContent.replace(/\s+/g, " ").trim();
    if (save && title && title !== before) app.edit({ kind: "rename", title: runes(title, app.limits.maxTitleRunes) });
    else h1.textContent = before;
    app.render();
  };
  const onKey = (e) => {
    e.stopPropagation();
    if (e.key === "Enter") {
      e.preventDefault();
      h1.blur();
    } else if (e.key === "Escape") {
      e.preventDefault();
      h1.removeEventListener("blur", onBlur);
      done(false);
    }
  };
  const onBlur = () => done(true);
  h1.addEventListener("keydown", onKey);
  h1.addEventListener("blur", onBlur, { once: true });
}
if (app.canRename) {
  $("#board-title").addEventListener("dblclick", renameBoard);
  $("#board-title").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !$("#board-title").isContentEditable) {
      e.preventDefault();
      renameBoard();
    }
  });
  $("#board-title").tabIndex = 0;
}

// The ⋯ menu: what is needed now and then, out of the way of the notes.
const menu = $("#more-menu"), menuButton = $("#more");
function showMenu(open) {
  menu.hidden = !open;
  menuButton.setAttribute("aria-expanded", String(open));
}
const more = menuButton.parentElement; // the button and its menu
// The entries shown on this screen: some are for phones only.
const menuItems = () => [...menu.querySelectorAll("button, a")].filter((el) => el.getClientRects().length > 0);
menuButton.addEventListener("click", () => {
  showMenu(menu.hidden);
  if (!menu.hidden) menuItems()[0]?.focus();
});
// Escape closes the open menu from its button too; the arrows, Home and
// End walk its entries (Tab does as well), and are not the board's.
more.addEventListener("keydown", (e) => {
  if (menu.hidden) return;
  if (e.key === "Escape") {
    e.preventDefault();
    e.stopPropagation();
    showMenu(false);
    menuButton.focus();
    return;
  }
  if (!menu.contains(document.activeElement)) return;
  const items = menuItems();
  const i = items.indexOf(document.activeElement);
  const to = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: items.length - 1 }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  e.stopPropagation();
  items[(to + items.length) % items.length]?.focus();
});
// Tabbing on past its last entry, or back past ⋯, leaves the menu: it
// closes behind.
more.addEventListener("focusout", (e) => {
  if (!menu.hidden && e.relatedTarget && !more.contains(e.relatedTarget)) showMenu(false);
});
document.addEventListener("pointerdown", (e) => {
  if (!menu.hidden && !e.target.closest(".more")) showMenu(false);
});
// An entry chosen closes the menu, whose entries then hide: the focus,
// on the entry, goes back to ⋯, and so does a dialog's that the entry
// opened, when it closes (it would go back to the hidden entry, and fall
// to the page).
let fromMenu = false;
menu.addEventListener("click", (e) => {
  if (!e.target.closest("button, a")) return;
  const focused = menu.contains(document.activeElement);
  showMenu(false);
  if (focused) menuButton.focus();
  else fromMenu = document.activeElement?.closest("dialog") != null;
});
document.addEventListener("close", (e) => {
  if (!fromMenu || !(e.target instanceof HTMLDialogElement)) return;
  fromMenu = false;
  // At its close event the focus may still be in the dialog closed.
  const at = document.activeElement;
  if (!at || at === document.body || e.target.contains(at)) menuButton.focus();
}, true); // close does not bubble

/** leaveProjectorPage makes the projector's page (?projector=1) this
 * person's again when they leave the projector view: it joins anew under
 * their name and as their participant, so they vote, raise a hand and
 * see the names the board shows them. A page that was the projector had
 * no participant, so nobody's private texts or edits are on it: the
 * welcome that brings the participant needs no fresh page. */
let rejoining = false;
app.leaveProjectorPage = async () => {
  if (!projectorPage) return;
  projectorPage = false;
  app.name = localStorage.getItem("corkboard:name") || "";
  if (!app.name) await askName();
  app.state.identify(app.name, app.participant);
  rejoining = true;
  app.epoch = ""; // the whole board anew: the projector was sent no names
  conn.ws?.close(); // say hello again, as this person
  app.render();
};

$("#change-name").addEventListener("click", async () => {
  if (await askName()) conn.ws?.close(); // say hello again with the new name
  app.render();
});

// Large text, the help and the list of people are choices of this person,
// kept in this browser.
/** refitText measures every note's text again: the text size changed. */
app.refitText = () => {
  renderer.refit();
  app.render();
};
function setLargeText(on) {
  document.body.classList.toggle("large-text", on);
  $("#large-text").setAttribute("aria-pressed", String(on));
  renderer.refit();
  app.render();
}
// refitIfUntouched fits the view again after the window changed size,
// unless the person has moved it. Panels and lists that open or grow do not
// refit: the notes would shrink into the space left above them, and for a
// presenter every follower would zoom out with them.
const refitIfUntouched = () => app.autoFit && actions.fit();
$("#large-text").addEventListener("click", () => {
  const on = !document.body.classList.contains("large-text");
  localStorage.setItem("corkboard:large", on ? "1" : "");
  setLargeText(on);
});
setLargeText(!!localStorage.getItem("corkboard:large"));

function showHelp(on) {
  $("#help").hidden = !on;
  $("#show-help").setAttribute("aria-pressed", String(on));
}
$("#hide-help").addEventListener("click", () => {
  localStorage.setItem("corkboard:help", "off");
  showHelp(false);
});
$("#show-help").addEventListener("click", () => {
  const on = $("#help").hidden;
  localStorage.setItem("corkboard:help", on ? "on" : "off");
  showHelp(on);
});
showHelp(localStorage.getItem("corkboard:help") !== "off");

// The names of the people here, or on a phone by default only how many.
function showPeople(open) {
  $("#people").hidden = !open;
  $("#people-toggle").setAttribute("aria-expanded", String(open));
}
$("#people-toggle").addEventListener("click", () => {
  const open = $("#people").hidden;
  localStorage.setItem("corkboard:people", open ? "open" : "closed");
  showPeople(open);
});
const peopleChoice = localStorage.getItem("corkboard:people");
showPeople(peopleChoice ? peopleChoice === "open" : !matchMedia("(max-width: 600px)").matches);

/** freeArea returns the part of the screen no fixed bar covers, in
 * viewport pixels: below the top bar and above the dock (the selection
 * bar, the help and the people). The selection bar counts even while it is
 * hidden, since it appears over the bottom of the screen whenever a note
 * is selected. Fit and new notes keep to this area. With panels false
 * the Lesson panel does not count: a fit (on opening the page with the
 * panel open) shows the notes as they are with the panel shut, not
 * squeezed into the strip above it, just as opening it does not refit. */
app.freeArea = ({ panels = true } = {}) => {
  const vp = $("#viewport");
  const top = Math.max(0, $(".topbar").getBoundingClientRect().bottom);
  const bar = $("#selection-bar");
  const hidden = bar?.hidden;
  if (hidden) {
    bar.style.visibility = "hidden";
    bar.hidden = false;
  }
  const panel = panels ? null : $("#lesson-panel");
  if (panel) panel.style.display = "none";
  const dockTop = $("#dock").getBoundingClientRect().top;
  if (panel) panel.style.display = "";
  if (hidden) {
    bar.hidden = true;
    bar.style.visibility = "";
  }
  const bottom = Math.max(top + 1, Math.min(vp.clientHeight, dockTop));
  return { left: 0, top, right: vp.clientWidth, bottom };
};
new ResizeObserver(() => {
  document.documentElement.style.setProperty("--topbar-h", $(".topbar").getBoundingClientRect().bottom + "px");
}).observe($(".topbar"));
addEventListener("resize", refitIfUntouched);

const actions = createActions(app, { viewport: $("#viewport"), boardEl: $("#board") });
app.actions = actions;
app.fit = actions.fit; // the browser tests call corkboard.fit()
buildToolbar();
attachInput(app, actions);
const share = attachShare(app);
app.stage = attachStage(app, actions); // before the first fit: the projector view has bars of its own
app.lesson = attachLesson(app, { renderer });
app.moderation = attachModeration(app, { renderer }); // after the lesson: its marks on notes come first
attachDownload(app);
attachPaste(app, actions);
attachKeep(app);
attachLifecycle(app); // before the first fit: the retention notice takes room in the dock
app.restore = attachRestore(app);
app.comments = attachComments(app);
app.reactions = attachReactions(app, { renderer, openComments: app.comments.open }); // after moderation: its marks come first
app.columns = attachColumns(app, { renderer }); // after the reactions: its marks name the column, which takes no room
app.list = attachList(app, { actions }); // last: its rows use the lesson's, moderation's, reactions' and comments' actions
app.stacks = attachStacks(app, { renderer, actions }); // after the reactions and columns: a stack's marks are drawn over theirs
app.trash = attachTrash(app);
$("#share")?.addEventListener("click", () => share.open($("#share")));
$("#share-menu")?.addEventListener("click", () => share.open(menuButton)); // the menu entry is hidden by now
for (const el of document.querySelectorAll(".needs-script")) el.hidden = false;
window.corkboard = app; // for the browser tests and the curious
// Open on every note, whatever the screen, not on the board's corner.
app.renderNow(); // the people list and its count first: fit measures the bars
actions.fit();
app.renderNow();

if (!app.name) await askName();
conn.start();
