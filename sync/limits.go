package sync

import "time"

// Limits are the sync layer's knobs. The zero value of a field means its
// default, given in the field's comment; NewHub fills them in.
type Limits struct {
	// MaxMessageBytes is the largest frame a client may send. A larger one
	// closes the connection with 1009. Default 64 KiB: a batch moving 500
	// notes fits, a novel pasted into a note does not.
	MaxMessageBytes int64
	// OpsPerSecond is the sustained rate of operations one connection may
	// send; it may burst to twice that. Excess operations are rejected with
	// code rate_limited. Default 100, well above a person dragging a note at
	// 60 frames per second.
	OpsPerSecond float64
	// CursorsPerSecond caps cursor messages per connection; excess ones are
	// dropped silently, as cursors are only ever a latest position. Default 30.
	CursorsPerSecond float64
	// MaxConnsPerBoard is how many connections one board takes; the next is
	// closed with CloseBoardFull. Default 2,000 (a lecture hall and then some).
	MaxConnsPerBoard int
	// SendQueue is how many messages may wait for one client. A client whose
	// queue overflows is disconnected with CloseTooSlow, so it never slows
	// the room. Default 256: in a large room one message holds a batch of
	// operations, so 256 is seconds of backlog.
	SendQueue int
	// ResumeWindow and ResumeAge bound the recent operations a live board
	// keeps in memory so that a client that was briefly away gets just what
	// it missed: at most ResumeWindow of them, and as new ones come, none
	// older than ResumeAge. A client away for longer gets the whole board,
	// which is also correct, only larger. Defaults 1,000 and 1 minute: a
	// minute covers a locked phone or a Wi-Fi drop, and without the age
	// limit 500 busy boards kept 150 MB of old operations.
	ResumeWindow int
	ResumeAge    time.Duration
	// SnapshotEvery and SnapshotInterval say when a board writes a snapshot:
	// after this many operations, or this long after the last one if any
	// operation came since. Defaults 500 and 30s.
	SnapshotEvery    int
	SnapshotInterval time.Duration
	// CommitInterval is the least time from the start of one group commit
	// to the start of the next. What arrives meanwhile waits and goes in
	// the next one, so a busy server makes fewer, larger commits: each
	// costs two fsyncs and some fixed bbolt work whatever it holds, so
	// committing as fast as the disk allows would spend CPU the live
	// traffic needs. It adds at most this much to an acknowledgement.
	// Default 10ms.
	CommitInterval time.Duration
	// IdleTimeout is how long a board with no connections stays loaded.
	// Default 1 minute.
	IdleTimeout time.Duration
	// PingPeriod, PongWait and WriteWait time the connection's health
	// checks: the server pings every PingPeriod, drops a client it has not
	// heard from (pong or message) in PongWait, and drops one whose socket
	// takes longer than WriteWait to take a frame. Defaults 25s, 60s, 10s:
	// pings often enough to keep proxies from closing idle sockets, and
	// patient enough for a phone on a weak school Wi-Fi.
	PingPeriod time.Duration
	PongWait   time.Duration
	WriteWait  time.Duration
	// HelloTimeout is how long a new connection has to send its hello.
	// Default 10s.
	HelloTimeout time.Duration
	// PresenceInterval is how often joins, leaves and cursor moves are sent
	// out, all coalesced in one message. Default 50ms: 20 updates a second
	// look smooth, and 50 people moving cursors cost each client 20 frames a
	// second instead of 1,000.
	PresenceInterval time.Duration
}

// DefaultLimits are the limits used where none are configured.
var DefaultLimits = Limits{
	MaxMessageBytes:  64 << 10,
	OpsPerSecond:     100,
	CursorsPerSecond: 30,
	MaxConnsPerBoard: 2000,
	SendQueue:        256,
	ResumeWindow:     1000,
	ResumeAge:        time.Minute,
	SnapshotEvery:    500,
	SnapshotInterval: 30 * time.Second,
	CommitInterval:   10 * time.Millisecond,
	IdleTimeout:      time.Minute,
	PingPeriod:       25 * time.Second,
	PongWait:         60 * time.Second,
	WriteWait:        10 * time.Second,
	HelloTimeout:     10 * time.Second,
	PresenceInterval: 50 * time.Millisecond,
}

// WithDefaults returns l with every zero (or negative) field set to its default.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits
	orDefault(&l.MaxMessageBytes, d.MaxMessageBytes)
	orDefault(&l.OpsPerSecond, d.OpsPerSecond)
	orDefault(&l.CursorsPerSecond, d.CursorsPerSecond)
	orDefault(&l.MaxConnsPerBoard, d.MaxConnsPerBoard)
	orDefault(&l.SendQueue, d.SendQueue)
	orDefault(&l.ResumeWindow, d.ResumeWindow)
	orDefault(&l.ResumeAge, d.ResumeAge)
	orDefault(&l.SnapshotEvery, d.SnapshotEvery)
	orDefault(&l.SnapshotInterval, d.SnapshotInterval)
	orDefault(&l.CommitInterval, d.CommitInterval)
	orDefault(&l.IdleTimeout, d.IdleTimeout)
	orDefault(&l.PingPeriod, d.PingPeriod)
	orDefault(&l.PongWait, d.PongWait)
	orDefault(&l.WriteWait, d.WriteWait)
	orDefault(&l.HelloTimeout, d.HelloTimeout)
	orDefault(&l.PresenceInterval, d.PresenceInterval)
	return l
}

func orDefault[T int | int64 | float64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// rateLimiter is a token bucket. It is owned by one goroutine (a
// connection's reader), so it needs no lock.
type rateLimiter struct {
	rate, burst, tokens float64
	last                time.Time
}

func newRateLimiter(rate float64, now time.Time) rateLimiter {
	return rateLimiter{rate: rate, burst: 2 * rate, tokens: 2 * rate, last: now}
}

func (l *rateLimiter) allow(now time.Time) bool {
	l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
	l.last = now
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}
