package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"runtime/pprof"
	"strings"
	stdsync "sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"

	"corkboard/board"
	"corkboard/sync/wsclient"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(os.Stderr, "boardload: %v\n", err)
		}
		os.Exit(1)
	}
}

// scenario is one load shape and its targets.
type scenario struct {
	Name     string
	Boards   int
	Clients  int // per board, writers included
	Writers  int // per board
	Rate     float64
	CursorHz float64
	// ViewHz, if not 0, makes one client of each board (on the facilitate
	// link) present, sending its view this often; the others follow it.
	ViewHz      float64
	MaxAckP99   time.Duration // 0: no target
	MaxDelivP99 time.Duration
	MaxViewP99  time.Duration // the presenter's view reaching the others
	MaxCPU      float64       // server CPU in cores; 0: no target
}

var scenarios = map[string]scenario{
	"S1": {Name: "S1 classroom", Boards: 1, Clients: 50, Writers: 50, Rate: 5, CursorHz: 20,
		MaxAckP99: 50 * time.Millisecond, MaxDelivP99: 10 * time.Millisecond, MaxCPU: 1},
	"S2": {Name: "S2 lecture", Boards: 1, Clients: 1005, Writers: 5, Rate: 20,
		MaxAckP99: 50 * time.Millisecond, MaxDelivP99: 100 * time.Millisecond},
	"S3": {Name: "S3 school", Boards: 500, Clients: 5, Writers: 5, Rate: 1,
		MaxAckP99: 50 * time.Millisecond, MaxDelivP99: 10 * time.Millisecond, MaxCPU: 1},
	"S4": {Name: "S4 presenting", Boards: 1, Clients: 1006, Writers: 5, Rate: 20, ViewHz: 20,
		MaxAckP99: 50 * time.Millisecond, MaxDelivP99: 100 * time.Millisecond, MaxViewP99: 150 * time.Millisecond, MaxCPU: 1},
}

