package sync_test

import (
	"testing"

	"github.com/google/uuid"

	boardsync "corkboard/sync"
	"corkboard/sync/wsclient"
)

func TestTwoClientsConverge(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Name: "Ada", Color: "#336699"})
	b := mustDial(t, srv.wsURL(id), wsclient.Hello{Name: "Bo"})

	n1, n2 := uuid.NewString(), uuid.NewString()
	ack := a.mustApply(createOp(n1, 10, 10))
	if ack.Version != 1 {
		t.Errorf("first op got version %d", ack.Version)
	}
	b.mustApply(createOp(n2, 300, 10))
	a.mustApply(textOp(n2, "from a"))
	b.mustApply(moveOp(n1, 50, 60))

	a.readUntil("version 4", func() bool { return a.version() == 4 })
	b.readUntil("version 4", func() bool { return b.version() == 4 })
	want := srv.boardJSON(t, id)
	for _, c := range []*client{a, b} {
		if got := mustJSON(t, c.replica.Board.Public()); got != want {
			t.Errorf("client %s:\n got %s\nwant %s", c.c.Hello.Client, got, want)
		}
	}
	if n := srv.hub.Metrics().OpsAccepted.Load(); n != 4 {
		t.Errorf("accepted %d ops, want 4", n)
	}
	if got := a.replica.Board.Notes[n1].Author; got != "Ada" {
		t.Errorf("author %q, want Ada", got)
	}
}
