package sync_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	boardsync "corkboard/sync"
	"corkboard/sync/wsclient"
)

func TestTwoClientsConverge(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Name: "Ada", Color: "#336699"})
	b := mustDial(t, srv.wsURL(id), wsclient.Hello{Name: "Bo"})

	n1, n2 := uuid.NewString(), uuid.NewString()
	ack := a.mustApply(createOp(n1, 10, 10))
	if ack.Version != 1 {
		t.Errorf("first op got version %d", ack.Version)
	}
	b.mustApply(createOp(n2, 300, 10))
	a.mustApply(textOp(n2, "from a"))
	b.mustApply(moveOp(n1, 50, 60))

	a.readUntil("version 4", func() bool { return a.version() == 4 })
	b.readUntil("version 4", func() bool { return b.version() == 4 })
	want := srv.boardJSON(t, id)
	for _, c := range []*client{a, b} {
		if got := mustJSON(t, c.replica.Board.View("")); got != want {
			t.Errorf("client %s:\n got %s\nwant %s", c.c.Hello.Client, got, want)
		}
	}
	if n := counter(srv.hub.Metrics().OpsAccepted); n != 4 {
		t.Errorf("accepted %d ops, want 4", n)
	}
	if got := a.replica.Board.Notes[n1].Author; got != "Ada" {
		t.Errorf("author %q, want Ada", got)
	}
}

// gatedLog holds every append until the test lets one through.
type gatedLog struct {
	boardsync.Log
	waiting chan struct{} // an append has arrived and waits
	gate    chan struct{} // one value lets one append through
}

func newGatedLog() *gatedLog {
	return &gatedLog{Log: boardsync.NewMemLog(), waiting: make(chan struct{}, 100), gate: make(chan struct{}, 100)}
}

// mustServer runs a server on a gated log that opens for good when the
// test ends, before the server shuts down, so the shutdown can flush.
func (l *gatedLog) mustServer(t *testing.T) *testServer {
	srv := mustServer(t, l, boardsync.Limits{})
	t.Cleanup(func() { close(l.gate) })
	return srv
}

func (l *gatedLog) Append(ctx context.Context, id string, b boardsync.Batch) (boardsync.Position, error) {
	l.waiting <- struct{}{}
	select {
	case <-l.gate:
	case <-ctx.Done():
		return boardsync.Position{}, ctx.Err()
	}
	return l.Log.Append(ctx, id, b)
}

// TestEchoBeforeAck: an operation's sender sees it take its place in the
// order (its echo) before its ack, and the ack only once the log has it.
func TestEchoBeforeAck(t *testing.T) {
	log := newGatedLog()
	srv := log.mustServer(t)
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})

	seq := a.send(createOp(uuid.NewString(), 1, 2))
	<-log.waiting // applied, broadcast, and its append is held
	if len(a.acks) != 0 {
		t.Fatal("an ack before the log has the operation")
	}
	log.gate <- struct{}{}
	var order []string
	a.readUntil("the ack", func() bool {
		order = order[:0]
		for _, m := range a.ops {
			order = append(order, fmt.Sprintf("op %d", m.Seq))
		}
		if _, ok := a.acks[seq]; ok {
			order = append(order, fmt.Sprintf("ack %d", seq))
			return true
		}
		return false
	})
	if got := strings.Join(order, ", "); got != "op 1, ack 1" {
		t.Errorf("got %s, want the echo then the ack", got)
	}
}

// TestEchoDoesNotHoldOthersBack: while a's operation waits for its commit,
// b's operation reaches a at once, after a's own echo (versions stay in
// order).
func TestEchoDoesNotHoldOthersBack(t *testing.T) {
	log := newGatedLog()
	srv := log.mustServer(t)
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	b := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "b"})

	a.send(createOp(uuid.NewString(), 1, 2))
	<-log.waiting
	b.send(createOp(uuid.NewString(), 3, 4))
	// No append is let through: a sees both versions, in order (its replica
	// refuses gaps), before anything is durable.
	a.readUntil("version 2", func() bool { return a.version() == 2 })
	if len(a.acks) != 0 {
		t.Errorf("acks before any append: %v", a.acks)
	}
	for range 2 {
		log.gate <- struct{}{}
	}
	a.readUntil("ack 1", func() bool { _, ok := a.acks[1]; return ok })
	b.readUntil("ack 1", func() bool { _, ok := b.acks[1]; return ok })
}

// TestPausedClientCatchesUp: a client that stops reading while a lot is
// broadcast fills its socket, so the room's writes to it stop short and the
// writer finishes them (see socket.tryWrite); when it reads again it gets
// every version, in order, in well-formed frames, and ends with the
// server's board.
func TestPausedClientCatchesUp(t *testing.T) {
	// The pause lasts as long as the 3,000 operations take, which is over
	// the default SlowAfter (5 s): the server would rightly drop the paused
	// client.
	srv := mustServer(t, nil, boardsync.Limits{SendQueueBytes: 1 << 30, OpsPerSecond: 1e6, SlowAfter: time.Minute})
	id := srv.mustBoard(t)
	w := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "w"})

	p := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "p"})

	n := uuid.NewString()
	w.mustApply(createOp(n, 0, 0))
	const ops = 3000 // 12 MB, more than loopback's socket buffers hold
	for i := range ops {
		w.mustApply(textOp(n, strings.Repeat(string(rune('a'+i%26)), 4000)))
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the paused client got to version %d", p.version())
		}
	})
	p.readUntil(fmt.Sprintf("version %d", ops+1), func() bool { return p.version() == ops+1 })
	if got, want := mustJSON(t, p.replica.Board.View("")), srv.boardJSON(t, id); got != want {
		t.Errorf("paused client:\n got %.300s\nwant %.300s", got, want)
	}
}

// TestLargeRoomConverges: in a room past the size where rooms write
// broadcasts themselves (32), every client still gets every version once,
// in order, and ends with the server's board.
func TestLargeRoomConverges(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id := srv.mustBoard(t)
	clients := make([]*client, 120)
	for i := range clients {
		clients[i] = mustDial(t, srv.wsURL(id), wsclient.Hello{Client: fmt.Sprintf("c%d", i)})
	}
	writers := clients[:3]
	notes := make([]string, len(writers))
	for i, w := range writers {
		notes[i] = uuid.NewString()
		w.send(createOp(notes[i], float64(i), 0))
	}
	const moves = 30
	for m := range moves {
		for i, w := range writers {
			w.send(moveOp(notes[i], float64(m), float64(i)))
		}
	}
	final := uint64(len(writers) * (moves + 1))
	want := ""
	for _, c := range clients {
		c.readUntil(fmt.Sprintf("version %d", final), func() bool { return c.version() == final })
		if want == "" {
			want = srv.boardJSON(t, id)
		}
		if got := mustJSON(t, c.replica.Board.View("")); got != want {
			t.Fatalf("client %s:\n got %s\nwant %s", c.c.Hello.Client, got, want)
		}
	}
	for _, w := range writers {
		w.readUntil("every ack", func() bool { return len(w.acks) == moves+1 })
	}
}
