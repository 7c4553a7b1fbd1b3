package main

import (
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"corkboard/board"
)

// The browser tests of a teacher running a lesson from her own laptop on
// the projector, with students on phones: whose names the wall shows,
// leaving the projector, the names setting's confirmation, arranging and
// taking apart in columns, fitting the wall, and the tools a student's
// rules refuse.

// columnOps adds columns named names, ids from noteID(900).
func columnOps(names ...string) []board.Op {
	var ops []board.Op
	for i, name := range names {
		ops = append(ops, board.Op{Kind: board.KindColumnAdd, Column: &board.Column{ID: noteID(900 + i), Name: name}})
	}
	return ops
}

// noteAt makes note id at (x, y) with text.
func noteAt(id string, x, y float64, text string) board.Op {
	return board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: id, X: &x, Y: &y, Text: &text}}
}

// authorsShown is a JS expression: the names the page shows on notes.
const authorsShown = `[...document.querySelectorAll("#board .note-author")].map((e) => e.textContent).filter(Boolean).join()`

// openMenu opens the ⋯ menu and clicks the item id.
func openMenu(b *browser, id string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.ID("more")))
	b.waitFor("the ⋯ menu", `!document.getElementById("more-menu").hidden`)
	b.do(chromedp.Click(chromedp.ID(id)))
}

// TestBrowserTeacherWallNames: on a board whose names only facilitators
// see, the teacher sees "Ada" on Ada's note; in the projector view of her
// own window the wall shows nobody's name (nor the retention notice), and
// it shows the canvas even though she had the list open. Leaving the
// projector view brings the names and her list back.
func TestBrowserTeacherWallNames(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Wall")
	mustApply(t, wsURL(srv.url, id), []board.Op{noteAt(noteID(1), 40, 40, "Longer breaks"), moderate(board.Moderation{Names: board.NamesStaff})})

	teacher := mustScreen(t, projectorScreen)
	teacher.open(srv.url, id, "Cilla")
	teacher.waitFor("Ada's name for the teacher", authorsShown+` === "Ada"`)
	teacher.do(chromedp.Click(chromedp.ID("list-toggle")))
	teacher.waitFor("the list", `document.body.classList.contains("list-mode") && document.querySelector(".list-author")?.textContent.includes("Ada")`)

	openMenu(teacher, "projector-toggle")
	teacher.waitFor("the projector view, on the canvas", `document.body.classList.contains("projector") && !document.body.classList.contains("list-mode")`)
	teacher.nextFrame()
	if got := eval[string](teacher, authorsShown); got != "" {
		t.Errorf("the wall shows the names %q on a board whose names only facilitators see", got)
	}
	if eval[bool](teacher, `!!document.getElementById("retention-notice")?.checkVisibility()`) {
		t.Error("the retention notice shows in the projector view")
	}
	if got := eval[string](teacher, `[...document.querySelectorAll("#cursors .cursor span, #people li")].map((e) => e.textContent).join()`); strings.Contains(got, "Ada") {
		t.Errorf("the wall's people or cursors name Ada: %q", got)
	}

	teacher.do(chromedp.Click(chromedp.ID("projector-exit")))
	teacher.waitFor("the names and the list back", `!document.body.classList.contains("projector") && document.body.classList.contains("list-mode") && document.querySelector(".list-author")?.textContent.includes("Ada")`)
}

