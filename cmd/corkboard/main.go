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
	"net/url"
	"os"
	"os/signal"
	"strconv"
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
	publicURL      string
	debugAddr      string
	backupToken    string
	historyDays    int
	retentionDays  int
	commitInterval time.Duration
	limits         boardsync.Limits
	boardLimits    board.Limits
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "serve":
			args = args[1:]
		case "export":
			return runExport(ctx, args[1:], stdout, stderr)
		case "import":
			return runImport(ctx, args[1:], stdout, stderr)
		case "backup":
			return runBackup(args[1:], stdout, stderr)
		case "drop-history":
			return runDropHistory(ctx, args[1:], stdout, stderr)
		case "retention":
			return runRetention(ctx, args[1:], stdout, stderr)
		default:
			return fmt.Errorf("unknown command %q (the commands are: serve, export, import, backup, drop-history, retention)", args[0])
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
	historyDays := 0
	if v := getenv("CORKBOARD_HISTORY_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return cfg, fmt.Errorf("CORKBOARD_HISTORY_DAYS=%q is not a number of days", v)
		}
		historyDays = n
	}
	retentionDays, err := parseRetentionDays(getenv)
	if err != nil {
		return cfg, err
	}
	fs := flag.NewFlagSet("corkboard serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	l, bl := boardsync.DefaultLimits, board.DefaultLimits
	fs.StringVar(&cfg.addr, "addr", envOr("CORKBOARD_ADDR", ":8080"), "address to listen on (env CORKBOARD_ADDR)")
	fs.StringVar(&cfg.dbPath, "db", envOr("CORKBOARD_DB", "./data/corkboard.db"), "database file; its folder is created (env CORKBOARD_DB)")
	fs.StringVar(&cfg.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&cfg.backupToken, "backup-token", envOr("CORKBOARD_BACKUP_TOKEN", ""), "if set, GET /admin/backup with the header \"Authorization: Bearer TOKEN\" streams a copy of the database (env CORKBOARD_BACKUP_TOKEN); at least 16 characters")
	fs.IntVar(&cfg.historyDays, "history-days", historyDays, "if above 0, drop operations older than this many days once a day, keeping every kept snapshot (env CORKBOARD_HISTORY_DAYS); 0 keeps every operation")
	fs.IntVar(&cfg.retentionDays, "retention-days", retentionDays, "if above 0, delete boards that nobody opened for this many days, with all their data (env CORKBOARD_RETENTION_DAYS); facilitators are told the date on the board; 0 keeps every board")
	fs.StringVar(&cfg.debugAddr, "debug-addr", "", "if set, serve Go's profiler (/debug/pprof/) on this separate address, e.g. 127.0.0.1:6060")
	fs.StringVar(&cfg.allowedOrigins, "allowed-origins", "", "comma-separated origins (https://host) besides this server's own that may open board WebSockets")
	fs.StringVar(&cfg.trustedProxies, "trusted-proxies", envOr("CORKBOARD_TRUSTED_PROXIES", ""), "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-Proto header is believed (env CORKBOARD_TRUSTED_PROXIES)")
	fs.StringVar(&cfg.publicURL, "public-url", envOr("CORKBOARD_PUBLIC_URL", ""), "the address people reach the server at, such as https://corkboard.example, used in every link it gives out (env CORKBOARD_PUBLIC_URL); without it, the address each browser used")
	fs.Int64Var(&cfg.limits.MaxMessageBytes, "max-message-bytes", l.MaxMessageBytes, "largest WebSocket message a client may send")
	fs.Float64Var(&cfg.limits.OpsPerSecond, "ops-per-second", l.OpsPerSecond, "operations per second one connection may send (bursts to twice that)")
	fs.IntVar(&cfg.limits.MaxConnsPerBoard, "max-conns-per-board", l.MaxConnsPerBoard, "connections one board takes")
	fs.DurationVar(&cfg.limits.SlowAfter, "slow-after", l.SlowAfter, "how far behind a client may fall (acknowledging nothing, or leaving data unacknowledged) before it is disconnected as too slow")
	fs.IntVar(&cfg.limits.SendQueueBytes, "send-queue-bytes", l.SendQueueBytes, "bytes that may wait in the server for one client before it is disconnected as too slow")
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
	if t := cfg.backupToken; t != "" && len(t) < 16 {
		return cfg, fmt.Errorf("-backup-token must be at least 16 characters: it is all that stands between the internet and every board")
	}
	if _, err := parsePublicURL(cfg.publicURL); err != nil {
		return cfg, err
	}
	if cfg.retentionDays < 0 {
		return cfg, fmt.Errorf("-retention-days (%d) must be 0 (keep every board) or more", cfg.retentionDays)
	}
	if cfg.historyDays < 0 {
		return cfg, fmt.Errorf("-history-days (%d) must be 0 (keep every operation) or more", cfg.historyDays)
	}
	if cfg.limits.PingPeriod >= cfg.limits.PongWait {
		return cfg, fmt.Errorf("-ping-period (%v) must be shorter than -pong-wait (%v)", cfg.limits.PingPeriod, cfg.limits.PongWait)
	}
	return cfg, nil
}

