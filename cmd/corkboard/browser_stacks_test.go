package main

import (
	"fmt"
	"path"
	"slices"
	"strings"
	stdsync "sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"corkboard/board"
)

// The browser tests of stacks of notes, the facilitator's deleted notes
// and the board's names setting: a teacher and students, each in a
// browser of their own.

// stackNote is the id of the i-th note of stackNotes.
func stackNote(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// stackNotes makes notes 1 to len(texts) in a grid, three to a row.
func stackNotes(texts ...string) []board.Op {
	var ops []board.Op
	for i, text := range texts {
		x, y, text := float64(40+(i%3)*260), float64(40+(i/3)*220), text
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: stackNote(i + 1), X: &x, Y: &y, Text: &text, Color: &board.Palette[i%len(board.Palette)]}})
	}
	return ops
}

// badge is a JS expression for the count a page shows on a stack's head.
func badge(id string) string {
	return fmt.Sprintf(`(document.querySelector("#note-%s > .stack-badge")?.textContent ?? "")`, id)
}

// drawn is a JS expression: whether a page draws the note.
func drawn(id string) string { return fmt.Sprintf(`!!document.getElementById("note-%s")`, id) }

// mustServerNote returns a note as the API gives it, or fails.
func mustServerNote(t *testing.T, base, link, id string) board.Note {
	t.Helper()
	n, ok := serverNote(t, base, link, id)
	if !ok {
		t.Fatalf("note %s is not on the board", id)
	}
	return n
}

