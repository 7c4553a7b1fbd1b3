package sync_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/sync/wsclient"
)

// A deleted note waits in the trash across restarts of a server on a real
// bbolt file (from snapshots and from the log), only a facilitator sees it
// there, and an undelete brings it back to everyone with its comment.
func TestTrashAcrossRestarts(t *testing.T) {
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "corkboard.db"), boltstore.Options{CommitInterval: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	srv := mustServer(t, store, boardsync.Limits{SnapshotEvery: 3})
	id, links := srv.mustBoardLinks(t)
	ctx := context.Background()
	teacher := mustDial(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "t", Name: "T", Participant: wsclient.NewParticipant()})
	ada := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "a", Name: "Ada", Participant: wsclient.NewParticipant()})
	note, other := uuid.NewString(), uuid.NewString()
	ada.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: note, X: f(10), Y: f(20), Text: s("keep me")}})
	ada.mustApply(board.Op{Kind: board.KindComment, ID: note, Comment: &board.NewComment{ID: uuid.NewString(), Text: s("me too")}})
	ada.mustApply(createOp(other, 0, 0))
	ada.mustApply(deleteOp(note))
	ada.mustApply(moveOp(other, 5, 5))

	for _, a := range []boardsync.Access{{BoardID: id, Role: board.RoleEdit}, {BoardID: id, Role: board.RoleView}} {
		if _, err := srv.hub.Trash(ctx, a); board.ErrorCode(err) != board.EForbidden {
			t.Errorf("%s asked for the trash: %v", a.Role, err)
		}
	}
	ada.c.WS.Close()
	teacher.c.WS.Close()
	srv.restart(t)
	trash, err := srv.hub.Trash(ctx, boardsync.Access{BoardID: id, Role: board.RoleFacilitate})
	if err != nil || len(trash) != 1 || trash[0].Note.Text != "keep me" || trash[0].DeletedBy != "Ada" {
		t.Fatalf("after a restart the trash holds %+v (%v)", trash, err)
	}
	teacher = mustDial(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "t2", Participant: wsclient.NewParticipant()})
	viewer := mustDial(t, srv.wsURL(links.View), wsclient.Hello{Client: "v", Participant: wsclient.NewParticipant()})
	teacher.mustApply(board.Op{Kind: board.KindUndelete, ID: note})
	viewer.readUntil("the undelete", func() bool { return viewer.version() == teacher.version() })
	if n, ok := viewer.replica.Board.Notes[note]; !ok || n.Text != "keep me" || len(n.Comments) != 1 || n.X != 10 {
		t.Fatalf("the viewer got back %+v", n)
	}
	seq := teacher.send(board.Op{Kind: board.KindUndelete, ID: note})
	teacher.readUntil("the answer", func() bool { _, ok := teacher.rejects[seq]; _, acked := teacher.acks[seq]; return ok || acked })
	if reply := teacher.rejects[seq]; reply.Code != board.ENotFound {
		t.Errorf("a second undelete: %+v", reply)
	}
	srv.restart(t)
	if b := srv.board(t, links.Facilitate); b.Notes[note].Text != "keep me" {
		t.Errorf("after another restart the note is %+v", b.Notes[note])
	}
	if trash, _ := srv.hub.Trash(ctx, boardsync.Access{BoardID: id, Role: board.RoleFacilitate}); len(trash) != 0 {
		t.Errorf("the trash still holds %d", len(trash))
	}
}
