// stage.js: presenting a board to a class. The facilitator presents: their
// page sends what it shows (view), a laser pointer and a spotlight; the
// people who follow see the same part of the board, fitted to their own
// screen. Stops are saved views, stepped through like slides. The projector
// view is the board for the wall: large, plain, without editing chrome.
//
// The stage is the server's (sync/stage.go): this page sends stage
// messages and shows the stage the server sends back in presence and in
// the welcome; only the presenter's own camera, pointer and choices are
// the page's. Following is one person's choice: a view link's page follows
// by default, an editor chooses to, and whoever pans or zooms takes the
// view back (input.js tells the stage: tookView) until "Follow again".
// Stops are board state: stop-add, stop-set, stop-delete and stop-move go
// through app.edit like every other change.

import { newId } from "./socket.js";
import { fitCamera, screenToBoard } from "./layout.js";
import { format } from "./render.js";

// View and pointer messages count against the server's limit for cursors
// (30 a second, more are dropped): together they go at most every 50 ms,
// the one that waited longer first, and the presenter sends no cursor.
const sendEveryMs = 50;
const glideMs = 280; // a follower's view glides to the presenter's this long
const minZoom = 0.05, maxZoom = 4; // as actions.js
const spotMaxZoom = 3; // a spotlit note fills the screen, but no more than 3x
// A follower whose screen is this many times narrower (for its height) than
// the presenter's view fits the view's height, not all of it: a landscape
// view shown whole on a portrait phone is too small to read.
const coverRatio = 1.5;
const pointerMargin = 24; // px: a followed laser pointer stays this far inside the screen
const maxStopRunes = 100; // board.MaxStopRunes

/** attachStage wires presenting into the board page and returns the stage:
 * handle(m) for every server message, render() at every draw, key(e) for
 * keys (true when it took one), tookView() when the person moved the view,
 * and what the page and the tests ask: presenting(), following(), info. */
