package sync

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"time"

	"github.com/gorilla/websocket"

	"corkboard/board"
)

// room is one live board. A single goroutine (run) owns everything below the
// channels: the board, its connections, what they are sent and what they
// are owed. Everything else talks to it through the channels, so the board
// needs no lock and every operation gets its place in one order, its
// version. What a room does not do is keep the board: its log does that,
// through the room's appender.
type room struct {
	hub *Hub
	id  string

	refs int // guarded by hub.mu: holders (connections, requests); unloads only at zero

	ready   chan struct{} // closed when loading has finished
	loadErr error         // written before ready is closed
	done    chan struct{} // closed when run returns

	joins    chan joinRequest
	leaves   chan *conn
	who      chan *conn
	removes  chan removeRequest
	ops      chan opRequest
	cursors  chan cursorUpdate
	stages   chan stageUpdate
	requests chan func()

	// Owned by the run goroutine.
	board      *board.Board
	epochs     []Epoch // the board's recent epochs; the last is this room's
	conns      map[*conn]*peer
	window     resumeWindow
	boardJSON  []byte // cache of the public board's encoding, for welcomes
	boardJSONv uint64 // the version boardJSON was encoded at
	appender   *appender
	acks       []pendingAck // waiting for their version to be durable, in version order
	snapshots  snapshotter
	keeper     keeper
	presence   presence
	stage      stage
	fan        *fanout         // sends operations in a large room; nil in a small one
	replaced   map[string]bool // links replaced while the room ran: joins with them are turned away
	lastActive time.Time
	stopped    bool // the board was deleted: run returns (delete.go)
}

type peer struct {
	info  peerInfo
	dirty bool // cursor moved since the last presence message
}

type removeRequest struct {
	by   *conn
	peer string
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
		hub:     h,
		id:      id,
		ready:   make(chan struct{}),
		done:    make(chan struct{}),
		joins:   make(chan joinRequest),
		leaves:  make(chan *conn),
		who:     make(chan *conn),
		removes: make(chan removeRequest),
		// Small buffers: a burst waits in the readers (which stop reading
		// their sockets) rather than in memory of every idle room.
		ops:      make(chan opRequest, 32),
		cursors:  make(chan cursorUpdate, 32),
		stages:   make(chan stageUpdate, 32),
		requests: make(chan func()),
		conns:    map[*conn]*peer{},
	}
}

// run loads the board and then serves it until the room unloads, fails or
// the hub shuts down.
func (r *room) run(ctx context.Context) {
	defer r.hub.roomsDone.Done()
	defer close(r.done)
	if err := r.load(ctx); err != nil {
		r.loadErr = err
		close(r.ready)
		r.hub.forget(r)
		if board.ErrorCode(err) != board.ENotFound {
			r.hub.logger.Error("loading board", "board", r.id, "err", err)
		}
		return
	}
	close(r.ready)
	r.hub.metrics.LiveBoards.Inc()
	defer r.hub.metrics.LiveBoards.Dec()

	idle := time.NewTicker(r.hub.lim.IdleTimeout / 2)
	defer idle.Stop()
	defer r.presence.stop()
	defer r.stopFanout()
	defer r.recoverPanic()
	for {
		select {
		case j := <-r.joins:
			r.join(j)
		case c := <-r.leaves:
			r.leave(c)
		case c := <-r.who:
			r.sendPeople(c)
		case rm := <-r.removes:
			r.remove(rm.by, rm.peer)
		case req := <-r.ops:
			r.applyBurst(req)
		case u := <-r.cursors:
			r.moveCursor(u)
		case u := <-r.stages:
			r.updateStage(u)
		case f := <-r.requests:
			f()
			if r.stopped {
				return // deleted (stopForDeletion)
			}
		case res := <-r.appender.results:
			if err := r.appender.finish(res); err != nil {
				r.reset(err)
				return
			}
			r.sendAcks()
		case err := <-r.snapshots.results:
			r.snapshots.saved(r, err)
		case res := <-r.keeper.results:
			r.keeper.saved(r, res)
		case <-r.presence.tick():
			r.presence.fired()
			r.sendPresence()
		case <-idle.C:
			if r.unloadIfIdle(ctx) {
				return
			}
		case <-ctx.Done():
			r.shutdown(ctx)
			return
		}
		r.appender.start(ctx)
		r.snapshots.maybeSave(ctx, r, r.hub.now())
		r.keeper.maybeKeep(ctx, r, r.hub.now())
		r.presence.arm(r.hub.now(), r.hub.lim.PresenceInterval)
	}
}

