package main

import (
	"net/url"
	"path"
	"slices"
	"strings"
	stdsync "sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"corkboard/board"
)

// TestBrowserNoOtherSites loads every kind of page Corkboard serves (the
// home page, a board by its facilitate and its edit link, on the canvas
// and as a list, the history and replay pages, /join and the projector's
// join screen, the privacy page, and a deleted board's page) and watches every request each page makes, WebSockets
// included, as the browser reports them: each goes to the server's own
// origin (data: and blob: addresses, which never leave the browser, are
// fine). The privacy page says so; this holds it to it.
func TestBrowserNoOtherSites(t *testing.T) {
	srv := mustRetentionServer(t, 90)
	created := mustCreateBoard(t, srv.url, "Class 7B")
	link := func(r board.Role) string { return path.Base(created.Links[r].URL) }
	mustApply(t, created.Links[board.RoleEdit].WebSocket, []board.Op{
		{Kind: board.KindCreate, Note: &board.NewNote{ID: "00000000-0000-4000-8000-000000000001", X: ptr(40.0), Y: ptr(40.0), Text: ptr("Photosynthesis 🌱")}},
		{Kind: board.KindCreate, Note: &board.NewNote{ID: "00000000-0000-4000-8000-000000000002", X: ptr(300.0), Y: ptr(40.0), Text: ptr("Why is the sky blue?")}},
	})
	if code, body := do(t, "POST", srv.url+"/api/boards/"+link(board.RoleEdit)+"/history", `{"name":"End of lesson"}`); code != 201 {
		t.Fatalf("keeping a snapshot: %d %s", code, body)
	}
	gone := mustCreateBoard(t, srv.url, "Gone")
	if code, body := do(t, "DELETE", srv.url+"/api/boards/"+gone.facilitate(), ""); code != 200 {
		t.Fatalf("deleting a board: %d %s", code, body)
	}
	own, err := url.Parse(srv.url)
	if err != nil {
		t.Fatal(err)
	}
	for _, foreign := range []string{"https://fonts.example/a.woff2", "http://" + own.Hostname() + ":1/x.js", "wss://" + own.Host + "/ws/x"} {
		if sameSite(foreign, own) {
			t.Fatalf("%s counts as the server's own", foreign)
		}
	}

	b := mustBrowser(t, 1280, 800)
	var mu stdsync.Mutex // guards seen
	var seen []string
	err = chromedp.Listen(b.ctx, func(ev any) {
		var u string
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			u = e.Request.URL
		case *network.EventWebSocketCreated:
			u = e.URL
		default:
			return
		}
		mu.Lock()
		seen = append(seen, u)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	requests := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}

	pages := []struct {
		name, path, ready string
		then              func()
	}{
		{"home", "/", `document.getElementById("recent-boards") !== null`, nil},
		{"board (facilitate)", "/b/" + link(board.RoleFacilitate), `document.getElementById("status").dataset.state === "connected" && !document.getElementById("retention-notice").hidden`, nil},
		{"board (edit), as a list", "/b/" + link(board.RoleEdit), `document.getElementById("status").dataset.state === "connected"`, func() {
			if eval[bool](b, `!!document.getElementById("list-toggle")`) {
				b.do(chromedp.Click(chromedp.ID("list-toggle")))
				b.waitFor("the list", `!document.getElementById("list-view").hidden`)
			}
		}},
		{"history", "/b/" + link(board.RoleEdit) + "/history", `document.querySelectorAll("img").length === 0 || [...document.querySelectorAll("img")].every((i) => i.complete)`, nil},
		{"replay", "/b/" + link(board.RoleView) + "/replay", `document.readyState === "complete"`, nil},
		{"join", "/join", `document.readyState === "complete"`, nil},
		{"join screen", "/b/" + link(board.RoleFacilitate) + "/join-screen", `document.readyState === "complete" && [...document.images].every((i) => i.complete)`, nil},
		{"privacy", "/privacy", `document.querySelector("main.privacy-page h1") !== null`, nil},
		{"privacy (sv)", "/privacy?lang=sv", `document.documentElement.lang === "sv"`, nil},
		{"deleted board", "/b/" + gone.facilitate(), `document.querySelector("main.deleted-page") !== null`, nil},
	}
	b.do(chromedp.Navigate(srv.url + "/healthz"))
	eval[chromedp.Void](b, `localStorage.setItem("corkboard:name", "Ada")`)
	for _, p := range pages {
		before := len(requests())
		b.do(chromedp.Navigate(srv.url + p.path))
		b.waitFor(p.name, p.ready)
		if p.then != nil {
			p.then()
		}
		// Everything the page asks for once it is ready has been asked for:
		// a round trip through the page makes sure the events are in.
		eval[bool](b, `new Promise((r) => setTimeout(() => r(true), 0))`, chromedp.EvalAwaitPromise)
		made := requests()[before:]
		if len(made) == 0 {
			t.Errorf("%s: no requests seen; the test sees nothing", p.name)
		}
		for _, u := range made {
			if !sameSite(u, own) {
				t.Errorf("%s asked another site: %s", p.name, u)
			}
		}
		t.Logf("%s: %d requests, all to %s", p.name, len(made), own.Host)
	}
}

// sameSite reports whether a request's address is the server's own
// origin (http or ws), or data: or blob:, which never leave the browser.
func sameSite(raw string, own *url.URL) bool {
	if strings.HasPrefix(raw, "data:") || strings.HasPrefix(raw, "blob:") {
		return true
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "ws") && u.Host == own.Host
}
