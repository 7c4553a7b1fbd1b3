package logtest

import (
	"context"
	"testing"
	"time"

	"corkboard/board"
	boardsync "corkboard/sync"
)

// RunLinks runs the conformance suite of boardsync.Links. open returns a
// new, empty store; reopen, if not nil, closes one and opens its data
// again.
func RunLinks(t *testing.T, open func(t *testing.T) boardsync.Links, reopen func(t *testing.T, l boardsync.Links) boardsync.Links) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	id := board.NewID()
	links := boardsync.NewLinks()

	t.Run("create and resolve", func(t *testing.T) {
		s := open(t)
		if err := s.CreateLinks(ctx, id, links); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateLinks(ctx, id, boardsync.NewLinks()); board.ErrorCode(err) != board.EConflict {
			t.Errorf("second create: %v, want conflict", err)
		}
		if reopen != nil {
			s = reopen(t, s)
		}
		for _, r := range board.Roles {
			a, err := s.Resolve(ctx, links.Link(r))
			if err != nil || a != (boardsync.Access{BoardID: id, Role: r, Link: links.Link(r)}) {
				t.Errorf("%s link: %+v %v", r, a, err)
			}
		}
		for _, bad := range []string{board.NewID(), id, ""} {
			if _, err := s.Resolve(ctx, bad); board.ErrorCode(err) != board.ENotFound {
				t.Errorf("resolving %q: %v, want not found", bad, err)
			}
		}
		got, err := s.BoardLinks(ctx, id)
		if err != nil || got != links {
			t.Errorf("board links %+v %v", got, err)
		}
		if _, err := s.BoardLinks(ctx, board.NewID()); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("links of an unknown board: %v", err)
		}
	})

	t.Run("a replaced link and code stop working", func(t *testing.T) {
		s := open(t)
		if err := s.CreateLinks(ctx, id, links); err != nil {
			t.Fatal(err)
		}
		next := links
		next.Edit = board.NewID()
		next.Join = boardsync.JoinSettings{Role: board.RoleView, Code: "ACDEFH", Expires: now.Add(time.Hour)}
		if err := s.UpdateLinks(ctx, id, next); err != nil {
			t.Fatal(err)
		}
		if reopen != nil {
			s = reopen(t, s)
		}
		if _, err := s.Resolve(ctx, links.Edit); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("the old edit link: %v, want not found", err)
		}
		if a, err := s.Resolve(ctx, next.Edit); err != nil || a.Role != board.RoleEdit {
			t.Errorf("the new edit link: %+v %v", a, err)
		}
		if a, err := s.Resolve(ctx, links.View); err != nil || a.Role != board.RoleView {
			t.Errorf("the view link, untouched: %+v %v", a, err)
		}
		if got, err := s.ResolveCode(ctx, "ACDEFH", now); err != nil || got != id {
			t.Errorf("the code: %q %v", got, err)
		}
		if _, err := s.ResolveCode(ctx, "ACDEFH", now.Add(time.Hour)); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("the code once expired: %v, want not found", err)
		}
		if _, err := s.ResolveCode(ctx, "HFEDCA", now); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("another code: %v, want not found", err)
		}
		// Joining turned off: the code leads nowhere.
		next.Join = boardsync.JoinSettings{Role: board.RoleView}
		if err := s.UpdateLinks(ctx, id, next); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResolveCode(ctx, "ACDEFH", now); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("the code after joining was turned off: %v, want not found", err)
		}
		if err := s.UpdateLinks(ctx, board.NewID(), next); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("updating an unknown board's links: %v", err)
		}
	})
}
