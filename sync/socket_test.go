package sync

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"
)

func TestTextFrameHeader(t *testing.T) {
	for _, n := range []int{0, 1, 125, 126, 127, 65535, 65536, 70000} {
		b := make([]byte, maxHeader+n)
		f := textFrame(b)
		if f[0] != 0x81 {
			t.Errorf("payload %d: first byte %#x, want 0x81", n, f[0])
		}
		var got, hlen int
		switch f[1] {
		case 126:
			got, hlen = int(binary.BigEndian.Uint16(f[2:])), 4
		case 127:
			got, hlen = int(binary.BigEndian.Uint64(f[2:])), 10
		default:
			got, hlen = int(f[1]), 2
		}
		if got != n || len(f) != hlen+n || (n < 126) != (hlen == 2) || (n >= 1<<16) != (hlen == 10) {
			t.Errorf("payload %d: header says %d in %d bytes, frame %d bytes", n, got, hlen, len(f))
		}
	}
}

// TestTryWriteAllocatesNothing: tryWrite runs once per client and operation
// in small rooms; an allocation there was three per frame.
func TestTryWriteAllocatesNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			io.Copy(io.Discard, c)
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := newSocket(c)
	frame := textFrame(make([]byte, maxHeader+100))
	written := 0
	allocs := testing.AllocsPerRun(1000, func() {
		s.mu.Lock()
		if s.tryWrite(frame) && !s.needsFlush() {
			written++
		}
		s.mu.Unlock()
	})
	if allocs != 0 {
		t.Errorf("%v allocations per tryWrite, want 0", allocs)
	}
	if written == 0 {
		t.Error("no frame was written whole")
	}
}

// TestFinishFrameAfterIdle: the writer finishes a frame a room began long
// after the writer's own last write, whose deadline has passed; the rest
// must go out under a fresh deadline, not fail at once (which dropped
// clients whose socket was full for a moment).
func TestFinishFrameAfterIdle(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server := <-accepted
	defer server.Close()
	s := newSocket(server)

	// A room's frame the socket takes only part of, as nobody reads; then
	// the writer's last deadline passes.
	frame := make([]byte, 64<<20) // far more than the socket buffers hold
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.tryWrite(frame) {
		t.Fatal("the socket took nothing")
	}
	if !s.needsFlush() {
		t.Fatal("a 64 MiB frame went out whole")
	}
	s.deadline = time.Now().Add(-time.Second)
	s.Conn.SetWriteDeadline(s.deadline)

	got := make(chan int64, 1)
	go func() {
		n, _ := io.Copy(io.Discard, client)
		got <- n
	}()
	if err := s.finishFrame(10 * time.Second); err != nil {
		t.Fatalf("finishing the frame: %v", err)
	}
	server.Close()
	if n := <-got; n != int64(len(frame)) {
		t.Errorf("the client got %d bytes, want %d", n, len(frame))
	}
}
