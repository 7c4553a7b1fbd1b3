package sync_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	stdsync "sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/sync/logtest"
	"corkboard/sync/wsclient"
)

func mustStore(t *testing.T) *boltstore.Store {
	t.Helper()
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "corkboard.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// wantGone checks that err is the error of a deleted board, with its
// tombstone.
func wantGone(t *testing.T, what string, err error, reason boardsync.DeleteReason) {
	t.Helper()
	if board.ErrorCode(err) != board.EGone {
		t.Errorf("%s: %v, want gone", what, err)
		return
	}
	if tomb, ok := boardsync.DeletedAs(err); !ok || tomb.Reason != reason || tomb.At.IsZero() {
		t.Errorf("%s: tombstone %+v %v, want reason %s", what, tomb, ok, reason)
	}
}

// Deleting a live board closes everyone on it with 4006; its links then
// say it was deleted (410 for a socket), and nothing of it loads.
// Only the facilitate link deletes.
func TestDeleteLiveBoard(t *testing.T) {
	store := mustStore(t)
	srv := mustServer(t, store, boardsync.Limits{})
	ctx := context.Background()
	id, links := srv.mustBoardLinks(t)
	other, _ := srv.mustBoardLinks(t)
	teacher := mustDial(t, srv.wsURL(links.Facilitate), wsclient.Hello{Participant: wsclient.NewParticipant(), Name: "Teacher"})
	pupil := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Participant: wsclient.NewParticipant(), Name: "Pupil"})
	watcher := mustDial(t, srv.wsURL(links.View), wsclient.Hello{Participant: wsclient.NewParticipant()})
	for i := range 5 {
		pupil.mustApply(createOp(uuid.NewString(), float64(i*20), 0))
	}
	for _, role := range []board.Role{board.RoleEdit, board.RoleView} {
		a, err := srv.hub.Resolve(ctx, links.Link(role))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.hub.DeleteBoard(ctx, a); board.ErrorCode(err) != board.EForbidden {
			t.Errorf("deleting with the %s link: %v, want forbidden", role, err)
		}
	}
	a, err := srv.hub.Resolve(ctx, links.Facilitate)
	if err != nil {
		t.Fatal(err)
	}
	// An operation on its way as the board goes: it is saved first, or
	// gone with the board; it never reaches storage after the deletion.
	pupil.send(createOp(uuid.NewString(), 500, 500))
	tomb, err := srv.hub.DeleteBoard(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if tomb.BoardID != id || tomb.Reason != boardsync.DeletedByFacilitator {
		t.Errorf("tombstone %+v", tomb)
	}
	for name, c := range map[string]*client{"facilitator": teacher, "editor": pupil, "viewer": watcher} {
		if code := c.readClose(); code != boardsync.CloseDeleted {
			t.Errorf("%s closed with %d, want %d", name, code, boardsync.CloseDeleted)
		}
	}
	for _, r := range board.Roles {
		_, err := srv.hub.Resolve(ctx, links.Link(r))
		wantGone(t, string(r)+" link", err, boardsync.DeletedByFacilitator)
		if got := dialStatus(t, srv.wsURL(links.Link(r))); got != http.StatusGone {
			t.Errorf("joining with the %s link: %d, want 410", r, got)
		}
	}
	_, err = srv.hub.Board(ctx, id)
	wantGone(t, "loading by id", err, boardsync.DeletedByFacilitator)
	_, err = srv.hub.DeleteBoard(ctx, a)
	wantGone(t, "deleting again", err, boardsync.DeletedByFacilitator)
	if _, err := store.Read(ctx, id, 1, 0); board.ErrorCode(err) != board.ENotFound {
		t.Errorf("the log after deleting: %v", err)
	}
	if kept, err := store.KeptList(ctx, id); err != nil || len(kept) != 0 {
		t.Errorf("kept snapshots after deleting: %d %v", len(kept), err)
	}
	if err := store.Check(); err != nil {
		t.Error(err)
	}
	// The other board goes on, also after a restart.
	if _, err := srv.hub.Board(ctx, other); err != nil {
		t.Fatal(err)
	}
	srv.restart(t)
	_, err = srv.hub.Resolve(ctx, links.Edit)
	wantGone(t, "after a restart", err, boardsync.DeletedByFacilitator)
}

