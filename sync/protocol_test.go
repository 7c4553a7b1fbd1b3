package sync_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/sync/wsclient"
)

func TestResume(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	b := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "b"})
	n := uuid.NewString()
	a.mustApply(createOp(n, 0, 0))
	b.readUntil("version 1", func() bool { return b.version() == 1 })
	since, epoch := b.version(), b.replica.Epoch
	b.c.WS.Close()

	for i := range 5 {
		a.mustApply(moveOp(n, float64(i), 0))
	}

	b2, rest, err := wsclient.Dial(context.Background(), srv.wsURL(id), wsclient.Hello{Client: "b", Since: since, Epoch: epoch}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	if !b2.Welcome.Resumed || b2.Welcome.Board != nil || b2.Welcome.Version != 6 {
		t.Fatalf("welcome %+v, want a resume at version 6 without a board", b2.Welcome)
	}
	var versions []uint64
	for _, m := range opsIn(rest) {
		versions = append(versions, m.Version)
	}
	if got := versions; len(got) != 5 || got[0] != 2 || got[4] != 6 {
		t.Errorf("got ops %v, want exactly 2..6", got)
	}

	// A client from another epoch, or too far behind, gets the whole board.
	for name, h := range map[string]wsclient.Hello{
		"other epoch": {Client: "c", Since: 3, Epoch: "somethingelse"},
		"no epoch":    {Client: "c", Since: 3},
		"from future": {Client: "c", Since: 99, Epoch: epoch},
	} {
		c, rest, err := wsclient.Dial(context.Background(), srv.wsURL(id), h, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ops := opsIn(rest); c.Welcome.Resumed || c.Welcome.Board == nil || len(ops) != 0 {
			t.Errorf("%s: welcome %+v followed by %d operations, want the whole board and none", name, c.Welcome, len(ops))
		}
		c.Close()
	}
}

// opsIn returns the op messages among those that came in the welcome's
// frame. Presence may come there too: a join is announced to everyone on
// the presence timer, the newcomer included, and if the timer fires before
// the welcome is written the two share a frame.
func opsIn(msgs []wsclient.Message) []wsclient.Message {
	var ops []wsclient.Message
	for _, m := range msgs {
		if m.Type == "op" {
			ops = append(ops, m)
		}
	}
	return ops
}

func TestResumeBeyondWindowGetsWholeBoard(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{ResumeWindow: 3})
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	n := uuid.NewString()
	a.mustApply(createOp(n, 0, 0))
	for i := range 5 {
		a.mustApply(moveOp(n, float64(i), 0))
	}
	c, rest, err := wsclient.Dial(context.Background(), srv.wsURL(id), wsclient.Hello{Client: "b", Since: 1, Epoch: a.replica.Epoch}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Welcome.Resumed || c.Welcome.Board == nil || len(opsIn(rest)) != 0 {
		t.Errorf("welcome %+v, want the whole board", c.Welcome)
	}
	// Within the window it still resumes.
	c2, rest, err := wsclient.Dial(context.Background(), srv.wsURL(id), wsclient.Hello{Client: "b", Since: 4, Epoch: a.replica.Epoch}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if ops := opsIn(rest); !c2.Welcome.Resumed || len(ops) != 2 {
		t.Errorf("welcome %+v with %d ops, want a resume with 2", c2.Welcome, len(ops))
	}
}

// Operations older than ResumeAge are dropped from the resume window as new
// ones come: a client that saw one of them gets the whole board.
func TestResumeAfterAgeGetsWholeBoard(t *testing.T) {
	clock := newFakeClock()
	srv := mustServer(t, nil, boardsync.Limits{ResumeAge: 50 * time.Millisecond}, boardsync.Config{Clock: clock})
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	n := uuid.NewString()
	a.mustApply(createOp(n, 0, 0))
	a.mustApply(moveOp(n, 1, 0))
	a.mustApply(moveOp(n, 2, 0))
	clock.Advance(100 * time.Millisecond) // versions 1-3 are now older than ResumeAge
	a.mustApply(moveOp(n, 3, 0))

	old, rest, err := wsclient.Dial(context.Background(), srv.wsURL(id), wsclient.Hello{Client: "b", Since: 1, Epoch: a.replica.Epoch}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if old.Welcome.Resumed || old.Welcome.Board == nil || old.Welcome.Version != 4 || len(opsIn(rest)) != 0 {
		t.Errorf("welcome %+v, want the whole board at version 4", old.Welcome)
	}
	// The newest operation is kept whatever its age limit.
	recent, rest, err := wsclient.Dial(context.Background(), srv.wsURL(id), wsclient.Hello{Client: "c", Since: 3, Epoch: a.replica.Epoch}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer recent.Close()
	if ops := opsIn(rest); !recent.Welcome.Resumed || len(ops) != 1 || ops[0].Version != 4 {
		t.Errorf("welcome %+v with %d ops, want a resume with version 4", recent.Welcome, len(ops))
	}
}

func TestIdempotentResend(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	n := uuid.NewString()
	first := a.mustApply(createOp(n, 0, 0))
	a.mustApply(textOp(n, "one"))
	before := srv.boardJSON(t, id)

	// The same client on a new connection resends both operations.
	a2 := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	for seq, op := range map[uint64]board.Op{1: createOp(n, 0, 0), 2: textOp(n, "one")} {
		if err := a2.c.SendOpSeq(seq, op); err != nil {
			t.Fatal(err)
		}
	}
	a2.readUntil("two acks", func() bool { return len(a2.acks) == 2 })
	for seq, ack := range a2.acks {
		if !ack.Duplicate {
			t.Errorf("resent op %d: ack %+v, want a duplicate ack", seq, ack)
		}
	}
	if first.Duplicate {
		t.Error("first ack says duplicate")
	}
	if after := srv.boardJSON(t, id); after != before {
		t.Errorf("resend changed the board:\n%s\n%s", before, after)
	}
	if got := counter(srv.hub.Metrics().OpsDuplicate); got != 2 {
		t.Errorf("duplicate counter %d, want 2", got)
	}
}

// TestBadInput sends each kind of bad input and checks the documented
// reply, and that the board is byte-for-byte what it was.
func TestBadInput(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{MaxMessageBytes: 16 << 10})
	id := srv.mustBoard(t)
	other := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	n := uuid.NewString()
	a.mustApply(createOp(n, 0, 0))
	o := mustDial(t, srv.wsURL(other), wsclient.Hello{Client: "o"})
	foreign := uuid.NewString()
	o.mustApply(createOp(foreign, 0, 0))

	note := `"` + n + `"`
	replies := []struct {
		name, frame string
		reply, code string // reply is "error" or "reject"
	}{
		{"malformed JSON", `{"type":"op",`, "error", board.EInvalid},
		{"not an object", `[1,2,3]`, "error", board.EInvalid},
		{"unknown type", `{"type":"shout"}`, "error", board.EInvalid},
		{"no type", `{"seq":1}`, "error", board.EInvalid},
		{"missing seq", `{"type":"op","op":{"kind":"delete","id":` + note + `}}`, "error", board.EInvalid},
		{"zero seq", `{"type":"op","seq":0,"op":{"kind":"delete","id":` + note + `}}`, "error", board.EInvalid},
		{"extra field", `{"type":"op","seq":10,"op":{"kind":"delete","id":` + note + `},"admin":true}`, "error", board.EInvalid},
		{"field of another type", `{"type":"op","seq":10,"x":1,"op":{"kind":"delete","id":` + note + `}}`, "error", board.EInvalid},
		{"wrong type", `{"type":"op","seq":"10","op":{"kind":"delete","id":` + note + `}}`, "error", board.EInvalid},
		{"second hello", `{"type":"hello","client":"a"}`, "error", board.EInvalid},
		{"NaN", `{"type":"op","seq":10,"op":{"kind":"update","id":` + note + `,"set":{"x":NaN}}}`, "error", board.EInvalid},
		{"infinite", `{"type":"op","seq":10,"op":{"kind":"update","id":` + note + `,"set":{"x":1e999}}}`, "reject", board.EInvalid},
		{"huge", `{"type":"op","seq":10,"op":{"kind":"update","id":` + note + `,"set":{"x":1e300}}}`, "reject", board.EInvalid},
		{"unknown op field", `{"type":"op","seq":10,"op":{"kind":"update","id":` + note + `,"set":{"x":1,"rotate":90}}}`, "reject", board.EInvalid},
		{"op wrong type", `{"type":"op","seq":10,"op":{"kind":"update","id":` + note + `,"set":{"x":"far"}}}`, "reject", board.EInvalid},
		{"unknown colour", `{"type":"op","seq":10,"op":{"kind":"update","id":` + note + `,"set":{"color":"chartreuse"}}}`, "reject", board.EInvalid},
		{"text too long", `{"type":"op","seq":10,"op":{"kind":"update","id":` + note + `,"set":{"text":"` + strings.Repeat("é", 5001) + `"}}}`, "reject", board.ETooLarge},
		{"note of another board", `{"type":"op","seq":10,"op":{"kind":"update","id":"` + foreign + `","set":{"x":1}}}`, "reject", board.ENotFound},
		{"duplicate note id", `{"type":"op","seq":10,"op":{"kind":"create","note":{"id":` + note + `,"x":1,"y":1}}}`, "reject", board.EConflict},
		{"malformed note id", `{"type":"op","seq":10,"op":{"kind":"delete","id":"../../etc"}}`, "reject", board.EInvalid},
		{"bad cursor", `{"type":"cursor","x":1}`, "error", board.EInvalid},
	}
	for _, tt := range replies {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.boardJSON(t, id)
			nErr, nRej := len(a.errors), len(a.rejects)
			if err := a.c.SendRaw([]byte(tt.frame)); err != nil {
				t.Fatal(err)
			}
			a.readUntil("a reply", func() bool { return len(a.errors) > nErr || len(a.rejects) > nRej })
			var got wsclient.Message
			if len(a.errors) > nErr {
				got = a.errors[len(a.errors)-1]
			} else {
				got = a.rejects[10]
				delete(a.rejects, 10)
			}
			if got.Type != tt.reply || got.Code != tt.code || got.Message == "" {
				t.Errorf("got %s %q %q, want %s %q with a message", got.Type, got.Code, got.Message, tt.reply, tt.code)
			}
			if got.Type == "reject" && got.Seq != 10 {
				t.Errorf("reject names seq %d, want 10", got.Seq)
			}
			if after := srv.boardJSON(t, id); after != before {
				t.Errorf("board changed:\n%s\n%s", before, after)
			}
		})
	}
	// The connection survives all of that.
	a.mustApply(moveOp(n, 5, 5))

	closes := []struct {
		name string
		send func(c *websocket.Conn) error
		code int
	}{
		{"over the size limit", func(c *websocket.Conn) error {
			return c.WriteMessage(websocket.TextMessage, []byte(`{"type":"op","seq":99,"op":{"kind":"update","id":`+note+`,"set":{"text":"`+strings.Repeat("x", 20<<10)+`"}}}`))
		}, websocket.CloseMessageTooBig},
		{"invalid UTF-8", func(c *websocket.Conn) error {
			return c.WriteMessage(websocket.TextMessage, []byte("{\"type\":\"op\",\"seq\":99,\"op\":{\"kind\":\"rename\",\"title\":\"\xff\xfe\"}}"))
		}, websocket.CloseInvalidFramePayloadData},
		{"binary frame", func(c *websocket.Conn) error {
			return c.WriteMessage(websocket.BinaryMessage, []byte(`{"type":"cursor","x":1,"y":1}`))
		}, websocket.CloseUnsupportedData},
	}
	for _, tt := range closes {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.boardJSON(t, id)
			c := mustDial(t, srv.wsURL(id), wsclient.Hello{})
			if err := tt.send(c.c.WS); err != nil {
				t.Fatal(err)
			}
			if code := c.readClose(); code != tt.code {
				t.Errorf("closed with %d, want %d", code, tt.code)
			}
			if after := srv.boardJSON(t, id); after != before {
				t.Errorf("board changed")
			}
		})
	}
}

