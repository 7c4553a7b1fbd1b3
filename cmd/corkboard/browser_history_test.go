package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/sync/wsclient"
)

// shapeJS is what the page's confirmed board shows, note ids aside (a note
// brought back has a new one): each note's text, place, size, colour and
// z, sorted, as JSON.
const shapeJS = `JSON.stringify([...corkboard.state.confirmed.notes.values()].map((n) => [n.text, n.x, n.y, n.w, n.h, n.color, n.z].join("|")).sort())`

// waitShape waits until the page's board shows shape.
func (b *browser) waitShape(what, shape string) {
	b.t.Helper()
	b.waitFor(what, shapeJS+` === `+jsString(shape)+` && corkboard.state.pending.length === 0`)
}

// TestBrowserHistoryRestore: a snapshot kept from the ⋯ menu, then the
// board changed (a note moved, one deleted, one added), then brought back
// from the history page's Restore: both people's pages show the board as
// it was, and Ctrl+Z on the page that restored takes both back to the
// changed board. The history page lists the snapshot with its picture
// (the image loads) and its time written by the script, and Copy into a
// new board opens a new board, run by this person, with the same notes.
func TestBrowserHistoryRestore(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Retro: week 12")
	mustApply(t, wsURL(srv.url, id), exportNotes())
	ada := mustScreen(t, laptopScreen)
	ada.openWith(srv.url, id, map[string]string{"corkboard:name": "Ada"})
	bo := mustScreen(t, laptopScreen)
	bo.openWith(srv.url, id, map[string]string{"corkboard:name": "Bo"})
	ada.waitFor("the notes", `corkboard.state.confirmed.notes.size === 3`)
	before := eval[string](ada, shapeJS)

	ada.openMenuEntry("keep-open")
	ada.waitFor("the Keep dialog", `document.getElementById("keep-dialog").open && document.activeElement === document.getElementById("keep-name")`)
	ada.do(chromedp.SendKeys(chromedp.ID("keep-name"), "Before the changes"), chromedp.Click(chromedp.ID("keep-submit")))
	ada.waitFor("the snapshot to be kept", `!document.getElementById("keep-history").hidden`)
	if got := eval[string](ada, `document.getElementById("keep-status").textContent`); got != "Kept: Before the changes." {
		t.Errorf("the dialog says %q", got)
	}
	ada.press("Escape", "Escape", 27)

	// The board changes: a note moved, one deleted, one added.
	eval[chromedp.Void](ada, `(() => {
  const a = corkboard.actions;
  a.select(["00000000-0000-4000-8000-000000000001"]);
  a.moveSelected(400, 200);
  a.select(["00000000-0000-4000-8000-000000000002"]);
  a.deleteSelected();
  corkboard.edit({ kind: "create", note: { id: "00000000-0000-4000-8000-0000000000ff", x: 100, y: 900, text: "Added later", z: 10 } });
})()`)
	ada.waitFor("the changes saved", `corkboard.state.pending.length === 0 && corkboard.state.confirmed.notes.size === 3 && corkboard.state.confirmed.notes.has("00000000-0000-4000-8000-0000000000ff")`)
	changed := eval[string](ada, shapeJS)
	if changed == before {
		t.Fatal("the board did not change")
	}
	bo.waitShape("Bo to see the changes", changed)

	// Restore, from the history page.
	ada.do(chromedp.Navigate(srv.url + "/b/" + id + "/history?lang=en"))
	ada.waitFor("the snapshot in the list", `[...document.querySelectorAll(".snapshot-name")].some((h) => h.textContent === "Before the changes")`)
	ada.do(chromedp.Click(chromedp.CSS(`.snapshot[data-reason="named"] .snapshot-restore`)))
	ada.do(chromedp.WaitReady(chromedp.ID("board")))
	ada.waitFor("the question", `document.getElementById("confirm-dialog")?.open`)
	if q := eval[string](ada, `document.getElementById("confirm-text").textContent`); !strings.HasPrefix(q, "Restore the board to “Before the changes” (") || !strings.Contains(q, "notes added since are removed") || !strings.Contains(q, "you can undo it") {
		t.Errorf("the question is %q", q)
	}
	ada.do(chromedp.Click(chromedp.ID("confirm-ok")))
	ada.waitShape("the board as it was, here", before)
	bo.waitShape("the board as it was, on Bo's page", before)
	if h := eval[string](ada, `location.hash`); h != "" {
		t.Errorf("after the restore the address still has %q", h)
	}

	// One Ctrl+Z undoes the whole restore, for everyone.
	ada.press("z", "KeyZ", 90, chromedp.ModifierCtrl)
	ada.waitShape("the changed board again, here", changed)
	bo.waitShape("the changed board again, on Bo's page", changed)

	// The history page: the snapshot's picture, its time, and a copy.
	ada.do(chromedp.Navigate(srv.url + "/b/" + id + "/history?lang=en"))
	const named = `document.querySelector('.snapshot[data-reason="named"]')`
	ada.waitFor("the picture", named+`.querySelector("img").complete && `+named+`.querySelector("img").naturalWidth > 0`)
	if got := eval[[]string](ada, `[...document.querySelectorAll(".snapshot")].map((li) => li.dataset.reason)`); !slices.Equal(got, []string{"named", "created"}) {
		t.Errorf("the list holds %q, want the named snapshot, then the board as it was created", got)
	}
	if got := eval[string](ada, named+`.querySelector("time").textContent`); strings.Contains(got, "UTC") || got == "" {
		t.Errorf("the time reads %q: not written in the reader's time zone", got)
	}
	ada.do(chromedp.Click(chromedp.CSS(`.snapshot[data-reason="named"] .snapshot-copy`)))
	ada.do(chromedp.WaitReady(chromedp.ID("board")))
	ada.waitLive()
	if p := eval[string](ada, `location.pathname`); p == "/b/"+id {
		t.Fatalf("the copy opened the board itself")
	}
	if got := eval[string](ada, `corkboard.role`); got != "facilitate" {
		t.Errorf("the copy opened with role %q, want facilitate", got)
	}
	ada.waitShape("the copy to hold the snapshot's notes", before)
}

