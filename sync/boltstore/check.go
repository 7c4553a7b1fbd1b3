package boltstore

// Checking a database file before bbolt opens it.
//
// bbolt trusts its file. Opened with NoFreelistSync, it rebuilds the list of
// free pages by walking every page reachable from the root, in a goroutine of
// its own (bbolt's db.go, freepages): on a damaged file that walk panics where
// no recover reaches, or reads its memory map past the file's end and dies of
// SIGBUS. So Open first reads the file with plain reads, the way bbolt v1.5.0
// lays it out, and refuses a damaged one with a message instead of a crash.
// It never writes to the file.
//
// The layout (bbolt's internal/common, all integers in the machine's byte
// order, as bbolt writes them):
//
//	page header   id u64 | flags u16 | count u16 | overflow u32       16 bytes
//	meta          magic u32 | version u32 | page size u32 | flags u32 |
//	              root bucket (root page u64, sequence u64) |
//	              freelist page u64 | high water mark u64 | txid u64 |
//	              checksum u64 (FNV-64a of the 56 bytes before it)    64 bytes
//	branch entry  pos u32 | key size u32 | child page u64             16 bytes
//	leaf entry    flags u32 | pos u32 | key size u32 | value size u32  16 bytes
//
// A page's entries follow its header; an entry's key starts pos bytes after
// the entry itself, and a leaf's value follows its key. A page whose header
// says overflow n spans n+1 pages. A leaf entry with flag 1 is a bucket: its
// value starts with the bucket's root page and sequence, and a root page of 0
// means the bucket is inline: a leaf page follows in the value itself.

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math/bits"
	"os"
	"slices"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// fileState is what checkFile found at a path. Only fileMissing, fileEmpty
// and fileIntact come with a nil error; the caller creates a new database
// for the first two and hands the third to bbolt.
type fileState int

const (
	// fileUnreadable: the check could not read the file (permissions, an
	// I/O error, not a regular file); the error says why.
	fileUnreadable fileState = iota
	// fileMissing: there is no file at the path.
	fileMissing
	// fileEmpty: a zero-byte file. bbolt writes a new file's first pages in
	// one write, so this is what a crash before that write leaves: it never
	// held data.
	fileEmpty
	// fileIntact: a bbolt file whose structure is whole, as far as the check
	// sees (see checkFile).
	fileIntact
	// fileNotBolt: a file that is not a bbolt database at all; the error
	// (wrapping errNotBolt) says so.
	fileNotBolt
	// fileDamaged: a bbolt file that bbolt must not open; the error (wrapping
	// errDamaged) says what is wrong.
	fileDamaged
)

func (s fileState) String() string {
	switch s {
	case fileUnreadable:
		return "unreadable"
	case fileMissing:
		return "missing"
	case fileEmpty:
		return "empty"
	case fileIntact:
		return "intact"
	case fileNotBolt:
		return "not bbolt"
	case fileDamaged:
		return "damaged"
	}
	return "fileState(" + strconv.Itoa(int(s)) + ")"
}

var (
	// errDamaged is wrapped by every error of a fileDamaged result.
	errDamaged = errors.New("the file is damaged")
	// errNotBolt is wrapped by every error of a fileNotBolt result.
	errNotBolt = errors.New("it is not a bbolt database")
)

// bbolt's on-disk format, version 2 (go.etcd.io/bbolt v1.5.0,
// internal/common). Both kinds of page entry are 16 bytes long.
const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	boltPageHeader   = 16
	boltEntrySize    = 16
	boltMetaEnd      = boltPageHeader + 64 // the meta follows the page header
	boltMetaSumEnd   = boltPageHeader + 56 // the checksum covers the meta before it
	boltBucketHeader = 16                  // root page and sequence, before an inline page

	boltBranchPage   = 0x01
	boltLeafPage     = 0x02
	boltMetaPage     = 0x04
	boltFreelistPage = 0x10

	boltBucketFlag = 0x01 // a leaf entry's flag for a nested bucket
	boltNoFreelist = ^uint64(0)

	// bbolt reads the first meta with a 4 KiB buffer, and looks for the second
	// at 1 KiB << i for i up to 14 when the first is invalid. Page sizes
	// outside [boltMinPageSize, boltMaxPageSize] are not ones bbolt finds or writes.
	boltFirstRead   = 4096
	boltMinPageSize = 512
	boltMaxPageSize = 1024 << 14

	// checkReadChunk is how much the walk reads at once when the pages it needs
	// next lie close together; checkReadGap is how many unneeded pages it reads
	// rather than make another read call.
	checkReadChunk = 1 << 20
	checkReadGap   = 4
)

