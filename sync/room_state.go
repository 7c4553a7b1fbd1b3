package sync

import (
	"context"
	"time"

	"corkboard/board"
)

// resumeWindow keeps a room's recent op messages, so that a client that was
// briefly away gets just what it missed instead of the whole board: at
// most size of them, and as new ones come, none older than age.
type resumeWindow struct {
	size   int
	age    time.Duration
	recent []logged // oldest first
}

type logged struct {
	version uint64
	at      time.Time // when it was applied
	msg     []byte    // the op message
	secret  *secret   // if others get msg as a copy, the whole message and who gets it
}

func (w *resumeWindow) add(l logged) {
	w.recent = append(w.recent, l)
	n := max(len(w.recent)-w.size, 0)
	for n < len(w.recent) && l.at.Sub(w.recent[n].at) > w.age {
		n++
	}
	if n > 0 {
		// Let go of the dropped messages now: the array behind recent
		// lives on until append next moves it.
		clear(w.recent[:n])
		w.recent = w.recent[n:]
		if cap(w.recent) > 4*w.size {
			// Copy down now and then so the array does not grow forever.
			w.recent = append([]logged(nil), w.recent...)
		}
	}
}

// since returns the messages for c of versions after v up to current, if
// the window holds all of them.
func (w *resumeWindow) since(v, current uint64, c *conn) ([][]byte, bool) {
	if v == current {
		return nil, true
	}
	if len(w.recent) == 0 || v > current || v+1 < w.recent[0].version || w.recent[len(w.recent)-1].version != current {
		return nil, false
	}
	i := len(w.recent) - int(current-v)
	msgs := make([][]byte, 0, current-v)
	for _, l := range w.recent[i:] {
		msgs = append(msgs, l.msgFor(c))
	}
	return msgs, true
}

// presence is what a room has to tell about who is here: joins, leaves and
// cursor moves since the last presence message, which goes out at most
// every PresenceInterval, and only while there is news: five hundred quiet
// rooms should not wake twenty times a second each.
//
// Presence must cost a room O(n) overall, not O(n) per join: a lecture hall
// of a thousand, or ten thousand, joins within seconds. So only the first
// presenceListMax connections are listed (in welcomes, joins, leaves and
// cursors: the teacher, who opens the board first, is among them), the
// rest are counted, and a change of the count alone is sent at most every
// countInterval. A client that shows everyone asks for the list (who).
type presence struct {
	listed       map[*conn]*peer // at most presenceListMax connections
	joined       []peerInfo
	left         []string
	cursorsDirty bool // a listed peer's cursor or state changed
	countDirty   bool
	stageDirty   bool      // the stage changed (stage.go)
	handsDirty   bool      // someone's hand changed
	lastCount    time.Time // when a count was last sent

	timer *time.Timer
	armed bool
}

// presenceListMax is how many connections a room lists to everyone.
const presenceListMax = 100

// countInterval is how often, at most, a change of the count alone is sent.
const countInterval = time.Second

func newPresence() presence {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return presence{timer: t, listed: map[*conn]*peer{}}
}

// news reports whether there is something to send now.
func (p *presence) news(now time.Time) bool {
	return len(p.joined) > 0 || len(p.left) > 0 || p.cursorsDirty || p.stageDirty || p.handsDirty ||
		(p.countDirty && now.Sub(p.lastCount) >= countInterval)
}

// arm starts the timer if there is news, or a count change waiting, and
// the timer is not running.
func (p *presence) arm(now time.Time, interval time.Duration) {
	if p.armed {
		return
	}
	if !p.news(now) {
		if !p.countDirty {
			return
		}
		interval = max(interval, p.lastCount.Add(countInterval).Sub(now))
	}
	p.armed = true
	p.timer.Reset(interval)
}

// tick is the channel the timer fires on, or nil while it is not armed.
// The room calls fired when it has read from it.
func (p *presence) tick() <-chan time.Time {
	if !p.armed {
		return nil
	}
	return p.timer.C
}

func (p *presence) fired() { p.armed = false }

func (p *presence) stop() { p.timer.Stop() }

// snapshotter decides when a room saves a snapshot of its board, and saves
// it off the room's goroutine. A snapshot is taken (a copy of the board)
// after SnapshotEvery operations, or SnapshotInterval after the last one
// if any operation came since; it is saved once the log holds every
// version it includes, since a snapshot must never be ahead of the log.
type snapshotter struct {
	every    int
	interval time.Duration
	since    int       // operations since the last snapshot was taken
	last     time.Time // when it was taken
	pending  *board.Board
	saving   bool
	results  chan error
}

func newSnapshotter(lim Limits, last time.Time) snapshotter {
	return snapshotter{every: lim.SnapshotEvery, interval: lim.SnapshotInterval, last: last, results: make(chan error, 1)}
}

// maybeSave takes a snapshot when one is due and saves a taken one whose
// versions are durable.
func (s *snapshotter) maybeSave(ctx context.Context, r *room, now time.Time) {
	if s.pending == nil && s.since > 0 && (s.since >= s.every || now.Sub(s.last) >= s.interval) {
		s.pending = r.board.Clone()
		s.since = 0
		s.last = now
	}
	if s.pending == nil || s.saving || s.pending.Version > r.appender.durable {
		return
	}
	b := s.pending
	s.pending = nil
	s.saving = true
	go func() { s.results <- saveSnapshot(ctx, r.hub.log, r.id, b) }()
}

// saved takes the result of a save. A failed save loses nothing (the log
// has every record); the next one may succeed.
func (s *snapshotter) saved(r *room, err error) {
	s.saving = false
	r.countSnapshot(err)
	if err != nil {
		r.hub.logger.Warn("saving a snapshot failed", "board", r.id, "err", err)
	}
}

// saveFinal saves a snapshot of the board as it is, if anything changed
// since the last one, waiting for it: for a room that is stopping, whose
// appender has written everything.
func (s *snapshotter) saveFinal(ctx context.Context, r *room) {
	if s.saving {
		s.saved(r, <-s.results)
	}
	if s.since == 0 && s.pending == nil {
		return
	}
	err := saveSnapshot(ctx, r.hub.log, r.id, r.board)
	r.countSnapshot(err)
	if err != nil {
		r.hub.logger.Warn("saving the last snapshot failed", "board", r.id, "err", err)
	}
}

// countSnapshot counts a snapshot saved, or not, in the metrics.
func (r *room) countSnapshot(err error) {
	result := "saved"
	if err != nil {
		result = "failed"
	}
	r.hub.metrics.Snapshots.WithLabelValues(result).Inc()
}

func saveSnapshot(ctx context.Context, lg Log, id string, b *board.Board) error {
	data, err := b.MarshalJSON()
	if err != nil {
		return err
	}
	return lg.SaveSnapshot(ctx, id, Snapshot{Version: b.Version, Data: data})
}
