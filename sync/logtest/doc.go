// Package storetest holds the conformance tests that every implementation
// of boardsync.Store passes, so that tests run against the in-memory store
// say something true of the bbolt one.
package storetest
