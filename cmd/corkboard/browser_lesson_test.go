package main

import (
	"context"
	"fmt"
	"math"
	"path"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"corkboard/board"
	"corkboard/sync/wsclient"
)

// The browser tests of running a lesson: a teacher's Lesson panel, and what
// the class sees of it on their own screens.

const (
	lessonNoteA = "00000000-0000-4000-8000-00000000000a"
	lessonNoteB = "00000000-0000-4000-8000-00000000000b"
)

// lessonNotes are two notes to vote on, side by side.
func lessonNotes() []board.Op {
	var ops []board.Op
	for i, text := range []string{"More experiments", "Less homework"} {
		id, x, y, text := []string{lessonNoteA, lessonNoteB}[i], float64(i*260), 0.0, text
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: id, X: &x, Y: &y, Text: &text}})
	}
	return ops
}

// toastSays is true once the page's toast shows text.
func toastSays(text string) string {
	return fmt.Sprintf(`!document.getElementById("toast").hidden && document.getElementById("toast").textContent.includes(%q)`, text)
}

// voteCount is the vote count a page shows on a note.
func voteCount(id string) string {
	return fmt.Sprintf(`(document.querySelector("#note-%s .vote-count")?.textContent ?? "")`, id)
}

// TestBrowserLesson: a teacher on a laptop and two students, Amy on a
// phone and Ben on a laptop, on one board. The teacher locks the board:
// both students see that it is locked and why; Amy's edit is refused at
// once with the reason, and an edit of Ben's that reaches the server
// anyway is refused there, taken back and explained. The teacher turns on
// private writing: Amy writes a note, Ben's page holds it blank, marked as
// being written, with its text nowhere in the page, until the teacher
// reveals it. A voting round of two votes each, one a note, on a board
// the teacher locks again: the students see their votes left and vote
// (a lock stops writing, not voting), the buttons stop at the limits, the
// teacher sees the counts live, and after the end everyone sees them and
// Ben picks out the top notes. A two-second timer ends on all three
// screens. Ben raises his hand: the teacher sees it in the list of people
// and lowers every hand.
func TestBrowserLesson(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Science, week 48")
	id := created.facilitate()
	edit := path.Base(created.Links[board.RoleEdit].URL)
	mustApply(t, wsURL(srv.url, id), lessonNotes())

	teacher := mustScreen(t, laptopScreen)
	teacher.open(srv.url, id, "Ms Berg")
	amy := mustScreen(t, phoneScreen)
	amy.open(srv.url, edit, "Amy")
	ben := mustScreen(t, laptopScreen)
	ben.open(srv.url, edit, "Ben")
	students := []*browser{amy, ben}
	everyone := []*browser{teacher, amy, ben}

	if !eval[bool](amy, `!document.getElementById("lesson-toggle") && !document.getElementById("lesson-panel")`) {
		t.Error("a student's page has the Lesson panel")
	}
	// Opening the panel leaves the view as it was: fitted into the space
	// above the panel the notes would shrink to specks.
	camNow := `JSON.stringify([corkboard.cam.x, corkboard.cam.y, corkboard.cam.zoom])`
	// Everyone in the list first: the dock grows as they come, and a click
	// on the Lesson button while it moves can miss.
	teacher.waitFor("everyone here", `document.getElementById("people-count").textContent.startsWith("3")`)
	teacher.nextFrame()
	cam := eval[string](teacher, camNow)
	teacher.do(chromedp.Click(chromedp.ID("lesson-toggle")))
	teacher.waitFor("the Lesson panel", `!document.getElementById("lesson-panel").hidden`)
	teacher.nextFrame()
	teacher.nextFrame()
	if got := eval[string](teacher, camNow); got != cam {
		t.Errorf("opening the Lesson panel moved the view from %s to %s", cam, got)
	}

	// The lock.
	teacher.do(chromedp.Click(chromedp.ID("lesson-lock")))
	for _, s := range students {
		// On the phone in short, whole as its tooltip.
		s.waitFor("the lock and why", `(() => { const el = document.getElementById("lesson-locked");
  return !el.hidden && el.textContent.includes("Locked") && el.textContent.includes("facilitator") && el.title.includes("only the facilitator can change notes"); })()`)
	}
	amy.do(chromedp.Click(chromedp.ID("add-note")))
	amy.waitFor("the edit refused", toastSays("The board is locked"))
	if got := eval[[]float64](amy, `[corkboard.view().notes.size, corkboard.conn.outbox.ops.length]`); got[0] != 2 || got[1] != 0 {
		t.Errorf("after a refused add: %v notes, %v unsent, want 2 and 0", got[0], got[1])
	}
	eval[float64](ben, `(() => { const op = { kind: "update", id: "`+lessonNoteA+`", set: { x: 999 } }; const seq = corkboard.conn.send(op); corkboard.state.local(seq, op); corkboard.render(); return seq; })()`)
	ben.waitFor("the server's refusal, rolled back", toastSays("A change was not saved: the board is locked")+
		` && corkboard.conn.outbox.ops.length === 0 && corkboard.view().notes.get("`+lessonNoteA+`").x === 0`)
	teacher.do(chromedp.Click(chromedp.ID("lesson-lock")))
	for _, s := range students {
		s.waitFor("the lock gone", `document.getElementById("lesson-locked").hidden`)
	}

	// Private writing, then the reveal.
	teacher.do(chromedp.Click(chromedp.ID("lesson-hide")))
	for _, s := range students {
		s.waitFor("private writing", `!document.getElementById("lesson-private").hidden`)
	}
	amy.do(chromedp.Click(chromedp.ID("add-note")))
	amy.waitFor("the editor", `document.activeElement?.classList.contains("note-editor")`)
	amy.do(chromedp.SendKeys(chromedp.CSS(".note-editor"), "Secret plan"))
	amy.press("Escape", "Escape", 27)
	amy.waitFor("the note saved", `corkboard.conn.outbox.ops.length === 0 && [...corkboard.view().notes.values()].some((n) => n.text === "Secret plan" && n.private)`)
	amy.waitFor("the mark on Amy's own note", `[...document.querySelectorAll(".note.private-own")].some((n) => n.textContent.includes("Secret plan") && n.querySelector(".note-mark.only-you"))`)
	for _, b := range []*browser{ben, teacher} {
		b.waitFor("Amy's note, blank", `corkboard.view().notes.size === 3 && document.querySelectorAll(".note.private-other .note-mark.writing").length === 1`)
		if eval[bool](b, `document.documentElement.outerHTML.includes("Secret plan") || [...corkboard.view().notes.values()].some((n) => n.text.includes("Secret"))`) {
			t.Fatal("the private note's text reached another page before the reveal")
		}
	}
	teacher.waitFor("the reveal button", `document.getElementById("lesson-reveal").textContent.includes("(1)")`)
	teacher.do(chromedp.Click(chromedp.ID("lesson-reveal")))
	teacher.waitFor("the question", `document.getElementById("confirm-dialog").open`)
	teacher.do(chromedp.Click(chromedp.ID("confirm-ok")))
	for _, b := range everyone {
		b.waitFor("the revealed text", `[...document.querySelectorAll(".note-text")].some((e) => e.textContent === "Secret plan") && !document.querySelector(".private-other, .private-own") && document.getElementById("lesson-private").hidden`)
	}

	// A round of voting: two votes each, at most one on a note.
	eval[chromedp.Void](teacher, `(() => { const v = document.getElementById("lesson-votes"); v.value = "2"; v.dispatchEvent(new Event("input")); })()`)
	teacher.do(chromedp.Click(chromedp.ID("lesson-vote-start")))
	// The board locked for the round: writing stops, voting goes on.
	teacher.do(chromedp.Click(chromedp.ID("lesson-lock")))
	for _, s := range students {
		s.waitFor("votes left on a locked board", `!document.getElementById("lesson-locked").hidden && document.getElementById("lesson-vote-text").textContent.includes("2 of 2 votes left") && !!document.querySelector("#note-`+lessonNoteA+` .vote-plus:not([hidden])")`)
	}
	plusAt := `(() => { const r = document.querySelector("#note-` + lessonNoteA + ` .vote-plus").getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })()`
	before := eval[[]float64](amy, plusAt)
	amy.do(chromedp.Click(chromedp.CSS("#note-" + lessonNoteA + " .vote-plus")))
	amy.waitFor("one vote left", `document.getElementById("lesson-vote-text").textContent.includes("1 of 2")`)
	// A second tap on the same spot must not take the vote back.
	after := eval[[]float64](amy, plusAt)
	minus := eval[[]float64](amy, `(() => { const r = document.querySelector("#note-`+lessonNoteA+` .vote-minus").getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })()`)
	if math.Abs(after[0]-before[0]) > 1 || math.Abs(after[1]-before[1]) > 1 || minus[2] > before[0] {
		t.Errorf("after a vote the + moved from %v to %v, or the − (%v) overlaps where it was", before, after, minus)
	}
	if !eval[bool](amy, `document.querySelector("#note-`+lessonNoteA+` .vote-plus").disabled && !document.querySelector("#note-`+lessonNoteA+` .vote-minus").hidden`) {
		t.Error("a note with as many of Amy's votes as it may take still offers her another, or no way to take hers back")
	}
	amy.do(chromedp.Click(chromedp.CSS("#note-" + lessonNoteB + " .vote-plus")))
	amy.waitFor("no votes left", `document.getElementById("lesson-vote-text").textContent.includes("0 of 2") && [...document.querySelectorAll(".vote-plus")].every((b) => b.disabled)`)
	ben.do(chromedp.Click(chromedp.CSS("#note-" + lessonNoteA + " .vote-plus")))
	teacher.waitFor("the counts, live", voteCount(lessonNoteA)+` === "2" && `+voteCount(lessonNoteB)+` === "1"`)
	teacher.do(chromedp.Click(chromedp.ID("lesson-lock")))
	for _, s := range students {
		s.waitFor("the lock gone", `document.getElementById("lesson-locked").hidden`)
	}
	teacher.do(chromedp.Click(chromedp.ID("lesson-vote-end")))
	for _, b := range everyone {
		b.waitFor("the counts after the round", `document.getElementById("lesson-vote-text").textContent.includes("Voting has ended") && `+
			voteCount(lessonNoteA)+` === "2" && `+voteCount(lessonNoteB)+` === "1" && ![...document.querySelectorAll(".vote-plus")].some((b) => !b.hidden)`)
	}
	ben.do(chromedp.Click(chromedp.ID("lesson-top")))
	ben.waitFor("the top notes", `document.getElementById("note-`+lessonNoteA+`").dataset.place === "1" && document.getElementById("note-`+lessonNoteB+`").dataset.place === "2" && document.getElementById("board").classList.contains("vote-ranking")`)

	// A two-second timer ends on every screen, and the teacher's panel no
	// longer offers to pause it.
	teacher.do(chromedp.SendKeys(chromedp.ID("lesson-timer-custom"), "0:02"), chromedp.Click(chromedp.CSS("#lesson-timer-form button[type=submit]")))
	teacher.waitFor("the timer running", `document.getElementById("lesson-timer").dataset.state === "running" && !document.getElementById("lesson-timer-pause").hidden`)
	for _, b := range everyone {
		b.waitFor("the time up", `document.getElementById("lesson-timer").dataset.state === "ended"`)
	}
	teacher.waitFor("no Pause for a timer that ended", `document.getElementById("lesson-timer-pause").hidden && !document.getElementById("lesson-timer-reset").hidden`)

	// A raised hand, seen by the teacher, and lowered by the teacher.
	ben.do(chromedp.Click(chromedp.ID("hand-raise")))
	teacher.waitFor("Ben's hand", `[...document.querySelectorAll("#people li")].some((li) => li.textContent.includes("Ben") && li.dataset.hand === "raised") && document.getElementById("lesson-hands").textContent.includes("1")`)
	teacher.do(chromedp.Click(chromedp.ID("lesson-hands-clear")))
	ben.waitFor("the hand lowered", `document.getElementById("hand-raise").getAttribute("aria-pressed") === "false" && corkboard.peers.has(corkboard.you) && !corkboard.peers.get(corkboard.you).hand`)
}

