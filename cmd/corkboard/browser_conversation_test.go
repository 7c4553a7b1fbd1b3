package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"corkboard/board"
)

// The browser tests of reactions, comments and columns: a teacher and
// students, each in a browser of their own, answering notes without
// editing them, and a board given structure by a template.

const (
	talkNoteA = "00000000-0000-4000-8000-0000000000d1"
	talkNoteB = "00000000-0000-4000-8000-0000000000d2"
)

// talkNotes are two notes for the teacher's page to react to and comment on.
func talkNotes() []board.Op {
	var ops []board.Op
	for i, id := range []string{talkNoteA, talkNoteB} {
		x, y, text := float64(40+i*260), 60.0, []string{"Group work helped", "The lab ran late"}[i]
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: id, X: &x, Y: &y, Text: &text}})
	}
	return ops
}

// reactionCount is a JS expression for the count a page shows for a
// reaction on a note ("" for none).
func reactionCount(note, reaction string) string {
	return fmt.Sprintf(`(document.querySelector("#note-%s .reaction[data-reaction=%s] .reaction-count")?.textContent ?? "")`, note, reaction)
}

// react selects the note on b's page, which shows all four reactions,
// and presses one.
func react(b *browser, note, reaction string) {
	b.t.Helper()
	eval[chromedp.Void](b, `corkboard.actions.select(["`+note+`"])`)
	b.nextFrame()
	b.do(chromedp.Click(chromedp.CSS(fmt.Sprintf("#note-%s .reaction[data-reaction=%q]", note, reaction))))
}

// setReactions picks the reactions' mode in the teacher's Lesson panel.
func setReactions(b *browser, mode string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.ID("lesson-toggle")))
	b.waitFor("the Lesson panel", `!document.getElementById("lesson-panel").hidden`)
	b.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#reactions-mode input[value=%q]`, mode))))
	b.waitFor("the mode sent", fmt.Sprintf(`(corkboard.view().moderation?.reactions ?? "") === %q && corkboard.conn.outbox.ops.length === 0`, mode))
	b.do(chromedp.Click(chromedp.ID("lesson-toggle")))
}

