package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"corkboard/board"
	"corkboard/views"
)

// watchPage hooks the page so a test can tell afterwards what it was not
// meant to see: every reject or error message from the server (or from
// socket.js itself), every toast shown (even one hidden again since), and
// the most operations the page ever had on the wire unanswered.
const watchPage = `(() => {
  const seen = (window.seen = { rejects: [], toasts: [], maxInFlight: 0 });
  const conn = corkboard.conn, heard = conn.onMessage, inFlight = new Set();
  conn.onMessage = (m) => {
    if (m.type === "reject" || m.type === "error") seen.rejects.push(m.type + " " + (m.seq ?? "") + ": " + m.message);
    if (m.type === "welcome") inFlight.clear(); // the unanswered go again
    if (m.type === "ack" || m.type === "reject") inFlight.delete(m.seq);
    heard(m);
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const m = JSON.parse(data);
    if (m.type === "op") {
      inFlight.add(m.seq);
      seen.maxInFlight = Math.max(seen.maxInFlight, inFlight.size);
    }
    return send.call(this, data);
  };
  const toast = document.getElementById("toast");
  new MutationObserver(() => toast.hidden || seen.toasts.push(toast.textContent))
    .observe(toast, { attributes: true, childList: true, characterData: true, subtree: true });
})()`

// pageSeen is what watchPage collected.
type pageSeen struct {
	Rejects     []string `json:"rejects"`
	Toasts      []string `json:"toasts"`
	MaxInFlight int      `json:"maxInFlight"`
}

func (b *browser) seen() pageSeen {
	b.t.Helper()
	var s pageSeen
	if err := json.Unmarshal([]byte(eval[string](b, `JSON.stringify(window.seen)`)), &s); err != nil {
		b.t.Fatal(err)
	}
	return s
}

// backOnline restores the page's connection and has it retry at once, as
// the browser's online event would, until it is live again. It retries on
// every poll because a retry begun while the proxy was cut may still be
// on its way to failing, and would otherwise back off for seconds.
func (b *browser) backOnline(p *proxy) {
	b.t.Helper()
	p.Restore()
	b.waitFor("the connection back", `(corkboard.conn.retryNow(), corkboard.conn.state === "connected")`)
}

// offlineEdits returns JS that makes the edits of a long offline session
// and returns how many it made: a note created and moved 299 times, with
// 20 more notes created along the way, 320 edits in all. Note ids start
// at base, so rounds do not collide.
func offlineEdits(base int) string {
	return fmt.Sprintf(`((base) => {
  const id = (i) => "00000000-0000-4000-8000-" + String(base + i).padStart(12, "0");
  let edits = 0, k = 0;
  const edit = (op) => (corkboard.edit(op), edits++);
  edit({ kind: "create", note: { id: id(0), x: 0, y: base, text: "moved 299 times" } });
  for (let i = 1; i <= 299; i++) {
    edit({ kind: "update", id: id(0), set: { x: i * 10, y: base + i } });
    if (i %% 15 === 0 || i === 299) {
      k++;
      edit({ kind: "create", note: { id: id(k), x: k * 220, y: base + 400, text: "note " + k } });
    }
  }
  return edits;
})(%d)`, base)
}

