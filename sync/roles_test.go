package sync_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/wsclient"
)

// TestRoleMatrix sends every kind of client message from every role and
// checks what the protocol promises: what a role may not do is refused
// with the documented code and leaves the board byte for byte as it was.
func TestRoleMatrix(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	_, links := srv.mustBoardLinks(t)
	owner := mustDial(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "owner", Name: "Teacher"})
	n := uuid.NewString()
	owner.mustApply(createOp(n, 0, 0))
	title := "Renamed"
	var toDelete string

	type outcome string
	const (
		applied   outcome = "applied"
		forbidden outcome = "forbidden"
		answered  outcome = "answered" // a reply of its own, no change
		errored   outcome = "error forbidden"
	)
	messages := []struct {
		name  string
		setup func(c *client) // before the board is compared
		send  func(c *client) (seq uint64)
		// want for facilitate, edit, view
		want [3]outcome
	}{
		{"create", nil, func(c *client) uint64 { return c.send(createOp(uuid.NewString(), 1, 1)) }, [3]outcome{applied, applied, forbidden}},
		{"update", nil, func(c *client) uint64 { return c.send(moveOp(n, 5, 5)) }, [3]outcome{applied, applied, forbidden}},
		{"batch", nil, func(c *client) uint64 {
			return c.send(board.Op{Kind: board.KindBatch, Ops: []board.Op{moveOp(n, 7, 7), textOp(n, "batch")}})
		}, [3]outcome{applied, applied, forbidden}},
		{"rename", nil, func(c *client) uint64 { return c.send(board.Op{Kind: board.KindRename, Title: &title}) }, [3]outcome{applied, forbidden, forbidden}},
		{"batch with a rename", nil, func(c *client) uint64 {
			return c.send(board.Op{Kind: board.KindBatch, Ops: []board.Op{moveOp(n, 8, 8), {Kind: board.KindRename, Title: &title}}})
		}, [3]outcome{applied, forbidden, forbidden}},
		{"delete", func(c *client) {
			// Each role deletes a note of its own, made by the owner.
			toDelete = uuid.NewString()
			owner.mustApply(createOp(toDelete, 2, 2))
			c.readUntil("the note", func() bool { return c.replica.Board.Notes[toDelete].ID == toDelete })
		}, func(c *client) uint64 { return c.send(deleteOp(toDelete)) }, [3]outcome{applied, applied, forbidden}},
		{"who", nil, func(c *client) uint64 { c.c.SendJSON(map[string]string{"type": "who"}); return 0 }, [3]outcome{answered, answered, answered}},
		{"remove", nil, func(c *client) uint64 {
			c.c.SendJSON(map[string]string{"type": "remove", "peer": "nobody-here"})
			return 0
		}, [3]outcome{answered, errored, errored}},
	}
	roles := []board.Role{board.RoleFacilitate, board.RoleEdit, board.RoleView}
	for i, role := range roles {
		c := mustDial(t, srv.wsURL(links.Link(role)), wsclient.Hello{Client: "c-" + string(role)})
		if got := c.c.Welcome.Role; got != role {
			t.Errorf("%s link: welcome role %q", role, got)
		}
		for _, m := range messages {
			t.Run(string(role)+" "+m.name, func(t *testing.T) {
				if m.setup != nil {
					m.setup(c)
				}
				before := srv.boardJSON(t, links.Facilitate)
				nErr, nPeople := len(c.errors), len(c.people)
				seq := m.send(c)
				switch want := m.want[i]; want {
				case applied:
					c.readUntil("ack", func() bool { _, ok := c.acks[seq]; _, rej := c.rejects[seq]; return ok || rej })
					if r, ok := c.rejects[seq]; ok {
						t.Errorf("rejected: %s %s", r.Code, r.Message)
					}
				case forbidden:
					c.readUntil("reject", func() bool { _, ok := c.acks[seq]; _, rej := c.rejects[seq]; return ok || rej })
					if r := c.rejects[seq]; r.Code != board.EForbidden || r.Message == "" {
						t.Errorf("got %+v, want a reject forbidden with a message", r)
					}
					if after := srv.boardJSON(t, links.Facilitate); after != before {
						t.Errorf("the board changed:\n%s\n%s", before, after)
					}
				case answered:
					c.readUntil("an answer", func() bool { return len(c.people) > nPeople || len(c.errors) > nErr })
					if len(c.errors) > nErr && c.errors[len(c.errors)-1].Code == board.EForbidden {
						t.Errorf("refused: %+v", c.errors[len(c.errors)-1])
					}
				case errored:
					c.readUntil("an error", func() bool { return len(c.errors) > nErr })
					if e := c.errors[len(c.errors)-1]; e.Code != board.EForbidden {
						t.Errorf("got %+v, want an error forbidden", e)
					}
				}
			})
		}
	}
}

