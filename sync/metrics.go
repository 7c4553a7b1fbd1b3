package sync

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics is what the hub counts, as Prometheus collectors. NewHub makes
// them; Register adds them to a registry for /metrics. Counters and
// histograms are lock-free, so the hot paths (the room loop, every
// connection's writer) never queue on a lock for them.
type Metrics struct {
	LiveBoards   prometheus.Gauge
	Connections  prometheus.Gauge
	OpsAccepted  prometheus.Counter
	OpsRejected  prometheus.Counter
	OpsDuplicate prometheus.Counter
	// SlowDisconnects counts clients dropped as too slow, by why (see
	// the slow* reasons in writer.go).
	SlowDisconnects *prometheus.CounterVec
	// Snapshots counts snapshots saved, by result (saved, failed).
	Snapshots *prometheus.CounterVec

	Ack      prometheus.Histogram // an operation's arrival to its acknowledgement being sent
	Delivery prometheus.Histogram // a message queued for a client to written to its socket
}

// LatencyBuckets are the upper bounds, in seconds, of Corkboard's latency
// histograms: from 100 µs, where loopback deliveries are, to 10 s.
var LatencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10}

func newMetrics() *Metrics {
	return &Metrics{
		LiveBoards: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "corkboard_live_boards", Help: "Boards loaded in memory with a running room."}),
		Connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "corkboard_connections", Help: "Open WebSocket connections."}),
		OpsAccepted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "corkboard_ops_accepted_total", Help: "Operations applied and ordered."}),
		OpsRejected: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "corkboard_ops_rejected_total", Help: "Operations rejected (invalid, conflicting, not allowed)."}),
		OpsDuplicate: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "corkboard_ops_duplicate_total", Help: "Resent operations recognised as already applied."}),
		SlowDisconnects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "corkboard_slow_client_disconnects_total",
			Help: "Clients disconnected because they did not keep up with what was sent to them, by reason: " +
				"unanswered (no probe answered for -slow-after), overdue (a probe left unanswered too long), " +
				"stalled (a write not taken in -slow-after), queue (more than -send-queue-bytes waiting)."},
			[]string{"reason"}),
		Snapshots: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "corkboard_snapshots_total",
			Help: "Snapshots of boards written to the log, by result: saved or failed (a failed one loses nothing)."},
			[]string{"result"}),
		Ack: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "corkboard_ack_seconds", Help: "Time from an operation's arrival to its acknowledgement after the durable commit.",
			Buckets: LatencyBuckets}),
		Delivery: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "corkboard_delivery_seconds", Help: "Time from queueing a message for a client to writing it to the socket.",
			Buckets: LatencyBuckets}),
	}
}

// Register adds the metrics to r.
func (m *Metrics) Register(r prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{m.LiveBoards, m.Connections, m.OpsAccepted, m.OpsRejected,
		m.OpsDuplicate, m.SlowDisconnects, m.Snapshots, m.Ack, m.Delivery} {
		if err := r.Register(c); err != nil {
			return err
		}
	}
	return nil
}
