package boltstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/sync/logtest"
)

func mustOpen(t *testing.T, path string) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(path, boltstore.Options{CommitInterval: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	logtest.Run(t,
		func(t *testing.T) boardsync.Log {
			return mustOpen(t, filepath.Join(t.TempDir(), "data", "corkboard.db"))
		},
		func(t *testing.T, l boardsync.Log) boardsync.Log {
			s := l.(*boltstore.Store)
			path := s.Path()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return mustOpen(t, path)
		})
}

var ctx = context.Background()

func rec(v uint64, data string) boardsync.Record {
	return boardsync.Record{Version: v, Data: []byte(data)}
}

func mustCreate(t *testing.T, s *boltstore.Store, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if err := s.Create(ctx, id, []byte(`{"version":0}`)); err != nil {
			t.Fatal(err)
		}
	}
}

func mustAppend(t *testing.T, s *boltstore.Store, id string, after uint64, recs ...boardsync.Record) {
	t.Helper()
	if _, err := s.Append(ctx, id, boardsync.Batch{After: after, Records: recs}); err != nil {
		t.Fatal(err)
	}
}

// versions reads a board's whole log and returns its versions.
func versions(t *testing.T, s *boltstore.Store, id string) string {
	t.Helper()
	log, err := s.Read(ctx, id, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var vs []uint64
	for _, r := range log {
		vs = append(vs, r.Version)
	}
	return fmt.Sprint(vs)
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	t.Run("in use", func(t *testing.T) {
		path := filepath.Join(dir, "busy.db")
		mustOpen(t, path)
		// bbolt's lock is per process and file descriptor (flock), so a
		// second Open in this process meets it just as another process would.
		_, err := boltstore.Open(path, boltstore.Options{})
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
			_, err := boltstore.Open(path, boltstore.Options{})
			if err == nil || !strings.Contains(err.Error(), "not a Corkboard database") {
				t.Errorf("got %v, want a clear error", err)
			}
			if got, _ := os.ReadFile(path); string(got) != string(content) {
				t.Error("the file changed")
			}
		})
	}
	t.Run("unreadable folder", func(t *testing.T) {
		blocker := filepath.Join(dir, "file")
		os.WriteFile(blocker, nil, 0o600)
		if _, err := boltstore.Open(filepath.Join(blocker, "x.db"), boltstore.Options{}); err == nil {
			t.Error("opened a database below a file")
		}
	})
	// A zero-byte file is what a crash during a new database's first write
	// leaves: it never held data, so it becomes a new database.
	t.Run("empty file", func(t *testing.T) {
		path := filepath.Join(dir, "empty.db")
		os.WriteFile(path, nil, 0o600)
		s := mustOpen(t, path)
		mustCreate(t, s, "a")
	})
}

// Another program's bbolt file is refused and left exactly as it was.
func TestForeignFileUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"users", "sessions"} {
			b, _ := tx.CreateBucket([]byte(name))
			b.Put([]byte("k"), []byte("v"))
		}
		return nil
	})
	db.Close()
	before := fileHash(t, path)
	_, err = boltstore.Open(path, boltstore.Options{})
	if err == nil || !strings.Contains(err.Error(), "another program") || !strings.Contains(err.Error(), `"users"`) {
		t.Errorf("got %v, want a refusal naming its buckets", err)
	}
	if fileHash(t, path) != before {
		t.Error("the file changed")
	}
}

