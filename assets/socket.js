// socket.js: the connection to the server. It says hello, resumes from the
// last version seen, reconnects with backoff, and keeps every edit in an
// outbox in localStorage until the server acknowledges it as saved, so
// nothing typed is lost to a dropped connection, a reload or a closed tab.
// The protocol is specified in sync/PROTOCOL.md.

const heartbeatMs = 2000; // how often a tab marks its outbox as alive
const orphanMs = 6000; // an outbox not marked for this long belongs to no tab

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
}

/** Connection keeps one WebSocket to a board open, and its outbox flowing. */
export class Connection {
  constructor({ url, outbox, hello, onMessage, onStatus }) {
    this.url = url;
    this.outbox = outbox;
    this.hello = hello; // () => {since, epoch, name, color}
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.ws = null;
    this.attempt = 0;
    this.state = "connecting";
    this.stopped = false;
    this.paused = false;
  }

  start() {
    this.connect();
    // Coming back from the background or from offline: try again now.
    addEventListener("online", () => this.retryNow());
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
    ws.onopen = () => {
      const h = this.hello();
      ws.send(JSON.stringify({ type: "hello", client: this.outbox.client, ...h }));
    };
    ws.onmessage = (e) => {
      let msgs;
      try {
        msgs = JSON.parse(e.data);
      } catch {
        return;
      }
      for (const m of msgs) {
        if (m.type === "welcome") {
          this.attempt = 0;
          this.setState("connected");
          // Everything not yet acknowledged goes again, in order; the
          // server applies each at most once.
          queueMicrotask(() => this.flush());
        } else if (m.type === "ack" || m.type === "reject") {
          this.outbox.done(m.seq);
        }
        this.onMessage(m);
      }
      this.setState(this.state); // unsent count may have changed
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (e.code === 4002 || e.code === 1003 || e.code === 1007) {
        this.setState("failed", e.reason);
        return; // retrying the same thing would fail the same way
      }
      this.scheduleRetry(e.code === 4001 ? 15000 : 0);
    };
  }

  scheduleRetry(min = 0) {
    this.attempt++;
    this.setState(navigator.onLine === false ? "offline" : "reconnecting");
    // Exponential backoff with jitter, so a class whose Wi-Fi comes back
    // does not knock on the server all at the same millisecond.
    const delay = Math.max(min, Math.min(30000, 400 * 2 ** Math.min(this.attempt, 7)) * (0.5 + Math.random()));
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  retryNow() {
    if (!this.ws && !this.stopped && !this.paused) {
      this.attempt = 0;
      this.connect();
    }
  }

  /** send queues an operation (kept until acknowledged) and returns its seq. */
  send(op) {
    const seq = this.outbox.add(op);
    if (this.ws?.readyState === WebSocket.OPEN && this.state === "connected") {
      this.ws.send(JSON.stringify({ type: "op", seq, op }));
    }
    this.setState(this.state);
    return seq;
  }

  flush() {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    for (const { seq, op } of this.outbox.ops) this.ws.send(JSON.stringify({ type: "op", seq, op }));
  }

  cursor(x, y, editing) {
    if (this.ws?.readyState !== WebSocket.OPEN || this.state !== "connected") return;
    const m = x === null ? { type: "cursor", editing: editing || "" } : { type: "cursor", x, y, editing: editing || "" };
    this.ws.send(JSON.stringify(m));
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