// dragOnto drags note from by its middle onto the middle of note onto,
// checking on the way that onto lights up as the note it would go on.
func dragOnto(b *browser, from, onto string) {
	b.t.Helper()
	x0, y0, w0, h0 := b.noteRect(from)
	x1, y1, w1, h1 := b.noteRect(onto)
	sx, sy, ex, ey := x0+w0/2, y0+h0/2, x1+w1/2, y1+h1/2
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MouseMoved, sx, sy), chromedp.MouseEvent(chromedp.MousePressed, sx, sy, chromedp.ButtonLeft, chromedp.ClickCount(1))}
	for i := 1; i <= 8; i++ {
		f := float64(i) / 8
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, sx+(ex-sx)*f, sy+(ey-sy)*f, chromedp.ButtonLeft))
	}
	b.do(steps...)
	b.waitFor("the drop's highlight", `document.getElementById("note-`+onto+`").classList.contains("stack-drop-target") && document.getElementById("note-`+from+`").classList.contains("stack-over")`)
	b.do(chromedp.MouseEvent(chromedp.MouseReleased, ex, ey, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	b.waitFor("the highlight gone", `!document.querySelector(".stack-drop-target, .stack-over")`)
}

// TestBrowserStacks: the teacher drags a note onto another, and both
// pages draw one stack with its count, the note on it no more; undo takes
// it off again, where it was. "Stack on…" in the selection bar stacks
// without a drag. In a round of votes the stack's votes add up, a student
// votes on the stack itself, and after the round the highlight ranks the
// stack first and "Arrange by votes" lays the board out by votes, undone
// in one step. The stack opens: its notes listed, one edited there and
// one taken out; then taken apart, its notes laid out beside it, clear of
// the others, for the student too.
func TestBrowserStacks(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Retro, sprint 12")
	id := created.facilitate()
	edit := path.Base(created.Links[board.RoleEdit].URL)
	mustApply(t, wsURL(srv.url, id), stackNotes("Too much homework", "Homework load is heavy", "Weekend homework", "Longer breaks", "Field trip!", "More group work"))
	a, b, c, d, e, f := stackNote(1), stackNote(2), stackNote(3), stackNote(4), stackNote(5), stackNote(6)

	teacher := mustScreen(t, laptopScreen)
	teacher.open(srv.url, id, "Ms Berg")
	amy := mustScreen(t, laptopScreen)
	amy.open(srv.url, edit, "Amy")
	teacher.nextFrame()

	// A drag of A onto B: one stack of two, drawn as B.
	ax, ay := mustServerNote(t, srv.url, id, a).X, mustServerNote(t, srv.url, id, a).Y
	dragOnto(teacher, a, b)
	for _, p := range []*browser{teacher, amy} {
		p.waitFor("a stack of two", badge(b)+` === "2 notes" && !`+drawn(a))
	}
	if n := mustServerNote(t, srv.url, id, a); n.Stack != b {
		t.Fatalf("note A after the drop: stack %q, want %q", n.Stack, b)
	}
	if got := eval[string](teacher, `document.getElementById("note-`+b+`").getAttribute("aria-label")`); !strings.Contains(got, "stack of 2 notes") {
		t.Errorf("the stack's name %q does not say it is a stack", got)
	}
	// Undone: A on its own again, where it was before the drag.
	teacher.press("z", "KeyZ", 90, chromedp.ModifierCtrl)
	amy.waitFor("A back on its own", drawn(a)+` && `+badge(b)+` === ""`)
	teacher.waitFor("the undo saved", `corkboard.conn.outbox.ops.length === 0`)
	if n := mustServerNote(t, srv.url, id, a); n.Stack != "" || n.X != ax || n.Y != ay {
		t.Fatalf("note A after undo: stack %q at (%v, %v), want none at (%v, %v)", n.Stack, n.X, n.Y, ax, ay)
	}

	// Without a drag: C selected, "Stack on…", B from the menu.
	x, y, w, _ := teacher.noteRect(c)
	teacher.do(chromedp.MouseClickXY(x+w/2, y+12))
	teacher.waitFor("the selection bar's Stack on", `!document.getElementById("stack-on").hidden`)
	teacher.do(chromedp.Click(chromedp.ID("stack-on")))
	// F lies nearest C (below it), then B (beside it): the arrow goes on to B.
	teacher.waitFor("the menu, nearest first", `!document.getElementById("stack-menu").hidden && document.activeElement?.dataset.id === "`+f+`"`)
	teacher.press("ArrowDown", "ArrowDown", 40)
	teacher.waitFor("B in the menu", `document.activeElement?.dataset.id === "`+b+`"`)
	teacher.do(chromedp.KeyEvent("\r"))
	amy.waitFor("C on B's stack", badge(b)+` === "2 notes" && !`+drawn(c))
	teacher.waitFor("the focus on the stack", `document.activeElement?.id === "note-`+b+`"`)
	dragOnto(teacher, a, b)
	amy.waitFor("a stack of three", badge(b)+` === "3 notes" && !`+drawn(a))

	// Votes: A's and C's count on the stack, and a vote on the stack is
	// B's.
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindVoteStart, Voting: &board.Voting{Votes: 5, PerNote: 3}}})
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindVote, ID: a}, {Kind: board.KindVote, ID: a}, {Kind: board.KindVote, ID: c}, {Kind: board.KindVote, ID: e}, {Kind: board.KindVote, ID: e}})
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindVote, ID: d}})
	amy.waitFor("the stack's votes added up", voteCount(b)+`.endsWith("3")`)
	amy.do(chromedp.Click(chromedp.CSS("#note-" + b + " .vote-plus")))
	teacher.waitFor("Amy's vote on the stack", voteCount(b)+`.endsWith("4")`)
	if n := mustServerNote(t, srv.url, id, b); n.Votes != 1 {
		t.Errorf("B, the stack's head, has %d votes, want Amy's 1", n.Votes)
	}
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindVoteEnd}})
	for _, p := range []*browser{teacher, amy} {
		p.waitFor("the counts after the round", voteCount(b)+` === "4" && `+voteCount(e)+` === "2" && `+voteCount(d)+` === "1"`)
	}
	// Ranked: the stack first, for everyone.
	amy.do(chromedp.Click(chromedp.ID("lesson-top")))
	amy.waitFor("the ranks", `document.getElementById("note-`+b+`").dataset.place === "1" && document.getElementById("note-`+e+`").dataset.place === "2" && document.getElementById("note-`+d+`").dataset.place === "3"`)
	if eval[bool](amy, `!!document.getElementById("votes-arrange")`) {
		t.Error("a student's page has Arrange by votes")
	}
	// Arranged: the stack, then E, then D, row by row; undone in one step.
	before := map[string]board.Note{}
	for _, n := range []string{b, d, e, f} {
		before[n] = mustServerNote(t, srv.url, id, n)
	}
	teacher.waitFor("Arrange by votes", `!document.getElementById("votes-arrange").hidden`)
	teacher.do(chromedp.Click(chromedp.ID("votes-arrange")))
	teacher.waitFor("the arrangement saved", `corkboard.conn.outbox.ops.length === 0 && corkboard.view().notes.get("`+b+`").x !== `+fmt.Sprint(before[b].X))
	order := []string{b, e, d, f}
	byPlace := slices.Clone(order)
	at := map[string]board.Note{}
	for _, n := range order {
		at[n] = mustServerNote(t, srv.url, id, n)
	}
	slices.SortFunc(byPlace, func(p, q string) int {
		if at[p].Y != at[q].Y {
			return int(at[p].Y - at[q].Y)
		}
		return int(at[p].X - at[q].X)
	})
	if !slices.Equal(byPlace, order) {
		t.Errorf("arranged in the order %v, want by votes %v", byPlace, order)
	}
	teacher.press("z", "KeyZ", 90, chromedp.ModifierCtrl)
	teacher.waitFor("the undo saved", `corkboard.conn.outbox.ops.length === 0 && corkboard.view().notes.get("`+b+`").x === `+fmt.Sprint(before[b].X))
	for n, was := range before {
		if now := mustServerNote(t, srv.url, id, n); now.X != was.X || now.Y != was.Y {
			t.Errorf("note %s after undoing the arrangement: (%v, %v), want (%v, %v)", n, now.X, now.Y, was.X, was.Y)
		}
	}
	amy.do(chromedp.Click(chromedp.ID("lesson-top")))

	// Opened: every note of it, B on top, then the others topmost first
	// (C was made after A, so lies above it).
	eval[chromedp.Void](teacher, `corkboard.fit()`) // the arrangement moved the view
	teacher.nextFrame()
	teacher.do(chromedp.Click(chromedp.CSS("#note-" + b + " > .stack-badge")))
	teacher.waitFor("the stack's dialog", `document.getElementById("stack-dialog").open && document.querySelectorAll("#stack-list > li").length === 3`)
	texts := eval[[]string](teacher, `[...document.querySelectorAll("#stack-list .stack-text")].map((p) => p.textContent)`)
	if !slices.Equal(texts, []string{"Homework load is heavy", "Weekend homework", "Too much homework"}) {
		t.Errorf("the stack lists %q", texts)
	}
	if got := eval[string](teacher, `document.getElementById("stack-title").textContent`); got != "Stack of 3 notes" {
		t.Errorf("the dialog's title %q", got)
	}
	// C's text edited in the dialog.
	teacher.do(chromedp.Click(chromedp.CSS(`#stack-list > li[data-id="` + c + `"] [data-act="edit"]`)))
	teacher.waitFor("the dialog's editor", `document.activeElement?.classList.contains("stack-textarea")`)
	teacher.do(chromedp.SendKeys(chromedp.CSS(".stack-textarea"), " (every Friday)"))
	teacher.do(chromedp.Click(chromedp.CSS(`#stack-list > li[data-id="` + c + `"] button.primary`)))
	teacher.waitFor("the text saved", `corkboard.conn.outbox.ops.length === 0 && document.querySelector('#stack-list > li[data-id="`+c+`"] .stack-text')?.textContent === "Weekend homework (every Friday)"`)
	if n := mustServerNote(t, srv.url, id, c); n.Text != "Weekend homework (every Friday)" {
		t.Errorf("C's text on the server: %q", n.Text)
	}
	// C taken out: on its own, beside the stack.
	teacher.do(chromedp.Click(chromedp.CSS(`#stack-list > li[data-id="` + c + `"] [data-act="out"]`)))
	amy.waitFor("C out of the stack", drawn(c)+` && `+badge(b)+` === "2 notes"`)
	teacher.waitFor("two left in the dialog", `document.querySelectorAll("#stack-list > li").length === 2`)
	// Taken apart: A beside B, clear of every other note.
	teacher.do(chromedp.Click(chromedp.ID("stack-apart")))
	teacher.waitFor("the dialog closed", `!document.getElementById("stack-dialog").open`)
	amy.waitFor("no stack left", drawn(a)+` && `+badge(b)+` === "" && !document.querySelector(".stack-badge")`)
	teacher.waitFor("saved", `corkboard.conn.outbox.ops.length === 0`)
	head, out := mustServerNote(t, srv.url, id, b), mustServerNote(t, srv.url, id, a)
	if out.Stack != "" || !(out.X >= head.X+head.W || out.Y >= head.Y+head.H) {
		t.Errorf("A taken apart: stack %q at (%v, %v), want beside B at (%v, %v)", out.Stack, out.X, out.Y, head.X, head.Y)
	}
	for _, n := range []string{b, c, d, e, f} {
		o := mustServerNote(t, srv.url, id, n)
		if out.X < o.X+o.W && o.X < out.X+out.W && out.Y < o.Y+o.H && o.Y < out.Y+out.H {
			t.Errorf("A, taken apart, lies over note %s", n)
		}
	}
	if got := eval[[]string](teacher, `[...corkboard.ui.selected].sort()`); !slices.Equal(got, []string{a, b}) {
		t.Errorf("after taking apart, the selection is %v, want the stack's notes", got)
	}

	// A note waiting for approval is not stacked: the server says why, as
	// it does for any edit it refuses.
	mustApply(t, wsURL(srv.url, id), []board.Op{moderate(board.Moderation{Approval: true})})
	amy.waitFor("approval on", `corkboard.view().moderation?.approval === true`)
	waiting := writeNote(amy, "Amy's late idea")
	eval[chromedp.Void](amy, `corkboard.actions.select(["`+waiting+`"])`)
	amy.waitFor("Stack on", `!document.getElementById("stack-on").hidden`)
	amy.do(chromedp.Click(chromedp.ID("stack-on")))
	amy.waitFor("the menu", `!!document.querySelector("#stack-menu:not([hidden]) button")`)
	amy.do(chromedp.Click(chromedp.CSS("#stack-menu button")))
	amy.waitFor("why not", toastSays("approve it first"))
	amy.waitFor("the note still on its own", `corkboard.conn.outbox.ops.length === 0 && !corkboard.view().notes.get("`+waiting+`").stack && `+drawn(waiting))

	// Own notes only: Amy's stack of her own notes she may take out from,
	// its top note too, and take apart; a stack of the teacher's, none of
	// that.
	mustApply(t, wsURL(srv.url, id), []board.Op{moderate(board.Moderation{OwnNotes: true})})
	amy.waitFor("own notes only", `corkboard.view().moderation?.ownNotes === true && !corkboard.view().moderation?.approval`)
	top, under := writeNote(amy, "Amy's top"), writeNote(amy, "Amy's under")
	eval[chromedp.Void](amy, `corkboard.edit({kind: "update", id: "`+under+`", set: {stack: "`+top+`"}})`)
	amy.waitFor("Amy's stack", badge(top)+` === "2 notes"`)
	dragOnto(teacher, d, e)
	amy.waitFor("the teacher's stack", badge(e)+` === "2 notes"`)
	for _, tt := range []struct {
		head, what string
		may        bool
	}{{top, "Amy's own stack", true}, {e, "the teacher's stack", false}} {
		eval[chromedp.Void](amy, `corkboard.stacks.open("`+tt.head+`")`)
		amy.waitFor(tt.what+" open", `document.getElementById("stack-dialog").open && document.querySelectorAll("#stack-list > li").length === 2`)
		got := eval[[]bool](amy, `[!!document.querySelector('#stack-list > li.stack-item-head [data-act="out"]'), !!document.querySelector('#stack-list > li:not(.stack-item-head) [data-act="out"]'), !document.getElementById("stack-apart").hidden]`)
		if want := []bool{tt.may, tt.may, tt.may}; !slices.Equal(got, want) {
			t.Errorf("%s: take out the top, take out the other, take apart: %v, want %v", tt.what, got, want)
		}
		amy.do(chromedp.Click(chromedp.ID("stack-close")))
	}
	eval[chromedp.Void](amy, `corkboard.stacks.open("`+top+`")`)
	amy.waitFor("Amy's stack open", `document.querySelectorAll("#stack-list > li").length === 2`)
	amy.do(chromedp.Click(chromedp.CSS(`#stack-list > li.stack-item-head [data-act="out"]`)))
	teacher.waitFor("Amy's top note out, her other note on its own", `!corkboard.view().notes.get("`+top+`").stack && !corkboard.view().notes.get("`+under+`").stack && `+badge(top)+` === "" && `+drawn(under))
}

