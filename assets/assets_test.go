package assets

import (
	"io/fs"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"corkboard/board"
)

// TestClientLogic runs the browser's pure logic tests (every *.test.mjs
// here: state, socket and render) in node, when node is installed. With
// CORKBOARD_REQUIRE_NODE set (as it is in CI), a missing node fails
// instead, so CI cannot pass without them.
func TestClientLogic(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CORKBOARD_REQUIRE_NODE") != "" {
			t.Fatal("node is not installed and CORKBOARD_REQUIRE_NODE is set")
		}
		t.Skip("SKIPPED: node is not installed, so the client logic tests (assets/*.test.mjs) did not run")
	}
	out, err := exec.Command(node, "--test", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "# fail 0") {
		t.Fatalf("unexpected node output:\n%s", out)
	}
}

// TestModules: every sibling a module names ("./x.js") is among its
// imports, so a page's modulepreload links leave none to be found late;
// and the board page's graph reaches the modules only other modules
// import.
func TestModules(t *testing.T) {
	quoted := regexp.MustCompile(`"\./([A-Za-z0-9_.-]+\.js)"`)
	names, err := fs.Glob(FS, "*.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		src, _ := fs.ReadFile(FS, name)
		for _, m := range quoted.FindAllSubmatch(src, -1) {
			if !slices.Contains(graph()[name], string(m[1])) {
				t.Errorf("%s names %s, but it is not among its imports", name, m[1])
			}
			if _, err := fs.Stat(FS, string(m[1])); err != nil {
				t.Errorf("%s imports %s, which is not embedded", name, m[1])
			}
		}
	}
	got := Modules("board.js")
	for _, want := range []string{"state.js", "conversation.js", "layout.js", "editor.js"} {
		if !slices.Contains(got, want) {
			t.Errorf("Modules(board.js) = %v, missing %s", got, want)
		}
	}
	if slices.Contains(got, "board.js") || slices.Contains(got, "home.js") {
		t.Errorf("Modules(board.js) = %v: the entry, or a module it does not import", got)
	}
	if got := Modules("nothing.js"); len(got) != 0 {
		t.Errorf("Modules(nothing.js) = %v", got)
	}
}

// TestTrashHolds: the page knows how many deleted notes a trash keeps
// (state.js's trashHolds), to undo a larger delete without it.
func TestTrashHolds(t *testing.T) {
	src, err := fs.ReadFile(FS, "state.js")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`export const trashHolds = (\d+);`).FindSubmatch(src)
	if m == nil || string(m[1]) != strconv.Itoa(board.MaxTrash) {
		t.Errorf("state.js's trashHolds is %q, want board.MaxTrash, %d", m, board.MaxTrash)
	}
}
