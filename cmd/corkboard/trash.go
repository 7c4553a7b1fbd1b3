package main

import (
	"log/slog"
	"net/http"

	boardsync "corkboard/sync"
)

// handleTrash answers GET /api/boards/{link}/trash, for a facilitate
// link: the deleted notes it can bring back (with an undelete operation),
// newest first.
func handleTrash(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := hub.Resolve(r.Context(), r.PathValue("link"))
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		trash, err := hub.Trash(r.Context(), a)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"trash": trash})
	})
}