// TestBrowserTrash: the teacher deletes a note; the Deleted notes dialog
// (the ⋯ menu) lists it with who deleted it and when, and Restore brings
// it back, for a student too; the list is then empty and says so. A
// student's page has no such dialog, and the server gives them no trash.
// The undo notice of the delete goes with the note restored. Notes deleted
// together come back together with one undo, as they were.
func TestBrowserTrash(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Trash")
	id := created.facilitate()
	edit := path.Base(created.Links[board.RoleEdit].URL)
	mustApply(t, wsURL(srv.url, id), stackNotes("Keep me", "Delete me"))
	gone := stackNote(2)

	teacher := mustScreen(t, laptopScreen)
	teacher.open(srv.url, id, "Ms Berg")
	amy := mustScreen(t, laptopScreen)
	amy.open(srv.url, edit, "Amy")
	teacher.nextFrame()
	x, y, w, _ := teacher.noteRect(gone)
	teacher.do(chromedp.MouseClickXY(x+w/2, y+12))
	teacher.press("Delete", "Delete", 46)
	amy.waitFor("the note deleted", `!`+drawn(gone))

	teacher.do(chromedp.Click(chromedp.ID("more")), chromedp.Click(chromedp.ID("trash-open")))
	teacher.waitFor("the deleted note listed", `document.getElementById("trash-dialog").open && document.querySelectorAll("#trash-list > li").length === 1`)
	if got := eval[string](teacher, `document.querySelector("#trash-list > li").textContent`); !strings.Contains(got, "Delete me") || !strings.Contains(got, "by Ms Berg") || !strings.Contains(got, "Deleted just now") {
		t.Errorf("the deleted note reads %q", got)
	}
	teacher.do(chromedp.Click(chromedp.CSS("#trash-list .trash-restore")))
	amy.waitFor("the note back", drawn(gone)+` && document.querySelector("#note-`+gone+` .note-text").textContent === "Delete me"`)
	teacher.waitFor("the list empty, and the restore said", `!document.getElementById("trash-empty").hidden && document.querySelectorAll("#trash-list > li").length === 0 && document.getElementById("trash-status").textContent.includes("Delete me")`)
	// Amy deletes a note; the teacher restores it: Amy's undo notice has
	// nothing left to bring back, and goes.
	keep := stackNote(1)
	x, y, w, _ = amy.noteRect(keep)
	amy.do(chromedp.MouseClickXY(x+w/2, y+12))
	amy.press("Delete", "Delete", 46)
	amy.waitFor("Amy's undo notice", `!`+drawn(keep)+` && document.getElementById("undo-toast")?.hidden === false`)
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindUndelete, ID: keep}})
	amy.waitFor("the note restored", drawn(keep))
	amy.nextFrame()
	if eval[bool](amy, `!document.getElementById("undo-toast").hidden`) {
		t.Error("Amy's undo notice still offers to bring back the note the teacher restored")
	}
	if eval[bool](amy, `!!document.getElementById("trash-open") || !!document.getElementById("trash-dialog")`) {
		t.Error("a student's page has the deleted notes")
	}
	if code, _ := do(t, "GET", srv.url+"/api/boards/"+edit+"/trash", ""); code != 403 {
		t.Errorf("the trash for an edit link: %d, want 403", code)
	}

	// Two of Amy's notes, one with a comment, deleted together by the
	// teacher: one undo brings both back from the trash as they were,
	// Amy's, under their own ids, the comment with them.
	teacher.do(chromedp.Click(chromedp.ID("trash-close")))
	first, second := writeNote(amy, "Amy's first"), writeNote(amy, "Amy's second")
	mustApply(t, wsURL(srv.url, edit), []board.Op{{Kind: board.KindComment, ID: first, Comment: &board.NewComment{ID: uuid.NewString(), Text: ptr("Agreed")}}})
	teacher.waitFor("Amy's notes", drawn(first)+` && `+drawn(second))
	eval[chromedp.Void](teacher, `corkboard.actions.select(["`+first+`", "`+second+`"])`)
	teacher.waitFor("the selection bar", `!document.getElementById("selection-bar").hidden`)
	teacher.do(chromedp.Click(chromedp.ID("delete")))
	amy.waitFor("both deleted", `!`+drawn(first)+` && !`+drawn(second))
	teacher.press("z", "KeyZ", 90, chromedp.ModifierCtrl)
	amy.waitFor("both back", drawn(first)+` && `+drawn(second))
	teacher.waitFor("the undo saved", `corkboard.conn.outbox.ops.length === 0`)
	for _, n := range []string{first, second} {
		if got := mustServerNote(t, srv.url, id, n); got.Author != "Amy" || got.AuthorID == "" {
			t.Errorf("note %q back as %q's (%q), want Amy's", got.Text, got.Author, got.AuthorID)
		}
	}
	if got := mustServerNote(t, srv.url, id, first); len(got.Comments) != 1 {
		t.Errorf("Amy's first note came back with %d comments, want its one", len(got.Comments))
	}
}

