package export_test

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"corkboard/board"
	"corkboard/board/export"
)

func TestSVG(t *testing.T) {
	b := fixture(t)
	got := write(t, b, export.SVG, export.Options{})
	golden(t, "board.svg", got)
	golden(t, "empty.svg", write(t, board.New("", "", t0), export.SVG, export.Options{Lang: export.LangSwedish}))

	// Hostile text is text: the SVG is well formed, has no element but
	// the drawing's own, and its text holds the hostile strings as they
	// were written.
	texts := svgTexts(t, got)
	all := strings.Join(texts, "\n")
	for _, want := range []string{scriptText, "Gick bra: åäö ÅÄÖ", b.Title} {
		if !strings.Contains(all, want) {
			t.Errorf("the SVG's text does not hold %q; it has %q", want, texts)
		}
	}
	if !strings.Contains(all, `"&gt;&lt;svg`) && !strings.Contains(all, `"><svg`) {
		t.Errorf("the author %q is missing from the SVG's text %q", svgAuthor, texts)
	}
	if bytes.Contains(got, []byte("<script")) || bytes.Contains(got, []byte("<svg onload")) || bytes.Count(got, []byte("<svg")) != 1 {
		t.Error("markup from a note reached the SVG as markup")
	}
	if len(got) > 200<<10 {
		t.Errorf("the SVG has %d bytes: is the whole font embedded?", len(got))
	}
}

// svgTexts parses an SVG and returns the text of its text elements, one
// string each; it fails the test on any element a drawing of a board does
// not use.
func svgTexts(t *testing.T, data []byte) []string {
	t.Helper()
	allowed := map[string]bool{"svg": true, "path": true, "text": true, "tspan": true, "style": true, "g": true, "defs": true, "clipPath": true}
	d := xml.NewDecoder(bytes.NewReader(data))
	var texts []string
	var cur *strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well formed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if !allowed[tok.Name.Local] {
				t.Errorf("the SVG has a <%s> element", tok.Name.Local)
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
					t.Errorf("the SVG has an attribute %s", a.Name.Local)
				}
			}
			if tok.Name.Local == "text" {
				cur = &strings.Builder{}
			}
		case xml.CharData:
			if cur != nil {
				cur.Write(tok)
			}
		case xml.EndElement:
			if tok.Name.Local == "text" && cur != nil {
				texts = append(texts, cur.String())
				cur = nil
			}
		}
	}
	return texts
}

// svgSize returns the width and height an SVG says it has, in mm.
func svgSize(t *testing.T, data []byte) (float64, float64) {
	t.Helper()
	m := regexp.MustCompile(`^<svg[^>]* width="([0-9.]+)mm" height="([0-9.]+)mm"`).FindSubmatch(data)
	if m == nil {
		t.Fatalf("no size in %.200s", data)
	}
	w, _ := strconv.ParseFloat(string(m[1]), 64)
	h, _ := strconv.ParseFloat(string(m[2]), 64)
	return w, h
}