// offlinePositions returns where offlineEdits(base) leaves each note.
func offlinePositions(base int) map[string][2]float64 {
	id := func(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", base+i) }
	pos := map[string][2]float64{id(0): {2990, float64(base + 299)}}
	for k := 1; k <= 20; k++ {
		pos[id(k)] = [2]float64{float64(k * 220), float64(base + 400)}
	}
	return pos
}

// positions is a JS expression: the page's notes as {id: [x, y]}.
const positions = `JSON.stringify(Object.fromEntries([...corkboard.view().notes.values()].map(n => [n.id, [n.x, n.y]])))`

// TestBrowserLongOffline: a student offline for a while makes hundreds of
// edits. When the connection returns, they all go out, never more than
// the welcome's maxInFlight unanswered; none is refused; the server ends
// with every note where it was last put and one version per edit, and
// another page shows the same board. The second round reloads the page
// while offline: the edits wait in localStorage and go out after.
func TestBrowserLongOffline(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Long offline")
	pa, pb := mustProxy(t, srv.url), mustProxy(t, srv.url)
	a := mustBrowser(t, 1024, 700)
	b := mustBrowser(t, 1024, 700)
	a.open(pa.URL(), id, "Ada")
	b.open(pb.URL(), id, "Bo")
	const stored = `(() => { const o = corkboard.conn.outbox; return JSON.parse(localStorage.getItem(o.prefix + o.client))?.ops.length ?? 0; })()`

	want := map[string][2]float64{}
	version := 0
	for round, reload := range []bool{false, true} {
		base := 1000 * (round + 1)
		eval[chromedp.Void](a, watchPage)
		pa.Cut()
		a.waitFor("offline", `document.getElementById("status").dataset.state !== "connected"`)
		edits := int(eval[float64](a, offlineEdits(base)))
		if edits != 320 {
			t.Fatalf("round %d: made %d edits, want 320", round, edits)
		}
		for id, p := range offlinePositions(base) {
			want[id] = p
		}
		if n := eval[float64](a, stored); n != float64(edits) {
			t.Fatalf("round %d: %v edits kept in localStorage, want %d", round, n, edits)
		}
		if reload {
			a.do(chromedp.Reload())
			a.waitFor("the page back, with its outbox", fmt.Sprintf(`window.corkboard?.conn.outbox.ops.length === %d`, edits))
			if got := eval[string](a, positions); !samePositions(t, got, want) {
				t.Errorf("round %d: after the reload the page shows %s", round, got)
			}
			eval[chromedp.Void](a, watchPage) // a new page
		}
		if v := eval[float64](b, `corkboard.state.confirmed.version`); int(v) != version {
			t.Fatalf("round %d: Bo is at version %v while Ada is offline, want %d", round, v, version)
		}

		a.backOnline(pa)
		version += edits
		a.waitFor("every edit saved", `corkboard.conn.outbox.ops.length === 0`)
		if n := eval[float64](a, stored); n != 0 {
			t.Errorf("round %d: %v edits still in localStorage", round, n)
		}
		if s := a.seen(); len(s.Rejects) > 0 || len(s.Toasts) > 0 {
			t.Errorf("round %d: rejects %q, toasts %q; want none", round, s.Rejects, s.Toasts)
		} else if limit := int(eval[float64](a, `corkboard.limits.maxInFlight`)); s.MaxInFlight != limit {
			t.Errorf("round %d: at most %d operations were on the wire unanswered; want the welcome's window, %d", round, s.MaxInFlight, limit)
		}

		// The server has every note where it was last put, and one version
		// per edit.
		got := mustGetBoard(t, srv.url, id)
		if got.Version != version {
			t.Errorf("round %d: server at version %d, want %d, one per edit", round, got.Version, version)
		}
		onServer := map[string][2]float64{}
		for _, n := range got.Notes {
			onServer[n.ID] = [2]float64{n.X, n.Y}
		}
		serverJSON, _ := json.Marshal(onServer)
		if !samePositions(t, string(serverJSON), want) {
			t.Errorf("round %d: server has the notes at %s", round, serverJSON)
		}

		// And Bo sees the same board.
		b.waitFor("Bo up to date", fmt.Sprintf(`corkboard.state.confirmed.version === %d`, version))
		for who, p := range map[string]*browser{"Ada": a, "Bo": b} {
			if got := eval[string](p, positions); !samePositions(t, got, want) {
				t.Errorf("round %d: %s sees the notes at %s", round, who, got)
			}
		}
	}
}

// samePositions reports whether the JSON object {id: [x, y]} holds exactly
// the positions of want.
func samePositions(t *testing.T, js string, want map[string][2]float64) bool {
	t.Helper()
	var got map[string][2]float64
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatalf("%v: %s", err, js)
	}
	if len(got) != len(want) {
		return false
	}
	for id, p := range want {
		if got[id] != p {
			return false
		}
	}
	return true
}

