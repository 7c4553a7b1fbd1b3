package main

import (
	"encoding/json"
	"net/http"
	"path"
	"strings"
	"testing"

	"corkboard/board"
	boardsync "corkboard/sync"
)

// The history API, asked with every role's link: every link sees the
// history, a past board, replay's operations and past exports, and may
// copy; only editing links keep snapshots; bad requests name what is
// wrong and change nothing; a private note's text leaves in none of them.
func TestHistoryAPI(t *testing.T) {
	srv := mustLinkServer(t)
	created := mustCreateBoard(t, srv.URL, "Lesson 3")
	link := func(r board.Role) string { return path.Base(created.Links[r].URL) }
	api := func(r board.Role) string { return srv.URL + "/api/boards/" + link(r) }
	const secret = "S3CR3T-ANSWER"
	note := func(id, text string) board.Op {
		return board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: id, X: ptr(0.0), Y: ptr(0.0), Text: ptr(text)}}
	}
	mustApply(t, created.WebSocket, []board.Op{note("00000000-0000-4000-8000-00000000000a", "first note"), {Kind: board.KindHide}})
	mustApply(t, created.Links[board.RoleEdit].WebSocket, []board.Op{note("00000000-0000-4000-8000-00000000000b", secret)})

	// Keeping: editors and the facilitator; not a view link, nor a bad name.
	var kept boardsync.Kept
	for _, tt := range []struct {
		role   board.Role
		body   string
		status int
	}{
		{board.RoleView, `{"name":"Viewer's"}`, http.StatusForbidden},
		{board.RoleEdit, `{"name":""}`, http.StatusBadRequest},
		{board.RoleEdit, `{"name":"` + strings.Repeat("x", 101) + `"}`, http.StatusBadRequest},
		{board.RoleEdit, `{"name":"x","unknown":1}`, http.StatusBadRequest},
		{board.RoleEdit, `not json`, http.StatusBadRequest},
		{board.RoleEdit, `{"name":"  End of lesson 3 ","by":"Ada"}`, http.StatusCreated},
	} {
		status, body := do(t, "POST", api(tt.role)+"/history", tt.body)
		if status != tt.status {
			t.Errorf("%s keeping %s: %d %s, want %d", tt.role, tt.body, status, body, tt.status)
		}
		if status == http.StatusCreated {
			json.Unmarshal(body, &kept)
		} else if !strings.Contains(string(body), `"message":"`) {
			t.Errorf("%s keeping %s: no message in %s", tt.role, tt.body, body)
		}
	}
	if kept.Name != "End of lesson 3" || kept.By != "Ada" || kept.Version != 3 || kept.Notes != 2 {
		t.Fatalf("kept %+v", kept)
	}
	mustApply(t, created.WebSocket, []board.Op{{Kind: board.KindDelete, ID: "00000000-0000-4000-8000-00000000000a"}})

	for _, role := range board.Roles {
		status, body := do(t, "GET", api(role)+"/history", "")
		var h boardsync.BoardHistory
		json.Unmarshal(body, &h)
		if status != 200 || h.Start != 0 || h.Last != 4 || len(h.Snapshots) != 2 || h.Snapshots[0].ID != kept.ID {
			t.Errorf("%s history: %d %s", role, status, body)
		}
		// The board then, by version and by snapshot, and its exports.
		for _, q := range []string{"?version=1", "?version=3", "?snapshot=" + kept.ID} {
			status, body := do(t, "GET", api(role)+q, "")
			if status != 200 || !strings.Contains(string(body), "first note") || strings.Contains(string(body), secret) {
				t.Errorf("%s board %s: %d %s", role, q, status, body)
			}
			for _, f := range []string{"json", "md"} {
				status, body := do(t, "GET", created.Links[role].URL+"/export."+f+q, "")
				if status != 200 || !strings.Contains(string(body), "first note") || strings.Contains(string(body), secret) {
					t.Errorf("%s export.%s%s: %d %.200s", role, f, q, status, body)
				}
			}
		}
		if status, body := do(t, "GET", api(role)+"?version=0", ""); status != 200 || strings.Contains(string(body), "first note") {
			t.Errorf("%s board at version 0: %d %s", role, status, body)
		}
		status, body = do(t, "GET", api(role)+"/ops?after=0", "")
		var ops struct {
			After, Last uint64
			Ops         []json.RawMessage
		}
		json.Unmarshal(body, &ops)
		if status != 200 || ops.Last != 4 || len(ops.Ops) != 4 || strings.Contains(string(body), secret) {
			t.Errorf("%s ops: %d %s", role, status, body)
		}
	}
	for _, tt := range []struct{ path, code string }{
		{"?version=99", board.ENotFound},
		{"?version=-1", board.EInvalid},
		{"?version=x", board.EInvalid},
		{"?version=1&snapshot=" + kept.ID, board.EInvalid},
		{"?snapshot=nonesuch", board.ENotFound},
		{"/ops", board.EInvalid},
		{"/ops?after=1&limit=0", board.EInvalid},
		{"/ops?after=1&limit=x", board.EInvalid},
	} {
		status, body := do(t, "GET", api(board.RoleEdit)+tt.path, "")
		if !strings.Contains(string(body), `"code":"`+tt.code+`"`) || status < 400 {
			t.Errorf("GET %s: %d %s, want %s", tt.path, status, body, tt.code)
		}
	}
	if status, _ := do(t, "GET", created.Links[board.RoleView].URL+"/export.csv?version=77", ""); status != http.StatusNotFound {
		t.Errorf("exporting a version to come: %d", status)
	}

	// Copying the kept snapshot: a new board with what it held as anyone
	// saw it, the private note without its text.
	status, body := do(t, "POST", api(board.RoleView)+"/copy?snapshot="+kept.ID, "")
	var copied boardCreated
	json.Unmarshal(body, &copied)
	if status != http.StatusCreated || copied.ID == "" || copied.Title != "Copy of Lesson 3" {
		t.Fatalf("copy: %d %s", status, body)
	}
	b := mustGet(t, srv.URL+"/api/boards/"+copied.facilitate())
	if !strings.Contains(b, "first note") || strings.Contains(b, secret) {
		t.Errorf("the copy: %s", b)
	}
	// From another site: refused.
	req, _ := http.NewRequest("POST", api(board.RoleEdit)+"/copy", nil)
	req.Header.Set("Origin", "https://evil.example")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a copy asked from another site: %v %v", resp.Status, err)
	}
}
