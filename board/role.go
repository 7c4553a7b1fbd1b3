package board

// Role is what a link lets its holder do on a board. Every board has three
// links, one for each role; the server takes the role from the link on
// every request and every message, never from what a page says.
type Role string

const (
	// RoleFacilitate runs the board: everything editors may do, and
	// renaming it, its links and who is on it. A teacher's link.
	RoleFacilitate Role = "facilitate"
	// RoleEdit adds, moves, edits and deletes notes. The class's link.
	RoleEdit Role = "edit"
	// RoleView sees everything live and changes nothing. The audience's
	// link, or a class that is only to watch.
	RoleView Role = "view"
)

// Roles lists the roles, from the most to the least allowed.
var Roles = []Role{RoleFacilitate, RoleEdit, RoleView}

// ValidRole reports whether r is one of the roles.
func ValidRole(r Role) bool { return r == RoleFacilitate || r == RoleEdit || r == RoleView }

// Can reports whether r is at least other: a facilitator can do whatever
// an editor can, an editor whatever a viewer can.
func (r Role) Can(other Role) bool { return rank(r) >= rank(other) }

func rank(r Role) int {
	switch r {
	case RoleFacilitate:
		return 3
	case RoleEdit:
		return 2
	case RoleView:
		return 1
	}
	return 0
}

// permit reports whether role may apply op to b, as an *Error that says
// why not: EForbidden for what the role may never do, ELocked for what it
// may not do while the board is locked. The empty role is a facilitator's:
// operations stored before roles existed were made with a link that could
// do everything.
func permit(b *Board, role Role, op Op, st Stamp) error {
	if role == "" {
		role = RoleFacilitate
	}
	if op.Kind == KindNone {
		return nil // a copy of what the receiver may not see: it changes nothing
	}
	if err := permitPrivate(b, op, st); err != nil {
		return err
	}
	if err := permitWaiting(b, role, op, st); err != nil {
		return err
	}
	if role == RoleFacilitate {
		return nil
	}
	switch op.Kind {
	case KindVote, KindUnvote, KindReact, KindUnreact:
		// Taking part, not editing: everyone may vote and react, viewers
		// too, and on a locked board ("stop writing, now vote").
		return nil
	}
	if b.Locked {
		return Errorf(ELocked, "the board is locked: only its facilitator can change it until it is unlocked")
	}
	switch op.Kind {
	case KindCreate:
		if b.Moderation.Closed && role.Can(RoleEdit) {
			return Errorf(ELocked, "the facilitator has closed the board to new notes; you can still vote")
		}
	case KindComment, KindUncomment:
		// Answering a note is not changing it: own-notes-only and a board
		// closed to new notes leave comments alone.
	case KindDelete, KindUpdate:
		if n, ok := b.Notes[op.ID]; ok && b.Moderation.OwnNotes && role.Can(RoleEdit) && (n.AuthorID == "" || n.AuthorID != st.AuthorID) {
			return Errorf(EForbidden, "on this board you can change only the notes you made")
		}
	case KindBatch:
		for _, sub := range op.Ops {
			if err := permit(b, role, sub, st); err != nil {
				return err
			}
		}
	case KindRename:
		if role.Can(RoleEdit) {
			return Errorf(EForbidden, "only the board's facilitator can rename it")
		}
	case KindUndelete:
		// Whoever deleted a note may undo it; anyone else's deletions
		// are the facilitator's to undo.
		if t, ok := b.trashed(op.ID); role.Can(RoleEdit) && (!ok || t.DeletedByID == "" || t.DeletedByID != st.AuthorID) {
			return Errorf(EForbidden, "only the board's facilitator can bring back a note someone else deleted")
		}
	default:
		if role.Can(RoleEdit) {
			return Errorf(EForbidden, "only the board's facilitator can do that (%s)", op.Kind)
		}
	}
	if !role.Can(RoleEdit) {
		return Errorf(EForbidden, "this link can only view the board (and vote)")
	}
	return nil
}

// permitWaiting keeps a note waiting for approval its author's until a
// facilitator approves or rejects it. Anyone else but a facilitator is
// answered as if it were not there, since they were never shown it; a
// facilitator is told to approve or reject it first. Nobody votes for it.
// (Were a facilitator to move it, its author, who gets what everyone but
// facilitators gets, could not be sent the move without everyone else.)
func permitWaiting(b *Board, role Role, op Op, st Stamp) error {
	switch op.Kind {
	case KindUpdate, KindDelete, KindVote, KindUnvote, KindReact, KindUnreact, KindComment, KindUncomment:
		n, ok := b.Notes[op.ID]
		if !ok || !n.Pending {
			return nil
		}
		mine := n.AuthorID != "" && n.AuthorID == st.AuthorID
		switch {
		case !mine && role != RoleFacilitate:
			return Errorf(ENotFound, "note %s is not on this board", op.ID)
		case op.Kind != KindUpdate && op.Kind != KindDelete:
			return Errorf(EConflict, "this note is waiting for the facilitator's approval: it takes votes, reactions and comments once it shows")
		case !mine:
			return Errorf(EConflict, "this note is waiting for approval: approve or reject it first")
		}
	case KindBatch:
		for _, sub := range op.Ops {
			if err := permitWaiting(b, role, sub, st); err != nil {
				return err
			}
		}
	}
	return nil
}

// permitPrivate refuses, to everyone, a change to the text of a private
// note by anyone but its author: nobody else can see the text, and the
// author would not see the change.
func permitPrivate(b *Board, op Op, st Stamp) error {
	switch op.Kind {
	case KindUpdate:
		if n, ok := b.Notes[op.ID]; ok && n.Private && op.Set.Text != nil && (n.AuthorID == "" || n.AuthorID != st.AuthorID) {
			return Errorf(EForbidden, "this note is private until the facilitator reveals it: only its author can change its text")
		}
	case KindBatch:
		for _, sub := range op.Ops {
			if err := permitPrivate(b, sub, st); err != nil {
				return err
			}
		}
	}
	return nil
}