// checkFile reads the file at path with plain reads (no mmap, no bbolt) and
// tells whether bbolt v1.5.0 can safely open it. It never writes to the file.
//
// It reports a missing file and a zero-byte file as fileMissing and
// fileEmpty with a nil error. Otherwise it validates bbolt's format: the two
// meta pages (magic, version, checksum; the valid one with the higher txid is
// used, as bbolt does), that the file holds every page below the meta's high
// water mark, and then every page reachable from the root bucket: branch and
// leaf pages with their overflow pages, nested buckets (inline ones inside
// their leaf value too) and the freelist page if the meta names one. Each page
// must lie below the high water mark, carry its own id and the flags its
// parent implies, keep its entries, keys and values inside its own bytes, and
// be reached once; keys must be sorted and within the range their parent
// gives them, as bbolt's own walk demands. A file that passes is fileIntact;
// otherwise the result is fileNotBolt or fileDamaged and the error, which
// starts with path, says what is wrong in words, or fileUnreadable with the
// I/O error.
//
// The check reads each reachable page once, in ascending order within each
// level of the tree, and skips free pages; its memory is about one byte per
// 8 pages plus the pending pages' key bounds and the largest single page.
//
// It must not run while another process writes the file: a file changing
// under it may look damaged.
func checkFile(path string) (fileState, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fileMissing, nil
	}
	if err != nil {
		return fileUnreadable, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fileUnreadable, err
	}
	if !fi.Mode().IsRegular() {
		return fileUnreadable, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() == 0 {
		return fileEmpty, nil
	}
	state, err := checkBolt(f, fi.Size())
	if err != nil {
		err = fmt.Errorf("%s: %w", path, err)
	}
	return state, err
}

// checkBolt is checkFile on size bytes read through r, which is not empty.
// Its errors do not name the file.
func checkBolt(r io.ReaderAt, size int64) (fileState, error) {
	c := &checker{r: r, size: uint64(size)}
	if err := c.run(); err != nil {
		switch {
		case errors.Is(err, errDamaged):
			return fileDamaged, err
		case errors.Is(err, errNotBolt):
			return fileNotBolt, err
		}
		return fileUnreadable, err
	}
	return fileIntact, nil
}

// checker holds one check's state.
type checker struct {
	r        io.ReaderAt
	size     uint64 // the file's length in bytes
	pageSize uint64
	hwm      uint64   // the high water mark: pages [0, hwm) are in use or free
	reached  []uint64 // bit i: page i has been reached
	synced   bool     // the meta names a freelist page
	free     []uint64 // the page ids it lists

	win    []byte // a window of the file, from byte winOff on
	winOff uint64
	big    []byte // a page run too long for the window

	spans []entrySpan // scratch for one page's entries
}

// pageVisit is a page the walk has still to read.
type pageVisit struct {
	id       uint64
	from     uint64 // the page that names it; 0 or 1 for the meta page
	freelist bool   // the freelist page, not a page of the tree
	min, max []byte // its keys lie in [min, max); nil is unbounded
}

// entrySpan is where one entry's key (and value) lie in a page.
type entrySpan struct {
	key, end uint64 // key = [key, end); a leaf value is [end, end+vsize)
	vsize    uint64
	child    uint64 // a branch entry's child page
	flags    uint32
}

func (c *checker) damaged(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errDamaged}, args...)...)
}

func (c *checker) run() error {
	m, err := c.readMeta()
	if err != nil {
		return err
	}
	return c.walk(m)
}

