package board_test

import (
	"strings"
	"testing"

	"corkboard/board"
)

const idD = "00000000-0000-4000-8000-0000000000d4"

// noteIDs returns the ids of the notes a person sees, in order.
func noteIDs(b *board.Board) string {
	var ids []string
	for _, n := range b.SortedNotes() {
		ids = append(ids, n.ID[len(n.ID)-2:])
	}
	return strings.Join(ids, " ")
}

// With approval on, a note by anyone but a facilitator is seen by its
// author and facilitators only, until a facilitator approves it (one, or
// every waiting note) or rejects it; nobody else can touch it meanwhile.
func TestApproval(t *testing.T) {
	l := newLesson(t) // the teacher's note idA
	l.refused(ada, board.RoleEdit, `{"kind":"moderate","moderation":{"approval":true}}`, board.EForbidden)
	l.must(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"approval":true}}`)
	l.must(ada, board.RoleEdit, `{"kind":"create","note":{"id":"`+idB+`","x":0,"y":0,"text":"Ada's"}}`)
	l.must(bo, board.RoleEdit, `{"kind":"create","note":{"id":"`+idC+`","x":0,"y":0,"text":"Bo's"}}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"create","note":{"id":"`+idD+`","x":0,"y":0,"text":"Teacher's"}}`)
	for _, tt := range []struct {
		who         string
		facilitator bool
		want        string
	}{
		{teacher, true, "0a 0b 0c d4"}, {ada, false, "0a 0b d4"}, {bo, false, "0a 0c d4"}, {"", false, "0a d4"},
	} {
		if got := noteIDs(l.b.ViewFor(tt.who, tt.facilitator)); got != tt.want {
			t.Errorf("%q sees %s, want %s", tt.who, got, tt.want)
		}
	}
	if !l.b.Notes[idB].Pending || l.b.Notes[idD].Pending {
		t.Error("pending marks are wrong")
	}
	// Others cannot move, edit, delete or vote for a note they cannot see.
	l.refused(bo, board.RoleEdit, `{"kind":"update","id":"`+idB+`","set":{"x":5}}`, board.ENotFound)
	l.refused(bo, board.RoleEdit, `{"kind":"delete","id":"`+idB+`"}`, board.ENotFound)
	l.must(ada, board.RoleEdit, `{"kind":"update","id":"`+idB+`","set":{"text":"Ada's, better"}}`)
	l.refused(ada, board.RoleEdit, `{"kind":"approve","id":"`+idB+`"}`, board.EForbidden)
	l.refused(teacher, board.RoleFacilitate, `{"kind":"approve","id":"`+idD+`"}`, board.EConflict)
	l.must(teacher, board.RoleFacilitate, `{"kind":"approve","id":"`+idB+`"}`)
	if got := noteIDs(l.b.View("")); got != "0a 0b d4" {
		t.Errorf("after approving Ada's, everyone sees %s", got)
	}
	l.must(teacher, board.RoleFacilitate, `{"kind":"reject"}`) // every note waiting: Bo's
	if _, ok := l.b.Notes[idC]; ok || !l.b.Deleted[idC] {
		t.Error("Bo's note was not rejected")
	}
	l.refused(teacher, board.RoleFacilitate, `{"kind":"reject","id":"`+idB+`"}`, board.EConflict)
}

// Own notes only: editors change only what they made; facilitators all.
func TestOwnNotesAndClosed(t *testing.T) {
	l := newLesson(t)
	l.must(ada, board.RoleEdit, `{"kind":"create","note":{"id":"`+idB+`","x":0,"y":0,"text":"Ada's"}}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"ownNotes":true,"closed":true}}`)
	for _, src := range []string{
		`{"kind":"update","id":"` + idA + `","set":{"x":40}}`,
		`{"kind":"update","id":"` + idA + `","set":{"text":"mine"}}`,
		`{"kind":"update","id":"` + idA + `","set":{"color":"pink"}}`,
		`{"kind":"delete","id":"` + idA + `"}`,
		`{"kind":"batch","ops":[{"kind":"update","id":"` + idB + `","set":{"x":1}},{"kind":"update","id":"` + idA + `","set":{"x":1}}]}`,
	} {
		l.refused(bo, board.RoleEdit, src, board.EForbidden)
	}
	l.must(ada, board.RoleEdit, `{"kind":"update","id":"`+idB+`","set":{"x":40,"text":"Ada's, moved"}}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"update","id":"`+idB+`","set":{"y":40}}`)
	// Closed to new notes: editors add nothing, the facilitator does, and
	// everyone still votes.
	l.refused(ada, board.RoleEdit, `{"kind":"create","note":{"id":"`+idC+`","x":0,"y":0}}`, board.ELocked)
	l.must(teacher, board.RoleFacilitate, `{"kind":"create","note":{"id":"`+idC+`","x":0,"y":0}}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"vote-start","voting":{"votes":1,"perNote":1}}`)
	l.must(bo, board.RoleEdit, `{"kind":"vote","id":"`+idA+`"}`)
	l.must(ada, board.RoleEdit, `{"kind":"delete","id":"`+idB+`"}`)
}

// The filter masks a caught word for everyone but the author and
// facilitators, or refuses the text; facilitators' own text is theirs;
// the list itself reaches facilitators only.
func TestWordFilter(t *testing.T) {
	l := newLesson(t)
	l.must(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"filter":{"mode":"mask","defaults":true,"words":["rutabaga","snigel*"]}}}`)
	l.must(ada, board.RoleEdit, `{"kind":"create","note":{"id":"`+idB+`","x":0,"y":0,"text":"This SHIT is a Rutabaga, snigelfart! Skit."}}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"create","note":{"id":"`+idC+`","x":0,"y":0,"text":"rutabaga"}}`)
	masked := "This ∗∗∗∗ is a ∗∗∗∗∗∗∗∗, ∗∗∗∗∗∗∗∗∗∗! ∗∗∗∗."
	for _, tt := range []struct {
		who         string
		facilitator bool
		want        string
	}{
		{ada, false, "This SHIT is a Rutabaga, snigelfart! Skit."},
		{teacher, true, "This SHIT is a Rutabaga, snigelfart! Skit."},
		{bo, false, masked}, {"", false, masked},
	} {
		v := l.b.ViewFor(tt.who, tt.facilitator)
		if got := v.Notes[idB].Text; got != tt.want || v.Notes[idB].Shown != "" {
			t.Errorf("%q sees %q (shown %q), want %q", tt.who, got, v.Notes[idB].Shown, tt.want)
		}
		if v.Notes[idC].Text != "rutabaga" {
			t.Errorf("%q sees the teacher's own note masked: %q", tt.who, v.Notes[idC].Text)
		}
		if words := v.Moderation.Filter.Words; (len(words) > 0) != tt.facilitator {
			t.Errorf("%q sees the filter's words %v", tt.who, words)
		}
	}
	// Words inside others, and other forms, pass: only whole words and
	// listed beginnings are caught.
	l.must(bo, board.RoleEdit, `{"kind":"create","note":{"id":"`+idD+`","x":0,"y":0,"text":"Shitake mushrooms, skitbra"}}`)
	if got := l.b.View("").Notes[idD].Text; got != "∗∗∗∗∗∗∗ mushrooms, ∗∗∗∗∗∗∗" {
		t.Errorf("prefix entries: %q", got)
	}
	// Refuse mode: the text is refused, and names no word.
	l.must(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"filter":{"mode":"refuse","words":["rutabaga"]}}}`)
	l.refused(bo, board.RoleEdit, `{"kind":"update","id":"`+idD+`","set":{"text":"a rutabaga"}}`, board.EInvalid)
	l.refused(bo, board.RoleEdit, `{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000e5","x":0,"y":0,"text":"RUTABAGA"}}`, board.EInvalid)
	l.must(bo, board.RoleEdit, `{"kind":"update","id":"`+idD+`","set":{"text":"a turnip"}}`)
	// Stored and read back, masks included.
	data, _ := l.b.MarshalJSON()
	back, err := board.DecodeBoard(data, board.DefaultLimits)
	if err != nil || canonicalBoard(t, back) != canonicalBoard(t, l.b) {
		t.Errorf("decoding the board again: %v", err)
	}
	for _, bad := range []string{
		`{"mode":"shout"}`, `{"mode":"mask","words":[""]}`, `{"mode":"mask","words":["two words"]}`,
		`{"mode":"mask","words":["*"]}`, `{"mode":"mask","words":["` + strings.Repeat("a", 41) + `"]}`,
	} {
		if code := l.apply(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"filter":`+bad+`}}`); code == "" {
			t.Errorf("filter %s: accepted", bad)
		}
	}
	if len(board.DefaultWords()) < 40 {
		t.Errorf("the default lists hold %d words", len(board.DefaultWords()))
	}
}

// Replicas hold their person's view through approval, masking and private
// writing together: nobody's copy ever holds what they may not see.
func TestReplicasHoldTheirModeratedView(t *testing.T) {
	server := newLesson(t)
	_, step := replicate(t, server)
	step(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"approval":true,"filter":{"mode":"mask","words":["rutabaga"]}}}`)
	step(ada, board.RoleEdit, `{"kind":"create","note":{"id":"`+idB+`","x":0,"y":0,"text":"a rutabaga"}}`)
	step(ada, board.RoleEdit, `{"kind":"update","id":"`+idB+`","set":{"x":30,"text":"two rutabaga"}}`)
	step(bo, board.RoleEdit, `{"kind":"batch","ops":[{"kind":"create","note":{"id":"`+idC+`","x":0,"y":0,"text":"Bo's rutabaga"}},{"kind":"update","id":"`+idA+`","set":{"x":9}}]}`)
	step(teacher, board.RoleFacilitate, `{"kind":"approve","id":"`+idB+`"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"hide"}`)
	step(ada, board.RoleEdit, `{"kind":"create","note":{"id":"`+idD+`","x":0,"y":0,"text":"secret rutabaga"}}`)
	step(teacher, board.RoleFacilitate, `{"kind":"approve"}`)
	step(bo, board.RoleEdit, `{"kind":"update","id":"`+idC+`","set":{"text":"Bo's rutabaga, again"}}`)
	step(teacher, board.RoleFacilitate, `{"kind":"reveal"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"ownNotes":true}}`)
	step(ada, board.RoleEdit, `{"kind":"update","id":"`+idD+`","set":{"text":"rutabaga, not secret"}}`)
	step(ada, board.RoleEdit, `{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000e5","x":0,"y":0,"text":"later"}}`)
	step(teacher, board.RoleFacilitate, `{"kind":"reject"}`)
}

