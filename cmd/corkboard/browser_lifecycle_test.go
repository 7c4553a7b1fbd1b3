package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/views"
)

// The browser tests of a board's end: the facilitator deletes it from the
// page, everyone on it is told, and its links lead to the page that says
// it was deleted; and the retention notice the facilitator sees.

// mustRetentionServer is mustLiveServer on a server that deletes boards
// nobody opens for days (0: never).
func mustRetentionServer(t testing.TB, days int) *liveServer {
	t.Helper()
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "corkboard.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hub := boardsync.NewHub(boardsync.Config{Log: store, Links: store, RetentionDays: days})
	reg, err := newRegistry(hub, store)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewServer(slog.New(slog.DiscardHandler), hub, reg, nil))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hub.Shutdown(ctx)
		srv.Close()
		store.Close()
	})
	return &liveServer{url: srv.URL, hub: hub, store: store}
}

// deletedPageShown is true on the page of a deleted board's link.
const deletedPageShown = `document.querySelector("main.deleted-page h1")?.textContent === "This board was deleted"`

// TestBrowserDeleteBoard: a teacher on a laptop and a pupil on a phone
// have the board open. The teacher sees when the server would delete it,
// opens ⋯ → Delete board…, where Cancel has the focus and the red button
// works only once the box is ticked; cancels once, then deletes. Both
// pages say the board was deleted and stop connecting; reloading, and
// every other link of the board, shows the page of a deleted board; the
// board is gone from the teacher's recent boards.
func TestBrowserDeleteBoard(t *testing.T) {
	srv := mustRetentionServer(t, 90)
	created := mustCreateBoard(t, srv.url, "Class 7B")
	link := func(r board.Role) string { return path.Base(created.Links[r].URL) }
	mustApply(t, created.Links[board.RoleEdit].WebSocket, []board.Op{{Kind: board.KindCreate, Note: &board.NewNote{ID: "00000000-0000-4000-8000-000000000001", X: ptr(40.0), Y: ptr(40.0), Text: ptr("Goodbye, board")}}})

	teacher := mustBrowser(t, 1280, 800)
	teacher.open(srv.url, link(board.RoleFacilitate), "Teacher")
	pupil := mustBrowser(t, 390, 844)
	pupil.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	pupil.open(srv.url, link(board.RoleEdit), "Pupil")

	due := views.English().Date(srv.hub.RetentionDue())
	teacher.waitFor("the retention notice", fmt.Sprintf(`!document.getElementById("retention-notice").hidden &&
  document.getElementById("retention-notice").textContent.includes("90 days without a visit") &&
  document.getElementById("retention-notice").textContent.includes(%q)`, due))
	if eval[bool](pupil, `!!document.getElementById("retention-notice") || !!document.getElementById("delete-open")`) {
		t.Error("the pupil's page offers deleting, or the retention notice")
	}

	openDelete := func() {
		teacher.do(chromedp.Click(chromedp.ID("more")), chromedp.Click(chromedp.ID("delete-open")))
		teacher.waitFor("the delete dialog", `document.getElementById("delete-dialog").open`)
	}
	openDelete()
	if !eval[bool](teacher, `document.activeElement.id === "delete-cancel" && document.getElementById("delete-submit").disabled &&
  document.getElementById("delete-export").getAttribute("href").includes("/export.json")`) {
		t.Error("the delete dialog opens with its button working, or Cancel without the focus, or no copy offered")
	}
	// Enter on the focused Cancel: nothing happens to the board.
	teacher.do(chromedp.KeyEvent(kb.Enter))
	teacher.waitFor("the dialog to close", `!document.getElementById("delete-dialog").open`)
	if _, err := srv.hub.Resolve(context.Background(), link(board.RoleEdit)); err != nil {
		t.Fatalf("the board after Cancel: %v", err)
	}

	openDelete()
	teacher.do(chromedp.Click(chromedp.ID("delete-confirm")))
	teacher.waitFor("the button to work", `!document.getElementById("delete-submit").disabled`)
	teacher.do(chromedp.Click(chromedp.ID("delete-submit")))

	deletedCover := closedFor("Its notes and history are gone from the server")
	teacher.waitFor("the teacher's page to say the board was deleted", deletedCover)
	pupil.waitFor("the pupil's page to say the board was deleted", deletedCover)
	for name, b := range map[string]*browser{"teacher": teacher, "pupil": pupil} {
		if got := eval[string](b, `document.getElementById("closed-title").textContent`); got != "This board was deleted" {
			t.Errorf("%s's cover says %q", name, got)
		}
	}
	if !eval[bool](teacher, `document.activeElement.id === "closed-home"`) {
		t.Error("the focus is not on the way home")
	}

	// Reloading, and every link: the page of a deleted board.
	pupil.do(chromedp.Reload())
	pupil.waitFor("the deleted page on reload", deletedPageShown)
	for _, r := range board.Roles {
		teacher.do(chromedp.Navigate(srv.url + "/b/" + link(r)))
		teacher.waitFor("the deleted page of the "+string(r)+" link", deletedPageShown)
		if !strings.Contains(eval[string](teacher, `document.getElementById("deleted-when").textContent`), "Its facilitator deleted it on") {
			t.Errorf("the %s link's page does not say who deleted it, and when", r)
		}
	}
	teacher.do(chromedp.Navigate(srv.url + "/"))
	teacher.waitFor("the home page's recent boards", `document.getElementById("recent-boards") !== null`)
	if eval[bool](teacher, fmt.Sprintf(`(localStorage.getItem("corkboard:recent") || "").includes(%q)`, link(board.RoleFacilitate))) {
		t.Error("the deleted board is still among the teacher's recent boards")
	}
}

