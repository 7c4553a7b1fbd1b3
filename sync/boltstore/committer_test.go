package boltstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	dto "github.com/prometheus/client_model/go"

	boardsync "corkboard/sync"
)

// TestCommitInterval: commits start at least CommitInterval apart, and
// what arrives meanwhile goes in the next one, so a steady stream of
// appends makes few commits, and none is lost. The test runs on a fake
// clock (testing/synctest): the intervals are exact, and nothing sleeps.
func TestCommitInterval(t *testing.T) {
	path := filepath.Join(t.TempDir(), "interval.db")
	synctest.Test(t, func(t *testing.T) {
		const boards, interval = 40, 50 * time.Millisecond
		s, err := Open(path, Options{CommitInterval: interval})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ctx := context.Background()
		ids := make([]string, boards)
		for i := range ids {
			ids[i] = fmt.Sprintf("board-%d", i)
			if err := s.Create(ctx, ids[i], []byte("{}")); err != nil {
				t.Fatal(err)
			}
		}
		before := commitCount(t, s)

		// One append every 2 ms for 40 appends: 80 ms of submissions.
		start := time.Now()
		done := make(chan error, boards)
		for _, id := range ids {
			go func() {
				_, err := s.Append(ctx, id, boardsync.Batch{Records: []boardsync.Record{{Version: 1, Data: []byte("{}")}}})
				done <- err
			}()
			time.Sleep(2 * time.Millisecond)
		}
		for range boards {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		elapsed := time.Since(start)
		commits := commitCount(t, s) - before
		// Commits start at least interval apart, so within elapsed there
		// is room for at most elapsed/interval + 1 of them.
		if most := int(elapsed/interval) + 1; commits > most || commits < 2 {
			t.Errorf("%d commits in %v, want 2 to %d with a %v interval", commits, elapsed, most, interval)
		}
		for _, id := range ids {
			if log, err := s.Read(ctx, id, 1, 0); err != nil || len(log) != 1 {
				t.Errorf("board %s: %v %v", id, log, err)
			}
		}
		t.Logf("%d appends in %d commits over %v", boards, commits, elapsed)
	})
}

// commitCount returns how many commits the store has made.
func commitCount(t *testing.T, s *Store) int {
	t.Helper()
	var m dto.Metric
	if err := s.commitSeconds.Write(&m); err != nil {
		t.Fatal(err)
	}
	return int(m.GetHistogram().GetSampleCount())
}
