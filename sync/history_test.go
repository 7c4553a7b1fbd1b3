package sync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/sync/wsclient"
)

// watchedHistory is a MemHistory that says on kept when it has kept a
// snapshot, so tests wait for the room's keeping instead of sleeping.
type watchedHistory struct {
	*boardsync.MemHistory
	kept chan boardsync.Kept
}

func newWatchedHistory() *watchedHistory {
	return &watchedHistory{MemHistory: boardsync.NewMemHistory(), kept: make(chan boardsync.Kept, 100)}
}

func (w *watchedHistory) Keep(ctx context.Context, id string, k boardsync.Kept) error {
	err := w.MemHistory.Keep(ctx, id, k)
	if err == nil {
		w.kept <- k
	}
	return err
}

func (w *watchedHistory) next(t *testing.T, want boardsync.KeptReason) boardsync.Kept {
	t.Helper()
	return w.nextAdvancing(t, want, nil)
}

// nextAdvancing is next for a snapshot kept when a board unloads: the
// room must first see its last connection leave (which it does in its
// own time) and then IdleTimeout pass on clock, so the clock is moved on
// until it has.
func (w *watchedHistory) nextAdvancing(t *testing.T, want boardsync.KeptReason, clock *fakeClock) boardsync.Kept {
	t.Helper()
	giveUp := time.After(10 * time.Second)
	for {
		var tick <-chan time.Time
		if clock != nil {
			clock.Advance(time.Minute)
			tick = time.After(20 * time.Millisecond)
		}
		select {
		case k := <-w.kept:
			if k.Reason != want {
				t.Fatalf("kept a snapshot %q at version %d, want one %q", k.Reason, k.Version, want)
			}
			return k
		case <-tick:
		case <-giveUp:
			t.Fatalf("no snapshot %q was kept", want)
			return boardsync.Kept{}
		}
	}
}

// A board keeps a snapshot when it is created, KeepInterval after the
// first change since its last one, and when the last person leaves; each
// holds the board as it was.
func TestKeptAutomatically(t *testing.T) {
	clock := newFakeClock()
	hist := newWatchedHistory()
	// The room looks for idleness every IdleTimeout/2 of real time, and
	// measures it on the fake clock.
	srv := mustServer(t, nil, boardsync.Limits{KeepInterval: 10 * time.Minute, IdleTimeout: 20 * time.Millisecond}, boardsync.Config{Clock: clock, History: hist})
	id, links := srv.mustBoardLinks(t)
	if k := hist.next(t, boardsync.KeptCreated); k.Version != 0 || k.Notes != 0 {
		t.Errorf("the created snapshot: %+v", k)
	}
	c := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Participant: wsclient.NewParticipant(), Name: "Ada"})
	n := uuid.NewString()
	c.mustApply(createOp(n, 0, 0))
	clock.Advance(9 * time.Minute)
	c.mustApply(textOp(n, "nine minutes in"))
	select {
	case k := <-hist.kept:
		t.Fatalf("kept %q before ten minutes of activity", k.Reason)
	default:
	}
	clock.Advance(time.Minute)
	c.mustApply(moveOp(n, 10, 10)) // the room looks at the clock after each event
	k := hist.next(t, boardsync.KeptActivity)
	if k.Version < 2 || k.Notes != 1 {
		t.Errorf("the activity snapshot: version %d, %d notes", k.Version, k.Notes)
	}
	c.mustApply(textOp(n, "last words"))
	c.c.Close()
	left := hist.nextAdvancing(t, boardsync.KeptLeft, clock) // nobody comes back: the board unloads
	if left.Version != 4 {
		t.Errorf("kept when everyone left at version %d, want 4", left.Version)
	}
	full, err := hist.KeptSnapshot(context.Background(), id, left.ID)
	if err != nil || !strings.Contains(string(full.Data), "last words") {
		t.Errorf("the snapshot kept when everyone left: %s %v", full.Data, err)
	}
	// Nothing changed since: leaving again keeps nothing more.
	c2 := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Participant: wsclient.NewParticipant()})
	c2.c.Close()
	h, err := srv.hub.History(context.Background(), id, true)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, k := range h.Snapshots {
		reasons = append(reasons, string(k.Reason))
	}
	if got := strings.Join(reasons, " "); got != "left activity created" || h.Start != 0 || h.Last != 4 {
		t.Errorf("history: %s, start %d, last %d", got, h.Start, h.Last)
	}
}