type options struct {
	url      string
	pid      int
	duration time.Duration
	warmup   time.Duration
	sc       scenario
	// moderate runs the scenario on moderated boards: approval, own notes
	// and the word filter on, the writers' notes approved by a facilitator
	// before the load starts, as a class would.
	moderate bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("boardload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	var name, cpuProfile, relayAddr string
	var join, bigJoinClients, fillBytes, voters int
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "server base URL")
	fs.StringVar(&name, "scenario", "", "S1, S2, S3 or S4 (sets the shape below and the targets)")
	fs.IntVar(&o.pid, "pid", 0, "server process id, to measure its CPU and peak RSS")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long to measure")
	fs.DurationVar(&o.warmup, "warmup", 3*time.Second, "load before measuring starts")
	fs.IntVar(&o.sc.Boards, "boards", 1, "boards")
	fs.IntVar(&o.sc.Clients, "clients", 10, "clients per board, writers included")
	fs.IntVar(&o.sc.Writers, "writers", 2, "writing clients per board")
	fs.Float64Var(&o.sc.Rate, "rate", 5, "operations per second per writer")
	fs.Float64Var(&o.sc.CursorHz, "cursor-hz", 0, "cursor messages per second per client (0: none)")
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write boardload's own CPU profile to this file")
	fs.StringVar(&relayAddr, "relay", "", "serve a bare relay on this address instead of generating load (a yardstick; see relay.go)")
	fs.IntVar(&join, "join", 0, "instead of a scenario: this many clients join one board; report the time and the memory per idle connection (join.go)")
	fs.IntVar(&bigJoinClients, "big-join", 0, "instead of a scenario: fill a board to its byte cap, then this many clients join it at once; report the server's peak memory (join.go)")
	fs.IntVar(&fillBytes, "fill-bytes", 0, "with -big-join: fill the board to about this many bytes instead of its cap (for a server without one)")
	fs.BoolVar(&o.moderate, "moderate", false, "moderate every board (approval, own notes only, the word filter masking) and approve the writers' notes before the load")
	fs.IntVar(&voters, "vote", 0, "instead of a scenario: a round of dot voting in which this many people cast 3 votes each within 10 seconds (vote.go)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if relayAddr != "" {
		ln, err := net.Listen("tcp", relayAddr)
		if err != nil {
			return err
		}
		return serveRelay(ctx, ln, stderr)
	}
	switch {
	case join > 0:
		return joinRoom(ctx, o, join, stdout)
	case bigJoinClients > 0:
		return bigJoin(ctx, o, bigJoinClients, fillBytes, stdout)
	case voters > 0:
		return voteRound(ctx, o, voters, stdout)
	}
	if cpuProfile != "" {
		// The load generator shares the machine with the server: what it
		// spends is taken from the server, so it is worth knowing.
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if name != "" {
		sc, ok := scenarios[strings.ToUpper(name)]
		if !ok {
			return fmt.Errorf("unknown scenario %q (S1, S2, S3, S4)", name)
		}
		o.sc = sc
	} else {
		o.sc.Name = "custom"
	}
	if o.sc.Writers > o.sc.Clients || o.sc.Boards < 1 || o.sc.Rate <= 0 {
		return fmt.Errorf("need 1 or more boards, writers <= clients and a positive rate")
	}
	r, err := runLoad(ctx, o, stderr)
	if err != nil {
		return err
	}
	return r.report(stdout, o)
}

// writerState holds the send times of one writer's operations, indexed by
// seq, so readers on other goroutines can look them up without a lock.
type writerState struct {
	id   string
	sent []atomic.Int64 // nanoseconds since start, 0 = not sent
	note string
	conn *loadConn
}

// loadConn is a connection shared by a writer and a cursor sender;
// gorilla/websocket allows one writer at a time, hence the lock.
type loadConn struct {
	*wsclient.Client
	mu stdsync.Mutex
}

func (c *loadConn) sendOp(seq uint64, op board.Op) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.SendOpSeq(seq, op)
}

func (c *loadConn) send(v any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.SendJSON(v)
}

func (c *loadConn) sendCursor(x, y float64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.SendCursor(x, y)
}

// reader is one client's receiving side and what it measured.
type reader struct {
	client      string
	board       int
	lastVersion uint64
	lost, dups  uint64
	delivery    hist
	ack         hist
	acks        uint64
	rejects     uint64
	deliveries  uint64
	view        *hist // the presenter's view, sent to seen (S4 only: a hist is 3.4 KiB)
	err         error // a protocol error: the run is invalid
	closedEarly error // the connection ended before the run did
}

type result struct {
	readers       []*reader
	elapsed       time.Duration
	sent          uint64
	finalVersions []uint64
	serverCPU     float64 // cores
	serverRSS     uint64  // peak, bytes
	loadCPU       float64
	sends         []int // operations sent in each millisecond measured
}