// TestBrowserProjectorPage: the board's edit link opened with ?projector=1
// in a browser that has never been on the board, during a round of
// voting. It asks for no name, joins as "Projector" without a participant
// (it is nobody who votes), and shows the notes' counts but no vote
// buttons, no votes left and no hand to raise.
func TestBrowserProjectorPage(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Science, week 50")
	mustApply(t, wsURL(srv.url, created.facilitate()), append(lessonNotes(), board.Op{Kind: board.KindVoteStart, Voting: &board.Voting{Votes: 2, PerNote: 1}}))
	b := mustScreen(t, projectorScreen)
	b.do(chromedp.Navigate(created.Links[board.RoleEdit].URL + "?projector=1"))
	b.waitLive()
	b.waitFor("the round", `document.body.classList.contains("projector") && !!document.querySelector("#note-`+lessonNoteA+` .note-votes")`)
	type page struct {
		Asked       bool     `json:"asked"`
		Name        string   `json:"name"`
		Participant string   `json:"participant"`
		Shown       []string `json:"shown"`
	}
	got := eval[page](b, `(() => {
  const shown = (el) => !!el && !el.hidden && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  return { asked: document.getElementById("name-dialog").open, name: corkboard.name, participant: corkboard.participant,
    shown: ["#hand-raise", "#hand-done", "#lesson-vote", ".vote-plus", ".vote-minus"].filter((sel) => [...document.querySelectorAll(sel)].some(shown)) };
})()`)
	if got.Asked || got.Name != "Projector" || got.Participant != "" || len(got.Shown) > 0 {
		t.Errorf("projector page: asked for a name %v, name %q, participant %q, shows %v; want no question, Projector, none, nothing", got.Asked, got.Name, got.Participant, got.Shown)
	}
}

