package board

import (
	"cmp"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
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
}

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
}

// Palette lists the note colours, in the order a colour picker shows them.
// Notes may only have these colours; the browser maps each name to shades
// that keep text at WCAG AA contrast in light and dark themes.
var Palette = []string{"yellow", "orange", "pink", "purple", "blue", "green", "grey", "white"}

// DefaultColor is the colour of a note created without one.
const DefaultColor = "yellow"

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
	}
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

// Clone returns a deep copy of b.
func (b *Board) Clone() *Board {
	c := *b
	c.Notes = maps.Clone(b.Notes)
	c.Deleted = maps.Clone(b.Deleted)
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
	ID        string            `json:"id"`
	Title     string            `json:"title"`
	Version   uint64            `json:"version"`
	CreatedAt time.Time         `json:"createdAt"`
	Notes     []Note            `json:"notes"`
	Deleted   []string          `json:"deleted,omitempty"`
	Clients   map[string]uint64 `json:"clients,omitempty"`
}

// MarshalJSON encodes the board with its notes in drawing order.
func (b *Board) MarshalJSON() ([]byte, error) {
	return json.Marshal(boardJSON{
		ID:        b.ID,
		Title:     b.Title,
		Version:   b.Version,
		CreatedAt: b.CreatedAt,
		Notes:     b.SortedNotes(),
		Deleted:   slices.Sorted(maps.Keys(b.Deleted)),
		Clients:   b.Clients,
	})
}

// Public returns a copy of b without the bookkeeping clients need not see
// (tombstones and client sequence numbers).
func (b *Board) Public() *Board {
	return &Board{ID: b.ID, Title: b.Title, Version: b.Version, CreatedAt: b.CreatedAt, Notes: b.Notes}
}

// DecodeBoard decodes a board encoded by MarshalJSON and checks every field
// against lim, so a damaged snapshot or a hand-edited file is an *Error, not
// a board that breaks later.
func DecodeBoard(data []byte, lim Limits) (*Board, error) {
	var j boardJSON
	if err := DecodeJSON(data, &j); err != nil {
		return nil, err
	}
	if !ValidID(j.ID) {
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
	return b, nil
}
