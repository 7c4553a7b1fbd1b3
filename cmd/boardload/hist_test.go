package main

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestHistQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h hist
	var vals []uint64
	for range 100000 {
		v := uint64(rng.ExpFloat64() * 3000)
		vals = append(vals, v)
		h.record(time.Duration(v) * time.Microsecond)
	}
	slices.Sort(vals)
	for _, q := range []float64{0.5, 0.99, 0.999, 1} {
		exact := float64(vals[int(q*float64(len(vals)-1))])
		got := float64(h.quantile(q).Microseconds())
		if got < exact*0.96-1 || got > exact*1.04+1 {
			t.Errorf("q%g: got %v µs, exact %v µs", q, got, exact)
		}
	}
	for us := uint64(0); us <= histMaxUS; us += 1 + us/7 {
		if v := histValue(histIndex(us)); v < us {
			t.Fatalf("bucket of %d has upper bound %d", us, v)
		}
	}
	if i := histIndex(histMaxUS); i != histIndexMax {
		t.Fatalf("the largest value falls in bucket %d, want the last, %d", i, histIndexMax)
	}
	var big hist
	big.record(time.Hour)
	if got := big.quantile(0.5); got != time.Hour {
		t.Errorf("an hour, past the last bucket, reads back as %v", got)
	}
}
