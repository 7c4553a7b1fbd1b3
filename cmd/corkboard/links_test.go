package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/prometheus/client_golang/prometheus"

	"corkboard/board"
	boardsync "corkboard/sync"
)

// linkServer is a server with its log kept, for the tests of links.
type linkServer struct {
	*httptest.Server
	logs *logBuffer
}

func mustLinkServer(t *testing.T) linkServer {
	t.Helper()
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logWriter{logs}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	hub := boardsync.NewHub(boardsync.Config{Log: boardsync.NewMemLog(), Logger: log})
	srv := httptest.NewServer(NewServer(log, hub, prometheus.NewRegistry(), nil))
	t.Cleanup(func() {
		srv.Close()
	})
	return linkServer{srv, logs}
}

type logWriter struct{ b *logBuffer }

func (w logWriter) Write(p []byte) (int, error) { w.b.WriteString(string(p)); return len(p), nil }

// do makes a request and returns the status and body.
func do(t *testing.T, method, url, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// TestLinksMatrix asks every links endpoint with every role's link, a
// replaced link and a made-up one, and checks what each may do and see.
func TestLinksMatrix(t *testing.T) {
	srv := mustLinkServer(t)
	created := mustCreateBoard(t, srv.URL, "Class 7B")
	link := map[board.Role]string{}
	for _, r := range board.Roles {
		link[r] = path.Base(created.Links[r].URL)
	}
	// A view link that gets replaced below, and one that never was.
	replaced := link[board.RoleView]
	if code, body := do(t, "POST", srv.URL+"/api/boards/"+link[board.RoleFacilitate]+"/links/view", ""); code != 200 {
		t.Fatalf("replacing the view link: %d %s", code, body)
	}
	var after linksAnswer
	_, body := do(t, "GET", srv.URL+"/api/boards/"+link[board.RoleFacilitate]+"/links", "")
	json.Unmarshal(body, &after)
	link[board.RoleView] = path.Base(after.Links[board.RoleView].URL)
	if link[board.RoleView] == replaced {
		t.Fatal("the view link was not replaced")
	}

	for _, tt := range []struct {
		name     string
		link     func() string // at the time the row runs: the facilitate row replaces the edit link
		sees     []board.Role  // the links GET .../links shows
		share    bool          // may get the QR code and the projector page
		run      bool          // may replace links and change joining
		notFound bool
	}{
		{"facilitate", func() string { return link[board.RoleFacilitate] }, []board.Role{board.RoleFacilitate, board.RoleEdit, board.RoleView}, true, true, false},
		{"edit", func() string { return link[board.RoleEdit] }, []board.Role{board.RoleEdit, board.RoleView}, true, false, false},
		{"view", func() string { return link[board.RoleView] }, []board.Role{board.RoleView}, false, false, false},
		{"replaced", func() string { return replaced }, nil, false, false, true},
		{"made up", board.NewID, nil, false, false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.link()
			base := srv.URL + "/api/boards/" + l
			want := func(what string, got, ok, no int) {
				t.Helper()
				w := no
				if tt.notFound {
					w = 404
				} else if ok != 0 {
					w = ok
				}
				if got != w {
					t.Errorf("%s: %d, want %d", what, got, w)
				}
			}
			code, body := do(t, "GET", base, "")
			want("the board", code, 200, 200)
			code, body = do(t, "GET", base+"/links", "")
			want("the links", code, 200, 200)
			if code == 200 {
				var ans linksAnswer
				json.Unmarshal(body, &ans)
				for _, r := range board.Roles {
					if _, shown := ans.Links[r]; shown != contains(tt.sees, r) {
						t.Errorf("the %s link shown: %v", r, shown)
					}
				}
				if (ans.Join != nil) != tt.share {
					t.Errorf("join settings shown: %v", ans.Join != nil)
				}
			}
			okIf := func(b bool) int {
				if b {
					return 200
				}
				return 0
			}
			code, _ = do(t, "GET", srv.URL+"/b/"+l+"/qr.png", "")
			want("the QR code", code, okIf(tt.share), 403)
			code, _ = do(t, "GET", srv.URL+"/b/"+l+"/join-screen", "")
			want("the projector page", code, okIf(tt.share), 403)
			code, _ = do(t, "PUT", base+"/join", `{"on":true,"role":"edit"}`)
			want("turning joining on", code, okIf(tt.run), 403)
			code, _ = do(t, "POST", base+"/links/edit", "")
			want("replacing the edit link", code, okIf(tt.run), 403)
			code, _ = do(t, "GET", srv.URL+"/b/"+l, "")
			want("the page", code, 200, 200)
			if tt.run {
				// The facilitator just replaced the edit link; the rows
				// after this one keep the new one.
				_, body := do(t, "GET", base+"/links", "")
				var ans linksAnswer
				json.Unmarshal(body, &ans)
				link[board.RoleEdit] = path.Base(ans.Links[board.RoleEdit].URL)
			}
		})
	}
	for _, l := range []string{link[board.RoleFacilitate], link[board.RoleEdit], link[board.RoleView], replaced} {
		if strings.Contains(srv.logs.String(), l) {
			t.Errorf("a link is in the log:\n%s", srv.logs)
		}
	}
	if !strings.Contains(srv.logs.String(), "/api/boards/…/links") {
		t.Errorf("the access log does not show the requests:\n%.2000s", srv.logs)
	}
}

