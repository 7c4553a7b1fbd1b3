package logtest

import (
	"context"
	"errors"
	"fmt"
	stdsync "sync"
	"testing"

	"corkboard/board"
	boardsync "corkboard/sync"
)

// Run runs the suite. open returns a new, empty log; reopen, if not nil,
// closes a log and opens the same data again, for logs that persist.
func Run(t *testing.T, open func(t *testing.T) boardsync.Log, reopen func(t *testing.T, l boardsync.Log) boardsync.Log) {
	ctx := context.Background()
	rec := func(v uint64) boardsync.Record {
		return boardsync.Record{Version: v, Data: fmt.Appendf(nil, `{"version":%d}`, v)}
	}
	recs := func(from, to uint64) []boardsync.Record {
		var out []boardsync.Record
		for v := from; v <= to; v++ {
			out = append(out, rec(v))
		}
		return out
	}
	mustCreate := func(t *testing.T, l boardsync.Log, id string) {
		t.Helper()
		if err := l.Create(ctx, id, []byte(`snap-`+id)); err != nil {
			t.Fatal(err)
		}
	}
	mustAppend := func(t *testing.T, l boardsync.Log, id string, after, to uint64) boardsync.Position {
		t.Helper()
		p, err := l.Append(ctx, id, boardsync.Batch{After: after, Records: recs(after+1, to), Key: fmt.Sprintf("k%d", after+1)})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// versions reads the whole log and returns its versions, checking
	// that each record holds what was appended.
	versions := func(t *testing.T, l boardsync.Log, id string, from uint64, limit int) string {
		t.Helper()
		log, err := l.Read(ctx, id, from, limit)
		if err != nil {
			t.Fatal(err)
		}
		var vs []uint64
		for _, r := range log {
			if string(r.Data) != fmt.Sprintf(`{"version":%d}`, r.Version) {
				t.Errorf("record %d holds %q", r.Version, r.Data)
			}
			vs = append(vs, r.Version)
		}
		return fmt.Sprint(vs)
	}
	a, b := board.NewID(), board.NewID()

	t.Run("create", func(t *testing.T) {
		l := open(t)
		mustCreate(t, l, a)
		s, err := l.Snapshot(ctx, a)
		if err != nil || s.Version != 0 || string(s.Data) != "snap-"+a {
			t.Errorf("first snapshot: %+v %v", s, err)
		}
		if got := versions(t, l, a, 1, 0); got != "[]" {
			t.Errorf("a new board's log: %s", got)
		}
		if err := l.Create(ctx, a, []byte("again")); board.ErrorCode(err) != board.EConflict {
			t.Errorf("second create: %v, want conflict", err)
		}
		for name, err := range map[string]error{
			"snapshot": func() error { _, err := l.Snapshot(ctx, b); return err }(),
			"read":     func() error { _, err := l.Read(ctx, b, 1, 0); return err }(),
			"append":   func() error { _, err := l.Append(ctx, b, boardsync.Batch{Records: recs(1, 1)}); return err }(),
			"epoch":    func() error { _, err := l.BeginEpoch(ctx, b, 0); return err }(),
			"save":     l.SaveSnapshot(ctx, b, boardsync.Snapshot{Data: []byte("x")}),
		} {
			if board.ErrorCode(err) != board.ENotFound {
				t.Errorf("%s of an unknown board: %v, want not found", name, err)
			}
		}
	})

	t.Run("append and read", func(t *testing.T) {
		l := open(t)
		mustCreate(t, l, a)
		mustCreate(t, l, b)
		if p := mustAppend(t, l, a, 0, 3); p != (boardsync.Position{First: 1, Last: 3}) {
			t.Errorf("position %+v", p)
		}
		mustAppend(t, l, b, 0, 1)
		mustAppend(t, l, a, 3, 4)
		for _, c := range []struct {
			id    string
			from  uint64
			limit int
			want  string
		}{
			{a, 0, 0, "[1 2 3 4]"}, {a, 1, 0, "[1 2 3 4]"}, {a, 3, 0, "[3 4]"}, {a, 2, 2, "[2 3]"},
			{a, 4, 10, "[4]"}, {a, 5, 0, "[]"}, {a, 99, 0, "[]"}, {b, 1, 0, "[1]"},
		} {
			if got := versions(t, l, c.id, c.from, c.limit); got != c.want {
				t.Errorf("read from %d, limit %d: %s, want %s", c.from, c.limit, got, c.want)
			}
		}
	})

	t.Run("a bad batch writes nothing", func(t *testing.T) {
		l := open(t)
		mustCreate(t, l, a)
		mustAppend(t, l, a, 0, 2)
		for name, batch := range map[string]boardsync.Batch{
			"empty":         {After: 2},
			"gap":           {After: 2, Records: []boardsync.Record{rec(4)}},
			"out of order":  {After: 2, Records: []boardsync.Record{rec(4), rec(3)}},
			"wrong numbers": {After: 2, Records: []boardsync.Record{rec(2)}},
		} {
			if _, err := l.Append(ctx, a, batch); board.ErrorCode(err) != board.EInvalid {
				t.Errorf("%s: %v, want invalid", name, err)
			}
		}
		if got := versions(t, l, a, 1, 0); got != "[1 2]" {
			t.Errorf("after bad batches: %s", got)
		}
	})

	t.Run("conflict", func(t *testing.T) {
		l := open(t)
		mustCreate(t, l, a)
		mustAppend(t, l, a, 0, 3)
		for _, after := range []uint64{1, 5} {
			_, err := l.Append(ctx, a, boardsync.Batch{After: after, Records: recs(after+1, after+1), Key: "other"})
			var c *boardsync.Conflict
			if !errors.As(err, &c) {
				t.Fatalf("append after %d: %v, want a conflict", after, err)
			}
			if c.Last != 3 {
				t.Errorf("conflict says last %d, want 3", c.Last)
			}
			want := map[uint64]int{1: 2, 5: 0}[after]
			if len(c.Missed) != want || (want > 0 && c.Missed[0].Version != 2) {
				t.Errorf("after %d: missed %v, want %d records from version 2", after, c.Missed, want)
			}
		}
		if got := versions(t, l, a, 1, 0); got != "[1 2 3]" {
			t.Errorf("after conflicts: %s", got)
		}
	})

	t.Run("resend with the same key", func(t *testing.T) {
		l := open(t)
		mustCreate(t, l, a)
		batch := boardsync.Batch{After: 0, Records: recs(1, 2), Key: "e1.1:1"}
		first, err := l.Append(ctx, a, batch)
		if err != nil {
			t.Fatal(err)
		}
		again, err := l.Append(ctx, a, batch)
		if err != nil {
			t.Fatal(err)
		}
		if want := (boardsync.Position{First: 1, Last: 2, Duplicate: true}); again != want || first.Duplicate {
			t.Errorf("resend: %+v then %+v, want %+v", first, again, want)
		}
		if reopen != nil {
			l = reopen(t, l)
			if again, err := l.Append(ctx, a, batch); err != nil || !again.Duplicate {
				t.Errorf("resend after reopening: %+v %v", again, err)
			}
		}
		if got := versions(t, l, a, 1, 0); got != "[1 2]" {
			t.Errorf("after the resend: %s", got)
		}
	})

	t.Run("snapshots keep every record", func(t *testing.T) {
		l := open(t)
		mustCreate(t, l, a)
		mustCreate(t, l, b)
		mustAppend(t, l, a, 0, 10)
		mustAppend(t, l, b, 0, 2)
		if err := l.SaveSnapshot(ctx, a, boardsync.Snapshot{Version: 8, Data: []byte("s8")}); err != nil {
			t.Fatal(err)
		}
		mustAppend(t, l, a, 10, 12)
		if err := l.SaveSnapshot(ctx, a, boardsync.Snapshot{Version: 12, Data: []byte("s12")}); err != nil {
			t.Fatal(err)
		}
		// An older snapshot arriving late does not replace a newer one.
		if err := l.SaveSnapshot(ctx, a, boardsync.Snapshot{Version: 9, Data: []byte("s9")}); err != nil {
			t.Fatal(err)
		}
		if err := l.SaveSnapshot(ctx, a, boardsync.Snapshot{Version: 13, Data: []byte("ahead")}); err == nil {
			t.Error("a snapshot ahead of the log was saved")
		}
		check := func(t *testing.T, l boardsync.Log, wantB string) {
			t.Helper()
			if s, err := l.Snapshot(ctx, a); err != nil || s.Version != 12 || string(s.Data) != "s12" {
				t.Errorf("snapshot %+v %v", s, err)
			}
			if got := versions(t, l, a, 1, 0); got != "[1 2 3 4 5 6 7 8 9 10 11 12]" {
				t.Errorf("board a: %s", got)
			}
			if got := versions(t, l, a, 7, 3); got != "[7 8 9]" {
				t.Errorf("board a from 7: %s", got)
			}
			if got := versions(t, l, b, 1, 0); got != wantB {
				t.Errorf("board b: %s, want %s", got, wantB)
			}
		}
		check(t, l, "[1 2]")
		mustAppend(t, l, b, 2, 3)
		if reopen != nil {
			l = reopen(t, l)
			check(t, l, "[1 2 3]")
			mustAppend(t, l, a, 12, 13)
			if got := versions(t, l, a, 11, 0); got != "[11 12 13]" {
				t.Errorf("an append after reopening: %s", got)
			}
		}
	})

	t.Run("epochs", func(t *testing.T) {
		l := open(t)
		mustCreate(t, l, a)
		epochs, err := l.BeginEpoch(ctx, a, 0)
		if err != nil || len(epochs) != 1 || epochs[0].First != 1 || epochs[0].Name == "" {
			t.Fatalf("first epoch: %+v %v", epochs, err)
		}
		first := epochs[0]
		mustAppend(t, l, a, 0, 5)
		if _, err := l.BeginEpoch(ctx, a, 3); !errors.As(err, new(*boardsync.Conflict)) {
			t.Errorf("an epoch behind the log: %v, want a conflict", err)
		}
		if reopen != nil {
			l = reopen(t, l)
		}
		epochs, err = l.BeginEpoch(ctx, a, 5)
		if err != nil || len(epochs) != 2 || epochs[0] != first || epochs[1].First != 6 || epochs[1].Name == first.Name {
			t.Fatalf("second epoch: %+v %v", epochs, err)
		}
		// Epochs never repeat a name, even when no version came between.
		again, err := l.BeginEpoch(ctx, a, 5)
		if err != nil || len(again) != 3 || again[2].Name == epochs[1].Name {
			t.Fatalf("third epoch: %+v %v", again, err)
		}
		for range boardsync.MaxEpochs + 3 {
			again, err = l.BeginEpoch(ctx, a, 5)
			if err != nil {
				t.Fatal(err)
			}
		}
		if len(again) != boardsync.MaxEpochs {
			t.Errorf("%d epochs kept, want %d", len(again), boardsync.MaxEpochs)
		}
	})

	t.Run("loaded bytes are copies", func(t *testing.T) {
		l := open(t)
		mustCreate(t, l, a)
		mustAppend(t, l, a, 0, 1)
		s, _ := l.Snapshot(ctx, a)
		log, _ := l.Read(ctx, a, 1, 0)
		s.Data[0], log[0].Data[0] = 'X', 'X'
		if s, _ := l.Snapshot(ctx, a); string(s.Data) != "snap-"+a {
			t.Errorf("changing a snapshot's bytes changed the log: %q", s.Data)
		}
		if got := versions(t, l, a, 1, 0); got != "[1]" {
			t.Errorf("changing read bytes changed the log: %s", got)
		}
	})

	t.Run("concurrent appends to many boards", func(t *testing.T) {
		l := open(t)
		const boards, batches = 20, 10
		ids := make([]string, boards)
		for i := range ids {
			ids[i] = board.NewID()
			mustCreate(t, l, ids[i])
		}
		var wg stdsync.WaitGroup
		errs := make(chan error, boards)
		for _, id := range ids {
			wg.Go(func() {
				for i := range uint64(batches) {
					if _, err := l.Append(ctx, id, boardsync.Batch{After: 2 * i, Records: recs(2*i+1, 2*i+2)}); err != nil {
						errs <- err
						return
					}
					if i == batches/2 {
						if err := l.SaveSnapshot(ctx, id, boardsync.Snapshot{Version: 2*i + 2, Data: []byte("mid")}); err != nil {
							errs <- err
							return
						}
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if reopen != nil {
			l = reopen(t, l)
		}
		for _, id := range ids {
			if got := versions(t, l, id, 1, 0); got != fmt.Sprint(seq(1, 2*batches)) {
				t.Fatalf("board %s: %s", id, got)
			}
		}
	})
}

func seq(from, to uint64) []uint64 {
	var out []uint64
	for v := from; v <= to; v++ {
		out = append(out, v)
	}
	return out
}
