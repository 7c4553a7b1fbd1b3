package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"corkboard/board"
	"corkboard/board/export"
	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
)

// The commands besides serve work on a database file the server is not
// using (bbolt locks the file: a second process gets a clear error), for
// operators: take a board out, put one in, copy the whole file.

// openExisting opens the database at path for a command, refusing to make
// a new, empty file where the operator meant an existing one.
func openExisting(path string) (*boltstore.Store, *boardsync.Hub, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("there is no database at %s", path)
	}
	store, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		return nil, nil, err
	}
	return store, boardsync.NewHub(boardsync.Config{Log: store, Links: store}), nil
}

// closeAll shuts the hub down (writing nothing: commands only read, or
// create a board and its links) and closes the store.
func closeAll(store *boltstore.Store, hub *boardsync.Hub) {
	hub.Shutdown(context.Background())
	store.Close()
}

// output opens the file a command writes, or stdout for "" and "-".
func output(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

// runExport is `corkboard export`: a board, as a link of it or its id
// finds it, in one of the export formats, as anyone may see it (private
// notes without their text).
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("corkboard export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "./data/corkboard.db", "database file")
	which := fs.String("board", "", "the board: any of its links (the end of its address), or its id")
	format := fs.String("format", "json", "json, csv, md, svg, png or pdf")
	out := fs.String("o", "-", "file to write (- for standard output)")
	paper := fs.String("paper", export.PaperA4, "PDF paper: a4 or letter")
	lang := fs.String("lang", export.LangEnglish, "language of the words an export adds: en or sv")
	version := fs.String("version", "", "export the board as it was at this version")
	snapshot := fs.String("snapshot", "", "export a kept snapshot of the board (its id, from the history page or API)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *which == "" || fs.NArg() > 0 {
		return errors.New("usage: corkboard export -db FILE -board LINK [-format json|csv|md|svg|png|pdf] [-version N | -snapshot ID] [-o OUT]")
	}
	if *version != "" && *snapshot != "" {
		return errors.New("-version and -snapshot: give one of them")
	}
	var at uint64
	if *version != "" {
		var err error
		if at, err = strconv.ParseUint(*version, 10, 64); err != nil {
			return fmt.Errorf("-version %q is not a version number", *version)
		}
	}
	f := export.Format(*format)
	if f.Extension() == "" {
		return fmt.Errorf("-format %q: choose json, csv, md, svg, png or pdf", *format)
	}
	store, hub, err := openExisting(*db)
	if err != nil {
		return err
	}
	defer closeAll(store, hub)
	id := *which
	if a, err := hub.Resolve(ctx, *which); err == nil {
		id = a.BoardID
	}
	var b *board.Board
	switch {
	case *version != "":
		b, err = hub.BoardAt(ctx, id, at)
	case *snapshot != "":
		b, _, err = hub.KeptBoard(ctx, id, *snapshot)
	default:
		b, err = hub.BoardShown(ctx, id, true) // the operator sees what a facilitator does
	}
	if err != nil {
		return fmt.Errorf("board %q: %s", *which, board.ErrorMessage(err))
	}
	w, done, err := output(*out, stdout)
	if err != nil {
		return err
	}
	if err := export.Write(w, b, f, export.Options{Paper: *paper, Lang: *lang}); err != nil {
		done()
		return err
	}
	return done()
}

// runImport is `corkboard import`: a JSON export into a new board, whose
// links it prints (append them to the server's address: /b/LINK).
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("corkboard import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "./data/corkboard.db", "database file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: corkboard import -db FILE BOARD.json")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	store, hub, err := openExisting(*db)
	if err != nil {
		return err
	}
	defer closeAll(store, hub)
	imported, err := export.Import(data, hub.BoardLimits())
	if err != nil {
		return fmt.Errorf("%s: %s", fs.Arg(0), board.ErrorMessage(err))
	}
	b, links, err := hub.ImportBoard(ctx, imported)
	if err != nil {
		return fmt.Errorf("%s: %s", fs.Arg(0), board.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "imported %q with %d notes\nfacilitate /b/%s\nedit       /b/%s\nview       /b/%s\n",
		b.Title, len(b.Notes), links.Facilitate, links.Edit, links.View)
	return nil
}

// runBackup is `corkboard backup`: a consistent copy of the whole
// database file.
func runBackup(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("corkboard backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "./data/corkboard.db", "database file")
	out := fs.String("o", "", "file to write the copy to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return errors.New("usage: corkboard backup -db FILE -o OUT")
	}
	store, hub, err := openExisting(*db)
	if err != nil {
		return err
	}
	defer closeAll(store, hub)
	w, done, err := output(*out, stdout)
	if err != nil {
		return err
	}
	if _, err := store.Backup(w); err != nil {
		done()
		return err
	}
	return done()
}

// backupEndpoint is GET /admin/backup: the same copy as `corkboard backup`,
// streamed while the server keeps serving, to a request that bears the
// operator's token (Authorization: Bearer TOKEN).
type backupEndpoint struct {
	token string
	store interface {
		Backup(io.Writer) (int64, error)
	}
}

func handleBackup(log *slog.Logger, s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := s.backup
		if b == nil {
			writeError(w, r, log, board.Errorf(board.ENotFound, "there is no such page"))
			return
		}
		// Compared as hashes, in constant time: neither the length nor the
		// first wrong byte shows in how long a refusal takes.
		given, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		g, want := sha256.Sum256([]byte(given)), sha256.Sum256([]byte(b.token))
		if subtle.ConstantTimeCompare(g[:], want[:]) != 1 || !bearer {
			w.Header().Set("WWW-Authenticate", `Bearer realm="corkboard backup"`)
			writeError(w, r, log, board.Errorf(board.EForbidden, "a backup needs the operator's token"))
			return
		}
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(largeAnswerWait))
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="corkboard-backup.db"`)
		w.Header().Set("Cache-Control", "no-store")
		if n, err := b.store.Backup(w); err != nil {
			log.Error("backup failed", "bytes", n, "err", err)
			return
		}
		log.Info("backup taken", "addr", r.RemoteAddr)
	})
}
