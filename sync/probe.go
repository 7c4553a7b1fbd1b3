package sync

import (
	"sync/atomic"
	"time"
)

// probes tell how far behind a client is in reading what it is sent. Now
// and then the writer puts a ping after a frame, in the same write, with
// an id as its payload; the client's WebSocket answers with a pong only
// once it has read everything before the ping, and pongs come back in
// order. So an answered probe says the client has read up to it, which
// neither the server's queue nor the kernel's socket buffers can say: a
// client that stops reading stops answering at once, while the buffers
// between it and the server go on taking megabytes.
//
// A client is too slow when it answers no probe for SlowAfter (plus the
// time a fragment takes at minRate) while one is outstanding, or when a
// probe waits past its due time: SlowAfter plus the time the bytes sent
// before it, and not yet known read, take at minRate. So a large welcome
// may take its time, but a client must keep reading it.
//
// Owned by whoever holds the writer's writing flag, but for answered,
// which the connection's reader sets from each pong.
type probes struct {
	sent     int64     // bytes of frames written, ever
	readUpTo int64     // bytes the client is known to have read: those before its last answered probe
	out      []probe   // sent and not yet answered, oldest first
	next     uint64    // the last id used
	last     time.Time // when the last probe was sent
	progress time.Time // when the client last answered one, as the writer noticed

	answered atomic.Uint64 // the highest probe id the client answered
}

type probe struct {
	id     uint64
	offset int64 // bytes written before the ping
	sent   time.Time
	due    time.Time
}

// probeEvery is how often, at most, a probe follows a small frame: an 8-byte
// ping a second per client adds nothing much to a busy connection.
const probeEvery = time.Second

// maxProbes bounds the probes outstanding; beyond it none are sent until
// some are answered.
const maxProbes = 128

// wanted reports whether a probe should follow a frame written now.
func (p *probes) wanted(now time.Time) bool {
	return len(p.out) == 0 && now.Sub(p.last) >= probeEvery
}

// add records a probe sent after the frames written so far (including the
// one it follows), and returns its id. Call it only for a probe that was
// written.
func (p *probes) add(now time.Time, slowAfter time.Duration) uint64 {
	p.next++
	if len(p.out) == 0 {
		p.progress = now
	}
	unread := p.sent - p.readUpTo
	due := now.Add(slowAfter + time.Duration(float64(unread)/minRate*float64(time.Second)))
	if len(p.out) < maxProbes {
		p.out = append(p.out, probe{id: p.next, offset: p.sent, sent: now, due: due})
	}
	p.last = now
	return p.next
}

// check takes the answers that came and reports why the client is too
// slow, or "".
func (p *probes) check(now time.Time, slowAfter time.Duration) string {
	answered := p.answered.Load()
	i := 0
	for i < len(p.out) && p.out[i].id <= answered {
		p.readUpTo = p.out[i].offset
		p.progress = now
		i++
	}
	if i > 0 {
		n := copy(p.out, p.out[i:])
		clear(p.out[n:])
		p.out = p.out[:n]
	}
	if len(p.out) == 0 {
		return ""
	}
	switch {
	case now.After(p.unansweredBy(slowAfter)):
		return slowUnanswered
	case now.After(p.out[0].due):
		return slowOverdue
	}
	return ""
}

// unansweredBy is when the client is too slow if it answers nothing
// before: SlowAfter, and a fragment's time at minRate, after its last
// answer or the first probe outstanding, whichever is later.
func (p *probes) unansweredBy(slowAfter time.Duration) time.Time {
	since := p.progress
	if p.out[0].sent.After(since) {
		since = p.out[0].sent
	}
	return since.Add(slowAfter + time.Duration(float64(fragmentSize)/minRate*float64(time.Second)))
}

// deadline is when check must run next to find a client that stops
// answering, or zero when no probe is outstanding.
func (p *probes) deadline(slowAfter time.Duration) time.Time {
	if len(p.out) == 0 {
		return time.Time{}
	}
	by := p.unansweredBy(slowAfter)
	if p.out[0].due.Before(by) {
		by = p.out[0].due
	}
	return by
}

// answer records a pong's payload: the probe id it answers.
func (p *probes) answer(data []byte) {
	if len(data) != 8 {
		return // a pong to a keep-alive ping, or another program's
	}
	id := uint64(data[0])<<56 | uint64(data[1])<<48 | uint64(data[2])<<40 | uint64(data[3])<<32 |
		uint64(data[4])<<24 | uint64(data[5])<<16 | uint64(data[6])<<8 | uint64(data[7])
	for {
		old := p.answered.Load()
		if id <= old || p.answered.CompareAndSwap(old, id) {
			return
		}
	}
}
