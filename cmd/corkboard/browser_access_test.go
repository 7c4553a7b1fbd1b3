package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"corkboard/board"
	"corkboard/sync/wsclient"
)

// The browser tests of the board page for those who do not see it, use no
// mouse, or have only a finger: what a screen reader is told, where the
// keyboard's focus goes, and the buttons that stand in for drags.

// hearLive makes the page keep everything its live region says, in
// window.heard, from now on.
const hearLive = `(() => {
  const el = document.getElementById("announcer");
  window.heard = [];
  new MutationObserver(() => el.textContent.trim() && window.heard.push(el.textContent.trim()))
    .observe(el, { childList: true, characterData: true, subtree: true });
})()`

// heard returns what the live region has said since hearLive.
func (b *browser) heard() []string {
	b.t.Helper()
	var said []string
	if err := json.Unmarshal([]byte(eval[string](b, `JSON.stringify(window.heard)`)), &said); err != nil {
		b.t.Fatal(err)
	}
	return said
}

// axNode returns the accessibility tree's node for the element a JS
// expression gives: its computed name and description, as a screen
// reader gets them.
func (b *browser) axNode(js string) (name, description string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	obj, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: js})
	if err != nil || obj.Result == nil || obj.Result.ObjectID == "" {
		b.t.Fatalf("finding %s: %v", js, err)
	}
	no := false
	tree, err := chromedp.Call(ctx, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{ObjectID: obj.Result.ObjectID, FetchRelatives: &no})
	if err != nil || len(tree.Nodes) == 0 {
		b.t.Fatalf("the accessibility node of %s: %v", js, err)
	}
	text := func(v *accessibility.Value) string {
		if v == nil {
			return ""
		}
		var s string
		json.Unmarshal(v.Value, &s)
		return s
	}
	n := tree.Nodes[0]
	return text(n.Name), text(n.Description)
}

// keepFocus makes the page behave as a focused window, whatever the
// headless browser's own windows do: without it, focus() moves the focus
// but fires no focus events, and the page never hears of it.
func (b *browser) keepFocus() {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		b.t.Fatal(err)
	}
}

// tap touches the screen at (x, y) and lifts the finger, as a phone's
// touch screen does.
func (b *browser) tap(x, y float64) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	for _, p := range []input.DispatchTouchEventParams{
		{Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: []*input.TouchPoint{{X: x, Y: y}}},
		{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}},
	} {
		if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, p); err != nil {
			b.t.Fatal(err)
		}
	}
}

// tapNote taps the middle of a note.
func (b *browser) tapNote(id string) {
	b.t.Helper()
	x, y, w, h := b.noteRect(id)
	b.tap(x+w/2, y+h/2)
}

// tapID taps the middle of the element with the given id.
func (b *browser) tapID(id string) {
	b.t.Helper()
	r := eval[[]float64](b, fmt.Sprintf(`(() => { const r = document.getElementById(%q).getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()`, id))
	b.tap(r[0]+r[2]/2, r[1]+r[3]/2)
}

// noteID is the id of the i-th note these tests make.
func noteID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// createNotes is a create op for each text, in a row from (x, y).
func createNotes(first int, x, y float64, texts ...string) []board.Op {
	var ops []board.Op
	for i, text := range texts {
		nx, text := x+float64(i)*240, text
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: noteID(first + i), X: &nx, Y: &y, Text: &text}})
	}
	return ops
}

// mustPerson connects a person other than the page's, who stays on the
// board until the test ends; the server's messages to them are read and
// dropped.
func mustPerson(t *testing.T, wsURL, name string) *wsclient.Client {
	t.Helper()
	c, _, err := wsclient.Dial(context.Background(), wsURL, wsclient.Hello{Client: "access-" + name, Name: name, Participant: wsclient.NewParticipant()}, nil)
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
	return c
}