// TestReplacedLink: the facilitator replaces the edit link; the sockets
// that came in with it are closed with 4004 and a reason a person can
// read, the old link leads nowhere, and the new one works.
func TestReplacedLink(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id, links := srv.mustBoardLinks(t)
	ed := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "ed"})
	viewer := mustDial(t, srv.wsURL(links.View), wsclient.Hello{Client: "viewer"})
	owner := boardsync.Access{BoardID: id, Role: board.RoleFacilitate, Link: links.Facilitate}
	if _, err := srv.hub.ReplaceLink(context.Background(), boardsync.Access{BoardID: id, Role: board.RoleEdit, Link: links.Edit}, board.RoleView); board.ErrorCode(err) != board.EForbidden {
		t.Errorf("an editor replacing a link: %v, want forbidden", err)
	}
	next, err := srv.hub.ReplaceLink(context.Background(), owner, board.RoleEdit)
	if err != nil {
		t.Fatal(err)
	}
	ed.c.WS.SetReadDeadline(deadline())
	_, _, err = ed.c.WS.ReadMessage()
	for err == nil {
		_, _, err = ed.c.WS.ReadMessage()
	}
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != boardsync.CloseLinkReplaced || ce.Text != "This link was replaced by the board's owner." {
		t.Errorf("the edit socket: %v, want close %d with the reason", err, boardsync.CloseLinkReplaced)
	}
	if code := dialStatus(t, srv.wsURL(links.Edit)); code != http.StatusNotFound {
		t.Errorf("the old edit link: HTTP %d, want 404", code)
	}
	if next.Edit == links.Edit || next.View != links.View || next.Facilitate != links.Facilitate {
		t.Errorf("links after replacing edit: %+v (were %+v)", next, links)
	}
	ed2 := mustDial(t, srv.wsURL(next.Edit), wsclient.Hello{Client: "ed"})
	ed2.mustApply(createOp(uuid.NewString(), 0, 0))
	// The viewer was not touched.
	viewer.readUntil("the new note", func() bool { return viewer.version() == 1 })
}

// TestRemovePerson: the facilitator removes a person; every tab of theirs
// is closed with 4005, and they may come back with the link.
func TestRemovePerson(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	_, links := srv.mustBoardLinks(t)
	owner := mustDial(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "owner"})
	secret := wsclient.NewParticipant()
	tab1 := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "tab1", Participant: secret})
	tab2 := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "tab2", Participant: secret})
	other := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "other"})
	owner.c.SendJSON(map[string]string{"type": "remove", "peer": tab1.c.Welcome.You})
	for _, tab := range []*client{tab1, tab2} {
		if code := tab.readClose(); code != boardsync.CloseRemoved {
			t.Errorf("a removed tab closed with %d, want %d", code, boardsync.CloseRemoved)
		}
	}
	other.mustApply(createOp(uuid.NewString(), 0, 0))
	back := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "tab1", Participant: secret})
	back.mustApply(createOp(uuid.NewString(), 1, 1))
}

