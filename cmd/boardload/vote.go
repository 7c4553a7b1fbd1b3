package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"strings"
	stdsync "sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"corkboard/board"
	"corkboard/sync/wsclient"
)

// voteRound is a round of dot voting in a lecture hall: a facilitator puts
// notes up and opens a round of 3 votes a person; n people, each on the
// view link with a participant of their own, cast their 3 votes at random
// moments within 10 seconds; the facilitator ends the round. It checks
// that every vote acknowledged was counted once, none more, and that every
// client holds the same counts at the end, and reports how long the votes
// took to be acknowledged.
func voteRound(ctx context.Context, o options, n int, w io.Writer) error {
	const (
		notes  = 12
		votes  = 3
		window = 10 * time.Second
	)
	links, err := createBoard(o.url, "Vote")
	if err != nil {
		return err
	}
	wsBase := "ws" + strings.TrimPrefix(o.url, "http") + "/ws/"
	tc, _, err := wsclient.Dial(ctx, wsBase+links.facilitate, wsclient.Hello{Client: "teacher", Participant: wsclient.NewParticipant()}, nil)
	if err != nil {
		return err
	}
	defer tc.Close()
	teacher := newDriver(tc)
	ids := make([]string, notes)
	ops := []board.Op{}
	for i := range ids {
		ids[i] = uuid.NewString()
		x, y := float64(i%4)*240, float64(i/4)*200
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: ids[i], X: &x, Y: &y}})
	}
	if err := applyAll(teacher, board.Op{Kind: board.KindBatch, Ops: ops},
		board.Op{Kind: board.KindVoteStart, Voting: &board.Voting{Votes: votes, PerNote: 1}}); err != nil {
		return err
	}

	// Everyone joins, then votes.
	voters := make([]*wsclient.Client, n)
	replicas := make([]*wsclient.Replica, n)
	secrets := make([]string, n)
	var dialWG stdsync.WaitGroup
	var dialErr atomic.Value
	sem := make(chan struct{}, 50)
	for i := range voters {
		dialWG.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			secrets[i] = wsclient.NewParticipant()
			c, rest, err := wsclient.Dial(ctx, wsBase+links.view, wsclient.Hello{Client: fmt.Sprintf("v%d", i), Participant: secrets[i]}, nil)
			if err != nil {
				dialErr.Store(err)
				return
			}
			r := &wsclient.Replica{}
			for _, m := range append([]wsclient.Message{c.Welcome}, rest...) {
				if err := r.Apply(m); err != nil {
					dialErr.Store(err)
				}
			}
			voters[i], replicas[i] = c, r
		})
	}
	dialWG.Wait()
	if err, _ := dialErr.Load().(error); err != nil {
		return fmt.Errorf("joining: %w", err)
	}

	var (
		acked, rejected atomic.Int64
		reconnects      atomic.Int64
		mu              stdsync.Mutex
		ackTimes        hist
		want            = map[string]int{} // acknowledged votes per note
		readErr         atomic.Value
		wg              stdsync.WaitGroup
	)
	start := time.Now()
	for i, c := range voters {
		wg.Go(func() {
			// Three different notes, at three random moments of the window.
			picks := rand.Perm(notes)[:votes]
			at := make([]time.Duration, votes)
			for j := range at {
				at[j] = time.Duration(rand.Int64N(int64(window)))
			}
			sent := map[uint64]time.Time{}
			note := map[uint64]string{}
			answered := map[uint64]bool{}
			var (
				conn   atomic.Pointer[wsclient.Client]
				sendMu stdsync.Mutex // the sender and a reconnect's resends write to one socket
			)
			conn.Store(c)
			defer func() { conn.Load().Close() }()
			send := func(seq uint64, id string) {
				sendMu.Lock()
				defer sendMu.Unlock()
				conn.Load().SendOpSeq(seq, board.Op{Kind: board.KindVote, ID: id})
			}
			go func() {
				for j := range votes {
					time.Sleep(time.Until(start.Add(at[j])))
					// Noted before it is sent: the ack may come at once.
					seq := uint64(j + 1)
					mu.Lock()
					sent[seq], note[seq] = time.Now(), ids[picks[j]]
					mu.Unlock()
					send(seq, ids[picks[j]]) // if it fails, it is resent after the reconnect
				}
			}()
			// Read until the round has ended: every vote answered, and
			// the end applied to this client's copy. A voter the server
			// finds too slow (the load generator shares the machine)
			// comes back and resumes, as the page does, and resends
			// what was not answered.
			for {
				msgs, err := conn.Load().Read()
				if err != nil && ctx.Err() == nil {
					conn.Load().Close()
					r := replicas[i]
					h := wsclient.Hello{Client: fmt.Sprintf("v%d", i), Participant: secrets[i], Since: r.Board.Version, Epoch: r.Epoch}
					nc, rest, derr := wsclient.Dial(ctx, wsBase+links.view, h, nil)
					if derr != nil {
						readErr.Store(fmt.Errorf("%w, and coming back: %w", err, derr))
						return
					}
					reconnects.Add(1)
					// In order of seq (the server takes a seq at or below
					// the last it applied for a resend), and before the
					// sender sends anything more.
					sendMu.Lock()
					conn.Store(nc)
					for seq := uint64(1); seq <= votes; seq++ {
						mu.Lock()
						id, wasSent := note[seq]
						resend := wasSent && !answered[seq]
						mu.Unlock()
						if resend {
							nc.SendOpSeq(seq, board.Op{Kind: board.KindVote, ID: id})
						}
					}
					sendMu.Unlock()
					msgs, err = append([]wsclient.Message{nc.Welcome}, rest...), nil
				}
				if err != nil {
					readErr.Store(err)
					return
				}
				for _, m := range msgs {
					if err := replicas[i].Apply(m); err != nil {
						readErr.Store(err)
						return
					}
					switch {
					case m.Type == "ack":
						// A duplicate is the answer to a resend of a vote
						// the server applied before the connection was
						// closed, whose ack was lost with it: counted once.
						mu.Lock()
						if !answered[m.Seq] {
							ackTimes.record(time.Since(sent[m.Seq]))
							want[note[m.Seq]]++
							answered[m.Seq] = true
							acked.Add(1)
						}
						mu.Unlock()
					case m.Type == "reject":
						mu.Lock()
						answered[m.Seq] = true
						mu.Unlock()
						rejected.Add(1)
					}
				}
				if b := replicas[i].Board; b.Voting != nil && !b.Voting.Open {
					return
				}
			}
		})
	}
	// End the round once every vote is answered.
	deadline := time.Now().Add(window + 30*time.Second)
	for acked.Load()+rejected.Load() < int64(n*votes) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cast := time.Since(start)
	if err := applyAll(teacher, board.Op{Kind: board.KindVoteEnd}); err != nil {
		return err
	}
	wg.Wait()
	if err, _ := readErr.Load().(error); err != nil {
		return fmt.Errorf("a voter: %w", err)
	}

	// Every client holds the counts of the acknowledged votes.
	differ := 0
	for _, r := range replicas {
		got := map[string]int{}
		for id, note := range r.Board.Notes {
			if note.Votes > 0 {
				got[id] = note.Votes
			}
		}
		if !maps.Equal(got, want) {
			differ++
		}
	}
	fmt.Fprintf(w, "voting          %d people x %d votes within %v: %d acknowledged, %d rejected, all answered in %.1f s; %d reconnects of voters found too slow\n",
		n, votes, window, acked.Load(), rejected.Load(), cast.Seconds(), reconnects.Load())
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
	fmt.Fprintf(w, "vote ack        p50 %s  p99 %s  max %s\n", ms(ackTimes.quantile(0.5)), ms(ackTimes.quantile(0.99)), ms(ackTimes.quantile(1)))
	fmt.Fprintf(w, "final counts    %d of %d clients differ from the acknowledged votes\n", differ, n)
	if acked.Load() != int64(n*votes) || rejected.Load() != 0 || differ != 0 {
		fmt.Fprintf(w, "MISSED          every vote counted once and the same counts everywhere\n")
		return fmt.Errorf("%d of %d votes acknowledged, %d rejected, %d clients differ", acked.Load(), n*votes, rejected.Load(), differ)
	}
	fmt.Fprintf(w, "targets         met\n")
	return nil
}

