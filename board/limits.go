package board

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits bound what a board may hold. They exist so that one careless or
// hostile client cannot make a board unusable for everyone else: a note with
// a megabyte of text, a note a million screens away, a board too big to load
// on a phone. The zero value means "use the defaults"; see DefaultLimits.
type Limits struct {
	MaxTextRunes   int // note text, in characters (runes); default 5,000
	MaxTitleRunes  int // board title, in characters; default 200
	MaxAuthorRunes int // author label on a note, in characters; default 60
	MaxNotes       int // notes on one board; default 5,000
	// MaxBoardBytes bounds a board's title and notes together, counted as
	// their text's bytes plus 256 a note (about the board's JSON): what
	// every client joining the board receives, and what the server holds
	// for it. Default 4 MiB: 5,000 notes of 500 characters, or the whole
	// text of a long novel.
	MaxBoardBytes int
	MaxBatchOps   int     // operations in one batch; default 500
	MaxCoord      float64 // |x| and |y| of a note's corner; default 1,000,000
	MinSize       float64 // smallest note width or height; default 40
	MaxSize       float64 // largest note width or height; default 4,000
	MaxZ          int64   // |z| of a note; default 2^53, the largest integer a browser holds exactly
}

// DefaultLimits are the limits used where none are configured.
var DefaultLimits = Limits{
	MaxTextRunes:   5000,
	MaxTitleRunes:  200,
	MaxAuthorRunes: 60,
	MaxNotes:       5000,
	MaxBoardBytes:  4 << 20,
	MaxBatchOps:    500,
	MaxCoord:       1_000_000,
	MinSize:        40,
	MaxSize:        4000,
	MaxZ:           1 << 53,
}

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits
	setInt := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setInt(&l.MaxTextRunes, d.MaxTextRunes)
	setInt(&l.MaxTitleRunes, d.MaxTitleRunes)
	setInt(&l.MaxAuthorRunes, d.MaxAuthorRunes)
	setInt(&l.MaxNotes, d.MaxNotes)
	setInt(&l.MaxBoardBytes, d.MaxBoardBytes)
	setInt(&l.MaxBatchOps, d.MaxBatchOps)
	if l.MaxCoord <= 0 {
		l.MaxCoord = d.MaxCoord
	}
	if l.MinSize <= 0 {
		l.MinSize = d.MinSize
	}
	if l.MaxSize <= 0 {
		l.MaxSize = d.MaxSize
	}
	if l.MaxZ <= 0 {
		l.MaxZ = d.MaxZ
	}
	return l
}

