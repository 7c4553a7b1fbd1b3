package board

import (
	"slices"
	"strings"
	"time"
)

// Comments are a short thread under a note: a way to answer a note
// without editing it. The rules of notes apply to them: a comment written
// while the board is private reaches only its author until the reveal;
// with approval on, one by anyone but a facilitator waits for approval
// (its author and facilitators see it); the word filter masks or refuses
// it. Editors and facilitators comment; anyone may delete their own, and
// facilitators any. A note waiting for approval takes no comments.

// Comment is one comment on a note.
type Comment struct {
	ID       string    `json:"id"`
	Text     string    `json:"text"`
	Author   string    `json:"author"`
	AuthorID string    `json:"authorId,omitempty"`
	At       time.Time `json:"at"`
	Private  bool      `json:"private,omitempty"`
	Pending  bool      `json:"pending,omitempty"`
	// Shown and ShownBy are as for a note (Note.Shown): the text as others
	// see it when the filter masked words in it, and who wrote it.
	Shown   string `json:"shown,omitempty"`
	ShownBy string `json:"shownBy,omitempty"`
}

// NewComment is the content of a comment operation; uncomment names only
// the id.
type NewComment struct {
	ID   string  `json:"id"`
	Text *string `json:"text,omitempty"`
}

// MaxComments is how many comments one note holds.
const MaxComments = 100

// commentOverhead is what a comment counts against MaxBoardBytes besides
// its texts, author and ids: about its JSON.
const commentOverhead = 96

func commentSize(c Comment) int {
	return commentOverhead + len(c.ID) + len(c.Text) + len(c.Shown) + len(c.ShownBy) + len(c.Author) + len(c.AuthorID)
}

func (l Limits) checkComment(c Comment) error {
	if !ValidNoteID(c.ID) {
		return Errorf(EInvalid, "comment id %q is not a lower-case UUID", c.ID)
	}
	if err := l.CheckAuthor(c.Author); err != nil {
		return err
	}
	if c.AuthorID != "" && !ValidParticipantID(c.AuthorID) {
		return Errorf(EInvalid, "comment %s: author id %q is malformed", c.ID, c.AuthorID)
	}
	if c.ShownBy != "" && !ValidParticipantID(c.ShownBy) {
		return Errorf(EInvalid, "comment %s: the id of who wrote its masked text is malformed", c.ID)
	}
	if err := l.checkText(c.Shown); err != nil {
		return err
	}
	return l.checkText(c.Text)
}

// commentIndex returns the index of a comment on a note, or -1.
func commentIndex(n Note, id string) int {
	return slices.IndexFunc(n.Comments, func(c Comment) bool { return c.ID == id })
}

// applyComment applies comment and uncomment.
func (b *Board) applyComment(op Op, st Stamp, lim Limits) error {
	n, err := b.note(op.ID)
	if err != nil {
		return err
	}
	switch op.Kind {
	case KindComment:
		if b.idTaken(op.Comment.ID) {
			return Errorf(EConflict, "id %s is taken (by a note or comment, now or before); a new comment needs a new id", op.Comment.ID)
		}
		if len(n.Comments) >= MaxComments {
			return Errorf(ETooLarge, "a note holds at most %d comments", MaxComments)
		}
		text := "" // a copy of a private comment comes without its text
		if op.Comment.Text != nil {
			text = *op.Comment.Text
		}
		c := Comment{ID: op.Comment.ID, Text: text, Author: st.Author, AuthorID: st.AuthorID, At: st.At,
			Private: b.Private, Pending: b.Moderation.Approval && !facilitates(st.Role)}
		c.Shown, c.ShownBy = shownOf(op, st)
		if err := b.grow(commentSize(c), lim); err != nil {
			return err
		}
		n.Comments = insertComment(n.Comments, c)
		b.countComment(c, 1)
	case KindUncomment:
		i := commentIndex(n, op.Comment.ID)
		if i < 0 {
			return Errorf(ENotFound, "comment %s is not on this note", op.Comment.ID)
		}
		c := n.Comments[i]
		if !facilitates(st.Role) && (c.AuthorID == "" || c.AuthorID != st.AuthorID) {
			return Errorf(EForbidden, "only its author or a facilitator can delete a comment")
		}
		b.size -= commentSize(c)
		b.countComment(c, -1)
		n.Comments = slices.Delete(slices.Clone(n.Comments), i, i+1)
		if len(n.Comments) == 0 {
			n.Comments = nil
		}
		if b.Deleted != nil {
			b.Deleted[c.ID] = true // ids are never used twice
		}
	}
	b.Notes[n.ID] = n
	return nil
}

