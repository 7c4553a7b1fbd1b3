package board_test

import (
	"strings"
	"testing"

	"corkboard/board"
)

func namesOp(mode string) string {
	return `{"kind":"moderate","moderation":{"names":"` + mode + `"}}`
}

// What each person sees of whose notes are whose, as a view: under
// "staff" facilitators see names and nobody else sees any but their own;
// under "none" no name is kept at all, and a person still knows their own
// notes (by participant id) and nobody else's.
func TestNamesInViews(t *testing.T) {
	l := newLesson(t)
	l.must(ada, board.RoleEdit, create(idB))
	l.must(bo, board.RoleEdit, comment(idB, cm1, "me too"))

	l.must(teacher, board.RoleFacilitate, namesOp(board.NamesStaff))
	if v := l.b.ViewFor(teacher, true); v.Notes[idB].Author != "A" || v.Notes[idB].Comments[0].Author != "B" {
		t.Errorf("the teacher does not see names: %+v", v.Notes[idB])
	}
	ownAndNoOther := func(who string, v *board.Board) {
		t.Helper()
		for id, n := range v.Notes {
			if n.AuthorID != who && (n.Author != "" || n.AuthorID != "") {
				t.Errorf("%s sees note %s's author %q/%q", who, id, n.Author, n.AuthorID)
			}
			for _, c := range n.Comments {
				if c.AuthorID != who && (c.Author != "" || c.AuthorID != "") {
					t.Errorf("%s sees comment %s's author %q", who, c.ID, c.Author)
				}
			}
		}
	}
	ownAndNoOther(ada, l.b.ViewFor(ada, false))
	ownAndNoOther(bo, l.b.ViewFor(bo, false))
	ownAndNoOther("", l.b.View(""))
	if l.b.ViewFor(ada, false).Notes[idB].AuthorID != ada {
		t.Error("Ada does not see her own note as hers")
	}

	l.must(teacher, board.RoleFacilitate, namesOp(board.NamesNone))
	l.must(ada, board.RoleEdit, create(idC))
	l.must(teacher, board.RoleFacilitate, `{"kind":"delete","id":"`+idC+`"}`)
	data, _ := l.b.MarshalJSON()
	for _, name := range []string{`"author":"A"`, `"author":"B"`, `"author":"T"`, `"deletedBy":"T"`} {
		if strings.Contains(string(data), name) {
			t.Errorf("a board that keeps no names holds %s", name)
		}
	}
	ownAndNoOther(teacher, l.b.ViewFor(teacher, true))
	ownAndNoOther(ada, l.b.ViewFor(ada, false))
	// Own notes only still knows whose notes are whose.
	l.must(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"names":"none","ownNotes":true}}`)
	l.must(ada, board.RoleEdit, `{"kind":"update","id":"`+idB+`","set":{"x":5}}`)
	l.refused(bo, board.RoleEdit, `{"kind":"update","id":"`+idB+`","set":{"x":6}}`, board.EForbidden)
	l.refused(teacher, board.RoleFacilitate, namesOp("everyone"), board.EInvalid)
}

// Op copies go without names where the board does not show them, and
// the names come back with the operation that shows them again.
func TestNamesInCopies(t *testing.T) {
	l := newLesson(t)
	l.must(teacher, board.RoleFacilitate, namesOp(board.NamesStaff))
	st := board.Stamp{Version: l.b.Version + 1, At: t0, Author: "Ada", AuthorID: ada, Role: board.RoleEdit}
	_, c, err := board.Order(l.b, mustOp(t, create(idB)), st, board.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if !c.OthersNameless || c.StaffNameless {
		t.Errorf("copies of a create under staff: others nameless %v, staff nameless %v", c.OthersNameless, c.StaffNameless)
	}
	st = board.Stamp{Version: l.b.Version + 1, At: t0, Author: "T", AuthorID: teacher, Role: board.RoleFacilitate}
	op, c, err := board.Order(l.b, mustOp(t, namesOp(board.NamesShown)), st, board.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if op.Authors[idB] != (board.Author{Name: "Ada", ID: ada}) || c.Others.Authors[idB] != op.Authors[idB] {
		t.Errorf("showing names again: the op carries %v, others get %v", op.Authors, c.Others.Authors)
	}
	_, c, err = board.Order(l.b, mustOp(t, namesOp(board.NamesStaff)), board.Stamp{Version: l.b.Version + 1, At: t0, Role: board.RoleFacilitate}, board.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if c.Others.Authors != nil {
		t.Errorf("hiding names: others get %v", c.Others.Authors)
	}
}

// Names shown again name, to those who are not facilitators, no note or
// comment waiting for approval: to them it is not there yet.
func TestNamesShownAgainSkipWaiting(t *testing.T) {
	l := newLesson(t)
	l.must(teacher, board.RoleFacilitate, create(idC))
	l.must(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"names":"staff","approval":true}}`)
	l.must(ada, board.RoleEdit, create(idB))
	l.must(bo, board.RoleEdit, comment(idC, cm1, "me too"))
	st := board.Stamp{Version: l.b.Version + 1, At: t0, Author: "T", AuthorID: teacher, Role: board.RoleFacilitate}
	op, c, err := board.Order(l.b, mustOp(t, `{"kind":"moderate","moderation":{"approval":true}}`), st, board.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if op.Authors[idB].ID != ada || op.Authors[cm1].ID != bo || op.Authors[idC].ID != teacher {
		t.Errorf("the operation carries %v, want every author", op.Authors)
	}
	if _, ok := c.Others.Authors[idB]; ok {
		t.Errorf("others are told who wrote the note waiting: %v", c.Others.Authors)
	}
	if _, ok := c.Others.Authors[cm1]; ok {
		t.Errorf("others are told who wrote the comment waiting: %v", c.Others.Authors)
	}
	if c.Others.Authors[idC].ID != teacher || !c.OthersDiffer {
		t.Errorf("others get %v (differ %v), want the teacher's note named", c.Others.Authors, c.OthersDiffer)
	}
	if c.StaffDiffer {
		t.Errorf("the facilitators' copy differs: %v", c.Staff.Authors)
	}
}

// Replicas hold their view as names are hidden, forgotten and shown again.
func TestReplicasHoldTheirNames(t *testing.T) {
	server := newLesson(t)
	_, step := replicate(t, server)
	step(ada, board.RoleEdit, create(idB))
	step(bo, board.RoleEdit, comment(idB, cm1, "me too"))
	step(teacher, board.RoleFacilitate, namesOp(board.NamesStaff))
	step(bo, board.RoleEdit, create(idC))
	step(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"names":"staff","approval":true}}`)
	step(ada, board.RoleEdit, create(idD))
	step(teacher, board.RoleFacilitate, `{"kind":"approve"}`)
	step(teacher, board.RoleFacilitate, namesOp(board.NamesShown))
	step(teacher, board.RoleFacilitate, namesOp(board.NamesNone))
	step(ada, board.RoleEdit, comment(idC, "00000000-0000-4000-8000-0000000000f2", "and me"))
	step(teacher, board.RoleFacilitate, namesOp(board.NamesStaff))
	step(teacher, board.RoleFacilitate, namesOp(board.NamesShown))
	// Names shown again while a note and a comment wait.
	step(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"names":"staff","approval":true}}`)
	step(bo, board.RoleEdit, create("00000000-0000-4000-8000-0000000000e1"))
	step(ada, board.RoleEdit, comment(idB, "00000000-0000-4000-8000-0000000000f3", "later"))
	step(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"approval":true}}`)
	step(teacher, board.RoleFacilitate, `{"kind":"approve"}`)
}
