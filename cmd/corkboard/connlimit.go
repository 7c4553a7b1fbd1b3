package main

import (
	"errors"
	"net"
	"net/http"
	stdsync "sync"
	"syscall"
	"time"
)

// connLimit keeps the server within its open-file limit. Every connection
// takes a file descriptor, and a server out of them cannot accept anything,
// not even a health check: the listener's accept fails, and net/http backs
// off and tries again, while the connections that filled the table sit
// there. So connLimit counts the connections it let in, and near the limit
// it first closes idle keep-alive connections (the cheapest to give up:
// their clients open a new one when they need it), then refuses new
// connections by closing them at once, and never touches a request in
// progress or a WebSocket. The server keeps serving the connections it has.
type connLimit struct {
	net.Listener
	max int // connections at most; see newConnLimit

	mu    stdsync.Mutex // guards the fields below
	open  int
	idle  map[net.Conn]time.Time // keep-alive connections waiting for a request, and since when
	refus int                    // connections refused, for the log
}

// fdReserve is how many file descriptors connLimit leaves for everything
// else: the database, the debug listener, a log file, a backup.
const fdReserve = 64

// newConnLimit wraps ln so that at most the process's open-file limit,
// minus fdReserve, connections are open at once. Go raises the soft limit
// to the hard one when the program starts.
func newConnLimit(ln net.Listener) *connLimit {
	return &connLimit{Listener: ln, max: max(openFileLimit()-fdReserve, 16), idle: map[net.Conn]time.Time{}}
}

// Accept accepts a connection, making room for it or refusing it when the
// server is at its limit.
func (l *connLimit) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.admit() {
			return &limitedConn{Conn: c, l: l}, nil
		}
		c.Close()
	}
}

// admit counts a new connection in if there is room, closing the oldest
// idle keep-alive connection to make room if need be.
func (l *connLimit) admit() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.max {
		var oldest net.Conn
		var since time.Time
		for c, t := range l.idle {
			if oldest == nil || t.Before(since) {
				oldest, since = c, t
			}
		}
		if oldest == nil {
			l.refus++
			return false
		}
		delete(l.idle, oldest)
		// Closing it counts it out (limitedConn.Close), but not until the
		// lock is let go: count it out here, and Close will not again.
		oldest.(*limitedConn).release()
		go oldest.Close()
	}
	l.open++
	return true
}

// connState is the http.Server's ConnState hook: it keeps track of which
// connections are idle between requests.
func (l *connLimit) connState(c net.Conn, state http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if state == http.StateIdle {
		l.idle[c] = time.Now()
	} else {
		delete(l.idle, c)
	}
}

// refused returns how many connections were refused so far.
func (l *connLimit) refused() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.refus
}

// limitedConn is a connection connLimit counted in; closing it counts it
// out, once.
type limitedConn struct {
	net.Conn
	l    *connLimit
	once stdsync.Once
}

func (c *limitedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		c.l.open--
		delete(c.l.idle, c)
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}

// SyscallConn gives the connection's descriptor, for the writes the sync
// package makes without waiting (see its socket.tryWrite), which a wrapper
// would otherwise hide.
func (c *limitedConn) SyscallConn() (syscall.RawConn, error) {
	sc, ok := c.Conn.(syscall.Conn)
	if !ok {
		return nil, errors.New("the connection has no file descriptor")
	}
	return sc.SyscallConn()
}

// release counts the connection out without taking the lock; the caller
// holds it.
func (c *limitedConn) release() {
	c.once.Do(func() {
		c.l.open--
	})
}
