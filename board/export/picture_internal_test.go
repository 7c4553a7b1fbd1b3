package export

import (
	"math"
	"strings"
	"testing"
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