// driver is a facilitator's connection that reads all the time (so the
// server never finds it too slow) and sends operations one at a time.
type driver struct {
	c       *wsclient.Client
	answers chan wsclient.Message
	done    chan error
}

func newDriver(c *wsclient.Client) *driver {
	d := &driver{c: c, answers: make(chan wsclient.Message, 16), done: make(chan error, 1)}
	go func() {
		for {
			msgs, err := c.Read()
			if err != nil {
				d.done <- err
				return
			}
			for _, m := range msgs {
				if m.Type == "ack" || m.Type == "reject" {
					d.answers <- m
				}
			}
		}
	}()
	return d
}

// applyAll sends operations one after the other, each once the last is
// acknowledged.
func applyAll(d *driver, ops ...board.Op) error {
	for _, op := range ops {
		seq, err := d.c.SendOp(op)
		if err != nil {
			return err
		}
		for answered := false; !answered; {
			select {
			case m := <-d.answers:
				switch {
				case m.Seq == seq && m.Type == "ack":
					answered = true
				case m.Seq == seq && m.Type == "reject":
					return fmt.Errorf("%s: %s", op.Kind, m.Message)
				}
			case err := <-d.done:
				return err
			case <-time.After(30 * time.Second):
				return fmt.Errorf("%s: no answer in 30 s", op.Kind)
			}
		}
	}
	return nil
}
