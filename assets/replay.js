// replay.js: the replay page (/b/{link}/replay). It plays a board back from
// its history, read-only: no socket, no edits, nothing sent but GETs (and
// the copy, which makes a new board). It fetches the board at the first
// replayable version (GET /api/boards/{link}?version=<start>), then its
// operations a page at a time (…/ops), the next page in the background
// while it plays, and draws each version with the board page's own drawing
// (render.js) of the board timeline.js computes. With ?version=N it opens
// paused at N, drawn at once from GET /api/boards/{link}?version=N while
// the operations load: that is how the history page opens a snapshot.
//
// Everything the link may do from here is a link or a request the server
// checks again: "Restore this version" goes to the board page with
// #restore-version=N (restore.js), for links that edit only.

import { boardFromJSON, timeMs } from "./state.js";
import { Renderer, format } from "./render.js";
import { fitCamera } from "./layout.js";
import { Timeline, advance, opsPage, speeds } from "./timeline.js";
import { apiMessage } from "./keep.js";

const cfg = JSON.parse(document.getElementById("replay-config").textContent);
const t = cfg.strings;
const $ = (id) => document.getElementById(id);
const api = "/api/boards/" + encodeURIComponent(cfg.link);
const boardURL = "/b/" + encodeURIComponent(cfg.link);
const number = new Intl.NumberFormat(cfg.lang || undefined);
const clock = new Intl.DateTimeFormat(cfg.lang || undefined, { dateStyle: "medium", timeStyle: "medium" });

document.body.classList.add("scripted");
const renderer = new Renderer({ boardEl: $("board"), viewportEl: $("viewport"), cursorsEl: $("cursors"), strings: t, editable: false });
const ui = { selected: new Set(), dragging: new Set(), editing: null, remoteEditors: new Map() };
const cam = { x: 0, y: 0, zoom: 1 };
const play = $("replay-play"), scrubber = $("replay-scrubber"), speedSelect = $("replay-speed"), where = $("replay-where"), message = $("replay-message");

let last = cfg.last; // the newest version; the ops answers may tell of newer ones
let timeline = null; // once the board at start has come
let shown = null; // {board, version, at}: what is drawn
let playing = false;
let carry = 0, lastFrame = 0;

// --- Fetching ----------------------------------------------------------------

async function getJSON(url) {
  let res;
  try {
    res = await fetch(url, { cache: "no-store" });
  } catch {
    throw new Error(t["share.offline"]);
  }
  if (!res.ok) throw new Error(await apiMessage(res, t));
  return res.json();
}

// loading is the page of operations being fetched, if one is: one at a
// time, in order, each after the newest loaded.
let loading = null;
function loadNext() {
  if (loading || !timeline || timeline.loaded >= last) return loading;
  loading = getJSON(api + "/ops?after=" + timeline.loaded + "&limit=" + opsPage)
    .then((page) => {
      if (page.last > last) setLast(page.last);
      // An empty page below last means the board's history ends sooner
      // than it said: stop there rather than ask forever.
      if (!timeline.append(page.ops) && timeline.loaded < last) setLast(timeline.loaded);
    })
    .finally(() => (loading = null));
  return loading;
}

/** loadUntil fetches pages until version v can be shown. */
async function loadUntil(v) {
  while (timeline.loaded < Math.min(v, last)) await loadNext();
}

/** prefetch keeps a page ahead of the version shown, in the background. */
function prefetch() {
  if (timeline && timeline.loaded - (shown?.version ?? 0) < opsPage / 2) loadNext()?.catch(fail);
}

function setLast(v) {
  last = v;
  scrubber.max = String(v);
}

// --- Drawing -----------------------------------------------------------------

function freeArea() {
  const vp = $("viewport");
  const top = document.querySelector(".topbar").getBoundingClientRect().bottom;
  const bottom = Math.max(top + 1, Math.min(vp.clientHeight, $("dock").getBoundingClientRect().top));
  return { left: 0, top, right: vp.clientWidth, bottom };
}

// frame is where the newest board's notes lie: a board shown without notes
// (the start of a replay, often) is framed as it will be, not at its
// corner at 100 %, so a projector shows the notes as they come.
let frame = [];

/** fit puts every note in view: exactly, after a jump (grow false), and
 * while playing only when a note leaves the view, zooming out, so the
 * board holds still as notes move about inside it. */
function fit(board, grow) {
  let notes = [...board.notes.values()];
  if (!notes.length) notes = frame;
  const area = freeArea();
  const margin = Math.min(40, Math.round((area.right - area.left) * 0.04));
  if (grow && notes.length) {
    const inView = notes.every((n) => {
      const x0 = cam.x + n.x * cam.zoom, y0 = cam.y + n.y * cam.zoom;
      return x0 >= area.left && y0 >= area.top && x0 + n.w * cam.zoom <= area.right && y0 + n.h * cam.zoom <= area.bottom;
    });
    if (inView) return;
  }
  Object.assign(cam, fitCamera(notes, area, { margin, minZoom: 0.05, maxZoom: 2 }));
}

