package sync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	stdsync "sync"
	"testing"

	"github.com/google/uuid"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/wsclient"
)

func kind(k string) board.Op { return board.Op{Kind: k} }

func voteOp(k, id string) board.Op { return board.Op{Kind: k, ID: id} }

func voteStart(votes, perNote int, hidden bool) board.Op {
	return board.Op{Kind: board.KindVoteStart, Voting: &board.Voting{Votes: votes, PerNote: perNote, Hidden: hidden}}
}

// TestLessonRoleMatrix sends every lesson operation from every role: a
// facilitator's are refused to editors and viewers with "forbidden", and
// leave the board as it was; votes are everyone's.
func TestLessonRoleMatrix(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	_, links := srv.mustBoardLinks(t)
	owner := mustDial(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "owner", Participant: wsclient.NewParticipant()})
	n := uuid.NewString()
	owner.mustApply(createOp(n, 0, 0))
	stop := &board.Stop{ID: uuid.NewString(), X: 0, Y: 0, W: 1600, H: 900}
	owner.mustApply(board.Op{Kind: board.KindStopAdd, Stop: stop})
	zero := 0
	facilitatorOnly := []board.Op{
		kind(board.KindLock), kind(board.KindUnlock), kind(board.KindHide), kind(board.KindReveal),
		voteStart(3, 1, false), kind(board.KindVoteEnd), kind(board.KindVoteClear),
		{Kind: board.KindTimerStart, Seconds: 60}, kind(board.KindTimerPause), kind(board.KindTimerResume), kind(board.KindTimerReset),
		{Kind: board.KindStopAdd, Stop: &board.Stop{ID: uuid.NewString(), W: 10, H: 10}},
		{Kind: board.KindStopSet, Stop: stop}, {Kind: board.KindStopMove, ID: stop.ID, Index: &zero},
		{Kind: board.KindStopDelete, ID: stop.ID},
		{Kind: board.KindModerate, Moderation: &board.Moderation{OwnNotes: true}}, kind(board.KindApprove), kind(board.KindReject),
	}
	for _, role := range []board.Role{board.RoleEdit, board.RoleView} {
		c := mustDial(t, srv.wsURL(links.Link(role)), wsclient.Hello{Client: "c-" + string(role), Participant: wsclient.NewParticipant()})
		for _, op := range facilitatorOnly {
			before := srv.boardJSON(t, links.Facilitate)
			seq := c.send(op)
			c.readUntil("an answer", func() bool { _, ok := c.acks[seq]; _, rej := c.rejects[seq]; return ok || rej })
			if r := c.rejects[seq]; r.Code != board.EForbidden || r.Message == "" {
				t.Errorf("%s sending %s: %+v, want a reject forbidden", role, op.Kind, r)
			}
			if after := srv.boardJSON(t, links.Facilitate); after != before {
				t.Errorf("%s sending %s changed the board", role, op.Kind)
			}
		}
	}
	// The facilitator's own, in an order in which each applies.
	for _, op := range []board.Op{
		voteStart(2, 1, true), kind(board.KindVoteEnd), kind(board.KindVoteClear),
		{Kind: board.KindTimerStart, Seconds: 60}, kind(board.KindTimerPause), kind(board.KindTimerResume), kind(board.KindTimerReset),
		{Kind: board.KindStopSet, Stop: stop}, {Kind: board.KindStopMove, ID: stop.ID, Index: &zero}, {Kind: board.KindStopDelete, ID: stop.ID},
		kind(board.KindHide), kind(board.KindReveal), kind(board.KindLock), kind(board.KindUnlock),
		{Kind: board.KindModerate, Moderation: &board.Moderation{Approval: true}}, kind(board.KindApprove), kind(board.KindReject),
		{Kind: board.KindModerate, Moderation: &board.Moderation{}},
	} {
		owner.mustApply(op)
	}
	// Everyone votes; a client without a participant cannot (votes are per
	// person). A locked board takes votes, and no other change but the
	// facilitator's.
	owner.mustApply(voteStart(3, 1, false))
	for _, role := range board.Roles {
		c := mustDial(t, srv.wsURL(links.Link(role)), wsclient.Hello{Participant: wsclient.NewParticipant()})
		c.mustApply(voteOp(board.KindVote, n))
	}
	anon := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{})
	seq := anon.send(voteOp(board.KindVote, n))
	anon.readUntil("reject", func() bool { _, ok := anon.rejects[seq]; return ok })
	if anon.rejects[seq].Code != board.EForbidden {
		t.Errorf("a vote without a participant: %+v", anon.rejects[seq])
	}
	owner.mustApply(kind(board.KindLock))
	ed := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Participant: wsclient.NewParticipant()})
	ed.mustApply(voteOp(board.KindVote, n))
	for _, op := range []board.Op{moveOp(n, 1, 1), createOp(uuid.NewString(), 0, 0)} {
		seq := ed.send(op)
		ed.readUntil("reject", func() bool { _, ok := ed.rejects[seq]; return ok })
		if r := ed.rejects[seq]; r.Code != board.ELocked || r.Message == "" {
			t.Errorf("%s on a locked board: %+v, want a reject locked", op.Kind, r)
		}
	}
	if got := srv.board(t, links.View).Notes[n].Votes; got != 4 {
		t.Errorf("votes: %d, want 4", got)
	}
}

