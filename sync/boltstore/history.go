package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"corkboard/board"
	boardsync "corkboard/sync"
)

// Kept snapshots (boardsync.History) live in one bucket, written through
// the committer and read in their own transactions:
//
//	kept/<id><version><seq>   a kept snapshot of board <id> at <version>; <seq> (both
//	                          8 bytes, big-endian) is the bucket's sequence, so those of
//	                          one version stay in the order they were kept
//
// A value is the snapshot's description (boardsync.Kept as JSON) after its
// length (4 bytes, big-endian), then the board (the snapshot's Data), so
// listing a board's history reads the descriptions only.

var bucketKept = []byte("kept")

var _ boardsync.History = (*Store)(nil)

// Keep implements boardsync.History.
func (s *Store) Keep(ctx context.Context, id string, k boardsync.Kept) error {
	desc, err := json.Marshal(k)
	if err != nil {
		return err
	}
	// A taken id is refused here, outside the committer: an error in the
	// write would fail every write of its commit, other boards' too, and
	// the committer is no place to read a board's history. Ids are random,
	// so only a caller's mistake keeps one twice; the write skips it then.
	err = s.view(func(tx *bolt.Tx) error {
		found, err := findKept(tx.Bucket(bucketKept), id, k.ID)
		if err == nil && found != nil {
			err = board.Errorf(board.EConflict, "board %s has a snapshot %s already", id, k.ID)
		}
		return err
	})
	if err != nil {
		return err
	}
	return s.submit(
		func(c *commit) error {
			_, err := c.mustBoard(id)
			return err
		},
		func(c *commit) error {
			bucket := c.tx.Bucket(bucketKept)
			if found, _ := findKept(bucket, id, k.ID); found != nil {
				return nil
			}
			seq, err := bucket.NextSequence()
			if err != nil {
				return err
			}
			key := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64([]byte(id), k.Version), seq)
			v := make([]byte, 0, 4+len(desc)+len(k.Data))
			v = binary.BigEndian.AppendUint32(v, uint32(len(desc)))
			v = append(append(v, desc...), k.Data...)
			return bucket.Put(key, v)
		})
}

// KeptList implements boardsync.History.
func (s *Store) KeptList(ctx context.Context, id string) ([]boardsync.Kept, error) {
	out := []boardsync.Kept{}
	err := s.view(func(tx *bolt.Tx) error {
		return forEachKept(tx.Bucket(bucketKept), id, func(k boardsync.Kept, _ []byte) bool {
			out = append(out, k)
			return true
		})
	})
	return out, err
}

// KeptSnapshot implements boardsync.History.
func (s *Store) KeptSnapshot(ctx context.Context, id, snapshotID string) (boardsync.Kept, error) {
	var out boardsync.Kept
	err := s.view(func(tx *bolt.Tx) error {
		found, err := findKept(tx.Bucket(bucketKept), id, snapshotID)
		if err != nil {
			return err
		}
		if found == nil {
			return board.Errorf(board.ENotFound, "this board has no snapshot %q", snapshotID)
		}
		out = *found
		out.Data = bytes.Clone(out.Data) // bbolt's bytes end with the transaction
		return nil
	})
	return out, err
}

// findKept returns the board's kept snapshot of that id, its Data pointing
// into the transaction's pages, or nil.
func findKept(bucket *bolt.Bucket, id, snapshotID string) (*boardsync.Kept, error) {
	var found *boardsync.Kept
	err := forEachKept(bucket, id, func(k boardsync.Kept, data []byte) bool {
		if k.ID != snapshotID {
			return true
		}
		k.Data = data
		found = &k
		return false
	})
	return found, err
}

// forEachKept calls f with each of the board's kept snapshots, oldest
// version first, and the board data of each, until f returns false.
func forEachKept(bucket *bolt.Bucket, id string, f func(k boardsync.Kept, data []byte) bool) error {
	c := bucket.Cursor()
	for key, v := c.Seek([]byte(id)); key != nil && bytes.HasPrefix(key, []byte(id)); key, v = c.Next() {
		if len(key) != len(id)+16 {
			continue
		}
		k, data, err := decodeKept(v)
		if err != nil {
			return fmt.Errorf("board %s: a kept snapshot of version %d is damaged: %w", id, binary.BigEndian.Uint64(key[len(id):]), err)
		}
		if !f(k, data) {
			return nil
		}
	}
	return nil
}

