package sync

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	stdsync "sync"
	"time"

	"github.com/gorilla/websocket"

	"corkboard/board"
)

// Config is what a Hub needs. Store is required; the rest have defaults.
type Config struct {
	Store       Store
	Logger      *slog.Logger     // default: discard
	Now         func() time.Time // default: time.Now
	Limits      Limits           // zero fields: DefaultLimits
	BoardLimits board.Limits     // zero fields: board.DefaultLimits
	// AllowedOrigins lists origins (scheme://host[:port]) besides the
	// server's own that may open WebSockets, for a board embedded elsewhere.
	AllowedOrigins []string
}

// Hub owns every live board: it loads a board into a room when the first
// client joins, unloads it when it has been idle a while, and stops every
// room, flushing what is pending, on Shutdown.
type Hub struct {
	store     Store
	log       *slog.Logger
	now       func() time.Time
	lim       Limits
	boardLim  board.Limits
	upgrader  websocket.Upgrader
	committer *committer
	metrics   *Metrics

	stopCommitter stdsync.Once // Shutdown may be called more than once

	roomsCtx    context.Context // cancelled by Shutdown: every room stops
	cancelRooms context.CancelFunc
	roomsDone   stdsync.WaitGroup

	mu     stdsync.Mutex // guards the fields below, and room.refs of every room
	rooms  map[string]*room
	conns  map[*conn]struct{} // every open connection, to close on Shutdown
	closed bool
}

// NewHub returns a Hub ready to serve. Call Shutdown to stop it.
func NewHub(cfg Config) *Hub {
	h := &Hub{
		store:    cfg.Store,
		log:      cfg.Logger,
		now:      cfg.Now,
		lim:      cfg.Limits.WithDefaults(),
		boardLim: cfg.BoardLimits.WithDefaults(),
		metrics:  &Metrics{},
		rooms:    map[string]*room{},
		conns:    map[*conn]struct{}{},
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	h.upgrader = websocket.Upgrader{
		// A zero read size reuses the HTTP server's 4 KiB read buffer.
		// Data frames are framed and written by conn and socket, never by
		// the websocket package, so it needs no write buffer of its own:
		// with a pool it takes one only for NextWriter and WriteMessage,
		// which are not used, instead of keeping 4 KiB per connection.
		ReadBufferSize:  0,
		WriteBufferPool: &stdsync.Pool{},
		CheckOrigin:     originChecker(cfg.AllowedOrigins),
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			http.Error(w, reason.Error(), status)
		},
	}
	h.roomsCtx, h.cancelRooms = context.WithCancel(context.Background())
	h.committer = newCommitter(h.store, h.lim.CommitInterval, h.metrics, h.log)
	go h.committer.run()
	return h
}

// Metrics returns the hub's metrics.
func (h *Hub) Metrics() *Metrics { return h.metrics }

// BoardLimits returns the board limits the hub enforces.
func (h *Hub) BoardLimits() board.Limits { return h.boardLim }

// CreateBoard creates and durably stores a new, empty board.
func (h *Hub) CreateBoard(ctx context.Context, title string) (*board.Board, error) {
	b := board.New(board.NewID(), title, h.now())
	op := board.Op{Kind: board.KindRename, Title: &title}
	if err := h.boardLim.Validate(op); err != nil {
		return nil, err
	}
	snap, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	if err := h.store.CreateBoard(ctx, b.ID, snap); err != nil {
		return nil, err
	}
	return b.Public(), nil
}

