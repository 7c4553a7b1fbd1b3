package board_test

import (
	"testing"

	"corkboard/board"
)

func stack(id, head string) string {
	return `{"kind":"update","id":"` + id + `","set":{"stack":"` + head + `"}}`
}

func create(id string) string {
	return `{"kind":"create","note":{"id":"` + id + `","x":100,"y":100,"text":"` + id[len(id)-2:] + `"}}`
}

// Notes stack on a head; stacks do not nest; deleting the head passes the
// stack to its topmost note, in the head's place.
func TestStacks(t *testing.T) {
	l := newLesson(t) // idA, the teacher's, at 0,0
	l.must(ada, board.RoleEdit, create(idB))
	l.must(bo, board.RoleEdit, create(idC))
	l.must(bo, board.RoleEdit, create(idD))

	l.must(ada, board.RoleEdit, stack(idB, idA))
	l.must(bo, board.RoleEdit, stack(idC, idA))
	if got := len(l.b.StackOf(idA)); got != 2 {
		t.Fatalf("the stack holds %d notes, want 2", got)
	}
	if got := len(l.b.View(ada).StackOf(idA)); got != 2 {
		t.Fatalf("a view of the stack holds %d notes, want 2", got)
	}
	l.refused(bo, board.RoleEdit, stack(idD, idB), board.EConflict) // idB is in a stack
	l.refused(bo, board.RoleEdit, stack(idD, idD), board.EInvalid)
	l.refused(bo, board.RoleEdit, stack(idD, "00000000-0000-4000-8000-0000000000ff"), board.ENotFound)
	l.refused(teacher, board.RoleFacilitate, stack(idA, idD), board.EConflict) // idA heads a stack
	// A batch that moves the stack's notes first moves the whole stack.
	l.must(teacher, board.RoleFacilitate, `{"kind":"batch","ops":[`+stack(idB, idD)+`,`+stack(idC, idD)+`,`+stack(idA, idD)+`]}`)
	if got := len(l.b.StackOf(idD)); got != 3 {
		t.Fatalf("after moving the stack, %d notes are on idD, want 3", got)
	}
	l.refused(bo, board.RoleEdit, `{"kind":"update","id":"`+idD+`","set":{"stack":"not an id"}}`, board.EInvalid)

	// Deleting the head: its topmost note heads the stack, where it was.
	l.must(bo, board.RoleEdit, `{"kind":"update","id":"`+idD+`","set":{"x":500,"y":600}}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"update","id":"`+idC+`","set":{"z":50}}`)
	l.must(bo, board.RoleEdit, `{"kind":"delete","id":"`+idD+`"}`)
	c := l.b.Notes[idC]
	if c.Stack != "" || c.X != 500 || c.Y != 600 {
		t.Fatalf("the new head is %+v, want on its own at 500,600", c)
	}
	for _, id := range []string{idA, idB} {
		if got := l.b.Notes[id].Stack; got != idC {
			t.Errorf("note %s is on %q, want the new head", id, got)
		}
	}
	// Taken apart.
	l.must(ada, board.RoleEdit, `{"kind":"batch","ops":[`+stack(idA, "")+`,`+stack(idB, "")+`]}`)
	if l.b.Stacked() != 0 {
		t.Errorf("%d notes still stacked", l.b.Stacked())
	}
}

// The rules of notes hold for stacks: own notes only lets a person stack
// their own note, not take another's off; notes waiting for approval are
// neither stacked nor stacked on; a board with a broken stack does not
// load.
func TestStackRules(t *testing.T) {
	l := newLesson(t)
	l.must(ada, board.RoleEdit, create(idB))
	l.must(bo, board.RoleEdit, create(idC))
	l.must(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"ownNotes":true,"approval":true}}`)
	l.must(ada, board.RoleEdit, stack(idB, idC))                               // her note onto Bo's
	l.refused(bo, board.RoleEdit, stack(idB, ""), board.EForbidden)            // not his to take off
	l.must(ada, board.RoleEdit, create(idD))                                   // waits
	l.refused(ada, board.RoleEdit, stack(idD, idC), board.EConflict)           // a waiting note
	l.refused(bo, board.RoleEdit, stack(idC, idD), board.ENotFound)            // he cannot see it
	l.refused(teacher, board.RoleFacilitate, stack(idA, idD), board.EConflict) // the teacher can, but not yet

	data, err := l.b.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := board.DecodeBoard(data, board.DefaultLimits); err != nil {
		t.Fatalf("a board with a stack does not load: %v", err)
	}
	b := l.b.Clone()
	n := b.Notes[idA]
	n.Stack = idB // idB is in a stack itself
	b.Notes[idA] = n
	data, _ = b.MarshalJSON()
	if _, err := board.DecodeBoard(data, board.DefaultLimits); board.ErrorCode(err) != board.EInvalid {
		t.Errorf("a nested stack loads: %v", err)
	}
}

// Replicas hold their view through stacking, a head deleted and a stack
// taken apart.
func TestReplicasHoldTheirStacks(t *testing.T) {
	server := newLesson(t)
	_, step := replicate(t, server)
	step(ada, board.RoleEdit, create(idB))
	step(bo, board.RoleEdit, create(idC))
	step(teacher, board.RoleFacilitate, `{"kind":"hide"}`)
	step(bo, board.RoleEdit, create(idD))
	step(ada, board.RoleEdit, stack(idB, idA))
	step(bo, board.RoleEdit, `{"kind":"batch","ops":[`+stack(idC, idA)+`,`+stack(idD, idA)+`]}`)
	step(teacher, board.RoleFacilitate, `{"kind":"update","id":"`+idA+`","set":{"x":40,"y":40}}`)
	step(teacher, board.RoleFacilitate, `{"kind":"delete","id":"`+idA+`"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"reveal"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"vote-start","voting":{"votes":3,"perNote":3}}`)
	step(ada, board.RoleEdit, `{"kind":"vote","id":"`+idB+`"}`)
}
