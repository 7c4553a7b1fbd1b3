// Command boardload is Corkboard's load generator. It speaks the real
// protocol to a running server: B boards, C clients on each, W of them
// writing at R operations a second, optionally with cursor traffic, and
// measures what a user would feel.
//
// Usage:
//
//	boardload -url http://127.0.0.1:8080 -scenario S1 [-pid N] [-duration 20s]
//	boardload -url ... -boards 10 -clients 30 -writers 3 -rate 5 -cursor-hz 10
//
// For every run it reports: delivery latency from an operation's sending to
// its arrival at every other client of the board (p50, p99, p99.9, max),
// deliveries per second, acknowledgement latency, lost and duplicated
// operations (each client must see every version exactly once, in order),
// and, given the server's PID, the server's CPU use and peak RSS, beside
// the load generator's own CPU (they share the machine). It also reports
// how evenly it offered the load, as operations sent per millisecond (mean,
// p99, max): each writer sends on a fixed grid of times with its own random
// phase, so a burst there means boardload itself was held up.
//
// The scenarios S1 (classroom), S2 (lecture) and S3 (school) are the ones in
// the README, with their targets; a run that misses a target exits 1.
//
//	boardload -relay 127.0.0.1:9000
//
// serves a bare relay instead: just enough of the protocol for boardload,
// with no validation, no storage and no room goroutine. Load against it
// gives the floor this machine allows at that moment; bench.sh with RELAY=1
// runs it before every Corkboard run. -cpuprofile writes boardload's own
// profile, since what it spends is taken from the server beside it.
package main
