// Package logtest holds the conformance tests that every implementation of
// boardsync.Log passes (MemLog, boltstore.Store), so that what the sync
// layer's tests show with the in-memory log holds for the bbolt one, and
// for any log added later.
package logtest
