package sync

import "time"

// Limits are the sync layer's knobs. The zero value of a field means its
// default, given in the field's comment; NewHub fills them in.
type Limits struct {
	// MaxMessageBytes is the largest frame a client may send. A larger one
	// closes the connection with 1009. Default 64 KiB: a batch moving 500
	// notes fits, a novel pasted into a note does not.
	MaxMessageBytes int64
	// OpsPerSecond is the sustained rate of messages (operations and
	// others, cursors aside) one connection may send; it may burst to twice
	// that. Beyond it the server reads the connection more slowly: nothing
	// is refused, so a browser flushing a long offline outbox loses no edit.
	// Default 100, well above a person dragging a note at 60 frames a second.
	OpsPerSecond float64
	// MaxInFlight is how many operations a client may have sent and not yet
	// had answered (acknowledged or rejected). The server reads no further
	// operation from a connection at the limit until one is answered, and
	// clients keep to it themselves (it is in the welcome), so a burst of
	// operations cannot fill the client's own send queue with their echoes
	// and acks. Default 64: more than a group commit's worth for one person.
	MaxInFlight int
	// CursorsPerSecond caps cursor messages per connection; excess ones are
	// dropped silently, as cursors are only ever a latest position. Default 30.
	CursorsPerSecond float64
	// MaxConnsPerBoard is how many connections one board takes; the next is
	// closed with CloseBoardFull. Default 2,000 (a lecture hall and then some).
	MaxConnsPerBoard int
	// SlowAfter is how far behind a client may fall before it is
	// disconnected with CloseTooSlow, so that it never holds memory or the
	// room. The server puts a ping after what it sends now and then, and
	// the client's WebSocket answers it only once it has read everything
	// before it (see probes): a client that answers none for SlowAfter,
	// leaves one unanswered longer than SlowAfter plus the time what came
	// before it takes at 64 KiB/s, or does not take a frame within
	// SlowAfter, is too slow. So a client that stops reading is found
	// within seconds, whatever the socket buffers between it and the
	// server still take. Default 5s: a phone that drops off the Wi-Fi for
	// longer reconnects and resumes.
	SlowAfter time.Duration
	// SendQueueBytes bounds the messages waiting for one client in the
	// server (a board that every joining client shares aside): a client
	// whose queue would grow past it is too slow. Default 4 MiB, far more
	// than a second of the busiest board; it is a bound on memory, while
	// SlowAfter decides who is slow.
	SendQueueBytes int
	// ResumeWindow and ResumeAge bound the recent operations a live board
	// keeps in memory so that a client that was briefly away gets just what
	// it missed: at most ResumeWindow of them, and as new ones come, none
	// older than ResumeAge. A client away for longer gets the whole board,
	// which is also correct, only larger. Defaults 1,000 and 1 minute: a
	// minute covers a locked phone or a Wi-Fi drop, and without the age
	// limit 500 busy boards kept 150 MB of old operations.
	ResumeWindow int
	ResumeAge    time.Duration
	// SnapshotEvery and SnapshotInterval say when a board saves a snapshot
	// to its log: after this many operations, or this long after the last
	// one if any operation came since. Snapshots make loading a board fast;
	// the log keeps every operation whatever they say. Defaults 500 and 30s.
	SnapshotEvery    int
	SnapshotInterval time.Duration
	// KeepInterval is how long after the first change since a board's
	// last kept snapshot it keeps another in its history (History), so
	// that a lesson can be looked back on in steps of about this much.
	// Default 10 minutes. KeepEvery keeps one after this many operations
	// whatever the time, which bounds what showing a board at a version
	// between two kept snapshots replays. Default 2,000.
	KeepInterval time.Duration
	KeepEvery    int
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
	MaxInFlight:      64,
	CursorsPerSecond: 30,
	MaxConnsPerBoard: 2000,
	SlowAfter:        5 * time.Second,
	SendQueueBytes:   4 << 20,
	ResumeWindow:     1000,
	ResumeAge:        time.Minute,
	SnapshotEvery:    500,
	SnapshotInterval: 30 * time.Second,
	KeepInterval:     10 * time.Minute,
	KeepEvery:        2000,
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
	orDefault(&l.MaxInFlight, d.MaxInFlight)
	orDefault(&l.CursorsPerSecond, d.CursorsPerSecond)
	orDefault(&l.MaxConnsPerBoard, d.MaxConnsPerBoard)
	orDefault(&l.SlowAfter, d.SlowAfter)
	orDefault(&l.SendQueueBytes, d.SendQueueBytes)
	orDefault(&l.ResumeWindow, d.ResumeWindow)
	orDefault(&l.ResumeAge, d.ResumeAge)
	orDefault(&l.SnapshotEvery, d.SnapshotEvery)
	orDefault(&l.SnapshotInterval, d.SnapshotInterval)
	orDefault(&l.KeepInterval, d.KeepInterval)
	orDefault(&l.KeepEvery, d.KeepEvery)
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
