package board_test

import (
	"strings"
	"testing"
	"time"

	"corkboard/board"
)

// Participants of the lesson tests.
const (
	teacher = "TTTTTTTTTTTTTTTT"
	ada     = "AAAAAAAAAAAAAAAA"
	bo      = "BBBBBBBBBBBBBBBB"
)

// lesson applies operations to a board as people with roles, as the server
// does, and keeps the version.
type lesson struct {
	t *testing.T
	b *board.Board
}

func newLesson(t *testing.T) *lesson {
	l := &lesson{t: t, b: board.New(board.NewID(), "Lesson", t0)}
	l.must(teacher, board.RoleFacilitate, `{"kind":"create","note":{"id":"`+idA+`","x":0,"y":0,"text":"What is light?"}}`)
	return l
}

// apply applies src as participant p with role r, the way the server does
// (Prepare first), and returns the error code ("" for none).
func (l *lesson) apply(p string, r board.Role, src string) string {
	l.t.Helper()
	op, err := board.DecodeOp([]byte(src))
	if err != nil {
		l.t.Fatalf("DecodeOp(%s): %v", src, err)
	}
	st := board.Stamp{Version: l.b.Version + 1, At: t0.Add(time.Duration(l.b.Version+1) * time.Second), Author: p[:1], AuthorID: p, Role: r}
	_, _, err = board.Order(l.b, op, st, board.DefaultLimits)
	return board.ErrorCode(err)
}

func (l *lesson) must(p string, r board.Role, src string) {
	l.t.Helper()
	if code := l.apply(p, r, src); code != "" {
		l.t.Fatalf("%s as %s: %s", src, r, code)
	}
}

func (l *lesson) refused(p string, r board.Role, src, want string) {
	l.t.Helper()
	before := canonicalBoard(l.t, l.b)
	if code := l.apply(p, r, src); code != want {
		l.t.Fatalf("%s as %s: got %q, want %q", src, r, code, want)
	}
	if after := canonicalBoard(l.t, l.b); after != before {
		l.t.Fatalf("%s was refused but changed the board", src)
	}
}

func TestLessonRoles(t *testing.T) {
	facilitatorOnly := []string{
		`{"kind":"lock"}`, `{"kind":"unlock"}`, `{"kind":"hide"}`, `{"kind":"reveal"}`,
		`{"kind":"vote-start","voting":{"votes":3,"perNote":1}}`, `{"kind":"vote-end"}`, `{"kind":"vote-clear"}`,
		`{"kind":"timer-start","seconds":60}`, `{"kind":"timer-pause"}`, `{"kind":"timer-resume"}`, `{"kind":"timer-reset"}`,
		`{"kind":"stop-add","stop":{"id":"` + idB + `","x":0,"y":0,"w":800,"h":600}}`,
		`{"kind":"stop-set","stop":{"id":"` + idB + `","x":0,"y":0,"w":800,"h":600}}`,
		`{"kind":"stop-delete","id":"` + idB + `"}`, `{"kind":"stop-move","id":"` + idB + `","index":0}`,
		`{"kind":"rename","title":"Mine now"}`,
	}
	for _, src := range facilitatorOnly {
		for _, r := range []board.Role{board.RoleEdit, board.RoleView} {
			newLesson(t).refused(ada, r, src, board.EForbidden)
		}
	}
	// A viewer votes, but changes no note.
	l := newLesson(t)
	l.must(teacher, board.RoleFacilitate, `{"kind":"vote-start","voting":{"votes":2,"perNote":1}}`)
	l.must(ada, board.RoleView, `{"kind":"vote","id":"`+idA+`"}`)
	l.refused(ada, board.RoleView, `{"kind":"update","id":"`+idA+`","set":{"x":5}}`, board.EForbidden)
	l.refused(ada, board.RoleView, `{"kind":"create","note":{"id":"`+idB+`","x":0,"y":0}}`, board.EForbidden)
}

