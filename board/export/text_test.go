package export_test

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"

	"corkboard/board"
	"corkboard/board/export"
)

func TestCSV(t *testing.T) {
	b := fixture(t)
	got := write(t, b, export.CSV, export.Options{})
	golden(t, "board.csv", got)
	golden(t, "board-sv.csv", write(t, b, export.CSV, export.Options{Lang: export.LangSwedish}))

	if !bytes.HasPrefix(got, []byte("\xef\xbb\xbftext,colour,author,votes,created,updated,x,y,column,reactions,comments,id,stack,stack_votes\r\n")) {
		t.Errorf("no BOM and header row: %q", got[:min(len(got), 60)])
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(got, []byte("\xef\xbb\xbf"))))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	if len(rows) != len(b.Notes)+1 {
		t.Fatalf("got %d rows, want a header and %d notes", len(rows), len(b.Notes))
	}
	order := export.ReadingOrder(b)
	for i, row := range rows[1:] {
		want := order[i].Text
		if strings.ContainsAny(want[:1], "=+-@\t\r") {
			want = "'" + want
		}
		if got := strings.ReplaceAll(row[0], "\r\n", "\n"); got != want {
			t.Errorf("row %d: text %q, want %q", i+1, got, want)
		}
	}
	for _, row := range rows[1:] {
		for _, cell := range []string{row[0], row[2]} {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q could be taken for a formula", cell)
			}
		}
	}
	if !bytes.Contains(got, []byte(`"'=HYPERLINK(""http://evil.example"",""click"")"`)) || !bytes.Contains(got, []byte(",'@admin,")) {
		t.Errorf("the formula and the @ author are not neutralised:\n%s", got)
	}
}

