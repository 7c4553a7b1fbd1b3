package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"corkboard/sync/boltstore"
)

// Every operation is kept by default: replay and the board at any version
// need them. An operator who would rather cap the disk they take drops
// those older than some days, with -history-days while serving or
// `corkboard drop-history` on a stopped server; every kept snapshot stays
// (boltstore.Store.DropHistory says exactly what goes).

// dropHistoryDaily drops operations older than days, now and then once a
// day, until ctx ends.
func dropHistoryDaily(ctx context.Context, store *boltstore.Store, days int, log *slog.Logger) {
	for {
		cut := time.Now().AddDate(0, 0, -days)
		rep, err := store.DropHistory(ctx, cut)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("dropping old history failed", "err", err)
		case rep.Segments > 0:
			log.Info("dropped old history", "older_than", cut.Format(time.DateOnly), "boards", rep.Boards, "bytes", rep.Bytes)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(24 * time.Hour):
		}
	}
}

// runDropHistory is `corkboard drop-history`: dropHistoryDaily once, on a
// database the server is not using.
func runDropHistory(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("corkboard drop-history", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "./data/corkboard.db", "database file")
	days := fs.Int("days", 0, "drop operations older than this many days (kept snapshots stay)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *days <= 0 || fs.NArg() > 0 {
		return errors.New("usage: corkboard drop-history -db FILE -days N (N at least 1)")
	}
	store, hub, err := openExisting(*db)
	if err != nil {
		return err
	}
	defer closeAll(store, hub)
	rep, err := store.DropHistory(ctx, time.Now().AddDate(0, 0, -*days))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "dropped %d bytes of operations from %d boards\n", rep.Bytes, rep.Boards)
	return nil
}
