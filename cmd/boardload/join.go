package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	stdsync "sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"corkboard/board"
	"corkboard/sync/wsclient"
)

// Two tests of what joining costs, beside the steady load of the scenarios.
//
// joinRoom: n clients join one board, dialling many at a time, as a lecture
// hall does when the teacher puts up the link. It reports how long until
// the last welcome, and how much the server's memory grew per connection
// once they sit idle.
//
// bigJoin: a board filled to the byte cap, and n clients joining it at
// once, some of them never reading. It reports the server's peak memory
// above what it held before, against the board's size.

// joinDialers is how many clients dial at once in joinRoom.
const joinDialers = 100

func joinRoom(ctx context.Context, o options, n int, w io.Writer) error {
	links, err := createBoard(o.url, "Join")
	if err != nil {
		return err
	}
	ws := "ws" + strings.TrimPrefix(o.url, "http") + "/ws/" + links.view
	time.Sleep(time.Second) // let the server settle before its baseline
	before := processRSS(o.pid)
	cpu0, _ := processCPU(o.pid)
	var (
		conns   = make([]*wsclient.Client, n)
		failed  atomic.Int64
		firstEr atomic.Value
		wg      stdsync.WaitGroup
		next    atomic.Int64
	)
	start := time.Now()
	for range joinDialers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				c, _, err := wsclient.Dial(ctx, ws, wsclient.Hello{Client: fmt.Sprintf("join-%d", i)}, nil)
				if err != nil {
					failed.Add(1)
					firstEr.CompareAndSwap(nil, err.Error())
					continue
				}
				conns[i] = c
				// Read what comes (presence), as a browser would.
				go io.Copy(io.Discard, c.WS.NetConn())
			}
		})
	}
	wg.Wait()
	joined := time.Since(start)
	cpu1, _ := processCPU(o.pid)
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("%d of %d joins failed, the first: %v", f, n, firstEr.Load())
	}
	time.Sleep(3 * time.Second) // idle
	after := processRSS(o.pid)
	for _, c := range conns {
		c.WS.Close()
	}
	fmt.Fprintf(w, "join            %d clients joined one board in %.2f s (%.0f/s), server CPU %.2f s\n",
		n, joined.Seconds(), float64(n)/joined.Seconds(), (cpu1 - cpu0).Seconds())
	if o.pid > 0 {
		fmt.Fprintf(w, "idle memory     %.1f KiB per connection (RSS %.0f MiB before, %.0f MiB after)\n",
			float64(after-before)/float64(n)/1024, float64(before)/(1<<20), float64(after)/(1<<20))
	}
	return nil
}

func bigJoin(ctx context.Context, o options, n, fillBytes int, w io.Writer) error {
	links, err := createBoard(o.url, "Big")
	if err != nil {
		return err
	}
	ws := "ws" + strings.TrimPrefix(o.url, "http") + "/ws/" + links.view
	size, err := fillBoard(ctx, "ws"+strings.TrimPrefix(o.url, "http")+"/ws/"+links.edit, fillBytes)
	if err != nil {
		return err
	}
	// The board saves a snapshot of itself within half a minute of the
	// fill. Saving one is a cost of its own (the board encoded, written,
	// its records moved to history), and one that fell among the joins,
	// as it does by chance one run in three, would be counted as theirs.
	// So it is waited for, and reported apart.
	if o.pid > 0 {
		before := processRSS(o.pid)
		resetPeakRSS(o.pid)
		if err := awaitSnapshot(o.url, 35*time.Second); err != nil {
			return err
		}
		grew := float64(processPeakRSS(o.pid)) - float64(before)
		fmt.Fprintf(w, "snapshot        saving the board's snapshot: peak memory %.0f MiB above the %.0f MiB before (%.1fx the board)\n",
			grew/(1<<20), float64(before)/(1<<20), grew/float64(size))
	}
	time.Sleep(2 * time.Second) // garbage collected
	before := processRSS(o.pid)
	resetPeakRSS(o.pid)
	var wg, readers stdsync.WaitGroup
	errs := make(chan error, n)
	var read time.Duration
	start := time.Now()
	for i := range n {
		// Every fourth client never reads past its hello: its welcome
		// waits in the server until it is found too slow.
		reads := i%4 != 0
		if reads {
			readers.Add(1)
		}
		wg.Go(func() {
			if reads {
				defer readers.Done()
			}
			c, err := dialRaw(ctx, ws, fmt.Sprintf("big-%d", i))
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			if !reads {
				time.Sleep(10 * time.Second)
				return
			}
			c.SetReadDeadline(time.Now().Add(60 * time.Second))
			if _, _, err := c.ReadMessage(); err != nil {
				errs <- fmt.Errorf("reading the welcome: %w", err)
			}
		})
	}
	readers.Wait()
	read = time.Since(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		return err
	}
	peak := processPeakRSS(o.pid)
	fmt.Fprintf(w, "big join        %d clients (a quarter never reading) joined a board of %.1f MiB; the readers had it in %.2f s\n",
		n, float64(size)/(1<<20), read.Seconds())
	if o.pid > 0 {
		grew := float64(peak) - float64(before)
		bound := "within"
		if grew > 4*float64(size) {
			bound = "OVER"
		}
		fmt.Fprintf(w, "peak memory     %.0f MiB, %.0f MiB above the %.0f MiB before (%.1fx the board): %s the bound of 4x the board\n",
			float64(peak)/(1<<20), grew/(1<<20), float64(before)/(1<<20), grew/float64(size), bound)
	}
	return nil
}

