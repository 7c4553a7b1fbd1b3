// Tests of the connection's logic that needs no page: the participant
// secret, the window of operations in flight, and operations too large to
// send. Run with `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { Close, Connection, Outbox, participantSecret, tooLarge } from "./socket.js";

/** MemoryStorage stands in for localStorage and sessionStorage. */
class MemoryStorage {
  constructor() {
    this.m = new Map();
  }
  get length() {
    return this.m.size;
  }
  key(i) {
    return [...this.m.keys()][i] ?? null;
  }
  getItem(k) {
    return this.m.has(k) ? this.m.get(k) : null;
  }
  setItem(k, v) {
    this.m.set(k, String(v));
  }
  removeItem(k) {
    this.m.delete(k);
  }
}

/** FakeSocket stands in for WebSocket: it records what is sent, and the
 * test delivers what the server says. */
class FakeSocket {
  static OPEN = 1;
  static all = [];
  constructor(url) {
    this.url = url;
    this.readyState = FakeSocket.OPEN;
    this.sent = [];
    FakeSocket.all.push(this);
  }
  send(data) {
    this.sent.push(JSON.parse(data));
    this.bytes = Math.max(this.bytes ?? 0, Buffer.byteLength(data));
  }
  close() {
    this.readyState = 3;
  }
  receive(...msgs) {
    this.onmessage({ data: JSON.stringify(msgs) });
  }
  seqs() {
    return this.sent.filter((m) => m.type === "op").map((m) => m.seq);
  }
}

const welcome = (maxInFlight, maxMessageBytes) => ({
  type: "welcome", epoch: "e1", version: 0, you: "p1", participant: "AAAAAAAAAAAAAAAA", resumed: false, peers: [],
  limits: { maxInFlight, maxMessageBytes },
});
const noteId = "00000000-0000-4000-8000-00000000000a";
const move = (x) => ({ kind: "update", id: noteId, set: { x } });

/** typed returns an edit of the note's text whose op message, sent with
 * the given seq, takes exactly bytes bytes in UTF-8: the text is made of
 * letter (one, two or three bytes), topped up with "x". */
function typed(seq, bytes, letter) {
  const size = (text) => Buffer.byteLength(JSON.stringify({ type: "op", seq, op: { kind: "update", id: noteId, set: { text } } }));
  const room = bytes - size("");
  const n = Math.floor(room / Buffer.byteLength(letter));
  const text = letter.repeat(n) + "x".repeat(room - n * Buffer.byteLength(letter));
  assert.equal(size(text), bytes);
  return { kind: "update", id: noteId, set: { text } };
}

/** mustConnection returns a connection on a FakeSocket, and heard: what
 * it told the page (onMessage), as board.js would hear it. */
function mustConnection(t) {
  globalThis.WebSocket = FakeSocket;
  globalThis.localStorage = new MemoryStorage();
  globalThis.navigator ??= { onLine: true }; // node before 21 has none
  const outbox = new Outbox("board", localStorage, new MemoryStorage());
  let limits = {}; // none until the welcome, as in board.js
  const heard = [];
  const conn = new Connection({
    url: "ws://corkboard.test/ws/board",
    outbox,
    hello: () => ({ name: "Ada" }),
    limits: () => limits,
    onMessage: (m) => {
      heard.push(m);
      if (m.type === "welcome") limits = m.limits;
    },
    onStatus: () => {},
  });
  t.after(() => {
    clearInterval(outbox.timer);
    clearTimeout(conn.retryTimer);
  });
  return { outbox, conn, heard };
}

/** online connects conn on a new FakeSocket and delivers the welcome. */
function online(conn, w) {
  conn.retryNow();
  const ws = FakeSocket.all.at(-1);
  ws.onopen();
  ws.receive(w);
  return ws;
}

const rejects = (heard) => heard.filter((m) => m.type === "reject").map(({ seq, code, local }) => ({ seq, code, local }));
const tick = () => new Promise(setImmediate);