// TestBrowserReactions: two students, Amy with an edit link and Ben with
// a view link, each in a browser of their own, react to a note, and the
// teacher sees the counts live, Amy's own reaction highlighted on her
// page only. The teacher hides reactions: each sees only their own, Ben's
// hidden thumbs-up reaches nobody, and the hint says why; shown again,
// every page has the true counts. Off, the rows go.
func TestBrowserReactions(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Science, week 51")
	id := created.facilitate()
	edit := path.Base(created.Links[board.RoleEdit].URL)
	view := path.Base(created.Links[board.RoleView].URL)
	mustApply(t, wsURL(srv.url, id), talkNotes())

	teacher := mustScreen(t, laptopScreen)
	teacher.open(srv.url, id, "Ms Berg")
	amy := mustScreen(t, laptopScreen)
	amy.open(srv.url, edit, "Amy")
	ben := mustScreen(t, phoneScreen)
	ben.open(srv.url, view, "Ben")

	react(amy, talkNoteA, "like")
	react(ben, talkNoteA, "like")
	teacher.waitFor("two likes, live", reactionCount(talkNoteA, "like")+` === "2"`)
	// On Ben's phone the selected note's buttons are a finger's size; an
	// unselected note only shows its counts, and a tap on them selects it.
	ben.waitFor("two likes on the phone", reactionCount(talkNoteA, "like")+` === "2"`)
	if got := eval[[]float64](ben, `(() => { const r = document.querySelector("#note-`+talkNoteA+` .reaction[data-reaction=like]").getBoundingClientRect(); return [r.width, r.height]; })()`); got[0] < 32 || got[1] < 32 {
		t.Errorf("a reaction button on a phone is %vx%v px, want at least 32x32", got[0], got[1])
	}
	eval[chromedp.Void](ben, `corkboard.actions.select([])`)
	ben.nextFrame()
	if !eval[bool](ben, `getComputedStyle(document.querySelector("#note-`+talkNoteA+` .note-reactions")).pointerEvents === "none" && !document.querySelector("#note-`+talkNoteA+` .reaction.zero:not([hidden])")?.getClientRects().length`) {
		t.Error("an unselected note's reactions on a phone take taps, or show the empty ones")
	}
	amy.waitFor("Amy's own highlighted", `document.querySelector("#note-`+talkNoteA+` .reaction[data-reaction=like]").getAttribute("aria-pressed") === "true"`)
	if eval[string](teacher, `document.querySelector("#note-`+talkNoteA+` .reaction[data-reaction=like]").getAttribute("aria-pressed")`) != "false" {
		t.Error("the teacher's page highlights a reaction the teacher did not give")
	}
	// Amy takes hers back, by the keyboard.
	eval[chromedp.Void](amy, `document.querySelector("#note-`+talkNoteA+` .reaction[data-reaction=like]").focus()`)
	amy.do(chromedp.KeyEvent("\r"))
	teacher.waitFor("one like", reactionCount(talkNoteA, "like")+` === "1"`)

	// Hidden: each sees their own.
	setReactions(teacher, "hidden")
	ben.waitFor("Ben sees his own", reactionCount(talkNoteA, "like")+` === "1" && !document.querySelector("#note-`+talkNoteA+` .reactions-hint").hidden`)
	amy.waitFor("Amy sees none", reactionCount(talkNoteA, "like")+` === ""`)
	teacher.waitFor("the teacher sees none", reactionCount(talkNoteA, "like")+` === ""`)
	react(amy, talkNoteB, "idea")
	react(ben, talkNoteB, "question")
	amy.waitFor("Amy's own idea", reactionCount(talkNoteB, "idea")+` === "1" && corkboard.conn.outbox.ops.length === 0`)
	ben.waitFor("Ben's own question", reactionCount(talkNoteB, "question")+` === "1" && corkboard.conn.outbox.ops.length === 0`)
	teacher.nextFrame()
	if got := eval[string](teacher, reactionCount(talkNoteB, "idea")+` + "/" + `+reactionCount(talkNoteB, "question")); got != "/" {
		t.Errorf("while hidden the teacher's page shows counts %q", got)
	}
	if eval[string](amy, reactionCount(talkNoteB, "question")) != "" {
		t.Error("while hidden Amy's page shows Ben's reaction")
	}

	// Shown again: the true counts, everywhere.
	setReactions(teacher, "")
	for _, b := range []*browser{teacher, amy, ben} {
		b.waitFor("the counts shown", reactionCount(talkNoteA, "like")+` === "1" && `+reactionCount(talkNoteB, "idea")+` === "1" && `+reactionCount(talkNoteB, "question")+` === "1"`)
	}

	// Off: the rows go, and the counts stay on the board.
	setReactions(teacher, "off")
	amy.waitFor("no reactions", `!document.querySelector("#note-`+talkNoteA+` .reaction:not([hidden])")`)
	if n, _ := serverNote(t, srv.url, id, talkNoteB); n.Reactions["idea"] != 1 {
		t.Errorf("reactions off dropped the counts: %v", n.Reactions)
	}
}

