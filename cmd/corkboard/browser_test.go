package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// noteIDs lists the ids of the notes on the page, in DOM order.
const noteIDs = `[...document.querySelectorAll("#board .note")].map(n => n.dataset.id)`

// noteWith returns a JS expression: the id of the note whose text is text.
func noteWith(text string) string {
	return fmt.Sprintf(`([...document.querySelectorAll("#board .note")].find(n => n.querySelector(".note-text").textContent === %q)?.dataset.id ?? "")`, text)
}

// TestBrowserTwoPeople: two people, each in a browser of their own, edit one
// board; what one does, the other sees, and a reload keeps all of it.
func TestBrowserTwoPeople(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Retro")
	pa, pb := mustProxy(t, srv.url), mustProxy(t, srv.url)
	a := mustBrowser(t, 1280, 800)
	b := mustBrowser(t, 1280, 800)

	// Ada answers the name question the first time; Bo has a name already.
	a.open(pa.URL(), id, "")
	a.waitFor("the name dialog", `document.getElementById("name-dialog").open`)
	a.do(chromedp.SendKeys(chromedp.CSS("#name-input"), "Ada"+kb.Enter))
	a.waitLive()
	b.open(pb.URL(), id, "Bo")
	b.waitFor("Ada in the list of people", `document.getElementById("people").textContent.includes("Ada")`)

	// Create with the keyboard and type.
	a.press("n", "KeyN", 78)
	a.waitFor("an editor", `document.activeElement?.classList.contains("note-editor")`)
	a.do(chromedp.KeyEvent("Hello from Ada"), chromedp.KeyEvent(kb.Escape))
	b.waitFor("Ada's note", noteWith("Hello from Ada")+` !== ""`)
	note := eval[string](b, noteWith("Hello from Ada"))
	if got := eval[string](b, `document.getElementById("note-`+note+`").querySelector(".note-author").textContent`); got != "Ada" {
		t.Errorf("author %q, want Ada", got)
	}

	// Bo sees Ada's cursor with her name, and which note she is editing.
	a.do(chromedp.MouseEvent(chromedp.MouseMoved, 600, 500), chromedp.MouseEvent(chromedp.MouseMoved, 610, 505))
	b.waitFor("Ada's cursor", `[...document.querySelectorAll("#cursors .cursor")].some(c => c.textContent === "Ada")`)
	a.do(chromedp.DoubleClick(chromedp.CSS("#note-" + note + " .note-text")))
	a.waitFor("an editor", `document.activeElement?.classList.contains("note-editor")`)
	b.waitFor("Ada shown editing the note", `document.getElementById("note-`+note+`").dataset.editor === "Ada"`)
	a.do(chromedp.KeyEvent(kb.Escape))
	b.waitFor("Ada done editing", `document.getElementById("note-`+note+`").dataset.editor === undefined`)

	// Rename the board by its title.
	a.do(chromedp.DoubleClick(chromedp.ID("board-title")))
	a.waitFor("the title editable", `document.getElementById("board-title").isContentEditable`)
	a.do(chromedp.KeyEvent("Week 48 retro"))
	a.press("Enter", "Enter", 13)
	b.waitFor("the new title", `document.getElementById("board-title").textContent === "Week 48 retro"`)

	// Zoom with the keyboard, and fit all notes.
	a.do(chromedp.Click(chromedp.CSS("#viewport")), chromedp.KeyEvent("+"))
	if z := eval[float64](a, `corkboard.cam.zoom`); z <= 1 {
		t.Errorf("zoom %v after +, want more than 1", z)
	}
	a.do(chromedp.KeyEvent("0"))
	a.do(chromedp.KeyEvent(kb.Escape))
	// Back to 100 %, so screen distances below are board distances.
	eval[chromedp.Void](a, `Object.assign(corkboard.cam, {x: 0, y: 0, zoom: 1}); corkboard.renderNow()`)

	// Move by dragging.
	x, y, w, h := a.noteRect(note)
	before := eval[[]float64](b, `(() => { const n = corkboard.view().notes.get("`+note+`"); return [n.x, n.y]; })()`)
	a.drag(x+w/2, y+h/2, x+w/2+150, y+h/2+100)
	b.waitFor("the move", fmt.Sprintf(`(() => { const n = corkboard.view().notes.get(%q); return n.x === %v && n.y === %v; })()`, note, before[0]+150, before[1]+100))

	// Resize by the corner.
	x, y, w, h = a.noteRect(note)
	a.drag(x+w-4, y+h-4, x+w+96, y+h+46)
	b.waitFor("the resize", fmt.Sprintf(`(() => { const n = corkboard.view().notes.get(%q); return n.w === %v && n.h === %v; })()`, note, w+100, h+50))

	// Recolour from the selection bar.
	a.do(chromedp.Click(chromedp.CSS(`#swatches [data-color="blue"]`)))
	b.waitFor("the new colour", `document.getElementById("note-`+note+`").dataset.color === "blue"`)

	// Two more notes, by double-clicking empty space: the view moved to
	// the right of Ada's note, so the clicks below (well above the dock)
	// miss it.
	a.do(chromedp.KeyEvent(kb.Escape))
	eval[chromedp.Void](a, `(() => { const n = corkboard.view().notes.get("`+note+`");
  Object.assign(corkboard.cam, {x: -(n.x + n.w + 50), y: 0, zoom: 1}); corkboard.autoFit = false; corkboard.renderNow(); })()`)
	for i, text := range []string{"second", "third"} {
		a.do(chromedp.MouseClickXY(200+float64(i)*260, 300, chromedp.ClickCount(2)))
		a.waitFor("an editor", `document.activeElement?.classList.contains("note-editor")`)
		a.do(chromedp.KeyEvent(text), chromedp.KeyEvent(kb.Escape))
	}
	b.waitFor("three notes", noteIDs+`.length === 3`)
	a.waitFor("both texts drawn", noteWith("second")+` !== "" && `+noteWith("third")+` !== ""`)
	second, third := eval[string](a, noteWith("second")), eval[string](a, noteWith("third"))

	// Select both with shift-click and delete them together: one batch.
	// The typing above must be acknowledged first, or its version would
	// count as part of the delete.
	a.waitFor("the texts saved", `corkboard.conn.outbox.ops.length === 0`)
	versionBefore := eval[float64](a, `corkboard.state.confirmed.version`)
	x, y, w, _ = a.noteRect(second)
	a.do(chromedp.MouseClickXY(x+w/2, y+10))
	x, y, w, _ = a.noteRect(third)
	a.do(chromedp.MouseClickXY(x+w/2, y+10, chromedp.ButtonModifiers(chromedp.ModifierShift)))
	a.waitFor("two selected", `corkboard.ui.selected.size === 2`)
	a.press("Delete", "Delete", 46)
	b.waitFor("both gone", noteIDs+`.length === 1`)
	a.waitFor("saved", `corkboard.conn.outbox.ops.length === 0`)
	if got := eval[float64](a, `corkboard.state.confirmed.version`); got != versionBefore+1 {
		t.Errorf("deleting two notes took versions %v to %v, want one atomic batch", versionBefore, got)
	}

	// Undo brings both back (as new notes), redo removes them again, and
	// Bo sees each step.
	a.press("z", "KeyZ", 90, chromedp.ModifierCtrl)
	b.waitFor("undo of the delete", noteIDs+`.length === 3 && `+noteWith("second")+` !== "" && `+noteWith("third")+` !== ""`)
	a.press("Z", "KeyZ", 90, chromedp.ModifierCtrl, chromedp.ModifierShift)
	b.waitFor("redo of the delete", noteIDs+`.length === 1`)
	a.press("z", "KeyZ", 90, chromedp.ModifierCtrl)
	b.waitFor("undo again", noteIDs+`.length === 3`)

	// A reload keeps everything, drawn by the server before the script runs.
	a.waitFor("saved", `corkboard.conn.outbox.ops.length === 0`)
	want := eval[string](b, `JSON.stringify([...corkboard.view().notes.values()].map(n => [n.id, n.x, n.y, n.w, n.h, n.text, n.color]).sort())`)
	a.do(chromedp.Reload())
	if got := eval[float64](a, `document.querySelectorAll("#board .note").length`); got != 3 {
		t.Errorf("after reload the server drew %v notes, want 3", got)
	}
	a.waitLive()
	got := eval[string](a, `JSON.stringify([...corkboard.view().notes.values()].map(n => [n.id, n.x, n.y, n.w, n.h, n.text, n.color]).sort())`)
	if got != want {
		t.Errorf("after reload:\n got %s\nwant %s", got, want)
	}
}

