package board_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"corkboard/board"
)

const (
	idA = "00000000-0000-4000-8000-00000000000a"
	idB = "00000000-0000-4000-8000-00000000000b"
	idC = "00000000-0000-4000-8000-00000000000c"
)

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// mustBoard returns a board holding notes A (yellow at 10,20) and B (blue at 300,20).
func mustBoard(t *testing.T) *board.Board {
	t.Helper()
	b := board.New(board.NewID(), "Retro", t0)
	for i, src := range []string{
		`{"kind":"create","note":{"id":"` + idA + `","x":10,"y":20,"text":"hello"}}`,
		`{"kind":"create","note":{"id":"` + idB + `","x":300,"y":20,"color":"blue","w":220,"h":180}}`,
	} {
		mustApply(t, b, src, uint64(i+1))
	}
	return b
}

func mustApply(t *testing.T, b *board.Board, src string, version uint64) {
	t.Helper()
	op, err := board.DecodeOp([]byte(src))
	if err != nil {
		t.Fatalf("DecodeOp(%s): %v", src, err)
	}
	if err := board.Apply(b, op, board.Stamp{Version: version, At: t0.Add(time.Duration(version) * time.Second), Author: "Ada"}, board.DefaultLimits); err != nil {
		t.Fatalf("Apply(%s): %v", src, err)
	}
}

