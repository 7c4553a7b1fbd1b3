// Package boltstore keeps Corkboard's boards in one bbolt file. It
// implements the Store interface that package sync defines.
//
// # Layout
//
//	meta                  format -> "1"
//	boards/<board id>/    snapshot -> the board as JSON, as of some version
//	boards/<board id>/log <version as 8 bytes, big-endian> -> an encoded entry
//
// Log keys sort by version, so a board's log reads in order and trimming
// drops a prefix. Every Commit is one read-write transaction: bbolt writes it
// with fsync before Update returns, so a nil error means it is on disk. The
// database is never opened with NoSync.
package boltstore
