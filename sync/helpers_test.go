package sync_test

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	stdsync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/wsclient"
)

// testServer is a hub behind a real HTTP server on loopback.
type testServer struct {
	hub     *boardsync.Hub
	log     boardsync.Log
	http    *httptest.Server
	cfg     boardsync.Config
	current atomic.Pointer[boardsync.Hub] // the hub the HTTP server serves
}

// mustServer starts a hub on log (a new MemLog if nil). A clock may be
// given in cfg; cfg's Log and Limits are set from the arguments.
func mustServer(t testing.TB, log boardsync.Log, lim boardsync.Limits, cfg ...boardsync.Config) *testServer {
	t.Helper()
	if log == nil {
		log = boardsync.NewMemLog()
	}
	var c boardsync.Config
	if len(cfg) > 0 {
		c = cfg[0]
	}
	c.Log, c.Limits, c.AllowedOrigins = log, lim, []string{"https://school.example"}
	if c.Links == nil {
		// A store that keeps links too (bbolt) keeps them; otherwise they
		// live in memory, shared by the hubs of restarts.
		if l, ok := log.(boardsync.Links); ok {
			c.Links = l
		} else {
			c.Links = boardsync.NewMemLinks()
		}
	}
	s := &testServer{hub: boardsync.NewHub(c), log: log, cfg: c}
	s.current.Store(s.hub)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/{id}", func(w http.ResponseWriter, r *http.Request) {
		if err := s.current.Load().ServeBoard(w, r, r.PathValue("id")); err != nil {
			status := map[string]int{board.ENotFound: 404, board.EInvalid: 400, board.EForbidden: 403, board.EUnavailable: 503, board.EGone: 410}[board.ErrorCode(err)]
			http.Error(w, board.ErrorMessage(err), cmp.Or(status, 500))
		}
	})
	s.http = httptest.NewServer(mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.current.Load().Shutdown(ctx)
		s.http.Close()
	})
	return s
}

// restart shuts the hub down as a server going down for an upgrade does
// and starts a new one on the same log, at the same address.
func (s *testServer) restart(t *testing.T) {
	t.Helper()
	if err := s.hub.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.hub = boardsync.NewHub(s.cfg)
	s.current.Store(s.hub)
}

// counter reads a Prometheus counter or gauge.
func counter(c prometheus.Collector) int { return int(testutil.ToFloat64(c)) }

// slowTotal returns how many clients the server dropped as too slow.
func slowTotal(s *testServer) int {
	n := 0
	for _, reason := range []string{"unanswered", "overdue", "stalled", "queue"} {
		n += counter(s.hub.Metrics().SlowDisconnects.WithLabelValues(reason))
	}
	return n
}

// fakeClock is a Clock the test moves by hand. After's channels fire when
// Advance passes their time; waiting receives a value each time someone
// starts waiting.
type fakeClock struct {
	mu      stdsync.Mutex
	now     time.Time
	timers  []fakeTimer
	waiting chan struct{}
}

type fakeTimer struct {
	at time.Time
	c  chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: clockStart, waiting: make(chan struct{}, 1000)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.timers = append(c.timers, fakeTimer{at: c.now.Add(d), c: ch})
	c.waiting <- struct{}{}
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			t.c <- c.now
		} else {
			kept = append(kept, t)
		}
	}
	c.timers = kept
}

// mustBoard creates a board and returns its facilitate link, with which
// a client may do everything.
func (s *testServer) mustBoard(t *testing.T) string {
	t.Helper()
	_, links := s.mustBoardLinks(t)
	return links.Facilitate
}

// mustBoardLinks creates a board and returns its id and links.
func (s *testServer) mustBoardLinks(t testing.TB) (string, boardsync.BoardLinks) {
	t.Helper()
	b, links, err := s.hub.CreateBoard(context.Background(), "Test board")
	if err != nil {
		t.Fatal(err)
	}
	return b.ID, links
}

