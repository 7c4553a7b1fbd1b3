package storetest

import (
	"context"
	"fmt"
	"testing"

	"corkboard/board"
	boardsync "corkboard/sync"
)

// Run runs the suite. open returns a new, empty store; reopen, if not nil,
// closes a store and opens the same data again, for stores that persist.
func Run(t *testing.T, open func(t *testing.T) boardsync.Store, reopen func(t *testing.T, s boardsync.Store) boardsync.Store) {
	ctx := context.Background()
	rec := func(v uint64) boardsync.Record {
		return boardsync.Record{Version: v, Data: fmt.Appendf(nil, `{"version":%d}`, v)}
	}
	mustCreate := func(t *testing.T, s boardsync.Store, id string) {
		t.Helper()
		if err := s.CreateBoard(ctx, id, []byte(`snap-`+id)); err != nil {
			t.Fatal(err)
		}
	}
	mustLoad := func(t *testing.T, s boardsync.Store, id string) (string, []uint64) {
		t.Helper()
		snap, log, err := s.LoadBoard(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var versions []uint64
		for _, r := range log {
			if string(r.Data) != fmt.Sprintf(`{"version":%d}`, r.Version) {
				t.Errorf("record %d holds %q", r.Version, r.Data)
			}
			versions = append(versions, r.Version)
		}
		return string(snap), versions
	}
	a, b := board.NewID(), board.NewID()

	t.Run("create and load", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, a)
		snap, log := mustLoad(t, s, a)
		if snap != "snap-"+a || len(log) != 0 {
			t.Errorf("got %q %v", snap, log)
		}
		if err := s.CreateBoard(ctx, a, []byte("again")); board.ErrorCode(err) != board.EConflict {
			t.Errorf("second create: %v, want conflict", err)
		}
		if _, _, err := s.LoadBoard(ctx, b); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("load of unknown board: %v, want not found", err)
		}
	})

	t.Run("commit many boards at once", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, a)
		mustCreate(t, s, b)
		err := s.Commit(ctx, []boardsync.Change{
			{BoardID: a, Records: []boardsync.Record{rec(1), rec(2)}},
			{BoardID: b, Records: []boardsync.Record{rec(1)}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(ctx, []boardsync.Change{{BoardID: a, Records: []boardsync.Record{rec(3)}, Snapshot: []byte("s3")}}); err != nil {
			t.Fatal(err)
		}
		if snap, log := mustLoad(t, s, a); snap != "s3" || fmt.Sprint(log) != "[1 2 3]" {
			t.Errorf("board a: %q %v", snap, log)
		}
		if snap, log := mustLoad(t, s, b); snap != "snap-"+b || fmt.Sprint(log) != "[1]" {
			t.Errorf("board b: %q %v", snap, log)
		}
	})

	t.Run("a bad change commits nothing", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, a)
		mustCreate(t, s, b)
		if err := s.Commit(ctx, []boardsync.Change{{BoardID: a, Records: []boardsync.Record{rec(1)}}}); err != nil {
			t.Fatal(err)
		}
		for name, changes := range map[string][]boardsync.Change{
			"old version":   {{BoardID: b, Records: []boardsync.Record{rec(1)}}, {BoardID: a, Records: []boardsync.Record{rec(1)}}},
			"unknown board": {{BoardID: b, Records: []boardsync.Record{rec(2)}}, {BoardID: board.NewID(), Records: []boardsync.Record{rec(1)}}},
		} {
			if err := s.Commit(ctx, changes); err == nil {
				t.Errorf("%s: commit succeeded", name)
			}
		}
		if _, log := mustLoad(t, s, a); fmt.Sprint(log) != "[1]" {
			t.Errorf("board a: %v", log)
		}
		if _, log := mustLoad(t, s, b); len(log) != 0 {
			t.Errorf("board b got records from a failed commit: %v", log)
		}
		// And the failed commits leave nothing behind for the next ones.
		if err := s.Commit(ctx, []boardsync.Change{{BoardID: b, Records: []boardsync.Record{rec(1)}}}); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(ctx, []boardsync.Change{{BoardID: b, Records: []boardsync.Record{rec(2)}}}); err != nil {
			t.Fatal(err)
		}
		if _, log := mustLoad(t, s, b); fmt.Sprint(log) != "[1 2]" {
			t.Errorf("board b after the failed commits: %v", log)
		}
	})

	t.Run("trim", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, a)
		var recs []boardsync.Record
		for v := uint64(1); v <= 10; v++ {
			recs = append(recs, rec(v))
		}
		if err := s.Commit(ctx, []boardsync.Change{{BoardID: a, Records: recs}}); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(ctx, []boardsync.Change{{BoardID: a, Records: []boardsync.Record{rec(11)}, Snapshot: []byte("s11"), TrimBefore: 8}}); err != nil {
			t.Fatal(err)
		}
		if snap, log := mustLoad(t, s, a); snap != "s11" || fmt.Sprint(log) != "[8 9 10 11]" {
			t.Errorf("got %q %v", snap, log)
		}
	})

	t.Run("trim everything", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, a)
		mustCreate(t, s, b)
		// Two boards in each commit, so that the second trim is what frees
		// the first commit's records for good.
		commit := func(changes ...boardsync.Change) {
			t.Helper()
			if err := s.Commit(ctx, changes); err != nil {
				t.Fatal(err)
			}
		}
		commit(boardsync.Change{BoardID: a, Records: []boardsync.Record{rec(1), rec(2)}}, boardsync.Change{BoardID: b, Records: []boardsync.Record{rec(1)}})
		commit(boardsync.Change{BoardID: a, Records: []boardsync.Record{rec(3)}, Snapshot: []byte("a3"), TrimBefore: 4})
		if snap, log := mustLoad(t, s, a); snap != "a3" || len(log) != 0 {
			t.Errorf("board a: %q %v", snap, log)
		}
		if snap, log := mustLoad(t, s, b); snap != "snap-"+b || fmt.Sprint(log) != "[1]" {
			t.Errorf("board b: %q %v", snap, log)
		}
		commit(boardsync.Change{BoardID: b, Snapshot: []byte("b1"), TrimBefore: 2})
		if snap, log := mustLoad(t, s, b); snap != "b1" || len(log) != 0 {
			t.Errorf("board b: %q %v", snap, log)
		}
		// Every record is gone, but the versions they had stay taken.
		if err := s.Commit(ctx, []boardsync.Change{{BoardID: a, Records: []boardsync.Record{rec(3)}}}); board.ErrorCode(err) != board.EConflict {
			t.Errorf("a record at a trimmed version: %v, want conflict", err)
		}
		commit(boardsync.Change{BoardID: a, Records: []boardsync.Record{rec(4)}})
		if reopen != nil {
			s = reopen(t, s)
			if err := s.Commit(ctx, []boardsync.Change{{BoardID: a, Records: []boardsync.Record{rec(4)}}}); board.ErrorCode(err) != board.EConflict {
				t.Errorf("after reopening, a record at a stored version: %v, want conflict", err)
			}
		}
		if snap, log := mustLoad(t, s, a); snap != "a3" || fmt.Sprint(log) != "[4]" {
			t.Errorf("board a at the end: %q %v", snap, log)
		}
	})

	t.Run("loaded bytes are copies", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, a)
		if err := s.Commit(ctx, []boardsync.Change{{BoardID: a, Records: []boardsync.Record{rec(1)}}}); err != nil {
			t.Fatal(err)
		}
		snap, log, _ := s.LoadBoard(ctx, a)
		snap[0], log[0].Data[0] = 'X', 'X'
		if snap, log := mustLoad(t, s, a); snap != "snap-"+a || fmt.Sprint(log) != "[1]" {
			t.Errorf("changing loaded bytes changed the store: %q %v", snap, log)
		}
	})

	if reopen != nil {
		t.Run("survives reopening", func(t *testing.T) {
			s := open(t)
			mustCreate(t, s, a)
			if err := s.Commit(ctx, []boardsync.Change{{BoardID: a, Records: []boardsync.Record{rec(1), rec(2)}, Snapshot: []byte("s2")}}); err != nil {
				t.Fatal(err)
			}
			mustCreate(t, s, b)
			if err := s.Commit(ctx, []boardsync.Change{{BoardID: b, Records: []boardsync.Record{rec(1)}}, {BoardID: a, Records: []boardsync.Record{rec(3)}}}); err != nil {
				t.Fatal(err)
			}
			if err := s.Commit(ctx, []boardsync.Change{{BoardID: b, Records: []boardsync.Record{rec(2)}, Snapshot: []byte("b2"), TrimBefore: 3}}); err != nil {
				t.Fatal(err)
			}
			s = reopen(t, s)
			if snap, log := mustLoad(t, s, a); snap != "s2" || fmt.Sprint(log) != "[1 2 3]" {
				t.Errorf("after reopening: %q %v", snap, log)
			}
			if snap, log := mustLoad(t, s, b); snap != "b2" || len(log) != 0 {
				t.Errorf("after reopening: %q %v", snap, log)
			}
			if err := s.Commit(ctx, []boardsync.Change{{BoardID: a, Records: []boardsync.Record{rec(4)}}}); err != nil {
				t.Fatal(err)
			}
			if _, log := mustLoad(t, s, a); fmt.Sprint(log) != "[1 2 3 4]" {
				t.Errorf("a commit after reopening: %v", log)
			}
		})
	}
}
