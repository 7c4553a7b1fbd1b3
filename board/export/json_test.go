package export_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"corkboard/board"
	"corkboard/board/export"
)

// testNote is a note for mustDecode; zero fields get sensible values.
type testNote struct {
	ID, Text, Color, Author string
	X, Y, W, H              float64
	Z                       int64
	Votes                   int
	Reactions               map[string]int
	Comments                []board.Comment
	CreatedAt, UpdatedAt    time.Time
	Stack                   string
}

// testBoard has the shape of the board's own JSON (board.DecodeBoard).
type testBoard struct {
	Title     string         `json:"title"`
	Version   uint64         `json:"version"`
	CreatedAt time.Time      `json:"createdAt"`
	Voting    *board.Voting  `json:"voting,omitempty"`
	Columns   []board.Column `json:"columns,omitempty"`
	Stops     []board.Stop   `json:"stops,omitempty"`
	Notes     []board.Note   `json:"notes"`
}

// mustDecode returns a board with the given notes, made the way the
// server loads a stored board.
func mustDecode(t testing.TB, notes []testNote) *board.Board {
	t.Helper()
	return mustDecodeBoard(t, testBoard{Title: "Test", Version: 9, CreatedAt: t0}, notes)
}

func mustDecodeBoard(t testing.TB, tb testBoard, notes []testNote) *board.Board {
	t.Helper()
	for _, n := range notes {
		bn := board.Note{ID: n.ID, X: n.X, Y: n.Y, W: n.W, H: n.H, Text: n.Text, Color: n.Color, Z: n.Z,
			Author: n.Author, Votes: n.Votes, Reactions: n.Reactions, Comments: n.Comments, CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt,
			Stack: n.Stack}
		if bn.W == 0 {
			bn.W, bn.H = board.DefaultWidth, board.DefaultHeight
		}
		if bn.Color == "" {
			bn.Color = board.DefaultColor
		}
		if bn.CreatedAt.IsZero() {
			bn.CreatedAt, bn.UpdatedAt = t0, t0
		}
		tb.Notes = append(tb.Notes, bn)
	}
	data, err := json.Marshal(tb)
	if err != nil {
		t.Fatal(err)
	}
	b, err := board.DecodeBoard(data, board.DefaultLimits)
	if err != nil {
		t.Fatalf("DecodeBoard: %v\n%s", err, data)
	}
	return b
}

