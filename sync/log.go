package sync

import (
	"context"
	"fmt"
)

// Log is a board's ordered, durable history: the seam between a room, which
// decides what happens on a board, and whatever keeps it. It is modelled on
// a message stream (centrifuge's Broker): a room appends batches of records
// with the version it expects them to follow, reads them back from a
// version on, keeps snapshots to make loading fast, and names epochs, the
// lives of the board in which versions were handed out.
//
// A log keeps every record it was given; a snapshot never deletes any.
// It may keep the byte slices it is given (records' and snapshots' data)
// rather than copies, so callers must not change them afterwards; what it
// returns is the caller's to keep.
//
// The sync layer defines this interface and uses nothing else of storage.
// MemLog implements it in memory; package boltstore implements it on bbolt,
// committing the appends of all boards together (group commit); package
// logtest is the conformance suite every implementation passes. A log
// shared by several servers (a replicated stream) is the reason for
// Conflict and for the idempotency key: a single server's room is the only
// writer of its boards and meets neither.
type Log interface {
	// Create starts the log of a new board with its first snapshot, at
	// version 0. It fails with a *board.Error EConflict if the id is taken.
	Create(ctx context.Context, boardID string, snapshot []byte) error

	// Append adds records to a board's log after version After, the board's
	// last version as the caller knows it. The records' versions must be
	// After+1, After+2, ... in order. When it returns nil, every record is
	// durable. If the log's last version is not After, nothing is written
	// and the error is a *Conflict holding the records the caller missed.
	// A batch whose Key equals the key of the log's last batch is a resend:
	// nothing is written and the position of that batch comes back with
	// Duplicate set. It fails with a *board.Error ENotFound for an unknown
	// board.
	Append(ctx context.Context, boardID string, b Batch) (Position, error)

	// Read returns the board's records with versions from `from` on, in
	// order, at most limit of them (0: no limit). It returns fewer than
	// asked at the end of the log.
	Read(ctx context.Context, boardID string, from uint64, limit int) ([]Record, error)

	// Snapshot returns the board's newest snapshot. Every record after its
	// version, read with Read, brings it up to date.
	Snapshot(ctx context.Context, boardID string) (Snapshot, error)

	// SaveSnapshot keeps a snapshot of the board at a version whose records
	// are all durable. Snapshots only make loading faster: a failed save
	// loses nothing.
	SaveSnapshot(ctx context.Context, boardID string, s Snapshot) error

	// BeginEpoch starts a new epoch of the board after version After, which
	// must be the log's last version (or the error is a *Conflict), and
	// returns the board's recent epochs, oldest first, the new one last.
	// A room calls it when it loads a board, before it hands out any
	// version: versions a crashed room handed out but never made durable
	// are given out again in the new epoch, and the epoch is what tells
	// the two apart. Epoch names are derived from the log, so every server
	// reading it names them alike.
	BeginEpoch(ctx context.Context, boardID string, after uint64) ([]Epoch, error)
}

// Record is one entry of a board's log.
type Record struct {
	Version uint64
	Data    []byte // an encoded Entry
}

// Batch is what one Append adds.
type Batch struct {
	After   uint64   // the board's last version as the appender knows it
	Records []Record // versions After+1, After+2, ...
	// Key names the batch for idempotent resends; empty for none. A room
	// uses its epoch and the batch's first version, which no other batch
	// of that board can share.
	Key string
}

// Position is where an Append put its batch.
type Position struct {
	First, Last uint64 // the versions of the batch's first and last records
	Duplicate   bool   // the batch was appended before, under the same key
}

// Snapshot is a board as of a version, encoded by board.Board.MarshalJSON.
type Snapshot struct {
	Version uint64
	Data    []byte
}

// Epoch is one life of a board on a server. Versions from First on were
// handed out in it until the next epoch began; a client that saw versions
// of an epoch can resume from any of them that are still the log's.
type Epoch struct {
	Name  string
	First uint64 // the first version handed out in this epoch
}

// MaxEpochs is how many of a board's epochs a log keeps (the newest).
// A client that last saw a board that many loads ago takes the whole board.
const MaxEpochs = 16

// EpochName is the name of the n-th epoch of a board (n from 1), beginning
// at version first. Names depend on the log only, so every server reading
// a board's log gives its epochs the same names.
func EpochName(n, first uint64) string { return fmt.Sprintf("e%d.%d", n, first) }

// Conflict is the error Append and BeginEpoch return when the board's log
// has moved past the version the caller gave: someone else got there
// first. Missed holds the records after that version.
type Conflict struct {
	Last   uint64 // the log's last version
	Missed []Record
}

func (c *Conflict) Error() string {
	return fmt.Sprintf("the board's log is at version %d, not where the append expected it", c.Last)
}
