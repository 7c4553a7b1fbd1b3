package board_test

import (
	"testing"

	"corkboard/board"
)

// Everyone reacts, once per reaction per note, on a locked board too; the
// facilitator turns reactions off, or hides the counts until showing them.
func TestReactions(t *testing.T) {
	l := newLesson(t)
	react := func(kind, r string) string {
		return `{"kind":"` + kind + `","id":"` + idA + `","reaction":"` + r + `"}`
	}
	l.must(ada, board.RoleEdit, react("react", "like"))
	l.must(ada, board.RoleEdit, react("react", "idea"))
	l.refused(ada, board.RoleEdit, react("react", "like"), board.EConflict)
	l.refused(ada, board.RoleEdit, react("unreact", "love"), board.EConflict)
	l.must(teacher, board.RoleFacilitate, `{"kind":"lock"}`)
	l.must(bo, board.RoleView, react("react", "like"))
	if got := l.b.Notes[idA].Reactions; got["like"] != 2 || got["idea"] != 1 || len(got) != 2 {
		t.Errorf("counts %v", got)
	}
	if v := l.b.View(bo); len(v.Reacted) != 1 || len(v.Reacted[bo][idA]) != 1 || v.Notes[idA].Reactions["like"] != 2 {
		t.Errorf("Bo sees %v, reacted %v", v.Notes[idA].Reactions, v.Reacted)
	}
	if _, err := board.DecodeOp([]byte(`{"kind":"react","id":"` + idA + `","reaction":"angry"}`)); err == nil {
		if code := l.apply(ada, board.RoleEdit, react("react", "angry")); code != board.EInvalid {
			t.Errorf("an unknown reaction: %q", code)
		}
	}
	l.must(ada, board.RoleEdit, react("unreact", "idea"))

	// Hidden: each sees their own until shown.
	l.must(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"reactions":"hidden"}}`)
	l.must(ada, board.RoleEdit, react("react", "question"))
	for who, want := range map[string]string{ada: "like question", bo: "like", teacher: "", "": ""} {
		if got := names(l.b.ViewFor(who, who == teacher).Notes[idA].Reactions); got != want {
			t.Errorf("while hidden %q sees %q, want %q", who, got, want)
		}
	}
	l.must(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"reactions":"off"}}`)
	if got := l.b.View("").Notes[idA].Reactions; got["like"] != 2 || got["question"] != 1 {
		t.Errorf("shown again: %v", got)
	}
	l.refused(bo, board.RoleView, react("react", "love"), board.EForbidden)
	// A deleted note's reactions go with it.
	l.must(teacher, board.RoleFacilitate, `{"kind":"delete","id":"`+idA+`"}`)
	if len(l.b.Reacted) != 0 {
		t.Errorf("reactions of a deleted note remain: %v", l.b.Reacted)
	}
}

// names lists the reactions a count map holds, in the order of
// board.Reactions.
func names(counts map[string]int) string {
	var out []byte
	for _, r := range board.Reactions {
		if counts[r] > 0 {
			if len(out) > 0 {
				out = append(out, ' ')
			}
			out = append(out, r...)
		}
	}
	return string(out)
}

// Replicas hold their view through reacting, hiding and showing.
func TestReplicasHoldTheirReactions(t *testing.T) {
	server := newLesson(t)
	_, step := replicate(t, server)
	react := func(kind, r string) string {
		return `{"kind":"` + kind + `","id":"` + idA + `","reaction":"` + r + `"}`
	}
	step(ada, board.RoleEdit, react("react", "like"))
	step(bo, board.RoleEdit, react("react", "like"))
	step(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"reactions":"hidden"}}`)
	step(ada, board.RoleEdit, react("react", "idea"))
	step(bo, board.RoleEdit, react("unreact", "like"))
	step(teacher, board.RoleFacilitate, react("react", "love"))
	step(teacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"filter":{"mode":"mask","words":["x"]}}}`)
	step(ada, board.RoleEdit, react("unreact", "like"))
}
