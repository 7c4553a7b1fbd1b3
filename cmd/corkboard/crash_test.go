package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	stdsync "sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"corkboard/board"
	"corkboard/sync/wsclient"
)

// crashWriter is a client that keeps creating and editing its own notes,
// and remembers what the server acknowledged.
type crashWriter struct {
	id string

	mu      stdsync.Mutex // guards the fields below; the reader goroutine writes them
	sent    map[uint64]board.Op
	acked   map[uint64]bool
	replica wsclient.Replica
}

func (w *crashWriter) pending() []uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	var seqs []uint64
	for seq := uint64(1); seq <= uint64(len(w.sent)); seq++ {
		if !w.acked[seq] {
			seqs = append(seqs, seq)
		}
	}
	return seqs
}

// read applies what arrives until the connection ends.
func (w *crashWriter) read(c *wsclient.Client, rest []wsclient.Message) error {
	handle := func(msgs []wsclient.Message) error {
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, m := range msgs {
			if m.Type == "ack" {
				w.acked[m.Seq] = true
			}
			if m.Type == "reject" {
				return fmt.Errorf("%s: op %d rejected: %s", w.id, m.Seq, m.Message)
			}
			if err := w.replica.Apply(m); err != nil {
				return err
			}
		}
		return nil
	}
	if err := handle(append([]wsclient.Message{c.Welcome}, rest...)); err != nil {
		return err
	}
	for {
		msgs, err := c.Read()
		if err != nil {
			return nil
		}
		if err := handle(msgs); err != nil {
			return err
		}
	}
}

