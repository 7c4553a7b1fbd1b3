package boltstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"corkboard/board"
	boardsync "corkboard/sync"
)

// Deleting boards, and their visits (boardsync.Lifecycle). Three buckets:
//
//	opened/<id>                   the UTC day the board was last opened ("2006-01-02")
//	deleted/<id>                  a deleted board's tombstone (boardsync.Tombstone as JSON)
//	deletedlinks/<sha256(link)>   the id of the deleted board a link led to
//
// A tombstone holds no content: the board's id, when it went and why. Its
// links are kept only as hashes: enough to tell someone who comes with one
// that the board was deleted, and nothing a reader of the file could use.
//
// Deleting a board removes every key of it in one commit: its head,
// snapshot, history segments, kept snapshots, links, join code and visit,
// and its parts of WAL entries, which may hold other boards' records too:
// those entries are written again without the board's parts. A bucket
// added later that keeps something per board must be emptied here too.

var (
	bucketOpened       = []byte("opened")
	bucketDeleted      = []byte("deleted")
	bucketDeletedLinks = []byte("deletedlinks")
)

var _ boardsync.Lifecycle = (*Store)(nil)

// errOpened refuses to delete, for want of visits, a board that was
// opened since.
var errOpened = board.Errorf(board.EConflict, "the board was opened since")

// DeleteBoard implements boardsync.Lifecycle.
func (s *Store) DeleteBoard(ctx context.Context, id string, t boardsync.Tombstone, unopenedSince time.Time) error {
	t.BoardID = id
	tomb, err := json.Marshal(t)
	if err != nil {
		return err
	}
	var refs []walRef
	return s.submit(
		func(c *commit) error {
			b, err := c.mustBoard(id)
			if err != nil {
				return err
			}
			if !unopenedSince.IsZero() {
				if c.opened[id] {
					return errOpened
				}
				var day time.Time
				err := s.view(func(tx *bolt.Tx) error {
					var err error
					day, err = readOpened(tx.Bucket(bucketOpened), id)
					return err
				})
				if err != nil {
					return err
				}
				// Never marked: not known to be unvisited.
				if day.IsZero() || !day.Before(unopenedSince) {
					return errOpened
				}
			}
			// Its WAL entries as they are after the writes before this one
			// in the commit; none after it can touch the board.
			refs = b.refs
			c.boards[id] = nil // gone, for the rest of this commit and once installed
			return nil
		},
		func(c *commit) error { return c.deleteBoard(id, refs, tomb) })
}

// deleteBoard removes every key of board id and writes its tombstone.
// refs are the WAL entries the board keeps records in.
func (c *commit) deleteBoard(id string, refs []walRef, tomb []byte) error {
	key := []byte(id)
	tx := c.tx

	// The WAL: this commit's own entry (not yet written), then those on
	// disk, which may hold the board's records whether or not it still
	// keeps them there (an entry stays while any board keeps records in
	// it, with the parts of boards that moved theirs to their history).
	kept := c.parts[:0]
	for _, p := range c.parts {
		if p.id != id {
			kept = append(kept, p)
		}
	}
	clear(c.parts[len(kept):]) // let go of the records
	c.parts = kept
	for _, ref := range refs {
		c.refDelta[ref.seq]--
	}
	if err := c.scrubWAL(id); err != nil {
		return err
	}

	if err := tx.Bucket(bucketBoards).Delete(key); err != nil {
		return err
	}
	if err := tx.Bucket(bucketSnapshots).Delete(key); err != nil {
		return err
	}
	if err := deleteKeys(tx.Bucket(bucketOps), key, func(k []byte) bool { return isSegment(k, id) }); err != nil {
		return err
	}
	if err := deleteKeys(tx.Bucket(bucketKept), key, func(k []byte) bool { return len(k) == len(id)+16 }); err != nil {
		return err
	}
	links, err := deleteLinks(tx, id)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketOpened).Delete(key); err != nil {
		return err
	}
	if err := tx.Bucket(bucketDeleted).Put(key, tomb); err != nil {
		return err
	}
	dl := tx.Bucket(bucketDeletedLinks)
	for _, l := range links {
		if err := dl.Put(linkHash(l), key); err != nil {
			return err
		}
	}
	return nil
}

// scrubWAL writes every WAL entry that holds records of board id again
// without them, or deletes it if no board keeps records in it any more
// (its other parts, if any, are in their boards' history already).
func (c *commit) scrubWAL(id string) error {
	wal := c.tx.Bucket(bucketWAL)
	type change struct {
		seq   uint64
		entry []byte // nil: delete the entry
	}
	var changes []change
	err := forEachEntry(wal, func(seq uint64, entry []byte) error {
		holds := false
		err := forEachPart(entry, func(part, _ string, _ []boardsync.Record) error {
			holds = holds || part == id
			return nil
		})
		if err != nil || !holds {
			return err
		}
		if c.s.walRefs[seq]+c.refDelta[seq] <= 0 {
			changes = append(changes, change{seq: seq})
			return nil
		}
		var rest []byte // a copy: entry is bbolt's, and changes below
		err = forEachPart(entry, func(part, key string, recs []boardsync.Record) error {
			if part != id {
				rest = appendPart(rest, part, key, recs)
			}
			return nil
		})
		changes = append(changes, change{seq: seq, entry: rest})
		return err
	})
	if err != nil {
		return fmt.Errorf("the WAL: %w", err)
	}
	for _, ch := range changes {
		if err := deleteEntry(wal, ch.seq); err != nil {
			return err
		}
		if len(ch.entry) > 0 {
			if err := putEntry(wal, ch.seq, ch.entry); err != nil {
				return err
			}
		}
	}
	return nil
}