// replayNotesJS is what the replay draws: each note's id, text and place.
const replayNotesJS = `JSON.stringify([...document.querySelectorAll("#board .note")].map((el) => [el.dataset.id, el.querySelector(".note-text").textContent, parseFloat(el.style.left), parseFloat(el.style.top)]).sort())`

// apiNotesAt is the board at version v, from the API, in replayNotesJS's form.
func apiNotesAt(t *testing.T, base, link string, v int) string {
	t.Helper()
	var b boardState
	if err := json.Unmarshal([]byte(mustGet(t, fmt.Sprintf("%s/api/boards/%s?version=%d", base, link, v))), &b); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{}
	for _, n := range b.Notes {
		rows = append(rows, []any{n.ID, n.Text, n.X, n.Y})
	}
	slices.SortFunc(rows, func(a, b []any) int { return strings.Compare(a[0].(string), b[0].(string)) })
	data, _ := json.Marshal(rows)
	return string(data)
}

// replayOps are 24 operations: six notes made, moved about, written in,
// two deleted, the board renamed.
func replayOps() []board.Op {
	var ops []board.Op
	for i := range 6 {
		x, y, text := float64(i*230), 0.0, fmt.Sprintf("Idea %d", i+1)
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), X: &x, Y: &y, Text: &text}})
	}
	for i := range 14 {
		nid := fmt.Sprintf("00000000-0000-4000-8000-%012d", i%6+1)
		x, y, text := float64(i*40), float64(200+i*30), fmt.Sprintf("Idea %d, step %d", i%6+1, i)
		ops = append(ops, board.Op{Kind: board.KindUpdate, ID: nid, Set: &board.Patch{X: &x, Y: &y, Text: &text}})
	}
	ops = append(ops,
		board.Op{Kind: board.KindDelete, ID: "00000000-0000-4000-8000-000000000002"},
		board.Op{Kind: board.KindDelete, ID: "00000000-0000-4000-8000-000000000005"},
	)
	title, x := "Ideas, sorted", 999.0
	ops = append(ops, board.Op{Kind: board.KindRename, Title: &title})
	return append(ops, board.Op{Kind: board.KindUpdate, ID: "00000000-0000-4000-8000-000000000001", Set: &board.Patch{X: &x}})
}

