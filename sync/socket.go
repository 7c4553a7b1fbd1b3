package sync

import (
	"bufio"
	"encoding/binary"
	"net"
	"net/http"
	stdsync "sync"
	"syscall"
	"time"
)

// socket is a client's connection as the websocket package sees it, with
// two things added: a frame can be written without waiting (tryWrite), so
// that a room can send a message to an idle client itself instead of
// waking the client's writer goroutine (on two busy cores, waking a
// goroutine per client and message costs more than the write), and the
// write deadline is renewed only when it runs short (renewDeadline).
//
// Every write, the websocket package's (handshake, pong, close) and ours,
// goes through mu, and the rest of a frame that tryWrite could only begin
// goes out before anything else, so frames never interleave.
type socket struct {
	net.Conn
	raw syscall.RawConn // nil when the connection has no file descriptor

	mu   stdsync.Mutex // held for every write
	rest []byte        // the end of a frame tryWrite began; guarded by mu
	// deadline is the write deadline renewDeadline last set, or zero when
	// another may have been set since (the websocket package sets its own
	// for control frames). Guarded by mu.
	deadline time.Time

	// tryWrite's call to raw.Write, made once: a closure made per call
	// would escape, with the variables it sets, three allocations a frame.
	// Guarded by mu.
	writeFn func(fd uintptr) bool
	frame   []byte
	written int
	err     error
}

func newSocket(c net.Conn) *socket {
	s := &socket{Conn: c}
	s.writeFn = s.writeNonBlocking
	if sc, ok := c.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			s.raw = raw
		}
	}
	return s
}

// Write writes b after the rest of any frame begun. The websocket package
// writes through it.
func (s *socket) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deadline = time.Time{}
	if err := s.flushRest(); err != nil {
		return 0, err
	}
	return s.Conn.Write(b)
}

// renewDeadline makes sure the next write may wait at least half of wait:
// it sets a deadline of now+wait when less than that is left. Setting a
// deadline updates a runtime timer, and a large room writes a frame to
// each of a thousand sockets for every operation. The caller holds mu.
func (s *socket) renewDeadline(wait time.Duration) {
	if now := time.Now(); s.deadline.Sub(now) < wait/2 {
		s.deadline = now.Add(wait)
		s.Conn.SetWriteDeadline(s.deadline)
	}
}

// writeBuffers writes pieces one after the other without copying them
// together, in one system call where it can, waiting at most wait for the
// socket to take them all. The caller holds mu.
func (s *socket) writeBuffers(bufs net.Buffers, wait time.Duration) error {
	s.Conn.SetWriteDeadline(time.Now().Add(wait))
	s.deadline = time.Time{}
	_, err := bufs.WriteTo(s.Conn)
	return err
}

// finishFrame writes the rest of a frame tryWrite began, if there is one,
// waiting at most wait. The writer calls it: its last deadline may be long
// past, as rooms write most frames. The caller holds mu.
func (s *socket) finishFrame(wait time.Duration) error {
	if s.rest == nil {
		return nil
	}
	s.renewDeadline(wait)
	return s.flushRest()
}

// flushRest writes the rest of a frame tryWrite began, waiting as long as
// the write deadline allows. The caller holds mu.
func (s *socket) flushRest() error {
	if s.rest == nil {
		return nil
	}
	_, err := s.Conn.Write(s.rest)
	s.rest = nil
	return err
}

// tryWrite writes frame if the socket takes at least part of it at once,
// without waiting, and reports whether it did. The part the socket would not
// take is kept for finishFrame, which the caller must see to (by waking the
// writer) when needsFlush says so. It reports false, having written nothing,
// when a rest is already pending, when the socket's buffer is full, when
// the write deadline has passed (the writer sets it before its writes and
// does not clear it: after a long quiet spell the first broadcast goes
// through the writer) and on any error (the writer meets it too). The
// caller holds mu.
func (s *socket) tryWrite(frame []byte) bool {
	if s.raw == nil || s.rest != nil {
		return false
	}
	s.frame = frame
	err := s.raw.Write(s.writeFn)
	n, werr := s.written, s.err
	s.frame, s.err = nil, nil
	if err != nil || werr != nil || n <= 0 {
		return false
	}
	if n < len(frame) {
		s.rest = append([]byte(nil), frame[n:]...)
	}
	return true
}

// writeNonBlocking is tryWrite's callback for raw.Write: one write system
// call on the non-blocking descriptor, and never a wait for it to be
// writable.
func (s *socket) writeNonBlocking(fd uintptr) bool {
	s.written, s.err = syscall.Write(int(fd), s.frame)
	return true
}

// needsFlush reports whether a rest is pending. The caller holds mu.
func (s *socket) needsFlush() bool { return s.rest != nil }

// maxHeader is the longest header of a frame from the server, which is
// never masked.
const maxHeader = 10

// WebSocket frame opcodes and the final-fragment bit (RFC 6455, 5.2).
const (
	opContinuation = 0x0
	opText         = 0x1
	opPing         = 0x9
	finalFragment  = 0x80
)

// textFrame fills in the header of a final text frame whose payload
// follows maxHeader reserved bytes at the start of b, and returns the frame
// from its first byte. Data frames are framed here, and written whole in
// one write, rather than by the websocket package, which splits messages
// bigger than its buffer into several frames: a frame written by a room
// could then land between two of them.
func textFrame(b []byte) []byte {
	var h [maxHeader]byte
	n := putFrameHeader(&h, finalFragment|opText, len(b)-maxHeader)
	start := maxHeader - n
	copy(b[start:], h[:n])
	return b[start:]
}

// frameHeader returns the header of a frame: first is the first byte (the
// final-fragment bit and the opcode), n the payload's length.
func frameHeader(first byte, n int) []byte {
	var h [maxHeader]byte
	return h[:putFrameHeader(&h, first, n)]
}

// putFrameHeader writes the header of a frame to h and returns its length.
func putFrameHeader(h *[maxHeader]byte, first byte, n int) int {
	h[0] = first
	switch {
	case n < 126:
		h[1] = byte(n)
		return 2
	case n < 1<<16:
		h[1] = 126
		binary.BigEndian.PutUint16(h[2:], uint16(n))
		return 4
	default:
		h[1] = 127
		binary.BigEndian.PutUint64(h[2:], uint64(n))
		return 10
	}
}

// appendPing appends a ping frame whose payload is id (8 bytes).
func appendPing(b []byte, id uint64) []byte {
	return binary.BigEndian.AppendUint64(append(b, finalFragment|opPing, 8), id)
}

// hijacker hands the websocket package a socket instead of the bare
// connection when it takes the connection over from net/http.
type hijacker struct {
	http.ResponseWriter
	sock *socket
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.sock = newSocket(c)
	return h.sock, rw, nil
}
