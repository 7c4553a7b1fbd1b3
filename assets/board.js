// board.js: the board page. It wires the model (state.js), the connection
// (socket.js), the drawing (render.js), the actions (actions.js) and the
// input (input.js) together.

import { BoardState, boardFromJSON, defaultLimits, inverse, UndoStack } from "./state.js";
import { Connection, Outbox, newId, tooLarge } from "./socket.js";
import { Renderer, renderPeople } from "./render.js";
import { createActions } from "./actions.js";
import { attachInput } from "./input.js";

const cfg = JSON.parse(document.getElementById("board-config").textContent);
const t = cfg.strings;
const $ = (sel) => document.querySelector(sel);

const app = {
  cfg,
  t,
  state: new BoardState(boardFromJSON(cfg.board)),
  epoch: "",
  you: "", // this connection's presence id
  participant: "", // this person's public participant id, the same in every tab
  peers: new Map(),
  ui: { selected: new Set(), dragging: new Set(), editing: null, remoteEditors: new Map(), preview: new Map() },
  cam: { x: 0, y: 0, zoom: 1 },
  undo: new UndoStack(newId),
  name: localStorage.getItem("corkboard:name") || "",
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

const renderer = new Renderer({ boardEl: $("#board"), viewportEl: $("#viewport"), cursorsEl: $("#cursors"), strings: t });
const outbox = new Outbox(cfg.boardId);

/** view is the board to show: the model plus the drag in progress. */
app.view = () => {
  const v = app.state.view();
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
  renderer.notes(v, app.ui);
  if ($("#board-title").textContent !== v.title && !$("#board-title").isContentEditable) {
    $("#board-title").textContent = v.title;
    document.title = v.title + " · Corkboard";
  }
  renderer.camera(app.cam);
  renderer.cursors(app.peers, app.you);
  renderPeople($("#people"), app.peers, { you: app.you, participant: app.participant, name: app.name }, t, app.count);
  updateToolbar();
};

/** edit applies an edit of this person: at once on screen, then through the
 * server. undoable says whether it goes on the undo stack. */
app.edit = (op, { undoable = true, inv } = {}) => {
  const before = app.state.view();
  if (undoable) app.undo.record(op, inv ?? inverse(before, op));
  const seq = conn.send(op);
  app.state.local(seq, op);
  app.render();
  return seq;
};

app.cursor = (x, y) => conn.cursor(x, y, app.ui.editing);

const conn = new Connection({
  url: (location.protocol === "https:" ? "wss://" : "ws://") + location.host + cfg.wsPath,
  outbox,
  hello: () => {
    const h = { name: app.name, color: app.color };
    if (app.epoch) {
      h.since = app.state.confirmed.version;
      h.epoch = app.epoch;
    }
    return h;
  },
  limits: () => app.limits,
  onMessage: handle,
  onStatus: showStatus,
});
app.conn = conn;

// Edits left in the outbox by an earlier page (a reload, a closed tab, a
// drop in the middle of typing) show at once and go out after the welcome.
app.state.identify(app.name, app.participant);
for (const { seq, op } of outbox.ops) app.state.local(seq, op);

function handle(m) {
  switch (m.type) {
    case "welcome":
      app.epoch = m.epoch;
      app.you = m.you;
      app.participant = m.participant || "";
      app.state.identify(app.name, app.participant);
      // Field by field: a limit the welcome does not name keeps its default.
      app.limits = { ...defaultLimits, ...m.limits };
      app.peers = new Map(m.peers.map((p) => [p.id, p]));
      app.count = m.count || 0;
      if (m.board) app.state.replace(boardFromJSON(m.board));
      rememberBoard();
      break;
    case "op":
      if (!app.state.serverOp(m, outbox.client)) {
        // A gap cannot happen on one connection; if it does, start afresh.
        app.epoch = "";
        conn.ws?.close();
      }
      break;
    case "ack":
      if (m.duplicate) app.state.settle(m.seq);
      break;
    case "reject":
      app.state.settle(m.seq);
      // socket.js refuses an operation too large to send with a reject of
      // its own (local), which the page words in the person's language.
      toast(m.local && m.code === tooLarge ? t["error.tooLarge"] : t["error.rejected"] + " " + m.message);
      break;
    case "error":
      toast(m.message);
      break;
    case "presence":
      if (m.count) app.count = m.count;
      for (const p of m.joined || []) app.peers.set(p.id, p);
      for (const id of m.left || []) app.peers.delete(id);
      for (const c of m.cursors || []) app.peers.set(c.id, c);
      app.ui.remoteEditors = new Map();
      for (const p of app.peers.values()) if (p.editing && p.id !== app.you) app.ui.remoteEditors.set(p.editing, p);
      break;
  }
  app.render();
}

function showStatus({ state, unsent, reason }) {
  const el = $("#status");
  let text;
  switch (state) {
    case "connected":
      text = unsent ? t["status.saving"] : t["status.saved"];
      break;
    case "offline":
      text = t["status.offline"].replace("{n}", unsent);
      break;
    case "failed":
      text = t["status.failed"] + (reason ? " " + reason : "");
      break;
    default:
      text = unsent ? t["status.reconnectingUnsent"].replace("{n}", unsent) : t["status.reconnecting"];
  }
  el.textContent = text;
  el.dataset.state = state === "connected" && unsent ? "saving" : state;
}

let toastTimer;
function toast(text) {
  const el = $("#toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), 6000);
}
app.toast = toast;

function rememberBoard() {
  let recent = [];
  try {
    recent = JSON.parse(localStorage.getItem("corkboard:recent")) || [];
  } catch {}
  recent = recent.filter((b) => b.id !== cfg.boardId);
  recent.unshift({ id: cfg.boardId, title: app.state.confirmed.title, at: Date.now() });
  localStorage.setItem("corkboard:recent", JSON.stringify(recent.slice(0, 20)));
}

// The selection toolbar: colours and actions for the selected notes.
function updateToolbar() {
  const bar = $("#selection-bar");
  const n = app.ui.selected.size;
  bar.hidden = n === 0 || !!app.ui.editing;
  $("#selection-count").textContent = n > 1 ? t["selection.count"].replace("{n}", n) : "";
}

function buildToolbar() {
  const swatches = $("#swatches");
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
  $("#duplicate").addEventListener("click", () => actions.duplicate());
  $("#delete").addEventListener("click", () => actions.deleteSelected());
}

// Name: asked once, remembered in this browser.
function askName() {
  const dialog = $("#name-dialog");
  const input = $("#name-input");
  input.value = app.name || "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        const name = runes(input.value.trim(), app.limits.maxAuthorRunes) || t["name.default"] + " " + Math.floor(100 + Math.random() * 900);
        app.name = name;
        app.state.identify(app.name, app.participant);
        localStorage.setItem("corkboard:name", name);
        resolve();
      },
      { once: true },
    );
  });
}

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
$("#board-title").addEventListener("dblclick", renameBoard);
$("#board-title").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !$("#board-title").isContentEditable) {
    e.preventDefault();
    renameBoard();
  }
});
$("#board-title").tabIndex = 0;
$("#board-title").title = t["board.rename"];

$("#change-name").addEventListener("click", async () => {
  await askName();
  conn.ws?.close(); // say hello again with the new name
  app.render();
});

$("#large-text").addEventListener("click", () => {
  const on = document.body.classList.toggle("large-text");
  localStorage.setItem("corkboard:large", on ? "1" : "");
  $("#large-text").setAttribute("aria-pressed", String(on));
});
if (localStorage.getItem("corkboard:large")) {
  document.body.classList.add("large-text");
  $("#large-text").setAttribute("aria-pressed", "true");
}

const actions = createActions(app, { viewport: $("#viewport"), boardEl: $("#board") });
app.actions = actions;
app.fit = actions.fit; // the browser tests call corkboard.fit()
buildToolbar();
attachInput(app, actions);
for (const el of document.querySelectorAll(".needs-script")) el.hidden = false;
window.corkboard = app; // for the browser tests and the curious

if (!app.name) await askName();
conn.start();
