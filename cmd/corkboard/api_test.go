package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"corkboard/board"
	boardsync "corkboard/sync"
)

func mustTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	hub := boardsync.NewHub(boardsync.Config{Log: boardsync.NewMemLog()})
	reg := prometheus.NewRegistry()
	if err := hub.Metrics().Register(reg); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewServer(slog.New(slog.DiscardHandler), hub, reg, nil))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hub.Shutdown(ctx)
		srv.Close()
	})
	return srv
}

func TestAPI(t *testing.T) {
	srv := mustTestServer(t)
	created := mustCreateBoard(t, srv.URL, `Retro "week 48" <b>`)
	if !board.ValidID(created.ID) || created.URL != srv.URL+"/b/"+created.ID ||
		created.WebSocket != "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws/"+created.ID {
		t.Errorf("created %+v", created)
	}

	resp, err := http.Get(srv.URL + "/api/boards/" + created.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		ID, Title string
		Version   uint64
		Notes     []board.Note
	}
	json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if resp.StatusCode != 200 || got.ID != created.ID || got.Title != `Retro "week 48" <b>` || got.Notes == nil {
		t.Errorf("GET: %d %+v", resp.StatusCode, got)
	}

	for _, tt := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"unknown board", "GET", "/api/boards/" + board.NewID(), "", 404, board.ENotFound},
		{"malformed id", "GET", "/api/boards/..%2f..%2fetc", "", 404, board.ENotFound},
		{"malformed JSON", "POST", "/api/boards", `{"title":`, 400, board.EInvalid},
		{"trailing data", "POST", "/api/boards", `{"title":"x"} {"title":"y"}`, 400, board.EInvalid},
		{"unknown field", "POST", "/api/boards", `{"title":"x","admin":true}`, 400, board.EInvalid},
		{"wrong type", "POST", "/api/boards", `{"title":7}`, 400, board.EInvalid},
		{"title too long", "POST", "/api/boards", `{"title":"` + strings.Repeat("t", 201) + `"}`, 413, board.ETooLarge},
		{"control character", "POST", "/api/boards", `{"title":"a\u0007"}`, 400, board.EInvalid},
		{"body too large", "POST", "/api/boards", `{"title":"` + strings.Repeat("t", 70<<10) + `"}`, 413, board.ETooLarge},
		{"unknown API path", "GET", "/api/nothing", "", 404, board.ENotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e apiError
			json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != tt.status || e.Error.Code != tt.code || e.Error.Message == "" {
				t.Errorf("got %d %+v, want %d %s", resp.StatusCode, e, tt.status, tt.code)
			}
		})
	}
}

func TestPages(t *testing.T) {
	srv := mustTestServer(t)
	created := mustCreateBoard(t, srv.URL, "<script>window.pwned=1</script>")
	get := func(path string) (int, string, http.Header) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), resp.Header
	}
	status, body, h := get("/b/" + created.ID)
	if status != 200 || strings.Contains(body, "<script>window.pwned") || !strings.Contains(body, "&lt;script&gt;window.pwned=1&lt;/script&gt;") {
		t.Errorf("board page: %d, title not escaped:\n%s", status, body)
	}
	if !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("no content security policy: %v", h)
	}
	for _, path := range []string{"/b/" + board.NewID(), "/b/not-a-board", "/nothing/here"} {
		if status, body, _ := get(path); status != 404 || !strings.Contains(body, "not found") {
			t.Errorf("%s: %d, want a 404 page", path, status)
		}
	}
	if status, body, _ := get("/"); status != 200 || !strings.Contains(body, "Create a board") {
		t.Errorf("home: %d", status)
	}
	if status, _, h := get("/assets/board.js"); status != 200 || h.Get("ETag") == "" {
		t.Errorf("asset: %d %v", status, h)
	}
	if status, _, _ := get("/assets/doc.go"); status != 404 {
		t.Errorf("source file served: %d", status)
	}
	if status, body, _ := get("/metrics"); status != 200 || !strings.Contains(body, "corkboard_ops_accepted_total 0") || !strings.Contains(body, `corkboard_ack_seconds_bucket{le="+Inf"} 0`) {
		t.Errorf("metrics: %d\n%s", status, body)
	}

	// The home page form creates a board and goes to it.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(srv.URL+"/boards", map[string][]string{"title": {"Class 7B"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/b/") || !board.ValidID(strings.TrimPrefix(loc, "/b/")) {
		t.Errorf("form: %d %q", resp.StatusCode, loc)
	}
}

func TestLanguage(t *testing.T) {
	srv := mustTestServer(t)
	get := func(path string, header map[string]string) (string, []*http.Cookie) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body), resp.Cookies()
	}
	for _, tt := range []struct {
		name   string
		path   string
		header map[string]string
		want   string
	}{
		{"default", "/", nil, `lang="en"`},
		{"Swedish browser", "/", map[string]string{"Accept-Language": "sv-SE,sv;q=0.9,en;q=0.8"}, `lang="sv"`},
		{"Finland Swedish", "/", map[string]string{"Accept-Language": "sv-FI"}, `lang="sv"`},
		{"first known wins", "/", map[string]string{"Accept-Language": "de-DE, sv;q=0.5"}, `lang="sv"`},
		{"unknown", "/", map[string]string{"Accept-Language": "fr"}, `lang="en"`},
		{"switch", "/?lang=sv", nil, `lang="sv"`},
		{"cookie wins over browser", "/", map[string]string{"Accept-Language": "sv", "Cookie": "lang=en"}, `lang="en"`},
		{"bad switch ignored", "/?lang=xx", map[string]string{"Accept-Language": "sv"}, `lang="sv"`},
		{"404 in Swedish", "/b/" + board.NewID(), map[string]string{"Accept-Language": "sv"}, "Tavlan finns inte"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := get(tt.path, tt.header)
			if !strings.Contains(body, tt.want) {
				t.Errorf("page does not contain %q", tt.want)
			}
		})
	}
	if _, cookies := get("/?lang=sv", nil); len(cookies) != 1 || cookies[0].Name != "lang" || cookies[0].Value != "sv" {
		t.Errorf("switching language set cookies %v, want lang=sv", cookies)
	}
}