// load reads the board's newest snapshot and every record after it, keeps
// the last few records for resuming clients, and begins a new epoch.
func (r *room) load(ctx context.Context) error {
	lg, lim := r.hub.log, r.hub.lim
	snap, err := lg.Snapshot(ctx, r.id)
	if err != nil {
		return err
	}
	b, err := board.DecodeBoard(snap.Data, r.hub.boardLim)
	if err != nil {
		return fmt.Errorf("board %s: snapshot: %w", r.id, err)
	}
	if b.ID != r.id {
		return fmt.Errorf("board %s: the snapshot is of board %q", r.id, b.ID)
	}
	if b.Version != snap.Version {
		return fmt.Errorf("board %s: the snapshot says version %d but holds %d", r.id, snap.Version, b.Version)
	}
	after, err := lg.Read(ctx, r.id, b.Version+1, 0)
	if err != nil {
		return err
	}
	for _, rec := range after {
		e, err := decodeEntry(rec)
		if err != nil {
			return fmt.Errorf("board %s: %w", r.id, err)
		}
		if err := board.Apply(b, e.Op, e.Stamp(), r.hub.boardLim); err != nil {
			return fmt.Errorf("board %s: replaying record %d: %w", r.id, rec.Version, err)
		}
	}
	// Clients that were here before the board was unloaded, or before a
	// restart, resume from the records of the log's resume window.
	recent := after
	if want := min(uint64(lim.ResumeWindow), b.Version); uint64(len(recent)) < want {
		from := b.Version - want + 1
		before, err := lg.Read(ctx, r.id, from, int(snap.Version-from+1))
		if err != nil {
			return err
		}
		// A log whose older records were dropped (DropHistory) begins
		// later than asked, and the page may then run past the snapshot.
		before = slices.DeleteFunc(before, func(rec Record) bool { return rec.Version > snap.Version })
		recent = append(before, recent...)
	}
	r.window = resumeWindow{size: lim.ResumeWindow, age: lim.ResumeAge}
	for _, rec := range recent {
		e, err := decodeEntry(rec)
		if err != nil {
			return fmt.Errorf("board %s: %w", r.id, err)
		}
		if e.Others == nil {
			r.window.add(logged{version: e.Version, at: e.At, msg: opMessage(rec.Data)})
		} else {
			_, l := logEntry(e, nil)
			r.window.add(l)
		}
	}
	// A new epoch on every load: a room that stopped without writing
	// everything (a crash) may have shown versions the log never got, and
	// this room will hand those versions out again.
	epochs, err := lg.BeginEpoch(ctx, r.id, b.Version)
	if err != nil {
		return err
	}
	r.board = b
	r.epochs = epochs
	r.appender = newAppender(lg, r.id, epochs[len(epochs)-1].Name, b.Version)
	now := r.hub.now()
	r.lastActive = now
	// Start each room's snapshot clock at a random point of the interval:
	// after a restart a school's boards all load within a second, and
	// would otherwise all save their snapshots at once.
	r.snapshots = newSnapshotter(lim, now.Add(-rand.N(lim.SnapshotInterval)))
	r.presence = newPresence()
	r.keeper = newKeeper(lim)
	// A board from before history was kept starts its history here. A
	// damaged history costs the way back, not the board.
	if kept, err := r.hub.history.KeptList(ctx, r.id); err != nil {
		r.hub.logger.Error("reading a board's kept snapshots", "board", r.id, "err", err)
	} else if len(kept) == 0 {
		r.keeper.take(r, KeptOldest, "", "", nil)
	}
	return nil
}

func decodeEntry(rec Record) (Entry, error) {
	var e Entry
	if err := json.Unmarshal(rec.Data, &e); err != nil || e.Version != rec.Version {
		return Entry{}, fmt.Errorf("log record %d is damaged", rec.Version)
	}
	return e, nil
}

// unloadIfIdle stops the room if it has had no connections, and nothing
// to write, for IdleTimeout. It saves a last snapshot first.
func (r *room) unloadIfIdle(ctx context.Context) bool {
	if len(r.conns) > 0 || r.appender.busy() || r.hub.now().Sub(r.lastActive) < r.hub.lim.IdleTimeout {
		return false
	}
	if !r.hub.unloadIfIdle(r) {
		return false
	}
	defer r.hub.unloaded(r)
	r.snapshots.saveFinal(ctx, r)
	r.keeper.finish(ctx, r, KeptLeft)
	return true
}

// shutdown closes every connection with "going away" and writes everything
// pending, with a last snapshot, before the room stops.
func (r *room) shutdown(ctx context.Context) {
	r.stopFanout() // what was broadcast goes out before "going away"
	for c := range r.conns {
		c.out.close(websocket.CloseGoingAway, "the server is restarting; reconnect in a moment")
	}
	// The hub's context is done; what is pending is written regardless.
	ctx = context.WithoutCancel(ctx)
	if err := r.appender.drain(ctx); err != nil {
		r.hub.logger.Error("final append failed", "board", r.id, "err", err)
		return
	}
	r.snapshots.saveFinal(ctx, r)
	reason := KeptLeft
	if len(r.conns) > 0 {
		reason = KeptActivity // the server stopped under them
	}
	r.keeper.finish(ctx, r, reason)
}

// recoverPanic keeps a bug in one board from stopping the server: the
// room is dropped as after a failed append (see reset), once the append in
// flight has ended, so the board is loaded again from what its log holds.
// What was not yet durable was never acknowledged, and its senders resend
// it.
func (r *room) recoverPanic() {
	p := recover()
	if p == nil {
		return
	}
	r.hub.logger.Error("a board failed; reloading it", "board", r.id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	if r.appender != nil && r.appender.inFlight {
		<-r.appender.results
	}
	r.hub.forget(r)
	for c := range r.conns {
		c.out.close(CloseReset, "the server hit an error; reconnecting")
	}
}

// reset handles a failed append. What is in memory may now be ahead of the
// log, so the room drops it: every client is told to reconnect, and the
// next join loads the board afresh from the log under a new epoch.
// Unacknowledged operations are still held by their senders, who resend them.
func (r *room) reset(err error) {
	r.hub.logger.Error("append failed; reloading board", "board", r.id, "err", err)
	r.hub.forget(r)
	for c := range r.conns {
		c.out.close(CloseReset, "the server could not save recent changes; reconnecting")
	}
}
