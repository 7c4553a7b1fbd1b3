package main

import (
	"fmt"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"corkboard/board"
)

// The browser tests of the list view (assets/listview.js): the board as a
// list of notes, for a screen reader, a phone, or reading out the winners
// of a vote, changed through the same actions as the canvas.

// Six notes in two columns and one outside them, placed so that reading
// order is not the order they were made in, nor their ids' order.
const (
	listColWell    = "00000000-0000-4000-8000-0000000000c1"
	listColImprove = "00000000-0000-4000-8000-0000000000c2"
	listWell1      = "00000000-0000-4000-8000-0000000000e6"
	listWell2      = "00000000-0000-4000-8000-0000000000e1"
	listWell3      = "00000000-0000-4000-8000-0000000000e5"
	listImprove1   = "00000000-0000-4000-8000-0000000000e2"
	listImprove2   = "00000000-0000-4000-8000-0000000000e4"
	listOutside    = "00000000-0000-4000-8000-0000000000e3"
)

// listReadingOrder is the order the list reads listBoard in: the first
// column row by row (its first row's notes a little out of line, as a
// hand leaves them), then the second, then the note in no column.
var listReadingOrder = []string{listWell1, listWell2, listWell3, listImprove1, listImprove2, listOutside}

// listBoard makes the columns and notes, in an order of its own.
func listBoard() []board.Op {
	ops := []board.Op{
		{Kind: board.KindColumnAdd, Column: &board.Column{ID: listColWell, Name: "Went well"}},
		{Kind: board.KindColumnAdd, Column: &board.Column{ID: listColImprove, Name: "To improve"}},
	}
	for _, n := range []struct {
		id, text, color string
		x, y, w         float64
	}{
		{listOutside, "Ask the other class", "grey", 1100, 0, 200},
		{listImprove2, "More time for questions", "pink", 520, 400, 200},
		{listWell3, "Lab safety talk", "green", 40, 420, 200},
		{listImprove1, "The lab ran late", "orange", 540, 20, 200},
		{listWell2, "Group work helped", "blue", 250, 40, 200},
		{listWell1, "Photosynthesis clicked 🌱", "yellow", 20, 0, 200},
	} {
		n := n
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: n.id, X: &n.x, Y: &n.y, W: &n.w, Text: &n.text, Color: &n.color}})
	}
	return ops
}

// openList opens a board link's page in the list view (?view=list) as a
// person with the given name, and waits until it is live.
func (b *browser) openList(base, link, name string) {
	b.t.Helper()
	b.do(chromedp.Navigate(base + "/healthz"))
	eval[chromedp.Void](b, fmt.Sprintf(`localStorage.setItem("corkboard:name", %q); localStorage.setItem("corkboard:help", "off")`, name))
	b.do(chromedp.Navigate(base + "/b/" + link + "?view=list"))
	b.waitLive()
	b.waitFor("the list", `document.body.classList.contains("list-mode") && !document.getElementById("list-view").hidden`)
}

// listIDs is a JS expression for the ids of the list's rows, in order.
const listIDs = `[...document.querySelectorAll("#list-notes > .list-row")].map((li) => li.dataset.id).join()`

// rowButton is the CSS selector of a button of a note's row.
func rowButton(id, class string) string {
	return fmt.Sprintf(`#list-notes .list-row[data-id=%q] > .list-card > .list-tools .%s`, id, class)
}

// rowText is a JS expression for the text a note's row shows.
func rowText(id string) string {
	return fmt.Sprintf(`(document.querySelector('#list-notes .list-row[data-id="%s"] > .list-card > .list-text')?.textContent ?? null)`, id)
}

