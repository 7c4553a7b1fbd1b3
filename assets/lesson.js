// lesson.js: running a lesson, in the page. Everyone sees the lesson's
// state in the lesson bar (the dock's top row): the timer, whether the
// board is locked and why, private writing, the voting round with their
// votes left; and raises a hand or says they are done there. Notes show
// what the lesson does to them: someone else's private note is blank and
// marked as being written, one's own is marked as seen by nobody else
// until the reveal; while a round is open each note has its vote buttons
// and count, and after it its count, and the top notes can be picked out.
// The facilitator's page has the Lesson panel: the lock, private writing
// and the reveal, voting rounds, the timer and the hands.
//
// Lesson operations go through app.edit like every other change, and are
// never undone; hands are stage messages, presence only. The page only
// mirrors the rules: the server checks them all again.

import { ballotTotal, timeMs } from "./state.js";
import { format, others } from "./render.js";

const tickSlackMs = 15; // the countdown redraws this long after each whole second left, so the second has turned
const timeUpMs = 6000; // how long "time's up" covers the top of every screen
const topNotes = 3; // "highlight the top notes" picks out this many places
const maxTimerSeconds = 24 * 60 * 60; // board.MaxTimerSeconds
const maxVotes = 99; // board.MaxVotes
const soundKey = "corkboard:timer-sound";
const panelKey = "corkboard:lesson-panel";

/** attachLesson wires the lesson bar, the notes' lesson marks (through
 * renderer's marks and decorate hooks) and, on the facilitator's page, the
 * Lesson panel. It returns what board.js calls: onMessage for every server
 * message, render after every draw, mayChange before every edit, and
 * myHand for the list of people. */
