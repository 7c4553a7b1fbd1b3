package main

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"corkboard/board"
)

// The browser tests of moderation: what a teacher allows on a board, and
// what two students, each in a browser of their own, see of it.

// moderate is the moderate operation with the whole of the settings m.
func moderate(m board.Moderation) board.Op { return board.Op{Kind: board.KindModerate, Moderation: &m} }

// noteWithText is a JS expression for the id of the note a page shows with
// text, or "".
func noteWithText(text string) string {
	return fmt.Sprintf(`([...corkboard.view().notes.values()].find((n) => n.text === %q)?.id ?? "")`, text)
}

// writeNote adds a note on a page with its Add button and types text into it.
func writeNote(b *browser, text string) string {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.ID("add-note")))
	b.waitFor("the editor", `document.activeElement?.classList.contains("note-editor")`)
	b.do(chromedp.SendKeys(chromedp.CSS(".note-editor"), text))
	b.press("Escape", "Escape", 27)
	b.waitFor("the note saved", noteWithText(text)+` !== "" && corkboard.conn.outbox.ops.length === 0`)
	return eval[string](b, noteWithText(text))
}

// serverNote returns a note as the board's API gives it to anyone.
func serverNote(t *testing.T, base, link, id string) (board.Note, bool) {
	t.Helper()
	code, body := do(t, "GET", base+"/api/boards/"+link, "")
	if code != 200 {
		t.Fatalf("GET the board: %d %s", code, body)
	}
	var b struct{ Notes []board.Note }
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	for _, n := range b.Notes {
		if n.ID == id {
			return n, true
		}
	}
	return board.Note{}, false
}