func decodeKept(v []byte) (boardsync.Kept, []byte, error) {
	var k boardsync.Kept
	if len(v) < 4 {
		return k, nil, fmt.Errorf("it is %d bytes long", len(v))
	}
	n := binary.BigEndian.Uint32(v)
	if uint64(n) > uint64(len(v)-4) {
		return k, nil, fmt.Errorf("its description runs past its end")
	}
	if err := json.Unmarshal(v[4:4+n], &k); err != nil {
		return k, nil, err
	}
	return k, v[4+n:], nil
}

// DropReport says what DropHistory dropped.
type DropReport struct {
	Boards   int   // boards that lost some of their history
	Segments int   // history segments deleted
	Bytes    int64 // their size
}

// DropHistory deletes each board's operations that are older than before
// and that a kept snapshot older than before holds (with those before
// them), to cap what history costs on disk. Kept snapshots all stay, so
// every one of them can still be shown, exported and restored; what goes
// is replay, and the board at versions between snapshots, before the
// newest snapshot kept before the cut. The log's own snapshot and the
// records after it are never touched, so every board loads as before.
func (s *Store) DropHistory(ctx context.Context, before time.Time) (DropReport, error) {
	var ids []string
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketBoards).ForEach(func(k, _ []byte) error {
			ids = append(ids, string(k))
			return nil
		})
	})
	if err != nil {
		return DropReport{}, err
	}
	var rep DropReport
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		segs, n, err := s.dropBoardHistory(id, before)
		if board.ErrorCode(err) == board.ENotFound {
			continue // deleted meanwhile
		}
		if err != nil {
			return rep, fmt.Errorf("board %s: %w", id, err)
		}
		if segs > 0 {
			rep.Boards++
			rep.Segments += segs
			rep.Bytes += n
		}
	}
	return rep, nil
}

// dropBoardHistory is DropHistory for one board. It plans in a read
// transaction first, so that a board with nothing to drop (most, on most
// days) costs no commit, and makes the plan again in its commit, where
// the write is made: only the committer writes, so the plan holds, and a
// damaged record fails the plan, never another board's commit.
func (s *Store) dropBoardHistory(id string, before time.Time) (segments int, size int64, err error) {
	var plan dropPlan
	err = s.view(func(tx *bolt.Tx) error {
		h, err := readHead(tx.Bucket(bucketBoards), id)
		if err != nil || h == nil {
			return err
		}
		plan, err = planDrop(tx, id, h.head, before)
		return err
	})
	if err != nil || len(plan.keys) == 0 {
		return 0, 0, err
	}
	err = s.submit(
		func(c *commit) error {
			b, err := c.mustBoard(id)
			if err != nil {
				return err
			}
			return s.view(func(tx *bolt.Tx) error {
				plan, err = planDrop(tx, id, b.head, before)
				return err
			})
		},
		func(c *commit) error {
			ops := c.tx.Bucket(bucketOps)
			for _, k := range plan.keys {
				if err := ops.Delete(k); err != nil {
					return err
				}
			}
			if len(plan.keys) == 0 {
				return nil
			}
			c.boards[id].head.First = plan.first
			return c.putHead(id)
		})
	return len(plan.keys), plan.size, err
}

// dropPlan is what DropHistory deletes of one board: its first history
// segments, and where its records then begin.
type dropPlan struct {
	keys  [][]byte
	size  int64
	first uint64
}

// planDrop finds the board's history segments that hold only records up
// to its newest snapshot kept before the cut, but never past the log's
// snapshot, which loading the board starts from, nor into the WAL.
func planDrop(tx *bolt.Tx, id string, h head, before time.Time) (dropPlan, error) {
	var limit uint64
	found := false
	err := forEachKept(tx.Bucket(bucketKept), id, func(k boardsync.Kept, _ []byte) bool {
		if k.At.Before(before) {
			limit, found = max(limit, k.Version), true
		}
		return true
	})
	if err != nil || !found {
		return dropPlan{}, err
	}
	snap, err := decodeSnapshot(tx.Bucket(bucketSnapshots).Get([]byte(id)))
	if err != nil {
		return dropPlan{}, fmt.Errorf("board %s: %w", id, err)
	}
	limit = min(limit, snap.Version, h.Moved)
	plan := dropPlan{first: h.First}
	cur := tx.Bucket(bucketOps).Cursor()
	k, v := cur.Seek(segmentKey(id, 0))
	for isSegment(k, id) {
		key, n := bytes.Clone(k), len(k)+len(v)
		// A segment ends where the next begins, the last at Moved.
		k, v = cur.Next()
		end := h.Moved
		if isSegment(k, id) {
			end = segmentFirst(k) - 1
		}
		if end > limit {
			break
		}
		plan.keys = append(plan.keys, key)
		plan.size += int64(n)
		plan.first = end + 1
	}
	return plan, nil
}
