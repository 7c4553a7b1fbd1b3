package boltstore

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	boardsync "corkboard/sync"
)

// migrate brings a database of any earlier format to this one, or makes a
// new one, in the transaction that also writes the new format marker, so a
// crash leaves either layout whole. A file with no buckets at all is a new
// database (checkOwner has refused other programs' files by then).
func migrate(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	var format []byte
	if meta != nil {
		format = meta.Get(keyFormat)
	}
	switch {
	case meta == nil || format == nil:
		if tx.Bucket(bucketBoards) != nil {
			return errors.New("it has boards but no format marker")
		}
	case bytes.Equal(format, formatV4):
		return ensureBuckets(tx) // buckets added since the file was made
	case bytes.Equal(format, formatV1):
		if err := migrateV1(tx); err != nil {
			return fmt.Errorf("moving from format 1: %w", err)
		}
		fallthrough
	case bytes.Equal(format, formatV2), bytes.Equal(format, formatV3):
		if err := migrateV3(tx); err != nil {
			return fmt.Errorf("moving from format %s: %w", format, err)
		}
	default:
		return fmt.Errorf("its format %q is not one this version reads", format)
	}
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	if err := ensureBuckets(tx); err != nil {
		return err
	}
	if err := meta.Put(keyApp, appName); err != nil {
		return err
	}
	return meta.Put(keyFormat, formatV4)
}

// ensureBuckets creates the buckets of format 4 that are missing. Buckets
// added to format 4 later (links, kept snapshots, visits and tombstones)
// come this way, with nothing to move.
func ensureBuckets(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketBoards, bucketSnapshots, bucketOps, bucketWAL, bucketLinks, bucketBoardLinks, bucketJoinCodes, bucketKept,
		bucketOpened, bucketDeleted, bucketDeletedLinks} {
		if tx.Bucket(name) != nil {
			continue
		}
		if _, err := tx.CreateBucket(name); err != nil {
			return err
		}
	}
	return nil
}