test("the participant secret is made once per browser, in the form of a board id", () => {
  const storage = new MemoryStorage();
  const s = participantSecret(storage);
  assert.match(s, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(Buffer.from(s, "base64url").length, 16);
  assert.equal(participantSecret(storage), s, "the same secret every time");
  assert.notEqual(participantSecret(new MemoryStorage()), s, "another browser, another secret");
  storage.setItem("corkboard:participant", "tampered");
  assert.match(participantSecret(storage), /^[A-Za-z0-9_-]{21}[AQgw]$/, "a malformed one is replaced");
});

test("at most maxInFlight ops are on the wire unanswered; each answer lets the next go", (t) => {
  const { outbox, conn } = mustConnection(t);
  for (let i = 1; i <= 5; i++) outbox.add(move(i)); // made offline
  conn.connect();
  const ws = FakeSocket.all.at(-1);
  ws.onopen();
  assert.equal(ws.sent[0].type, "hello");
  assert.equal(ws.sent[0].participant, localStorage.getItem("corkboard:participant"));
  assert.deepEqual(ws.seqs(), [], "nothing before the welcome");

  ws.receive(welcome(3));
  assert.deepEqual(ws.seqs(), [1, 2, 3]);
  assert.equal(conn.send(move(6)), 6);
  assert.deepEqual(ws.seqs(), [1, 2, 3], "the window is full");
  ws.receive({ type: "ack", seq: 1, version: 1 });
  assert.deepEqual(ws.seqs(), [1, 2, 3, 4]);
  ws.receive({ type: "reject", seq: 3, code: "not_found", message: "gone" }, { type: "ack", seq: 2, version: 2 });
  assert.deepEqual(ws.seqs(), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(outbox.ops.map((o) => o.seq), [4, 5, 6], "kept until answered");
  assert.equal(JSON.parse(localStorage.getItem(outbox.prefix + outbox.client)).ops.length, 3);
  assert.ok(ws.sent.slice(1).every((m) => !JSON.stringify(m).includes(ws.sent[0].participant)), "the secret goes in the hello only");

  // A reconnect sends everything unanswered again, in order, in the window.
  conn.pause();
  conn.resume();
  const ws2 = FakeSocket.all.at(-1);
  assert.notEqual(ws2, ws);
  ws2.onopen();
  conn.send(move(7));
  assert.deepEqual(ws2.seqs(), [], "nothing before the welcome");
  ws2.receive(welcome(3));
  assert.deepEqual(ws2.seqs(), [4, 5, 6]);
  ws2.receive({ type: "ack", seq: 4, version: 3, duplicate: true });
  assert.deepEqual(ws2.seqs(), [4, 5, 6, 7]);
  ws2.receive({ type: "ack", seq: 5, version: 4 });
  assert.deepEqual(ws2.seqs(), [4, 5, 6, 7], "nothing left to send");
  conn.send(move(8));
  assert.deepEqual(ws2.seqs(), [4, 5, 6, 7, 8], "room in the window: sent at once");
});

test("a connection closed for what it would send again stays down", async (t) => {
  for (const [name, code] of [
    ["a refused hello", Close.badHello],
    ["a message too big before any op went out", Close.tooBig],
  ]) {
    await t.test(name, (t) => {
      const { outbox, conn } = mustConnection(t);
      outbox.add(move(1)); // unsent: not what the server refused
      conn.connect();
      const ws = FakeSocket.all.at(-1);
      ws.onopen();
      ws.onclose({ code, reason: "why" });
      assert.equal(conn.state, "failed");
      assert.equal(conn.retryTimer, undefined);
      assert.deepEqual(outbox.ops.map((o) => o.seq), [1], "the edit is kept");
    });
  }
});

test("an op over maxMessageBytes is not sent but refused like a reject; the rest go out", async (t) => {
  const { outbox, conn, heard } = mustConnection(t);
  const limit = 300;
  outbox.add(move(1));
  outbox.add(typed(2, limit + 1, "x")); // over
  outbox.add(typed(3, limit, "å")); // at the limit, in two-byte letters: sent
  outbox.add(typed(4, limit + 1, "å")); // over in UTF-8, not in UTF-16
  outbox.add(typed(5, limit + 2, "€")); // over, in three-byte letters
  outbox.add(move(6));
  const ws = online(conn, welcome(3, limit));
  assert.deepEqual(ws.seqs(), [1, 3, 6], "refused ops take no place in the window");
  assert.ok(ws.bytes <= limit, `a message of ${ws.bytes} bytes went out`);
  assert.deepEqual(outbox.ops.map((o) => o.seq), [1, 3, 6], "refused ops leave the outbox");
  assert.equal(JSON.parse(localStorage.getItem(outbox.prefix + outbox.client)).ops.length, 3, "and its storage");
  assert.deepEqual(rejects(heard), [], "the page hears of it after the current code has run");
  await tick();
  assert.deepEqual(rejects(heard), [2, 4, 5].map((seq) => ({ seq, code: tooLarge, local: true })));

  // An edit made while connected is refused the same way when its turn
  // comes, after its caller (board.js's edit) has recorded its seq.
  ws.receive({ type: "ack", seq: 1, version: 1 }, { type: "ack", seq: 3, version: 2 });
  const recorded = [];
  recorded.push(conn.send(typed(7, limit * 10, "x")));
  conn.send(move(8));
  assert.deepEqual(ws.seqs(), [1, 3, 6, 8]);
  assert.equal(rejects(heard).length, 3);
  await tick();
  assert.deepEqual(rejects(heard).at(-1), { seq: 7, code: tooLarge, local: true });
  assert.deepEqual(recorded, [7]);
  ws.receive({ type: "ack", seq: 6, version: 3 }, { type: "ack", seq: 8, version: 4 });
  assert.equal(outbox.ops.length, 0);
  assert.equal(conn.state, "connected");
});

test("a close 1009 drops the op that caused it, found by sending one at a time, and retries no more", async (t) => {
  // A server that closes with 1009 though its welcome named no limit.
  const { outbox, conn, heard } = mustConnection(t);
  for (let i = 1; i <= 4; i++) outbox.add(move(i));
  let ws = online(conn, welcome(3));
  ws.receive({ type: "ack", seq: 1, version: 1 });
  assert.deepEqual(ws.seqs(), [1, 2, 3, 4]);
  ws.onclose({ code: Close.tooBig, reason: "over the limit" });
  assert.equal(conn.state, "reconnecting", "2, 3 and 4 are unanswered: one of them caused it");

  ws = online(conn, welcome(3));
  assert.deepEqual(ws.seqs(), [2], "one at a time");
  ws.receive({ type: "ack", seq: 2, version: 2 });
  assert.deepEqual(ws.seqs(), [2, 3]);
  ws.onclose({ code: Close.tooBig, reason: "over the limit" });
  assert.deepEqual(outbox.ops.map((o) => o.seq), [4], "3 alone was unanswered: it is dropped");
  await tick();
  assert.deepEqual(rejects(heard), [{ seq: 3, code: tooLarge, local: true }]);

  ws = online(conn, welcome(3));
  assert.deepEqual(ws.seqs(), [4], "still one at a time up to the last suspect");
  ws.receive({ type: "ack", seq: 4, version: 3 });
  for (let i = 5; i <= 8; i++) conn.send(move(i));
  assert.deepEqual(ws.seqs(), [4, 5, 6, 7], "then the whole window again");
  assert.equal(conn.state, "connected");
});

test("a link replaced (4004) or a person removed (4005) stays down and says so; removed may rejoin", async (t) => {
  for (const code of [Close.linkReplaced, Close.removed]) {
    await t.test(String(code), (t) => {
      const { conn } = mustConnection(t);
      const closed = [];
      conn.onClosed = (c, reason) => closed.push([c, reason]);
      const ws = online(conn, welcome(3));
      const sockets = FakeSocket.all.length;
      ws.onclose({ code, reason: "why" });
      assert.equal(conn.state, "closed");
      assert.deepEqual(closed, [[code, "why"]]);
      assert.equal(conn.ws, null);
      conn.retryNow(); // coming back online does not bring it back
      assert.equal(FakeSocket.all.length, sockets, "no new socket");
      conn.rejoin();
      assert.equal(FakeSocket.all.length, sockets + 1, "rejoin connects again");
      assert.equal(conn.state, "connecting");
    });
  }
});

/** mustWindow stands in for the page's window and document while t runs:
 * the test fires their events (visibilitychange, pageshow, online). */
function mustWindow(t) {
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), { visibilityState: "visible" });
  const saved = { addEventListener: globalThis.addEventListener, document: globalThis.document };
  globalThis.addEventListener = win.addEventListener.bind(win);
  globalThis.document = doc;
  t.after(() => Object.assign(globalThis, saved));
  return { win, doc };
}