// TestBrowserAccessAnnouncements: what others do is said in the page's
// polite live region, a moment's changes in one sentence: Bo joins and
// adds three notes, and the page says so once; Bo moves one, and it says
// that. What Ada does herself (a note added, typed into, moved with the
// arrows) is never said, nor is "saving" or "saved" after each of her
// edits, which the status only shows.
func TestBrowserAccessAnnouncements(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Heard, not seen")
	b := mustScreen(t, laptopScreen)
	b.open(srv.url, id, "Ada")
	eval[chromedp.Void](b, hearLive)
	if live := eval[string](b, `document.getElementById("status").getAttribute("aria-live") ?? ""`); live != "" {
		t.Errorf("the status is a live region (aria-live=%q): every save would be said", live)
	}

	bo := mustPerson(t, wsURL(srv.url, id), "Bo")
	for _, op := range createNotes(1, 100, 100, "one", "two", "three") {
		if _, err := bo.SendOp(op); err != nil {
			t.Fatal(err)
		}
	}
	b.waitFor("Bo's notes said", `window.heard.length > 0`)
	if got, want := b.heard(), []string{"Bo joined. Bo added 3 notes"}; !slices.Equal(got, want) {
		t.Fatalf("heard %q, want %q", got, want)
	}

	// Ada's own work: nothing to say.
	b.press("n", "KeyN", 78)
	b.waitFor("Ada's note open", `!!corkboard.ui.editing`)
	b.do(chromedp.SendKeys(`.note-editor`, "mine"))
	b.press("Escape", "Escape", 27)
	for range 5 {
		b.press("ArrowRight", "ArrowRight", 39)
	}
	b.waitFor("Ada's edits saved", `corkboard.conn.outbox.ops.length === 0 && corkboard.state.pending.length === 0`)

	x, y := 500.0, 400.0
	if _, err := bo.SendOp(board.Op{Kind: board.KindUpdate, ID: noteID(2), Set: &board.Patch{X: &x, Y: &y}}); err != nil {
		t.Fatal(err)
	}
	b.waitFor("Bo's move said", `window.heard.length > 1`)
	if got, want := b.heard(), []string{"Bo joined. Bo added 3 notes", "Bo moved a note"}; !slices.Equal(got, want) {
		t.Fatalf("heard %q, want %q: only Bo's changes, each moment once", got, want)
	}
}

// TestBrowserAccessKeyboard: with the keyboard alone. A note says what
// its keys do; Tab on a note goes to the selection bar, which is one Tab
// stop whose tools the arrows walk, and Tab there goes on to the next
// note; K changes the colour and says which; a note deleted with Delete
// leaves the focus on the next note (the one before at the end, the board
// when none is left). The large-text choice is named in words.
func TestBrowserAccessKeyboard(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Keys only")
	mustApply(t, wsURL(srv.url, id), createNotes(1, 100, 100, "first", "second", "third"))
	b := mustScreen(t, laptopScreen)
	b.open(srv.url, id, "Ada")
	b.keepFocus()
	eval[chromedp.Void](b, hearLive)
	focused := func() string {
		return eval[string](b, `(() => { const a = document.activeElement; return a.dataset.id ? "note " + a.querySelector(".note-text").textContent : a.id || a.getAttribute("aria-label") || a.tagName; })()`)
	}
	want := func(what, js string) {
		t.Helper()
		b.waitFor(what, js)
	}

	if _, desc := b.axNode(`document.getElementById("note-` + noteID(1) + `")`); !strings.Contains(desc, "K changes the colour") {
		t.Errorf("a note's description is %q, want its keys", desc)
	}
	eval[chromedp.Void](b, `document.getElementById("note-`+noteID(1)+`").focus()`)
	want("the first note selected", `corkboard.ui.selected.has("`+noteID(1)+`") && !document.getElementById("selection-bar").hidden`)
	b.press("Tab", "Tab", 9)
	want("the focus on the bar", `document.getElementById("selection-bar").contains(document.activeElement)`)
	first := focused()
	b.press("ArrowRight", "ArrowRight", 39)
	if second := focused(); second == first || eval[int](b, `[...document.querySelectorAll("#selection-bar button")].filter((b) => b.checkVisibility() && b.tabIndex === 0).length`) != 1 {
		t.Errorf("the arrow went from %q to %q, or the bar is not one Tab stop", first, second)
	}
	b.press("Tab", "Tab", 9, chromedp.ModifierShift)
	if got := focused(); got != "note first" {
		t.Errorf("Shift+Tab from the bar went to %q, want the note", got)
	}
	b.press("Tab", "Tab", 9)
	b.press("Tab", "Tab", 9)
	if got := focused(); got != "note second" {
		t.Errorf("Tab from the bar went to %q, want the next note", got)
	}

	b.press("k", "KeyK", 75)
	want("the colour changed", `corkboard.view().notes.get("`+noteID(2)+`").color === "orange"`)
	want("the colour said", `window.heard.includes("Colour: orange")`)
	want("its swatch pressed", `document.querySelector('.swatch[aria-pressed="true"]')?.dataset.color === "orange"`)

	b.press("Delete", "Delete", 46)
	want("the second note gone", `!corkboard.view().notes.has("`+noteID(2)+`")`)
	if got := focused(); got != "note third" {
		t.Errorf("after deleting a note, the focus is on %q, want the next note", got)
	}
	b.press("Delete", "Delete", 46)
	want("the third note gone", `!corkboard.view().notes.has("`+noteID(3)+`")`)
	if got := focused(); got != "note first" {
		t.Errorf("after deleting the last note, the focus is on %q, want the one before", got)
	}
	b.press("Delete", "Delete", 46)
	want("no notes", `corkboard.view().notes.size === 0`)
	if got := focused(); got != "board" {
		t.Errorf("after deleting every note, the focus is on %q, want the board", got)
	}

	for _, lang := range []string{"en", "sv"} {
		b.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=" + lang))
		b.waitLive()
		b.do(chromedp.Click(chromedp.ID("more")))
		b.waitFor("the menu", `!document.getElementById("more-menu").hidden`)
		name, _ := b.axNode(`document.getElementById("large-text")`)
		wantName := map[string]string{"en": "Large text", "sv": "Stor text"}[lang]
		if strings.Contains(name, "AA") || !strings.Contains(name, wantName) {
			t.Errorf("%s: the large-text button is named %q, want %q", lang, name, wantName)
		}
	}
}

