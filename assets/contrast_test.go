package assets

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"corkboard/board"
)

// TestNoteContrast checks that note text and the author line meet WCAG AA
// (4.5:1) on every note colour of board.Colors: the values the stylesheet
// uses (TestPaletteCSS holds it to them) and the exports draw with. Notes
// keep their colours in light and dark themes, so one check covers both.
func TestNoteContrast(t *testing.T) {
	for _, c := range board.Colors {
		for _, tt := range []struct {
			what, fg string
		}{
			{"text", board.NoteText},
			// The author line is smaller and lighter; hold it to AA too.
			{"author", board.NoteAuthorText},
		} {
			if got := contrast(tt.fg, c.Fill); got < 4.5 {
				t.Errorf("%s %s: %s %s has contrast %.2f, want at least 4.5", c.Name, c.Fill, tt.what, tt.fg, got)
			}
		}
	}
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}

// TestModerationContrast checks the colours of what moderation.js puts on
// a note waiting for approval (the label, Approve and Reject) against
// WCAG AA: they sit on every note colour, in light and dark themes alike,
// so they carry their own background. The stylesheet must use them.
func TestModerationContrast(t *testing.T) {
	css, err := FS.ReadFile("corkboard.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ rule, fg, bg string }{
		{".note-pending-label", "#fff", "#1c1917"},
		{".moderation-approve", "#fff", "#15803d"},
		{".moderation-reject", "#fff", "#b91c1c"},
	} {
		decl := fmt.Sprintf("%s {", tt.rule)
		i := strings.Index(string(css), decl)
		if i < 0 || !strings.Contains(string(css[i:i+200]), "background: "+tt.bg) || !strings.Contains(string(css[i:i+200]), "color: "+tt.fg) {
			t.Errorf("corkboard.css has no %s with color %s on background %s", tt.rule, tt.fg, tt.bg)
		}
		if got := contrast("#ffffff", tt.bg); got < 4.5 {
			t.Errorf("%s: %s on %s has contrast %.2f, want at least 4.5", tt.rule, tt.fg, tt.bg, got)
		}
	}
}
