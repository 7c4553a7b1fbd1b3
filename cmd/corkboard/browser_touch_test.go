package main

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"corkboard/board"
)

// The browser tests of a class on phones: what a finger does to the
// selection, the editor, the view, deletes, votes and cursors.

// touch sends one touch event with the finger at (x, y), or lifted (end).
func (b *browser) touch(typ input.DispatchTouchEventType, x, y float64) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	p := input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{{X: x, Y: y}}}
	if typ == input.DispatchTouchEventTypeTouchEnd {
		p.TouchPoints = []*input.TouchPoint{}
	}
	if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, p); err != nil {
		b.t.Fatal(err)
	}
}

// swipe puts a finger down at (x0, y0), moves it in steps to (x1, y1) and
// lifts it.
func (b *browser) swipe(x0, y0, x1, y1 float64) {
	b.t.Helper()
	b.touch(input.DispatchTouchEventTypeTouchStart, x0, y0)
	for i := 1; i <= 6; i++ {
		f := float64(i) / 6
		b.touch(input.DispatchTouchEventTypeTouchMove, x0+(x1-x0)*f, y0+(y1-y0)*f)
	}
	b.touch(input.DispatchTouchEventTypeTouchEnd, x1, y1)
}

// insertText types text into whatever has the focus, as a phone's
// keyboard does.
func (b *browser) insertText(text string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: text}); err != nil {
		b.t.Fatal(err)
	}
}

// emptySpotJS finds a point on screen over empty board, clear of notes and
// of the bars: [x, y], or null.
const emptySpotJS = `(() => {
  for (let y = innerHeight * 0.2; y < innerHeight * 0.7; y += 12) for (let x = 20; x < innerWidth - 20; x += 12) {
    const at = document.elementFromPoint(x, y);
    if (at && (at.id === "viewport" || at.id === "board")) return [x, y];
  }
  return null;
})()`

// noDblclick stops double clicks: two quick taps may make one, which opens
// a note too; taken out, only the page's own tap handling can.
const noDblclick = `addEventListener("dblclick", (e) => e.stopImmediatePropagation(), true)`

// twoNotesBoard makes a board with two notes, one above the other: on a
// phone both show at a size to write in.
func twoNotesBoard(t *testing.T, base string) string {
	t.Helper()
	id := mustCreate(t, base, "Two notes")
	mustApply(t, wsURL(base, id), append(createNotes(1, 0, 0, "first"), createNotes(2, 0, 220, "second")...))
	return id
}

func (b *browser) emptySpot() (x, y float64) {
	b.t.Helper()
	p := eval[[]float64](b, emptySpotJS)
	if len(p) != 2 {
		b.t.Fatal("no empty board on screen to tap")
	}
	return p[0], p[1]
}

// TestBrowserTouchTapDeselects: on a phone a tap on empty board clears
// the selection and puts the selection bar away; a pan there moves the
// view and keeps the selection.
func TestBrowserTouchTapDeselects(t *testing.T) {
	srv := mustLiveServer(t)
	id := twoNotesBoard(t, srv.url)
	b := mustScreen(t, phoneScreen)
	b.open(srv.url, id, "Amy")
	b.keepFocus()
	eval[chromedp.Void](b, noDblclick)
	n1 := noteID(1)
	b.tapNote(n1)
	b.waitFor("the note selected", `corkboard.ui.selected.has("`+n1+`") && !document.getElementById("selection-bar").hidden`)

	x, y := b.emptySpot()
	before := eval[[]float64](b, `[corkboard.cam.x, corkboard.cam.y]`)
	b.swipe(x, y, x+60, y+80)
	b.nextFrame()
	after := eval[[]float64](b, `[corkboard.cam.x, corkboard.cam.y]`)
	if math.Abs(after[0]-before[0]-60) > 1 || math.Abs(after[1]-before[1]-80) > 1 {
		t.Errorf("a swipe on empty board moved the view from %v to %v, want by (60, 80)", before, after)
	}
	if !eval[bool](b, `corkboard.ui.selected.has("`+n1+`")`) {
		t.Fatal("a pan cleared the selection")
	}

	x, y = b.emptySpot()
	b.tap(x, y)
	b.waitFor("the selection cleared", `corkboard.ui.selected.size === 0 && document.getElementById("selection-bar").hidden`)
}

