package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"corkboard/sync/boltstore"

	boardsync "corkboard/sync"
)

// chromiumPath finds Chromium, or skips the test, saying so loudly, unless
// CORKBOARD_REQUIRE_BROWSER is set (as it is in CI), where a missing
// Chromium is a failure.
func chromiumPath(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CORKBOARD_REQUIRE_BROWSER") != "" {
		t.Fatal("Chromium is not installed and CORKBOARD_REQUIRE_BROWSER is set")
	}
	t.Skip("SKIPPED: Chromium is not installed, so this browser test did not run (apt-get install chromium)")
	return ""
}

// liveServer is the whole server on a real bbolt file, behind a proxy for
// each browser that can cut its WebSockets.
type liveServer struct {
	url   string
	hub   *boardsync.Hub
	store *boltstore.Store
}

func mustLiveServer(t testing.TB) *liveServer {
	t.Helper()
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "corkboard.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hub := boardsync.NewHub(boardsync.Config{Log: store, Links: store})
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

// proxy forwards TCP to the server. Cut closes its WebSocket connections
// and refuses new ones, as a dropped Wi-Fi would, while pages still load,
// so a test can reload a page that is offline for live editing.
type proxy struct {
	target string
	ln     net.Listener

	mu    stdsync.Mutex // guards the fields below
	cut   bool
	conns map[net.Conn]bool // open connections; true for WebSockets
}

func mustProxy(t testing.TB, targetURL string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{target: strings.TrimPrefix(targetURL, "http://"), ln: ln, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.Cut() })
	go p.serve()
	return p
}

func (p *proxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

func (p *proxy) handle(c net.Conn) {
	br := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	head, err := br.Peek(16)
	if err != nil && len(head) == 0 {
		c.Close()
		return
	}
	c.SetReadDeadline(time.Time{})
	isWS := bytes.HasPrefix(head, []byte("GET /ws/"))
	p.mu.Lock()
	if isWS && p.cut {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.conns[c] = isWS
	p.mu.Unlock()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, br); up.Close(); done <- struct{}{} }()
	go func() { io.Copy(c, up); c.Close(); done <- struct{}{} }()
	<-done
	<-done
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// Cut drops every WebSocket and refuses new ones until Restore.
func (p *proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c, ws := range p.conns {
		if ws {
			c.Close()
		}
	}
}

func (p *proxy) Restore() {
	p.mu.Lock()
	p.cut = false
	p.mu.Unlock()
}

// browser is one person: a browser context of their own (cookies,
// storage and cache apart from everyone else's, as in a profile of their
// own) in the tests' one Chromium.
type browser struct {
	t   testing.TB
	ctx context.Context
}

// chromium is the one Chromium the browser tests share: starting one for
// each person took a second of the two cores' time each, a hundred times
// and more a run. stopChromium (TestMain) ends it.
var chromium struct {
	once   stdsync.Once
	ctx    context.Context
	err    error
	cancel context.CancelFunc
}

func sharedChromium(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath(t)
	chromium.once.Do(func() {
		profile, err := os.MkdirTemp("", "corkboard-chromium")
		if err != nil {
			chromium.err = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.UserDataDir(profile),
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.WindowSize(1920, 1080),
		)
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(actx)
		chromium.ctx = ctx
		chromium.cancel = func() { cancel(); cancelAlloc(); os.RemoveAll(profile) }
		// The first action starts the browser and binds it to the context
		// it runs on, so it runs on ctx itself.
		chromium.err = chromedp.Do(ctx)
	})
	if chromium.err != nil {
		t.Fatalf("starting Chromium: %v", chromium.err)
	}
	return chromium.ctx
}

// stopChromium ends the shared Chromium, if a test started it.
func stopChromium() {
	if chromium.cancel != nil {
		chromium.cancel()
	}
}

func mustBrowser(t testing.TB, width, height int64) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(sharedChromium(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first action makes the browser context and its tab, bound to the
	// context it runs on, so it runs on ctx itself.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a browser context: %v", err)
	}
	b := &browser{t: t, ctx: ctx}
	b.do(chromedp.EmulateViewport(width, height))
	return b
}

// newTab opens another tab in the same browser: same profile, same storage.
func (b *browser) newTab() (*browser, context.CancelFunc) {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	// As with the browser, the tab belongs to the context of its first
	// action, so that action runs on ctx itself.
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatal(err)
	}
	return &browser{t: b.t, ctx: ctx}, cancel
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *browser, js string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// waitFor waits until a JavaScript condition holds in the page. The limit
// is generous: it catches a hang, it does not time anything.
func (b *browser) waitFor(what, js string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	// Poll on an interval, not on animation frames: a tab in the background
	// gets no frames.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(15*time.Second), chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		dctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		defer cancel()
		status, _ := chromedp.Run(dctx, chromedp.Evaluate[string](`document.getElementById("status")?.textContent ?? ""`))
		b.t.Fatalf("waiting for %s (%s): %v; status: %q", what, js, err, status)
	}
}

