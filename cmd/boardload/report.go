package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// report prints the run's figures and checks the scenario's targets.
func (r *result) report(w io.Writer, o options) error {
	var delivery, ack, view hist
	var lost, dups, deliveries, acks, rejects uint64
	closed := map[string]int{}
	for _, rd := range r.readers {
		if rd.closedEarly != nil {
			closed[rd.closedEarly.Error()]++
		}
		if rd.err != nil {
			return fmt.Errorf("client %s: %w", rd.client, rd.err)
		}
		delivery.merge(&rd.delivery)
		ack.merge(&rd.ack)
		if rd.view != nil {
			view.merge(rd.view)
		}
		// Whatever a client did not reach by the end was lost to it.
		if final := r.finalVersions[rd.board]; rd.lastVersion < final {
			lost += final - rd.lastVersion
		}
		lost += rd.lost
		dups += rd.dups
		deliveries += rd.deliveries
		acks += rd.acks
		rejects += rd.rejects
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
	secs := r.elapsed.Seconds()
	fmt.Fprintf(w, "scenario        %s (%d boards x %d clients, %d writers/board at %g ops/s, cursors %g Hz)\n",
		o.sc.Name, o.sc.Boards, o.sc.Clients, o.sc.Writers, o.sc.Rate, o.sc.CursorHz)
	fmt.Fprintf(w, "measured        %.1f s after %v warm-up\n", secs, o.warmup)
	fmt.Fprintf(w, "ops sent        %d (%.0f/s), acks %d, rejects %d\n", r.sent, float64(r.sent)/secs, acks, rejects)
	if len(r.sends) > 0 {
		sorted := slices.Sorted(slices.Values(r.sends))
		total := 0
		for _, n := range sorted {
			total += n
		}
		fmt.Fprintf(w, "sends per ms    mean %.1f  p99 %d  max %d\n",
			float64(total)/float64(len(sorted)), sorted[len(sorted)*99/100], sorted[len(sorted)-1])
	}
	fmt.Fprintf(w, "deliveries      %d (%.0f/s) to other clients\n", deliveries, float64(deliveries)/secs)
	fmt.Fprintf(w, "delivery        p50 %s  p99 %s  p99.9 %s  max %s\n",
		ms(delivery.quantile(0.5)), ms(delivery.quantile(0.99)), ms(delivery.quantile(0.999)), ms(delivery.quantile(1)))
	fmt.Fprintf(w, "ack (durable)   p50 %s  p99 %s  p99.9 %s  max %s\n",
		ms(ack.quantile(0.5)), ms(ack.quantile(0.99)), ms(ack.quantile(0.999)), ms(ack.quantile(1)))
	if o.sc.ViewHz > 0 {
		fmt.Fprintf(w, "presenter view  p50 %s  p99 %s  p99.9 %s  max %s  (%d seen)\n",
			ms(view.quantile(0.5)), ms(view.quantile(0.99)), ms(view.quantile(0.999)), ms(view.quantile(1)), view.count())
	}
	fmt.Fprintf(w, "lost ops        %d\nduplicated ops  %d\n", lost, dups)
	if o.pid > 0 {
		fmt.Fprintf(w, "server CPU      %.2f cores, peak RSS %.0f MiB\n", r.serverCPU, float64(r.serverRSS)/(1<<20))
	}
	fmt.Fprintf(w, "boardload CPU   %.2f cores\n", r.loadCPU)

	for reason, n := range closed {
		fmt.Fprintf(w, "closed early    %d connections: %s\n", n, reason)
	}
	var misses []error
	miss := func(format string, args ...any) { misses = append(misses, fmt.Errorf(format, args...)) }
	if lost > 0 || dups > 0 {
		miss("%d lost and %d duplicated operations", lost, dups)
	}
	if rejects > 0 {
		miss("%d operations rejected", rejects)
	}
	if t := o.sc.MaxAckP99; t > 0 && ack.quantile(0.99) > t {
		miss("ack p99 %s over %v", ms(ack.quantile(0.99)), t)
	}
	if t := o.sc.MaxDelivP99; t > 0 && delivery.quantile(0.99) > t {
		miss("delivery p99 %s over %v", ms(delivery.quantile(0.99)), t)
	}
	if t := o.sc.MaxViewP99; t > 0 && view.quantile(0.99) > t {
		miss("presenter view p99 %s over %v", ms(view.quantile(0.99)), t)
	}
	if o.sc.ViewHz > 0 && view.count() == 0 {
		miss("the presenter's view reached nobody")
	}
	if t := o.sc.MaxCPU; t > 0 && o.pid > 0 && r.serverCPU > t {
		miss("server CPU %.2f cores over %g", r.serverCPU, t)
	}
	if deliveries == 0 {
		miss("nothing was delivered")
	}
	for _, err := range misses {
		fmt.Fprintf(w, "MISSED          %v\n", err)
	}
	if len(misses) == 0 {
		fmt.Fprintf(w, "targets         met\n")
	}
	return errors.Join(misses...)
}