// TestBrowserTouchEditEnds: while a note is being written in, a tap on
// another note or on empty board ends the writing, with what was typed
// saved, and another page stops showing the note as being written; so does
// a click elsewhere with a mouse.
func TestBrowserTouchEditEnds(t *testing.T) {
	srv := mustLiveServer(t)
	id := twoNotesBoard(t, srv.url)
	n1, n2 := noteID(1), noteID(2)
	b := mustScreen(t, phoneScreen)
	b.open(srv.url, id, "Amy")
	b.keepFocus()
	eval[chromedp.Void](b, noDblclick)
	// Another tab of the same browser is another page, which shows who
	// writes where.
	other, closeOther := b.newTab()
	defer closeOther()
	other.open(srv.url, id, "")
	other.waitLive()

	// edit opens note id with two taps and types text into it.
	edit := func(id, text string) {
		t.Helper()
		b.tapNote(id)
		b.waitFor("the note selected", `corkboard.ui.selected.has("`+id+`")`)
		b.tapNote(id)
		b.waitFor("the note open for writing", `corkboard.ui.editing === "`+id+`" && document.activeElement.classList.contains("note-editor")`)
		b.insertText(text)
		other.waitFor("the other page to show the note written in", `corkboard.ui.remoteEditors.has("`+id+`")`)
	}
	// saved waits for what was typed to be on the server and on the other
	// page, with nobody shown writing. (An emulated phone's keyboard may
	// put a space of its own before the typing.)
	saved := func(id, typed string) {
		t.Helper()
		b.waitFor("the text saved", fmt.Sprintf(`corkboard.state.confirmed.notes.get(%q)?.text.endsWith(%q) && corkboard.conn.outbox.ops.length === 0`, id, typed))
		other.waitFor("the other page to see the text and no writer", fmt.Sprintf(`corkboard.view().notes.get(%q)?.text.endsWith(%q) && corkboard.ui.remoteEditors.size === 0`, id, typed))
	}

	edit(n1, "first, more")
	b.tapNote(n2)
	b.waitFor("the writing ended, the other note selected", `!corkboard.ui.editing && !document.querySelector(".note-editor") && corkboard.ui.selected.has("`+n2+`") && corkboard.ui.selected.size === 1`)
	saved(n1, "first, more")

	edit(n2, "-too")
	x, y := b.emptySpot()
	b.tap(x, y)
	b.waitFor("the writing ended, nothing selected", `!corkboard.ui.editing && !document.querySelector(".note-editor") && corkboard.ui.selected.size === 0`)
	saved(n2, "-too")

	// With a mouse: Enter opens the note, a click on the other note ends it.
	l := mustScreen(t, laptopScreen)
	l.open(srv.url, id, "Bo")
	l.keepFocus()
	x1, y1, w1, h1 := l.noteRect(n1)
	l.do(chromedp.MouseClickXY(x1+w1/2, y1+h1/2))
	l.waitFor("the note selected", `corkboard.ui.selected.has("`+n1+`")`)
	l.press("Enter", "Enter", 13)
	l.waitFor("the note open for writing", `corkboard.ui.editing === "`+n1+`" && document.activeElement.classList.contains("note-editor")`)
	l.insertText("!")
	x2, y2, w2, h2 := l.noteRect(n2)
	l.do(chromedp.MouseClickXY(x2+w2/2, y2+h2/2))
	l.waitFor("the writing ended by the click", `!corkboard.ui.editing && !document.querySelector(".note-editor") && corkboard.ui.selected.has("`+n2+`")`)
	l.waitFor("the text saved", fmt.Sprintf(`corkboard.state.confirmed.notes.get(%q)?.text.endsWith(%q) && corkboard.conn.outbox.ops.length === 0`, n1, "more!"))
}