// TestJoinCode: a join code leads to the join link chosen, never to the
// facilitate link, expires, and leads nowhere once joining is turned off.
func TestJoinCode(t *testing.T) {
	clock := newFakeClock()
	srv := mustServer(t, nil, boardsync.Limits{}, boardsync.Config{Clock: clock})
	id, links := srv.mustBoardLinks(t)
	ctx := context.Background()
	owner := boardsync.Access{BoardID: id, Role: board.RoleFacilitate, Link: links.Facilitate}
	if _, err := srv.hub.SetJoin(ctx, owner, true, board.RoleFacilitate); board.ErrorCode(err) != board.EInvalid {
		t.Errorf("a code to the facilitate link: %v, want invalid", err)
	}
	l, err := srv.hub.SetJoin(ctx, owner, true, board.RoleView)
	if err != nil || l.Join.Code == "" {
		t.Fatalf("%+v %v", l, err)
	}
	typed := " " + boardsync.FormatJoinCode(l.Join.Code)[:3] + " - " + boardsync.FormatJoinCode(l.Join.Code)[4:] // as a person types it
	a, err := srv.hub.ResolveCode(ctx, typed)
	if err != nil || a.Role != board.RoleView || a.Link != links.View {
		t.Errorf("the code leads to %+v %v, want the view link", a, err)
	}
	clock.Advance(boardsync.JoinCodeTTL)
	if _, err := srv.hub.ResolveCode(ctx, l.Join.Code); board.ErrorCode(err) != board.ENotFound {
		t.Errorf("an expired code: %v, want not found", err)
	}
	l, _ = srv.hub.SetJoin(ctx, owner, true, board.RoleEdit)
	if a, err := srv.hub.ResolveCode(ctx, l.Join.Code); err != nil || a.Link != links.Edit {
		t.Errorf("the new code leads to %+v %v, want the edit link", a, err)
	}
	if _, err := srv.hub.SetJoin(ctx, owner, false, board.RoleEdit); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.hub.ResolveCode(ctx, l.Join.Code); board.ErrorCode(err) != board.ENotFound {
		t.Errorf("a code after joining was turned off: %v", err)
	}
	for _, bad := range []string{"", "0O1IL2", "ABCDEFGHIJ", "ÅÄÖ123"} {
		if _, err := srv.hub.ResolveCode(ctx, bad); board.ErrorCode(err) != board.ENotFound {
			t.Errorf("code %q: %v, want not found", bad, err)
		}
	}
}

// TestLegacyBoard: a board made before links, which has none, is reached
// by its id as its facilitate link, and gets edit and view links when
// they are first asked for.
func TestLegacyBoard(t *testing.T) {
	log := boardsync.NewMemLog()
	id := board.NewID()
	snap, _ := board.New(id, "Old board", clockStart).MarshalJSON()
	if err := log.Create(context.Background(), id, snap); err != nil {
		t.Fatal(err)
	}
	srv := mustServer(t, log, boardsync.Limits{})
	c := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "old"})
	if c.c.Welcome.Role != board.RoleFacilitate {
		t.Errorf("the old link's role: %q, want facilitate", c.c.Welcome.Role)
	}
	c.mustApply(createOp(uuid.NewString(), 0, 0))
	a, err := srv.hub.Resolve(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	l, err := srv.hub.BoardLinks(context.Background(), a)
	if err != nil || l.Facilitate != id || l.Edit == "" || l.View == "" {
		t.Fatalf("links of the old board: %+v %v", l, err)
	}
	ed := mustDial(t, srv.wsURL(l.Edit), wsclient.Hello{Client: "ed"})
	if ed.c.Welcome.Role != board.RoleEdit || ed.version() != 1 {
		t.Errorf("the new edit link: %+v", ed.c.Welcome)
	}
	// The id is this board's facilitate link: editors and viewers never
	// see it, in a welcome or from the hub (the page and the API).
	for _, link := range []string{l.Edit, l.View} {
		c := mustDial(t, srv.wsURL(link), wsclient.Hello{Client: "peek"})
		if strings.Contains(string(c.c.Welcome.Board), id) {
			t.Errorf("a welcome tells %s the board's id: %s", link, c.c.Welcome.Board)
		}
	}
	if b, err := srv.hub.Board(context.Background(), id); err != nil || b.ID != "" {
		t.Errorf("Hub.Board gives id %q (%v), want none", b.ID, err)
	}
}