// randomBoard returns a valid board made from r: any number of notes up
// to 40 with text from an alphabet that holds what export formats find
// hard (quotes, markup, line breaks, tabs, Swedish letters, emoji),
// anywhere on the board, and sometimes a round of voting, stops, columns
// (so that notes fall in them and out of them), reactions and stacks.
func randomBoard(t testing.TB, r *rand.Rand) *board.Board {
	t.Helper()
	pieces := []string{"a", "b", "Z", " ", "  ", "\n", "\r\n", "\t", "å", "ä", "ö", "Å", "é", "🙂", "\"", "'", ",", ";",
		"<", ">", "&", "=", "+", "-", "@", "#", "*", "_", "`", "[", "]", "(", ")", "|", "\\", "0", "9", "€", "\u00a0"}
	text := func(max int) string {
		var sb strings.Builder
		for range r.IntN(max + 1) {
			sb.WriteString(pieces[r.IntN(len(pieces))])
		}
		return sb.String()
	}
	line := func(max int) string { // no line breaks or tabs: titles, authors, stop names
		return strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(text(max))
	}
	when := func() time.Time {
		return time.Unix(r.Int64N(4e9), r.Int64N(1e9)).UTC()
	}
	coord := func() float64 {
		switch r.IntN(4) {
		case 0:
			return float64(r.IntN(2000)) - 1000
		case 1:
			return (r.Float64()*2 - 1) * board.DefaultLimits.MaxCoord
		default:
			return float64(r.IntN(3000)) + r.Float64()
		}
	}
	size := func() float64 {
		return board.DefaultLimits.MinSize + r.Float64()*(board.DefaultLimits.MaxSize-board.DefaultLimits.MinSize)
	}
	tb := testBoard{Title: line(30), Version: r.Uint64N(1 << 40), CreatedAt: when()}
	voting := r.IntN(2) == 0
	if voting {
		v := 1 + r.IntN(board.MaxVotes)
		tb.Voting = &board.Voting{Votes: v, PerNote: 1 + r.IntN(v), Hidden: r.IntN(2) == 0}
	}
	for range r.IntN(3) {
		tb.Stops = append(tb.Stops, board.Stop{ID: randomID(r), Name: line(20), X: coord(), Y: coord(), W: 1 + r.Float64()*1000, H: 1 + r.Float64()*1000})
	}
	columnName := func() string { // up to the longest a name may be, or blank
		rs := []rune(line(board.MaxColumnRunes))
		return string(rs[:min(len(rs), board.MaxColumnRunes)])
	}
	switch r.IntN(3) {
	case 1:
		for range 1 + r.IntN(4) {
			tb.Columns = append(tb.Columns, board.Column{ID: randomID(r), Name: columnName()})
		}
	case 2:
		for range board.MaxColumns {
			tb.Columns = append(tb.Columns, board.Column{ID: randomID(r), Name: columnName()})
		}
	}
	var notes []testNote
	for range r.IntN(41) {
		n := testNote{ID: randomID(r), Text: text(60), Color: board.Palette[r.IntN(len(board.Palette))], Author: line(12),
			X: coord(), Y: coord(), W: size(), H: size(), Z: r.Int64N(1<<53) - 1<<52, CreatedAt: when(), UpdatedAt: when()}
		if voting && r.IntN(2) == 0 {
			n.Votes = r.IntN(30)
		}
		for range r.IntN(3) {
			n.Comments = append(n.Comments, board.Comment{ID: randomID(r), Text: text(40), Author: line(12), At: when()})
		}
		slices.SortFunc(n.Comments, func(a, b board.Comment) int { return a.At.Compare(b.At) })
		for _, name := range board.Reactions {
			if r.IntN(3) == 0 {
				if n.Reactions == nil {
					n.Reactions = map[string]int{}
				}
				n.Reactions[name] = 1 + r.IntN(40)
			}
		}
		// On a stack now and then: on an earlier note in none, so
		// that stacks do not nest.
		if len(notes) > 0 && r.IntN(4) == 0 {
			if head := notes[r.IntN(len(notes))]; head.Stack == "" {
				n.Stack = head.ID
			}
		}
		notes = append(notes, n)
	}
	return mustDecodeBoard(t, tb, notes)
}

func randomID(r *rand.Rand) string {
	const hex = "0123456789abcdef"
	b := []byte("xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx")
	for i, c := range b {
		if c == 'x' {
			b[i] = hex[r.IntN(16)]
		}
	}
	return string(b)
}

// TestJSONRoundTrip: for random boards, importing the JSON export and
// exporting again gives the same bytes, and the notes come back as they
// were. A failing seed is printed; keep it below as a named case.
func TestJSONRoundTrip(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	for i := range 200 {
		seeds = append(seeds, uint64(time.Now().UnixNano())+uint64(i))
	}
	for _, seed := range seeds {
		r := rand.New(rand.NewPCG(seed, 48))
		b := randomBoard(t, r)
		first := write(t, b, export.JSON, export.Options{})
		back, err := export.Import(first, board.Limits{})
		if err != nil {
			t.Fatalf("seed %d: Import: %v\n%s", seed, err, first)
		}
		if second := write(t, back, export.JSON, export.Options{}); !bytes.Equal(first, second) {
			t.Fatalf("seed %d: the export of the import differs:\n%s", seed, firstDifference(second, first))
		}
		if !reflect.DeepEqual(back.Columns, b.Columns) {
			t.Fatalf("seed %d: columns %q came back as %q", seed, b.Columns, back.Columns)
		}
		if back.Title != b.Title || back.Version != b.Version || !back.CreatedAt.Equal(b.CreatedAt) || len(back.Notes) != len(b.Notes) {
			t.Fatalf("seed %d: board %q v%d %v with %d notes came back as %q v%d %v with %d", seed,
				b.Title, b.Version, b.CreatedAt, len(b.Notes), back.Title, back.Version, back.CreatedAt, len(back.Notes))
		}
		for id, n := range b.Notes {
			m := back.Notes[id]
			if !n.CreatedAt.Equal(m.CreatedAt) || !n.UpdatedAt.Equal(m.UpdatedAt) {
				t.Fatalf("seed %d: note %s times %v %v came back as %v %v", seed, id, n.CreatedAt, n.UpdatedAt, m.CreatedAt, m.UpdatedAt)
			}
			m.CreatedAt, m.UpdatedAt = n.CreatedAt, n.UpdatedAt
			if !reflect.DeepEqual(m, n) {
				t.Fatalf("seed %d: note %+v came back as %+v", seed, n, m)
			}
		}
	}
}

