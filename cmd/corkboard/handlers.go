package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"corkboard/assets"
	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/views"
)

// maxAPIBody bounds JSON request bodies; a title is all they carry for now.
const maxAPIBody = 64 << 10

// pageLang picks the interface language: ?lang= (remembered in a cookie),
// then the cookie, then the browser's Accept-Language.
func pageLang(w http.ResponseWriter, r *http.Request) views.Lang {
	if code := r.URL.Query().Get("lang"); code != "" {
		if l, ok := views.LangByCode(code); ok {
			http.SetCookie(w, &http.Cookie{Name: "lang", Value: l.Code, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
			return l
		}
	}
	if c, err := r.Cookie("lang"); err == nil {
		if l, ok := views.LangByCode(c.Value); ok {
			return l
		}
	}
	return views.NegotiateLang(r.Header.Get("Accept-Language"))
}

func handleHome() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		renderPage(w, r, http.StatusOK, views.Home(views.HomePage{Lang: pageLang(w, r), Path: "/"}))
	})
}

// handleCreateBoardForm serves the home page's form: it creates a board and
// sends the browser to it.
func handleCreateBoardForm(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
		lang := pageLang(w, r)
		title := strings.TrimSpace(r.PostFormValue("title"))
		if title == "" {
			title = lang.Text(views.DefaultTitleKey)
		}
		b, err := hub.CreateBoard(r.Context(), title)
		if err != nil {
			if httpStatus(err) >= 500 {
				writeError(w, r, log, err)
				return
			}
			renderPage(w, r, httpStatus(err), views.Home(views.HomePage{Lang: lang, Path: "/", Error: board.ErrorMessage(err)}))
			return
		}
		http.Redirect(w, r, "/b/"+b.ID, http.StatusSeeOther)
	})
}

func handleBoardPage(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		b, err := hub.Board(r.Context(), id)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		// A board at its byte cap is a page of megabytes, which a phone on
		// a school's Wi-Fi may take a while to read.
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(largeAnswerWait))
		lang := pageLang(w, r)
		notes := b.SortedNotes()
		script := views.ScriptBoard{ID: b.ID, Title: b.Title, Version: b.Version, CreatedAt: b.CreatedAt, Notes: make([]views.ScriptNote, 0, len(notes))}
		p := views.BoardPage{Lang: lang, Path: "/b/" + b.ID, ID: b.ID, Title: b.Title, Version: b.Version}
		for _, n := range notes {
			p.Notes = append(p.Notes, views.NoteView{ID: n.ID, X: n.X, Y: n.Y, W: n.W, H: n.H, Z: n.Z, Text: n.Text, Color: n.Color, Author: n.Author})
			script.Notes = append(script.Notes, scriptNote(n))
		}
		p.Script = views.BoardScript{BoardID: b.ID, WSPath: "/ws/" + b.ID, Palette: board.Palette, Lang: lang.Code, Strings: lang.Strings(), Board: script}
		renderPage(w, r, http.StatusOK, views.Board(p))
	})
}

// scriptNote is n as the board page's script reads it. The conversion is
// here, not in views, so that views knows nothing of the domain;
// TestBoardPageConfig holds the result to the API's shape.
func scriptNote(n board.Note) views.ScriptNote {
	return views.ScriptNote{
		ID: n.ID, X: n.X, Y: n.Y, W: n.W, H: n.H, Text: n.Text, Color: n.Color, Z: n.Z,
		Author: n.Author, AuthorID: n.AuthorID, CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt,
	}
}

func handleBoardSocket(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := hub.ServeBoard(w, r, r.PathValue("id")); err != nil {
			writeError(w, r, log, err)
		}
	})
}

// boardCreated is the answer to POST /api/boards.
type boardCreated struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	URL       string `json:"url"`
	WebSocket string `json:"websocket"`
}

func handleCreateBoard(log *slog.Logger, hub *boardsync.Hub, proxies proxies) http.Handler {
	type request struct {
		Title *string `json:"title"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
		if err != nil {
			writeError(w, r, log, board.Errorf(board.ETooLarge, "the request body is over %d bytes", maxAPIBody))
			return
		}
		// The title is optional, and so is the body that holds it.
		var req request
		if len(bytes.TrimSpace(body)) > 0 {
			if err := board.DecodeJSON(body, &req); err != nil {
				writeError(w, r, log, err)
				return
			}
		}
		title := views.English().Text(views.DefaultTitleKey)
		if req.Title != nil {
			title = *req.Title
		}
		b, err := hub.CreateBoard(r.Context(), title)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		httpBase, wsBase := proxies.baseURL(r)
		w.Header().Set("Location", "/api/boards/"+b.ID)
		writeJSON(w, http.StatusCreated, boardCreated{
			ID: b.ID, Title: b.Title, URL: httpBase + "/b/" + b.ID, WebSocket: wsBase + "/ws/" + b.ID,
		})
	})
}

func handleGetBoard(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := hub.Board(r.Context(), r.PathValue("id"))
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		// Written as it is encoded, a note at a time: a large board is
		// never whole in memory twice.
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(largeAnswerWait))
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := b.WriteJSON(w); err != nil {
			log.Debug("writing a board", "err", err)
		}
	})
}

// largeAnswerWait is how long an answer that may be megabytes (a board's
// page, its JSON) may take to write, instead of the server's WriteTimeout.
const largeAnswerWait = 5 * time.Minute

func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
}

// handleAssets serves the embedded files with an ETag made from their
// content, so browsers revalidate cheaply and never run a stale script
// after an upgrade.
func handleAssets(log *slog.Logger) http.Handler {
	etags := map[string]string{}
	fs.WalkDir(assets.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := fs.ReadFile(assets.FS, p)
			sum := sha256.Sum256(data)
			etags["/"+p] = `"` + hex.EncodeToString(sum[:8]) + `"`
		}
		return nil
	})
	files := http.StripPrefix("/assets", http.FileServerFS(assets.FS))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Clean(strings.TrimPrefix(r.URL.Path, "/assets"))
		etag, ok := etags[name]
		if !ok {
			writeError(w, r, log, board.Errorf(board.ENotFound, "There is nothing at this address."))
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

func handleNotFound(log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, log, board.Errorf(board.ENotFound, "There is nothing at this address."))
	})
}