// TestBrowserRetentionNotice: the notice can be put away, and stays away
// on that board in that browser, and comes back on another board.
func TestBrowserRetentionNotice(t *testing.T) {
	srv := mustRetentionServer(t, 30)
	first, second := mustCreate(t, srv.url, "First"), mustCreate(t, srv.url, "Second")
	b := mustBrowser(t, 1280, 800)
	b.open(srv.url, first, "Teacher")
	shown := `!document.getElementById("retention-notice").hidden`
	b.waitFor("the notice", shown)
	b.do(chromedp.Click(chromedp.ID("retention-hide")))
	b.waitFor("the notice to go", "!("+shown+")")
	b.do(chromedp.Reload())
	b.waitLive()
	if eval[bool](b, shown) {
		t.Error("the notice is back after a reload")
	}
	b.open(srv.url, second, "Teacher")
	b.waitFor("the notice on another board", shown)
}

// TestBrowserLifecycleScreenshots saves, for a person to look at, the
// retention notice, the ⋯ menu, the delete dialog, the cover of a deleted
// board, the deleted board's page, the privacy page and the home page's
// foot, on a phone, a laptop and a projector, in both languages, light and
// dark (see screenshotDir).
func TestBrowserLifecycleScreenshots(t *testing.T) {
	srv := mustRetentionServer(t, 90)
	dir := screenshotDir(t)
	for _, size := range []struct {
		name string
		w, h int64
	}{{"phone", 390, 844}, {"laptop", 1280, 800}, {"projector", 1920, 1080}} {
		for _, lang := range []string{"en", "sv"} {
			for _, scheme := range schemesFor(lang, size.name) {
				name := fmt.Sprintf("lifecycle-%s-%s-%s", size.name, lang, scheme)
				created := mustCreateBoard(t, srv.url, "Class 7B")
				mustApply(t, created.Links[board.RoleEdit].WebSocket, []board.Op{{Kind: board.KindCreate, Note: &board.NewNote{ID: "00000000-0000-4000-8000-000000000001", X: ptr(40.0), Y: ptr(40.0), Text: ptr("Photosynthesis 🌱")}}})
				b := mustBrowser(t, max(size.w, 500), size.h)
				if size.name == "phone" {
					b.do(chromedp.EmulateViewport(size.w, size.h, chromedp.EmulateMobile))
				}
				b.setColorScheme(scheme)
				b.open(srv.url, created.facilitate()+"?lang="+lang, "Teacher")
				b.waitFor("the notice", `!document.getElementById("retention-notice").hidden`)
				b.screenshot(dir, name+"-notice")
				b.do(chromedp.Click(chromedp.ID("more")))
				b.screenshot(dir, name+"-menu")
				b.do(chromedp.Click(chromedp.ID("delete-open")))
				b.waitFor("the dialog", `document.getElementById("delete-dialog").open`)
				b.do(chromedp.Click(chromedp.ID("delete-confirm")))
				b.screenshot(dir, name+"-dialog")
				b.do(chromedp.Click(chromedp.ID("delete-submit")))
				b.waitFor("the cover", `document.getElementById("closed-dialog").open`)
				b.screenshot(dir, name+"-cover")
				b.do(chromedp.Reload())
				b.waitFor("the deleted page", `document.querySelector("main.deleted-page") !== null`)
				b.screenshot(dir, name+"-page")
				b.do(chromedp.Navigate(srv.url + "/privacy"))
				b.waitFor("the privacy page", `document.querySelector("main.privacy-page") !== null`)
				b.screenshot(dir, name+"-privacy")
				b.do(chromedp.Navigate(srv.url + "/"))
				b.waitFor("the home page", `document.getElementById("privacy-link") !== null`)
				b.do(chromedp.Evaluate[chromedp.Void](`scrollTo(0, document.body.scrollHeight)`))
				b.screenshot(dir, name+"-home")
			}
		}
	}
}
