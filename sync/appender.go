package sync

import (
	"context"
	"fmt"
)

// appender carries a room's accepted operations to its board's log. The
// room applies an operation and shows it to everyone at once; the appender
// gathers the records and appends them, one Append at a time, so what
// arrives while an append is in flight goes in the next one: appends grow
// with the load instead of queueing up. It tells the room, through durable,
// which versions are on disk, and the room acknowledges those.
//
// It is owned by the room's goroutine; only the Append itself runs on a
// goroutine of its own, whose result comes back on results.
type appender struct {
	log     Log
	boardID string
	epoch   string // names the batches, with their first version (Batch.Key)

	last     uint64   // the board's last version given to the appender
	unsent   []Record // accepted, not yet in an append
	inFlight bool
	upTo     uint64 // the last version of the append in flight
	durable  uint64 // every version up to this one is durable

	results chan appendResult // one slot: the append in flight
}

type appendResult struct {
	pos Position
	err error
}

func newAppender(log Log, boardID, epoch string, durable uint64) *appender {
	return &appender{
		log: log, boardID: boardID, epoch: epoch,
		last: durable, durable: durable,
		results: make(chan appendResult, 1),
	}
}

// add queues the record of the operation the room has just applied.
func (a *appender) add(r Record) {
	a.unsent = append(a.unsent, r)
	a.last = r.Version
}

// busy reports whether anything is not yet durable.
func (a *appender) busy() bool { return a.inFlight || len(a.unsent) > 0 }

// start begins an append of what is unsent, unless one is in flight or
// nothing is unsent.
func (a *appender) start(ctx context.Context) {
	if a.inFlight || len(a.unsent) == 0 {
		return
	}
	batch := Batch{After: a.durable, Records: a.unsent, Key: fmt.Sprintf("%s:%d", a.epoch, a.durable+1)}
	a.unsent = nil
	a.inFlight = true
	a.upTo = a.last
	go func() {
		pos, err := appendSafely(ctx, a.log, a.boardID, batch)
		a.results <- appendResult{pos, err}
	}()
}

// finish takes the result of the append in flight. An error means what is
// in memory may be ahead of the log: the room must drop it (see room.reset).
func (a *appender) finish(res appendResult) error {
	a.inFlight = false
	if res.err != nil {
		return res.err
	}
	if res.pos.Last != a.upTo {
		return fmt.Errorf("the log put versions %d-%d where %d were expected", res.pos.First, res.pos.Last, a.upTo)
	}
	a.durable = a.upTo
	return nil
}

// drain appends everything pending and waits for it: for a room that is
// stopping.
func (a *appender) drain(ctx context.Context) error {
	for a.busy() {
		a.start(ctx)
		if err := a.finish(<-a.results); err != nil {
			return err
		}
	}
	return nil
}

// appendSafely calls Append, turning a panic (a log that trips over a
// damaged file) into an error so that the server keeps running.
func appendSafely(ctx context.Context, log Log, id string, b Batch) (pos Position, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the log panicked: %v", p)
		}
	}()
	return log.Append(ctx, id, b)
}