// awaitSnapshot waits until the server has saved a snapshot it had not
// saved when called, as its metrics count them.
func awaitSnapshot(url string, timeout time.Duration) error {
	first, err := snapshotsSaved(url)
	if err != nil {
		return err
	}
	for end := time.Now().Add(timeout); time.Now().Before(end); {
		time.Sleep(50 * time.Millisecond)
		n, err := snapshotsSaved(url)
		if err != nil {
			return err
		}
		if n > first {
			return nil
		}
	}
	return fmt.Errorf("the server saved no snapshot of the filled board in %v", timeout)
}

// snapshotsSaved reads corkboard_snapshots_total{result="saved"} from the
// server's /metrics.
func snapshotsSaved(url string) (float64, error) {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), `corkboard_snapshots_total{result="saved"} `); ok {
			return strconv.ParseFloat(v, 64)
		}
	}
	return 0, sc.Err() // none saved yet: the counter appears with the first
}

// dialRaw connects and says hello, without reading anything.
func dialRaw(ctx context.Context, url, client string) (*websocket.Conn, error) {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	c, _, err := d.DialContext(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	if err := c.WriteJSON(map[string]string{"type": "hello", "client": client}); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// fillBoard adds notes of 5,000 characters until the board is full, or
// holds about limit bytes of notes if limit is not 0 (for a server that
// has no byte cap), and returns the size of its encoding.
func fillBoard(ctx context.Context, ws string, limit int) (int, error) {
	c, _, err := wsclient.Dial(ctx, ws, wsclient.Hello{Client: "filler"}, nil)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	text := strings.Repeat("Ett långt stycke text om allt och inget. ", 125)[:5000]
	filled := 0
	for full := false; !full && (limit == 0 || filled < limit); filled += 12 * (256 + len(text)) {
		ops := make([]board.Op, 12)
		for i := range ops {
			x, y := float64(i*220), 0.0
			ops[i] = board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: uuid.NewString(), X: &x, Y: &y, Text: &text}}
		}
		batch := board.Op{Kind: board.KindBatch, Ops: ops}
		if len(ops) == 0 {
			break
		}
		seq, err := c.SendOp(batch)
		if err != nil {
			return 0, err
		}
		for answered := false; !answered; {
			msgs, err := c.Read()
			if err != nil {
				return 0, err
			}
			for _, m := range msgs {
				if m.Seq == seq && (m.Type == "ack" || m.Type == "reject") {
					answered = true
					full = m.Type == "reject"
					if full && m.Code != board.ETooLarge {
						return 0, fmt.Errorf("filling the board: %s", m.Message)
					}
				}
			}
		}
	}
	resp, err := http.Get(strings.Replace(strings.Replace(ws, "ws", "http", 1), "/ws/", "/api/boards/", 1))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		return 0, err
	}
	return len(raw), nil
}

// processRSS returns a process's resident set size now (VmRSS).
func processRSS(pid int) uint64 { return procStatus(pid, "VmRSS:") }

// resetPeakRSS sets a process's peak resident set size (VmHWM) back to its
// current one, so that a peak measured afterwards is this test's.
func resetPeakRSS(pid int) {
	if pid > 0 {
		os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
	}
}