// A named snapshot is kept once everything before it is durable, for
// editors and facilitators; a view link, a blank or overlong name, and a
// name of several lines are refused and keep nothing.
func TestKeepNamedSnapshot(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id, links := srv.mustBoardLinks(t)
	c := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Participant: wsclient.NewParticipant()})
	n := uuid.NewString()
	c.mustApply(createOp(n, 0, 0))
	c.mustApply(textOp(n, "kept"))
	ctx := context.Background()
	access := func(link string) boardsync.Access {
		a, err := srv.hub.Resolve(ctx, link)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	k, err := srv.hub.KeepSnapshot(ctx, access(links.Edit), "End of lesson 3", "Ada")
	if err != nil || k.Name != "End of lesson 3" || k.By != "Ada" || k.Version != 2 || k.Notes != 1 || k.Reason != boardsync.KeptNamed {
		t.Fatalf("named snapshot: %+v %v", k, err)
	}
	if _, err := srv.hub.KeepSnapshot(ctx, access(links.Facilitate), "End of lesson 3", "Bo"); board.ErrorCode(err) != board.EConflict {
		t.Errorf("the same snapshot kept again: %v, want conflict", err)
	}
	b, kept, err := srv.hub.KeptBoard(ctx, id, k.ID)
	if err != nil || b.Notes[n].Text != "kept" || kept.ID != k.ID {
		t.Errorf("the named snapshot's board: %+v %v", b, err)
	}
	for _, bad := range []struct {
		link, name, code string
	}{
		{links.View, "From a viewer", board.EForbidden},
		{links.Edit, "", board.EInvalid},
		{links.Edit, strings.Repeat("x", boardsync.MaxKeptNameRunes+1), board.EInvalid},
		{links.Edit, "two\nlines", board.EInvalid},
		{links.Edit, "a\u0085b", board.EInvalid},
	} {
		if _, err := srv.hub.KeepSnapshot(ctx, access(bad.link), bad.name, ""); board.ErrorCode(err) != bad.code {
			t.Errorf("keeping %q: %v, want %s", bad.name, err, bad.code)
		}
	}
	h, _ := srv.hub.History(ctx, id, true)
	if len(h.Snapshots) != 2 {
		t.Errorf("%d snapshots kept, want 2 (created, named)", len(h.Snapshots))
	}
	if _, _, err := srv.hub.KeptBoard(ctx, id, "nonesuch"); board.ErrorCode(err) != board.ENotFound {
		t.Errorf("an unknown snapshot: %v", err)
	}
}

// The board at every version, built from kept snapshots and the log, is
// the board a client saw at that version; the same after a restart on a
// bbolt file, when the log's own snapshot has moved on.
func TestBoardAtEveryVersion(t *testing.T) {
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
	var ids []string
	for i := range 40 {
		switch {
		case i%5 == 4 && len(ids) > 1:
			c.mustApply(deleteOp(ids[0]))
			ids = ids[1:]
		case i%3 == 2:
			c.mustApply(textOp(ids[len(ids)-1], fmt.Sprintf("text %d", i)))
		case i == 20:
			if _, err := srv.hub.KeepSnapshot(ctx, boardsync.Access{BoardID: id, Role: board.RoleEdit}, "half way", ""); err != nil {
				t.Fatal(err)
			}
			fallthrough
		default:
			n := uuid.NewString()
			ids = append(ids, n)
			c.mustApply(createOp(n, float64(i*10), 0))
		}
		record()
	}
	check := func(when string) {
		t.Helper()
		for v := uint64(0); v <= 40; v++ {
			b, err := srv.hub.BoardAt(ctx, id, v)
			if err != nil {
				t.Fatalf("%s: version %d: %v", when, v, err)
			}
			if got := mustJSON(t, b); got != want[v] {
				t.Errorf("%s: version %d:\n got %s\nwant %s", when, v, got, want[v])
			}
		}
		if _, err := srv.hub.BoardAt(ctx, id, 41); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("%s: a version to come: %v", when, err)
		}
	}
	check("live")
	c.c.Close()
	srv.restart(t)
	check("after a restart")
}

// Replay's operations are what a live client who is not their author was
// sent: a private note's text and a ballot stay withheld, and applied to
// the board at the start they give the board now.
func TestOpsAsSentLive(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id, links := srv.mustBoardLinks(t)
	teacher := mustDial(t, srv.wsURL(links.Facilitate), wsclient.Hello{Participant: wsclient.NewParticipant(), Name: "Teacher"})
	student := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Participant: wsclient.NewParticipant(), Name: "Bo"})
	watcher := mustDial(t, srv.wsURL(links.View), wsclient.Hello{Participant: wsclient.NewParticipant()})
	n := uuid.NewString()
	teacher.mustApply(createOp(n, 0, 0))
	teacher.mustApply(kind(board.KindHide))
	secret := uuid.NewString()
	student.mustApply(createOp(secret, 300, 0))
	student.mustApply(textOp(secret, "my secret answer"))
	teacher.mustApply(voteStart(3, 1, false))
	student.mustApply(voteOp(board.KindVote, n))
	watcher.readUntil("every operation", func() bool { return watcher.version() == 6 })

	ctx := context.Background()
	ops, last, err := srv.hub.Ops(ctx, id, 0, 0)
	if err != nil || len(ops) != 6 || last != 6 {
		t.Fatalf("%d ops, %v", len(ops), err)
	}
	for i, op := range ops {
		var got, live wsclient.Message
		if err := json.Unmarshal(op, &got); err != nil {
			t.Fatal(err)
		}
		live = watcher.ops[i]
		if mustJSON(t, got) != mustJSON(t, live) {
			t.Errorf("op %d:\n replay %s\n   live %s", i+1, op, mustJSON(t, live))
		}
		if strings.Contains(string(op), "my secret answer") {
			t.Errorf("op %d gives away the private text: %s", i+1, op)
		}
	}
	// Pages: after and limit.
	if page, _, _ := srv.hub.Ops(ctx, id, 4, 1); len(page) != 1 || !strings.Contains(string(page[0]), `"version":5`) {
		t.Errorf("the page after 4, one long: %q", page)
	}
	if page, _, _ := srv.hub.Ops(ctx, id, 6, 0); len(page) != 0 {
		t.Errorf("after the last version: %q", page)
	}
	// The board at start, with every op applied, is the board now.
	start, err := srv.hub.BoardAt(ctx, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	var r wsclient.Replica
	data, _ := json.Marshal(start)
	if err := r.Apply(wsclient.Message{Type: "welcome", Board: data}); err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		var m wsclient.Message
		json.Unmarshal(op, &m)
		if err := r.Apply(m); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := mustJSON(t, r.Board), mustJSON(t, watcher.replica.Board); got != want {
		t.Errorf("replayed:\n%s\nlive:\n%s", got, want)
	}
}