func TestApply(t *testing.T) {
	tests := []struct {
		name  string
		op    string
		check func(t *testing.T, b *board.Board)
	}{
		{"create with defaults", `{"kind":"create","note":{"id":"` + idC + `","x":-5.5,"y":7}}`, func(t *testing.T, b *board.Board) {
			n := b.Notes[idC]
			want := board.Note{ID: idC, X: -5.5, Y: 7, W: board.DefaultWidth, H: board.DefaultHeight, Color: "yellow", Z: 3,
				Author: "Ada", CreatedAt: t0.Add(3 * time.Second), UpdatedAt: t0.Add(3 * time.Second)}
			if !reflect.DeepEqual(n, want) {
				t.Errorf("got %+v, want %+v", n, want)
			}
		}},
		{"create with every field", `{"kind":"create","note":{"id":"` + idC + `","x":1,"y":2,"w":50,"h":60,"text":"a\nb","color":"green","z":-4}}`, func(t *testing.T, b *board.Board) {
			n := b.Notes[idC]
			if n.W != 50 || n.H != 60 || n.Text != "a\nb" || n.Color != "green" || n.Z != -4 {
				t.Errorf("got %+v", n)
			}
		}},
		{"move", `{"kind":"update","id":"` + idA + `","set":{"x":99,"y":-99}}`, func(t *testing.T, b *board.Board) {
			n := b.Notes[idA]
			if n.X != 99 || n.Y != -99 || n.Text != "hello" || n.UpdatedAt != t0.Add(3*time.Second) || n.CreatedAt != t0.Add(time.Second) {
				t.Errorf("got %+v", n)
			}
		}},
		{"resize", `{"kind":"update","id":"` + idA + `","set":{"w":400,"h":40}}`, func(t *testing.T, b *board.Board) {
			if n := b.Notes[idA]; n.W != 400 || n.H != 40 || n.X != 10 {
				t.Errorf("got %+v", n)
			}
		}},
		{"edit text", `{"kind":"update","id":"` + idA + `","set":{"text":"line 1\nline 2 åäö 🙂"}}`, func(t *testing.T, b *board.Board) {
			if n := b.Notes[idA]; n.Text != "line 1\nline 2 åäö 🙂" {
				t.Errorf("got %q", n.Text)
			}
		}},
		{"recolour", `{"kind":"update","id":"` + idA + `","set":{"color":"pink"}}`, func(t *testing.T, b *board.Board) {
			if n := b.Notes[idA]; n.Color != "pink" {
				t.Errorf("got %q", n.Color)
			}
		}},
		{"restack", `{"kind":"update","id":"` + idA + `","set":{"z":10}}`, func(t *testing.T, b *board.Board) {
			if got := b.SortedNotes(); got[1].ID != idA {
				t.Errorf("top note is %s, want %s", got[1].ID, idA)
			}
		}},
		{"delete", `{"kind":"delete","id":"` + idA + `"}`, func(t *testing.T, b *board.Board) {
			if _, ok := b.Notes[idA]; ok || !b.Deleted[idA] || len(b.Notes) != 1 {
				t.Errorf("note still there or no tombstone: %+v %v", b.Notes, b.Deleted)
			}
		}},
		{"rename", `{"kind":"rename","title":"Sprint 12"}`, func(t *testing.T, b *board.Board) {
			if b.Title != "Sprint 12" {
				t.Errorf("title %q", b.Title)
			}
		}},
		{"batch move", `{"kind":"batch","ops":[{"kind":"update","id":"` + idA + `","set":{"x":1}},{"kind":"update","id":"` + idB + `","set":{"x":2}}]}`, func(t *testing.T, b *board.Board) {
			if b.Notes[idA].X != 1 || b.Notes[idB].X != 2 {
				t.Errorf("got %+v", b.Notes)
			}
		}},
		{"batch delete", `{"kind":"batch","ops":[{"kind":"delete","id":"` + idA + `"},{"kind":"delete","id":"` + idB + `"}]}`, func(t *testing.T, b *board.Board) {
			if len(b.Notes) != 0 || len(b.Deleted) != 2 {
				t.Errorf("got %+v %v", b.Notes, b.Deleted)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := mustBoard(t)
			mustApply(t, b, tt.op, 3)
			if b.Version != 3 {
				t.Errorf("version %d, want 3", b.Version)
			}
			tt.check(t, b)
		})
	}
}

// TestApplyRejects checks every rule: the error code, and that the board is
// byte-for-byte unchanged afterwards.
func TestApplyRejects(t *testing.T) {
	long := strings.Repeat("x", board.DefaultLimits.MaxTextRunes+1)
	tests := []struct {
		name, op, code, msg string
	}{
		{"unknown note", `{"kind":"update","id":"` + idC + `","set":{"x":1}}`, board.ENotFound, "not on this board"},
		{"deleted note move", `{"kind":"batch","ops":[{"kind":"delete","id":"` + idA + `"},{"kind":"update","id":"` + idA + `","set":{"x":1}}]}`, board.ENotFound, "was deleted"},
		{"duplicate id", `{"kind":"create","note":{"id":"` + idA + `","x":1,"y":1}}`, board.EConflict, "already exists"},
		{"resurrect", `{"kind":"batch","ops":[{"kind":"delete","id":"` + idA + `"},{"kind":"create","note":{"id":"` + idA + `","x":1,"y":1}}]}`, board.EConflict, "was deleted"},
		{"delete unknown", `{"kind":"delete","id":"` + idC + `"}`, board.ENotFound, "not on this board"},
		{"huge x", `{"kind":"update","id":"` + idA + `","set":{"x":1e300}}`, board.EInvalid, "out of range"},
		{"huge y create", `{"kind":"create","note":{"id":"` + idC + `","x":0,"y":-2e6}}`, board.EInvalid, "out of range"},
		{"tiny width", `{"kind":"update","id":"` + idA + `","set":{"w":1}}`, board.EInvalid, "out of range"},
		{"negative height", `{"kind":"update","id":"` + idA + `","set":{"h":-100}}`, board.EInvalid, "out of range"},
		{"unknown colour", `{"kind":"update","id":"` + idA + `","set":{"color":"red"}}`, board.EInvalid, "not one of"},
		{"text too long", `{"kind":"update","id":"` + idA + `","set":{"text":"` + long + `"}}`, board.ETooLarge, "limit is 5000"},
		{"control char", `{"kind":"update","id":"` + idA + `","set":{"text":"a\u0000b"}}`, board.EInvalid, "control character"},
		{"title too long", `{"kind":"rename","title":"` + strings.Repeat("t", 201) + `"}`, board.ETooLarge, "limit is 200"},
		{"title newline", `{"kind":"rename","title":"a\nb"}`, board.EInvalid, "control character"},
		{"bad uuid", `{"kind":"delete","id":"not-a-uuid"}`, board.EInvalid, "not a lower-case UUID"},
		{"upper-case uuid", `{"kind":"delete","id":"00000000-0000-4000-8000-00000000000A"}`, board.EInvalid, "not a lower-case UUID"},
		{"z out of range", `{"kind":"update","id":"` + idA + `","set":{"z":9007199254740993}}`, board.EInvalid, "out of range"},
		{"batch half bad", `{"kind":"batch","ops":[{"kind":"update","id":"` + idA + `","set":{"x":5}},{"kind":"update","id":"` + idC + `","set":{"x":5}}]}`, board.ENotFound, "operation 2 of the batch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := mustBoard(t)
			before, _ := json.Marshal(b)
			op, err := board.DecodeOp([]byte(tt.op))
			if err == nil {
				err = board.Apply(b, op, board.Stamp{Version: 3, At: t0}, board.DefaultLimits)
			}
			if got := board.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q (%v), want %q", got, err, tt.code)
			}
			if msg := board.ErrorMessage(err); !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q does not contain %q", msg, tt.msg)
			}
			after, _ := json.Marshal(b)
			if string(before) != string(after) {
				t.Errorf("board changed:\n%s\n%s", before, after)
			}
		})
	}
}

