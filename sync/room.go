package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/gorilla/websocket"

	"corkboard/board"
)

// room is one live board. A single goroutine (run) owns everything below the
// channels: the board, its connections, the recent log and the commit
// pipeline. Everything else talks to it through the channels, so the board
// needs no lock and every operation gets its place in one order.
type room struct {
	hub *Hub
	id  string

	refs int // guarded by hub.mu: holders (connections, requests); unloads only at zero

	ready   chan struct{} // closed when loading has finished
	loadErr error         // written before ready is closed
	done    chan struct{} // closed when run returns

	joins     chan joinRequest
	leaves    chan *conn
	ops       chan opRequest
	cursors   chan cursorUpdate
	requests  chan func()
	committed chan error // the result of the commit in flight

	// Owned by the run goroutine.
	board      *board.Board
	epoch      string
	conns      map[*conn]*peer
	recent     []logged // recent operations for resuming clients, oldest first; see remember
	boardJSON  []byte   // cache of the public board's encoding, for welcomes
	boardJSONv uint64   // the version boardJSON was encoded at

	unsent       []Record     // accepted, not yet sent to the committer
	acks         []pendingAck // waiting for their version to be durable, in version order
	inFlight     bool         // a commit is with the committer
	inFlightUpTo uint64       // the last version in that commit
	durable      uint64       // every version up to this one is on disk

	sinceSnapshot int
	lastSnapshot  time.Time
	lastActive    time.Time

	// outbox holds op messages waiting for the next broadcast in a large
	// room; see broadcastDelay.
	outbox     [][]byte
	flushArmed bool
	flushTimer *time.Timer
	frameBuf   []byte // scratch for frames the room writes itself

	presenceJoined []peerInfo
	presenceLeft   []string
	cursorsDirty   bool
	presenceArmed  bool // the presence timer is running
}

type logged struct {
	version uint64
	at      time.Time // when it was applied
	msg     []byte    // the op message
}

type peer struct {
	info  peerInfo
	dirty bool // cursor moved since the last presence message
}

type joinRequest struct {
	conn  *conn
	hello hello
}

type opRequest struct {
	conn     *conn
	seq      uint64
	op       board.Op
	received time.Time
}

type cursorUpdate struct {
	conn   *conn
	cursor cursor
}

type cursor struct {
	x, y    float64
	hidden  bool
	editing string
}

type pendingAck struct {
	conn      *conn
	seq       uint64
	version   uint64
	duplicate bool
	received  time.Time
}

func newRoom(h *Hub, id string) *room {
	return &room{
		hub:    h,
		id:     id,
		ready:  make(chan struct{}),
		done:   make(chan struct{}),
		joins:  make(chan joinRequest),
		leaves: make(chan *conn),
		// Small buffers: a burst waits in the readers (which stop reading
		// their sockets) rather than in memory of every idle room.
		ops:       make(chan opRequest, 32),
		cursors:   make(chan cursorUpdate, 32),
		requests:  make(chan func()),
		committed: make(chan error, 1),
		conns:     map[*conn]*peer{},
	}
}

func (r *room) run(ctx context.Context) {
	defer r.hub.roomsDone.Done()
	defer close(r.done)
	if err := r.load(ctx); err != nil {
		r.loadErr = err
		close(r.ready)
		r.hub.forget(r)
		if board.ErrorCode(err) != board.ENotFound {
			r.hub.log.Error("loading board", "board", r.id, "err", err)
		}
		return
	}
	close(r.ready)
	r.hub.metrics.LiveBoards.Add(1)
	defer r.hub.metrics.LiveBoards.Add(-1)

	lim := r.hub.lim
	// The presence timer runs only while there is presence news: five
	// hundred quiet rooms should not wake twenty times a second each.
	presence := time.NewTimer(time.Hour)
	presence.Stop()
	defer presence.Stop()
	idle := time.NewTicker(lim.IdleTimeout / 2)
	defer idle.Stop()
	r.lastActive = r.hub.now()
	// Start each room's snapshot clock at a random point of the interval:
	// after a restart a school's boards all load within a second, and
	// would otherwise all write their snapshots in the same commit.
	r.lastSnapshot = r.lastActive.Add(-rand.N(lim.SnapshotInterval))
	r.flushTimer = time.NewTimer(time.Hour)
	r.flushTimer.Stop()
	defer r.flushTimer.Stop()

	for {
		select {
		case j := <-r.joins:
			r.join(j)
		case c := <-r.leaves:
			r.leave(c)
		case req := <-r.ops:
			r.apply(req)
			// Take whatever else is already waiting, so that a burst goes
			// to the committer as one batch.
		drain:
			for range 256 {
				select {
				case req := <-r.ops:
					r.apply(req)
				default:
					break drain
				}
			}
		case u := <-r.cursors:
			r.moveCursor(u)
		case f := <-r.requests:
			f()
		case err := <-r.committed:
			if err != nil {
				r.reset(err)
				return
			}
			r.onCommitted()
		case <-r.flushTimer.C:
			r.flushArmed = false
			r.flushOutbox()
		case <-presence.C:
			r.presenceArmed = false
			r.sendPresence()
		case <-idle.C:
			if len(r.conns) == 0 && !r.inFlight && len(r.unsent) == 0 &&
				r.hub.now().Sub(r.lastActive) >= lim.IdleTimeout && r.hub.unloadIfIdle(r) {
				return
			}
		case <-ctx.Done():
			r.shutdown()
			return
		}
		r.commit(false)
		if !r.presenceArmed && r.presenceNews() {
			r.presenceArmed = true
			presence.Reset(lim.PresenceInterval)
		}
	}
}

