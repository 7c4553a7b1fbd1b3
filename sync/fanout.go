package sync

import "slices"

// fanout sends a large room's operations to its connections from a
// goroutine of its own, which writes to the sockets one after the other,
// directly (writer.send with direct), waking nobody. What the room
// broadcasts while a round is being written goes to each socket together,
// in one frame, in the next round: messages are coalesced exactly while
// the fan-out is busy, and a round over a thousand sockets takes a few
// milliseconds, so the busier the room, the more each frame carries.
//
// Why not wake each connection's writer goroutine: in a room of a
// thousand, waking a thousand goroutines for every operation cost about as
// much CPU as the thousand writes, which are already most of what the
// server spends. Why one goroutine and not one per core: the writes would
// take both cores from everything else (readers, the room, the log), and
// shorter rounds coalesce less. Measured in S2 (1,000 viewers, 100
// operations a second; docs/performance.md), one goroutine used 0.73 and
// 0.81 cores at a delivery p99 of 43 and 50 ms, the bare relay in the same
// runs 0.93 and 0.98 cores at 56 and 70 ms; two goroutines used 0.73-0.98
// cores at 40-66 ms.
//
// Versions stay in order for everyone because every operation, the
// sender's own copy included, goes through the fan-out, and a connection
// joins or leaves it in order with the operations. The room still writes
// other messages itself (welcomes, acks, rejects, presence): a welcome is
// written before its connection joins the fan-out, so it comes before any
// operation after it; an ack may come before the operation's own copy,
// which the protocol allows.
type fanout struct {
	jobs chan fanoutJob
	done chan struct{}
}

// fanoutJob is one thing for the fan-out to do, in order: send a message
// to everyone, or let a connection join or leave.
type fanoutJob struct {
	msg   []byte
	op    *logged // an operation, which some may get a copy of (audience.go)
	join  *conn
	leave *conn
}

// Rooms fan out from fanoutFrom connections on, and go back to writing
// themselves below fanoutUntil: the gap keeps a room that hovers around
// the threshold from switching back and forth. Below it, the room's own
// goroutine writes as fast as a goroutine of its own would, without the
// hand-over.
const (
	fanoutFrom  = 33
	fanoutUntil = 24
)

// newFanout starts the fan-out and lets conns join it.
func newFanout(conns map[*conn]*peer) *fanout {
	f := &fanout{jobs: make(chan fanoutJob, 1024), done: make(chan struct{})}
	go f.run()
	for c := range conns {
		f.join(c)
	}
	return f
}

func (f *fanout) join(c *conn)         { f.jobs <- fanoutJob{join: c} }
func (f *fanout) leave(c *conn)        { f.jobs <- fanoutJob{leave: c} }
func (f *fanout) broadcast(msg []byte) { f.jobs <- fanoutJob{msg: msg} }

func (f *fanout) broadcastLogged(l logged) {
	if l.secret == nil {
		f.broadcast(l.msg)
		return
	}
	f.jobs <- fanoutJob{op: &l}
}

// stop lets the fan-out finish what it was given and waits for it.
func (f *fanout) stop() {
	close(f.jobs)
	<-f.done
}

func (f *fanout) run() {
	defer close(f.done)
	members := map[*conn]struct{}{}
	var (
		msgs    [][]byte
		secrets map[int]*logged // the operations among msgs that some get whole
	)
	flush := func() {
		if len(msgs) == 0 {
			return
		}
		for c := range members {
			// Most get the shared list; the few who get an operation
			// whole (its sender's tabs) a copy of it.
			own := msgs
			for i, l := range secrets {
				if m := l.msgFor(c); &m[0] != &l.msg[0] {
					if &own[0] == &msgs[0] {
						own = slices.Clone(msgs)
					}
					own[i] = m
				}
			}
			c.out.sendMany(own, direct)
		}
		msgs, secrets = nil, nil // the writers keep the slice until they have written it
	}
	do := func(j fanoutJob) {
		switch {
		case j.join != nil:
			flush()
			members[j.join] = struct{}{}
		case j.leave != nil:
			flush()
			delete(members, j.leave)
		case j.op != nil:
			if secrets == nil {
				secrets = map[int]*logged{}
			}
			secrets[len(msgs)] = j.op
			msgs = append(msgs, j.op.msg)
		default:
			msgs = append(msgs, j.msg)
		}
	}
	for j := range f.jobs {
		do(j)
		// Take whatever else is waiting: operations that came while the
		// last round was being written go out together.
	more:
		for {
			select {
			case j, ok := <-f.jobs:
				if !ok {
					break more
				}
				do(j)
			default:
				break more
			}
		}
		flush()
	}
}
