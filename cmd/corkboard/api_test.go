package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path"
	"reflect"
	"regexp"
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
	link := created.facilitate()
	if !board.ValidID(created.ID) || created.URL != srv.URL+"/b/"+link ||
		created.WebSocket != "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws/"+link {
		t.Errorf("created %+v", created)
	}
	// Three links, each its own, none of them the board's id.
	seen := map[string]bool{created.ID: true}
	for _, role := range board.Roles {
		l := created.Links[role]
		if !strings.HasPrefix(l.URL, srv.URL+"/b/") || path.Base(l.URL) != path.Base(l.WebSocket) || seen[path.Base(l.URL)] {
			t.Errorf("%s link %+v", role, l)
		}
		seen[path.Base(l.URL)] = true
	}
	if created.Links[board.RoleFacilitate].URL != created.URL {
		t.Errorf("the top-level url is not the facilitate link's")
	}

	resp, err := http.Get(srv.URL + "/api/boards/" + link)
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
	if resp.StatusCode != 200 || got.ID != "" || got.Title != `Retro "week 48" <b>` || got.Notes == nil {
		t.Errorf("GET: %d %+v", resp.StatusCode, got)
	}

	for _, tt := range []struct {
		name, method, path, body string
		contentType              string
		status                   int
		code                     string // the error's code; for a 201, the title the board got
	}{
		// The title is optional, and so is the body that holds it; but
		// the request must say it is JSON (below).
		{"empty body", "POST", "/api/boards", "", "", 400, board.EInvalid},
		{"only whitespace", "POST", "/api/boards", " \r\n\t ", "application/json", 201, "Untitled board"},
		{"JSON with no body", "POST", "/api/boards", "", "application/json", 201, "Untitled board"},
		{"no title", "POST", "/api/boards", `{}`, "application/json", 201, "Untitled board"},
		{"unknown board", "GET", "/api/boards/" + board.NewID(), "", "", 404, board.ENotFound},
		{"malformed id", "GET", "/api/boards/..%2f..%2fetc", "", "", 404, board.ENotFound},
		{"malformed JSON", "POST", "/api/boards", `{"title":`, "application/json", 400, board.EInvalid},
		{"trailing data", "POST", "/api/boards", `{"title":"x"} {"title":"y"}`, "application/json", 400, board.EInvalid},
		{"unknown field", "POST", "/api/boards", `{"title":"x","admin":true}`, "application/json", 400, board.EInvalid},
		{"wrong type", "POST", "/api/boards", `{"title":7}`, "application/json", 400, board.EInvalid},
		{"title too long", "POST", "/api/boards", `{"title":"` + strings.Repeat("t", 201) + `"}`, "application/json", 413, board.ETooLarge},
		{"control character", "POST", "/api/boards", `{"title":"a\u0007"}`, "application/json", 400, board.EInvalid},
		{"body too large", "POST", "/api/boards", `{"title":"` + strings.Repeat("t", 70<<10) + `"}`, "application/json", 413, board.ETooLarge},
		{"unknown API path", "GET", "/api/nothing", "", "", 404, board.ENotFound},
		// Not JSON: what another site's form can send, refused.
		{"no content type", "POST", "/api/boards", `{"title":"x"}`, "", 400, board.EInvalid},
		{"plain text", "POST", "/api/boards", `{"title":"x"}`, "text/plain", 400, board.EInvalid},
		{"a form", "POST", "/api/boards", `title=x`, "application/x-www-form-urlencoded", 400, board.EInvalid},
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
				if resp.StatusCode != tt.status || b.Title != tt.code || !board.ValidID(b.ID) || resp.Header.Get("Location") != "/api/boards/"+path.Base(b.URL) {
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
	status, body, h := get("/b/" + created.facilitate())
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
		{"a lesson running", []board.Op{
			{Kind: board.KindCreate, Note: &board.NewNote{ID: "00000000-0000-4000-8000-000000000001", X: ptr(10.0), Y: ptr(20.0), Text: ptr("plain")}},
			{Kind: board.KindVoteStart, Voting: &board.Voting{Votes: 3, PerNote: 1}},
			{Kind: board.KindVote, ID: "00000000-0000-4000-8000-000000000001"},
			{Kind: board.KindStopAdd, Stop: &board.Stop{ID: "00000000-0000-4000-8000-000000000101", Name: "Start", W: 1600, H: 900}},
			{Kind: board.KindTimerStart, Seconds: 300},
			{Kind: board.KindHide},
			{Kind: board.KindCreate, Note: &board.NewNote{ID: "00000000-0000-4000-8000-000000000002", X: ptr(300.0), Y: ptr(20.0), Text: ptr("secret")}},
			{Kind: board.KindLock},
		}, []string{"plain", ""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			created := mustCreateBoard(t, srv.URL, tt.name)
			id := created.facilitate()
			mustApply(t, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws/"+id, tt.ops)

			page := mustGet(t, srv.URL+"/b/"+id)
			// Links lead to boards, and the page never learns the id.
			if created.ID == "" || created.ID == id || strings.Contains(page, created.ID) {
				t.Errorf("board id %q, link %q: want an id of its own that is not in the page", created.ID, id)
			}
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
				Link  string          `json:"link"`
				Role  string          `json:"role"`
				Board json.RawMessage `json:"board"`
			}
			if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
				t.Fatalf("config is not JSON (cut short by a note's text?): %v\n%s", err, raw)
			}
			if cfg.Link != id || cfg.Role != "facilitate" {
				t.Errorf("link %q, role %q; want the facilitate link %q", cfg.Link, cfg.Role, id)
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

// While the board is private, a note's text is its author's alone: no
// link's page or API gives it away, the facilitator's neither (the
// projector shows the facilitator's page). After the reveal every page has
// it.
func TestPrivateTextInPages(t *testing.T) {
	srv := mustTestServer(t)
	created := mustCreateBoard(t, srv.URL, "Write first")
	const secret = "S3CR3T-ANSWER"
	mustApply(t, created.WebSocket, []board.Op{{Kind: board.KindHide}})
	mustApply(t, created.Links[board.RoleEdit].WebSocket, []board.Op{{Kind: board.KindCreate,
		Note: &board.NewNote{ID: "00000000-0000-4000-8000-00000000000a", X: ptr(0.0), Y: ptr(0.0), Text: ptr(secret)}}})
	pages := func() map[string]string {
		got := map[string]string{}
		for role, l := range created.Links {
			got[string(role)+" page"] = mustGet(t, l.URL)
			got[string(role)+" API"] = mustGet(t, srv.URL+"/api/boards/"+path.Base(l.URL))
		}
		return got
	}
	for name, body := range pages() {
		if strings.Contains(body, secret) {
			t.Errorf("the %s gives away a private note's text", name)
		}
	}
	mustApply(t, created.WebSocket, []board.Op{{Kind: board.KindReveal}})
	for name, body := range pages() {
		if !strings.Contains(body, secret) {
			t.Errorf("the %s does not show the revealed text", name)
		}
	}
}

// Every link exports the board in every format, as a download named after
// the board, without a private note's text; the JSON export imports into
// a new board that exports the same; a bad file creates nothing.
func TestExportAndImport(t *testing.T) {
	srv := mustTestServer(t)
	created := mustCreateBoard(t, srv.URL, "Retro: week 48")
	const secret = "S3CR3T-ANSWER"
	mustApply(t, created.WebSocket, []board.Op{
		{Kind: board.KindCreate, Note: &board.NewNote{ID: "00000000-0000-4000-8000-00000000000a", X: ptr(0.0), Y: ptr(0.0), Text: ptr(`<script>alert(1)</script> =1+1 åäö`)}},
		{Kind: board.KindHide},
	})
	mustApply(t, created.Links[board.RoleEdit].WebSocket, []board.Op{{Kind: board.KindCreate,
		Note: &board.NewNote{ID: "00000000-0000-4000-8000-00000000000b", X: ptr(300.0), Y: ptr(0.0), Text: ptr(secret)}}})
	for _, role := range board.Roles {
		for _, format := range []string{"json", "csv", "md", "svg", "png", "pdf"} {
			url := created.Links[role].URL + "/export." + format
			resp, err := http.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") == "" ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), `attachment; filename=Retro-week-48`) {
				t.Errorf("%s export.%s: %d %q %q", role, format, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
			}
			if strings.Contains(string(body), secret) {
				t.Errorf("%s export.%s gives away a private note's text", role, format)
			}
			if format == "svg" && (strings.Contains(string(body), "<script>") || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox")) {
				t.Errorf("the SVG export holds live markup, or is served without a sandbox")
			}
		}
	}
	if resp, err := http.Get(created.URL + "/export.exe"); err != nil || resp.StatusCode != 404 {
		t.Errorf("an unknown format: %v %v", resp.StatusCode, err)
	}

	exported := mustGet(t, created.URL+"/export.json")
	resp, err := http.Post(srv.URL+"/api/boards/import", "application/json", strings.NewReader(exported))
	if err != nil {
		t.Fatal(err)
	}
	var imported boardCreated
	json.NewDecoder(resp.Body).Decode(&imported)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || imported.URL == "" || imported.URL == created.URL {
		t.Fatalf("import: %d %+v", resp.StatusCode, imported)
	}
	// The same board, but for its version: a new board's log begins at 0.
	atZero := regexp.MustCompile(`"version": \d+`).ReplaceAllString(exported, `"version": 0`)
	if again := mustGet(t, imported.URL+"/export.json"); again != atZero {
		t.Errorf("the imported board exports\n%s\nnot\n%s", again, atZero)
	}
	for _, bad := range []string{"", "{", `{"format":"corkboard-board","schema":99}`, strings.Repeat(" ", 9<<20)} {
		resp, err := http.Post(srv.URL+"/api/boards/import", "application/json", strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		var body apiError
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode/100 != 4 || body.Error.Message == "" {
			t.Errorf("importing %.20q: %d %+v", bad, resp.StatusCode, body)
		}
	}
}

// A board made from a template starts with its columns, named in the
// language asked for; an unknown template is refused and makes nothing.
func TestCreateFromTemplate(t *testing.T) {
	srv := mustTestServer(t)
	status, body := do(t, "POST", srv.URL+"/api/boards", `{"title":"Retro","template":"retro","lang":"sv"}`)
	var created boardCreated
	json.Unmarshal(body, &created)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	b := mustGet(t, srv.URL+"/api/boards/"+created.facilitate())
	if !strings.Contains(b, `"name":"Gick bra"`) || !strings.Contains(b, `"name":"Att göra"`) {
		t.Errorf("the board: %s", b)
	}
	if status, body := do(t, "POST", srv.URL+"/api/boards", `{"template":"nonesuch"}`); status != http.StatusBadRequest || !strings.Contains(string(body), "retro") {
		t.Errorf("an unknown template: %d %s", status, body)
	}
}
