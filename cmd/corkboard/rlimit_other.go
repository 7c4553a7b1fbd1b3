//go:build !unix

package main

// openFileLimit is unknown here: no limit but the system's.
func openFileLimit() int { return 1 << 20 }