func runLoad(ctx context.Context, o options, logw io.Writer) (*result, error) {
	sc := o.sc
	fmt.Fprintf(logw, "boardload: %s: %d boards x %d clients, %d writers per board at %g ops/s, cursors %g Hz, a presenter's view %g Hz\n",
		sc.Name, sc.Boards, sc.Clients, sc.Writers, sc.Rate, sc.CursorHz, sc.ViewHz)
	ids := make([]boardLinks, sc.Boards)
	for i := range ids {
		id, err := createBoard(o.url, fmt.Sprintf("Load %d", i))
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	wsBase := "ws" + strings.TrimPrefix(o.url, "http") + "/ws/"
	var moderators []*driver
	if o.moderate {
		on := board.Op{Kind: board.KindModerate, Moderation: &board.Moderation{Approval: true, OwnNotes: true,
			Filter: &board.Filter{Mode: board.FilterMask, Defaults: true}}}
		for _, l := range ids {
			c, _, err := wsclient.Dial(ctx, wsBase+l.facilitate, wsclient.Hello{Client: "moderator", Name: "Teacher", Participant: wsclient.NewParticipant()}, nil)
			if err != nil {
				return nil, err
			}
			d := newDriver(c)
			if err := applyAll(d, on); err != nil {
				return nil, fmt.Errorf("moderating: %w", err)
			}
			moderators = append(moderators, d)
		}
	}
	start := time.Now()
	since := func() int64 { return int64(time.Since(start)) }
	total := o.warmup + o.duration + 5*time.Second
	perWriter := int(sc.Rate*total.Seconds()) + 16

	// The writers are known before anyone connects, so readers look them
	// up in a map nobody writes to any more.
	writerOf := map[string]*writerState{}
	var writers []*writerState
	for b := range sc.Boards {
		for c := range sc.Writers {
			w := &writerState{id: clientID(b, c), sent: make([]atomic.Int64, perWriter+1)}
			writers = append(writers, w)
			writerOf[w.id] = w
		}
	}
	var (
		readers    []*reader
		conns      []*loadConn
		readersWG  stdsync.WaitGroup
		measuring  atomic.Bool
		finished   atomic.Bool // set before the load generator closes connections
		presenters []*loadConn
		mu         stdsync.Mutex // guards readers, conns and dialErr while dialing
		dialErr    error
		dialWG     stdsync.WaitGroup
	)
	sem := make(chan struct{}, 32) // dial a few at a time
	for b := range sc.Boards {
		for c := range sc.Clients {
			dialWG.Add(1)
			sem <- struct{}{}
			go func() {
				defer dialWG.Done()
				defer func() { <-sem }()
				cid := clientID(b, c)
				link := ids[b].view
				presenter := sc.ViewHz > 0 && c == sc.Writers
				switch {
				case writerOf[cid] != nil:
					link = ids[b].edit
				case presenter:
					link = ids[b].facilitate
				}
				h := wsclient.Hello{Client: cid, Name: cid}
				if o.moderate && writerOf[cid] != nil {
					h.Participant = wsclient.NewParticipant() // own notes only needs to know whose a note is
				}
				conn, rest, err := wsclient.Dial(ctx, wsBase+link, h, nil)
				if err != nil {
					mu.Lock()
					dialErr = err
					mu.Unlock()
					return
				}
				lc := &loadConn{Client: conn}
				rd := &reader{client: cid, board: b, lastVersion: conn.Welcome.Version}
				if sc.ViewHz > 0 {
					rd.view = &hist{}
				}
				for _, m := range rest {
					if m.Type == "op" {
						rd.lastVersion = max(rd.lastVersion, m.Version)
					}
				}
				if w := writerOf[cid]; w != nil {
					w.conn = lc
				}
				mu.Lock()
				conns = append(conns, lc)
				readers = append(readers, rd)
				if presenter {
					presenters = append(presenters, lc)
				}
				mu.Unlock()
				readersWG.Add(1)
				go func() {
					defer readersWG.Done()
					rd.read(conn, writerOf, since, &measuring, &finished)
				}()
			}()
		}
	}
	dialWG.Wait()
	if dialErr != nil {
		return nil, fmt.Errorf("connecting: %w", dialErr)
	}
	fmt.Fprintf(logw, "boardload: %d connections open after %v\n", len(conns), time.Since(start).Round(time.Millisecond))

	// Each writer creates its own note, then moves it.
	for _, w := range writers {
		w.note = uuid.NewString()
		x, y := rand.Float64()*2000, rand.Float64()*2000
		w.sent[1].Store(since())
		if err := w.conn.sendOp(1, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: w.note, X: &x, Y: &y}}); err != nil {
			return nil, err
		}
	}
	time.Sleep(500 * time.Millisecond)
	if o.moderate {
		// The notes waited for approval: the facilitator lets them show.
		for _, d := range moderators {
			if err := applyAll(d, board.Op{Kind: board.KindApprove}); err != nil {
				return nil, fmt.Errorf("approving: %w", err)
			}
			d.c.Close()
		}
		time.Sleep(200 * time.Millisecond)
	}

	stopLoad := make(chan struct{})
	var loadWG stdsync.WaitGroup
	var sent atomic.Uint64
	for _, w := range writers {
		loadWG.Add(1)
		go func() {
			defer loadWG.Done()
			ticks := newSchedule(time.Duration(float64(time.Second) / sc.Rate))
			defer ticks.stop()
			for seq := uint64(2); seq <= uint64(perWriter); seq++ {
				if !ticks.wait(stopLoad) {
					return
				}
				x, y := rand.Float64()*2000, rand.Float64()*2000
				w.sent[seq].Store(since())
				if err := w.conn.sendOp(seq, board.Op{Kind: board.KindUpdate, ID: w.note, Set: &board.Patch{X: &x, Y: &y}}); err != nil {
					return
				}
				if measuring.Load() {
					sent.Add(1)
				}
			}
		}()
	}
	if sc.CursorHz > 0 {
		for _, c := range conns {
			loadWG.Add(1)
			go func() {
				defer loadWG.Done()
				ticks := newSchedule(time.Duration(float64(time.Second) / sc.CursorHz))
				defer ticks.stop()
				for ticks.wait(stopLoad) {
					if err := c.sendCursor(rand.Float64()*2000, rand.Float64()*2000); err != nil {
						return
					}
				}
			}()
		}
	}

	// A presenter shows its view, its x the time it was sent at (in
	// milliseconds since the start), which is how followers measure it.
	for _, p := range presenters {
		if err := p.send(map[string]any{"type": "present", "on": true}); err != nil {
			return nil, err
		}
		loadWG.Add(1)
		go func() {
			defer loadWG.Done()
			ticks := newSchedule(time.Duration(float64(time.Second) / sc.ViewHz))
			defer ticks.stop()
			for ticks.wait(stopLoad) {
				ms := float64(since()) / float64(time.Millisecond)
				if err := p.send(map[string]any{"type": "view", "x": ms, "y": 0, "w": 1920, "h": 1080}); err != nil {
					return
				}
			}
		}()
	}

	time.Sleep(o.warmup)
	cpu0, _ := processCPU(o.pid)
	self0 := selfCPU()
	t0 := time.Now()
	from := since()
	measuring.Store(true)
	select {
	case <-time.After(o.duration):
	case <-ctx.Done():
	}
	measuring.Store(false)
	elapsed, to := time.Since(t0), since()
	cpu1, _ := processCPU(o.pid)
	self1 := selfCPU()
	close(stopLoad)
	loadWG.Wait()

	// Let the last operations arrive, then compare every reader's last
	// version with the board's.
	time.Sleep(2 * time.Second)
	r := &result{readers: readers, elapsed: elapsed, sent: sent.Load(), sends: sendsPerMillisecond(writers, from, to)}
	r.serverCPU = (cpu1 - cpu0).Seconds() / elapsed.Seconds()
	r.loadCPU = (self1 - self0).Seconds() / elapsed.Seconds()
	r.serverRSS = processPeakRSS(o.pid)
	r.finalVersions = make([]uint64, sc.Boards)
	for i, id := range ids {
		v, err := boardVersion(o.url, id.view)
		if err != nil {
			return nil, err
		}
		r.finalVersions[i] = v
	}
	finished.Store(true)
	for _, c := range conns {
		c.Close()
	}
	readersWG.Wait()
	return r, nil
}

