package board_test

import (
	"fmt"
	"testing"

	"corkboard/board"
)

const (
	colA = "00000000-0000-4000-8000-0000000000c1"
	colB = "00000000-0000-4000-8000-0000000000c2"
	colC = "00000000-0000-4000-8000-0000000000c3"
)

// Columns are the facilitator's: added at the right, renamed, moved with
// their notes, removed when empty; a note belongs to the lane its middle
// lies in.
func TestColumns(t *testing.T) {
	l := newLesson(t) // idA at x 0: in the first lane once there are columns
	add := func(id, name string) string {
		return `{"kind":"column-add","column":{"id":"` + id + `","name":"` + name + `"}}`
	}
	l.refused(ada, board.RoleEdit, add(colA, "Went well"), board.EForbidden)
	l.must(teacher, board.RoleFacilitate, add(colA, "Went well"))
	l.must(teacher, board.RoleFacilitate, add(colB, "To improve"))
	l.must(teacher, board.RoleFacilitate, add(colC, "Actions"))
	l.refused(teacher, board.RoleFacilitate, add(colC, "Again"), board.EConflict)
	l.must(ada, board.RoleEdit, `{"kind":"create","note":{"id":"`+idB+`","x":1000,"y":0}}`) // middle at 1100: the third lane
	col := func(id string) int { return l.b.ColumnOf(l.b.Notes[id]) }
	if col(idA) != 0 || col(idB) != 2 {
		t.Fatalf("lanes: %d %d", col(idA), col(idB))
	}
	l.must(teacher, board.RoleFacilitate, `{"kind":"column-set","column":{"id":"`+colB+`","name":"Could be better"}}`)
	// Actions to the front: its note goes along, Went well one lane right.
	l.must(teacher, board.RoleFacilitate, `{"kind":"column-move","id":"`+colC+`","index":0}`)
	if got := fmt.Sprint(l.b.Columns[0].Name, "/", l.b.Columns[1].Name, "/", l.b.Columns[2].Name); got != "Actions/Went well/Could be better" {
		t.Errorf("order: %s", got)
	}
	if col(idA) != 1 || col(idB) != 0 || l.b.Notes[idB].X != 40 || l.b.Notes[idA].X != board.ColumnWidth {
		t.Errorf("after the move: A in %d at %g, B in %d at %g", col(idA), l.b.Notes[idA].X, col(idB), l.b.Notes[idB].X)
	}
	l.refused(teacher, board.RoleFacilitate, `{"kind":"column-delete","id":"`+colA+`"}`, board.EConflict)
	l.must(teacher, board.RoleFacilitate, `{"kind":"delete","id":"`+idB+`"}`)
	// The empty first lane goes; the others take a step left, with A.
	l.must(teacher, board.RoleFacilitate, `{"kind":"column-delete","id":"`+colC+`"}`)
	if len(l.b.Columns) != 2 || col(idA) != 0 || l.b.Notes[idA].X != 0 {
		t.Errorf("after the delete: %v, A in %d at %g", l.b.Columns, col(idA), l.b.Notes[idA].X)
	}
	l.refused(teacher, board.RoleFacilitate, `{"kind":"column-move","id":"`+colA+`","index":5}`, board.EInvalid)
	data, _ := l.b.MarshalJSON()
	if back, err := board.DecodeBoard(data, board.DefaultLimits); err != nil || len(back.Columns) != 2 {
		t.Errorf("decoding again: %v", err)
	}
	cols, ok := board.TemplateColumns("retro", "sv", func() string { return colA })
	if !ok || len(cols) != 3 || cols[0].Name != "Gick bra" {
		t.Errorf("the retrospective template: %v", cols)
	}
	if _, ok := board.TemplateColumns("nonesuch", "en", nil); ok {
		t.Error("an unknown template")
	}
}

// Replicas hold their view through column moves that carry notes along,
// a waiting note among them.
func TestReplicasHoldTheirColumns(t *testing.T) {
	server := newLesson(t)
	_, step := replicate(t, server)
	add := func(id string) string { return `{"kind":"column-add","column":{"id":"` + id + `","name":"x"}}` }
	step(teacher, board.RoleFacilitate, add(colA))
	step(teacher, board.RoleFacilitate, add(colB))
	step(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"approval":true}}`)
	step(ada, board.RoleEdit, `{"kind":"create","note":{"id":"`+idB+`","x":500,"y":0}}`)
	step(teacher, board.RoleFacilitate, `{"kind":"column-move","id":"`+colB+`","index":0}`)
	step(teacher, board.RoleFacilitate, `{"kind":"approve"}`)
}
