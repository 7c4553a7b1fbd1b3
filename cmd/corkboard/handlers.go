package main

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

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
		// Only the home page's own form may make boards here: a form on
		// another site that posts here is refused (browsers always say
		// where a form comes from).
		if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r.Host) {
			writeError(w, r, log, board.Errorf(board.EForbidden, "Boards are made from this server's own page."))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeError(w, r, log, board.Errorf(board.ETooLarge, "The form is over %d bytes.", maxAPIBody))
			} else {
				writeError(w, r, log, board.Errorf(board.EInvalid, "The form could not be read."))
			}
			return
		}
		lang := pageLang(w, r)
		title := strings.TrimSpace(r.PostFormValue("title"))
		if title == "" {
			title = lang.Text(views.DefaultTitleKey)
		}
		columns, err := templateColumns(r.PostFormValue("template"), lang.Code)
		var links boardsync.BoardLinks
		if err == nil {
			_, links, err = hub.CreateBoard(r.Context(), title, columns...)
		}
		if err != nil {
			if httpStatus(err) >= 500 {
				writeError(w, r, log, err)
				return
			}
			renderPage(w, r, httpStatus(err), views.Home(views.HomePage{Lang: lang, Path: "/", Error: board.ErrorMessage(err)}))
			return
		}
		// The creator runs the board: their page is the facilitate link's.
		http.Redirect(w, r, "/b/"+links.Facilitate, http.StatusSeeOther)
	})
}

func handleBoardPage(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		link := r.PathValue("link")
		// The projector's page is a screen the class sees, not its
		// facilitator: it is drawn with what the class may see.
		projector := r.URL.Query().Get("projector") == "1"
		access, b, ok := boardShownAs(w, r, log, hub, projector)
		if !ok {
			return
		}
		// A board at its byte cap is a page of megabytes, which a phone on
		// a school's Wi-Fi may take a while to read.
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(largeAnswerWait))
		lang := pageLang(w, r)
		notes := b.SortedNotes()
		script := scriptBoard(b)
		script.Notes = make([]views.ScriptNote, 0, len(notes))
		p := views.BoardPage{Lang: lang, Path: "/b/" + link, Title: b.Title, Version: b.Version, Role: string(access.Role)}
		if access.Role == board.RoleFacilitate {
			p.Retention = views.RetentionNotice{Days: hub.RetentionDays(), Due: hub.RetentionDue()}
		}
		for _, n := range notes {
			// A stack is drawn where its head is: the notes on it are not
			// drawn at their own (stale) places.
			if n.Stack == "" {
				p.Notes = append(p.Notes, views.NoteView{ID: n.ID, X: n.X, Y: n.Y, W: n.W, H: n.H, Z: n.Z, Text: n.Text, Color: n.Color, Author: n.Author})
			}
			script.Notes = append(script.Notes, scriptNote(n))
		}
		p.Script = views.BoardScript{
			Link: link, Role: string(access.Role), WSPath: "/ws/" + link,
			Palette: board.Palette, Lang: lang.Code, Strings: lang.Strings(), Board: script,
			Names: b.Moderation.Names,
		}
		renderPage(w, r, http.StatusOK, views.Board(p))
	})
}

// sameOrigin reports whether an Origin header names host.
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && u.Host == host
}

// scriptBoard is b, without its notes, as the board page's script reads
// it.
func scriptBoard(b *board.Board) views.ScriptBoard {
	s := views.ScriptBoard{Title: b.Title, Version: b.Version, CreatedAt: b.CreatedAt, Locked: b.Locked, Private: b.Private}
	if v := b.Voting; v != nil {
		s.Voting = &views.ScriptVoting{Votes: v.Votes, PerNote: v.PerNote, Hidden: v.Hidden, Open: v.Open}
	}
	if t := b.Timer; t != nil {
		s.Timer = &views.ScriptTimer{Seconds: t.Seconds, EndsAt: t.EndsAt, LeftMs: t.LeftMs}
	}
	for _, st := range b.Stops {
		s.Stops = append(s.Stops, views.ScriptStop{ID: st.ID, Name: st.Name, X: st.X, Y: st.Y, W: st.W, H: st.H})
	}
	return s
}

// scriptNote is n as the board page's script reads it. The conversion is
// here, not in views, so that views knows nothing of the domain;
// TestBoardPageConfig holds the result to the API's shape.
func scriptNote(n board.Note) views.ScriptNote {
	return views.ScriptNote{
		ID: n.ID, X: n.X, Y: n.Y, W: n.W, H: n.H, Text: n.Text, Color: n.Color, Z: n.Z,
		Author: n.Author, AuthorID: n.AuthorID, CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt,
		Private: n.Private, Votes: n.Votes, Stack: n.Stack,
	}
}

