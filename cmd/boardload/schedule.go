package main

import (
	"math/rand/v2"
	"time"
)

// schedule ticks at fixed times, phase + k*interval from when it was made,
// with a random phase so that many schedules of one interval spread out
// evenly over it.
//
// A timer re-armed with the interval after each wake-up would carry every
// wake-up's lateness into all later ticks. Timers that fire late together
// (the process was not scheduled for a few milliseconds, or timers due
// within one millisecond are run in one go) would then stay together for
// the rest of the run, so the writers' phases would merge into ever larger
// bursts: the longer the run, the burstier the load. Fixed tick times keep
// each writer's phase.
type schedule struct {
	next     time.Time
	interval time.Duration
	timer    *time.Timer
}

func newSchedule(interval time.Duration) *schedule {
	next := time.Now().Add(time.Duration(rand.Int64N(int64(interval))))
	return &schedule{next: next, interval: interval, timer: time.NewTimer(time.Until(next))}
}

// wait blocks until the next tick and reports true, or reports false once
// stop is closed. A tick missed altogether, because the previous one was
// handled over an interval late, is skipped rather than sent in a burst.
func (s *schedule) wait(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return false
	default:
	}
	select {
	case <-stop:
		return false
	case <-s.timer.C:
	}
	s.next = s.next.Add(s.interval)
	if late := time.Since(s.next); late > 0 {
		s.next = s.next.Add((late/s.interval + 1) * s.interval)
	}
	s.timer.Reset(time.Until(s.next))
	return true
}

func (s *schedule) stop() { s.timer.Stop() }