func TestLock(t *testing.T) {
	l := newLesson(t)
	l.must(teacher, board.RoleFacilitate, `{"kind":"vote-start","voting":{"votes":2,"perNote":1}}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"lock"}`)
	if !l.b.Locked {
		t.Fatal("not locked")
	}
	for _, src := range []string{
		`{"kind":"create","note":{"id":"` + idB + `","x":0,"y":0}}`,
		`{"kind":"update","id":"` + idA + `","set":{"x":5}}`,
		`{"kind":"delete","id":"` + idA + `"}`,
		`{"kind":"batch","ops":[{"kind":"update","id":"` + idA + `","set":{"x":5}}]}`,
	} {
		l.refused(ada, board.RoleEdit, src, board.ELocked)
	}
	// Voting goes on: "stop writing, now vote".
	l.must(ada, board.RoleEdit, `{"kind":"vote","id":"`+idA+`"}`)
	l.must(bo, board.RoleView, `{"kind":"vote","id":"`+idA+`"}`)
	// The facilitator still changes it.
	l.must(teacher, board.RoleFacilitate, `{"kind":"update","id":"`+idA+`","set":{"x":5}}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"unlock"}`)
	l.must(ada, board.RoleEdit, `{"kind":"update","id":"`+idA+`","set":{"x":6}}`)
}

func TestWritePrivatelyThenReveal(t *testing.T) {
	l := newLesson(t)
	l.must(teacher, board.RoleFacilitate, `{"kind":"hide"}`)
	l.must(ada, board.RoleEdit, `{"kind":"create","note":{"id":"`+idB+`","x":0,"y":0,"text":"Ada's secret"}}`)
	l.must(bo, board.RoleEdit, `{"kind":"create","note":{"id":"`+idC+`","x":0,"y":0,"text":"Bo's secret"}}`)
	if l.b.PrivateNotes() != 2 || !l.b.Notes[idB].Private || l.b.Notes[idA].Private {
		t.Fatalf("private notes: %d, %+v", l.b.PrivateNotes(), l.b.Notes)
	}
	texts := func(v *board.Board) string {
		return v.Notes[idA].Text + "|" + v.Notes[idB].Text + "|" + v.Notes[idC].Text
	}
	for _, tt := range []struct{ who, want string }{
		{ada, "What is light?|Ada's secret|"},
		{bo, "What is light?||Bo's secret"},
		{teacher, "What is light?||"}, // the teacher's screen is the projector
		{"", "What is light?||"},
	} {
		v := l.b.View(tt.who)
		if got := texts(v); got != tt.want {
			t.Errorf("%q sees %q, want %q", tt.who, got, tt.want)
		}
		if v.ID != "" || v.Clients != nil || v.Deleted != nil {
			t.Errorf("%q sees the id or the bookkeeping", tt.who)
		}
	}
	if texts(l.b) != "What is light?|Ada's secret|Bo's secret" {
		t.Fatal("View changed the board")
	}
	// Only the author writes on a private note; others may still move it.
	l.refused(bo, board.RoleEdit, `{"kind":"update","id":"`+idB+`","set":{"text":"Bo was here"}}`, board.EForbidden)
	l.refused(teacher, board.RoleFacilitate, `{"kind":"update","id":"`+idB+`","set":{"text":"?"}}`, board.EForbidden)
	l.must(bo, board.RoleEdit, `{"kind":"update","id":"`+idB+`","set":{"x":40}}`)
	l.must(ada, board.RoleEdit, `{"kind":"update","id":"`+idB+`","set":{"text":"Ada's answer"}}`)

	// The copies others get leave the text out.
	byAda := board.Stamp{AuthorID: ada, Role: board.RoleEdit}
	c := board.Withhold(l.b, mustOp(t, `{"kind":"update","id":"`+idB+`","set":{"text":"x","y":3}}`), byAda)
	for _, others := range []board.Op{c.Others, c.Staff} {
		if !c.Secret() || others.Set.Text != nil || others.Set.Y == nil || !others.Withheld {
			t.Errorf("withheld update: %+v", others)
		}
	}
	c = board.Withhold(l.b, mustOp(t, `{"kind":"batch","ops":[{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000dd","x":0,"y":0,"text":"new"}},{"kind":"update","id":"00000000-0000-4000-8000-0000000000dd","set":{"text":"newer"}}]}`), byAda)
	if others := c.Others; !c.Secret() || others.Ops[0].Note.Text != nil || others.Ops[1].Set.Text != nil {
		t.Errorf("withheld batch: %+v", others)
	}

	l.must(teacher, board.RoleFacilitate, `{"kind":"reveal"}`)
	if l.b.Private || l.b.PrivateNotes() != 0 {
		t.Error("still private after the reveal")
	}
	for _, who := range []string{ada, bo, teacher, ""} {
		if got := texts(l.b.View(who)); got != "What is light?|Ada's answer|Bo's secret" {
			t.Errorf("after the reveal %q sees %q", who, got)
		}
	}
	// Notes written after the reveal are for everyone.
	l.must(bo, board.RoleEdit, `{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000ee","x":0,"y":0,"text":"open"}}`)
	if l.b.Notes["00000000-0000-4000-8000-0000000000ee"].Private {
		t.Error("a note after the reveal is private")
	}
}

