package boltstore_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/sync/storetest"
)

func mustOpen(t *testing.T, path string) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t,
		func(t *testing.T) boardsync.Store {
			return mustOpen(t, filepath.Join(t.TempDir(), "data", "corkboard.db"))
		},
		func(t *testing.T, s boardsync.Store) boardsync.Store {
			bs := s.(*boltstore.Store)
			path := bs.Path()
			if err := bs.Close(); err != nil {
				t.Fatal(err)
			}
			return mustOpen(t, path)
		})
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()

	t.Run("in use", func(t *testing.T) {
		path := filepath.Join(dir, "busy.db")
		mustOpen(t, path)
		// bbolt's lock is per process and file descriptor (flock), so a
		// second Open in this process meets it just as another process would.
		_, err := boltstore.Open(path)
		if err == nil || !strings.Contains(err.Error(), "in use by another process") {
			t.Errorf("got %v", err)
		}
	})

	for name, content := range map[string][]byte{
		"garbage":   []byte(strings.Repeat("not a database ", 1000)),
		"truncated": {0, 0, 0, 0},
		"zeros":     make([]byte, 64<<10),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".db")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := boltstore.Open(path)
			if err == nil || !strings.Contains(err.Error(), "not a") {
				t.Errorf("got %v, want a clear error", err)
			}
		})
	}

	t.Run("unreadable folder", func(t *testing.T) {
		blocker := filepath.Join(dir, "file")
		os.WriteFile(blocker, nil, 0o600)
		if _, err := boltstore.Open(filepath.Join(blocker, "x.db")); err == nil {
			t.Error("opened a database below a file")
		}
	})
}

// The first layout (format 1) had a bucket per board; opening such a file
// moves it to the WAL layout and keeps every snapshot and record.
func TestMigrateFromV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucket([]byte("meta"))
		meta.Put([]byte("format"), []byte("1"))
		boards, _ := tx.CreateBucket([]byte("boards"))
		for _, id := range []string{"a", "b"} {
			b, _ := boards.CreateBucket([]byte(id))
			b.Put([]byte("snapshot"), []byte("snap-"+id))
			log, _ := b.CreateBucket([]byte("log"))
			if id == "a" {
				for v := uint64(5); v <= 7; v++ {
					log.Put(binary.BigEndian.AppendUint64(nil, v), fmt.Appendf(nil, "rec%d", v))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	for round := range 2 { // the second open finds format 3 and changes nothing
		s := mustOpen(t, path)
		ctx := context.Background()
		snap, log, err := s.LoadBoard(ctx, "a")
		if err != nil || string(snap) != "snap-a" || len(log) != 3 || string(log[0].Data) != "rec5" || log[2].Version != 7 {
			t.Fatalf("round %d: board a: %q %v %v", round, snap, log, err)
		}
		if snap, log, err := s.LoadBoard(ctx, "b"); err != nil || string(snap) != "snap-b" || len(log) != 0 {
			t.Fatalf("round %d: board b: %q %v %v", round, snap, log, err)
		}
		if err := s.Commit(ctx, []boardsync.Change{{BoardID: "a", Records: []boardsync.Record{{Version: 7, Data: []byte("again")}}}}); err == nil {
			t.Errorf("round %d: a migrated version could be written again", round)
		}
		s.Close()
	}
}

// Entries whose records every board has trimmed leave the file: the WAL
// holds only what loading a board still needs.
func TestWALShrinks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wal.db")
	s := mustOpen(t, path)
	ctx := context.Background()
	ids := []string{"a", "b", "c"}
	for _, id := range ids {
		if err := s.CreateBoard(ctx, id, []byte("s0")); err != nil {
			t.Fatal(err)
		}
	}
	for v := uint64(1); v <= 100; v++ {
		var changes []boardsync.Change
		for i, id := range ids {
			c := boardsync.Change{BoardID: id, Records: []boardsync.Record{{Version: v, Data: []byte("x")}}}
			if (v+uint64(i))%10 == 0 { // each board snapshots every 10 versions, at its own time
				c.Snapshot, c.TrimBefore = fmt.Appendf(nil, "s%d", v), v+1
			}
			changes = append(changes, c)
		}
		if err := s.Commit(ctx, changes); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	// Board a's last snapshot is at 100, b's at 99 and c's at 98, so only
	// the entries of versions 99 and 100 are still needed.
	if n := walEntries(t, path); n != 2 {
		t.Errorf("WAL holds %d entries, want 2", n)
	}
	s = mustOpen(t, path)
	for id, want := range map[string]string{"a": "s100 []", "b": "s99 [100]", "c": "s98 [99 100]"} {
		snap, log, err := s.LoadBoard(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var vs []uint64
		for _, r := range log {
			vs = append(vs, r.Version)
		}
		if got := fmt.Sprintf("%s %v", snap, vs); got != want {
			t.Errorf("board %s: %s, want %s", id, got, want)
		}
	}
}

func walEntries(t *testing.T, path string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket([]byte("wal")).Stats().KeyN
		return nil
	})
	return n
}

// A damaged WAL entry is an error at open, not a panic or a silent loss.
func TestDamagedWAL(t *testing.T) {
	entry1 := binary.BigEndian.AppendUint64(nil, 1)
	for name, damage := range map[string]func(wal *bolt.Bucket) error{
		"truncated":     func(wal *bolt.Bucket) error { return wal.Put(entry1, []byte{1, 'a', 1, 1, 5, 'x'}) },
		"unknown board": func(wal *bolt.Bucket) error { return wal.Put(entry1, []byte{1, 'z', 1, 1, 1, 'x'}) },
		"no records":    func(wal *bolt.Bucket) error { return wal.Put(entry1, []byte{1, 'a', 0}) },
		"out of order":  func(wal *bolt.Bucket) error { return wal.Put(entry1, []byte{1, 'a', 2, 2, 1, 'x', 1, 1, 'y'}) },
		"odd key":       func(wal *bolt.Bucket) error { return wal.Put([]byte("short"), []byte{1, 'a', 1, 2, 1, 'x'}) },
		"chunk 2 without chunk 1": func(wal *bolt.Bucket) error {
			return wal.Put(binary.BigEndian.AppendUint32(entry1, 2), []byte("x"))
		},
		"chunk without its entry": func(wal *bolt.Bucket) error {
			return wal.Put(binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64(nil, 9), 1), []byte("x"))
		},
	} {
		path := filepath.Join(t.TempDir(), "bad.db")
		s := mustOpen(t, path)
		ctx := context.Background()
		s.CreateBoard(ctx, "a", []byte("s0"))
		if err := s.Commit(ctx, []boardsync.Change{{BoardID: "a", Records: []boardsync.Record{{Version: 1, Data: []byte("x")}}}}); err != nil {
			t.Fatal(err)
		}
		s.Close()
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(func(tx *bolt.Tx) error { return damage(tx.Bucket([]byte("wal"))) }); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if _, err := boltstore.Open(path); err == nil || !strings.Contains(err.Error(), "not a usable") {
			t.Errorf("%s: got %v, want a clear error", name, err)
		}
	}
}

