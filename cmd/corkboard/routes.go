package main

import (
	"log/slog"
	"net/http"

	boardsync "corkboard/sync"
)

// addRoutes lists every route the server answers.
func addRoutes(mux *http.ServeMux, log *slog.Logger, hub *boardsync.Hub) {
	mux.Handle("GET /{$}", handleHome())
	mux.Handle("POST /boards", handleCreateBoardForm(log, hub))
	mux.Handle("GET /b/{id}", handleBoardPage(log, hub))
	mux.Handle("GET /ws/{id}", handleBoardSocket(hub))

	mux.Handle("POST /api/boards", handleCreateBoard(log, hub))
	mux.Handle("GET /api/boards/{id}", handleGetBoard(log, hub))

	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /metrics", handleMetrics(hub))
	mux.Handle("GET /assets/", handleAssets())
	mux.Handle("/", handleNotFound())
}
