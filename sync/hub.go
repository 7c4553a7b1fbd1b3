package sync

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

// Config is what a Hub needs. Log is required; the rest have defaults.
type Config struct {
	Log Log
	// Links keeps the boards' links. Default: the Log, if it keeps links
	// too (boltstore.Store does); otherwise in memory, for tests.
	Links Links
	// History keeps the boards' kept snapshots. Default: the Log, if it
	// keeps them too (boltstore.Store does); otherwise in memory.
	History     History
	Logger      *slog.Logger // default: discard
	Clock       Clock        // default: the real time
	Limits      Limits       // zero fields: DefaultLimits
	BoardLimits board.Limits // zero fields: board.DefaultLimits
	// AllowedOrigins lists origins (scheme://host[:port]) besides the
	// server's own that may open WebSockets, for a board embedded elsewhere.
	AllowedOrigins []string

	// Lifecycle deletes boards and keeps their visits (delete.go).
	// Default: the Log, if it does that too (boltstore.Store does);
	// otherwise in memory, deleting from the in-memory stores.
	Lifecycle Lifecycle
	// RetentionDays, if above 0, is how many days a board may go unopened
	// before DeleteUnvisited deletes it. 0 keeps every board.
	RetentionDays int
}

// Hub owns every live board: it loads a board into a room when the first
// client joins, unloads it when it has been idle a while, and stops every
// room, writing what is pending, on Shutdown.
type Hub struct {
	log      Log
	links    Links
	history  History
	logger   *slog.Logger
	clock    Clock
	lim      Limits
	boardLim board.Limits
	upgrader websocket.Upgrader
	metrics  *Metrics
	// allowedOrigins are origins besides the server's own that may open
	// WebSockets; see Config.AllowedOrigins.
	allowedOrigins []string

	// lifecycle deletes boards; retentionDays is Config.RetentionDays;
	// visits are the boards marked opened today (delete.go).
	lifecycle     Lifecycle
	retentionDays int
	visits        visits

	roomsCtx    context.Context // cancelled by Shutdown: every room stops
	cancelRooms context.CancelFunc
	roomsDone   stdsync.WaitGroup

	mu     stdsync.Mutex // guards the fields below, and room.refs of every room
	rooms  map[string]*room
	conns  map[*conn]struct{} // every open connection, to close on Shutdown
	closed bool
	// deleting are the boards being deleted: no room starts for them.
	deleting map[string]struct{}
	// unloading are the rooms that left rooms when idle and are writing
	// their last snapshots: a deletion waits for them.
	unloading map[string]*room
}

// NewHub returns a Hub ready to serve. Call Shutdown to stop it.
func NewHub(cfg Config) *Hub {
	h := &Hub{
		log:            cfg.Log,
		links:          cfg.Links,
		history:        cfg.History,
		logger:         cfg.Logger,
		clock:          cfg.Clock,
		lim:            cfg.Limits.WithDefaults(),
		boardLim:       cfg.BoardLimits.WithDefaults(),
		metrics:        newMetrics(),
		allowedOrigins: cfg.AllowedOrigins,
		rooms:          map[string]*room{},
		conns:          map[*conn]struct{}{},
		deleting:       map[string]struct{}{},
		unloading:      map[string]*room{},
		lifecycle:      cfg.Lifecycle,
		retentionDays:  max(cfg.RetentionDays, 0),
	}
	if h.logger == nil {
		h.logger = slog.New(slog.DiscardHandler)
	}
	if h.clock == nil {
		h.clock = realClock{}
	}
	if h.links == nil {
		if l, ok := cfg.Log.(Links); ok {
			h.links = l
		} else {
			h.links = NewMemLinks()
		}
	}
	if h.history == nil {
		if hs, ok := cfg.Log.(History); ok {
			h.history = hs
		} else {
			h.history = NewMemHistory()
		}
	}
	if h.lifecycle == nil {
		if l, ok := cfg.Log.(Lifecycle); ok {
			h.lifecycle = l
		} else {
			h.lifecycle = NewMemLifecycle(h.log, h.links, h.history)
		}
	}
	h.upgrader = websocket.Upgrader{
		// A zero read size reuses the HTTP server's 4 KiB read buffer.
		// Data frames are framed and written by the writer and socket,
		// never by the websocket package, so it needs no write buffer of
		// its own: with a pool it takes one only for NextWriter and
		// WriteMessage, which are not used, instead of keeping 4 KiB per
		// connection.
		ReadBufferSize:  0,
		WriteBufferPool: &stdsync.Pool{},
		// ServeBoard checks the origin itself, before upgrading.
		CheckOrigin: func(*http.Request) bool { return true },
		// The upgrader's own refusals (a malformed handshake) are
		// answered by ServeBoard's caller, from the error Upgrade returns.
		Error: func(http.ResponseWriter, *http.Request, int, error) {},
	}
	h.roomsCtx, h.cancelRooms = context.WithCancel(context.Background())
	return h
}

