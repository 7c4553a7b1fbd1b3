package assets

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestNoteContrast checks that note text meets WCAG AA (4.5:1) on every
// note colour the stylesheet defines, in light and dark themes alike (the
// notes keep their colours in both).
func TestNoteContrast(t *testing.T) {
	css, err := os.ReadFile("corkboard.css")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--(note-[a-z]+):\s*(#[0-9a-fA-F]{6})`).FindAllStringSubmatch(string(css), -1) {
		if _, seen := vars[m[1]]; !seen {
			vars[m[1]] = m[2]
		}
	}
	fg, ok := vars["note-fg"]
	if !ok {
		t.Fatal("no --note-fg in corkboard.css")
	}
	colours := 0
	for name, bg := range vars {
		if name == "note-fg" {
			continue
		}
		colours++
		if c := contrast(fg, bg); c < 4.5 {
			t.Errorf("--%s %s: contrast %.2f with text %s, want at least 4.5", name, bg, c, fg)
		}
		// The author line is smaller and lighter; hold it to AA too.
		if c := contrast("#44403c", bg); c < 4.5 {
			t.Errorf("--%s %s: author contrast %.2f, want at least 4.5", name, bg, c)
		}
	}
	if colours != 8 {
		t.Errorf("found %d note colours, want the 8 of the palette", colours)
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