export function attachLesson(app, { renderer }) {
  const t = app.t;
  const $ = (id) => document.getElementById(id);
  const facilitator = app.role === "facilitate";
  // The server's clock: the welcome's now, and performance.now() then, so
  // every screen counts the timer down to the same moment whatever its own
  // clock says (sync/PROTOCOL.md, "The timer").
  const clock = { server: 0, perf: 0, known: false };
  let hands = { raised: 0, done: 0 };
  let ownHand = ""; // this person's hand as the server last said: welcome, then own presence
  let askedHand = null; // a hand sent and not yet confirmed in presence
  let highlightTop = false;
  let wasLocked = false;

  app.serverNow = () => (clock.known ? clock.server + (performance.now() - clock.perf) : Date.now());
  app.state.now = () => new Date(app.serverNow()).toISOString();

  const setText = (el, s) => {
    if (el && el.textContent !== s) el.textContent = s;
  };
  const show = (el, on) => {
    if (el && el.hidden === on) el.hidden = !on;
  };
  const fill = (key, vars) => format(t[key] || key, vars);

  // --- What each note shows -------------------------------------------------

  // context is what the marks of every note of one view depend on,
  // computed once a view (and again when who this is or the highlight
  // changes). The confirmed board changes in place, so its version is
  // part of what makes a view the same.
  let ctxFor = null;
  function context(view) {
    const c = ctxFor;
    if (c && c.view === view && c.version === view.version && c.me === app.participant && c.top === highlightTop) return c;
    const v = view.voting;
    const me = app.participant;
    const ballot = (me && view.ballots?.[me]) || {};
    // Votes go on while the board is locked: the lock stops writing, not voting.
    const mayVote = !!(v?.open && me);
    ctxFor = { view, version: view.version, me, top: highlightTop, v, ballot, used: ballotTotal(ballot), mayVote, ranks: v && !v.open && highlightTop ? ranks(view) : null };
    return ctxFor;
  }

  // ranks gives the notes with the most votes their place (1, 2, 3; equal
  // counts share one), the first topNotes places only, notes with votes only.
  function ranks(view) {
    const counts = [...view.notes.values()].map((n) => n.votes || 0).filter((c) => c > 0).sort((a, b) => b - a);
    const out = new Map();
    for (const n of view.notes.values()) {
      const c = n.votes || 0;
      if (!c) continue;
      const place = 1 + counts.findIndex((x) => x === c);
      if (place <= topNotes) out.set(n.id, place);
    }
    return out;
  }

  const mine = (n, c) => !!n.authorId && n.authorId === c.me;

  /** marks returns a short string that changes whenever what the lesson
   * shows on note n changes: the renderer draws the note again then, and
   * measures its text again (a mark can take room from the text). */
  renderer.marks = (n, view) => {
    const c = context(view);
    let s = n.private ? (mine(n, c) ? "P" : "W") : "";
    if (c.v?.open && n.pending) {
      s += "|VQ"; // waiting for approval: no votes until it shows (the server refuses them)
    } else if (c.v?.open) {
      const own = c.ballot[n.id] || 0;
      const canAdd = c.mayVote && c.used < c.v.votes && own < c.v.perNote;
      s += `|V${n.votes || 0},${own},${+canAdd},${+c.mayVote},${+!!c.v.hidden}`;
    } else if (c.v && n.votes) {
      s += `|E${n.votes},${c.ranks?.get(n.id) || 0}`; // the count, and its place while the top notes are picked out
    }
    return s;
  };

  /** decorate draws the lesson's marks on a note's element. */
  renderer.decorate = (el, n, mark, view) => {
    const c = context(view);
    const priv = mark[0] === "P" ? "own" : mark[0] === "W" ? "other" : "";
    el.classList.toggle("private-own", priv === "own");
    el.classList.toggle("private-other", priv === "other");
    let m = el.querySelector(":scope > .note-mark");
    if (priv) {
      if (!m) {
        m = document.createElement("div");
        el.prepend(m);
      }
      m.className = "note-mark " + (priv === "own" ? "only-you icon icon-lock" : "writing");
      setText(m, priv === "own" ? t["lesson.onlyYou"] : t["lesson.writing"]);
    } else m?.remove();

    const open = !!c.v?.open;
    const counted = !open && mark.includes("|E");
    el.classList.toggle("voting", open && !n.pending);
    el.classList.toggle("voted", counted);
    const place = counted ? c.ranks?.get(n.id) || 0 : 0;
    el.classList.toggle("top-vote", place > 0);
    if (place) el.dataset.place = String(place);
    else delete el.dataset.place;
    let box = el.querySelector(":scope > .note-votes");
    if ((!open && !counted) || n.pending) {
      box?.remove();
      return;
    }
    if (!box) box = voteBox(el);
    const votes = n.votes || 0, own = c.ballot[n.id] || 0;
    const [minus, count, plus] = box.children;
    show(minus, open && c.mayVote && own > 0);
    show(plus, open && c.mayVote);
    if (open) plus.disabled = !(c.used < c.v.votes && own < c.v.perNote);
    const dots = own > 5 ? "●×" + own : "●".repeat(own);
    let text;
    if (!open) text = (place ? "#" + place + " · " : "") + votes;
    else if (c.v.hidden) text = dots;
    else text = dots + (dots ? " " : "") + votes;
    setText(count, text);
    show(count, text !== "");
    const label = c.v.hidden && open ? fill("lesson.yourVotes", { n: own }) : fill("lesson.voteCount", { n: votes });
    if (count.getAttribute("aria-label") !== label) {
      count.setAttribute("aria-label", label);
      count.title = label;
    }
  };

  // voteBox makes a note's vote buttons and count. Its buttons keep their
  // presses to themselves: a press on a note would select or drag it, and
  // a double press would open it for typing.
  function voteBox(el) {
    const box = document.createElement("div");
    box.className = "note-votes";
    const button = (cls, text, label, up) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = cls;
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.title = label;
      for (const type of ["pointerdown", "dblclick", "keydown"]) b.addEventListener(type, (e) => e.stopPropagation());
      b.addEventListener("click", (e) => {
        e.stopPropagation();
        vote(el.dataset.id, up);
      });
      return b;
    };
    const count = document.createElement("span");
    count.className = "vote-count";
    box.append(button("vote-minus", "−", t["lesson.unvote"], false), count, button("vote-plus", "+", t["lesson.voteFor"], true));
    el.append(box);
    return box;
  }

  /** vote gives note id one of this person's votes (up) or takes one back,
   * after the checks the server makes, so a vote it would refuse says why
   * at once. */
  function vote(id, up) {
    const view = app.state.view();
    const v = view.voting;
    if (!v?.open || !app.participant) return;
    const ballot = view.ballots?.[app.participant] || {};
    if (up && ballotTotal(ballot) >= v.votes) return app.toast(t["lesson.noVotesLeft"]);
    if (up && (ballot[id] || 0) >= v.perNote) return app.toast(fill("lesson.perNoteFull", { n: v.perNote }));
    if (!up && !ballot[id]) return;
    if (view.notes.get(id)?.pending) return; // its buttons are gone; a late click does nothing
    app.edit({ kind: up ? "vote" : "unvote", id }, { undoable: false });
  }

  /** mayChange says whether this person may change the board now, and
   * when not, tells them why: while the board is locked only its
   * facilitator changes it, but for votes, which everyone may still give
   * and take back. The server refuses such an op anyway (code locked). */
  function mayChange() {
    if (facilitator || !app.state.view().locked) return true;
    app.toast(t["lesson.lockedRefused"]);
    return false;
  }

  // --- The timer ------------------------------------------------------------

  let ticker = 0; // the next redraw of a running countdown
  let watching = ""; // the endsAt of a running timer seen before its end: its end is news
  let timeUpTimer = 0;
  let audio = null; // made on a press: browsers play sound only after one
  let soundOn = localStorage.getItem(soundKey) === "on";

  /** timerLeft returns the timer of view as {state, ms}: "running",
   * "paused" or "ended", and the milliseconds left; or null. */
  function timerLeft(view) {
    const tm = view.timer;
    if (!tm) return null;
    if (!tm.endsAt) return { state: "paused", ms: tm.leftMs || 0 };
    const ms = timeMs(tm.endsAt) - app.serverNow();
    return ms > 0 ? { state: "running", ms } : { state: "ended", ms: 0 };
  }

  function clockText(ms) {
    const s = Math.ceil(ms / 1000);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = String(s % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
  }

  function drawTimer() {
    const view = app.state.view();
    const left = timerLeft(view);
    const box = $("lesson-timer");
    show(box, !!left);
    if (!left) {
      watching = "";
      return stopTicker();
    }
    if (left.state === "running") {
      watching = view.timer.endsAt;
      // At the next whole second left, and at the end itself: every screen
      // turns each second, and ends, at the same moment.
      clearTimeout(ticker);
      ticker = setTimeout(tick, (left.ms % 1000 || 1000) + tickSlackMs);
    } else {
      if (left.state === "ended" && watching && watching === view.timer.endsAt) timeUp();
      watching = "";
      stopTicker();
    }
    if (box.dataset.state !== left.state) box.dataset.state = left.state;
    const text =
      left.state === "ended" ? t["lesson.timeUp"] : left.state === "paused" ? fill("lesson.paused", { time: clockText(left.ms) }) : clockText(left.ms);
    setText($("lesson-timer-text"), text);
  }

  // tick redraws the countdown; at its end, the whole page, since more than
  // the countdown changes then (the panel's Pause goes, Reset stays).
  function tick() {
    ticker = 0;
    const was = $("lesson-timer").dataset.state;
    drawTimer();
    if ($("lesson-timer").dataset.state !== was) app.render();
  }

  function stopTicker() {
    clearTimeout(ticker);
    ticker = 0;
  }

  // timeUp shows, on every screen at the same moment, that the time is up:
  // a banner over the top of the board and a pulse around it, and a sound
  // for those who asked for one.
  function timeUp() {
    const banner = $("time-up");
    banner.hidden = false;
    document.body.classList.add("timer-ended");
    clearTimeout(timeUpTimer);
    timeUpTimer = setTimeout(() => {
      banner.hidden = true;
      document.body.classList.remove("timer-ended");
    }, timeUpMs);
    if (soundOn) chime();
  }

  function chime() {
    if (!audio) return;
    const start = audio.currentTime + 0.05;
    for (let i = 0; i < 3; i++) {
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = i === 2 ? 1175 : 880;
      const at = start + i * 0.35;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 0.32);
    }
  }

  function wakeAudio() {
    if (!soundOn) return;
    try {
      audio ??= new AudioContext();
      if (audio.state === "suspended") audio.resume();
    } catch {
      audio = null;
    }
  }

  function drawSound() {
    $("lesson-sound").setAttribute("aria-pressed", String(soundOn)); // the stylesheet strikes the bell through when off
  }
  $("lesson-sound").addEventListener("click", () => {
    soundOn = !soundOn;
    localStorage.setItem(soundKey, soundOn ? "on" : "");
    wakeAudio();
    drawSound();
  });
  drawSound();
  // A sound chosen in an earlier visit can play once the person has
  // pressed anything on the page.
  document.addEventListener("pointerdown", wakeAudio, { once: true, capture: true });
  $("time-up").addEventListener("click", () => ($("time-up").hidden = true));

  // --- Hands ----------------------------------------------------------------

  /** myHand returns this person's hand: "raised", "done" or "". */
  function myHand() {
    return askedHand ?? ownHand;
  }

  // sendStage sends a stage message (socket.js), or says it cannot.
  function sendStage(m) {
    if (app.conn.stage(m)) return true;
    app.toast(t["lesson.offline"]);
    return false;
  }

  function toggleHand(hand) {
    const next = myHand() === hand ? "" : hand;
    if (sendStage({ type: "hand", hand: next })) {
      askedHand = next;
      app.render();
    }
  }
  $("hand-raise")?.addEventListener("click", () => toggleHand("raised"));
  $("hand-done")?.addEventListener("click", () => toggleHand("done"));

  // --- The lesson bar -------------------------------------------------------

  const narrow = matchMedia("(max-width: 600px)"); // as the stylesheet's phones
  narrow.addEventListener("change", () => app.render());

  // badge shows a lesson badge's words: on a phone the short ones, which
  // keep the bar to a row or two, with the whole as its tooltip; and on
  // the facilitator's page, who set it all and has the panel to say more.
  function badge(el, on, long, short) {
    show(el, on);
    setText(el, narrow.matches || facilitator ? short : long);
    if (el.title !== long) el.title = long;
  }

  function drawBar(view) {
    badge($("lesson-locked"), view.locked, t[facilitator ? "lesson.lockedYou" : "lesson.locked"], t[facilitator ? "lesson.lockedYouShort" : "lesson.lockedShort"]);
    badge($("lesson-private"), view.private, t[facilitator ? "lesson.privateYou" : "lesson.private"], t["lesson.privateShort"]);

    const v = view.voting;
    const vb = $("lesson-vote");
    // The projector votes not: an open round's votes left are nobody's there.
    const voter = !!app.participant && !document.body.classList.contains("projector");
    show(vb, !!v && (!v.open || voter));
    if (v) {
      let text;
      if (v.open) {
        const used = ballotTotal((app.participant && view.ballots?.[app.participant]) || {});
        text = fill("lesson.votesLeft", { left: Math.max(0, v.votes - used), votes: v.votes });
        if (v.hidden && !narrow.matches) text += " · " + t["lesson.countsHidden"];
      } else text = t["lesson.voteEnded"];
      setText($("lesson-vote-text"), text);
      const anyVotes = [...view.notes.values()].some((n) => n.votes > 0);
      show($("lesson-top"), !v.open && anyVotes);
    }
    if (!v || v.open) highlightTop = false;
    $("lesson-top").setAttribute("aria-pressed", String(highlightTop));
    $("board").classList.toggle("vote-ranking", highlightTop);

    const raise = $("hand-raise"), done = $("hand-done");
    if (raise) {
      const h = myHand();
      raise.setAttribute("aria-pressed", String(h === "raised"));
      done.setAttribute("aria-pressed", String(h === "done"));
    }
    const hb = $("lesson-hands");
    if (hb) {
      show(hb, hands.raised > 0 || hands.done > 0);
      setText(hb, handsText(narrow.matches));
      if (hb.title !== handsText()) hb.title = handsText();
    }
  }

  // handsText says how many hands are up and how many are done; short
  // (the numbers) in the bar on a phone.
  function handsText(short = false) {
    const parts = [];
    if (hands.raised) parts.push(short ? String(hands.raised) : fill("lesson.handsRaised", { n: hands.raised }));
    if (hands.done) parts.push(short ? "✓ " + hands.done : fill("lesson.handsDone", { n: hands.done }));
    return parts.join(" · ");
  }

  $("lesson-top").addEventListener("click", () => {
    highlightTop = !highlightTop;
    app.render();
  });

  // --- The facilitator's panel ----------------------------------------------

  const panel = $("lesson-panel");
  if (panel) attachPanel();

  function attachPanel() {
    const toggle = $("lesson-toggle");
    const open = (on) => {
      panel.hidden = !on;
      toggle.setAttribute("aria-expanded", String(on));
      localStorage.setItem(panelKey, on ? "open" : "");
      // No refit: the notes fitted into the space above the panel would
      // shrink to specks, and a presenter's followers with them.
    };
    toggle.addEventListener("click", () => open(panel.hidden));
    $("lesson-close").addEventListener("click", () => {
      open(false);
      toggle.focus();
    });
    const tab = (name) => {
      panel.dataset.tab = name;
      for (const b of panel.querySelectorAll("[data-tab-for]")) b.setAttribute("aria-selected", String(b.dataset.tabFor === name));
    };
    for (const b of panel.querySelectorAll("[data-tab-for]")) b.addEventListener("click", () => tab(b.dataset.tabFor));
    tab("board");
    $("lesson-hands").addEventListener("click", () => {
      tab("hands");
      open(true);
    });
    // Enter and Space press the panel's buttons; the board's keys are for notes.
    panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        open(false);
        toggle.focus();
      }
      e.stopPropagation();
    });

    const run = (op) => app.edit(op, { undoable: false });
    $("lesson-lock").addEventListener("click", () => run({ kind: app.state.view().locked ? "unlock" : "lock" }));
    $("lesson-hide").addEventListener("click", () => run({ kind: "hide" }));
    $("lesson-reveal").addEventListener("click", async () => {
      if (await app.confirm(t["lesson.revealConfirm"], t["lesson.revealOk"])) run({ kind: "reveal" });
    });

    const votes = $("lesson-votes"), perNote = $("lesson-per-note");
    votes.addEventListener("input", () => {
      perNote.max = String(Math.max(1, Math.min(maxVotes, Number(votes.value) || 1)));
      if (Number(perNote.value) > Number(perNote.max)) perNote.value = perNote.max;
    });
    $("lesson-vote-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const n = Math.round(Number(votes.value)), per = Math.round(Number(perNote.value));
      if (!(n >= 1 && n <= maxVotes && per >= 1 && per <= n)) return app.toast(fill("lesson.badVotes", { max: maxVotes }));
      const voting = { votes: n, perNote: per };
      if ($("lesson-hidden").checked) voting.hidden = true;
      run({ kind: "vote-start", voting });
    });
    $("lesson-vote-end").addEventListener("click", () => run({ kind: "vote-end" }));
    $("lesson-vote-clear").addEventListener("click", async () => {
      if (await app.confirm(t["lesson.clearConfirm"], t["lesson.voteClear"])) run({ kind: "vote-clear" });
    });

    for (const b of panel.querySelectorAll("[data-seconds]")) {
      b.addEventListener("click", () => run({ kind: "timer-start", seconds: Number(b.dataset.seconds) }));
    }
    $("lesson-timer-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const s = parseDuration($("lesson-timer-custom").value);
      if (!s) return app.toast(t["lesson.badTime"]);
      run({ kind: "timer-start", seconds: s });
    });
    $("lesson-timer-pause").addEventListener("click", () => run({ kind: "timer-pause" }));
    $("lesson-timer-resume").addEventListener("click", () => run({ kind: "timer-resume" }));
    $("lesson-timer-reset").addEventListener("click", () => run({ kind: "timer-reset" }));
    $("lesson-hands-clear").addEventListener("click", () => sendStage({ type: "hands-clear" }));

    if (localStorage.getItem(panelKey) === "open") open(true);
  }

  function drawPanel(view) {
    if (!panel) return;
    const lock = $("lesson-lock");
    lock.setAttribute("aria-pressed", String(view.locked));
    setText(lock, view.locked ? t["lesson.unlock"] : t["lesson.lock"]);
    const privateNotes = [...view.notes.values()].filter((n) => n.private).length;
    show($("lesson-hide"), !view.private && privateNotes === 0);
    show($("lesson-reveal"), view.private || privateNotes > 0);
    setText($("lesson-reveal"), fill("lesson.reveal", { n: privateNotes }));
    setText($("lesson-private-help"), view.private || privateNotes ? t["lesson.revealHelp"] : t["lesson.hideHelp"]);

    const v = view.voting;
    show($("lesson-vote-form"), !v?.open);
    setText($("lesson-vote-start"), v ? t["lesson.voteAgain"] : t["lesson.voteStart"]);
    show($("lesson-vote-end"), !!v?.open);
    show($("lesson-vote-clear"), !!v);
    let state = "";
    if (v) {
      const total = [...view.notes.values()].reduce((s, n) => s + (n.votes || 0), 0);
      const rule = fill("lesson.voteRule", { votes: v.votes, perNote: v.perNote });
      if (v.open) state = (v.hidden ? t["lesson.voteOpenHidden"] : (total === 1 ? t["lesson.voteOpenOne"] : fill("lesson.voteOpen", { n: total }))) + " " + rule;
      else state = fill("lesson.voteClosed", { n: total });
    }
    setText($("lesson-vote-state"), state);
    show($("lesson-vote-state"), !!state);

    const left = timerLeft(view);
    show($("lesson-timer-pause"), left?.state === "running");
    show($("lesson-timer-resume"), left?.state === "paused");
    show($("lesson-timer-reset"), !!left);

    setText($("lesson-hands-count"), handsText() || t["lesson.handsNone"]);
    const me = { you: app.you, participant: app.participant };
    const people = others(app.peers, me).filter((p) => p.hand);
    people.sort((a, b) => (a.hand === b.hand ? 0 : a.hand === "raised" ? -1 : 1));
    const list = $("lesson-hands-list");
    const sig = JSON.stringify(people.map((p) => [p.name, p.hand]));
    if (list._sig !== sig) {
      list._sig = sig;
      list.replaceChildren(
        ...people.map((p) => {
          const li = document.createElement("li");
          li.dataset.hand = p.hand;
          if (p.hand === "raised") li.className = "icon icon-hand";
          li.textContent = (p.hand === "raised" ? "" : "✓ ") + (p.name || t["names.anonymous"]);
          return li;
        }),
      );
    }
    $("lesson-hands-clear").disabled = !(hands.raised || hands.done || people.length);
  }

  // --- Wiring ---------------------------------------------------------------

  /** onMessage takes the lesson's share of a server message. */
  function onMessage(m) {
    switch (m.type) {
      case "welcome":
        if (m.now) {
          clock.server = timeMs(m.now);
          clock.perf = performance.now();
          clock.known = true;
        }
        hands = m.hands || { raised: 0, done: 0 };
        // The welcome says what this person's hand is (kept across reloads
        // and reconnects); peers never list oneself, and in a large room
        // presence may never do.
        ownHand = m.hand || "";
        askedHand = null;
        ctxFor = null; // who this is may have changed
        break;
      case "presence": {
        if (m.hands) hands = m.hands;
        // This person's own entry says what their hand is now.
        const own = [...(m.joined || []), ...(m.cursors || [])].findLast((p) => p.id === app.you);
        if (own) {
          ownHand = own.hand || "";
          askedHand = null;
        }
        break;
      }
    }
  }

  const boardEl = $("board");

  /** render draws the lesson bar and panel for the board as shown, and
   * tells the stylesheet the zoom (for the vote buttons' size). */
  function render(view) {
    const zoom = String(app.cam.zoom);
    if (boardEl.style.getPropertyValue("--zoom") !== zoom) boardEl.style.setProperty("--zoom", zoom);
    if (view.locked && !wasLocked && !facilitator && app.ui.editing) app.actions.stopEditing();
    wasLocked = view.locked;
    drawBar(view);
    drawPanel(view);
    drawTimer();
  }

  return { onMessage, render, mayChange, myHand, vote }; // vote: the list view's buttons too (listview.js)
}

/** parseDuration reads a time typed as minutes ("5") or minutes and
 * seconds ("2:30", "0:02") and returns it in seconds, or 0 if it is not
 * one, or not from 1 second to 24 hours. */
export function parseDuration(s) {
  const m = /^\s*(\d{1,4})(?::(\d{1,2}))?\s*$/.exec(s || "");
  if (!m) return 0;
  const sec = Number(m[2] || 0);
  if (sec >= 60) return 0;
  const total = Number(m[1]) * 60 + sec;
  return total >= 1 && total <= maxTimerSeconds ? total : 0;
}
