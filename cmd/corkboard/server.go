package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/a-h/templ"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/views"
)

// NewServer returns the HTTP handler for everything Corkboard serves.
func NewServer(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, log, hub)
	return securityHeaders(mux)
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

// writeJSONError answers an API request with err, logging internal errors.
// The user sees the error's message, never its internals.
func writeJSONError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	status := httpStatus(err)
	if status >= 500 {
		log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var body apiError
	body.Error.Code = board.ErrorCode(err)
	body.Error.Message = board.ErrorMessage(err)
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writePageError answers a page request with an error page.
func writePageError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	status := httpStatus(err)
	lang := pageLang(w, r)
	p := views.ErrorPage{Lang: lang, Status: status, Message: board.ErrorMessage(err)}
	switch status {
	case http.StatusNotFound:
		p.Title = lang.Text("error.boardNotFound")
		p.Message = lang.Text("error.boardNotFoundText")
	default:
		p.Title = lang.Text("error.generic")
		if status >= 500 {
			log.Error("page failed", "path", r.URL.Path, "err", err)
		}
	}
	renderPage(w, r, status, views.Error(p))
}

func renderPage(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	c.Render(r.Context(), w)
}

// baseURL is the server's own address as the client sees it.
func baseURL(r *http.Request) (httpBase, wsBase string) {
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		return "https://" + r.Host, "wss://" + r.Host
	}
	return "http://" + r.Host, "ws://" + r.Host
}
