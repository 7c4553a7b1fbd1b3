package export_test

import (
	"strings"
	"testing"

	"corkboard/board"
	"corkboard/board/export"
)

func TestNotesFromLines(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		want []string
	}{
		{"a plain list", "Went well\n\n  Snacks  \r\nÅsa's idea, again\n", []string{"Went well", "Snacks", "Åsa's idea, again"}},
		{"bullets", "- one\n* two\n• three\n-four", []string{"one", "two", "three", "-four"}},
		{"a spreadsheet column", "\ufeffFirst\n\"Two\nlines\"\n\"Say \"\"hi\"\"\"\n", []string{"First", "Two\nlines", `Say "hi"`}},
		{"quotes in a plain list", "He said \"hi\"\n\"a\", b", []string{`He said "hi"`, `"a", b`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			notes, err := export.NotesFromLines(tc.text, board.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range notes {
				got = append(got, *n.Text)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestNotesFromLinesGrid: the notes are valid creates, with distinct ids,
// in a grid about as wide as tall whose cells do not overlap.
func TestNotesFromLinesGrid(t *testing.T) {
	notes, err := export.NotesFromLines(strings.Repeat("x\n", 10), board.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	cells := map[[2]float64]bool{}
	cols := map[float64]bool{}
	for _, n := range notes {
		if err := board.DefaultLimits.Validate(board.Op{Kind: board.KindCreate, Note: &n}); err != nil {
			t.Errorf("note %+v: %v", n, err)
		}
		ids[n.ID] = true
		cells[[2]float64{*n.X, *n.Y}] = true
		cols[*n.X] = true
		if int(*n.X)%(board.DefaultWidth+20) != 0 || int(*n.Y)%(board.DefaultHeight+20) != 0 {
			t.Errorf("note at %g,%g is off the grid", *n.X, *n.Y)
		}
	}
	if len(ids) != 10 || len(cells) != 10 || len(cols) != 4 {
		t.Errorf("%d ids, %d cells, %d columns for 10 lines; want 10, 10, 4", len(ids), len(cells), len(cols))
	}
}

func TestNotesFromLinesRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		text  string
		lim   board.Limits
		code  string
		words string
	}{
		{"nothing", " \n\n- \n", board.Limits{}, board.EInvalid, "nothing to add"},
		{"too many lines", strings.Repeat("x\n", 501), board.Limits{}, board.ETooLarge, "501 lines; at most 500"},
		{"more than the board holds", "a\nb\nc", board.Limits{MaxNotes: 2}, board.ETooLarge, "3 lines; at most 2"},
		{"a line too long", "short\n\n" + strings.Repeat("å", 5001), board.Limits{}, board.ETooLarge, "line 3: note text has 5001 characters"},
		{"a control character", "ok\nbell\a", board.Limits{}, board.EInvalid, "line 2: note text holds a control character"},
		{"invalid UTF-8", "ok\n\xff", board.Limits{}, board.EInvalid, "line 2: note text is not valid UTF-8"},
		{"a huge paste", strings.Repeat("x", 5<<20), board.Limits{}, board.ETooLarge, "the text has 5.0 MiB"},
		{"a cell too long", "a\n\"b\n" + strings.Repeat("c", 20) + "\"", board.Limits{MaxTextRunes: 10}, board.ETooLarge, "line 2:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			notes, err := export.NotesFromLines(tc.text, tc.lim)
			if notes != nil {
				t.Errorf("got %d notes", len(notes))
			}
			wantError(t, err, tc.code, tc.words)
		})
	}
}

// FuzzNotesFromLines: whatever is pasted, NotesFromLines does not panic
// and either refuses with a *board.Error or gives creates that pass the
// limits.
func FuzzNotesFromLines(f *testing.F) {
	for _, s := range []string{"a\nb", "\"a\nb\"\nc", "\ufeff- x\r\n* y", "\"", "a,\"b", "\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		notes, err := export.NotesFromLines(text, board.Limits{})
		if err != nil {
			if code := board.ErrorCode(err); code != board.EInvalid && code != board.ETooLarge {
				t.Fatalf("error with code %q: %v", code, err)
			}
			return
		}
		for _, n := range notes {
			if err := board.DefaultLimits.Validate(board.Op{Kind: board.KindCreate, Note: &n}); err != nil {
				t.Fatalf("note %q: %v", *n.Text, err)
			}
		}
	})
}
