package sync

import (
	"fmt"
	"io"
	"math"
	"sync/atomic"
	"time"
)

// Metrics counts what the hub does. It is written to /metrics in the
// Prometheus text format by WriteTo. Counters are atomics so the hot paths
// (room loop, write pump) never take a lock for them.
type Metrics struct {
	OpsAccepted     atomic.Uint64
	OpsRejected     atomic.Uint64
	OpsDuplicate    atomic.Uint64
	SlowDisconnects atomic.Uint64
	Connections     atomic.Int64
	LiveBoards      atomic.Int64
	CommitErrors    atomic.Uint64

	Commit   Histogram // one group commit: the transaction and its fsync
	Ack      Histogram // an operation's arrival to its acknowledgement being queued
	Delivery Histogram // a message queued for a client to written to its socket
}

// WriteTo writes the metrics in the Prometheus text exposition format.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	counter := func(name, help string, v uint64) {
		fmt.Fprintf(cw, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	gauge := func(name, help string, v int64) {
		fmt.Fprintf(cw, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", name, help, name, name, v)
	}
	gauge("corkboard_live_boards", "Boards loaded in memory with a running room.", m.LiveBoards.Load())
	gauge("corkboard_connections", "Open WebSocket connections.", m.Connections.Load())
	counter("corkboard_ops_accepted_total", "Operations applied and ordered.", m.OpsAccepted.Load())
	counter("corkboard_ops_rejected_total", "Operations rejected (invalid, conflicting, rate limited).", m.OpsRejected.Load())
	counter("corkboard_ops_duplicate_total", "Resent operations recognised as already applied.", m.OpsDuplicate.Load())
	counter("corkboard_slow_client_disconnects_total", "Clients disconnected because their send queue overflowed.", m.SlowDisconnects.Load())
	counter("corkboard_commit_errors_total", "Group commits that failed.", m.CommitErrors.Load())
	m.Commit.write(cw, "corkboard_commit_seconds", "Duration of one group commit to disk.")
	m.Ack.write(cw, "corkboard_ack_seconds", "Time from an operation's arrival to its acknowledgement after the durable commit.")
	m.Delivery.write(cw, "corkboard_delivery_seconds", "Time from queueing a message for a client to writing it to the socket.")
	return cw.n, cw.err
}

// histogramBuckets are upper bounds in seconds, from 100 µs to 10 s.
var histogramBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10}

// Histogram is a Prometheus-style histogram with fixed buckets. Observe is
// lock-free: every connection's write pump calls it for every message, and
// a shared mutex there would make thousands of writers queue on one lock.
type Histogram struct {
	counts [16]atomic.Uint64 // one per bucket, then +Inf
	sumNs  atomic.Uint64
}

// Observe records one duration.
func (h *Histogram) Observe(d time.Duration) {
	s := d.Seconds()
	i := 0
	for i < len(histogramBuckets) && s > histogramBuckets[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sumNs.Add(uint64(max(d, 0)))
}

// write prints the histogram. Counts are read one by one, so a scrape that
// races with Observe may be off by the observations in flight; Prometheus
// tolerates that, and no reader needs more.
func (h *Histogram) write(w io.Writer, name, help string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	var cum uint64
	for i, le := range histogramBuckets {
		cum += h.counts[i].Load()
		fmt.Fprintf(w, "%s_bucket{le=\"%g\"} %d\n", name, le, cum)
	}
	cum += h.counts[len(histogramBuckets)].Load()
	sum := time.Duration(h.sumNs.Load()).Seconds()
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %s\n%s_count %d\n", name, cum, name, formatFloat(sum), name, cum)
}

func formatFloat(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "0"
	}
	return fmt.Sprintf("%g", f)
}

type countingWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}