// load reads the board's snapshot and replays the log after it.
func (r *room) load(ctx context.Context) error {
	snap, records, err := r.hub.store.LoadBoard(ctx, r.id)
	if err != nil {
		return err
	}
	b, err := board.DecodeBoard(snap, r.hub.boardLim)
	if err != nil {
		return fmt.Errorf("board %s: snapshot: %w", r.id, err)
	}
	for _, rec := range records {
		var e Entry
		if err := json.Unmarshal(rec.Data, &e); err != nil || e.Version != rec.Version {
			return fmt.Errorf("board %s: log record %d is damaged", r.id, rec.Version)
		}
		if e.Version > b.Version {
			if err := board.Apply(b, e.Op, e.stamp(), r.hub.boardLim); err != nil {
				return fmt.Errorf("board %s: replaying record %d: %w", r.id, rec.Version, err)
			}
			b.Clients[e.Client] = max(b.Clients[e.Client], e.Seq)
		}
	}
	r.board = b
	r.durable = b.Version
	// A new epoch on every load: a client that saw versions from an earlier
	// life of this room (which may have been lost in a crash) cannot resume
	// from them and gets the whole board instead.
	r.epoch = randomID(8)
	return nil
}

func (r *room) join(j joinRequest) {
	c := j.conn
	if len(r.conns) >= r.hub.lim.MaxConnsPerBoard {
		c.close(CloseBoardFull, "this board has too many people on it; try again later")
		return
	}
	// Everyone already here gets what is waiting first, so the newcomer's
	// welcome, which includes those operations, is not followed by them again.
	r.flushOutbox()
	p := &peer{info: peerInfo{ID: c.peerID, Name: j.hello.name, Color: j.hello.color}}
	peers := make([]peerInfo, 0, len(r.conns))
	for _, q := range r.conns {
		peers = append(peers, q.info)
	}
	r.conns[c] = p
	r.presenceJoined = append(r.presenceJoined, p.info)

	w := welcomeMsg{
		Type: typeWelcome, Epoch: r.epoch, Version: r.board.Version, You: c.peerID, Peers: peers,
		Limits: r.wireLimits(),
	}
	h := j.hello
	first := r.board.Version + 1
	if len(r.recent) > 0 {
		first = r.recent[0].version
	}
	if h.epoch == r.epoch && h.since <= r.board.Version && h.since+1 >= first {
		w.Resumed = true
		// The welcome and the missed operations go as one queued message
		// (the writer puts queued messages in a JSON array, so joining
		// them with commas keeps the frame valid): one frame, and a queue
		// entry, however many operations were missed, up to the resume
		// window, which is larger than the send queue.
		msg := mustJSON(w)
		for _, l := range r.recent[len(r.recent)-int(r.board.Version-h.since):] {
			msg = append(append(msg, ','), l.msg...)
		}
		c.queue(msg)
		return
	}
	c.queue(r.welcomeWithBoard(w))
}

// welcomeWithBoard encodes a welcome holding the whole board, reusing the
// board's encoding while the version stays the same: when a class of thirty
// joins at once, the board is encoded once.
func (r *room) welcomeWithBoard(w welcomeMsg) []byte {
	if r.boardJSON == nil || r.boardJSONv != r.board.Version {
		r.boardJSON = mustJSON(r.board.Public())
		r.boardJSONv = r.board.Version
	}
	head := mustJSON(w)
	msg := make([]byte, 0, len(head)+len(r.boardJSON)+10)
	msg = append(msg, head[:len(head)-1]...)
	msg = append(msg, `,"board":`...)
	msg = append(msg, r.boardJSON...)
	return append(msg, '}')
}

func (r *room) wireLimits() wireLimits {
	b, s := r.hub.boardLim, r.hub.lim
	return wireLimits{
		MaxTextRunes: b.MaxTextRunes, MaxTitleRunes: b.MaxTitleRunes, MaxNotes: b.MaxNotes,
		MaxBatchOps: b.MaxBatchOps, MaxCoord: b.MaxCoord, MinSize: b.MinSize, MaxSize: b.MaxSize,
		MaxMessage: s.MaxMessageBytes, OpsPerSecond: s.OpsPerSecond, Palette: board.Palette,
	}
}

