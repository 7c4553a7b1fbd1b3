package assets

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"corkboard/board"
)

var update = flag.Bool("update", false, "write testdata/moderation.json again")

// stream is what one person's page is sent while a board is moderated:
// the board at the start, as the server shows it to them, each op message
// in order, the board they must hold at some versions on the way
// (board.ViewFor), and at the end.
// state.test.mjs applies the messages with applyOp and compares.
type stream struct {
	Name        string                     `json:"name"`
	Participant string                     `json:"participant"`
	Facilitator bool                       `json:"facilitator"`
	Start       json.RawMessage            `json:"start"`
	Messages    []json.RawMessage          `json:"messages"`
	Checks      map[uint64]json.RawMessage `json:"checks"`
	Want        json.RawMessage            `json:"want"`
}

// opMessage is an op message as sync sends it (sync.Entry without what
// is stored only).
type opMessage struct {
	Version  uint64     `json:"version"`
	At       time.Time  `json:"at"`
	Author   string     `json:"author,omitempty"`
	AuthorID string     `json:"authorId,omitempty"`
	Role     board.Role `json:"role,omitempty"`
	Client   string     `json:"client,omitempty"`
	Seq      uint64     `json:"seq,omitempty"`
	Op       board.Op   `json:"op"`
}

const (
	streamTeacher = "TTTTTTTTTTTTTTTT"
	streamAda     = "AAAAAAAAAAAAAAAA"
	streamBo      = "BBBBBBBBBBBBBBBB"
)