// A board nobody has open is deleted from storage alone; the in-memory
// stores delete the same way.
func TestDeleteIdleBoard(t *testing.T) {
	for name, log := range map[string]boardsync.Log{"bbolt": mustStore(t), "memory": boardsync.NewMemLog()} {
		t.Run(name, func(t *testing.T) {
			srv := mustServer(t, log, boardsync.Limits{})
			ctx := context.Background()
			id, links := srv.mustBoardLinks(t)
			a, err := srv.hub.Resolve(ctx, links.Facilitate)
			if err != nil {
				t.Fatal(err)
			}
			l, err := srv.hub.BoardLinks(ctx, a)
			if err != nil || l.Join.Code == "" {
				t.Fatalf("a new board's join code: %+v %v", l.Join, err)
			}
			if _, err := srv.hub.DeleteBoard(ctx, a); err != nil {
				t.Fatal(err)
			}
			_, err = srv.hub.Resolve(ctx, links.View)
			wantGone(t, "the view link", err, boardsync.DeletedByFacilitator)
			_, err = srv.hub.Board(ctx, id)
			wantGone(t, "the board", err, boardsync.DeletedByFacilitator)
			if _, err := srv.hub.ResolveCode(ctx, l.Join.Code); board.ErrorCode(err) != board.ENotFound {
				t.Errorf("the join code: %v, want not found", err)
			}
		})
	}
}

// countingLifecycle counts the visits a hub records.
type countingLifecycle struct {
	boardsync.Lifecycle
	mu     stdsync.Mutex
	marked []string
}

func (c *countingLifecycle) MarkOpened(ctx context.Context, day time.Time, ids ...string) error {
	c.mu.Lock()
	c.marked = append(c.marked, day.Format(time.DateOnly)+" "+ids[0])
	c.mu.Unlock()
	return c.Lifecycle.MarkOpened(ctx, day, ids...)
}

// A busy board costs one write a day for its visits, however often it is
// opened.
func TestVisitsWrittenOnceADay(t *testing.T) {
	store := mustStore(t)
	clock := newFakeClock()
	counter := &countingLifecycle{Lifecycle: store}
	srv := mustServer(t, store, boardsync.Limits{}, boardsync.Config{Clock: clock, Lifecycle: counter})
	ctx := context.Background()
	id, links := srv.mustBoardLinks(t)
	for range 3 {
		for range 20 {
			for _, r := range board.Roles {
				if _, err := srv.hub.Resolve(ctx, links.Link(r)); err != nil {
					t.Fatal(err)
				}
			}
		}
		clock.Advance(24 * time.Hour)
	}
	want := []string{"2026-11-26 " + id, "2026-11-27 " + id, "2026-11-28 " + id}
	if !slices.Equal(counter.marked, want) {
		t.Errorf("visits written: %q, want %q", counter.marked, want)
	}
	visits, err := store.Visits(ctx)
	if err != nil || len(visits) != 1 || visits[0].Opened.Format(time.DateOnly) != "2026-11-28" {
		t.Errorf("visits %+v %v", visits, err)
	}
}