func TestDecodeOpRejects(t *testing.T) {
	tests := []struct{ name, src, msg string }{
		{"malformed", `{"kind":`, "ends early"},
		{"not json", `hello`, "malformed JSON"},
		{"NaN", `{"kind":"update","id":"` + idA + `","set":{"x":NaN}}`, "malformed JSON"},
		{"infinite", `{"kind":"update","id":"` + idA + `","set":{"x":1e999}}`, "out of range"},
		{"wrong type", `{"kind":"update","id":"` + idA + `","set":{"x":"1"}}`, `expected a number, got string`},
		{"unknown field", `{"kind":"delete","id":"` + idA + `","force":true}`, `unknown field "force"`},
		{"missing kind", `{"id":"` + idA + `"}`, `no "kind"`},
		{"unknown kind", `{"kind":"explode"}`, `unknown operation kind "explode"`},
		{"missing id", `{"kind":"delete"}`, `needs a "id"`},
		{"missing set", `{"kind":"update","id":"` + idA + `"}`, `needs a "set"`},
		{"empty set", `{"kind":"update","id":"` + idA + `","set":{}}`, "at least one field"},
		{"extra field for kind", `{"kind":"delete","id":"` + idA + `","title":"x"}`, `has no "title"`},
		{"create without y", `{"kind":"create","note":{"id":"` + idA + `","x":1}}`, `needs "x" and "y"`},
		{"nested batch", `{"kind":"batch","ops":[{"kind":"batch","ops":[{"kind":"delete","id":"` + idA + `"}]}]}`, "cannot contain another batch"},
		{"empty batch", `{"kind":"batch","ops":[]}`, `needs a "ops"`},
		{"trailing data", `{"kind":"delete","id":"` + idA + `"} {}`, "unexpected data"},
		{"z fraction", `{"kind":"update","id":"` + idA + `","set":{"z":1.5}}`, `field "set.z"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := board.DecodeOp([]byte(tt.src))
			if board.ErrorCode(err) != board.EInvalid {
				t.Fatalf("got %v, want an invalid error", err)
			}
			if !strings.Contains(board.ErrorMessage(err), tt.msg) {
				t.Errorf("message %q does not contain %q", board.ErrorMessage(err), tt.msg)
			}
		})
	}
}

func TestBatchLimit(t *testing.T) {
	lim := board.DefaultLimits
	lim.MaxBatchOps = 2
	b := mustBoard(t)
	op, err := board.DecodeOp([]byte(`{"kind":"batch","ops":[{"kind":"update","id":"` + idA + `","set":{"x":1}},{"kind":"update","id":"` + idA + `","set":{"x":2}},{"kind":"update","id":"` + idA + `","set":{"x":3}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := board.Apply(b, op, board.Stamp{Version: 3}, lim); board.ErrorCode(err) != board.ETooLarge {
		t.Errorf("got %v, want too_large", err)
	}
}

func TestMaxNotes(t *testing.T) {
	lim := board.DefaultLimits
	lim.MaxNotes = 2
	b := mustBoard(t)
	op, _ := board.DecodeOp([]byte(`{"kind":"create","note":{"id":"` + idC + `","x":1,"y":1}}`))
	if err := board.Apply(b, op, board.Stamp{Version: 3}, lim); board.ErrorCode(err) != board.ETooLarge {
		t.Errorf("got %v, want too_large", err)
	}
}

// TestConcurrentFieldEdits: a move and a text edit of one note, in either
// order, both survive; two moves, the later in server order wins.
func TestConcurrentFieldEdits(t *testing.T) {
	move := `{"kind":"update","id":"` + idA + `","set":{"x":500}}`
	edit := `{"kind":"update","id":"` + idA + `","set":{"text":"edited"}}`
	move2 := `{"kind":"update","id":"` + idA + `","set":{"x":-500}}`
	for _, order := range [][]string{{move, edit, move2}, {edit, move, move2}, {move, move2, edit}} {
		b := mustBoard(t)
		for i, op := range order {
			mustApply(t, b, op, uint64(3+i))
		}
		if n := b.Notes[idA]; n.X != -500 || n.Text != "edited" {
			t.Errorf("order %v: got %+v", order, n)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, b := mustBoard(t), mustBoard(t)
	b.ID = a.ID
	for _, x := range []*board.Board{a, b} {
		mustApply(t, x, `{"kind":"create","note":{"id":"`+idC+`","x":1,"y":1}}`, 3)
		mustApply(t, x, `{"kind":"delete","id":"`+idB+`"}`, 4)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("same ops gave different boards:\n%s\n%s", ja, jb)
	}
}

func TestVersionMustGrow(t *testing.T) {
	b := mustBoard(t)
	op, _ := board.DecodeOp([]byte(`{"kind":"rename","title":"x"}`))
	if err := board.Apply(b, op, board.Stamp{Version: 2}, board.DefaultLimits); err == nil {
		t.Error("applied an operation with an old version")
	}
}

func TestBoardJSONRoundTrip(t *testing.T) {
	b := mustBoard(t)
	mustApply(t, b, `{"kind":"delete","id":"`+idB+`"}`, 3)
	b.Clients["c1"] = 7
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := board.DecodeBoard(data, board.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, b) {
		t.Errorf("round trip:\ngot  %+v\nwant %+v", got, b)
	}
}

func TestDecodeBoardRejects(t *testing.T) {
	b := mustBoard(t)
	good, _ := json.Marshal(b)
	for name, src := range map[string]string{
		"truncated":   string(good[:len(good)/2]),
		"bad id":      strings.Replace(string(good), b.ID, "short", 1),
		"bad colour":  strings.Replace(string(good), `"blue"`, `"red"`, 1),
		"extra field": strings.Replace(string(good), `{"id"`, `{"evil":1,"id"`, 1),
		"dup note":    strings.Replace(string(good), idB, idA, 1),
	} {
		if _, err := board.DecodeBoard([]byte(src), board.DefaultLimits); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

func TestIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := board.NewID()
		if !board.ValidID(id) || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "abc", "../../etc/passwd", strings.Repeat("A", 22) + "=", "AAAAAAAAAAAAAAAAAAAAA/"} {
		if board.ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}

// ValidNoteID checks by hand what uuid.Parse and String would say: that s
// is a UUID in its one canonical spelling.
func TestValidNoteID(t *testing.T) {
	canonical := func(s string) bool {
		u, err := uuid.Parse(s)
		return err == nil && u.String() == s
	}
	id := uuid.NewString()
	cases := []string{id, strings.ToUpper(id), "", "x", "{" + id + "}", "urn:uuid:" + id, strings.ReplaceAll(id, "-", ""), id + " "}
	// Every single-byte change of a valid id, with bytes that matter.
	for i := range len(id) {
		for _, c := range "-0aAfFgG9 \x00é" {
			cases = append(cases, id[:i]+string(c)+id[i+1:])
		}
	}
	for _, s := range cases {
		if got, want := board.ValidNoteID(s), canonical(s); got != want {
			t.Errorf("ValidNoteID(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestMaxBoardBytes: a board stops growing at MaxBoardBytes, whether by new
// notes, longer texts or a batch, and what shrinks it makes room again.
// Its size survives encoding and decoding.
func TestMaxBoardBytes(t *testing.T) {
	lim := board.Limits{MaxBoardBytes: 3000}.WithDefaults()
	b := board.New(board.NewID(), "Full", t0)
	v := uint64(0)
	apply := func(op board.Op) error {
		v++
		err := board.Apply(b, op, board.Stamp{Version: v, At: t0}, lim)
		if err != nil {
			v--
		}
		return err
	}
	text := strings.Repeat("x", 600)
	ids := []string{idA, idB, idC}
	for _, id := range ids {
		if err := apply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: id, X: new(0.0), Y: new(0.0), Text: &text}}); err != nil {
			t.Fatal(err)
		}
	}
	before := b.Size()
	if before != len("Full")+3*(256+600) {
		t.Errorf("size %d", before)
	}
	longer, short := strings.Repeat("y", 1500), "x"
	for name, op := range map[string]board.Op{
		"a new note":  {Kind: board.KindCreate, Note: &board.NewNote{ID: uuid.NewString(), X: new(0.0), Y: new(0.0), Text: &text}},
		"longer text": {Kind: board.KindUpdate, ID: idA, Set: &board.Patch{Text: &longer}},
		"a batch": {Kind: board.KindBatch, Ops: []board.Op{
			{Kind: board.KindUpdate, ID: idB, Set: &board.Patch{Text: &short}},
			{Kind: board.KindUpdate, ID: idA, Set: &board.Patch{Text: &longer}},
			{Kind: board.KindUpdate, ID: idC, Set: &board.Patch{Text: &longer}},
		}},
	} {
		if err := apply(op); board.ErrorCode(err) != board.ETooLarge {
			t.Errorf("%s: %v, want too_large", name, err)
		}
		if b.Size() != before {
			t.Errorf("%s: size %d after a refusal, want %d", name, b.Size(), before)
		}
	}
	// Shorter text and deletes make room.
	if err := apply(board.Op{Kind: board.KindUpdate, ID: idA, Set: &board.Patch{Text: &short}}); err != nil {
		t.Fatal(err)
	}
	if err := apply(board.Op{Kind: board.KindDelete, ID: idB}); err != nil {
		t.Fatal(err)
	}
	if err := apply(board.Op{Kind: board.KindUpdate, ID: idC, Set: &board.Patch{Text: &longer}}); err != nil {
		t.Errorf("after making room: %v", err)
	}
	data, _ := json.Marshal(b)
	again, err := board.DecodeBoard(data, lim)
	if err != nil || again.Size() != b.Size() {
		t.Errorf("decoded size %d, want %d (%v)", again.Size(), b.Size(), err)
	}
}
