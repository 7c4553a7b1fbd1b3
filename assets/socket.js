// socket.js: the connection to the server. It says hello, resumes from the
// last version seen, reconnects with backoff, and keeps every edit in an
// outbox in localStorage until the server acknowledges it as saved, so
// nothing typed is lost to a dropped connection, a reload or a closed tab.
// At most the welcome's maxInFlight operations are on the wire unanswered,
// so a long spell offline goes out at the pace the server takes it. An
// operation over the welcome's maxMessageBytes is never sent: the server
// would close the connection (1009) at every try, so it is refused here,
// like a reject, and everything after it still goes out.
// The protocol is specified in sync/PROTOCOL.md.

const heartbeatMs = 2000; // how often a tab marks its outbox as alive
const orphanMs = 6000; // an outbox not marked for this long belongs to no tab
const boardFullRetryMs = 15000; // a full board will not have room again at once
// silentMs: a socket that has brought nothing for this long when the page
// comes back to the screen is taken for dead and replaced at once. A phone
// puts a page in the background to sleep, and the network may change
// meanwhile; the socket then looks open until a write fails, minutes
// later. The server pings every 25 s, but a page never sees pings, so
// this is longer than a quiet board's usual gaps and as long as the
// server waits for a pong (60 s) before it drops the connection itself.
const silentMs = 60000;

/** backoff returns how long to wait before try number attempt (1, 2, ...):
 * exponential with jitter, so a class whose Wi-Fi comes back does not
 * knock on the server all at the same millisecond. */
export function backoff(attempt) {
  return Math.min(30000, 400 * 2 ** Math.min(attempt, 7)) * (0.5 + Math.random());
}

/** Close names the WebSocket close codes of sync/PROTOCOL.md. */
export const Close = Object.freeze({
  normal: 1000,
  goingAway: 1001, // the server restarts: reconnect and resume
  unsupported: 1003, // a binary frame
  invalidData: 1007, // a frame that is not UTF-8
  tooBig: 1009, // a frame over the size limit
  internal: 1011,
  tooSlow: 4000, // too many messages waiting for this client
  boardFull: 4001, // the board has as many connections as it takes
  badHello: 4002, // the first message was not a valid hello
  reset: 4003, // the server dropped unsaved changes: a new epoch
  linkReplaced: 4004, // the link was replaced: it leads nowhere now
  removed: 4005, // the facilitator removed this person from the board
  deleted: 4006, // the board was deleted: it and its links are gone for good
});

// A close that says "do not come back" (with this link, or for now): the
// page says why and does not try again by itself.
const final = new Set([Close.linkReplaced, Close.removed, Close.deleted]);

// After this many failed tries in a row, the page asks over HTTP whether
// its link still leads anywhere: a link replaced while the page was offline
// never got its close 4004, and the upgrade of a replaced link is refused
// with a 404 that a WebSocket cannot see.
const linkCheckAfter = 2;

// A client that sent one of these would send it again: retrying cannot help.
const hopeless = new Set([Close.badHello, Close.unsupported, Close.invalidData]);

/** tooLarge is the code of a reject this client gives itself (a message
 * with local: true) for an operation it will not send because it is over
 * the server's maxMessageBytes; the server's own code for "too large". */
export const tooLarge = "too_large";

const utf8 = new TextEncoder();

/** overBytes reports whether s takes more than limit bytes in UTF-8, as
 * the server counts a message. Its length in UTF-16 mostly settles it
 * without encoding it: a code unit takes one to three bytes. */
function overBytes(s, limit) {
  if (s.length > limit) return true;
  if (s.length * 3 <= limit) return false;
  return utf8.encode(s).length > limit;
}

const participantKey = "corkboard:participant";
let participantFallback = ""; // for a browser whose storage refuses it

/** participantSecret returns this browser's participant secret, made the
 * first time: 16 random bytes in URL-safe base64 (22 characters), the form
 * board ids have. All tabs and boards of the browser share it, which makes
 * them one participant to the server. It is a secret (whoever holds it
 * acts as this person), so it goes into the hello and nowhere else: it is
 * read from storage each time, never kept on the page's objects, and
 * others only ever see the public id the server derives from it. */