// TestBrowserComments: Amy opens a note's thread from the keyboard (C),
// writes a comment and sends it with Enter; the teacher, with the same
// thread open, sees it arrive live (in the list a screen reader reads
// out, and as the note's count), deletes it after a question, and it
// goes from Amy's page too. A view link's page reads the thread and says
// why it cannot add to it.
func TestBrowserComments(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Science, week 51")
	id := created.facilitate()
	edit := path.Base(created.Links[board.RoleEdit].URL)
	view := path.Base(created.Links[board.RoleView].URL)
	mustApply(t, wsURL(srv.url, id), talkNotes())

	teacher := mustScreen(t, laptopScreen)
	teacher.open(srv.url, id, "Ms Berg")
	amy := mustScreen(t, phoneScreen)
	amy.open(srv.url, edit, "Amy")

	eval[chromedp.Void](teacher, `corkboard.actions.select(["`+talkNoteA+`"])`)
	teacher.nextFrame()
	teacher.do(chromedp.Click(chromedp.ID("comments-open")))
	teacher.waitFor("the thread, empty", `!document.getElementById("comments-panel").hidden && !document.getElementById("comments-empty").hidden`)

	eval[chromedp.Void](amy, `corkboard.actions.select(["`+talkNoteA+`"]); document.getElementById("note-`+talkNoteA+`").focus()`)
	amy.nextFrame()
	amy.press("c", "KeyC", 67)
	amy.waitFor("Amy's thread, the box focused", `!document.getElementById("comments-panel").hidden && document.activeElement?.id === "comments-input"`)
	amy.do(chromedp.SendKeys(chromedp.ID("comments-input"), "Mine too!"))
	amy.waitFor("the count", `document.getElementById("comments-count").textContent === "9 / 5000"`)
	amy.press("Enter", "Enter", 13)
	amy.waitFor("sent", `document.getElementById("comments-input").value === "" && corkboard.conn.outbox.ops.length === 0`)

	teacher.waitFor("Amy's comment, live", `(() => { const li = document.querySelector("#comments-list > .comment");
  return li?.querySelector(".comment-text").textContent === "Mine too!" && li.querySelector(".comment-author").textContent === "Amy" && document.getElementById("comments-list").getAttribute("aria-live") === "polite"; })()`)
	teacher.waitFor("the note's count", `document.querySelector("#note-`+talkNoteA+` .comments-badge-count")?.textContent === "1" && !document.querySelector("#note-`+talkNoteA+` .comments-badge").hidden`)
	if n, _ := serverNote(t, srv.url, id, talkNoteA); len(n.Comments) != 1 || n.Comments[0].Text != "Mine too!" || n.Comments[0].Author != "Amy" {
		t.Fatalf("the server has comments %+v", n.Comments)
	}

	// A view link reads it, from the note's count, and cannot add one.
	reader := mustScreen(t, laptopScreen)
	reader.open(srv.url, view, "Cy")
	reader.waitFor("the count", `!!document.querySelector("#note-`+talkNoteA+` .comments-badge:not([hidden])")`)
	reader.do(chromedp.Click(chromedp.CSS("#note-" + talkNoteA + " .comments-badge")))
	reader.waitFor("the thread, read only", `document.querySelector("#comments-list .comment-text")?.textContent === "Mine too!" && !document.getElementById("comments-input") && document.getElementById("comments-closed").textContent.includes("read the comments")`)

	teacher.do(chromedp.Click(chromedp.CSS("#comments-list .comment-delete")))
	teacher.waitFor("the question", `document.getElementById("confirm-dialog").open`)
	teacher.do(chromedp.Click(chromedp.ID("confirm-ok")))
	amy.waitFor("gone from Amy's page", `!document.querySelector("#comments-list .comment") && !document.getElementById("comments-empty").hidden`)
	reader.waitFor("gone from the reader's", `!document.querySelector("#note-`+talkNoteA+` .comments-badge:not([hidden])")`)

	// A draft belongs to its note: another thread neither gets it nor
	// loses it.
	amy.do(chromedp.SendKeys(chromedp.ID("comments-input"), "Half a thought"))
	eval[chromedp.Void](amy, `corkboard.comments.open("`+talkNoteB+`")`)
	amy.waitFor("B's box empty", `document.getElementById("comments-input").value === ""`)
	eval[chromedp.Void](amy, `corkboard.comments.open("`+talkNoteA+`")`)
	amy.waitFor("A's draft back", `document.getElementById("comments-input").value === "Half a thought"`)

	// A comment the word filter refuses stays in the box, with why.
	mustApply(t, wsURL(srv.url, id), []board.Op{moderate(board.Moderation{Filter: &board.Filter{Mode: board.FilterRefuse, Words: []string{"toad"}}})})
	amy.waitFor("the filter on", `corkboard.view().moderation?.filter?.mode === "refuse"`)
	amy.do(chromedp.SendKeys(chromedp.ID("comments-input"), ", toad"))
	amy.press("Enter", "Enter", 13)
	amy.waitFor("kept, and why", `(() => { const e = document.getElementById("comments-error");
  return document.getElementById("comments-input").value === "Half a thought, toad" && !e.hidden && e.textContent.includes("does not allow") && corkboard.conn.outbox.ops.length === 0 && !document.querySelector("#comments-list .comment"); })()`)
}