// TestCrashKeepsAcknowledgedOps runs the real binary under a write load,
// kills it with SIGKILL, restarts it on the same file, and checks that every
// acknowledged operation survived and that every client converges with the
// restarted server after resending what was not acknowledged.
func TestCrashKeepsAcknowledgedOps(t *testing.T) {
	db := filepath.Join(t.TempDir(), "corkboard.db")
	// The writers go faster than a person; lift the per-connection limit.
	limit := []string{"-ops-per-second", "10000"}
	p := mustStart(t, db, limit...)
	b := mustCreateBoard(t, p.url, "Crash test")

	const writers = 4
	ws := make([]*crashWriter, writers)
	var readers stdsync.WaitGroup
	stop := make(chan struct{})
	var senders stdsync.WaitGroup
	for i := range ws {
		w := &crashWriter{id: fmt.Sprintf("w%d", i), sent: map[uint64]board.Op{}, acked: map[uint64]bool{}}
		ws[i] = w
		c, rest, err := wsclient.Dial(context.Background(), p.wsURL(b.facilitate()), wsclient.Hello{Client: w.id, Name: w.id}, nil)
		if err != nil {
			t.Fatal(err)
		}
		readers.Add(1)
		go func() {
			defer readers.Done()
			if err := w.read(c, rest); err != nil {
				t.Error(err)
			}
		}()
		senders.Add(1)
		go func() {
			defer senders.Done()
			var notes []string
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var op board.Op
				if i%3 == 0 {
					id := uuid.NewString()
					x, y := float64(i), float64(len(notes))
					op = board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: id, X: &x, Y: &y}}
					notes = append(notes, id)
				} else {
					text := fmt.Sprintf("%s edit %d", w.id, i)
					op = board.Op{Kind: board.KindUpdate, ID: notes[len(notes)-1], Set: &board.Patch{Text: &text}}
				}
				w.mu.Lock()
				seq := uint64(len(w.sent) + 1)
				w.sent[seq] = op
				w.mu.Unlock()
				if c.SendOpSeq(seq, op) != nil {
					return
				}
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}

	// Let the load run, then kill the server mid-stream.
	time.Sleep(1500 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	close(stop)
	senders.Wait()
	readers.Wait()

	ackedOps := 0
	for _, w := range ws {
		ackedOps += len(w.acked)
	}
	if ackedOps < 100 {
		t.Fatalf("only %d operations were acknowledged before the kill; the test proves little", ackedOps)
	}

	p2 := mustStart(t, db, limit...)
	resp, err := http.Get(p2.url + "/api/boards/" + b.facilitate())
	if err != nil {
		t.Fatal(err)
	}
	var got board.Board
	raw := json.RawMessage{}
	json.NewDecoder(resp.Body).Decode(&raw)
	resp.Body.Close()
	restored, err := board.DecodeBoard(raw, board.DefaultLimits)
	if err != nil {
		t.Fatalf("%v: %s\n%s", err, raw, p2.logs)
	}
	got = *restored

	// Every acknowledged create is there, and every note's text is at least
	// as new as its last acknowledged edit.
	for _, w := range ws {
		lastAckedText := map[string]int{}
		for seq, op := range w.sent {
			if !w.acked[seq] {
				continue
			}
			switch op.Kind {
			case board.KindCreate:
				if _, ok := got.Notes[op.Note.ID]; !ok {
					t.Errorf("%s: acknowledged create %d of note %s is missing", w.id, seq, op.Note.ID)
				}
			case board.KindUpdate:
				lastAckedText[op.ID] = max(lastAckedText[op.ID], int(seq))
			}
		}
		for id, seq := range lastAckedText {
			var n int
			fmt.Sscanf(got.Notes[id].Text, w.id+" edit %d", &n)
			if n < seq-1 { // the text names the loop index, which is seq-1
				t.Errorf("%s: note %s has %q, older than acknowledged edit %d", w.id, id, got.Notes[id].Text, seq)
			}
		}
	}
	t.Logf("%d operations acknowledged before SIGKILL; board restored at version %d", ackedOps, got.Version)

	// Every writer reconnects, gets the whole board (new epoch) unless it
	// saw nothing the crash lost, resends what was not acknowledged, and
	// ends equal to the server.
	for _, w := range ws {
		w.mu.Lock()
		since, epoch := w.replica.Board.Version, w.replica.Epoch
		w.mu.Unlock()
		c, rest, err := wsclient.Dial(context.Background(), p2.wsURL(b.facilitate()), wsclient.Hello{Client: w.id, Name: w.id, Since: since, Epoch: epoch}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// A writer that saw only versions the crash kept may resume; one
		// that saw a version past them must get the whole board, since
		// that version was lost and is handed out again.
		if c.Welcome.Resumed && since > got.Version {
			t.Errorf("%s resumed across a crash from version %d, past the %d kept; it must get the whole board", w.id, since, got.Version)
		}
		readers.Add(1)
		go func() {
			defer readers.Done()
			if err := w.read(c, rest); err != nil {
				t.Error(err)
			}
		}()
		for _, seq := range w.pending() {
			w.mu.Lock()
			op := w.sent[seq]
			w.mu.Unlock()
			if err := c.SendOpSeq(seq, op); err != nil {
				t.Fatal(err)
			}
		}
		defer c.Close()
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(p2.url + "/api/boards/" + b.facilitate())
		if err != nil {
			t.Fatal(err)
		}
		var server board.Board
		raw := json.RawMessage{}
		json.NewDecoder(resp.Body).Decode(&raw)
		resp.Body.Close()
		sb, err := board.DecodeBoard(raw, board.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		server = *sb
		want, _ := json.Marshal(server.View(""))
		converged := true
		for _, w := range ws {
			w.mu.Lock()
			mine, _ := json.Marshal(w.replica.Board.View(""))
			w.mu.Unlock()
			if string(mine) != string(want) || len(w.pending()) > 0 {
				converged = false
			}
		}
		if converged {
			break
		}
		if time.Now().After(deadline) {
			for _, w := range ws {
				t.Logf("%s: version %d, %d pending", w.id, w.replica.Board.Version, len(w.pending()))
			}
			t.Fatalf("clients did not converge with the restarted server (version %d)", server.Version)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
