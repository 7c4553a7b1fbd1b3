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
}

// Apply applies op to b with the given stamp, checking it against lim first.
// On success b.Version becomes st.Version. On failure it returns an *Error
// and b is unchanged, including for a batch, which applies all or nothing.
func Apply(b *Board, op Op, st Stamp, lim Limits) error {
	if err := lim.Validate(op); err != nil {
		return err
	}
	if err := permit(b, st.Role, op, st); err != nil {
		return err
	}
	if st.Version <= b.Version {
		return Errorf(EInternal, "version %d is not after the board's version %d", st.Version, b.Version)
	}
	st.At = st.At.UTC()
	switch op.Kind {
	case KindBatch:
		if err := applyBatch(b, op.Ops, st, lim); err != nil {
			return err
		}
	case KindCreate, KindUpdate, KindDelete, KindRename:
		if err := applyOne(b, op, st, lim); err != nil {
			return err
		}
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
		if err := b.grow(noteSize(n), lim); err != nil {
			return err
		}
		b.Notes[n.ID] = n
		if n.Private {
			b.private++
		}
	case KindUpdate:
		n, err := b.note(op.ID)
		if err != nil {
			return err
		}
		s := op.Set
		setIf(&n.X, s.X)
		setIf(&n.Y, s.Y)
		setIf(&n.W, s.W)
		setIf(&n.H, s.H)
		setIf(&n.Text, s.Text)
		setIf(&n.Color, s.Color)
		setIf(&n.Z, s.Z)
		n.UpdatedAt = st.At
		if err := b.grow(noteSize(n)-noteSize(b.Notes[n.ID]), lim); err != nil {
			return err
		}
		b.Notes[n.ID] = n
	case KindDelete:
		if _, err := b.note(op.ID); err != nil {
			return err
		}
		if b.Notes[op.ID].Private {
			b.private--
		}
		b.size -= noteSize(b.Notes[op.ID])
		delete(b.Notes, op.ID)
		b.Deleted[op.ID] = true
		b.dropVotes(op.ID)
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
