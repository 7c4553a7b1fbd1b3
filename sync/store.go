package sync

import (
	"cmp"
	"context"
	"slices"
	stdsync "sync"

	"corkboard/board"
)

// Store is what the sync layer needs from durable storage. It deals in
// encoded bytes so that a store never has to understand boards, and the
// bytes a room sends to clients are the bytes it stores.
//
// Implementations: MemStore here (tests, and a reference for the rules) and
// boltstore.Store (bbolt). Both pass storetest.Run.
type Store interface {
	// CreateBoard durably stores a new board with its first snapshot.
	// It fails with an *board.Error EConflict if the id is taken.
	CreateBoard(ctx context.Context, id string, snapshot []byte) error

	// LoadBoard returns the board's latest snapshot and the log records the
	// store still holds, in version order. Records at or below the
	// snapshot's version may be among them; the caller skips them.
	// It fails with an *board.Error ENotFound if there is no such board.
	LoadBoard(ctx context.Context, id string) (snapshot []byte, log []Record, err error)

	// Commit durably applies the changes of many boards in one transaction:
	// all of them or none. When it returns nil, every record is on disk.
	Commit(ctx context.Context, changes []Change) error
}

// Record is one entry of a board's operation log.
type Record struct {
	Version uint64
	Data    []byte // an encoded Entry
}

// Change is what one board adds in one commit.
type Change struct {
	BoardID string
	Records []Record // versions ascending, each above any already stored
	// Snapshot, if not nil, replaces the board's snapshot. It holds the board
	// as of the last record in Records (or the last stored record).
	Snapshot []byte
	// TrimBefore, if not zero, lets the store drop records with a lower
	// version. The sync layer only sets it below a stored snapshot.
	TrimBefore uint64
}

// MemStore is a Store that keeps everything in memory. It is safe for
// concurrent use. Nothing survives the process, so it is for tests.
type MemStore struct {
	mu     stdsync.Mutex // guards boards
	boards map[string]*memBoard
}

type memBoard struct {
	snapshot []byte
	log      []Record
	last     uint64 // the highest version ever stored, trimmed or not
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore { return &MemStore{boards: map[string]*memBoard{}} }

// CreateBoard implements Store.
func (s *MemStore) CreateBoard(ctx context.Context, id string, snapshot []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.boards[id]; ok {
		return board.Errorf(board.EConflict, "board %s already exists", id)
	}
	s.boards[id] = &memBoard{snapshot: slices.Clone(snapshot)}
	return nil
}

// LoadBoard implements Store.
func (s *MemStore) LoadBoard(ctx context.Context, id string) ([]byte, []Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boards[id]
	if !ok {
		return nil, nil, board.Errorf(board.ENotFound, "there is no board %s", id)
	}
	log := make([]Record, len(b.log))
	for i, r := range b.log {
		log[i] = Record{Version: r.Version, Data: slices.Clone(r.Data)}
	}
	return slices.Clone(b.snapshot), log, nil
}

// Commit implements Store.
func (s *MemStore) Commit(ctx context.Context, changes []Change) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Check everything first so that a bad change leaves all boards alone.
	for _, c := range changes {
		b, ok := s.boards[c.BoardID]
		if !ok {
			return board.Errorf(board.ENotFound, "there is no board %s", c.BoardID)
		}
		last := b.last
		for _, r := range c.Records {
			if r.Version <= last {
				return board.Errorf(board.EConflict, "board %s: record %d is not after %d", c.BoardID, r.Version, last)
			}
			last = r.Version
		}
	}
	for _, c := range changes {
		b := s.boards[c.BoardID]
		for _, r := range c.Records {
			b.log = append(b.log, Record{Version: r.Version, Data: slices.Clone(r.Data)})
			b.last = r.Version
		}
		if c.Snapshot != nil {
			b.snapshot = slices.Clone(c.Snapshot)
		}
		if c.TrimBefore > 0 {
			i, _ := slices.BinarySearchFunc(b.log, c.TrimBefore, func(r Record, v uint64) int { return cmp.Compare(r.Version, v) })
			b.log = slices.Clone(b.log[i:])
		}
	}
	return nil
}
