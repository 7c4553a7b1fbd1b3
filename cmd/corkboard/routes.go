package main

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	boardsync "corkboard/sync"
)

// addRoutes lists every route the server answers.
func addRoutes(mux *http.ServeMux, log *slog.Logger, hub *boardsync.Hub, metrics prometheus.Gatherer, proxies proxies) {
	mux.Handle("GET /{$}", handleHome())
	mux.Handle("POST /boards", handleCreateBoardForm(log, hub))
	mux.Handle("GET /b/{id}", handleBoardPage(log, hub))
	mux.Handle("GET /ws/{id}", handleBoardSocket(log, hub))

	mux.Handle("POST /api/boards", handleCreateBoard(log, hub, proxies))
	mux.Handle("GET /api/boards/{id}", handleGetBoard(log, hub))

	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /metrics", promhttp.HandlerFor(metrics, promhttp.HandlerOpts{}))
	mux.Handle("GET /assets/", handleAssets(log))
	mux.Handle("/", handleNotFound(log))
}