// TestBrowserListOrderAndEditing: the teacher opens a board with columns
// as a list (?view=list): every note is a row in reading order, each
// column beginning with its name as a heading, and each row's buttons are
// named with its note; the language switch keeps the list. The teacher
// changes a note's text in its row; a student sees it on the canvas.
// While the teacher types in another row, the student adds a note: it
// appears in the teacher's list at once, and the row being typed in keeps
// its text and the focus. The list is a choice this browser keeps: the
// student, having picked it, reloads into it.
func TestBrowserListOrderAndEditing(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Science, week 51")
	id := created.facilitate()
	edit := path.Base(created.Links[board.RoleEdit].URL)
	mustApply(t, wsURL(srv.url, id), listBoard())

	teacher := mustScreen(t, laptopScreen)
	teacher.openList(srv.url, id, "Ms Berg")
	want := strings.Join(listReadingOrder, ",")
	teacher.waitFor("every note, in reading order", listIDs+` === "`+want+`"`)
	heads := eval[[]string](teacher, `[...document.querySelectorAll("#list-notes .list-colhead:not([hidden])")].map((h) => h.textContent)`)
	if got := strings.Join(heads, "|"); got != "Went well|To improve|In no column" {
		t.Errorf("column headings %q, want Went well|To improve|In no column", got)
	}
	if got := eval[string](teacher, `document.getElementById("list-toggle").getAttribute("aria-pressed")`); got != "true" {
		t.Errorf("the list toggle is aria-pressed=%q in the list view", got)
	}
	if got := eval[string](teacher, `document.querySelector('`+rowButton(listWell1, "list-delete")+`').getAttribute("aria-label")`); got != "Delete note: Photosynthesis clicked 🌱" {
		t.Errorf("the Delete button is named %q", got)
	}
	if got := eval[string](teacher, `document.querySelector('#list-notes .list-row[data-id="`+listWell2+`"] .list-colour').textContent`); got != "blue" {
		t.Errorf("the row says the colour %q, want blue", got)
	}
	if eval[bool](teacher, `document.getElementById("viewport").checkVisibility({ visibilityProperty: true })`) {
		t.Error("the canvas shows under the list")
	}
	if got := eval[string](teacher, `document.querySelector("#more-menu .lang-switch a").getAttribute("href")`); !strings.Contains(got, "lang=sv") || !strings.Contains(got, "view=list") {
		t.Errorf("the language switch leads to %q, not to the list in Swedish", got)
	}

	student := mustScreen(t, laptopScreen)
	student.open(srv.url, edit, "Sam")

	// Edit a note's text in its row: Save sends it, and the student's
	// canvas shows it.
	teacher.do(chromedp.Click(chromedp.CSS(rowButton(listImprove1, "list-edit"))))
	teacher.waitFor("the row's editor", `document.activeElement?.matches(".list-textarea")`)
	eval[chromedp.Void](teacher, `document.activeElement.select()`)
	teacher.do(chromedp.SendKeys(chromedp.CSS(".list-textarea"), "The lab ran late twice"))
	teacher.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`.list-row[data-id=%q] .list-editor-buttons .primary`, listImprove1))))
	student.waitFor("the new text on the canvas", `document.querySelector("#note-`+listImprove1+` .note-text").textContent === "The lab ran late twice"`)
	teacher.waitFor("the row shows it, the focus back on Edit", rowText(listImprove1)+` === "The lab ran late twice" && document.activeElement?.matches('`+rowButton(listImprove1, "list-edit")+`')`)

	// The teacher types in another row; meanwhile a note comes from the
	// student. It shows in the list, and the typing is not disturbed.
	teacher.do(chromedp.Click(chromedp.CSS(rowButton(listWell3, "list-edit"))))
	teacher.waitFor("the row's editor", `document.activeElement?.matches(".list-textarea")`)
	teacher.do(chromedp.SendKeys(chromedp.CSS(".list-textarea"), " first"))
	student.do(chromedp.Click(chromedp.ID("add-note")))
	student.waitFor("the new note's editor", `document.activeElement?.matches(".note-editor")`)
	student.do(chromedp.SendKeys(chromedp.CSS(".note-editor"), "Fresh idea"))
	teacher.waitFor("the student's note in the list", `[...document.querySelectorAll("#list-notes .list-text")].some((p) => p.textContent === "Fresh idea")`)
	if got := eval[string](teacher, `document.activeElement?.matches(".list-textarea") ? document.activeElement.value : "(focus lost)"`); got != "Lab safety talk first" {
		t.Errorf("while a note came in, the row being edited holds %q", got)
	}
	teacher.press("Escape", "Escape", 27)
	teacher.waitFor("the editor gone, the text as it was", `!document.querySelector(".list-textarea") && `+rowText(listWell3)+` === "Lab safety talk"`)

	// The student picks the list, and a reload (without ?view) keeps it.
	student.press("Escape", "Escape", 27)
	student.do(chromedp.Click(chromedp.ID("list-toggle")))
	student.waitFor("the list", `document.body.classList.contains("list-mode") && location.search.includes("view=list")`)
	student.do(chromedp.Navigate(srv.url + "/b/" + edit))
	student.waitLive()
	student.waitFor("the list again after a reload", `document.body.classList.contains("list-mode") && document.querySelectorAll("#list-notes > .list-row").length === 7`)
	student.do(chromedp.Click(chromedp.ID("list-toggle")))
	student.waitFor("the canvas again", `!document.body.classList.contains("list-mode") && document.getElementById("list-view").hidden && !location.search.includes("view")`)
}

