package board

import "maps"

// Whose name a note carries is the facilitator's choice (Moderation.Names):
// shown to everyone (the default), shown to facilitators only, or not kept
// at all. The server sends each person only what the setting allows: View
// leaves out others' names (and participant ids, which would tell whose
// notes are whose), Withhold sends op messages without their author, and a
// board that keeps no names stores none (Apply stamps nothing). A person
// always sees their own notes as theirs: the page needs that to let them
// edit them under own-notes-only.
//
// Not keeping names keeps participant ids: they are random per browser,
// never shown, and are what lets a person change their own notes, vote
// once and react once. Names already in the board's history (operations
// made while names were shown) stay there until the board is deleted or
// its old history dropped.

// Names settings (Moderation.Names).
const (
	NamesShown = ""      // everyone sees who wrote what
	NamesStaff = "staff" // facilitators see names; everyone else sees none
	NamesNone  = "none"  // no names are kept
)

// Author is a note's or comment's author, on a moderate that shows names
// again (Op.Authors).
type Author struct {
	Name string `json:"name,omitempty"`
	ID   string `json:"id,omitempty"`
}

// NamesFor reports whether names are shown to facilitators (staff) or to
// everyone else under m.
func (m Moderation) NamesFor(staff bool) bool {
	return m.Names == NamesShown || m.Names == NamesStaff && staff
}

func checkNames(names string) error {
	switch names {
	case NamesShown, NamesStaff, NamesNone:
		return nil
	}
	return Errorf(EInvalid, "names %q: choose \"staff\", \"none\" or leave it out (shown to everyone)", names)
}

// applyNamesSetting applies a change of the names setting from old: a board that keeps
// no names forgets those it has; names shown again come with the operation
// (Prepare); a client's copy that may no longer see others' names drops
// them (st.Self is whose copy it is).
func (b *Board) applyNamesSetting(op Op, old string, st Stamp) {
	m := b.Moderation
	for id, a := range op.Authors {
		b.setAuthor(id, func(name, aid *string) { *name, *aid = a.Name, a.ID })
	}
	forget := m.Names == NamesNone
	hide := st.Replica && !m.NamesFor(st.SelfStaff) && old != m.Names
	if !forget && !hide {
		return
	}
	for id, n := range b.Notes {
		ids := []string{id}
		for _, c := range n.Comments {
			ids = append(ids, c.ID)
		}
		for _, id := range ids {
			b.setAuthor(id, func(name, aid *string) {
				switch {
				case hide && *aid != st.Self:
					*name, *aid = "", ""
				case forget:
					*name = ""
				}
			})
		}
	}
	if forget && len(b.Trash) > 0 {
		trash := make([]Trashed, len(b.Trash))
		for i, t := range b.Trash {
			t.DeletedBy, t.Note.Author = "", ""
			t.Note.Comments = append([]Comment(nil), t.Note.Comments...)
			for j := range t.Note.Comments {
				t.Note.Comments[j].Author = ""
			}
			trash[i] = t
		}
		b.Trash = trash
	}
}

// setAuthor lets set change the author of the note or comment id, keeping
// the board's size.
func (b *Board) setAuthor(id string, set func(name, aid *string)) {
	if n, ok := b.Notes[id]; ok {
		before := noteSize(n)
		set(&n.Author, &n.AuthorID)
		b.Notes[id] = n
		b.size += noteSize(n) - before
		return
	}
	noteID, i := b.findComment(id)
	if i < 0 {
		return
	}
	n := b.Notes[noteID]
	before := noteSize(n)
	c := n.Comments[i]
	set(&c.Author, &c.AuthorID)
	if c == n.Comments[i] {
		return
	}
	n.Comments = append([]Comment(nil), n.Comments...)
	n.Comments[i] = c
	b.Notes[noteID] = n
	b.size += noteSize(n) - before
}

// prepareNames adds to a moderate that shows names to someone who did not
// see them the authors of every note and comment.
func prepareNames(b *Board, op Op) Op {
	op.Authors = nil
	old, m := b.Moderation, *op.Moderation
	if old.NamesFor(false) == m.NamesFor(false) && old.NamesFor(true) == m.NamesFor(true) {
		return op
	}
	if !(m.NamesFor(false) && !old.NamesFor(false) || m.NamesFor(true) && !old.NamesFor(true)) {
		return op
	}
	op.Authors = map[string]Author{}
	for id, n := range b.Notes {
		if n.Author != "" || n.AuthorID != "" {
			op.Authors[id] = Author{Name: n.Author, ID: n.AuthorID}
		}
		for _, c := range n.Comments {
			if c.Author != "" || c.AuthorID != "" {
				op.Authors[c.ID] = Author{Name: c.Author, ID: c.AuthorID}
			}
		}
	}
	return op
}

// nameless returns op without the names it carries, for an audience that
// may not see them under the board's setting, and whether anything was
// left out. The op message's author goes too (see Copies).
func nameless(op Op) (Op, bool) {
	changed := false
	strip := func(n Note) Note {
		n, ch := namesOnlyOf(n, "")
		changed = changed || ch
		return n
	}
	switch op.Kind {
	case KindApprove:
		if len(op.Approved) > 0 {
			approved := make([]Note, len(op.Approved))
			for i, n := range op.Approved {
				approved[i] = strip(n)
			}
			op.Approved = approved
		}
		if len(op.ApprovedComments) > 0 {
			comments := append([]NoteComment(nil), op.ApprovedComments...)
			for i := range comments {
				if comments[i].Comment.Author != "" || comments[i].Comment.AuthorID != "" {
					changed = true
				}
				comments[i].Comment.Author, comments[i].Comment.AuthorID = "", ""
			}
			op.ApprovedComments = comments
		}
	case KindUndelete:
		if op.Restored != nil {
			n := strip(*op.Restored)
			op.Restored = &n
		}
	case KindModerate:
		if op.Authors != nil {
			op.Authors, changed = nil, true
		}
	}
	if changed {
		op.Withheld = true
	}
	return op, changed
}

// viewNames leaves out of v's notes the names of others, for a
// participant who may not see them.
func (v *Board) viewNames(participant string) {
	cloned := false
	for id, n := range v.Notes {
		c, changed := namesOnlyOf(n, participant)
		if !changed {
			continue
		}
		if !cloned {
			v.Notes, cloned = maps.Clone(v.Notes), true
		}
		v.size += noteSize(c) - noteSize(n)
		v.Notes[id] = c
	}
}

// WithoutNames returns v (a view) without anyone's names: what everyone
// may see of a past version of a board that no longer shows names.
func (v *Board) WithoutNames() *Board {
	c := *v
	c.viewNames("")
	return &c
}

// Nameless returns op without the names it carries (an approve's notes,
// an undelete's, a moderate's authors).
func Nameless(op Op) Op {
	op, _ = nameless(op)
	return op
}