// ValidNoteID reports whether s is a UUID in its canonical lower-case form.
// One spelling per note keeps "the same note" unambiguous.
func ValidNoteID(s string) bool {
	// Checked by hand rather than by parsing and printing it again: every
	// operation checks an id, and this way it allocates nothing.
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// ValidColor reports whether c is in the Palette.
func ValidColor(c string) bool { return slices.Contains(Palette, c) }

// Validate checks op against the limits without looking at any board.
// Apply calls it too; the sync layer calls it first so that a malformed
// operation is rejected before it waits for the board.
func (l Limits) Validate(op Op) error {
	if err := op.checkShape(true); err != nil {
		return err
	}
	switch op.Kind {
	case KindCreate:
		n := op.Note
		if !ValidNoteID(n.ID) {
			return Errorf(EInvalid, "note id %q is not a lower-case UUID", n.ID)
		}
		if err := l.checkCoords(*n.X, *n.Y); err != nil {
			return err
		}
		return l.checkFields(n.W, n.H, n.Text, n.Color, n.Z)
	case KindUpdate:
		if !ValidNoteID(op.ID) {
			return Errorf(EInvalid, "note id %q is not a lower-case UUID", op.ID)
		}
		s := op.Set
		if s.X != nil {
			if err := l.checkCoord("x", *s.X); err != nil {
				return err
			}
		}
		if s.Y != nil {
			if err := l.checkCoord("y", *s.Y); err != nil {
				return err
			}
		}
		if s.Stack != nil && *s.Stack != "" && !ValidNoteID(*s.Stack) {
			return Errorf(EInvalid, "stack %q is not a note id (a lower-case UUID) or \"\"", *s.Stack)
		}
		return l.checkFields(s.W, s.H, s.Text, s.Color, s.Z)
	case KindDelete, KindUndelete:
		if !ValidNoteID(op.ID) {
			return Errorf(EInvalid, "note id %q is not a lower-case UUID", op.ID)
		}
		if op.Restored != nil {
			if err := l.checkNote(*op.Restored); err != nil {
				return err
			}
		}
	case KindRename:
		return l.checkTitle(*op.Title)
	case KindVote, KindUnvote:
		if op.ID != "" && !ValidNoteID(op.ID) {
			return Errorf(EInvalid, "note id %q is not a lower-case UUID", op.ID)
		}
	case KindReact, KindUnreact:
		if op.ID != "" && !ValidNoteID(op.ID) {
			return Errorf(EInvalid, "note id %q is not a lower-case UUID", op.ID)
		}
		if op.Reaction != "" && !ValidReaction(op.Reaction) {
			return Errorf(EInvalid, "reaction %q is not one of %v", op.Reaction, Reactions)
		}
	case KindVoteStart:
		return checkVoting(*op.Voting)
	case KindTimerStart:
		if op.Seconds < 1 || op.Seconds > MaxTimerSeconds {
			return Errorf(EInvalid, "a timer runs from 1 second to %d hours", MaxTimerSeconds/3600)
		}
	case KindStopAdd, KindStopSet:
		return l.checkStop(*op.Stop)
	case KindStopDelete:
		if !ValidNoteID(op.ID) {
			return Errorf(EInvalid, "stop id %q is not a lower-case UUID", op.ID)
		}
	case KindStopMove:
		if !ValidNoteID(op.ID) {
			return Errorf(EInvalid, "stop id %q is not a lower-case UUID", op.ID)
		}
		if *op.Index < 0 || *op.Index >= MaxStops {
			return Errorf(EInvalid, "index %d is out of range (0 to %d)", *op.Index, MaxStops-1)
		}
	case KindReveal:
		for id, text := range op.Texts {
			if !ValidNoteID(id) {
				return Errorf(EInvalid, "note id %q is not a lower-case UUID", id)
			}
			if err := l.checkText(text); err != nil {
				return err
			}
		}
	case KindApprove, KindReject:
		if op.ID != "" && !ValidNoteID(op.ID) {
			return Errorf(EInvalid, "note id %q is not a lower-case UUID", op.ID)
		}
		for _, id := range op.Rejected {
			if !ValidNoteID(id) {
				return Errorf(EInvalid, "note id %q is not a lower-case UUID", id)
			}
		}
	case KindModerate:
		return l.checkModeration(*op.Moderation)
	case KindColumnAdd, KindColumnSet:
		return l.checkColumn(*op.Column)
	case KindComment, KindUncomment:
		if !ValidNoteID(op.ID) {
			return Errorf(EInvalid, "note id %q is not a lower-case UUID", op.ID)
		}
		if !ValidNoteID(op.Comment.ID) {
			return Errorf(EInvalid, "comment id %q is not a lower-case UUID", op.Comment.ID)
		}
		if op.Comment.Text != nil {
			return l.checkText(*op.Comment.Text)
		}
	case KindColumnDelete, KindColumnMove:
		if !ValidNoteID(op.ID) {
			return Errorf(EInvalid, "column id %q is not a lower-case UUID", op.ID)
		}
		if op.Index != nil && (*op.Index < 0 || *op.Index >= MaxColumns) {
			return Errorf(EInvalid, "index %d is out of range (0 to %d)", *op.Index, MaxColumns-1)
		}
	case KindVoteEnd:
		for id, n := range op.Votes {
			if !ValidNoteID(id) || n < 0 {
				return Errorf(EInvalid, "the votes of note %q are malformed", id)
			}
		}
	case KindBatch:
		if len(op.Ops) > l.MaxBatchOps {
			return Errorf(ETooLarge, "a batch holds at most %d operations; this one has %d", l.MaxBatchOps, len(op.Ops))
		}
		for i, o := range op.Ops {
			if err := l.Validate(o); err != nil {
				return Errorf(ErrorCode(err), "operation %d of the batch: %s", i+1, ErrorMessage(err))
			}
		}
	}
	return nil
}

func (l Limits) checkFields(w, h *float64, text, color *string, z *int64) error {
	if w != nil {
		if err := l.checkSize("w", *w); err != nil {
			return err
		}
	}
	if h != nil {
		if err := l.checkSize("h", *h); err != nil {
			return err
		}
	}
	if text != nil {
		if err := l.checkText(*text); err != nil {
			return err
		}
	}
	if color != nil && !ValidColor(*color) {
		return Errorf(EInvalid, "colour %q is not one of %s", *color, strings.Join(Palette, ", "))
	}
	if z != nil && (*z > l.MaxZ || *z < -l.MaxZ) {
		return Errorf(EInvalid, "z %d is out of range (at most %d either way)", *z, l.MaxZ)
	}
	return nil
}

func (l Limits) checkCoords(x, y float64) error {
	if err := l.checkCoord("x", x); err != nil {
		return err
	}
	return l.checkCoord("y", y)
}

func (l Limits) checkCoord(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > l.MaxCoord {
		return Errorf(EInvalid, "%s %g is out of range (at most %g either way)", name, v, l.MaxCoord)
	}
	return nil
}

func (l Limits) checkSize(name string, v float64) error {
	if math.IsNaN(v) || v < l.MinSize || v > l.MaxSize {
		return Errorf(EInvalid, "%s %g is out of range (%g to %g)", name, v, l.MinSize, l.MaxSize)
	}
	return nil
}

func (l Limits) checkText(s string) error {
	if n := utf8.RuneCountInString(s); n > l.MaxTextRunes {
		return Errorf(ETooLarge, "note text has %d characters; the limit is %d", n, l.MaxTextRunes)
	}
	return checkPrintable("note text", s, true)
}

func (l Limits) checkTitle(s string) error {
	if n := utf8.RuneCountInString(s); n > l.MaxTitleRunes {
		return Errorf(ETooLarge, "the title has %d characters; the limit is %d", n, l.MaxTitleRunes)
	}
	return checkPrintable("the title", s, false)
}

// CheckAuthor checks a display name used as an author label.
func (l Limits) CheckAuthor(s string) error {
	if n := utf8.RuneCountInString(s); n > l.MaxAuthorRunes {
		return Errorf(ETooLarge, "the name has %d characters; the limit is %d", n, l.MaxAuthorRunes)
	}
	return checkPrintable("the name", s, false)
}

// checkPrintable rejects invalid UTF-8 and control characters, which have no
// business on a sticky note and can confuse terminals, CSV readers and logs.
// Multi-line text may hold line breaks and tabs.
func checkPrintable(what, s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return Errorf(EInvalid, "%s is not valid UTF-8", what)
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t' || r == '\r') {
			continue
		}
		if unicode.IsControl(r) {
			return Errorf(EInvalid, "%s holds a control character (U+%04X)", what, r)
		}
	}
	return nil
}

