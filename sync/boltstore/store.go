package boltstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	stdsync "sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"corkboard/board"
	boardsync "corkboard/sync"
)

var (
	bucketMeta      = []byte("meta")
	bucketBoards    = []byte("boards")
	bucketSnapshots = []byte("snapshots")
	bucketOps       = []byte("ops")
	bucketWAL       = []byte("wal")
	keyApp          = []byte("app")
	keyFormat       = []byte("format")
	appName         = []byte("corkboard")
	formatV1        = []byte("1") // boards/<id>/{snapshot, log/<version>}; migrated on open
	formatV2        = []byte("2") // format 3 with every WAL entry in one chunk; migrated on open
	formatV3        = []byte("3") // boards/<id> = last|trim|snapshot, trimmed WAL; migrated on open
	formatV4        = []byte("4") // the layout in doc.go
)

// openTimeout is how long Open waits for a file another process holds.
// bbolt would wait forever; a second server on the same file should fail
// with a clear message instead.
const openTimeout = time.Second

// Options are the store's knobs. The zero value means the defaults.
type Options struct {
	// CommitInterval is the least time from the start of one group commit
	// to the start of the next; it adds at most this to an append. Default
	// 10ms.
	CommitInterval time.Duration
	Logger         *slog.Logger // default: discard
}

// initialMmapSize is how much of the file bbolt maps at open: address
// space, not memory. Until the file outgrows it, bbolt never remaps, and a
// remap is costly twice over: it waits for every read transaction to end
// (an export or a backup would hold up every commit), and it first copies
// every value the commit touches out of the old mapping (a snapshot of a
// large board moved 8 MB more through the heap). On Windows bbolt would
// grow the file to this size, and a 32-bit process lacks the address space.
var initialMmapSize = func() int {
	if runtime.GOOS == "windows" || strconv.IntSize < 64 {
		return 0
	}
	return 1 << 30
}()

// DefaultCommitInterval is the CommitInterval used when none is set.
const DefaultCommitInterval = 10 * time.Millisecond

// Store keeps boards' logs in one bbolt file. It implements boardsync.Log.
type Store struct {
	db       *bolt.DB
	logger   *slog.Logger
	interval time.Duration

	// mu guards the index below and closed. Only the committer changes
	// the index, and holds mu for writing just to install a finished
	// commit's changes; readers hold it for reading while they copy what
	// they need and begin their transaction, so what they copy describes
	// the data they read (or an older state of it).
	mu      stdsync.RWMutex
	boards  map[string]*boardState // boards read so far; others are read on demand
	walRefs map[uint64]int         // WAL entry -> boards that keep records in it
	nextSeq uint64                 // the key of the next WAL entry
	closed  bool
	scratch []byte // the WAL entry being built; owned by the committer

	requests      chan request
	committerDone chan struct{}
	commitSeconds prometheus.Histogram
	commitErrors  prometheus.Counter
}

// boardState is what the store knows about one board: its head, and which
// WAL entries hold its records above head.Moved.
type boardState struct {
	head head
	refs []walRef // oldest first
}

// walRef says that WAL entry seq holds a board's records up to last.
type walRef struct {
	seq, last uint64
}

func (b *boardState) clone() *boardState {
	c := *b
	c.head.Epochs = slices.Clone(b.head.Epochs)
	c.refs = slices.Clone(b.refs)
	return &c
}

var _ boardsync.Log = (*Store)(nil)

var errClosed = board.Errorf(board.EUnavailable, "the database is closed")