// TestBrowserListVotesAndDelete: in a voting round a student votes from
// the list's rows, and the teacher sorts the list by votes: the winners
// read from the top, the rest in reading order. The teacher deletes a
// note from its row (it goes from the student's page too, and the focus
// moves on to the next row), then takes it back with undo, as on the canvas.
func TestBrowserListVotesAndDelete(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Science, week 51")
	id := created.facilitate()
	edit := path.Base(created.Links[board.RoleEdit].URL)
	mustApply(t, wsURL(srv.url, id), append(listBoard(), board.Op{Kind: board.KindVoteStart, Voting: &board.Voting{Votes: 3, PerNote: 2}}))

	teacher := mustScreen(t, projectorScreen)
	teacher.openList(srv.url, id, "Ms Berg")
	student := mustScreen(t, phoneScreen)
	student.openList(srv.url, edit, "Sam")

	vote := func(note string) {
		t.Helper()
		before := eval[int](student, `corkboard.view().notes.get("`+note+`").votes ?? 0`)
		student.do(chromedp.Click(chromedp.CSS(rowButton(note, "list-vote"))))
		student.waitFor("the vote saved", fmt.Sprintf(`(corkboard.view().notes.get(%q).votes ?? 0) === %d && corkboard.conn.outbox.ops.length === 0`, note, before+1))
	}
	vote(listOutside)
	vote(listOutside)
	vote(listImprove2)
	if got := eval[string](student, `document.querySelector('`+rowButton(listWell1, "list-vote")+`').getAttribute("aria-disabled")`); got != "true" {
		t.Errorf("with every vote given, a Vote button is aria-disabled=%q", got)
	}
	if got := eval[string](student, `document.querySelector('#list-notes .list-row[data-id="`+listOutside+`"] .list-votes').textContent`); !strings.Contains(got, "2 votes") {
		t.Errorf("the row of a note with two votes says %q", got)
	}

	teacher.do(chromedp.Click(chromedp.CSS(`.list-sort input[value=votes]`)))
	winners := strings.Join([]string{listOutside, listImprove2, listWell1, listWell2, listWell3, listImprove1}, ",")
	teacher.waitFor("the list by votes, most first", listIDs+` === "`+winners+`"`)
	if got := eval[string](teacher, `document.querySelector('#list-notes .list-row[data-id="`+listWell1+`"] .list-column').textContent`); got != "in column Went well" {
		t.Errorf("sorted by votes, a row says %q of its column, want in column Went well", got)
	}
	teacher.do(chromedp.Click(chromedp.CSS(`.list-sort input[value=reading]`)))
	teacher.waitFor("reading order again", listIDs+` === "`+strings.Join(listReadingOrder, ",")+`"`)

	// Delete from the row: gone here and on the student's page; the focus
	// goes on to the row that took its place.
	teacher.do(chromedp.Click(chromedp.CSS(rowButton(listWell2, "list-delete"))))
	teacher.waitFor("the row gone", `!document.querySelector('#list-notes .list-row[data-id="`+listWell2+`"]')`)
	student.waitFor("gone for the student", `!document.querySelector('#list-notes .list-row[data-id="`+listWell2+`"]')`)
	if got := eval[string](teacher, `document.activeElement?.closest(".list-row")?.dataset.id ?? document.activeElement?.tagName`); got != listWell3 {
		t.Errorf("after the delete the focus is on %q, want the next row %s", got, listWell3)
	}
	// Undo, from the top bar as on the canvas: the note is back, with its
	// text, in its place in the list.
	teacher.do(chromedp.Click(chromedp.ID("undo")))
	back := `[...document.querySelectorAll("#list-notes > .list-row")].map((li) => li.querySelector(".list-text").textContent)[1] === "Group work helped"`
	teacher.waitFor("the note back, second in reading order", back)
	student.waitFor("back for the student", back)
}