func (r *room) leave(c *conn) {
	p, ok := r.conns[c]
	if !ok {
		return
	}
	delete(r.conns, c)
	r.presenceLeft = append(r.presenceLeft, p.info.ID)
	r.lastActive = r.hub.now()
}

// apply puts one operation in order: it applies it to the board, sends it to
// every client (the sender too, so everyone sees the same sequence of
// versions), and queues it for the next commit. The sender's ack waits for
// that commit.
func (r *room) apply(req opRequest) {
	c := req.conn
	if _, ok := r.conns[c]; !ok {
		return // the connection left while this waited
	}
	if last := r.board.Clients[c.client]; req.seq <= last {
		// A resend of an operation already applied: acknowledge it again
		// once everything up to now is durable, and change nothing.
		r.hub.metrics.OpsDuplicate.Add(1)
		r.acks = append(r.acks, pendingAck{conn: c, seq: req.seq, version: r.board.Version, duplicate: true, received: req.received})
		r.sendAcks()
		return
	}
	st := board.Stamp{Version: r.board.Version + 1, At: r.hub.now().UTC(), Author: c.name}
	if err := board.Apply(r.board, req.op, st, r.hub.boardLim); err != nil {
		r.hub.metrics.OpsRejected.Add(1)
		c.queue(mustJSON(rejectMsg{Type: typeReject, Seq: req.seq, Code: board.ErrorCode(err), Message: board.ErrorMessage(err)}))
		return
	}
	r.hub.metrics.OpsAccepted.Add(1)
	r.board.Clients[c.client] = req.seq
	entry := mustJSON(Entry{Version: st.Version, At: st.At, Author: st.Author, Client: c.client, Seq: req.seq, Op: req.op})
	r.unsent = append(r.unsent, Record{Version: st.Version, Data: entry})
	msg := opMessage(entry)
	r.remember(logged{version: st.Version, at: st.At, msg: msg})
	r.broadcast(msg, c)
	r.acks = append(r.acks, pendingAck{conn: c, seq: req.seq, version: st.Version, received: req.received})
}

// Broadcast batching. Each frame costs the server a wake-up and a write
// system call per client (about 10 µs on loopback here), whatever it holds.
// In a room of a thousand, sending every operation at once would cost 10 ms
// of CPU per operation, so large rooms gather operations for a short while
// and send them together: the delay grows with the room, by
// broadcastDelayPerConn a client, up to maxBroadcastDelay. Rooms below
// batchFromConns clients send every operation at once.
const (
	batchFromConns        = 100
	broadcastDelayPerConn = 25 * time.Microsecond
	maxBroadcastDelay     = 40 * time.Millisecond

	// Rooms up to this size write broadcasts to idle sockets themselves
	// (see conn.send); larger rooms leave it to the writers, which
	// run on every core.
	directWriteMaxConns = 32
)

func (r *room) broadcastDelay() time.Duration {
	n := len(r.conns)
	if n < batchFromConns {
		return 0
	}
	return min(maxBroadcastDelay, time.Duration(n)*broadcastDelayPerConn)
}

// broadcast sends an op message to every client of the room, at once or
// with the next batch. The sender's copy goes lazily: its ack follows.
func (r *room) broadcast(msg []byte, sender *conn) {
	d := r.broadcastDelay()
	if d == 0 && len(r.outbox) == 0 {
		direct := len(r.conns) <= directWriteMaxConns
		for c := range r.conns {
			switch {
			case c == sender:
				c.queueLazily(msg)
			case direct:
				c.send(msg, &r.frameBuf)
			default:
				c.queue(msg)
			}
		}
		return
	}
	r.outbox = append(r.outbox, msg)
	if !r.flushArmed {
		r.flushArmed = true
		r.flushTimer.Reset(d)
	}
}

// flushOutbox sends the waiting op messages to everyone as one queued
// message (the writer puts messages in a JSON array, so joining them with
// commas keeps the frame valid).
func (r *room) flushOutbox() {
	if len(r.outbox) == 0 {
		return
	}
	msg := bytes.Join(r.outbox, []byte{','})
	for c := range r.conns {
		c.queue(msg)
	}
	clear(r.outbox)
	r.outbox = r.outbox[:0]
}

