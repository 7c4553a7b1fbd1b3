package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"corkboard/board"
	"corkboard/sync/wsclient"
)

// mustStartLimited runs the binary with at most nofile open files.
func mustStartLimited(t *testing.T, nofile int) *process {
	t.Helper()
	db := filepath.Join(t.TempDir(), "corkboard.db")
	cmd := exec.Command("sh", "-c", fmt.Sprintf(`ulimit -n %d && exec "$0" "$@"`, nofile),
		mustBinary(t), "serve", "-addr", "127.0.0.1:0", "-db", db)
	return startProcess(t, cmd)
}

// keepAlive opens a connection, makes one request on it and leaves it
// open and idle, as a browser's keep-alive connection (or an attacker's)
// does. It returns nil if the server refused the connection.
func keepAlive(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil
	}
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		c.Close()
		return nil
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return c
}

func healthy(url string) bool {
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(url + "/healthz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// TestFileDescriptorLimit: a server near its open-file limit gives up idle
// keep-alive connections to take new ones, so idle connections cannot
// lock everyone out; when every connection is in use it refuses new ones at
// once and keeps serving those it has.
func TestFileDescriptorLimit(t *testing.T) {
	p := mustStartLimited(t, 200) // room for 136 connections
	addr := strings.TrimPrefix(p.url, "http://")

	var idle []net.Conn
	for range 180 {
		if c := keepAlive(t, addr); c != nil {
			idle = append(idle, c)
		}
	}
	t.Cleanup(func() {
		for _, c := range idle {
			c.Close()
		}
	})
	if len(idle) < 170 {
		t.Errorf("only %d of 180 keep-alive connections were served", len(idle))
	}
	for i := range 5 {
		if !healthy(p.url) {
			t.Errorf("health check %d failed with %d idle connections open", i, len(idle))
		}
	}

	// Now WebSockets, which are never given up.
	created := mustCreateBoard(t, p.url, "Crowded")
	var sockets []*wsclient.Client
	refused := 0
	for i := range 180 {
		c, _, err := wsclient.Dial(context.Background(), p.wsURL(created.facilitate()), wsclient.Hello{Client: fmt.Sprintf("c%d", i)}, nil)
		if err != nil {
			refused++
			continue
		}
		sockets = append(sockets, c)
	}
	t.Cleanup(func() {
		for _, c := range sockets {
			c.Close()
		}
	})
	if refused == 0 || len(sockets) < 100 {
		t.Fatalf("%d WebSockets open, %d refused; want the limit to refuse some and serve the rest", len(sockets), refused)
	}
	// Those in: still served.
	c := sockets[0]
	x := 1.0
	seq, err := c.SendOp(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: uuid.NewString(), X: &x, Y: &x}})
	if err != nil {
		t.Fatal(err)
	}
	c.WS.SetReadDeadline(time.Now().Add(10 * time.Second))
	for acked := false; !acked; {
		msgs, err := c.Read()
		if err != nil {
			t.Fatalf("a WebSocket in use failed: %v", err)
		}
		for _, m := range msgs {
			acked = acked || (m.Type == "ack" && m.Seq == seq)
		}
	}
	// Room again once they leave.
	for _, c := range sockets[len(sockets)/2:] {
		c.Close()
	}
	sockets = sockets[:len(sockets)/2]
	ok := false
	for range 50 {
		if ok = healthy(p.url); ok {
			break
		}
		time.Sleep(100 * time.Millisecond) // the server sees the closes
	}
	if !ok {
		t.Error("no health check answered after half the WebSockets left")
	}
	if strings.Contains(p.logs.String(), "too many open files") {
		t.Errorf("the server ran out of file descriptors:\n%s", p.logs)
	}
}

// TestServerTimeouts: a connection that never finishes its request
// headers, a request body that stalls, and an idle keep-alive connection
// are all closed by the server, with the timeouts serve uses shortened.
func TestServerTimeouts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // a handler reading its body, as the API does
	}), newConnLimit(ln), nil, httpTimeouts{header: 200 * time.Millisecond, read: 300 * time.Millisecond, write: time.Second, idle: 300 * time.Millisecond})
	go srv.Serve(srv.listener)
	t.Cleanup(func() { srv.Close() })
	addr := ln.Addr().String()

	closedBy := func(name string, c net.Conn) {
		t.Helper()
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.Copy(io.Discard, c); err != nil {
			t.Errorf("%s: the connection was not closed: %v", name, err)
		}
	}
	// Headers that never end.
	c, _ := net.Dial("tcp", addr)
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n")
	closedBy("unfinished headers", c)
	// A body that stalls.
	c, _ = net.Dial("tcp", addr)
	fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part")
	closedBy("stalled body", c)
	// An idle keep-alive connection.
	if c := keepAlive(t, addr); c == nil {
		t.Fatal("no answer")
	} else {
		closedBy("idle keep-alive", c)
	}
}
