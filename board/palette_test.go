package board_test

import (
	"regexp"
	"slices"
	"testing"

	"corkboard/board"
)

// TestColors: the palette is well formed for everything built from it:
// names fit a CSS custom property and a data-color attribute, fills are
// #rrggbb for CSS and the exporters alike, and Palette, ValidColor and
// DefaultColor agree with Colors.
func TestColors(t *testing.T) {
	name := regexp.MustCompile(`^[a-z]+$`)
	hex := regexp.MustCompile(`^#[0-9a-f]{6}$`)
	if len(board.Colors) == 0 {
		t.Fatal("no colours")
	}
	seen := map[string]bool{}
	for i, c := range board.Colors {
		if !name.MatchString(c.Name) || seen[c.Name] {
			t.Errorf("colour %d: name %q is not lowercase letters, or is there twice", i, c.Name)
		}
		seen[c.Name] = true
		if !hex.MatchString(c.Fill) {
			t.Errorf("%s: fill %q, want #rrggbb in lower case", c.Name, c.Fill)
		}
		if got := board.Palette[i]; got != c.Name {
			t.Errorf("Palette[%d] = %q, want %q", i, got, c.Name)
		}
		if !board.ValidColor(c.Name) {
			t.Errorf("ValidColor(%q) = false", c.Name)
		}
	}
	if len(board.Palette) != len(board.Colors) {
		t.Errorf("Palette has %d names for %d colours", len(board.Palette), len(board.Colors))
	}
	if !slices.Contains(board.Palette, board.DefaultColor) {
		t.Errorf("DefaultColor %q is not in the palette", board.DefaultColor)
	}
	for _, c := range []string{"", "Yellow", "red", "#fde68a", "yellow "} {
		if board.ValidColor(c) {
			t.Errorf("ValidColor(%q) = true", c)
		}
	}
	for what, c := range map[string]string{"NoteText": board.NoteText, "NoteAuthorText": board.NoteAuthorText} {
		if !hex.MatchString(c) {
			t.Errorf("%s %q, want #rrggbb in lower case", what, c)
		}
	}
}
