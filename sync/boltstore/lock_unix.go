//go:build unix

package boltstore

import (
	"errors"
	"os"
	"syscall"
)

// inUse reports whether another process holds the file's lock, as bbolt
// takes it (flock) while a database is open for writing. It takes a shared
// lock for a moment without waiting; any failure other than "held" reports
// false and leaves the question to bbolt's own open.
func inUse(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	if err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return false
	}
	return errors.Is(err, syscall.EWOULDBLOCK)
}