// TestBrowserListViewOnly: a view link's page, on a phone, opens as a
// list with every note and no button that edits (the server would refuse
// them anyway), nor a way to add a note; the rows fit the phone's width.
// The board shows names to its staff only: the rows name nobody.
func TestBrowserListViewOnly(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Science, week 51")
	view := path.Base(created.Links[board.RoleView].URL)
	mustApply(t, wsURL(srv.url, created.facilitate()), append(listBoard(), moderate(board.Moderation{Names: board.NamesStaff})))

	b := mustScreen(t, phoneScreen)
	b.openList(srv.url, view, "Ben")
	b.waitFor("every note", listIDs+` === "`+strings.Join(listReadingOrder, ",")+`"`)
	if got := eval[[]string](b, `[...document.querySelectorAll("#list-notes .list-author")].filter((x) => !x.hidden || x.textContent).map((x) => x.textContent)`); len(got) > 0 {
		t.Errorf("on a board that shows names to its staff only, a student's rows name %q", got)
	}
	edits := eval[[]string](b, `[...document.querySelectorAll("#list-notes button:is(.list-edit, .list-delete, .list-colour-open, .list-move-open, .list-front, .moderation-approve, .moderation-reject)")].filter((x) => !x.hidden).map((x) => x.getAttribute("aria-label"))`)
	if len(edits) > 0 {
		t.Errorf("a view link's list has edit buttons: %q", edits)
	}
	if eval[bool](b, `!!document.getElementById("add-note")`) {
		t.Error("a view link's page can add notes")
	}
	if got := eval[float64](b, `document.getElementById("list-view").scrollWidth - document.getElementById("list-view").clientWidth`); got > 0 {
		t.Errorf("the list scrolls sideways on a phone by %v px", got)
	}
}

// TestBrowserListLarge: a board of a thousand notes shows as a list of a
// thousand rows, and a change to one note from elsewhere touches that
// note's row only: the list is not built again on every change. (How long
// the first draw takes is logged, not judged.)
func TestBrowserListLarge(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "A thousand notes")
	var ops []board.Op
	for i := range 1000 {
		x, y, text := float64((i%40)*230), float64((i/40)*190), fmt.Sprintf("Note %d", i+1)
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), X: &x, Y: &y, Text: &text}})
	}
	for len(ops) > 0 {
		n := min(len(ops), 250)
		mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindBatch, Ops: ops[:n]}})
		ops = ops[n:]
	}

	b := mustScreen(t, laptopScreen)
	start := time.Now()
	b.openList(srv.url, id, "Ms Berg")
	b.waitFor("a thousand rows", `document.querySelectorAll("#list-notes > .list-row").length === 1000`)
	t.Logf("a thousand rows drawn %v after the page was asked for", time.Since(start))
	if got := eval[string](b, `[...document.querySelectorAll("#list-notes > .list-row")].slice(0, 3).map((li) => li.querySelector(".list-text").textContent).join()`); got != "Note 1,Note 2,Note 3" {
		t.Errorf("the list begins %q", got)
	}

	// Watch every change to the list while someone else edits one note.
	eval[chromedp.Void](b, `window.touched = new Set(); new MutationObserver((ms) => {
		for (const m of ms) touched.add(m.target.closest?.(".list-row")?.dataset.id ?? (m.target.parentElement?.closest(".list-row")?.dataset.id || "(the list)"));
	}).observe(document.getElementById("list-notes"), { subtree: true, childList: true, attributes: true, characterData: true })`)
	edited := "00000000-0000-4000-8000-000000000500"
	text := "Note 500, changed elsewhere"
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindUpdate, ID: edited, Set: &board.Patch{Text: &text}}})
	b.waitFor("the change in its row", rowText(edited)+` === "`+text+`"`)
	b.nextFrame()
	if got := eval[[]string](b, `[...touched]`); len(got) != 1 || got[0] != edited {
		t.Errorf("one note's change touched the rows %q, want only %s", got, edited)
	}
}