// Group commits of S3's size (about 7 KB) are stored in chunks, so bbolt
// writes every WAL leaf as a single page, and read back whole.
func TestLargeEntriesFitPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "large.db")
	s := mustOpen(t, path)
	ctx := context.Background()
	ids := []string{"a", "b"}
	for _, id := range ids {
		if err := s.CreateBoard(ctx, id, []byte("s0")); err != nil {
			t.Fatal(err)
		}
	}
	data := func(id string, v uint64) []byte {
		return fmt.Appendf(nil, "%s%d-%s", id, v, strings.Repeat("x", int(v%700)))
	}
	for v := uint64(1); v <= 400; v += 20 {
		var changes []boardsync.Change
		for _, id := range ids {
			c := boardsync.Change{BoardID: id}
			for i := range uint64(20) {
				c.Records = append(c.Records, boardsync.Record{Version: v + i, Data: data(id, v+i)})
			}
			changes = append(changes, c)
		}
		if err := s.Commit(ctx, changes); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error {
		st := tx.Bucket([]byte("wal")).Stats()
		if st.LeafOverflowN != 0 || st.KeyN <= 20 {
			t.Errorf("WAL: %d keys in %d leaf pages, %d of them overflow pages; want more keys than entries and no overflow",
				st.KeyN, st.LeafPageN, st.LeafOverflowN)
		}
		return nil
	})
	db.Close()

	s = mustOpen(t, path)
	for _, id := range ids {
		_, log, err := s.LoadBoard(ctx, id)
		if err != nil || len(log) != 400 {
			t.Fatalf("board %s: %d records, %v", id, len(log), err)
		}
		for i, r := range log {
			if v := uint64(i + 1); r.Version != v || string(r.Data) != string(data(id, v)) {
				t.Fatalf("board %s: record %d is %d %.20q", id, i, r.Version, r.Data)
			}
		}
	}
	// Trimming both boards drops every chunk of every entry.
	var changes []boardsync.Change
	for _, id := range ids {
		changes = append(changes, boardsync.Change{BoardID: id, Snapshot: []byte("s400"), TrimBefore: 401})
	}
	if err := s.Commit(ctx, changes); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if n := walEntries(t, path); n != 0 {
		t.Errorf("WAL holds %d keys after the trim, want 0", n)
	}
}

