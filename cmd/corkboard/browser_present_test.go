package main

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"corkboard/board"
)

// The browser tests of presenting: a teacher presents, students follow,
// and the projector view.

// presentNotes are six notes in two rows, a little apart.
func presentNotes() []board.Op {
	texts := []string{
		"Photosynthesis turns light into sugar",
		"Why is the sky blue?\nRayleigh scattering!",
		"Group work was fun",
		"I want more experiments",
		"Question: how do plants breathe at night?",
		"Homework: read chapter 4",
	}
	colors := []string{"yellow", "blue", "green", "pink", "orange", "purple"}
	var ops []board.Op
	for i, text := range texts {
		x, y, text, color := float64((i%3)*300), float64((i/3)*240), text, colors[i]
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: presentNote(i), X: &x, Y: &y, Text: &text, Color: &color}})
	}
	return ops
}

func presentNote(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1) }

// linkOf returns the link in a board page's address.
func linkOf(url string) string { return path.Base(url) }

// showsJS is true once the page shows the board rectangle r in the middle
// of the part of the screen its bars leave free, as large as fits: whole,
// or on a screen much narrower than r (a portrait phone following a
// landscape view) its full height, or as much of it as the presenter's
// own zoom shows. Its camera converged on r.
func showsJS(r []float64) string {
	data, _ := json.Marshal(r)
	return fmt.Sprintf(`((r) => {
  const a = corkboard.freeArea(), c = corkboard.cam, tol = 2 / c.zoom; // two pixels on screen
  const v = [(a.left - c.x) / c.zoom, (a.top - c.y) / c.zoom, (a.right - a.left) / c.zoom, (a.bottom - a.top) / c.zoom];
  const cover = r[2] / r[3] >= 1.5 * (v[2] / v[3]);
  const tall = v[1] <= r[1] + tol && v[1] + v[3] >= r[1] + r[3] - tol;
  const wide = v[0] <= r[0] + tol && v[0] + v[2] >= r[0] + r[2] - tol;
  const middle = Math.abs(v[0] + v[2] / 2 - r[0] - r[2] / 2) <= tol && Math.abs(v[1] + v[3] / 2 - r[1] - r[3] / 2) <= tol;
  const most = corkboard.stage.info.view?.zoom; // no further in than the presenter
  const capped = !!most && Math.abs(c.zoom - most) <= 0.002 && v[3] >= r[3] - tol;
  const tight = cover ? Math.abs(v[3] - r[3]) <= 2 * tol || capped : Math.abs(v[2] - r[2]) <= 2 * tol || Math.abs(v[3] - r[3]) <= 2 * tol;
  return tall && (cover || wide) && middle && tight;
})(%s)`, data)
}

// sentView waits until the server has the presenter's view as it is on
// their screen now, and returns it as [x, y, w, h].
func (b *browser) sentView() []float64 {
	b.t.Helper()
	b.waitFor("the view on the stage", `(() => {
  const v = corkboard.stage.info.view, r = corkboard.stage.viewRect();
  return corkboard.stage.presenting() && !!v && v.x === r.x && v.y === r.y && v.w === r.w && v.h === r.h;
})()`)
	return eval[[]float64](b, `(() => { const r = corkboard.stage.viewRect(); return [r.x, r.y, r.w, r.h]; })()`)
}

// wheel turns the mouse wheel over the board at (x, y): a pan. Chromium
// wants both deltas, and neither may be 0.
func (b *browser) wheel(x, y, dx, dy float64) {
	b.t.Helper()
	b.do(chromedp.MouseEvent(chromedp.MouseWheel, x, y, func(p *input.DispatchMouseEventParams) { p.DeltaX, p.DeltaY = dx, dy }))
}

// clickNote clicks the middle of a note.
func (b *browser) clickNote(id string) {
	b.t.Helper()
	x, y, w, h := b.noteRect(id)
	b.do(chromedp.MouseClickXY(x+w/2, y+h/2))
}

