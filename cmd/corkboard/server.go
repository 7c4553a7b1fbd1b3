package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"

	"github.com/a-h/templ"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/views"
)

// NewServer returns the HTTP handler for everything Corkboard serves.
// metrics is what /metrics shows; proxies are the reverse proxies trusted
// to say that a request came over HTTPS.
func NewServer(log *slog.Logger, hub *boardsync.Hub, metrics prometheus.Gatherer, proxies proxies) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, log, hub, metrics, proxies)
	return securityHeaders(mux)
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
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

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
	case board.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case board.ERateLimited:
		return http.StatusTooManyRequests
	case board.EUnavailable:
		return http.StatusServiceUnavailable
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
		renderPage(w, r, status, views.Error(p))
	}
}

// redactPath hides the board id in a path for logs: it is the board's
// permission.
func redactPath(p string) string {
	for _, prefix := range []string{"/b/", "/ws/", "/api/boards/"} {
		if rest, ok := strings.CutPrefix(p, prefix); ok && rest != "" {
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

// baseURL is the server's own address as the client sees it.
func (ps proxies) baseURL(r *http.Request) (httpBase, wsBase string) {
	if r.TLS != nil || (ps.trusted(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")) {
		return "https://" + r.Host, "wss://" + r.Host
	}
	return "http://" + r.Host, "ws://" + r.Host
}
