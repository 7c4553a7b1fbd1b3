package assets

import (
	"os"
	"os/exec"
	"strings"
	"testing"
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