// TestBrowserLessonRefused: what a student's page refuses at once, before
// anything reaches the server, and that it leaves no trace. Kim writes a
// note privately: Amy's page shows it blank, and neither a double-click
// nor Enter opens it for typing (nothing is sent, and a toast says why);
// Amy may delete it, but not undo that, which would bring it back blank
// as hers. With the board locked, Amy's drag of a note leaves it where it
// is, with no drag shown and one toast; N neither moves her view nor adds
// a note; Ctrl+D selects no copies that never came to be. An undo while
// locked changes nothing, so after the unlock a redo has nothing to do
// (no second copy of the note), and the undo still works.
func TestBrowserLessonRefused(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Science, week 49")
	id := created.facilitate()
	editWS := created.Links[board.RoleEdit].WebSocket
	mustApply(t, wsURL(srv.url, id), append(lessonNotes(), board.Op{Kind: board.KindHide}))
	const kims = "00000000-0000-4000-8000-00000000000c"
	x, y, secret := 0.0, 240.0, "Kim's secret"
	mustApply(t, editWS, []board.Op{{Kind: board.KindCreate, Note: &board.NewNote{ID: kims, X: &x, Y: &y, Text: &secret}}})

	amy := mustScreen(t, laptopScreen)
	amy.open(srv.url, path.Base(created.Links[board.RoleEdit].URL), "Amy")
	const noteCount = `corkboard.view().notes.size`
	const sent = `corkboard.conn.outbox.seq`

	// Kim's private note: no editor, nothing sent.
	amy.waitFor("Kim's note, blank", `!!document.querySelector("#note-`+kims+`.private-other .note-mark.writing")`)
	x, y, w, h := amy.noteRect(kims)
	amy.do(chromedp.MouseClickXY(x+w/2, y+h/2, chromedp.ClickCount(2)))
	amy.waitFor("why not", toastSays("Only its author can write in this note"))
	amy.press("Enter", "Enter", 13)
	if got := eval[[]any](amy, `[corkboard.ui.selected.has("`+kims+`"), !!document.querySelector(".note-editor"), corkboard.ui.editing, `+sent+`]`); got[0] != true || got[1] != false || got[2] != nil || got[3] != 0.0 {
		t.Errorf("after a double-click and Enter on Kim's private note: selected %v, editor %v, editing %v, %v ops sent; want true, false, null, 0", got[0], got[1], got[2], got[3])
	}
	amy.press("Delete", "Delete", 46)
	amy.waitFor("Kim's note deleted", `!corkboard.view().notes.has("`+kims+`") && corkboard.conn.outbox.ops.length === 0`)
	// Its undo brings it back from the board's trash, whole and Kim's
	// (at the end, below).

	// A note of Amy's own, to undo later.
	amy.press("n", "KeyN", 78)
	amy.waitFor("the editor", `document.activeElement?.classList.contains("note-editor")`)
	amy.press("Escape", "Escape", 27)
	amy.waitFor("Amy's note saved", noteCount+` === 3 && corkboard.conn.outbox.ops.length === 0 && corkboard.undo.canUndo()`)

	// The lock.
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindLock}})
	amy.waitFor("the lock", `!document.getElementById("lesson-locked").hidden`)
	before := eval[float64](amy, sent)
	// Every change of the toast's words is an alert a screen reader reads;
	// a note shown anywhere else, even for a moment, changes its style.
	eval[chromedp.Void](amy, `window.toastSaid = 0; window.noteRestyled = 0;
  new MutationObserver((rs) => { window.toastSaid += rs.filter((r) => r.addedNodes.length).length; })
    .observe(document.getElementById("toast"), { childList: true, subtree: true, characterData: true });
  new MutationObserver((rs) => { window.noteRestyled += rs.length; })
    .observe(document.getElementById("note-`+lessonNoteA+`"), { attributeFilter: ["style"] })`)
	x, y, w, _ = amy.noteRect(lessonNoteA)
	amy.drag(x+w/2, y+10, x+w/2+150, y+110)
	amy.waitFor("why not", toastSays("The board is locked"))
	amy.nextFrame()
	if got := eval[[]float64](amy, `(() => { const n = corkboard.view().notes.get("`+lessonNoteA+`"), r = document.getElementById("note-`+lessonNoteA+`").getBoundingClientRect();
  return [n.x, n.y, r.x, r.y, window.noteRestyled, `+sent+`, window.toastSaid]; })()`); got[0] != 0 || got[1] != 0 || got[2] != x || got[3] != y || got[4] != 0 || got[5] != before || got[6] != 1 {
		t.Errorf("after a drag while locked: note at %v,%v (on screen %v,%v, was %v,%v), drawn elsewhere %v times, %v ops sent (was %v), toast said %v times; want it in place throughout, nothing sent, one toast", got[0], got[1], got[2], got[3], x, y, got[4], got[5], before, got[6])
	}
	// Zoomed out too far to read, where a new note would bring the view in.
	for range 4 {
		amy.press("-", "Minus", 189)
	}
	cam := eval[[]float64](amy, `[corkboard.cam.x, corkboard.cam.y, corkboard.cam.zoom]`)
	if cam[2] >= 0.5 {
		t.Fatalf("zoomed out to %v, want below 50 %%", cam[2])
	}
	amy.press("n", "KeyN", 78)
	amy.press("d", "KeyD", 68, chromedp.ModifierCtrl)
	if got := eval[[]float64](amy, `[corkboard.cam.x, corkboard.cam.y, corkboard.cam.zoom, `+noteCount+`, corkboard.ui.selected.size, corkboard.ui.selected.has("`+lessonNoteA+`") ? 1 : 0, `+sent+`, window.toastSaid]`); got[0] != cam[0] || got[1] != cam[1] || got[2] != cam[2] || got[3] != 3 || got[4] != 1 || got[5] != 1 || got[6] != before || got[7] != 1 {
		t.Errorf("after N and Ctrl+D while locked: camera %v (was %v), %v notes, %v selected (note A: %v), %v ops sent (was %v), toast said %v times; want all as it was, and one toast", got[:3], cam, got[3], got[4], got[5], got[6], before, got[7])
	}

	// Undo while locked, then the unlock: redo has nothing to redo.
	amy.press("z", "KeyZ", 90, chromedp.ModifierCtrl)
	if got := eval[[]any](amy, `[`+noteCount+`, corkboard.undo.canUndo(), corkboard.undo.canRedo(), `+sent+`]`); got[0] != 3.0 || got[1] != true || got[2] != false || got[3] != before {
		t.Errorf("after an undo while locked: %v notes, can undo %v, can redo %v, %v ops sent (was %v); want 3, true, false, nothing sent", got[0], got[1], got[2], got[3], before)
	}
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindUnlock}})
	amy.waitFor("the lock gone", `document.getElementById("lesson-locked").hidden`)
	amy.press("Z", "KeyZ", 90, chromedp.ModifierCtrl, chromedp.ModifierShift)
	if got := eval[[]float64](amy, `[`+noteCount+`, `+sent+`]`); got[0] != 3 || got[1] != before {
		t.Errorf("a redo after an undo refused while locked: %v notes, %v ops sent (was %v); want 3 notes and nothing sent", got[0], got[1], before)
	}
	amy.press("z", "KeyZ", 90, chromedp.ModifierCtrl)
	amy.waitFor("Amy's note undone", noteCount+` === 2 && corkboard.conn.outbox.ops.length === 0`)
	amy.press("z", "KeyZ", 90, chromedp.ModifierCtrl)
	amy.waitFor("Kim's note back, still Kim's and private", `(() => { const n = corkboard.view().notes.get("`+kims+`"); return !!n && n.private && n.authorId && n.authorId !== corkboard.participant && corkboard.conn.outbox.ops.length === 0; })()`)
}