// frames records every frame a client reads, raw.
type frames struct {
	mu  stdsync.Mutex
	all [][]byte
}

func (f *frames) watch(data []byte) {
	f.mu.Lock()
	f.all = append(f.all, bytes.Clone(data))
	f.mu.Unlock()
}

// holding returns the frames that hold s.
func (f *frames) holding(s string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, fr := range f.all {
		if bytes.Contains(fr, []byte(s)) {
			out = append(out, string(fr))
		}
	}
	return out
}

// watched dials a client that records its frames.
func watched(t *testing.T, url string, h wsclient.Hello) (*client, *frames) {
	t.Helper()
	fr := &frames{}
	c, rest, err := wsclient.DialWatched(context.Background(), url, h, nil, fr.watch)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.WS.Close() })
	cl := &client{t: t, c: c, acks: map[uint64]wsclient.Message{}, rejects: map[uint64]wsclient.Message{}}
	cl.handle(append([]wsclient.Message{c.Welcome}, rest...))
	return cl, fr
}

// TestHiddenTextNeverSent: while the board is private, the text of a note
// reaches its author's tabs and nobody else, in live operations, in
// welcomes, in resumes (after a restart too), in the API and in the page's
// board; votes of a hidden round reach nobody but the voter. After the
// reveal and the end of the round, everyone holds the same board.
func TestHiddenTextNeverSent(t *testing.T) {
	srv := mustServer(t, boardsync.NewMemLog(), boardsync.Limits{})
	_, links := srv.mustBoardLinks(t)
	people := map[string]string{"teacher": wsclient.NewParticipant(), "ada": wsclient.NewParticipant(), "bo": wsclient.NewParticipant()}
	teacher, teacherFrames := watched(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "t", Participant: people["teacher"]})
	viewer, viewerFrames := watched(t, srv.wsURL(links.View), wsclient.Hello{Client: "v", Participant: wsclient.NewParticipant()})
	ada, _ := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "a1", Participant: people["ada"]})
	ada2, ada2Frames := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "a2", Participant: people["ada"]})
	bo, boFrames := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "b", Participant: people["bo"]})

	question := uuid.NewString()
	teacher.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: question, X: f(0), Y: f(0), Text: s("Why is the sky blue?")}})
	teacher.mustApply(kind(board.KindHide))
	const secret = "S3CR3T-ADA"
	adaNote := uuid.NewString()
	ada.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: adaNote, X: f(10), Y: f(10), Text: s(secret + " one")}})
	ada.mustApply(board.Op{Kind: board.KindBatch, Ops: []board.Op{textOp(adaNote, secret+" two"), moveOp(adaNote, 20, 20)}})
	boNote := uuid.NewString()
	bo.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: boNote, X: f(300), Y: f(10), Text: s("Bo's answer")}})

	// A hidden round: Ada's votes are hers alone.
	teacher.mustApply(voteStart(3, 2, true))
	ada.mustApply(voteOp(board.KindVote, boNote))
	ada.mustApply(voteOp(board.KindVote, boNote))
	bo.mustApply(voteOp(board.KindVote, question))

	// Everyone has seen every version; Ada's other tab sees her text.
	v := bo.version() // the last to write
	for _, c := range []*client{teacher, viewer, ada, ada2} {
		c.readUntil("every version", func() bool { return c.version() == v })
	}
	if got := ada2.replica.Board.Notes[adaNote].Text; got != secret+" two" {
		t.Errorf("Ada's other tab sees %q", got)
	}
	if got := ada2.replica.Board.Notes[boNote]; got.Votes != 2 || got.Text != "" {
		t.Errorf("Ada's other tab: Bo's note %+v, want her 2 votes and no text", got)
	}
	if len(ada2Frames.holding(secret)) == 0 {
		t.Error("Ada's other tab never got her text")
	}

	// Joining, resuming and restarting do not give it away either.
	_, lateFrames := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "late", Participant: wsclient.NewParticipant()})
	resume := func(name string) *frames {
		t.Helper()
		fr := &frames{}
		h := wsclient.Hello{Client: "b", Participant: people["bo"], Since: 2, Epoch: bo.replica.Epoch}
		c, _, err := wsclient.DialWatched(context.Background(), srv.wsURL(links.Edit), h, nil, fr.watch)
		if err != nil {
			t.Fatal(err)
		}
		defer c.WS.Close()
		if !c.Welcome.Resumed || c.Welcome.Version != v {
			t.Fatalf("%s did not resume: %+v", name, c.Welcome)
		}
		return fr
	}
	bo.c.WS.Close()
	bo2Frames := resume("Bo")
	srv.restart(t)
	bo3Frames := resume("Bo after a restart")
	bo3, _ := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "b3", Participant: people["bo"]})
	late, _ := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "late2", Participant: wsclient.NewParticipant()})
	adaBack, _ := watched(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "a3", Participant: people["ada"]})
	if got := adaBack.replica.Board.Notes[adaNote].Text; got != secret+" two" {
		t.Errorf("Ada back after a restart sees %q", got)
	}

	for name, fr := range map[string]*frames{"teacher": teacherFrames, "viewer": viewerFrames, "bo": boFrames,
		"late joiner": lateFrames, "bo resuming": bo2Frames, "bo after a restart": bo3Frames} {
		if leaks := fr.holding(secret); len(leaks) > 0 {
			t.Errorf("%s was sent the hidden text:\n%s", name, leaks[0])
		}
		// Ada's votes: no op that names her in a vote, no counts but one's own.
		adaID := board.ParticipantID(people["ada"])
		for _, frame := range fr.holding(`"vote"`) {
			var msgs []wsclient.Message
			json.Unmarshal([]byte(frame), &msgs)
			for _, m := range msgs {
				if m.Type == "op" && bytes.Contains(m.Op, []byte(`"vote"`)) && (m.AuthorID == adaID || bytes.Contains(m.Op, []byte(boNote))) {
					t.Errorf("%s was sent Ada's vote: %s", name, frame)
				}
			}
		}
	}
	for name, data := range map[string]string{"the API": srv.boardJSON(t, links.View), "the facilitator's API": srv.boardJSON(t, links.Facilitate)} {
		if bytes.Contains([]byte(data), []byte(secret)) || bytes.Contains([]byte(data), []byte(`"votes":2`)) {
			t.Errorf("%s gives away the hidden text or votes: %s", name, data)
		}
	}

	// The reveal and the end of the round: everyone converges.
	teacher2 := mustDial(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "t2", Participant: people["teacher"]})
	teacher2.mustApply(kind(board.KindReveal))
	teacher2.mustApply(kind(board.KindVoteEnd))
	want := mustJSON(t, srv.board(t, links.View))
	for name, c := range map[string]*client{"teacher": teacher2, "late": late, "bo": bo3, "ada": adaBack} {
		c.readUntil("the end of the round", func() bool { return c.version() == teacher2.version() })
		got := c.replica.Board.Clone()
		got.ID, got.Deleted, got.Ballots = "", nil, nil
		if g := mustJSON(t, got); g != want {
			t.Errorf("%s holds\n%s\nwant\n%s", name, g, want)
		}
	}
	if b := srv.board(t, links.View); b.Notes[adaNote].Text != secret+" two" || b.Notes[boNote].Votes != 2 || b.Notes[question].Votes != 1 {
		t.Errorf("after the reveal: %s", want)
	}
}

