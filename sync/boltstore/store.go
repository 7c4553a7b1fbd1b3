package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"corkboard/board"
	boardsync "corkboard/sync"
)

var (
	bucketMeta   = []byte("meta")
	bucketBoards = []byte("boards")
	bucketLog    = []byte("log")
	keySnapshot  = []byte("snapshot")
	keyFormat    = []byte("format")
	formatV1     = []byte("1")
)

// openTimeout is how long Open waits for a file another process holds.
// bbolt would wait forever; a second server on the same file should fail
// with a clear message instead.
const openTimeout = time.Second

// Store is a bbolt-backed boardsync.Store.
type Store struct {
	db *bolt.DB
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
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		switch f := meta.Get(keyFormat); {
		case f == nil:
			if tx.Bucket(bucketBoards) != nil {
				return errors.New("it has boards but no format marker")
			}
			if err := meta.Put(keyFormat, formatV1); err != nil {
				return err
			}
		case !bytes.Equal(f, formatV1):
			return fmt.Errorf("its format %q is not one this version reads", f)
		}
		_, err = tx.CreateBucketIfNotExists(bucketBoards)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%s is not a usable Corkboard database: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the database file.
func (s *Store) Close() error { return s.db.Close() }

// Path returns the database file's path.
func (s *Store) Path() string { return s.db.Path() }

// CreateBoard implements boardsync.Store.
func (s *Store) CreateBoard(ctx context.Context, id string, snapshot []byte) error {
	return s.update(func(tx *bolt.Tx) error {
		boards := tx.Bucket(bucketBoards)
		if boards.Bucket([]byte(id)) != nil {
			return board.Errorf(board.EConflict, "board %s already exists", id)
		}
		b, err := boards.CreateBucket([]byte(id))
		if err != nil {
			return err
		}
		if _, err := b.CreateBucket(bucketLog); err != nil {
			return err
		}
		return b.Put(keySnapshot, snapshot)
	})
}

// LoadBoard implements boardsync.Store.
func (s *Store) LoadBoard(ctx context.Context, id string) (snapshot []byte, log []boardsync.Record, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketBoards).Bucket([]byte(id))
		if b == nil {
			return board.Errorf(board.ENotFound, "there is no board %s", id)
		}
		snap := b.Get(keySnapshot)
		logBucket := b.Bucket(bucketLog)
		if snap == nil || logBucket == nil {
			return fmt.Errorf("board %s is damaged: no snapshot or log", id)
		}
		// Byte slices from bbolt are only valid inside the transaction.
		snapshot = bytes.Clone(snap)
		return logBucket.ForEach(func(k, v []byte) error {
			if len(k) != 8 {
				return fmt.Errorf("board %s is damaged: log key %x", id, k)
			}
			log = append(log, boardsync.Record{Version: binary.BigEndian.Uint64(k), Data: bytes.Clone(v)})
			return nil
		})
	})
	if err != nil {
		return nil, nil, err
	}
	return snapshot, log, nil
}

// Commit implements boardsync.Store: all changes in one transaction.
func (s *Store) Commit(ctx context.Context, changes []boardsync.Change) error {
	return s.update(func(tx *bolt.Tx) error {
		boards := tx.Bucket(bucketBoards)
		for _, c := range changes {
			b := boards.Bucket([]byte(c.BoardID))
			if b == nil {
				return board.Errorf(board.ENotFound, "there is no board %s", c.BoardID)
			}
			log := b.Bucket(bucketLog)
			// Keys only ever grow, so full pages are best: half-empty pages
			// would double the file for nothing.
			log.FillPercent = 1.0
			var last uint64
			if k, _ := log.Cursor().Last(); k != nil {
				last = binary.BigEndian.Uint64(k)
			}
			for _, r := range c.Records {
				if r.Version <= last {
					return board.Errorf(board.EConflict, "board %s: record %d is not after %d", c.BoardID, r.Version, last)
				}
				if err := log.Put(versionKey(r.Version), r.Data); err != nil {
					return err
				}
				last = r.Version
			}
			if c.Snapshot != nil {
				if err := b.Put(keySnapshot, c.Snapshot); err != nil {
					return err
				}
			}
			if c.TrimBefore > 0 {
				// Collect first: deleting under a cursor skips the next key.
				var old [][]byte
				cur := log.Cursor()
				for k, _ := cur.First(); k != nil && binary.BigEndian.Uint64(k) < c.TrimBefore; k, _ = cur.Next() {
					old = append(old, bytes.Clone(k))
				}
				for _, k := range old {
					if err := log.Delete(k); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

func versionKey(v uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), v)
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