// Retention, with the hub's clock moved by hand: a board is deleted once
// nobody opened it for RetentionDays whole days, not a day sooner; a
// visit, or being open, keeps it; a board never seen before counts as
// opened the day retention first sees it.
func TestRetention(t *testing.T) {
	store := mustStore(t)
	clock := newFakeClock()
	srv := mustServer(t, store, boardsync.Limits{}, boardsync.Config{Clock: clock, RetentionDays: 30})
	ctx := context.Background()
	// Boards made before visits were kept: in the file, never opened.
	old := boardsync.NewHub(boardsync.Config{Log: store, Links: store, Clock: clock})
	legacy, legacyLinks, err := old.CreateBoard(ctx, "From before")
	if err != nil {
		t.Fatal(err)
	}
	old.Shutdown(ctx)

	forgotten, forgottenLinks := srv.mustBoardLinks(t)
	visited, visitedLinks := srv.mustBoardLinks(t)
	_, liveLinks := srv.mustBoardLinks(t)
	for _, l := range []string{forgottenLinks.Edit, visitedLinks.View, liveLinks.Facilitate} {
		if _, err := srv.hub.Resolve(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := srv.hub.RetentionDue(), time.Date(2026, 12, 27, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("a board opened today goes on %v, want %v", got, want)
	}
	// Someone stays on this one, however long.
	mustDial(t, srv.wsURL(liveLinks.Edit), wsclient.Hello{Participant: wsclient.NewParticipant()})

	sweep := func(when string, want ...string) {
		t.Helper()
		rep, err := srv.hub.DeleteUnvisited(ctx, false)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		slices.Sort(rep.Deleted)
		slices.Sort(want)
		if !slices.Equal(rep.Deleted, want) {
			t.Errorf("%s: deleted %q, want %q", when, rep.Deleted, want)
		}
	}
	sweep("at once")
	clock.Advance(30 * 24 * time.Hour) // 26 December, 09:00: 30 days, not yet 30 whole days
	sweep("after 30 days")
	if _, err := srv.hub.Resolve(ctx, visitedLinks.Edit); err != nil {
		t.Fatal(err)
	}
	dry, err := srv.hub.DeleteUnvisited(ctx, true)
	if err != nil || len(dry.Deleted) != 0 {
		t.Errorf("a dry run on day 30: %+v %v", dry, err)
	}
	clock.Advance(15 * time.Hour) // 27 December, 00:00
	dry, err = srv.hub.DeleteUnvisited(ctx, true)
	if slices.Sort(dry.Deleted); err != nil || !slices.Equal(dry.Deleted, sorted(forgotten, legacy.ID)) {
		t.Errorf("a dry run when due: %+v %v", dry, err)
	}
	sweep("when due", forgotten, legacy.ID)
	for name, l := range map[string]string{"forgotten": forgottenLinks.View, "from before": legacyLinks.Edit} {
		_, err := srv.hub.Resolve(ctx, l)
		wantGone(t, name, err, boardsync.DeletedUnvisited)
	}
	for name, l := range map[string]string{"visited": visitedLinks.View, "live": liveLinks.View} {
		if _, err := srv.hub.Resolve(ctx, l); err != nil {
			t.Errorf("%s board: %v", name, err)
		}
	}
	// The visited board goes 31 days after its last visit, unless opened
	// again; the live one stays while someone is on it.
	clock.Advance(31 * 24 * time.Hour)
	sweep("a month later", visited)
}

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}

// RunRetention sweeps at once and then every RetentionSweepEvery, by the
// hub's clock.
func TestRunRetention(t *testing.T) {
	store := mustStore(t)
	clock := newFakeClock()
	srv := mustServer(t, store, boardsync.Limits{}, boardsync.Config{Clock: clock, RetentionDays: 1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, links := srv.mustBoardLinks(t)
	if _, err := srv.hub.Resolve(ctx, links.Edit); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		srv.hub.RunRetention(ctx)
		close(done)
	}()
	<-clock.waiting // the first sweep is done
	clock.Advance(2 * 24 * time.Hour)
	<-clock.waiting // and the next
	_, err := srv.hub.Resolve(ctx, links.Edit)
	wantGone(t, "after two days", err, boardsync.DeletedUnvisited)
	cancel()
	<-done
}

func TestMemLifecycleConformance(t *testing.T) {
	logtest.RunLifecycle(t, func(t *testing.T) logtest.Stores {
		log, links, history := boardsync.NewMemLog(), boardsync.NewMemLinks(), boardsync.NewMemHistory()
		return logtest.Stores{Log: log, Links: links, History: history, Lifecycle: boardsync.NewMemLifecycle(log, links, history)}
	}, nil)
}

// A server stopped for the holidays does not delete every board as it
// starts again: ForgiveDowntime counts them opened today.
func TestForgiveDowntime(t *testing.T) {
	store := mustStore(t)
	clock := newFakeClock()
	srv := mustServer(t, store, boardsync.Limits{}, boardsync.Config{Clock: clock, RetentionDays: 30})
	ctx := context.Background()
	_, links := srv.mustBoardLinks(t)
	if _, err := srv.hub.Resolve(ctx, links.Edit); err != nil {
		t.Fatal(err)
	}
	clock.Advance(70 * 24 * time.Hour) // the summer
	if err := srv.hub.ForgiveDowntime(ctx); err != nil {
		t.Fatal(err)
	}
	if rep, err := srv.hub.DeleteUnvisited(ctx, false); err != nil || len(rep.Deleted) != 0 {
		t.Fatalf("after the break: deleted %q (%v)", rep.Deleted, err)
	}
	clock.Advance(32 * 24 * time.Hour)
	if rep, err := srv.hub.DeleteUnvisited(ctx, false); err != nil || len(rep.Deleted) != 1 {
		t.Fatalf("30 days after the break: deleted %q (%v)", rep.Deleted, err)
	}
}

// unloadingHistory holds back the snapshot a board keeps when it unloads
// until the board's storage is deleted, or a moment has passed, and says
// how keeping it went.
type unloadingHistory struct {
	boardsync.History
	entered chan struct{}
	deleted chan struct{} // closed by deletingLifecycle
	kept    chan error
}

func (h *unloadingHistory) Keep(ctx context.Context, id string, k boardsync.Kept) error {
	if k.Reason != boardsync.KeptLeft {
		return h.History.Keep(ctx, id, k)
	}
	close(h.entered)
	select {
	case <-h.deleted:
	case <-time.After(300 * time.Millisecond): // the deletion waits, as it should
	}
	err := h.History.Keep(ctx, id, k)
	h.kept <- err
	return err
}

type deletingLifecycle struct {
	boardsync.Lifecycle
	deleted chan struct{}
}

func (l *deletingLifecycle) DeleteBoard(ctx context.Context, id string, t boardsync.Tombstone, unopenedSince time.Time) error {
	close(l.deleted)
	return l.Lifecycle.DeleteBoard(ctx, id, t, unopenedSince)
}

// A board deleted as it unloads: the deletion waits for the snapshots
// it writes on its way out, which are kept (not refused for a board no
// longer there), and then deleted with it; also when someone opened the
// board again meanwhile.
func TestDeleteWhileUnloading(t *testing.T) {
	for _, reopened := range []bool{false, true} {
		t.Run(fmt.Sprintf("reopened=%v", reopened), func(t *testing.T) { testDeleteWhileUnloading(t, reopened) })
	}
}

func testDeleteWhileUnloading(t *testing.T, reopened bool) {
	store := mustStore(t)
	clock := newFakeClock()
	deleted := make(chan struct{})
	hist := &unloadingHistory{History: store, entered: make(chan struct{}), deleted: deleted, kept: make(chan error, 1)}
	srv := mustServer(t, store, boardsync.Limits{IdleTimeout: 20 * time.Millisecond},
		boardsync.Config{Clock: clock, History: hist, Lifecycle: &deletingLifecycle{Lifecycle: store, deleted: deleted}})
	ctx := context.Background()
	id, links := srv.mustBoardLinks(t)
	c := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Participant: wsclient.NewParticipant(), Name: "Ada"})
	c.mustApply(createOp(uuid.NewString(), 0, 0))
	c.c.Close()
	// The room sees its last connection go in its own time, then
	// IdleTimeout pass on the clock.
	for unloading := false; !unloading; {
		clock.Advance(time.Minute)
		select {
		case <-hist.entered:
			unloading = true
		case <-time.After(20 * time.Millisecond):
		}
	}
	if reopened {
		mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Participant: wsclient.NewParticipant(), Name: "Bo"})
	}
	a, err := srv.hub.Resolve(ctx, links.Facilitate)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.hub.DeleteBoard(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := <-hist.kept; err != nil {
		t.Errorf("the snapshot kept on unloading, as the board was deleted: %v", err)
	}
	if kept, err := store.KeptList(ctx, id); len(kept) != 0 || board.ErrorCode(err) != board.ENotFound && err != nil {
		t.Errorf("kept snapshots after deleting: %d %v", len(kept), err)
	}
}
