package assets

import (
	"os"
	"regexp"
	"slices"
	"testing"

	"corkboard/board"
)

// TestPaletteCSS holds corkboard.css to board/palette.go, where the note
// colours live for the server's exports too: every --note-<colour> is the
// fill of that colour in board.Colors, the text colours are board.NoteText
// and board.NoteAuthorText, the stylesheet defines no note colour the
// palette lacks, and every palette colour has its note and swatch rules.
func TestPaletteCSS(t *testing.T) {
	data, err := os.ReadFile("corkboard.css")
	if err != nil {
		t.Fatal(err)
	}
	css := string(data)

	// Every value a --note-* property gets anywhere (a theme or a class
	// could set it again), by property name.
	want := map[string]string{"fg": board.NoteText, "author": board.NoteAuthorText}
	for _, c := range board.Colors {
		want[c.Name] = c.Fill
	}
	notColours := map[string]bool{"font": true} // --note-font is a size
	defined := map[string]bool{}
	for _, m := range regexp.MustCompile(`--note-([a-z0-9-]+)\s*:\s*([^;}]+)`).FindAllStringSubmatch(css, -1) {
		name, value := m[1], m[2]
		if notColours[name] {
			continue
		}
		w, ok := want[name]
		switch {
		case !ok:
			t.Errorf("--note-%s: %s is not a colour of board.Colors; add it there first", name, value)
		case value != w:
			t.Errorf("--note-%s: %s, want %s as in board/palette.go", name, value, w)
		}
		defined[name] = true
	}
	for name, value := range want {
		if !defined[name] {
			t.Errorf("corkboard.css does not define --note-%s (%s)", name, value)
		}
	}

	// The rules that use them.
	for _, c := range board.Colors {
		for _, sel := range []string{".note", ".swatch"} {
			rule := sel + `[data-color="` + c.Name + `"] { background: var(--note-` + c.Name + `); }`
			if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(rule) + `$`).MatchString(css) {
				t.Errorf("no rule %s", rule)
			}
		}
	}
	for _, m := range regexp.MustCompile(`data-color="([^"]*)"`).FindAllStringSubmatch(css, -1) {
		if !slices.Contains(board.Palette, m[1]) {
			t.Errorf(`a rule for data-color="%s", which is not in the palette`, m[1])
		}
	}
	for what, rule := range map[string]string{
		"note text":   `(?s)\.note \{[^}]*[^-]color: var\(--note-fg\)`,
		"author line": `(?s)\.note-author \{[^}]*color: var\(--note-author\)`,
	} {
		if !regexp.MustCompile(rule).MatchString(css) {
			t.Errorf("the %s does not take its colour from its --note-* property (no match for %s)", what, rule)
		}
	}
}
