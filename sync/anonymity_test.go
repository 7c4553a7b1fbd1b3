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

// TestNamesOnlyWhereAllowed: with names shown to facilitators only, no
// frame to anyone else holds a student's name or participant id (live
// operations, welcomes, presence, the API and exports of their links),
// while the teacher gets them all; with names not kept, nobody gets a
// name written afterwards, and neither the board nor its log keeps it.
// Everyone still holds their view of one board, their own notes theirs.
func TestNamesOnlyWhereAllowed(t *testing.T) {
	log := boardsync.NewMemLog()
	srv := mustServer(t, log, boardsync.Limits{})
	id, links := srv.mustBoardLinks(t)
	ctx := context.Background()
	const adaName, boName = "Ada-N4ME", "Bo-N4ME"
	people := map[string]string{"teacher": wsclient.NewParticipant(), "ada": wsclient.NewParticipant(), "bo": wsclient.NewParticipant()}
	public := func(who string) string { return board.ParticipantID(people[who]) }
	teacher, teacherFrames := watched(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "t", Name: "Ms Berg", Participant: people["teacher"]})
	teacher.mustApply(board.Op{Kind: board.KindModerate, Moderation: &board.Moderation{Names: board.NamesStaff}})
	projector, projectorFrames := watched(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "p"})
	viewer, viewerFrames := watched(t, srv.wsURL(links.View), wsclient.Hello{Client: "v", Name: "Viewer", Participant: wsclient.NewParticipant()})
	bo, boFrames := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "b", Name: boName, Participant: people["bo"]})
	ada, _ := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "a1", Name: adaName, Participant: people["ada"]})
	ada2, ada2Frames := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "a2", Name: adaName, Participant: people["ada"]})

	adaNote, question := uuid.NewString(), uuid.NewString()
	teacher.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: question, X: f(0), Y: f(0), Text: s("How was the week?")}})
	ada.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: adaNote, X: f(300), Y: f(0), Text: s("Tiring")}})
	ada.mustApply(moveOp(adaNote, 320, 10))
	ada.mustApply(board.Op{Kind: board.KindComment, ID: question, Comment: &board.NewComment{ID: uuid.NewString(), Text: s("Good")}})
	ada.mustApply(board.Op{Kind: board.KindUpdate, ID: adaNote, Set: &board.Patch{Stack: s(question)}})
	v := ada.version()
	for _, c := range []*client{teacher, projector, viewer, bo, ada2} {
		c.readUntil("every version", func() bool { return c.version() == v })
	}
	_, lateFrames := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "late", Name: "Late", Participant: wsclient.NewParticipant()})
	if len(teacherFrames.holding(adaName)) == 0 || len(teacherFrames.holding(public("ada"))) == 0 {
		t.Error("the teacher was never told who Ada is")
	}
	if n := ada2.replica.Board.Notes[adaNote]; n.AuthorID == "" {
		t.Error("Ada's other tab does not hold her note as hers")
	}
	if n := bo.replica.Board.Notes[adaNote]; n.Author != "" || n.AuthorID != "" {
		t.Errorf("Bo's copy names Ada's note's author: %+v", n)
	}
	shown, _ := srv.hub.BoardShown(ctx, id, true)
	shownToOthers, _ := srv.hub.BoardShown(ctx, id, false)
	if shown.Notes[adaNote].Author != adaName {
		t.Errorf("the teacher's export has no name: %+v", shown.Notes[adaNote])
	}
	elsewhere := map[string]string{"the API": mustJSON(t, shownToOthers)}
	for name, fr := range map[string]*frames{"the projector": projectorFrames, "the viewer": viewerFrames, "bo": boFrames, "a late joiner": lateFrames} {
		elsewhere[name] = strings.Join(fr.holding(""), "\n")
	}
	for name, data := range elsewhere {
		for _, secret := range []string{adaName, public("ada")} {
			if strings.Contains(data, secret) {
				t.Errorf("%s was sent %q", name, secret)
			}
		}
	}
	// Ada's own tabs see their own name: it is hers.
	if len(ada2Frames.holding(adaName)) == 0 {
		t.Error("Ada's other tab never saw her own note's name")
	}

	// Not kept: nothing written from now on keeps a name, anywhere.
	teacher.mustApply(board.Op{Kind: board.KindModerate, Moderation: &board.Moderation{Names: board.NamesNone}})
	const later = "Ada-L4TER"
	ada3, ada3Frames := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "a3", Name: later, Participant: people["ada"]})
	laterNote := uuid.NewString()
	ada3.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: laterNote, X: f(0), Y: f(400), Text: s("later")}})
	ada3.mustApply(board.Op{Kind: board.KindDelete, ID: laterNote})
	teacher.readUntil("the note", func() bool { return teacher.version() == ada3.version() })
	teacher.mustApply(board.Op{Kind: board.KindUndelete, ID: laterNote})
	if _, err := srv.hub.KeepSnapshot(ctx, boardsync.Access{BoardID: id, Role: board.RoleFacilitate}, "after", later); err != nil {
		t.Fatal(err)
	}
	recs, err := log.Read(ctx, id, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var stored strings.Builder
	for _, r := range recs {
		stored.Write(r.Data)
	}
	snap, _ := log.Snapshot(ctx, id)
	h, _ := srv.hub.History(ctx, id, true)
	full, _ := srv.hub.BoardFor(ctx, id, public("teacher"), true)
	for name, data := range map[string]string{
		"the log": stored.String(), "the log's snapshot": string(snap.Data), "the history": mustJSON(t, h),
		"the teacher": strings.Join(teacherFrames.holding(""), "\n"), "bo": strings.Join(boFrames.holding(""), "\n"),
		"the teacher's board": mustJSON(t, full),
	} {
		if strings.Contains(data, later) {
			t.Errorf("%s holds the name given after names stopped being kept", name)
		}
	}
	if n := full.Notes[adaNote]; n.Author != "" || n.AuthorID != "" {
		t.Errorf("with no names kept the teacher sees %+v", n)
	}
	_ = ada3Frames
	// Everyone holds their view of the board.
	v = teacher.version()
	for name, c := range map[string]*client{"teacher": teacher, "bo": bo, "ada": ada2, "viewer": viewer} {
		c.readUntil("the end", func() bool { return c.version() == v })
		var want *board.Board
		switch name {
		case "teacher":
			want, _ = srv.hub.BoardFor(ctx, id, public("teacher"), true)
		case "ada":
			want, _ = srv.hub.BoardFor(ctx, id, public("ada"), false)
		case "bo":
			want, _ = srv.hub.BoardFor(ctx, id, public("bo"), false)
		default:
			want, _ = srv.hub.BoardFor(ctx, id, c.c.Welcome.Participant, false)
		}
		if got, w := mustJSON(t, withoutTombstonesSync(c.replica.Board)), mustJSON(t, withoutTombstonesSync(want)); got != w {
			t.Errorf("%s's copy\n%s\nis not their view\n%s", name, got, w)
		}
	}
}

