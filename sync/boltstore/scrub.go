package boltstore

import (
	"errors"
	"fmt"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"
)

// A backup without what was deleted.
//
// bbolt never writes over a page in use: a commit writes what it changed
// to free pages and frees the old ones, which keep their bytes until they
// are used again. bbolt's Tx.WriteTo copies the file as it is, free pages
// included, so a backup taken after a board was deleted would still hold
// the board's notes in the pages that held them. writeScrubbed writes the
// same copy with every page the copy does not use as zeros.
//
// Which pages are those is read from the copy's own root, not from
// bbolt's free list: the free list is the live database's (a commit may
// change it while the backup runs), and it counts pages freed after the
// backup's transaction began, which the backup still uses, as free. The
// pages reachable from the transaction's root do not change while the
// transaction is open (bbolt reuses a freed page only once no open
// transaction can read it), so they are read from the file while commits
// go on. The walk is check.go's, which already reads a file that way.
//
// The live file keeps the old bytes in its free pages until bbolt uses
// them again (the README says so, and how to get rid of them at once):
// writing over pages bbolt may hand to a commit, or that an open
// transaction may still read, is not safe from outside bbolt.

// writeScrubbed writes tx's copy of the database to w, as tx.WriteTo
// does, with the pages it does not use zeroed.
func writeScrubbed(tx *bolt.Tx, w io.Writer) (int64, error) {
	f, err := os.Open(tx.DB().Path())
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := &scrubber{w: w, live: f, pageSize: uint64(tx.DB().Info().PageSize), size: uint64(tx.Size())}
	n, err := tx.WriteTo(s)
	if err == nil && s.reached == nil {
		err = errors.New("the copy ended before its header pages")
	}
	return n, err
}

// scrubber is the writer tx.WriteTo writes to: it holds back the two
// header pages (meta pages) until it has them, finds from them the pages
// the copy uses, and then passes those through and writes zeros for the
// rest.
type scrubber struct {
	w        io.Writer
	live     io.ReaderAt // the database file, to walk the copy's tree
	pageSize uint64
	size     uint64 // the copy's length

	head    []byte   // the header pages, until both are in
	reached []uint64 // bit i: the copy uses page i; nil until the header is in
	off     uint64   // bytes taken so far
	zeros   []byte
}

func (s *scrubber) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 {
		if s.reached == nil {
			n := min(uint64(len(p)), 2*s.pageSize-uint64(len(s.head)))
			s.head = append(s.head, p[:n]...)
			p = p[n:]
			s.off += n
			if uint64(len(s.head)) < 2*s.pageSize {
				continue
			}
			if err := s.start(); err != nil {
				return total - len(p), err
			}
			if _, err := s.w.Write(s.head); err != nil {
				return total - len(p), err
			}
			s.head = nil
			continue
		}
		// The longest run from here of pages all used or all unused.
		page := s.off / s.pageSize
		used := s.uses(page)
		end := (page + 1) * s.pageSize
		for end < s.off+uint64(len(p)) && s.uses(end/s.pageSize) == used {
			end += s.pageSize
		}
		n := min(end-s.off, uint64(len(p)))
		chunk := p[:n]
		if !used {
			chunk = s.zeroes(n)
		}
		if _, err := s.w.Write(chunk); err != nil {
			return total - len(p), err
		}
		p = p[n:]
		s.off += n
	}
	return total, nil
}

// start reads the copy's header (WriteTo writes the transaction's meta in
// both) and walks its tree.
func (s *scrubber) start() error {
	m, why := parseMeta(s.head)
	if why != "" {
		return fmt.Errorf("the copy's header page: %s", why)
	}
	if m.pageSize != s.pageSize {
		return fmt.Errorf("the copy's header gives pages of %d bytes, not %d", m.pageSize, s.pageSize)
	}
	c := &checker{r: s.live, size: s.size, pageSize: m.pageSize}
	if err := c.walk(m); err != nil {
		return fmt.Errorf("reading the database for the copy: %w", err)
	}
	s.reached = c.reached
	return nil
}

func (s *scrubber) uses(page uint64) bool {
	return page < 2 || (page/64 < uint64(len(s.reached)) && s.reached[page/64]&(1<<(page%64)) != 0)
}

func (s *scrubber) zeroes(n uint64) []byte {
	if uint64(len(s.zeros)) < n {
		s.zeros = make([]byte, max(n, 64<<10))
	}
	return s.zeros[:n]
}
