package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/views"
)

// A board's end: its facilitator deletes it (DELETE /api/boards/{link}),
// or the server does when nobody opened it for -retention-days (serve, or
// `corkboard retention` once); its links then lead to a page saying so.
// And the privacy page, which says what is kept and how it goes.

// handleDeleteBoard answers DELETE /api/boards/{link}: a facilitate link
// deletes its board, for everyone (boardsync.Hub.DeleteBoard); other
// links get 403, a deleted board's links 410.
func handleDeleteBoard(log *slog.Logger, hub *boardsync.Hub) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Browsers preflight a DELETE from another site, which this server
		// never allows; a request that says where it came from is checked
		// as well.
		if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r.Host) {
			writeError(w, r, log, board.Errorf(board.EForbidden, "Boards are deleted from this server's own page."))
			return
		}
		access, err := hub.Resolve(r.Context(), r.PathValue("link"))
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		t, err := hub.DeleteBoard(r.Context(), access)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeJSON(w, http.StatusOK, struct {
			DeletedAt time.Time `json:"deletedAt"`
		}{t.At})
	})
}

// deletedPage is the page of a deleted board's link, with when and why
// if err carries its tombstone.
func deletedPage(lang views.Lang, r *http.Request, err error) views.DeletedPage {
	p := views.DeletedPage{Lang: lang, Path: r.URL.Path}
	if t, ok := boardsync.DeletedAs(err); ok {
		p.At, p.Reason = t.At, string(t.Reason)
	}
	return p
}

// handlePrivacy serves the privacy page, with this server's settings.
func handlePrivacy(hub *boardsync.Hub, s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		renderPage(w, r, http.StatusOK, views.Privacy(views.PrivacyPage{
			Lang: pageLang(w, r), Path: "/privacy", RetentionDays: hub.RetentionDays(), HistoryDays: s.historyDays,
		}))
	})
}

// parseRetentionDays reads CORKBOARD_RETENTION_DAYS, if set.
func parseRetentionDays(getenv func(string) string) (int, error) {
	v := getenv("CORKBOARD_RETENTION_DAYS")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("CORKBOARD_RETENTION_DAYS=%q is not a number of days", v)
	}
	return n, nil
}

// runRetention is `corkboard retention`: serve's -retention-days sweep
// once, on a database the server is not using; with -dry-run it only
// says how many boards would go.
func runRetention(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("corkboard retention", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "./data/corkboard.db", "database file")
	days := fs.Int("days", 0, "delete boards nobody opened for this many days")
	dryRun := fs.Bool("dry-run", false, "delete nothing; say how many boards would be deleted")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *days <= 0 || fs.NArg() > 0 {
		return errors.New("usage: corkboard retention -db FILE -days N [-dry-run] (N at least 1)")
	}
	store, plain, err := openExisting(*db)
	if err != nil {
		return err
	}
	plain.Shutdown(ctx) // a hub that knows the period takes its place
	hub := boardsync.NewHub(boardsync.Config{Log: store, Links: store, RetentionDays: *days})
	defer closeAll(store, hub)
	rep, err := hub.DeleteUnvisited(ctx, *dryRun)
	verb := "deleted"
	if *dryRun {
		verb = "would delete"
	}
	fmt.Fprintf(stdout, "%s %d boards nobody opened for %d days; %d kept", verb, len(rep.Deleted), *days, rep.Kept)
	if rep.First > 0 {
		fmt.Fprintf(stdout, "; %d never seen before, counted as opened today", rep.First)
	}
	fmt.Fprintln(stdout)
	return err
}
