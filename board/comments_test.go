package board_test

import (
	"testing"

	"corkboard/board"
)

const (
	cm1 = "00000000-0000-4000-8000-0000000000f1"
	cm2 = "00000000-0000-4000-8000-0000000000f2"
	cm3 = "00000000-0000-4000-8000-0000000000f3"
)

func comment(note, id, text string) string {
	return `{"kind":"comment","id":"` + note + `","comment":{"id":"` + id + `","text":"` + text + `"}}`
}

func uncomment(note, id string) string {
	return `{"kind":"uncomment","id":"` + note + `","comment":{"id":"` + id + `"}}`
}

// Editors and facilitators comment on any note, own-notes-only and a
// closed board notwithstanding; viewers and a locked board do not; a
// comment is deleted by its author or a facilitator.
func TestComments(t *testing.T) {
	l := newLesson(t)
	l.must(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"ownNotes":true,"closed":true}}`)
	l.must(ada, board.RoleEdit, comment(idA, cm1, "Light is a wave?"))
	l.must(bo, board.RoleEdit, comment(idA, cm2, "And a particle"))
	l.refused(bo, board.RoleView, comment(idA, cm3, "From a viewer"), board.EForbidden)
	l.refused(bo, board.RoleEdit, comment(idA, cm1, "Same id"), board.EConflict)
	l.refused(bo, board.RoleEdit, uncomment(idA, cm1), board.EForbidden)
	if cs := l.b.Notes[idA].Comments; len(cs) != 2 || cs[0].Text != "Light is a wave?" || cs[1].Author != "B" {
		t.Fatalf("comments: %+v", cs)
	}
	l.must(ada, board.RoleEdit, uncomment(idA, cm1))
	l.must(teacher, board.RoleFacilitate, uncomment(idA, cm2))
	if len(l.b.Notes[idA].Comments) != 0 {
		t.Error("comments remain")
	}
	l.must(teacher, board.RoleFacilitate, `{"kind":"lock"}`)
	l.refused(ada, board.RoleEdit, comment(idA, cm3, "Locked"), board.ELocked)
	// A deleted note takes its comments with it, and the board's size too.
	l.must(teacher, board.RoleFacilitate, `{"kind":"unlock"}`)
	l.must(ada, board.RoleEdit, comment(idA, cm3, "Bye"))
	before := l.b.Size()
	l.must(teacher, board.RoleFacilitate, `{"kind":"delete","id":"`+idA+`"}`)
	if l.b.Size() >= before-len("Bye") {
		t.Errorf("size %d after deleting a commented note, %d before", l.b.Size(), before)
	}
	data, _ := l.b.MarshalJSON()
	if back, err := board.DecodeBoard(data, board.DefaultLimits); err != nil || back.Size() != l.b.Size() {
		t.Errorf("decoding again: %v (size %d, want %d)", err, back.Size(), l.b.Size())
	}
}

// Replicas hold their view through comments written privately, waiting
// for approval and with masked words, approved, rejected and revealed.
func TestReplicasHoldTheirComments(t *testing.T) {
	server := newLesson(t)
	_, step := replicate(t, server)
	step(ada, board.RoleEdit, comment(idA, cm1, "open rutabaga"))
	step(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"approval":true,"filter":{"mode":"mask","words":["rutabaga"]}}}`)
	step(bo, board.RoleEdit, comment(idA, cm2, "waiting rutabaga"))
	step(ada, board.RoleEdit, comment(idA, cm3, "also waiting"))
	step(teacher, board.RoleFacilitate, `{"kind":"approve","id":"`+cm2+`"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"reject","id":"`+cm3+`"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"filter":{"mode":"mask","words":["rutabaga"]}}}`)
	step(teacher, board.RoleFacilitate, `{"kind":"hide"}`)
	step(bo, board.RoleEdit, comment(idA, "00000000-0000-4000-8000-0000000000f4", "secret rutabaga"))
	step(ada, board.RoleEdit, uncomment(idA, cm1))
	step(teacher, board.RoleFacilitate, `{"kind":"reveal"}`)
}
