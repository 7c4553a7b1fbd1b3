package main

import (
	"context"
	"fmt"
	"os"
	"path"
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

// schemesFor returns the colour schemes to take a language's screenshots
// in, on a screen ("phone", "projector", ...; none for a picture of
// several). A person looking at them ($CORKBOARD_SCREENSHOTS set) gets
// both schemes in both languages. Otherwise a phone is taken in English,
// light, and every other screen in Swedish, dark (a picture of several
// screens in both): every check beside the pictures still runs on every
// screen, in each language and each scheme somewhere, in a quarter of the
// time.
func schemesFor(lang string, screen ...string) []string {
	switch {
	case os.Getenv("CORKBOARD_SCREENSHOTS") != "":
		return []string{"light", "dark"}
	case len(screen) > 0 && screen[0] == "phone" && lang != "en",
		len(screen) > 0 && screen[0] != "phone" && lang == "en":
		return nil
	case lang == "en":
		return []string{"light"}
	}
	return []string{"dark"}
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
				for _, scheme := range schemesFor(lang, s.name) {
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
				listScreenshots(t, b, s, srv.url, dir)
			}
			b.do(chromedp.Navigate(srv.url + "/?lang=" + map[bool]string{true: "sv", false: "en"}[s.phone]))
			b.screenshot(dir, "home-"+s.name)
		})
	}
	// The join screen on a smaller projector.
	small := mustBrowser(t, 1280, 720)
	for _, lang := range []string{"en", "sv"} {
		for _, scheme := range schemesFor(lang) {
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

// listScreenshots saves the list view (?view=list) of a board with
// columns, after a round of votes, with reactions and a comment, a
// student's note waiting for approval and another being written privately,
// in both languages, light and dark, as list-<screen>-<lang>-<scheme>; on a phone
// also a row's ⋯ opened and its colours, and on the projector the list
// sorted by votes, and a row being edited.
func listScreenshots(t *testing.T, b *browser, s classScreen, base, dir string) {
	t.Helper()
	created := mustCreateBoard(t, base, "Science, week 51: what went well?")
	id := created.facilitate()
	comment := "Same here!"
	ops := append(listBoard(), board.Op{Kind: board.KindVoteStart, Voting: &board.Voting{Votes: 5, PerNote: 3}})
	for _, n := range []string{listOutside, listOutside, listImprove2, listWell1, listOutside} {
		ops = append(ops, board.Op{Kind: board.KindVote, ID: n})
	}
	ops = append(ops,
		board.Op{Kind: board.KindVoteEnd},
		board.Op{Kind: board.KindReact, ID: listWell1, Reaction: "like"},
		board.Op{Kind: board.KindReact, ID: listImprove1, Reaction: "idea"},
		board.Op{Kind: board.KindComment, ID: listWell2, Comment: &board.NewComment{ID: "00000000-0000-4000-8000-0000000000f1", Text: &comment}},
		board.Op{Kind: board.KindUpdate, ID: listImprove2, Set: &board.Patch{Stack: ptr(listImprove1)}},
		moderate(board.Moderation{Approval: true}),
	)
	mustApply(t, wsURL(base, id), ops)
	student := func(id, text string, x, y float64) board.Op {
		return board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: id, X: &x, Y: &y, Text: &text}}
	}
	mustApply(t, created.Links[board.RoleEdit].WebSocket, []board.Op{student("00000000-0000-4000-8000-0000000000f2", "Can we go outside next time?", 30, 200)})
	mustApply(t, wsURL(base, id), []board.Op{moderate(board.Moderation{}), {Kind: board.KindHide}})
	mustApply(t, created.Links[board.RoleEdit].WebSocket, []board.Op{student("00000000-0000-4000-8000-0000000000f3", "My secret answer", 250, 220)})
	for _, lang := range []string{"en", "sv"} {
		for _, scheme := range schemesFor(lang, s.name) {
			suffix := fmt.Sprintf("%s-%s-%s", s.name, lang, scheme)
			b.setColorScheme(scheme)
			b.do(chromedp.Navigate(base + "/b/" + id + "?view=list&lang=" + lang))
			b.waitLive()
			b.waitFor("the list", `document.querySelectorAll("#list-notes > .list-row").length === 7`)
			b.screenshot(dir, "list-"+suffix)
			if got := eval[float64](b, `document.getElementById("list-view").scrollWidth - document.getElementById("list-view").clientWidth`); got > 0 {
				t.Errorf("%s: the list scrolls sideways by %v px", suffix, got)
			}
		}
	}
	b.setColorScheme("light")
	if s == phoneScreen {
		b.do(chromedp.Navigate(base + "/b/" + id + "?view=list&lang=en"))
		b.waitLive()
		b.do(chromedp.Click(chromedp.CSS(rowButton(listWell1, "list-more"))))
		b.do(chromedp.Click(chromedp.CSS(rowButton(listWell1, "list-colour-open"))))
		b.waitFor("the colours", `!!document.querySelector(".list-picker:not([hidden]) .list-choice")`)
		b.screenshot(dir, "list-phone-en-light-colours")
		return
	}
	b.do(chromedp.Navigate(base + "/b/" + id + "?view=list&lang=en"))
	b.waitLive()
	b.do(chromedp.Click(chromedp.CSS(`.list-sort input[value=votes]`)))
	b.waitFor("sorted by votes", `document.querySelector("#list-notes > .list-row").dataset.id === "`+listOutside+`"`)
	b.screenshot(dir, "list-projector-en-light-votes")
	b.do(chromedp.Click(chromedp.CSS(`.list-sort input[value=reading]`)))
	b.do(chromedp.Click(chromedp.CSS(rowButton(listWell2, "list-edit"))))
	b.waitFor("the row's editor", `document.activeElement?.matches(".list-textarea")`)
	b.screenshot(dir, "list-projector-en-light-editing")
	b.press("Escape", "Escape", 27)
}