// columnsBoard makes a board with three columns and three notes in the
// first, and returns its facilitate link.
func columnsBoard(t *testing.T, base string) string {
	t.Helper()
	id := mustCreate(t, base, "Retro")
	var ops []board.Op
	for i, name := range []string{"Went well", "To improve", "Actions"} {
		ops = append(ops, board.Op{Kind: board.KindColumnAdd, Column: &board.Column{ID: noteID(100 + i), Name: name}})
	}
	for i, text := range []string{"Pair work", "Short breaks", "The quiz"} {
		x, y := 140.0, 40.0+float64(i)*190
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: noteID(i + 1), X: &x, Y: &y, Text: &text}})
	}
	mustApply(t, wsURL(base, id), ops)
	return id
}

// columnOfJS is a JS expression: the index of the column note id lies in
// (as conversation.js's columnOf works it out), -1 for none.
func columnOfJS(id string) string {
	return fmt.Sprintf(`(() => { const n = corkboard.view().notes.get(%q); return n ? Math.floor((n.x + n.w / 2) / 480) : -1; })()`, id)
}

// TestBrowserAccessTouch: on a phone, a tap on a note selects it and a
// second tap opens it for writing, and so does the selection bar's Edit;
// the bar's buttons do what a drag does: Bring to front, and Move to
// column with a choice of the board's columns, which Undo takes back like
// a drag. A board without columns offers no Move to column.
func TestBrowserAccessTouch(t *testing.T) {
	srv := mustLiveServer(t)
	id := columnsBoard(t, srv.url)
	b := mustScreen(t, phoneScreen)
	b.open(srv.url, id, "Amy")
	b.keepFocus()
	n1 := noteID(1)
	b.waitFor("the notes", `document.querySelectorAll("#board .note").length === 3`)
	// Two taps in a row may also make a double click, which opens a note
	// too: taken out here, so only the second tap itself can.
	eval[chromedp.Void](b, `addEventListener("dblclick", (e) => e.stopImmediatePropagation(), true)`)

	b.tapNote(n1)
	b.waitFor("the note selected", `corkboard.ui.selected.has("`+n1+`") && !document.getElementById("selection-bar").hidden`)
	b.nextFrame()
	if editing := eval[string](b, `corkboard.ui.editing ?? ""`); editing != "" {
		t.Fatalf("one tap opened note %s for writing; it should only select", editing)
	}
	b.tapNote(n1)
	b.waitFor("the second tap to open the note", `corkboard.ui.editing === "`+n1+`" && document.activeElement.classList.contains("note-editor")`)
	b.press("Escape", "Escape", 27)
	b.waitFor("the editor shut", `!corkboard.ui.editing && !document.getElementById("selection-bar").hidden`)
	b.tapID("edit-note")
	b.waitFor("Edit to open the note", `corkboard.ui.editing === "`+n1+`" && document.activeElement.classList.contains("note-editor")`)
	b.press("Escape", "Escape", 27)
	b.waitFor("the editor shut", `!corkboard.ui.editing && !document.getElementById("selection-bar").hidden`)

	b.tapID("front")
	b.waitFor("the note on top", `(() => { const ns = [...corkboard.view().notes.values()]; return ns.find((n) => n.id === "`+n1+`").z === Math.max(...ns.map((n) => n.z)); })()`)

	before := eval[[]float64](b, `(() => { const n = corkboard.view().notes.get("`+n1+`"); return [n.x, n.y]; })()`)
	b.tapID("move-column")
	b.waitFor("the columns to choose from", `!document.getElementById("column-menu").hidden && document.querySelectorAll("#column-menu button").length === 3`)
	if got := eval[string](b, `document.querySelector('#column-menu [aria-checked="true"]')?.textContent ?? ""`); got != "Went well" {
		t.Errorf("the column ticked is %q, want the note's own, Went well", got)
	}
	b.do(chromedp.Click(chromedp.CSS(`#column-menu button:nth-child(3)`)))
	b.waitFor("the note in Actions", columnOfJS(n1)+` === 2`)
	// The view follows the note (once its glide there is over), clear of the bars.
	b.waitFor("the moved note in view", coveredJS+`(["`+n1+`"]).length === 0`)
	b.tapID("undo")
	b.waitFor("the move undone", fmt.Sprintf(`(() => { const n = corkboard.view().notes.get(%q); return n.x === %g && n.y === %g; })()`, n1, before[0], before[1]))

	plain := mustCreate(t, srv.url, "No columns")
	mustApply(t, wsURL(srv.url, plain), createNotes(1, 40, 40, "alone"))
	b.open(srv.url, plain, "Amy")
	b.waitFor("the note", `document.querySelectorAll("#board .note").length === 1`)
	eval[chromedp.Void](b, `addEventListener("dblclick", (e) => e.stopImmediatePropagation(), true)`)
	b.tapNote(n1)
	b.waitFor("the note selected", `!document.getElementById("selection-bar").hidden`)
	if !eval[bool](b, `document.getElementById("move-column").hidden`) {
		t.Error("a board without columns offers Move to column")
	}
}