// Clock tells the time and waits. A hub reads the time for operations'
// timestamps, the resume window's age, idle rooms and the rate limits, and
// waits on it for the rate limits; tests give a hub one they control.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

func (h *Hub) now() time.Time { return h.clock.Now() }

// Metrics returns the hub's metrics.
func (h *Hub) Metrics() *Metrics { return h.metrics }

// BoardLimits returns the board limits the hub enforces.
func (h *Hub) BoardLimits() board.Limits { return h.boardLim }

// CreateBoard creates a new, empty board, starts its log and gives it its
// links. It returns the board with its id, which only its creator is told
// (see board.Board.View).
func (h *Hub) CreateBoard(ctx context.Context, title string, columns ...board.Column) (*board.Board, BoardLinks, error) {
	b := board.New(board.NewID(), title, h.now())
	b.Columns = columns // from a template (board.TemplateColumns)
	op := board.Op{Kind: board.KindRename, Title: &title}
	if err := h.boardLim.Validate(op); err != nil {
		return nil, BoardLinks{}, err
	}
	return h.create(ctx, b)
}

// ImportBoard creates a new board that holds what b holds (a board read
// from an export): its title, notes, stops and votes, under a new id and
// new links, at version 0. It checks b against this server's limits.
func (h *Hub) ImportBoard(ctx context.Context, b *board.Board) (*board.Board, BoardLinks, error) {
	b = b.Clone()
	b.ID, b.Version, b.Clients = board.NewID(), 0, nil
	clear(b.Deleted)
	data, err := b.MarshalJSON()
	if err != nil {
		return nil, BoardLinks{}, err
	}
	// What the room will load: checked now, so a board the server would
	// refuse to load is never created.
	if b, err = board.DecodeBoard(data, h.boardLim); err != nil {
		return nil, BoardLinks{}, err
	}
	if b.Size() > h.boardLim.MaxBoardBytes {
		return nil, BoardLinks{}, board.Errorf(board.ETooLarge, "the board is %d bytes; a board holds at most %d", b.Size(), h.boardLim.MaxBoardBytes)
	}
	return h.create(ctx, b)
}

func (h *Hub) create(ctx context.Context, b *board.Board) (*board.Board, BoardLinks, error) {
	snap, err := b.MarshalJSON()
	if err != nil {
		return nil, BoardLinks{}, err
	}
	if err := h.log.Create(ctx, b.ID, snap); err != nil {
		return nil, BoardLinks{}, err
	}
	// The first kept snapshot: replay starts from it, and the board at
	// any version is built up from it.
	kept := Kept{ID: randomID(8), Reason: KeptCreated, At: h.now().UTC(), Version: b.Version, Notes: len(b.Notes), Data: snap}
	if err := h.history.Keep(ctx, b.ID, kept); err != nil {
		return nil, BoardLinks{}, err
	}
	links := NewLinks()
	// A new board can be joined by code at once: a teacher who opens
	// Share in class finds a code to read out, not a setting to find.
	if links.Join, err = h.newJoin(ctx, board.RoleEdit); err != nil {
		return nil, BoardLinks{}, err
	}
	if err := h.links.CreateLinks(ctx, b.ID, links); err != nil {
		return nil, BoardLinks{}, err
	}
	return b, links, nil
}

// Board returns a copy of the board's current state as everyone may see
// it (board.Board.View for nobody in particular: what a page, the API and
// an export show), loading it if needed. It fails with ENotFound for a
// board that does not exist.
func (h *Hub) Board(ctx context.Context, id string) (*board.Board, error) {
	return h.BoardAs(ctx, id, "")
}

// BoardAs is Board as a participant may see it: with their own private
// notes and votes.
func (h *Hub) BoardAs(ctx context.Context, id, participant string) (*board.Board, error) {
	return h.BoardFor(ctx, id, participant, false)
}

// BoardFor is BoardAs for a participant who facilitates, or not (see
// board.Board.ViewFor).
func (h *Hub) BoardFor(ctx context.Context, id, participant string, facilitator bool) (*board.Board, error) {
	return h.boardView(ctx, id, func(b *board.Board) *board.Board { return b.ViewFor(participant, facilitator) })
}

// BoardShown is Board as a link shows it (board.Board.Shown): a
// facilitator's link (staff) with names where the board shows them
// facilitators only.
func (h *Hub) BoardShown(ctx context.Context, id string, staff bool) (*board.Board, error) {
	return h.boardView(ctx, id, func(b *board.Board) *board.Board { return b.Shown(staff) })
}

