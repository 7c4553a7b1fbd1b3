package export_test

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"image/color"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"corkboard/board"
	"corkboard/board/export"
)

// Notes of the stacks fixture, by a letter for each.
const (
	idS1 = "00000000-0000-4000-8000-0000000005a1" // head of three
	idS2 = "00000000-0000-4000-8000-0000000005a2" // on S1, once far to the left
	idS3 = "00000000-0000-4000-8000-0000000005a3" // on S1, once far down
	idS4 = "00000000-0000-4000-8000-0000000005a4" // on its own
	idS5 = "00000000-0000-4000-8000-0000000005a5" // head of two
	idS6 = "00000000-0000-4000-8000-0000000005a6" // on S5, a formula, once right of everything
	idS7 = "00000000-0000-4000-8000-0000000005a7" // on its own, with a comment
)

// People of the stacks fixture: a facilitator and two students.
const (
	pTeacher = "TTTTTTTTTTTTTTTT"
	pAda     = "AAAAAAAAAAAAAAAA"
	pBo      = "BBBBBBBBBBBBBBBB"
)

// stacksFixture returns a retrospective board as a student's link sees
// it (board.Board.Shown), made the way the server makes it: notes put on
// stacks from where they lay (one far left of everything, one far right,
// one far down), votes and reactions on notes of the stacks, comments,
// and names shown to facilitators only, so that every author is empty.
// The notes read in columns A (with C, B on it), D E (with F on it), G.
func stacksFixture(t testing.TB) *board.Board {
	t.Helper()
	b := board.New(board.NewID(), "Retro vecka 50", t0)
	apply := func(p string, role board.Role, src string) {
		t.Helper()
		op, err := board.DecodeOp([]byte(src))
		if err != nil {
			t.Fatalf("DecodeOp(%s): %v", src, err)
		}
		name := map[string]string{pTeacher: "Tove", pAda: "Ada", pBo: "Bo"}[p]
		st := board.Stamp{Version: b.Version + 1, At: t0.Add(time.Duration(b.Version+1) * time.Minute), Author: name, AuthorID: p, Role: role}
		if _, _, err := board.Order(b, op, st, board.DefaultLimits); err != nil {
			t.Fatalf("Order(%s): %v", src, err)
		}
	}
	note := func(id string, x, y float64, text, color string) string {
		tj, _ := json.Marshal(text)
		return `{"kind":"create","note":{"id":"` + id + `","x":` + num(x) + `,"y":` + num(y) + `,"text":` + string(tj) + `,"color":"` + color + `"}}`
	}
	stack := func(id, head string) string {
		return `{"kind":"update","id":"` + id + `","set":{"stack":"` + head + `"}}`
	}
	vote := func(id string) string { return `{"kind":"vote","id":"` + id + `"}` }
	apply(pAda, board.RoleEdit, note(idS1, 0, 0, "Reviews take too long", "yellow"))
	apply(pBo, board.RoleEdit, note(idS2, -600, 400, "Nobody reviews on Fridays", "green"))
	apply(pAda, board.RoleEdit, note(idS3, 40, 1400, "Pull requests are too big\nto read in one go", "pink"))
	apply(pBo, board.RoleEdit, note(idS4, 260, 0, "Stand-ups run over", "blue"))
	apply(pAda, board.RoleEdit, note(idS5, 260, 200, "Retro every other week?", "orange"))
	apply(pBo, board.RoleEdit, note(idS6, 2400, 40, "=SUM(A1:A9)", "white"))
	apply(pTeacher, board.RoleFacilitate, note(idS7, 520, 0, "Gick bra: åäö", "purple"))
	apply(pAda, board.RoleEdit, `{"kind":"comment","id":"`+idS7+`","comment":{"id":"00000000-0000-4000-8000-0000000005c1","text":"Håller med"}}`)
	apply(pBo, board.RoleEdit, `{"kind":"comment","id":"`+idS2+`","comment":{"id":"00000000-0000-4000-8000-0000000005c2","text":"=Fridays are *short*"}}`)
	apply(pBo, board.RoleEdit, stack(idS2, idS1))
	apply(pAda, board.RoleEdit, stack(idS3, idS1))
	apply(pBo, board.RoleEdit, stack(idS6, idS5))
	apply(pAda, board.RoleEdit, `{"kind":"react","id":"`+idS2+`","reaction":"like"}`)
	apply(pBo, board.RoleEdit, `{"kind":"react","id":"`+idS1+`","reaction":"like"}`)
	apply(pBo, board.RoleEdit, `{"kind":"react","id":"`+idS3+`","reaction":"idea"}`)
	apply(pTeacher, board.RoleFacilitate, `{"kind":"vote-start","voting":{"votes":3,"perNote":2}}`)
	apply(pAda, board.RoleEdit, vote(idS1))
	apply(pAda, board.RoleEdit, vote(idS2))
	apply(pAda, board.RoleEdit, vote(idS4))
	apply(pBo, board.RoleEdit, vote(idS2))
	apply(pBo, board.RoleEdit, vote(idS3))
	apply(pBo, board.RoleEdit, vote(idS6))
	apply(pTeacher, board.RoleFacilitate, `{"kind":"vote-end"}`)
	apply(pTeacher, board.RoleFacilitate, `{"kind":"moderate","moderation":{"names":"staff"}}`)
	if b.Stacked() != 3 {
		t.Fatalf("%d notes are stacked, want 3", b.Stacked())
	}
	return b.Shown(false)
}

