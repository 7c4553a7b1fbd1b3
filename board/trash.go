package board

import (
	"slices"
	"time"
)

// Deleted notes go to the board's trash, from which a facilitator may
// bring one back (undelete) for TrashFor, and so may whoever deleted it
// (their undo: the note comes back as it was, its author, comments and
// id, where a new note would be the undoer's). The trash is the server's: it is
// kept with the board (snapshots, history) but sent to nobody over the
// wire; a facilitator's page asks for it when it shows it, and an undelete
// carries the note to everyone (Op.Restored). A note rejected while it
// waited for approval does not go to the trash: rejecting is meant to
// remove it.

// Trash limits.
const (
	TrashFor = 30 * 24 * time.Hour // how long a deleted note can be brought back
	MaxTrash = 200                 // deleted notes kept, newest; older ones go first
)

// Trashed is a deleted note in the board's trash.
type Trashed struct {
	Note      Note      `json:"note"`
	DeletedAt time.Time `json:"deletedAt"`
	// DeletedBy is the display name of who deleted it (empty when the
	// board keeps no names), and DeletedByID their participant id: who
	// may bring it back besides a facilitator (their undo). The id is
	// never sent.
	DeletedBy   string `json:"deletedBy,omitempty"`
	DeletedByID string `json:"deletedById,omitempty"`
}

// trash puts a deleted note in the trash, dropping what has been there
// longer than TrashFor or would take it past MaxTrash. The note keeps its
// text and comments; its votes and reactions were people's and are not
// kept (Apply drops them with the note).
func (b *Board) trash(n Note, st Stamp) {
	n.Votes, n.Reactions = 0, nil
	b.pruneTrash(st.At)
	if len(b.Trash) >= MaxTrash {
		b.Trash = slices.Delete(slices.Clone(b.Trash), 0, len(b.Trash)-MaxTrash+1)
	}
	// Apply stamps no name on a board that keeps none.
	b.Trash = append(slices.Clip(b.Trash), Trashed{Note: n, DeletedAt: st.At, DeletedBy: st.Author, DeletedByID: st.AuthorID})
}

// pruneTrash drops what has been in the trash longer than TrashFor at now.
// It never changes the slice it was given in place (a board's clone
// shares it).
func (b *Board) pruneTrash(now time.Time) {
	i := 0
	for i < len(b.Trash) && now.Sub(b.Trash[i].DeletedAt) > TrashFor {
		i++
	}
	if i > 0 {
		b.Trash = slices.Clone(b.Trash[i:])
	}
}

// TrashAt returns what can be brought back from the trash at now, newest
// first.
func (b *Board) TrashAt(now time.Time) []Trashed {
	var out []Trashed
	for i := len(b.Trash) - 1; i >= 0; i-- {
		t := b.Trash[i]
		if now.Sub(t.DeletedAt) > TrashFor {
			break
		}
		out = append(out, t)
	}
	return out
}

// undelete brings a note back from the trash. On a client's copy, which
// has no trash, the note comes with the operation (Restored).
func (b *Board) undelete(op Op, st Stamp, lim Limits) error {
	var n Note
	i := slices.IndexFunc(b.Trash, func(t Trashed) bool { return t.Note.ID == op.ID })
	switch {
	case i >= 0 && st.At.Sub(b.Trash[i].DeletedAt) <= TrashFor:
		n = b.Trash[i].Note
	case b.ID == "" && op.Restored != nil && op.Restored.ID == op.ID:
		n = *op.Restored // a client's copy
		if st.Replica && !b.Moderation.NamesFor(st.SelfStaff) {
			n, _ = namesOnlyOf(n, st.Self) // sent whole to its sender
		}
	case b.ID == "" && op.Withheld:
		return nil // a note this client may not see came back
	default:
		return Errorf(ENotFound, "note %s is not in the trash (deleted notes stay there %d days)", op.ID, int(TrashFor.Hours()/24))
	}
	if _, ok := b.Notes[n.ID]; ok {
		return Errorf(EConflict, "note %s is already on the board", n.ID)
	}
	if len(b.Notes) >= lim.MaxNotes {
		return Errorf(ETooLarge, "the board is full: it holds at most %d notes", lim.MaxNotes)
	}
	n = b.restorable(n)
	n.UpdatedAt = st.At
	if err := b.grow(noteSize(n), lim); err != nil {
		return err
	}
	if i >= 0 {
		b.Trash = slices.Delete(slices.Clone(b.Trash), i, i+1)
	}
	delete(b.Deleted, n.ID)
	b.Notes[n.ID] = n
	b.count(n, 1)
	return nil
}

