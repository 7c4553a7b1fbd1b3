package sync_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/sync/wsclient"
)

// After DropHistory (every kept snapshot "old"), the history's start, the
// board at every version from start on, replay's operations and loading
// after a restart all still work.
func TestDropHistoryKeepsHistoryWorking(t *testing.T) {
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "corkboard.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	srv := mustServer(t, store, boardsync.Limits{SnapshotEvery: 7})
	id, links := srv.mustBoardLinks(t)
	c := mustDial(t, srv.wsURL(links.Facilitate), wsclient.Hello{Participant: wsclient.NewParticipant(), Name: "Ada"})
	ctx := context.Background()
	want := map[uint64]string{}
	record := func() {
		b, err := srv.hub.Board(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want[b.Version] = mustJSON(t, b)
	}
	record()
	for i := range 40 {
		if i == 20 {
			if _, err := srv.hub.KeepSnapshot(ctx, boardsync.Access{BoardID: id, Role: board.RoleEdit}, "half way", ""); err != nil {
				t.Fatal(err)
			}
		}
		c.mustApply(createOp(uuid.NewString(), float64(i*10), 0))
		record()
	}
	rep, err := store.DropHistory(ctx, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("dropped %+v", rep)
	check := func(when string) {
		t.Helper()
		h, err := srv.hub.History(ctx, id, true)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: start %d last %d, %d snapshots", when, h.Start, h.Last, len(h.Snapshots))
		for v := h.Start; v <= h.Last; v++ {
			b, err := srv.hub.BoardAt(ctx, id, v)
			if err != nil {
				t.Errorf("%s: version %d (start %d): %v", when, v, h.Start, err)
				continue
			}
			if got := mustJSON(t, b); got != want[v] {
				t.Errorf("%s: version %d differs", when, v)
			}
		}
		for _, k := range h.Snapshots {
			if _, err := srv.hub.BoardAt(ctx, id, k.Version); err != nil {
				t.Errorf("%s: kept version %d: %v", when, k.Version, err)
			}
		}
		if ops, _, err := srv.hub.Ops(ctx, id, h.Start, 0); err != nil || uint64(len(ops)) != h.Last-h.Start {
			t.Errorf("%s: ops after start: %d %v", when, len(ops), err)
		}
	}
	check("live")
	c.c.Close()
	srv.restart(t)
	check("after a restart")
	c2 := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Participant: wsclient.NewParticipant()})
	c2.mustApply(createOp(uuid.NewString(), 1, 1))
}
