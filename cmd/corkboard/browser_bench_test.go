package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"corkboard/board"
	"corkboard/sync/wsclient"
)

// BenchmarkBoardPage1000Notes measures, in headless Chromium, how long a
// board of 1,000 notes takes to load until it is live, and the frame rate
// while a note is dragged across it. Run it with
//
//	go test -run XXX -bench BoardPage -benchtime 3x ./cmd/corkboard
//
// It reports ms/load and frames/s; it asserts nothing about speed.
func BenchmarkBoardPage1000Notes(b *testing.B) {
	srv := mustLiveServer(b)
	id := mustCreate(b, srv.url, "Big board")
	c, _, err := wsclient.Dial(context.Background(), "ws"+strings.TrimPrefix(srv.url, "http")+"/ws/"+id, wsclient.Hello{Client: "bench"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	var first string
	for batch := range 10 { // 100 notes a message keeps under the 64 KiB limit
		var ops []board.Op
		for i := range 100 {
			n := batch*100 + i
			nid := uuid.NewString()
			if n == 0 {
				first = nid
			}
			x, y := float64(n%40)*230, float64(n/40)*190
			text := fmt.Sprintf("Note %d: some words on it, as a class would write", n)
			ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: nid, X: &x, Y: &y, Text: &text}})
		}
		if _, err := c.SendOp(board.Op{Kind: board.KindBatch, Ops: ops}); err != nil {
			b.Fatal(err)
		}
	}
	for acks := 0; acks < 10; {
		msgs, err := c.Read()
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range msgs {
			if m.Type == "ack" {
				acks++
			}
			if m.Type == "reject" {
				b.Fatal(m.Message)
			}
		}
	}

	br := mustBrowser(b, 1280, 800)
	br.open(srv.url, id, "Bench")
	var loadMs, fps float64
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		br.do(chromedp.Navigate(srv.url + "/b/" + id))
		br.waitFor("1,000 notes live", `document.getElementById("status").dataset.state === "connected" && document.querySelectorAll("#board .note .resize-handle").length === 1000`)
		loadMs += float64(time.Since(start).Milliseconds())

		// Drag the first note for a second, one move per 16 ms, and count
		// the frames the page paints meanwhile.
		x, y, w, h := br.noteRect(first)
		eval[chromedp.Void](br, `window.__frames = 0; window.__counting = true; (function tick() { if (!window.__counting) return; window.__frames++; requestAnimationFrame(tick); })()`)
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.MouseEvent(chromedp.MouseMoved, x+w/2, y+h/2),
			chromedp.MouseEvent(chromedp.MousePressed, x+w/2, y+h/2, chromedp.ButtonLeft, chromedp.ClickCount(1)),
		}
		for i := range 60 {
			steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, x+w/2+float64(i)*5, y+h/2+float64(i)*3, chromedp.ButtonLeft), chromedp.Sleep(16*time.Millisecond))
		}
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseReleased, x+w/2+300, y+h/2+180, chromedp.ButtonLeft, chromedp.ClickCount(1)))
		dragStart := time.Now()
		br.do(steps...)
		frames := eval[float64](br, `(window.__counting = false, window.__frames)`)
		fps += frames / time.Since(dragStart).Seconds()
	}
	b.ReportMetric(loadMs/float64(b.N), "ms/load")
	b.ReportMetric(fps/float64(b.N), "frames/s")
}