// scrubTo moves the replay's scrubber to version v, as a person dragging
// it does, and waits until that version is drawn.
func (b *browser) scrubTo(v int) {
	b.t.Helper()
	eval[chromedp.Void](b, fmt.Sprintf(`(() => { const s = document.getElementById("replay-scrubber"); s.value = "%d"; s.dispatchEvent(new Event("input", { bubbles: true })); })()`, v))
	b.waitFor(fmt.Sprintf("version %d", v), fmt.Sprintf(`document.body.dataset.version === "%d"`, v))
}

// TestBrowserReplay: the replay plays (the scrubber moves on by itself),
// and at any version, reached forward, back or opened directly with
// ?version=, draws the notes the API says the board had then. It changes
// nothing on the board. A view link's replay and history offer no
// Restore and no Keep, and its board page no Keep a snapshot.
func TestBrowserReplay(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Ideas")
	id := created.facilitate()
	ops := replayOps()
	mustApply(t, wsURL(srv.url, id), ops)
	last := len(ops)

	b := mustScreen(t, laptopScreen)
	b.do(chromedp.Navigate(srv.url + "/b/" + id + "/replay?lang=en"))
	b.waitFor("the start", `document.body.dataset.version === "0" && !document.getElementById("replay-play").disabled`)
	if got := eval[string](b, `document.getElementById("replay-scrubber").max`); got != fmt.Sprint(last) {
		t.Errorf("the scrubber ends at %s, want %d", got, last)
	}
	eval[chromedp.Void](b, `document.getElementById("replay-speed").value = "100"`)
	b.do(chromedp.Click(chromedp.ID("replay-play")))
	b.waitFor("the scrubber to move", `Number(document.getElementById("replay-scrubber").value) >= 5`)
	b.waitFor("the end", `document.body.dataset.version === "`+fmt.Sprint(last)+`" && document.getElementById("replay-play").getAttribute("aria-pressed") === "false"`)
	for _, v := range []int{last, 12, 4, 17, 0} {
		b.scrubTo(v)
		if got, want := eval[string](b, replayNotesJS), apiNotesAt(t, srv.url, id, v); got != want {
			t.Errorf("at version %d the replay draws\n%s\nthe API has\n%s", v, got, want)
		}
	}
	b.do(chromedp.Navigate(srv.url + "/b/" + id + "/replay?version=9&lang=en"))
	b.waitFor("version 9", `document.body.dataset.version === "9" && !document.getElementById("replay-play").disabled`)
	if got, want := eval[string](b, replayNotesJS), apiNotesAt(t, srv.url, id, 9); got != want {
		t.Errorf("opened at version 9 the replay draws\n%s\nthe API has\n%s", got, want)
	}
	if got := eval[string](b, `document.getElementById("replay-restore").getAttribute("href")`); got != "/b/"+id+"#restore-version=9" {
		t.Errorf("Restore this version leads to %q", got)
	}
	if v := mustGetBoard(t, srv.url, id).Version; v != last {
		t.Errorf("after the replay the board is at version %d, want %d: the replay changed it", v, last)
	}

	view := path.Base(created.Links[board.RoleView].URL)
	b.do(chromedp.Navigate(srv.url + "/b/" + view + "/replay?version=3&lang=en"))
	b.waitFor("version 3", `document.body.dataset.version === "3"`)
	if eval[bool](b, `!!document.getElementById("replay-restore")`) {
		t.Error("a view link's replay offers Restore")
	}
	b.do(chromedp.Navigate(srv.url + "/b/" + view + "/history?lang=en"))
	b.waitFor("the list", `document.querySelectorAll(".snapshot").length > 0`)
	if got := eval[[]bool](b, `[!!document.getElementById("keep-form"), !!document.querySelector(".snapshot-restore"), !!document.getElementById("history-view-only")]`); !slices.Equal(got, []bool{false, false, true}) {
		t.Errorf("a view link's history: keep form, restore, view-only words = %v, want none, none, there", got)
	}
	b.do(chromedp.Navigate(srv.url + "/b/" + view + "?lang=en"))
	b.waitFor("the page", `!!window.corkboard`)
	if got := eval[[]bool](b, `[!!document.getElementById("keep-open"), !!document.getElementById("history-open")]`); !slices.Equal(got, []bool{false, true}) {
		t.Errorf("a view link's menu: Keep a snapshot, History = %v, want none, there", got)
	}
}

