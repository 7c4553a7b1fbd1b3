package main

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png"
	"io"
	"net/http"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"corkboard/board"
)

// The browser tests of sharing a board and of its links' roles: a teacher
// shares, a class joins by code on phones, the teacher removes someone and
// replaces a link, and a view link's page changes nothing.

// shareOpen is true once the share panel is open and shows the links the
// page's link may see, and, where it may share, the QR code loaded.
const shareOpen = `(() => {
  const d = document.getElementById("share-dialog"), join = document.getElementById("share-join"), qr = document.getElementById("share-qr");
  return d.open && document.querySelectorAll("#share-links li").length > 0 &&
    (!join || (!join.hidden && qr.complete && qr.naturalWidth > 0));
})()`

// openShare opens the share panel, from the top bar, or on a phone from
// the ⋯ menu, and waits until it shows the board's links.
func (b *browser) openShare(phone bool) {
	b.t.Helper()
	if phone {
		b.do(chromedp.Click(chromedp.ID("more")), chromedp.Click(chromedp.ID("share-menu")))
	} else {
		b.do(chromedp.Click(chromedp.ID("share")))
	}
	b.waitFor("the share panel", shareOpen)
}

// decodeQR fetches a QR code image and returns the text it holds.
func decodeQR(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the QR code at %s: %v", url, err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	// The picture is nothing but the code: read it as such, which does not
	// depend on finding the finder patterns in a large, sharp image.
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true, gozxing.DecodeHintType_TRY_HARDER: true}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		t.Fatalf("decoding the QR code at %s: %v", url, err)
	}
	return res.GetText()
}

// closedFor is true once the page covers the board with why it closed and
// has stopped connecting.
func closedFor(text string) string {
	return fmt.Sprintf(`document.getElementById("closed-dialog").open && document.getElementById("closed-text").textContent.includes(%q) &&
  corkboard.conn.state === "closed" && corkboard.conn.stopped && corkboard.conn.ws === null`, text)
}

