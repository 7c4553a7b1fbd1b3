package assets

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"corkboard/board"
)

// TestConversationStreams is TestModerationStreams for reactions, comments
// and columns: a lesson with reactions (shown, hidden, shown again),
// comment threads (private, waiting for approval, approved, rejected,
// deleted) and columns (added, renamed, moved with their notes, removed)
// goes through the server's board, and testdata/conversation.json keeps
// what a teacher, two students and a page without a participant are sent
// and the board each must hold. state.test.mjs applies it with applyOp.
func TestConversationStreams(t *testing.T) {
	const (
		n1, n2, n3 = "00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000a2", "00000000-0000-4000-8000-0000000000a3"
		c1, c2, c3 = "00000000-0000-4000-8000-0000000000c1", "00000000-0000-4000-8000-0000000000c2", "00000000-0000-4000-8000-0000000000c3"
		k1, k2, k3 = "00000000-0000-4000-8000-0000000000e1", "00000000-0000-4000-8000-0000000000e2", "00000000-0000-4000-8000-0000000000e3"
		k4, k5     = "00000000-0000-4000-8000-0000000000e4", "00000000-0000-4000-8000-0000000000e5"
	)
	steps := []streamStep{
		{streamTeacher, `{"kind":"column-add","column":{"id":"` + c1 + `","name":"Went well"}}`, false, false},
		{streamTeacher, `{"kind":"column-add","column":{"id":"` + c2 + `","name":"To improve"}}`, false, false},
		{streamTeacher, `{"kind":"column-add","column":{"id":"` + c3 + `","name":"Actions"}}`, false, false},
		{streamTeacher, `{"kind":"column-set","column":{"id":"` + c3 + `","name":"Next time"}}`, false, false},
		{streamAda, `{"kind":"create","note":{"id":"` + n1 + `","x":40,"y":80,"text":"Pair work"}}`, false, false},
		{streamBo, `{"kind":"create","note":{"id":"` + n2 + `","x":520,"y":80,"text":"Too fast"}}`, false, false},
		{streamTeacher, `{"kind":"create","note":{"id":"` + n3 + `","x":1000,"y":80,"text":"Slower"}}`, false, false},
		{streamAda, `{"kind":"react","id":"` + n2 + `","reaction":"like"}`, false, false},
		{streamBo, `{"kind":"react","id":"` + n2 + `","reaction":"like"}`, false, false},
		{streamBo, `{"kind":"react","id":"` + n2 + `","reaction":"like"}`, true, false},
		{streamAda, `{"kind":"react","id":"` + n1 + `","reaction":"idea"}`, false, false},
		{streamAda, `{"kind":"react","id":"` + n1 + `","reaction":"love"}`, false, true},
		{streamTeacher, `{"kind":"moderate","moderation":{"reactions":"hidden"}}`, false, true},
		{streamBo, `{"kind":"react","id":"` + n1 + `","reaction":"question"}`, false, false},
		{streamAda, `{"kind":"unreact","id":"` + n1 + `","reaction":"idea"}`, false, true},
		{streamTeacher, `{"kind":"moderate","moderation":{}}`, false, true},
		{streamTeacher, `{"kind":"moderate","moderation":{"reactions":"off"}}`, false, false},
		{streamAda, `{"kind":"react","id":"` + n3 + `","reaction":"like"}`, true, false},
		{streamTeacher, `{"kind":"moderate","moderation":{}}`, false, false},
		{streamBo, `{"kind":"comment","id":"` + n1 + `","comment":{"id":"` + k1 + `","text":"Me too"}}`, false, false},
		{streamAda, `{"kind":"comment","id":"` + n1 + `","comment":{"id":"` + k2 + `","text":"Thanks"}}`, false, true},
		{streamBo, `{"kind":"uncomment","id":"` + n1 + `","comment":{"id":"` + k2 + `"}}`, true, false},
		{streamTeacher, `{"kind":"hide"}`, false, false},
		{streamAda, `{"kind":"comment","id":"` + n2 + `","comment":{"id":"` + k3 + `","text":"secret"}}`, false, true},
		{streamTeacher, `{"kind":"reveal"}`, false, true},
		{streamTeacher, `{"kind":"moderate","moderation":{"approval":true}}`, false, false},
		{streamBo, `{"kind":"comment","id":"` + n3 + `","comment":{"id":"` + k4 + `","text":"Wait for me"}}`, false, false},
		{streamAda, `{"kind":"comment","id":"` + n3 + `","comment":{"id":"` + k5 + `","text":"Rejected soon"}}`, false, true},
		{streamTeacher, `{"kind":"approve","id":"` + k4 + `"}`, false, true},
		{streamTeacher, `{"kind":"reject","id":"` + k5 + `"}`, false, true},
		{streamTeacher, `{"kind":"uncomment","id":"` + n1 + `","comment":{"id":"` + k1 + `"}}`, false, false},
		{streamTeacher, `{"kind":"column-move","id":"` + c3 + `","index":0}`, false, true},
		{streamTeacher, `{"kind":"column-delete","id":"` + c2 + `"}`, true, false},
		{streamBo, `{"kind":"delete","id":"` + n2 + `"}`, false, false},
		{streamTeacher, `{"kind":"column-delete","id":"` + c1 + `"}`, true, false},
		{streamTeacher, `{"kind":"column-delete","id":"` + c2 + `"}`, false, true},
	}
	runStreams(t, "Retro", steps, filepath.Join("testdata", "conversation.json"))
}