// walk checks every page reachable from meta m (the tree and the freelist
// page, if m names one), marking each in c.reached, and then the free
// pages. c.pageSize must be m's.
func (c *checker) walk(m boltMeta) error {
	var err error
	c.hwm = m.hwm
	c.reached = make([]uint64, (c.hwm+63)/64)
	c.mark(0)
	c.mark(1)

	level := []pageVisit{{id: m.root, from: m.page}}
	if m.freelist != boltNoFreelist {
		level = append(level, pageVisit{id: m.freelist, from: m.page, freelist: true})
	}
	for len(level) > 0 {
		slices.SortFunc(level, func(a, b pageVisit) int { return cmp.Compare(a.id, b.id) })
		for i := 1; i < len(level); i++ {
			if level[i].id == level[i-1].id {
				if level[i].from == level[i-1].from {
					return c.damaged("page %d is used twice (%s names it twice)", level[i].id, namer(level[i].from))
				}
				return c.damaged("page %d is used twice (by %s and %s)", level[i].id, namer(level[i-1].from), namer(level[i].from))
			}
		}
		var next []pageVisit
		for i := range level {
			if next, err = c.visit(level, i, next); err != nil {
				return err
			}
		}
		level = next
	}
	return c.checkFree()
}

// boltMeta is the part of a meta page the check uses.
type boltMeta struct {
	page                      uint64 // 0 or 1: which meta page it is
	id                        uint64 // what its page header says
	flags                     uint16
	pageSize                  uint64
	root, freelist, hwm, txid uint64
}

// parseMeta reads the meta at the start of b. If it is not valid, why says
// what is wrong with it.
func parseMeta(b []byte) (m boltMeta, why string) {
	if len(b) < boltMetaEnd {
		return m, "it is cut short"
	}
	ne := binary.NativeEndian
	switch {
	case ne.Uint32(b[16:]) != boltMagic:
		return m, "it has no bbolt marker"
	case ne.Uint32(b[20:]) != boltVersion:
		return m, fmt.Sprintf("it has format version %d, not %d", ne.Uint32(b[20:]), boltVersion)
	}
	h := fnv.New64a()
	h.Write(b[boltPageHeader:boltMetaSumEnd])
	if h.Sum64() != ne.Uint64(b[boltMetaSumEnd:]) {
		return m, "its checksum does not match"
	}
	return boltMeta{
		id:       ne.Uint64(b),
		flags:    ne.Uint16(b[8:]),
		pageSize: uint64(ne.Uint32(b[24:])),
		root:     ne.Uint64(b[32:]),
		freelist: ne.Uint64(b[48:]),
		hwm:      ne.Uint64(b[56:]),
		txid:     ne.Uint64(b[64:]),
	}, ""
}

