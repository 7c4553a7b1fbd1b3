package sync_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/wsclient"
)

var seedFlag = flag.Uint64("seed", 0, "seed for TestRandomizedConvergence (0: a new one)")

// regressionSeeds are seeds that once failed; they run every time.
var regressionSeeds = []uint64{}

// TestRandomizedConvergence has several clients make random, conflicting
// edits and deletes while they randomly disconnect, reconnect, resume and
// resend, and the server now and then restarts. One of them facilitates a
// lesson at random (lock, private writing and reveals, voting rounds,
// the timer, stops), everyone votes, two of them are tabs of one person,
// and one has only the view link. At the end every client's board equals
// the server's as that person may see it, every acknowledged operation is
// in the log exactly once, and no deleted note is on the board.
func TestRandomizedConvergence(t *testing.T) {
	seeds := append([]uint64{}, regressionSeeds...)
	if *seedFlag != 0 {
		seeds = append(seeds, *seedFlag)
	} else {
		seeds = append(seeds, uint64(time.Now().UnixNano()))
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("reproduce with: go test ./sync -run TestRandomizedConvergence -seed %d", seed)
				}
			})
			runConvergence(t, seed, 6, 1500)
		})
	}
}

// fuzzClient is one simulated person: a stable client id and sequence, the
// operations not yet acknowledged, and a connection that comes and goes.
type fuzzClient struct {
	id      string
	role    board.Role
	secret  string // the participant's secret, sent in the hello
	seq     uint64
	pending []pendingOp
	conn    *wsclient.Client
	frames  chan []wsclient.Message // filled by the connection's reader
	replica wsclient.Replica
	acked   map[uint64]bool // seqs acknowledged as applied (not duplicates)
}

type pendingOp struct {
	seq uint64
	op  board.Op
}