// Personal is a copy of an operation for one participant, who sees what
// it brings differently from everyone else: as a facilitator (Staff) or
// not.
type Personal struct {
	Participant string
	Staff       bool
	Op          Op
}

// personalCopies returns the copies of an undelete for those who see the
// note it brings back differently from everyone else: its sender, its
// author (their private text, their name where others see none), and
// whoever wrote the words the filter masks in it or commented on it. Each
// gets the note as their own view will show it, as a facilitator and as
// anyone else (the board knows people, not their roles: the connection
// that receives it says which it is).
func personalCopies(b *Board, op Op, st Stamp) []Personal {
	t, ok := b.trashed(op.ID)
	if !ok {
		return nil
	}
	n := b.restorable(t.Note)
	people := []string{st.AuthorID, n.AuthorID, n.ShownBy}
	for _, c := range n.Comments {
		people = append(people, c.AuthorID, c.ShownBy)
	}
	after := b.Clone()
	after.Notes[n.ID] = n
	after.count(n, 1)
	var copies []Personal
	seen := map[string]bool{"": true}
	for _, p := range people {
		if seen[p] {
			continue
		}
		seen[p] = true
		for _, staff := range []bool{false, true} {
			v := after.ViewFor(p, staff).Notes[n.ID]
			c := op
			c.Restored, c.Withheld = &v, true
			copies = append(copies, Personal{Participant: p, Staff: staff, Op: c})
		}
	}
	return copies
}

// restorable returns a note from the trash as it comes back: on its own
// if its stack has gone meanwhile.
func (b *Board) restorable(n Note) Note {
	if h, ok := b.Notes[n.Stack]; n.Stack != "" && (!ok || h.Stack != "" || h.Pending) {
		n.Stack = ""
	}
	return n
}

// prepareUndelete adds the note an undelete brings back, as everyone may
// see it, for those whose copy of the board has no trash.
func prepareUndelete(b *Board, op Op) Op {
	op.Restored = nil
	if t, ok := b.trashed(op.ID); ok {
		n := restoredFor(b.restorable(t.Note), true)
		op.Restored = &n
	}
	return op
}

// ForFacilitators returns a note in the trash as a facilitator may see
// it: without private text, and without names where the board shows
// facilitators none (names).
func (t Trashed) ForFacilitators(names bool) Trashed {
	t.Note = restoredFor(t.Note, true)
	t.DeletedByID = ""
	if !names {
		t.DeletedBy = ""
		t.Note, _ = namesOnlyOf(t.Note, "")
	}
	return t
}

// trashed returns the note with the given id in the trash.
func (b *Board) trashed(id string) (Trashed, bool) {
	i := slices.IndexFunc(b.Trash, func(t Trashed) bool { return t.Note.ID == id })
	if i < 0 {
		return Trashed{}, false
	}
	return b.Trash[i], true
}

// restoredFor returns a note from the trash as facilitators (staff) or
// everyone else may see it: a private note's text stays its author's,
// masked words stay masked but for facilitators, and comments waiting
// for approval reach facilitators only.
func restoredFor(n Note, staff bool) Note {
	switch {
	case n.Private:
		n.Text = ""
	case n.Shown != "" && !staff:
		n.Text = n.Shown
	}
	n.Shown, n.ShownBy = "", ""
	n.Comments, _ = viewComments(n.Comments, "", staff)
	return n
}

// namesOnlyOf returns n without the names of anyone but self (of
// everyone for self ""), on the note and its comments, and whether it
// left any out. n's comments are not changed in place.
func namesOnlyOf(n Note, self string) (Note, bool) {
	other := func(author, id string) bool {
		return (author != "" || id != "") && (self == "" || id != self)
	}
	changed := other(n.Author, n.AuthorID)
	if changed {
		n.Author, n.AuthorID = "", ""
	}
	cloned := false
	for i, c := range n.Comments {
		if !other(c.Author, c.AuthorID) {
			continue
		}
		if !cloned {
			n.Comments, cloned = append([]Comment(nil), n.Comments...), true
		}
		n.Comments[i].Author, n.Comments[i].AuthorID = "", ""
	}
	return n, changed || cloned
}
