package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"corkboard/board"
)

// The browser tests of a class at work: a teacher at a laptop or a
// projector, students on phones. Each runs at the sizes of classScreens.

// classScreen is a screen a board is used on.
type classScreen struct {
	name          string
	width, height int64
	phone         bool // a true phone: mobile viewport, touch
}

var (
	phoneScreen     = classScreen{"phone", 390, 844, true}
	laptopScreen    = classScreen{"laptop", 1366, 768, false}
	projectorScreen = classScreen{"projector", 1920, 1080, false}
	classScreens    = []classScreen{phoneScreen, laptopScreen, projectorScreen}
)

// mustScreen starts a browser the size of s. Headless Chromium's window is
// at least 500 pixels wide, so a phone is emulated: a 390 pixel wide
// mobile viewport with touch.
func mustScreen(t testing.TB, s classScreen) *browser {
	t.Helper()
	if !s.phone {
		return mustBrowser(t, s.width, s.height)
	}
	b := mustBrowser(t, 500, s.height)
	b.do(chromedp.EmulateViewport(s.width, s.height, chromedp.EmulateMobile, chromedp.EmulateTouch))
	return b
}

// openWith opens a board after putting storage into the page's
// localStorage (the name, large text, ...), and waits until it is live.
func (b *browser) openWith(base, id string, storage map[string]string) {
	b.t.Helper()
	b.do(chromedp.Navigate(base + "/healthz"))
	for k, v := range storage {
		eval[chromedp.Void](b, fmt.Sprintf(`localStorage.setItem(%q, %q)`, k, v))
	}
	b.do(chromedp.Navigate(base + "/b/" + id))
	b.waitLive()
}

// nextFrame waits until the page has drawn what it has queued: actions
// draw on the next animation frame.
func (b *browser) nextFrame() {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, chromedp.EvalAwaitPromise)); err != nil {
		b.t.Fatal(err)
	}
}

// coveredJS is a JS function of a list of note ids (or null for every
// note) that returns what is wrong with where they are on screen: a note
// not wholly inside the window, or under one of the page's fixed parts.
const coveredJS = `((ids) => {
  const shown = (el) => el && !el.hidden && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const fixed = [...document.querySelectorAll(".topbar, .people, #help, #selection-bar, #toast, #more-menu")]
    .filter(shown).map((el) => ({ name: el.id || el.className, r: el.getBoundingClientRect() }));
  const notes = ids ? ids.map((id) => document.getElementById("note-" + id)) : [...document.querySelectorAll("#board .note")];
  const bad = [];
  for (const [i, n] of notes.entries()) {
    if (!n) { bad.push("a note is not drawn"); continue; }
    const r = n.getBoundingClientRect(), name = "note " + (i + 1) + " (" + (n.querySelector(".note-text").textContent.trim().slice(0, 20) || "empty") + ")";
    if (r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5) {
      bad.push(name + " is not wholly on screen: " + [r.left, r.top, r.right, r.bottom].map(Math.round));
    }
    for (const f of fixed) {
      if (r.left < f.r.right && r.right > f.r.left && r.top < f.r.bottom && r.bottom > f.r.top) bad.push(name + " is under " + f.name);
    }
  }
  return bad;
})`

// overlappingJS lists the pairs of notes on the board that overlap.
const overlappingJS = `(() => {
  const ns = [...corkboard.view().notes.values()], bad = [];
  for (let i = 0; i < ns.length; i++) for (let j = i + 1; j < ns.length; j++) {
    const a = ns[i], b = ns[j];
    if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) bad.push(JSON.stringify([a.x, a.y, a.w, a.h]) + " and " + JSON.stringify([b.x, b.y, b.w, b.h]));
  }
  return bad;
})()`

