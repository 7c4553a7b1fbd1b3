package logtest

import (
	"context"
	"testing"
	"time"

	"corkboard/board"
	boardsync "corkboard/sync"
)

// Stores is one store's parts as the hub sees them: boltstore.Store is all
// four; in memory they are four stores joined by NewMemLifecycle.
type Stores struct {
	Log       boardsync.Log
	Links     boardsync.Links
	History   boardsync.History
	Lifecycle boardsync.Lifecycle
}

// RunLifecycle runs the conformance suite of boardsync.Lifecycle. open
// returns new, empty stores; reopen, if not nil, closes them and opens
// their data again.
func RunLifecycle(t *testing.T, open func(t *testing.T) Stores, reopen func(t *testing.T, s Stores) Stores) {
	ctx := context.Background()
	may := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	create := func(t *testing.T, s Stores) (string, boardsync.BoardLinks) {
		t.Helper()
		id := board.NewID()
		if err := s.Log.Create(ctx, id, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Log.Append(ctx, id, boardsync.Batch{Records: []boardsync.Record{{Version: 1, Data: []byte(`{"version":1}`)}}}); err != nil {
			t.Fatal(err)
		}
		l := boardsync.NewLinks()
		l.Join = boardsync.JoinSettings{Role: board.RoleEdit, Code: boardsync.NewJoinCode(), Expires: may.Add(time.Hour)}
		if err := s.Links.CreateLinks(ctx, id, l); err != nil {
			t.Fatal(err)
		}
		if err := s.History.Keep(ctx, id, boardsync.Kept{ID: "k1", Reason: boardsync.KeptCreated, At: may, Data: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		return id, l
	}

	t.Run("visits", func(t *testing.T) {
		s := open(t)
		a, _ := create(t, s)
		b, _ := create(t, s)
		if err := s.Lifecycle.MarkOpened(ctx, may, a); err != nil {
			t.Fatal(err)
		}
		if err := s.Lifecycle.MarkOpened(ctx, may.AddDate(0, 0, 2), a, board.NewID()); err != nil { // an unknown board is left out
			t.Fatal(err)
		}
		if reopen != nil {
			s = reopen(t, s)
		}
		visits, err := s.Lifecycle.Visits(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]time.Time{}
		for _, v := range visits {
			got[v.BoardID] = v.Opened
		}
		if len(got) != 2 || !got[a].Equal(may.AddDate(0, 0, 2)) || !got[b].IsZero() {
			t.Errorf("visits %v; want %s on %v and %s never", got, a, may.AddDate(0, 0, 2), b)
		}
	})

	t.Run("delete", func(t *testing.T) {
		s := open(t)
		id, links := create(t, s)
		other, otherLinks := create(t, s)
		tomb := boardsync.Tombstone{At: may.AddDate(0, 1, 0), Reason: boardsync.DeletedUnvisited}
		if err := s.Lifecycle.DeleteBoard(ctx, id, tomb, may); board.ErrorCode(err) != board.EConflict {
			t.Errorf("a board never opened, for want of visits: %v, want conflict", err)
		}
		if err := s.Lifecycle.MarkOpened(ctx, may, id); err != nil {
			t.Fatal(err)
		}
		if err := s.Lifecycle.DeleteBoard(ctx, id, tomb, may); board.ErrorCode(err) != board.EConflict {
			t.Errorf("opened on the cut's day: %v, want conflict", err)
		}
		if err := s.Lifecycle.DeleteBoard(ctx, id, tomb, may.AddDate(0, 0, 1)); err != nil {
			t.Fatal(err)
		}
		if reopen != nil {
			s = reopen(t, s)
		}
		tomb.BoardID = id
		if _, err := s.Log.Snapshot(ctx, id); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("its snapshot: %v", err)
		}
		if _, err := s.Log.Read(ctx, id, 1, 0); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("its records: %v", err)
		}
		if kept, err := s.History.KeptList(ctx, id); err != nil || len(kept) != 0 {
			t.Errorf("its kept snapshots: %v %v", kept, err)
		}
		if _, err := s.Links.ResolveCode(ctx, links.Join.Code, may); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("its join code: %v", err)
		}
		for _, key := range []string{id, links.Facilitate, links.Edit, links.View} {
			if _, err := s.Links.Resolve(ctx, key); key != id && board.ErrorCode(err) != board.ENotFound {
				t.Errorf("resolving %s: %v", key, err)
			}
			got, err := s.Lifecycle.Tombstone(ctx, key)
			if err != nil || got.BoardID != tomb.BoardID || !got.At.Equal(tomb.At) || got.Reason != tomb.Reason {
				t.Errorf("the tombstone by %s: %+v %v, want %+v", key, got, err, tomb)
			}
		}
		for _, key := range []string{other, otherLinks.Edit, board.NewID()} {
			if _, err := s.Lifecycle.Tombstone(ctx, key); board.ErrorCode(err) != board.ENotFound {
				t.Errorf("a tombstone for %s: %v, want not found", key, err)
			}
		}
		if err := s.Lifecycle.DeleteBoard(ctx, id, tomb, time.Time{}); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("deleting again: %v, want not found", err)
		}
		if err := s.Lifecycle.MarkOpened(ctx, may.AddDate(0, 2, 0), id); err != nil {
			t.Fatal(err)
		}
		visits, err := s.Lifecycle.Visits(ctx)
		if err != nil || len(visits) != 1 || visits[0].BoardID != other {
			t.Errorf("visits after deleting: %+v %v", visits, err)
		}
		if recs, err := s.Log.Read(ctx, other, 1, 0); err != nil || len(recs) != 1 {
			t.Errorf("the other board's records: %v %v", recs, err)
		}
		if a, err := s.Links.Resolve(ctx, otherLinks.View); err != nil || a.BoardID != other {
			t.Errorf("the other board's link: %+v %v", a, err)
		}
	})
}