/** draw shows board at version, made at time at ("" when not known). */
function draw(board, version, at, { grow = false } = {}) {
  const first = !shown;
  shown = { board, version, at };
  fit(board, grow);
  renderer.notes(board, ui);
  renderer.camera(cam);
  scrubber.value = String(Math.max(cfg.start, version));
  const when = at ? " · " + clock.format(new Date(timeMs(at))) : "";
  where.textContent = format(t["replay.where"], { v: number.format(version), last: number.format(last) }) + when;
  const restore = $("replay-restore");
  if (restore) restore.href = boardURL + "#restore-version=" + version;
  document.body.dataset.version = String(version);
  if (first) performance.mark("replay-first-picture");
}

/** show draws the timeline at version v. */
function show(v, opts) {
  const board = timeline.at(v);
  draw(board, timeline.version, timeline.timeAt(timeline.version) || (timeline.version === 0 ? board.createdAt : ""), opts);
  prefetch();
}

// --- Playing -----------------------------------------------------------------

function setPlaying(on) {
  const was = playing;
  playing = on && !!timeline;
  play.textContent = (playing ? "⏸ " : "▶ ") + t[playing ? "replay.pause" : "replay.play"];
  play.setAttribute("aria-pressed", String(playing));
  if (!playing) {
    // Stopped, or played to the end: the board as it is now, fitted
    // exactly (playing only ever zooms out).
    if (was && shown) draw(shown.board, shown.version, shown.at);
    return;
  }
  if (shown.version >= last) show(cfg.start); // played to the end: from the start again
  carry = 0;
  lastFrame = 0;
  requestAnimationFrame(tick);
}

function tick(now) {
  if (!playing) return;
  const dt = lastFrame ? (now - lastFrame) / 1000 : 0;
  lastFrame = now;
  const next = advance(shown.version, carry, Number(speedSelect.value), dt, timeline.loaded);
  carry = next.carry;
  if (next.version !== shown.version) show(next.version, { grow: true });
  if (shown.version >= last) return setPlaying(false);
  requestAnimationFrame(tick);
}

play.addEventListener("click", () => setPlaying(!playing));

// Scrubbing: drawn once a frame at most, however fast the input comes; a
// version not loaded yet is drawn once its pages have come.
let wanted = null;
scrubber.addEventListener("input", () => {
  const v = Number(scrubber.value); // before a stop draws the version shown
  setPlaying(false);
  const first = wanted === null;
  wanted = v;
  if (first) requestAnimationFrame(seek);
});
async function seek() {
  const v = wanted;
  if (v > timeline.loaded) {
    where.textContent = t["replay.loading"];
    try {
      await loadUntil(v);
    } catch (err) {
      wanted = null;
      return fail(err);
    }
  }
  if (wanted !== v) return requestAnimationFrame(seek); // moved on meanwhile
  wanted = null;
  message.hidden = true;
  show(v);
}

for (const n of speeds) {
  const o = document.createElement("option");
  o.value = String(n);
  o.textContent = format(t["replay.perSecond"], { n: number.format(n) });
  speedSelect.append(o);
}
speedSelect.value = String(localStorage.getItem("corkboard:replay-speed") || speeds[1]);
if (!speedSelect.value) speedSelect.value = String(speeds[1]);
speedSelect.addEventListener("change", () => localStorage.setItem("corkboard:replay-speed", speedSelect.value));

document.addEventListener("keydown", (e) => {
  if (e.key !== " " || e.target.closest?.("button, input, select, a")) return;
  e.preventDefault();
  setPlaying(!playing);
});
addEventListener("resize", () => {
  if (shown) draw(shown.board, shown.version, shown.at);
});

// --- Copying -------------------------------------------------------------------

$("replay-copy").addEventListener("click", async () => {
  const button = $("replay-copy");
  button.disabled = true;
  try {
    const res = await fetch(api + "/copy?version=" + shown.version, { method: "POST" });
    if (res.status !== 201) throw new Error(await apiMessage(res, t));
    location.href = (await res.json()).url;
  } catch (err) {
    button.disabled = false;
    say(format(t["history.copyFailed"], { message: err instanceof TypeError ? t["share.offline"] : err.message }));
  }
});

// --- Starting ------------------------------------------------------------------

function say(text) {
  message.textContent = text;
  message.hidden = !text;
}

function fail(err) {
  say(format(t["replay.failed"], { message: err.message }));
}

async function start() {
  scrubber.min = String(cfg.start);
  setLast(last);
  const open = cfg.version ?? cfg.start;
  // A version asked for is drawn at once from the server, while the
  // replay loads from the start.
  const direct = open !== cfg.start ? getJSON(api + "?version=" + open) : null;
  direct?.then((b) => {
    if (!shown || !timeline || timeline.loaded < open) draw(boardFromJSON(b), open, "");
    if (open < cfg.start) say(format(t["replay.before"], { v: number.format(open), start: number.format(cfg.start) }));
  }, fail);
  const newest = getJSON(api + "?version=" + last).then((b) => (frame = b.notes || []), () => {});
  timeline = new Timeline(boardFromJSON(await getJSON(api + "?version=" + cfg.start)));
  await newest; // before the first picture: it frames an empty one
  if (open <= cfg.start) {
    if (open === cfg.start) show(cfg.start);
  } else {
    await loadUntil(open);
    show(open);
  }
  play.disabled = false;
  scrubber.disabled = false;
  setPlaying(false);
  prefetch();
}

window.corkboardReplay = { cfg, get timeline() { return timeline; }, get shown() { return shown; }, setPlaying }; // for the browser tests
start().catch(fail);