// letters returns the notes as the last character of their ids.
func letters(notes []board.Note) string {
	var s []string
	for _, n := range notes {
		s = append(s, n.ID[len(n.ID)-1:])
	}
	return strings.Join(s, " ")
}

// TestStacksReadingOrder: a stack is read where its head lies, its notes
// right after it, topmost first; where they lay before they were stacked
// counts for nothing, on a board with columns too.
func TestStacksReadingOrder(t *testing.T) {
	b := stacksFixture(t)
	if got, want := letters(export.ReadingOrder(b)), "1 3 2 4 5 6 7"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// Columns: note 6 lies in the third column and 2 left of them all,
	// but they read with their heads, in the first and second.
	b.Columns = []board.Column{{ID: colWell, Name: "Gick bra"}, {ID: colImprove, Name: "Kan bli bättre"}, {ID: colActions, Name: "Att göra"}}
	if got, want := letters(export.ReadingOrder(b)), "1 3 2 4 5 6 7"; got != want {
		t.Errorf("with columns: got %s, want %s", got, want)
	}
	// A stack naming a note that is not there (which a board that keeps
	// the rules never has) leaves its note on its own, not lost.
	lone := b.Clone()
	delete(lone.Notes, idS5)
	if got, want := letters(export.ReadingOrder(lone)), "1 3 2 4 7 6"; got != want {
		t.Errorf("a stack whose head is gone: got %s, want %s", got, want)
	}
}