// NoteComment is a comment and the note it is on, as approve carries it.
type NoteComment struct {
	Note    string  `json:"note"`
	Comment Comment `json:"comment"`
}

// insertComment puts c among cs in their order: by time, then id, the
// order the server appends them in, so that a client given a comment
// later (an approval) holds them in the same order.
func insertComment(cs []Comment, c Comment) []Comment {
	i, _ := slices.BinarySearchFunc(cs, c, func(a, b Comment) int {
		if a.At.Equal(b.At) {
			return strings.Compare(a.ID, b.ID)
		}
		return a.At.Compare(b.At)
	})
	return slices.Insert(slices.Clone(cs), i, c)
}

// findComment returns the note a comment is on and its index there, or
// -1.
func (b *Board) findComment(id string) (string, int) {
	for nid, n := range b.Notes {
		if i := commentIndex(n, id); i >= 0 {
			return nid, i
		}
	}
	return "", -1
}

// checkWaiting reports whether id is a note or comment waiting for
// approval, as an error saying why not.
func (b *Board) checkWaiting(id string) error {
	if n, ok := b.Notes[id]; ok {
		if !n.Pending {
			return Errorf(EConflict, "note %s is not waiting for approval", id)
		}
		return nil
	}
	if nid, i := b.findComment(id); i >= 0 {
		if !b.Notes[nid].Comments[i].Pending {
			return Errorf(EConflict, "comment %s is not waiting for approval", id)
		}
		return nil
	}
	return Errorf(ENotFound, "there is no note or comment %s on this board", id)
}

// idTaken reports whether a note or comment has, or had, that id: notes
// and comments share one space of ids (approve, reject and reveal name
// either), and ids are never used twice.
func (b *Board) idTaken(id string) bool {
	if _, ok := b.Notes[id]; ok || b.Deleted[id] {
		return true
	}
	_, i := b.findComment(id)
	return i >= 0
}

// countComment adds d to the board's counts for a comment.
func (b *Board) countComment(c Comment, d int) {
	if c.Private {
		b.private += d
	}
	if c.Pending {
		b.pending += d
	}
	if c.Shown != "" {
		b.shown += d
	}
}

// viewComments returns a note's comments as a person sees them, and
// whether that differs from the note's own.
func viewComments(cs []Comment, participant string, facilitator bool) ([]Comment, bool) {
	var out []Comment
	changed := false
	for i, c := range cs {
		mine := participant != "" && c.AuthorID == participant
		v := c
		switch {
		case c.Pending && !facilitator && !mine:
			v.ID = "" // left out
		case c.Private && !mine:
			v.Text, v.Shown, v.ShownBy = "", "", ""
		case c.Shown != "":
			if !facilitator && (participant == "" || c.ShownBy != participant) {
				v.Text = c.Shown
			}
			v.Shown, v.ShownBy = "", ""
		}
		if v == c {
			if changed {
				out = append(out, c)
			}
			continue
		}
		if !changed {
			out, changed = append(make([]Comment, 0, len(cs)), cs[:i]...), true
		}
		if v.ID != "" {
			out = append(out, v)
		}
	}
	if !changed {
		return cs, false
	}
	if len(out) == 0 {
		out = nil
	}
	return out, true
}
