package boltstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	stdsync "sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"corkboard/board"
	boardsync "corkboard/sync"
)

var (
	bucketMeta   = []byte("meta")
	bucketBoards = []byte("boards")
	bucketWAL    = []byte("wal")
	keyFormat    = []byte("format")
	formatV1     = []byte("1") // boards/<id>/{snapshot, log/<version>}; migrated on open
	formatV2     = []byte("2") // WAL entries in one value each: a format 3 file whose entries have one chunk
	formatV3     = []byte("3") // the layout in doc.go
)

// openTimeout is how long Open waits for a file another process holds.
// bbolt would wait forever; a second server on the same file should fail
// with a clear message instead.
const openTimeout = time.Second

// Store is a bbolt-backed boardsync.Store.
type Store struct {
	db *bolt.DB

	// mu guards the index below. Commit holds it for writing for its whole
	// transaction, LoadBoard for reading, so the index always describes
	// the data a transaction sees.
	mu      stdsync.RWMutex
	boards  map[string]*boardLog // boards with a known state; others are read on demand
	walRefs map[uint64]int       // WAL entry -> boards that still keep records in it
	nextSeq uint64               // the key of the next WAL entry
	scratch []byte               // the WAL entry being built; bbolt has written it when Commit returns
}

// boardLog is what the store knows about one board's records.
type boardLog struct {
	head boardHead
	refs []walRef // WAL entries holding its kept records, oldest first
}

// walRef says that WAL entry seq holds a board's records up to last.
type walRef struct {
	seq, last uint64
}

var _ boardsync.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path, and its folder.
// A file held by another process, or one that is not a Corkboard database,
// is an error that says so.
func Open(path string) (s *Store, err error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("creating the data folder: %w", err)
		}
	}
	defer func() {
		// bbolt panics on some kinds of damage; report them as errors.
		if p := recover(); p != nil {
			err = fmt.Errorf("%s is damaged or not a Corkboard database (%v)", path, p)
		}
	}()
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout: openTimeout,
		// The free page list is rebuilt when the file is opened instead of
		// being written with every commit, and kept in a map rather than a
		// sorted array: with hundreds of commits a second both save work
		// on every commit. Neither touches durability: every commit is
		// still written with fsync.
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("%s is in use by another process (is another Corkboard running?)", path)
	case err != nil:
		return nil, fmt.Errorf("%s is damaged or not a Corkboard database: %w", path, err)
	}
	s = &Store{db: db, boards: map[string]*boardLog{}, walRefs: map[uint64]int{}, nextSeq: 1}
	if err := s.update(s.prepare); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s is not a usable Corkboard database: %w", path, err)
	}
	return s, nil
}