// migrateV3 moves a database from format 3 (and 2, whose WAL entries are
// format 3's with one chunk each): each board's value held its last
// version, the version below which its records had been dropped, and its
// snapshot; its kept records were in the WAL. Each board now gets a head,
// its snapshot in the snapshots bucket and its kept records as one history
// segment; the WAL starts empty. The records a format 3 board had dropped
// are gone: its history starts at its first kept version.
func migrateV3(tx *bolt.Tx) error {
	boards := tx.Bucket(bucketBoards)
	if boards == nil {
		return nil
	}
	records := map[string][]boardsync.Record{}
	if wal := tx.Bucket(bucketWAL); wal != nil {
		err := forEachEntry(wal, func(seq uint64, entry []byte) error {
			return forEachPartV3(entry, func(id string, recs []boardsync.Record) error {
				for _, r := range recs {
					records[id] = append(records[id], boardsync.Record{Version: r.Version, Data: bytes.Clone(r.Data)})
				}
				return nil
			})
		})
		if err != nil {
			return err
		}
		if err := tx.DeleteBucket(bucketWAL); err != nil {
			return err
		}
	}
	snapshots, err := tx.CreateBucketIfNotExists(bucketSnapshots)
	if err != nil {
		return err
	}
	ops, err := tx.CreateBucketIfNotExists(bucketOps)
	if err != nil {
		return err
	}
	type converted struct {
		id   string
		head head
	}
	var heads []converted
	err = boards.ForEach(func(k, v []byte) error {
		id := string(k)
		old, snap, err := decodeBoardValueV3(v)
		if err != nil {
			return fmt.Errorf("board %s: %w", id, err)
		}
		var version struct {
			Version uint64 `json:"version"`
		}
		if err := json.Unmarshal(snap, &version); err != nil {
			return fmt.Errorf("board %s: its snapshot is damaged", id)
		}
		if err := snapshots.Put(k, encodeSnapshot(boardsync.Snapshot{Version: version.Version, Data: snap})); err != nil {
			return err
		}
		h := head{First: max(old.trimBefore, 1), Last: old.last}
		var kept []boardsync.Record
		for _, r := range records[id] {
			if r.Version >= h.First {
				kept = append(kept, r)
			}
		}
		if len(kept) > 0 {
			h.First = kept[0].Version
			for i, r := range kept {
				if r.Version != h.First+uint64(i) {
					return fmt.Errorf("board %s: its records skip from %d to %d", id, kept[i-1].Version, r.Version)
				}
			}
			if err := ops.Put(segmentKey(id, h.First), appendRecords(nil, kept)); err != nil {
				return err
			}
			h.Last = max(h.Last, kept[len(kept)-1].Version)
		} else {
			h.First = h.Last + 1
		}
		if version.Version > h.Last {
			h.Last = version.Version
			h.First = h.Last + 1
		}
		h.Moved = h.Last
		heads = append(heads, converted{id, h})
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range heads {
		if err := boards.Put([]byte(c.id), encodeHead(c.head)); err != nil {
			return err
		}
	}
	return nil
}

// migrateV1 moves a database from the first layout, a bucket per board
// with its own log (which made every commit rewrite several pages per
// board), to the current one. Each board keeps its snapshot and every
// record it had; the records move to one WAL entry per board. It runs in
// the transaction that also writes the new format marker, so a crash
// leaves either layout whole.
func migrateV1(tx *bolt.Tx) error {
	type oldBoard struct {
		id       string
		snapshot []byte
		records  []boardsync.Record
	}
	var old []oldBoard
	if boards := tx.Bucket(bucketBoards); boards != nil {
		err := boards.ForEachBucket(func(k []byte) error {
			b := boards.Bucket(k)
			ob := oldBoard{id: string(k), snapshot: bytes.Clone(b.Get([]byte("snapshot")))}
			if ob.snapshot == nil {
				return fmt.Errorf("board %s has no snapshot", k)
			}
			if log := b.Bucket([]byte("log")); log != nil {
				err := log.ForEach(func(k, v []byte) error {
					if len(k) != 8 {
						return fmt.Errorf("board %s: damaged log key %x", ob.id, k)
					}
					ob.records = append(ob.records, boardsync.Record{Version: binary.BigEndian.Uint64(k), Data: bytes.Clone(v)})
					return nil
				})
				if err != nil {
					return err
				}
			}
			old = append(old, ob)
			return nil
		})
		if err != nil {
			return err
		}
		if err := tx.DeleteBucket(bucketBoards); err != nil {
			return err
		}
	}
	boards, err := tx.CreateBucket(bucketBoards)
	if err != nil {
		return err
	}
	wal, err := tx.CreateBucketIfNotExists(bucketWAL)
	if err != nil {
		return err
	}
	seq := uint64(1)
	for _, ob := range old {
		var head boardHeadV3
		if n := len(ob.records); n > 0 {
			head = boardHeadV3{last: ob.records[n-1].Version, trimBefore: ob.records[0].Version}
			if err := putEntry(wal, seq, appendPartV3(nil, ob.id, ob.records)); err != nil {
				return err
			}
			seq++
		}
		if err := boards.Put([]byte(ob.id), encodeBoardValueV3(head, ob.snapshot)); err != nil {
			return err
		}
	}
	return nil
}

// Format 3's encodings, read (and, by migrateV1, written) only to move a
// database to format 4.

// boardHeadV3 is what a format 3 board's value held besides its snapshot.
type boardHeadV3 struct {
	last       uint64 // the highest record version ever stored
	trimBefore uint64 // records below this version were dropped
}

func encodeBoardValueV3(h boardHeadV3, snapshot []byte) []byte {
	v := make([]byte, 0, 16+len(snapshot))
	v = binary.BigEndian.AppendUint64(v, h.last)
	v = binary.BigEndian.AppendUint64(v, h.trimBefore)
	return append(v, snapshot...)
}

func decodeBoardValueV3(v []byte) (boardHeadV3, []byte, error) {
	if len(v) < 16 {
		return boardHeadV3{}, nil, errors.New("its value is too short")
	}
	return boardHeadV3{last: binary.BigEndian.Uint64(v), trimBefore: binary.BigEndian.Uint64(v[8:])}, v[16:], nil
}

// A format 3 WAL part: len(id) id count record{count}, without a key.
func appendPartV3(entry []byte, id string, recs []boardsync.Record) []byte {
	entry = binary.AppendUvarint(entry, uint64(len(id)))
	entry = append(entry, id...)
	return appendRecords(entry, recs)
}

func forEachPartV3(entry []byte, fn func(id string, recs []boardsync.Record) error) error {
	var recs []boardsync.Record
	for len(entry) > 0 {
		id, rest, err := cutBytes(entry)
		if err != nil {
			return err
		}
		if recs, rest, err = readRecords(rest, recs[:0]); err != nil {
			return err
		}
		if err := fn(string(id), recs); err != nil {
			return err
		}
		entry = rest
	}
	return nil
}
