package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"corkboard/board"
	"corkboard/sync/wsclient"
)

// built is the corkboard command, built with the race detector when a
// test first runs the real thing (the browser tests never do).
var built struct {
	once stdsync.Once
	dir  string
	path string
	err  error
}

// mustBinary returns the path of the corkboard command, building it once.
func mustBinary(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "corkboard-test"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "corkboard")
		if out, err := exec.Command("go", "build", "-race", "-o", built.path, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatalf("building corkboard: %v", built.err)
	}
	return built.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopChromium()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// process is a running corkboard binary.
type process struct {
	cmd  *exec.Cmd
	url  string
	logs *logBuffer
	done chan error
}

// logBuffer holds what a process printed; safe to read while it prints.
type logBuffer struct {
	mu stdsync.Mutex
	b  strings.Builder
}

func (l *logBuffer) WriteString(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listening = regexp.MustCompile(`url=(http://\S+)`)

// mustStart runs the binary on a free loopback port with the given database
// and waits until /healthz answers.
func mustStart(t *testing.T, db string, args ...string) *process {
	t.Helper()
	return startProcess(t, exec.Command(mustBinary(t), append([]string{"serve", "-addr", "127.0.0.1:0", "-db", db}, args...)...))
}

// startProcess starts a command that runs the binary and waits until it
// serves.
func startProcess(t *testing.T, cmd *exec.Cmd) *process {
	t.Helper()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, logs: &logBuffer{}, done: make(chan error, 1)}
	urlCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.logs.WriteString(sc.Text() + "\n")
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				urlCh <- m[1]
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
	})
	select {
	case p.url = <-urlCh:
	case err := <-p.done:
		t.Fatalf("corkboard exited: %v\n%s", err, p.logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("corkboard did not start:\n%s", p.logs)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		resp, err := http.Get(p.url + "/healthz")
		if err == nil && resp.StatusCode == 200 {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz never answered: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p
}

func (p *process) wsURL(id string) string {
	return "ws" + strings.TrimPrefix(p.url, "http") + "/ws/" + id
}

func mustCreateBoard(t testing.TB, base, title string) boardCreated {
	t.Helper()
	resp, err := http.Post(base+"/api/boards", "application/json", strings.NewReader(`{"title":`+jsonString(title)+`}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST /api/boards: %d %s", resp.StatusCode, body)
	}
	var b boardCreated
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
		t.Fatal(err)
	}
	return b
}

// facilitate returns the created board's facilitate link.
func (b boardCreated) facilitate() string { return path.Base(b.URL) }

func jsonString(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte(strings.Repeat("this is not bbolt ", 500)), 0o600)
	noenv := func(string) string { return "" }
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"explode"}, `unknown command "explode"`},
		{"bad flag", []string{"serve", "-nope"}, "flag provided but not defined"},
		{"not a database", []string{"serve", "-addr", "127.0.0.1:0", "-db", garbage}, "not a Corkboard database"},
		{"ping longer than pong", []string{"-ping-period", "2m"}, "must be shorter"},
		{"no commit interval", []string{"-commit-interval", "0s"}, "must be above 0"},
		{"commit interval too long", []string{"-commit-interval", "5s"}, "at most 1s"},
		{"bad address", []string{"-addr", "nowhere:99999", "-db", filepath.Join(dir, "x.db")}, "99999"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, noenv, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestDamagedDatabase: a real database cut short (a full disk, an
// interrupted copy) stops the server at once with a clear message, not a
// crash inside bbolt, and the file stays as it was for whoever repairs it.
func TestDamagedDatabase(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full.db")
	p := mustStart(t, full)
	for range 30 {
		created := mustCreateBoard(t, p.url, strings.Repeat("A board with a long title ", 5))
		c, _, err := wsclient.Dial(context.Background(), p.wsURL(created.facilitate()), wsclient.Hello{Client: "c"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			if _, err := c.SendOp(board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: uuid.NewString(), X: new(10.0), Y: new(20.0), Text: new(strings.Repeat("note text ", 40))}}); err != nil {
				t.Fatal(err)
			}
		}
		for acks := 0; acks < 20; {
			msgs, err := c.Read()
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range msgs {
				if m.Type == "ack" {
					acks++
				}
			}
		}
		c.Close()
	}
	p.cmd.Process.Signal(os.Interrupt)
	<-p.done
	data, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	// bbolt grows the file ahead of what it holds: cut it within the
	// pages that hold something.
	used := len(bytes.TrimRight(data, "\x00"))
	for _, frac := range []int{2, 8} {
		cut := filepath.Join(dir, fmt.Sprintf("cut-%d.db", frac))
		os.WriteFile(cut, data[:used/frac], 0o600)
		// A server that opened the file would run until killed: bound it.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		out, err := exec.CommandContext(ctx, mustBinary(t), "-addr", "127.0.0.1:0", "-db", cut).CombinedOutput()
		cancel()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "damaged") || strings.Contains(string(out), "goroutine") {
			t.Errorf("1/%d of the file: %v\n%s", frac, err, out)
		}
		if after, _ := os.ReadFile(cut); string(after) != string(data[:used/frac]) {
			t.Errorf("1/%d of the file: the file changed", frac)
		}
	}
}

func TestSecondProcessOnSameFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "corkboard.db")
	mustStart(t, db)
	out, err := exec.Command(mustBinary(t), "-addr", "127.0.0.1:0", "-db", db).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "in use by another process") {
		t.Errorf("second process: %v\n%s", err, out)
	}
}

func TestEnvironment(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sub", "env.db")
	env := map[string]string{"CORKBOARD_ADDR": "127.0.0.1:0", "CORKBOARD_DB": db}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, func(k string) string { return env[k] }, pw, io.Discard); pw.Close() }()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "listening") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if _, err := os.Stat(db); err != nil {
		t.Errorf("CORKBOARD_DB was not used: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("shutdown: %v", err)
	}
}
