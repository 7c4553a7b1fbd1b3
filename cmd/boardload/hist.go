package main

import (
	"math/bits"
	"time"
)

// hist is a log-linear latency histogram in microseconds: exact below 64 µs,
// within 1/32 (about 3%) above, up to histMaxUS (values above share the last
// bucket; max stays exact). Each goroutine keeps its own and they are merged
// at the end, so recording takes no lock.
//
// It is small (3.4 KiB) on purpose: S3 keeps two per connection, 5,000 in
// all, and the load generator's memory is memory the machine's reclaim
// (DAMON) works through beside the server.
type hist struct {
	counts [histIndexMax + 1]uint32
	n      uint64
	max    uint64
}

// histMaxUS is the largest value with a bucket of its own: over half an hour.
const (
	histMaxUS    = 1<<31 - 1
	histIndexMax = (31-6)*32 + 63
)

func (h *hist) record(d time.Duration) {
	us := uint64(max(d.Microseconds(), 0))
	h.counts[histIndex(min(us, histMaxUS))]++
	h.n++
	h.max = max(h.max, us)
}

func histIndex(us uint64) int {
	if us < 64 {
		return int(us)
	}
	shift := bits.Len64(us) - 6 // keep the top 6 bits
	return shift*32 + int(us>>shift)
}

// histValue is the upper bound of bucket i.
func histValue(i int) uint64 {
	if i < 64 {
		return uint64(i)
	}
	// Above 64, bucket i holds values whose top six bits are m, shifted.
	shift := i/32 - 1
	m := uint64(i - shift*32)
	return (m+1)<<shift - 1
}

func (h *hist) merge(o *hist) {
	for i, c := range o.counts {
		// A uint32 per bucket holds 4 billion values: S2's 100,000
		// deliveries a second, all in one bucket, for 11 hours.
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// count returns how many values were recorded.
func (h *hist) count() uint64 { return h.n }

// quantile returns the q-th quantile (0..1) as a duration.
func (h *hist) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n-1)) + 1
	var seen uint64
	for i, c := range h.counts {
		seen += uint64(c)
		if seen >= rank && i < histIndexMax {
			return time.Duration(min(histValue(i), h.max)) * time.Microsecond
		}
	}
	return time.Duration(h.max) * time.Microsecond
}