// remember keeps an op message for resuming clients, dropping the oldest
// beyond ResumeWindow and those older than ResumeAge.
func (r *room) remember(l logged) {
	r.recent = append(r.recent, l)
	n := max(len(r.recent)-r.hub.lim.ResumeWindow, 0)
	for n < len(r.recent) && l.at.Sub(r.recent[n].at) > r.hub.lim.ResumeAge {
		n++
	}
	if n > 0 {
		// Let go of the dropped messages now: the array behind recent
		// lives on until append next moves it.
		clear(r.recent[:n])
		r.recent = r.recent[n:]
		if cap(r.recent) > 4*r.hub.lim.ResumeWindow {
			// Copy down now and then so the array does not grow forever.
			r.recent = append([]logged(nil), r.recent...)
		}
	}
}

// commit sends what is unsent to the committer if no commit is in flight.
// One commit per room at a time: what arrives meanwhile goes in the next,
// which is what makes commits grow with load instead of queueing up.
// On shutdown (final) it also writes a snapshot if any operation came since
// the last one.
func (r *room) commit(final bool) {
	if r.inFlight || (len(r.unsent) == 0 && !(final && r.sinceSnapshot > 0)) {
		return
	}
	lim := r.hub.lim
	now := r.hub.now()
	ch := Change{BoardID: r.id, Records: r.unsent}
	r.sinceSnapshot += len(r.unsent)
	if final || r.sinceSnapshot >= lim.SnapshotEvery || now.Sub(r.lastSnapshot) >= lim.SnapshotInterval {
		ch.Snapshot = mustJSON(r.board)
		// The snapshot holds every record so far, and no client can resume
		// from the stored log (a reloaded room starts a new epoch), so the
		// store may drop all of it.
		ch.TrimBefore = r.board.Version + 1
		r.sinceSnapshot = 0
		r.lastSnapshot = now
	}
	r.unsent = nil
	r.inFlight = true
	r.inFlightUpTo = r.board.Version
	r.hub.committer.submit(commitRequest{change: ch, done: r.committed})
}

func (r *room) onCommitted() {
	r.inFlight = false
	r.durable = r.inFlightUpTo
	r.sendAcks()
}

// sendAcks acknowledges every waiting operation whose version is durable.
func (r *room) sendAcks() {
	now := r.hub.now()
	i := 0
	for ; i < len(r.acks) && r.acks[i].version <= r.durable; i++ {
		a := r.acks[i]
		a.conn.send(mustJSON(ackMsg{Type: typeAck, Seq: a.seq, Version: a.version, Duplicate: a.duplicate}), &r.frameBuf)
		r.hub.metrics.Ack.Observe(now.Sub(a.received))
	}
	r.acks = r.acks[i:]
}

func (r *room) moveCursor(u cursorUpdate) {
	p, ok := r.conns[u.conn]
	if !ok {
		return
	}
	if u.cursor.hidden {
		p.info.X, p.info.Y = nil, nil
	} else {
		x, y := u.cursor.x, u.cursor.y
		p.info.X, p.info.Y = &x, &y
	}
	p.info.Editing = u.cursor.editing
	p.dirty = true
	r.cursorsDirty = true
}

// sendPresence sends the joins, leaves and cursor moves since the last tick
// to everyone, as one message encoded once.
func (r *room) presenceNews() bool {
	return len(r.presenceJoined) > 0 || len(r.presenceLeft) > 0 || r.cursorsDirty
}

func (r *room) sendPresence() {
	if !r.presenceNews() {
		return
	}
	m := presenceMsg{Type: typePresence, Joined: r.presenceJoined, Left: r.presenceLeft}
	if r.cursorsDirty {
		for _, p := range r.conns {
			if p.dirty {
				m.Cursors = append(m.Cursors, p.info)
				p.dirty = false
			}
		}
	}
	msg := mustJSON(m)
	for c := range r.conns {
		c.queue(msg)
	}
	r.presenceJoined, r.presenceLeft, r.cursorsDirty = nil, nil, false
}

// shutdown closes every connection with "going away" and writes everything
// pending, with a final snapshot, before the room stops.
func (r *room) shutdown() {
	r.flushOutbox()
	for c := range r.conns {
		c.close(websocket.CloseGoingAway, "the server is restarting; reconnect in a moment")
	}
	for {
		if r.inFlight {
			if err := <-r.committed; err != nil {
				r.hub.log.Error("final commit failed", "board", r.id, "err", err)
				return
			}
			r.onCommitted()
		}
		if len(r.unsent) == 0 && r.sinceSnapshot == 0 {
			return
		}
		r.commit(true)
	}
}

// reset handles a failed commit. What is in memory may now be ahead of the
// disk, so the room drops it: every client is told to reconnect, and the
// next join loads the board afresh from the store under a new epoch.
// Unacknowledged operations are still held by their senders, who resend them.
func (r *room) reset(err error) {
	r.hub.log.Error("commit failed; reloading board", "board", r.id, "err", err)
	r.hub.forget(r)
	for c := range r.conns {
		c.close(CloseReset, "the server could not save recent changes; reconnecting")
	}
}