// TestBrowserRetroTemplate: a teacher starts a retrospective from the home
// page; the board opens with its three lanes. A note dragged into "To
// improve" is in that column in the CSV export, and when the teacher moves
// the column to the front in the Columns dialog its note moves along.
func TestBrowserRetroTemplate(t *testing.T) {
	srv := mustLiveServer(t)
	b := mustScreen(t, laptopScreen)
	b.do(chromedp.Navigate(srv.url + "/?lang=en"))
	b.do(chromedp.Click(chromedp.CSS(`input[name="template"][value="retro"]`)))
	b.do(chromedp.SendKeys(chromedp.ID("title"), "Sprint 12"), chromedp.Click(chromedp.CSS(`form.create button[type="submit"]`)), chromedp.WaitReady(chromedp.ID("board-config")))
	b.waitFor("the new board", `location.pathname.startsWith("/b/") && !!window.corkboard`)
	eval[chromedp.Void](b, `localStorage.setItem("corkboard:name", "Ms Berg")`)
	link := strings.TrimPrefix(eval[string](b, `location.pathname`), "/b/")
	b.do(chromedp.Navigate(srv.url + "/b/" + link))
	b.waitLive()
	b.waitFor("three lanes", `[...document.querySelectorAll("#lanes .lane-name")].map((e) => e.textContent).join("|") === "Went well|To improve|Actions"`)
	// The lanes are in view: the board opens on them.
	if !eval[bool](b, `(() => { const r = document.querySelector("#lanes .lane:last-child .lane-name").getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth && r.top >= 0; })()`) {
		t.Error("the lanes' names are not all in view on a new board")
	}

	note := writeNote(b, "Standups ran long")
	b.nextFrame()
	// Drag it to the middle of the second lane.
	x, y, w, h := b.noteRect(note)
	target := eval[[]float64](b, `(() => { const r = document.querySelectorAll("#lanes .lane")[1].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 4]; })()`)
	b.drag(x+w/2, y+h/2, target[0], target[1])
	b.waitFor("in the second lane", `(() => { const n = corkboard.view().notes.get("`+note+`"); return n.x + n.w / 2 > 480 && n.x + n.w / 2 < 960 && corkboard.conn.outbox.ops.length === 0; })()`)
	b.waitFor("the note names its column", `document.getElementById("note-`+note+`").getAttribute("aria-label").endsWith("in column To improve")`)
	if !eval[bool](b, `[...document.querySelectorAll("#lanes .lane")].every((l) => l.getAttribute("aria-label") === "Column " + l.textContent && l.querySelector(".lane-name").title === l.textContent)`) {
		t.Error("a lane has no accessible name, or its name no tooltip")
	}
	// A fit shows the notes and the names of their lanes just above them,
	// not the tall empty lanes around them. The names take room too: in
	// the laptop's free area (below the top bar, above the dock with the
	// Lesson bar, the selection bar and the help, whose height varies) the
	// 200-wide note comes out 1.1 to 1.4 times its size, where fitting the
	// lanes would make it about 0.7.
	eval[chromedp.Void](b, `corkboard.fit()`)
	b.nextFrame()
	if w := eval[float64](b, `document.getElementById("note-`+note+`").getBoundingClientRect().width`); w < 200 {
		t.Errorf("after a fit the one note is %v px wide, want it large (the lanes are not fitted)", w)
	}
	if !eval[bool](b, `(() => { const a = corkboard.freeArea(), n = document.getElementById("note-`+note+`").getBoundingClientRect(), h = document.querySelectorAll("#lanes .lane-name")[1].getBoundingClientRect();
  return h.top >= a.top && h.bottom <= n.top && n.bottom <= a.bottom; })()`) {
		t.Error("after a fit the note, or the name of its lane above it, is not in the free area")
	}

	rows := exportRows(t, srv.url, link)
	if got := rows["Standups ran long"]["column"]; got != "To improve" {
		t.Errorf("the CSV puts the note in column %q, want To improve", got)
	}

	// Move "To improve" to the front: its note moves along.
	before := eval[float64](b, `corkboard.view().notes.get("`+note+`").x`)
	b.do(chromedp.Click(chromedp.ID("lesson-toggle")))
	b.do(chromedp.Click(chromedp.ID("columns-open")))
	b.waitFor("the Columns dialog", `document.getElementById("columns-dialog").open && document.querySelectorAll("#columns-list .column-item").length === 3`)
	if !eval[bool](b, `document.querySelectorAll("#columns-list .column-item")[1].querySelector(".danger").disabled && document.querySelectorAll("#columns-list .column-item")[1].textContent.includes("1 note in it")`) {
		t.Error("a column with a note in it can be removed, or does not say why not")
	}
	b.do(chromedp.Click(chromedp.CSS(`#columns-list .column-item:nth-child(2) button[aria-label^="Move To improve left"]`)))
	b.waitFor("moved, with its note", fmt.Sprintf(`corkboard.view().columns[0].name === "To improve" && corkboard.view().notes.get(%q).x === %v && corkboard.conn.outbox.ops.length === 0`, note, before-480))
	if rows := exportRows(t, srv.url, link); rows["Standups ran long"]["column"] != "To improve" {
		t.Errorf("after the move the CSV puts the note in column %q", rows["Standups ran long"]["column"])
	}
	// An empty column goes.
	b.do(chromedp.Click(chromedp.CSS(`#columns-list .column-item:nth-child(3) .danger`)))
	b.waitFor("two lanes", `document.querySelectorAll("#lanes .lane").length === 2 && corkboard.view().columns.length === 2`)
}

