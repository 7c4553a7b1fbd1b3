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
// one, only the connection that sent it.
type secret struct {
	participant string
	sender      *conn // nil in a room that loaded the operation from its log
	msg         []byte
}

// sees reports whether c gets the whole message.
func (s *secret) sees(c *conn) bool {
	return c == s.sender || s.participant != "" && c.participant == s.participant
}

// msgFor returns the message c gets of a logged operation.
func (l *logged) msgFor(c *conn) []byte {
	if l.secret != nil && l.secret.sees(c) {
		return l.secret.msg
	}
	return l.msg
}

// Withheld is kept in a log record whose operation others got a copy of:
// the copy, and whether it went without its author. With it, a room that
// loads the board sends a resuming client what it was sent live.
type Withheld struct {
	Op        board.Op `json:"op"`
	Anonymous bool     `json:"anonymous,omitempty"`
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
	copied := Entry{Version: e.Version, At: e.At, Op: e.Others.Op}
	if !e.Others.Anonymous {
		// A secret ballot says nothing of its voter, not even the role
		// (with one facilitator, the role would name them).
		copied.Author, copied.AuthorID, copied.Role, copied.Client, copied.Seq = e.Author, e.AuthorID, e.Role, e.Client, e.Seq
	}
	l.msg = opMessage(mustJSON(copied))
	l.secret = &secret{participant: e.AuthorID, sender: sender, msg: opMessage(mustJSON(whole))}
	return record, l
}

// encodedBoardFor returns the board as c's participant may see it: the
// room's shared encoding unless they see something others do not (their
// own private notes, their own votes), which is then encoded for them.
func (r *room) encodedBoardFor(c *conn) []byte {
	if c.participant == "" || !personal(r.board, c.participant) {
		return r.encodedBoard()
	}
	var buf bytes.Buffer
	v := r.board.View(c.participant)
	buf.Grow(v.Size() + 256)
	if err := v.WriteJSON(&buf); err != nil {
		panic("sync: encoding a board: " + err.Error()) // a board always encodes
	}
	return buf.Bytes()
}

// personal reports whether the participant sees something of b that
// others do not.
func personal(b *board.Board, participant string) bool {
	if len(b.Ballots[participant]) > 0 {
		return true
	}
	if b.PrivateNotes() == 0 {
		return false
	}
	for _, n := range b.Notes {
		if n.Private && n.AuthorID == participant && n.Text != "" {
			return true
		}
	}
	return false
}

// votes reports whether op is, or holds, a vote.
func votes(op board.Op) bool {
	return op.Kind == board.KindVote || op.Kind == board.KindUnvote
}
