package boltstore

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	boardsync "corkboard/sync"
)

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
		var head boardHead
		if n := len(ob.records); n > 0 {
			head = boardHead{last: ob.records[n-1].Version, trimBefore: ob.records[0].Version}
			if err := putEntry(wal, seq, appendPart(nil, ob.id, ob.records)); err != nil {
				return err
			}
			seq++
		}
		if err := boards.Put([]byte(ob.id), encodeBoardValue(head, ob.snapshot)); err != nil {
			return err
		}
	}
	return nil
}
