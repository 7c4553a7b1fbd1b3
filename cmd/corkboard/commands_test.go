package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/sync/wsclient"
)

// A backup taken from the running server while boards are being written
// holds every operation acknowledged before it began, and opens as a
// database; `corkboard export`, `import` and `backup` then work on the
// files with the server stopped, and refuse a file in use.
func TestBackupAndCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "corkboard.db")
	const token = "a-long-operator-token"
	p := mustStart(t, db, "-backup-token", token)

	// Writers on three boards, each counting what was acknowledged.
	type writer struct {
		link  string
		mu    stdsync.Mutex
		acked []string // note ids, in the order they were acknowledged
	}
	writers := make([]*writer, 3)
	ctx, stop := context.WithCancel(context.Background())
	var wg stdsync.WaitGroup
	for i := range writers {
		w := &writer{link: mustCreateBoard(t, p.url, fmt.Sprintf("Board %d", i)).facilitate()}
		writers[i] = w
		c, _, err := wsclient.Dial(context.Background(), p.wsURL(w.link), wsclient.Hello{Client: "w"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		wg.Go(func() {
			sent := map[uint64]string{}
			for ctx.Err() == nil {
				id := uuid.NewString()
				x, y := 0.0, 0.0
				seq, err := c.SendOp(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: id, X: &x, Y: &y}})
				if err != nil {
					return
				}
				sent[seq] = id
				for acked := false; !acked; {
					msgs, err := c.Read()
					if err != nil {
						return
					}
					for _, m := range msgs {
						if m.Type == "ack" && m.Seq == seq {
							w.mu.Lock()
							w.acked = append(w.acked, sent[seq])
							w.mu.Unlock()
							acked = true
						}
					}
				}
			}
		})
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no %s after 30 s", what)
			}
		}
	}
	waitFor("writes", func() bool {
		w := writers[0]
		w.mu.Lock()
		defer w.mu.Unlock()
		return len(w.acked) >= 20
	})

	// Without the token, nothing; with it, the copy, taken mid-write.
	get := func(auth string) *http.Response {
		req, _ := http.NewRequest("GET", p.url+"/admin/backup", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for _, auth := range []string{"", "Bearer wrong-token-of-some-length", token} {
		resp := get(auth)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a backup with %q: %d", auth, resp.StatusCode)
		}
	}
	before := make([][]string, len(writers))
	for i, w := range writers {
		w.mu.Lock()
		before[i] = append([]string(nil), w.acked...)
		w.mu.Unlock()
	}
	resp := get("Bearer " + token)
	copyPath := filepath.Join(dir, "backup.db")
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(data) == 0 {
		t.Fatalf("backup: %d, %d bytes", resp.StatusCode, len(data))
	}
	os.WriteFile(copyPath, data, 0o600)
	stop()
	wg.Wait()

	// The copy opens and holds everything acknowledged before it began.
	for i, w := range writers {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"export", "-db", copyPath, "-board", w.link, "-format", "json"}, nil, &out, io.Discard); err != nil {
			t.Fatalf("export from the backup: %v", err)
		}
		for _, id := range before[i] {
			if !strings.Contains(out.String(), id) {
				t.Fatalf("board %d: note %s was acknowledged before the backup and is not in it", i, id)
			}
		}
	}
	store, err := boltstore.Open(copyPath, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Check(); err != nil {
		t.Errorf("the backup fails bbolt's check: %v", err)
	}
	store.Close()

	// The live file is in use: commands say so.
	if err := run(context.Background(), []string{"backup", "-db", db, "-o", filepath.Join(dir, "x.db")}, nil, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("a backup of the file in use: %v", err)
	}
	p.cmd.Process.Signal(os.Interrupt)
	<-p.done

	// Offline: export, import, backup.
	var exported bytes.Buffer
	if err := run(context.Background(), []string{"export", "-db", db, "-board", writers[1].link}, nil, &exported, io.Discard); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "board.json")
	os.WriteFile(file, exported.Bytes(), 0o600)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"import", "-db", db, file}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "facilitate /b/") {
		t.Fatalf("import: %v %s", err, out.String())
	}
	link := strings.TrimSpace(strings.SplitAfter(strings.Split(out.String(), "\n")[1], "/b/")[1])
	var again bytes.Buffer
	if err := run(context.Background(), []string{"export", "-db", db, "-board", link}, nil, &again, io.Discard); err != nil || again.Len() == 0 {
		t.Fatalf("export of the imported board: %v", err)
	}
	if err := run(context.Background(), []string{"backup", "-db", db, "-o", filepath.Join(dir, "offline.db")}, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"export", "-db", filepath.Join(dir, "missing.db"), "-board", link},
		{"export", "-db", db, "-board", "nope"},
		{"export", "-db", db, "-board", link, "-format", "doc"},
		{"import", "-db", db, filepath.Join(dir, "x.db")},
	} {
		if err := run(context.Background(), args, nil, io.Discard, io.Discard); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// `corkboard export -version` and `-snapshot` write a board as it was;
// `corkboard drop-history` drops old operations and keeps the snapshots.
func TestHistoryCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "corkboard.db")
	store, err := boltstore.Open(db, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hub := boardsync.NewHub(boardsync.Config{Log: store})
	srv := httptest.NewServer(NewServer(slog.New(slog.DiscardHandler), hub, prometheus.NewRegistry(), nil))
	created := mustCreateBoard(t, srv.URL, "Lesson 3")
	note := func(id, text string) board.Op {
		return board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: id, X: ptr(0.0), Y: ptr(0.0), Text: ptr(text)}}
	}
	mustApply(t, created.WebSocket, []board.Op{note(uuid.NewString(), "version one")})
	status, body := do(t, "POST", srv.URL+"/api/boards/"+created.facilitate()+"/history", `{"name":"After one"}`)
	var kept boardsync.Kept
	if json.Unmarshal(body, &kept); status != http.StatusCreated {
		t.Fatalf("keeping: %d %s", status, body)
	}
	mustApply(t, created.WebSocket, []board.Op{note(uuid.NewString(), "version two")})
	srv.Close()
	hub.Shutdown(context.Background())
	store.Close()

	export := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"export", "-db", db, "-board", created.facilitate(), "-format", "md"}, args...), nil, &out, io.Discard)
		return out.String(), err
	}
	for _, tt := range []struct {
		args      []string
		has, hasn string
	}{
		{nil, "version two", ""},
		{[]string{"-version", "1"}, "version one", "version two"},
		{[]string{"-snapshot", kept.ID}, "version one", "version two"},
	} {
		got, err := export(tt.args...)
		if err != nil || !strings.Contains(got, tt.has) || tt.hasn != "" && strings.Contains(got, tt.hasn) {
			t.Errorf("export %v: %v\n%s", tt.args, err, got)
		}
	}
	for _, bad := range [][]string{{"-version", "-5"}, {"-version", "9"}, {"-snapshot", "nonesuch"}, {"-version", "1", "-snapshot", kept.ID}} {
		if _, err := export(bad...); err == nil {
			t.Errorf("export %v: no error", bad)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"drop-history", "-db", db, "-days", "1"}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "dropped") {
		t.Errorf("drop-history: %v %s", err, out.String())
	}
	if err := run(context.Background(), []string{"drop-history", "-db", db}, nil, io.Discard, io.Discard); err == nil {
		t.Error("drop-history without -days: no error")
	}
	// Nothing was older than a day: every version is still there.
	if got, err := export("-version", "1"); err != nil || !strings.Contains(got, "version one") {
		t.Errorf("after drop-history: %v %s", err, got)
	}
}