// TestBrowserTouchEditReadable: on a phone, a note that shows small at the
// fitted view is brought up to most of the screen's width to be written
// in, at the top of the screen, and the view goes back to where it was
// when the writing ends.
func TestBrowserTouchEditReadable(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Far apart")
	mustApply(t, wsURL(srv.url, id), farApart())
	b := mustScreen(t, phoneScreen)
	b.open(srv.url, id, "Amy")
	b.keepFocus()
	eval[chromedp.Void](b, noDblclick)
	n1 := noteID(1)
	_, _, w, _ := b.noteRect(n1)
	if w > 100 {
		t.Fatalf("the note is %.0f px wide at the fitted view; the test wants it small", w)
	}
	before := eval[[]float64](b, `[corkboard.cam.x, corkboard.cam.y, corkboard.cam.zoom]`)
	b.tapNote(n1)
	b.waitFor("the note selected", `corkboard.ui.selected.has("`+n1+`")`)
	b.tapNote(n1)
	b.waitFor("the note open for writing", `corkboard.ui.editing === "`+n1+`"`)
	b.nextFrame()
	x, y, w, h := b.noteRect(n1)
	if width := eval[float64](b, `innerWidth`); w < 0.8*width-1 {
		t.Errorf("the note being written in is %.0f px wide on a %.0f px screen, want at least 80%%", w, width)
	}
	if px := eval[float64](b, `parseFloat(getComputedStyle(document.querySelector(".note-editor")).fontSize) * corkboard.cam.zoom`); px < 16 {
		t.Errorf("the editor's text is %.1f px on screen, want at least 16", px)
	}
	if top := eval[float64](b, `document.querySelector(".topbar").getBoundingClientRect().bottom`); y < top || y > top+40 || x < 0 {
		t.Errorf("the note being written in is at (%.0f, %.0f) %.0fx%.0f, want it just below the top bar (%.0f)", x, y, w, h, top)
	}
	b.press("Escape", "Escape", 27)
	b.waitFor("the writing ended", `!corkboard.ui.editing`)
	b.nextFrame()
	if after := eval[[]float64](b, `[corkboard.cam.x, corkboard.cam.y, corkboard.cam.zoom]`); math.Abs(after[0]-before[0]) > 0.5 || math.Abs(after[1]-before[1]) > 0.5 || math.Abs(after[2]-before[2]) > 1e-6 {
		t.Errorf("after writing the view is %v, want it back at %v", after, before)
	}
}

// TestBrowserTouchUndoDelete: a delete shows a notice with Undo for a
// moment, on screen and clear of the selection bar, in the page's
// language; Undo brings the note back.
func TestBrowserTouchUndoDelete(t *testing.T) {
	srv := mustLiveServer(t)
	for _, tc := range []struct{ lang, text, undo string }{{"en", "Note deleted", "Undo"}, {"sv", "Lappen togs bort", "Ångra"}} {
		t.Run(tc.lang, func(t *testing.T) {
			id := twoNotesBoard(t, srv.url)
			b := mustScreen(t, phoneScreen)
			b.open(srv.url, id, "Amy")
			b.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=" + tc.lang))
			b.waitLive()
			b.keepFocus()
			eval[chromedp.Void](b, noDblclick)
			n1, n2 := noteID(1), noteID(2)
			// Deleted from the selection bar; then another note selected
			// while the notice shows: it keeps clear of the bar.
			b.tapNote(n1)
			b.waitFor("the note selected", `corkboard.ui.selected.has("`+n1+`")`)
			b.tapID("delete")
			b.waitFor("the note gone", `!corkboard.view().notes.has("`+n1+`")`)
			b.waitFor("the notice", `!!document.getElementById("undo-toast") && !document.getElementById("undo-toast").hidden`)
			if got := eval[string](b, `document.getElementById("undo-toast").innerText.replace(/\s+/g, " ").trim()`); got != tc.text+" "+tc.undo {
				t.Errorf("the notice says %q, want %q", got, tc.text+" "+tc.undo)
			}
			// The note's own top strip: where the finger lands is the note,
			// not the notice or a row of reactions over it.
			x2, y2, w2, _ := b.noteRect(n2)
			if at := eval[string](b, fmt.Sprintf(`document.elementFromPoint(%g, %g)?.closest(".note")?.id ?? ""`, x2+w2/2, y2+12)); at != "note-"+n2 {
				t.Fatalf("the top of the other note is covered (by %q)", at)
			}
			b.tap(x2+w2/2, y2+12)
			b.waitFor("the other note selected", `corkboard.ui.selected.has("`+n2+`") && !document.getElementById("selection-bar").hidden`)
			b.nextFrame()
			bad := eval[[]string](b, `(() => {
  const bad = [], r = document.getElementById("undo-toast").getBoundingClientRect();
  if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) bad.push("not wholly on screen");
  for (const el of document.querySelectorAll("#selection-bar, .topbar")) {
    const s = el.getBoundingClientRect();
    if (!el.hidden && r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top) bad.push("over " + (el.id || el.className));
  }
  return bad;
})()`)
			if len(bad) > 0 {
				t.Errorf("the notice is %s", strings.Join(bad, ", "))
			}
			eval[chromedp.Void](b, `document.getElementById("undo-toast").querySelector("button").id = "undo-toast-button"`)
			b.tapID("undo-toast-button")
			b.waitFor("the note back, the notice gone", `corkboard.view().notes.size === 2 && document.getElementById("undo-toast").hidden`)
		})
	}
}