// A real database cut short is refused at open with a clear error, before
// bbolt walks it (which would crash the process), and left as it was.
func TestTruncatedDatabase(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full.db")
	s := mustOpen(t, full)
	ids := make([]string, 40)
	for i := range ids {
		ids[i] = fmt.Sprintf("board-%02d", i)
		mustCreate(t, s, ids[i])
		for v := uint64(1); v <= 50; v += 10 {
			var recs []boardsync.Record
			for j := range uint64(10) {
				recs = append(recs, rec(v+j, strings.Repeat("x", 300)))
			}
			mustAppend(t, s, ids[i], v-1, recs...)
		}
		if i%2 == 0 {
			if err := s.SaveSnapshot(ctx, ids[i], boardsync.Snapshot{Version: 50, Data: []byte(`{"version":50}`)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	s.Close()
	data, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	// bbolt grows the file ahead of what it holds, in steps of 16 MiB:
	// cut it within the pages that hold something.
	used := len(bytes.TrimRight(data, "\x00"))
	for _, frac := range []struct{ num, den int }{{1, 2}, {1, 8}, {3, 4}, {1, 3}} {
		path := filepath.Join(dir, fmt.Sprintf("cut-%d-%d.db", frac.num, frac.den))
		if err := os.WriteFile(path, data[:used*frac.num/frac.den], 0o600); err != nil {
			t.Fatal(err)
		}
		before := fileHash(t, path)
		_, err := boltstore.Open(path, boltstore.Options{})
		if err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("%d/%d of the file: got %v, want a clear error", frac.num, frac.den, err)
		}
		if fileHash(t, path) != before {
			t.Errorf("%d/%d of the file: the file changed", frac.num, frac.den)
		}
	}
}

// The first layout (format 1) had a bucket per board; opening such a file
// moves it to the current layout and keeps every snapshot and record.
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
			b.Put([]byte("snapshot"), []byte(`{"version":4}`))
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
	for round := range 2 { // the second open finds format 4 and changes nothing
		s := mustOpen(t, path)
		snap, err := s.Snapshot(ctx, "a")
		if err != nil || string(snap.Data) != `{"version":4}` || snap.Version != 4 {
			t.Fatalf("round %d: board a: %+v %v", round, snap, err)
		}
		if got := versions(t, s, "a"); got != "[5 6 7]" {
			t.Errorf("round %d: board a's records %s", round, got)
		}
		if got := versions(t, s, "b"); got != "[]" {
			t.Errorf("round %d: board b's records %s", round, got)
		}
		if _, err := s.Append(ctx, "a", boardsync.Batch{After: 6, Records: []boardsync.Record{rec(7, "again")}}); err == nil {
			t.Errorf("round %d: a migrated version could be written again", round)
		}
		s.Close()
	}
}

// Format 3 kept each board's last version, trim point and snapshot in its
// value and the records its snapshot did not hold in the WAL (format 2
// likewise, in one chunk an entry). Such a file moves to the current
// layout with every kept record as history.
func TestMigrateFromV3(t *testing.T) {
	for _, format := range []string{"2", "3"} {
		path := filepath.Join(t.TempDir(), "v"+format+".db")
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		big := strings.Repeat("y", 3000)
		err = db.Update(func(tx *bolt.Tx) error {
			meta, _ := tx.CreateBucket([]byte("meta"))
			meta.Put([]byte("format"), []byte(format))
			boards, _ := tx.CreateBucket([]byte("boards"))
			value := func(last, trim uint64, snap string) []byte {
				return append(binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, last), trim), snap...)
			}
			boards.Put([]byte("a"), value(3, 2, `{"version":1}`)) // records 2 and 3 kept
			boards.Put([]byte("b"), value(5, 6, `{"version":5}`)) // everything in the snapshot
			wal, _ := tx.CreateBucket([]byte("wal"))
			entry := []byte{1, 'a', 2, 2, 1, 'x'}
			entry = binary.AppendUvarint(append(entry, 3), uint64(len(big)))
			return wal.Put(binary.BigEndian.AppendUint64(nil, 7), append(entry, big...))
		})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()

		s := mustOpen(t, path)
		log, err := s.Read(ctx, "a", 1, 0)
		if err != nil || len(log) != 2 || string(log[0].Data) != "x" || string(log[1].Data) != big || log[0].Version != 2 {
			t.Fatalf("format %s: board a: %d records, %v", format, len(log), err)
		}
		mustAppend(t, s, "a", 3, rec(4, "z"))
		mustAppend(t, s, "b", 5, rec(6, "z"))
		s.Close()
		s = mustOpen(t, path)
		if got := versions(t, s, "a"); got != "[2 3 4]" {
			t.Errorf("format %s: board a: %s", format, got)
		}
		if snap, err := s.Snapshot(ctx, "b"); err != nil || snap.Version != 5 || versions(t, s, "b") != "[6]" {
			t.Errorf("format %s: board b: %+v %v %s", format, snap, err, versions(t, s, "b"))
		}
		s.Close()
		db, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		db.View(func(tx *bolt.Tx) error {
			m := tx.Bucket([]byte("meta"))
			if f, app := m.Get([]byte("format")), m.Get([]byte("app")); string(f) != "4" || string(app) != "corkboard" {
				t.Errorf("format %s: markers %q %q, want 4 and corkboard", format, f, app)
			}
			return nil
		})
		db.Close()
	}
}