func TestStacksCSV(t *testing.T) {
	b := stacksFixture(t)
	got := write(t, b, export.CSV, export.Options{})
	golden(t, "stacks.csv", got)
	sv := write(t, b, export.CSV, export.Options{Lang: export.LangSwedish})
	golden(t, "stacks-sv.csv", sv)
	if !bytes.HasPrefix(sv, []byte("\ufefftext,färg,författare,röster,skapad,ändrad,x,y,kolumn,reaktioner,kommentarer,id,hög,högens_röster\r\n")) {
		t.Errorf("the Swedish header: %q", sv[:min(len(sv), 120)])
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(got, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// text | author | votes | x,y | comments | id | stack | stack votes
	var cells []string
	for _, row := range rows[1:] {
		cells = append(cells, strings.Join([]string{strings.ReplaceAll(row[0], "\n", "/"), row[2], row[3], row[6] + "," + row[7], row[10], row[11][len(row[11])-1:], suffix(row[12]), row[13]}, " | "))
	}
	want := []string{
		"Reviews take too long |  | 1 | 0,0 |  | 1 | 1 | 4",
		"Pull requests are too big/to read in one go |  | 1 | 0,0 |  | 3 | 1 | ",
		"Nobody reviews on Fridays |  | 2 | 0,0 | '=Fridays are *short* | 2 | 1 | ",
		"Stand-ups run over |  | 1 | 260,0 |  | 4 |  | ",
		"Retro every other week? |  | 0 | 260,200 |  | 5 | 5 | 1",
		"'=SUM(A1:A9) |  | 1 | 260,200 |  | 6 | 5 | ",
		"Gick bra: åäö |  | 0 | 520,0 | Håller med | 7 |  | ",
	}
	if strings.Join(cells, "\n") != strings.Join(want, "\n") {
		t.Errorf("got rows\n%s\nwant\n%s", strings.Join(cells, "\n"), strings.Join(want, "\n"))
	}
}

func suffix(id string) string {
	if id == "" {
		return ""
	}
	return id[len(id)-1:]
}

func TestStacksMarkdown(t *testing.T) {
	b := stacksFixture(t)
	got := write(t, b, export.Markdown, export.Options{})
	golden(t, "stacks.md", got)
	sv := write(t, b, export.Markdown, export.Options{Lang: export.LangSwedish})
	golden(t, "stacks-sv.md", sv)
	for _, want := range []string{
		"- Reviews take too long\\\n  _— yellow · 1 vote · 4 votes in this stack · 👍 1 · ",
		"\n  + Pull requests are too big\\\n    to read in one go\\\n    _— pink · 1 vote · 💡 1 · ",
		"\n  + Nobody reviews on Fridays\\\n    _— green · 2 votes · 👍 1 · ",
		"\n    - \\=Fridays are \\*short\\*\n- Stand-ups run over\\\n",
		"- Retro every other week?\\\n  _— orange · 0 votes · 1 vote in this stack · ",
		"\n  + \\=SUM(A1:A9)\\\n",
		"\n  - Håller med\n",
	} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("the Markdown lacks %q:\n%s", want, got)
		}
	}
	if !bytes.Contains(sv, []byte(" · 4 röster i högen · ")) {
		t.Errorf("the Swedish Markdown lacks the stack's votes:\n%s", sv)
	}
	// Without names there is nothing left of them: no empty author
	// before the colour, no colon before a comment.
	for _, md := range [][]byte{got, sv} {
		if bad := regexp.MustCompile(`_— ·|- : |\(\)|\bby \W`).Find(md); bad != nil {
			t.Errorf("the Markdown has %q where a name would be:\n%s", bad, md)
		}
	}
	// No votes to show: none on the stack either.
	quiet := b.Clone()
	quiet.Voting = nil
	for id, n := range quiet.Notes {
		n.Votes = 0
		quiet.Notes[id] = n
	}
	if md := write(t, quiet, export.Markdown, export.Options{}); bytes.Contains(md, []byte("vote")) {
		t.Errorf("a board without votes speaks of votes:\n%s", md)
	}
}