// TestBrowserTouchVotesAndCursor: a vote's + and − take a finger's tap
// 44 px square, though they show smaller; and a finger lifted takes its
// cursor off the other pages.
func TestBrowserTouchVotesAndCursor(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Vote")
	ops := createNotes(1, 0, 0, "a", "b", "c", "d")
	ops = append(ops, createNotes(5, 0, 400, "e", "f", "g", "h")...)
	ops = append(ops, board.Op{Kind: board.KindVoteStart, Voting: &board.Voting{Votes: 3, PerNote: 2}})
	mustApply(t, wsURL(srv.url, id), ops)
	b := mustScreen(t, phoneScreen)
	b.open(srv.url, id, "Amy")
	b.keepFocus()
	eval[chromedp.Void](b, noDblclick)
	n1 := noteID(1)
	b.waitFor("the vote buttons", `!!document.querySelector("#note-`+n1+` .vote-plus:not([hidden])")`)
	r := eval[[]float64](b, `(() => { const r = document.querySelector("#note-`+n1+` .vote-plus").getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })()`)
	if r[2]-r[0] >= 44 {
		t.Fatalf("the + shows %.0f px wide; the test wants it small", r[2]-r[0])
	}
	// The corners of a 44 px square over the + (up and in over the note).
	hits := eval[[]string](b, fmt.Sprintf(`[[%[1]g, %[2]g], [%[3]g, %[2]g], [%[1]g, %[4]g], [%[3]g, %[4]g]].map(([x, y]) => document.elementFromPoint(x, y)?.className || "nothing")`, r[2]-43, r[3]-43, r[2]-1, r[3]-1))
	for i, h := range hits {
		if h != "vote-plus" {
			t.Errorf("corner %d of the + button's 44 px square hits %q", i, h)
		}
	}
	b.tap(r[2]-40, r[3]-40)
	b.waitFor("the vote counted", `corkboard.view().votes?.["`+n1+`"] > 0 || document.querySelector("#note-`+n1+` .vote-count")?.textContent.includes("1")`)

	other, closeOther := b.newTab()
	defer closeOther()
	other.open(srv.url, id, "")
	other.waitLive()
	x, y := b.emptySpot()
	b.touch(input.DispatchTouchEventTypeTouchStart, x, y)
	// The finger moves until the other page shows its cursor (the page
	// sends a cursor at most every 50 ms), then lifts.
	for i := 1; !eval[bool](other, `document.querySelectorAll("#cursors .cursor").length === 1`); i++ {
		if i > 500 {
			t.Fatal("the finger's cursor never reached the other page")
		}
		b.touch(input.DispatchTouchEventTypeTouchMove, x+float64(i%10)*4, y+float64(i%10)*4)
	}
	b.touch(input.DispatchTouchEventTypeTouchEnd, x+40, y+40)
	other.waitFor("the cursor gone when the finger lifts", `document.querySelectorAll("#cursors .cursor").length === 0`)
}