func withoutTombstonesSync(b *board.Board) *board.Board {
	c := b.Clone()
	c.Deleted = nil
	c.Clients = nil
	return c
}

// Once a board stops showing everyone names, its past stops too: a past
// version, a kept snapshot, replay and the list of snapshots name nobody,
// though they were made while names showed.
func TestPastWithoutNames(t *testing.T) {
	srv := mustServer(t, boardsync.NewMemLog(), boardsync.Limits{})
	id, links := srv.mustBoardLinks(t)
	ctx := context.Background()
	const adaName = "Ada-N4ME"
	secret := wsclient.NewParticipant()
	teacher := mustDial(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "t", Name: "T", Participant: wsclient.NewParticipant()})
	ada := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "a", Name: adaName, Participant: secret})
	note := uuid.NewString()
	ada.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: note, X: f(0), Y: f(0), Text: s("hello")}})
	ada.mustApply(board.Op{Kind: board.KindComment, ID: note, Comment: &board.NewComment{ID: uuid.NewString(), Text: s("me")}})
	kept, err := srv.hub.KeepSnapshot(ctx, boardsync.Access{BoardID: id, Role: board.RoleEdit}, "before", adaName)
	if err != nil {
		t.Fatal(err)
	}
	v := ada.version()
	if b, _ := srv.hub.BoardAt(ctx, id, v); b.Notes[note].Author != adaName {
		t.Fatalf("with names shown, the past names Ada: %+v", b.Notes[note])
	}
	teacher.mustApply(board.Op{Kind: board.KindModerate, Moderation: &board.Moderation{Names: board.NamesStaff}})

	past, err := srv.hub.BoardAt(ctx, id, v)
	if err != nil {
		t.Fatal(err)
	}
	snap, k, err := srv.hub.KeptBoard(ctx, id, kept.ID)
	if err != nil {
		t.Fatal(err)
	}
	ops, _, err := srv.hub.Ops(ctx, id, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := srv.hub.History(ctx, id, false)
	for name, data := range map[string]string{
		"a past version": mustJSON(t, past), "a kept snapshot": mustJSON(t, snap) + mustJSON(t, k),
		"replay": string(joinOps(ops)), "the list of snapshots": mustJSON(t, h),
	} {
		for _, secret := range []string{adaName, board.ParticipantID(secret)} {
			if strings.Contains(data, secret) {
				t.Errorf("%s holds %q", name, secret)
			}
		}
	}
	if len(ops) != int(teacher.version()) || past.Notes[note].Text != "hello" {
		t.Errorf("replay has %d operations for version %d; the past note is %+v", len(ops), teacher.version(), past.Notes[note])
	}
}
