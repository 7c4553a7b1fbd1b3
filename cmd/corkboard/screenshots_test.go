package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"corkboard/board"
	"corkboard/sync/wsclient"
)

// screenshotDir is where screenshots go: $CORKBOARD_SCREENSHOTS, or a
// temporary folder.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CORKBOARD_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestScreenshots opens a board with notes, as it opens (nobody presses
// fit), at every size of classScreens (a phone with touch, a laptop, a
// projector with large text on), in both languages, light and dark, and
// saves what each looks like in $CORKBOARD_SCREENSHOTS (or a temporary
// folder) for a person to look at; and a few moments beside: the ⋯ menu
// and the name question on a phone, a selected note on a laptop, the home
// page. On the phone and the projector, in both languages, light and dark:
// the share panel, /join, and the join screen (on the projector, and on a
// 1280x720 one); and on a phone the view link's page and /join after a
// wrong code. It fails if the page shows a script error or does not go
// live.
func TestScreenshots(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Class 7B: what did we learn this week?")
	id := created.facilitate()
	if code, body := do(t, "PUT", srv.url+"/api/boards/"+id+"/join", `{"on":true,"role":"edit"}`); code != 200 {
		t.Fatalf("turning joining on: %d %s", code, body)
	}
	texts := []string{
		"Photosynthesis turns light into sugar 🌱",
		"Why is the sky blue?\nRayleigh scattering!",
		"Group work was fun",
		"I want more experiments",
		"Question: how do plants breathe at night?",
		"Homework: read chapter 4",
	}
	colors := []string{"yellow", "blue", "green", "pink", "orange", "purple"}
	var ops []board.Op
	for i, text := range texts {
		x, y, text, color := float64(40+(i%3)*240), float64(40+(i/3)*200), text, colors[i]
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), X: &x, Y: &y, Text: &text, Color: &color}})
	}
	mustApply(t, wsURL(srv.url, id), ops)
	// Others in the room, for the list of people, one of each role.
	for i, name := range []string{"Ms Berg", "Sam", "Lee"} {
		c, _, err := wsclient.Dial(context.Background(), created.Links[board.Roles[i]].WebSocket, wsclient.Hello{Client: "shot-" + strings.ReplaceAll(name, " ", "-"), Name: name, Participant: wsclient.NewParticipant()}, nil)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for {
				if _, err := c.Read(); err != nil {
					return
				}
			}
		}()
		t.Cleanup(func() { c.Close() })
	}

	dir := screenshotDir(t)
	for _, s := range classScreens {
		t.Run(s.name, func(t *testing.T) {
			b := mustScreen(t, s)
			storage := map[string]string{"corkboard:name": "Ada"}
			if s == projectorScreen {
				storage["corkboard:large"] = "1"
			}
			b.openWith(srv.url, id, storage)
			for _, lang := range []string{"en", "sv"} {
				for _, scheme := range []string{"light", "dark"} {
					name := fmt.Sprintf("%s-%s-%s", s.name, lang, scheme)
					b.setColorScheme(scheme)
					b.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=" + lang))
					b.waitLive()
					b.waitFor("notes drawn", `document.querySelectorAll(".note").length === 6`)
					b.screenshot(dir, name)
					if got := eval[string](b, `document.documentElement.lang`); got != lang {
						t.Errorf("%s: page language %q, want %q", name, got, lang)
					}
				}
			}
			b.setColorScheme("light")
			b.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=en"))
			b.waitLive()
			switch s {
			case phoneScreen:
				if eval[bool](b, `!!document.getElementById("more")`) {
					b.do(chromedp.Click(chromedp.ID("more")))
					b.screenshot(dir, "phone-en-light-menu")
				}
			case laptopScreen:
				x, y, w, _ := b.noteRect("00000000-0000-4000-8000-000000000002")
				b.do(chromedp.MouseClickXY(x+w/2, y+10))
				b.waitFor("the selection bar", `!document.getElementById("selection-bar").hidden`)
				b.screenshot(dir, "laptop-en-light-selected")
			}
			if s == phoneScreen || s == projectorScreen {
				shareScreenshots(b, s, srv.url, created, dir)
			}
			b.do(chromedp.Navigate(srv.url + "/?lang=" + map[bool]string{true: "sv", false: "en"}[s.phone]))
			b.screenshot(dir, "home-"+s.name)
		})
	}
	// The join screen on a smaller projector.
	small := mustBrowser(t, 1280, 720)
	for _, lang := range []string{"en", "sv"} {
		for _, scheme := range []string{"light", "dark"} {
			small.setColorScheme(scheme)
			small.do(chromedp.Navigate(srv.url + "/b/" + id + "/join-screen?lang=" + lang))
			small.waitFor("the QR code", `document.querySelector(".join-qr").complete`)
			small.screenshot(dir, fmt.Sprintf("joinscreen-small-%s-%s", lang, scheme))
		}
	}
	// A first visit on a phone: the name question.
	b := mustScreen(t, phoneScreen)
	b.setColorScheme("dark")
	b.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=sv"))
	b.waitFor("the name dialog", `document.getElementById("name-dialog").open`)
	b.screenshot(dir, "phone-sv-dark-name")
	t.Logf("screenshots in %s", dir)
}

// shareScreenshots saves the share panel, /join and (on the projector) the
// join screen in both languages, light and dark; on a phone also the share
// panel scrolled to its links, /join after a wrong code, and the view
// link's page.
func shareScreenshots(b *browser, s classScreen, base string, created boardCreated, dir string) {
	b.t.Helper()
	id := created.facilitate()
	for _, lang := range []string{"en", "sv"} {
		for _, scheme := range []string{"light", "dark"} {
			suffix := fmt.Sprintf("%s-%s-%s", s.name, lang, scheme)
			b.setColorScheme(scheme)
			b.do(chromedp.Navigate(base + "/b/" + id + "?lang=" + lang))
			b.waitLive()
			b.openShare(s.phone)
			b.screenshot(dir, "share-"+suffix)
			if s.phone && lang == "en" && scheme == "light" {
				eval[chromedp.Void](b, `document.getElementById("share-dialog").scrollTop = 1e6`)
				b.nextFrame()
				b.screenshot(dir, "share-"+suffix+"-links")
			}
			b.do(chromedp.Navigate(base + "/join?lang=" + lang))
			b.screenshot(dir, "join-"+suffix)
			if s == projectorScreen {
				b.do(chromedp.Navigate(base + "/b/" + id + "/join-screen?lang=" + lang))
				b.waitFor("the QR code", `document.querySelector(".join-qr").complete`)
				b.screenshot(dir, "joinscreen-"+suffix)
			}
		}
	}
	if !s.phone {
		return
	}
	b.setColorScheme("dark")
	b.do(chromedp.Navigate(base + "/join?lang=sv"))
	b.do(chromedp.SendKeys(chromedp.ID("code"), "K7P-MQ\r"), chromedp.WaitReady(chromedp.ID("code-error")))
	b.screenshot(dir, "join-phone-sv-dark-error")
	b.setColorScheme("light")
	b.do(chromedp.Navigate(created.Links[board.RoleView].URL + "?lang=en"))
	b.waitLive()
	b.screenshot(dir, "phone-en-light-view")
}
