package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"corkboard/assets"
	"corkboard/board"
)

// asset is one embedded file as it is served: its bytes, gzipped once
// (when that makes it smaller), and an ETag for each.
type asset struct {
	raw, gz       []byte
	etag, gzipTag string
}

// embedded holds every file of assets.FS by its path under /assets. The
// files never change while the server runs, so each is hashed and
// compressed once, not on every request: thirty phones opening the board
// at once cost the server thirty copies, not thirty compressions, and
// fetch a quarter of the bytes over the classroom's Wi-Fi.
var embedded = sync.OnceValue(func() map[string]asset {
	files := map[string]asset{}
	fs.WalkDir(assets.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, err := fs.ReadFile(assets.FS, p)
		if err != nil {
			return nil
		}
		sum := sha256.Sum256(data)
		a := asset{raw: data, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(data)
		zw.Close()
		if buf.Len() < len(data) {
			a.gz = buf.Bytes()
			a.gzipTag = `"` + hex.EncodeToString(sum[:8]) + `-gz"`
		}
		files["/"+p] = a
		return nil
	})
	return files
})

// handleAssets serves the embedded files, gzipped to a browser that
// accepts it, with an ETag made from their content, so browsers
// revalidate cheaply and never run a stale script after an upgrade.
func handleAssets(log *slog.Logger) http.Handler {
	files := embedded()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Clean(strings.TrimPrefix(r.URL.Path, "/assets"))
		a, ok := files[name]
		if !ok {
			writeError(w, r, log, board.Errorf(board.ENotFound, "There is nothing at this address."))
			return
		}
		h := w.Header()
		h.Set("Cache-Control", "no-cache")
		h.Set("Vary", "Accept-Encoding")
		body, etag := a.raw, a.etag
		if a.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = a.gz, a.gzipTag
			h.Set("Content-Encoding", "gzip")
		}
		h.Set("ETag", etag)
		// ServeContent answers If-None-Match with 304 and names the type
		// by the file's extension.
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
	})
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip: it
// names gzip (or x-gzip) with a weight above zero, or, naming neither,
// * so.
func acceptsGzip(header string) bool {
	gzip, star := -1, -1 // each one's weight in thousandths; -1 if absent
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		w := 1000
		for param := range strings.SplitSeq(params, ";") {
			name, value, _ := strings.Cut(param, "=")
			if !strings.EqualFold(strings.TrimSpace(name), "q") {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err != nil || f < 0 || f > 1 {
				w = -1
				break
			}
			w = int(f * 1000)
		}
		if w < 0 {
			continue // a weight that is not one: the coding is not named
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip", "x-gzip":
			gzip = w
		case "*":
			star = w
		}
	}
	if gzip < 0 {
		return star > 0
	}
	return gzip > 0
}