// TestBrowserOffline: edits made while the connection is down are kept and
// arrive when it returns, even across a reload of the page in between; and
// an edit the server rejects shows its reason and rolls back.
func TestBrowserOffline(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Offline")
	pa, pb := mustProxy(t, srv.url), mustProxy(t, srv.url)
	a := mustBrowser(t, 1024, 700)
	b := mustBrowser(t, 1024, 700)
	a.open(pa.URL(), id, "Ada")
	b.open(pb.URL(), id, "Bo")

	const note = "00000000-0000-4000-8000-000000000001"
	eval[chromedp.Void](a, `corkboard.edit({kind:"create", note:{id:"`+note+`", x:100, y:100, text:"draft"}})`)
	b.waitFor("the note", `corkboard.view().notes.has("`+note+`")`)

	// Cut Ada's connection and type: the page says so and keeps the edits.
	pa.Cut()
	a.waitFor("offline status", `document.getElementById("status").dataset.state !== "connected"`)
	// The status's new words can change the bars, and a view nobody moved
	// fits the notes again: find the note once that is drawn.
	a.nextFrame()
	a.nextFrame()
	x, y, w, h := a.noteRect(note)
	a.do(chromedp.MouseClickXY(x+w/2, y+h/2, chromedp.ClickCount(2)))
	a.waitFor("an editor", `document.activeElement?.classList.contains("note-editor")`)
	a.do(chromedp.KeyEvent(" while offline"), chromedp.KeyEvent(kb.Escape))
	a.waitFor("unsent edits shown", `corkboard.conn.outbox.ops.length > 0 && document.getElementById("status").textContent.includes(corkboard.conn.outbox.ops.length)`)
	if got := eval[string](b, `corkboard.view().notes.get("`+note+`").text`); got != "draft" {
		t.Fatalf("Bo sees %q while Ada is offline", got)
	}
	pa.Restore()
	eval[chromedp.Void](a, `corkboard.conn.retryNow()`)
	b.waitFor("the offline edit", `corkboard.view().notes.get("`+note+`").text === "draft while offline"`)
	a.waitFor("all saved", `document.getElementById("status").dataset.state === "connected" && corkboard.conn.outbox.ops.length === 0`)

	// Cut again, edit, reload the page while still cut: the edit is kept
	// in the browser and shown, and sent once the connection returns.
	pa.Cut()
	a.waitFor("offline status", `document.getElementById("status").dataset.state !== "connected"`)
	eval[chromedp.Void](a, `corkboard.edit({kind:"update", id:"`+note+`", set:{text:"typed, then reloaded", color:"green"}})`)
	a.do(chromedp.Reload())
	a.waitFor("the kept edit shown after reload", `window.corkboard && corkboard.view().notes.get("`+note+`")?.text === "typed, then reloaded"`)
	if got := eval[string](b, `corkboard.view().notes.get("`+note+`").text`); got != "draft while offline" {
		t.Fatalf("Bo sees %q before Ada's connection returns", got)
	}
	pa.Restore()
	eval[chromedp.Void](a, `corkboard.conn.retryNow()`)
	b.waitFor("the edit from before the reload", `corkboard.view().notes.get("`+note+`")?.text === "typed, then reloaded" && corkboard.view().notes.get("`+note+`").color === "green"`)

	// Bo goes offline and edits the note; Ada deletes it meanwhile. When Bo
	// comes back, the server rejects the edit: Bo sees why, and the note is
	// gone on Bo's screen too.
	pb.Cut()
	b.waitFor("Bo offline", `document.getElementById("status").dataset.state !== "connected"`)
	eval[chromedp.Void](b, `corkboard.edit({kind:"update", id:"`+note+`", set:{text:"Bo's late edit"}})`)
	eval[chromedp.Void](a, `corkboard.edit({kind:"delete", id:"`+note+`"})`)
	a.waitFor("delete saved", `corkboard.conn.outbox.ops.length === 0`)
	pb.Restore()
	eval[chromedp.Void](b, `corkboard.conn.retryNow()`)
	b.waitFor("the rejection shown", `!document.getElementById("toast").hidden`)
	msg := eval[string](b, `document.getElementById("toast").textContent`)
	if !strings.Contains(msg, "was deleted") {
		t.Errorf("toast %q does not say why", msg)
	}
	b.waitFor("rolled back", `!corkboard.view().notes.has("`+note+`") && document.querySelectorAll("#board .note").length === 0`)
}

