package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
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
		h, err := hub.History(r.Context(), access.BoardID, access.Role == board.RoleFacilitate)
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

// handleReplayPage serves GET /b/{link}/replay[?version=N][&snapshot=ID].
// The page fetches the board and its operations itself (GET
// /api/boards/{link} and .../ops); it is told where the replayable
// history begins and ends, and the version to open at, paused: one past
// the board's newest is the newest. Opened on a kept snapshot (the
// history's Open), it opens at the snapshot's version and shows its name;
// a snapshot the board does not keep is a 404 page of its own. Its error
// pages link back to the board.
func handleReplayPage(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		link := r.PathValue("link")
		var version *uint64
		if s := r.URL.Query().Get("version"); s != "" {
			v, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				lang := pageLang(w, r)
				replayError(w, r, lang, link, http.StatusBadRequest, lang.Text("replay.badVersion"), fmt.Sprintf("%q is not a version number.", s))
				return
			}
			version = &v
		}
		access, b, ok := boardOf(w, r, log, hub)
		if !ok {
			return
		}
		h, err := hub.History(r.Context(), access.BoardID, access.Role == board.RoleFacilitate)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		lang := pageLang(w, r)
		var snapshot string
		if id := r.URL.Query().Get("snapshot"); id != "" {
			// The history's list has its name and version: no need to
			// read the snapshot's board.
			i := slices.IndexFunc(h.Snapshots, func(k boardsync.Kept) bool { return k.ID == id })
			if i < 0 {
				replayError(w, r, lang, link, http.StatusNotFound, lang.Text("replay.noSnapshot"), lang.Text("replay.noSnapshotText"))
				return
			}
			k := h.Snapshots[i]
			snapshot = k.Name
			if snapshot == "" {
				snapshot = lang.Text("history.reason." + string(k.Reason))
			}
			v := k.Version
			version = &v
		}
		if version != nil && *version > h.Last {
			*version = h.Last
		}
		p := views.ReplayPage{Lang: lang, Path: "/b/" + link + "/replay", Link: link, Title: b.Title, Role: string(access.Role), Snapshot: snapshot}
		p.Script = views.ReplayScript{
			Link: link, Role: string(access.Role), Lang: lang.Code, Strings: lang.Strings(), Palette: board.Palette,
			Start: h.Start, Last: h.Last, Version: version,
		}
		renderPage(w, r, http.StatusOK, views.Replay(p))
	})
}

// replayError answers a replay that cannot be shown with an error page
// that leads back to the board as well as home.
func replayError(w http.ResponseWriter, r *http.Request, lang views.Lang, link string, status int, title, message string) {
	p := views.ErrorPage{Lang: lang, Status: status, Title: title, Message: message,
		Back: "/b/" + link, BackText: lang.Text("history.back")}
	renderPage(w, r, status, views.Error(p))
}