// streamStep is one operation of a stream test: who sends it, whether the
// server refuses it (nobody is sent anything), and whether each person's
// board is kept after it.
type streamStep struct {
	who   string
	op    string
	fail  bool
	check bool
}

// runStreams runs steps through the server's board as a room does
// (Prepare, Withhold, Apply) and compares what each person is sent with
// file (or writes it with -update).
func runStreams(t *testing.T, title string, steps []streamStep, file string) {
	t.Helper()
	people := map[string]struct {
		name string
		role board.Role
	}{
		streamTeacher: {"Ms Berg", board.RoleFacilitate},
		streamAda:     {"Ada", board.RoleEdit},
		streamBo:      {"Bo", board.RoleEdit},
	}
	audiences := []struct {
		name, participant string
		facilitator       bool
	}{
		{"teacher", streamTeacher, true}, {"ada", streamAda, false}, {"bo", streamBo, false}, {"page", "", false},
	}
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	b := board.New(board.NewID(), title, t0)
	streams := make([]stream, len(audiences))
	for i, a := range audiences {
		streams[i] = stream{Name: a.name, Participant: a.participant, Facilitator: a.facilitator, Start: mustJSON(t, b.ViewFor(a.participant, a.facilitator)),
			Messages: []json.RawMessage{}, Checks: map[uint64]json.RawMessage{}}
	}
	for i, s := range steps {
		op, err := board.DecodeOp([]byte(s.op))
		if err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		p := people[s.who]
		// Some steps share a time, so comments keep their order by id.
		st := board.Stamp{Version: b.Version + 1, At: t0.Add(time.Duration(i/2+1) * time.Second), Author: p.name, AuthorID: s.who, Role: p.role, Client: p.name, Seq: uint64(i + 1)}
		op, copies, err := board.Order(b, op, st, board.DefaultLimits)
		if (err != nil) != s.fail {
			t.Fatalf("step %d (%s): error %v, want one: %v", i+1, s.op, err, s.fail)
		}
		if err != nil {
			continue
		}
		for j, a := range audiences {
			m := opMessage{Version: st.Version, At: st.At, Author: st.Author, AuthorID: st.AuthorID, Role: st.Role, Client: st.Client, Seq: st.Seq, Op: op}
			if copies.Secret() && a.participant != s.who {
				m.Op = copies.Others
				if a.facilitator {
					m.Op = copies.Staff
				}
				if copies.Anonymous {
					m = opMessage{Version: m.Version, At: m.At, Op: m.Op}
				}
			}
			streams[j].Messages = append(streams[j].Messages, mustJSON(t, m))
			if s.check {
				streams[j].Checks[b.Version] = mustJSON(t, b.ViewFor(a.participant, a.facilitator))
			}
		}
	}
	for i, a := range audiences {
		streams[i].Want = mustJSON(t, b.ViewFor(a.participant, a.facilitator))
	}
	got, err := json.MarshalIndent(streams, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (go test ./assets -run %s -update writes it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what the server sends now: go test ./assets -run %s -update writes it again", file, t.Name())
	}
}