// TestBrowserClassAddNotes: at each size, thirty notes added with the
// button and thirty with the key N each land in free space on screen: the
// new note is wholly visible, under none of the fixed bars, right after
// it is added (the view moves to it once the screen is full), and no note
// overlaps another. After fit, with a note selected (so the selection bar
// is up), every note is on screen and under none of the bars.
func TestBrowserClassAddNotes(t *testing.T) {
	srv := mustLiveServer(t)
	for _, s := range classScreens {
		t.Run(s.name, func(t *testing.T) {
			id := mustCreate(t, srv.url, "Thirty notes each way")
			b := mustScreen(t, s)
			b.open(srv.url, id, "Ms Berg")
			added := func(how string, n int) {
				t.Helper()
				b.waitFor(fmt.Sprintf("note %d (%s) open for typing", n, how),
					fmt.Sprintf(`corkboard.view().notes.size === %d && !!corkboard.ui.editing && document.activeElement?.classList.contains("note-editor")`, n))
				if bad := eval[[]string](b, coveredJS+`([corkboard.ui.editing])`); len(bad) > 0 {
					t.Fatalf("note %d, added with %s: %s", n, how, strings.Join(bad, "; "))
				}
			}
			for i := 1; i <= 30; i++ {
				b.do(chromedp.Click(chromedp.ID("add-note")))
				added("the button", i)
			}
			for i := 31; i <= 60; i++ {
				b.press("Escape", "Escape", 27) // out of the note just added: keys are commands again
				b.press("n", "KeyN", 78)
				added("the key N", i)
			}
			if bad := eval[[]string](b, overlappingJS); len(bad) > 0 {
				t.Fatalf("%d pairs of notes overlap, e.g. %s", len(bad), bad[0])
			}
			b.press("Escape", "Escape", 27)
			b.waitFor("the selection bar", `!document.getElementById("selection-bar").hidden`)
			b.do(chromedp.Click(chromedp.ID("fit")))
			b.nextFrame()
			if bad := eval[[]string](b, coveredJS+`(null)`); len(bad) > 0 {
				t.Fatalf("after fit: %s", strings.Join(bad, "; "))
			}
			b.waitFor("all saved", `corkboard.conn.outbox.ops.length === 0`)
		})
	}
}

// farApart are four notes at the corners of a board 3,200 by 2,660.
func farApart() []board.Op {
	var ops []board.Op
	for i, p := range [][2]float64{{0, 0}, {3000, 0}, {0, 2500}, {3000, 2500}} {
		x, y, text := p[0], p[1], fmt.Sprintf("Corner %d", i+1)
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), X: &x, Y: &y, Text: &text}})
	}
	return ops
}

func wsURL(base, id string) string { return "ws" + strings.TrimPrefix(base, "http") + "/ws/" + id }

// TestBrowserClassOpen: a board opens fitted to its notes at every size,
// with all four of notes far apart on screen and none under a bar, without
// anyone pressing fit; an empty board opens at 100 %. On a phone the top
// bar is one row, and add, undo, zoom, fit and the menu are on screen and
// not covered.
func TestBrowserClassOpen(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Spread out")
	mustApply(t, wsURL(srv.url, id), farApart())
	empty := mustCreate(t, srv.url, "Empty")
	for _, s := range classScreens {
		t.Run(s.name, func(t *testing.T) {
			b := mustScreen(t, s)
			b.open(srv.url, id, "Sam")
			b.nextFrame()
			if n := eval[float64](b, `document.querySelectorAll("#board .note").length`); n != 4 {
				t.Fatalf("%v notes drawn, want 4", n)
			}
			if bad := eval[[]string](b, coveredJS+`(null)`); len(bad) > 0 {
				t.Errorf("on open: %s", strings.Join(bad, "; "))
			}
			if s.phone {
				if h := eval[float64](b, `document.querySelector(".topbar").getBoundingClientRect().height`); h > 56 {
					t.Errorf("the top bar is %v pixels high: more than one row", h)
				}
				for _, button := range []string{"add-note", "undo", "zoom-out", "zoom-in", "fit", "more"} {
					ok := eval[bool](b, fmt.Sprintf(`(() => {
  const el = document.getElementById(%q), r = el.getBoundingClientRect();
  return r.width > 0 && r.left >= 0 && r.right <= innerWidth && r.top >= 0 && document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)?.closest("button") === el;
})()`, button))
					if !ok {
						t.Errorf("#%s is not on screen, or is covered", button)
					}
				}
			}
			b.open(srv.url, empty, "Sam")
			if z := eval[float64](b, `corkboard.cam.zoom`); z != 1 {
				t.Errorf("an empty board opens at zoom %v, want 1", z)
			}
		})
	}
}

// rgb parses a computed colour "rgb(r, g, b)".
func rgb(t *testing.T, css string) (r, g, b int) {
	t.Helper()
	m := regexp.MustCompile(`^rgba?\((\d+), (\d+), (\d+)`).FindStringSubmatch(css)
	if m == nil {
		t.Fatalf("colour %q", css)
	}
	r, _ = strconv.Atoi(m[1])
	g, _ = strconv.Atoi(m[2])
	b, _ = strconv.Atoi(m[3])
	return r, g, b
}