// TestStage: presenting, following the presenter's view, the pointer, a
// spotlight, summoning, and hands, as every role may use them.
func TestStage(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	_, links := srv.mustBoardLinks(t)
	teacher := mustDial(t, srv.wsURL(links.Facilitate), wsclient.Hello{Client: "t", Name: "Teacher", Participant: wsclient.NewParticipant()})
	student := mustDial(t, srv.wsURL(links.View), wsclient.Hello{Client: "s", Name: "Ada", Participant: wsclient.NewParticipant()})
	editor := mustDial(t, srv.wsURL(links.Edit), wsclient.Hello{Client: "e", Name: "Bo", Participant: wsclient.NewParticipant()})
	n := uuid.NewString()
	teacher.mustApply(createOp(n, 100, 100))

	// lastStage returns the latest stage a client was told of.
	lastStage := func(c *client) *wsclient.Stage {
		var st *wsclient.Stage
		if c.c.Welcome.Stage != nil {
			st = c.c.Welcome.Stage
		}
		for _, m := range c.presence {
			if m.Stage != nil {
				st = m.Stage
			}
		}
		return st
	}
	send := func(c *client, v any) {
		t.Helper()
		if err := c.c.SendJSON(v); err != nil {
			t.Fatal(err)
		}
	}
	// Only a facilitator presents, only the presenter shows.
	for _, c := range []*client{student, editor} {
		nErr := len(c.errors)
		send(c, map[string]any{"type": "present", "on": true})
		send(c, map[string]any{"type": "view", "x": 0, "y": 0, "w": 100, "h": 100})
		c.readUntil("two errors", func() bool { return len(c.errors) >= nErr+2 })
		for _, e := range c.errors[nErr:] {
			if e.Code != board.EForbidden {
				t.Errorf("%s: %+v, want forbidden", c.c.Hello.Client, e)
			}
		}
	}
	send(teacher, map[string]any{"type": "present", "on": true})
	send(teacher, map[string]any{"type": "view", "x": 10, "y": 20, "w": 1920, "h": 1080, "stop": "", "zoom": 0.75})
	send(teacher, map[string]any{"type": "pointer", "x": 50, "y": 60})
	send(teacher, map[string]any{"type": "spotlight", "note": n})
	student.readUntil("the teacher's view", func() bool {
		st := lastStage(student)
		return st != nil && st.View != nil && st.View.W == 1920 && st.Pointer != nil && st.Spotlight == n
	})
	if st := lastStage(student); st.Presenter != teacher.c.Welcome.You || st.Name != "Teacher" || st.View.X != 10 || st.View.Zoom != 0.75 || st.Pointer.X != 50 {
		t.Errorf("stage: %+v", st)
	}
	// A late joiner gets the stage in its welcome.
	late := mustDial(t, srv.wsURL(links.View), wsclient.Hello{Client: "late"})
	if st := late.c.Welcome.Stage; st == nil || st.View == nil || st.Spotlight != n {
		t.Errorf("late joiner's stage: %+v", st)
	}
	// A spotlight on a note that is deleted goes out with it.
	spot := uuid.NewString()
	teacher.mustApply(createOp(spot, 0, 0))
	send(teacher, map[string]any{"type": "spotlight", "note": spot})
	student.readUntil("the new spotlight", func() bool { st := lastStage(student); return st != nil && st.Spotlight == spot })
	teacher.mustApply(deleteOp(spot))
	student.readUntil("the spotlight released", func() bool { st := lastStage(student); return st != nil && st.Spotlight == "" && st.Presenter != "" })
	send(teacher, map[string]any{"type": "spotlight", "note": n})

	// Summon: everyone is sent to the view once.
	send(teacher, map[string]any{"type": "summon"})
	editor.readUntil("a summon", func() bool { return len(editor.summons) > 0 })
	if m := editor.summons[0]; m.View == nil || m.View.W != 1920 {
		t.Errorf("summon: %+v", m)
	}

	// Following and hands show in presence.
	send(student, map[string]any{"type": "follow", "on": true})
	send(student, map[string]any{"type": "hand", "hand": "raised"})
	send(editor, map[string]any{"type": "hand", "hand": "done"})
	teacher.readUntil("a raised hand and one done", func() bool {
		for _, m := range teacher.presence {
			if m.Hands != nil && m.Hands.Raised == 1 && m.Hands.Done == 1 {
				return true
			}
		}
		return false
	})
	teacher.readUntil("Ada following with her hand up", func() bool {
		for _, m := range teacher.presence {
			for _, p := range m.Cursors {
				if p.Name == "Ada" && p.Following && p.Hand == "raised" {
					return true
				}
			}
		}
		return false
	})
	// A reload keeps a hand up; only a facilitator lowers everyone's.
	student.c.WS.Close()
	back := mustDial(t, srv.wsURL(links.View), wsclient.Hello{Client: "s2", Name: "Ada", Participant: student.c.Hello.Participant})
	if h := back.c.Welcome.Hands; h == nil || h.Raised != 1 || back.c.Welcome.Hand != "raised" {
		t.Errorf("hands after a reload: %+v, own hand %q", h, back.c.Welcome.Hand)
	}
	nErr := len(editor.errors)
	send(editor, map[string]any{"type": "hands-clear"})
	editor.readUntil("an error", func() bool { return len(editor.errors) > nErr })
	send(teacher, map[string]any{"type": "hands-clear"})
	back.readUntil("hands down", func() bool {
		for _, m := range back.presence {
			if m.Hands != nil && m.Hands.Raised == 0 && m.Hands.Done == 0 {
				return true
			}
		}
		return false
	})
	// The presenter leaves: nobody presents.
	teacher.c.WS.Close()
	back.readUntil("the stage cleared", func() bool {
		for _, m := range back.presence {
			if m.Stage != nil && m.Stage.Presenter == "" {
				return true
			}
		}
		return false
	})
	// Bad stage messages are errors, and change nothing.
	for _, bad := range []string{
		`{"type":"view","x":0,"y":0,"w":0,"h":10}`, `{"type":"view","x":0,"y":0,"w":10,"h":10,"zoom":0}`, `{"type":"pointer","x":1}`, `{"type":"hand","hand":"waving"}`,
		`{"type":"spotlight","note":"nope"}`, `{"type":"present"}`, `{"type":"follow","on":true,"x":1}`,
	} {
		nErr := len(back.errors)
		back.c.SendRaw([]byte(bad))
		back.readUntil(fmt.Sprintf("an error for %s", bad), func() bool { return len(back.errors) > nErr })
		if e := back.errors[len(back.errors)-1]; e.Code != board.EInvalid {
			t.Errorf("%s: %+v, want invalid", bad, e)
		}
	}
}
