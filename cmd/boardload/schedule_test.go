package main

import (
	"testing"
	"time"
)

// TestScheduleKeepsPhase checks that late wake-ups do not shift the ticks
// after them (they stay on the grid phase + k*interval) and that a tick
// missed altogether is skipped, not left to fire at once. Both hold however
// long the sleeps below really take.
func TestScheduleKeepsPhase(t *testing.T) {
	const interval = 20 * time.Millisecond
	s := newSchedule(interval)
	defer s.stop()
	first := s.next
	stop := make(chan struct{})
	for i := range 6 {
		before := time.Now()
		if !s.wait(stop) {
			t.Fatal("wait reported stop")
		}
		if s.next.Before(before) {
			t.Fatalf("tick %d: the next tick is %v in the past, a missed tick left to catch up", i, time.Since(s.next))
		}
		if off := s.next.Sub(first) % interval; off != 0 {
			t.Fatalf("tick %d is %v off the grid", i, off)
		}
		if i%2 == 0 {
			time.Sleep(interval * 5 / 2) // late by more than a whole tick
		}
	}
	close(stop)
	if s.wait(stop) {
		t.Fatal("wait after stop reported a tick")
	}
}