// TestBrowserXSS: markup in note text, board titles and names shows as text,
// in the server-rendered page, in live updates and after a reload, and
// never runs.
func TestBrowserXSS(t *testing.T) {
	payloads := []string{
		`<script>window.pwned=1</script>`,
		`"><img src=x onerror="window.pwned=1">`,
		`<svg onload="window.pwned=1">`,
		`javascript:window.pwned=1`,
	}
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, payloads[0]+payloads[1])
	a := mustBrowser(t, 1024, 700)
	b := mustBrowser(t, 1024, 700)
	a.open(srv.url, id, payloads[1])
	b.open(srv.url, id, "Bo")
	for i, p := range payloads {
		eval[chromedp.Void](a, fmt.Sprintf(`corkboard.edit({kind:"create", note:{id:"00000000-0000-4000-8000-00000000000%d", x:%d, y:50, text:%q}})`, i+1, 20+i*220, p))
	}
	eval[chromedp.Void](a, fmt.Sprintf(`corkboard.edit({kind:"rename", title:%q})`, payloads[2]))
	check := func(who *browser, when string) {
		t.Helper()
		who.waitFor("all notes ("+when+")", `document.querySelectorAll("#board .note").length === 4`)
		texts := eval[[]string](who, `[...document.querySelectorAll("#board .note .note-text")].map(n => n.textContent)`)
		for _, p := range payloads {
			found := false
			for _, text := range texts {
				found = found || text == p
			}
			if !found {
				t.Errorf("%s: %q is not shown as text; texts %q", when, p, texts)
			}
		}
		if n := eval[float64](who, `document.querySelectorAll("#board script, #board img, #board svg, h1 img, h1 script").length`); n != 0 {
			t.Errorf("%s: %v elements made from payloads", when, n)
		}
		if eval[bool](who, `window.pwned !== undefined`) {
			t.Errorf("%s: a payload ran", when)
		}
	}
	check(b, "live")
	b.waitFor("the title", fmt.Sprintf(`document.getElementById("board-title").textContent === %q`, payloads[2]))
	b.waitFor("Ada's name in the list", fmt.Sprintf(`document.getElementById("people").textContent.includes(%q)`, payloads[1]))
	a.waitFor("saved", `corkboard.conn.outbox.ops.length === 0`)
	b.do(chromedp.Reload())
	if n := eval[float64](b, `document.querySelectorAll("#board .note").length`); n != 4 {
		t.Errorf("server-rendered page has %v notes, want 4", n)
	}
	if got := eval[string](b, `document.getElementById("board-title").textContent`); got != payloads[2] {
		t.Errorf("server-rendered title %q", got)
	}
	check(b, "after reload")
	b.waitLive()
	check(b, "after reload, live")

	if got := eval[string](b, `document.querySelector(".note-author").textContent`); got != payloads[1] {
		t.Errorf("author shown as %q", got)
	}
	// The home page lists the board among the recent ones, as text.
	b.do(chromedp.Navigate(srv.url + "/"))
	b.waitFor("the recent list", `document.querySelector("#recent-boards a") !== null`)
	if got := eval[string](b, `document.querySelector("#recent-boards a").textContent`); got != payloads[2] {
		t.Errorf("recent board listed as %q, want the title as text", got)
	}
	if eval[bool](b, `window.pwned !== undefined || document.querySelectorAll("#recent-boards img, #recent-boards svg, #recent-boards script").length > 0`) {
		t.Error("the recent list ran or built markup from a title")
	}
}

