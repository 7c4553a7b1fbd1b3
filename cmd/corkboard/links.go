package main

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	stdsync "sync"
	"time"

	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/time/rate"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/views"
)

// linkAddressesOf returns each link's page and WebSocket addresses, for
// the links that are set.
func linkAddressesOf(ps *site, r *http.Request, l boardsync.BoardLinks) map[board.Role]linkAddresses {
	httpBase, wsBase := ps.baseURL(r)
	out := map[board.Role]linkAddresses{}
	for _, role := range board.Roles {
		if link := l.Link(role); link != "" {
			out[role] = linkAddresses{URL: httpBase + "/b/" + link, WebSocket: wsBase + "/ws/" + link}
		}
	}
	return out
}

// linksAnswer is the answer to the links API: the links the asker's role
// may see, and, for those who may see it, how people join.
type linksAnswer struct {
	Role  board.Role                   `json:"role"`
	Links map[board.Role]linkAddresses `json:"links"`
	Join  *joinAnswer                  `json:"join,omitempty"`
}

type joinAnswer struct {
	Role    board.Role `json:"role"`           // the link a code and the QR code lead to
	URL     string     `json:"url"`            // that link's page
	Code    string     `json:"code,omitempty"` // shown as "K7P-MQ4"; absent when joining by code is off
	Expires time.Time  `json:"expires,omitzero"`
	JoinURL string     `json:"joinUrl"` // where a code is typed: /join on this server
}

func linksAnswerOf(ps *site, r *http.Request, a boardsync.Access, l boardsync.BoardLinks) linksAnswer {
	ans := linksAnswer{Role: a.Role, Links: linkAddressesOf(ps, r, l)}
	if mayShowJoin(a, l) {
		httpBase, _ := ps.baseURL(r)
		j := &joinAnswer{Role: l.Join.Role, URL: ans.Links[l.Join.Role].URL, JoinURL: httpBase + "/join"}
		if l.Join.Code != "" {
			j.Code, j.Expires = boardsync.FormatJoinCode(l.Join.Code), l.Join.Expires
		}
		ans.Join = j
	}
	return ans
}

// handleLinks answers GET /api/boards/{link}/links: the links the link's
// role may see.
func handleLinks(log *slog.Logger, hub *boardsync.Hub, ps *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, l, err := linksOf(r, hub, r.PathValue("link"))
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeJSON(w, http.StatusOK, linksAnswerOf(ps, r, a, l))
	})
}

func linksOf(r *http.Request, hub *boardsync.Hub, link string) (boardsync.Access, boardsync.BoardLinks, error) {
	a, err := hub.Resolve(r.Context(), link)
	if err != nil {
		return a, boardsync.BoardLinks{}, err
	}
	l, err := hub.BoardLinks(r.Context(), a)
	return a, l, err
}

// handleReplaceLink answers POST /api/boards/{link}/links/{role}: the
// facilitator replaces one of the board's links.
func handleReplaceLink(log *slog.Logger, hub *boardsync.Hub, ps *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := hub.Resolve(r.Context(), r.PathValue("link"))
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		l, err := hub.ReplaceLink(r.Context(), a, board.Role(r.PathValue("role")))
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeJSON(w, http.StatusOK, linksAnswerOf(ps, r, a, l))
	})
}

