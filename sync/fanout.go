package sync

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
// operations a second), one goroutine used 0.73-0.81 cores against two
// goroutines' 0.83-0.98 and the bare relay's 0.93-0.98, at a lower
// delivery p99 than both.
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

// stop lets the fan-out finish what it was given and waits for it.
func (f *fanout) stop() {
	close(f.jobs)
	<-f.done
}

func (f *fanout) run() {
	defer close(f.done)
	members := map[*conn]struct{}{}
	var msgs [][]byte
	flush := func() {
		if len(msgs) == 0 {
			return
		}
		for c := range members {
			c.out.sendMany(msgs, direct)
		}
		msgs = nil // the writers keep the slice until they have written it
	}
	do := func(j fanoutJob) {
		switch {
		case j.join != nil:
			flush()
			members[j.join] = struct{}{}
		case j.leave != nil:
			flush()
			delete(members, j.leave)
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