func TestPNG(t *testing.T) {
	b := fixture(t)
	img := decodePNG(t, write(t, b, export.PNG, export.Options{}))
	// Two pixels a board unit: the SVG's size in CSS pixels, twice.
	w, h := svgSize(t, write(t, b, export.SVG, export.Options{}))
	wantW, wantH := 2*w*96/25.4, 2*h*96/25.4
	if got := img.Bounds().Size(); abs(float64(got.X)-wantW) > 1.5 || abs(float64(got.Y)-wantH) > 1.5 {
		t.Errorf("size %v, want %.0fx%.0f", got, wantW, wantH)
	}
	// Not blank: the background, every note colour used and dark text.
	seen := map[color.RGBA]int{}
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y += 2 {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x += 2 {
			seen[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	for _, name := range []string{"yellow", "green", "pink", "blue", "white", "purple"} {
		if c := fillOf(name); seen[c] < 100 {
			t.Errorf("only %d pixels of %s (%v)", seen[c], name, c)
		}
	}
	dark := 0
	for c, n := range seen {
		if int(c.R)+int(c.G)+int(c.B) < 200 {
			dark += n
		}
	}
	if dark < 200 {
		t.Errorf("only %d dark pixels: is there text?", dark)
	}
}

// TestPNGLongSide: a board spread far gives a picture at most 4000
// pixels on its long side, and an empty board a small picture.
func TestPNGLongSide(t *testing.T) {
	b := mustDecode(t, []testNote{{ID: idA, X: -500000, Y: 0, Text: "far left"}, {ID: idB, X: 500000, Y: 30000, Text: "far right"}})
	size := decodePNG(t, write(t, b, export.PNG, export.Options{})).Bounds().Size()
	if max(size.X, size.Y) > 4000 || max(size.X, size.Y) < 3990 {
		t.Errorf("size %v, want a long side of 4000", size)
	}
	size = decodePNG(t, write(t, board.New("", "", t0), export.PNG, export.Options{})).Bounds().Size()
	if size.X < 100 || size.Y < 100 || size.X > 4000 || size.Y > 4000 {
		t.Errorf("an empty board: size %v", size)
	}
}

func decodePNG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the PNG does not decode: %v", err)
	}
	return img
}

func fillOf(name string) color.RGBA {
	for _, c := range board.Colors {
		if c.Name == name {
			v, _ := strconv.ParseUint(c.Fill[1:], 16, 32)
			return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
		}
	}
	panic(name)
}

func abs(v float64) float64 { return max(v, -v) }

// TestPDF reads the text of the PDF back with pdftotext (poppler-utils):
// every note's text is there, Swedish letters too, on one landscape page
// of the paper asked for.
func TestPDF(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (apt-get install poppler-utils); the PDF's text is not checked")
	}
	texts := []string{"Gick bra: åäö ÅÄÖ", "Ångest över bröd", "Tack för idag!", "Third note"}
	var notes []testNote
	for i, s := range texts {
		notes = append(notes, testNote{ID: "00000000-0000-4000-8000-00000000000" + strconv.Itoa(i), X: float64(i%2) * 260, Y: float64(i/2) * 200, Text: s, Author: "Örjan"})
	}
	b := mustDecode(t, notes)
	for _, tc := range []struct {
		paper string
		w, h  string // in points, as pdfinfo prints them
	}{
		{"", "841.89", "595.276"},
		{export.PaperLetter, "792", "612"},
	} {
		data := write(t, b, export.PDF, export.Options{Paper: tc.paper, Lang: export.LangSwedish})
		if !bytes.HasPrefix(data, []byte("%PDF-")) {
			t.Fatalf("not a PDF: %.20q", data)
		}
		path := filepath.Join(t.TempDir(), "board.pdf")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext: %v\n%s", err, out)
		}
		for _, want := range append(texts, "Test", "Örjan") {
			if !bytes.Contains(out, []byte(want)) {
				t.Errorf("paper %q: the PDF's text does not hold %q:\n%s", tc.paper, want, out)
			}
		}
		if _, err := exec.LookPath("pdfinfo"); err == nil {
			info, err := exec.Command("pdfinfo", path).CombinedOutput()
			if err != nil {
				t.Fatalf("pdfinfo: %v\n%s", err, info)
			}
			if !regexp.MustCompile(`Pages:\s+1\n`).Match(info) || !bytes.Contains(info, []byte(tc.w+" x "+tc.h+" pts")) {
				t.Errorf("paper %q: want one page of %s x %s pts:\n%s", tc.paper, tc.w, tc.h, info)
			}
		}
	}
}

func TestEmptyPictures(t *testing.T) {
	b := board.New("", "Tom", t0)
	texts := strings.Join(svgTexts(t, write(t, b, export.SVG, export.Options{Lang: export.LangSwedish})), "\n")
	if !strings.Contains(texts, "Tavlan är tom.") || !strings.Contains(texts, "Tom") {
		t.Errorf("the picture of an empty board says %q", texts)
	}
	decodePNG(t, write(t, b, export.PNG, export.Options{}))
	if data := write(t, b, export.PDF, export.Options{}); !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Errorf("not a PDF: %.20q", data)
	}
}

