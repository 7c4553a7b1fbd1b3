package export

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"corkboard/board"
)

// The JSON export's identity. A reader checks both before it reads
// anything else, so a file from elsewhere, or from a later Corkboard that
// changed the shape, is refused with a message that says so.
const (
	formatName = "corkboard-board"
	schema     = 1
)

// fileJSON is the JSON export: the board as people made it, without what
// only the server needs (tombstones, client sequence numbers, ballots, who
// reacted, the timer, the lock). Field order is the order people read it
// in.
//
// Columns, the board's lanes left to right ({"id", "name"}; a note is in
// the one its middle lies in, board.ColumnWidth wide each from x = 0),
// came after schema 1 was first written: a file without them is a board
// without columns, and a board without columns leaves the field out, so
// its file is the one an earlier Corkboard wrote and reads. A note's
// "stack" came later still, the same way: a note in no stack leaves it
// out. (An earlier Corkboard refuses a file with a stack, as a field it
// does not know, rather than lose the stack unseen.)
type fileJSON struct {
	Format    string         `json:"format"`
	Schema    int            `json:"schema"`
	Title     string         `json:"title"`
	CreatedAt time.Time      `json:"createdAt"`
	Version   uint64         `json:"version"`
	Voting    *votingJSON    `json:"voting,omitempty"`
	Columns   []board.Column `json:"columns,omitempty"`
	Stops     []board.Stop   `json:"stops"`
	Notes     []noteJSON     `json:"notes"`
}

// noteJSON is a note in the export. It leaves out the author's participant
// id: the file leaves the server and is shared, and the id would let
// anyone holding it tie a person's notes together across boards.
type noteJSON struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Color  string `json:"color"`
	Author string `json:"author"`
	Votes  int    `json:"votes"`
	// Reactions counts the note's reactions by name (like, love, idea,
	// question); who gave them stays on the server.
	Reactions map[string]int `json:"reactions,omitempty"`
	// Comments are the note's thread, oldest first, as anyone may see it
	// (a private comment without its text), without participant ids.
	Comments  []commentJSON `json:"comments,omitempty"`
	CreatedAt time.Time     `json:"createdAt"`
	UpdatedAt time.Time     `json:"updatedAt"`
	X         float64       `json:"x"`
	Y         float64       `json:"y"`
	W         float64       `json:"w"`
	H         float64       `json:"h"`
	Z         int64         `json:"z"`
	// Stack is the id of the head of the stack the note is in, for a
	// note in one (board.Note.Stack): the head is a note of the file, in
	// no stack itself. Such a note is drawn where its head is; its x and
	// y are where it was before.
	Stack string `json:"stack,omitempty"`
}

// votingJSON is the last round of dot voting: its rules and a summary of
// its result. The summary (total, ranking) is derived from the notes'
// votes; Import reads it and ignores it.
type votingJSON struct {
	Votes   int        `json:"votes"`   // each person's votes
	PerNote int        `json:"perNote"` // at most this many of them on one note
	Hidden  bool       `json:"hidden"`
	Total   int        `json:"total"`
	Ranking []rankJSON `json:"ranking"` // notes with votes, the most first
}

type rankJSON struct {
	ID    string `json:"id"`
	Votes int    `json:"votes"`
}

func toFile(b *board.Board) fileJSON {
	f := fileJSON{
		Format: formatName, Schema: schema,
		Title: b.Title, CreatedAt: b.CreatedAt.UTC(), Version: b.Version,
		Columns: b.Columns, Stops: b.Stops,
		Notes: []noteJSON{},
	}
	if f.Stops == nil {
		f.Stops = []board.Stop{}
	}
	for _, n := range b.SortedNotes() {
		n = shown(n)
		f.Notes = append(f.Notes, noteJSON{
			ID: n.ID, Text: n.Text, Color: n.Color, Author: n.Author, Votes: n.Votes, Reactions: n.Reactions, Comments: exportComments(n.Comments),
			CreatedAt: n.CreatedAt.UTC(), UpdatedAt: n.UpdatedAt.UTC(),
			X: n.X, Y: n.Y, W: n.W, H: n.H, Z: n.Z, Stack: n.Stack,
		})
	}
	if v := b.Voting; v != nil {
		// An open round is exported as it stands; a board made from the
		// file starts with it ended (ballots are not exported, so it could
		// not go on).
		f.Voting = &votingJSON{Votes: v.Votes, PerNote: v.PerNote, Hidden: v.Hidden, Ranking: []rankJSON{}}
		for _, n := range f.Notes {
			if n.Votes > 0 {
				f.Voting.Total += n.Votes
				f.Voting.Ranking = append(f.Voting.Ranking, rankJSON{n.ID, n.Votes})
			}
		}
		slices.SortStableFunc(f.Voting.Ranking, func(a, c rankJSON) int {
			return cmp.Or(cmp.Compare(c.Votes, a.Votes), strings.Compare(a.ID, c.ID))
		})
	}
	return f
}

