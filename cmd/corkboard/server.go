package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/views"
)

// NewServer returns the HTTP handler for everything Corkboard serves.
// metrics is what /metrics shows; s is the server's own address, and the
// reverse proxies trusted to say that a request came over HTTPS.
func NewServer(log *slog.Logger, hub *boardsync.Hub, metrics prometheus.Gatherer, s *site) http.Handler {
	if s == nil {
		s = &site{}
	}
	mux := http.NewServeMux()
	addRoutes(mux, log, hub, metrics, s, newGuessLimiter(nil))
	return accessLog(log, securityHeaders(s, mux))
}

// newRegistry gathers the metrics operators expect: the hub's, the store's,
// and Go's and the process's own (go_*, process_*).
func newRegistry(hub *boardsync.Hub, store *boltstore.Store) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	if err := hub.Metrics().Register(reg); err != nil {
		return nil, err
	}
	for _, c := range append(store.Collectors(), collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})) {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

// securityHeaders sets headers that keep a page from doing what it should
// not. The content security policy allows scripts only from our own
// /assets/, so even a note text that slipped through as HTML could not run.
// Inline style attributes are allowed because the server places notes with them.
//
// Referrer-Policy keeps the page's address, which holds the board's link,
// from going to other sites. (same-origin, not no-referrer: with
// no-referrer a browser sends "Origin: null" with the page's own form,
// which the form's check must then refuse.) Permissions-Policy turns off what the page
// never uses; HSTS, over HTTPS, keeps browsers from ever trying plain HTTP.
func securityHeaders(s *site, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), midi=(), accelerometer=(), gyroscope=(), magnetometer=(), interest-cohort=()")
		if s.https(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// accessLog logs every request at info level: method, path (with links
// hidden), status and duration, so an operator sees the server work.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == http.StatusOK && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			status = http.StatusSwitchingProtocols // written on the connection itself
		}
		log.Info("request", "method", r.Method, "path", redactPath(r.URL.Path), "status", status,
			"ms", float64(time.Since(start).Microseconds())/1000)
	})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (deadlines,
// and the WebSocket's hijack).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// httpStatus is the one place that maps a domain error code to an HTTP status.
func httpStatus(err error) int {
	switch board.ErrorCode(err) {
	case board.EInvalid:
		return http.StatusBadRequest
	case board.ENotFound:
		return http.StatusNotFound
	case board.EConflict:
		return http.StatusConflict
	case board.EForbidden:
		return http.StatusForbidden
	case board.EMethod:
		return http.StatusMethodNotAllowed
	case board.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case board.ERateLimited:
		return http.StatusTooManyRequests
	case board.EUnavailable:
		return http.StatusServiceUnavailable
	case board.EGone:
		return http.StatusGone
	}
	if errors.Is(err, context.Canceled) {
		return 499 // the client went away; nobody reads this
	}
	return http.StatusInternalServerError
}

// apiError is the body of every failed API request.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// writeError is the one way a failed request is answered. The status comes
// from httpStatus; the body says what went wrong in words for people: a
// JSON error for the API, plain text for a WebSocket handshake, an error
// page for everything else. Internal errors go to the log, never to the
// client.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	status := httpStatus(err)
	if status == http.StatusInternalServerError {
		log.Error("request failed", "method", r.Method, "path", redactPath(r.URL.Path), "err", err)
	}
	msg := board.ErrorMessage(err)
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/"):
		var body apiError
		body.Error.Code = board.ErrorCode(err)
		body.Error.Message = msg
		writeJSON(w, status, body)
	case strings.HasPrefix(r.URL.Path, "/ws/"):
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, msg+"\n")
	default:
		lang := pageLang(w, r)
		p := views.ErrorPage{Lang: lang, Status: status, Title: lang.Text("error.generic"), Message: msg}
		if status == http.StatusNotFound {
			p.Title, p.Message = lang.Text("error.pageNotFound"), lang.Text("error.pageNotFoundText")
			if strings.HasPrefix(r.URL.Path, "/b/") {
				p.Title, p.Message = lang.Text("error.boardNotFound"), lang.Text("error.boardNotFoundText")
			}
		}
		if status == http.StatusGone {
			renderPage(w, r, status, views.Deleted(deletedPage(lang, r, err)))
			return
		}
		renderPage(w, r, status, views.Error(p))
	}
}