// Open opens the database at path, creating it (and its folder) if there is
// no file or an empty one. A file held by another process, a damaged file
// and a file of another program are errors that say so; such files are
// left as they are.
func Open(path string, opts Options) (s *Store, err error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("creating the data folder: %w", err)
		}
	}
	// bbolt rebuilds its free page list at open by walking every page,
	// in a goroutine of its own where a damaged page crashes the process.
	// So the file is checked first, without bbolt.
	if inUse(path) {
		// A file another server writes may look damaged to the check.
		return nil, fmt.Errorf("%s is in use by another process (is another Corkboard running?)", path)
	}
	state, err := checkFile(path)
	switch state {
	case fileMissing, fileEmpty, fileIntact:
	case fileUnreadable:
		return nil, fmt.Errorf("the database cannot be read: %w", err)
	case fileNotBolt:
		return nil, fmt.Errorf("%s is not a Corkboard database (%w); Corkboard will not change it", path, errors.Unwrap(err))
	default:
		return nil, fmt.Errorf("%s: %w. Restore it from a backup, or move it aside to start a new, empty database", path, errors.Unwrap(err))
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
		NoFreelistSync:  true,
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: initialMmapSize,
	})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("%s is in use by another process (is another Corkboard running?)", path)
	case err != nil:
		return nil, fmt.Errorf("%s is damaged or not a Corkboard database: %w", path, err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if state == fileEmpty {
		opts.Logger.Warn("the database file is empty: starting a new database in it", "path", path)
	}
	if opts.CommitInterval <= 0 {
		opts.CommitInterval = DefaultCommitInterval
	}
	s = &Store{
		db: db, logger: opts.Logger, interval: opts.CommitInterval,
		boards: map[string]*boardState{}, walRefs: map[uint64]int{}, nextSeq: 1,
		requests: make(chan request, maxCommitBatch), committerDone: make(chan struct{}),
		commitSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "corkboard_commit_seconds", Help: "Duration of one group commit to disk.", Buckets: boardsync.LatencyBuckets}),
		commitErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "corkboard_commit_errors_total", Help: "Group commits that failed."}),
	}
	if err := s.view(checkOwner); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := s.update(s.prepare); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s is not a usable Corkboard database: %w", path, err)
	}
	go s.runCommitter()
	return s, nil
}

// Collectors returns the store's metrics, for a Prometheus registry.
func (s *Store) Collectors() []prometheus.Collector {
	return []prometheus.Collector{s.commitSeconds, s.commitErrors}
}

// prepare brings an older layout to this one and reads the WAL to build
// the index, dropping entries nothing keeps.
func (s *Store) prepare(tx *bolt.Tx) error {
	if err := migrate(tx); err != nil {
		return err
	}
	wal := tx.Bucket(bucketWAL)
	boards := tx.Bucket(bucketBoards)
	var seqs []uint64
	// walLast is each board's last version read from the WAL so far. The
	// head on disk is no guide to where the WAL's records begin: beginning
	// an epoch or saving a snapshot stores the head with its Last, records
	// in the WAL included.
	walLast := map[string]uint64{}
	err := forEachEntry(wal, func(seq uint64, entry []byte) error {
		seqs = append(seqs, seq)
		s.nextSeq = seq + 1
		return forEachPart(entry, func(id, key string, recs []boardsync.Record) error {
			b, err := s.readState(boards, id)
			if err != nil {
				return fmt.Errorf("WAL entry %d: %w", seq, err)
			}
			if b == nil {
				return fmt.Errorf("WAL entry %d: board %s is missing", seq, id)
			}
			first, last := recs[0].Version, recs[len(recs)-1].Version
			if last <= b.head.Moved {
				return nil // moved to the board's history; the entry is left over from a crash
			}
			after, seen := walLast[id]
			if !seen {
				after = b.head.Moved
			}
			if first != after+1 {
				return fmt.Errorf("WAL entry %d: board %s has versions %d-%d after %d", seq, id, first, last, after)
			}
			walLast[id] = last
			b.head.Last = last
			b.head.LastKey, b.head.LastPos = key, boardsync.Position{First: first, Last: last}
			b.refs = append(b.refs, walRef{seq: seq, last: last})
			s.walRefs[seq]++
			return nil
		})
	})
	if err != nil {
		return err
	}
	for id, b := range s.boards {
		if stored, err := readHead(boards, id); err == nil && stored != nil && stored.head.Last > b.head.Last {
			return fmt.Errorf("board %s: its records end at version %d, but it has had %d", id, b.head.Last, stored.head.Last)
		}
	}
	for _, seq := range seqs {
		if s.walRefs[seq] == 0 {
			if err := deleteEntry(wal, seq); err != nil {
				return err
			}
		}
	}
	return nil
}

// Backup writes a consistent copy of the whole database file to w, from
// one read transaction: the server keeps serving and committing while it
// runs, and the copy holds everything committed before it began. The copy
// is a database Open reads like the original. Pages the copy does not use
// are zeros in it (scrub.go), so what was deleted before the backup began
// (a board, old history) is not in it.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = writeScrubbed(tx, w)
		return err
	})
	return n, err
}

// Check runs bbolt's consistency check of the whole file (every page
// reachable once, free pages free): for a backup or a file in doubt.
func (s *Store) Check() error {
	return s.db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
}

// Close stops the committer, once it has made every write it was given,
// and closes the database file.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.requests)
	s.mu.Unlock()
	<-s.committerDone
	return s.db.Close()
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.db.Path() }

