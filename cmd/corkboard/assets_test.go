package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"corkboard/assets"
)

// TestAssets: an embedded file is served gzipped to a client that accepts
// gzip and as it is to one that does not, each with its own ETag that a
// revalidation answers with 304; the board page preloads every module its
// script imports.
func TestAssets(t *testing.T) {
	srv := mustTestServer(t)
	// A transport that leaves Accept-Encoding and the body as they are.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(path string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	want, err := fs.ReadFile(assets.FS, "stacks.js")
	if err != nil {
		t.Fatal(err)
	}

	resp, body := get("/assets/stacks.js", "Accept-Encoding", "br, gzip, deflate")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Vary") != "Accept-Encoding" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("gzip asked for: %d %v", resp.StatusCode, resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("the gzipped file reads back as %d bytes (%v), want the %d of stacks.js", len(got), err, len(want))
	}
	if len(body) >= len(want)/2 {
		t.Errorf("gzipped stacks.js is %d bytes of %d", len(body), len(want))
	}
	gzTag := resp.Header.Get("ETag")

	for _, accept := range []string{"", "identity", "gzip;q=0", "deflate, gzip; q=0.0"} {
		resp, body := get("/assets/stacks.js", "Accept-Encoding", accept)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, want) {
			t.Errorf("Accept-Encoding %q: %d %v, %d bytes", accept, resp.StatusCode, resp.Header, len(body))
		}
		if tag := resp.Header.Get("ETag"); tag == "" || tag == gzTag {
			t.Errorf("Accept-Encoding %q: ETag %q beside the gzipped one's %q", accept, tag, gzTag)
		}
	}
	rawTag := func() string { resp, _ := get("/assets/stacks.js"); return resp.Header.Get("ETag") }()
	if resp, body := get("/assets/stacks.js", "Accept-Encoding", "gzip", "If-None-Match", gzTag); resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("revalidating the gzipped file: %d, %d bytes", resp.StatusCode, len(body))
	}
	if resp, _ := get("/assets/stacks.js", "If-None-Match", rawTag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidating the file: %d", resp.StatusCode)
	}
	if resp, _ := get("/assets/stacks.js", "Accept-Encoding", "gzip", "If-None-Match", rawTag); resp.StatusCode != 200 {
		t.Errorf("the plain file's ETag answered for the gzipped one: %d", resp.StatusCode)
	}
	if resp, _ := get("/assets/nothing.js", "Accept-Encoding", "gzip"); resp.StatusCode != 404 {
		t.Errorf("a file that is not there: %d", resp.StatusCode)
	}

	created := mustCreateBoard(t, srv.URL, "Preloads")
	_, page := get("/b/" + created.facilitate())
	for _, m := range append([]string{"board.js"}, assets.Modules("board.js")...) {
		if !bytes.Contains(page, []byte(`<link rel="modulepreload" href="/assets/`+m+`">`)) {
			t.Errorf("the board page does not preload %s", m)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                      false,
		"gzip":                  true,
		"GZIP":                  true,
		"gzip, deflate, br":     true,
		"br;q=1.0, gzip;q=0.8":  true,
		"*":                     true,
		"identity":              false,
		"gzip;q=0":              false,
		"gzip; q=0.000":         false,
		"gzip;q=0.001":          true,
		"deflate, x-gzip;q=0.5": true,
		"gzip;\tq=0":            false,
		"gzip;level=1;q=0":      false,
		"*;q=0, gzip":           true,
		"gzip;q=0, *":           false,
		"*;q=0":                 false,
		"gzip;q=abc":            false,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}