// TestBrowserTeacherLeaveProjectorPage: the teacher opens her link with
// ?projector=1 (the list chosen earlier in this browser): the page is the
// projector, on the canvas, and shows no names. "Leave projector view"
// makes it hers: it joins again as Cilla, with her participant, and
// shows Ada's name as the board shows names to facilitators.
func TestBrowserTeacherLeaveProjectorPage(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Projector page")
	mustApply(t, wsURL(srv.url, id), []board.Op{noteAt(noteID(1), 40, 40, "Field trip"), moderate(board.Moderation{Names: board.NamesStaff})})

	teacher := mustScreen(t, projectorScreen)
	teacher.do(chromedp.Navigate(srv.url + "/healthz"))
	eval[chromedp.Void](teacher, `localStorage.setItem("corkboard:view", "list")`)
	teacher.open(srv.url, id+"?projector=1", "Cilla")
	teacher.waitFor("the projector's page", `document.body.classList.contains("projector") && !document.body.classList.contains("list-mode") && corkboard.name === "Projector" && corkboard.participant === ""`)
	if got := eval[string](teacher, authorsShown); got != "" {
		t.Errorf("the projector's page shows the names %q", got)
	}

	teacher.do(chromedp.Click(chromedp.ID("projector-exit")))
	teacher.waitFor("joined again as Cilla", `corkboard.name === "Cilla" && corkboard.participant !== "" && document.getElementById("status").dataset.state === "connected"`)
	teacher.waitFor("Ada's name back", authorsShown+` === "Ada"`)
	if got := eval[string](teacher, `document.getElementById("my-name").textContent`); got != "Cilla" {
		t.Errorf("the menu names this person %q, want Cilla", got)
	}
}

// TestBrowserTeacherNamesNone: "Moderation…" is in the teacher's ⋯ menu.
// Choosing "Names are not kept" asks first, saying the names are erased
// for good; Cancel keeps the names (nothing sent), OK sends it. The
// option's own description says so too.
func TestBrowserTeacherNamesNone(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Names")
	mustApply(t, wsURL(srv.url, id), []board.Op{noteAt(noteID(1), 40, 40, "Longer breaks")})

	teacher := mustScreen(t, laptopScreen)
	teacher.open(srv.url, id, "Cilla")
	openMenu(teacher, "moderation-menu")
	teacher.waitFor("the moderation dialog", `document.getElementById("moderation-dialog").open`)
	if got := eval[string](teacher, `document.getElementById("mod-names-none-help").textContent`); !strings.Contains(got, "cannot be brought back") {
		t.Errorf("the option says %q, not that the names go for good", got)
	}
	none := `#moderation-form input[name="mod-names"][value="none"]`
	teacher.do(chromedp.Click(chromedp.CSS(none)))
	teacher.waitFor("the question", `document.getElementById("confirm-dialog").open && document.getElementById("confirm-text").textContent.includes("Names already on notes and comments are taken off now and cannot be brought back")`)
	teacher.do(chromedp.Click(chromedp.ID("confirm-cancel")))
	teacher.waitFor("the choice back", `!document.getElementById("confirm-dialog").open && document.querySelector('#moderation-form input[name="mod-names"][value=""]').checked`)
	if n := mustServerNote(t, srv.url, id, noteID(1)); n.Author != "Ada" {
		t.Fatalf("after Cancel the note's author is %q, want Ada", n.Author)
	}

	teacher.do(chromedp.Click(chromedp.CSS(none)))
	teacher.waitFor("the question again", `document.getElementById("confirm-dialog").open`)
	teacher.do(chromedp.Click(chromedp.ID("confirm-ok")))
	teacher.waitFor("the names gone", `corkboard.conn.outbox.ops.length === 0 && corkboard.state.confirmed.moderation?.names === "none"`)
	if n := mustServerNote(t, srv.url, id, noteID(1)); n.Author != "" {
		t.Errorf("after OK the note's author is %q, want none", n.Author)
	}
}

