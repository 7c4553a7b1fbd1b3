package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	stdsync "sync"
	"time"

	"github.com/gorilla/websocket"
)

// The bare relay is a yardstick, not a server: it speaks just enough of
// Corkboard's protocol for boardload (hello, welcome, op, ack) and does as
// little as a WebSocket fan-out can. It validates nothing, stores nothing,
// has no room goroutine (the sender's reader numbers the operation under a
// lock and queues it to every client, itself included), acknowledges at
// once, sends a presenter's view to everyone as it comes, and ignores the
// rest. Run against it, boardload shows what this machine and this load
// generator allow at best, so Corkboard's figures can be compared with a
// floor measured at the same moment.

// relayQueue is how many messages may wait for one relay client before it is
// dropped, as Corkboard's send queue.
const relayQueue = 256

type relayBoard struct {
	mu      stdsync.Mutex
	version uint64
	conns   map[*relayConn]struct{}
}

type relayConn struct {
	ws   *websocket.Conn
	send chan []byte
}

type relay struct {
	mu     stdsync.Mutex
	boards map[string]*relayBoard
	up     websocket.Upgrader
}

// serveRelay serves the relay on ln until ctx ends.
func serveRelay(ctx context.Context, ln net.Listener, logw io.Writer) error {
	rl := &relay{boards: map[string]*relayBoard{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/boards", rl.create)
	mux.HandleFunc("GET /api/boards/{id}", rl.get)
	mux.HandleFunc("GET /ws/{id}", rl.serveWS)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	fmt.Fprintf(logw, "boardload: bare relay on http://%s\n", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (rl *relay) board(id string) *relayBoard {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	return rl.boards[id]
}

func (rl *relay) create(w http.ResponseWriter, r *http.Request) {
	id := rand.Text()
	rl.mu.Lock()
	rl.boards[id] = &relayBoard{conns: map[*relayConn]struct{}{}}
	rl.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"id":%q}`, id)
}

func (rl *relay) get(w http.ResponseWriter, r *http.Request) {
	b := rl.board(r.PathValue("id"))
	if b == nil {
		http.NotFound(w, r)
		return
	}
	b.mu.Lock()
	v := b.version
	b.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":%q,"version":%d,"notes":[]}`, r.PathValue("id"), v)
}

// relayMsg is the part of a client message the relay reads.
type relayMsg struct {
	Type   string          `json:"type"`
	Client string          `json:"client"`
	Seq    uint64          `json:"seq"`
	Op     json.RawMessage `json:"op"`
	X, Y   float64         // view
	W, H   float64
}

func (rl *relay) serveWS(w http.ResponseWriter, r *http.Request) {
	b := rl.board(r.PathValue("id"))
	if b == nil {
		http.NotFound(w, r)
		return
	}
	ws, err := rl.up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &relayConn{ws: ws, send: make(chan []byte, relayQueue)}
	go c.writeLoop()
	defer func() {
		b.mu.Lock()
		delete(b.conns, c)
		b.mu.Unlock()
		close(c.send)
	}()
	var client string
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var m relayMsg
		if json.Unmarshal(data, &m) != nil {
			return
		}
		switch m.Type {
		case "hello":
			client = m.Client
			b.mu.Lock()
			b.conns[c] = struct{}{}
			welcome := fmt.Appendf(nil, `{"type":"welcome","epoch":"relay","version":%d,"you":%q,"resumed":false,`+
				`"board":{"id":"relay","title":"","version":%d,"createdAt":"2026-01-01T00:00:00Z","notes":[]},"peers":[]}`,
				b.version, client, b.version)
			c.queue(welcome)
			b.mu.Unlock()
		case "op":
			b.mu.Lock()
			b.version++
			v := b.version
			msg := fmt.Appendf(nil, `{"type":"op","version":%d,"client":%q,"seq":%d,"op":%s}`, v, client, m.Seq, m.Op)
			for other := range b.conns {
				if !other.queue(msg) {
					delete(b.conns, other)
					other.ws.Close()
				}
			}
			c.queue([]byte(`{"type":"ack","seq":` + strconv.FormatUint(m.Seq, 10) + `,"version":` + strconv.FormatUint(v, 10) + `}`))
			b.mu.Unlock()
		case "view":
			// A presenter's view goes to everyone at once, as presence.
			msg := fmt.Appendf(nil, `{"type":"presence","stage":{"presenter":%q,"view":{"x":%g,"y":%g,"w":%g,"h":%g}}}`,
				client, m.X, m.Y, m.W, m.H)
			b.mu.Lock()
			for other := range b.conns {
				if !other.queue(msg) {
					delete(b.conns, other)
					other.ws.Close()
				}
			}
			b.mu.Unlock()
		}
	}
}

// queue hands msg to the writer; false when the client is too slow.
func (c *relayConn) queue(msg []byte) bool {
	select {
	case c.send <- msg:
		return true
	default:
		return false
	}
}

// writeLoop writes everything waiting as one frame, a JSON array, as
// Corkboard does.
func (c *relayConn) writeLoop() {
	defer c.ws.Close()
	var frame []byte
	for msg := range c.send {
		frame = append(frame[:0], '[')
		frame = append(frame, msg...)
	more:
		for range relayQueue {
			select {
			case m, ok := <-c.send:
				if !ok {
					break more
				}
				frame = append(frame, ',')
				frame = append(frame, m...)
			default:
				break more
			}
		}
		frame = append(frame, ']')
		c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if c.ws.WriteMessage(websocket.TextMessage, frame) != nil {
			return
		}
	}
}