// prepare checks the format marker (migrating an older layout), then reads
// the whole WAL to build the index, dropping entries nothing keeps.
func (s *Store) prepare(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	switch f := meta.Get(keyFormat); {
	case f == nil:
		if tx.Bucket(bucketBoards) != nil {
			return errors.New("it has boards but no format marker")
		}
		if err := meta.Put(keyFormat, formatV3); err != nil {
			return err
		}
	case bytes.Equal(f, formatV1):
		if err := migrateV1(tx); err != nil {
			return fmt.Errorf("moving to the new layout: %w", err)
		}
		if err := meta.Put(keyFormat, formatV3); err != nil {
			return err
		}
	case bytes.Equal(f, formatV2):
		// Readable as it is; the new marker keeps older versions, which
		// would not read the chunks written from now on, from opening it.
		if err := meta.Put(keyFormat, formatV3); err != nil {
			return err
		}
	case !bytes.Equal(f, formatV3):
		return fmt.Errorf("its format %q is not one this version reads", f)
	}
	boards, err := tx.CreateBucketIfNotExists(bucketBoards)
	if err != nil {
		return err
	}
	wal, err := tx.CreateBucketIfNotExists(bucketWAL)
	if err != nil {
		return err
	}
	var seqs []uint64
	err = forEachEntry(wal, func(seq uint64, entry []byte) error {
		seqs = append(seqs, seq)
		s.nextSeq = seq + 1
		return forEachPart(entry, func(id string, recs []boardsync.Record) error {
			b, err := s.boardLog(boards, id)
			if err != nil {
				return fmt.Errorf("WAL entry %d: %w", seq, err)
			}
			last := recs[len(recs)-1].Version
			b.head.last = max(b.head.last, last)
			if last >= b.head.trimBefore {
				b.refs = append(b.refs, walRef{seq: seq, last: last})
				s.walRefs[seq]++
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	// Entries whose records are all behind snapshots (a crash came between
	// the snapshot and the next commit's clean-up) go now.
	for _, seq := range seqs {
		if s.walRefs[seq] > 0 {
			continue
		}
		if err := deleteEntry(wal, seq); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the database file.
func (s *Store) Close() error { return s.db.Close() }

// Path returns the database file's path.
func (s *Store) Path() string { return s.db.Path() }

// CreateBoard implements boardsync.Store.
func (s *Store) CreateBoard(ctx context.Context, id string, snapshot []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(func(tx *bolt.Tx) error {
		boards := tx.Bucket(bucketBoards)
		if boards.Get([]byte(id)) != nil {
			return board.Errorf(board.EConflict, "board %s already exists", id)
		}
		return boards.Put([]byte(id), encodeBoardValue(boardHead{}, snapshot))
	})
}

// LoadBoard implements boardsync.Store.
func (s *Store) LoadBoard(ctx context.Context, id string) (snapshot []byte, log []boardsync.Record, err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	err = s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketBoards).Get([]byte(id))
		if v == nil {
			return board.Errorf(board.ENotFound, "there is no board %s", id)
		}
		head, snap, err := decodeBoardValue(v)
		if err != nil {
			return fmt.Errorf("board %s is damaged: %w", id, err)
		}
		// Byte slices from bbolt are only valid inside the transaction.
		snapshot = bytes.Clone(snap)
		b := s.boards[id]
		if b == nil {
			return nil // in no WAL entry: the snapshot is all there is
		}
		wal := tx.Bucket(bucketWAL)
		var buf []byte
		for _, ref := range b.refs {
			entry, err := getEntry(wal, ref.seq, &buf)
			if err != nil {
				return fmt.Errorf("board %s is damaged: %w", id, err)
			}
			if entry == nil {
				return fmt.Errorf("board %s is damaged: WAL entry %d is missing", id, ref.seq)
			}
			err = forEachPart(entry, func(part string, recs []boardsync.Record) error {
				if part != id {
					return nil
				}
				for _, r := range recs {
					if r.Version >= head.trimBefore {
						log = append(log, boardsync.Record{Version: r.Version, Data: bytes.Clone(r.Data)})
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("board %s: WAL entry %d: %w", id, ref.seq, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return snapshot, log, nil
}

// Commit implements boardsync.Store: all changes in one transaction, whose
// records go to one new WAL entry. Boards' own values are written only when
// a change brings a snapshot or a trim.
func (s *Store) Commit(ctx context.Context, changes []boardsync.Change) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The index changes only once the transaction is on disk: next holds
	// the boards' new states until then.
	next := make(map[string]*boardLog, len(changes))
	seq := s.nextSeq
	refDelta := map[uint64]int{}
	err := s.update(func(tx *bolt.Tx) error {
		clear(next)
		clear(refDelta)
		boards, wal := tx.Bucket(bucketBoards), tx.Bucket(bucketWAL)
		entry := s.scratch[:0]
		for _, c := range changes {
			b := next[c.BoardID]
			if b == nil {
				cur, err := s.boardLog(boards, c.BoardID)
				if err != nil {
					return err
				}
				b = &boardLog{head: cur.head, refs: cur.refs}
				next[c.BoardID] = b
			}
			last := b.head.last
			for _, r := range c.Records {
				if r.Version <= last {
					return board.Errorf(board.EConflict, "board %s: record %d is not after %d", c.BoardID, r.Version, last)
				}
				last = r.Version
			}
			if len(c.Records) > 0 {
				entry = appendPart(entry, c.BoardID, c.Records)
				if n := len(b.refs); n > 0 && b.refs[n-1].seq == seq {
					b.refs[n-1].last = last // a second change of this board in this commit
				} else {
					// Appending past the index's length leaves the index's
					// view alone, so a failed commit needs no undoing.
					b.refs = append(b.refs, walRef{seq: seq, last: last})
					refDelta[seq]++
				}
			}
			b.head.last = last
			if c.Snapshot == nil && c.TrimBefore == 0 {
				continue
			}
			snapshot := c.Snapshot
			if snapshot == nil {
				_, old, err := decodeBoardValue(boards.Get([]byte(c.BoardID)))
				if err != nil {
					return fmt.Errorf("board %s is damaged: %w", c.BoardID, err)
				}
				snapshot = old
			}
			if c.TrimBefore > b.head.trimBefore {
				b.head.trimBefore = c.TrimBefore
				kept := b.refs[:0:0]
				for _, ref := range b.refs {
					if ref.last >= c.TrimBefore {
						kept = append(kept, ref)
					} else {
						refDelta[ref.seq]--
					}
				}
				b.refs = kept
			}
			if err := boards.Put([]byte(c.BoardID), encodeBoardValue(b.head, snapshot)); err != nil {
				return err
			}
		}
		s.scratch = entry
		// A room's snapshot commit trims the records it carries, so often
		// no board keeps anything of this entry: then it is not written.
		if refDelta[seq] > 0 {
			if err := putEntry(wal, seq, entry); err != nil {
				return err
			}
		}
		for ref, d := range refDelta {
			if d < 0 && s.walRefs[ref]+d == 0 {
				if err := deleteEntry(wal, ref); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for id, b := range next {
		s.boards[id] = b
	}
	for ref, d := range refDelta {
		if n := s.walRefs[ref] + d; n > 0 {
			s.walRefs[ref] = n
		} else {
			delete(s.walRefs, ref)
		}
	}
	if refDelta[seq] > 0 {
		s.nextSeq = seq + 1
	}
	return nil
}

// boardLog returns the index entry of a board, reading its head from the
// boards bucket the first time. The caller holds mu for writing.
func (s *Store) boardLog(boards *bolt.Bucket, id string) (*boardLog, error) {
	if b := s.boards[id]; b != nil {
		return b, nil
	}
	v := boards.Get([]byte(id))
	if v == nil {
		return nil, board.Errorf(board.ENotFound, "there is no board %s", id)
	}
	head, _, err := decodeBoardValue(v)
	if err != nil {
		return nil, fmt.Errorf("board %s is damaged: %w", id, err)
	}
	b := &boardLog{head: head}
	s.boards[id] = b
	return b, nil
}

// update and view run a transaction, turning a bbolt panic (a damaged page)
// into an error.
func (s *Store) update(fn func(*bolt.Tx) error) (err error) {
	defer recoverDamage(&err)
	return s.db.Update(fn)
}

func (s *Store) view(fn func(*bolt.Tx) error) (err error) {
	defer recoverDamage(&err)
	return s.db.View(fn)
}

func recoverDamage(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("the database is damaged: %v", p)
	}
}