func runConvergence(t *testing.T, seed uint64, nClients, steps int) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	// Frequent snapshots exercise snapshotting under load.
	srv := mustServer(t, nil, boardsync.Limits{SnapshotEvery: 25, OpsPerSecond: 10000})
	_, links := srv.mustBoardLinks(t)
	id := links.Facilitate

	// client-0 facilitates; client-1 and client-2 are two tabs of one
	// person; the last client has the view link.
	clients := make([]*fuzzClient, nClients)
	for i := range clients {
		c := &fuzzClient{id: fmt.Sprintf("client-%d", i), role: board.RoleEdit, secret: wsclient.NewParticipant(), acked: map[uint64]bool{}}
		switch i {
		case 0:
			c.role = board.RoleFacilitate
		case 2:
			c.secret = clients[1].secret
		case nClients - 1:
			c.role = board.RoleView
		}
		clients[i] = c
	}

	connect := func(c *fuzzClient) {
		h := wsclient.Hello{Client: c.id, Name: c.id, Participant: c.secret}
		if c.replica.Board != nil {
			h.Since, h.Epoch = c.replica.Board.Version, c.replica.Epoch
		}
		conn, rest, err := wsclient.Dial(context.Background(), srv.wsURL(links.Link(c.role)), h, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.id, err)
		}
		c.conn = conn
		c.frames = make(chan []wsclient.Message, 100000)
		frames := c.frames
		frames <- append([]wsclient.Message{conn.Welcome}, rest...)
		go func() {
			defer close(frames)
			for {
				msgs, err := conn.Read()
				if err != nil {
					return
				}
				frames <- msgs
			}
		}()
		// Resend everything not yet acknowledged, in order, with its own seq.
		for _, p := range c.pending {
			if err := conn.SendOpSeq(p.seq, p.op); err != nil {
				break // the next step will find the connection dead
			}
		}
	}
	handle := func(c *fuzzClient, msgs []wsclient.Message) {
		for _, m := range msgs {
			if err := c.replica.Apply(m); err != nil {
				t.Fatalf("%s: %v (%s %s)", c.id, err, m.Role, m.Op)
			}
			switch m.Type {
			case "ack", "reject":
				if m.Type == "ack" && !m.Duplicate {
					c.acked[m.Seq] = true
				}
				c.pending = slices.DeleteFunc(c.pending, func(p pendingOp) bool { return p.seq == m.Seq })
			case "error":
				t.Fatalf("%s: error message %s: %s", c.id, m.Code, m.Message)
			}
		}
	}
	drain := func(c *fuzzClient) {
		for {
			select {
			case msgs, ok := <-c.frames:
				if !ok {
					c.frames = nil
					return
				}
				handle(c, msgs)
			default:
				return
			}
		}
	}
	disconnect := func(c *fuzzClient) {
		c.conn.WS.Close() // abrupt: no close frame, like a dropped Wi-Fi
		for msgs := range c.frames {
			handle(c, msgs) // what had arrived before the drop
		}
		c.conn, c.frames = nil, nil
	}
	randomNote := func(c *fuzzClient) (string, bool) {
		if c.replica.Board == nil || len(c.replica.Board.Notes) == 0 {
			return "", false
		}
		notes := c.replica.Board.SortedNotes()
		return notes[rng.IntN(len(notes))].ID, true
	}
	randomStop := func(c *fuzzClient) (string, bool) {
		if c.replica.Board == nil || len(c.replica.Board.Stops) == 0 {
			return "", false
		}
		return c.replica.Board.Stops[rng.IntN(len(c.replica.Board.Stops))].ID, true
	}
	lessonOp := func(c *fuzzClient) board.Op {
		newStop := func(id string) *board.Stop {
			return &board.Stop{ID: id, Name: fmt.Sprintf("stop %d", rng.IntN(100)), X: rng.Float64() * 1000, Y: 0, W: 1600, H: 900}
		}
		stop, hasStop := randomStop(c)
		columnID := func() string {
			if cols := c.replica.Board.Columns; len(cols) > 0 && rng.IntN(4) > 0 {
				return cols[rng.IntN(len(cols))].ID
			}
			return uuid.NewString()
		}
		switch r := rng.IntN(21); {
		case r == 18:
			return board.Op{Kind: board.KindColumnAdd, Column: &board.Column{ID: uuid.NewString(), Name: fmt.Sprintf("column %d", rng.IntN(100))}}
		case r == 19:
			i := rng.IntN(3)
			return board.Op{Kind: board.KindColumnMove, ID: columnID(), Index: &i}
		case r == 20:
			return board.Op{Kind: board.KindColumnDelete, ID: columnID()}
		case r == 15:
			m := board.Moderation{Approval: rng.IntN(2) == 0, OwnNotes: rng.IntN(3) == 0, Closed: rng.IntN(6) == 0,
				Reactions: []string{board.ReactionsOn, board.ReactionsOn, board.ReactionsHidden, board.ReactionsOff}[rng.IntN(4)],
				Names:     []string{board.NamesShown, board.NamesShown, board.NamesStaff, board.NamesNone}[rng.IntN(4)]}
			if rng.IntN(2) == 0 {
				m.Filter = &board.Filter{Mode: board.FilterMask, Words: []string{"here"}}
			}
			return board.Op{Kind: board.KindModerate, Moderation: &m}
		case r == 16 || r == 17:
			op := kind([]string{board.KindApprove, board.KindReject}[r-16])
			if id, ok := randomNote(c); ok && rng.IntN(2) == 0 {
				op.ID = id
			}
			return op
		case r == 0:
			if rng.IntN(2) == 0 {
				return kind(board.KindLock)
			}
			return kind(board.KindUnlock)
		case r <= 2:
			return voteStart(1+rng.IntN(3), 1, rng.IntN(2) == 0)
		case r == 3:
			return kind(board.KindHide)
		case r == 4:
			return kind(board.KindReveal)
		case r == 5:
			return voteStart(1+rng.IntN(3), 1, rng.IntN(2) == 0)
		case r == 6:
			return kind(board.KindVoteEnd)
		case r == 7:
			return kind(board.KindVoteClear)
		case r == 8:
			return board.Op{Kind: board.KindTimerStart, Seconds: 1 + rng.IntN(600)}
		case r == 9:
			return kind([]string{board.KindTimerPause, board.KindTimerResume, board.KindTimerReset}[rng.IntN(3)])
		case r == 10 || !hasStop:
			return board.Op{Kind: board.KindStopAdd, Stop: newStop(uuid.NewString())}
		case r == 11:
			return board.Op{Kind: board.KindStopSet, Stop: newStop(stop)}
		case r == 12:
			return board.Op{Kind: board.KindStopDelete, ID: stop}
		case r == 13 && len(c.replica.Board.Deleted) > 0:
			deleted := slices.Sorted(maps.Keys(c.replica.Board.Deleted))
			return board.Op{Kind: board.KindUndelete, ID: deleted[rng.IntN(len(deleted))]}
		default:
			i := rng.IntN(len(c.replica.Board.Stops))
			return board.Op{Kind: board.KindStopMove, ID: stop, Index: &i}
		}
	}
	randomOp := func(c *fuzzClient) board.Op {
		id, ok := randomNote(c)
		if ok && (c.role == board.RoleView && rng.IntN(10) > 0 || rng.IntN(5) == 0) {
			if rng.IntN(2) == 0 {
				return board.Op{Kind: []string{board.KindReact, board.KindReact, board.KindUnreact}[rng.IntN(3)], ID: id,
					Reaction: board.Reactions[rng.IntN(2)]}
			}
			return voteOp([]string{board.KindVote, board.KindVote, board.KindUnvote}[rng.IntN(3)], id)
		}
		if c.role == board.RoleFacilitate && rng.IntN(2) == 0 {
			return lessonOp(c)
		}
		switch r := rng.IntN(100); {
		case !ok || r < 20:
			return createOp(uuid.NewString(), rng.Float64()*2000, rng.Float64()*2000)
		case r < 50:
			return moveOp(id, rng.Float64()*2000, rng.Float64()*2000)
		case r < 70:
			return textOp(id, fmt.Sprintf("%s was here %d", c.id, rng.IntN(1000)))
		case r < 78:
			colour := board.Palette[rng.IntN(len(board.Palette))]
			return board.Op{Kind: board.KindUpdate, ID: id, Set: &board.Patch{Color: &colour}}
		case r < 85:
			return deleteOp(id)
		case r < 88:
			head, _ := randomNote(c)
			if h := c.replica.Board.Notes[head]; h.Stack != "" {
				head = h.Stack // onto the stack's head, as the page does
			}
			if rng.IntN(4) == 0 {
				head = "" // taken off
			}
			return board.Op{Kind: board.KindUpdate, ID: id, Set: &board.Patch{Stack: &head}}
		case r < 90:
			text := fmt.Sprintf("%s was here %d", c.id, rng.IntN(1000))
			if cs := c.replica.Board.Notes[id].Comments; len(cs) > 0 && rng.IntN(3) == 0 {
				return board.Op{Kind: board.KindUncomment, ID: id, Comment: &board.NewComment{ID: cs[rng.IntN(len(cs))].ID}}
			}
			return board.Op{Kind: board.KindComment, ID: id, Comment: &board.NewComment{ID: uuid.NewString(), Text: &text}}
		case r < 92:
			title := fmt.Sprintf("Title by %s", c.id)
			return board.Op{Kind: board.KindRename, Title: &title}
		default:
			other, _ := randomNote(c)
			return board.Op{Kind: board.KindBatch, Ops: []board.Op{moveOp(id, 1, 2), moveOp(other, 3, 4)}}
		}
	}

	for _, c := range clients {
		connect(c)
	}
	for range steps {
		c := clients[rng.IntN(len(clients))]
		if c.conn == nil {
			if rng.IntN(3) == 0 {
				connect(c)
			}
			continue
		}
		switch r := rng.IntN(100); {
		case r < 65:
			drain(c)
			c.seq++
			op := randomOp(c)
			c.pending = append(c.pending, pendingOp{c.seq, op})
			if err := c.conn.SendOpSeq(c.seq, op); err != nil {
				disconnect(c)
			}
		case r < 72:
			disconnect(c)
		case r < 73:
			// The server restarts: everyone is told "going away", and
			// resumes from the log when they come back.
			srv.restart(t)
			for _, c := range clients {
				if c.conn != nil {
					disconnect(c)
				}
			}
		default:
			drain(c)
		}
	}

	// Everyone comes back and catches up.
	for _, c := range clients {
		if c.conn == nil {
			connect(c)
		}
	}
	// Everyone's operations are answered, then everyone catches up with
	// the board, reading what comes (a hang fails on the read deadline).
	await := func(c *fuzzClient, what string, done func() bool) {
		timeout := time.After(20 * time.Second)
		for !done() {
			select {
			case msgs, ok := <-c.frames:
				if !ok {
					t.Fatalf("%s: connection closed while waiting for %s", c.id, what)
				}
				handle(c, msgs)
			case <-timeout:
				t.Fatalf("%s: no %s after 20 s (version %d, %d pending)", c.id, what, c.replica.Board.Version, len(c.pending))
			}
		}
	}
	for _, c := range clients {
		await(c, "answers", func() bool { return len(c.pending) == 0 })
	}
	want := srv.board(t, id)
	for _, c := range clients {
		await(c, fmt.Sprintf("version %d", want.Version), func() bool { return c.replica.Board.Version == want.Version })
	}

	for _, c := range clients {
		who := board.ParticipantID(c.secret)
		mine, err := srv.hub.BoardFor(context.Background(), srv.boardID(t, id), who, c.role == board.RoleFacilitate)
		if err != nil {
			t.Fatal(err)
		}
		got := c.replica.Board.Clone()
		got.ID, got.Deleted, got.Clients = "", nil, nil
		if got, want := mustJSON(t, got), mustJSON(t, mine); got != want {
			t.Errorf("%s differs from the server's board as %s sees it:\n got %s\nwant %s", c.id, who, got, want)
		}
	}

	// Every acknowledged operation was committed exactly once, and no
	// deleted note is on the board but those brought back from the trash.
	log, err := srv.log.Read(context.Background(), srv.boardID(t, id), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	applied := map[string]int{}
	deleted := map[string]bool{}
	kinds := map[string]int{}
	for _, r := range log {
		var e boardsync.Entry
		if err := json.Unmarshal(r.Data, &e); err != nil {
			t.Fatal(err)
		}
		applied[fmt.Sprintf("%s/%d", e.Client, e.Seq)]++
		kinds[e.Op.Kind]++
		for _, op := range append([]board.Op{e.Op}, e.Op.Ops...) {
			switch op.Kind {
			case board.KindDelete:
				deleted[op.ID] = true
			case board.KindUndelete:
				delete(deleted, op.ID)
			}
		}
	}
	if uint64(len(log)) != want.Version {
		t.Errorf("%d records were committed for version %d", len(log), want.Version)
	}
	acked := 0
	for _, c := range clients {
		for seq := range c.acked {
			acked++
			if n := applied[fmt.Sprintf("%s/%d", c.id, seq)]; n != 1 {
				t.Errorf("%s op %d was acknowledged and applied %d times", c.id, seq, n)
			}
		}
	}
	for key, n := range applied {
		if n != 1 {
			t.Errorf("%s applied %d times", key, n)
		}
	}
	for nid := range deleted {
		if _, ok := want.Notes[nid]; ok {
			t.Errorf("deleted note %s is on the board", nid)
		}
	}
	t.Logf("seed %d: %d versions, %d acknowledged, %d notes, %d deleted; by kind %v", seed, want.Version, acked, len(want.Notes), len(deleted), kinds)
}