export function attachStage(app, actions) {
  const t = app.t;
  const $ = (id) => document.getElementById(id);
  const body = document.body;
  const canPresent = app.role === "facilitate";

  const s = {
    info: {}, // the stage as the server last sent it; {} while nobody presents
    you: "", // this connection's presence id at the last welcome
    wantPresent: false, // this page asked to present: it asks again after a reconnect
    follow: app.role === "view", // this person's choice, whoever presents
    detached: false, // followed, then moved the view: the button says "Follow again"
    sentFollow: false, // what the server holds for this connection
    pointerMode: false,
    localPointer: null, // the presenter's own pointer, on the board
    atStop: "", // the presenter: the stop on screen, until they move the view
    stopIndex: -1, // the presenter: the last stop gone to
    beforeSpot: null, // the presenter's camera before a spotlight, to go back to
    sentView: "",
    sentPointer: "",
    applied: "", // the follower: the target the camera was last put on
    appliedArea: "", // and the screen area it was fitted into
    barHidden: false,
  };

  const stops = () => app.view().stops ?? [];
  const presenting = () => !!app.you && s.info.presenter === app.you;
  const someoneElse = () => !!s.info.presenter && s.info.presenter !== app.you;
  const following = () => s.follow && someoneElse();
  const send = (m) => app.conn.stage(m);

  // --- The screen area, measured once per change of the page's bars -------

  let areaCache = null, areaKey = "";
  const area = () => (areaCache ??= app.freeArea());
  const areaChanged = () => {
    areaCache = null;
    // The stops list opens just above the dock, whatever its height.
    document.documentElement.style.setProperty("--dock-h", $("dock").getBoundingClientRect().height + "px");
    // A view nobody has moved fits the notes again when the window changes
    // size (with the bars that rewrap with it), but not when a panel, a
    // list or the stage bar opens: fitted into what is left above them
    // the notes would shrink to specks, and a presenter's followers with
    // them.
    const a = area(), key = [a.left, a.top, a.right, a.bottom].join();
    if (key !== areaKey && areaKey && windowResized && app.autoFit && !following()) actions.fit();
    areaKey = key;
    app.render();
  };
  // windowResized is true from a change of the window's size until two
  // frames later, long enough for the bars' own changes that follow it.
  let windowResized = false, resizeFrame = 0;
  const ro = new ResizeObserver(areaChanged);
  ro.observe($("dock"));
  ro.observe(document.querySelector(".topbar"));
  addEventListener("resize", () => {
    windowResized = true;
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => (resizeFrame = requestAnimationFrame(() => (windowResized = false))));
    areaChanged();
  });

  // --- The camera -----------------------------------------------------------

  const reduced = matchMedia("(prefers-reduced-motion: reduce)");
  let glide = null, frame = 0;

  /** glideTo moves the camera to cam: at once, or over ms with the middle
   * of the screen moving straight across the board and the zoom changing
   * evenly, so a long way reads as one move. */
  function glideTo(cam, ms = glideMs) {
    glide = null;
    app.autoFit = false; // the view is the stage's now, not a fit of the notes
    if (ms <= 0 || reduced.matches || document.hidden) {
      Object.assign(app.cam, cam);
      app.render();
      return;
    }
    const a = area();
    glide = { from: { ...app.cam }, to: cam, start: performance.now(), ms, mx: (a.left + a.right) / 2, my: (a.top + a.bottom) / 2 };
    frame ||= requestAnimationFrame(step);
  }
  function step(now) {
    frame = 0;
    const g = glide;
    if (!g) return;
    const k = Math.max(0, Math.min(1, (now - g.start) / g.ms));
    if (k >= 1) {
      glide = null;
      Object.assign(app.cam, g.to);
      app.renderNow();
      return;
    }
    const e = k < 0.5 ? 2 * k * k : 1 - (-2 * k + 2) ** 2 / 2;
    const z = g.from.zoom * (g.to.zoom / g.from.zoom) ** e;
    const mid = (c) => ({ x: (g.mx - c.x) / c.zoom, y: (g.my - c.y) / c.zoom });
    const a = mid(g.from), b = mid(g.to);
    const bx = a.x + (b.x - a.x) * e, by = a.y + (b.y - a.y) * e;
    Object.assign(app.cam, { x: g.mx - bx * z, y: g.my - by * z, zoom: z });
    app.renderNow();
    frame = requestAnimationFrame(step);
  }

  /** fit returns the camera that shows rect whole in the free area. */
  const fit = (rect, margin = 0, max = maxZoom) => fitCamera([rect], area(), { margin, minZoom, maxZoom: max });
  /** followFit returns the camera that shows the presenter's view rect:
   * whole, or on a much narrower screen its full height, centred, and
   * moved sideways just enough to keep the laser pointer on the screen.
   * It zooms in no further than the presenter's own zoom, when they
   * said it. */
  function followFit(rect) {
    const whole = fit(rect);
    const a = area(), W = a.right - a.left, H = a.bottom - a.top;
    if (rect.w / rect.h < coverRatio * (W / H)) return whole;
    const zoom = Math.max(whole.zoom, Math.min(maxZoom, rect.zoom || maxZoom, H / rect.h));
    let x = a.left + W / 2 - (rect.x + rect.w / 2) * zoom;
    const y = a.top + H / 2 - (rect.y + rect.h / 2) * zoom;
    const p = s.info.pointer;
    if (p) {
      const px = x + p.x * zoom;
      if (px < a.left + pointerMargin) x += a.left + pointerMargin - px;
      else if (px > a.right - pointerMargin) x -= px - (a.right - pointerMargin);
    }
    return { x, y, zoom };
  }
  const spotMargin = () => {
    const a = area();
    return Math.round(Math.min(80, (a.right - a.left) * 0.06, (a.bottom - a.top) * 0.08));
  };

  /** tookView hears that the person panned or zoomed: the view is theirs
   * again. A follower stops following (until "Follow again"); the
   * presenter's view is no longer the stop it was. */
  function tookView() {
    if (presenting() || s.wantPresent) {
      glide = null;
      s.atStop = "";
      s.beforeSpot = null;
      return;
    }
    if (!following()) return;
    glide = null;
    s.follow = false;
    s.detached = true;
    syncFollow();
    app.render();
  }

  // --- Sending: present, view, pointer, follow ------------------------------

  let lastSend = -Infinity, pumpTimer = 0;
  const waiting = []; // "view" and "pointer", in the order they became due
  function due(kind) {
    if (!waiting.includes(kind)) waiting.push(kind);
    if (!pumpTimer) pumpTimer = setTimeout(pump, Math.max(0, lastSend + sendEveryMs - performance.now()));
  }
  function pump() {
    pumpTimer = 0;
    while (waiting.length && !sendNow(waiting.shift()));
    if (waiting.length) pumpTimer = setTimeout(pump, sendEveryMs);
  }
  /** sendNow sends the view or the pointer if it changed since it was
   * last sent, and reports whether it sent anything. */
  function sendNow(kind) {
    const m = kind === "view" ? viewMessage() : pointerMessage();
    if (!m) return false;
    const key = m.key;
    delete m.key;
    if (send(m)) {
      if (kind === "view") s.sentView = key;
      else s.sentPointer = key;
    }
    lastSend = performance.now();
    return true;
  }

  /** viewRect is the part of the board the presenter shows: the stop they
   * went to, or what is on their screen between the bars. */
  function viewRect() {
    const stop = s.atStop && stops().find((x) => x.id === s.atStop);
    if (stop) return { x: stop.x, y: stop.y, w: stop.w, h: stop.h, stop: stop.id };
    const L = app.limits;
    const r = screenToBoard(app.cam, area());
    const c = (v) => Math.max(-L.maxCoord, Math.min(L.maxCoord, Math.round(v)));
    const d = (v) => Math.max(1, Math.min(2 * L.maxCoord, Math.round(v)));
    return { x: c(r.x), y: c(r.y), w: d(r.w), h: d(r.h), stop: "" };
  }
  function viewMessage() {
    // On the way to a new view, only where it ends is news.
    if (!s.wantPresent || (glide && !s.atStop)) return null;
    const m = { type: "view", ...viewRect(), zoom: Math.round(app.cam.zoom * 1000) / 1000 || 0.001 };
    m.key = JSON.stringify(m);
    return m.key === s.sentView ? null : m;
  }
  function pointerMessage() {
    if (!s.wantPresent) return null;
    const p = s.pointerMode && s.localPointer;
    const m = p ? { type: "pointer", x: Math.round(p.x), y: Math.round(p.y) } : { type: "pointer" };
    m.key = JSON.stringify(m);
    return m.key === s.sentPointer ? null : m;
  }

  function syncFollow() {
    if (s.sentFollow === s.follow) return;
    if (send({ type: "follow", on: s.follow })) s.sentFollow = s.follow;
  }

  function startPresenting() {
    if (!canPresent) return;
    s.wantPresent = true;
    s.sentView = s.sentPointer = "";
    app.cursor(null, null); // the presenter's cursor gives way to the pointer
    send({ type: "present", on: true });
    due("view");
    app.render();
  }
  function stopPresenting() {
    if (s.info.spotlight && presenting()) send({ type: "spotlight", note: "" });
    presentNoMore();
    send({ type: "present", on: false });
    app.render();
  }

  /** presentNoMore puts away what only a presenter has: this page stopped
   * presenting, or someone else presents now (a takeover, seen in presence
   * or in a welcome after a reconnect). */
  function presentNoMore() {
    s.wantPresent = false;
    s.pointerMode = false;
    s.localPointer = null;
    s.atStop = "";
    s.beforeSpot = null;
    showStops(false);
  }

  // --- The laser pointer ------------------------------------------------------

  const viewport = $("viewport");
  viewport.addEventListener("pointermove", (e) => {
    if (!s.pointerMode || !s.wantPresent) return;
    s.localPointer = actions.toBoard(e.clientX, e.clientY);
    due("pointer");
    app.render();
  });
  viewport.addEventListener("pointerleave", () => {
    if (!s.pointerMode) return;
    s.localPointer = null;
    due("pointer");
    app.render();
  });
  function setPointerMode(on) {
    s.pointerMode = on;
    if (!on) s.localPointer = null;
    due("pointer");
    app.render();
  }

  const laser = document.createElement("div");
  laser.className = "laser";
  laser.hidden = true;
  $("cursors").append(laser);

  // --- Spotlight ----------------------------------------------------------------

  function toggleSpotlight() {
    if (!presenting()) return;
    if (s.info.spotlight) {
      send({ type: "spotlight", note: "" });
      if (s.beforeSpot) glideTo(s.beforeSpot);
      s.beforeSpot = null;
      return;
    }
    const id = [...app.ui.selected][0];
    const n = id && app.view().notes.get(id);
    if (!n) return;
    if (!send({ type: "spotlight", note: id })) return;
    s.beforeSpot = { ...app.cam };
    s.atStop = "";
    actions.stopEditing();
    actions.select([]);
    glideTo(fit(n, spotMargin(), spotMaxZoom));
  }

  // --- Stops ---------------------------------------------------------------------

  /** goToStop shows stop i: the presenter's camera goes there, and the view
   * sent is the stop itself, so every follower fits the same part of the
   * board whatever the shape of their screen. */
  function goToStop(i) {
    const all = stops();
    if (!s.wantPresent || !all.length) return;
    i = Math.max(0, Math.min(all.length - 1, i));
    const st = all[i];
    if (s.info.spotlight) {
      send({ type: "spotlight", note: "" });
      s.beforeSpot = null;
    }
    s.atStop = st.id;
    s.stopIndex = i;
    glideTo(fit(st));
    due("view");
    app.render();
  }
  function stepStop(d) {
    const i = stepStops(stops(), s.atStop, s.stopIndex, d);
    if (i >= 0) goToStop(i);
  }
  /** addStop saves the view as the next stop, unless it is one already
   * (the presenter is on that stop, or the view is exactly the same):
   * then it says which, since a second copy would only be a step that
   * goes nowhere. */
  function addStop() {
    const all = stops();
    const r = viewRect();
    const same = all.findIndex((x) => x.id === r.stop || (x.x === r.x && x.y === r.y && x.w === r.w && x.h === r.h));
    if (same >= 0) {
      app.toast(format(t["stage.stopExists"], { stop: all[same].name || format(t["stage.stopN"], { n: same + 1 }) }));
      return;
    }
    const stop = { id: newId(), x: r.x, y: r.y, w: r.w, h: r.h };
    app.edit({ kind: "stop-add", stop }, { undoable: false });
    s.atStop = stop.id;
    s.stopIndex = all.length;
    due("view");
    renderStops(true);
  }
  function renameStop(st, name) {
    name = [...name.replace(/\s+/g, " ").trim()].slice(0, maxStopRunes).join("");
    if (name === (st.name ?? "")) return;
    const stop = { id: st.id, x: st.x, y: st.y, w: st.w, h: st.h };
    if (name) stop.name = name;
    app.edit({ kind: "stop-set", stop }, { undoable: false });
  }
  function moveStop(st, index) {
    app.edit({ kind: "stop-move", id: st.id, index }, { undoable: false });
  }
  /** deleteStop asks first: stops are never undone. */
  async function deleteStop(st, i) {
    const name = st.name || format(t["stage.stopN"], { n: i + 1 });
    if (!(await app.confirm(format(t["stage.stopDeleteConfirm"], { stop: name }), t["stage.stopDelete"]))) return;
    if (s.atStop === st.id) s.atStop = "";
    app.edit({ kind: "stop-delete", id: st.id }, { undoable: false });
    if (!panel.hidden) $("stops-close").focus(); // its row, and the button pressed, go
  }

  const panel = $("stops-panel");
  function showStops(open) {
    if (!panel) return;
    panel.hidden = !open;
    $("stop-count")?.setAttribute("aria-expanded", String(open));
    if (open) renderStops(true);
  }

  /** renderStops fills the list of stops: number, name (typed to rename),
   * go, up, down, delete. Built again only when the stops changed, so a
   * name being typed is not replaced under the cursor. */
  function renderStops(force = false) {
    if (!panel || panel.hidden) return;
    const all = stops();
    const sig = JSON.stringify([all, s.atStop]);
    const ids = all.map((x) => x.id).join();
    const typing = panel.contains(document.activeElement) && document.activeElement.tagName === "INPUT";
    if (!force && (panel._sig === sig || (typing && panel._ids === ids))) return;
    panel._sig = sig;
    panel._ids = ids;
    $("stops-empty").hidden = all.length > 0;
    const button = (text, label, fn, cls = "") => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.title = label;
      b.setAttribute("aria-label", label);
      if (cls) b.className = cls;
      b.addEventListener("click", fn);
      return b;
    };
    const lis = all.map((st, i) => {
      const li = document.createElement("li");
      li.className = "stop-row";
      if (st.id === s.atStop) li.setAttribute("aria-current", "true");
      const n = document.createElement("span");
      n.className = "stop-number";
      n.textContent = i + 1;
      const input = document.createElement("input");
      input.value = st.name ?? "";
      input.placeholder = format(t["stage.stopN"], { n: i + 1 });
      input.maxLength = maxStopRunes;
      input.setAttribute("aria-label", format(t["stage.stopName"], { n: i + 1 }));
      input.addEventListener("change", () => renameStop(st, input.value));
      input.addEventListener("keydown", (e) => {
        if (e.key === "Enter") input.blur();
      });
      const up = button("↑", t["stage.stopUp"], () => moveStop(st, i - 1));
      up.disabled = i === 0;
      const down = button("↓", t["stage.stopDown"], () => moveStop(st, i + 1));
      down.disabled = i === all.length - 1;
      li.append(
        n, input,
        button(t["stage.stopGo"], t["stage.stopGo"] + ": " + (st.name || format(t["stage.stopN"], { n: i + 1 })), () => goToStop(i), "stop-go"),
        up, down,
        button("×", t["stage.stopDelete"], () => deleteStop(st, i), "stop-delete danger"),
      );
      return li;
    });
    $("stops-list").replaceChildren(...lis);
  }

  // --- Projector view -------------------------------------------------------

  function setProjector(on) {
    body.classList.toggle("projector", on);
    $("projector-toggle")?.setAttribute("aria-pressed", String(on));
    const url = new URL(location.href);
    if (on) url.searchParams.set("projector", "1");
    else url.searchParams.delete("projector");
    history.replaceState(history.state, "", url);
    app.list?.setCanvas(on);
    if (!on) setBarHidden(false);
    if (!on) app.leaveProjectorPage?.(); // the projector's page becomes this person's again
    app.refitText?.();
    areaCache = null;
    if (app.autoFit) actions.fit();
    app.render();
  }
  function setBarHidden(hidden) {
    s.barHidden = hidden;
    body.classList.toggle("bar-hidden", hidden);
    app.render();
  }
  body.classList.toggle("projector", new URLSearchParams(location.search).get("projector") === "1");
  $("projector-toggle")?.setAttribute("aria-pressed", String(body.classList.contains("projector")));

  // --- Buttons -----------------------------------------------------------------

  const on = (id, fn) => $(id)?.addEventListener("click", fn);
  const togglePresenting = () => (s.wantPresent ? stopPresenting() : startPresenting());
  on("present", togglePresenting);
  on("present-menu", togglePresenting);
  on("present-start", startPresenting);
  on("present-stop", stopPresenting);
  on("pointer", () => setPointerMode(!s.pointerMode));
  on("spotlight", toggleSpotlight);
  on("summon", () => {
    sendNow("view"); // the view it summons to is the one on screen now
    send({ type: "summon" });
  });
  on("stop-prev", () => stepStop(-1));
  on("stop-next", () => stepStop(1));
  on("stop-add", addStop);
  on("stop-count", () => showStops(panel.hidden));
  on("stops-close", () => showStops(false));
  on("follow", () => {
    s.follow = true;
    s.detached = false;
    s.applied = ""; // go there now, even if the stage did not change
    syncFollow();
    app.render();
  });
  on("unfollow", () => {
    s.follow = false;
    s.detached = false;
    glide = null;
    syncFollow();
    app.render();
  });
  on("projector-toggle", () => setProjector(!body.classList.contains("projector")));
  on("projector-exit", () => setProjector(false));
  on("bar-hide", () => setBarHidden(true));
  on("bar-show", () => setBarHidden(false));
  panel?.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.stopPropagation(); // the panel's Escape, not the board's (which would blur the button focused here)
      showStops(false);
      $("stop-count")?.focus();
    }
  });

  /** key takes the presenter's keys: PageDown and PageUp (what a clicker
   * sends) step through the stops, and so do the arrows while no note is
   * selected (with one, they move it); L turns the pointer on and off; S
   * spotlights the selected note or ends the spotlight. */
  function key(e) {
    if (!s.wantPresent || e.ctrlKey || e.metaKey || e.altKey || app.ui.editing) return false;
    const arrows = app.ui.selected.size === 0;
    switch (e.key) {
      case "PageDown":
      case "ArrowRight":
        if (e.key === "ArrowRight" && !arrows) return false;
        e.preventDefault();
        stepStop(1);
        return true;
      case "PageUp":
      case "ArrowLeft":
        if (e.key === "ArrowLeft" && !arrows) return false;
        e.preventDefault();
        stepStop(-1);
        return true;
      case "l":
      case "L":
        setPointerMode(!s.pointerMode);
        return true;
      case "s":
      case "S":
        if (!s.info.spotlight && !app.ui.selected.size) return false;
        toggleSpotlight();
        return true;
    }
    return false;
  }

  // --- Messages from the server ----------------------------------------------

  function setInfo(info) {
    const was = s.info;
    s.info = info || {};
    if (s.wantPresent && s.info.presenter && s.info.presenter !== app.you) {
      presentNoMore(); // another facilitator took over
    }
    if (s.info.presenter !== was.presenter) {
      s.applied = "";
      if (!s.info.presenter) s.detached = false;
    }
  }

  function handle(m) {
    switch (m.type) {
      case "welcome": {
        const before = s.you;
        s.you = m.you;
        let stage = m.stage || {};
        if (s.wantPresent) {
          // Presenting ends with the presenter's connection: this page
          // presents again on its new one (taking over from the old one,
          // should the server not have noticed it gone yet).
          if (!stage.presenter || stage.presenter === before) {
            s.sentView = s.sentPointer = "";
            send({ type: "present", on: true });
            due("view");
            if (s.pointerMode) due("pointer");
            stage = {};
          } else {
            presentNoMore(); // someone else took over meanwhile
          }
        }
        s.info = {};
        setInfo(stage);
        s.sentFollow = false; // a new connection follows nobody until it says so
        syncFollow();
        break;
      }
      case "presence":
        if (m.stage) setInfo(m.stage);
        break;
      case "summon":
        if (m.presenter !== app.you && m.view) glideTo(followFit(m.view)); // as a follower sees it
        break;
    }
  }

  // --- Drawing ------------------------------------------------------------------

  const text = (el, v) => {
    if (el && el.textContent !== v) el.textContent = v;
  };
  const show = (el, v) => {
    if (el && el.hidden === v) el.hidden = !v;
  };
  const presenterName = () => s.info.name || t["name.default"];

  const followers = () => countFollowers(app.peers, app.you, app.participant);

  /** stopLabel is "3 / 7" for the stop id among the board's stops, or
   * "– / 7" when the view is not one. */
  function stopLabel(id) {
    const all = stops();
    const i = id ? all.findIndex((x) => x.id === id) : -1;
    return format(t["stage.stopCount"], { i: i >= 0 ? i + 1 : "–", n: all.length });
  }

  let spotShown = ""; // the note drawn as spotlit
  function render() {
    const me = presenting();
    const other = someoneElse();
    const pres = s.wantPresent || me;

    // Follow the presenter: their view, or the note they spotlight.
    if (following()) {
      const spot = s.info.spotlight && app.view().notes.get(s.info.spotlight);
      const rect = spot || s.info.view;
      if (rect) {
        const a = area();
        const cam = spot ? fit(spot, spotMargin(), spotMaxZoom) : followFit(rect);
        // The camera's x is part of the target: a laser pointer that leaves
        // a narrow screen's part of the view moves it.
        const key = JSON.stringify([rect.x, rect.y, rect.w, rect.h, rect.zoom, !!spot, Math.round(cam.x / cam.zoom)]);
        const akey = [a.left, a.top, a.right, a.bottom].join();
        if (key !== s.applied || akey !== s.appliedArea) {
          if (key !== s.applied) glideTo(cam);
          else if (glide) glide.to = cam; // the screen changed on the way
          else glideTo(cam, 0); // the screen changed: fit again at once
        }
        s.applied = key;
        s.appliedArea = akey;
      }
    } else {
      s.applied = "";
    }
    if (pres) due("view");

    // The spotlight: the note stands out and the rest dims, for whoever
    // follows and on the presenter's own screen (the one on the wall).
    const spotId = (me || following()) && s.info.spotlight && app.view().notes.has(s.info.spotlight) ? s.info.spotlight : "";
    if (spotShown !== spotId) {
      if (spotShown) $("note-" + spotShown)?.classList.remove("spotlit");
      spotShown = spotId;
    }
    if (spotId) $("note-" + spotId)?.classList.add("spotlit");
    body.classList.toggle("spotlight-on", !!spotId);

    // The laser pointer: the presenter's own where their mouse is, everyone
    // else's where the server says.
    const pt = me ? s.pointerMode && s.localPointer : other && s.info.pointer;
    show(laser, !!pt);
    if (pt) laser.style.transform = `translate(${pt.x}px, ${pt.y}px) scale(${1 / app.cam.zoom})`;
    body.classList.toggle("pointer-mode", me && s.pointerMode);

    // The top bar: who presents.
    const badge = $("stage-badge");
    show(badge, other);
    if (other) text(badge, format(t["stage.isPresenting"], { name: presenterName() }));
    for (const b of [$("present"), $("present-menu")]) b?.setAttribute("aria-pressed", String(pres));

    // The stage bar: the presenter's tools, or a follower's choice.
    const projector = body.classList.contains("projector");
    const bar = $("stage-bar");
    show(bar, (pres || other || projector) && !s.barHidden);
    show($("bar-show"), projector && s.barHidden);
    show($("bar-hide"), projector);
    show($("projector-exit"), projector && (canPresent || new URLSearchParams(location.search).has("projector")));
    show($("stage-title"), projector);
    if (projector) text($("stage-title"), app.view().title);
    show($("present-start"), projector && canPresent && !pres);
    let status = "";
    if (pres) status = t["stage.presenting"] + " · " + format(t["stage.following"], { n: followers() });
    else if (other) status = following() ? format(t["stage.followingName"], { name: presenterName() }) : format(t["stage.isPresenting"], { name: presenterName() });
    text($("stage-status"), status);
    show($("stage-status"), !!status);
    bar.dataset.state = $("status")?.dataset.state || "";
    const follow = $("follow");
    show(follow, other && !following());
    if (other) text(follow, s.detached ? t["stage.followAgain"] : format(t["stage.follow"], { name: presenterName() }));
    show($("unfollow"), following());
    const where = $("stop-where");
    show(where, other && !!s.info.stop);
    if (other && s.info.stop) text(where, stopLabel(s.info.stop));

    const tools = $("present-tools");
    show(tools, pres);
    if (tools && pres) {
      if (s.atStop && !stops().some((x) => x.id === s.atStop)) s.atStop = "";
      $("pointer").setAttribute("aria-pressed", String(s.pointerMode));
      const spotOn = !!s.info.spotlight && me;
      const spotButton = $("spotlight");
      spotButton.setAttribute("aria-pressed", String(spotOn));
      text(spotButton, spotOn ? t["stage.spotlightOff"] : t["stage.spotlight"]);
      spotButton.disabled = !spotOn && app.ui.selected.size === 0;
      spotButton.title = spotButton.disabled ? t["stage.spotlightNone"] : t["stage.spotlightHelp"];
      const all = stops();
      const at = all.findIndex((x) => x.id === s.atStop);
      text($("stop-count"), stopLabel(s.atStop));
      $("stop-prev").disabled = !all.length || at === 0;
      $("stop-next").disabled = !all.length || at === all.length - 1;
      renderStops();
    }
  }

  return {
    get info() {
      return s.info;
    },
    handle, render, key, tookView,
    presenting, following,
    gliding: () => !!glide,
    /** wantsPresent: this page presents, or has asked to. */
    wantsPresent: () => s.wantPresent,
    viewRect,
    start: startPresenting,
    stop: stopPresenting,
    goToStop,
  };
}

/** stepStops returns the index of the stop d steps (1 or -1) from the one
 * on screen (atStop, an id), or, when the view is not a stop any more,
 * from the last one gone to (last, -1 for none: then the first stop);
 * within the stops, and -1 when there are none. */
export function stepStops(stops, atStop, last, d) {
  if (!stops.length) return -1;
  const at = stops.findIndex((x) => x.id === atStop);
  const from = at >= 0 ? at : Math.min(last, stops.length - 1);
  return from < 0 ? 0 : Math.max(0, Math.min(stops.length - 1, from + d));
}

/** countFollowers counts the people following among peers (presence
 * entries by id): a person with several tabs once, and neither this tab
 * (you) nor any of this person's (participant). */
export function countFollowers(peers, you, participant) {
  const seen = new Set();
  for (const p of peers.values()) {
    if (!p.following || p.id === you || (participant && p.participant === participant)) continue;
    seen.add(p.participant || "tab:" + p.id);
  }
  return seen.size;
}
