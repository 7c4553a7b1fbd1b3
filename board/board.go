package board

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"slices"
	"time"
)

// Board is one sticky-note board. Its zero value is not usable: create boards
// with New so the maps exist.
type Board struct {
	ID        string
	Title     string
	Version   uint64 // the version of the last operation applied; 0 for a new board
	CreatedAt time.Time
	Notes     map[string]Note
	// Deleted holds the ids of deleted notes (tombstones), so an operation
	// that arrives after a delete is rejected instead of bringing the note back.
	Deleted map[string]bool
	// Clients maps a client key (Stamp.Client) to the highest client
	// sequence number of its operations applied so far. It makes resends
	// idempotent, across restarts too, because it is part of the stored
	// board. Apply keeps it.
	Clients map[string]uint64

	// Running a lesson (lesson.go).
	Locked  bool    // only facilitators may change the board
	Private bool    // notes made now are private (Note.Private) until a reveal
	Voting  *Voting // the current or last round of dot voting, or nil
	// Ballots maps a participant id to their votes in the round: note id
	// to votes. Each person sees only their own (see View).
	Ballots map[string]map[string]int
	Timer   *Timer // nil when there is none
	Stops   []Stop // in order
	// Columns are the board's lanes, left to right (columns.go).
	Columns []Column
	// Reacted maps a participant id to the reactions they gave: note id to
	// reaction names, sorted (reactions.go). Each person sees only their
	// own (see View).
	Reacted map[string]map[string][]string

	// Moderation is what the facilitator controls about what may be
	// posted (moderation.go).
	Moderation Moderation
	// Trash is the deleted notes a facilitator may bring back, oldest
	// first (trash.go). It is the server's: View leaves it out.
	Trash []Trashed

	// size is what counts against Limits.MaxBoardBytes: the title, the
	// notes (see noteSize) and the stops. Apply keeps it; Size returns it.
	size int
	// private counts the private notes, so that a board with none (most
	// of the time) need not be searched for them; pending and shown count
	// the notes waiting for approval and those with a Shown text, for the
	// same reason.
	private, pending, shown int
	stacked                 int         // notes with a Stack
	filter                  *wordFilter // Moderation.Filter, compiled; nil for none
}

// PrivateNotes returns how many notes are private (Note.Private).
func (b *Board) PrivateNotes() int { return b.private }