// Create implements boardsync.Log.
func (s *Store) Create(ctx context.Context, id string, snapshot []byte) error {
	return s.submit(
		func(c *commit) error {
			if _, ok := c.boards[id]; ok {
				return board.Errorf(board.EConflict, "board %s already exists", id)
			}
			b, err := c.board(id)
			if err != nil {
				return err
			}
			if b != nil {
				return board.Errorf(board.EConflict, "board %s already exists", id)
			}
			c.boards[id] = &boardState{head: head{First: 1}}
			return nil
		},
		func(c *commit) error {
			if err := c.tx.Bucket(bucketSnapshots).Put([]byte(id), encodeSnapshot(boardsync.Snapshot{Data: snapshot})); err != nil {
				return err
			}
			return c.putHead(id)
		})
}

// Append implements boardsync.Log.
func (s *Store) Append(ctx context.Context, id string, batch boardsync.Batch) (boardsync.Position, error) {
	var pos boardsync.Position
	err := s.submit(
		func(c *commit) error {
			b, err := c.mustBoard(id)
			if err != nil {
				return err
			}
			if batch.Key != "" && batch.Key == b.head.LastKey {
				pos = b.head.LastPos
				pos.Duplicate = true
				return errDuplicate
			}
			if err := boardsync.CheckBatch(batch); err != nil {
				return err
			}
			if batch.After != b.head.Last {
				return s.conflict(id, batch.After, b.head.Last)
			}
			pos = boardsync.Position{First: batch.After + 1, Last: batch.After + uint64(len(batch.Records))}
			b.head.Last = pos.Last
			b.head.LastKey, b.head.LastPos = batch.Key, pos
			c.addToWAL(id, batch.Key, batch.Records)
			return nil
		},
		func(c *commit) error { return nil }) // the WAL entry is written for the whole commit
	if errors.Is(err, errDuplicate) {
		return pos, nil
	}
	if err != nil {
		return boardsync.Position{}, err
	}
	return pos, nil
}

var errDuplicate = errors.New("a resend")

// conflict builds the Conflict for an append or epoch that expected the
// log at after while it is at last. It reads the missed records outside
// the committer's transaction; they are durable already.
func (s *Store) conflict(id string, after, last uint64) error {
	c := &boardsync.Conflict{Last: last}
	if after < last {
		recs, err := s.Read(context.Background(), id, after+1, 0)
		if err != nil {
			return err
		}
		c.Missed = recs
	}
	return c
}

// BeginEpoch implements boardsync.Log.
func (s *Store) BeginEpoch(ctx context.Context, id string, after uint64) ([]boardsync.Epoch, error) {
	var epochs []boardsync.Epoch
	err := s.submit(
		func(c *commit) error {
			b, err := c.mustBoard(id)
			if err != nil {
				return err
			}
			if after != b.head.Last {
				return s.conflict(id, after, b.head.Last)
			}
			b.head.Begun++
			b.head.Epochs = boardsync.NextEpochs(b.head.Epochs, b.head.Begun, after)
			epochs = slices.Clone(b.head.Epochs)
			return nil
		},
		func(c *commit) error { return c.putHead(id) })
	return epochs, err
}

// SaveSnapshot implements boardsync.Log. It also moves the board's records
// from the WAL to its own history, so the WAL holds only what boards wrote
// since their last snapshot and stays small.
func (s *Store) SaveSnapshot(ctx context.Context, id string, snap boardsync.Snapshot) error {
	return s.submit(
		func(c *commit) error {
			b, err := c.mustBoard(id)
			if err != nil {
				return err
			}
			if snap.Version > b.head.Last {
				return board.Errorf(board.EInvalid, "a snapshot at version %d is ahead of the log (%d)", snap.Version, b.head.Last)
			}
			return nil
		},
		func(c *commit) error {
			bucket := c.tx.Bucket(bucketSnapshots)
			old, err := decodeSnapshot(bucket.Get([]byte(id)))
			if err != nil {
				return fmt.Errorf("board %s: %w", id, err)
			}
			if snap.Version >= old.Version {
				if err := bucket.Put([]byte(id), encodeSnapshot(snap)); err != nil {
					return err
				}
			}
			if err := c.moveToHistory(id); err != nil {
				return err
			}
			return c.putHead(id)
		})
}

// Snapshot implements boardsync.Log.
func (s *Store) Snapshot(ctx context.Context, id string) (boardsync.Snapshot, error) {
	var snap boardsync.Snapshot
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSnapshots).Get([]byte(id))
		if v == nil {
			return board.Errorf(board.ENotFound, "there is no board %s", id)
		}
		var err error
		if snap, err = decodeSnapshot(v); err != nil {
			return fmt.Errorf("board %s: %w", id, err)
		}
		// Byte slices from bbolt are only valid inside the transaction.
		snap.Data = bytes.Clone(snap.Data)
		return nil
	})
	return snap, err
}