// TestBrowserTeacherColumns: on a board with columns, "Arrange by votes"
// keeps every note in its column, most votes at the top; a stack taken
// apart lays its notes out in its own column; the list sorted by votes
// says a stack's total on its row; and with one vote the lesson bar says
// "1 vote".
func TestBrowserTeacherColumns(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Columns")
	ops := columnOps("Start", "Stop", "Keep")
	// Two notes in each of the first two columns, the lower one voted more.
	for i, at := range [][2]float64{{140, 40}, {140, 260}, {620, 40}, {620, 260}} {
		ops = append(ops, noteAt(noteID(i+1), at[0], at[1], fmt.Sprintf("Note %d", i+1)))
	}
	mustApply(t, wsURL(srv.url, id), ops)
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindVoteStart, Voting: &board.Voting{Votes: 6, PerNote: 3}}, {Kind: board.KindVote, ID: noteID(2)}})

	teacher := mustScreen(t, projectorScreen)
	teacher.open(srv.url, id, "Cilla")
	teacher.waitFor("one vote, in the singular", `document.body.textContent.includes("1 vote so far")`)
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindVote, ID: noteID(2)}, {Kind: board.KindVote, ID: noteID(4)}, {Kind: board.KindVoteEnd}})

	colOf := func(n board.Note) int { return int((n.X + n.W/2) / 480) }
	before := map[string]int{}
	for i := 1; i <= 4; i++ {
		before[noteID(i)] = colOf(mustServerNote(t, srv.url, id, noteID(i)))
	}
	teacher.waitFor("Arrange by votes", `!document.getElementById("votes-arrange").hidden`)
	teacher.do(chromedp.Click(chromedp.ID("votes-arrange")))
	teacher.waitFor("the arrangement saved", `corkboard.conn.outbox.ops.length === 0 && corkboard.view().notes.get("`+noteID(2)+`").y === 40`)
	first := func(a, b board.Note) bool { return a.Y < b.Y || a.Y == b.Y && a.X < b.X } // in reading order
	for i := 1; i <= 4; i++ {
		n := mustServerNote(t, srv.url, id, noteID(i))
		if got := colOf(n); got != before[n.ID] {
			t.Errorf("note %d arranged into column %d, from column %d", i, got, before[n.ID])
		}
	}
	for _, p := range [][2]int{{2, 1}, {4, 3}} {
		if a, b := mustServerNote(t, srv.url, id, noteID(p[0])), mustServerNote(t, srv.url, id, noteID(p[1])); !first(a, b) {
			t.Errorf("the voted note %d at (%v, %v) comes after note %d at (%v, %v)", p[0], a.X, a.Y, p[1], b.X, b.Y)
		}
	}

	// Stacked in the first column (voted note 2 on note 1), then taken apart.
	head := noteID(1)
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindUpdate, ID: noteID(2), Set: &board.Patch{Stack: &head}}})
	teacher.waitFor("the stack", `!!document.querySelector("#note-`+head+` > .stack-badge")`)
	// The list sorted by votes: the stack's row says its total.
	teacher.do(chromedp.Click(chromedp.ID("list-toggle")))
	teacher.do(chromedp.Click(chromedp.CSS(`input[name="list-sort"][value="votes"]`)))
	teacher.waitFor("the stack's total on its row", `document.getElementById("list-notes").textContent.includes("2 votes in all")`)
	teacher.do(chromedp.Click(chromedp.ID("list-toggle")))
	teacher.waitFor("the canvas", `!document.body.classList.contains("list-mode")`)
	eval[chromedp.Void](teacher, `corkboard.fit()`)
	teacher.nextFrame()
	teacher.do(chromedp.Click(chromedp.CSS("#note-" + head + " > .stack-badge")))
	teacher.waitFor("the stack's dialog", `document.getElementById("stack-dialog").open`)
	teacher.do(chromedp.Click(chromedp.ID("stack-apart")))
	teacher.waitFor("taken apart", `corkboard.conn.outbox.ops.length === 0 && !corkboard.view().notes.get("`+noteID(2)+`").stack`)
	for _, n := range []string{noteID(1), noteID(2)} {
		if got := colOf(mustServerNote(t, srv.url, id, n)); got != 0 {
			t.Errorf("taken apart, note %s lies in column %d, want the stack's column 0", n, got)
		}
	}
	// The top notes stand out; the others stay readable.
	teacher.do(chromedp.Click(chromedp.ID("lesson-top")))
	teacher.waitFor("the ranking", `document.getElementById("board").classList.contains("vote-ranking")`)
	if op := eval[float64](teacher, `(() => { const n = [...document.querySelectorAll("#board > .note:not(.top-vote)")][0]; return n ? +getComputedStyle(n).opacity : 1; })()`); op < 0.6 {
		t.Errorf("a note outside the top is drawn at opacity %v", op)
	}
}