// TestLessonScreenshots saves, for a person to look at, the teacher's page
// with the Lesson panel open while a lesson runs (the board locked, notes
// written privately, a round of voting, the timer, hands up), and a
// student's page during the round, on a phone and a projector, in both
// languages, light and dark; and checks that on the student's page no
// note is under the lesson bar.
func TestLessonScreenshots(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Class 7B: what should we do next?")
	id := created.facilitate()
	editWS := created.Links[board.RoleEdit].WebSocket
	texts := []string{"More experiments", "A trip to the museum", "Less homework", "Group projects", "Films about space"}
	var ops []board.Op
	for i, text := range texts {
		x, y, text := float64(40+(i%3)*240), float64(40+(i/3)*200), text
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), X: &x, Y: &y, Text: &text, Color: &board.Palette[i]}})
	}
	ops = append(ops, board.Op{Kind: board.KindHide})
	mustApply(t, wsURL(srv.url, id), ops)
	// A note written privately by someone else, and the round's votes.
	x, y, secret := 520.0, 240.0, "I'd like more maths"
	mustApply(t, editWS, []board.Op{{Kind: board.KindCreate, Note: &board.NewNote{ID: "00000000-0000-4000-8000-000000000009", X: &x, Y: &y, Text: &secret}}})
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindVoteStart, Voting: &board.Voting{Votes: 3, PerNote: 2}}, {Kind: board.KindTimerStart, Seconds: 300}})
	for _, v := range [][]int{{1, 1, 3}, {1, 2}, {4}} {
		var votes []board.Op
		for _, n := range v {
			votes = append(votes, board.Op{Kind: board.KindVote, ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", n)})
		}
		mustApply(t, wsURL(srv.url, id), votes)
	}
	// Two students with their hands up, one done.
	for i, hand := range []string{"raised", "raised", "done"} {
		name := []string{"Sam", "Lee", "Kim"}[i]
		c, _, err := wsclient.Dial(context.Background(), editWS, wsclient.Hello{Client: "lesson-" + name, Name: name, Participant: wsclient.NewParticipant()}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.SendJSON(map[string]string{"type": "hand", "hand": hand}); err != nil {
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
	}

	dir := screenshotDir(t)
	edit := path.Base(created.Links[board.RoleEdit].URL)
	for _, s := range []classScreen{phoneScreen, projectorScreen} {
		t.Run(s.name, func(t *testing.T) {
			b := mustScreen(t, s)
			// The teacher's page with the board locked; the student's, to vote, not.
			mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindLock}})
			b.openWith(srv.url, id, map[string]string{"corkboard:name": "Ms Berg", "corkboard:lesson-panel": "open"})
			for _, lang := range []string{"en", "sv"} {
				for _, scheme := range schemesFor(lang, s.name) {
					name := fmt.Sprintf("%s-%s-%s", s.name, lang, scheme)
					b.setColorScheme(scheme)
					b.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=" + lang))
					b.waitLive()
					b.waitFor("the lesson", `!document.getElementById("lesson-panel").hidden && document.getElementById("lesson-timer").dataset.state === "running" && !document.getElementById("lesson-hands").hidden && document.querySelectorAll(".note .vote-count").length >= 3`)
					if s.phone {
						b.do(chromedp.Click(chromedp.CSS(`[data-tab-for="voting"]`)))
					}
					b.nextFrame()
					b.screenshot(dir, "lesson-"+name)
				}
			}
			// A student's page during the round.
			mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindUnlock}})
			b.openWith(srv.url, edit, map[string]string{"corkboard:name": "Amy", "corkboard:lesson-panel": ""})
			for _, lang := range []string{"en", "sv"} {
				for _, scheme := range schemesFor(lang, s.name) {
					name := fmt.Sprintf("%s-%s-%s", s.name, lang, scheme)
					b.setColorScheme(scheme)
					b.do(chromedp.Navigate(srv.url + "/b/" + edit + "?lang=" + lang))
					b.waitLive()
					b.waitFor("the round", `!document.getElementById("lesson-vote").hidden && document.querySelectorAll(".note .vote-plus").length === 6`)
					b.nextFrame()
					b.screenshot(dir, "vote-"+name)
				}
			}
			if bad := eval[[]string](b, strings.Replace(coveredJS, `#more-menu")]`, `#more-menu, #lesson-bar, #lesson-panel")]`, 1)+`(null)`); len(bad) > 0 {
				t.Errorf("a student's page on the %s: %s", s.name, strings.Join(bad, "; "))
			}
		})
	}
	// The round ended, its top notes picked out, on a phone; and the time
	// up on a projector.
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindVoteEnd}})
	b := mustScreen(t, phoneScreen)
	b.openWith(srv.url, edit, map[string]string{"corkboard:name": "Amy"})
	b.waitFor("the round's end", `!document.getElementById("lesson-top").hidden`)
	b.do(chromedp.Click(chromedp.ID("lesson-top")))
	b.waitFor("the top notes", `document.querySelectorAll(".note.top-vote").length === 4`)
	b.screenshot(dir, "results-phone-en-light")
	p := mustScreen(t, projectorScreen)
	p.openWith(srv.url, edit, map[string]string{"corkboard:name": "Amy"})
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindTimerStart, Seconds: 1}})
	p.waitFor("the time up", `!document.getElementById("time-up").hidden`)
	p.screenshot(dir, "timeup-projector-en-light")
	t.Logf("screenshots in %s", dir)
}