// TestBrowserTooLarge: an edit whose message is over the server's
// maxMessageBytes is never sent (the server would close the connection at
// every try): the page rolls it back, says so in its language, and stays
// connected, and the edits after it are saved.
func TestBrowserTooLarge(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "Too large")
	a := mustBrowser(t, 1024, 700)
	a.open(srv.url, id, "Ada")
	for i, code := range []string{"en", "sv"} {
		lang, _ := views.LangByCode(code)
		a.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=" + code))
		a.waitLive()
		eval[chromedp.Void](a, watchPage)
		// 20 notes of 4,000 characters in one batch: each note is within
		// the limits, the message (about 82 kB) is not.
		big := fmt.Sprintf(`corkboard.edit({ kind: "batch", ops: Array.from({ length: 20 }, (_, i) => ({ kind: "create", note: {
  id: "00000000-0000-4000-8000-" + String(%d00 + i).padStart(12, "0"), x: i * 10, y: 0, text: "x".repeat(4000) } })) })`, i+1)
		eval[chromedp.Void](a, big)
		a.waitFor("the refusal shown", `!document.getElementById("toast").hidden`)
		if got, want := eval[string](a, `document.getElementById("toast").textContent`), lang.Text("error.tooLarge"); got != want || want == "error.tooLarge" {
			t.Errorf("%s: toast %q, want %q", code, got, want)
		}
		a.waitFor("rolled back", `corkboard.view().notes.size === `+fmt.Sprint(i)+` && document.querySelectorAll("#board .note").length === `+fmt.Sprint(i))
		eval[chromedp.Void](a, fmt.Sprintf(`corkboard.edit({ kind: "create", note: { id: "00000000-0000-4000-8000-00000000000%d", x: %d, y: 300, text: "small" } })`, i+1, i*220))
		a.waitFor("the next edit saved", `corkboard.conn.outbox.ops.length === 0`)
		s := a.seen()
		if len(s.Rejects) != 1 || !strings.Contains(s.Rejects[0], "bytes") || len(s.Toasts) != 1 {
			t.Errorf("%s: rejects %q and toasts %q, want the one refusal", code, s.Rejects, s.Toasts)
		}
		if state := eval[string](a, `corkboard.conn.state`); state != "connected" {
			t.Errorf("%s: connection %s after the refusal", code, state)
		}
		b := mustGetBoard(t, srv.url, id)
		if b.Version != i+1 || len(b.Notes) != i+1 || !slices.ContainsFunc(b.Notes, func(n board.Note) bool { return n.Text == "small" }) {
			t.Errorf("%s: server at version %d with %d notes, want only the small edits", code, b.Version, len(b.Notes))
		}
	}
}

// boardState is a board as GET /api/boards/{id} gives it.
type boardState struct {
	Version int
	Notes   []board.Note
}

func mustGetBoard(t *testing.T, base, id string) boardState {
	t.Helper()
	resp, err := http.Get(base + "/api/boards/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b boardState
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBrowserParticipantChanged: the browser's participant secret changes
// under an open page (its storage was cleared, or someone else's took its
// place) while an edit waits offline. On the way back the server knows
// another person, and the page starts afresh as them: the edit, the old
// person's, is never sent, and nothing of theirs stays on the page.
func TestBrowserParticipantChanged(t *testing.T) {
	srv := mustLiveServer(t)
	id := mustCreate(t, srv.url, "One laptop, two students")
	mustApply(t, wsURL(srv.url, id), lessonNotes())
	b := mustScreen(t, laptopScreen)
	b.open(srv.url, id, "Amy")
	amy := eval[string](b, `corkboard.participant`)
	// The page reloads itself: the wait for its load begins before.
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Evaluate[chromedp.Void](`(() => {
  corkboard.conn.pause();
  corkboard.actions.select(["`+lessonNoteB+`"]);
  corkboard.actions.moveSelected(500, 0);
  window.samePage = true;
  localStorage.setItem("corkboard:participant", "newpersonnewpersonnewA");
  corkboard.conn.resume();
})()`)))
	if err != nil {
		t.Fatalf("waiting for the page to start afresh for the new person: %v", err)
	}
	b.waitFor("a page of its own for the new person", `!window.samePage && document.getElementById("status")?.dataset.state === "connected" && corkboard.participant !== ""`)
	if got := eval[[]any](b, `[corkboard.participant, corkboard.conn.outbox.ops.length, corkboard.view().notes.get("`+lessonNoteB+`").x]`); got[0] == amy || got[1] != 0.0 || got[2] != 260.0 {
		t.Errorf("after the change: participant %v (Amy's was %v), %v unsent, note at x %v; want another, none, 260", got[0], amy, got[1], got[2])
	}
	if got := eval[float64](b, `corkboard.state.confirmed.notes.get("`+lessonNoteB+`").x`); got != 260 {
		t.Errorf("the server has the note at x %v, want 260: Amy's edit went out as someone else's", got)
	}
}
