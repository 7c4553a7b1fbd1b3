package sync

import (
	"testing"

	"corkboard/board"
)

// FuzzDecodeClientMsg feeds arbitrary frames to the decoder. Whatever the
// input, it never panics, every error is an "invalid" one with a message,
// and what it accepts passes the per-type checks the connection relies on.
func FuzzDecodeClientMsg(f *testing.F) {
	for _, s := range []string{
		`{"type":"hello","client":"abc","since":3,"epoch":"e","name":"Ada","color":"#aabbcc"}`,
		`{"type":"op","seq":1,"op":{"kind":"create","note":{"id":"00000000-0000-4000-8000-00000000000a","x":1,"y":2}}}`,
		`{"type":"op","seq":1,"op":{"kind":"update","id":"00000000-0000-4000-8000-00000000000a","set":{"x":NaN}}}`,
		`{"type":"cursor","x":1,"y":2,"editing":""}`,
		`{"type":"cursor"}`,
		`{"type":"op","seq":0}`,
		`{"type":"hello","client":"a","x":1}`,
		`[{"type":"op"}]`, `{}`, `null`, `"hello"`, `{"type":"op","seq":18446744073709551616}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeClientMsg(data)
		if err != nil {
			if board.ErrorCode(err) != board.EInvalid || board.ErrorMessage(err) == "" {
				t.Fatalf("error without code or message: %v", err)
			}
			return
		}
		switch m.Type {
		case typeHello:
			if m.Client == nil {
				t.Fatal("hello without client accepted")
			}
			m.hello(board.DefaultLimits)
		case typeOp:
			if m.Seq == nil || *m.Seq == 0 || m.Op == nil {
				t.Fatal("op without seq or op accepted")
			}
			if op, err := board.DecodeOp(m.Op); err == nil {
				board.DefaultLimits.Validate(op)
			}
		case typeCursor:
			m.cursor(board.DefaultLimits)
		default:
			t.Fatalf("accepted unknown type %q", m.Type)
		}
	})
}