// mustFastServer is mustLiveServer with room for one client to send
// thousands of operations a second, to build a long history quickly.
func mustFastServer(t testing.TB) *liveServer {
	t.Helper()
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "corkboard.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hub := boardsync.NewHub(boardsync.Config{Log: store, Links: store, Limits: boardsync.Limits{OpsPerSecond: 1e6}})
	reg, err := newRegistry(hub, store)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewServer(slog.New(slog.DiscardHandler), hub, reg, nil))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hub.Shutdown(ctx)
		srv.Close()
		store.Close()
	})
	return &liveServer{url: srv.URL, hub: hub, store: store}
}

// mustHistory gives a board n operations, as fast as the server takes
// them: 200 notes, then moves, as many in flight as the server allows.
func mustHistory(t *testing.T, url string, n int) {
	t.Helper()
	c, _, err := wsclient.Dial(context.Background(), url, wsclient.Hello{Client: "history", Name: "Ada", Participant: wsclient.NewParticipant()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	inFlight, acked := 0, 0
	maxInFlight := boardsync.DefaultLimits.MaxInFlight // the server reads no more
	c.WS.SetReadDeadline(time.Now().Add(60 * time.Second))
	for sent := 0; acked < n; {
		for ; sent < n && inFlight < maxInFlight; sent++ {
			nid := fmt.Sprintf("00000000-0000-4000-8000-%012d", sent%200+1)
			x, y := float64(sent%20*230+sent/200), float64(sent%200/20*190)
			op := board.Op{Kind: board.KindUpdate, ID: nid, Set: &board.Patch{X: &x, Y: &y}}
			if sent < 200 {
				text := fmt.Sprintf("Note %d", sent+1)
				op = board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: nid, X: &x, Y: &y, Text: &text}}
			}
			if _, err := c.SendOp(op); err != nil {
				t.Fatal(err)
			}
			inFlight++
		}
		msgs, err := c.Read()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			switch m.Type {
			case "ack":
				inFlight--
				acked++
			case "reject", "error":
				t.Fatalf("%s %d: %s", m.Type, m.Seq, m.Message)
			}
		}
	}
}

// TestBrowserReplayLong: the replay of a board with 10,000 operations. It
// logs how long the first picture took to draw (from the start, and
// opened at the newest version) and how long scrubbing to the end took
// (every page of operations fetched and applied); it asserts what is
// drawn, not how fast (see STYLE.md: a benchmark is never a timed
// assertion).
func TestBrowserReplayLong(t *testing.T) {
	const n = 10000
	srv := mustFastServer(t)
	id := mustCreate(t, srv.url, "A long lesson")
	built := time.Now()
	mustHistory(t, wsURL(srv.url, id), n)
	t.Logf("%d operations built in %v", n, time.Since(built).Round(time.Millisecond))

	b := mustScreen(t, laptopScreen)
	firstPicture := func(url, version string) float64 {
		b.do(chromedp.Navigate(url))
		b.waitFor("the first picture", `document.body.dataset.version === "`+version+`"`)
		return eval[float64](b, `performance.getEntriesByName("replay-first-picture")[0].startTime`)
	}
	// Twice each: the first load also compiles the page's modules.
	for range 2 {
		fromStart := firstPicture(srv.url+"/b/"+id+"/replay", "0")
		start := time.Now()
		b.scrubTo(n)
		toEnd := time.Since(start)
		if got := eval[float64](b, `document.querySelectorAll("#board .note").length`); got != 200 {
			t.Errorf("at the end the replay draws %v notes, want 200", got)
		}
		atEnd := firstPicture(fmt.Sprintf("%s/b/%s/replay?version=%d", srv.url, id, n), fmt.Sprint(n))
		t.Logf("replay of %d operations: first picture %.0f ms after navigation (from the start), scrubbing to the end %v, opened at the end %.0f ms", n, fromStart, toEnd.Round(time.Millisecond), atEnd)
	}
	if got, want := eval[string](b, replayNotesJS), apiNotesAt(t, srv.url, id, n); got != want {
		t.Errorf("at the end the replay and the API differ")
	}
}

