package main

import (
	"log/slog"
	"net/http"
	"strconv"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/views"
)

// The pages that look back on a board: its history (the kept snapshots)
// and the replay. Both take any link; what a link may do there follows its
// role, as on the board page, and the server checks it again on every
// request the pages make.

// handleHistoryPage serves GET /b/{link}/history.
func handleHistoryPage(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		link := r.PathValue("link")
		access, b, ok := boardOf(w, r, log, hub)
		if !ok {
			return
		}
		h, err := hub.History(r.Context(), access.BoardID)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		lang := pageLang(w, r)
		p := views.HistoryPage{Lang: lang, Path: "/b/" + link + "/history", Link: link, Title: b.Title, Role: string(access.Role)}
		for _, k := range h.Snapshots {
			p.Snapshots = append(p.Snapshots, views.SnapshotView{
				ID: k.ID, Name: k.Name, Reason: string(k.Reason), At: k.At, By: k.By, Version: k.Version, Notes: k.Notes,
			})
		}
		p.Script = views.HistoryScript{Link: link, Role: string(access.Role), Lang: lang.Code, Strings: lang.Strings()}
		renderPage(w, r, http.StatusOK, views.History(p))
	})
}

// handleReplayPage serves GET /b/{link}/replay[?version=N]. The page
// fetches the board and its operations itself (GET /api/boards/{link}
// and .../ops); it is told where the replayable history begins and ends,
// and the version to open at, paused: one past the board's newest is the
// newest.
func handleReplayPage(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		link := r.PathValue("link")
		var version *uint64
		if s := r.URL.Query().Get("version"); s != "" {
			v, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				writeError(w, r, log, board.Errorf(board.EInvalid, "version %q is not a version number", s))
				return
			}
			version = &v
		}
		access, b, ok := boardOf(w, r, log, hub)
		if !ok {
			return
		}
		h, err := hub.History(r.Context(), access.BoardID)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		if version != nil && *version > h.Last {
			*version = h.Last
		}
		lang := pageLang(w, r)
		p := views.ReplayPage{Lang: lang, Path: "/b/" + link + "/replay", Link: link, Title: b.Title, Role: string(access.Role)}
		p.Script = views.ReplayScript{
			Link: link, Role: string(access.Role), Lang: lang.Code, Strings: lang.Strings(), Palette: board.Palette,
			Start: h.Start, Last: h.Last, Version: version,
		}
		renderPage(w, r, http.StatusOK, views.Replay(p))
	})
}