// sendsPerMillisecond counts the operations sent in each millisecond of
// [from, to): how evenly the load was offered. Bursts of sends queue up in
// the server and show as delivery latency that is not the server's doing.
func sendsPerMillisecond(writers []*writerState, from, to int64) []int {
	n := (to - from) / int64(time.Millisecond)
	if n <= 0 {
		return nil
	}
	counts := make([]int, n)
	for _, w := range writers {
		for i := range w.sent {
			if at := w.sent[i].Load(); at >= from && at < to {
				if ms := (at - from) / int64(time.Millisecond); ms < n {
					counts[ms]++
				}
			}
		}
	}
	return counts
}

func clientID(board, client int) string { return fmt.Sprintf("load-%d-%d", board, client) }

// wireMsg is the part of a server message the load generator reads.
type wireMsg struct {
	Type    string `json:"type"`
	Version uint64 `json:"version"`
	Client  string `json:"client"`
	Seq     uint64 `json:"seq"`
	Stage   *struct {
		View *struct {
			X float64 `json:"x"`
		} `json:"view"`
	} `json:"stage"`
}

func (rd *reader) read(c *wsclient.Client, writerOf map[string]*writerState, since func() int64, measuring, finished *atomic.Bool) {
	var frame []wireMsg
	for {
		_, data, err := c.WS.ReadMessage()
		if err != nil {
			if !finished.Load() {
				rd.closedEarly = err
			}
			return
		}
		now := since()
		frame = frame[:0]
		if err := json.Unmarshal(data, &frame); err != nil {
			rd.err = err
			return
		}
		on := measuring.Load()
		for _, m := range frame {
			switch m.Type {
			case "op":
				switch {
				case m.Version <= rd.lastVersion:
					rd.dups++
				case m.Version > rd.lastVersion+1:
					rd.lost += m.Version - rd.lastVersion - 1
				}
				rd.lastVersion = max(rd.lastVersion, m.Version)
				if m.Client == rd.client || !on {
					continue
				}
				if w := writerOf[m.Client]; w != nil && m.Seq < uint64(len(w.sent)) {
					if at := w.sent[m.Seq].Load(); at > 0 {
						rd.delivery.record(time.Duration(now - at))
						rd.deliveries++
					}
				}
			case "ack":
				rd.acks++
				if !on {
					continue
				}
				if w := writerOf[rd.client]; w != nil && m.Seq < uint64(len(w.sent)) {
					if at := w.sent[m.Seq].Load(); at > 0 {
						rd.ack.record(time.Duration(now - at))
					}
				}
			case "reject":
				rd.rejects++
			case "presence":
				if on && rd.view != nil && m.Stage != nil && m.Stage.View != nil {
					at := int64(m.Stage.View.X * float64(time.Millisecond))
					rd.view.record(time.Duration(now - at))
				}
			}
		}
	}
}