// Records leave the WAL for their board's history when the board saves a
// snapshot, so the WAL holds only what boards wrote since their last
// snapshot, and every record can still be read.
func TestWALShrinks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wal.db")
	s := mustOpen(t, path)
	ids := []string{"a", "b", "c"}
	mustCreate(t, s, ids...)
	for v := uint64(1); v <= 100; v++ {
		for i, id := range ids {
			mustAppend(t, s, id, v-1, rec(v, "x"))
			if (v+uint64(i))%10 == 0 { // each board snapshots every 10 versions, at its own time
				if err := s.SaveSnapshot(ctx, id, boardsync.Snapshot{Version: v, Data: fmt.Appendf(nil, "s%d", v)}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	s.Close()
	// Board a's last snapshot is at 100, b's at 99 and c's at 98, so only
	// the appends of versions 99 and 100 of b and c are still in the WAL.
	if n := walEntries(t, path); n != 3 {
		t.Errorf("WAL holds %d entries, want 3", n)
	}
	s = mustOpen(t, path)
	want := fmt.Sprint(seq(1, 100))
	for _, id := range ids {
		if got := versions(t, s, id); got != want {
			t.Errorf("board %s: %s", id, got)
		}
	}
}

func seq(from, to uint64) []uint64 {
	var out []uint64
	for v := from; v <= to; v++ {
		out = append(out, v)
	}
	return out
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
		c := tx.Bucket([]byte("wal")).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if len(k) == 8 {
				n++
			}
		}
		return nil
	})
	return n
}

// A damaged WAL entry is an error at open, not a panic or a silent loss.
func TestDamagedWAL(t *testing.T) {
	entry1 := binary.BigEndian.AppendUint64(nil, 1)
	for name, damage := range map[string]func(wal *bolt.Bucket) error{
		"truncated":     func(wal *bolt.Bucket) error { return wal.Put(entry1, []byte{1, 'a', 0, 1, 1, 5, 'x'}) },
		"unknown board": func(wal *bolt.Bucket) error { return wal.Put(entry1, []byte{1, 'z', 0, 1, 1, 1, 'x'}) },
		"no records":    func(wal *bolt.Bucket) error { return wal.Put(entry1, []byte{1, 'a', 0, 0}) },
		"out of order":  func(wal *bolt.Bucket) error { return wal.Put(entry1, []byte{1, 'a', 0, 2, 2, 1, 'x', 1, 1, 'y'}) },
		"odd key":       func(wal *bolt.Bucket) error { return wal.Put([]byte("short"), []byte{1, 'a', 0, 1, 2, 1, 'x'}) },
		"chunk 2 without chunk 1": func(wal *bolt.Bucket) error {
			return wal.Put(binary.BigEndian.AppendUint32(entry1, 2), []byte("x"))
		},
		"chunk without its entry": func(wal *bolt.Bucket) error {
			return wal.Put(binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64(nil, 9), 1), []byte("x"))
		},
	} {
		path := filepath.Join(t.TempDir(), "bad.db")
		s := mustOpen(t, path)
		mustCreate(t, s, "a")
		mustAppend(t, s, "a", 0, rec(1, "x"))
		s.Close()
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(func(tx *bolt.Tx) error { return damage(tx.Bucket([]byte("wal"))) }); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if _, err := boltstore.Open(path, boltstore.Options{}); err == nil || !strings.Contains(err.Error(), "not a usable") {
			t.Errorf("%s: got %v, want a clear error", name, err)
		}
	}
}