// readAt reads up to n bytes at off, fewer at the file's end.
func (c *checker) readAt(off, n uint64) ([]byte, error) {
	if off >= c.size {
		return nil, nil
	}
	n = min(n, c.size-off)
	b := make([]byte, n)
	got, err := c.r.ReadAt(b, int64(off))
	if got == len(b) {
		return b, nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return nil, fmt.Errorf("reading the file: %w", err)
}

// readMeta finds the page size and picks the meta page bbolt would use, then
// checks it against the file's length.
func (c *checker) readMeta() (boltMeta, error) {
	head, err := c.readAt(0, boltFirstRead)
	if err != nil {
		return boltMeta{}, err
	}
	m0, why0 := parseMeta(head)
	var m1 boltMeta
	why1 := "it was not found"
	sawMagic := len(head) >= 20 && binary.NativeEndian.Uint32(head[16:]) == boltMagic
	ps := m0.pageSize
	if why0 == "" {
		if ps < boltMinPageSize || ps > boltMaxPageSize {
			return boltMeta{}, c.damaged("its first header page gives a page size of %d bytes, which bbolt does not use", ps)
		}
		b, err := c.readAt(ps, boltMetaEnd)
		if err != nil {
			return boltMeta{}, err
		}
		m1, why1 = parseMeta(b)
	} else {
		// Like bbolt, look for the second meta page where each page size
		// would put it, and take the page size from the first valid one.
		ps = 0
		for i := 0; i <= 14; i++ {
			pos := uint64(1024) << i
			if pos+boltMetaEnd > c.size {
				break
			}
			b, err := c.readAt(pos, boltMetaEnd)
			if err != nil {
				return boltMeta{}, err
			}
			sawMagic = sawMagic || binary.NativeEndian.Uint32(b[16:]) == boltMagic
			if m, why := parseMeta(b); why == "" && m.pageSize == pos {
				m1, why1, ps = m, "", pos
				break
			}
		}
		if ps == 0 {
			if !sawMagic {
				return boltMeta{}, fmt.Errorf("%w: it does not start with a bbolt header", errNotBolt)
			}
			return boltMeta{}, c.damaged("neither of its two header pages is valid (the first: %s)", why0)
		}
	}
	m0.page, m1.page = 0, 1
	// bbolt never reads a meta page's page header, except in its Check,
	// which stops on a wrong one; bbolt always writes it right.
	for _, m := range []struct {
		boltMeta
		valid bool
	}{{m0, why0 == ""}, {m1, why1 == ""}} {
		if m.valid && (m.id != m.page || m.flags != boltMetaPage) {
			return boltMeta{}, c.damaged("header page %d is damaged: its page header says it is page %d, %s", m.page, m.id, pageKind(m.flags))
		}
	}

	// Use the valid meta with the higher txid, the first on a tie (bbolt's
	// DB.meta).
	var m boltMeta
	switch {
	case why0 == "" && why1 == "":
		if m0.pageSize != m1.pageSize {
			return boltMeta{}, c.damaged("its two header pages disagree on the page size (%d and %d bytes)", m0.pageSize, m1.pageSize)
		}
		m = m0
		if m1.txid > m0.txid {
			m = m1
		}
	case why0 == "":
		m = m0
	default:
		m = m1
	}
	c.pageSize = ps

	pages := c.size / ps
	switch {
	case m.hwm > pages:
		return boltMeta{}, c.damaged("it is shorter than its header says: the header counts %d pages of %d bytes, "+
			"but the file has %d bytes, room for %d pages; it was probably cut short, by a full disk or an interrupted copy",
			m.hwm, ps, c.size, pages)
	case m.hwm < 4:
		// bbolt's first write makes four pages: two metas, a freelist and a root.
		return boltMeta{}, c.damaged("its header counts %d pages, fewer than any bbolt database has", m.hwm)
	case m.root < 2 || m.root >= m.hwm:
		return boltMeta{}, c.damaged("its header puts the root of the data on page %d, outside the database's pages 2 to %d", m.root, m.hwm-1)
	case m.freelist != boltNoFreelist && (m.freelist < 2 || m.freelist >= m.hwm):
		return boltMeta{}, c.damaged("its header puts the list of free pages on page %d, outside the database's pages 2 to %d", m.freelist, m.hwm-1)
	}
	return m, nil
}

func (c *checker) isReached(id uint64) bool { return c.reached[id/64]&(1<<(id%64)) != 0 }
func (c *checker) mark(id uint64)           { c.reached[id/64] |= 1 << (id % 64) }

// page returns the n bytes of the file at off, all below the high water mark.
// It fills the window from off on, reading ahead over the level's next pages
// when they lie close, or reads a long run into its own buffer.
func (c *checker) page(level []pageVisit, i int, off, n uint64) ([]byte, error) {
	if off >= c.winOff && off+n <= c.winOff+uint64(len(c.win)) {
		return c.win[off-c.winOff : off-c.winOff+n], nil
	}
	if n > checkReadChunk {
		if uint64(cap(c.big)) < n {
			c.big = make([]byte, n)
		}
		b := c.big[:n]
		if err := c.readFull(b, off); err != nil {
			return nil, err
		}
		return b, nil
	}
	end := off + n
	for _, v := range level[i+1:] {
		o := v.id * c.pageSize // below the high water mark: no overflow
		if o < end {
			continue
		}
		if o-end > checkReadGap*c.pageSize || o+c.pageSize-off > checkReadChunk {
			break
		}
		end = o + c.pageSize
	}
	if c.win == nil {
		c.win = make([]byte, checkReadChunk)
	}
	c.win = c.win[:end-off]
	c.winOff = off
	if err := c.readFull(c.win, off); err != nil {
		c.win = c.win[:0]
		return nil, err
	}
	return c.win[:n], nil
}

func (c *checker) readFull(b []byte, off uint64) error {
	got, err := c.r.ReadAt(b, int64(off))
	if got == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		// The length was checked: the file shrank while being read.
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("reading the file: %w", err)
}

// visit checks level[i], appending the pages it names to next.
func (c *checker) visit(level []pageVisit, i int, next []pageVisit) ([]pageVisit, error) {
	v := level[i]
	if c.isReached(v.id) {
		return nil, c.damaged("page %d is used twice (the second time by %s)", v.id, namer(v.from))
	}
	off := v.id * c.pageSize
	head, err := c.page(level, i, off, c.pageSize)
	if err != nil {
		return nil, err
	}
	ne := binary.NativeEndian
	id, flags := ne.Uint64(head), ne.Uint16(head[8:])
	count, overflow := uint64(ne.Uint16(head[10:])), uint64(ne.Uint32(head[12:]))
	what := "a branch or leaf page"
	if v.freelist {
		what = "the list of free pages"
	}
	switch {
	case id != v.id:
		return nil, c.damaged("page %d, named by %s, says it is page %d: it was overwritten or never written", v.id, namer(v.from), id)
	case v.freelist && flags != boltFreelistPage,
		!v.freelist && flags != boltBranchPage && flags != boltLeafPage:
		return nil, c.damaged("page %d, named by %s, should be %s but is %s", v.id, namer(v.from), what, pageKind(flags))
	case overflow >= c.hwm-v.id:
		return nil, c.damaged("page %d runs on for %d more pages, past the database's last page %d", v.id, overflow, c.hwm-1)
	}
	for p := v.id; p <= v.id+overflow; p++ {
		if c.isReached(p) {
			return nil, c.damaged("page %d is used twice (the second time as part of page %d)", p, v.id)
		}
		c.mark(p)
	}
	b := head
	if overflow > 0 {
		if b, err = c.page(level, i, off, (overflow+1)*c.pageSize); err != nil {
			return nil, err
		}
	}
	switch flags {
	case boltFreelistPage:
		return next, c.readFreelist(v.id, b, count)
	case boltBranchPage:
		return c.branch(v, b, count, next)
	}
	return c.leaf(v, b, count, next)
}

// pageLoc names, in messages, a page or the inline bucket in one of its
// entries; it is formatted only when there is something to say.
type pageLoc struct {
	page   uint64
	bucket int // the entry holding the inline bucket; -1 for the page itself
}

func (l pageLoc) String() string {
	if l.bucket < 0 {
		return fmt.Sprintf("page %d", l.page)
	}
	return fmt.Sprintf("page %d: the bucket in entry %d", l.page, l.bucket)
}

// namer names, in messages, the page that names another: a header page or
// a page of the tree.
func namer(id uint64) string {
	if id < 2 {
		return fmt.Sprintf("header page %d", id)
	}
	return fmt.Sprintf("page %d", id)
}

// pageKind names a page's flags for a message.
func pageKind(flags uint16) string {
	switch flags {
	case boltBranchPage:
		return "a branch page"
	case boltLeafPage:
		return "a leaf page"
	case boltMetaPage:
		return "a header page"
	case boltFreelistPage:
		return "a list of free pages"
	}
	return fmt.Sprintf("of no known kind (flags %#x)", flags)
}

// entries reads the positions of a page's count entries from b, which holds
// the page from its header on (the page's own bytes, or an inline bucket's).
// It checks that every entry, key and value lies inside b, that no key is
// empty, that leaf entries carry only the bucket flag, and that keys are
// sorted and inside [lo, hi).
func (c *checker) entries(b []byte, count uint64, leaf bool, lo, hi []byte, where pageLoc) ([]entrySpan, error) {
	if count > (uint64(len(b))-boltPageHeader)/boltEntrySize {
		return nil, c.damaged("%s says it holds %d entries, more than fit in it", where, count)
	}
	ne := binary.NativeEndian
	spans := c.spans[:0]
	var prev []byte
	for i := range count {
		e := boltPageHeader + i*boltEntrySize
		var s entrySpan
		if leaf {
			s.flags = ne.Uint32(b[e:])
			s.key = e + uint64(ne.Uint32(b[e+4:]))
			s.end = s.key + uint64(ne.Uint32(b[e+8:]))
			s.vsize = uint64(ne.Uint32(b[e+12:]))
		} else {
			s.key = e + uint64(ne.Uint32(b[e:]))
			s.end = s.key + uint64(ne.Uint32(b[e+4:]))
			s.child = ne.Uint64(b[e+8:])
		}
		switch {
		case s.flags&^boltBucketFlag != 0:
			return nil, c.damaged("%s: entry %d has flags %#x, which bbolt does not write", where, i, s.flags)
		case s.end+s.vsize > uint64(len(b)):
			return nil, c.damaged("%s: entry %d's key or value lies outside the page", where, i)
		case s.end == s.key:
			return nil, c.damaged("%s: entry %d has an empty key", where, i)
		}
		key := b[s.key:s.end]
		switch {
		case i == 0 && lo != nil && bytes.Compare(key, lo) < 0,
			i > 0 && bytes.Compare(key, prev) <= 0,
			hi != nil && bytes.Compare(key, hi) >= 0:
			return nil, c.damaged("%s: entry %d's key is out of order", where, i)
		}
		prev = key
		spans = append(spans, s)
	}
	c.spans = spans
	return spans, nil
}

// branch checks a branch page and queues its children, each with the range
// of keys its parent gives it.
func (c *checker) branch(v pageVisit, b []byte, count uint64, next []pageVisit) ([]pageVisit, error) {
	where := pageLoc{v.id, -1}
	if count == 0 {
		return nil, c.damaged("%s is a branch page with no entries", where)
	}
	spans, err := c.entries(b, count, false, v.min, v.max, where)
	if err != nil {
		return nil, err
	}
	var n uint64
	for _, s := range spans {
		n += s.end - s.key
	}
	keys := make([]byte, 0, n) // one copy of the keys, shared by the children
	for i, s := range spans {
		if s.child < 2 || s.child >= c.hwm {
			return nil, c.damaged("%s: entry %d names page %d, outside the database's pages 2 to %d", where, i, s.child, c.hwm-1)
		}
		if c.isReached(s.child) {
			return nil, c.damaged("page %d is used twice (the second time by page %d)", s.child, v.id)
		}
		start := len(keys)
		keys = append(keys, b[s.key:s.end]...)
		next = append(next, pageVisit{id: s.child, from: v.id, min: keys[start:len(keys):len(keys)]})
		if i > 0 {
			next[len(next)-2].max = next[len(next)-1].min
		}
	}
	next[len(next)-1].max = v.max
	return next, nil
}

// leaf checks a leaf page and queues the root pages of the buckets it holds;
// inline buckets are checked in place.
func (c *checker) leaf(v pageVisit, b []byte, count uint64, next []pageVisit) ([]pageVisit, error) {
	where := pageLoc{v.id, -1}
	spans, err := c.entries(b, count, true, v.min, v.max, where)
	if err != nil {
		return nil, err
	}
	// Inline buckets are checked after the loop: checking one reuses c.spans.
	type inlineBucket struct {
		entry int
		page  []byte
	}
	var inline []inlineBucket
	for i, s := range spans {
		if s.flags&boltBucketFlag == 0 {
			continue
		}
		val := b[s.end : s.end+s.vsize]
		if len(val) < boltBucketHeader {
			return nil, c.damaged("%s: entry %d is a bucket whose header is cut short", where, i)
		}
		root := binary.NativeEndian.Uint64(val)
		switch {
		case root == 0:
			inline = append(inline, inlineBucket{i, val[boltBucketHeader:]})
		case root < 2 || root >= c.hwm:
			return nil, c.damaged("%s: entry %d is a bucket on page %d, outside the database's pages 2 to %d", where, i, root, c.hwm-1)
		case c.isReached(root):
			return nil, c.damaged("page %d is used twice (the second time by page %d)", root, v.id)
		default:
			next = append(next, pageVisit{id: root, from: v.id})
		}
	}
	for _, in := range inline {
		if err := c.inline(in.page, pageLoc{v.id, in.entry}); err != nil {
			return nil, err
		}
	}
	return next, nil
}

// inline checks an inline bucket's page, the rest of its leaf value. bbolt
// inlines only buckets of one leaf page holding no buckets.
func (c *checker) inline(p []byte, where pageLoc) error {
	if len(p) < boltPageHeader {
		return c.damaged("%s is cut short", where)
	}
	ne := binary.NativeEndian
	if flags := ne.Uint16(p[8:]); flags != boltLeafPage {
		return c.damaged("%s should hold a leaf page but holds %s", where, pageKind(flags))
	}
	spans, err := c.entries(p, uint64(ne.Uint16(p[10:])), true, nil, nil, where)
	if err != nil {
		return err
	}
	for i, s := range spans {
		if s.flags != 0 {
			return c.damaged("%s: entry %d is a bucket, which bbolt does not put in an inline bucket", where, i)
		}
	}
	return nil
}

// readFreelist keeps the ids in a freelist page; checkFree checks them once
// the walk knows which pages are in use.
func (c *checker) readFreelist(id uint64, b []byte, count uint64) error {
	first := uint64(boltPageHeader)
	if count == 0xFFFF {
		// A longer list keeps its length in its first slot.
		if len(b) < boltPageHeader+8 {
			return c.damaged("the list of free pages on page %d is cut short", id)
		}
		count = binary.NativeEndian.Uint64(b[boltPageHeader:])
		first += 8
	}
	if count > (uint64(len(b))-first)/8 {
		return c.damaged("the list of free pages on page %d says it holds %d pages, more than fit in it", id, count)
	}
	c.synced = true
	c.free = make([]uint64, count)
	for i := range c.free {
		c.free[i] = binary.NativeEndian.Uint64(b[first+uint64(i)*8:])
	}
	return nil
}

// checkFree checks a synced freelist: each free page lies in the database,
// is not in use, and is listed once; and every page is in use or free. (A
// page that is neither was dropped by a damaged page that named it: bbolt
// would not crash, but the data under it is lost.)
func (c *checker) checkFree() error {
	if !c.synced {
		return nil
	}
	listed := make([]uint64, len(c.reached))
	for _, id := range c.free {
		switch {
		case id < 2 || id >= c.hwm:
			return c.damaged("the list of free pages names page %d, outside the database's pages 2 to %d", id, c.hwm-1)
		case c.isReached(id):
			return c.damaged("page %d is in use but also on the list of free pages", id)
		case listed[id/64]&(1<<(id%64)) != 0:
			return c.damaged("the list of free pages names page %d twice", id)
		}
		listed[id/64] |= 1 << (id % 64)
	}
	var lost, first uint64
	for i := range listed {
		w := ^(listed[i] | c.reached[i])
		if end := uint64(i+1) * 64; end > c.hwm {
			w &= 1<<(64-(end-c.hwm)) - 1 // pages from the high water mark on do not count
		}
		if w != 0 && lost == 0 {
			first = uint64(i)*64 + uint64(bits.TrailingZeros64(w))
		}
		lost += uint64(bits.OnesCount64(w))
	}
	switch {
	case lost == 1:
		return c.damaged("page %d is neither in use nor free: a damaged page no longer names it, and its data is lost", first)
	case lost > 1:
		return c.damaged("%d pages, from page %d on, are neither in use nor free: a damaged page no longer names them, and their data is lost", lost, first)
	}
	return nil
}

// Keys of the meta bucket that tell a Corkboard database from another
// program's bbolt file (store.go writes them).
var (
	ownerMeta    = []byte("meta")
	ownerApp     = []byte("app")
	ownerAppName = []byte("corkboard")
	ownerFormat  = []byte("format")
	ownerFormats = [][]byte{[]byte("1"), []byte("2"), []byte("3")}
)

// checkOwner tells a Corkboard database from another program's bbolt file.
// It only reads: run it in a View before any write, and refuse the file if
// it returns an error. A file with no top-level buckets is a new database;
// one whose "meta" bucket holds app = "corkboard", or a format Corkboard
// wrote ("1" to "3"), is ours. Anything else is another program's, and the
// error names up to five of its buckets.
func checkOwner(tx *bolt.Tx) error {
	var names []string
	n := 0
	err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		n++
		if len(names) < 5 {
			names = append(names, quoteName(name))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	if m := tx.Bucket(ownerMeta); m != nil {
		if bytes.Equal(m.Get(ownerApp), ownerAppName) {
			return nil
		}
		f := m.Get(ownerFormat)
		for _, ok := range ownerFormats {
			if bytes.Equal(f, ok) {
				return nil
			}
		}
	}
	list := strings.Join(names, ", ")
	if n > len(names) {
		list += fmt.Sprintf(" and %d more", n-len(names))
	}
	noun := "buckets"
	if n == 1 {
		noun = "bucket"
	}
	return fmt.Errorf("this is a bbolt database of another program (it has %s %s); Corkboard will not change it", noun, list)
}

// quoteName quotes a bucket name for a message: escaped, and cut after 40
// bytes.
func quoteName(name []byte) string {
	const most = 40
	if len(name) > most {
		return strconv.Quote(string(name[:most])) + "..."
	}
	return strconv.Quote(string(name))
}