// TestBrowserModeration: a teacher and two students, Amy and Ben, each in
// a browser of their own. The teacher turns on approval in the Moderation
// dialog: Amy's note waits, labelled, on her page and the teacher's, and
// Ben's page has nothing of it until the teacher approves it, when it
// comes to him live; the teacher rejects Ben's, after a question, and it
// goes from Ben's page. With only own notes: Amy's drag of the teacher's
// note is stopped with the reason and the note stays where it is on the
// server, while her own moves. Closed to new notes: Amy's Add button is
// off and says why, and her vote still counts. A word filter that masks
// "frog": Ben sees ∗∗∗∗ where Amy, who wrote it, and the teacher see the
// word.
func TestBrowserModeration(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Science, week 51")
	id := created.facilitate()
	edit := path.Base(created.Links[board.RoleEdit].URL)
	mustApply(t, wsURL(srv.url, id), lessonNotes())

	teacher := mustScreen(t, laptopScreen)
	teacher.open(srv.url, id, "Ms Berg")
	amy := mustScreen(t, laptopScreen)
	amy.open(srv.url, edit, "Amy")
	ben := mustScreen(t, laptopScreen)
	ben.open(srv.url, edit, "Ben")
	students := []*browser{amy, ben}

	// Approval, from the Lesson panel's Moderation dialog.
	teacher.waitFor("everyone here", `document.getElementById("people-count").textContent.startsWith("3")`)
	teacher.nextFrame()
	teacher.do(chromedp.Click(chromedp.ID("lesson-toggle")))
	teacher.waitFor("the Lesson panel", `!document.getElementById("lesson-panel").hidden`)
	teacher.do(chromedp.Click(chromedp.ID("moderation-open")))
	teacher.waitFor("the Moderation dialog", `document.getElementById("moderation-dialog").open`)
	teacher.do(chromedp.Click(chromedp.ID("mod-approval")))
	for _, s := range students {
		s.waitFor("approval on", `corkboard.view().moderation?.approval === true && !document.getElementById("moderation-approval-badge").hidden`)
	}
	teacher.waitFor("the summary", `document.getElementById("moderation-summary").textContent.includes("approval")`)
	teacher.do(chromedp.Click(chromedp.ID("moderation-close")))
	teacher.do(chromedp.Click(chromedp.ID("lesson-toggle")))
	teacher.waitFor("the Lesson panel closed", `document.getElementById("lesson-panel").hidden`)

	amys := writeNote(amy, "Amy's idea")
	amy.waitFor("Amy's note waiting, labelled", `(() => { const el = document.getElementById("note-`+amys+`");
  return el.classList.contains("pending") && el.querySelector(".note-pending-label")?.textContent === "Waiting for approval" && el.getAttribute("aria-label").includes("Waiting for approval") && !el.querySelector(".moderation-approve"); })()`)
	teacher.waitFor("Amy's note waiting, with its buttons", `!!document.querySelector("#note-`+amys+`.pending .moderation-approve") && document.getElementById("moderation-count").textContent === "1 waiting" && !document.getElementById("moderation-waiting").hidden`)
	bens := writeNote(ben, "Ben's idea")
	teacher.waitFor("two waiting", `document.getElementById("moderation-count").textContent === "2 waiting"`)
	// Ben's page holds nothing of Amy's note, nor Amy's of Ben's.
	for _, c := range []struct {
		b    *browser
		note string
	}{{ben, amys}, {amy, bens}} {
		if eval[bool](c.b, `corkboard.view().notes.has("`+c.note+`") || !!document.getElementById("note-`+c.note+`") || document.documentElement.outerHTML.includes("`+map[string]string{amys: "Amy's idea", bens: "Ben's idea"}[c.note]+`")`) {
			t.Fatal("a note waiting for approval reached another student's page")
		}
	}
	// Every note in view: Amy's was put where she had room.
	eval[chromedp.Void](teacher, `corkboard.fit()`)
	teacher.nextFrame()
	// The teacher's own page stops a move of a note still waiting.
	// (by its foot: its head holds the buttons)
	x, y, w, h := teacher.noteRect(amys)
	teacher.drag(x+w/2, y+h-25, x+w/2+100, y+h+75)
	teacher.waitFor("why not", toastSays("approve or reject it first"))

	// From the keyboard: Ben's note, put where he had room as Amy's was,
	// may lie on top of it (neither saw the other's).
	eval[chromedp.Void](teacher, `document.querySelector("#note-`+amys+` .moderation-approve").focus()`)
	teacher.do(chromedp.KeyEvent("\r"))
	ben.waitFor("Amy's note, approved, live", `!!document.getElementById("note-`+amys+`") && document.querySelector("#note-`+amys+` .note-text").textContent === "Amy's idea" && !document.getElementById("note-`+amys+`").classList.contains("pending")`)
	amy.waitFor("Amy's note no longer waiting", `!document.getElementById("note-`+amys+`").classList.contains("pending") && !document.querySelector("#note-`+amys+` .note-pending")`)
	teacher.waitFor("the focus on the note approved", `document.activeElement?.id === "note-`+amys+`"`)

	teacher.do(chromedp.Click(chromedp.CSS("#note-" + bens + " .moderation-reject")))
	teacher.waitFor("the question", `document.getElementById("confirm-dialog").open`)
	teacher.do(chromedp.Click(chromedp.ID("confirm-ok")))
	ben.waitFor("Ben's note gone", `!document.getElementById("note-`+bens+`") && !corkboard.view().notes.has("`+bens+`")`)
	ben.waitFor("Ben told", toastSays("Your note was not approved"))
	teacher.waitFor("nothing waiting", `document.getElementById("moderation-waiting").hidden && !document.getElementById("note-`+bens+`")`)

	// A comment waits too: counted in the bar, marked on its note, and
	// rejected with everything waiting.
	eval[chromedp.Void](amy, `corkboard.comments.open("`+amys+`")`)
	amy.do(chromedp.SendKeys(chromedp.ID("comments-input"), "And more"))
	amy.press("Enter", "Enter", 13)
	amy.waitFor("the comment sent", `document.getElementById("comments-input").value === "" && corkboard.conn.outbox.ops.length === 0`)
	teacher.waitFor("one comment waiting", `document.getElementById("moderation-count").textContent === "1 waiting" && !document.getElementById("moderation-waiting").hidden && !!document.querySelector("#note-`+amys+` .comments-badge.waiting")`)
	teacher.do(chromedp.Click(chromedp.ID("moderation-reject-all")))
	teacher.waitFor("the question", `document.getElementById("confirm-dialog").open && document.getElementById("confirm-text").textContent.includes("(1 comment)")`)
	teacher.do(chromedp.Click(chromedp.ID("confirm-ok")))
	amy.waitFor("the comment gone", `!corkboard.view().notes.get("`+amys+`").comments`)
	amy.waitFor("Amy told", toastSays("Your comment was not approved"))
	teacher.waitFor("nothing waiting again", `document.getElementById("moderation-waiting").hidden`)
	eval[chromedp.Void](amy, `corkboard.comments.close()`)

	// Only one's own notes.
	mustApply(t, wsURL(srv.url, id), []board.Op{moderate(board.Moderation{OwnNotes: true})})
	amy.waitFor("own notes only", `corkboard.view().moderation?.ownNotes === true && !corkboard.view().moderation?.approval`)
	eval[chromedp.Void](amy, `corkboard.fit()`)
	amy.nextFrame()
	x, y, w, _ = amy.noteRect(lessonNoteA)
	amy.drag(x+w/2, y+40, x+w/2+150, y+140)
	amy.waitFor("why not", toastSays("you can change only the notes you made"))
	amy.nextFrame()
	if n, _ := serverNote(t, srv.url, id, lessonNoteA); n.X != 0 || n.Y != 0 {
		t.Errorf("Amy's drag of the teacher's note moved it on the server to %v,%v", n.X, n.Y)
	}
	if got := eval[[]float64](amy, `[corkboard.view().notes.get("`+lessonNoteA+`").x, corkboard.conn.outbox.seq]`); got[0] != 0 {
		t.Errorf("after a refused drag Amy's page shows the teacher's note at x %v", got[0])
	}
	before, _ := serverNote(t, srv.url, id, amys)
	x, y, w, _ = amy.noteRect(amys)
	amy.drag(x+w/2, y+40, x+w/2+120, y+40)
	teacher.waitFor("Amy's own note moved", fmt.Sprintf(`corkboard.view().notes.get(%q).x > %v`, amys, before.X+50))

	// Closed to new notes: voting goes on.
	mustApply(t, wsURL(srv.url, id), []board.Op{moderate(board.Moderation{Closed: true}), {Kind: board.KindVoteStart, Voting: &board.Voting{Votes: 2, PerNote: 1}}})
	amy.waitFor("the Add button off, saying why", `document.getElementById("add-note").disabled && document.getElementById("add-note").title.includes("closed the board to new notes") && !document.getElementById("moderation-closed-badge").hidden`)
	amy.press("n", "KeyN", 78)
	amy.waitFor("why not", toastSays("closed the board to new notes"))
	amy.waitFor("the round", `!!document.querySelector("#note-`+lessonNoteA+` .vote-plus:not([hidden])")`)
	amy.do(chromedp.Click(chromedp.CSS("#note-" + lessonNoteA + " .vote-plus")))
	teacher.waitFor("Amy's vote", voteCount(lessonNoteA)+` === "1"`)
	if !eval[bool](teacher, `!document.getElementById("add-note").disabled`) {
		t.Error("the teacher's own Add button is off on a board closed to new notes")
	}

	// The word filter, masking.
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindVoteClear}, moderate(board.Moderation{Filter: &board.Filter{Mode: board.FilterMask, Words: []string{"frog"}}})})
	amy.waitFor("the board open again", `!document.getElementById("add-note").disabled`)
	frogs := writeNote(amy, "I like frog legs")
	ben.waitFor("the word masked", `document.querySelector("#note-`+frogs+` .note-text")?.textContent === "I like ∗∗∗∗ legs"`)
	teacher.waitFor("the word whole", `document.querySelector("#note-`+frogs+` .note-text")?.textContent === "I like frog legs"`)
	amy.nextFrame()
	if got := eval[string](amy, `document.querySelector("#note-`+frogs+` .note-text").textContent`); got != "I like frog legs" {
		t.Errorf("Amy's own note shows %q to her, want her words", got)
	}
	if eval[bool](ben, `document.documentElement.outerHTML.includes("frog") || JSON.stringify(corkboard.view().moderation).includes("frog")`) {
		t.Error("the filtered word, or the filter's list, reached Ben's page")
	}

	// The word filter, refusing: Amy's text stays in her editor, which
	// stays open and says why, once; only what the server took can be
	// undone.
	mustApply(t, wsURL(srv.url, id), []board.Op{moderate(board.Moderation{Filter: &board.Filter{Mode: board.FilterRefuse, Words: []string{"toad"}}})})
	amy.waitFor("refusing", `corkboard.view().moderation?.filter?.mode === "refuse"`)
	eval[chromedp.Void](amy, `corkboard.actions.startEditing("`+frogs+`")`)
	amy.waitFor("the editor", `document.activeElement?.classList.contains("note-editor")`)
	undos := eval[int](amy, `corkboard.undo.undos.length`)
	amy.do(chromedp.SendKeys(chromedp.CSS(".note-editor"), " and a toad"))
	refused := `(() => { const ta = document.querySelector(".note-editor"); const why = document.querySelector(".note-editor-error");
  return ta?.classList.contains("refused") && ta.value === "I like frog legs and a toad" && !!why?.textContent.includes("does not allow"); })()`
	amy.waitFor("refused, kept, and why", refused)
	amy.do(chromedp.SendKeys(chromedp.CSS(".note-editor"), "!"))
	amy.waitFor("refused again", `corkboard.conn.outbox.ops.length === 0 && document.querySelector(".note-editor")?.value.endsWith("toad!")`)
	eval[chromedp.Void](amy, `document.querySelector(".note-editor").blur()`)
	amy.nextFrame()
	if !eval[bool](amy, refused+` || document.querySelector(".note-editor")?.value === "I like frog legs and a toad!"`) || eval[bool](amy, `document.getElementById("toast").textContent.includes("does not allow")`) {
		t.Error("a refused text was not kept in its editor, or a toast said it too")
	}
	eval[chromedp.Void](amy, `(() => { const ta = document.querySelector(".note-editor"); ta.value = "I like frog legs and a newt"; ta.dispatchEvent(new Event("input")); })()`)
	amy.waitFor("taken, and the editor closed", `!document.querySelector(".note-editor") && document.querySelector("#note-`+frogs+` .note-text").textContent === "I like frog legs and a newt" && corkboard.conn.outbox.ops.length === 0`)
	if got := eval[[]string](amy, `corkboard.undo.undos.slice(`+fmt.Sprint(undos)+`).map((e) => e.op.set?.text + " <- " + e.inv.set?.text)`); len(got) == 0 || got[len(got)-1] == "" || strings.Contains(strings.Join(got, "\n"), "toad") {
		t.Errorf("undo steps after the refusals: %q; want the text taken, and nothing refused", got)
	}
}