// A client that applies the copies it is sent, in order, holds View of the
// server's board: for each participant, through hiding, writing, voting in
// a hidden round, deleting a voted note and revealing.
func TestReplicasHoldTheirView(t *testing.T) {
	server := newLesson(t)
	replicas, step := replicate(t, server)
	stepLessonOps(t, server, replicas, step)
}

// replicate gives the teacher (a facilitator), Ada and Bo (editors)
// replicas of server's board, and returns them and a step that applies
// an operation on the server and sends each replica the copy it gets,
// checking that every replica then holds its person's view.
func replicate(t *testing.T, server *lesson) (map[string]*board.Board, func(p string, r board.Role, src string)) {
	people := []string{teacher, ada, bo}
	replicas := map[string]*board.Board{}
	for _, p := range people {
		replicas[p] = server.b.ViewFor(p, p == teacher).Clone()
	}
	return replicas, func(p string, r board.Role, src string) {
		t.Helper()
		st := board.Stamp{Version: server.b.Version + 1, At: t0.Add(time.Duration(server.b.Version+1) * time.Second), Author: p[:1], AuthorID: p, Role: r}
		op, c, err := board.Order(server.b, mustOp(t, src), st, board.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		for _, q := range people {
			// As a client applies an op message: with its author and role.
			got, gst := op, board.Stamp{Version: st.Version, At: st.At, Author: st.Author, AuthorID: st.AuthorID, Role: st.Role,
				Replica: true, Self: q, SelfStaff: q == teacher}
			if personal, ok := c.PersonalFor(q, q == teacher); ok {
				got = personal
				if q != p && (q == teacher && c.StaffNameless || q != teacher && c.OthersNameless) {
					gst.Author, gst.AuthorID = "", ""
				}
			} else if q != p {
				nameless := c.OthersNameless
				if q == teacher {
					got, nameless = c.Staff, c.StaffNameless
				} else {
					got = c.Others
				}
				if nameless {
					gst.Author, gst.AuthorID = "", ""
				}
				if c.Anonymous {
					gst.Author, gst.AuthorID, gst.Role = "", "", ""
				}
			}
			if err := board.Apply(replicas[q], got, gst, board.DefaultLimits); err != nil {
				t.Fatalf("%s: %s's replica: %v", src, q, err)
			}
			view := server.b.ViewFor(q, q == teacher)
			if a, b := withoutTombstones(t, replicas[q]), withoutTombstones(t, view); a != b {
				t.Fatalf("after %s, %s's replica\n%s\nis not their view\n%s", src, q, a, b)
			}
			// What JSON leaves out: the size counted against the limit
			// (a client above the server's count would refuse, at the
			// limit, what the server took) and the private count.
			if replicas[q].Size() != view.Size() || replicas[q].PrivateNotes() != view.PrivateNotes() {
				t.Fatalf("after %s, %s's replica counts size %d and %d private, their view %d and %d", src, q,
					replicas[q].Size(), replicas[q].PrivateNotes(), view.Size(), view.PrivateNotes())
			}
		}
	}
}

func stepLessonOps(t *testing.T, server *lesson, replicas map[string]*board.Board, step func(p string, r board.Role, src string)) {
	t.Helper()
	step(teacher, board.RoleFacilitate, `{"kind":"hide"}`)
	step(ada, board.RoleEdit, `{"kind":"create","note":{"id":"`+idB+`","x":0,"y":0,"text":"Ada's"}}`)
	step(bo, board.RoleEdit, `{"kind":"create","note":{"id":"`+idC+`","x":0,"y":0,"text":"Bo's"}}`)
	step(bo, board.RoleEdit, `{"kind":"update","id":"`+idC+`","set":{"text":"Bo's, again"}}`)
	step(teacher, board.RoleFacilitate, `{"kind":"vote-start","voting":{"votes":3,"perNote":2,"hidden":true}}`)
	step(ada, board.RoleEdit, `{"kind":"vote","id":"`+idC+`"}`)
	step(ada, board.RoleEdit, `{"kind":"vote","id":"`+idC+`"}`)
	step(bo, board.RoleEdit, `{"kind":"vote","id":"`+idA+`"}`)
	step(bo, board.RoleEdit, `{"kind":"vote","id":"`+idB+`"}`)
	step(ada, board.RoleEdit, `{"kind":"unvote","id":"`+idC+`"}`)
	step(ada, board.RoleEdit, `{"kind":"vote","id":"`+idB+`"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"delete","id":"`+idA+`"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"reveal"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"vote-end"}`)
	if server.b.Notes[idB].Votes != 2 || server.b.Notes[idC].Votes != 1 {
		t.Errorf("votes after the round: B %d, C %d", server.b.Notes[idB].Votes, server.b.Notes[idC].Votes)
	}
	// A live round: everyone sees the counts, nobody the ballots.
	step(teacher, board.RoleFacilitate, `{"kind":"vote-start","voting":{"votes":1,"perNote":1}}`)
	step(bo, board.RoleEdit, `{"kind":"vote","id":"`+idB+`"}`)
	if replicas[ada].Notes[idB].Votes != 1 || replicas[ada].Ballots != nil {
		t.Errorf("a live round: %+v, ballots %v", replicas[ada].Notes[idB], replicas[ada].Ballots)
	}
}

func TestVoting(t *testing.T) {
	l := newLesson(t)
	l.must(teacher, board.RoleFacilitate, `{"kind":"create","note":{"id":"`+idB+`","x":0,"y":0}}`)
	l.refused(ada, board.RoleEdit, `{"kind":"vote","id":"`+idA+`"}`, board.EConflict) // no round
	l.refused(teacher, board.RoleFacilitate, `{"kind":"vote-end"}`, board.EConflict)
	l.must(teacher, board.RoleFacilitate, `{"kind":"vote-start","voting":{"votes":3,"perNote":2}}`)
	l.refused(teacher, board.RoleFacilitate, `{"kind":"vote-start","voting":{"votes":3,"perNote":2}}`, board.EConflict)

	// Two tabs of one person share the limits: votes are by participant.
	l.must(ada, board.RoleEdit, `{"kind":"vote","id":"`+idA+`"}`)
	l.must(ada, board.RoleEdit, `{"kind":"vote","id":"`+idA+`"}`)
	l.refused(ada, board.RoleEdit, `{"kind":"vote","id":"`+idA+`"}`, board.EConflict) // two per note
	l.must(ada, board.RoleEdit, `{"kind":"vote","id":"`+idB+`"}`)
	l.refused(ada, board.RoleEdit, `{"kind":"vote","id":"`+idB+`"}`, board.EConflict) // three in all
	l.refused(bo, board.RoleEdit, `{"kind":"unvote","id":"`+idA+`"}`, board.EConflict)
	l.must(bo, board.RoleEdit, `{"kind":"vote","id":"`+idA+`"}`)
	if l.b.Notes[idA].Votes != 3 || l.b.Notes[idB].Votes != 1 {
		t.Fatalf("votes: A %d, B %d", l.b.Notes[idA].Votes, l.b.Notes[idB].Votes)
	}
	// A deleted note gives its votes back.
	l.must(teacher, board.RoleFacilitate, `{"kind":"delete","id":"`+idA+`"}`)
	l.must(ada, board.RoleEdit, `{"kind":"vote","id":"`+idB+`"}`)
	l.refused(ada, board.RoleEdit, `{"kind":"vote","id":"`+idA+`"}`, board.ENotFound)

	l.must(teacher, board.RoleFacilitate, `{"kind":"vote-end"}`)
	l.refused(teacher, board.RoleFacilitate, `{"kind":"vote-end"}`, board.EConflict) // ended twice
	l.refused(bo, board.RoleEdit, `{"kind":"vote","id":"`+idB+`"}`, board.EConflict) // after the round
	if l.b.Notes[idB].Votes != 2 || l.b.Voting.Open {
		t.Fatalf("after the round: %+v %+v", l.b.Notes[idB], l.b.Voting)
	}
	l.must(teacher, board.RoleFacilitate, `{"kind":"vote-clear"}`)
	if l.b.Notes[idB].Votes != 0 || l.b.Voting != nil || l.b.Ballots != nil {
		t.Fatal("votes left after vote-clear")
	}
	for _, src := range []string{
		`{"kind":"vote-start","voting":{"votes":0,"perNote":1}}`,
		`{"kind":"vote-start","voting":{"votes":3,"perNote":4}}`,
		`{"kind":"vote-start","voting":{"votes":100,"perNote":1}}`,
		`{"kind":"vote-start","voting":{"votes":3,"perNote":1,"open":true}}`,
	} {
		l.refused(teacher, board.RoleFacilitate, src, board.EInvalid)
	}
}

func TestTimer(t *testing.T) {
	l := newLesson(t)
	l.refused(teacher, board.RoleFacilitate, `{"kind":"timer-pause"}`, board.EConflict)
	l.refused(teacher, board.RoleFacilitate, `{"kind":"timer-resume"}`, board.EConflict)
	l.must(teacher, board.RoleFacilitate, `{"kind":"timer-start","seconds":300}`) // at version 2: t0+2s
	if !l.b.Timer.Running() || !l.b.Timer.EndsAt.Equal(t0.Add(302*time.Second)) {
		t.Fatalf("timer: %+v", l.b.Timer)
	}
	l.must(teacher, board.RoleFacilitate, `{"kind":"timer-pause"}`) // t0+3s: 299 s left
	if l.b.Timer.Running() || l.b.Timer.LeftMs != 299_000 {
		t.Fatalf("paused timer: %+v", l.b.Timer)
	}
	l.refused(teacher, board.RoleFacilitate, `{"kind":"timer-pause"}`, board.EConflict)
	l.must(teacher, board.RoleFacilitate, `{"kind":"timer-resume"}`) // t0+4s
	if !l.b.Timer.EndsAt.Equal(t0.Add(303 * time.Second)) {
		t.Fatalf("resumed timer: %+v", l.b.Timer)
	}
	l.must(teacher, board.RoleFacilitate, `{"kind":"timer-reset"}`)
	if l.b.Timer != nil {
		t.Fatal("a reset timer is still there")
	}
	for _, src := range []string{`{"kind":"timer-start","seconds":0}`, `{"kind":"timer-start","seconds":86401}`, `{"kind":"timer-start","seconds":-5}`} {
		if _, err := board.DecodeOp([]byte(src)); err == nil {
			if code := l.apply(teacher, board.RoleFacilitate, src); code != board.EInvalid {
				t.Errorf("%s: %q", src, code)
			}
		}
	}
}

func TestStops(t *testing.T) {
	l := newLesson(t)
	stop := func(id, name string) string {
		return `{"id":"` + id + `","name":"` + name + `","x":0,"y":0,"w":1600,"h":900}`
	}
	l.must(teacher, board.RoleFacilitate, `{"kind":"stop-add","stop":`+stop(idA, "Start")+`}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"stop-add","stop":`+stop(idB, "Questions")+`}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"stop-add","stop":`+stop(idC, "Answers")+`}`)
	l.refused(teacher, board.RoleFacilitate, `{"kind":"stop-add","stop":`+stop(idC, "Again")+`}`, board.EConflict)
	l.must(teacher, board.RoleFacilitate, `{"kind":"stop-move","id":"`+idC+`","index":0}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"stop-set","stop":`+stop(idA, "Beginning")+`}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"stop-delete","id":"`+idB+`"}`)
	var names []string
	for _, s := range l.b.Stops {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "Answers,Beginning" {
		t.Errorf("stops: %v", names)
	}
	l.refused(teacher, board.RoleFacilitate, `{"kind":"stop-move","id":"`+idA+`","index":5}`, board.EInvalid)
	l.refused(teacher, board.RoleFacilitate, `{"kind":"stop-delete","id":"`+idB+`"}`, board.ENotFound)
	l.refused(teacher, board.RoleFacilitate, `{"kind":"stop-add","stop":{"id":"`+idB+`","x":0,"y":0,"w":0,"h":900}}`, board.EInvalid)

	// Stops, and the rest of a lesson, survive a round trip through JSON.
	l.must(teacher, board.RoleFacilitate, `{"kind":"timer-start","seconds":60}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"vote-start","voting":{"votes":2,"perNote":1,"hidden":true}}`)
	l.must(ada, board.RoleEdit, `{"kind":"vote","id":"`+idA+`"}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"lock"}`)
	data, err := l.b.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := board.DecodeBoard(data, board.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if canonicalBoard(t, back) != canonicalBoard(t, l.b) || back.Size() != l.b.Size() {
		t.Errorf("round trip:\n%s\nwant\n%s", canonicalBoard(t, back), canonicalBoard(t, l.b))
	}
}

func TestServerFieldsFromClients(t *testing.T) {
	for _, src := range []string{
		`{"kind":"reveal","texts":{"` + idA + `":"x"}}`,
		`{"kind":"vote-end","votes":{"` + idA + `":9}}`,
		`{"kind":"vote","withheld":true}`,
		`{"kind":"batch","ops":[{"kind":"update","id":"` + idA + `","set":{},"withheld":true}]}`,
		`{"kind":"batch","ops":[{"kind":"lock"}]}`,
	} {
		if _, err := board.DecodeOp([]byte(src)); board.ErrorCode(err) != board.EInvalid {
			t.Errorf("DecodeOp(%s): %v, want invalid", src, err)
		}
	}
	// The server's own copies decode.
	for _, src := range []string{`{"kind":"vote","withheld":true}`, `{"kind":"update","id":"` + idA + `","set":{},"withheld":true}`} {
		if _, err := board.DecodeOrderedOp([]byte(src)); err != nil {
			t.Errorf("DecodeOrderedOp(%s): %v", src, err)
		}
	}
}

func mustOp(t *testing.T, src string) board.Op {
	t.Helper()
	op, err := board.DecodeOp([]byte(src))
	if err != nil {
		t.Fatalf("DecodeOp(%s): %v", src, err)
	}
	return op
}

// withoutTombstones is canonicalBoard without the deleted notes' ids, which
// a client keeps as it applies deletes and a welcome does not send.
func withoutTombstones(t *testing.T, b *board.Board) string {
	t.Helper()
	c := b.Clone()
	c.Deleted = nil
	return canonicalBoard(t, c)
}