func TestHelloRequired(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id := srv.mustBoard(t)
	for name, first := range map[string]string{
		"op first":       `{"type":"op","seq":1,"op":{"kind":"rename","title":"x"}}`,
		"bad client id":  `{"type":"hello","client":"has spaces"}`,
		"no client":      `{"type":"hello"}`,
		"bad colour":     `{"type":"hello","client":"a","color":"red"}`,
		"name too long":  `{"type":"hello","client":"a","name":"` + strings.Repeat("n", 61) + `"}`,
		"malformed json": `{"type":`,
	} {
		t.Run(name, func(t *testing.T) {
			ws, _, err := websocket.DefaultDialer.Dial(srv.wsURL(id), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			ws.WriteMessage(websocket.TextMessage, []byte(first))
			_, _, err = ws.ReadMessage()
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != boardsync.CloseProtocol || ce.Text == "" {
				t.Errorf("got %v, want close %d with a reason", err, boardsync.CloseProtocol)
			}
		})
	}
}

// TestRateLimit: a client sending faster than its limit is read more
// slowly; nothing it sends is refused.
func TestRateLimit(t *testing.T) {
	clock := newFakeClock()
	srv := mustServer(t, nil, boardsync.Limits{OpsPerSecond: 10, MaxInFlight: 1000}, boardsync.Config{Clock: clock})
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	n := uuid.NewString()
	a.mustApply(createOp(n, 0, 0))
	const flood = 60
	for i := range flood {
		a.send(moveOp(n, float64(i), 0))
	}
	// The bucket holds 20 (two seconds' worth) and the first op took one:
	// 19 of the flood are read at once, then the reader waits for the
	// clock, and each second of it lets 10 more through.
	want := 20
	for {
		a.readUntil(fmt.Sprintf("%d acks", want), func() bool { return len(a.acks) >= want })
		if want == flood+1 {
			break
		}
		<-clock.waiting
		if b := srv.board(t, id); b.Version != uint64(want) || len(a.acks) != want {
			t.Fatalf("version %d and %d acks while the reader waits, want %d", b.Version, len(a.acks), want)
		}
		clock.Advance(time.Second)
		want = min(want+10, flood+1)
	}
	if len(a.rejects) != 0 {
		t.Errorf("%d rejects, want none", len(a.rejects))
	}
	if b := srv.board(t, id); b.Version != flood+1 {
		t.Errorf("version %d after %d acks", b.Version, len(a.acks))
	}
}

func TestOriginAndUnknownBoard(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id := srv.mustBoard(t)
	dial := func(url, origin string) int {
		h := http.Header{}
		if origin != "" {
			h.Set("Origin", origin)
		}
		ws, resp, err := websocket.DefaultDialer.Dial(url, h)
		if err == nil {
			ws.Close()
			return http.StatusSwitchingProtocols
		}
		if resp == nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	for _, tt := range []struct {
		name, url, origin string
		want              int
	}{
		{"same origin", srv.wsURL(id), srv.http.URL, http.StatusSwitchingProtocols},
		{"no origin", srv.wsURL(id), "", http.StatusSwitchingProtocols},
		{"allowed origin", srv.wsURL(id), "https://school.example", http.StatusSwitchingProtocols},
		{"foreign origin", srv.wsURL(id), "https://evil.example", http.StatusForbidden},
		{"unknown board", srv.wsURL(board.NewID()), "", http.StatusNotFound},
		{"malformed board id", srv.wsURL("nope"), "", http.StatusNotFound},
	} {
		if got := dial(tt.url, tt.origin); got != tt.want {
			t.Errorf("%s: HTTP %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestBoardFull(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{MaxConnsPerBoard: 2})
	id := srv.mustBoard(t)
	mustDial(t, srv.wsURL(id), wsclient.Hello{})
	mustDial(t, srv.wsURL(id), wsclient.Hello{})
	ws, _, err := websocket.DefaultDialer.Dial(srv.wsURL(id), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.WriteJSON(map[string]string{"type": "hello", "client": "third"})
	_, _, err = ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != boardsync.CloseBoardFull {
		t.Errorf("got %v, want close %d", err, boardsync.CloseBoardFull)
	}
}

func TestPresence(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Name: "Ada", Color: "#aa0000"})
	b := mustDial(t, srv.wsURL(id), wsclient.Hello{Name: "Bo", Color: "#00aa00"})
	if len(b.c.Welcome.Peers) != 1 || b.c.Welcome.Peers[0].Name != "Ada" {
		t.Errorf("welcome peers %+v, want Ada", b.c.Welcome.Peers)
	}
	var seen []wsclient.Message
	readPresence := func(cl *client, what string, cond func(m wsclient.Message) bool) {
		cl.c.WS.SetReadDeadline(time.Now().Add(10 * time.Second))
		defer cl.c.WS.SetReadDeadline(time.Time{})
		for {
			msgs, err := cl.c.Read()
			if err != nil {
				t.Fatalf("waiting for %s: %v", what, err)
			}
			for _, m := range msgs {
				if m.Type == "presence" {
					seen = append(seen, m)
					if cond(m) {
						return
					}
				}
			}
		}
	}
	readPresence(a, "Bo joining", func(m wsclient.Message) bool { return len(m.Joined) > 0 && m.Joined[len(m.Joined)-1].Name == "Bo" })
	// Many cursor moves between two ticks arrive as one position.
	for i := range 20 {
		b.c.SendCursor(float64(i), 7)
	}
	readPresence(a, "Bo's cursor at 19", func(m wsclient.Message) bool {
		for _, c := range m.Cursors {
			if c.Name == "Bo" && c.X != nil && *c.X == 19 {
				return true
			}
		}
		return false
	})
	b.c.Close()
	readPresence(a, "Bo leaving", func(m wsclient.Message) bool { return len(m.Left) == 1 })
}

func TestShutdownFlushesAndSaysGoingAway(t *testing.T) {
	path := t.TempDir() + "/corkboard.db"
	store, err := boltstore.Open(path, boltstore.Options{CommitInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := mustServer(t, store, boardsync.Limits{})
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	n := uuid.NewString()
	a.mustApply(createOp(n, 0, 0))
	for i := range 50 {
		a.send(moveOp(n, float64(i), 1))
	}
	a.readUntil("version 51", func() bool { return a.version() == 51 })
	want := srv.boardJSON(t, id)
	if err := srv.hub.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if code := a.readClose(); code != websocket.CloseGoingAway {
		t.Errorf("closed with %d, want going away", code)
	}
	store.Close()

	store2, err := boltstore.Open(path, boltstore.Options{CommitInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer store2.Close()
	srv2 := mustServer(t, store2, boardsync.Limits{})
	if got := srv2.boardJSON(t, id); got != want {
		t.Errorf("after restart:\n got %s\nwant %s", got, want)
	}
}

// failingLog fails every append after the first `ok` ones.
type failingLog struct {
	boardsync.Log
	ok atomic.Int32
}

func (l *failingLog) Append(ctx context.Context, id string, b boardsync.Batch) (boardsync.Position, error) {
	if l.ok.Add(-1) < 0 {
		return boardsync.Position{}, errors.New("disk full")
	}
	return l.Log.Append(ctx, id, b)
}

// TestPanicResetsTheBoard: a bug that panics in a board's goroutine
// closes that board's connections with "reset" and leaves the server
// serving it, from its log, with nothing acknowledged lost.
func TestPanicResetsTheBoard(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	n := uuid.NewString()
	a.mustApply(createOp(n, 0, 0))
	boardsync.PanicInRoom(srv.hub, srv.boardID(t, id))
	if code := a.readClose(); code != boardsync.CloseReset {
		t.Fatalf("closed with %d, want %d", code, boardsync.CloseReset)
	}
	b := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "b"})
	b.mustApply(textOp(n, "still here"))
	if got := srv.board(t, id).Notes[n]; got.Text != "still here" {
		t.Errorf("after the reset the note is %+v", got)
	}
}

// TestAppendFailureResets: when the log refuses an append, nothing that was
// not saved stays visible: clients are told to reconnect and get the board
// as it is in the log, under a new epoch.
func TestAppendFailureResets(t *testing.T) {
	log := &failingLog{Log: boardsync.NewMemLog()}
	log.ok.Store(1)
	srv := mustServer(t, log, boardsync.Limits{})
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	n := uuid.NewString()
	a.mustApply(createOp(n, 0, 0))
	epoch := a.replica.Epoch
	a.send(textOp(n, "never saved"))
	if code := a.readClose(); code != boardsync.CloseReset {
		t.Fatalf("closed with %d, want %d", code, boardsync.CloseReset)
	}
	if _, ok := a.acks[2]; ok {
		t.Error("an unsaved op was acknowledged")
	}
	log.ok.Store(100)
	b := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a", Since: 2, Epoch: epoch})
	if b.c.Welcome.Resumed || b.c.Welcome.Epoch == epoch {
		t.Errorf("welcome %+v: want the whole board under a new epoch", b.c.Welcome)
	}
	if got := b.replica.Board.Notes[n].Text; got != "" || b.version() != 1 {
		t.Errorf("version %d, text %q: the unsaved edit is visible", b.version(), got)
	}
	// The client resends its unacknowledged op; now it is saved.
	if err := b.c.SendOpSeq(2, textOp(n, "never saved")); err != nil {
		t.Fatal(err)
	}
	b.readUntil("ack", func() bool { return len(b.acks) == 1 })
	if b.acks[2].Duplicate || b.acks[2].Version != 2 {
		t.Errorf("ack %+v", b.acks[2])
	}
}

// TestResumeAfterManyOps: a client away while more operations happened than
// its send queue holds (256) resumes with all of them and is not taken for
// a slow client.
func TestResumeAfterManyOps(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{OpsPerSecond: 100000})
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	n := uuid.NewString()
	a.mustApply(createOp(n, 0, 0))
	const missed = 400
	for i := range missed {
		a.mustApply(moveOp(n, float64(i), 0))
	}

	b, rest, err := wsclient.Dial(context.Background(), srv.wsURL(id), wsclient.Hello{Client: "b", Since: 1, Epoch: a.replica.Epoch}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !b.Welcome.Resumed {
		t.Fatalf("welcome %+v, want a resume", b.Welcome)
	}
	// Every missed version comes, once, in order.
	next := uint64(2)
	b.WS.SetReadDeadline(time.Now().Add(10 * time.Second))
	for msgs := rest; next <= missed+1; {
		for _, m := range opsIn(msgs) {
			if m.Version != next {
				t.Fatalf("op version %d, want %d", m.Version, next)
			}
			next++
		}
		if next > missed+1 {
			break
		}
		if msgs, err = b.Read(); err != nil {
			t.Fatal(err)
		}
	}
	if got := slowTotal(srv); got != 0 {
		t.Errorf("%d slow-client disconnects", got)
	}
}

// TestFramesAreNotHTMLEscaped: JSON on the wire keeps <, > and & as they
// are: a frame is not HTML, and a note full of "<" would otherwise take six
// times its size in every welcome.
func TestFramesAreNotHTMLEscaped(t *testing.T) {
	srv := mustServer(t, nil, boardsync.Limits{})
	id := srv.mustBoard(t)
	a := mustDial(t, srv.wsURL(id), wsclient.Hello{Client: "a"})
	a.mustApply(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: uuid.NewString(), X: f(0), Y: f(0), Text: s("<b>&amp;</b>")}})
	ws, _, err := websocket.DefaultDialer.Dial(srv.wsURL(id), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.WriteJSON(map[string]string{"type": "hello", "client": "b"})
	_, frame, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(frame), `"text":"<b>&amp;</b>"`) || strings.Contains(string(frame), `\u003c`) {
		t.Errorf("welcome frame: %.300s", frame)
	}
}
