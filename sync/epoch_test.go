package sync_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/wsclient"
)

// TestResumeAfterRestart: epochs are the log's, so after a clean restart a
// client resumes from the versions it saw, getting just what it missed.
func TestResumeAfterRestart(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	n := uuid.NewString()
	a.mustApply(createOp(n, 0, 0))
	a.mustApply(moveOp(n, 1, 1))
	since, epoch := a.version(), a.replica.Epoch

	srv.restart(t)
	b := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "b"})
	b.mustApply(moveOp(n, 2, 2))

	c, rest, err := wsclient.Dial(context.Background(), srv.wsURL(id), wsclient.Hello{Client: "a", Since: since, Epoch: epoch}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !c.Welcome.Resumed || c.Welcome.Board != nil || c.Welcome.Epoch == epoch {
		t.Fatalf("welcome %+v, want a resume under the new epoch", c.Welcome)
	}
	if ops := opsIn(rest); len(ops) != 1 || ops[0].Version != 3 {
		t.Errorf("missed ops %+v, want version 3", ops)
	}
}

// crashLog is a log whose appends can be held, and then, when the "server"
// crashes, fail: what was held never reaches the log.
type crashLog struct {
	*gatedLog
	crashed chan struct{}
}

func (l *crashLog) Append(ctx context.Context, id string, b boardsync.Batch) (boardsync.Position, error) {
	l.waiting <- struct{}{}
	select {
	case <-l.gate:
		return l.Log.Append(ctx, id, b)
	case <-l.crashed:
		return boardsync.Position{}, errors.New("the server crashed")
	}
}

// TestCrashNewEpoch: versions a server showed but never made durable are
// handed out again after a crash. A client that saw one of them takes the
// whole board; a client that saw only durable versions resumes.
func TestCrashNewEpoch(t *testing.T) {
	log := &crashLog{gatedLog: newGatedLog(), crashed: make(chan struct{})}
	srv := mustServer(t, log, boardsync.Limits{})
	t.Cleanup(func() { close(log.gate) })
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	b := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "b"})
	n := uuid.NewString()
	a.send(createOp(n, 0, 0))
	<-log.waiting
	log.gate <- struct{}{}
	a.readUntil("ack 1", func() bool { _, ok := a.acks[1]; return ok })
	b.readUntil("version 1", func() bool { return b.version() == 1 })
	durable, epoch := b.version(), b.replica.Epoch
	atDurable := b.replica.Board.Clone()

	a.send(textOp(n, "never saved"))
	<-log.waiting // version 2 is shown to everyone, and held from the log
	b.readUntil("version 2", func() bool { return b.version() == 2 })

	// The server crashes: a second server starts on what the log holds.
	close(log.crashed)
	second := mustServer(t, log.Log, boardsync.Limits{}, boardsync.Config{Links: srv.cfg.Links})
	c := mustDial(t, second.wsURL(id), wsclient.Hello{Client: "c"})
	c.mustApply(textOp(n, "saved after the crash")) // version 2, again

	saw2 := mustDial(t, second.wsURL(id), wsclient.Hello{Client: "b", Since: 2, Epoch: epoch})
	if saw2.c.Welcome.Resumed || saw2.replica.Board.Notes[n].Text != "saved after the crash" {
		t.Errorf("a client that saw the lost version 2: welcome %+v, text %q; want the whole board",
			saw2.c.Welcome, saw2.replica.Board.Notes[n].Text)
	}
	conn, rest, err := wsclient.Dial(context.Background(), second.wsURL(id), wsclient.Hello{Client: "b", Since: durable, Epoch: epoch}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if !conn.Welcome.Resumed {
		t.Fatalf("a client that saw only durable versions: welcome %+v, want a resume", conn.Welcome)
	}
	saw1 := &client{t: t, c: conn, replica: wsclient.Replica{Board: atDurable, Epoch: epoch},
		acks: map[uint64]wsclient.Message{}, rejects: map[uint64]wsclient.Message{}}
	saw1.handle(append([]wsclient.Message{conn.Welcome}, rest...))
	saw1.readUntil("version 2", func() bool { return saw1.version() == 2 })
	if got := saw1.replica.Board.Notes[n].Text; got != "saved after the crash" {
		t.Errorf("resumed client has %q", got)
	}
}