// writeJSON writes the export indented, for people who open it, and
// without HTML escaping, which would only make note text harder to read:
// the file is never embedded in a page as it is.
func writeJSON(w io.Writer, b *board.Board) error {
	var buf bytes.Buffer
	buf.Grow(b.Size()*2 + 1024)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(toFile(b)); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// boardJSON has the shape board.DecodeBoard reads (the board's own JSON),
// limited to what an export carries.
type boardJSON struct {
	Title     string         `json:"title"`
	Version   uint64         `json:"version"`
	CreatedAt time.Time      `json:"createdAt"`
	Voting    *board.Voting  `json:"voting,omitempty"`
	Columns   []board.Column `json:"columns,omitempty"`
	Stops     []board.Stop   `json:"stops,omitempty"`
	Notes     []board.Note   `json:"notes"`
}

// Import reads a JSON export back into a board without an id (the caller
// gives it one), checking everything against lim, whose zero fields mean
// the defaults. Whatever the input, the result is a board Apply can work
// on, or an *board.Error (EInvalid, or ETooLarge for what breaks a limit)
// whose message says what is wrong, naming the note when it is a note.
// A round of voting in the file comes back ended.
func Import(data []byte, lim board.Limits) (*board.Board, error) {
	lim = lim.WithDefaults()
	// The file is at most about the board's size, twice over for
	// indentation and escaping: anything bigger is refused unread.
	if limit := 2 * lim.MaxBoardBytes; len(data) > limit {
		return nil, board.Errorf(board.ETooLarge, "the file has %s; a board export is at most %s", byteSize(len(data)), byteSize(limit))
	}
	// Check what the file is before its shape, so that a file from a
	// later version is refused for its schema, not for a field this
	// version does not know.
	if !json.Valid(data) {
		if err := board.DecodeJSON(data, new(any)); err != nil {
			return nil, err // says where and why
		}
		return nil, board.Errorf(board.EInvalid, "malformed JSON")
	}
	var head map[string]any
	if json.Unmarshal(data, &head) != nil {
		return nil, board.Errorf(board.EInvalid, "this is not a Corkboard board export: it is not a JSON object")
	}
	format, hasFormat := head["format"]
	switch {
	case !hasFormat:
		return nil, board.Errorf(board.EInvalid, "this is not a Corkboard board export: it has no \"format\" field")
	case format != formatName:
		return nil, board.Errorf(board.EInvalid, "this is not a Corkboard board export: its \"format\" is %s, not %q", jsonText(format), formatName)
	}
	switch s, ok := head["schema"].(float64); {
	case !ok:
		return nil, board.Errorf(board.EInvalid, "the export has no \"schema\" number")
	case s > schema:
		return nil, board.Errorf(board.EInvalid, "the export has schema %s, from a newer Corkboard; this one reads schema %d", jsonText(s), schema)
	case s != schema:
		return nil, board.Errorf(board.EInvalid, "the export has schema %s; this Corkboard reads schema %d", jsonText(s), schema)
	}
	var f fileJSON
	if err := board.DecodeJSON(data, &f); err != nil {
		return nil, err
	}
	if len(f.Notes) > lim.MaxNotes {
		return nil, board.Errorf(board.ETooLarge, "the export has %d notes; a board holds at most %d", len(f.Notes), lim.MaxNotes)
	}
	j := boardJSON{Title: f.Title, Version: f.Version, CreatedAt: f.CreatedAt, Columns: f.Columns, Stops: f.Stops,
		Notes: make([]board.Note, len(f.Notes))}
	seen := make(map[string]int, len(f.Notes))
	for i, n := range f.Notes {
		if err := checkNote(n, lim); err != nil {
			return nil, board.Errorf(board.ErrorCode(err), "note %d: %s", i+1, board.ErrorMessage(err))
		}
		if first, dup := seen[n.ID]; dup {
			return nil, board.Errorf(board.EInvalid, "note %d has the same id as note %d (%s)", i+1, first, n.ID)
		}
		seen[n.ID] = i + 1
		j.Notes[i] = board.Note{
			ID: n.ID, X: n.X, Y: n.Y, W: n.W, H: n.H, Text: n.Text, Color: n.Color, Z: n.Z,
			Author: n.Author, CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt, Votes: n.Votes, Reactions: n.Reactions,
			Comments: importComments(n.Comments), Stack: n.Stack,
		}
	}
	if err := checkStacks(f.Notes, seen); err != nil {
		return nil, err
	}
	if v := f.Voting; v != nil {
		j.Voting = &board.Voting{Votes: v.Votes, PerNote: v.PerNote, Hidden: v.Hidden}
	}
	// The board package checks the rest (title, columns, stops, voting)
	// and builds the board, so its size and counts are kept as Apply
	// keeps them.
	raw, err := json.Marshal(j)
	if err != nil {
		return nil, board.Errorf(board.EInvalid, "the export holds a value that cannot be stored")
	}
	b, err := board.DecodeBoard(raw, lim)
	if err != nil {
		code := board.ErrorCode(err)
		if code != board.ETooLarge {
			code = board.EInvalid
		}
		return nil, board.Errorf(code, "%s", board.ErrorMessage(err))
	}
	if b.Size() > lim.MaxBoardBytes {
		return nil, board.Errorf(board.ETooLarge, "the board in the export is %s; a board holds at most %s", byteSize(b.Size()), byteSize(lim.MaxBoardBytes))
	}
	return b, nil
}

// checkNote checks a note from an export as the board would check a note
// made with every field set, so the messages are the ones people see
// elsewhere.
func checkNote(n noteJSON, lim board.Limits) error {
	x, y := n.X, n.Y
	op := board.Op{Kind: board.KindCreate, Note: &board.NewNote{
		ID: n.ID, X: &x, Y: &y, W: &n.W, H: &n.H, Text: &n.Text, Color: &n.Color, Z: &n.Z,
	}}
	if err := lim.Validate(op); err != nil {
		return err
	}
	if err := lim.CheckAuthor(n.Author); err != nil {
		return board.Errorf(board.ErrorCode(err), "author: %s", board.ErrorMessage(err))
	}
	if n.Votes < 0 {
		return board.Errorf(board.EInvalid, "%d votes", n.Votes)
	}
	if n.Stack != "" && !board.ValidNoteID(n.Stack) {
		return board.Errorf(board.EInvalid, "stack %s is not a note id (a lower-case UUID)", jsonText(n.Stack))
	}
	return nil
}

// checkStacks checks the stacks of the notes of a file, seen giving each
// id's note number: each names a note of the file, never the note itself,
// and stacks do not nest. board.DecodeBoard checks this too, but the
// message here names the notes by their place in the file, as the others
// do.
func checkStacks(notes []noteJSON, seen map[string]int) error {
	for i, n := range notes {
		if n.Stack == "" {
			continue
		}
		head, ok := seen[n.Stack]
		switch {
		case n.Stack == n.ID:
			return board.Errorf(board.EInvalid, "note %d is stacked on itself", i+1)
		case !ok:
			return board.Errorf(board.EInvalid, "note %d is stacked on note %s, which is not in the export", i+1, n.Stack)
		case notes[head-1].Stack != "":
			return board.Errorf(board.EInvalid, "note %d is stacked on note %d, which is in a stack itself: stacks do not nest", i+1, head)
		}
	}
	return nil
}

// jsonText shows a value from the input as it was written, shortened.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	if n := 40; len(b) > n {
		for !utf8.RuneStart(b[n]) {
			n--
		}
		return string(b[:n]) + "…"
	}
	return string(b)
}

// byteSize says a size in bytes the way people read it.
func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}

// commentJSON is a comment in the export.
type commentJSON struct {
	ID     string    `json:"id"`
	Text   string    `json:"text"`
	Author string    `json:"author"`
	At     time.Time `json:"at"`
}

func exportComments(cs []board.Comment) []commentJSON {
	if len(cs) == 0 {
		return nil
	}
	out := make([]commentJSON, len(cs))
	for i, c := range cs {
		out[i] = commentJSON{ID: c.ID, Text: c.Text, Author: c.Author, At: c.At.UTC()}
	}
	return out
}

func importComments(cs []commentJSON) []board.Comment {
	if len(cs) == 0 {
		return nil
	}
	out := make([]board.Comment, len(cs))
	for i, c := range cs {
		out[i] = board.Comment{ID: c.ID, Text: c.Text, Author: c.Author, At: c.At}
	}
	return out
}
