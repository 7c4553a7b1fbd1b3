package board_test

import (
	"fmt"
	"testing"

	"corkboard/board"
)

// TestModerationMatrix sends each note, comment and reaction operation
// from each role under every combination of the moderation settings, and
// checks the answer against the rules, written out here a second time.
func TestModerationMatrix(t *testing.T) {
	type setting struct {
		approval, ownNotes, closed bool
		filter                     string // "", "mask", "refuse"
	}
	var settings []setting
	for _, a := range []bool{false, true} {
		for _, o := range []bool{false, true} {
			for _, c := range []bool{false, true} {
				for _, f := range []string{"", "mask", "refuse"} {
					settings = append(settings, setting{a, o, c, f})
				}
			}
		}
	}
	roles := []board.Role{board.RoleFacilitate, board.RoleEdit, board.RoleView}
	for _, s := range settings {
		for _, r := range roles {
			name := fmt.Sprintf("approval=%v own=%v closed=%v filter=%q %s", s.approval, s.ownNotes, s.closed, s.filter, r)
			// A fresh board: the teacher's note idA, Bo's note idB, and
			// then the settings.
			newBoard := func() *lesson {
				l := newLesson(t)
				l.must(bo, board.RoleEdit, `{"kind":"create","note":{"id":"`+idB+`","x":0,"y":0,"text":"Bo's"}}`)
				m := fmt.Sprintf(`{"approval":%v,"ownNotes":%v,"closed":%v`, s.approval, s.ownNotes, s.closed)
				if s.filter != "" {
					m += `,"filter":{"mode":"` + s.filter + `","words":["rutabaga"]}`
				}
				l.must(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":`+m+`}}`)
				return l
			}
			facilitator, editor := r == board.RoleFacilitate, r == board.RoleEdit
			cases := []struct {
				op   string
				want string
			}{
				{`{"kind":"create","note":{"id":"` + idC + `","x":0,"y":0,"text":"plain"}}`,
					pick(facilitator, "", !editor, board.EForbidden, s.closed, board.ELocked, true, "")},
				{`{"kind":"create","note":{"id":"` + idC + `","x":0,"y":0,"text":"a rutabaga"}}`,
					pick(facilitator, "", !editor, board.EForbidden, s.closed, board.ELocked, s.filter == "refuse", board.EInvalid, true, "")},
				{`{"kind":"update","id":"` + idA + `","set":{"x":5}}`, // the teacher's note
					pick(facilitator, "", !editor, board.EForbidden, s.ownNotes, board.EForbidden, true, "")},
				{`{"kind":"delete","id":"` + idA + `"}`,
					pick(facilitator, "", !editor, board.EForbidden, s.ownNotes, board.EForbidden, true, "")},
				{`{"kind":"comment","id":"` + idA + `","comment":{"id":"` + cm1 + `","text":"a rutabaga"}}`,
					pick(facilitator, "", !editor, board.EForbidden, s.filter == "refuse", board.EInvalid, true, "")},
				{`{"kind":"react","id":"` + idA + `","reaction":"idea"}`, ""},
				{`{"kind":"approve"}`, pick(facilitator, "", true, board.EForbidden)},
				{`{"kind":"column-add","column":{"id":"` + colA + `","name":"x"}}`, pick(facilitator, "", true, board.EForbidden)},
				{`{"kind":"update","id":"` + idB + `","set":{"stack":"` + idA + `"}}`, // Bo's note onto the teacher's
					pick(facilitator, "", !editor, board.EForbidden, s.ownNotes, board.EForbidden, true, "")},
				{`{"kind":"undelete","id":"` + idC + `"}`, pick(facilitator, board.ENotFound, true, board.EForbidden)},
			}
			for _, c := range cases {
				l := newBoard()
				if got := l.apply(ada, r, c.op); got != c.want {
					t.Errorf("%s: %s: got %q, want %q", name, c.op, got, c.want)
				}
			}
			// Ada's own note, with approval on, is hers alone to change
			// until approved; Bo cannot even see it.
			if editor && s.approval && !s.closed {
				l := newBoard()
				l.must(ada, r, `{"kind":"create","note":{"id":"`+idC+`","x":0,"y":0,"text":"mine"}}`)
				l.must(ada, r, `{"kind":"update","id":"`+idC+`","set":{"x":9}}`)
				l.refused(bo, r, `{"kind":"update","id":"`+idC+`","set":{"x":9}}`, board.ENotFound)
				l.refused(teacher, board.RoleFacilitate, `{"kind":"update","id":"`+idC+`","set":{"x":9}}`, board.EConflict)
				l.refused(ada, r, `{"kind":"comment","id":"`+idC+`","comment":{"id":"`+cm2+`","text":"x"}}`, board.EConflict)
			}
		}
	}
}

// pick returns the answer after the first condition that holds, of
// (condition, answer) pairs.
func pick(pairs ...any) string {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i].(bool) {
			return pairs[i+1].(string)
		}
	}
	return ""
}