// TestModerationScreenshots saves, for a person to look at, on a phone and
// a projector, in both languages, light and dark: the teacher's page with
// notes waiting for approval (labelled, with their buttons, and the count
// in the lesson bar), the Moderation dialog, and a student's page on a
// board closed to new notes whose notes wait for approval.
func TestModerationScreenshots(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Class 7B: questions for the museum")
	id := created.facilitate()
	editWS := created.Links[board.RoleEdit].WebSocket
	edit := path.Base(created.Links[board.RoleEdit].URL)
	var ops []board.Op
	for i, text := range []string{"Why are fossils stone?", "How old is the oldest one?"} {
		x, y, text := float64(40+i*240), 40.0, text
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), X: &x, Y: &y, Text: &text, Color: &board.Palette[i+3]}})
	}
	ops = append(ops, moderate(board.Moderation{Approval: true, Filter: &board.Filter{Mode: board.FilterMask, Defaults: true, Words: []string{"frog*", "toad"}}}))
	mustApply(t, wsURL(srv.url, id), ops)
	for i, text := range []string{"Can we touch the dinosaurs?", "Is there a café?", "What do they feed the frogs"} {
		x, y, text := float64(40+i*240), 240.0, text
		mustApply(t, editWS, []board.Op{{Kind: board.KindCreate, Note: &board.NewNote{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+11), X: &x, Y: &y, Text: &text}}})
	}

	dir := screenshotDir(t)
	for _, s := range []classScreen{phoneScreen, projectorScreen} {
		t.Run(s.name, func(t *testing.T) {
			b := mustScreen(t, s)
			b.openWith(srv.url, id, map[string]string{"corkboard:name": "Ms Berg", "corkboard:lesson-panel": ""})
			for _, lang := range []string{"en", "sv"} {
				for _, scheme := range schemesFor(lang, s.name) {
					name := fmt.Sprintf("%s-%s-%s", s.name, lang, scheme)
					b.setColorScheme(scheme)
					b.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=" + lang))
					b.waitLive()
					b.waitFor("the notes waiting", `document.querySelectorAll(".note.pending .moderation-approve").length === 3 && !document.getElementById("moderation-waiting").hidden`)
					b.nextFrame()
					b.screenshot(dir, "moderation-"+name)
					b.do(chromedp.Click(chromedp.ID("lesson-toggle")))
					b.do(chromedp.Click(chromedp.ID("moderation-open")))
					b.waitFor("the dialog", `document.getElementById("moderation-dialog").open`)
					b.nextFrame()
					b.screenshot(dir, "moderation-dialog-"+name)
					b.do(chromedp.Click(chromedp.ID("moderation-close")))
					b.do(chromedp.Click(chromedp.ID("lesson-toggle")))
				}
			}
		})
	}
	// A student's page: the board closed to new notes, notes waiting.
	mustApply(t, wsURL(srv.url, id), []board.Op{moderate(board.Moderation{Approval: true, Closed: true})})
	for _, s := range []classScreen{phoneScreen, projectorScreen} {
		b := mustScreen(t, s)
		b.openWith(srv.url, edit, map[string]string{"corkboard:name": "Amy"})
		for _, scheme := range []string{"light", "dark"} {
			b.setColorScheme(scheme)
			b.do(chromedp.Navigate(srv.url + "/b/" + edit + "?lang=en"))
			b.waitLive()
			b.waitFor("the board closed", `document.getElementById("add-note").disabled`)
			b.nextFrame()
			b.screenshot(dir, fmt.Sprintf("moderation-student-%s-en-%s", s.name, scheme))
		}
	}
	t.Logf("screenshots in %s", dir)
}