test("a page back on screen reconnects at once, not when the backoff says", (t) => {
  const { conn } = mustConnection(t);
  const { win, doc } = mustWindow(t);
  const waits = [];
  conn.backoff = (attempt) => (waits.push(attempt), 3_600_000); // an hour: only waking brings it back
  conn.start();
  let ws = FakeSocket.all.at(-1);
  ws.onopen();
  ws.receive(welcome(3));
  assert.equal(conn.state, "connected");

  // Asleep in the background, the phone lost the connection.
  ws.readyState = 3;
  ws.onclose({ code: 1006, reason: "" });
  assert.equal(conn.state, "reconnecting");
  assert.deepEqual(waits, [1]);
  const sockets = FakeSocket.all.length;
  doc.visibilityState = "hidden";
  doc.dispatchEvent(new Event("visibilitychange"));
  assert.equal(FakeSocket.all.length, sockets, "hidden: nothing to do yet");
  doc.visibilityState = "visible";
  doc.dispatchEvent(new Event("visibilitychange"));
  assert.equal(FakeSocket.all.length, sockets + 1, "on screen again: a new socket at once");
  ws = FakeSocket.all.at(-1);
  ws.onopen();
  ws.receive(welcome(3));
  assert.equal(conn.state, "connected");
  assert.equal(conn.attempt, 0);

  // Shown again while live and lately heard from: the socket stays.
  doc.dispatchEvent(new Event("visibilitychange"));
  assert.equal(FakeSocket.all.length, sockets + 1);

  // Back from the back-forward cache, its socket closed meanwhile.
  ws.readyState = 3;
  ws.onclose({ code: 1001, reason: "" });
  win.dispatchEvent(Object.assign(new Event("pageshow"), { persisted: false })); // a first load: nothing
  assert.equal(FakeSocket.all.length, sockets + 1);
  win.dispatchEvent(Object.assign(new Event("pageshow"), { persisted: true }));
  assert.equal(FakeSocket.all.length, sockets + 2);
});