// TestBrowserTouchReactionsClear: the selected note's reactions, hung
// under it on a touch screen, go above it when below is the dock (the
// lesson's chips, the selection bar), so every button takes its tap.
func TestBrowserTouchReactionsClear(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Crowded")
	ops := createNotes(1, 0, 0, "a", "b")
	ops = append(ops, createNotes(3, 0, 220, "c", "d")...)
	ops = append(ops, createNotes(5, 0, 440, "e", "f")...)
	mustApply(t, wsURL(srv.url, id), ops)
	b := mustScreen(t, phoneScreen)
	b.open(srv.url, id, "Amy")
	b.keepFocus()
	eval[chromedp.Void](b, noDblclick)
	for _, n := range []string{noteID(5), noteID(1)} {
		b.tapNote(n)
		b.waitFor("the note's reactions", `corkboard.ui.selected.has("`+n+`") && !!document.querySelector("#note-`+n+` .note-reactions .reaction")`)
		b.nextFrame()
		b.nextFrame()
		bad := eval[[]string](b, `[...document.querySelectorAll("#note-`+n+` .note-reactions button:not([hidden])")].filter((el) => el.checkVisibility()).flatMap((el) => {
  const r = el.getBoundingClientRect(), at = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  return at && el.contains(at) ? [] : [(el.dataset.reaction || el.className) + " is under " + (at ? at.id || at.className : "nothing")];
})`)
		if len(bad) > 0 {
			t.Errorf("note %s: %s", n, strings.Join(bad, "; "))
		}
	}
}

// TestBrowserTouchScreenshots saves, light and dark, a phone with a note
// selected near the foot of the screen, a note being written in, and the
// notice after a delete, into $CORKBOARD_SCREENSHOTS (or a temporary
// folder), for a person to look at.
func TestBrowserTouchScreenshots(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Phone")
	ops := createNotes(1, 0, 0, "Photosynthesis needs light", "Roots take up water")
	ops = append(ops, createNotes(3, 0, 220, "Leaves are green", "Plants grow towards light")...)
	ops = append(ops, createNotes(5, 0, 440, "Seeds", "Flowers")...)
	ops = append(ops, board.Op{Kind: board.KindVoteStart, Voting: &board.Voting{Votes: 3, PerNote: 2}})
	mustApply(t, wsURL(srv.url, id), ops)
	dir := screenshotDir(t)
	b := mustScreen(t, phoneScreen)
	b.open(srv.url, id, "Amy")
	b.keepFocus()
	for _, scheme := range []string{"light", "dark"} {
		b.setColorScheme(scheme)
		b.do(chromedp.Navigate(srv.url + "/b/" + id))
		b.waitLive()
		eval[chromedp.Void](b, noDblclick)
		b.tapNote(noteID(5))
		b.waitFor("the note selected", `!document.getElementById("selection-bar").hidden`)
		b.nextFrame()
		b.screenshot(dir, "touch-selected-"+scheme)
		b.tapNote(noteID(1))
		b.waitFor("the note selected", `corkboard.ui.selected.has("`+noteID(1)+`")`)
		b.tapNote(noteID(1))
		b.waitFor("the note open", `!!corkboard.ui.editing`)
		b.nextFrame()
		b.screenshot(dir, "touch-editing-"+scheme)
		b.press("Escape", "Escape", 27)
		b.waitFor("the writing ended, the bar back", `!corkboard.ui.editing && !document.getElementById("selection-bar").hidden`)
		b.nextFrame()
		b.tapID("delete")
		b.waitFor("the notice", `document.getElementById("undo-toast")?.hidden === false`)
		b.nextFrame()
		b.screenshot(dir, "touch-deleted-"+scheme)
		eval[chromedp.Void](b, `corkboard.actions.undo()`)
		b.waitFor("the note back", `corkboard.view().notes.size === 6 && corkboard.conn.outbox.ops.length === 0`)
	}
}
