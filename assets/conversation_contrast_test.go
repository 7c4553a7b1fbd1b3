package assets

import (
	"strings"
	"testing"
)

// TestConversationContrast holds the colours of reactions, comments and
// lanes to 4.5:1, in light and dark: a pressed reaction, the "waiting"
// label, and a lane's name on its header (the header's see-through white
// or dark over the board's background, taken as the colour it nearly is).
func TestConversationContrast(t *testing.T) {
	css, err := FS.ReadFile("corkboard.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, fg, bg, rule string }{
		{"pressed reaction", "#ffffff", "#1d4ed8", `.reaction[aria-pressed="true"] { background: #1d4ed8; border-color: #1d4ed8; color: #ffffff;`},
		{"waiting comment", "#ffffff", "#1c1917", "background: #1c1917; color: #ffffff; }"},
		{"lane name, light", "#1c1917", "#f4f1ea", "--lane-fg: #1c1917;"},
		{"lane name, dark", "#f5f5f4", "#292524", "--lane-head: #292524e6; --lane-line: #57534e; --lane-fg: #f5f5f4;"},
	} {
		if !strings.Contains(string(css), tt.rule) {
			t.Errorf("%s: corkboard.css has no %q", tt.name, tt.rule)
		}
		if got := contrast(tt.fg, tt.bg); got < 4.5 {
			t.Errorf("%s: %s on %s has contrast %.2f, want 4.5 or more", tt.name, tt.fg, tt.bg, got)
		}
	}
}
