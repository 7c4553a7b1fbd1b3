package boltstore_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/sync/storetest"
)

func mustOpen(t *testing.T, path string) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t,
		func(t *testing.T) boardsync.Store {
			return mustOpen(t, filepath.Join(t.TempDir(), "data", "corkboard.db"))
		},
		func(t *testing.T, s boardsync.Store) boardsync.Store {
			bs := s.(*boltstore.Store)
			path := bs.Path()
			if err := bs.Close(); err != nil {
				t.Fatal(err)
			}
			return mustOpen(t, path)
		})
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()

	t.Run("in use", func(t *testing.T) {
		path := filepath.Join(dir, "busy.db")
		mustOpen(t, path)
		// bbolt's lock is per process and file descriptor (flock), so a
		// second Open in this process meets it just as another process would.
		_, err := boltstore.Open(path)
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
			_, err := boltstore.Open(path)
			if err == nil || !strings.Contains(err.Error(), "not a") {
				t.Errorf("got %v, want a clear error", err)
			}
		})
	}

	t.Run("unreadable folder", func(t *testing.T) {
		blocker := filepath.Join(dir, "file")
		os.WriteFile(blocker, nil, 0o600)
		if _, err := boltstore.Open(filepath.Join(blocker, "x.db")); err == nil {
			t.Error("opened a database below a file")
		}
	})
}
