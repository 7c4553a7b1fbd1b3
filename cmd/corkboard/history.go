package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"corkboard/board"
	boardsync "corkboard/sync"
)

// A board's past, over HTTP. Every link may look back (a view link too:
// it sees the board now, and what was on it is no secret from it);
// keeping a named snapshot needs a link that edits. Restoring is not a
// request of its own: the page sends the changes that bring the board
// back as ordinary operations, so they are broadcast, ordered and undone
// like any other edit.

// boardAt resolves the request's {link} and returns the board as anyone
// may see it now, or, with ?version=N or ?snapshot=ID, as it was then. On
// failure it has answered the request, and returns false.
func boardAt(w http.ResponseWriter, r *http.Request, log *slog.Logger, hub *boardsync.Hub) (boardsync.Access, *board.Board, bool) {
	q := r.URL.Query()
	version, snapshot := q.Get("version"), q.Get("snapshot")
	if version == "" && snapshot == "" {
		return boardOf(w, r, log, hub)
	}
	a, err := hub.Resolve(r.Context(), r.PathValue("link"))
	if err != nil {
		writeError(w, r, log, err)
		return a, nil, false
	}
	var b *board.Board
	switch {
	case version != "" && snapshot != "":
		err = board.Errorf(board.EInvalid, "ask for a version or a snapshot, not both")
	case version != "":
		var v uint64
		if v, err = strconv.ParseUint(version, 10, 64); err != nil {
			err = board.Errorf(board.EInvalid, "version %q is not a version number", version)
			break
		}
		b, err = hub.BoardAt(r.Context(), a.BoardID, v)
	default:
		b, _, err = hub.KeptBoard(r.Context(), a.BoardID, snapshot)
	}
	if err != nil {
		writeError(w, r, log, err)
		return a, nil, false
	}
	return a, b, true
}

// handleHistory answers GET /api/boards/{link}/history: the board's kept
// snapshots, newest first, and the versions it can be shown at.
func handleHistory(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := hub.Resolve(r.Context(), r.PathValue("link"))
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		h, err := hub.History(r.Context(), a.BoardID, a.Role == board.RoleFacilitate)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeJSON(w, http.StatusOK, h)
	})
}

// handleKeepSnapshot answers POST /api/boards/{link}/history with
// {"name":…,"by":…}: the board as it is now, kept under that name, once
// every change in it is saved (201 and the snapshot).
func handleKeepSnapshot(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	type request struct {
		Name string `json:"name"`
		By   string `json:"by"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := readJSON(w, r, &req); err != nil {
			writeError(w, r, log, err)
			return
		}
		a, err := hub.Resolve(r.Context(), r.PathValue("link"))
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		k, err := hub.KeepSnapshot(r.Context(), a, strings.TrimSpace(req.Name), strings.TrimSpace(req.By))
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeJSON(w, http.StatusCreated, k)
	})
}

// handleOps answers GET /api/boards/{link}/ops?after=N&limit=M: the
// board's operations after version N, at most M (and at most
// boardsync.MaxOpsPage, and 4 MiB), each as everyone but its author and
// facilitators was sent it live. Replay fetches the board at its start
// with ?version= and then these, a page at a time, until after plus the
// page's length is last.
func handleOps(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	type answer struct {
		After uint64            `json:"after"`
		Last  uint64            `json:"last"` // the board's newest version, when this was read
		Ops   []json.RawMessage `json:"ops"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		after, err := strconv.ParseUint(q.Get("after"), 10, 64)
		if err != nil {
			writeError(w, r, log, board.Errorf(board.EInvalid, "after=%q is not a version number", q.Get("after")))
			return
		}
		limit := 0
		if s := q.Get("limit"); s != "" {
			if limit, err = strconv.Atoi(s); err != nil || limit <= 0 {
				writeError(w, r, log, board.Errorf(board.EInvalid, "limit=%q is not a positive number", s))
				return
			}
		}
		a, err := hub.Resolve(r.Context(), r.PathValue("link"))
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		h, err := hub.History(r.Context(), a.BoardID, a.Role == board.RoleFacilitate)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		if after < h.Start {
			writeError(w, r, log, board.Errorf(board.ENotFound, "this board's history is kept from version %d on: replay starts with ?after=%d", h.Start, h.Start))
			return
		}
		ops, last, err := hub.Ops(r.Context(), a.BoardID, after, limit)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		ans := answer{After: after, Last: last, Ops: make([]json.RawMessage, len(ops))}
		for i, op := range ops {
			ans.Ops[i] = op
		}
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(largeAnswerWait))
		writeJSON(w, http.StatusOK, ans)
	})
}

// handleCopyBoard answers POST /api/boards/{link}/copy, with ?version=N or
// ?snapshot=ID for a past board: a new board holding what that board
// holds as anyone may see it, answered like a new board (201, its links).
// Any link may copy, as any link may export the board and import the file.
func handleCopyBoard(log *slog.Logger, hub *boardsync.Hub, proxies *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r.Host) {
			writeError(w, r, log, board.Errorf(board.EForbidden, "Boards are copied from this server's own pages."))
			return
		}
		_, b, ok := boardAt(w, r, log, hub)
		if !ok {
			return
		}
		// "Copy of …", so that the copy and the board are told apart in
		// tabs and lists; cut to fit a title.
		title := []rune(strings.ReplaceAll(pageLang(w, r).Text("history.copyTitle"), "{title}", b.Title))
		b.Title = string(title[:min(len(title), hub.BoardLimits().MaxTitleRunes)])
		created, links, err := hub.ImportBoard(r.Context(), b)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeCreated(w, r, proxies, created, links)
	})
}