// handleSetJoin answers PUT /api/boards/{link}/join with {"on":…,"role":…}:
// the facilitator turns joining by code on (a new code) or off, and says
// whether people join to edit or to view.
func handleSetJoin(log *slog.Logger, hub *boardsync.Hub, ps *site) http.Handler {
	type request struct {
		On   *bool      `json:"on"`
		Role board.Role `json:"role"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := readJSON(w, r, &req); err != nil {
			writeError(w, r, log, err)
			return
		}
		if req.On == nil {
			writeError(w, r, log, board.Errorf(board.EInvalid, `the request needs "on": true or false`))
			return
		}
		a, err := hub.Resolve(r.Context(), r.PathValue("link"))
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		l, err := hub.SetJoin(r.Context(), a, *req.On, req.Role)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeJSON(w, http.StatusOK, linksAnswerOf(ps, r, a, l))
	})
}

// mayShowJoin reports whether the holder of a may show the board's join
// link to others: editors and facilitators, and anyone whose link it is
// (a view link, when joining gives the view link), never someone it would
// give more than they have.
func mayShowJoin(a boardsync.Access, l boardsync.BoardLinks) bool {
	return a.Role.Can(board.RoleEdit) || a.Role == l.Join.Role
}

// handleQR answers GET /b/{link}/qr.png: a QR code of the board's join
// link, for the share panel and the projector.
func handleQR(log *slog.Logger, hub *boardsync.Hub, ps *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, l, err := linksOf(r, hub, r.PathValue("link"))
		if err == nil && !mayShowJoin(a, l) {
			err = board.Errorf(board.EForbidden, "This link cannot share the board.")
		}
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		url := linkAddressesOf(ps, r, l)[l.Join.Role].URL
		// Medium error correction survives a projector's glare; 1024 px is
		// sharp on a 4K screen and scannable from the back of a room.
		png, err := qrcode.Encode(url, qrcode.Medium, 1024)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(png)
	})
}

// handleJoinScreen answers GET /b/{link}/join-screen: the page a teacher
// puts on the projector for the class to join: the QR code, the address
// and the code in very large type.
func handleJoinScreen(log *slog.Logger, hub *boardsync.Hub, ps *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		link := r.PathValue("link")
		a, l, err := linksOf(r, hub, link)
		if err == nil && !mayShowJoin(a, l) {
			err = board.Errorf(board.EForbidden, "This link cannot share the board.")
		}
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		b, err := hub.Board(r.Context(), a.BoardID)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		httpBase, _ := ps.baseURL(r)
		p := views.JoinScreen{
			Lang: pageLang(w, r), Path: "/b/" + link + "/join-screen", Title: b.Title,
			QRPath:  "/b/" + link + "/qr.png",
			Address: strings.TrimPrefix(strings.TrimPrefix(httpBase, "https://"), "http://") + "/join",
			JoinURL: linkAddressesOf(ps, r, l)[l.Join.Role].URL,
		}
		if l.Join.Code != "" {
			p.Code = boardsync.FormatJoinCode(l.Join.Code)
		}
		renderPage(w, r, http.StatusOK, views.JoinScreenPage(p))
	})
}

// handleJoinPage answers GET /join: where people type a join code.
func handleJoinPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		renderPage(w, r, http.StatusOK, views.Join(views.JoinPage{Lang: pageLang(w, r), Path: "/join", Code: r.URL.Query().Get("code")}))
	})
}

// handleJoin answers POST /join (the form): a code that leads to a board
// sends the browser to the board's join link; a wrong one shows the form
// again with why. Guesses are limited per client address.
func handleJoin(log *slog.Logger, hub *boardsync.Hub, ps *site, guesses *guessLimiter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
		lang := pageLang(w, r)
		code := r.PostFormValue("code")
		again := func(status int, msg string) {
			renderPage(w, r, status, views.Join(views.JoinPage{Lang: lang, Path: "/join", Code: code, Error: msg}))
		}
		if !guesses.allow(ps.clientAddr(r)) {
			again(http.StatusTooManyRequests, lang.Text("join.tooMany"))
			return
		}
		a, err := hub.ResolveCode(r.Context(), code)
		switch {
		case board.ErrorCode(err) == board.ENotFound:
			again(http.StatusNotFound, lang.Text("join.notFound"))
			return
		case err != nil:
			writeError(w, r, log, err)
			return
		}
		http.Redirect(w, r, "/b/"+a.Link, http.StatusSeeOther)
	})
}

// handleJoinAPI answers POST /api/join with {"code":…}: where the code
// leads, as the addresses of the board's join link.
func handleJoinAPI(log *slog.Logger, hub *boardsync.Hub, ps *site, guesses *guessLimiter) http.Handler {
	type request struct {
		Code string `json:"code"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := readJSON(w, r, &req); err != nil {
			writeError(w, r, log, err)
			return
		}
		if !guesses.allow(ps.clientAddr(r)) {
			writeError(w, r, log, board.Errorf(board.ERateLimited, "Too many codes tried; wait a minute and try again."))
			return
		}
		a, err := hub.ResolveCode(r.Context(), req.Code)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		httpBase, wsBase := ps.baseURL(r)
		writeJSON(w, http.StatusOK, struct {
			Role board.Role `json:"role"`
			linkAddresses
		}{a.Role, linkAddresses{URL: httpBase + "/b/" + a.Link, WebSocket: wsBase + "/ws/" + a.Link}})
	})
}

// guessLimiter limits join-code guesses: a code is short, so it must not
// be guessed by trying them all. Each client may try guessesPerMinute
// codes a minute, in bursts of as many, where a client is an IPv4 address
// or an IPv6 /64 (what one home or phone gets: its addresses cost an
// attacker nothing); and the whole server takes at most
// serverGuessesPerMinute, so that many clients together gain no more. A
// class of thirty joining at once is well within both.
type guessLimiter struct {
	now func() time.Time

	mu     stdsync.Mutex // guards per and server
	per    map[netip.Prefix]*rate.Limiter
	server *rate.Limiter
}

const (
	guessesPerMinute       = 10
	serverGuessesPerMinute = 600
	// maxGuessers bounds the clients remembered; past it, those whose
	// budget is whole again (who have not guessed for a minute) are
	// forgotten.
	maxGuessers = 100_000
)

func newGuessLimiter(now func() time.Time) *guessLimiter {
	if now == nil {
		now = time.Now
	}
	return &guessLimiter{
		now: now, per: map[netip.Prefix]*rate.Limiter{},
		server: rate.NewLimiter(rate.Every(time.Minute/serverGuessesPerMinute), serverGuessesPerMinute/4),
	}
}

// guesser is who a guess counts against: the address, or its /64.
func guesser(addr netip.Addr) netip.Prefix {
	addr = addr.Unmap()
	bits := 32
	if addr.Is6() {
		bits = 64
	}
	p, _ := addr.Prefix(bits)
	return p
}

// allow reports whether addr may try a code now.
func (g *guessLimiter) allow(addr netip.Addr) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	key := guesser(addr)
	l := g.per[key]
	if l == nil {
		if len(g.per) >= maxGuessers {
			for k, l := range g.per {
				if l.TokensAt(now) >= guessesPerMinute {
					delete(g.per, k)
				}
			}
		}
		if len(g.per) >= maxGuessers {
			return false // that many clients guessing at once is an attack
		}
		l = rate.NewLimiter(rate.Every(time.Minute/guessesPerMinute), guessesPerMinute)
		g.per[key] = l
	}
	if !l.AllowN(now, 1) {
		return false
	}
	return g.server.AllowN(now, 1)
}

// readJSON decodes a small JSON request body into v: Content-Type must be
// JSON, so that another site's form cannot post to the API.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return board.Errorf(board.EInvalid, "the request body must be JSON (Content-Type: application/json)")
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxAPIBody)); err != nil {
		return board.Errorf(board.ETooLarge, "the request body is over %d bytes", maxAPIBody)
	}
	if len(bytes.TrimSpace(buf.Bytes())) == 0 {
		return nil
	}
	return board.DecodeJSON(buf.Bytes(), v)
}