func (l Limits) checkNote(n Note) error {
	if !ValidNoteID(n.ID) {
		return Errorf(EInvalid, "note id %q is not a lower-case UUID", n.ID)
	}
	if err := l.checkCoords(n.X, n.Y); err != nil {
		return err
	}
	if err := l.CheckAuthor(n.Author); err != nil {
		return err
	}
	if n.AuthorID != "" && !ValidParticipantID(n.AuthorID) {
		return Errorf(EInvalid, "note %s: author id %q is malformed", n.ID, n.AuthorID)
	}
	if n.Votes < 0 {
		return Errorf(EInvalid, "note %s: %d votes", n.ID, n.Votes)
	}
	for r, c := range n.Reactions {
		if !ValidReaction(r) || c < 1 {
			return Errorf(EInvalid, "note %s: reaction %q counted %d", n.ID, r, c)
		}
	}
	if err := l.checkText(n.Shown); err != nil {
		return err
	}
	if len(n.Comments) > MaxComments {
		return Errorf(ETooLarge, "note %s has %d comments; the limit is %d", n.ID, len(n.Comments), MaxComments)
	}
	for _, c := range n.Comments {
		if err := l.checkComment(c); err != nil {
			return err
		}
	}
	if n.ShownBy != "" && !ValidParticipantID(n.ShownBy) {
		return Errorf(EInvalid, "note %s: the id of who wrote its masked text is malformed", n.ID)
	}
	if n.Stack != "" && (!ValidNoteID(n.Stack) || n.Stack == n.ID) {
		return Errorf(EInvalid, "note %s: its stack %q is malformed", n.ID, n.Stack)
	}
	return l.checkFields(&n.W, &n.H, &n.Text, &n.Color, &n.Z)
}
