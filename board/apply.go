package board

import (
	"maps"
	"time"
)

// Stamp is what the server adds to an operation when it puts it in order:
// its version, its time, its author and the sender's client key and
// sequence number. Keeping these outside the operation is what makes Apply
// deterministic on replay.
type Stamp struct {
	Version  uint64
	At       time.Time
	Author   string // the author's display name, put on created notes
	AuthorID string // the author's public participant id (ParticipantID)
	// Client and Seq identify the operation for idempotent resends: Apply
	// records Seq as the highest applied for Client. An empty Client
	// records nothing.
	Client string
	Seq    uint64
	// Role is what the sender's link lets it do; Apply refuses what it may
	// not (EForbidden). Empty for operations stored before roles existed,
	// which count as a facilitator's.
	Role Role
	// Replica is set by a client applying what the server sent it, to its
	// own copy of the board (a View): the few operations whose effect on a
	// person's copy differs from the server's board (hiding reactions)
	// need to know.
	Replica bool
	// Self is, with Replica, the participant whose copy the board is, and
	// SelfStaff whether they facilitate: what they may still see when the
	// board stops showing names (anonymity.go).
	Self      string
	SelfStaff bool
}

// Order puts op on b as the server orders it: what the server adds
// (Prepare), the word filter (Screen), the copies those who may not see
// all of it get (Withhold), then Apply. It returns the operation as
// ordered, which its author's tabs and the log get, and the copies. On
// failure b is unchanged.
func Order(b *Board, op Op, st Stamp, lim Limits) (Op, Copies, error) {
	op = Prepare(b, op)
	op, err := Screen(b, op, st)
	if err != nil {
		return op, Copies{}, err
	}
	copies := Withhold(b, op, st)
	if err := Apply(b, op, st, lim); err != nil {
		return op, Copies{}, err
	}
	return op, copies, nil
}

// Apply applies op to b with the given stamp, checking it against lim first.
// On success b.Version becomes st.Version. On failure it returns an *Error
// and b is unchanged, including for a batch, which applies all or nothing.
func Apply(b *Board, op Op, st Stamp, lim Limits) error {
	if err := lim.Validate(op); err != nil {
		return err
	}
	// A copy of the board applying what the server ordered need not ask:
	// the server did, and the copy may not know who sent it (a board that
	// hides names sends operations without their author).
	if !st.Replica {
		if err := permit(b, st.Role, op, st); err != nil {
			return err
		}
	}
	if st.Version <= b.Version {
		return Errorf(EInternal, "version %d is not after the board's version %d", st.Version, b.Version)
	}
	st.At = st.At.UTC()
	if b.Moderation.Names == NamesNone {
		st.Author = "" // a board that keeps no names stamps none
	}
	switch op.Kind {
	case KindBatch:
		if err := applyBatch(b, op.Ops, st, lim); err != nil {
			return err
		}
	case KindCreate, KindUpdate, KindDelete, KindRename:
		if err := applyOne(b, op, st, lim); err != nil {
			return err
		}
	case KindModerate, KindApprove, KindReject:
		if err := applyModeration(b, op, st, lim); err != nil {
			return err
		}
	case KindReact, KindUnreact:
		if err := b.react(op, st, lim); err != nil {
			return err
		}
	case KindComment, KindUncomment:
		if err := b.applyComment(op, st, lim); err != nil {
			return err
		}
	case KindColumnAdd, KindColumnSet, KindColumnDelete, KindColumnMove:
		if err := applyColumn(b, op, lim); err != nil {
			return err
		}
	case KindUndelete:
		if err := b.undelete(op, st, lim); err != nil {
			return err
		}
	case KindNone:
		// Something the receiver may not see happened: only the version moves.
	default:
		if err := applyLesson(b, op, st, lim); err != nil {
			return err
		}
	}
	b.Version = st.Version
	if st.Client != "" {
		b.Clients[st.Client] = max(b.Clients[st.Client], st.Seq)
	}
	return nil
}

// applyBatch applies ops to a scratch copy of the board and keeps the result
// only if every operation succeeds.
func applyBatch(b *Board, ops []Op, st Stamp, lim Limits) error {
	scratch := *b
	scratch.Notes = maps.Clone(b.Notes)
	for _, op := range ops {
		if op.Kind == KindDelete {
			scratch.Deleted = maps.Clone(b.Deleted)
			break
		}
	}
	for i, op := range ops {
		if err := applyOne(&scratch, op, st, lim); err != nil {
			return Errorf(ErrorCode(err), "operation %d of the batch: %s (nothing in the batch was applied)", i+1, ErrorMessage(err))
		}
	}
	*b = scratch
	return nil
}

