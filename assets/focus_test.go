package assets

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// A pressed toggle (aria-pressed) may drop the outline that marks it, but
// never the keyboard's focus ring: a rule that sets outline: none on a
// pressed button must leave :focus-visible alone, or someone tabbing
// through the lesson controls loses their place on the one that is on.
func TestPressedButtonsKeepTheFocusRing(t *testing.T) {
	css, err := os.ReadFile("corkboard.css")
	if err != nil {
		t.Fatal(err)
	}
	rule := regexp.MustCompile(`(?s)([^{}]+)\{([^{}]*)\}`)
	for _, m := range rule.FindAllStringSubmatch(string(css), -1) {
		selectors, body := m[1], m[2]
		if !strings.Contains(body, "outline: none") || !strings.Contains(selectors, `aria-pressed="true"`) {
			continue
		}
		for _, sel := range strings.Split(selectors, ",") {
			if strings.Contains(sel, `aria-pressed="true"`) && !strings.Contains(sel, ":not(:focus-visible)") {
				t.Errorf("%s drops the focus ring of a pressed button", strings.TrimSpace(sel))
			}
		}
	}
}
