package main

import (
	"context"
	"fmt"
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
// reveals it. A voting round of two votes each, one a note: the students
// see their votes left and vote, the buttons stop at the limits, the
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
	teacher.do(chromedp.Click(chromedp.ID("lesson-toggle")))
	teacher.waitFor("the Lesson panel", `!document.getElementById("lesson-panel").hidden`)

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
	for _, s := range students {
		s.waitFor("votes left", `document.getElementById("lesson-vote-text").textContent.includes("2 of 2 votes left") && !!document.querySelector("#note-`+lessonNoteA+` .vote-plus")`)
	}
	amy.do(chromedp.Click(chromedp.CSS("#note-" + lessonNoteA + " .vote-plus")))
	amy.waitFor("one vote left", `document.getElementById("lesson-vote-text").textContent.includes("1 of 2")`)
	if !eval[bool](amy, `document.querySelector("#note-`+lessonNoteA+` .vote-plus").disabled && !document.querySelector("#note-`+lessonNoteA+` .vote-minus").hidden`) {
		t.Error("a note with as many of Amy's votes as it may take still offers her another, or no way to take hers back")
	}
	amy.do(chromedp.Click(chromedp.CSS("#note-" + lessonNoteB + " .vote-plus")))
	amy.waitFor("no votes left", `document.getElementById("lesson-vote-text").textContent.includes("0 of 2") && [...document.querySelectorAll(".vote-plus")].every((b) => b.disabled)`)
	ben.do(chromedp.Click(chromedp.CSS("#note-" + lessonNoteA + " .vote-plus")))
	teacher.waitFor("the counts, live", voteCount(lessonNoteA)+` === "2" && `+voteCount(lessonNoteB)+` === "1"`)
	teacher.do(chromedp.Click(chromedp.ID("lesson-vote-end")))
	for _, b := range everyone {
		b.waitFor("the counts after the round", `document.getElementById("lesson-vote-text").textContent.includes("Voting has ended") && `+
			voteCount(lessonNoteA)+` === "2" && `+voteCount(lessonNoteB)+` === "1" && ![...document.querySelectorAll(".vote-plus")].some((b) => !b.hidden)`)
	}
	ben.do(chromedp.Click(chromedp.ID("lesson-top")))
	ben.waitFor("the top notes", `document.getElementById("note-`+lessonNoteA+`").dataset.place === "1" && document.getElementById("note-`+lessonNoteB+`").dataset.place === "2" && document.getElementById("board").classList.contains("vote-ranking")`)

	// A two-second timer ends on every screen.
	teacher.do(chromedp.SendKeys(chromedp.ID("lesson-timer-custom"), "0:02"), chromedp.Click(chromedp.CSS("#lesson-timer-form button[type=submit]")))
	for _, b := range everyone {
		b.waitFor("the time up", `document.getElementById("lesson-timer").dataset.state === "ended" && !document.getElementById("time-up").hidden`)
	}

	// A raised hand, seen by the teacher, and lowered by the teacher.
	ben.do(chromedp.Click(chromedp.ID("hand-raise")))
	teacher.waitFor("Ben's hand", `[...document.querySelectorAll("#people li")].some((li) => li.textContent.includes("Ben") && li.dataset.hand === "raised") && document.getElementById("lesson-hands").textContent.includes("1")`)
	teacher.do(chromedp.Click(chromedp.ID("lesson-hands-clear")))
	ben.waitFor("the hand lowered", `document.getElementById("hand-raise").getAttribute("aria-pressed") === "false" && !corkboard.peers.get(corkboard.you)?.hand`)
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
				for _, scheme := range []string{"light", "dark"} {
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
				for _, scheme := range []string{"light", "dark"} {
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