func handleBoardSocket(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := hub.ServeBoard(w, r, r.PathValue("link")); err != nil {
			writeError(w, r, log, err)
		}
	})
}

// boardCreated is the answer to POST /api/boards: the board's three links,
// and, at the top level for clients written before links, the facilitate
// link's page and WebSocket.
type boardCreated struct {
	ID        string                       `json:"id"`
	Title     string                       `json:"title"`
	URL       string                       `json:"url"`
	WebSocket string                       `json:"websocket"`
	Links     map[board.Role]linkAddresses `json:"links"`
}

// linkAddresses are where a link leads: its page and its WebSocket.
type linkAddresses struct {
	URL       string `json:"url"`
	WebSocket string `json:"websocket"`
}

func handleCreateBoard(log *slog.Logger, hub *boardsync.Hub, proxies *site) http.Handler {
	type request struct {
		Title *string `json:"title"`
		// Template names a board to start from (board.Templates), whose
		// columns are named in Lang (default English).
		Template string `json:"template"`
		Lang     string `json:"lang"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The title is optional, and so is the body that holds it; but a
		// body is JSON, so another site's form cannot make boards here.
		var req request
		if err := readJSON(w, r, &req); err != nil {
			writeError(w, r, log, err)
			return
		}
		title := views.English().Text(views.DefaultTitleKey)
		if req.Title != nil {
			title = *req.Title
		}
		columns, err := templateColumns(req.Template, req.Lang)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		b, links, err := hub.CreateBoard(r.Context(), title, columns...)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeCreated(w, r, proxies, b, links)
	})
}

// templateColumns returns the columns of a template ("" for none) in a
// language, or an error naming the templates there are.
func templateColumns(name, lang string) ([]board.Column, error) {
	if name == "" {
		return nil, nil
	}
	cols, ok := board.TemplateColumns(name, lang, uuid.NewString)
	if !ok {
		var names []string
		for _, t := range board.Templates {
			names = append(names, t.Name)
		}
		return nil, board.Errorf(board.EInvalid, "there is no template %q; the templates are %s", name, strings.Join(names, ", "))
	}
	return cols, nil
}

// writeCreated answers a request that made board b: 201, its links (the
// only time its id is told), and where to find it.
func writeCreated(w http.ResponseWriter, r *http.Request, proxies *site, b *board.Board, links boardsync.BoardLinks) {
	addrs := linkAddressesOf(proxies, r, links)
	w.Header().Set("Location", "/api/boards/"+links.Facilitate)
	writeJSON(w, http.StatusCreated, boardCreated{
		ID: b.ID, Title: b.Title, URL: addrs[board.RoleFacilitate].URL, WebSocket: addrs[board.RoleFacilitate].WebSocket,
		Links: addrs,
	})
}

// boardOf resolves the request's {link} and returns what it leads to and
// the board as anyone may see it (board.Board.View). On failure it has
// answered the request, and returns false.
func boardOf(w http.ResponseWriter, r *http.Request, log *slog.Logger, hub *boardsync.Hub) (boardsync.Access, *board.Board, bool) {
	return boardShownAs(w, r, log, hub, false)
}

// boardShownAs is boardOf, as the class sees the board when asClass.
func boardShownAs(w http.ResponseWriter, r *http.Request, log *slog.Logger, hub *boardsync.Hub, asClass bool) (boardsync.Access, *board.Board, bool) {
	access, err := hub.Resolve(r.Context(), r.PathValue("link"))
	if err != nil {
		writeError(w, r, log, err)
		return access, nil, false
	}
	b, err := hub.BoardShown(r.Context(), access.BoardID, access.Role == board.RoleFacilitate && !asClass)
	if err != nil {
		writeError(w, r, log, err)
		return access, nil, false
	}
	return access, b, true
}

// handleGetBoard answers GET /api/boards/{link}: the board as anyone may
// see it, in the form a welcome carries it (PROTOCOL.md); with ?version=N
// or ?snapshot=ID, as it was then.
func handleGetBoard(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, b, ok := boardAt(w, r, log, hub)
		if !ok {
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

// handleNotFound answers what no other route does: 405 with Allow for a
// known path asked with the wrong method, and the friendly 404 otherwise.
// (http.ServeMux answers 405 by itself only when no pattern matches, and
// this catch-all matches everything.)
func handleNotFound(log *slog.Logger, mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			if slices.Contains(allow, http.MethodGet) {
				allow = append(allow, http.MethodHead)
			}
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, r, log, board.Errorf(board.EMethod, "This address does not take %s; it takes %s.", r.Method, strings.Join(allow, ", ")))
			return
		}
		writeError(w, r, log, board.Errorf(board.ENotFound, "There is nothing at this address."))
	})
}