// TestBrowserShareJoin: a teacher makes a board and opens the share panel,
// turns joining by code on and reads the code, copies the edit link; the
// QR code holds the edit link. A student on a phone types the code at
// /join (a wrong one first, which is refused next to the field), lands on
// the board with the edit link and adds a note the teacher sees. The
// teacher sees the student in the list with their role, and removes them:
// the student's page says so and stops, and "Join again" brings them back.
// The teacher replaces the edit link: the student's page says the link was
// replaced and does not reconnect, and the old link leads nowhere.
func TestBrowserShareJoin(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Class 7B")
	editURL := created.Links[board.RoleEdit].URL
	edit := path.Base(editURL)
	dir := screenshotDir(t)

	teacher := mustScreen(t, laptopScreen)
	teacher.open(srv.url, created.facilitate(), "Ms Berg")
	teacher.openShare(false)
	if got := eval[[]string](teacher, `[...document.querySelectorAll("#share-links li")].map(li => li.dataset.role)`); strings.Join(got, " ") != "facilitate edit view" {
		t.Errorf("the facilitator's share panel shows the links %q", got)
	}
	// A new board has a code from the start; turned off and on again, it
	// gets a new one.
	teacher.waitFor("the new board's join code", `/^[A-Z0-9]{3}-[A-Z0-9]{3}$/.test(document.getElementById("share-code").textContent)`)
	first := eval[string](teacher, `document.getElementById("share-code").textContent`)
	teacher.do(chromedp.Click(chromedp.ID("share-join-on")))
	teacher.waitFor("joining by code off", `!document.getElementById("share-code-off").hidden && document.getElementById("share-code").hidden`)
	teacher.do(chromedp.Click(chromedp.ID("share-join-on")))
	teacher.waitFor("a new join code", `/^[A-Z0-9]{3}-[A-Z0-9]{3}$/.test(document.getElementById("share-code").textContent) && document.getElementById("share-code").textContent !== "`+first+`"`)
	code := eval[string](teacher, `document.getElementById("share-code").textContent`)
	if got := eval[string](teacher, `document.getElementById("share-expires").textContent`); !regexp.MustCompile(`until .*\d{1,2}[:.]\d{2}`).MatchString(got) {
		t.Errorf("the code's expiry reads %q, want a time of day", got)
	}
	if got := eval[string](teacher, `document.getElementById("share-projector").getAttribute("href")`); got != "/b/"+edit+"/join-screen" {
		t.Errorf("Show on the projector opens %q, want the edit link's join screen", got)
	}
	teacher.do(chromedp.Click(chromedp.CSS(`#share-links [data-role="edit"] .copy`)))
	teacher.waitFor("the Copy button's answer", `!!document.querySelector('#share-links [data-role="edit"] .copy').dataset.copied`)
	if got := eval[string](teacher, `document.getElementById("share-url-edit").value`); got != editURL {
		t.Errorf("the edit link shown is %q, want %q", got, editURL)
	}
	if got := decodeQR(t, srv.url+eval[string](teacher, `document.getElementById("share-qr").getAttribute("src")`)); got != editURL {
		t.Errorf("the QR code holds %q, want the edit link %q", got, editURL)
	}
	teacher.do(chromedp.Click(chromedp.ID("share-close")))
	teacher.waitFor("the focus back on Share", `document.activeElement?.id === "share"`)
	// Opened from the ⋯ menu (a phone's way), whose entry is hidden once
	// pressed, it gives the focus back to the ⋯ button.
	eval[chromedp.Void](teacher, `document.getElementById("more").click(); document.getElementById("share-menu").click()`)
	teacher.waitFor("the share panel", shareOpen)
	teacher.do(chromedp.Click(chromedp.ID("share-close")))
	teacher.waitFor("the focus back on the ⋯ button", `document.activeElement?.id === "more"`)

	// The student: a wrong code first, then the right one, typed in lower
	// case and without its dash, as people do.
	student := mustScreen(t, phoneScreen)
	student.do(chromedp.Navigate(srv.url + "/join"))
	// Autofocus lands a moment after the page is ready.
	student.waitFor("the focus on the code field", `document.activeElement?.id === "code"`)
	student.do(chromedp.SendKeys(chromedp.ID("code"), "AAAAAA\r"), chromedp.WaitReady(chromedp.ID("code-error")))
	if got := eval[string](student, `document.getElementById("code").getAttribute("aria-describedby") + " " + document.getElementById("code").getAttribute("aria-invalid")`); got != "code-error true" {
		t.Errorf("after a wrong code the field is described by, and invalid: %q", got)
	}
	eval[chromedp.Void](student, `document.getElementById("code").value = ""`)
	student.do(chromedp.SendKeys(chromedp.ID("code"), strings.ToLower(strings.ReplaceAll(code, "-", ""))+"\r"), chromedp.WaitReady(chromedp.ID("name-dialog")))
	student.waitFor("the name dialog", `document.getElementById("name-dialog").open`)
	student.do(chromedp.SendKeys(chromedp.CSS("#name-input"), "Sam\r"))
	student.waitLive()
	if got := eval[string](student, `location.pathname + " " + corkboard.cfg.role`); got != "/b/"+edit+" edit" {
		t.Errorf("the code led to %q, want the edit link", got)
	}
	student.do(chromedp.Click(chromedp.ID("add-note")))
	student.waitFor("an editor", `document.activeElement?.classList.contains("note-editor")`)
	student.do(chromedp.SendKeys(chromedp.CSS(".note-editor"), "Hello from a phone"))
	eval[chromedp.Void](student, `document.activeElement.blur()`)
	teacher.waitFor("the student's note", noteWith("Hello from a phone")+` !== ""`)

	// The teacher removes the student.
	const sam = `[...document.querySelectorAll("#people li")].find(li => li.querySelector(".person-name")?.textContent === "Sam")`
	teacher.waitFor("Sam in the list, with their role", sam+`?.querySelector(".person-role")?.textContent === "can edit"`)
	eval[chromedp.Void](teacher, sam+`.querySelector(".person-remove").id = "remove-sam"`)
	teacher.do(chromedp.Click(chromedp.ID("remove-sam")))
	teacher.waitFor("the confirmation", `document.getElementById("confirm-dialog").open && document.getElementById("confirm-text").textContent.includes("Sam")`)
	teacher.do(chromedp.Click(chromedp.ID("confirm-ok")))
	student.waitFor("the removed message", closedFor("The board's owner removed you from the board. You can come back with the link."))
	student.screenshot(dir, "phone-en-light-removed")
	teacher.waitFor("Sam gone from the list", `!(`+sam+`)`)
	student.do(chromedp.Click(chromedp.ID("rejoin")))
	student.waitLive()
	teacher.waitFor("Sam back", `!!(`+sam+`)`)

	// The teacher replaces the edit link.
	teacher.openShare(false)
	// Clicked in the page: the panel may draw its buttons anew between
	// finding one and clicking it.
	eval[chromedp.Void](teacher, `document.getElementById("share-replace-edit").click()`)
	teacher.waitFor("the confirmation", `document.getElementById("confirm-dialog").open && document.getElementById("confirm-text").textContent.includes("stops working at once")`)
	teacher.do(chromedp.Click(chromedp.ID("confirm-ok")))
	student.waitFor("the replaced message", closedFor("This link was replaced by the board's owner. Ask them for the new link."))
	student.screenshot(dir, "phone-en-light-replaced")
	if eval[bool](student, `!document.getElementById("rejoin").hidden || (localStorage.getItem("corkboard:recent") || "").includes(`+jsonString(edit)+`)`) {
		t.Error("a replaced link offers to join again, or stays among the recent boards")
	}
	teacher.waitFor("the new edit link", `document.getElementById("share-url-edit").value !== `+jsonString(editURL)+` && document.getElementById("share-status").textContent !== ""`)
	if code, _ := do(t, "GET", srv.url+"/b/"+edit, ""); code != http.StatusNotFound {
		t.Errorf("the old edit link's page: %d, want 404", code)
	}
	if got := decodeQR(t, srv.url+eval[string](teacher, `document.getElementById("share-qr").getAttribute("src")`)); got != eval[string](teacher, `document.getElementById("share-url-edit").value`) {
		t.Errorf("after the replace the QR code holds %q, not the new edit link", got)
	}
}

