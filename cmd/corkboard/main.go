package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"corkboard/board"
	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(os.Stderr, "corkboard: %v\n", err)
		}
		os.Exit(1)
	}
}

// shutdownTimeout bounds a graceful shutdown: long enough to write what is
// pending, short enough for a service manager's patience.
const shutdownTimeout = 15 * time.Second

// config is everything serve can be told.
type config struct {
	addr           string
	dbPath         string
	logLevel       string
	allowedOrigins string
	trustedProxies string
	debugAddr      string
	commitInterval time.Duration
	limits         boardsync.Limits
	boardLimits    board.Limits
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "serve":
			args = args[1:]
		default:
			return fmt.Errorf("unknown command %q (the commands are: serve)", args[0])
		}
	}
	cfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, stdout)
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	envOr := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	var cfg config
	fs := flag.NewFlagSet("corkboard serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	l, bl := boardsync.DefaultLimits, board.DefaultLimits
	fs.StringVar(&cfg.addr, "addr", envOr("CORKBOARD_ADDR", ":8080"), "address to listen on (env CORKBOARD_ADDR)")
	fs.StringVar(&cfg.dbPath, "db", envOr("CORKBOARD_DB", "./data/corkboard.db"), "database file; its folder is created (env CORKBOARD_DB)")
	fs.StringVar(&cfg.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&cfg.debugAddr, "debug-addr", "", "if set, serve Go's profiler (/debug/pprof/) on this separate address, e.g. 127.0.0.1:6060")
	fs.StringVar(&cfg.allowedOrigins, "allowed-origins", "", "comma-separated origins (https://host) besides this server's own that may open board WebSockets")
	fs.StringVar(&cfg.trustedProxies, "trusted-proxies", envOr("CORKBOARD_TRUSTED_PROXIES", ""), "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-Proto header is believed (env CORKBOARD_TRUSTED_PROXIES)")
	fs.Int64Var(&cfg.limits.MaxMessageBytes, "max-message-bytes", l.MaxMessageBytes, "largest WebSocket message a client may send")
	fs.Float64Var(&cfg.limits.OpsPerSecond, "ops-per-second", l.OpsPerSecond, "operations per second one connection may send (bursts to twice that)")
	fs.IntVar(&cfg.limits.MaxConnsPerBoard, "max-conns-per-board", l.MaxConnsPerBoard, "connections one board takes")
	fs.IntVar(&cfg.limits.SendQueue, "send-queue", l.SendQueue, "messages that may wait for one client before it is disconnected as too slow")
	fs.DurationVar(&cfg.limits.PingPeriod, "ping-period", l.PingPeriod, "how often the server pings each client")
	fs.DurationVar(&cfg.limits.PongWait, "pong-wait", l.PongWait, "how long a silent client is kept")
	fs.DurationVar(&cfg.limits.WriteWait, "write-wait", l.WriteWait, "how long one write to a client may take")
	fs.DurationVar(&cfg.commitInterval, "commit-interval", boltstore.DefaultCommitInterval, "least time between two group commits to disk (adds at most this to an acknowledgement)")
	fs.IntVar(&cfg.boardLimits.MaxNotes, "max-notes", bl.MaxNotes, "notes one board holds")
	fs.IntVar(&cfg.boardLimits.MaxTextRunes, "max-text", bl.MaxTextRunes, "characters in one note")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if ci := cfg.commitInterval; ci <= 0 || ci > time.Second {
		// Zero would silently mean the default; over a second, every
		// acknowledgement (and the "saving" a person sees) would crawl.
		return cfg, fmt.Errorf("-commit-interval (%v) must be above 0 and at most 1s", ci)
	}
	if _, err := parseProxies(cfg.trustedProxies); err != nil {
		return cfg, err
	}
	if cfg.limits.PingPeriod >= cfg.limits.PongWait {
		return cfg, fmt.Errorf("-ping-period (%v) must be shorter than -pong-wait (%v)", cfg.limits.PingPeriod, cfg.limits.PongWait)
	}
	return cfg, nil
}

func serve(ctx context.Context, cfg config, stdout io.Writer) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: level}))

	store, err := boltstore.Open(cfg.dbPath, boltstore.Options{CommitInterval: cfg.commitInterval, Logger: log})
	if err != nil {
		return err
	}
	defer store.Close()

	var origins []string
	for o := range strings.SplitSeq(cfg.allowedOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	hub := boardsync.NewHub(boardsync.Config{
		Log: store, Logger: log, Limits: cfg.limits, BoardLimits: cfg.boardLimits, AllowedOrigins: origins,
	})
	trusted, _ := parseProxies(cfg.trustedProxies) // checked by parseFlags
	metrics, err := newRegistry(hub, store)
	if err != nil {
		hub.Shutdown(context.Background())
		return err
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		hub.Shutdown(context.Background())
		return err
	}
	srv := &http.Server{
		Handler:           NewServer(log, hub, metrics, trusted),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if cfg.debugAddr != "" {
		// The profiler gets its own listener so it is never exposed on the
		// public address by accident.
		go func() {
			err := http.ListenAndServe(cfg.debugAddr, debugHandler())
			log.Error("debug listener stopped", "err", err)
		}()
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("corkboard is listening", "url", "http://"+displayAddr(ln.Addr()), "db", cfg.dbPath)

	select {
	case err := <-serveErr:
		hub.Shutdown(context.Background())
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	// Stop taking requests first, then close the WebSockets (which
	// http.Server.Shutdown does not touch) and write what is pending.
	srvErr := srv.Shutdown(sctx)
	hubErr := hub.Shutdown(sctx)
	if err := errors.Join(srvErr, hubErr); err != nil {
		log.Error("shutdown was not clean", "err", err)
		return err
	}
	log.Info("stopped")
	return nil
}

func debugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// displayAddr turns a listening address like [::]:8080 into one a person can
// open, localhost:8080.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