// TestConcurrentPictures draws pictures of several boards at once, as a
// server does: they share the font, which drawing must only read.
func TestConcurrentPictures(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 4 {
		b := mustDecode(t, []testNote{{ID: idA, Text: "Gick bra " + strconv.Itoa(i)}, {ID: idB, X: 220, Text: "åäö", Author: "Åsa"}})
		for _, f := range []export.Format{export.SVG, export.PNG, export.PDF} {
			wg.Go(func() {
				var buf bytes.Buffer
				if err := export.Write(&buf, b, f, export.Options{}); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
}

// TestPictureHardNotes: notes that are hard to draw come out drawn, each
// text cut to its note: a note of the smallest size with a long text, a
// word longer than any note is wide, thousands of lines, tabs, and
// letters the font does not have.
func TestPictureHardNotes(t *testing.T) {
	b := mustDecode(t, []testNote{
		{ID: idA, W: 40, H: 40, Text: strings.Repeat("word ", 1000), Author: strings.Repeat("Å", 60)},
		{ID: idB, X: 100, W: 300, H: 200, Text: strings.Repeat("å", 5000)},
		{ID: idC, X: 500, Text: strings.Repeat("l\n", 2499)},
		{ID: idD, X: 800, Text: "\tindented\n日本語 🙂 ✓", Votes: 99},
	})
	svgData := write(t, b, export.SVG, export.Options{})
	texts := svgTexts(t, svgData)
	runes := 0
	for _, s := range texts {
		runes += len([]rune(s))
	}
	if runes > 2000 {
		t.Errorf("the SVG's text has %d characters: is text drawn outside its note?", runes)
	}
	if !strings.Contains(strings.Join(texts, "\n"), "…") {
		t.Error("no text is cut with an ellipsis")
	}
	decodePNG(t, write(t, b, export.PNG, export.Options{}))
	write(t, b, export.PDF, export.Options{Paper: export.PaperLetter})
}

// TestColumnsPictures: the columns' lanes are drawn with their names, and
// the reactions with the glyphs a legend explains, as text in the SVG and
// the PDF.
func TestColumnsPictures(t *testing.T) {
	b := columnsFixture(t)
	svgData := write(t, b, export.SVG, export.Options{})
	all := strings.Join(svgTexts(t, svgData), "\n")
	names := []string{"Gick bra", "=Kan bli bättre", "# Att *göra* <b>", "Column 4"}
	for _, want := range append(names, "☺12", "♥4", "☼1", "?2", "Dan", "☺ like", "♥ love", "☼ idea", "? question") {
		if !strings.Contains(strings.ReplaceAll(all, "\u00a0", " "), want) {
			t.Errorf("the SVG's text does not hold %q; it has %q", want, all)
		}
	}
	// Lanes are drawn in both tints, besides the board's background.
	img := decodePNG(t, write(t, b, export.PNG, export.Options{}))
	seen := map[color.RGBA]int{}
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y += 2 {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x += 2 {
			seen[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	for _, tint := range []color.RGBA{{0xe9, 0xe3, 0xd6, 0xff}, {0xdf, 0xd8, 0xc8, 0xff}, {0xf4, 0xf1, 0xea, 0xff}} {
		if seen[tint] < 1000 {
			t.Errorf("only %d pixels of %v: are the lanes drawn?", seen[tint], tint)
		}
	}

	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (apt-get install poppler-utils); the PDF's text is not checked")
	}
	path := filepath.Join(t.TempDir(), "columns.pdf")
	if err := os.WriteFile(path, write(t, b, export.PDF, export.Options{Lang: export.LangSwedish}), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	for _, want := range append(names[:3], "Kolumn 4", "☺ gilla", "Many reactions") {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the PDF's text does not hold %q:\n%s", want, out)
		}
	}
}