func (h *Hub) boardView(ctx context.Context, id string, view func(*board.Board) *board.Board) (*board.Board, error) {
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
	case r.requests <- func() { result <- view(r.board).Clone() }:
	case <-r.done:
		return nil, h.stoppedErr(ctx, id)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case b := <-result:
		return b, nil
	case <-r.done:
		return nil, h.stoppedErr(ctx, id)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

var errShuttingDown = board.Errorf(board.EUnavailable, "the server is restarting; try again in a moment")

// stoppedErr is what a request to a room that stopped under it gets: the
// board was deleted meanwhile (its tombstone says so), or the server is
// going down.
func (h *Hub) stoppedErr(ctx context.Context, id string) error {
	if t, err := h.lifecycle.Tombstone(ctx, id); err == nil {
		return &DeletedError{Tombstone: t}
	}
	return errShuttingDown
}

// ServeBoard upgrades the request to a WebSocket on the board a link
// leads to, with the link's role, and runs the connection until it closes.
// When it cannot (the link leads nowhere, the request is not a WebSocket
// handshake, it comes from a foreign site, the server is shutting down) it
// writes nothing and returns an error for the caller to answer, a
// *board.Error: ENotFound, EInvalid, EForbidden or EUnavailable.
func (h *Hub) ServeBoard(w http.ResponseWriter, r *http.Request, link string) error {
	if !websocket.IsWebSocketUpgrade(r) {
		return board.Errorf(board.EInvalid, "This address takes WebSocket connections only.")
	}
	if !h.originAllowed(r) {
		return board.Errorf(board.EForbidden, "This board does not accept connections from other sites.")
	}
	access, err := h.Resolve(r.Context(), link)
	if err != nil {
		return err
	}
	rm, err := h.acquire(r.Context(), access.BoardID)
	if err != nil {
		return err
	}
	// The link again, now that the room is loaded: a link replaced before
	// the room was (which the room cannot know of) leads nowhere here, and
	// one replaced from now on reaches the room, which closes or refuses
	// its connections.
	if again, err := h.Resolve(r.Context(), link); err != nil || again != access {
		h.release(rm)
		if err == nil {
			err = board.Errorf(board.ENotFound, "This link leads to no board.")
		}
		return err
	}
	hj := &hijacker{ResponseWriter: w}
	ws, err := h.upgrader.Upgrade(hj, r, nil)
	if err != nil {
		h.release(rm)
		if hj.sock != nil {
			return nil // hijacked: nothing more can be said over HTTP
		}
		return board.Errorf(board.EInvalid, "The WebSocket handshake is malformed.")
	}
	c := newConn(h, ws, hj.sock)
	c.role, c.link = access.Role, access.Link
	if !h.addConn(c) {
		h.release(rm)
		c.out.close(websocket.CloseGoingAway, "the server is shutting down")
		go c.out.run()
		return nil
	}
	// The connection gets goroutines of its own and the handler returns,
	// as in gorilla's chat example: net/http then lets go of the request,
	// its context and buffers, which would otherwise live (and be scanned by
	// every garbage collection) as long as the connection.
	go c.out.run()
	go func() {
		c.serve(rm) // releases rm when it returns
		h.removeConn(c)
	}()
	return nil
}

// Shutdown stops every room, closing their connections with "going away",
// appends everything pending to the log, and waits for that to finish or
// ctx to end. The log is the caller's to close afterwards.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.cancelRooms()
	done := make(chan struct{})
	go func() {
		h.roomsDone.Wait()
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
		c.out.close(websocket.CloseGoingAway, "the server is shutting down")
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
	if _, busy := h.deleting[id]; busy {
		h.mu.Unlock()
		return nil, errBeingDeleted
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
		if board.ErrorCode(r.loadErr) == board.EInternal {
			return nil, board.Errorf(board.EInternal, "the board could not be loaded")
		}
		return nil, h.gone(ctx, id, r.loadErr)
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
		h.unloading[r.id] = r
	}
	return true
}

// unloaded forgets r as unloading, once it has written all it had.
func (h *Hub) unloaded(r *room) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.unloading[r.id] == r {
		delete(h.unloading, r.id)
	}
}

// forget removes r from the hub whatever its holders, so the next acquire
// starts afresh: after a failed load, or after a failed append.
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
	h.metrics.Connections.Inc()
	return true
}

func (h *Hub) removeConn(c *conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.conns[c]; ok {
		delete(h.conns, c)
		h.metrics.Connections.Dec()
	}
}

// originAllowed allows requests without an Origin (programs, not browsers),
// requests whose Origin is the server itself, and the allowed origins.
func (h *Hub) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return u.Host == r.Host || slices.Contains(h.allowedOrigins, origin)
}

// randomID returns n random bytes in hex.
func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
