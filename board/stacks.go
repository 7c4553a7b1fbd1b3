package board

import (
	"cmp"
	"slices"
)

// Stacks gather notes that belong together, as a retrospective groups
// what several people wrote about the same thing. A note is put on a
// stack by naming the stack's head in its Stack field (an update setting
// "stack"); the head is a note on its own (its Stack empty). Stacks do not
// nest: a note in a stack cannot be a head, and a head must give up its
// notes before it joins another stack (a batch that moves them first
// does both at once). The page draws a stack where its head lies, so a
// stack moves by moving its head; votes and reactions on its notes add up.
//
// The rules of notes apply: with own notes only, a person may stack their
// own notes (onto anyone's) but not take someone else's note off a stack;
// a note waiting for approval is neither stacked nor stacked on, since
// those who may not see it would see a stack they cannot account for.
// Deleting a head keeps the stack: its topmost note becomes the head, where
// the head was.

// checkStack reports whether n may be put on the stack headed by head
// ("" takes it off its stack, which is always allowed).
func (b *Board) checkStack(n Note, head string, st Stamp) error {
	if head == "" || head == n.Stack {
		return nil
	}
	if head == n.ID {
		return Errorf(EInvalid, "a note cannot be stacked on itself")
	}
	if n.Pending {
		return Errorf(EConflict, "a note waiting for approval cannot be stacked: approve it first")
	}
	h, err := b.note(head)
	if err != nil {
		return err
	}
	if h.Pending {
		if !facilitates(st.Role) && (h.AuthorID == "" || h.AuthorID != st.AuthorID) {
			return Errorf(ENotFound, "note %s is not on this board", head)
		}
		return Errorf(EConflict, "a note waiting for approval cannot be stacked on: approve it first")
	}
	if h.Stack != "" {
		return Errorf(EConflict, "note %s is in a stack itself: stack onto the stack's head, note %s", head, h.Stack)
	}
	if b.stacked > 0 {
		for _, m := range b.Notes {
			if m.Stack == n.ID {
				return Errorf(EConflict, "note %s heads a stack: move the stack's notes first (or take it apart)", n.ID)
			}
		}
	}
	return nil
}

// StackOf returns the notes of the stack headed by head, topmost first
// (by Z, then id), without the head; nil for a note that heads none.
func (b *Board) StackOf(head string) []Note {
	if b.stacked == 0 {
		return nil
	}
	var members []Note
	for _, n := range b.Notes {
		if n.Stack == head {
			members = append(members, n)
		}
	}
	slices.SortFunc(members, func(p, q Note) int {
		return cmp.Or(cmp.Compare(q.Z, p.Z), cmp.Compare(p.ID, q.ID))
	})
	return members
}

// passStack hands the stack headed by the note being deleted, old, to its
// topmost note, which takes the head's place.
func (b *Board) passStack(old Note) {
	members := b.StackOf(old.ID)
	if len(members) == 0 {
		return
	}
	for i, m := range members {
		before := noteSize(m)
		b.count(m, -1)
		if i == 0 {
			m.Stack, m.X, m.Y = "", old.X, old.Y
		} else {
			m.Stack = members[0].ID
		}
		b.Notes[m.ID] = m
		b.count(m, 1)
		b.size += noteSize(m) - before
	}
}

// Stacked returns how many notes are in a stack (not counting heads).
func (b *Board) Stacked() int { return b.stacked }
