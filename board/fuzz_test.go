package board_test

import (
	"encoding/json"
	"testing"

	"corkboard/board"
)

// FuzzApply decodes arbitrary bytes as an operation and applies it. Whatever
// the input, nothing panics, and a rejected operation leaves the board as it was.
func FuzzApply(f *testing.F) {
	for _, s := range []string{
		`{"kind":"create","note":{"id":"` + idC + `","x":1,"y":2,"text":"hi","color":"pink"}}`,
		`{"kind":"update","id":"` + idA + `","set":{"x":1e300}}`,
		`{"kind":"update","id":"` + idA + `","set":{"text":"\u0000"}}`,
		`{"kind":"delete","id":"` + idB + `"}`,
		`{"kind":"rename","title":"x"}`,
		`{"kind":"update","id":"` + idB + `","set":{"stack":"` + idA + `"}}`,
		`{"kind":"undelete","id":"` + idB + `"}`,
		`{"kind":"moderate","moderation":{"names":"none"}}`,
		`{"kind":"batch","ops":[{"kind":"delete","id":"` + idA + `"},{"kind":"update","id":"` + idA + `","set":{"x":1}}]}`,
		`{"kind":"batch","ops":[{"kind":"batch","ops":[]}]}`,
		`{"kind":`, `null`, `[]`, `{"kind":"update","id":"` + idA + `","set":{"z":-9007199254740993}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b := mustBoard(t)
		before, _ := json.Marshal(b)
		op, err := board.DecodeOp(data)
		if err != nil {
			if board.ErrorCode(err) != board.EInvalid {
				t.Fatalf("decode error with code %q: %v", board.ErrorCode(err), err)
			}
			return
		}
		if err := board.Apply(b, op, board.Stamp{Version: 3, At: t0}, board.DefaultLimits); err != nil {
			if after, _ := json.Marshal(b); string(after) != string(before) {
				t.Fatalf("rejected op changed the board: %v", err)
			}
			return
		}
		// An accepted operation leaves a board that survives a snapshot round trip.
		data, _ = json.Marshal(b)
		if _, err := board.DecodeBoard(data, board.DefaultLimits); err != nil {
			t.Fatalf("applied op %s gave a board that does not decode: %v", data, err)
		}
	})
}
