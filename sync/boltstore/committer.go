package boltstore

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"corkboard/board"
	boardsync "corkboard/sync"
)

// The committer is the group commit: one goroutine takes the writes of
// every board (appends, snapshots, new boards, new epochs) and makes them
// in a single bbolt transaction, so the number of fsyncs a second stays
// the disk's, whatever the number of boards and operations. Callers block
// until their write is durable.
//
// A quiet server commits at once; a busy one waits until CommitInterval
// has passed since the last commit began, gathering what arrives
// meanwhile: each commit costs two fsyncs and some fixed bbolt work
// whatever it holds, so committing as fast as the disk allows would spend
// CPU the live traffic needs.

// request is one write waiting for the committer.
type request struct {
	// check sees the store's index as the transaction will change it (the
	// writes before it in this commit included) and reports an error if
	// the write cannot be made; it is answered at once and left out.
	check func(c *commit) error
	// write makes the write in the transaction.
	write func(c *commit) error
	done  chan error // buffered; gets exactly one result
}

// maxCommitBatch caps the writes in one transaction, so a backlog is
// written in steps instead of one huge transaction.
const maxCommitBatch = 1024

// submit hands a write to the committer and waits for it to be durable.
func (s *Store) submit(check, write func(c *commit) error) error {
	req := request{check: check, write: write, done: make(chan error, 1)}
	s.mu.RLock()
	closed := s.closed
	if !closed {
		s.requests <- req
	}
	s.mu.RUnlock()
	if closed {
		return errClosed
	}
	return <-req.done
}

func (s *Store) runCommitter() {
	defer close(s.committerDone)
	batch := make([]request, 0, 64)
	var last time.Time
	for req := range s.requests {
		if wait := s.interval - time.Since(last); wait > 0 {
			time.Sleep(wait)
		}
		last = time.Now()
		batch = append(batch[:0], req)
	collect:
		for len(batch) < maxCommitBatch {
			select {
			case req, ok := <-s.requests:
				if !ok {
					break collect
				}
				batch = append(batch, req)
			default:
				break collect
			}
		}
		s.commitBatch(batch)
		s.commitSeconds.Observe(time.Since(last).Seconds())
		// Let go of what the requests hold (a snapshot of a large board
		// is megabytes) rather than keep it until the slots are reused.
		clear(batch)
	}
}

// commitBatch makes one transaction of the batch's writes and answers
// each request.
func (s *Store) commitBatch(batch []request) {
	c := s.newCommit()
	var ok []request
	for _, req := range batch {
		if err := req.check(c); err != nil {
			req.done <- err
			continue
		}
		ok = append(ok, req)
		c.staged = append(c.staged, req.write)
	}
	if len(ok) == 0 {
		return
	}
	err := s.update(c.run)
	if err == nil {
		s.install(c)
	} else {
		s.commitErrors.Inc()
		s.logger.Error("group commit failed", "writes", len(ok), "err", err)
		err = fmt.Errorf("the database could not be written: %w", err)
	}
	for _, req := range ok {
		req.done <- err
	}
}

// commit is one transaction being prepared and made: the index as the
// transaction changes it, and the WAL entry it writes.
type commit struct {
	s      *Store
	boards map[string]*boardState // boards this commit changes: copies, installed if it succeeds
	staged []func(c *commit) error
	tx     *bolt.Tx
	seq    uint64 // the WAL entry this commit writes, if any appends survive in it
	parts  []walPart
	// refDelta counts, per WAL entry, the boards that stop or start
	// keeping records in it.
	refDelta map[uint64]int
	// opened are the boards marked opened in this commit (delete.go): a
	// deletion for want of visits after it in the commit is refused.
	opened map[string]bool
}

// walPart is one board's records in this commit's WAL entry.
type walPart struct {
	id   string
	key  string
	recs []boardsync.Record
}

func (s *Store) newCommit() *commit {
	return &commit{s: s, boards: map[string]*boardState{}, seq: s.nextSeq, refDelta: map[uint64]int{}}
}

// board returns the commit's copy of a board's state, reading its head on
// first use. It returns nil for an unknown board.
func (c *commit) board(id string) (*boardState, error) {
	if b, ok := c.boards[id]; ok {
		return b, nil
	}
	// Only the committer changes the index, so it reads it without a lock.
	cur := c.s.boardState(id)
	if cur == nil {
		err := c.s.view(func(tx *bolt.Tx) error {
			var err error
			cur, err = readHead(tx.Bucket(bucketBoards), id)
			return err
		})
		if err != nil || cur == nil {
			return nil, err
		}
	}
	b := cur.clone()
	c.boards[id] = b
	return b, nil
}

