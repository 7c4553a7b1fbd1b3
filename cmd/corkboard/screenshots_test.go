package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreenshots opens a board with notes in both languages, light and
// dark, on a phone and a projector, and saves what each looks like in
// $CORKBOARD_SCREENSHOTS (or a temporary folder) for a person to look at.
// It fails if the page shows a script error or does not go live.
func TestScreenshots(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Class 7B: what did we learn this week?")
	b0 := mustBrowser(t, 1280, 800)
	b0.open(srv.url, id, "Ms Berg")
	texts := []string{
		"Photosynthesis turns light into sugar 🌱",
		"Why is the sky blue?\nRayleigh scattering!",
		"Group work was fun",
		"I want more experiments",
		"Question: how do plants breathe at night?",
		"Homework: read chapter 4",
	}
	colors := []string{"yellow", "blue", "green", "pink", "orange", "purple"}
	for i, text := range texts {
		eval[chromedp.Void](b0, fmt.Sprintf(`corkboard.edit({kind:"create", note:{id:%q, x:%d, y:%d, text:%q, color:%q}})`,
			fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), 40+(i%3)*240, 40+(i/3)*200, text, colors[i]))
	}
	b0.waitFor("all saved", `corkboard.conn.outbox.ops.length === 0`)

	dir := os.Getenv("CORKBOARD_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name          string
		width, height int64
		lang, scheme  string
	}{
		{"projector-en-light", 1920, 1080, "en", "light"},
		{"4k-en-light", 3840, 2160, "en", "light"},
		{"projector-sv-dark", 1920, 1080, "sv", "dark"},
		{"laptop-en-dark", 1280, 800, "en", "dark"},
		{"phone-sv-light", 360, 740, "sv", "light"},
		{"phone-en-dark", 360, 740, "en", "dark"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := mustBrowser(t, tt.width, tt.height)
			b.setColorScheme(tt.scheme)
			b.open(srv.url, id, "Ada")
			b.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=" + tt.lang))
			b.waitLive()
			b.waitFor("notes drawn", `document.querySelectorAll(".note").length === 6`)
			eval[chromedp.Void](b, `corkboard.fit()`)
			b.screenshot(dir, tt.name)
			if got := eval[string](b, `document.documentElement.lang`); got != tt.lang {
				t.Errorf("page language %q, want %q", got, tt.lang)
			}
		})
	}
	b := mustBrowser(t, 1280, 800)
	b.do(chromedp.Navigate(srv.url + "/?lang=sv"))
	b.screenshot(dir, "home-sv")
	t.Logf("screenshots in %s", dir)
}