// TestBrowserListModeration: with approval on, a student's notes wait;
// in the teacher's list their rows say so and have Approve and Reject
// (and nothing else to change them with, as the server allows). Approved,
// a note's row is like any other; rejected, after the question, it goes.
func TestBrowserListModeration(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Science, week 51")
	id := created.facilitate()
	mustApply(t, wsURL(srv.url, id), []board.Op{moderate(board.Moderation{Approval: true})})
	first, second := "00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000a2"
	var ops []board.Op
	for i, n := range []string{first, second} {
		x, y, text := float64(40+i*240), 40.0, []string{"Can we go outside?", "Something rude"}[i]
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: n, X: &x, Y: &y, Text: &text}})
	}
	mustApply(t, created.Links[board.RoleEdit].WebSocket, ops)

	teacher := mustScreen(t, laptopScreen)
	teacher.openList(srv.url, id, "Ms Berg")
	teacher.waitFor("both notes, waiting", `document.querySelectorAll("#list-notes > .list-row.pending").length === 2`)
	shown := func(id string) string {
		return eval[string](teacher, `[...document.querySelectorAll('#list-notes .list-row[data-id="`+id+`"] .list-tools button')].filter((b) => !b.hidden && b.checkVisibility()).map((b) => b.className.replace("list-button ", "")).join()`)
	}
	if got := shown(first); got != "moderation-approve,moderation-reject" {
		t.Errorf("a waiting note's row has the buttons %q, want approve and reject only", got)
	}
	if got := eval[string](teacher, `document.querySelector('#list-notes .list-row[data-id="`+first+`"] .list-state').textContent`); got != "Waiting for approval" {
		t.Errorf("a waiting note's row says %q", got)
	}
	teacher.do(chromedp.Click(chromedp.CSS(rowButton(first, "moderation-approve"))))
	teacher.waitFor("approved", `!document.querySelector('#list-notes .list-row[data-id="`+first+`"]').classList.contains("pending") && !document.querySelector('`+rowButton(first, "list-edit")+`').hidden`)
	teacher.do(chromedp.Click(chromedp.CSS(rowButton(second, "moderation-reject"))))
	teacher.waitFor("the question", `document.getElementById("confirm-dialog").open`)
	teacher.do(chromedp.Click(chromedp.ID("confirm-ok")))
	teacher.waitFor("rejected: gone", listIDs+` === "`+first+`"`)
}

// TestBrowserListStacks: from the list, without a drag, the teacher puts
// a note on another with its row's Stack on…, and the focus goes to the
// stack; the student's list shows the stack with the note in it; the
// stack's row opens the stack's dialog, where it is taken apart.
func TestBrowserListStacks(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Science, week 51")
	id := created.facilitate()
	edit := path.Base(created.Links[board.RoleEdit].URL)
	mustApply(t, wsURL(srv.url, id), listBoard())

	teacher := mustScreen(t, projectorScreen)
	teacher.openList(srv.url, id, "Ms Berg")
	student := mustScreen(t, phoneScreen)
	student.openList(srv.url, edit, "Sam")

	teacher.do(chromedp.Click(chromedp.CSS(rowButton(listWell2, "list-stack-on"))))
	choice := `#list-notes .list-row[data-id="` + listWell2 + `"] .list-picker button[data-value="` + listWell1 + `"]`
	teacher.waitFor("the notes to stack on", `!!document.querySelector('`+choice+`') && document.activeElement?.closest(".list-picker") !== null`)
	teacher.do(chromedp.Click(chromedp.CSS(choice)))
	teacher.waitFor("the focus on the stack's row", `document.activeElement?.closest(".list-row")?.dataset.id === "`+listWell1+`" && corkboard.conn.outbox.ops.length === 0`)
	if n := mustServerNote(t, srv.url, id, listWell2); n.Stack != listWell1 {
		t.Fatalf("the note stacked from the list: stack %q, want %q", n.Stack, listWell1)
	}
	inStack := `!!document.querySelector('#list-notes .list-row[data-id="` + listWell1 + `"] .list-stack .list-row[data-id="` + listWell2 + `"]')`
	student.waitFor("the stack in the student's list", inStack+` && document.querySelector('#list-notes .list-row[data-id="`+listWell1+`"] .list-state-stack')?.textContent === "Stack of 2 notes"`)

	teacher.do(chromedp.Click(chromedp.CSS(rowButton(listWell1, "list-stack-open"))))
	teacher.waitFor("the stack's dialog", `document.getElementById("stack-dialog").open && document.querySelectorAll("#stack-list > li").length === 2`)
	teacher.do(chromedp.Click(chromedp.ID("stack-apart")))
	teacher.waitFor("the focus back on the row of the stack taken apart", `!document.getElementById("stack-dialog").open && document.activeElement?.closest(".list-row")?.dataset.id === "`+listWell1+`"`)
	student.waitFor("the stack taken apart", `!`+inStack+` && !!document.querySelector('#list-notes > .list-row[data-id="`+listWell2+`"]')`)
}
