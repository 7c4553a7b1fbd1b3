package main

import (
	"encoding/json"
	"net/http"
	"path"
	"strings"
	"testing"

	"corkboard/board"
)

// The trash is a facilitator's: other links are refused with a message;
// the facilitator gets the deleted notes, newest first, without a private
// note's text.
func TestTrashAPI(t *testing.T) {
	srv := mustLinkServer(t)
	created := mustCreateBoard(t, srv.URL, "Retro")
	api := func(r board.Role) string {
		return srv.URL + "/api/boards/" + path.Base(created.Links[r].URL) + "/trash"
	}
	const a, b = "00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b"
	mustApply(t, created.WebSocket, []board.Op{
		{Kind: board.KindCreate, Note: &board.NewNote{ID: a, X: ptr(0.0), Y: ptr(0.0), Text: ptr("first")}},
		{Kind: board.KindHide},
		{Kind: board.KindCreate, Note: &board.NewNote{ID: b, X: ptr(0.0), Y: ptr(0.0), Text: ptr("S3CR3T")}},
		{Kind: board.KindDelete, ID: a},
		{Kind: board.KindDelete, ID: b},
	})
	for _, role := range []board.Role{board.RoleView, board.RoleEdit} {
		status, body := do(t, "GET", api(role), "")
		if status != http.StatusForbidden || !strings.Contains(string(body), `"message":"`) {
			t.Errorf("%s: %d %s", role, status, body)
		}
	}
	status, body := do(t, "GET", api(board.RoleFacilitate), "")
	if status != http.StatusOK || strings.Contains(string(body), "S3CR3T") {
		t.Fatalf("facilitator: %d %s", status, body)
	}
	var got struct{ Trash []board.Trashed }
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Trash) != 2 || got.Trash[0].Note.ID != b || got.Trash[1].Note.Text != "first" || got.Trash[1].DeletedBy != "Ada" {
		t.Errorf("trash %+v", got.Trash)
	}
	if status, _ := do(t, "GET", srv.URL+"/api/boards/nosuchlink/trash", ""); status != http.StatusNotFound {
		t.Errorf("an unknown link: %d", status)
	}
}

// Names shown to facilitators only: a facilitator's link exports them,
// others' do not.
func TestNamesInExports(t *testing.T) {
	srv := mustLinkServer(t)
	created := mustCreateBoard(t, srv.URL, "Retro")
	mustApply(t, created.WebSocket, []board.Op{{Kind: board.KindModerate, Moderation: &board.Moderation{Names: board.NamesStaff}}})
	mustApply(t, created.Links[board.RoleEdit].WebSocket, []board.Op{
		{Kind: board.KindCreate, Note: &board.NewNote{ID: "00000000-0000-4000-8000-00000000000a", X: ptr(0.0), Y: ptr(0.0), Text: ptr("hi")}},
	})
	for _, file := range []string{"export.csv", "export.json", "export.md"} {
		for _, role := range board.Roles {
			body := mustGet(t, srv.URL+"/b/"+path.Base(created.Links[role].URL)+"/"+file)
			if has := strings.Contains(body, "Ada"); has != (role == board.RoleFacilitate) {
				t.Errorf("%s from a %s link holds the author's name: %v", file, role, has)
			}
		}
	}
	body := mustGet(t, srv.URL+"/api/boards/"+path.Base(created.Links[board.RoleEdit].URL))
	if strings.Contains(body, "Ada") || strings.Contains(body, "authorId") {
		t.Errorf("the API to an edit link names the author: %s", body)
	}
}