// TestScreenshotsHistory saves, for a person to look at, the history page
// and the replay (paused mid-way), on a phone and a projector, in both
// languages, light and dark; on the phone also Keep a snapshot and the
// question before a restore.
func TestScreenshotsHistory(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Class 7B: what did we learn this week?")
	mustApply(t, wsURL(srv.url, id), replayOps())
	for _, name := range []string{"End of lesson 3", "Före gruppdiskussionen: alla idéer från klassen, innan vi sorterade dem i teman"} {
		if code, body := do(t, "POST", srv.url+"/api/boards/"+id+"/history", `{"name":`+jsonString(name)+`,"by":"Ms Berg"}`); code != http.StatusCreated {
			t.Fatalf("keeping a snapshot: %d %s", code, body)
		}
	}
	dir := screenshotDir(t)
	for _, s := range []classScreen{phoneScreen, projectorScreen} {
		t.Run(s.name, func(t *testing.T) {
			b := mustScreen(t, s)
			b.openWith(srv.url, id, map[string]string{"corkboard:name": "Ada"})
			for _, lang := range []string{"en", "sv"} {
				for _, scheme := range schemesFor(lang, s.name) {
					name := fmt.Sprintf("%s-%s-%s", s.name, lang, scheme)
					b.setColorScheme(scheme)
					b.do(chromedp.Navigate(srv.url + "/b/" + id + "/history?lang=" + lang))
					b.waitFor("the pictures", `[...document.querySelectorAll(".snapshot img")].every((img) => img.complete && img.naturalWidth > 0)`)
					b.screenshot(dir, "history-"+name)
					if lang == "en" && scheme == "light" {
						// The list itself, with a snapshot's downloads open.
						eval[chromedp.Void](b, `document.querySelector(".snapshot-download").open = true; document.querySelector(".snapshot").scrollIntoView()`)
						b.nextFrame()
						b.screenshot(dir, "history-"+name+"-list")
					}
					b.do(chromedp.Navigate(srv.url + "/b/" + id + "/replay?version=14&lang=" + lang))
					b.waitFor("version 14", `document.body.dataset.version === "14" && !document.getElementById("replay-play").disabled`)
					b.nextFrame()
					b.screenshot(dir, "replay-"+name)
				}
			}
			if !s.phone {
				return
			}
			b.setColorScheme("light")
			b.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=en"))
			b.waitLive()
			b.openMenuEntry("keep-open")
			b.do(chromedp.SendKeys(chromedp.ID("keep-name"), "End of lesson 4"), chromedp.Click(chromedp.ID("keep-submit")))
			b.waitFor("kept", `!document.getElementById("keep-history").hidden`)
			b.screenshot(dir, "keep-phone-en-light")
			b.press("Escape", "Escape", 27)
			b.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=sv#restore-version=10"))
			b.waitFor("the question", `document.getElementById("confirm-dialog").open`)
			b.screenshot(dir, "restore-phone-sv-light")
		})
	}
	t.Logf("screenshots in %s", dir)
}