func contains(rs []board.Role, r board.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// TestQRCode: the QR code decodes to the join link the facilitator chose.
func TestQRCode(t *testing.T) {
	srv := mustLinkServer(t)
	created := mustCreateBoard(t, srv.URL, "QR")
	f := path.Base(created.URL)
	for _, role := range []board.Role{board.RoleEdit, board.RoleView} {
		if code, body := do(t, "PUT", srv.URL+"/api/boards/"+f+"/join", `{"on":true,"role":"`+string(role)+`"}`); code != 200 {
			t.Fatalf("%d %s", code, body)
		}
		_, png := do(t, "GET", srv.URL+"/b/"+f+"/qr.png", "")
		img, _, err := image.Decode(bytes.NewReader(png))
		if err != nil {
			t.Fatal(err)
		}
		bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
		res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.GetText(), created.Links[role].URL; got != want {
			t.Errorf("the QR code holds %q, want the %s link %q", got, role, want)
		}
	}
}

// TestJoinByCode: a code typed at /join leads to the join link, never the
// facilitate link; wrong codes are refused, and too many from one address
// are refused whatever they are.
func TestJoinByCode(t *testing.T) {
	srv := mustLinkServer(t)
	created := mustCreateBoard(t, srv.URL, "Join")
	f := path.Base(created.URL)
	_, body := do(t, "PUT", srv.URL+"/api/boards/"+f+"/join", `{"on":true,"role":"view"}`)
	var ans linksAnswer
	json.Unmarshal(body, &ans)
	if ans.Join == nil || len(ans.Join.Code) != 7 || ans.Join.Expires.IsZero() {
		t.Fatalf("join settings %+v", ans.Join)
	}
	post := func(code string) (int, string) {
		t.Helper()
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.PostForm(srv.URL+"/join", url.Values{"code": {code}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Location")
	}
	if code, loc := post(strings.ToLower(ans.Join.Code)); code != 303 || loc != "/b/"+path.Base(created.Links[board.RoleView].URL) {
		t.Errorf("the right code: %d %q, want 303 to the view link", code, loc)
	}
	// Nine more wrong guesses fit in the minute; then everything is refused.
	for i := range guessesPerMinute - 1 {
		if code, _ := post("AAAAAA"); code != 404 {
			t.Errorf("wrong guess %d: %d, want 404", i+1, code)
		}
	}
	if code, _ := post(ans.Join.Code); code != 429 {
		t.Errorf("a right code after too many guesses: %d, want 429", code)
	}
}

// TestGuessLimiter: each address has its own budget, which comes back as
// time passes.
func TestGuessLimiter(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	g := newGuessLimiter(func() time.Time { return now })
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	for i := range guessesPerMinute {
		if !g.allow(a) {
			t.Fatalf("guess %d refused", i+1)
		}
	}
	if g.allow(a) {
		t.Error("a guess past the budget was allowed")
	}
	if !g.allow(b) {
		t.Error("another address was refused")
	}
	now = now.Add(time.Minute / guessesPerMinute)
	if !g.allow(a) {
		t.Error("no guess allowed after its time came back")
	}
	if g.allow(a) {
		t.Error("two guesses allowed after one's time")
	}

	// The addresses of one IPv6 /64 are one client.
	for i := range guessesPerMinute {
		if !g.allow(netip.MustParseAddr(fmt.Sprintf("2001:db8::%x", i+1))) {
			t.Fatalf("guess %d from the /64 refused", i+1)
		}
	}
	if g.allow(netip.MustParseAddr("2001:db8::ffff")) || !g.allow(netip.MustParseAddr("2001:db8:0:1::1")) {
		t.Error("a /64 is not one client, or the next /64 is refused with it")
	}

	// Many clients together get no more than the server's budget.
	now = now.Add(time.Hour)
	allowed := 0
	for i := range 1000 {
		if g.allow(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})) {
			allowed++
		}
	}
	if allowed != serverGuessesPerMinute/4 {
		t.Errorf("1,000 clients got %d guesses at once; the server's burst is %d", allowed, serverGuessesPerMinute/4)
	}
}

// When joining gives the view link, the view link may show it (its QR
// code, the projector's join screen, the code) and nothing more; when
// joining gives the edit link, the view link shows nothing. A replaced
// join link takes its code with it.
func TestViewLinkShowsItsOwnJoin(t *testing.T) {
	srv := mustLinkServer(t)
	created := mustCreateBoard(t, srv.URL, "Lecture")
	view := path.Base(created.Links[board.RoleView].URL)
	for _, p := range []string{"/qr.png", "/join-screen"} {
		if code, _ := do(t, "GET", srv.URL+"/b/"+view+p, ""); code != http.StatusForbidden {
			t.Errorf("%s on the view link while joining gives the edit link: %d", p, code)
		}
	}
	if code, body := do(t, "PUT", srv.URL+"/api/boards/"+created.facilitate()+"/join", `{"on":true,"role":"view"}`); code != 200 {
		t.Fatalf("joining to view: %d %s", code, body)
	}
	for _, p := range []string{"/qr.png", "/join-screen"} {
		code, body := do(t, "GET", srv.URL+"/b/"+view+p, "")
		if code != 200 || bytes.Contains(body, []byte(path.Base(created.Links[board.RoleEdit].URL))) || bytes.Contains(body, []byte(created.facilitate())) {
			t.Errorf("%s on the view link while joining gives it: %d, or it names another link", p, code)
		}
	}
	code, body := do(t, "GET", srv.URL+"/api/boards/"+view+"/links", "")
	var ans struct {
		Links map[string]any
		Join  struct{ Role, Code string }
	}
	json.Unmarshal(body, &ans)
	if code != 200 || len(ans.Links) != 1 || ans.Join.Role != "view" || ans.Join.Code == "" {
		t.Errorf("the view link's links: %d %s", code, body)
	}
	// Replacing the view link draws a new code; the old one leads nowhere.
	old := ans.Join.Code
	if code, body := do(t, "POST", srv.URL+"/api/boards/"+created.facilitate()+"/links/view", ""); code != 200 {
		t.Fatalf("replacing the view link: %d %s", code, body)
	}
	if code, _ := do(t, "POST", srv.URL+"/api/join", `{"code":"`+old+`"}`); code != http.StatusNotFound {
		t.Errorf("the old code after its link was replaced: %d", code)
	}
}
