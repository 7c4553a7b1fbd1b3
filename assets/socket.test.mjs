// Tests of the connection's logic that needs no page: the participant
// secret and the window of operations in flight. Run with `node --test assets/`.
import test from "node:test";
import assert from "node:assert/strict";
import { Close, Connection, Outbox, participantSecret } from "./socket.js";

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

const welcome = (maxInFlight) => ({
  type: "welcome", epoch: "e1", version: 0, you: "p1", participant: "AAAAAAAAAAAAAAAA", resumed: false, peers: [],
  limits: { maxInFlight },
});
const move = (x) => ({ kind: "update", id: "00000000-0000-4000-8000-00000000000a", set: { x } });

function mustConnection(t, maxInFlight) {
  globalThis.WebSocket = FakeSocket;
  globalThis.localStorage = new MemoryStorage();
  const outbox = new Outbox("board", localStorage, new MemoryStorage());
  t.after(() => clearInterval(outbox.timer));
  let limits = {}; // none until the welcome, as in board.js
  const conn = new Connection({
    url: "ws://corkboard.test/ws/board",
    outbox,
    hello: () => ({ name: "Ada" }),
    limits: () => limits,
    onMessage: (m) => {
      if (m.type === "welcome") limits = m.limits;
    },
    onStatus: () => {},
  });
  return { outbox, conn };
}

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
  const { outbox, conn } = mustConnection(t, 3);
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

test("a connection refused for its hello stays down", (t) => {
  const { conn } = mustConnection(t, 64);
  conn.connect();
  const ws = FakeSocket.all.at(-1);
  ws.onclose({ code: Close.badHello, reason: "bad hello" });
  assert.equal(conn.state, "failed");
  assert.equal(conn.retryTimer, undefined);
});