// Read implements boardsync.Log. It reads the board's history segments
// first, then the WAL entries that hold its newer records.
func (s *Store) Read(ctx context.Context, id string, from uint64, limit int) ([]boardsync.Record, error) {
	from = max(from, 1)
	var out []boardsync.Record
	full := func() bool { return limit > 0 && len(out) >= limit }
	keep := func(recs []boardsync.Record, after uint64) uint64 {
		for _, r := range recs {
			if r.Version > after && r.Version >= from && !full() {
				out = append(out, boardsync.Record{Version: r.Version, Data: bytes.Clone(r.Data)})
			}
			after = max(after, r.Version)
		}
		return after
	}
	s.mu.RLock()
	var refs []walRef
	if b := s.boardState(id); b != nil {
		refs = slices.Clone(b.refs)
	}
	tx, err := s.db.Begin(false)
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	err = guard(func() error {
		if tx.Bucket(bucketBoards).Get([]byte(id)) == nil {
			return board.Errorf(board.ENotFound, "there is no board %s", id)
		}
		// Segments first. What was moved there after the index was
		// copied shows here too, and the WAL entries it came from are
		// skipped below as already read.
		var seen uint64
		c := tx.Bucket(bucketOps).Cursor()
		k, v := c.Seek(segmentKey(id, from))
		if !isSegment(k, id) || segmentFirst(k) > from {
			k, v = c.Prev()
			if !isSegment(k, id) {
				k, v = c.Seek(segmentKey(id, from))
			}
		}
		var recs []boardsync.Record
		for ; isSegment(k, id) && !full(); k, v = c.Next() {
			var err error
			if recs, _, err = readRecords(v, recs[:0]); err != nil {
				return fmt.Errorf("board %s: history segment %d: %w", id, segmentFirst(k), err)
			}
			seen = keep(recs, seen)
		}
		wal := tx.Bucket(bucketWAL)
		var buf []byte
		for _, ref := range refs {
			if ref.last <= seen || full() {
				continue
			}
			entry, err := getEntry(wal, ref.seq, &buf)
			if err != nil {
				return fmt.Errorf("board %s: %w", id, err)
			}
			if entry == nil {
				continue // moved to the history since the index was copied
			}
			err = forEachPart(entry, func(part, _ string, recs []boardsync.Record) error {
				if part == id {
					seen = keep(recs, seen)
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("board %s: WAL entry %d: %w", id, ref.seq, err)
			}
		}
		return nil
	})
	return out, err
}

func isSegment(k []byte, id string) bool {
	return len(k) == len(id)+8 && string(k[:len(id)]) == id
}

func segmentFirst(k []byte) uint64 {
	var v uint64
	for _, b := range k[len(k)-8:] {
		v = v<<8 | uint64(b)
	}
	return v
}

// boardState returns what the index knows of a board, or nil if the index
// does not hold it (it may still exist, with all its records in its
// history). The caller holds mu.
func (s *Store) boardState(id string) *boardState { return s.boards[id] }

// readState is boardState for prepare, inside its transaction.
func (s *Store) readState(boards *bolt.Bucket, id string) (*boardState, error) {
	if b := s.boards[id]; b != nil {
		return b, nil
	}
	b, err := readHead(boards, id)
	if b != nil {
		s.boards[id] = b
	}
	return b, err
}

func readHead(boards *bolt.Bucket, id string) (*boardState, error) {
	v := boards.Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	h, err := decodeHead(v)
	if err != nil {
		return nil, fmt.Errorf("board %s: %w", id, err)
	}
	return &boardState{head: h}, nil
}

// install makes a successful commit's index changes visible.
func (s *Store) install(c *commit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, b := range c.boards {
		if b == nil { // deleted (delete.go)
			delete(s.boards, id)
			continue
		}
		s.boards[id] = b
	}
	for seq, d := range c.refDelta {
		if n := s.walRefs[seq] + d; n > 0 {
			s.walRefs[seq] = n
		} else {
			delete(s.walRefs, seq)
		}
	}
	if c.refDelta[c.seq] > 0 {
		s.nextSeq = c.seq + 1
	}
}

// update and view run a transaction, turning a bbolt panic (a damaged page)
// into an error.
func (s *Store) update(fn func(*bolt.Tx) error) error {
	return guard(func() error { return s.db.Update(fn) })
}

func (s *Store) view(fn func(*bolt.Tx) error) error {
	return guard(func() error { return s.db.View(fn) })
}

func guard(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the database is damaged: %v", p)
		}
	}()
	return fn()
}
