package export

import (
	"bytes"
	"hash/adler32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tdewolff/canvas"
	"github.com/tdewolff/canvas/renderers/rasterizer"

	"corkboard/board"
)

// TestEmWidth: the width the layout measures is the width the renderers
// draw (the shaper's).
func TestEmWidth(t *testing.T) {
	if err := loadFont(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"", "Gick bra: åäö ÅÄÖ", "AVATAR Toy Wa", "<script>alert(1)</script>", "\u00a0 x", "1 vote"} {
		got, want := emWidth(s), unitFace.TextWidth(s)
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("emWidth(%q) = %g, the shaper says %g", s, got, want)
		}
	}
	// keepSpaces swaps spaces for no-break spaces after measuring.
	if emWidth(" ") != emWidth("\u00a0") {
		t.Errorf("a space is %g wide, a no-break space %g", emWidth(" "), emWidth("\u00a0"))
	}
}

func TestFitText(t *testing.T) {
	mono := func(s string) float64 { return float64(len([]rune(s))) } // one em a letter
	for _, tc := range []struct {
		text      string
		w, h      float64 // in ems at the full size 1, lines of height 1
		wantLines string
		wantSize  float64
	}{
		{"two words", 10, 3, "two words", 1},
		{"two words", 5, 3, "two|words", 1},
		{"a\n\nb", 5, 3, "a||b", 1},
		{"abcdefghij", 9, 3, "abcdefghij", 0.9},                 // set smaller to fit a word
		{"one two three four", 5, 2, "one two|three|four", 0.6}, // smaller to fit the lines
		{"abcdefghijklmnop", 3, 2, "abcde|fghij|klmn…", 0.6},    // a word broken, then cut
		{"x", 5, 0.5, "", 0.6},                                  // not one line fits
	} {
		lines, size := fitText(tc.text, tc.w, tc.h, 1, 1, mono)
		if got := strings.Join(lines, "|"); got != tc.wantLines || size != tc.wantSize {
			t.Errorf("fitText(%q, %g, %g) = %q at %g, want %q at %g", tc.text, tc.w, tc.h, got, size, tc.wantLines, tc.wantSize)
		}
	}
}

// TestEncodePNG: what encodePNG writes decodes to the picture it was
// given, in one part or several.
func TestEncodePNG(t *testing.T) {
	for _, size := range []image.Point{{1, 1}, {7, 3}, {301, 517}, {64, 2000}} {
		img := image.NewRGBA(image.Rectangle{Max: size})
		rnd := rand.New(rand.NewPCG(uint64(size.X), uint64(size.Y)))
		for i := range img.Pix {
			img.Pix[i] = uint8(rnd.IntN(256))
			if i%4 == 3 {
				img.Pix[i] = 0xff
			}
		}
		// Flat areas, as a picture of a board has, besides the noise.
		draw.Draw(img, image.Rect(0, 0, size.X/2, size.Y/2), image.NewUniform(color.RGBA{0xfe, 0xe5, 0x8a, 0xff}), image.Point{}, draw.Src)
		var buf bytes.Buffer
		if err := encodePNG(&buf, img); err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(&buf)
		if err != nil {
			t.Fatalf("%v: %v", size, err)
		}
		if got.Bounds() != img.Bounds() {
			t.Fatalf("%v: decoded as %v", size, got.Bounds())
		}
		for y := range size.Y {
			for x := range size.X {
				if g, w := color.RGBAModel.Convert(got.At(x, y)), img.At(x, y); g != w {
					t.Fatalf("%v: pixel (%d, %d) is %v, want %v", size, x, y, g, w)
				}
			}
		}
	}
}

func TestAdler32Combine(t *testing.T) {
	data := bytes.Repeat([]byte("Gick bra: åäö ÅÄÖ \xff\xfe"), 10000)
	for _, cut := range []int{0, 1, 5552, 65521, 65522, len(data) / 2, len(data)} {
		a, b := data[:cut], data[cut:]
		got := adler32Combine(adler32.Checksum(a), adler32.Checksum(b), int64(len(b)))
		if want := adler32.Checksum(data); got != want {
			t.Errorf("cut at %d: %08x, want %08x", cut, got, want)
		}
	}
}

// TestGlyphsDrawLikeCanvas: the text a PNG draws itself is the text
// canvas would draw, the same letters in the same places, at sizes from
// a large board's to a small one's.
func TestGlyphsDrawLikeCanvas(t *testing.T) {
	if err := loadFont(); err != nil {
		t.Fatal(err)
	}
	family, err := newFamily()
	if err != nil {
		t.Fatal(err)
	}
	for _, dpmm := range []float64{1.7, 7.56} { // about 0.44 and 2 pixels a board unit
		paint := func(own bool) *image.RGBA {
			img := image.NewRGBA(image.Rect(0, 0, int(120*dpmm), int(30*dpmm)))
			draw.Draw(img, img.Rect, image.NewUniform(background), image.Point{}, draw.Src)
			ctx := canvas.NewContext(rasterizer.FromImage(img, canvas.DPMM(dpmm), canvas.DefaultColorSpace))
			ctx.SetCoordSystem(canvas.CartesianIV)
			p := &pen{ctx: ctx, family: family, s: 1, faces: map[faceKey]*canvas.FontFace{}}
			if own {
				p.glyphs = newGlyphs(img, family.Face(ptPerMM, canvas.Black).Font, dpmm)
			}
			text := hex(board.NoteText)
			p.text([]string{"Gick bra: åäö ÅÄÖ", "AVATAR Toy Wa 日本"}, 1.3, 1, 5, text, canvas.Left)
			p.text([]string{"3 röster"}, 119, 20, 4, hex(board.NoteAuthorText), canvas.Right)
			p.text([]string{"Tavlan är tom."}, 60, 21.7, 3.3, mutedText, canvas.Center)
			return img
		}
		got, want := paint(true), paint(false)
		// Ink is how far a pixel is from the background. The two differ
		// a little at the letters' edges (a glyph's place within a pixel
		// is rounded to 1/subpixel, and the rasterizers are not the same),
		// not in where the letters are: a letter a pixel out of place
		// would differ by more than a tenth of the ink.
		ink, diff := 0, 0
		for i := 0; i < len(got.Pix); i += 4 {
			for c := range 3 {
				bg := []uint8{background.R, background.G, background.B}[c]
				ink += absDiff(want.Pix[i+c], bg)
				diff += absDiff(got.Pix[i+c], want.Pix[i+c])
			}
		}
		if ink == 0 || float64(diff) > 0.1*float64(ink) {
			t.Errorf("at %g pixels a millimetre the text differs from canvas's by %d of %d", dpmm, diff, ink)
		}
	}
}

func absDiff(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }

// TestReactionSymbols: every reaction has an emoji for the text formats,
// a glyph the pictures' font has, and a name in every language's legend,
// so a reaction added to the board cannot go missing from an export.
func TestReactionSymbols(t *testing.T) {
	if err := loadFont(); err != nil {
		t.Fatal(err)
	}
	for _, r := range board.Reactions {
		if reactionEmoji[r] == "" {
			t.Errorf("%s has no emoji", r)
		}
		g := reactionGlyphs[r]
		for _, c := range g {
			if unitFace.Font.SFNT.GlyphIndex(c) == 0 {
				t.Errorf("%s: the font has no glyph for %q", r, c)
			}
		}
		if g == "" {
			t.Errorf("%s has no glyph", r)
		}
		for _, wd := range []*words{&english, &swedish} {
			if wd.reactions[r] == "" {
				t.Errorf("%s has no name in %s", r, wd.lang)
			}
		}
	}
}