// Board returns a copy of the board's current state, loading it if needed.
// It fails with ENotFound for a board that does not exist.
func (h *Hub) Board(ctx context.Context, id string) (*board.Board, error) {
	if !board.ValidID(id) {
		return nil, board.Errorf(board.ENotFound, "there is no board %q", id)
	}
	r, err := h.acquire(ctx, id)
	if err != nil {
		return nil, err
	}
	defer h.release(r)
	result := make(chan *board.Board, 1)
	select {
	case r.requests <- func() { result <- r.board.Public().Clone() }:
	case <-r.done:
		return nil, errShuttingDown
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case b := <-result:
		return b, nil
	case <-r.done:
		return nil, errShuttingDown
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

var errShuttingDown = board.Errorf(board.EInternal, "the server is shutting down; try again in a moment")

// ServeBoard upgrades the request to a WebSocket on the board with the given
// id and runs the connection until it closes. It answers 404 for an unknown
// board and 403 for a foreign Origin, before upgrading.
func (h *Hub) ServeBoard(w http.ResponseWriter, r *http.Request, id string) {
	if !board.ValidID(id) {
		http.Error(w, "There is no such board.", http.StatusNotFound)
		return
	}
	if !websocket.IsWebSocketUpgrade(r) {
		http.Error(w, "This address takes WebSocket connections only.", http.StatusBadRequest)
		return
	}
	if !h.upgrader.CheckOrigin(r) {
		http.Error(w, "This board does not accept connections from "+r.Header.Get("Origin")+".", http.StatusForbidden)
		return
	}
	rm, err := h.acquire(r.Context(), id)
	if err != nil {
		status := http.StatusInternalServerError
		switch board.ErrorCode(err) {
		case board.ENotFound:
			status = http.StatusNotFound
		case board.EInternal:
			status = http.StatusServiceUnavailable
		}
		http.Error(w, board.ErrorMessage(err), status)
		return
	}
	hj := &hijacker{ResponseWriter: w}
	ws, err := h.upgrader.Upgrade(hj, r, nil)
	if err != nil {
		h.release(rm) // the upgrader has answered the request
		return
	}
	c := newConn(h, ws, hj.sock)
	if !h.addConn(c) {
		h.release(rm)
		c.closeNow(websocket.CloseGoingAway, "the server is shutting down")
		return
	}
	// The connection gets goroutines of its own and the handler returns,
	// as in gorilla's chat example: net/http then lets go of the request,
	// its context and buffers, which would otherwise live (and be scanned by
	// every garbage collection) as long as the connection.
	go c.writeLoop()
	go func() {
		c.run(rm) // releases rm when it returns
		h.removeConn(c)
	}()
}

// Shutdown stops every room, closing their connections with "going away",
// writes everything pending to the store, and waits for that to finish or
// ctx to end. The store is the caller's to close afterwards.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.cancelRooms()
	done := make(chan struct{})
	go func() {
		h.roomsDone.Wait()
		h.stopCommitter.Do(h.committer.stop)
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("sync: shutdown: %w", ctx.Err())
	}
	h.mu.Lock()
	conns := slices.Collect(func(yield func(*conn) bool) {
		for c := range h.conns {
			if !yield(c) {
				return
			}
		}
	})
	h.mu.Unlock()
	for _, c := range conns {
		c.close(websocket.CloseGoingAway, "the server is shutting down")
	}
	return err
}

// acquire returns the running room of a board, starting it if needed, and
// holds it: the room does not unload until release.
func (h *Hub) acquire(ctx context.Context, id string) (*room, error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, errShuttingDown
	}
	r := h.rooms[id]
	if r == nil {
		r = newRoom(h, id)
		h.rooms[id] = r
		h.roomsDone.Add(1)
		go r.run(h.roomsCtx)
	}
	r.refs++
	h.mu.Unlock()

	select {
	case <-r.ready:
	case <-ctx.Done():
		h.release(r)
		return nil, ctx.Err()
	}
	if r.loadErr != nil {
		h.release(r)
		return nil, r.loadErr
	}
	return r, nil
}

func (h *Hub) release(r *room) {
	h.mu.Lock()
	r.refs--
	h.mu.Unlock()
}

// unloadIfIdle removes r from the hub if nobody holds it. The room calls it
// from its own goroutine and stops if it returns true.
func (h *Hub) unloadIfIdle(r *room) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r.refs > 0 {
		return false
	}
	if h.rooms[r.id] == r {
		delete(h.rooms, r.id)
	}
	return true
}

// forget removes r from the hub whatever its holders, so the next acquire
// starts afresh: after a failed load, or after a failed commit.
func (h *Hub) forget(r *room) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.rooms[r.id] == r {
		delete(h.rooms, r.id)
	}
}

func (h *Hub) addConn(c *conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.conns[c] = struct{}{}
	h.metrics.Connections.Add(1)
	return true
}

func (h *Hub) removeConn(c *conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.conns[c]; ok {
		delete(h.conns, c)
		h.metrics.Connections.Add(-1)
	}
}

// originChecker allows requests without an Origin (programs, not browsers),
// requests whose Origin is the server itself, and the listed origins.
func originChecker(allowed []string) func(r *http.Request) bool {
	return func(r *http.Request) bool {
		origin := r.Header.Get("Origin")
		if origin == "" {
			return true
		}
		u, err := url.Parse(origin)
		if err != nil {
			return false
		}
		if u.Host == r.Host {
			return true
		}
		return slices.Contains(allowed, origin)
	}
}

// randomID returns n random bytes in hex.
func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