// applyOne applies a validated, non-batch operation.
func applyOne(b *Board, op Op, st Stamp, lim Limits) error {
	switch op.Kind {
	case KindCreate:
		nn := op.Note
		if b.Deleted[nn.ID] {
			return Errorf(EConflict, "note %s was deleted; a new note needs a new id", nn.ID)
		}
		if _, i := b.findComment(nn.ID); i >= 0 {
			return Errorf(EConflict, "a comment has the id %s; a new note needs a new id", nn.ID)
		}
		if _, ok := b.Notes[nn.ID]; ok {
			return Errorf(EConflict, "note %s already exists", nn.ID)
		}
		if len(b.Notes) >= lim.MaxNotes {
			return Errorf(ETooLarge, "the board is full: it holds at most %d notes", lim.MaxNotes)
		}
		n := Note{
			ID: nn.ID, X: *nn.X, Y: *nn.Y, W: DefaultWidth, H: DefaultHeight,
			Color: DefaultColor, Author: st.Author, AuthorID: st.AuthorID, CreatedAt: st.At, UpdatedAt: st.At,
			Private: b.Private,
		}
		if nn.W != nil {
			n.W = *nn.W
		}
		if nn.H != nil {
			n.H = *nn.H
		}
		if nn.Text != nil {
			n.Text = *nn.Text
		}
		if nn.Color != nil {
			n.Color = *nn.Color
		}
		if nn.Z != nil {
			n.Z = *nn.Z
		} else {
			n.Z = min(b.topZ()+1, lim.MaxZ)
		}
		n.Pending = b.Moderation.Approval && !facilitates(st.Role)
		n.Shown, n.ShownBy = shownOf(op, st)
		if err := b.grow(noteSize(n), lim); err != nil {
			return err
		}
		b.Notes[n.ID] = n
		b.count(n, 1)
	case KindUpdate:
		n, err := b.note(op.ID)
		if err != nil {
			return err
		}
		s := op.Set
		if s.Stack != nil {
			if err := b.checkStack(n, *s.Stack, st); err != nil {
				return err
			}
		}
		setIf(&n.Stack, s.Stack)
		setIf(&n.X, s.X)
		setIf(&n.Y, s.Y)
		setIf(&n.W, s.W)
		setIf(&n.H, s.H)
		setIf(&n.Text, s.Text)
		setIf(&n.Color, s.Color)
		setIf(&n.Z, s.Z)
		n.UpdatedAt = st.At
		if s.Text != nil {
			n.Shown, n.ShownBy = shownOf(op, st)
		}
		if err := b.grow(noteSize(n)-noteSize(b.Notes[n.ID]), lim); err != nil {
			return err
		}
		b.count(b.Notes[n.ID], -1)
		b.Notes[n.ID] = n
		b.count(n, 1)
	case KindDelete:
		n, err := b.note(op.ID)
		if err != nil {
			return err
		}
		b.deleteNote(op.ID)
		if b.ID != "" { // a client's copy has no trash
			b.trash(n, st)
		}
	case KindRename:
		if err := b.grow(len(*op.Title)-len(b.Title), lim); err != nil {
			return err
		}
		b.Title = *op.Title
	default:
		return Errorf(EInvalid, "unknown operation kind %q", op.Kind)
	}
	return nil
}

// deleteNote deletes a note that is on the board, leaving its tombstone.
func (b *Board) deleteNote(id string) {
	n := b.Notes[id]
	b.count(n, -1)
	b.size -= noteSize(n)
	delete(b.Notes, id)
	b.Deleted[id] = true
	b.dropVotes(id)
	b.dropReactions(id)
	b.passStack(n)
}

// count adds d to the counts of private, pending and filtered notes for n.
func (b *Board) count(n Note, d int) {
	if n.Private {
		b.private += d
	}
	if n.Pending {
		b.pending += d
	}
	if n.Shown != "" {
		b.shown += d
	}
	if n.Stack != "" {
		b.stacked += d
	}
	for _, c := range n.Comments {
		b.countComment(c, d)
	}
}

// grow adds by bytes to the board's size, refusing to go past
// MaxBoardBytes. Shrinking always succeeds.
func (b *Board) grow(by int, lim Limits) error {
	if by > 0 && b.size+by > lim.MaxBoardBytes {
		return Errorf(ETooLarge, "the board is full: its notes may hold at most %d MB, and this would take it past that", lim.MaxBoardBytes>>20)
	}
	b.size += by
	return nil
}

func (b *Board) note(id string) (Note, error) {
	if b.Deleted[id] {
		return Note{}, Errorf(ENotFound, "note %s was deleted", id)
	}
	n, ok := b.Notes[id]
	if !ok {
		return Note{}, Errorf(ENotFound, "note %s is not on this board", id)
	}
	return n, nil
}

func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}