// Format 2 stored each WAL entry under one key. Such a file opens as it
// is, keeps its records, and takes chunked entries from then on.
func TestOpensFormat2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v2.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("y", 3000)
	err = db.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucket([]byte("meta"))
		meta.Put([]byte("format"), []byte("2"))
		boards, _ := tx.CreateBucket([]byte("boards"))
		head := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, 2), 1) // last 2, trim before 1
		boards.Put([]byte("a"), append(head, "snap-a"...))
		wal, _ := tx.CreateBucket([]byte("wal"))
		entry := []byte{1, 'a', 2, 1, 1, 'x'}
		entry = binary.AppendUvarint(append(entry, 2), uint64(len(big)))
		return wal.Put(binary.BigEndian.AppendUint64(nil, 7), append(entry, big...))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	ctx := context.Background()
	s := mustOpen(t, path)
	if err := s.Commit(ctx, []boardsync.Change{{BoardID: "a", Records: []boardsync.Record{{Version: 3, Data: []byte(big)}}}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpen(t, path)
	snap, log, err := s.LoadBoard(ctx, "a")
	if err != nil || string(snap) != "snap-a" || len(log) != 3 {
		t.Fatalf("board a: %q, %d records, %v", snap, len(log), err)
	}
	for i, want := range []string{"x", big, big} {
		if log[i].Version != uint64(i+1) || string(log[i].Data) != want {
			t.Errorf("record %d: version %d, %d bytes", i, log[i].Version, len(log[i].Data))
		}
	}
	s.Close()
	db, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if f := tx.Bucket([]byte("meta")).Get([]byte("format")); string(f) != "3" {
			t.Errorf("format marker %q, want 3", f)
		}
		return nil
	})
}

// A commit whose records its own snapshot covers (what a room sends when it
// snapshots) leaves nothing in the WAL.
func TestSnapshotCommitWritesNoWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap.db")
	s := mustOpen(t, path)
	ctx := context.Background()
	if err := s.CreateBoard(ctx, "a", []byte("s0")); err != nil {
		t.Fatal(err)
	}
	recs := []boardsync.Record{{Version: 1, Data: []byte("x")}, {Version: 2, Data: []byte("y")}}
	if err := s.Commit(ctx, []boardsync.Change{{BoardID: "a", Records: recs, Snapshot: []byte("s2"), TrimBefore: 3}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if n := walEntries(t, path); n != 0 {
		t.Errorf("WAL holds %d entries, want 0", n)
	}
	s = mustOpen(t, path)
	if snap, log, err := s.LoadBoard(ctx, "a"); err != nil || string(snap) != "s2" || len(log) != 0 {
		t.Errorf("got %q %v %v", snap, log, err)
	}
	if err := s.Commit(ctx, []boardsync.Change{{BoardID: "a", Records: recs[1:]}}); err == nil {
		t.Error("version 2 could be written again")
	}
}

// An entry whose records every board has trimmed (a crash came between a
// snapshot and the commit that would have dropped it) goes when the file
// is opened, all its chunks with it.
func TestOpenDropsUnusedEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unused.db")
	s := mustOpen(t, path)
	ctx := context.Background()
	if err := s.CreateBoard(ctx, "a", []byte("s0")); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, []boardsync.Change{{BoardID: "a", Snapshot: []byte("s2"), TrimBefore: 3}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	entry := binary.AppendUvarint([]byte{1, 'a', 1, 2}, 1500)
	entry = append(entry, strings.Repeat("z", 1500)...)
	err = db.Update(func(tx *bolt.Tx) error {
		wal := tx.Bucket([]byte("wal"))
		head := binary.BigEndian.AppendUint64(nil, 5)
		if err := wal.Put(head, entry[:960]); err != nil {
			return err
		}
		return wal.Put(binary.BigEndian.AppendUint32(head, 1), entry[960:])
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, path)
	if snap, log, err := s.LoadBoard(ctx, "a"); err != nil || string(snap) != "s2" || len(log) != 0 {
		t.Errorf("board a: %q %v %v", snap, log, err)
	}
	s.Close()
	if n := walEntries(t, path); n != 0 {
		t.Errorf("WAL holds %d keys, want 0", n)
	}
}
