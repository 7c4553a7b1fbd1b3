package sync

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"corkboard/board"
)

// countingStore counts the commits that reach it.
type countingStore struct {
	Store
	commits, changes int
}

func (s *countingStore) Commit(ctx context.Context, changes []Change) error {
	s.commits++
	s.changes += len(changes)
	return s.Store.Commit(ctx, changes)
}

// TestCommitInterval: commits start at least CommitInterval apart, and
// what arrives meanwhile goes in the next one, so a steady stream of
// changes makes few commits, and none is lost.
func TestCommitInterval(t *testing.T) {
	store := &countingStore{Store: NewMemStore()}
	const boards, interval = 40, 50 * time.Millisecond
	ids := make([]string, boards)
	for i := range ids {
		ids[i] = board.NewID()
		if err := store.CreateBoard(context.Background(), ids[i], []byte("{}")); err != nil {
			t.Fatal(err)
		}
	}
	c := newCommitter(store, interval, &Metrics{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	go c.run()

	// One change every 2 ms for 40 changes: about 80 ms of submissions.
	start := time.Now()
	done := make(chan error, boards)
	for _, id := range ids {
		c.submit(commitRequest{change: Change{BoardID: id, Records: []Record{{Version: 1, Data: []byte("{}")}}}, done: done})
		time.Sleep(2 * time.Millisecond)
	}
	for range boards {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	c.stop()
	if store.changes != boards {
		t.Errorf("%d changes committed, want %d", store.changes, boards)
	}
	// Commits start at least interval apart, so within elapsed there is
	// room for at most elapsed/interval + 1 of them. (A slow machine only
	// makes fewer.)
	if most := int(elapsed/interval) + 1; store.commits > most {
		t.Errorf("%d commits in %v, want at most %d with a %v interval", store.commits, elapsed, most, interval)
	}
	t.Logf("%d changes in %d commits over %v", store.changes, store.commits, elapsed)
}
