package board_test

import (
	"fmt"
	"testing"
	"time"

	"corkboard/board"
)

// A deleted note goes to the trash, and a facilitator brings it back with
// its text and comments (not its votes) for TrashFor; then it is gone.
func TestTrash(t *testing.T) {
	l := newLesson(t)
	l.must(ada, board.RoleEdit, create(idB))
	l.must(bo, board.RoleEdit, comment(idB, cm1, "me too"))
	l.must(bo, board.RoleEdit, `{"kind":"delete","id":"`+idB+`"}`)
	if len(l.b.Trash) != 1 || l.b.Trash[0].DeletedBy != "B" || len(l.b.Trash[0].Note.Comments) != 1 {
		t.Fatalf("trash: %+v", l.b.Trash)
	}
	if v := l.b.View(ada); len(v.Trash) != 0 {
		t.Errorf("a view holds the trash")
	}
	l.refused(ada, board.RoleEdit, `{"kind":"undelete","id":"`+idB+`"}`, board.EForbidden)
	l.refused(teacher, board.RoleFacilitate, `{"kind":"undelete","id":"`+idC+`"}`, board.ENotFound)
	if _, err := board.DecodeOp([]byte(`{"kind":"undelete","id":"` + idB + `","restored":{"id":"` + idB + `"}}`)); err == nil {
		t.Error("a client sent the note an undelete restores")
	}
	l.must(teacher, board.RoleFacilitate, `{"kind":"undelete","id":"`+idB+`"}`)
	n, ok := l.b.Notes[idB]
	if !ok || n.Text != "0b" || len(n.Comments) != 1 || len(l.b.Trash) != 0 || l.b.Deleted[idB] {
		t.Fatalf("after undelete: note %+v (on the board: %v), trash %d", n, ok, len(l.b.Trash))
	}
	l.must(ada, board.RoleEdit, `{"kind":"update","id":"`+idB+`","set":{"text":"back"}}`)

	// Expired: a month and a day later it cannot come back.
	l.must(ada, board.RoleEdit, `{"kind":"delete","id":"`+idB+`"}`)
	st := board.Stamp{Version: l.b.Version + 1, At: t0.Add(board.TrashFor + 48*time.Hour), Role: board.RoleFacilitate}
	_, _, err := board.Order(l.b, mustOp(t, `{"kind":"undelete","id":"`+idB+`"}`), st, board.DefaultLimits)
	if board.ErrorCode(err) != board.ENotFound {
		t.Fatalf("undelete after %v: %v", board.TrashFor, err)
	}
	if got := l.b.TrashAt(st.At); len(got) != 0 {
		t.Errorf("the trash still offers %d notes", len(got))
	}
}

// The trash keeps the newest MaxTrash notes.
func TestTrashKeepsTheNewest(t *testing.T) {
	b := board.New(board.NewID(), "", t0)
	v := uint64(0)
	apply := func(src string) {
		t.Helper()
		v++
		if err := board.Apply(b, mustOp(t, src), board.Stamp{Version: v, At: t0, Role: board.RoleFacilitate}, board.DefaultLimits); err != nil {
			t.Fatal(err)
		}
	}
	for i := range board.MaxTrash + 5 {
		id := noteID(i)
		apply(`{"kind":"create","note":{"id":"` + id + `","x":0,"y":0}}`)
		apply(`{"kind":"delete","id":"` + id + `"}`)
	}
	if len(b.Trash) != board.MaxTrash || b.Trash[0].Note.ID != noteID(5) {
		t.Errorf("trash holds %d, oldest %s", len(b.Trash), b.Trash[0].Note.ID)
	}
	data, _ := b.MarshalJSON()
	if _, err := board.DecodeBoard(data, board.DefaultLimits); err != nil {
		t.Errorf("a board with a full trash does not load: %v", err)
	}
}

// Replicas hold their view through a delete and an undelete of a private
// note, which others get blank.
func TestReplicasHoldTheirUndelete(t *testing.T) {
	server := newLesson(t)
	_, step := replicate(t, server)
	step(teacher, board.RoleFacilitate, `{"kind":"hide"}`)
	step(bo, board.RoleEdit, create(idC))
	step(ada, board.RoleEdit, create(idB))
	step(ada, board.RoleEdit, `{"kind":"delete","id":"`+idB+`"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"delete","id":"`+idA+`"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"undelete","id":"`+idA+`"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"undelete","id":"`+idB+`"}`) // Ada's private note: hers, whole
	// The teacher's own private note comes back to the teacher whole.
	step(teacher, board.RoleFacilitate, create(idD))
	step(teacher, board.RoleFacilitate, comment(idD, "00000000-0000-4000-8000-0000000000f3", "teacher's"))
	step(teacher, board.RoleFacilitate, `{"kind":"delete","id":"`+idD+`"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"undelete","id":"`+idD+`"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"names":"staff","filter":{"mode":"mask","words":["grr"]}}}`)
	step(bo, board.RoleEdit, `{"kind":"update","id":"`+idB+`","set":{"x":1}}`)
	step(teacher, board.RoleFacilitate, `{"kind":"reveal"}`)
	step(bo, board.RoleEdit, `{"kind":"update","id":"`+idB+`","set":{"text":"grr from Bo"}}`)
	step(bo, board.RoleEdit, comment(idB, cm1, "grr"))
	step(teacher, board.RoleFacilitate, comment(idB, "00000000-0000-4000-8000-0000000000f4", "the teacher's word"))
	step(ada, board.RoleEdit, `{"kind":"delete","id":"`+idB+`"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"undelete","id":"`+idB+`"}`)
	// With no names kept, the sender is told nobody's participant id.
	step(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"names":"none"}}`)
	step(ada, board.RoleEdit, `{"kind":"delete","id":"`+idB+`"}`)
	step(teacher, board.RoleFacilitate, `{"kind":"undelete","id":"`+idB+`"}`)
}

func noteID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012x", 0x1000+i) }

// Whoever deleted a note may bring it back (their undo), as it was; no
// one else but a facilitator may, and a view link never.
func TestUndoADelete(t *testing.T) {
	l := newLesson(t)
	l.must(bo, board.RoleEdit, create(idB))
	l.must(ada, board.RoleEdit, `{"kind":"delete","id":"`+idB+`"}`)
	l.refused(bo, board.RoleEdit, `{"kind":"undelete","id":"`+idB+`"}`, board.EForbidden)
	l.refused(ada, board.RoleView, `{"kind":"undelete","id":"`+idB+`"}`, board.EForbidden)
	l.must(ada, board.RoleEdit, `{"kind":"undelete","id":"`+idB+`"}`)
	if n := l.b.Notes[idB]; n.AuthorID != bo {
		t.Errorf("the note came back as %+v, want Bo's", n)
	}
	l.must(teacher, board.RoleFacilitate, `{"kind":"lock"}`)
	l.must(ada, board.RoleEdit, `{"kind":"react","id":"`+idB+`","reaction":"idea"}`) // a locked board takes reactions
	l.must(teacher, board.RoleFacilitate, `{"kind":"unlock"}`)
	l.must(ada, board.RoleEdit, `{"kind":"delete","id":"`+idB+`"}`)
	l.must(teacher, board.RoleFacilitate, `{"kind":"lock"}`)
	l.refused(ada, board.RoleEdit, `{"kind":"undelete","id":"`+idB+`"}`, board.ELocked)
	if got := l.b.Trash[len(l.b.Trash)-1].ForFacilitators(true); got.DeletedByID != "" {
		t.Errorf("the trash as facilitators see it holds who deleted by id: %+v", got)
	}
}