// TestBrowserClassStatusDot: the status's dot is green only when the page
// is connected, in light and dark: not while it says "Connecting…"
// (before the first connection, and when connecting again), nor offline.
func TestBrowserClassStatusDot(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Dots")
	p := mustProxy(t, srv.url)
	b := mustScreen(t, laptopScreen)
	const dot = `(() => { const el = document.getElementById("status"); return [el.dataset.state, el.textContent, getComputedStyle(el, "::before").color]; })()`
	green := func(what string, want bool) {
		t.Helper()
		got := eval[[]string](b, dot)
		r, g, bl := rgb(t, got[2])
		if isGreen := g > r && g > bl; isGreen != want {
			t.Errorf("%s: state %q, %q, dot %s: green %v, want %v", what, got[0], got[1], got[2], isGreen, want)
		}
	}
	for _, scheme := range []string{"light", "dark"} {
		b.setColorScheme(scheme)
		// A first visit: the page asks for a name before it connects.
		b.open(p.URL(), id, "")
		b.waitFor("the name dialog", `document.getElementById("name-dialog").open`)
		green(scheme+", before connecting", false)
		if got := eval[string](b, `document.getElementById("status").textContent`); got != "Connecting…" {
			t.Errorf("status %q before connecting", got)
		}
		b.do(chromedp.SendKeys(chromedp.CSS("#name-input"), "Ada\r"))
		b.waitLive()
		green(scheme+", connected", true)
		eval[chromedp.Void](b, `corkboard.conn.pause()`)
		green(scheme+", paused (offline)", false)
		p.Cut()
		// resume sets the state to connecting at once; the cut makes it fail.
		got := eval[[]string](b, `(corkboard.conn.resume(), `+dot+`)`)
		if r, g, bl := rgb(t, got[2]); got[0] != "connecting" || (g > r && g > bl) {
			t.Errorf("%s, connecting again: state %q, dot %s", scheme, got[0], got[2])
		}
		b.waitFor("reconnecting", `document.getElementById("status").dataset.state === "reconnecting"`)
		green(scheme+", reconnecting", false)
		b.backOnline(p)
		eval[chromedp.Void](b, `localStorage.clear()`)
	}
}

// TestBrowserClassLargeText: with large text on, at the laptop and
// projector sizes, a note's text is set smaller until it fits ("Rayleigh
// scattering!" whole), a text too long even then is marked as going on,
// every note either fits or is marked, and the board's title is not cut.
func TestBrowserClassLargeText(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Class 7B: what did we learn this week?")
	long := strings.Repeat("Plants take in carbon dioxide and give off oxygen in daylight. ", 8)
	var ops []board.Op
	for i, text := range []string{"Why is the sky blue?\nRayleigh scattering!", long, "Group work was fun"} {
		x, y, text := float64(i*240), 0.0, text
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), X: &x, Y: &y, Text: &text}})
	}
	mustApply(t, wsURL(srv.url, id), ops)
	const rayleigh, longNote = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"
	for _, s := range []classScreen{laptopScreen, projectorScreen} {
		t.Run(s.name, func(t *testing.T) {
			b := mustScreen(t, s)
			b.openWith(srv.url, id, map[string]string{"corkboard:name": "Ms Berg", "corkboard:large": "1"})
			b.waitFor("large text", `document.body.classList.contains("large-text")`)
			b.nextFrame()
			fit := `((id) => { const n = document.getElementById("note-" + id), t = n.querySelector(".note-text");
  return { clipped: n.classList.contains("clipped"), fits: t.scrollHeight <= t.clientHeight + 1, size: parseFloat(getComputedStyle(t).fontSize), marker: getComputedStyle(n.querySelector(".note-author"), "::before").content }; })`
			type fitted struct {
				Clipped bool    `json:"clipped"`
				Fits    bool    `json:"fits"`
				Size    float64 `json:"size"`
				Marker  string  `json:"marker"`
			}
			b.waitFor("notes fitted", `corkboard.view().notes.size === 3`)
			r := eval[fitted](b, fit+`(`+strconv.Quote(rayleigh)+`)`)
			if !r.Fits || r.Clipped || r.Size >= 24 || r.Size < 16 {
				t.Errorf("Rayleigh note: %+v, want it to fit, set between 16 and 24 px", r)
			}
			r = eval[fitted](b, fit+`(`+strconv.Quote(longNote)+`)`)
			if !r.Clipped || r.Marker != `"⋯"` || r.Size < 16 {
				t.Errorf("long note: %+v, want it marked as going on with ⋯, at 16 px or more", r)
			}
			if bad := eval[[]string](b, `[...document.querySelectorAll("#board .note")].filter(n => { const t = n.querySelector(".note-text"); return !n.classList.contains("clipped") && t.scrollHeight > t.clientHeight + 1; }).map(n => n.textContent.slice(0, 30))`); len(bad) > 0 {
				t.Errorf("cut off without a sign: %q", bad)
			}
			title := eval[[]float64](b, `(() => { const h = document.getElementById("board-title"); return [h.scrollWidth, h.clientWidth, h.scrollHeight, h.clientHeight, parseFloat(getComputedStyle(h).fontSize)]; })()`)
			if title[0] > title[1]+1 || title[2] > title[3]+1 {
				t.Errorf("the title is cut: scroll %vx%v in %vx%v", title[0], title[2], title[1], title[3])
			}
			if title[4] < 24 {
				t.Errorf("the title is set at %v px with large text on", title[4])
			}
			if bad := eval[[]string](b, coveredJS+`(null)`); len(bad) > 0 {
				t.Errorf("on open: %s", strings.Join(bad, "; "))
			}
		})
	}
}