// TestBrowserClosedTab: an edit made offline in a tab that is then closed
// is not lost: the next tab that opens the board in the same browser
// adopts it and sends it.
func TestBrowserClosedTab(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Closed tab")
	p := mustProxy(t, srv.url)
	a := mustBrowser(t, 1024, 700)
	a.open(p.URL(), id, "Ada")

	// A second tab in the same browser (same profile and storage).
	tab, closeTab := a.newTab()
	tab.do(chromedp.Navigate(p.URL() + "/b/" + id))
	tab.waitLive()
	p.Cut()
	tab.waitFor("offline", `document.getElementById("status").dataset.state !== "connected"`)
	eval[chromedp.Void](tab, `corkboard.edit({kind:"create", note:{id:"00000000-0000-4000-8000-00000000000c", x:10, y:10, text:"from a closed tab"}})`)
	tab.waitFor("kept in storage", `Object.keys(localStorage).some(k => k.startsWith("corkboard:outbox:") && localStorage.getItem(k).includes("from a closed tab"))`)
	closeTab()

	// Some seconds later the board is opened again in a new tab. The
	// closed tab's outbox counts as no tab's once it has not been marked
	// alive for 6 s: it is aged here rather than waited for.
	p.Restore()
	eval[chromedp.Void](a, `for (const k of Object.keys(localStorage)) {
  if (!k.startsWith("corkboard:outbox:")) continue;
  const r = JSON.parse(localStorage.getItem(k));
  if (JSON.stringify(r.ops).includes("from a closed tab")) localStorage.setItem(k, JSON.stringify({ ...r, alive: r.alive - 7000 }));
}`)
	tab2, closeTab2 := a.newTab()
	defer closeTab2()
	tab2.do(chromedp.Navigate(p.URL() + "/b/" + id))
	tab2.waitLive()
	a.waitFor("the edit from the closed tab", `corkboard.view().notes.get("00000000-0000-4000-8000-00000000000c")?.text === "from a closed tab"`)
	tab2.waitFor("outbox empty", `corkboard.conn.outbox.ops.length === 0`)
}