// redactPath hides the link in a path, for logs: a link is a board's
// permission. "/api/boards/{link}/links/edit" becomes
// "/api/boards/…/links/edit".
func redactPath(p string) string {
	for _, prefix := range []string{"/b/", "/ws/", "/api/boards/"} {
		if rest, ok := strings.CutPrefix(p, prefix); ok && rest != "" {
			_, after, found := strings.Cut(rest, "/")
			if found {
				return prefix + "…/" + after
			}
			return prefix + "…"
		}
	}
	return p
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func renderPage(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	c.Render(r.Context(), w)
}

// proxies are the addresses of reverse proxies whose X-Forwarded-Proto
// header the server believes (-trusted-proxies). From anyone else the
// header is ignored: a client could otherwise make the server hand out
// links with a scheme of its choosing.
type proxies []netip.Prefix

// parseProxies reads a comma-separated list of addresses and CIDR ranges.
func parseProxies(list string) (proxies, error) {
	var ps proxies
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !strings.Contains(item, "/") {
			a, err := netip.ParseAddr(item)
			if err != nil {
				return nil, fmt.Errorf("-trusted-proxies: %q is not an address or a CIDR range", item)
			}
			ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return nil, fmt.Errorf("-trusted-proxies: %q is not an address or a CIDR range", item)
		}
		ps = append(ps, p.Masked())
	}
	return ps, nil
}

// trusted reports whether the request came straight from a trusted proxy.
func (ps proxies) trusted(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	a := ap.Addr().Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddr is the address of the client a request came from: the
// connection's, or, from a trusted proxy, the last one it added to
// X-Forwarded-For (the client it took the request from).
func (ps proxies) clientAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	addr := ap.Addr().Unmap()
	if ps.trusted(r) {
		if fwd := r.Header.Values("X-Forwarded-For"); len(fwd) > 0 {
			hops := strings.Split(fwd[len(fwd)-1], ",")
			if a, err := netip.ParseAddr(strings.TrimSpace(hops[len(hops)-1])); err == nil {
				return a.Unmap()
			}
		}
	}
	return addr
}

// site is what the server knows of its own address: the addresses people
// should use in links, for the pages, QR codes and API answers.
type site struct {
	proxies proxies
	// backup serves a copy of the database to an operator who holds its
	// token (-backup-token); nil, the default, serves nothing.
	backup *backupEndpoint
	// historyDays is -history-days, for the privacy page: operations older
	// than this are dropped from boards' history; 0 keeps them all.
	historyDays int
	// public is the address the operator gave (-public-url), such as
	// https://corkboard.example: links use it, whatever Host a request
	// names, so that no client can make the server hand out another.
	public *url.URL
	// lan is this machine's address on the local network with the
	// server's port ("192.168.1.23:8080"), used instead of localhost in
	// links, which a teacher on the machine itself would otherwise give
	// out and no student could open. Empty if there is none.
	lan string
}

// https reports whether the request came over HTTPS: directly, or through
// a trusted proxy that says so.
func (s *site) https(r *http.Request) bool {
	return r.TLS != nil || (s.proxies.trusted(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
}

// baseURL is the server's address as links should give it: -public-url if
// set, otherwise the Host the browser used (this machine's local network
// address where that is localhost).
func (s *site) baseURL(r *http.Request) (httpBase, wsBase string) {
	if s.public != nil {
		ws := "ws"
		if s.public.Scheme == "https" {
			ws = "wss"
		}
		return s.public.Scheme + "://" + s.public.Host, ws + "://" + s.public.Host
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); (err == nil && isLoopback(h)) || isLoopback(host) {
		if s.lan != "" {
			host = s.lan
		}
	}
	if s.https(r) {
		return "https://" + host, "wss://" + host
	}
	return "http://" + host, "ws://" + host
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.IsLoopback()
}

// clientAddr is proxies.clientAddr, for handlers that have a site.
func (s *site) clientAddr(r *http.Request) netip.Addr { return s.proxies.clientAddr(r) }