func TestJSON(t *testing.T) {
	b := fixture(t)
	got := write(t, b, export.JSON, export.Options{})
	var f map[string]any
	if err := json.Unmarshal(got, &f); err != nil {
		t.Fatal(err)
	}
	if f["format"] != "corkboard-board" || f["schema"] != 1.0 || f["title"] != b.Title {
		t.Errorf("head: format %v, schema %v, title %v", f["format"], f["schema"], f["title"])
	}
	voting, _ := f["voting"].(map[string]any)
	if voting["total"] != 3.0 || fmt.Sprint(voting["ranking"]) != fmt.Sprintf("[map[id:%s votes:2] map[id:%s votes:1]]", idC, idA) {
		t.Errorf("voting summary: %v", voting)
	}
	for _, leak := range []string{"deleted", "clients", "ballots", "authorId", "private", "AAAAAAAAAAAAAAAA"} {
		if bytes.Contains(got, []byte(leak)) {
			t.Errorf("the export holds %q", leak)
		}
	}
	notes, _ := f["notes"].([]any)
	if len(notes) != len(b.Notes) {
		t.Fatalf("%d notes, want %d", len(notes), len(b.Notes))
	}
	for _, key := range []string{"id", "text", "color", "author", "votes", "createdAt", "updatedAt", "x", "y", "w", "h", "z"} {
		if _, ok := notes[0].(map[string]any)[key]; !ok {
			t.Errorf("a note has no %q", key)
		}
	}
}