// TestBrowserRoles: a view link's page has no editing controls, says that
// it is view only, and no gesture or key changes anything; operations sent
// by hand, on a WebSocket of the page's own or on the page's connection,
// are rejected as forbidden (the page shows why and rolls back), and the
// board is unchanged. An edit link's page cannot rename the board, and a
// rename sent by hand is rejected the same way.
func TestBrowserRoles(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Watch this")
	const note = "00000000-0000-4000-8000-000000000001"
	x0, y0, text := 100.0, 100.0, "Look, don't touch"
	mustApply(t, wsURL(srv.url, created.facilitate()), []board.Op{{Kind: board.KindCreate, Note: &board.NewNote{ID: note, X: &x0, Y: &y0, Text: &text}}})
	boardNow := func() string {
		t.Helper()
		_, body := do(t, "GET", srv.url+"/api/boards/"+created.facilitate(), "")
		return string(body)
	}
	before := boardNow()

	b := mustScreen(t, laptopScreen)
	b.open(srv.url, path.Base(created.Links[board.RoleView].URL), "Guest")
	if got := eval[[]string](b, `["add-note", "undo", "redo", "redo-menu", "selection-bar", "swatches", "delete", "duplicate", "front"].filter(id => document.getElementById(id))`); len(got) > 0 {
		t.Errorf("the view link's page has editing controls: %q", got)
	}
	if n := eval[float64](b, `document.querySelectorAll(".resize-handle, .note-editor, .person-remove").length`); n != 0 {
		t.Errorf("%v handles, editors or remove buttons on the view link's page", n)
	}
	if got := eval[string](b, `document.getElementById("view-only")?.textContent ?? ""`); got != "View only" {
		t.Errorf("the view link's page says %q, want View only", got)
	}
	if got := eval[[]string](b, `[...document.querySelectorAll("#share-links li")].map(li => li.dataset.role)`); len(got) != 0 {
		t.Errorf("links shown before the panel opened: %q", got)
	}
	b.openShare(false)
	if got := eval[[]string](b, `[...document.querySelectorAll("#share-links li")].map(li => li.dataset.role)`); strings.Join(got, " ") != "view" {
		t.Errorf("the view link's share panel shows %q, want the view link alone", got)
	}
	b.do(chromedp.Click(chromedp.ID("share-close")))

	// Gestures and keys: a double-click, N, Delete, Enter, a drag.
	x, y, w, h := b.noteRect(note)
	b.do(chromedp.MouseClickXY(x+w/2, y+h/2, chromedp.ClickCount(2)))
	b.do(chromedp.MouseClickXY(x+w/2, y+h/2))
	for _, k := range []struct {
		key, code string
		kc        int64
	}{{"n", "KeyN", 78}, {"Delete", "Delete", 46}, {"Enter", "Enter", 13}, {"f", "KeyF", 70}} {
		b.press(k.key, k.code, k.kc)
	}
	b.press("z", "KeyZ", 90, chromedp.ModifierCtrl)
	b.press("d", "KeyD", 68, chromedp.ModifierCtrl)
	camX := eval[float64](b, `corkboard.cam.x`)
	b.drag(x+w/2, y+h/2, x+w/2+120, y+h/2+80)
	b.do(chromedp.DoubleClick(chromedp.ID("board-title")))
	b.nextFrame()
	got := eval[[]any](b, `[corkboard.conn.outbox.ops.length, corkboard.conn.outbox.seq, corkboard.view().notes.size, corkboard.ui.selected.size,
  !!document.querySelector(".note-editor"), document.getElementById("board-title").isContentEditable, corkboard.view().notes.get("`+note+`").x]`)
	if fmt.Sprint(got) != "[0 0 1 0 false false 100]" {
		t.Errorf("after gestures and keys on the view link's page: outbox, seq, notes, selected, editor, title editable, x = %v, want [0 0 1 0 false false 100]", got)
	}
	if eval[float64](b, `corkboard.cam.x`) == camX {
		t.Error("a drag on the view link's page did not move the view")
	}

	// By hand, on a WebSocket of the page's own.
	answer := eval[string](b, `new Promise((resolve) => {
  const ws = new WebSocket("ws://" + location.host + corkboard.cfg.wsPath);
  ws.onopen = () => ws.send(JSON.stringify({ type: "hello", client: "by-hand" }));
  ws.onmessage = (e) => {
    for (const m of JSON.parse(e.data)) {
      if (m.type === "welcome") ws.send(JSON.stringify({ type: "op", seq: 1, op: { kind: "create", note: { id: "00000000-0000-4000-8000-0000000000ff", x: 0, y: 0, text: "sneaky" } } }));
      if (m.type === "reject") { ws.close(); resolve(m.code + ": " + m.message); }
    }
  };
})`, chromedp.EvalAwaitPromise)
	if !strings.HasPrefix(answer, "forbidden: ") {
		t.Errorf("an op on the view link's WebSocket was answered %q, want a reject forbidden", answer)
	}
	// By hand, on the page's own connection: shown, refused, rolled back.
	eval[chromedp.Void](b, `(() => { const op = { kind: "delete", id: "`+note+`" }; corkboard.state.local(corkboard.conn.send(op), op); corkboard.render(); })()`)
	b.waitFor("the refusal shown", `!document.getElementById("toast").hidden && document.getElementById("toast").textContent.includes("only view")`)
	b.waitFor("rolled back", `corkboard.view().notes.has("`+note+`") && !!document.getElementById("note-`+note+`") && corkboard.conn.outbox.ops.length === 0`)
	if after := boardNow(); after != before {
		t.Errorf("the board changed:\nbefore %s\n after %s", before, after)
	}

	// An edit link's page cannot rename the board.
	b.open(srv.url, path.Base(created.Links[board.RoleEdit].URL), "Guest")
	b.do(chromedp.DoubleClick(chromedp.ID("board-title")))
	if eval[bool](b, `document.getElementById("board-title").isContentEditable || document.getElementById("board-title").tabIndex >= 0 || document.getElementById("board-title").title.includes("rename")`) {
		t.Error("the edit link's page offers to rename the board")
	}
	if eval[bool](b, `!!document.getElementById("view-only") || !document.getElementById("add-note")`) {
		t.Error("the edit link's page says view only, or cannot add notes")
	}
	eval[chromedp.Void](b, `(() => { const op = { kind: "rename", title: "Mine now" }; corkboard.state.local(corkboard.conn.send(op), op); corkboard.render(); })()`)
	b.waitFor("the refusal shown", `!document.getElementById("toast").hidden && document.getElementById("toast").textContent.includes("facilitator")`)
	b.waitFor("rolled back", `document.getElementById("board-title").textContent === "Watch this" && corkboard.conn.outbox.ops.length === 0`)
	if after := boardNow(); after != before {
		t.Errorf("the board changed:\nbefore %s\n after %s", before, after)
	}
}