// shareScreenshots saves the share panel, /join and (on the projector) the
// join screen in both languages, light and dark; on a phone also the share
// panel scrolled to its links, /join after a wrong code, and the view
// link's page.
func shareScreenshots(b *browser, s classScreen, base string, created boardCreated, dir string) {
	b.t.Helper()
	id := created.facilitate()
	for _, lang := range []string{"en", "sv"} {
		for _, scheme := range schemesFor(lang, s.name) {
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

// TestStackScreenshots saves, on a phone and a projector, in both
// languages, light and dark: a retrospective board after a round of
// votes with two stacks, the top three picked out
// (stacks-<screen>-<lang>-<scheme>), and a stack opened
// (stacks-open-<screen>-<lang>-<scheme>); in English, light, and in
// Swedish, dark: the Deleted notes dialog (trash-<screen>-<lang>-<scheme>),
// the Moderation dialog's names (names-dialog-...), and a student's page
// on a board whose names are hidden (names-student-...).
func TestStackScreenshots(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Retro, sprint 12: what should we change?")
	id := created.facilitate()
	edit := path.Base(created.Links[board.RoleEdit].URL)
	ops := stackNotes(
		"Too much homework on weekends",
		"Homework load is heavy",
		"More group work",
		"Longer breaks, please",
		"Field trip to the museum!",
		"Homework: fewer worksheets",
		"Music while we work",
		"Work in pairs more often",
		"Delete me",
	)
	n := stackNote
	str := func(s string) *string { return &s }
	ops = append(ops,
		board.Op{Kind: board.KindUpdate, ID: n(1), Set: &board.Patch{Stack: str(n(2))}},
		board.Op{Kind: board.KindUpdate, ID: n(6), Set: &board.Patch{Stack: str(n(2))}},
		board.Op{Kind: board.KindUpdate, ID: n(8), Set: &board.Patch{Stack: str(n(3))}},
		board.Op{Kind: board.KindVoteStart, Voting: &board.Voting{Votes: 9, PerNote: 3}},
		board.Op{Kind: board.KindVote, ID: n(1)}, board.Op{Kind: board.KindVote, ID: n(1)}, board.Op{Kind: board.KindVote, ID: n(2)},
		board.Op{Kind: board.KindVote, ID: n(6)}, board.Op{Kind: board.KindVote, ID: n(5)}, board.Op{Kind: board.KindVote, ID: n(5)},
		board.Op{Kind: board.KindVote, ID: n(8)}, board.Op{Kind: board.KindVote, ID: n(4)}, board.Op{Kind: board.KindVote, ID: n(7)},
		board.Op{Kind: board.KindVoteEnd},
		board.Op{Kind: board.KindReact, ID: n(6), Reaction: "like"},
		board.Op{Kind: board.KindDelete, ID: n(9)},
	)
	mustApply(t, wsURL(srv.url, id), ops)
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindReact, ID: n(2), Reaction: "like"}})

	dir := screenshotDir(t)
	for _, s := range []classScreen{phoneScreen, projectorScreen} {
		t.Run(s.name, func(t *testing.T) {
			b := mustScreen(t, s)
			storage := map[string]string{"corkboard:name": "Ms Berg", "corkboard:help": "off", "corkboard:lesson-panel": ""}
			if s == projectorScreen {
				storage["corkboard:large"] = "1"
			}
			b.openWith(srv.url, id, storage)
			for _, lang := range []string{"en", "sv"} {
				for _, scheme := range schemesFor(lang, s.name) {
					suffix := fmt.Sprintf("%s-%s-%s", s.name, lang, scheme)
					b.setColorScheme(scheme)
					b.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=" + lang))
					b.waitLive()
					b.waitFor("the stacks", `document.querySelectorAll(".note .stack-badge").length === 2 && !document.getElementById("lesson-top").hidden`)
					b.do(chromedp.Click(chromedp.ID("lesson-top")))
					b.waitFor("the top three", `document.querySelectorAll(".note.top-vote").length >= 3`)
					b.nextFrame()
					b.screenshot(dir, "stacks-"+suffix)
					b.do(chromedp.Click(chromedp.ID("lesson-top")))
					eval[chromedp.Void](b, `corkboard.stacks.open("`+n(2)+`")`)
					b.waitFor("the stack open", `document.getElementById("stack-dialog").open && document.querySelectorAll("#stack-list > li").length === 3`)
					b.nextFrame()
					b.screenshot(dir, "stacks-open-"+suffix)
					b.do(chromedp.Click(chromedp.ID("stack-close")))
					if lang == "en" && scheme == "light" || lang == "sv" && scheme == "dark" {
						b.do(chromedp.Click(chromedp.ID("more")), chromedp.Click(chromedp.ID("trash-open")))
						b.waitFor("the deleted notes", `document.querySelectorAll("#trash-list > li").length === 1`)
						b.nextFrame()
						b.screenshot(dir, "trash-"+suffix)
						b.do(chromedp.Click(chromedp.ID("trash-close")))
						b.do(chromedp.Click(chromedp.ID("lesson-toggle")))
						b.do(chromedp.Click(chromedp.ID("moderation-open")))
						b.waitFor("the Moderation dialog", `document.getElementById("moderation-dialog").open`)
						eval[chromedp.Void](b, `document.querySelector(".mod-names").scrollIntoView()`)
						b.nextFrame()
						b.screenshot(dir, "names-dialog-"+suffix)
						b.do(chromedp.Click(chromedp.ID("moderation-close")))
						b.do(chromedp.Click(chromedp.ID("lesson-toggle")))
					}
				}
			}
		})
	}
	// A student's page on a board that shows names to facilitators only.
	mustApply(t, wsURL(srv.url, id), []board.Op{moderate(board.Moderation{Names: board.NamesStaff})})
	for _, s := range []classScreen{phoneScreen, projectorScreen} {
		b := mustScreen(t, s)
		b.openWith(srv.url, edit, map[string]string{"corkboard:name": "Amy", "corkboard:help": "off"})
		for _, c := range [][2]string{{"en", "light"}, {"sv", "dark"}} {
			b.setColorScheme(c[1])
			b.do(chromedp.Navigate(srv.url + "/b/" + edit + "?lang=" + c[0]))
			b.waitLive()
			b.waitFor("names hidden", `!document.getElementById("moderation-names-badge").hidden`)
			b.nextFrame()
			b.screenshot(dir, fmt.Sprintf("names-student-%s-%s-%s", s.name, c[0], c[1]))
		}
	}
	t.Logf("screenshots in %s", dir)
}