// TestStacksPictures: a picture draws a stack as its head over a pile,
// with a count and the stack's votes and reactions added up, and none of
// the notes on it: not their text, and not where they lay before.
func TestStacksPictures(t *testing.T) {
	b := stacksFixture(t)
	svgData := write(t, b, export.SVG, export.Options{})
	golden(t, "stacks.svg", svgData)
	all := strings.ReplaceAll(strings.Join(svgTexts(t, svgData), "\n"), "\u00a0", " ")
	for _, want := range []string{"Reviews take too long", "3 notes", "4 votes  ☺2  ☼1", "Retro every other", "2 notes", "1 vote", "Stand-ups run over"} {
		if !strings.Contains(all, want) {
			t.Errorf("the SVG's text does not hold %q; it has %q", want, all)
		}
	}
	for _, hidden := range []string{"Nobody reviews", "Pull requests", "SUM"} {
		if strings.Contains(all, hidden) {
			t.Errorf("the SVG draws %q, which is under a stack's head", hidden)
		}
	}
	// The box is the notes the page shows: 3 columns of notes and a
	// pile, not the places the stacked notes had (from x -600 to 2600).
	if w, _ := svgSize(t, svgData); w > 900*25.4/96 {
		t.Errorf("the SVG is %.0f mm wide: does it reach where stacked notes were?", w)
	}
	sv := strings.Join(svgTexts(t, write(t, b, export.SVG, export.Options{Lang: export.LangSwedish})), "\n")
	if !strings.Contains(sv, "3 lappar") || !strings.Contains(sv, "4 röster") {
		t.Errorf("the Swedish SVG lacks the count or the votes: %q", sv)
	}

	// The pile's edges, in the colours of the notes under the heads.
	data := write(t, b, export.PNG, export.Options{})
	if dir := os.Getenv("CORKBOARD_EXPORT_DIR"); dir != "" {
		os.WriteFile(filepath.Join(dir, "stacks.png"), data, 0o644)
		os.WriteFile(filepath.Join(dir, "stacks-sv.pdf"), write(t, b, export.PDF, export.Options{Lang: export.LangSwedish}), 0o644)
	}
	img := decodePNG(t, data)
	seen := map[color.RGBA]int{}
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			seen[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	for _, name := range []string{"pink", "green", "white"} {
		if c := fillOf(name); seen[c] < 200 {
			t.Errorf("only %d pixels of %s: is the pile drawn?", seen[c], name)
		}
	}

	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (apt-get install poppler-utils); the PDF's text is not checked")
	}
	path := filepath.Join(t.TempDir(), "stacks.pdf")
	if err := os.WriteFile(path, write(t, b, export.PDF, export.Options{Lang: export.LangSwedish}), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	for _, want := range []string{"3 lappar", "2 lappar", "Reviews take too long"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the PDF's text does not hold %q:\n%s", want, out)
		}
	}
	if bytes.Contains(out, []byte("Nobody reviews")) {
		t.Errorf("the PDF draws a note under a stack's head:\n%s", out)
	}
}