// TestBrowserPresent: a teacher presents to a student on a phone with the
// view link, who follows by default, and one at a laptop with the edit
// link, who chooses to follow. Both converge on the teacher's view as the
// teacher pans and zooms, and the teacher sees that two follow. The editor
// pans, which stops following, and "Follow again" brings them back. A
// spotlight zooms both to the note and dims the others. Two stops saved,
// then PageUp and PageDown (a clicker) step through them, and the
// followers go along and see which stop it is. "Bring everyone here"
// moves the editor, who no longer follows, once: they still do not follow.
func TestBrowserPresent(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "The water cycle")
	id := created.facilitate()
	mustApply(t, wsURL(srv.url, id), presentNotes())

	teacher := mustScreen(t, laptopScreen)
	teacher.openWith(srv.url, id, map[string]string{"corkboard:name": "Ms Berg"})
	viewer := mustScreen(t, phoneScreen)
	viewer.openWith(srv.url, linkOf(created.Links[board.RoleView].URL), map[string]string{"corkboard:name": "Sam"})
	editor := mustBrowser(t, 1280, 800)
	editor.openWith(srv.url, linkOf(created.Links[board.RoleEdit].URL), map[string]string{"corkboard:name": "Lee"})

	// Present: the view link's page follows at once; the editor's offers to.
	teacher.do(chromedp.Click(chromedp.ID("present")))
	teacher.waitFor("presenting", `corkboard.stage.presenting() && !document.getElementById("stage-bar").hidden`)
	viewer.waitFor("the viewer following", `corkboard.stage.following()`)
	editor.waitFor("the offer to follow", `!document.getElementById("follow").hidden && document.getElementById("follow").textContent === "Follow Ms Berg"`)
	if got := eval[string](editor, `document.getElementById("stage-badge").textContent`); got != "Ms Berg is presenting" {
		t.Errorf("the editor's top bar says %q", got)
	}
	editor.do(chromedp.Click(chromedp.ID("follow")))
	editor.waitFor("the editor following", `corkboard.stage.following() && document.getElementById("follow").hidden && !document.getElementById("unfollow").hidden`)
	teacher.waitFor("two following", `document.getElementById("stage-status").textContent.endsWith("2 following") && document.querySelectorAll("#people .person-follows").length === 2`)

	// Pan and zoom: both go along.
	teacher.press("+", "Equal", 187)
	teacher.press("+", "Equal", 187)
	teacher.wheel(600, 400, 250, 120)
	r := teacher.sentView()
	viewer.waitFor("the viewer on the teacher's view", showsJS(r))
	editor.waitFor("the editor on the teacher's view", showsJS(r))

	// The editor pans: no longer following, until Follow again.
	editor.wheel(640, 400, 40, 300)
	editor.waitFor("the editor no longer following", `!corkboard.stage.following() && document.getElementById("follow").textContent === "Follow again"`)
	if eval[bool](editor, showsJS(r)) {
		t.Fatal("the editor's pan did not move their view")
	}
	editor.do(chromedp.Click(chromedp.ID("follow")))
	editor.waitFor("the editor back on the teacher's view", `corkboard.stage.following() && `+showsJS(r))

	// Spotlight a note: both zoom to it, and the rest dims.
	spot, other := presentNote(1), presentNote(0)
	teacher.press("0", "Digit0", 48) // fit: every note on screen
	teacher.clickNote(spot)
	teacher.waitFor("the note selected", `corkboard.ui.selected.has("`+spot+`") && !document.getElementById("spotlight").disabled`)
	teacher.do(chromedp.Click(chromedp.ID("spotlight")))
	spotlit := fmt.Sprintf(`(() => {
  const n = document.getElementById("note-%s"), o = document.getElementById("note-%s");
  if (!document.body.classList.contains("spotlight-on") || !n.classList.contains("spotlit")) return false;
  const a = corkboard.freeArea(), r = n.getBoundingClientRect();
  const whole = r.left >= a.left - 1 && r.right <= a.right + 1 && r.top >= a.top - 1 && r.bottom <= a.bottom + 1;
  const large = r.width > (a.right - a.left) * 0.6 || r.height > (a.bottom - a.top) * 0.6;
  return whole && large && Number(getComputedStyle(o).opacity) < 0.5;
})()`, spot, other)
	for _, b := range []*browser{teacher, viewer, editor} {
		b.waitFor("the spotlight", spotlit)
	}
	teacher.do(chromedp.Click(chromedp.ID("spotlight")))
	for _, b := range []*browser{viewer, editor} {
		b.waitFor("the spotlight ended", `!document.body.classList.contains("spotlight-on") && !corkboard.stage.info.spotlight`)
	}

	// Two stops: the whole board, then a part of it; step with a clicker.
	teacher.press("0", "Digit0", 48)
	teacher.do(chromedp.Click(chromedp.ID("stop-add")))
	teacher.press("+", "Equal", 187)
	teacher.press("+", "Equal", 187)
	teacher.do(chromedp.Click(chromedp.ID("stop-add")))
	teacher.waitFor("two stops saved", `corkboard.state.confirmed.stops?.length === 2 && document.getElementById("stop-count").textContent === "2 / 2"`)
	stops := eval[[][]float64](teacher, `corkboard.view().stops.map((s) => [s.x, s.y, s.w, s.h])`)
	for i, key := range []struct {
		key, code string
		keyCode   int64
	}{{"PageUp", "PageUp", 33}, {"PageDown", "PageDown", 34}} {
		n := i // PageUp goes back to the first stop, PageDown on to the second
		teacher.press(key.key, key.code, key.keyCode)
		teacher.waitFor("the stop on the stage", fmt.Sprintf(`corkboard.stage.info.stop === corkboard.view().stops[%d].id`, n))
		where := fmt.Sprintf(`document.getElementById("stop-where").textContent === "%d / 2"`, n+1)
		viewer.waitFor(fmt.Sprintf("the viewer at stop %d", n+1), where+" && "+showsJS(stops[n]))
		editor.waitFor(fmt.Sprintf("the editor at stop %d", n+1), where+" && "+showsJS(stops[n]))
	}

	// On the second stop, saving it again says which stop it is; deleting
	// the first asks, and Escape closes the list without leaving the
	// stage bar's button for the board.
	teacher.do(chromedp.Click(chromedp.ID("stop-add")))
	teacher.waitFor("the stop named", toastSays("This view is already a stop: Stop 2"))
	if n := eval[float64](teacher, `corkboard.view().stops.length`); n != 2 {
		t.Errorf("%v stops after saving a stop again, want 2", n)
	}
	teacher.do(chromedp.Click(chromedp.ID("stop-count")))
	teacher.waitFor("the list of stops", `!document.getElementById("stops-panel").hidden && document.querySelectorAll("#stops-list .stop-delete").length === 2`)
	teacher.do(chromedp.Click(chromedp.CSS("#stops-list li:first-child .stop-delete")))
	teacher.waitFor("the question", `document.getElementById("confirm-dialog").open && document.getElementById("confirm-text").textContent.includes("Stop 1")`)
	teacher.do(chromedp.Click(chromedp.ID("confirm-cancel")))
	teacher.waitFor("the question answered", `!document.getElementById("confirm-dialog").open`)
	if n := eval[float64](teacher, `corkboard.view().stops.length`); n != 2 {
		t.Errorf("%v stops after a delete was cancelled, want 2", n)
	}
	teacher.do(chromedp.Click(chromedp.CSS("#stops-list li:first-child .stop-delete")))
	teacher.waitFor("the question", `document.getElementById("confirm-dialog").open`)
	teacher.do(chromedp.Click(chromedp.ID("confirm-ok")))
	teacher.waitFor("one stop left", `corkboard.state.confirmed.stops?.length === 1 && document.querySelectorAll("#stops-list .stop-delete").length === 1`)
	teacher.do(chromedp.Focus(chromedp.CSS("#stops-list .stop-go")))
	teacher.press("Escape", "Escape", 27)
	teacher.waitFor("the list closed", `document.getElementById("stops-panel").hidden && document.activeElement?.id === "stop-count"`)

	// Bring everyone here: the editor, not following, comes once.
	editor.do(chromedp.Click(chromedp.ID("unfollow")))
	editor.waitFor("the editor not following", `!corkboard.stage.following() && document.getElementById("follow").textContent === "Follow Ms Berg"`)
	editor.wheel(640, 400, -400, 40)
	teacher.wheel(600, 400, 60, -350)
	r = teacher.sentView()
	if eval[bool](editor, showsJS(r)) {
		t.Fatal("the editor shows the teacher's view before the summon")
	}
	teacher.do(chromedp.Click(chromedp.ID("summon")))
	editor.waitFor("the editor summoned", showsJS(r))
	if eval[bool](editor, `corkboard.stage.following()`) {
		t.Error("the summon made the editor follow")
	}
	viewer.waitFor("the viewer still following", `corkboard.stage.following() && `+showsJS(r))

	// Stop presenting: the stage is empty everywhere.
	teacher.do(chromedp.Click(chromedp.ID("present-stop")))
	for _, b := range []*browser{viewer, editor} {
		b.waitFor("nobody presenting", `!corkboard.stage.info.presenter && document.getElementById("stage-badge").hidden && document.getElementById("stage-bar").hidden`)
	}
}