// TestBrowserAccessReconnect: a page whose connection died while it was
// in the background connects again as soon as it is shown, not when its
// backoff says (here an hour, so only that can bring it back), and says
// that the trouble began and that it is over.
func TestBrowserAccessReconnect(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Back from the pocket")
	p := mustProxy(t, srv.url)
	b := mustScreen(t, phoneScreen)
	b.open(p.URL(), id, "Amy")
	eval[chromedp.Void](b, hearLive+`; corkboard.conn.backoff = () => 3600000`)

	p.Cut()
	b.waitFor("the connection lost", `corkboard.conn.state === "reconnecting" && !corkboard.conn.ws`)
	p.Restore()
	if state := eval[string](b, `document.visibilityState`); state != "visible" {
		t.Fatalf("the page is %s", state)
	}
	eval[chromedp.Void](b, `document.dispatchEvent(new Event("visibilitychange"))`)
	b.waitLive()
	b.waitFor("the news said", `window.heard.length >= 2`)
	if got, want := b.heard(), []string{"Reconnecting…", "Connected again · all changes saved"}; !slices.Equal(got, want) {
		t.Errorf("heard %q, want %q", got, want)
	}
}

// TestBrowserAccessScreenshots saves the selection bar, then its column
// menu open, then a note's comments open, on a phone and a laptop, light
// and dark, in English and Swedish, into $CORKBOARD_SCREENSHOTS (or a
// temporary folder), for a person to look at. It fails if the bar, the
// menu or the help shows but not wholly on screen, or something covers
// them (a phone's comments sheet puts the dock away instead).
func TestBrowserAccessScreenshots(t *testing.T) {
	srv := mustLiveServer(t)
	id := columnsBoard(t, srv.url)
	dir := screenshotDir(t)
	// clear lists what is wrong with where the bar, the menu and the help
	// are: off screen, or under something else at their corners and middle.
	const clear = `(() => {
  const bad = [];
  for (const el of document.querySelectorAll("#selection-bar, #column-menu, #help")) {
    if (el.hidden || !el.checkVisibility({ visibilityProperty: true })) continue;
    const r = el.getBoundingClientRect();
    if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) bad.push(el.id + " is not wholly on screen");
    // Inside the rounded corners: the edges' middles and points 14 px in.
    const mx = (r.left + r.right) / 2, my = (r.top + r.bottom) / 2, i = 14;
    for (const [x, y] of [[r.left + i, r.top + i], [r.right - i, r.top + i], [r.left + i, r.bottom - i], [r.right - i, r.bottom - i], [mx, r.top + 3], [mx, r.bottom - 3], [r.left + 3, my], [r.right - 3, my], [mx, my]]) {
      const at = document.elementFromPoint(x, y);
      if (at && !el.contains(at)) bad.push(el.id + " is under " + (at.id || at.className) + " at " + Math.round(x) + "," + Math.round(y));
    }
  }
  return bad;
})()`
	for _, s := range []classScreen{phoneScreen, laptopScreen} {
		t.Run(s.name, func(t *testing.T) {
			b := mustScreen(t, s)
			b.open(srv.url, id, "Amy")
			b.keepFocus()
			for _, lang := range []string{"en", "sv"} {
				for _, scheme := range schemesFor(lang, s.name) {
					name := fmt.Sprintf("%s-%s-%s", s.name, lang, scheme)
					b.setColorScheme(scheme)
					b.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=" + lang))
					b.waitLive()
					b.waitFor("the notes", `document.querySelectorAll("#board .note").length === 3`)
					if s.phone {
						b.tapNote(noteID(2))
					} else {
						eval[chromedp.Void](b, `document.getElementById("note-`+noteID(2)+`").focus()`)
						b.press("Tab", "Tab", 9)
					}
					b.waitFor("the selection bar", `!document.getElementById("selection-bar").hidden`)
					b.nextFrame()
					b.screenshot(dir, "selection-bar-"+name)
					if bad := eval[[]string](b, clear); len(bad) > 0 {
						t.Errorf("%s: %s", name, strings.Join(bad, "; "))
					}
					b.do(chromedp.Click(chromedp.ID("move-column")))
					b.waitFor("the column menu", `!document.getElementById("column-menu").hidden`)
					b.nextFrame()
					b.screenshot(dir, "column-menu-"+name)
					if bad := eval[[]string](b, clear); len(bad) > 0 {
						t.Errorf("%s, the menu open: %s", name, strings.Join(bad, "; "))
					}
					b.press("Escape", "Escape", 27)
					b.do(chromedp.Click(chromedp.ID("comments-open")))
					b.waitFor("the comments", `!document.getElementById("comments-panel").hidden`)
					b.nextFrame()
					b.screenshot(dir, "comments-"+name)
					if bad := eval[[]string](b, clear); len(bad) > 0 {
						t.Errorf("%s, the comments open: %s", name, strings.Join(bad, "; "))
					}
				}
			}
		})
	}
	t.Logf("screenshots in %s", dir)
}

