package board_test

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"

	"corkboard/board"
)

// applyCase is one case of testdata/apply.json: a board, operations applied
// to it in turn with their stamps and the error code each must give ("" for
// none), and the board that results.
type applyCase struct {
	Name  string          `json:"name"`
	Board json.RawMessage `json:"board"`
	Steps []applyStep     `json:"steps"`
	Want  json.RawMessage `json:"want"`
}

type applyStep struct {
	Op    json.RawMessage `json:"op"`
	Stamp applyStamp      `json:"stamp"`
	Error string          `json:"error"`
}

// applyStamp is a board.Stamp in the JSON of an op message (board.Stamp
// has no JSON form of its own).
type applyStamp struct {
	Version  uint64    `json:"version"`
	At       time.Time `json:"at"`
	Author   string    `json:"author"`
	AuthorID string    `json:"authorId"`
}

// TestApplyVectors runs the cases of testdata/apply.json through Apply. The
// browser's applyOp (assets/state.js) runs the same file in
// assets/state.test.mjs, so the two cannot drift apart: a change to Apply's
// semantics changes the file, and the side that did not follow fails.
func TestApplyVectors(t *testing.T) {
	data, err := os.ReadFile("testdata/apply.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []applyCase
	if err := board.DecodeJSON(data, &cases); err != nil {
		t.Fatalf("testdata/apply.json: %v", err)
	}
	if len(cases) == 0 {
		t.Fatal("testdata/apply.json holds no cases")
	}
	names := map[string]bool{}
	for _, c := range cases {
		if c.Name == "" || names[c.Name] {
			t.Fatalf("case name %q is empty or used twice", c.Name)
		}
		names[c.Name] = true
		t.Run(c.Name, func(t *testing.T) {
			b := mustDecodeVectorBoard(t, c.Board)
			for i, s := range c.Steps {
				// As the server ordered it: the cases hold what clients
				// receive, with the fields the server adds (texts, votes,
				// withheld) too.
				op, err := board.DecodeOrderedOp(s.Op)
				if err != nil {
					t.Fatalf("step %d: %v", i+1, err)
				}
				// Limits are checked by the server alone; the cases are
				// about what Apply does with operations that pass them.
				if err := board.DefaultLimits.Validate(op); err != nil {
					t.Fatalf("step %d breaks a limit, which the cases must not: %v", i+1, err)
				}
				before := canonicalBoard(t, b)
				st := board.Stamp{Version: s.Stamp.Version, At: s.Stamp.At, Author: s.Stamp.Author, AuthorID: s.Stamp.AuthorID}
				err = board.Apply(b, op, st, board.DefaultLimits)
				if got := board.ErrorCode(err); got != s.Error {
					t.Fatalf("step %d: error %q (%v), want %q", i+1, got, err, s.Error)
				}
				if err != nil {
					if after := canonicalBoard(t, b); after != before {
						t.Fatalf("step %d failed but changed the board:\n got %s\nwant %s", i+1, after, before)
					}
				}
			}
			// The trash is the server's alone (a client's copy has none):
			// the cases say what both do.
			b.Trash = nil
			got, want := canonicalBoard(t, b), canonicalBoard(t, mustDecodeVectorBoard(t, c.Want))
			if got != want {
				t.Errorf("board after the steps:\n got %s\nwant %s", got, want)
			}
			// assets/state.test.mjs compares with "want" as it is written,
			// so it must already be in the canonical form.
			if !sameJSON(t, c.Want, []byte(want)) {
				t.Errorf(`"want" is not in the form Board.MarshalJSON gives; write it as %s`, want)
			}
		})
	}
}

func mustDecodeVectorBoard(t *testing.T, data []byte) *board.Board {
	t.Helper()
	b, err := board.DecodeBoard(data, board.DefaultLimits)
	if err != nil {
		t.Fatalf("decoding %s: %v", data, err)
	}
	return b
}

// canonicalBoard is b in the form the browser sees it and its tests compare:
// Board.MarshalJSON without the client sequence numbers, which Apply keeps
// only for stamps that name a client, and the cases' stamps do not.
func canonicalBoard(t *testing.T, b *board.Board) string {
	t.Helper()
	c := b.Clone()
	c.Clients = nil
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// sameJSON reports whether a and b hold the same JSON value, whatever the
// spacing and the order of object members.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(va, vb)
}