// mustBoard is board for writes to a board that must exist.
func (c *commit) mustBoard(id string) (*boardState, error) {
	b, err := c.board(id)
	if err == nil && b == nil {
		err = board.Errorf(board.ENotFound, "there is no board %s", id)
	}
	return b, err
}

// putHead writes a board's head as the commit has it.
func (c *commit) putHead(id string) error {
	return c.tx.Bucket(bucketBoards).Put([]byte(id), encodeHead(c.boards[id].head))
}

// addToWAL puts an append's records in this commit's WAL entry.
func (c *commit) addToWAL(id, key string, recs []boardsync.Record) {
	c.parts = append(c.parts, walPart{id: id, key: key, recs: recs})
	b := c.boards[id]
	if n := len(b.refs); n > 0 && b.refs[n-1].seq == c.seq {
		b.refs[n-1].last = recs[len(recs)-1].Version // a second append of this board in this commit
		return
	}
	b.refs = append(b.refs, walRef{seq: c.seq, last: recs[len(recs)-1].Version})
	c.refDelta[c.seq]++
}

// moveToHistory moves a board's records out of the WAL into one history
// segment: those in earlier WAL entries, read back, and those in this
// commit's entry, which then leaves them out. WAL entries no board keeps
// records in any more are deleted.
func (c *commit) moveToHistory(id string) error {
	b := c.boards[id]
	if b.head.Last == b.head.Moved {
		return nil
	}
	// The records point into the entries, which stay valid until the
	// segment is built below: bbolt's pages until the transaction ends
	// (the database is only remapped when it commits), and a chunked
	// entry's own buffer. So the segment is the only copy, made at its
	// final size: a large board's snapshot moves megabytes here.
	var recs []boardsync.Record
	wal := c.tx.Bucket(bucketWAL)
	for _, ref := range b.refs {
		if ref.seq == c.seq {
			continue
		}
		var buf []byte // not reused: recs point into it
		entry, err := getEntry(wal, ref.seq, &buf)
		if err != nil {
			return fmt.Errorf("board %s: %w", id, err)
		}
		if entry == nil {
			return fmt.Errorf("board %s: WAL entry %d is missing", id, ref.seq)
		}
		err = forEachPart(entry, func(part, _ string, rs []boardsync.Record) error {
			if part == id {
				recs = append(recs, rs...)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("board %s: WAL entry %d: %w", id, ref.seq, err)
		}
		c.refDelta[ref.seq]--
		if c.s.walRefs[ref.seq]+c.refDelta[ref.seq] == 0 {
			if err := deleteEntry(wal, ref.seq); err != nil {
				return err
			}
		}
	}
	kept := c.parts[:0]
	for _, p := range c.parts {
		if p.id == id {
			recs = append(recs, p.recs...)
		} else {
			kept = append(kept, p)
		}
	}
	if len(kept) < len(c.parts) {
		c.refDelta[c.seq]--
	}
	c.parts = kept
	if len(recs) == 0 || recs[0].Version != b.head.Moved+1 || recs[len(recs)-1].Version != b.head.Last {
		return fmt.Errorf("board %s: the WAL does not hold versions %d-%d", id, b.head.Moved+1, b.head.Last)
	}
	ops := c.tx.Bucket(bucketOps)
	// History only ever grows at the end: full pages are best.
	ops.FillPercent = 1.0
	if err := ops.Put(segmentKey(id, recs[0].Version), appendRecords(make([]byte, 0, recordsSize(recs)), recs)); err != nil {
		return err
	}
	b.head.Moved = b.head.Last
	b.refs = nil
	return nil
}

// writeWAL writes the commit's WAL entry, if any append's records are
// still in it.
func (c *commit) writeWAL() error {
	if len(c.parts) == 0 {
		return nil
	}
	entry := c.s.scratch[:0]
	for _, p := range c.parts {
		entry = appendPart(entry, p.id, p.key, p.recs)
	}
	c.s.scratch = entry // bbolt has written it when the transaction ends
	return putEntry(c.tx.Bucket(bucketWAL), c.seq, entry)
}

// run makes the staged writes, then the WAL entry, in tx.
func (c *commit) run(tx *bolt.Tx) error {
	c.tx = tx
	for _, w := range c.staged {
		if err := w(c); err != nil {
			return err
		}
	}
	return c.writeWAL()
}