// TestImportKeepsPrivateTextOut: a board that was not filtered still
// exports no private text, and the import has no private notes.
func TestImportKeepsPrivateTextOut(t *testing.T) {
	b := board.New(board.NewID(), "Private", t0)
	for i, src := range []string{
		`{"kind":"hide"}`,
		`{"kind":"create","note":{"id":"` + idA + `","x":0,"y":0,"text":"secret"}}`,
	} {
		op, err := board.DecodeOp([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if err := board.Apply(b, op, board.Stamp{Version: uint64(i + 1), At: t0, AuthorID: "AAAAAAAAAAAAAAAA"}, board.DefaultLimits); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []export.Format{export.JSON, export.CSV, export.Markdown, export.SVG} {
		if got := write(t, b, f, export.Options{}); bytes.Contains(got, []byte("secret")) {
			t.Errorf("%s holds a private note's text", f)
		}
	}
	back, err := export.Import(write(t, b, export.JSON, export.Options{}), board.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if back.PrivateNotes() != 0 || back.Notes[idA].Text != "" {
		t.Errorf("imported %d private notes, text %q", back.PrivateNotes(), back.Notes[idA].Text)
	}
}

func TestImportRejects(t *testing.T) {
	valid := string(write(t, fixture(t), export.JSON, export.Options{}))
	// edit returns the valid export with one change made to its first note.
	edit := func(field, value string) string {
		var f map[string]any
		json.Unmarshal([]byte(valid), &f)
		var v any
		json.Unmarshal([]byte(value), &v)
		f["notes"].([]any)[0].(map[string]any)[field] = v
		out, _ := json.Marshal(f)
		return string(out)
	}
	set := func(field, value string) string {
		var f map[string]any
		json.Unmarshal([]byte(valid), &f)
		var v any
		json.Unmarshal([]byte(value), &v)
		f[field] = v
		out, _ := json.Marshal(f)
		return string(out)
	}
	firstID := func(s string) string {
		var f struct{ Notes []struct{ ID string } }
		json.Unmarshal([]byte(s), &f)
		return f.Notes[0].ID
	}
	dup := strings.Replace(valid, `"id": "`+firstID(valid)+`"`, `"id": "`+idF+`"`, 1)
	huge := `{"format":"corkboard-board","schema":1,"title":"` + strings.Repeat(" ", 2*board.DefaultLimits.MaxBoardBytes) + `"}`
	small := board.Limits{MaxNotes: 2, MaxTextRunes: 10}
	var cols []string
	for i := range board.MaxColumns + 1 {
		cols = append(cols, fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012x","name":"c"}`, i))
	}
	manyColumns := "[" + strings.Join(cols, ",") + "]"

	for _, tc := range []struct {
		name  string
		data  string
		lim   board.Limits
		code  string
		words string
	}{
		{"not JSON", "Retro week 48\nWent well", board.Limits{}, board.EInvalid, "malformed JSON"},
		{"empty", "", board.Limits{}, board.EInvalid, "ends early"},
		{"truncated", valid[:len(valid)/2], board.Limits{}, board.EInvalid, "ends early"},
		{"trailing data", valid + "{}", board.Limits{}, board.EInvalid, "after the value"},
		{"an array", `[1,2]`, board.Limits{}, board.EInvalid, "not a JSON object"},
		{"another format", `{"format":"trello","schema":1}`, board.Limits{}, board.EInvalid, `"trello"`},
		{"no format", `{"title":"x","notes":[]}`, board.Limits{}, board.EInvalid, `no "format"`},
		{"no schema", `{"format":"corkboard-board"}`, board.Limits{}, board.EInvalid, `no "schema" number`},
		{"a newer schema", set("schema", "2"), board.Limits{}, board.EInvalid, "schema 2, from a newer"},
		{"schema 0", set("schema", "0"), board.Limits{}, board.EInvalid, "schema 0"},
		{"unknown field", set("owner", `"x"`), board.Limits{}, board.EInvalid, `unknown field "owner"`},
		{"title not a string", set("title", "3"), board.Limits{}, board.EInvalid, `"title"`},
		{"too many notes", valid, small, board.ETooLarge, "6 notes; a board holds at most 2"},
		{"text too long", valid, board.Limits{MaxTextRunes: 10}, board.ETooLarge, "note 1: note text has"},
		{"title too long", set("title", `"`+strings.Repeat("x", 201)+`"`), board.Limits{}, board.ETooLarge, "title"},
		{"bad colour", edit("color", `"magenta"`), board.Limits{}, board.EInvalid, `note 1: colour "magenta"`},
		{"bad id", edit("id", `"note-1"`), board.Limits{}, board.EInvalid, `note 1: note id "note-1"`},
		{"upper-case id", edit("id", `"`+strings.ToUpper(idA)+`"`), board.Limits{}, board.EInvalid, "lower-case UUID"},
		{"duplicate ids", dup, board.Limits{}, board.EInvalid, "same id as note"},
		{"control character", edit("text", `"a\u0007b"`), board.Limits{}, board.EInvalid, "control character"},
		{"control character in author", edit("author", `"a\nb"`), board.Limits{}, board.EInvalid, "author"},
		{"far away", edit("x", "1e300"), board.Limits{}, board.EInvalid, "x 1e+300 is out of range"},
		{"too small", edit("w", "1"), board.Limits{}, board.EInvalid, "w 1 is out of range"},
		{"negative votes", edit("votes", "-1"), board.Limits{}, board.EInvalid, "-1 votes"},
		{"votes not a number", edit("votes", `"3"`), board.Limits{}, board.EInvalid, "votes"},
		{"bad time", edit("createdAt", `"yesterday"`), board.Limits{}, board.EInvalid, "malformed JSON"},
		{"bad voting", set("voting", `{"votes":0,"perNote":1,"hidden":false,"total":0,"ranking":[]}`), board.Limits{}, board.EInvalid, "votes must be"},
		{"bad stop", set("stops", `[{"id":"x","x":0,"y":0,"w":1,"h":1}]`), board.Limits{}, board.EInvalid, "stop id"},
		{"bad column id", set("columns", `[{"id":"x","name":"a"}]`), board.Limits{}, board.EInvalid, `column id "x"`},
		{"column twice", set("columns", `[{"id":"`+idA+`","name":"a"},{"id":"`+idA+`","name":"b"}]`), board.Limits{}, board.EInvalid, "appears twice"},
		{"column name too long", set("columns", `[{"id":"`+idA+`","name":"`+strings.Repeat("x", board.MaxColumnRunes+1)+`"}]`), board.Limits{}, board.ETooLarge, "column's name"},
		{"column name with a line break", set("columns", `[{"id":"`+idA+`","name":"a\nb"}]`), board.Limits{}, board.EInvalid, "control character"},
		{"too many columns", set("columns", manyColumns), board.Limits{}, board.ETooLarge, "columns; the limit is"},
		{"column not an object", set("columns", `["Went well"]`), board.Limits{}, board.EInvalid, "columns"},
		{"huge file", huge, board.Limits{}, board.ETooLarge, "the file has 8.0 MiB"},
		{"board too big", valid, board.Limits{MaxBoardBytes: 1000}, board.ETooLarge, "the file has"},
		{"board too big for its limit", valid, board.Limits{MaxBoardBytes: len(valid)/2 + 1}, board.ETooLarge, "the board in the export is 2."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := export.Import([]byte(tc.data), tc.lim)
			if b != nil {
				t.Errorf("got a board")
			}
			wantError(t, err, tc.code, tc.words)
		})
	}
}

// FuzzImport: whatever the input, Import does not panic, refuses with an
// EInvalid or ETooLarge *board.Error, or gives a board whose export
// imports again to the same export.
func FuzzImport(f *testing.F) {
	f.Add(write(f, fixture(f), export.JSON, export.Options{}))
	f.Add(write(f, stacksFixture(f), export.JSON, export.Options{}))
	f.Add(write(f, board.New("", "", t0), export.JSON, export.Options{}))
	f.Add([]byte(`{"format":"corkboard-board","schema":1,"notes":[{"id":"` + idA + `","x":1e308}]}`))
	f.Add([]byte(`{"format":"corkboard-board","schema":1,"voting":{"votes":1,"perNote":1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := export.Import(data, board.Limits{})
		if err != nil {
			if code := board.ErrorCode(err); code != board.EInvalid && code != board.ETooLarge {
				t.Fatalf("error with code %q: %v", code, err)
			}
			return
		}
		first := write(t, b, export.JSON, export.Options{})
		back, err := export.Import(first, board.Limits{})
		if err != nil {
			t.Fatalf("the export of an import does not import: %v\n%s", err, first)
		}
		if second := write(t, back, export.JSON, export.Options{}); !bytes.Equal(first, second) {
			t.Fatalf("not stable:\n%s", firstDifference(second, first))
		}
	})
}

// TestJSONColumns: a board's columns go out and come back in order; a
// board without them writes no "columns" field, so its file is the one
// Corkboard wrote before columns, and such a file (or one with the field
// taken out) imports as a board without columns.
func TestJSONColumns(t *testing.T) {
	b := columnsFixture(t)
	data := write(t, b, export.JSON, export.Options{})
	back, err := export.Import(data, board.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Columns, b.Columns) {
		t.Errorf("columns %q came back as %q", b.Columns, back.Columns)
	}
	for id, n := range b.Notes {
		if got, want := back.ColumnOf(back.Notes[id]), b.ColumnOf(n); got != want {
			t.Errorf("note %s is in column %d, was in %d", id, got, want)
		}
	}
	if bytes.Contains(write(t, fixture(t), export.JSON, export.Options{}), []byte(`"columns"`)) {
		t.Error("a board without columns writes a columns field")
	}
	var f map[string]any
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	delete(f, "columns")
	old, _ := json.Marshal(f)
	back, err = export.Import(old, board.Limits{})
	if err != nil {
		t.Fatalf("a file without columns: %v", err)
	}
	if len(back.Columns) != 0 || len(back.Notes) != len(b.Notes) {
		t.Errorf("a file without columns gave %d columns, %d notes", len(back.Columns), len(back.Notes))
	}
}
