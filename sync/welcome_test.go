package sync_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/wsclient"
)

// A welcome holds the receiver's own view, as a tab that was there does,
// when all that is theirs is a comment (waiting, private, or masked for
// others) or a masked text they wrote on someone else's note.
func TestWelcomeHoldsOwnComments(t *testing.T) {
	for _, tt := range []struct {
		name string
		do   func(teacher, ada *client, note string)
	}{
		{"a waiting comment", func(teacher, ada *client, note string) {
			teacher.mustApply(board.Op{Kind: board.KindModerate, Moderation: &board.Moderation{Approval: true}})
			ada.mustApply(board.Op{Kind: board.KindComment, ID: note, Comment: &board.NewComment{ID: uuid.NewString(), Text: s("mine, waiting")}})
		}},
		{"a private comment", func(teacher, ada *client, note string) {
			teacher.mustApply(board.Op{Kind: board.KindHide})
			ada.mustApply(board.Op{Kind: board.KindComment, ID: note, Comment: &board.NewComment{ID: uuid.NewString(), Text: s("mine, private")}})
		}},
		{"a masked comment", func(teacher, ada *client, note string) {
			teacher.mustApply(board.Op{Kind: board.KindModerate, Moderation: &board.Moderation{Filter: &board.Filter{Mode: board.FilterMask, Words: []string{"rutabaga"}}}})
			ada.mustApply(board.Op{Kind: board.KindComment, ID: note, Comment: &board.NewComment{ID: uuid.NewString(), Text: s("my rutabaga")}})
		}},
		{"a masked text on someone else's note", func(teacher, ada *client, note string) {
			teacher.mustApply(board.Op{Kind: board.KindModerate, Moderation: &board.Moderation{Filter: &board.Filter{Mode: board.FilterMask, Words: []string{"rutabaga"}}}})
			ada.mustApply(textOp(note, "my rutabaga"))
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := mustServer(t, boardsync.NewMemLog(), boardsync.Limits{})
			id, links := srv.mustBoardLinks(t)
			adaSecret := wsclient.NewParticipant()
			teacher := mustDial(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "t", Participant: wsclient.NewParticipant()})
			ada := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "a", Participant: adaSecret})
			note := uuid.NewString()
			teacher.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: note, X: f(0), Y: f(0), Text: s("the teacher's")}})
			tt.do(teacher, ada, note)
			ada.readUntil("every version", func() bool { return ada.version() == teacher.version() || ada.version() > teacher.version() })

			back := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "a2", Participant: adaSecret})
			want, err := srv.hub.BoardFor(context.Background(), id, board.ParticipantID(adaSecret), false)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := mustJSON(t, back.replica.Board.Notes[note]), mustJSON(t, want.Notes[note]); got != want {
				t.Errorf("Ada's welcome holds\n%s\nher view is\n%s", got, want)
			}
			if got, live := mustJSON(t, back.replica.Board.Notes[note]), mustJSON(t, ada.replica.Board.Notes[note]); got != live {
				t.Errorf("Ada's welcome holds\n%s\nher live tab holds\n%s", got, live)
			}
		})
	}
}
