package boltstore

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/logtest"
)

// deletedMarker is in everything board A holds: its snapshots, its
// records, its kept snapshots. No byte of a backup taken after A is
// deleted may hold it.
const deletedMarker = "Zq-DELETED-BOARD-MARKER-7f3c"

func openForDelete(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path, Options{CommitInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// appendTogether appends batches of several boards in one group commit,
// so that they share a WAL entry: the committer is held inside a write
// until every append is queued behind it.
func appendTogether(t *testing.T, s *Store, batches map[string]boardsync.Batch) {
	t.Helper()
	release, holding := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- s.submit(func(*commit) error { return nil }, func(*commit) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	errs := make(chan error, len(batches))
	for id, b := range batches {
		go func() {
			_, err := s.Append(context.Background(), id, b)
			errs <- err
		}()
	}
	// Queued: the committer takes them all in its next commit.
	deadline := time.Now().Add(10 * time.Second)
	for len(s.requests) < len(batches) {
		if time.Now().After(deadline) {
			t.Fatal("the appends were never queued")
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	for range batches {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// boardCopy is everything the store gives of one board, to compare before
// and after.
type boardCopy struct {
	snap    boardsync.Snapshot
	records []boardsync.Record
	kept    []boardsync.Kept
	links   boardsync.BoardLinks
}

func copyOf(t *testing.T, s *Store, id string) boardCopy {
	t.Helper()
	ctx := context.Background()
	var c boardCopy
	var err error
	if c.snap, err = s.Snapshot(ctx, id); err != nil {
		t.Fatal(err)
	}
	if c.records, err = s.Read(ctx, id, 1, 0); err != nil {
		t.Fatal(err)
	}
	list, err := s.KeptList(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range list {
		full, err := s.KeptSnapshot(ctx, id, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		c.kept = append(c.kept, full)
	}
	if c.links, err = s.BoardLinks(ctx, id); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c boardCopy) equal(o boardCopy) error {
	if c.snap.Version != o.snap.Version || !bytes.Equal(c.snap.Data, o.snap.Data) {
		return fmt.Errorf("snapshot %d differs from %d", o.snap.Version, c.snap.Version)
	}
	if len(c.records) != len(o.records) {
		return fmt.Errorf("%d records, want %d", len(o.records), len(c.records))
	}
	for i := range c.records {
		if c.records[i].Version != o.records[i].Version || !bytes.Equal(c.records[i].Data, o.records[i].Data) {
			return fmt.Errorf("record %d differs", c.records[i].Version)
		}
	}
	if len(c.kept) != len(o.kept) {
		return fmt.Errorf("%d kept snapshots, want %d", len(o.kept), len(c.kept))
	}
	for i := range c.kept {
		if c.kept[i].ID != o.kept[i].ID || !bytes.Equal(c.kept[i].Data, o.kept[i].Data) {
			return fmt.Errorf("kept snapshot %s differs", c.kept[i].ID)
		}
	}
	if c.links != o.links {
		return fmt.Errorf("links %+v, want %+v", o.links, c.links)
	}
	return nil
}

// walParts returns, for each WAL entry, the boards with parts in it.
func walParts(t *testing.T, s *Store) map[uint64][]string {
	t.Helper()
	out := map[uint64][]string{}
	err := s.view(func(tx *bolt.Tx) error {
		return forEachEntry(tx.Bucket(bucketWAL), func(seq uint64, entry []byte) error {
			return forEachPart(entry, func(id, _ string, _ []boardsync.Record) error {
				out[seq] = append(out[seq], id)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Two boards whose operations share WAL entries; one is deleted. The
// other keeps every operation, snapshot, kept snapshot and link; nothing
// of the deleted one is left but its tombstone, not even in a backup's
// free pages; and the file passes its checks, open and reopened.
func TestDeleteBoardSharingTheWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "corkboard.db")
	s := openForDelete(t, path)
	a, b := board.NewID(), board.NewID()
	day := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
	now := day.Add(9 * time.Hour)
	links := map[string]boardsync.BoardLinks{}
	for _, id := range []string{a, b} {
		if err := s.Create(ctx, id, []byte(`{"title":"`+id+` `+markerFor(id, a)+`","version":0}`)); err != nil {
			t.Fatal(err)
		}
		l := boardsync.NewLinks()
		l.Join = boardsync.JoinSettings{Role: board.RoleEdit, Code: boardsync.NewJoinCode(), Expires: now.Add(time.Hour)}
		links[id] = l
		if err := s.CreateLinks(ctx, id, l); err != nil {
			t.Fatal(err)
		}
		k := boardsync.Kept{ID: "created-" + id[:4], Reason: boardsync.KeptCreated, At: now, Data: []byte(`{"kept":"` + markerFor(id, a) + `"}`)}
		if err := s.Keep(ctx, id, k); err != nil {
			t.Fatal(err)
		}
	}
	last := map[string]uint64{}
	round := func(n int) {
		batches := map[string]boardsync.Batch{}
		for _, id := range []string{a, b} {
			var recs []boardsync.Record
			for i := range 3 {
				v := last[id] + uint64(i) + 1
				recs = append(recs, boardsync.Record{Version: v, Data: fmt.Appendf(nil, `{"op":%d,"text":"%s %d"}`, v, markerFor(id, a), n)})
			}
			batches[id] = boardsync.Batch{After: last[id], Records: recs, Key: fmt.Sprintf("%s-%d", id, n)}
			last[id] += 3
		}
		appendTogether(t, s, batches)
	}
	for n := range 4 {
		round(n)
	}
	// A moves its records to its history; the entries stay, kept by B,
	// with A's parts in them.
	if err := s.SaveSnapshot(ctx, a, boardsync.Snapshot{Version: last[a], Data: []byte(`{"snap":"` + deletedMarker + `"}`)}); err != nil {
		t.Fatal(err)
	}
	for n := 4; n < 6; n++ {
		round(n)
	}
	// And B moves some of its own, so that it has history segments too.
	if err := s.SaveSnapshot(ctx, b, boardsync.Snapshot{Version: last[b], Data: []byte(`{"snap":"bee"}`)}); err != nil {
		t.Fatal(err)
	}
	for n := 6; n < 9; n++ {
		round(n)
	}
	if err := s.Keep(ctx, a, boardsync.Kept{ID: "named-a", Reason: boardsync.KeptNamed, Name: deletedMarker, At: now, Version: last[a], Data: []byte(deletedMarker)}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkOpened(ctx, day, a, b); err != nil {
		t.Fatal(err)
	}
	shared := 0
	for _, ids := range walParts(t, s) {
		if slices.Contains(ids, a) && slices.Contains(ids, b) {
			shared++
		}
	}
	if shared < 3 {
		t.Fatalf("%d WAL entries hold both boards; the test needs some", shared)
	}
	before := copyOf(t, s, b)

	tomb := boardsync.Tombstone{At: now, Reason: boardsync.DeletedByFacilitator}
	if err := s.DeleteBoard(ctx, a, tomb, time.Time{}); err != nil {
		t.Fatal(err)
	}
	tomb.BoardID = a

	checkGone := func(t *testing.T, s *Store, when string) {
		t.Helper()
		if _, err := s.Snapshot(ctx, a); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("%s: snapshot of the deleted board: %v", when, err)
		}
		if _, err := s.Read(ctx, a, 1, 0); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("%s: records of the deleted board: %v", when, err)
		}
		if kept, err := s.KeptList(ctx, a); err != nil || len(kept) != 0 {
			t.Errorf("%s: kept snapshots of the deleted board: %v %v", when, kept, err)
		}
		if _, err := s.BoardLinks(ctx, a); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("%s: links record of the deleted board: %v", when, err)
		}
		if _, err := s.ResolveCode(ctx, links[a].Join.Code, now); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("%s: the deleted board's join code: %v", when, err)
		}
		for _, r := range board.Roles {
			if _, err := s.Resolve(ctx, links[a].Link(r)); board.ErrorCode(err) != board.ENotFound {
				t.Errorf("%s: %s link of the deleted board resolves: %v", when, r, err)
			}
			if got, err := s.Tombstone(ctx, links[a].Link(r)); err != nil || !sameTombstone(got, tomb) {
				t.Errorf("%s: tombstone by the %s link: %+v %v, want %+v", when, r, got, err, tomb)
			}
		}
		if got, err := s.Tombstone(ctx, a); err != nil || !sameTombstone(got, tomb) {
			t.Errorf("%s: tombstone by id: %+v %v", when, got, err)
		}
		if _, err := s.Tombstone(ctx, b); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("%s: the live board has a tombstone: %v", when, err)
		}
		for seq, ids := range walParts(t, s) {
			if slices.Contains(ids, a) {
				t.Errorf("%s: WAL entry %d still holds the deleted board", when, seq)
			}
		}
		visits, err := s.Visits(ctx)
		if err != nil || len(visits) != 1 || visits[0] != (boardsync.Visit{BoardID: b, Opened: day}) {
			t.Errorf("%s: visits %+v %v", when, visits, err)
		}
		if err := before.equal(copyOf(t, s, b)); err != nil {
			t.Errorf("%s: the other board: %v", when, err)
		}
		if err := s.Check(); err != nil {
			t.Errorf("%s: bbolt's check: %v", when, err)
		}
		// Nothing names the board any more but its tombstone: a bucket
		// added later that keeps something per board, and that deleting
		// forgets, shows here.
		for _, where := range keysNaming(t, s, a) {
			if where != "deleted key" && where != "deleted value" && where != "deletedlinks value" {
				t.Errorf("%s: the deleted board's id is still in %s", when, where)
			}
		}
		for _, where := range keysNaming(t, s, deletedMarker) {
			t.Errorf("%s: the deleted board's text is still in %s", when, where)
		}
	}
	checkGone(t, s, "after deleting")

	// B goes on: its appends and snapshots after the rewrite of the
	// entries it shares.
	mustAppendOne(t, s, b, last[b], "after")
	last[b]++
	before = copyOf(t, s, b)

	backup := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(backup)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Backup(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if i := bytes.Index(data, []byte(deletedMarker)); i >= 0 {
		t.Errorf("the backup holds the deleted board's marker at byte %d (page %d)", i, i/s.db.Info().PageSize)
	}
	if !bytes.Contains(data, []byte(markerFor(b, a))) {
		t.Errorf("the backup does not hold the other board's text: the search proves nothing")
	}
	// bbolt's own copy keeps the freed pages, and the marker in them:
	// what the scrubbing is for.
	var raw bytes.Buffer
	if err := s.view(func(tx *bolt.Tx) error { _, err := tx.WriteTo(&raw); return err }); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw.Bytes(), []byte(deletedMarker)) {
		t.Log("bbolt's unscrubbed copy happens not to hold the marker either")
	}
	if state, err := checkFile(backup); state != fileIntact {
		t.Fatalf("the backup: %v %v", state, err)
	}
	restored := openForDelete(t, backup)
	checkGone(t, restored, "in the backup")
	restored.Close()

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if state, err := checkFile(path); state != fileIntact {
		t.Fatalf("the file after deleting: %v %v", state, err)
	}
	s = openForDelete(t, path)
	checkGone(t, s, "after reopening")
	mustAppendOne(t, s, b, last[b], "reopened")
}

func sameTombstone(a, b boardsync.Tombstone) bool {
	return a.BoardID == b.BoardID && a.At.Equal(b.At) && a.Reason == b.Reason
}

// markerFor is the text board id's data carries: the marker for the board
// to delete (a), something else for the other.
func markerFor(id, a string) string {
	if id == a {
		return deletedMarker
	}
	return "bee-keeps-its-notes"
}

func mustAppendOne(t *testing.T, s *Store, id string, after uint64, text string) {
	t.Helper()
	_, err := s.Append(context.Background(), id, boardsync.Batch{After: after, Records: []boardsync.Record{{Version: after + 1, Data: []byte(text)}}})
	if err != nil {
		t.Fatal(err)
	}
}

// A deletion for want of visits is refused when the board was opened
// since the cut, or in the same commit; a deletion refuses unknown and
// deleted boards; links and visits of a deleted board are refused.
func TestDeleteBoardRules(t *testing.T) {
	ctx := context.Background()
	s := openForDelete(t, filepath.Join(t.TempDir(), "corkboard.db"))
	id := board.NewID()
	if err := s.Create(ctx, id, []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	l := boardsync.NewLinks()
	if err := s.CreateLinks(ctx, id, l); err != nil {
		t.Fatal(err)
	}
	may := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	tomb := boardsync.Tombstone{At: may.AddDate(0, 1, 0), Reason: boardsync.DeletedUnvisited}
	// Never marked: not known to be unvisited.
	if err := s.DeleteBoard(ctx, id, tomb, may.AddDate(0, 0, 30)); board.ErrorCode(err) != board.EConflict {
		t.Fatalf("a board never marked: %v, want conflict", err)
	}
	if err := s.MarkOpened(ctx, may, id); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkOpened(ctx, may.AddDate(0, 0, -3), id); err != nil { // an older day changes nothing
		t.Fatal(err)
	}
	if err := s.DeleteBoard(ctx, id, tomb, may); board.ErrorCode(err) != board.EConflict {
		t.Fatalf("opened on the cut's day: %v, want conflict", err)
	}
	// Marked opened in the same commit as the deletion, before it.
	release, holding := make(chan struct{}), make(chan struct{})
	go s.submit(func(*commit) error { return nil }, func(*commit) error { close(holding); <-release; return nil })
	<-holding
	marked, deleted := make(chan error, 1), make(chan error, 1)
	go func() { marked <- s.MarkOpened(ctx, may.AddDate(0, 0, 40), id) }()
	for len(s.requests) < 1 {
		time.Sleep(time.Millisecond)
	}
	go func() { deleted <- s.DeleteBoard(ctx, id, tomb, may.AddDate(0, 0, 30)) }()
	for len(s.requests) < 2 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	if err := <-marked; err != nil {
		t.Fatal(err)
	}
	if err := <-deleted; board.ErrorCode(err) != board.EConflict {
		t.Fatalf("opened in the same commit: %v, want conflict", err)
	}
	if err := s.DeleteBoard(ctx, id, tomb, may.AddDate(0, 0, 41)); err != nil {
		t.Fatalf("unvisited since the cut: %v", err)
	}
	if err := s.DeleteBoard(ctx, id, tomb, time.Time{}); board.ErrorCode(err) != board.ENotFound {
		t.Errorf("deleting twice: %v, want not found", err)
	}
	if err := s.DeleteBoard(ctx, board.NewID(), tomb, time.Time{}); board.ErrorCode(err) != board.ENotFound {
		t.Errorf("deleting an unknown board: %v, want not found", err)
	}
	if err := s.UpdateLinks(ctx, id, boardsync.NewLinks()); board.ErrorCode(err) != board.ENotFound {
		t.Errorf("new links for a deleted board: %v, want not found", err)
	}
	if err := s.CreateLinks(ctx, id, boardsync.NewLinks()); board.ErrorCode(err) != board.ENotFound {
		t.Errorf("links for a deleted board: %v, want not found", err)
	}
	if err := s.MarkOpened(ctx, may.AddDate(0, 2, 0), id); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Visits(ctx); err != nil || len(v) != 0 {
		t.Errorf("visits after deleting: %+v %v", v, err)
	}
}

// keysNaming returns where, in every bucket of the file, a key or a value
// holds id: "bucket key" or "bucket value".
func keysNaming(t *testing.T, s *Store, id string) []string {
	t.Helper()
	var out []string
	var walk func(name string, b *bolt.Bucket) error
	walk = func(name string, b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				if nested := b.Bucket(k); nested != nil {
					return walk(name+"/"+string(k), nested)
				}
			}
			if bytes.Contains(k, []byte(id)) {
				out = append(out, name+" key")
			}
			if bytes.Contains(v, []byte(id)) {
				out = append(out, name+" value")
			}
			return nil
		})
	}
	err := s.view(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error { return walk(string(name), b) })
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLifecycleConformance(t *testing.T) {
	stores := func(s *Store) logtest.Stores { return logtest.Stores{Log: s, Links: s, History: s, Lifecycle: s} }
	logtest.RunLifecycle(t,
		func(t *testing.T) logtest.Stores {
			return stores(openForDelete(t, filepath.Join(t.TempDir(), "corkboard.db")))
		},
		func(t *testing.T, old logtest.Stores) logtest.Stores {
			s := old.Log.(*Store)
			path := s.Path()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return stores(openForDelete(t, path))
		})
}