test("an open socket silent for a minute is replaced on waking; one heard from lately is kept", (t) => {
  const { conn } = mustConnection(t);
  let now = 0;
  conn.now = () => now;
  const ws = online(conn, welcome(3));
  now += 59_000;
  conn.wake();
  assert.equal(conn.ws, ws, "heard from 59 s ago: kept");
  ws.receive({ type: "presence", joined: [] });
  now += 59_000;
  conn.wake();
  assert.equal(conn.ws, ws, "every message counts as word from the server");
  now += 1_000;
  conn.wake();
  assert.notEqual(conn.ws, ws, "a minute of silence: a new socket");
  assert.equal(ws.readyState, 3, "the silent one is closed");
  const fresh = conn.ws;
  ws.onclose({ code: 1006, reason: "" }); // the old socket's close comes late
  assert.equal(conn.ws, fresh, "and its close changes nothing");
  assert.equal(conn.retryTimer, undefined);

  conn.pause();
  const sockets = FakeSocket.all.length;
  conn.wake();
  assert.equal(FakeSocket.all.length, sockets, "paused on purpose: waking does not connect");
});

test("a page that cannot connect asks whether its link still leads anywhere, and stops if not", async (t) => {
  const { conn } = mustConnection(t);
  const closed = [];
  let asked = 0;
  conn.onClosed = (c) => closed.push(c);
  conn.linkGone = async () => (asked++, true);
  online(conn, welcome(3));
  FakeSocket.all.at(-1).onclose({ code: 1006, reason: "" });
  assert.equal(asked, 0, "one failure is not enough to ask");
  conn.connect();
  FakeSocket.all.at(-1).onclose({ code: 1006, reason: "" });
  assert.equal(asked, 1);
  await tick();
  assert.equal(conn.state, "closed");
  assert.deepEqual(closed, [Close.linkReplaced]);
});