// TestJSONStacks: the stacks go out and come back, and the file of a
// board without stacks has no "stack" field.
func TestJSONStacks(t *testing.T) {
	b := stacksFixture(t)
	data := write(t, b, export.JSON, export.Options{})
	back, err := export.Import(data, board.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for id, n := range b.Notes {
		if got := back.Notes[id].Stack; got != n.Stack {
			t.Errorf("note %s is on %q, was on %q", id, got, n.Stack)
		}
	}
	if back.Stacked() != 3 || len(back.StackOf(idS1)) != 2 || back.StackOf(idS5)[0].ID != idS6 {
		t.Errorf("the imported board has %d stacked notes, stacks %v and %v", back.Stacked(), back.StackOf(idS1), back.StackOf(idS5))
	}
	if again := write(t, back, export.JSON, export.Options{}); !bytes.Equal(again, data) {
		t.Errorf("the export of the import differs:\n%s", firstDifference(again, data))
	}
	for _, f := range []export.Format{export.CSV, export.Markdown} {
		if got, want := write(t, back, f, export.Options{}), write(t, b, f, export.Options{}); !bytes.Equal(got, want) {
			t.Errorf("%s of the import differs:\n%s", f, firstDifference(got, want))
		}
	}
	// The imported board is one Apply works on: a stack's head is taken
	// off the board and the stack passes on.
	op, _ := board.DecodeOp([]byte(`{"kind":"delete","id":"` + idS1 + `"}`))
	if err := board.Apply(back, op, board.Stamp{Version: back.Version + 1, At: t0}, board.DefaultLimits); err != nil {
		t.Fatal(err)
	}
	if n := back.Notes[idS3]; n.Stack != "" || len(back.StackOf(idS3)) != 1 {
		t.Errorf("after the head's delete, its topmost note is %+v with %d on it", n, len(back.StackOf(idS3)))
	}
	if bytes.Contains(write(t, fixture(t), export.JSON, export.Options{}), []byte(`"stack"`)) {
		t.Error("a board without stacks writes a stack field")
	}
}

// TestImportRejectsStacks: a stack that breaks the rules is refused with
// a message naming the note, and nothing is imported.
func TestImportRejectsStacks(t *testing.T) {
	valid := write(t, stacksFixture(t), export.JSON, export.Options{})
	// edit returns the valid export with the stack of note id set to head.
	edit := func(id, head string) []byte {
		var f map[string]any
		if err := json.Unmarshal(valid, &f); err != nil {
			t.Fatal(err)
		}
		for _, n := range f["notes"].([]any) {
			if n := n.(map[string]any); n["id"] == id {
				n["stack"] = head
			}
		}
		out, _ := json.Marshal(f)
		return out
	}
	for _, tc := range []struct {
		name, id, head, words string
	}{
		{"on itself", idS4, idS4, "is stacked on itself"},
		{"on a note not in the file", idS4, "00000000-0000-4000-8000-0000000005ff", "00000000-0000-4000-8000-0000000005ff, which is not in the export"},
		{"on a note in a stack", idS4, idS2, "which is in a stack itself: stacks do not nest"},
		{"a head on another", idS1, idS5, "which is in a stack itself"},
		{"not an id", idS4, "S1", `stack "S1" is not a note id`},
		{"a head on itself", idS1, idS1, "stacked on itself"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := export.Import(edit(tc.id, tc.head), board.Limits{})
			if b != nil {
				t.Errorf("got a board")
			}
			wantError(t, err, board.EInvalid, tc.words)
		})
	}
	// The note is named by its place in the file.
	_, err := export.Import(edit(idS4, idS4), board.Limits{})
	wantError(t, err, board.EInvalid, "note 4 is stacked on itself")
}

// TestStacksRandomBoards: on random boards with stacks, reading order
// has every note once, each stack's notes right after its head; the CSV
// has a row for each, its stack cell naming the head; and a picture draws.
// A failing seed is printed; keep it below as a named case.
func TestStacksRandomBoards(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	for i := range 50 {
		seeds = append(seeds, uint64(time.Now().UnixNano())+uint64(i))
	}
	for _, seed := range seeds {
		b := randomBoard(t, rand.New(rand.NewPCG(seed, 50)))
		order := export.ReadingOrder(b)
		seen := map[string]bool{}
		for i, n := range order {
			if seen[n.ID] {
				t.Fatalf("seed %d: note %s is read twice", seed, n.ID)
			}
			seen[n.ID] = true
			if n.Stack != "" && order[i-1].ID != n.Stack && order[i-1].Stack != n.Stack {
				t.Fatalf("seed %d: note %s of the stack of %s is read after %s", seed, n.ID, n.Stack, order[i-1].ID)
			}
		}
		if len(order) != len(b.Notes) {
			t.Fatalf("seed %d: %d notes in reading order, want %d", seed, len(order), len(b.Notes))
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(write(t, b, export.CSV, export.Options{}), []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil || len(rows) != len(b.Notes)+1 {
			t.Fatalf("seed %d: %d rows, %v", seed, len(rows), err)
		}
		for i, row := range rows[1:] {
			n := order[i]
			stacked := n.Stack != "" || len(b.StackOf(n.ID)) > 0
			if want := cmp.Or(n.Stack, n.ID); row[11] != n.ID || stacked && row[12] != want || !stacked && row[12] != "" {
				t.Fatalf("seed %d: row %d has id %q, stack %q, for note %s on %q", seed, i+1, row[11], row[12], n.ID, n.Stack)
			}
		}
		write(t, b, export.SVG, export.Options{})
	}
}
