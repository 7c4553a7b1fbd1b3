package sync

import (
	"context"
	"slices"
	stdsync "sync"

	"corkboard/board"
)

// MemLog is a Log that keeps everything in memory. It is safe for
// concurrent use. Nothing survives the process, so it is for tests, and a
// reference for the rules every Log follows.
type MemLog struct {
	mu     stdsync.Mutex // guards boards
	boards map[string]*memBoard
}

type memBoard struct {
	records  []Record // every record, versions 1, 2, ...
	snapshot Snapshot
	epochs   []Epoch
	begun    uint64 // epochs begun so far, including those no longer kept
	lastKey  string
	lastPos  Position
}

var _ Log = (*MemLog)(nil)

// NewMemLog returns an empty MemLog.
func NewMemLog() *MemLog { return &MemLog{boards: map[string]*memBoard{}} }

func (l *MemLog) board(id string) (*memBoard, error) {
	b, ok := l.boards[id]
	if !ok {
		return nil, board.Errorf(board.ENotFound, "there is no board %s", id)
	}
	return b, nil
}

func (b *memBoard) last() uint64 { return uint64(len(b.records)) }

func (b *memBoard) conflict(after uint64) *Conflict {
	c := &Conflict{Last: b.last()}
	if after < b.last() {
		c.Missed = cloneRecords(b.records[after:])
	}
	return c
}

// Create implements Log.
func (l *MemLog) Create(ctx context.Context, id string, snapshot []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.boards[id]; ok {
		return board.Errorf(board.EConflict, "board %s already exists", id)
	}
	l.boards[id] = &memBoard{snapshot: Snapshot{Data: slices.Clone(snapshot)}}
	return nil
}

// Append implements Log.
func (l *MemLog) Append(ctx context.Context, id string, batch Batch) (Position, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, err := l.board(id)
	if err != nil {
		return Position{}, err
	}
	if batch.Key != "" && batch.Key == b.lastKey {
		p := b.lastPos
		p.Duplicate = true
		return p, nil
	}
	if err := checkBatch(batch); err != nil {
		return Position{}, err
	}
	if batch.After != b.last() {
		return Position{}, b.conflict(batch.After)
	}
	b.records = append(b.records, cloneRecords(batch.Records)...)
	b.lastKey = batch.Key
	b.lastPos = Position{First: batch.After + 1, Last: b.last()}
	return b.lastPos, nil
}

// checkBatch checks a batch's shape: at least one record, numbered on from
// After. Every Log implementation calls it first.
func checkBatch(batch Batch) error {
	if len(batch.Records) == 0 {
		return board.Errorf(board.EInvalid, "an append needs at least one record")
	}
	for i, r := range batch.Records {
		if want := batch.After + 1 + uint64(i); r.Version != want {
			return board.Errorf(board.EInvalid, "record %d of the batch has version %d, not %d", i+1, r.Version, want)
		}
	}
	return nil
}

// CheckBatch checks a batch's shape for Log implementations: at least one
// record, its versions numbered on from After.
func CheckBatch(batch Batch) error { return checkBatch(batch) }

// Read implements Log.
func (l *MemLog) Read(ctx context.Context, id string, from uint64, limit int) ([]Record, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, err := l.board(id)
	if err != nil {
		return nil, err
	}
	from = max(from, 1)
	if from > b.last() {
		return nil, nil
	}
	recs := b.records[from-1:]
	if limit > 0 && len(recs) > limit {
		recs = recs[:limit]
	}
	return cloneRecords(recs), nil
}

// Snapshot implements Log.
func (l *MemLog) Snapshot(ctx context.Context, id string) (Snapshot, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, err := l.board(id)
	if err != nil {
		return Snapshot{}, err
	}
	return Snapshot{Version: b.snapshot.Version, Data: slices.Clone(b.snapshot.Data)}, nil
}

// SaveSnapshot implements Log.
func (l *MemLog) SaveSnapshot(ctx context.Context, id string, s Snapshot) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, err := l.board(id)
	if err != nil {
		return err
	}
	if s.Version > b.last() {
		return board.Errorf(board.EInvalid, "a snapshot at version %d is ahead of the log (%d)", s.Version, b.last())
	}
	if s.Version >= b.snapshot.Version {
		b.snapshot = s
	}
	return nil
}

// BeginEpoch implements Log.
func (l *MemLog) BeginEpoch(ctx context.Context, id string, after uint64) ([]Epoch, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, err := l.board(id)
	if err != nil {
		return nil, err
	}
	if after != b.last() {
		return nil, b.conflict(after)
	}
	b.begun++
	b.epochs = NextEpochs(b.epochs, b.begun, after)
	return slices.Clone(b.epochs), nil
}

// NextEpochs returns epochs with the n-th epoch, beginning after version
// after, added at the end, keeping the newest MaxEpochs. Log
// implementations share it so that they name and keep epochs alike.
func NextEpochs(epochs []Epoch, n, after uint64) []Epoch {
	epochs = append(slices.Clone(epochs), Epoch{Name: EpochName(n, after+1), First: after + 1})
	if len(epochs) > MaxEpochs {
		epochs = epochs[len(epochs)-MaxEpochs:]
	}
	return epochs
}

func cloneRecords(recs []Record) []Record {
	out := make([]Record, len(recs))
	for i, r := range recs {
		out[i] = Record{Version: r.Version, Data: slices.Clone(r.Data)}
	}
	return out
}