// TestBurstWithinLimits: a client that sends a burst (an offline outbox
// flushed at once, without keeping to MaxInFlight) and reads promptly is
// neither closed as slow nor loses an edit.
func TestBurstWithinLimits(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id := srv.mustBoard(t)
	run := func(name string, clients, ops int) {
		t.Run(name, func(t *testing.T) {
			type result struct {
				acks, rejects int
				err           error
			}
			results := make(chan result, clients)
			var senders []func() error
			for i := range clients {
				c, _, err := wsclient.Dial(context.Background(), srv.wsURL(id),
					wsclient.Hello{Client: fmt.Sprintf("burst-%d", i), Participant: wsclient.NewParticipant()}, nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { c.Close() })
				// It reads promptly, on a goroutine of its own.
				go func() {
					var r result
					c.WS.SetReadDeadline(time.Now().Add(30 * time.Second))
					for r.acks+r.rejects < ops && r.err == nil {
						msgs, err := c.Read()
						r.err = err
						for _, m := range msgs {
							switch m.Type {
							case "ack":
								r.acks++
							case "reject":
								r.rejects++
							}
						}
					}
					results <- r
				}()
				note := uuid.NewString()
				senders = append(senders, func() error {
					if _, err := c.SendOp(createOp(note, 0, 0)); err != nil {
						return err
					}
					for j := range ops - 1 {
						if _, err := c.SendOp(moveOp(note, float64(j), 0)); err != nil {
							return err
						}
					}
					return nil
				})
			}
			for _, send := range senders {
				if err := send(); err != nil {
					t.Fatal(err)
				}
			}
			for range clients {
				r := <-results
				if r.err != nil || r.rejects != 0 || r.acks != ops {
					t.Errorf("%d acks, %d rejects, %v; want %d acks", r.acks, r.rejects, r.err, ops)
				}
			}
			if n := slowTotal(srv); n != 0 {
				t.Errorf("%d slow-client disconnects", n)
			}
		})
	}
	run("one client, 400 ops", 1, 400)
	run("six clients, 190 ops each", 6, 190)
}

// TestParticipant: a person is one participant across tabs: notes carry
// the public participant id, never the secret, and another person who
// knows a client id cannot make that client's operations look like
// resends.
func TestParticipant(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id := srv.mustBoard(t)
	secret := wsclient.NewParticipant()
	public := board.ParticipantID(secret)
	tab1 := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "tab1", Name: "Ada", Participant: secret})
	tab2 := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "tab2", Name: "Ada", Participant: secret})
	if tab1.c.Welcome.Participant != public || tab2.c.Welcome.Participant != public {
		t.Errorf("welcome participants %q %q, want %q", tab1.c.Welcome.Participant, tab2.c.Welcome.Participant, public)
	}
	if len(tab2.c.Welcome.Peers) != 1 || tab2.c.Welcome.Peers[0].Participant != public {
		t.Errorf("peers %+v, want tab1 as the same participant", tab2.c.Welcome.Peers)
	}
	n := uuid.NewString()
	tab1.mustApply(createOp(n, 0, 0))
	tab2.readUntil("version 1", func() bool { return tab2.version() == 1 })
	if got := tab2.ops[0].AuthorID; got != public {
		t.Errorf("op authorId %q, want %q", got, public)
	}
	if got := tab2.replica.Board.Notes[n].AuthorID; got != public {
		t.Errorf("note authorId %q, want %q", got, public)
	}
	b := srv.board(t, id)
	if b.Notes[n].AuthorID != public {
		t.Errorf("server's note authorId %q", b.Notes[n].AuthorID)
	}
	if data := mustJSON(t, b); strings.Contains(data, secret) {
		t.Error("the secret is in the board")
	}

	// Someone else takes tab1's client id with a high seq: it is their
	// operation, applied, and tab1's next operation is still applied too.
	mallory := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "tab1", Participant: wsclient.NewParticipant()})
	if err := mallory.c.SendOpSeq(1000, moveOp(n, 5, 5)); err != nil {
		t.Fatal(err)
	}
	mallory.readUntil("ack", func() bool { return len(mallory.acks) == 1 })
	if ack := tab1.mustApply(moveOp(n, 9, 9)); ack.Duplicate {
		t.Errorf("tab1's next operation was taken for a resend: %+v", ack)
	}
}
