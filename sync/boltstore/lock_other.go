//go:build !unix

package boltstore

// inUse is unknown here; bbolt's own open finds a file in use.
func inUse(path string) bool { return false }
