package main

import (
	"testing"
	"time"
)

// TestScheduleKeepsPhase checks that a late wake-up does not shift the
// ticks after it: they stay on the grid phase + k*interval.
func TestScheduleKeepsPhase(t *testing.T) {
	const interval = 20 * time.Millisecond
	s := newSchedule(interval)
	defer s.stop()
	first := s.next
	stop := make(chan struct{})
	for i := range 6 {
		if !s.wait(stop) {
			t.Fatal("wait reported stop")
		}
		if i%2 == 0 {
			time.Sleep(interval * 3 / 2) // late, and once over a whole tick
		}
		if off := s.next.Sub(first) % interval; off != 0 {
			t.Fatalf("tick %d is %v off the grid", i, off)
		}
		if !s.next.After(time.Now().Add(-interval)) {
			t.Fatalf("tick %d left a missed tick to catch up: next %v ago", i, time.Since(s.next))
		}
	}
	close(stop)
	if s.wait(stop) {
		t.Fatal("wait after stop reported a tick")
	}
}
