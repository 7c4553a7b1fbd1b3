package sync

import (
	"bytes"

	"corkboard/board"
)

// Some operations may not be shown whole to everyone: a note written
// while the board is private, whose text only its author may read until
// the reveal; a vote, which is a secret ballot (and in a hidden round does
// not even say which note). The board package decides what each person
// may see (board.Withhold, board.View); this file sends it.
//
// Such an operation is encoded twice: whole for the sender's participant
// (all of their tabs), and as board.Withhold's copy for everyone else.
// Everything else is encoded once and shared by every receiver, the
// resume window and the log, as before: an operation costs a second
// encoding only when something in it is secret.

// secret is the whole message of an operation that others get a copy of,
// and who gets it: the sender's participant, or, for a client without
// one, only the connection that sent it. staff is what facilitators get,
// when it is not what everyone else gets (a note waiting for approval,
// which they see whole and others not at all).
type secret struct {
	participant string
	sender      *conn // nil in a room that loaded the operation from its log
	msg         []byte
	staff       []byte
	// personal are the messages of participants who get one of their
	// own, as facilitators or not: the sender of an undelete and those
	// whose words are in the note it brings back (board.Copies.Personal).
	personal map[personalKey][]byte
}

// sees reports whether c gets the whole message.
func (s *secret) sees(c *conn) bool {
	return c == s.sender || s.participant != "" && c.participant == s.participant
}

// staff reports whether c gets what facilitators get: notes waiting for
// approval and words the filter masks for others. A facilitate link's
// connection without a participant is a screen, not a person (the
// projector's page): it gets what the class gets, since the class sees
// the wall.
func (c *conn) staff() bool { return c.role == board.RoleFacilitate && c.participant != "" }

// msgFor returns the message c gets of a logged operation.
func (l *logged) msgFor(c *conn) []byte {
	switch {
	case l.secret == nil:
		return l.msg
	case l.secret.personal != nil && c.participant != "" && l.secret.personal[personalKey{c.participant, c.staff()}] != nil:
		return l.secret.personal[personalKey{c.participant, c.staff()}]
	case l.secret.sees(c):
		return l.secret.msg
	case l.secret.staff != nil && c.staff():
		return l.secret.staff
	}
	return l.msg
}

// Withheld is kept in a log record whose operation others got a copy of:
// the copy, and whether it went without its author. With it, a room that
// loads the board sends a resuming client what it was sent live. Entry
// keeps one for everyone else (Others), and one for facilitators (Staff)
// when theirs differs.
type Withheld struct {
	// Op is the copy; nil when it is the operation itself, sent without
	// its author's name (Nameless): a board that hides names would
	// otherwise store every operation twice.
	Op        *board.Op `json:"op,omitempty"`
	Anonymous bool      `json:"anonymous,omitempty"`
	// Nameless: the copy went without its author's name, participant id
	// and client (the board did not show names to its receivers), but
	// with the role, which the receivers' copies of the board need.
	Nameless bool `json:"nameless,omitempty"`
	// Participant is, in Entry.Personal, whose copy it is, and Staff
	// whether for their connections that facilitate.
	Participant string `json:"participant,omitempty"`
	Staff       bool   `json:"staff,omitempty"`
}

// personalKey is whose a personal message is: a participant's
// connections that facilitate (staff) or not.
type personalKey struct {
	participant string
	staff       bool
}

// logEntry encodes an applied operation: the record to store, and what the
// room sends and keeps in its resume window. sender is nil when the room
// loads the entry from its log.
func logEntry(e Entry, sender *conn) (record []byte, l logged) {
	l = logged{version: e.Version, at: e.At}
	if e.Others == nil {
		record = mustJSON(e)
		l.msg = opMessage(record)
		return record, l
	}
	record = mustJSON(e)
	whole := e
	whole.Others = nil
	copyOf := func(w *Withheld) []byte {
		copied := Entry{Version: e.Version, At: e.At, Op: e.Op}
		if w.Op != nil {
			copied.Op = *w.Op
		}
		if w.Nameless && !w.Anonymous {
			copied.Role = e.Role
		}
		if !w.Anonymous && !w.Nameless {
			// A secret ballot says nothing of its voter, not even the role
			// (with one facilitator, the role would name them).
			copied.Author, copied.AuthorID, copied.Role, copied.Client, copied.Seq = e.Author, e.AuthorID, e.Role, e.Client, e.Seq
		}
		return opMessage(mustJSON(copied))
	}
	whole.Staff = nil
	l.msg = copyOf(e.Others)
	whole.Personal = nil
	l.secret = &secret{participant: e.AuthorID, sender: sender, msg: opMessage(mustJSON(whole))}
	for i := range e.Personal {
		if l.secret.personal == nil {
			l.secret.personal = map[personalKey][]byte{}
		}
		w := &e.Personal[i]
		l.secret.personal[personalKey{w.Participant, w.Staff}] = copyOf(w)
	}
	if e.Staff != nil {
		l.secret.staff = copyOf(e.Staff)
	}
	return record, l
}

// encodedBoardFor returns the board as c's participant may see it: the
// room's shared encoding unless they see something others do not (their
// own private notes, their own votes), which is then encoded for them.
func (r *room) encodedBoardFor(c *conn) []byte {
	staff := c.staff() && r.board.Moderated()
	if !staff && (c.participant == "" || !personal(r.board, c.participant)) {
		return r.encodedBoard()
	}
	var buf bytes.Buffer
	v := r.board.ViewFor(c.participant, staff)
	buf.Grow(v.Size() + 256)
	if err := v.WriteJSON(&buf); err != nil {
		panic("sync: encoding a board: " + err.Error()) // a board always encodes
	}
	return buf.Bytes()
}

// personal reports whether the participant sees something of b that
// others do not.
func personal(b *board.Board, participant string) bool {
	if len(b.Ballots[participant]) > 0 || len(b.Reacted[participant]) > 0 {
		return true
	}
	if !b.Moderation.NamesFor(false) {
		// Others' names are left out, and theirs kept on their own notes.
		for _, n := range b.Notes {
			if n.AuthorID == participant {
				return true
			}
			for _, c := range n.Comments {
				if c.AuthorID == participant {
					return true
				}
			}
		}
	}
	if b.PrivateNotes() == 0 && !b.Moderated() {
		return false
	}
	for _, n := range b.Notes {
		if n.AuthorID == participant && (n.Private && n.Text != "" || n.Pending) || n.Shown != "" && n.ShownBy == participant {
			return true
		}
		for _, c := range n.Comments {
			if c.AuthorID == participant && (c.Private && c.Text != "" || c.Pending) || c.Shown != "" && c.ShownBy == participant {
				return true
			}
		}
	}
	return false
}

// votes reports whether op is a vote or a reaction: one person's, counted
// by participant.
func votes(op board.Op) bool {
	switch op.Kind {
	case board.KindVote, board.KindUnvote, board.KindReact, board.KindUnreact:
		return true
	}
	return false
}
