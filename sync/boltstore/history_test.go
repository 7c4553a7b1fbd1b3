package boltstore_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"corkboard/board"
	boardsync "corkboard/sync"
)

// DropHistory drops a board's operations up to its newest snapshot kept
// before the cut, never past the log's own snapshot, and keeps every kept
// snapshot; the board reads and reopens as before.
func TestDropHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "corkboard.db")
	s := mustOpen(t, path)
	old := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	cut := old.AddDate(0, 3, 0)
	a, b := board.NewID(), board.NewID()
	for _, id := range []string{a, b} {
		if err := s.Create(ctx, id, []byte("s0")); err != nil {
			t.Fatal(err)
		}
	}
	keep := func(id string, v uint64, at time.Time) {
		t.Helper()
		k := boardsync.Kept{ID: fmt.Sprintf("k%d", v), Reason: boardsync.KeptActivity, At: at, Version: v, Data: fmt.Appendf(nil, "k%d", v)}
		if err := s.Keep(ctx, id, k); err != nil {
			t.Fatal(err)
		}
	}
	// Board a: 300 records in three history segments (a snapshot after
	// each hundred), kept snapshots at 0 and 100 before the cut and at
	// 250 after it.
	keep(a, 0, old)
	for v := uint64(0); v < 300; v += 100 {
		var recs []boardsync.Record
		for i := v + 1; i <= v+100; i++ {
			recs = append(recs, rec(i, fmt.Sprintf("r%d", i)))
		}
		if _, err := s.Append(ctx, a, boardsync.Batch{After: v, Records: recs}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveSnapshot(ctx, a, boardsync.Snapshot{Version: v + 100, Data: fmt.Appendf(nil, "s%d", v+100)}); err != nil {
			t.Fatal(err)
		}
	}
	keep(a, 100, old.AddDate(0, 1, 0))
	keep(a, 250, cut.Add(time.Hour))
	// Board b: its only kept snapshot is older than the cut, but its log
	// snapshot is still at 0: nothing may go.
	keep(b, 0, old)
	if _, err := s.Append(ctx, b, boardsync.Batch{After: 0, Records: []boardsync.Record{rec(1, "r1")}}); err != nil {
		t.Fatal(err)
	}

	rep, err := s.DropHistory(ctx, cut)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Boards != 1 || rep.Segments != 1 || rep.Bytes < 100*2 {
		t.Errorf("dropped %+v, want board a's first segment", rep)
	}
	s.Close()
	s = mustOpen(t, path)
	first := func(id string) uint64 {
		t.Helper()
		recs, err := s.Read(ctx, id, 1, 1)
		if err != nil || len(recs) == 0 {
			t.Fatalf("reading board %s: %v", id, err)
		}
		return recs[0].Version
	}
	if f := first(a); f != 101 {
		t.Errorf("board a's records begin at %d, want 101", f)
	}
	if recs, _ := s.Read(ctx, a, 101, 0); len(recs) != 200 {
		t.Errorf("board a keeps %d records after 100, want 200", len(recs))
	}
	if f := first(b); f != 1 {
		t.Errorf("board b's records begin at %d, want 1", f)
	}
	if snap, err := s.Snapshot(ctx, a); err != nil || snap.Version != 300 {
		t.Errorf("board a's snapshot: %d %v", snap.Version, err)
	}
	if list, _ := s.KeptList(ctx, a); len(list) != 3 {
		t.Errorf("board a keeps %d snapshots, want all 3", len(list))
	}
	// Again: nothing more to drop.
	if rep, err := s.DropHistory(ctx, cut); err != nil || rep.Segments != 0 {
		t.Errorf("dropping again: %+v %v", rep, err)
	}
	if err := s.Check(); err != nil {
		t.Error(err)
	}
}