// Notes and comments share one space of ids, which approve, reject and
// reveal name: a comment may not take a note's id, nor a note a
// comment's, nor either one that was deleted.
func TestNotesAndCommentsShareIDs(t *testing.T) {
	l := newLesson(t) // idA
	l.refused(bo, board.RoleEdit, comment(idA, idA, "spam"), board.EConflict)
	l.must(bo, board.RoleEdit, comment(idA, cm1, "a comment"))
	l.refused(ada, board.RoleEdit, `{"kind":"create","note":{"id":"`+cm1+`","x":0,"y":0}}`, board.EConflict)
	l.must(bo, board.RoleEdit, uncomment(idA, cm1))
	l.refused(bo, board.RoleEdit, comment(idA, cm1, "again"), board.EConflict)
	l.must(teacher, board.RoleFacilitate, `{"kind":"delete","id":"`+idA+`"}`)
	l.must(ada, board.RoleEdit, `{"kind":"create","note":{"id":"`+idB+`","x":0,"y":0}}`)
	l.refused(bo, board.RoleEdit, comment(idB, idA, "a deleted note's id"), board.EConflict)
}

// A facilitator editing a student's masked note is filtered like anyone:
// fixing a typo does not show the class the word the filter hid.
func TestFacilitatorEditKeepsAMask(t *testing.T) {
	l := newLesson(t)
	l.must(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"filter":{"mode":"mask","words":["rutabaga"]}}}`)
	l.must(ada, board.RoleEdit, `{"kind":"create","note":{"id":"`+idB+`","x":0,"y":0,"text":"a rutabaga tpyo"}}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"update","id":"`+idB+`","set":{"text":"a rutabaga typo"}}`)
	if got := l.b.View("").Notes[idB].Text; got != "a ∗∗∗∗∗∗∗∗ typo" {
		t.Errorf("after the teacher fixed a typo, everyone sees %q", got)
	}
	// Their own notes are theirs to write.
	l.must(teacher, board.RoleFacilitate, `{"kind":"update","id":"`+idA+`","set":{"text":"rutabaga!"}}`)
	if got := l.b.View("").Notes[idA].Text; got != "rutabaga!" {
		t.Errorf("the teacher's own note: %q", got)
	}
}

// A decomposed ä (a and a combining diaeresis) is the same word.
func TestFilterDecomposedLetters(t *testing.T) {
	l := newLesson(t)
	l.must(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"filter":{"mode":"refuse","words":["jävla"]}}}`)
	l.refused(ada, board.RoleEdit, `{"kind":"create","note":{"id":"`+idB+`","x":0,"y":0,"text":"ja\u0308vla"}}`, board.EInvalid)
}
