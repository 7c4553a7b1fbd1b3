package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/sync/wsclient"
	"corkboard/views"
)

// mustLifecycleServer is a server on a real database, deleting boards
// nobody opens for retentionDays (0: off).
func mustLifecycleServer(t *testing.T, retentionDays, historyDays int) (*httptest.Server, *boltstore.Store) {
	t.Helper()
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "corkboard.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hub := boardsync.NewHub(boardsync.Config{Log: store, RetentionDays: retentionDays})
	srv := httptest.NewServer(NewServer(slog.New(slog.DiscardHandler), hub, prometheus.NewRegistry(), &site{historyDays: historyDays}))
	t.Cleanup(func() {
		srv.Close()
		hub.Shutdown(context.Background())
		store.Close()
	})
	return srv, store
}

// Only the facilitate link deletes a board; everyone on it is closed with
// 4006; afterwards every link of it answers 410, a page saying so in the
// person's language, and the rest of the API the same.
func TestDeleteBoardOverHTTP(t *testing.T) {
	srv, store := mustLifecycleServer(t, 0, 0)
	created := mustCreateBoard(t, srv.URL, "Week 48")
	links := map[board.Role]string{}
	for r, a := range created.Links {
		links[r] = path.Base(a.URL)
	}
	other := mustCreateBoard(t, srv.URL, "Another")
	pupil, _, err := wsclient.Dial(context.Background(), created.Links[board.RoleEdit].WebSocket,
		wsclient.Hello{Client: "pupil", Name: "Bo", Participant: wsclient.NewParticipant()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pupil.Close()

	for _, tt := range []struct {
		name, link, origin string
		status             int
		code               string
	}{
		{"view link", links[board.RoleView], "", http.StatusForbidden, board.EForbidden},
		{"edit link", links[board.RoleEdit], "", http.StatusForbidden, board.EForbidden},
		{"made-up link", board.NewID(), "", http.StatusNotFound, board.ENotFound},
		{"another site", links[board.RoleFacilitate], "https://evil.example", http.StatusForbidden, board.EForbidden},
	} {
		status, body := deleteReq(t, srv.URL+"/api/boards/"+tt.link, tt.origin)
		if status != tt.status || apiCode(body) != tt.code {
			t.Errorf("%s: %d %s, want %d %s", tt.name, status, body, tt.status, tt.code)
		}
	}
	if status, body := deleteReq(t, srv.URL+"/api/boards/"+links[board.RoleEdit], ""); !strings.Contains(string(body), "Only the board's facilitator can delete it.") {
		t.Errorf("an editor is told %d %s", status, body)
	}
	status, body := deleteReq(t, srv.URL+"/api/boards/"+links[board.RoleFacilitate], srv.URL)
	var answer struct{ DeletedAt time.Time }
	if json.Unmarshal(body, &answer); status != http.StatusOK || answer.DeletedAt.IsZero() {
		t.Fatalf("deleting: %d %s", status, body)
	}
	if code := readCloseCode(t, pupil); code != boardsync.CloseDeleted {
		t.Errorf("the pupil's socket closed with %d, want %d", code, boardsync.CloseDeleted)
	}

	today := views.English().Date(answer.DeletedAt)
	for r, link := range links {
		for _, p := range []string{"/b/" + link, "/b/" + link + "/history", "/b/" + link + "/export.json"} {
			status, body := get(t, srv.URL+p, "")
			if status != http.StatusGone || !strings.Contains(body, "This board was deleted") || !strings.Contains(body, "deleted it on "+today) {
				t.Errorf("%s link, %s: %d\n%s", r, p, status, body)
			}
		}
		for _, p := range []string{"/api/boards/" + link, "/api/boards/" + link + "/links", "/api/boards/" + link + "/history"} {
			status, body := get(t, srv.URL+p, "")
			if status != http.StatusGone || apiCode([]byte(body)) != board.EGone {
				t.Errorf("%s link, %s: %d %s", r, p, status, body)
			}
		}
		_, resp, err := websocket.DefaultDialer.Dial(created.Links[r].WebSocket, nil)
		if err == nil || resp == nil || resp.StatusCode != http.StatusGone {
			t.Errorf("%s link's socket: %v %v", r, resp, err)
		}
	}
	if status, body := get(t, srv.URL+"/b/"+links[board.RoleView]+"?lang=sv", ""); status != http.StatusGone || !strings.Contains(body, "Tavlan har raderats") {
		t.Errorf("in Swedish: %d\n%s", status, body)
	}
	if status, body := deleteReq(t, srv.URL+"/api/boards/"+links[board.RoleFacilitate], ""); status != http.StatusGone || apiCode(body) != board.EGone {
		t.Errorf("deleting again: %d %s", status, body)
	}
	if status, _ := get(t, srv.URL+"/b/"+other.facilitate(), ""); status != http.StatusOK {
		t.Errorf("the other board: %d", status)
	}
	if _, err := store.Snapshot(context.Background(), created.ID); board.ErrorCode(err) != board.ENotFound {
		t.Errorf("the deleted board's snapshot: %v", err)
	}
}

// The board page offers "Delete board…" and the retention notice to the
// facilitator only; the home page and the board's menu link to the
// privacy page, which states the server's own settings.
func TestLifecyclePages(t *testing.T) {
	srv, _ := mustLifecycleServer(t, 90, 30)
	created := mustCreateBoard(t, srv.URL, "Week 48")
	due := views.English().Date(time.Now().UTC().AddDate(0, 0, 91))
	for r, a := range created.Links {
		_, page := get(t, a.URL, "")
		runs := r == board.RoleFacilitate
		for what, has := range map[string]bool{
			`id="delete-open"`:      runs,
			`id="delete-dialog"`:    runs,
			`id="retention-notice"`: runs,
			"deleted after 90 days without a visit. This one will be deleted on " + due: runs,
			`href="/privacy"`: true,
		} {
			if strings.Contains(page, what) != has {
				t.Errorf("%s page: has %q: %v, want %v", r, what, !has, has)
			}
		}
	}
	if _, home := get(t, srv.URL+"/", ""); !strings.Contains(home, `href="/privacy"`) {
		t.Error("the home page does not link to the privacy page")
	}
	for lang, wants := range map[string][]string{
		"en": {"Privacy and data", "nobody opens for 90 days", "older than 30 days"},
		"sv": {"Integritet och data", "ingen öppnar på 90 dagar", "äldre än 30 dagar"},
	} {
		status, page := get(t, srv.URL+"/privacy?lang="+lang, "")
		if status != http.StatusOK {
			t.Fatalf("%s: %d", lang, status)
		}
		for _, w := range wants {
			if !strings.Contains(page, w) {
				t.Errorf("the %s privacy page lacks %q", lang, w)
			}
		}
	}
	off, _ := mustLifecycleServer(t, 0, 0)
	if _, page := get(t, off.URL+"/privacy", ""); !strings.Contains(page, "deletes none for want of visits") || !strings.Contains(page, "keeps every change") {
		t.Error("the privacy page of a server that keeps everything does not say so")
	}
	if _, page := get(t, mustCreateBoard(t, off.URL, "Kept").URL, ""); strings.Contains(page, `id="retention-notice"`) {
		t.Error("a server that keeps every board shows the retention notice")
	}
}

// -retention-days and CORKBOARD_RETENTION_DAYS; `corkboard retention`
// deletes boards unopened for its -days, and -dry-run only counts them.
func TestRetentionSettings(t *testing.T) {
	for _, tt := range []struct {
		args []string
		env  string
		want int
		err  bool
	}{
		{nil, "", 0, false},
		{[]string{"-retention-days", "365"}, "", 365, false},
		{nil, "120", 120, false},
		{[]string{"-retention-days", "30"}, "120", 30, false},
		{[]string{"-retention-days", "-1"}, "", 0, true},
		{nil, "soon", 0, true},
	} {
		cfg, err := parseFlags(tt.args, func(k string) string {
			if k == "CORKBOARD_RETENTION_DAYS" {
				return tt.env
			}
			return ""
		}, io.Discard)
		if (err != nil) != tt.err || (err == nil && cfg.retentionDays != tt.want) {
			t.Errorf("%q env %q: %d %v", tt.args, tt.env, cfg.retentionDays, err)
		}
	}

	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "corkboard.db")
	store, err := boltstore.Open(db, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hub := boardsync.NewHub(boardsync.Config{Log: store})
	old, oldLinks, err := hub.CreateBoard(ctx, "Last year")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := hub.CreateBoard(ctx, "Never opened"); err != nil {
		t.Fatal(err)
	}
	if err := store.MarkOpened(ctx, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), old.ID); err != nil {
		t.Fatal(err)
	}
	hub.Shutdown(ctx)
	store.Close()

	retention := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(ctx, append([]string{"retention", "-db", db}, args...), nil, &out, io.Discard); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		return out.String()
	}
	if got := retention("-days", "30", "-dry-run"); !strings.Contains(got, "would delete 1 boards") || !strings.Contains(got, "1 never seen before") {
		t.Errorf("dry run: %s", got)
	}
	if got := retention("-days", "30"); !strings.Contains(got, "deleted 1 boards") {
		t.Errorf("retention: %s", got)
	}
	if got := retention("-days", "30"); !strings.Contains(got, "deleted 0 boards") || strings.Contains(got, "never seen") {
		t.Errorf("retention again: %s", got)
	}
	var out bytes.Buffer
	err = run(ctx, []string{"export", "-db", db, "-board", oldLinks.View}, nil, &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "deleted") {
		t.Errorf("exporting the deleted board: %v", err)
	}
	if err := run(ctx, []string{"retention", "-db", db}, nil, io.Discard, io.Discard); err == nil {
		t.Error("retention without -days: no error")
	}
}

func deleteReq(t *testing.T, url, origin string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, url, nil)
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func get(t *testing.T, url, lang string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func apiCode(body []byte) string {
	var e apiError
	json.Unmarshal(body, &e)
	return e.Error.Code
}

// readCloseCode reads until the server closes the socket.
func readCloseCode(t *testing.T, c *wsclient.Client) int {
	t.Helper()
	c.WS.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, err := c.Read(); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code
			}
			t.Fatalf("waiting for a close: %v", err)
		}
	}
}
