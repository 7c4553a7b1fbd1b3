package board

import (
	"maps"
	"slices"
	"time"
	"unicode/utf8"
)

// What a facilitator uses to run a lesson on a board: a lock, writing
// privately until a reveal, rounds of dot voting, a timer and stops (saved
// views to step through, like slides). All of it is board state, changed
// by operations with versions like notes are, so it survives reloads and
// restarts and goes wherever the board's log goes. What is only about the
// moment (who presents, the presenter's view, a spotlight, raised hands)
// is presence, kept by the sync layer and never stored.

// Voting is a round of dot voting: each person (participant) has Votes
// votes, at most PerNote of them on one note. With Hidden, nobody sees
// the counts (each person sees their own votes) until the round ends.
type Voting struct {
	Votes   int  `json:"votes"`
	PerNote int  `json:"perNote"`
	Hidden  bool `json:"hidden,omitempty"`
	Open    bool `json:"open"`
}

// Timer is a countdown everyone on the board sees. It is stored as the
// moment it ends, not ticked: a running timer has EndsAt; a paused one has
// LeftMs, the milliseconds it had left; Seconds is what it was started with.
type Timer struct {
	Seconds int        `json:"seconds"`
	EndsAt  *time.Time `json:"endsAt,omitempty"`
	LeftMs  int64      `json:"leftMs,omitempty"`
}

// Running reports whether the timer counts down (rather than being paused).
func (t *Timer) Running() bool { return t != nil && t.EndsAt != nil }

// Stop is a saved view of the board, in board coordinates: the presenter
// steps through a board's stops in order, and everyone following goes
// along.
type Stop struct {
	ID   string  `json:"id"`
	Name string  `json:"name,omitempty"`
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	W    float64 `json:"w"`
	H    float64 `json:"h"`
}

// Lesson limits, fixed rather than configurable: they bound what one
// facilitator's client can make the server hold, far above what a lesson
// uses.
const (
	MaxVotes        = 99           // votes a person may have in a round
	MaxStops        = 100          // stops on a board
	MaxStopRunes    = 100          // a stop's name, in characters
	MaxTimerSeconds = 24 * 60 * 60 // a day
	stopOverhead    = 128          // what a stop counts against MaxBoardBytes besides its name
)

func stopSize(s Stop) int { return stopOverhead + len(s.Name) }

func (l Limits) checkStop(s Stop) error {
	if !ValidNoteID(s.ID) {
		return Errorf(EInvalid, "stop id %q is not a lower-case UUID", s.ID)
	}
	if n := utf8.RuneCountInString(s.Name); n > MaxStopRunes {
		return Errorf(ETooLarge, "the stop's name has %d characters; the limit is %d", n, MaxStopRunes)
	}
	if err := checkPrintable("the stop's name", s.Name, false); err != nil {
		return err
	}
	if err := l.checkCoords(s.X, s.Y); err != nil {
		return err
	}
	for _, v := range []float64{s.W, s.H} {
		if !(v >= 1 && v <= 2*l.MaxCoord) {
			return Errorf(EInvalid, "a stop's width and height must be from 1 to %g", 2*l.MaxCoord)
		}
	}
	return nil
}

func checkVoting(v Voting) error {
	if v.Votes < 1 || v.Votes > MaxVotes {
		return Errorf(EInvalid, "a person's votes must be from 1 to %d", MaxVotes)
	}
	if v.PerNote < 1 || v.PerNote > v.Votes {
		return Errorf(EInvalid, "the votes one note may get from one person must be from 1 to the votes a person has (%d)", v.Votes)
	}
	if v.Open {
		return Errorf(EInvalid, "a round's \"open\" is set by the server")
	}
	return nil
}

