package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/wsclient"
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
		contentType              string
		status                   int
		code                     string // the error's code; for a 201, the title the board got
	}{
		// The title is optional, and so is the body that holds it.
		{"empty body", "POST", "/api/boards", "", "", 201, "Untitled board"},
		{"only whitespace", "POST", "/api/boards", " \r\n\t ", "", 201, "Untitled board"},
		{"JSON with no body", "POST", "/api/boards", "", "application/json", 201, "Untitled board"},
		{"no title", "POST", "/api/boards", `{}`, "application/json", 201, "Untitled board"},
		{"unknown board", "GET", "/api/boards/" + board.NewID(), "", "", 404, board.ENotFound},
		{"malformed id", "GET", "/api/boards/..%2f..%2fetc", "", "", 404, board.ENotFound},
		{"malformed JSON", "POST", "/api/boards", `{"title":`, "", 400, board.EInvalid},
		{"trailing data", "POST", "/api/boards", `{"title":"x"} {"title":"y"}`, "", 400, board.EInvalid},
		{"unknown field", "POST", "/api/boards", `{"title":"x","admin":true}`, "", 400, board.EInvalid},
		{"wrong type", "POST", "/api/boards", `{"title":7}`, "", 400, board.EInvalid},
		{"title too long", "POST", "/api/boards", `{"title":"` + strings.Repeat("t", 201) + `"}`, "", 413, board.ETooLarge},
		{"control character", "POST", "/api/boards", `{"title":"a\u0007"}`, "", 400, board.EInvalid},
		{"body too large", "POST", "/api/boards", `{"title":"` + strings.Repeat("t", 70<<10) + `"}`, "", 413, board.ETooLarge},
		{"unknown API path", "GET", "/api/nothing", "", "", 404, board.ENotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if tt.status == http.StatusCreated {
				var b boardCreated
				json.NewDecoder(resp.Body).Decode(&b)
				if resp.StatusCode != tt.status || b.Title != tt.code || !board.ValidID(b.ID) || resp.Header.Get("Location") != "/api/boards/"+b.ID {
					t.Errorf("got %d %+v (Location %q), want %d and the title %q", resp.StatusCode, b, resp.Header.Get("Location"), tt.status, tt.code)
				}
				return
			}
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

// TestBoardPageConfig: the board page hands its script the board as
// boardFromJSON (assets/state.js) reads it: the very JSON of GET
// /api/boards/{id}, notes and all, and markup in a note stays text inside
// the config's script element.
func TestBoardPageConfig(t *testing.T) {
	const payload = `</script><script>alert(1)</script>`
	srv := mustTestServer(t)
	for _, tt := range []struct {
		name  string
		ops   []board.Op
		texts []string // the notes' texts, bottom to top
	}{
		{"empty board", nil, []string{}},
		{"notes, a tombstone and markup", []board.Op{
			{Kind: board.KindCreate, Note: &board.NewNote{ID: "00000000-0000-4000-8000-000000000001", X: ptr(10.0), Y: ptr(20.0), Text: ptr(payload)}},
			{Kind: board.KindCreate, Note: &board.NewNote{ID: "00000000-0000-4000-8000-000000000002", X: ptr(300.0), Y: ptr(20.0), Text: ptr("plain"), Color: ptr("blue")}},
			{Kind: board.KindCreate, Note: &board.NewNote{ID: "00000000-0000-4000-8000-000000000003", X: ptr(600.0), Y: ptr(20.0)}},
			{Kind: board.KindDelete, ID: "00000000-0000-4000-8000-000000000003"},
		}, []string{payload, "plain"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id := mustCreateBoard(t, srv.URL, tt.name).ID
			mustApply(t, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws/"+id, tt.ops)

			page := mustGet(t, srv.URL+"/b/"+id)
			const open = `<script id="board-config" type="application/json">`
			_, rest, ok := strings.Cut(page, open)
			if !ok {
				t.Fatalf("no %s in the page:\n%s", open, page)
			}
			raw, _, _ := strings.Cut(rest, "</script>")
			if strings.Contains(strings.ToLower(raw), "<script") || strings.Contains(raw, "<!--") {
				t.Errorf("markup in the config can break out of its element:\n%s", raw)
			}
			var cfg struct {
				BoardID string          `json:"boardId"`
				Board   json.RawMessage `json:"board"`
			}
			if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
				t.Fatalf("config is not JSON (cut short by a note's text?): %v\n%s", err, raw)
			}
			if cfg.BoardID != id {
				t.Errorf("boardId %q, want %q", cfg.BoardID, id)
			}

			// The same JSON as the API's, value for value.
			var got, want any
			json.Unmarshal(cfg.Board, &got)
			json.Unmarshal([]byte(mustGet(t, srv.URL+"/api/boards/"+id)), &want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("page config board:\n%s\nwant the API's:\n%v", cfg.Board, want)
			}

			var b struct {
				Version uint64
				Notes   []board.Note
				Deleted []string
			}
			if err := json.Unmarshal(cfg.Board, &b); err != nil {
				t.Fatal(err)
			}
			texts := []string{}
			for _, n := range b.Notes {
				texts = append(texts, n.Text)
				if n.AuthorID == "" || n.Author != "Ada" || n.CreatedAt.IsZero() || n.UpdatedAt.IsZero() {
					t.Errorf("note %+v: want its author, author id and times", n)
				}
			}
			if b.Notes == nil || !slices.Equal(texts, tt.texts) || b.Version != uint64(len(tt.ops)) || b.Deleted != nil {
				t.Errorf("config board has version %d, notes %q, tombstones %q; want version %d, notes %q, no tombstones", b.Version, texts, b.Deleted, len(tt.ops), tt.texts)
			}
		})
	}
}

// mustApply sends ops to a board over its WebSocket, as a participant
// named Ada, and waits until the server has acknowledged them all.
func mustApply(t *testing.T, wsURL string, ops []board.Op) {
	t.Helper()
	if len(ops) == 0 {
		return
	}
	c, _, err := wsclient.Dial(context.Background(), wsURL, wsclient.Hello{Client: "api-test", Name: "Ada", Participant: wsclient.NewParticipant()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, op := range ops {
		if _, err := c.SendOp(op); err != nil {
			t.Fatal(err)
		}
	}
	c.WS.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		msgs, err := c.Read()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			switch {
			case m.Type == "reject" || m.Type == "error":
				t.Fatalf("%s %d: %s", m.Type, m.Seq, m.Message)
			case m.Type == "ack" && m.Seq == c.Seq():
				return
			}
		}
	}
}

func mustGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	return string(body)
}

func ptr[T any](v T) *T { return &v }
