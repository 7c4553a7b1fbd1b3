package main

import (
	"bytes"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"corkboard/board"
	"corkboard/board/export"
	boardsync "corkboard/sync"
)

// handleExport answers GET /b/{link}/export.{format}: the board as its
// link's role may see it (board.View for nobody in particular, so a
// private note's text never leaves the server), as a file to download.
// ?version=N or ?snapshot=ID export the board as it was then (boardAt).
// ?paper=letter sets a PDF's paper, ?lang= the language of the words an
// export adds (headings, column names), which otherwise follows the page.
func handleExport(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.PathValue("file"), "export.")
		f := export.Format(name)
		if !ok || f.Extension() == "" {
			writeError(w, r, log, board.Errorf(board.ENotFound, "there is no such page"))
			return
		}
		_, b, ok := boardAt(w, r, log, hub)
		if !ok {
			return
		}
		opt := export.Options{Paper: r.URL.Query().Get("paper"), Lang: pageLang(w, r).Code}
		// Drawn in full before anything is sent, so that an error is an
		// error page, not half a file: a board is at most a few MB.
		var buf bytes.Buffer
		if err := export.Write(&buf, b, f, opt); err != nil {
			writeError(w, r, log, err)
			return
		}
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(largeAnswerWait))
		h := w.Header()
		h.Set("Content-Type", f.ContentType())
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": export.FileName(b.Title, f, b.Version)}))
		h.Set("Cache-Control", "no-store")
		// An SVG opened on its own is a document: nothing in it may run,
		// whatever a note says.
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
		w.Write(buf.Bytes())
	})
}

// handleImport answers POST /api/boards/import with a JSON export in the
// body: a new board holding what the export holds, answered like a new
// board (201, its links). A bad, truncated, oversized or hostile file is a
// 400 or 413 whose message names what is wrong, and creates nothing.
func handleImport(log *slog.Logger, hub *boardsync.Hub, proxies *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			writeError(w, r, log, board.Errorf(board.EInvalid, "the request body must be a JSON export (Content-Type: application/json)"))
			return
		}
		// The largest export: twice the largest board, for its indentation
		// and escaping (export.Import says so too).
		limit := int64(2*hub.BoardLimits().MaxBoardBytes + 64<<10)
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit)); err != nil {
			writeError(w, r, log, board.Errorf(board.ETooLarge, "the file is over %d bytes, more than any board's export", limit))
			return
		}
		imported, err := export.Import(buf.Bytes(), hub.BoardLimits())
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		b, links, err := hub.ImportBoard(r.Context(), imported)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeCreated(w, r, proxies, b, links)
	})
}
