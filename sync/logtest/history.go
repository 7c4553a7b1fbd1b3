package logtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"corkboard/board"
	boardsync "corkboard/sync"
)

// RunHistory runs the conformance suite of boardsync.History. open returns
// a new, empty store; reopen, if not nil, closes one and opens its data
// again. A store that is also a boardsync.Log gets its boards created in
// it first, as the hub does.
func RunHistory(t *testing.T, open func(t *testing.T) boardsync.History, reopen func(t *testing.T, h boardsync.History) boardsync.History) {
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	kept := func(id string, version uint64, name string) boardsync.Kept {
		return boardsync.Kept{ID: id, Name: name, Reason: boardsync.KeptNamed, At: at.Add(time.Duration(version) * time.Minute),
			By: "Ada", Version: version, Notes: int(version), Data: fmt.Appendf(nil, `{"board":%q}`, id)}
	}
	create := func(t *testing.T, h boardsync.History, id string) {
		if l, ok := h.(boardsync.Log); ok {
			if err := l.Create(ctx, id, []byte(`{}`)); err != nil {
				t.Fatal(err)
			}
		}
	}

	t.Run("keep, list and read", func(t *testing.T) {
		h := open(t)
		a, b := board.NewID(), board.NewID()
		create(t, h, a)
		create(t, h, b)
		// Kept out of version order, two at one version, and one of
		// another board between them.
		for _, k := range []boardsync.Kept{kept("s5", 5, "Five"), kept("s1", 1, ""), kept("s5b", 5, "Five again")} {
			if err := h.Keep(ctx, a, k); err != nil {
				t.Fatal(err)
			}
		}
		if err := h.Keep(ctx, b, kept("s3", 3, "")); err != nil {
			t.Fatal(err)
		}
		if err := h.Keep(ctx, a, kept("s1", 9, "")); board.ErrorCode(err) != board.EConflict {
			t.Errorf("keeping a second s1: %v, want conflict", err)
		}
		if reopen != nil {
			h = reopen(t, h)
		}
		list, err := h.KeptList(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, k := range list {
			got = append(got, fmt.Sprintf("%s@%d", k.ID, k.Version))
			if k.Data != nil {
				t.Errorf("the list gives %s's data", k.ID)
			}
		}
		if fmt.Sprint(got) != "[s1@1 s5@5 s5b@5]" {
			t.Errorf("board a's snapshots: %v", got)
		}
		k, err := h.KeptSnapshot(ctx, a, "s5b")
		want := kept("s5b", 5, "Five again")
		if err != nil || k.Name != want.Name || k.By != want.By || !k.At.Equal(want.At) || k.Notes != 5 || k.Reason != boardsync.KeptNamed || string(k.Data) != string(want.Data) {
			t.Errorf("s5b: %+v %v", k, err)
		}
		if _, err := h.KeptSnapshot(ctx, a, "s3"); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("board b's snapshot read as board a's: %v, want not found", err)
		}
		if list, err := h.KeptList(ctx, board.NewID()); err != nil || len(list) != 0 {
			t.Errorf("a board with no history: %v %v", list, err)
		}
	})
}