// TestBrowserTeacherFitWall: the projector view of a board of three
// columns and one note fits every column's name on the wall, without
// blowing the note up; a note a student adds far below lands in view.
func TestBrowserTeacherFitWall(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Fit")
	mustApply(t, wsURL(srv.url, id), append(columnOps("Start", "Stop", "Keep"), noteAt(noteID(1), 140, 40, "Only one")))

	teacher := mustScreen(t, projectorScreen)
	teacher.open(srv.url, id, "Cilla")
	openMenu(teacher, "projector-toggle")
	teacher.waitFor("the projector view", `document.body.classList.contains("projector")`)
	teacher.nextFrame()
	inView := `((sel) => [...document.querySelectorAll(sel)].every((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight; }))`
	if !eval[bool](teacher, inView+`(".lane-name")`) {
		t.Error("the projector view leaves a column's name off the wall")
	}
	if z := eval[float64](teacher, `corkboard.cam.zoom`); z > 1.01 {
		t.Errorf("one note fitted at zoom %v: blown up", z)
	}
	eval[chromedp.Void](teacher, `corkboard.fit()`)
	teacher.nextFrame()
	if !eval[bool](teacher, inView+`(".lane-name")`) {
		t.Error("⤢ leaves a column's name off the wall")
	}
	mustApply(t, wsURL(srv.url, id), []board.Op{noteAt(noteID(2), 1100, 1400, "Added later")})
	teacher.waitFor("the new note on the wall", `!!document.getElementById("note-`+noteID(2)+`") && `+inView+`("#note-`+noteID(2)+`")`)
}

// TestBrowserTeacherStudentRules: a student's name prompt says the names
// are hidden where they are; where students change only their own notes,
// a student who stacked her note on Ada's is not offered the stack's
// colours, Edit, Delete or "Stack on…", which the server would refuse;
// her own comment keeps her name.
func TestBrowserTeacherStudentRules(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Rules")
	id := created.facilitate()
	edit := path.Base(created.Links[board.RoleEdit].URL)
	mustApply(t, wsURL(srv.url, id), []board.Op{noteAt(noteID(1), 40, 40, "Ada's"), moderate(board.Moderation{Names: board.NamesStaff, OwnNotes: true})})

	amy := mustScreen(t, phoneScreen)
	amy.open(srv.url, edit, "")
	amy.waitFor("the name prompt", `document.getElementById("name-dialog").open`)
	if got := eval[string](amy, `document.getElementById("name-help").textContent`); !strings.Contains(got, "only the facilitators see it") {
		t.Errorf("the name prompt says %q on a board whose names only facilitators see", got)
	}
	amy.do(chromedp.SendKeys(chromedp.ID("name-input"), "Amy\r"))
	amy.waitLive()

	mine := noteID(2)
	eval[chromedp.Void](amy, fmt.Sprintf(`corkboard.edit({ kind: "create", note: { id: %q, x: 300, y: 40, text: "Amy's", z: 9 } })`, mine))
	amy.waitFor("her note saved", `corkboard.conn.outbox.ops.length === 0`)
	eval[chromedp.Void](amy, fmt.Sprintf(`corkboard.edit({ kind: "update", id: %q, set: { stack: %q } })`, mine, noteID(1)))
	amy.waitFor("her note on Ada's", `corkboard.conn.outbox.ops.length === 0 && !document.getElementById("note-`+mine+`")`)
	eval[chromedp.Void](amy, `corkboard.actions.select(["`+noteID(1)+`"]); corkboard.renderNow()`)
	amy.waitFor("the selection bar", `!document.getElementById("selection-bar").hidden`)
	for _, tool := range []string{"swatches", "edit-note", "delete", "front", "stack-on"} {
		if eval[bool](amy, `!!document.getElementById("`+tool+`")?.checkVisibility()`) {
			t.Errorf("the student is offered %s on Ada's stack", tool)
		}
	}
	if !eval[bool](amy, `!!document.getElementById("stack-open")?.checkVisibility()`) {
		t.Error("the student cannot open the stack to see her note")
	}

	// Her own comment on her note, after the names setting hid names.
	eval[chromedp.Void](amy, fmt.Sprintf(`corkboard.comments.open(%q)`, noteID(1)))
	amy.waitFor("the comments", `!!document.getElementById("comments-input")`)
	amy.do(chromedp.SendKeys(chromedp.ID("comments-input"), "Me too"), chromedp.Click(chromedp.ID("comments-send")))
	amy.waitFor("her comment named", `[...document.querySelectorAll(".comment-author")].some((e) => e.textContent === "Amy")`)
}

