package sync_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/wsclient"
)

// slowLimits find a slow client after a second, so the tests are short.
var slowLimits = boardsync.Limits{SlowAfter: time.Second, OpsPerSecond: 1e6}

// busyBoard runs a writer that changes a note's text 100 times a second
// (about 200 KB a second) until the test ends, and a fast reader that
// reads as it comes and must get every version. It returns the board's id
// and a function that stops the load and checks the fast reader.
func busyBoard(t *testing.T, srv *testServer) (string, func()) {
	t.Helper()
	id := srv.mustBoard(t)
	w := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "writer"})
	fast, _, err := wsclient.Dial(context.Background(), srv.wsURL(id), wsclient.Hello{Client: "fast"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fast.Close() })
	n := uuid.NewString()
	w.mustApply(createOp(n, 0, 0))
	// The writer's acks, counted as they come.
	acks := make(chan struct{}, 1<<16)
	go func() {
		for {
			msgs, err := w.c.Read()
			if err != nil {
				return
			}
			for _, m := range msgs {
				if m.Type == "ack" {
					acks <- struct{}{}
				}
			}
		}
	}()
	stop, sent := make(chan struct{}), make(chan int)
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				sent <- i
				return
			case <-tick.C:
			}
			if _, err := w.c.SendOp(textOp(n, strings.Repeat(string(rune('a'+i%26)), 2000))); err != nil {
				sent <- -1
				return
			}
		}
	}()
	// The fast reader, every version it sees.
	versions := make(chan uint64, 1<<16)
	go func() {
		defer close(versions)
		for {
			msgs, err := fast.Read()
			if err != nil {
				return
			}
			for _, m := range msgs {
				if m.Type == "op" {
					versions <- m.Version
				}
			}
		}
	}()
	return id, func() {
		close(stop)
		ops := <-sent
		if ops < 0 {
			t.Fatal("the writer's connection failed")
		}
		timeout := time.After(20 * time.Second)
		for range ops {
			select {
			case <-acks:
			case <-timeout:
				t.Fatal("the writer's operations were not all acknowledged")
			}
		}
		final, want := uint64(ops+1), uint64(1)
		for want <= final {
			select {
			case v, ok := <-versions:
				if !ok {
					t.Fatalf("the fast reader's connection ended at version %d of %d", want-1, final)
				}
				if v != want {
					t.Fatalf("the fast reader got version %d, want %d", v, want)
				}
				want++
			case <-timeout:
				t.Fatalf("the fast reader is at version %d of %d", want-1, final)
			}
		}
	}
}

// readAll reads what the connection holds until it ends, and returns the
// bytes read and the close code (1006 for none).
func readAll(t *testing.T, ws *websocket.Conn) (int, int) {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	total := 0
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			if code := closeCode(err); code != 0 {
				return total, code
			}
			return total, websocket.CloseAbnormalClosure
		}
		total += len(data)
	}
}