// boardLinks are the links load clients use: writers the edit link, a
// presenter the facilitate link, the others the view link, as a class or a
// lecture hall would.
type boardLinks struct{ facilitate, edit, view string }

func createBoard(base, title string) (boardLinks, error) {
	resp, err := http.Post(base+"/api/boards", "application/json", strings.NewReader(`{"title":"`+title+`"}`))
	if err != nil {
		return boardLinks{}, err
	}
	defer resp.Body.Close()
	var b struct {
		ID    string
		Links map[string]struct{ URL string }
	}
	if resp.StatusCode != http.StatusCreated {
		return boardLinks{}, fmt.Errorf("creating a board: HTTP %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
		return boardLinks{}, err
	}
	if b.Links == nil {
		return boardLinks{facilitate: b.ID, edit: b.ID, view: b.ID}, nil // the bare relay: its id is all there is
	}
	return boardLinks{facilitate: path.Base(b.Links["facilitate"].URL), edit: path.Base(b.Links["edit"].URL),
		view: path.Base(b.Links["view"].URL)}, nil
}

func boardVersion(base, id string) (uint64, error) {
	resp, err := http.Get(base + "/api/boards/" + id)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var b struct{ Version uint64 }
	err = json.NewDecoder(resp.Body).Decode(&b)
	return b.Version, err
}