// applyLesson applies the lesson operations (see Op); the caller has
// checked the role.
func applyLesson(b *Board, op Op, st Stamp, lim Limits) error {
	switch op.Kind {
	case KindLock, KindUnlock:
		b.Locked = op.Kind == KindLock
	case KindHide:
		b.Private = true
	case KindReveal:
		// Every private note gets its text from the operation (the server
		// puts them there, see Prepare), and is private no more. Clients
		// that could not see a note's text learn it here.
		for id, n := range b.Notes {
			privateComments := slices.ContainsFunc(n.Comments, func(c Comment) bool { return c.Private })
			if !n.Private && !privateComments {
				continue
			}
			// Only where the text was withheld: an author keeps their own
			// text, which others may be sent masked (moderation.go).
			if text, ok := op.Texts[id]; ok && n.Private && n.Text == "" {
				b.size += len(text) - len(n.Text)
				n.Text = text
			}
			n.Private = false
			if privateComments {
				n.Comments = slices.Clone(n.Comments)
				for i, c := range n.Comments {
					if text, ok := op.Texts[c.ID]; ok && c.Private && c.Text == "" {
						b.size += len(text)
						n.Comments[i].Text = text
					}
					n.Comments[i].Private = false
				}
			}
			b.Notes[id] = n
		}
		b.Private = false
		b.private = 0
	case KindVoteStart:
		if b.Voting != nil && b.Voting.Open {
			return Errorf(EConflict, "a voting round is already open; end it first")
		}
		v := *op.Voting
		v.Open = true
		b.Voting = &v
		b.clearVotes()
	case KindVote, KindUnvote:
		return b.vote(op, st, lim)
	case KindVoteEnd:
		if b.Voting == nil || !b.Voting.Open {
			return Errorf(EConflict, "no voting round is open")
		}
		// The totals come with the operation (see Prepare): clients that
		// saw only their own votes learn everyone's here.
		for id, n := range b.Notes {
			n.Votes = op.Votes[id]
			b.Notes[id] = n
		}
		v := *b.Voting
		v.Open = false
		b.Voting = &v
		// The counts stay; who gave which vote, a secret ballot, is no
		// longer needed once nobody can vote.
		b.size -= ballotsSize(b.Ballots)
		b.Ballots = nil
	case KindVoteClear:
		b.Voting = nil
		b.clearVotes()
	case KindTimerStart:
		end := st.At.Add(time.Duration(op.Seconds) * time.Second)
		b.Timer = &Timer{Seconds: op.Seconds, EndsAt: &end}
	case KindTimerPause:
		if !b.Timer.Running() {
			return Errorf(EConflict, "the timer is not running")
		}
		left := b.Timer.EndsAt.Sub(st.At).Milliseconds()
		if left < 1 {
			// A paused timer always has time left: LeftMs 0 would read
			// as no pause at all.
			return Errorf(EConflict, "the timer has already ended")
		}
		b.Timer = &Timer{Seconds: b.Timer.Seconds, LeftMs: left}
	case KindTimerResume:
		if b.Timer == nil || b.Timer.Running() {
			return Errorf(EConflict, "the timer is not paused")
		}
		end := st.At.Add(time.Duration(b.Timer.LeftMs) * time.Millisecond)
		b.Timer = &Timer{Seconds: b.Timer.Seconds, EndsAt: &end}
	case KindTimerReset:
		b.Timer = nil
	case KindStopAdd:
		if len(b.Stops) >= MaxStops {
			return Errorf(ETooLarge, "a board holds at most %d stops", MaxStops)
		}
		if b.stop(op.Stop.ID) >= 0 {
			return Errorf(EConflict, "stop %s already exists", op.Stop.ID)
		}
		b.Stops = append(slices.Clip(b.Stops), *op.Stop)
		b.size += stopSize(*op.Stop)
	case KindStopSet:
		i := b.stop(op.Stop.ID)
		if i < 0 {
			return Errorf(ENotFound, "stop %s is not on this board", op.Stop.ID)
		}
		b.size += stopSize(*op.Stop) - stopSize(b.Stops[i])
		b.Stops = slices.Clone(b.Stops)
		b.Stops[i] = *op.Stop
	case KindStopDelete:
		i := b.stop(op.ID)
		if i < 0 {
			return Errorf(ENotFound, "stop %s is not on this board", op.ID)
		}
		b.size -= stopSize(b.Stops[i])
		b.Stops = slices.Delete(slices.Clone(b.Stops), i, i+1)
	case KindStopMove:
		i := b.stop(op.ID)
		if i < 0 {
			return Errorf(ENotFound, "stop %s is not on this board", op.ID)
		}
		to := *op.Index
		if to >= len(b.Stops) {
			return Errorf(EInvalid, "index %d is past the last stop (%d)", to, len(b.Stops)-1)
		}
		s := b.Stops[i]
		stops := slices.Delete(slices.Clone(b.Stops), i, i+1)
		b.Stops = slices.Insert(stops, to, s)
	default:
		return Errorf(EInvalid, "unknown operation kind %q", op.Kind)
	}
	return nil
}

