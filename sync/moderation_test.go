package sync_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/wsclient"
)

// TestWaitingAndFilteredNeverSent: with approval on, a waiting note's text
// (and the note itself) reaches its author's tabs and the facilitators,
// and nobody else: live, in welcomes, in resumes after a restart, in the
// API, replay and exports; a masked word reaches only the author and the
// facilitators. After the approval everyone holds their view of one board.
func TestWaitingAndFilteredNeverSent(t *testing.T) {
	srv := mustServer(t, boardsync.NewMemLog(), boardsync.Limits{})
	id, links := srv.mustBoardLinks(t)
	people := map[string]string{"teacher": wsclient.NewParticipant(), "ada": wsclient.NewParticipant(), "bo": wsclient.NewParticipant()}
	teacher, teacherFrames := watched(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "t", Participant: people["teacher"]})
	viewer, viewerFrames := watched(t, srv.wsURL(links.View), wsclient.Hello{Client: "v", Participant: wsclient.NewParticipant()})
	ada, _ := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "a1", Participant: people["ada"]})
	ada2, ada2Frames := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "a2", Participant: people["ada"]})
	bo, boFrames := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "b", Participant: people["bo"]})

	teacher.mustApply(board.Op{Kind: board.KindModerate, Moderation: &board.Moderation{Approval: true,
		Filter: &board.Filter{Mode: board.FilterMask, Words: []string{"rutabaga"}}}})
	const waiting = "W41TING-ADA"
	adaNote := uuid.NewString()
	ada.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: adaNote, X: f(10), Y: f(10), Text: s(waiting + " rutabaga")}})
	ada.mustApply(board.Op{Kind: board.KindBatch, Ops: []board.Op{textOp(adaNote, waiting+" rutabaga two"), moveOp(adaNote, 20, 20)}})
	boNote := uuid.NewString()
	bo.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: boNote, X: f(300), Y: f(10), Text: s("Bo's answer")}})
	// A comment waits too.
	question := uuid.NewString()
	teacher.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: question, X: f(600), Y: f(10), Text: s("Why?")}})
	const waitingComment = "C0MMENT-WAITING"
	ada.mustApply(board.Op{Kind: board.KindComment, ID: question, Comment: &board.NewComment{ID: uuid.NewString(), Text: s(waitingComment + " rutabaga")}})
	v := ada.version() // the last to write
	for _, c := range []*client{teacher, viewer, bo, ada2} {
		c.readUntil("every version", func() bool { return c.version() == v })
	}
	if n := ada2.replica.Board.Notes[adaNote]; n.Text != waiting+" rutabaga two" || !n.Pending {
		t.Errorf("Ada's other tab sees %+v", n)
	}
	if n := teacher.replica.Board.Notes[adaNote]; n.Text != waiting+" rutabaga two" || !n.Pending {
		t.Errorf("the teacher sees %+v", n)
	}
	if _, ok := bo.replica.Board.Notes[adaNote]; ok {
		t.Error("Bo's replica holds Ada's waiting note")
	}
	if len(ada2Frames.holding(waiting)) == 0 || len(teacherFrames.holding(waiting)) == 0 {
		t.Error("Ada's other tab or the teacher never got the waiting note")
	}

	// Joining, resuming and restarting do not give it away either.
	_, lateFrames := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "late", Participant: wsclient.NewParticipant()})
	bo.c.WS.Close()
	srv.restart(t)
	fr := &frames{}
	h := wsclient.Hello{Client: "b", Participant: people["bo"], Since: 1, Epoch: bo.replica.Epoch}
	c, _, err := wsclient.DialWatched(context.Background(), srv.wsURL(links.Edit), h, nil, fr.watch)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Welcome.Resumed {
		t.Fatalf("Bo did not resume after the restart: %+v", c.Welcome)
	}
	c.WS.Close()
	tfr := &frames{}
	th := wsclient.Hello{Client: "t", Participant: people["teacher"], Since: 1, Epoch: teacher.replica.Epoch}
	tc, _, err := wsclient.DialWatched(context.Background(), srv.wsURL(links.Facilitate), th, nil, tfr.watch)
	if err != nil {
		t.Fatal(err)
	}
	if !tc.Welcome.Resumed || len(tfr.holding(waiting)) == 0 {
		t.Errorf("the teacher resuming after a restart: resumed %v, sent the waiting note %v", tc.Welcome.Resumed, len(tfr.holding(waiting)) > 0)
	}
	tc.WS.Close()
	teacherBack := mustDial(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "t2", Participant: people["teacher"]})
	if n := teacherBack.replica.Board.Notes[adaNote]; !n.Pending || n.Text != waiting+" rutabaga two" {
		t.Errorf("the teacher's welcome after a restart: %+v", n)
	}
	ctx := context.Background()
	ops, _, err := srv.hub.Ops(ctx, id, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	public, _ := srv.hub.Board(ctx, id)
	elsewhere := map[string]string{"the API": mustJSON(t, public), "replay": string(joinOps(ops))}
	for name, fr := range map[string]*frames{"viewer": viewerFrames, "bo": boFrames, "late joiner": lateFrames, "bo resuming after a restart": fr} {
		elsewhere[name] = strings.Join(fr.holding(""), "\n")
	}
	for name, data := range elsewhere {
		for _, secret := range []string{waiting, adaNote, "rutabaga", waitingComment} {
			if strings.Contains(data, secret) {
				t.Errorf("%s was sent %q", name, secret)
			}
		}
	}

	// The approval: everyone gets the note, masked but for its author and
	// the teacher.
	teacherBack.mustApply(board.Op{Kind: board.KindApprove})
	_, bo3Frames := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "b3", Participant: people["bo"]})
	late, _ := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "late2", Participant: wsclient.NewParticipant()})
	late.readUntil("the approval", func() bool { return late.version() == teacherBack.version() })
	want := waiting + " ∗∗∗∗∗∗∗∗ two"
	if got := late.replica.Board.Notes[adaNote].Text; got != want {
		t.Errorf("after the approval a newcomer sees %q, want %q", got, want)
	}
	if len(bo3Frames.holding("rutabaga")) > 0 {
		t.Error("Bo's welcome after the approval holds the masked word")
	}
	adaBack := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "a3", Participant: people["ada"]})
	for name, c := range map[string]*client{"ada": adaBack, "teacher": teacherBack} {
		c.readUntil("the approval", func() bool { return c.version() == teacherBack.version() })
		if n := c.replica.Board.Notes[adaNote]; n.Text != waiting+" rutabaga two" || n.Pending {
			t.Errorf("%s sees %+v after the approval", name, n)
		}
	}
	if b, _ := srv.hub.Board(ctx, id); b.Notes[adaNote].Text != want || len(b.Notes[question].Comments) != 1 ||
		b.Notes[question].Comments[0].Text != waitingComment+" ∗∗∗∗∗∗∗∗" {
		t.Errorf("the API after the approval: %q, %+v", b.Notes[adaNote].Text, b.Notes[question].Comments)
	}
	if cs := late.replica.Board.Notes[question].Comments; len(cs) != 1 || cs[0].Text != waitingComment+" ∗∗∗∗∗∗∗∗" {
		t.Errorf("a newcomer after the approval: %+v", cs)
	}
}

func joinOps(ops [][]byte) []byte {
	var out []byte
	for _, op := range ops {
		out = append(append(out, op...), '\n')
	}
	return out
}

// The projector's page (a facilitate link without a participant) is
// shown to the class: it gets what the class gets, not the facilitator's
// copies.
func TestProjectorGetsWhatTheClassGets(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	_, links := srv.mustBoardLinks(t)
	teacher := mustDial(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "t", Participant: wsclient.NewParticipant()})
	teacher.mustApply(board.Op{Kind: board.KindModerate, Moderation: &board.Moderation{Approval: true,
		Filter: &board.Filter{Mode: board.FilterMask, Words: []string{"rutabaga"}}}})
	projector, frames := watched(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "p"})
	ada := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "a", Participant: wsclient.NewParticipant()})
	ada.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: uuid.NewString(), X: f(0), Y: f(0), Text: s("a rutabaga")}})
	projector.readUntil("Ada's note", func() bool { return projector.version() == ada.version() })
	if got := frames.holding("rutabaga"); len(got) > 0 {
		t.Errorf("the projector was sent the masked word or the list: %s", got[0])
	}
	if len(projector.replica.Board.Notes) != 0 {
		t.Errorf("the projector holds a note waiting for approval")
	}
}
