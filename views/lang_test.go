package views

import "testing"

// TestLanguagesComplete: every language has every English text and no
// other, so no page or toast falls back to English halfway (Text and
// Strings would hide a missing one).
func TestLanguagesComplete(t *testing.T) {
	for _, l := range Languages[1:] {
		for key := range english {
			if l.T[key] == "" {
				t.Errorf("%s has no text for %q", l.Code, key)
			}
		}
		for key := range l.T {
			if _, ok := english[key]; !ok {
				t.Errorf("%s has %q, which English lacks", l.Code, key)
			}
		}
	}
}