// TestBrowserClassPhoneStudent: a student on a phone. Escape in the name
// dialog does not take what was typed: on a first visit the student joins
// as a guest, and later keeps the name they had. "Change name" is in the ⋯
// menu, which shows the name. The help can be put away, and stays away
// after a reload until the menu brings it back. The home page's title is
// "Corkboard".
func TestBrowserClassPhoneStudent(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Week 48")
	b := mustScreen(t, phoneScreen)
	b.open(srv.url, id, "")
	b.waitFor("the name dialog", `document.getElementById("name-dialog").open`)
	b.do(chromedp.SendKeys(chromedp.CSS("#name-input"), "Mistyped"))
	b.press("Escape", "Escape", 27)
	b.waitLive()
	guest := eval[string](b, `corkboard.name`)
	if !strings.HasPrefix(guest, "Guest ") {
		t.Errorf("after Escape on a first visit the name is %q, want a guest's", guest)
	}
	if eval[bool](b, `document.getElementById("name-dialog").open`) {
		t.Error("the dialog is still open")
	}

	// Change name, from the menu; Escape keeps the name, Join takes it.
	changeName := func() {
		t.Helper()
		b.do(chromedp.Click(chromedp.ID("more")))
		b.waitFor("the menu", `!document.getElementById("more-menu").hidden`)
		if got := eval[string](b, `document.getElementById("my-name").textContent`); got != guest && got != "Sam" {
			t.Errorf("the menu shows the name %q", got)
		}
		b.do(chromedp.Click(chromedp.ID("change-name")))
		b.waitFor("the name dialog", `document.getElementById("name-dialog").open`)
		eval[chromedp.Void](b, `document.getElementById("name-input").value = ""`)
		b.do(chromedp.SendKeys(chromedp.CSS("#name-input"), "Sam"))
	}
	changeName()
	b.press("Escape", "Escape", 27)
	b.waitFor("the dialog closed", `!document.getElementById("name-dialog").open`)
	if got := eval[string](b, `corkboard.name + " " + localStorage.getItem("corkboard:name")`); got != guest+" "+guest {
		t.Errorf("after Escape: name and stored name %q, want %q", got, guest)
	}
	changeName()
	b.do(chromedp.SendKeys(chromedp.CSS("#name-input"), kb.Enter))
	b.waitFor("the new name in the list", `document.getElementById("people").textContent.includes("Sam")`)
	if got := eval[string](b, `corkboard.name`); got != "Sam" {
		t.Errorf("after Join: name %q", got)
	}

	// The help: put away, and remembered.
	if eval[bool](b, `document.getElementById("help").hidden`) {
		t.Fatal("no help on a first visit")
	}
	b.do(chromedp.Click(chromedp.ID("hide-help")))
	b.do(chromedp.Reload())
	b.waitLive()
	if !eval[bool](b, `document.getElementById("help").hidden`) {
		t.Error("the help is back after a reload")
	}
	b.do(chromedp.Click(chromedp.ID("more")), chromedp.Click(chromedp.ID("show-help")))
	b.waitFor("the help again", `!document.getElementById("help").hidden`)

	if got := eval[string](b, `document.title`); got != "Week 48 · Corkboard" {
		t.Errorf("board page title %q", got)
	}
	b.do(chromedp.Navigate(srv.url + "/"))
	if got := eval[string](b, `document.title`); got != "Corkboard" {
		t.Errorf("home page title %q, want Corkboard", got)
	}
}
