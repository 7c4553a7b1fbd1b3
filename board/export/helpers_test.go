package export_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"corkboard/board"
	"corkboard/board/export"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var t0 = time.Date(2026, 11, 30, 8, 15, 0, 0, time.UTC)

// Notes of the fixture board, by a letter for each.
const (
	idA = "00000000-0000-4000-8000-00000000000a"
	idB = "00000000-0000-4000-8000-00000000000b"
	idC = "00000000-0000-4000-8000-00000000000c"
	idD = "00000000-0000-4000-8000-00000000000d"
	idE = "00000000-0000-4000-8000-00000000000e"
	idF = "00000000-0000-4000-8000-00000000000f"
)

// Hostile texts: each must come out of every export as the text it is.
const (
	scriptText  = "<script>alert(1)</script>"
	svgAuthor   = `"><svg onload=alert(1)>`
	formulaText = `=HYPERLINK("http://evil.example","click")`
)

// fixture returns a retrospective board as everyone sees it: two columns
// of notes and a third a little out of line, Swedish letters, notes with
// several lines, hostile text, a long text in a small note, and an ended
// round of voting.
func fixture(t testing.TB) *board.Board {
	t.Helper()
	b := board.New(board.NewID(), "Retro vecka 48: åäö & <b>", t0)
	v := uint64(0)
	apply := func(author, participant, src string) {
		t.Helper()
		op, err := board.DecodeOrderedOp([]byte(src))
		if err != nil {
			t.Fatalf("DecodeOrderedOp(%s): %v", src, err)
		}
		v++
		op = board.Prepare(b, op)
		st := board.Stamp{Version: v, At: t0.Add(time.Duration(v) * time.Minute), Author: author, AuthorID: participant}
		if err := board.Apply(b, op, st, board.DefaultLimits); err != nil {
			t.Fatalf("Apply(%s): %v", src, err)
		}
	}
	note := func(id string, x, y float64, text, color string, extra string) string {
		t.Helper()
		tj, _ := json.Marshal(text)
		return `{"kind":"create","note":{"id":"` + id + `","x":` + num(x) + `,"y":` + num(y) +
			`,"text":` + string(tj) + `,"color":"` + color + `"` + extra + `}}`
	}
	apply("Åsa Öberg", "", note(idA, 0, 0, "Gick bra: åäö ÅÄÖ", "yellow", ""))
	apply("Ben", "", note(idB, 12, 200, "Line one\nLine two\n\n  - not a list\n# not a heading", "green", ""))
	apply(svgAuthor, "", note(idC, 260, 8, scriptText, "pink", ""))
	apply("@admin", "", note(idD, 250, 190, formulaText, "blue", `,"z":-1`))
	apply("Cleo", "", note(idE, 540, 60, "Mixed *bold* _it_ [link](javascript:alert(1)) `code` | pipe & amp; -2+3", "white", `,"w":240,"h":200`))
	apply("Dan", "", note(idF, 520, 300, strings.Repeat("A long note that does not fit. ", 20), "purple", `,"w":160,"h":100`))
	apply("", "", `{"kind":"vote-start","voting":{"votes":3,"perNote":2}}`)
	apply("", "AAAAAAAAAAAAAAAA", `{"kind":"vote","id":"`+idC+`"}`)
	apply("", "AAAAAAAAAAAAAAAA", `{"kind":"vote","id":"`+idC+`"}`)
	apply("", "BBBBBBBBBBBBBBBB", `{"kind":"vote","id":"`+idA+`"}`)
	apply("", "", `{"kind":"vote-end"}`)
	return b.View("")
}

func num(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// write returns the export of b in format f.
func write(t testing.TB, b *board.Board, f export.Format, opt export.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := export.Write(&buf, b, f, opt); err != nil {
		t.Fatalf("Write(%s): %v", f, err)
	}
	return buf.Bytes()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update to accept the change and review the diff):\n%s",
			name, firstDifference(got, want))
	}
}

func firstDifference(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-80)
	return "got:  ..." + string(got[from:min(len(got), i+80)]) + "\nwant: ..." + string(want[from:min(len(want), i+80)])
}

// wantError checks that err is a *board.Error with the code and a message
// that holds the given words.
func wantError(t *testing.T, err error, code, words string) {
	t.Helper()
	var e *board.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v (%T), want a *board.Error", err, err)
	}
	if e.Code != code || !strings.Contains(e.Message, words) {
		t.Errorf("got %s: %q, want %s mentioning %q", e.Code, e.Message, code, words)
	}
}

// Columns of the columns fixture.
const (
	colWell    = "00000000-0000-4000-8000-0000000000c1"
	colImprove = "00000000-0000-4000-8000-0000000000c2"
	colActions = "00000000-0000-4000-8000-0000000000c3"
	colBlank   = "00000000-0000-4000-8000-0000000000c4"
)

// columnsFixture returns a retrospective board with four columns: two
// with notes, one empty whose name is markup, one without a name; a
// column name that is a formula; notes outside the columns on both sides;
// and reactions, one note with every kind.
func columnsFixture(t testing.TB) *board.Board {
	t.Helper()
	id := func(n int) string { return "00000000-0000-4000-8000-00000000001" + string(rune('0'+n)) }
	return mustDecodeBoard(t, testBoard{
		Title: "Retro vecka 49", Version: 30, CreatedAt: t0,
		Voting: &board.Voting{Votes: 3, PerNote: 2},
		Columns: []board.Column{
			{ID: colWell, Name: "Gick bra"},
			{ID: colImprove, Name: "=Kan bli bättre"},
			{ID: colActions, Name: "# Att *göra* <b>"},
			{ID: colBlank, Name: ""},
		},
	}, []testNote{
		{ID: id(0), X: 240, Y: 20, Text: "Right of the first, on top", Author: "Åsa", Reactions: map[string]int{"like": 3}},
		{ID: id(1), X: 20, Y: 20, Text: "Left of the first, on top", Author: "Ben", Votes: 2},
		{ID: id(2), X: 20, Y: 220, Text: "First column, below", Author: "Cleo", Color: "green"},
		{ID: id(3), X: 520, Y: 120, Text: "Many reactions", Author: "Dan", Color: "pink",
			Reactions: map[string]int{"like": 12, "love": 4, "idea": 1, "question": 2}, Votes: 1},
		{ID: id(4), X: 740, Y: 20, Text: "Second column, top", Author: "Eva", Color: "blue", Reactions: map[string]int{"idea": 1},
			Comments: []board.Comment{{ID: "00000000-0000-4000-8000-0000000000e1", Text: "=Why?\nBecause.", Author: "Åsa", At: t0}, {ID: "00000000-0000-4000-8000-0000000000e2", Text: "*Agreed*", Author: "Ben", At: t0}}},
		{ID: id(5), X: 1480, Y: 60, Text: "In the column without a name", Color: "white"},
		{ID: id(6), X: 2000, Y: 40, Text: "Right of every column", Author: "Fia", Color: "purple", Reactions: map[string]int{"love": 2}},
		{ID: id(7), X: -320, Y: 0, Text: "Left of every column", Author: "Gus", Color: "orange"},
	})
}