// exportRows returns the board's CSV export as rows by note text, each by
// header.
func exportRows(t *testing.T, base, link string) map[string]map[string]string {
	t.Helper()
	code, body := do(t, "GET", base+"/b/"+link+"/export.csv", "")
	if code != 200 {
		t.Fatalf("GET export.csv: %d %s", code, body)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(body), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, r := range records[1:] {
		row := map[string]string{}
		for i, h := range records[0] {
			row[h] = r[i]
		}
		out[row["text"]] = row
	}
	return out
}

// TestConversationScreenshots saves, for a person to look at, a
// retrospective with lanes, reactions and comments, and a note's thread
// open (a comment waiting for approval among them), on a phone and a
// projector, in both languages, light and dark.
func TestConversationScreenshots(t *testing.T) {
	srv := mustLiveServer(t)
	dir := screenshotDir(t)
	for _, lang := range []string{"en", "sv"} {
		code, body := do(t, "POST", srv.url+"/api/boards", `{"title":"Sprint 12","template":"retro","lang":"`+lang+`"}`)
		if code != 201 {
			t.Fatalf("POST /api/boards: %d %s", code, body)
		}
		var created boardCreated
		if err := json.Unmarshal(body, &created); err != nil {
			t.Fatal(err)
		}
		id := created.facilitate()
		texts := []string{"Pairing on the hard bugs", "Demo went smoothly", "Standups ran long", "Too many meetings", "Write the release notes together"}
		xs := []float64{30, 250, 510, 730, 990}
		var ops []board.Op
		for i, text := range texts {
			x, y, text := xs[i], float64(100+(i%2)*190), text
			ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), X: &x, Y: &y, Text: &text, Color: &board.Palette[i%4]}})
		}
		mustApply(t, wsURL(srv.url, id), ops)
		first := "00000000-0000-4000-8000-000000000001"
		for i, r := range []string{"like", "like", "love", "idea", "like"} {
			mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindReact, ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i%3+1), Reaction: r}})
		}
		editWS := created.Links[board.RoleEdit].WebSocket
		for i, text := range []string{"Yes! Let's keep doing this.", "Could we pair on reviews too?"} {
			text := text
			mustApply(t, editWS, []board.Op{{Kind: board.KindComment, ID: first, Comment: &board.NewComment{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", 100+i), Text: &text}}})
		}
		mustApply(t, wsURL(srv.url, id), []board.Op{moderate(board.Moderation{Approval: true})})
		waiting := "Only if it is quick"
		mustApply(t, editWS, []board.Op{{Kind: board.KindComment, ID: first, Comment: &board.NewComment{ID: "00000000-0000-4000-8000-000000000199", Text: &waiting}}})

		for _, s := range []classScreen{phoneScreen, projectorScreen} {
			t.Run(s.name+"-"+lang, func(t *testing.T) {
				b := mustScreen(t, s)
				b.openWith(srv.url, id, map[string]string{"corkboard:name": "Ms Berg", "corkboard:help": "off"})
				for _, scheme := range schemesFor(lang, s.name) {
					name := fmt.Sprintf("%s-%s-%s", s.name, lang, scheme)
					b.setColorScheme(scheme)
					b.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=" + lang))
					b.waitLive()
					b.waitFor("the lanes and reactions", `document.querySelectorAll("#lanes .lane").length === 3 && !!document.querySelector(".note .reaction:not(.zero)")`)
					eval[chromedp.Void](b, `corkboard.actions.select(["`+first+`"])`)
					b.nextFrame()
					b.screenshot(dir, "conversation-"+name)
					eval[chromedp.Void](b, `corkboard.comments.open("`+first+`")`)
					b.waitFor("the thread", `document.querySelectorAll("#comments-list .comment").length === 3`)
					b.nextFrame()
					b.screenshot(dir, "conversation-thread-"+name)
					eval[chromedp.Void](b, `corkboard.comments.close()`)
				}
				if s.name != projectorScreen.name {
					return
				}
				// The projector's own page (?projector=1, no participant):
				// the counts on one line leave the notes their text, and
				// the teacher's list shows it as a screen, not a person.
				wall, cancel := b.newTab()
				defer cancel()
				wall.do(chromedp.EmulateViewport(s.width, s.height), chromedp.Navigate(srv.url+"/b/"+id+"?projector=1&lang="+lang))
				wall.waitLive()
				wall.waitFor("the lanes and reactions", `document.querySelectorAll("#lanes .lane").length === 3 && !!document.querySelector(".note .reaction:not(.zero)")`)
				wall.nextFrame()
				if got := eval[float64](wall, `Math.min(...[...document.querySelectorAll(".note")].map((n) => n.querySelector(".note-text").clientHeight / n.clientHeight))`); got < 0.4 {
					t.Errorf("on the projector a note's text has %.0f%% of its note, want at least 40%%", got*100)
				}
				wall.screenshot(dir, "conversation-wall-"+lang)
				name := map[string]string{"en": "Projector", "sv": "Projektor"}[lang]
				b.waitFor("the projector, listed as a screen", `[...document.querySelectorAll("#people li")].some((li) => li.querySelector(".person-name")?.textContent === "`+name+`" && !li.querySelector(".person-role, .person-remove"))`)
			})
		}
	}
	t.Logf("screenshots in %s", dir)
}