// TestScreenshotsPresent saves, in both languages, light and dark: the
// presenter's page on a laptop (and its list of stops), a follower's
// phone, both with a note in the spotlight, the phone offering to follow
// again, and the presenter's page in
// the projector view at 1920x1080 and 1280x720, laser pointer on (see
// screenshotDir). It fails if the projector view shows any editing
// chrome, a note under its strip or the board's title cut.
func TestScreenshotsPresent(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Class 7B: what did we learn this week?")
	id := created.facilitate()
	mustApply(t, wsURL(srv.url, id), presentNotes())
	dir := screenshotDir(t)

	teacher := mustScreen(t, laptopScreen)
	teacher.openWith(srv.url, id, map[string]string{"corkboard:name": "Ms Berg", "corkboard:help": "off"})
	phone := mustScreen(t, phoneScreen)
	phone.openWith(srv.url, linkOf(created.Links[board.RoleView].URL), map[string]string{"corkboard:name": "Sam"})
	spot := presentNote(4)
	for _, lang := range []string{"en", "sv"} {
		for _, scheme := range schemesFor(lang) {
			suffix := lang + "-" + scheme
			teacher.setColorScheme(scheme)
			phone.setColorScheme(scheme)
			teacher.do(chromedp.EmulateViewport(laptopScreen.width, laptopScreen.height))
			teacher.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=" + lang))
			teacher.waitLive()
			phone.do(chromedp.Navigate(created.Links[board.RoleView].URL + "?lang=" + lang))
			phone.waitLive()
			teacher.do(chromedp.Click(chromedp.ID("present")))
			teacher.do(chromedp.Click(chromedp.ID("stop-add")))
			teacher.waitFor("one following", `document.querySelectorAll("#people .person-follows").length === 1`)
			r := teacher.sentView()
			phone.waitFor("the phone on the teacher's view", showsJS(r))
			teacher.screenshot(dir, "present-laptop-"+suffix)
			phone.screenshot(dir, "present-phone-"+suffix)
			teacher.do(chromedp.Click(chromedp.ID("stop-count")))
			teacher.waitFor("the list of stops", `document.querySelectorAll("#stops-list li").length > 0`)
			teacher.screenshot(dir, "stops-laptop-"+suffix)
			teacher.do(chromedp.Click(chromedp.ID("stops-close")))

			teacher.clickNote(spot)
			teacher.waitFor("the note selected", `!document.getElementById("spotlight").disabled`)
			teacher.do(chromedp.Click(chromedp.ID("spotlight")))
			for _, b := range []*browser{teacher, phone} {
				b.waitFor("the spotlight", `document.getElementById("note-`+spot+`").classList.contains("spotlit") && !corkboard.stage.gliding()`)
				b.nextFrame()
			}
			teacher.screenshot(dir, "spotlight-laptop-"+suffix)
			phone.screenshot(dir, "spotlight-phone-"+suffix)
			phone.do(chromedp.Click(chromedp.ID("unfollow")))
			phone.waitFor("the offer to follow", `!document.getElementById("follow").hidden`)
			phone.screenshot(dir, "follow-phone-"+suffix)

			// The wall: the presenter's page in the projector view.
			for _, size := range []struct {
				name string
				w, h int64
			}{{"1920", 1920, 1080}, {"1280", 1280, 720}} {
				teacher.do(chromedp.EmulateViewport(size.w, size.h))
				teacher.do(chromedp.Navigate(srv.url + "/b/" + id + "?projector=1&lang=" + lang))
				teacher.waitLive()
				teacher.do(chromedp.Click(chromedp.ID("present-start")))
				teacher.waitFor("presenting", `corkboard.stage.presenting()`)
				teacher.press("l", "KeyL", 76)
				x, y, w, h := teacher.noteRect(presentNote(1))
				teacher.do(chromedp.MouseEvent(chromedp.MouseMoved, x+w*0.7, y+h*0.6))
				teacher.waitFor("the pointer", `!document.querySelector(".laser").hidden`)
				teacher.nextFrame()
				if bad := eval[[]string](teacher, projectorChromeJS); len(bad) > 0 {
					t.Errorf("projector %s %s: %s", size.name, suffix, strings.Join(bad, "; "))
				}
				teacher.screenshot(dir, "projector-"+size.name+"-"+suffix)
			}
		}
	}
	t.Logf("screenshots in %s", dir)
}

// projectorChromeJS lists what the projector view shows that it should
// not: editing chrome, or a note not wholly on screen or under the strip.
const projectorChromeJS = `(() => {
  const bad = [];
  const shown = (el) => el && !el.hidden && el.getClientRects().length > 0;
  for (const sel of [".topbar", "#help", ".people", "#selection-bar", ".resize-handle"]) {
    if ([...document.querySelectorAll(sel)].some(shown)) bad.push(sel + " is shown");
  }
  const strip = document.getElementById("stage-bar").getBoundingClientRect();
  for (const n of document.querySelectorAll("#board .note")) {
    const r = n.getBoundingClientRect();
    if (r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5) bad.push(n.id + " is not wholly on screen");
    if (r.bottom > strip.top && r.top < strip.bottom && r.right > strip.left && r.left < strip.right) bad.push(n.id + " is under the strip");
  }
  const title = document.getElementById("stage-title");
  if (title.scrollWidth > title.clientWidth + 1 || title.scrollHeight > title.clientHeight + 1) bad.push("the title is cut");
  return bad;
})()`
