package sync

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// committer is the group commit: one goroutine takes the pending changes of
// every board and writes them in a single store transaction, so the number
// of fsyncs a second stays the disk's, whatever the number of operations.
type committer struct {
	store    Store
	interval time.Duration // see Limits.CommitInterval
	metrics  *Metrics
	log      *slog.Logger
	in       chan commitRequest
	stopped  chan struct{}
}

type commitRequest struct {
	change Change
	done   chan<- error // buffered; gets exactly one result
}

// maxCommitBatch caps the changes in one transaction, so a backlog is
// written in steps instead of one huge transaction.
const maxCommitBatch = 1024

func newCommitter(store Store, interval time.Duration, m *Metrics, log *slog.Logger) *committer {
	return &committer{
		store: store, interval: interval, metrics: m, log: log,
		in: make(chan commitRequest, maxCommitBatch), stopped: make(chan struct{}),
	}
}

func (c *committer) submit(req commitRequest) { c.in <- req }

// stop waits for the queued commits to be written. Call it only once no room
// can submit any more.
func (c *committer) stop() {
	close(c.in)
	<-c.stopped
}

func (c *committer) run() {
	defer close(c.stopped)
	batch := make([]commitRequest, 0, 64)
	changes := make([]Change, 0, 64)
	var last time.Time
	for req := range c.in {
		// A quiet server commits at once; a busy one waits out the
		// interval, gathering what arrives meanwhile.
		if wait := c.interval - time.Since(last); wait > 0 {
			time.Sleep(wait)
		}
		last = time.Now()
		batch = append(batch[:0], req)
	collect:
		for len(batch) < maxCommitBatch {
			select {
			case req, ok := <-c.in:
				if !ok {
					break collect
				}
				batch = append(batch, req)
			default:
				break collect
			}
		}
		changes = changes[:0]
		for _, r := range batch {
			changes = append(changes, r.change)
		}
		err := c.commit(changes)
		c.metrics.Commit.Observe(time.Since(last))
		if err != nil {
			c.metrics.CommitErrors.Add(1)
			c.log.Error("group commit failed", "boards", len(changes), "err", err)
		}
		for _, r := range batch {
			r.done <- err
		}
	}
}

// commit calls the store, turning a panic (a store that trips over a damaged
// file) into an error so the server keeps running.
func (c *committer) commit(changes []Change) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store panicked: %v", p)
		}
	}()
	return c.store.Commit(context.Background(), changes)
}