// Group commits of S3's size (about 7 KB) are stored in chunks, so bbolt
// writes every WAL leaf as a single page, and read back whole.
func TestLargeEntriesFitPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "large.db")
	s := mustOpen(t, path)
	ids := []string{"a", "b"}
	mustCreate(t, s, ids...)
	data := func(id string, v uint64) string {
		return fmt.Sprintf("%s%d-%s", id, v, strings.Repeat("x", int(v%700)))
	}
	// Appends of both boards at once, so that each commit holds both.
	for v := uint64(1); v <= 400; v += 20 {
		done := make(chan error, len(ids))
		for _, id := range ids {
			go func() {
				var recs []boardsync.Record
				for i := range uint64(20) {
					recs = append(recs, rec(v+i, data(id, v+i)))
				}
				_, err := s.Append(ctx, id, boardsync.Batch{After: v - 1, Records: recs})
				done <- err
			}()
		}
		for range ids {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
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
		log, err := s.Read(ctx, id, 1, 0)
		if err != nil || len(log) != 400 {
			t.Fatalf("board %s: %d records, %v", id, len(log), err)
		}
		for i, r := range log {
			if v := uint64(i + 1); r.Version != v || string(r.Data) != data(id, v) {
				t.Fatalf("board %s: record %d is %d %.20q", id, i, r.Version, r.Data)
			}
		}
	}
	// Snapshots of both boards move every record out: the WAL empties.
	for _, id := range ids {
		if err := s.SaveSnapshot(ctx, id, boardsync.Snapshot{Version: 400, Data: []byte("s400")}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	if n := walEntries(t, path); n != 0 {
		t.Errorf("WAL holds %d entries after the snapshots, want 0", n)
	}
}

// An entry whose records its board has moved to history (a crash came
// between the move and the deletion) goes when the file is opened.
func TestOpenDropsUnusedEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unused.db")
	s := mustOpen(t, path)
	mustCreate(t, s, "a")
	mustAppend(t, s, "a", 0, rec(1, "x"), rec(2, "y"))
	if err := s.SaveSnapshot(ctx, "a", boardsync.Snapshot{Version: 2, Data: []byte("s2")}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	entry := binary.AppendUvarint([]byte{1, 'a', 0, 1, 2}, 1500)
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
	if got := versions(t, s, "a"); got != "[1 2]" {
		t.Errorf("board a: %s", got)
	}
	s.Close()
	if n := walEntries(t, path); n != 0 {
		t.Errorf("WAL holds %d entries, want 0", n)
	}
}

func TestLinksConformance(t *testing.T) {
	logtest.RunLinks(t,
		func(t *testing.T) boardsync.Links {
			return mustOpen(t, filepath.Join(t.TempDir(), "corkboard.db"))
		},
		func(t *testing.T, l boardsync.Links) boardsync.Links {
			s := l.(*boltstore.Store)
			path := s.Path()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return mustOpen(t, path)
		})
}

func TestHistoryConformance(t *testing.T) {
	logtest.RunHistory(t,
		func(t *testing.T) boardsync.History {
			return mustOpen(t, filepath.Join(t.TempDir(), "corkboard.db"))
		},
		func(t *testing.T, h boardsync.History) boardsync.History {
			s := h.(*boltstore.Store)
			path := s.Path()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return mustOpen(t, path)
		})
}

// A board loaded again after a restart, with records still in the WAL
// (no snapshot moved them), begins an epoch, which stores its head; the
// file then opens again, after a crash or a copy, with every record.
func TestReopenAfterEpochWithWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "epochs.db")
	s := mustOpen(t, path)
	mustCreate(t, s, "a")
	mustAppend(t, s, "a", 0, rec(1, "x"), rec(2, "y"))
	s.Close()
	for round := range 3 {
		s = mustOpen(t, path)
		if _, err := s.BeginEpoch(ctx, "a", uint64(2+round)); err != nil {
			t.Fatal(err)
		}
		mustAppend(t, s, "a", uint64(2+round), rec(uint64(3+round), "z"))
		s.Close()
	}
	s = mustOpen(t, path)
	if got := versions(t, s, "a"); got != "[1 2 3 4 5]" {
		t.Errorf("board a: %s", got)
	}
}
