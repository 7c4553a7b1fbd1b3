package main

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	boardsync "corkboard/sync"
)

// addRoutes lists every route the server answers.
// Every path with a {link} takes one of a board's links, never its
// internal id: the link is the permission, and its role decides what the
// request may do.
func addRoutes(mux *http.ServeMux, log *slog.Logger, hub *boardsync.Hub, metrics prometheus.Gatherer, proxies *site, guesses *guessLimiter) {
	mux.Handle("GET /{$}", handleHome())
	mux.Handle("POST /boards", handleCreateBoardForm(log, hub))
	mux.Handle("GET /b/{link}", handleBoardPage(log, hub))
	mux.Handle("GET /b/{link}/qr.png", handleQR(log, hub, proxies))
	mux.Handle("GET /b/{link}/join-screen", handleJoinScreen(log, hub, proxies))
	mux.Handle("GET /b/{link}/history", handleHistoryPage(log, hub))
	mux.Handle("GET /b/{link}/replay", handleReplayPage(log, hub))
	mux.Handle("GET /b/{link}/{file}", handleExport(log, hub)) // export.json, export.csv, ...
	mux.Handle("GET /ws/{link}", handleBoardSocket(log, hub))
	mux.Handle("GET /join", handleJoinPage())
	mux.Handle("GET /privacy", handlePrivacy(hub, proxies))
	mux.Handle("POST /join", handleJoin(log, hub, proxies, guesses))

	mux.Handle("POST /api/boards", handleCreateBoard(log, hub, proxies))
	mux.Handle("POST /api/boards/import", handleImport(log, hub, proxies))
	mux.Handle("GET /api/boards/{link}", handleGetBoard(log, hub))
	mux.Handle("DELETE /api/boards/{link}", handleDeleteBoard(log, hub))
	mux.Handle("GET /api/boards/{link}/history", handleHistory(log, hub))
	mux.Handle("POST /api/boards/{link}/history", handleKeepSnapshot(log, hub))
	mux.Handle("GET /api/boards/{link}/ops", handleOps(log, hub))
	mux.Handle("GET /api/boards/{link}/trash", handleTrash(log, hub))
	mux.Handle("POST /api/boards/{link}/copy", handleCopyBoard(log, hub, proxies))
	mux.Handle("GET /api/boards/{link}/links", handleLinks(log, hub, proxies))
	mux.Handle("POST /api/boards/{link}/links/{role}", handleReplaceLink(log, hub, proxies))
	mux.Handle("PUT /api/boards/{link}/join", handleSetJoin(log, hub, proxies))
	mux.Handle("POST /api/join", handleJoinAPI(log, hub, proxies, guesses))

	mux.Handle("GET /admin/backup", handleBackup(log, proxies))
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /metrics", promhttp.HandlerFor(metrics, promhttp.HandlerOpts{}))
	mux.Handle("GET /assets/", handleAssets(log))
	mux.Handle("/", handleNotFound(log, mux))
}