export function participantSecret(storage = localStorage) {
  let s = "";
  try {
    s = storage.getItem(participantKey) || "";
  } catch {}
  if (/^[A-Za-z0-9_-]{21}[AQgw]$/.test(s)) return s;
  s = participantFallback || base64url(crypto.getRandomValues(new Uint8Array(16)));
  try {
    storage.setItem(participantKey, s);
  } catch {
    participantFallback = s; // one participant for this page's life at least
  }
  return s;
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** newId returns a random UUID v4. crypto.randomUUID needs a secure
 * context, and a classroom server is often plain http on the LAN. */
export function newId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Outbox is this tab's unacknowledged edits, mirrored to localStorage. */
export class Outbox {
  constructor(boardId, storage = localStorage, session = sessionStorage) {
    this.storage = storage;
    this.prefix = `corkboard:outbox:${boardId}:`;
    // A reload keeps the tab's client id; a new tab adopts the outbox of a
    // tab that is gone, so its unsent edits are sent after all.
    const sessionKey = `corkboard:client:${boardId}`;
    let client = session.getItem(sessionKey);
    if (!client) client = this.findOrphan() || "b" + newId().replaceAll("-", "").slice(0, 20);
    session.setItem(sessionKey, client);
    this.client = client;
    const saved = this.read(client);
    this.seq = saved.seq || 0;
    this.ops = saved.ops || []; // [{seq, op}]
    this.save();
    this.timer = setInterval(() => this.save(), heartbeatMs);
  }

  read(client) {
    try {
      return JSON.parse(this.storage.getItem(this.prefix + client)) || {};
    } catch {
      return {};
    }
  }

  findOrphan() {
    const now = Date.now();
    for (let i = 0; i < this.storage.length; i++) {
      const key = this.storage.key(i);
      if (!key.startsWith(this.prefix)) continue;
      const rec = this.read(key.slice(this.prefix.length));
      if (now - (rec.alive || 0) > orphanMs && rec.ops?.length) return key.slice(this.prefix.length);
    }
    return null;
  }

  save() {
    const key = this.prefix + this.client;
    if (this.ops.length === 0 && this.seq === 0) {
      this.storage.removeItem(key);
      return;
    }
    try {
      this.storage.setItem(key, JSON.stringify({ seq: this.seq, ops: this.ops, alive: Date.now() }));
    } catch {
      // Storage full or unavailable: the edits are still held in memory.
    }
  }

  add(op) {
    const seq = ++this.seq;
    this.ops.push({ seq, op });
    this.save();
    return seq;
  }

  done(seq) {
    this.ops = this.ops.filter((o) => o.seq !== seq);
    this.save();
  }

  /** discard forgets every unsent edit. The seq stays: a seq is never
   * used twice. */
  discard() {
    this.ops = [];
    this.save();
  }
}

/** Connection keeps one WebSocket to a board open, and its outbox flowing. */
export class Connection {
  constructor({ url, outbox, hello, limits, onMessage, onStatus, onClosed, linkGone, now = () => Date.now() }) {
    this.url = url;
    this.outbox = outbox;
    this.hello = hello; // () => {since, epoch, name, color, participant}; participant false joins without one
    this.limits = limits; // () => the limits in force (app.limits): maxInFlight, maxMessageBytes
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    // onClosed(code, reason) hears of a close that ends the connection for
    // good (4004, 4005); linkGone() answers, as a promise, whether the
    // link leads nowhere any more. Both are optional.
    this.onClosed = onClosed;
    this.linkGone = linkGone;
    this.ws = null;
    // The outbox's ops up to this seq went out on this socket. The ones
    // still in the outbox are unanswered: an ack or reject takes them out.
    this.sentThrough = 0;
    this.attempt = 0;
    this.state = "connecting";
    this.stopped = false;
    this.paused = false;
    // After a close 1009 with several operations unanswered, the ones up
    // to this seq go out one at a time, so the next 1009 names its cause.
    this.oneByOneThrough = 0;
    // backoff(attempt) is the wait before a retry (a test may set its own);
    // now and lastHeard say how long the socket has been silent (wake).
    this.backoff = backoff;
    this.now = now;
    this.lastHeard = 0;
  }

  start() {
    this.connect();
    // Coming back from offline, or from the background (a phone's screen
    // turned on, a tab shown again, a page back from the back-forward
    // cache): try again now, not when the backoff says.
    addEventListener("online", () => this.retryNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.wake();
    });
    addEventListener("pageshow", (e) => {
      if (e.persisted) this.wake();
    });
  }

  /** wake connects at once, without waiting for the backoff, if the
   * socket is down, or open but silent for silentMs (asleep in the
   * background, it may be dead without knowing it). A socket still
   * connecting is left to finish. */
  wake() {
    if (this.stopped || this.paused) return;
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.CONNECTING) return;
    if (ws && ws.readyState === WebSocket.OPEN && this.now() - this.lastHeard < silentMs) return;
    if (ws) {
      // Its close, whenever it comes, is an old socket's: connect ignores it.
      this.ws = null;
      ws.close();
    }
    this.attempt = 0;
    this.connect();
  }

  connect() {
    if (this.stopped || this.paused) return;
    clearTimeout(this.retryTimer);
    this.setState(this.attempt === 0 ? "connecting" : "reconnecting");
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    this.sentThrough = 0; // nothing went out on this socket yet
    ws.onopen = () => {
      this.lastHeard = this.now();
      const { participant = true, ...h } = this.hello();
      const m = { type: "hello", client: this.outbox.client, ...h };
      if (participant) m.participant = participantSecret();
      ws.send(JSON.stringify(m));
    };
    ws.onmessage = (e) => {
      this.lastHeard = this.now();
      let msgs;
      try {
        msgs = JSON.parse(e.data);
      } catch {
        return;
      }
      for (const m of msgs) {
        if (m.type === "welcome") {
          this.attempt = 0;
          // Everything not yet answered goes again, in order; the server
          // applies each at most once.
          this.sentThrough = 0;
          this.setState("connected");
        } else if (m.type === "ack" || m.type === "reject") {
          this.outbox.done(m.seq);
        }
        this.onMessage(m);
      }
      // After the whole frame, so the welcome's limits are in place and
      // every answer in it has freed its slot.
      this.pump();
      this.setState(this.state); // unsent count may have changed
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (final.has(e.code)) {
        this.end(e.code, e.reason);
        return;
      }
      if (hopeless.has(e.code) || (e.code === Close.tooBig && !this.dropTooBig())) {
        this.setState("failed", e.reason);
        return; // retrying the same thing would fail the same way
      }
      this.scheduleRetry(e.code === Close.boardFull ? boardFullRetryMs : 0);
    };
  }

  /** dropTooBig answers a close 1009: the server read a message over its
   * limit, which pump should never have sent (a server whose limit is not
   * the one its welcome gave, say). Sending it again would close the
   * connection again, forever, so it must go. The server never answered
   * the message it could not read, so the cause is among the unanswered
   * ops: if there is one, it is refused; if there are several, they go
   * again one at a time until the next 1009 names it. With none (the hello
   * itself, or a cursor), there is nothing to drop, and it reports false:
   * retrying cannot help. */
  dropTooBig() {
    const unanswered = this.outbox.ops.filter((o) => o.seq <= this.sentThrough);
    if (unanswered.length === 0) return false;
    if (unanswered.length === 1) {
      this.refuse(unanswered[0].seq, "the server closed the connection: the operation is over its size limit");
    } else {
      this.oneByOneThrough = Math.max(this.oneByOneThrough, unanswered.at(-1).seq);
    }
    return true;
  }

  /** refuse takes an operation out of the outbox unsent and tells the page
   * as if the server had rejected it (with local: true), so it is rolled
   * back the same way. The page hears of it after the current task's code
   * has run, since send refuses before its caller has recorded the seq. */
  refuse(seq, message) {
    this.outbox.done(seq);
    const m = { type: "reject", seq, code: tooLarge, message, local: true };
    queueMicrotask(() => this.onMessage(m));
  }

  scheduleRetry(min = 0) {
    this.attempt++;
    this.setState(navigator.onLine === false ? "offline" : "reconnecting");
    const delay = Math.max(min, this.backoff(this.attempt));
    this.retryTimer = setTimeout(() => this.connect(), delay);
    if (this.linkGone && this.attempt % 4 === linkCheckAfter) this.checkLink();
  }

  /** checkLink ends the connection as replaced if the link leads nowhere
   * any more. A failed check (offline, a server restarting) says nothing. */
  async checkLink() {
    let gone = false;
    try {
      gone = await this.linkGone();
    } catch {}
    // linkGone may name the close it amounts to (a deleted board's link).
    if (gone && !this.stopped && this.state !== "connected") this.end(typeof gone === "number" ? gone : Close.linkReplaced, "");
  }

  /** end stops for good after a close that asks not to come back (see
   * final): no retry, until rejoin. */
  end(code, reason) {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close();
    }
    this.setState("closed", reason);
    this.onClosed?.(code, reason);
  }

  /** rejoin connects again after end: a person removed from the board
   * may come back with a link that still works. */
  rejoin() {
    this.stopped = false;
    this.attempt = 0;
    this.connect();
  }

  retryNow() {
    if (!this.ws && !this.stopped && !this.paused) {
      this.attempt = 0;
      this.connect();
    }
  }

  /** send queues an operation (kept until acknowledged) and returns its
   * seq. It goes out now if the window has room, else when it has. */
  send(op) {
    const seq = this.outbox.add(op);
    this.pump();
    this.setState(this.state);
    return seq;
  }

  /** pump sends the outbox's next ops, in seq order, while fewer than
   * maxInFlight are on the wire unanswered. The server reads a client's
   * ops at its own pace; a window keeps a long spell offline from
   * sitting in the socket's buffer, and lets each answer bring the next.
   * An op whose message is over maxMessageBytes is refused instead. */
  pump() {
    if (this.ws?.readyState !== WebSocket.OPEN || this.state !== "connected") return;
    const { maxInFlight, maxMessageBytes } = this.limits();
    if (this.oneByOneThrough && !(this.outbox.ops[0]?.seq <= this.oneByOneThrough)) this.oneByOneThrough = 0;
    const limit = this.oneByOneThrough ? 1 : Math.max(1, maxInFlight);
    // The ops before the first unsent one are all sent and unanswered
    // (answered ones leave the outbox), so its index is the count in
    // flight; finding it looks at no more than the window.
    let i = this.outbox.ops.findIndex((o) => o.seq > this.sentThrough);
    if (i < 0) return;
    while (i < this.outbox.ops.length && i < limit) {
      const { seq, op } = this.outbox.ops[i];
      const msg = JSON.stringify({ type: "op", seq, op });
      if (maxMessageBytes > 0 && overBytes(msg, maxMessageBytes)) {
        // Refusing takes it out of the outbox: the next op is at i now.
        this.refuse(seq, `the operation takes more than the ${maxMessageBytes} bytes a message may have`);
        continue;
      }
      this.ws.send(msg);
      this.sentThrough = seq;
      i++;
    }
  }

  cursor(x, y, editing) {
    if (this.ws?.readyState !== WebSocket.OPEN || this.state !== "connected") return;
    const m = x === null ? { type: "cursor", editing: editing || "" } : { type: "cursor", x, y, editing: editing || "" };
    this.ws.send(JSON.stringify(m));
  }

  /** remove asks the server to remove a person (by presence id) from the
   * board: facilitators only. */
  remove(peer) {
    if (this.ws?.readyState !== WebSocket.OPEN || this.state !== "connected") return false;
    this.ws.send(JSON.stringify({ type: "remove", peer }));
    return true;
  }

  /** stage sends a stage message (present, view, pointer, spotlight,
   * summon, follow, hand, ...). Like a cursor it is never kept or resent:
   * it reports false when not connected, and the page says it again after
   * the next welcome. */
  stage(m) {
    if (this.ws?.readyState !== WebSocket.OPEN || this.state !== "connected") return false;
    this.ws.send(JSON.stringify(m));
    return true;
  }

  /** pause closes the socket and stays offline until resume (for tests and
   * for a "work offline" switch). */
  pause() {
    this.paused = true;
    clearTimeout(this.retryTimer);
    this.ws?.close();
    this.ws = null;
    this.setState("offline");
  }

  resume() {
    this.paused = false;
    this.attempt = 0;
    this.connect();
  }

  setState(state, reason = "") {
    this.state = state;
    this.onStatus({ state, unsent: this.outbox.ops.length, reason });
  }
}