// TestModerationStreams runs a moderated lesson through the server's
// board (Prepare, Withhold, Apply, as a room does) and keeps, for a
// teacher, two students and a page without a participant, what each is
// sent and the board each must end with, in testdata/moderation.json:
// state.test.mjs checks that the page's applyOp, given those messages,
// holds exactly that board. The file must be what the server gives now
// (go test ./assets -update writes it again).
func TestModerationStreams(t *testing.T) {
	people := map[string]struct {
		name string
		role board.Role
	}{
		streamTeacher: {"Ms Berg", board.RoleFacilitate},
		streamAda:     {"Ada", board.RoleEdit},
		streamBo:      {"Bo", board.RoleEdit},
	}
	steps := []struct {
		who  string
		op   string
		fail bool // refused: nobody is sent anything
		// check keeps the board each person must hold after the step.
		check bool
	}{
		{streamTeacher, `{"kind":"moderate","moderation":{"approval":true,"filter":{"mode":"mask","words":["frog*","toad"]}}}`, false, false},
		{streamTeacher, `{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000a1","x":0,"y":0,"text":"What did we learn?"}}`, false, false},
		{streamAda, `{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000b1","x":10,"y":0,"text":"Frogs are great"}}`, false, false},
		{streamBo, `{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000c1","x":20,"y":0,"text":"Bo's"}}`, false, false},
		{streamAda, `{"kind":"update","id":"00000000-0000-4000-8000-0000000000b1","set":{"x":300}}`, false, false},
		{streamAda, `{"kind":"update","id":"00000000-0000-4000-8000-0000000000b1","set":{"text":"Frogs and a toad"}}`, false, true},
		{streamBo, `{"kind":"update","id":"00000000-0000-4000-8000-0000000000b1","set":{"x":1}}`, true, false},
		{streamTeacher, `{"kind":"update","id":"00000000-0000-4000-8000-0000000000c1","set":{"x":1}}`, true, false},
		{streamBo, `{"kind":"batch","ops":[{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000c2","x":0,"y":200}},{"kind":"update","id":"00000000-0000-4000-8000-0000000000a1","set":{"color":"blue"}},{"kind":"update","id":"00000000-0000-4000-8000-0000000000c1","set":{"y":50}}]}`, false, true},
		{streamTeacher, `{"kind":"approve","id":"00000000-0000-4000-8000-0000000000b1"}`, false, true},
		{streamBo, `{"kind":"update","id":"00000000-0000-4000-8000-0000000000b1","set":{"text":"toad!"}}`, false, false},
		{streamTeacher, `{"kind":"reject","id":"00000000-0000-4000-8000-0000000000c1"}`, false, false},
		{streamAda, `{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000b2","x":0,"y":400,"text":"Ada again"}}`, false, false},
		{streamTeacher, `{"kind":"approve"}`, false, false},
		{streamBo, `{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000c3","x":0,"y":600,"text":"Bo again"}}`, false, false},
		{streamBo, `{"kind":"delete","id":"00000000-0000-4000-8000-0000000000c3"}`, false, false},
		{streamAda, `{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000b3","x":0,"y":800,"text":"a toad"}}`, false, true},
		{streamTeacher, `{"kind":"reject"}`, false, false},
		{streamTeacher, `{"kind":"hide"}`, false, false},
		{streamAda, `{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000b4","x":400,"y":0,"text":"secret frog"}}`, false, false},
		{streamBo, `{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000c4","x":400,"y":200,"text":"Bo's secret"}}`, false, true},
		{streamTeacher, `{"kind":"approve","id":"00000000-0000-4000-8000-0000000000b4"}`, false, false},
		{streamTeacher, `{"kind":"reveal"}`, false, true},
		{streamTeacher, `{"kind":"vote-start","voting":{"votes":2,"perNote":1}}`, false, false},
		{streamAda, `{"kind":"vote","id":"00000000-0000-4000-8000-0000000000b4"}`, false, false},
		{streamBo, `{"kind":"vote","id":"00000000-0000-4000-8000-0000000000c4"}`, true, false},
		{streamTeacher, `{"kind":"moderate","moderation":{"ownNotes":true,"closed":true,"filter":{"mode":"refuse","defaults":true,"words":["toad"]}}}`, false, false},
		{streamBo, `{"kind":"update","id":"00000000-0000-4000-8000-0000000000a1","set":{"x":9}}`, true, false},
		{streamBo, `{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000c5","x":0,"y":0}}`, true, false},
		{streamBo, `{"kind":"update","id":"00000000-0000-4000-8000-0000000000c4","set":{"text":"a toad"}}`, true, false},
		{streamBo, `{"kind":"update","id":"00000000-0000-4000-8000-0000000000c4","set":{"text":"approve me"}}`, false, true},
		{streamTeacher, `{"kind":"approve"}`, false, false},
		{streamTeacher, `{"kind":"moderate","moderation":{}}`, false, false},
		// Stacks, the trash and whose names show.
		{streamTeacher, `{"kind":"vote-clear"}`, false, false},
		{streamAda, `{"kind":"update","id":"00000000-0000-4000-8000-0000000000b4","set":{"stack":"00000000-0000-4000-8000-0000000000a1"}}`, false, true},
		{streamBo, `{"kind":"update","id":"00000000-0000-4000-8000-0000000000c4","set":{"stack":"00000000-0000-4000-8000-0000000000a1"}}`, false, false},
		{streamBo, `{"kind":"update","id":"00000000-0000-4000-8000-0000000000c2","set":{"stack":"00000000-0000-4000-8000-0000000000b4"}}`, true, false},
		{streamTeacher, `{"kind":"update","id":"00000000-0000-4000-8000-0000000000a1","set":{"x":700,"y":700}}`, false, false},
		{streamTeacher, `{"kind":"delete","id":"00000000-0000-4000-8000-0000000000a1"}`, false, true},
		{streamTeacher, `{"kind":"undelete","id":"00000000-0000-4000-8000-0000000000a1"}`, false, true},
		{streamTeacher, `{"kind":"moderate","moderation":{"names":"staff"}}`, false, true},
		{streamBo, `{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000c6","x":0,"y":900,"text":"who wrote this?"}}`, false, true},
		{streamAda, `{"kind":"comment","id":"00000000-0000-4000-8000-0000000000c6","comment":{"id":"00000000-0000-4000-8000-0000000000f1","text":"not me"}}`, false, true},
		{streamTeacher, `{"kind":"moderate","moderation":{"names":"none"}}`, false, true},
		{streamAda, `{"kind":"create","note":{"id":"00000000-0000-4000-8000-0000000000b6","x":0,"y":1100,"text":"nameless"}}`, false, true},
		{streamAda, `{"kind":"delete","id":"00000000-0000-4000-8000-0000000000b6"}`, false, false},
		{streamTeacher, `{"kind":"undelete","id":"00000000-0000-4000-8000-0000000000b6"}`, false, true},
		{streamTeacher, `{"kind":"moderate","moderation":{"names":"staff"}}`, false, true},
		{streamTeacher, `{"kind":"moderate","moderation":{}}`, false, true},
	}
	audiences := []struct {
		name, participant string
		facilitator       bool
	}{
		{"teacher", streamTeacher, true}, {"ada", streamAda, false}, {"bo", streamBo, false}, {"page", "", false},
	}

	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	b := board.New(board.NewID(), "Moderated", t0)
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
		st := board.Stamp{Version: b.Version + 1, At: t0.Add(time.Duration(i+1) * time.Second), Author: p.name, AuthorID: s.who, Role: p.role, Client: p.name, Seq: uint64(i + 1)}
		if b.Moderation.Names == board.NamesNone {
			st.Author = "" // as a room stamps it
		}
		op, copies, err := board.Order(b, op, st, board.DefaultLimits)
		if (err != nil) != s.fail {
			t.Fatalf("step %d (%s): error %v, want one: %v", i+1, s.op, err, s.fail)
		}
		if err != nil {
			continue
		}
		for j, a := range audiences {
			m := opMessage{Version: st.Version, At: st.At, Author: st.Author, AuthorID: st.AuthorID, Role: st.Role, Client: st.Client, Seq: st.Seq, Op: op}
			if personal, ok := copies.PersonalFor(a.participant, a.facilitator); ok && a.participant != "" {
				m.Op = personal
				if a.participant != s.who && (a.facilitator && copies.StaffNameless || !a.facilitator && copies.OthersNameless) {
					m = opMessage{Version: m.Version, At: m.At, Role: m.Role, Op: m.Op}
				}
			} else if copies.Secret() && a.participant != s.who {
				// As sync's audience.go: facilitators get their copy,
				// everyone else theirs; a secret ballot without its voter.
				m.Op = copies.Others
				if a.facilitator {
					m.Op = copies.Staff
				}
				nameless := copies.OthersNameless
				if a.facilitator {
					nameless = copies.StaffNameless
				}
				switch {
				case copies.Anonymous:
					m = opMessage{Version: m.Version, At: m.At, Op: m.Op}
				case nameless:
					m = opMessage{Version: m.Version, At: m.At, Role: m.Role, Op: m.Op}
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
	file := filepath.Join("testdata", "moderation.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (go test ./assets -run TestModerationStreams -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what the server sends now: go test ./assets -run TestModerationStreams -update writes it again", file)
	}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