// TestBrowserTeacherScreens takes the pictures of what the teacher and a
// student see here, to look at ($CORKBOARD_SCREENSHOTS keeps them): the
// projector view of a board with columns and hidden names in the top-3
// highlight, the ⋯ menu, the names question, a student's name prompt on a
// phone and the deleted board's page; light and dark, English and Swedish.
func TestBrowserTeacherScreens(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Retro 7B")
	id := created.facilitate()
	edit := path.Base(created.Links[board.RoleEdit].URL)
	ops := columnOps("Start", "Stop", "Keep")
	for i, at := range [][2]float64{{140, 40}, {140, 260}, {620, 40}, {1100, 40}} {
		ops = append(ops, noteAt(noteID(i+1), at[0], at[1], []string{"More group work", "Longer breaks", "Homework on Fridays", "Field trips"}[i]))
	}
	ops = append(ops, moderate(board.Moderation{Names: board.NamesStaff}), board.Op{Kind: board.KindVoteStart, Voting: &board.Voting{Votes: 6, PerNote: 3}},
		board.Op{Kind: board.KindVote, ID: noteID(2)}, board.Op{Kind: board.KindVote, ID: noteID(2)}, board.Op{Kind: board.KindVote, ID: noteID(3)}, board.Op{Kind: board.KindVoteEnd})
	mustApply(t, wsURL(srv.url, id), ops)
	gone := mustCreate(t, srv.url, "Gone")
	if code, body := do(t, "DELETE", srv.url+"/api/boards/"+gone, ""); code >= 300 {
		t.Logf("deleting a board for its page: %d %s", code, body)
	}
	dir := screenshotDir(t)
	for _, lang := range []string{"en", "sv"} {
		for _, scheme := range schemesFor(lang) {
			name := lang + "-" + scheme
			teacher := mustScreen(t, projectorScreen)
			teacher.setColorScheme(scheme)
			teacher.open(srv.url, id+"?lang="+lang, "Cilla")
			teacher.do(chromedp.Click(chromedp.ID("more")))
			teacher.waitFor("the menu", `!document.getElementById("more-menu").hidden`)
			teacher.screenshot(dir, "teacher-menu-"+name)
			teacher.do(chromedp.Click(chromedp.ID("moderation-menu")))
			teacher.waitFor("the dialog", `document.getElementById("moderation-dialog").open`)
			teacher.do(chromedp.Click(chromedp.CSS(`#moderation-form input[name="mod-names"][value="none"]`)))
			teacher.waitFor("the question", `document.getElementById("confirm-dialog").open`)
			teacher.screenshot(dir, "teacher-names-none-"+name)
			teacher.do(chromedp.Click(chromedp.ID("confirm-cancel")))
			teacher.do(chromedp.Click(chromedp.ID("moderation-close")))
			teacher.do(chromedp.Click(chromedp.ID("lesson-top")))
			openMenu(teacher, "projector-toggle")
			teacher.waitFor("the projector view", `document.body.classList.contains("projector")`)
			teacher.nextFrame()
			teacher.screenshot(dir, "teacher-projector-"+name)

			amy := mustScreen(t, phoneScreen)
			amy.setColorScheme(scheme)
			amy.open(srv.url, edit+"?lang="+lang, "")
			amy.waitFor("the name prompt", `document.getElementById("name-dialog").open`)
			amy.screenshot(dir, "student-name-"+name)
			amy.do(chromedp.Navigate(srv.url + "/b/" + gone + "?lang=" + lang))
			amy.waitFor("the deleted page", `!!document.querySelector("main.deleted-page h1")`)
			amy.screenshot(dir, "deleted-"+name)
		}
	}
}
