package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestLoadAgainstRelay runs a small load against the bare relay, end to end:
// boards created over HTTP, clients over WebSockets, every operation
// delivered once to every other client and acknowledged.
func TestLoadAgainstRelay(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- serveRelay(ctx, ln, &bytes.Buffer{}) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("relay: %v", err)
		}
	}()
	base := "http://" + ln.Addr().String()

	resp, err := http.Get(base + "/api/boards/nosuchboard")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown board: %s, want 404", resp.Status)
	}

	var out, logs bytes.Buffer
	err = run(ctx, []string{"-url", base, "-boards", "3", "-clients", "4", "-writers", "2", "-rate", "50",
		"-warmup", "200ms", "-duration", "1s"}, &out, &logs)
	if err != nil {
		t.Fatalf("run: %v\n%s\n%s", err, out.String(), logs.String())
	}
	report := out.String()
	for _, want := range []string{"lost ops        0\n", "duplicated ops  0\n", "targets         met\n"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	// 3 boards x 2 writers x 50/s, each delivered to 3 others: about 900/s.
	if strings.Contains(report, "deliveries      0 ") {
		t.Errorf("nothing delivered:\n%s", report)
	}
}