// vote applies a vote or unvote. The server applies it with the voter's
// participant id in the stamp, and checks the round's limits on that
// person's votes. A client's copy of someone else's vote has no author
// (votes are anonymous to others) and, in a hidden round, no note: it
// changes only what the client can see.
func (b *Board) vote(op Op, st Stamp, lim Limits) error {
	v := b.Voting
	if v == nil || !v.Open {
		return Errorf(EConflict, "no voting round is open")
	}
	if op.Withheld && op.ID == "" {
		return nil // someone voted in a hidden round: nothing to show
	}
	n, err := b.note(op.ID)
	if err != nil {
		return err
	}
	up := op.Kind == KindVote
	if st.AuthorID != "" {
		ballot := b.Ballots[st.AuthorID]
		switch {
		case up && sum(ballot) >= v.Votes:
			return Errorf(EConflict, "you have used all your %d votes; take one back to vote again", v.Votes)
		case up && ballot[op.ID] >= v.PerNote:
			return Errorf(EConflict, "a note can have at most %d of your votes", v.PerNote)
		case !up && ballot[op.ID] == 0:
			return Errorf(EConflict, "you have not voted for this note")
		}
		// A person's first vote on a note counts against the board's
		// size: every new participant could otherwise grow the board
		// without limit, view links included.
		if up && ballot[op.ID] == 0 {
			if err := b.grow(ballotEntrySize(st.AuthorID, op.ID), lim); err != nil {
				return err
			}
		}
		ballot = maps.Clone(ballot)
		if ballot == nil {
			ballot = map[string]int{}
		}
		if up {
			ballot[op.ID]++
		} else if ballot[op.ID]--; ballot[op.ID] == 0 {
			delete(ballot, op.ID)
			b.size -= ballotEntrySize(st.AuthorID, op.ID)
		}
		b.Ballots = maps.Clone(b.Ballots) // nil stays nil
		if b.Ballots == nil {
			b.Ballots = map[string]map[string]int{}
		}
		if len(ballot) == 0 {
			delete(b.Ballots, st.AuthorID)
		} else {
			b.Ballots[st.AuthorID] = ballot
		}
	}
	if up {
		n.Votes++
	} else if n.Votes > 0 {
		n.Votes--
	}
	b.Notes[op.ID] = n
	return nil
}

func sum(ballot map[string]int) int {
	total := 0
	for _, n := range ballot {
		total += n
	}
	return total
}

// ballotEntryOverhead is what one person's votes on one note count
// against MaxBoardBytes besides the two ids: about its JSON.
const ballotEntryOverhead = 16

func ballotEntrySize(participant, note string) int {
	return len(participant) + len(note) + ballotEntryOverhead
}

// ballotsSize is what ballots count against MaxBoardBytes.
func ballotsSize(ballots map[string]map[string]int) int {
	size := 0
	for p, ballot := range ballots {
		for id := range ballot {
			size += ballotEntrySize(p, id)
		}
	}
	return size
}

// clearVotes takes every vote off the board.
func (b *Board) clearVotes() {
	for id, n := range b.Notes {
		if n.Votes != 0 {
			n.Votes = 0
			b.Notes[id] = n
		}
	}
	b.size -= ballotsSize(b.Ballots)
	b.Ballots = nil
}

// dropVotes takes back the votes on a deleted note, so its voters may give
// them to other notes.
func (b *Board) dropVotes(id string) {
	changed := false
	for p, ballot := range b.Ballots {
		if ballot[id] == 0 {
			continue
		}
		if !changed {
			b.Ballots = maps.Clone(b.Ballots)
			changed = true
		}
		ballot = maps.Clone(ballot)
		delete(ballot, id)
		b.size -= ballotEntrySize(p, id)
		if len(ballot) == 0 {
			delete(b.Ballots, p)
		} else {
			b.Ballots[p] = ballot
		}
	}
}

func (b *Board) stop(id string) int {
	return slices.IndexFunc(b.Stops, func(s Stop) bool { return s.ID == id })
}