// Note is one sticky note.
type Note struct {
	ID     string  `json:"id"`
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	W      float64 `json:"w"`
	H      float64 `json:"h"`
	Text   string  `json:"text"`
	Color  string  `json:"color"`
	Z      int64   `json:"z"`
	Author string  `json:"author"`
	// AuthorID is the public participant id of the person who made the
	// note (see ParticipantID): the same person across tabs and reloads.
	// Empty for notes made before participants existed.
	AuthorID  string    `json:"authorId,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Private marks a note written while the board was private: its text
	// reaches only its author until the facilitator reveals it.
	Private bool `json:"private,omitempty"`
	// Votes is the note's votes in the current or last round (see View
	// for what each person sees of them while a hidden round is open).
	Votes int `json:"votes,omitempty"`
	// Pending marks a note waiting for a facilitator's approval: only its
	// author and facilitators see it (moderation.go).
	Pending bool `json:"pending,omitempty"`
	// Reactions counts the note's reactions by name (reactions.go); while
	// reactions are hidden each person sees their own.
	Reactions map[string]int `json:"reactions,omitempty"`
	// Comments are the note's thread, oldest first (comments.go).
	Comments []Comment `json:"comments,omitempty"`
	// Shown is the text as everyone but its author and facilitators see
	// it, when the word filter masked words in it; empty otherwise. It is
	// kept, never sent: View puts it in Text for those who see it.
	Shown string `json:"shown,omitempty"`
	// ShownBy is the participant who wrote the text Shown masks, who sees
	// it whole (on their own note, or on someone else's).
	ShownBy string `json:"shownBy,omitempty"`
	// Stack is the id of the note this one is stacked on (the stack's
	// head), or empty for a note on its own or at the head of a stack
	// (stacks.go).
	Stack string `json:"stack,omitempty"`
}

// Default size of a note created without one, in board units (CSS pixels at 100% zoom).
const (
	DefaultWidth  = 200
	DefaultHeight = 160
)

// New returns an empty board with the given id, title and creation time.
func New(id, title string, now time.Time) *Board {
	return &Board{
		ID:        id,
		Title:     title,
		CreatedAt: now.UTC(),
		Notes:     map[string]Note{},
		Deleted:   map[string]bool{},
		Clients:   map[string]uint64{},
		size:      len(title),
	}
}

// Size returns what the board's title and notes count against
// Limits.MaxBoardBytes: about the size of its JSON, which is what every
// client joining it receives.
func (b *Board) Size() int { return b.size }

// noteOverhead is what a note's JSON takes besides its text and author:
// the id, numbers, colour and two timestamps, rounded up.
const noteOverhead = 256

// noteSize is what a note counts against Limits.MaxBoardBytes.
func noteSize(n Note) int {
	size := noteOverhead + len(n.Text) + len(n.Shown) + len(n.ShownBy) + len(n.Author) + len(n.AuthorID) + len(n.Stack)
	for _, c := range n.Comments {
		size += commentSize(c)
	}
	return size
}

// NewID returns a new random board id: 128 bits from crypto/rand, encoded as
// 22 URL-safe characters. For now the link is the permission, so the id must
// not be guessable.
func NewID() string {
	var b [16]byte
	rand.Read(b[:]) // never returns an error (crypto/rand panics instead)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ValidID reports whether s has the form NewID gives. It says nothing about
// whether such a board exists.
func ValidID(s string) bool {
	if len(s) != 22 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == 16 && base64.RawURLEncoding.EncodeToString(b) == s
}

// Clone returns a copy of b that shares nothing Apply changes in place.
// (Apply never changes Voting, Timer, Ballots or Stops in place, so the
// copy shares those.)
func (b *Board) Clone() *Board {
	c := *b
	c.Notes = maps.Clone(b.Notes)
	c.Deleted = maps.Clone(b.Deleted)
	if c.Deleted == nil { // a View has no tombstones, and its clone may delete
		c.Deleted = map[string]bool{}
	}
	c.Clients = maps.Clone(b.Clients)
	return &c
}

// SortedNotes returns the notes from bottom to top of the stack (by Z, then
// id), which is the order to draw them in.
func (b *Board) SortedNotes() []Note {
	notes := make([]Note, 0, len(b.Notes))
	notes = slices.AppendSeq(notes, maps.Values(b.Notes))
	slices.SortFunc(notes, func(a, b Note) int {
		return cmp.Or(cmp.Compare(a.Z, b.Z), cmp.Compare(a.ID, b.ID))
	})
	return notes
}

// topZ returns the highest Z on the board, or 0 for a board without notes.
func (b *Board) topZ() int64 {
	var top int64
	for _, n := range b.Notes {
		top = max(top, n.Z)
	}
	return top
}

// boardJSON is the JSON form of a Board, shared by the API, the wire protocol
// and stored snapshots. Slices, not maps, so the encoding is deterministic.
type boardJSON struct {
	ID         string                         `json:"id,omitempty"`
	Title      string                         `json:"title"`
	Version    uint64                         `json:"version"`
	CreatedAt  time.Time                      `json:"createdAt"`
	Locked     bool                           `json:"locked,omitempty"`
	Private    bool                           `json:"private,omitempty"`
	Voting     *Voting                        `json:"voting,omitempty"`
	Ballots    map[string]map[string]int      `json:"ballots,omitempty"`
	Reacted    map[string]map[string][]string `json:"reacted,omitempty"`
	Columns    []Column                       `json:"columns,omitempty"`
	Timer      *Timer                         `json:"timer,omitempty"`
	Stops      []Stop                         `json:"stops,omitempty"`
	Moderation *Moderation                    `json:"moderation,omitempty"`
	Trash      []Trashed                      `json:"trash,omitempty"`
	Notes      []Note                         `json:"notes"`
	Deleted    []string                       `json:"deleted,omitempty"`
	Clients    map[string]uint64              `json:"clients,omitempty"`
}

// MarshalJSON encodes the board with its notes in drawing order, as
// WriteJSON does.
func (b *Board) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(b.size + 1024) // one allocation, not a doubling series, for a large board
	if err := b.WriteJSON(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteJSON writes the board's JSON (the form boardJSON describes) to w,
// one note at a time, so that a large board is never whole in memory
// twice. Characters that are special in HTML are not escaped: the JSON
// goes to WebSocket frames, API answers and the database, none of them
// HTML; a page that embeds JSON escapes it for its own context.
func (b *Board) WriteJSON(w io.Writer) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// encode appends v's JSON to buf, without the encoder's newline.
	encode := func(v any) error {
		if err := enc.Encode(v); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1)
		return nil
	}
	head := boardJSON{ID: b.ID, Title: b.Title, Version: b.Version, CreatedAt: b.CreatedAt,
		Locked: b.Locked, Private: b.Private, Voting: b.Voting, Ballots: b.Ballots, Timer: b.Timer, Stops: b.Stops,
		Reacted: b.Reacted, Columns: b.Columns, Trash: b.Trash}
	if b.Moderation != (Moderation{}) {
		head.Moderation = &b.Moderation
	}
	if err := encode(head); err != nil {
		return err
	}
	// head ends in "notes":null}: replace that with the notes, one by one.
	buf.Truncate(buf.Len() - len(`null}`))
	buf.WriteByte('[')
	for i, n := range b.SortedNotes() {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := encode(n); err != nil {
			return err
		}
		if buf.Len() > 32<<10 {
			if _, err := w.Write(buf.Bytes()); err != nil {
				return err
			}
			buf.Reset()
		}
	}
	buf.WriteByte(']')
	if len(b.Deleted) > 0 {
		buf.WriteString(`,"deleted":`)
		if err := encode(slices.Sorted(maps.Keys(b.Deleted))); err != nil {
			return err
		}
	}
	if len(b.Clients) > 0 {
		buf.WriteString(`,"clients":`)
		if err := encode(b.Clients); err != nil {
			return err
		}
	}
	buf.WriteByte('}')
	_, err := w.Write(buf.Bytes())
	return err
}

// DecodeBoard decodes a board encoded by MarshalJSON and checks every field
// against lim, so a damaged snapshot or a hand-edited file is an *Error, not
// a board that breaks later.
func DecodeBoard(data []byte, lim Limits) (*Board, error) {
	var j boardJSON
	if err := DecodeJSON(data, &j); err != nil {
		return nil, err
	}
	// A board as clients see it has no id (see View).
	if j.ID != "" && !ValidID(j.ID) {
		return nil, Errorf(EInvalid, "board id %q is malformed", j.ID)
	}
	if err := lim.checkTitle(j.Title); err != nil {
		return nil, err
	}
	if len(j.Notes) > lim.MaxNotes {
		return nil, Errorf(ETooLarge, "board has %d notes; the limit is %d", len(j.Notes), lim.MaxNotes)
	}
	b := New(j.ID, j.Title, j.CreatedAt)
	b.Version = j.Version
	for _, n := range j.Notes {
		if err := lim.checkNote(n); err != nil {
			return nil, err
		}
		if _, dup := b.Notes[n.ID]; dup {
			return nil, Errorf(EConflict, "note %s appears twice", n.ID)
		}
		b.Notes[n.ID] = n
		b.size += noteSize(n)
		b.count(n, 1)
	}
	for _, n := range b.Notes {
		if n.Stack == "" {
			continue
		}
		if h, ok := b.Notes[n.Stack]; !ok || h.Stack != "" {
			return nil, Errorf(EInvalid, "note %s is stacked on %s, which is not the head of a stack on the board", n.ID, n.Stack)
		}
	}
	for _, id := range j.Deleted {
		if !ValidNoteID(id) {
			return nil, Errorf(EInvalid, "deleted note id %q is malformed", id)
		}
		b.Deleted[id] = true
	}
	for id, seq := range j.Clients {
		b.Clients[id] = seq
	}
	b.Locked, b.Private, b.Timer = j.Locked, j.Private, j.Timer
	if m := j.Moderation; m != nil {
		if err := lim.checkModeration(*m); err != nil {
			return nil, err
		}
		b.setModeration(*m)
		b.size += moderationSize(*m)
	}
	if j.Voting != nil {
		v := *j.Voting
		v.Open = false // checkVoting checks a round as a client starts it
		if err := checkVoting(v); err != nil {
			return nil, err
		}
		b.Voting = j.Voting
	}
	for p, ballot := range j.Ballots {
		if !ValidParticipantID(p) {
			return nil, Errorf(EInvalid, "a ballot's participant id %q is malformed", p)
		}
		for id, n := range ballot {
			if _, ok := b.Notes[id]; !ok || n < 1 {
				return nil, Errorf(EInvalid, "a ballot gives %d votes to note %q, which is not on the board", n, id)
			}
		}
	}
	b.Ballots = j.Ballots
	b.size += ballotsSize(b.Ballots)
	for p, notes := range j.Reacted {
		if !ValidParticipantID(p) {
			return nil, Errorf(EInvalid, "a reaction's participant id %q is malformed", p)
		}
		for id, rs := range notes {
			if _, ok := b.Notes[id]; !ok || len(rs) == 0 || !slices.IsSorted(rs) {
				return nil, Errorf(EInvalid, "reactions to note %q are malformed", id)
			}
			for i, r := range rs {
				if !ValidReaction(r) || i > 0 && rs[i-1] == r {
					return nil, Errorf(EInvalid, "reactions to note %q are malformed", id)
				}
			}
		}
	}
	b.Reacted = j.Reacted
	b.size += reactedSize(b.Reacted)
	if t := j.Timer; t != nil && (t.Seconds < 1 || t.Seconds > MaxTimerSeconds || t.LeftMs < 0) {
		return nil, Errorf(EInvalid, "the timer is malformed")
	}
	if len(j.Stops) > MaxStops {
		return nil, Errorf(ETooLarge, "board has %d stops; the limit is %d", len(j.Stops), MaxStops)
	}
	if len(j.Columns) > MaxColumns {
		return nil, Errorf(ETooLarge, "board has %d columns; the limit is %d", len(j.Columns), MaxColumns)
	}
	for _, c := range j.Columns {
		if err := lim.checkColumn(c); err != nil {
			return nil, err
		}
		if b.column(c.ID) >= 0 {
			return nil, Errorf(EConflict, "column %s appears twice", c.ID)
		}
		b.Columns = append(b.Columns, c)
		b.size += columnSize(c)
	}
	// The trash is what a facilitator may bring back, not the board: a
	// note in it that today's limits refuse is left out rather than
	// keeping the board from loading, and the newest MaxTrash stay.
	for _, t := range j.Trash[max(0, len(j.Trash)-MaxTrash):] {
		if lim.checkNote(t.Note) == nil && lim.CheckAuthor(t.DeletedBy) == nil {
			b.Trash = append(b.Trash, t)
		}
	}
	for _, st := range j.Stops {
		if err := lim.checkStop(st); err != nil {
			return nil, err
		}
		if b.stop(st.ID) >= 0 {
			return nil, Errorf(EConflict, "stop %s appears twice", st.ID)
		}
		b.Stops = append(b.Stops, st)
		b.size += stopSize(st)
	}
	return b, nil
}
