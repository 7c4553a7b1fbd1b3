// Package boltstore keeps Corkboard's boards in one bbolt file. It
// implements the Store interface that package sync defines.
//
// # Layout
//
//	meta            format -> "3"
//	boards/<id>     last version (8 bytes) | trim point (8 bytes) | snapshot (the board as JSON)
//	wal/<seq>       one group commit's records, of any number of boards (8-byte big-endian key),
//	wal/<seq><n>    in chunks of at most 960 bytes: the first under <seq>, chunk n >= 1 under
//	                <seq> and n as 4 bytes big-endian (wal.go says why)
//
// Every Commit is one read-write transaction that appends one entry to the
// write-ahead log (wal): keys only grow, so a commit dirties the log's last
// pages however many boards it carries. (The first layout gave each board
// its own log bucket, and a commit rewrote several pages per board in it;
// databases in that layout move to this one when opened. Format 2 kept
// each entry under one key; such files open as they are.) A board's own
// value is written only when it is created, snapshotted or trimmed.
//
// The store keeps an index in memory, built by reading the WAL when the file
// is opened: for each board, which WAL entries still hold records it keeps.
// Loading a board reads its snapshot and just those entries. When a snapshot
// lets every board in an entry drop its records, the entry is deleted, so
// the WAL holds about one snapshot interval of operations.
//
// bbolt writes each transaction with fsync before Update returns, so a nil
// error from Commit means the records are on disk. The database is never
// opened with NoSync.
package boltstore