// TestBrowserReactionRowClear: on a phone the reactions of a selected
// note hang below it, or above it where a note lies below (or the dock
// would cover them), or inside its foot where notes lie on both sides:
// over no other note, and not under the dock.
func TestBrowserReactionRowClear(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Exit ticket")
	// A column of three notes, as new notes are placed: 24 px apart.
	var ops []board.Op
	for i := range 3 {
		ops = append(ops, createNotes(i+1, 40, float64(40+i*184), fmt.Sprintf("Idea %d", i+1))...)
	}
	mustApply(t, wsURL(srv.url, id), ops)
	b := mustScreen(t, phoneScreen)
	b.open(srv.url, id, "Amy")
	b.waitFor("the notes", `document.querySelectorAll("#board .note").length === 3`)
	eval[chromedp.Void](b, `addEventListener("dblclick", (e) => e.stopImmediatePropagation(), true)`)
	const rowOverNotes = `(() => {
  const row = document.querySelector(".note.selected > .note-reactions").getBoundingClientRect();
  return [...document.querySelectorAll("#board .note:not(.selected)")].filter((o) => {
    const b = o.getBoundingClientRect();
    return b.left < row.right && row.left < b.right && b.top < row.bottom && row.top < b.bottom;
  }).map((o) => o.dataset.id).concat(row.bottom > document.getElementById("dock").getBoundingClientRect().top ? ["the dock"] : []);
})()`
	for i := 1; i <= 3; i++ {
		n := noteID(i)
		b.tapNote(n)
		b.waitFor("the note selected", `corkboard.ui.selected.has("`+n+`") && !!document.querySelector(".note.selected > .note-reactions")`)
		b.nextFrame()
		if over := eval[[]string](b, rowOverNotes); len(over) > 0 {
			t.Errorf("the reactions of note %d lie over %v", i, over)
		}
		eval[chromedp.Void](b, `corkboard.actions.select([])`)
	}
}