func TestCSVNeutralisesEveryFormulaStart(t *testing.T) {
	for _, text := range []string{"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"} {
		author := "" // an author has no tab or line break
		if !strings.ContainsAny(text, "\t\r") {
			author = text
		}
		b := mustDecode(t, []testNote{{ID: idA, Text: text, Author: author}})
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(write(t, b, export.CSV, export.Options{}), []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if got := rows[1][0]; got != "'"+strings.ReplaceAll(text, "\r", "\n") && got != "'"+text {
			t.Errorf("text %q: cell %q", text, got)
		}
		if got := rows[1][2]; author != "" && got != "'"+author {
			t.Errorf("author %q: cell %q", text, got)
		}
	}
}

func TestMarkdown(t *testing.T) {
	b := fixture(t)
	got := write(t, b, export.Markdown, export.Options{})
	golden(t, "board.md", got)
	golden(t, "board-sv.md", write(t, b, export.Markdown, export.Options{Lang: export.LangSwedish}))
	for _, raw := range []string{"<script", "<svg", "<b>", "\n# not", "\n  - not", " *bold*", " _it_", " `code`", " | pipe"} {
		if bytes.Contains(got, []byte(raw)) {
			t.Errorf("the Markdown holds %q as it is", raw)
		}
	}
	if regexp.MustCompile(`[^\\][\[\]]`).Match(got) {
		t.Errorf("the Markdown has a bracket that is not escaped:\n%s", got)
	}
	if !bytes.HasPrefix(got, []byte("# Retro vecka 48: åäö &amp; &lt;b&gt;\n")) {
		t.Errorf("the title heading: %q", got[:min(len(got), 60)])
	}
}

func TestEmptyBoard(t *testing.T) {
	b := board.New(board.NewID(), "", t0)
	if got, want := string(write(t, b, export.Markdown, export.Options{})), "# Untitled board\n\n_This board is empty._\n"; got != want {
		t.Errorf("Markdown: got %q, want %q", got, want)
	}
	// Columns without notes: still an empty board.
	b.Columns = []board.Column{{ID: colWell, Name: "Gick bra"}}
	if got, want := string(write(t, b, export.Markdown, export.Options{})), "# Untitled board\n\n_This board is empty._\n"; got != want {
		t.Errorf("Markdown with columns: got %q, want %q", got, want)
	}
	if got, want := string(write(t, b, export.CSV, export.Options{Lang: export.LangSwedish})), "\ufefftext,färg,författare,röster,skapad,ändrad,x,y,kolumn,reaktioner,kommentarer,id,hög,högens_röster\r\n"; got != want {
		t.Errorf("CSV: got %q, want %q", got, want)
	}
}

func TestWriteRefuses(t *testing.T) {
	b := fixture(t)
	for _, tc := range []struct {
		f     export.Format
		opt   export.Options
		words string
	}{
		{"docx", export.Options{}, `"docx"`},
		{export.PDF, export.Options{Paper: "a3"}, `"a3"`},
		{export.CSV, export.Options{Lang: "de"}, `"de"`},
	} {
		var buf bytes.Buffer
		wantError(t, export.Write(&buf, b, tc.f, tc.opt), board.EInvalid, tc.words)
		if buf.Len() != 0 {
			t.Errorf("%s %+v: wrote %d bytes before refusing", tc.f, tc.opt, buf.Len())
		}
	}
}

func TestFormats(t *testing.T) {
	for _, f := range export.Formats {
		if f.ContentType() == "" || f.Extension() != "."+string(f) {
			t.Errorf("%s: content type %q, extension %q", f, f.ContentType(), f.Extension())
		}
	}
	if export.Format("exe").ContentType() != "" || export.Format("exe").Extension() != "" {
		t.Error("an unknown format has a content type or extension")
	}
}

func TestFileName(t *testing.T) {
	for _, tc := range []struct {
		title   string
		f       export.Format
		version uint64
		want    string
	}{
		{"Retro week 48", export.CSV, 120, "Retro-week-48-v120.csv"},
		{"Retro: vecka 48 – åäö ÅÄÖ", export.PDF, 7, "Retro-vecka-48-aao-AAO-v7.pdf"},
		{"", export.JSON, 0, "board-v0.json"},
		{"日本語", export.SVG, 1, "board-v1.svg"},
		{`../../etc/passwd "x" \ y`, export.Markdown, 3, "etc-passwd-x-y-v3.md"},
		{"a\x00b\nc\r\td", export.PNG, 2, "a-b-c-d-v2.png"},
		{"Straße Øre Æble Łódź", export.CSV, 1, "Strasse-Ore-AEble-Lodz-v1.csv"},
		{"  --spaces--  ", export.CSV, 1, "spaces-v1.csv"},
		{strings.Repeat("x", 300), export.CSV, 18446744073709551615, strings.Repeat("x", 59) + "-v18446744073709551615.csv"},
	} {
		if got := export.FileName(tc.title, tc.f, tc.version); got != tc.want {
			t.Errorf("FileName(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
}

func TestReadingOrder(t *testing.T) {
	// Three columns: the second a little out of line, the third a stack
	// of two overlapping notes; given in a scrambled order.
	ids := func(n int) string { return "00000000-0000-4000-8000-00000000000" + string(rune('0'+n)) }
	b := mustDecode(t, []testNote{
		{ID: ids(5), X: 520, Y: 0},   // column 3, top
		{ID: ids(3), X: 250, Y: 300}, // column 2, bottom
		{ID: ids(1), X: 0, Y: 400},   // column 1, bottom
		{ID: ids(2), X: 270, Y: 10},  // column 2, top (20 right of its column)
		{ID: ids(0), X: 10, Y: 0},    // column 1, top
		{ID: ids(6), X: 560, Y: 40},  // column 3, on top of 5
	})
	var got []string
	for _, n := range export.ReadingOrder(b) {
		got = append(got, n.ID[len(n.ID)-1:])
	}
	if want := "0 1 2 3 5 6"; strings.Join(got, " ") != want {
		t.Errorf("got %s, want %s", strings.Join(got, " "), want)
	}
	if n := export.ReadingOrder(board.New("", "", t0)); len(n) != 0 {
		t.Errorf("an empty board has %d notes in reading order", len(n))
	}
}

// TestColumnsCSV: the column and the reactions of each note, in reading
// order column by column, a column's name kept from being a formula.
func TestColumnsCSV(t *testing.T) {
	b := columnsFixture(t)
	got := write(t, b, export.CSV, export.Options{})
	golden(t, "columns.csv", got)
	golden(t, "columns-sv.csv", write(t, b, export.CSV, export.Options{Lang: export.LangSwedish}))
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(got, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var cells []string
	for _, row := range rows[1:] {
		cells = append(cells, row[0]+" | "+row[8]+" | "+row[9])
	}
	want := []string{
		"Left of the first, on top | Gick bra | ",
		"Right of the first, on top | Gick bra | 👍 3",
		"First column, below | Gick bra | ",
		"Second column, top | '=Kan bli bättre | 💡 1",
		"Many reactions | '=Kan bli bättre | 👍 12 ❤️ 4 💡 1 ❓ 2",
		"In the column without a name | Column 4 | ",
		"Left of every column |  | ",
		"Right of every column |  | ❤️ 2",
	}
	if strings.Join(cells, "\n") != strings.Join(want, "\n") {
		t.Errorf("got rows\n%s\nwant\n%s", strings.Join(cells, "\n"), strings.Join(want, "\n"))
	}
}

func TestColumnsMarkdown(t *testing.T) {
	b := columnsFixture(t)
	got := write(t, b, export.Markdown, export.Options{})
	golden(t, "columns.md", got)
	sv := write(t, b, export.Markdown, export.Options{Lang: export.LangSwedish})
	golden(t, "columns-sv.md", sv)
	var headings []string
	for line := range strings.SplitSeq(string(got), "\n") {
		if strings.HasPrefix(line, "#") {
			headings = append(headings, line)
		}
	}
	want := []string{"# Retro vecka 49", "## Gick bra", "## =Kan bli bättre", `## \# Att \*göra\* &lt;b&gt;`, "## Column 4", "## Not in a column"}
	if strings.Join(headings, "\n") != strings.Join(want, "\n") {
		t.Errorf("headings:\n%s\nwant\n%s", strings.Join(headings, "\n"), strings.Join(want, "\n"))
	}
	if !bytes.Contains(sv, []byte("\n## Utanför kolumnerna\n")) || !bytes.Contains(sv, []byte("\n_Inga lappar._\n")) {
		t.Errorf("the Swedish Markdown lacks its headings:\n%s", sv)
	}
	if !bytes.Contains(got, []byte(" · 1 vote · 👍 12 ❤️ 4 💡 1 ❓ 2 · ")) {
		t.Errorf("the reactions are not on the note's line:\n%s", got)
	}
}

// TestReadingOrderColumns: with columns, notes go column by column, each
// top to bottom with ties to the left, then the rest as on a board without
// columns (the note left of every column before the one right of them).
func TestReadingOrderColumns(t *testing.T) {
	b := columnsFixture(t)
	var got []string
	for _, n := range export.ReadingOrder(b) {
		got = append(got, n.ID[len(n.ID)-1:])
	}
	if want := "1 0 2 4 3 5 7 6"; strings.Join(got, " ") != want {
		t.Errorf("got %s, want %s", strings.Join(got, " "), want)
	}
}