// waitSlow waits until the server has found a slow client and returns why.
func waitSlow(t *testing.T, srv *testServer) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, reason := range []string{"unanswered", "overdue", "stalled", "queue"} {
			if counter(srv.hub.Metrics().SlowDisconnects.WithLabelValues(reason)) > 0 {
				return reason
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no slow client found after 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestReaderThatStops: a client that stops reading on a busy board is
// disconnected once it has answered no probe for SlowAfter, long before
// the socket buffers between it and the server (megabytes) fill; the
// others get everything.
func TestReaderThatStops(t *testing.T) {
	srv := mustServer(t, nil, slowLimits)
	id, done := busyBoard(t, srv)
	stopped, _, err := wsclient.Dial(context.Background(), srv.wsURL(id), wsclient.Hello{Client: "stops"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stopped.Close()
	// It reads nothing more.
	if reason := waitSlow(t, srv); reason != "unanswered" && reason != "overdue" {
		t.Errorf("found slow for %q, want for answering no probe", reason)
	}
	done()
	// What reached the client is what the kernel held for it when it was
	// dropped: if only the server's queue told (after the buffers filled),
	// that would be megabytes.
	n, code := readAll(t, stopped.WS)
	if n > 2<<20 {
		t.Errorf("the stopped client was sent %d bytes before it was dropped", n)
	}
	if code != boardsync.CloseTooSlow && code != websocket.CloseAbnormalClosure {
		t.Errorf("closed with %d, want %d or no close frame", code, boardsync.CloseTooSlow)
	}
	t.Logf("the stopped client held %d KB when it was dropped; close code %d", n>>10, code)
}

// throttled is a connection whose reads take about a second per KB, like
// a reader on a hopeless link.
type throttled struct{ net.Conn }

func (c throttled) Read(p []byte) (int, error) {
	time.Sleep(10 * time.Millisecond) // simulates the link, not a wait for the server
	return c.Conn.Read(p[:min(len(p), 10)])
}

// TestReaderAtOneKBps: a client that reads, but at 1 KB/s, far slower than
// the board changes, is disconnected as it falls behind.
func TestReaderAtOneKBps(t *testing.T) {
	srv := mustServer(t, nil, slowLimits)
	id, done := busyBoard(t, srv)
	d := websocket.Dialer{NetDial: func(network, addr string) (net.Conn, error) {
		c, err := net.Dial(network, addr)
		return throttled{c}, err
	}}
	ws, _, err := d.Dial(srv.wsURL(id), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.WriteJSON(map[string]string{"type": "hello", "client": "slow"})
	go readAll(t, ws) // at 1 KB/s
	if reason := waitSlow(t, srv); reason == "queue" {
		t.Errorf("found slow only when its queue was full")
	}
	done()
}

// TestReaderStopsMidWelcome: a client that stops reading half-way through
// the welcome of a large board is found out SlowAfter after it stopped,
// not after the time the whole welcome may take (here over 30 s).
func TestReaderStopsMidWelcome(t *testing.T) {
	srv := mustServer(t, nil, slowLimits)
	id := srv.mustBoard(t)
	w := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "writer"})
	text := strings.Repeat("x", 4000)
	for range 600 { // about 2.5 MB
		w.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: uuid.NewString(), X: f(0), Y: f(0), Text: &text}})
	}
	ws, _, err := websocket.DefaultDialer.Dial(srv.wsURL(id), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.WriteJSON(map[string]string{"type": "hello", "client": "stops"})
	// It reads the first bytes of the welcome, and no more.
	_, r, err := ws.NextReader()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Read(make([]byte, 4096)); err != nil {
		t.Fatal(err)
	}
	// Found out by the lack of progress, not by the welcome's own
	// allowance (its size at 64 KiB/s: about 40 s).
	if reason := waitSlow(t, srv); reason != "unanswered" && reason != "stalled" {
		t.Errorf("found slow for %q, want for making no progress", reason)
	}
}

// TestLargeRoomPresence: past presenceListMax (100) connections, welcomes
// list 100 peers and count everyone, joins beyond the list are counted,
// not announced, and who answers with everyone.
func TestLargeRoomPresence(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id := srv.mustBoard(t)
	var clients []*wsclient.Client
	for i := range 110 {
		c, _, err := wsclient.Dial(context.Background(), srv.wsURL(id), wsclient.Hello{Client: fmt.Sprintf("c%d", i), Name: fmt.Sprintf("Person %d", i)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		clients = append(clients, c)
	}
	last := clients[len(clients)-1].Welcome
	if len(last.Peers) != 100 || last.Count != 110 {
		t.Errorf("the 110th welcome lists %d peers and counts %d, want 100 and 110", len(last.Peers), last.Count)
	}
	first := clients[0]
	first.SendJSON(map[string]string{"type": "who"})
	first.WS.SetReadDeadline(time.Now().Add(10 * time.Second))
	var counted int
	for people := false; !people; {
		msgs, err := first.Read()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Type == "presence" && len(m.Joined) > 0 {
				for _, j := range m.Joined {
					if j.Name == "Person 105" {
						t.Error("a join beyond the first 100 was announced")
					}
				}
			}
			if m.Type == "presence" && m.Count > 0 {
				counted = m.Count
			}
			if m.Type == "people" {
				people = true
				if len(m.Peers) != 110 || m.Count != 110 {
					t.Errorf("who: %d peers, count %d; want 110", len(m.Peers), m.Count)
				}
			}
		}
	}
	// Asked again at once: refused, not answered with thousands of names.
	first.SendJSON(map[string]string{"type": "who"})
	for refused := false; !refused; {
		msgs, err := first.Read()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			refused = refused || (m.Type == "error" && m.Code == "rate_limited")
			if m.Type == "people" {
				t.Fatal("who answered twice within the interval")
			}
		}
	}
	t.Logf("count seen in presence: %d", counted)
}