// downtimeForgiven is how long a database file may go unwritten before
// serve takes it for a stopped server's (see Hub.ForgiveDowntime). A
// running server writes at least a board's visit a day while anyone uses
// it.
const downtimeForgiven = 24 * time.Hour

func serve(ctx context.Context, cfg config, stdout io.Writer) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: level}))

	// A file nobody wrote to for a day belonged to a stopped server (or an
	// idle one): retention counts from today, not from before the break.
	var stopped bool
	if fi, err := os.Stat(cfg.dbPath); err == nil {
		stopped = time.Since(fi.ModTime()) > downtimeForgiven
	}
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
		Log: store, Links: store, Logger: log, Limits: cfg.limits, BoardLimits: cfg.boardLimits, AllowedOrigins: origins,
		RetentionDays: cfg.retentionDays,
	})
	trusted, _ := parseProxies(cfg.trustedProxies) // checked by parseFlags
	public, _ := parsePublicURL(cfg.publicURL)
	metrics, err := newRegistry(hub, store)
	if err != nil {
		hub.Shutdown(context.Background())
		return err
	}

	tcp, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		hub.Shutdown(context.Background())
		return err
	}
	lan := lanAddrs(tcp.Addr())
	s := &site{proxies: trusted, public: public, historyDays: cfg.historyDays}
	if cfg.backupToken != "" {
		s.backup = &backupEndpoint{token: cfg.backupToken, store: store}
	}
	if len(lan) > 0 {
		s.lan = lan[0]
	}
	srv := newHTTPServer(NewServer(log, hub, metrics, s), newConnLimit(tcp), log, defaultTimeouts)
	ln := srv.listener
	if cfg.debugAddr != "" {
		// The profiler gets its own listener so it is never exposed on the
		// public address by accident.
		go func() {
			err := http.ListenAndServe(cfg.debugAddr, debugHandler())
			log.Error("debug listener stopped", "err", err)
		}()
	}
	if cfg.historyDays > 0 {
		go dropHistoryDaily(ctx, store, cfg.historyDays, log)
	}
	if cfg.retentionDays > 0 {
		if stopped {
			if err := hub.ForgiveDowntime(ctx); err != nil {
				log.Error("counting boards as opened after the server was stopped failed", "err", err)
			} else {
				log.Info("the server was stopped for more than a day: retention counts every board as opened today")
			}
		}
		go hub.RunRetention(ctx)
		log.Info("boards nobody opens are deleted", "days", cfg.retentionDays)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("corkboard is listening", "url", "http://"+displayAddr(ln.Addr()), "db", cfg.dbPath, "max_connections", ln.max)
	switch {
	case public != nil:
		log.Info("links are given out at the public address", "url", public.String())
	case len(lan) > 0:
		// The addresses a class on the same network can open; links
		// given out from a page opened at localhost use the first.
		for _, a := range lan {
			log.Info("the class can open", "url", "http://"+a)
		}
	}

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

// httpTimeouts bound how long a client may take over an HTTP request.
type httpTimeouts struct {
	header, read, write, idle time.Duration
}

// defaultTimeouts: a request's headers must come within 10 s and its body
// within 30; an answer must be written within 60 (routes with large
// answers extend it); a keep-alive connection waits 60 s for its next
// request. None of them touches a WebSocket: net/http clears the deadlines
// when the connection is taken over, and the sync package sets its own.
var defaultTimeouts = httpTimeouts{header: 10 * time.Second, read: 30 * time.Second, write: 60 * time.Second, idle: 60 * time.Second}

// limitedServer is an http.Server with the listener that keeps it within
// its open-file limit.
type limitedServer struct {
	*http.Server
	listener *connLimit
}

func newHTTPServer(h http.Handler, ln *connLimit, log *slog.Logger, t httpTimeouts) limitedServer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return limitedServer{listener: ln, Server: &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.header,
		ReadTimeout:       t.read,
		WriteTimeout:      t.write,
		IdleTimeout:       t.idle,
		MaxHeaderBytes:    64 << 10,
		ConnState:         ln.connState,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}}
}

func debugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// parsePublicURL reads -public-url: an http or https address without a
// path, or "" for none.
func parsePublicURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, nil
	}
	u, err := url.Parse(strings.TrimSuffix(s, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, fmt.Errorf("-public-url %q must be an address like https://corkboard.example, without a path", s)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// lanAddrs returns the addresses, with the listener's port, at which
// others on this machine's networks can reach a listener on all
// interfaces: its non-loopback IPv4 addresses first, then IPv6 ones
// (link-local ones left out). A listener on one address gives that
// address, unless it is loopback, which nobody else can reach.
func lanAddrs(a net.Addr) []string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && !ip.IsUnspecified() {
		if ip.IsLoopback() {
			return nil
		}
		return []string{net.JoinHostPort(host, port)}
	}
	ifaces, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var v4, v6 []string
	for _, ia := range ifaces {
		ipn, ok := ia.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() {
			continue
		}
		if ipn.IP.To4() != nil {
			v4 = append(v4, net.JoinHostPort(ipn.IP.String(), port))
		} else {
			v6 = append(v6, net.JoinHostPort(ipn.IP.String(), port))
		}
	}
	return append(v4, v6...)
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