// board returns the server's board that a link leads to.
func (s *testServer) board(t *testing.T, link string) *board.Board {
	t.Helper()
	a, err := s.hub.Resolve(context.Background(), link)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.hub.Board(context.Background(), a.BoardID)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// boardID returns the id of the board a link leads to.
func (s *testServer) boardID(t *testing.T, link string) string {
	t.Helper()
	a, err := s.hub.Resolve(context.Background(), link)
	if err != nil {
		t.Fatal(err)
	}
	return a.BoardID
}

// clockStart is when fake clocks start, and old boards were made.
var clockStart = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func deadline() time.Time { return time.Now().Add(10 * time.Second) }

// dialStatus returns the HTTP status a WebSocket dial gets: 101 if it
// connects.
func dialStatus(t *testing.T, url string) int {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err == nil {
		ws.Close()
		return http.StatusSwitchingProtocols
	}
	if resp == nil {
		t.Fatal(err)
	}
	return resp.StatusCode
}

func (s *testServer) wsURL(id string) string {
	return "ws" + strings.TrimPrefix(s.http.URL, "http") + "/ws/" + id
}

// boardJSON returns the server's board a link leads to, encoded, for
// byte-for-byte comparisons.
func (s *testServer) boardJSON(t *testing.T, link string) string {
	t.Helper()
	data, _ := json.Marshal(s.board(t, link))
	return string(data)
}

// client is a test client: a connection, the replica built from what it
// received, and everything it was told.
type client struct {
	t        testing.TB
	c        *wsclient.Client
	replica  wsclient.Replica
	acks     map[uint64]wsclient.Message
	rejects  map[uint64]wsclient.Message
	errors   []wsclient.Message
	ops      []wsclient.Message
	presence []wsclient.Message
	people   []wsclient.Message
	summons  []wsclient.Message
}

func mustDial(t testing.TB, url string, h wsclient.Hello) *client {
	t.Helper()
	if h.Client == "" {
		h.Client = "c" + uuid.NewString()[:8]
	}
	c, rest, err := wsclient.Dial(context.Background(), url, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.WS.Close() })
	cl := &client{t: t, c: c, acks: map[uint64]wsclient.Message{}, rejects: map[uint64]wsclient.Message{}}
	cl.handle(append([]wsclient.Message{c.Welcome}, rest...))
	return cl
}

func (cl *client) handle(msgs []wsclient.Message) {
	cl.t.Helper()
	for _, m := range msgs {
		switch m.Type {
		case "ack":
			cl.acks[m.Seq] = m
		case "reject":
			cl.rejects[m.Seq] = m
		case "error":
			cl.errors = append(cl.errors, m)
		case "op":
			cl.ops = append(cl.ops, m)
		case "presence":
			cl.presence = append(cl.presence, m)
		case "people":
			cl.people = append(cl.people, m)
		case "summon":
			cl.summons = append(cl.summons, m)
		}
		if err := cl.replica.Apply(m); err != nil {
			cl.t.Fatalf("client %s: %v", cl.c.Hello.Client, err)
		}
	}
}

// readUntil reads frames until cond holds, failing after a generous timeout
// (a hang, not a speed check).
func (cl *client) readUntil(what string, cond func() bool) {
	cl.t.Helper()
	cl.c.WS.SetReadDeadline(time.Now().Add(10 * time.Second))
	defer cl.c.WS.SetReadDeadline(time.Time{})
	for !cond() {
		msgs, err := cl.c.Read()
		if err != nil {
			cl.t.Fatalf("client %s waiting for %s: %v", cl.c.Hello.Client, what, err)
		}
		cl.handle(msgs)
	}
}

func (cl *client) version() uint64 { return cl.replica.Board.Version }

// send sends an op and returns its seq.
func (cl *client) send(op board.Op) uint64 {
	cl.t.Helper()
	seq, err := cl.c.SendOp(op)
	if err != nil {
		cl.t.Fatal(err)
	}
	return seq
}

// mustApply sends an op and waits for its ack.
func (cl *client) mustApply(op board.Op) wsclient.Message {
	cl.t.Helper()
	seq := cl.send(op)
	cl.readUntil(fmt.Sprintf("ack %d", seq), func() bool {
		if r, ok := cl.rejects[seq]; ok {
			cl.t.Fatalf("op %d rejected: %s %s", seq, r.Code, r.Message)
		}
		_, ok := cl.acks[seq]
		return ok
	})
	return cl.acks[seq]
}

// readClose reads until the server closes the connection and returns the code.
func (cl *client) readClose() int {
	cl.t.Helper()
	cl.c.WS.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		msgs, err := cl.c.Read()
		if err != nil {
			if code := closeCode(err); code != 0 {
				return code
			}
			cl.t.Fatalf("expected a close frame, got %v", err)
		}
		cl.handle(msgs)
	}
}

func f(v float64) *float64 { return &v }
func s(v string) *string   { return &v }

func createOp(id string, x, y float64) board.Op {
	return board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: id, X: f(x), Y: f(y)}}
}

func moveOp(id string, x, y float64) board.Op {
	return board.Op{Kind: board.KindUpdate, ID: id, Set: &board.Patch{X: f(x), Y: f(y)}}
}

func textOp(id, text string) board.Op {
	return board.Op{Kind: board.KindUpdate, ID: id, Set: &board.Patch{Text: s(text)}}
}

func deleteOp(id string) board.Op { return board.Op{Kind: board.KindDelete, ID: id} }

func closeCode(err error) int {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
