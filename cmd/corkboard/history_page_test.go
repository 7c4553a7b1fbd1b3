package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"corkboard/board"
)

// TestReplayPageSnapshot: the history's Open leads to the replay of the
// snapshot it names, which opens at the snapshot's version and shows its
// name; a snapshot the board does not keep is a 404 page, and a version
// that is no number a 400 page, both leading back to the board; a version
// past the newest opens at the newest.
func TestReplayPageSnapshot(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Sprint 12")
	id := created.facilitate()
	mustApply(t, wsURL(srv.url, id), talkNotes())
	code, body := do(t, "POST", srv.url+"/api/boards/"+id+"/history", `{"name":"Before the vote","by":"Ms Berg"}`)
	if code != 201 {
		t.Fatalf("keep a snapshot: %d %s", code, body)
	}
	var kept struct {
		ID      string
		Version uint64
	}
	if err := json.Unmarshal(body, &kept); err != nil {
		t.Fatal(err)
	}
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindDelete, ID: talkNoteB}})

	history := mustGet(t, srv.url+"/b/"+id+"/history?lang=en")
	open := fmt.Sprintf("/b/%s/replay?version=%d&amp;snapshot=%s", id, kept.Version, kept.ID)
	if !strings.Contains(history, open) {
		t.Errorf("the history page has no Open link %s", open)
	}

	page := mustGet(t, srv.url+"/b/"+id+"/replay?snapshot="+kept.ID+"&lang=en")
	if !strings.Contains(page, "Snapshot: Before the vote") || !strings.Contains(page, fmt.Sprintf(`"version":%d`, kept.Version)) {
		t.Errorf("the replay of the snapshot does not show its name or open at version %d", kept.Version)
	}
	page = mustGet(t, srv.url+"/b/"+id+"/replay?version=999&lang=en")
	if !strings.Contains(page, `"version":3`) {
		t.Error("a version past the newest does not open at the newest (3)")
	}
	for _, tt := range []struct {
		query string
		code  int
		says  string
	}{
		{"snapshot=nosuchsnapshot", 404, "No such snapshot"},
		{"version=twelve", 400, "That is not a version of the board"},
	} {
		code, body := do(t, "GET", srv.url+"/b/"+id+"/replay?"+tt.query+"&lang=en", "")
		if code != tt.code || !strings.Contains(string(body), tt.says) || !strings.Contains(string(body), `href="/b/`+id+`"`) {
			t.Errorf("?%s: %d, want %d saying %q with a link back to the board:\n%s", tt.query, code, tt.code, tt.says, body)
		}
	}
}

// TestBrowserReplayFits: on a projector, the replay of a board that began
// empty opens framed on the notes to come, not at the board's corner, and
// when it has played to the end the board fills the screen.
func TestBrowserReplayFits(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Sprint 12")
	var ops []board.Op
	for i := range 6 {
		x, y, text := float64(1200+i*260), float64(900+(i%2)*200), fmt.Sprintf("Note %d", i+1)
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), X: &x, Y: &y, Text: &text}})
	}
	mustApply(t, wsURL(srv.url, id), ops)
	b := mustScreen(t, projectorScreen)
	b.do(chromedp.Navigate(srv.url + "/b/" + id + "/replay?lang=en"))
	b.waitFor("the start", `document.body.dataset.version === "0" && !document.getElementById("replay-play").disabled`)
	// Where the first note will be, on screen, from the board's transform.
	where := `(() => { const m = new DOMMatrix(getComputedStyle(document.getElementById("board")).transform); return [m.e + 1200 * m.a, m.f + 900 * m.a, m.a]; })()`
	if p := eval[[]float64](b, where); p[0] < 0 || p[0] > 1920/2 || p[1] < 0 || p[1] > 1080 || p[2] == 1 {
		t.Errorf("the replay opens with the first note to come at %v (zoom %v): not framed", p[:2], p[2])
	}
	eval[chromedp.Void](b, `document.getElementById("replay-speed").value = "100"`)
	b.do(chromedp.Click(chromedp.ID("replay-play")))
	b.waitFor("the end", `document.body.dataset.version === "6" && document.getElementById("replay-play").getAttribute("aria-pressed") === "false"`)
	b.nextFrame()
	fill := `(() => { const r = [...document.querySelectorAll("#board .note")].map((e) => e.getBoundingClientRect());
  const w = Math.max(...r.map((x) => x.right)) - Math.min(...r.map((x) => x.left)); return w / innerWidth; })()`
	if f := eval[float64](b, fill); f < 0.8 {
		t.Errorf("at the end the notes take %.0f%% of the screen's width, want them fitted", f*100)
	}
}

// TestBrowserSelectionDropsDeleted: notes selected on a page and deleted
// by someone else (a restore, say) leave the selection, and the selection
// bar goes with them.
func TestBrowserSelectionDropsDeleted(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Sprint 12")
	mustApply(t, wsURL(srv.url, id), talkNotes())
	b := mustScreen(t, laptopScreen)
	b.open(srv.url, id, "Ada")
	eval[chromedp.Void](b, `corkboard.actions.select(["`+talkNoteA+`", "`+talkNoteB+`"])`)
	b.waitFor("the selection bar", `!document.getElementById("selection-bar").hidden`)
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindDelete, ID: talkNoteA}})
	b.waitFor("one left selected", `corkboard.ui.selected.size === 1 && !document.getElementById("selection-bar").hidden`)
	mustApply(t, wsURL(srv.url, id), []board.Op{{Kind: board.KindBatch, Ops: []board.Op{{Kind: board.KindDelete, ID: talkNoteB}}}})
	b.waitFor("the selection bar gone", `corkboard.ui.selected.size === 0 && document.getElementById("selection-bar").hidden`)
}