// TestBrowserNames: the teacher sets whose names show in the Moderation
// dialog. With names for facilitators only, a student's page shows no
// other student's name anywhere (notes, comments, the people here) and
// says names are hidden, while the teacher's shows them; with names not
// kept, nobody's page shows any, the teacher's neither.
func TestBrowserNames(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Names")
	id := created.facilitate()
	edit := path.Base(created.Links[board.RoleEdit].URL)

	teacher := mustScreen(t, laptopScreen)
	teacher.openWith(srv.url, id, map[string]string{"corkboard:name": "Ms Berg", "corkboard:people": "open"})
	amy := mustScreen(t, laptopScreen)
	amy.openWith(srv.url, edit, map[string]string{"corkboard:name": "Amy Andersson", "corkboard:people": "open"})
	ben := mustScreen(t, laptopScreen)
	ben.openWith(srv.url, edit, map[string]string{"corkboard:name": "Ben Berglund", "corkboard:people": "open"})
	amys := writeNote(amy, "Amy's idea")
	bens := writeNote(ben, "Ben's idea")
	// Ben comments on Amy's note, and points at the board.
	eval[chromedp.Void](ben, `corkboard.edit({kind: "comment", id: "`+amys+`", comment: {id: crypto.randomUUID(), text: "Me too"}})`)
	x, y, w, h := ben.noteRect(bens)
	ben.do(chromedp.MouseEvent(chromedp.MouseMoved, x+w+40, y+h/2))
	amy.waitFor("Ben's comment", `corkboard.view().notes.get("`+amys+`").comments?.length === 1`)
	eval[chromedp.Void](amy, `corkboard.comments.open("`+amys+`")`)
	amy.waitFor("Ben's name shown, names on", `document.body.textContent.includes("Ben Berglund")`)

	setNames := func(value string) {
		t.Helper()
		openMenu(teacher, "moderation-menu")
		teacher.waitFor("the Moderation dialog", `document.getElementById("moderation-dialog").open`)
		teacher.do(chromedp.Click(chromedp.CSS(`input[name="mod-names"][value="` + value + `"]`)))
		if value == "none" { // names erased for good: asked first
			teacher.waitFor("the question", `document.getElementById("confirm-dialog").open`)
			teacher.do(chromedp.Click(chromedp.ID("confirm-ok")))
		}
		teacher.waitFor("the setting saved", `corkboard.view().moderation?.names === "`+value+`" && corkboard.conn.outbox.ops.length === 0`)
		teacher.do(chromedp.Click(chromedp.ID("moderation-close")))
		teacher.waitFor("the Moderation dialog closed", `!document.getElementById("moderation-dialog").open`)
	}
	// text is everything a page says: its text, and the names and labels
	// its elements carry.
	const text = `document.body.textContent + [...document.querySelectorAll("[aria-label], [title], [data-editor]")].map((el) => el.getAttribute("aria-label") + el.title + (el.dataset.editor ?? "")).join(" ")`

	// Every WebSocket frame Amy's page receives from here on is recorded:
	// the server must send her no other student's name.
	var mu stdsync.Mutex // guards frames
	var frames []string
	if err := chromedp.Listen(amy.ctx, func(ev any) {
		if e, ok := ev.(*network.EventWebSocketFrameReceived); ok {
			mu.Lock()
			frames = append(frames, string(e.Response.PayloadData))
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	setNames("staff")
	amy.waitFor("names hidden, said", `!document.getElementById("moderation-names-badge").hidden && document.getElementById("moderation-names-badge").textContent === "Names hidden"`)
	mu.Lock()
	frames = nil // what came before the setting could name anyone
	mu.Unlock()
	ben.do(chromedp.MouseEvent(chromedp.MouseMoved, x+w+60, y+h/2+10))
	amy.waitFor("no other student's name", `!(`+text+`).includes("Ben Berglund") && document.querySelector(".comment-author")?.textContent === "Anonymous"`)
	if got := eval[string](amy, `document.querySelector("#note-`+amys+` .note-author").textContent`); got != "Amy Andersson" {
		t.Errorf("Amy's own note on her page says %q, want her name", got)
	}
	if got := eval[string](amy, `document.getElementById("people").textContent`); !strings.Contains(got, "Ms Berg") || !strings.Contains(got, "Anonymous") {
		t.Errorf("Amy's list of people reads %q: want the teacher named, Ben anonymous", got)
	}
	// Amy comes back (a welcome) and Ben keeps moving (presence).
	amy.do(chromedp.Reload())
	amy.waitFor("Amy back", `document.getElementById("status").dataset.state === "connected"`)
	ben.do(chromedp.MouseEvent(chromedp.MouseMoved, x+w+80, y+h/2+20))
	eval[chromedp.Void](ben, `corkboard.edit({kind: "comment", id: "`+amys+`", comment: {id: crypto.randomUUID(), text: "Again"}})`)
	amy.waitFor("Ben's second comment", `corkboard.view().notes.get("`+amys+`").comments?.length === 2`)
	mu.Lock()
	got := slices.Clone(frames)
	mu.Unlock()
	if len(got) == 0 {
		t.Fatal("no WebSocket frames were recorded for Amy")
	}
	for _, f := range got {
		if strings.Contains(f, "Ben Berglund") {
			t.Errorf("with names for facilitators only, Amy was sent Ben's name: %.300s", f)
		}
	}
	teacher.waitFor("the teacher sees the names", `document.querySelector("#note-`+amys+` .note-author").textContent === "Amy Andersson" && document.querySelector("#note-`+bens+` .note-author").textContent === "Ben Berglund" && document.getElementById("people").textContent.includes("Ben Berglund")`)

	setNames("none")
	for _, p := range []*browser{teacher, amy, ben} {
		p.waitFor("the board anonymous, said", `document.getElementById("moderation-names-badge").textContent === "Anonymous board"`)
	}
	teacher.waitFor("no student's name on the teacher's page", `!(`+text+`).includes("Amy Andersson") && !(`+text+`).includes("Ben Berglund")`)
	amy.waitFor("none on Amy's, but for her own in the people", `!(`+text+`).includes("Ben Berglund") && document.querySelector("#note-`+amys+` .note-author").textContent === ""`)
}