// deleteKeys deletes the keys of bucket b from prefix on, for as long as
// they begin with it and mine says they are the board's.
func deleteKeys(b *bolt.Bucket, prefix []byte, mine func(k []byte) bool) error {
	var keys [][]byte
	cur := b.Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		if mine(k) {
			keys = append(keys, bytes.Clone(k))
		}
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// deleteLinks deletes the board's links, its join code (if it is still
// the board's) and its links record, and returns the links it had. A
// board from before links has none; its id was its link, and its
// tombstone is found by the id.
func deleteLinks(tx *bolt.Tx, id string) ([]string, error) {
	bl := tx.Bucket(bucketBoardLinks)
	v := bl.Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	var l boardsync.BoardLinks
	if err := json.Unmarshal(v, &l); err != nil {
		return nil, fmt.Errorf("board %s: its links are damaged", id)
	}
	links, codes := tx.Bucket(bucketLinks), tx.Bucket(bucketJoinCodes)
	var out []string
	for _, r := range board.Roles {
		link := l.Link(r)
		if link == "" {
			continue
		}
		out = append(out, link)
		var lv linkValue
		if json.Unmarshal(links.Get([]byte(link)), &lv) == nil && lv.Board == id {
			if err := links.Delete([]byte(link)); err != nil {
				return nil, err
			}
		}
	}
	if c := []byte(l.Join.Code); len(c) > 0 && string(codes.Get(c)) == id {
		if err := codes.Delete(c); err != nil {
			return nil, err
		}
	}
	return out, bl.Delete([]byte(id))
}

// linkHash is how a deleted board's link is kept: SHA-256, which a link
// (128 random bits) cannot be found back from.
func linkHash(link string) []byte {
	h := sha256.Sum256([]byte(link))
	return h[:]
}

// Tombstone implements boardsync.Lifecycle.
func (s *Store) Tombstone(ctx context.Context, key string) (boardsync.Tombstone, error) {
	var t boardsync.Tombstone
	err := s.view(func(tx *bolt.Tx) error {
		deleted := tx.Bucket(bucketDeleted)
		v := deleted.Get([]byte(key))
		if v == nil {
			if id := tx.Bucket(bucketDeletedLinks).Get(linkHash(key)); id != nil {
				v = deleted.Get(id)
			}
		}
		if v == nil {
			return board.Errorf(board.ENotFound, "no board was deleted there")
		}
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("a tombstone is damaged: %w", err)
		}
		return nil
	})
	return t, err
}

// isDeleted reports whether board id has a tombstone. The caller is in
// the committer, or holds no expectations about commits to come.
func (s *Store) isDeleted(id string) (bool, error) {
	found := false
	err := s.view(func(tx *bolt.Tx) error {
		found = tx.Bucket(bucketDeleted).Get([]byte(id)) != nil
		return nil
	})
	return found, err
}

// MarkOpened implements boardsync.Lifecycle. A day earlier than the one
// recorded changes nothing.
func (s *Store) MarkOpened(ctx context.Context, day time.Time, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	v := []byte(day.UTC().Format(time.DateOnly))
	return s.submit(
		func(c *commit) error {
			// A deletion for want of visits later in this commit sees them.
			if c.opened == nil {
				c.opened = map[string]bool{}
			}
			for _, id := range ids {
				c.opened[id] = true
			}
			return nil
		},
		func(c *commit) error {
			boards, opened := c.tx.Bucket(bucketBoards), c.tx.Bucket(bucketOpened)
			for _, id := range ids {
				key := []byte(id)
				// A board deleted earlier (in this commit too) is left out;
				// one deleted later in this commit takes its visit with it.
				if boards.Get(key) == nil || bytes.Compare(opened.Get(key), v) >= 0 {
					continue
				}
				if err := opened.Put(key, v); err != nil {
					return err
				}
			}
			return nil
		})
}

// Visits implements boardsync.Lifecycle.
func (s *Store) Visits(ctx context.Context) ([]boardsync.Visit, error) {
	var out []boardsync.Visit
	err := s.view(func(tx *bolt.Tx) error {
		opened := tx.Bucket(bucketOpened)
		return tx.Bucket(bucketBoards).ForEach(func(k, _ []byte) error {
			day, err := readOpened(opened, string(k))
			if err != nil {
				return err
			}
			out = append(out, boardsync.Visit{BoardID: string(k), Opened: day})
			return nil
		})
	})
	return out, err
}

// readOpened returns the day board id was last opened, zero if none was
// recorded.
func readOpened(opened *bolt.Bucket, id string) (time.Time, error) {
	v := opened.Get([]byte(id))
	if v == nil {
		return time.Time{}, nil
	}
	day, err := time.Parse(time.DateOnly, string(v))
	if err != nil {
		return time.Time{}, fmt.Errorf("board %s: its last visit %q is damaged", id, v)
	}
	return day, nil
}