// setColorScheme makes the page see prefers-color-scheme: dark or light.
func (b *browser) setColorScheme(scheme string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		b.t.Fatal(err)
	}
}

// open loads a board page as a person with the given name (already chosen
// in an earlier visit) and waits until it is live.
func (b *browser) open(base, id, name string) {
	b.t.Helper()
	b.do(chromedp.Navigate(base + "/healthz"))
	if name != "" {
		eval[chromedp.Void](b, fmt.Sprintf(`localStorage.setItem("corkboard:name", %q)`, name))
	}
	b.do(chromedp.Navigate(base + "/b/" + id))
	if name != "" {
		b.waitLive()
	}
}

func (b *browser) waitLive() {
	b.t.Helper()
	b.waitFor("the board to be live", `document.getElementById("status").dataset.state === "connected"`)
}

// press presses and releases one key without the separate "char" event
// that chromedp.KeyEvent sends. A real browser types no character when the
// page handles the keydown (preventDefault); a synthesized char event would
// type it anyway, into whatever the keydown focused.
func (b *browser) press(key, code string, keyCode int64, mods ...chromedp.Modifier) {
	b.t.Helper()
	var m int64
	for _, x := range mods {
		m |= int64(x)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
		_, err := chromedp.Call(ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{
			Type: typ, Key: key, Code: code, WindowsVirtualKeyCode: keyCode, NativeVirtualKeyCode: keyCode, Modifiers: m,
		})
		if err != nil {
			b.t.Fatal(err)
		}
	}
}

// noteRect returns a note's box on screen once it stays put: a note
// glides to a new place (a 90 ms transition) and the page draws on the
// next animation frame, so a box read at once may be where the note is
// leaving, and a click there misses it on a busy machine.
func (b *browser) noteRect(id string) (x, y, w, h float64) {
	b.t.Helper()
	r := eval[[]float64](b, fmt.Sprintf(`new Promise((resolve) => {
  const el = document.getElementById("note-%s");
  const read = () => { const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; };
  let last = read(), tries = 0;
  const step = () => {
    const now = read();
    if (now.every((v, i) => v === last[i]) || ++tries > 60) return resolve(now);
    last = now;
    requestAnimationFrame(() => requestAnimationFrame(step));
  };
  requestAnimationFrame(() => requestAnimationFrame(step));
})`, id), chromedp.EvalAwaitPromise)
	return r[0], r[1], r[2], r[3]
}

// drag presses the left button at (x0, y0), moves in steps to (x1, y1) and
// releases, as a person with a mouse does.
func (b *browser) drag(x0, y0, x1, y1 float64, opts ...chromedp.MouseOption) {
	b.t.Helper()
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MouseMoved, x0, y0)}
	down := append([]chromedp.MouseOption{chromedp.ButtonLeft, chromedp.ClickCount(1)}, opts...)
	steps = append(steps, chromedp.MouseEvent(chromedp.MousePressed, x0, y0, down...))
	for i := 1; i <= 8; i++ {
		f := float64(i) / 8
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, x0+(x1-x0)*f, y0+(y1-y0)*f, chromedp.ButtonLeft), chromedp.Sleep(20*time.Millisecond))
	}
	steps = append(steps, chromedp.MouseEvent(chromedp.MouseReleased, x1, y1, down...))
	b.do(steps...)
}

// screenshot saves a PNG of the page into dir.
func (b *browser) screenshot(dir, name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func mustCreate(t testing.TB, base, title string) string {
	t.Helper()
	return mustCreateBoard(t, base, title).facilitate()
}
