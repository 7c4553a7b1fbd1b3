package boltstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// dbSpec describes a real bbolt database the tests build.
type dbSpec struct {
	name         string
	pageSize     int  // 0: bbolt's default, the OS page size
	syncFreelist bool // write the freelist page (bbolt's default); the server does not
	keys         int  // keys in the "boards" bucket
}

var (
	serverDB = dbSpec{name: "server options", keys: 4000}
	syncedDB = dbSpec{name: "freelist synced", syncFreelist: true, keys: 4000}
	smallDB  = dbSpec{name: "small pages", pageSize: 512, keys: 60}
)

// serverBoltOptions are the options the server opens its file with.
func serverBoltOptions() *bolt.Options {
	return &bolt.Options{Timeout: time.Second, NoFreelistSync: true, FreelistType: bolt.FreelistMapType}
}

// buildTestDB writes a database with several buckets, nested buckets, inline
// buckets, values that need overflow pages and a few thousand keys, over
// several transactions with deletes, so it has free pages too.
func buildTestDB(t testing.TB, path string, spec dbSpec) {
	t.Helper()
	opts := &bolt.Options{Timeout: time.Second, PageSize: spec.pageSize}
	if !spec.syncFreelist {
		opts = serverBoltOptions()
		opts.PageSize = spec.pageSize
	}
	db, err := bolt.Open(path, 0o600, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ps := db.Info().PageSize
	rng := rand.New(rand.NewPCG(1, 2))
	value := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return b
	}
	update := func(fn func(tx *bolt.Tx) error) {
		t.Helper()
		if err := db.Update(fn); err != nil {
			t.Fatal(err)
		}
	}
	put := func(b *bolt.Bucket, k string, v []byte) {
		t.Helper()
		if err := b.Put([]byte(k), v); err != nil {
			t.Fatal(err)
		}
	}
	bucket := func(parent interface {
		CreateBucket([]byte) (*bolt.Bucket, error)
	}, name string) *bolt.Bucket {
		t.Helper()
		b, err := parent.CreateBucket([]byte(name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	update(func(tx *bolt.Tx) error {
		meta := bucket(tx, "meta") // small enough to be inline in the root
		put(meta, "format", []byte("3"))
		put(meta, "app", []byte("corkboard"))
		bucket(tx, "boards")
		bucket(tx, "empty")
		inline := bucket(tx, "inline")
		for i := range min(30, spec.keys/4) {
			tiny := bucket(inline, fmt.Sprintf("tiny-%02d", i))
			put(tiny, "a", value(10))
			put(tiny, "b", value(20))
		}
		big := bucket(tx, "big")
		put(big, "a", value(3*ps))
		put(big, "b", value(10*ps))
		return nil
	})
	for start := 0; start < spec.keys; start += 500 {
		update(func(tx *bolt.Tx) error {
			boards := tx.Bucket([]byte("boards"))
			for i := start; i < min(start+500, spec.keys); i++ {
				// A stride through the keys, so inserts land all over the tree.
				put(boards, fmt.Sprintf("board-%06d", i*7919%spec.keys), value(40+rng.IntN(360)))
			}
			return nil
		})
	}
	update(func(tx *bolt.Tx) error {
		nested := bucket(tx.Bucket([]byte("boards")), "nested")
		for i := range spec.keys / 10 {
			put(nested, fmt.Sprintf("n-%04d", i), value(30+rng.IntN(100)))
		}
		deeper := bucket(nested, "deeper")
		for i := range spec.keys * 3 / 40 {
			put(deeper, fmt.Sprintf("d-%04d", i), value(30+rng.IntN(100)))
		}
		small := bucket(nested, "small-inside")
		put(small, "x", value(5))
		return nil
	})
	update(func(tx *bolt.Tx) error {
		boards := tx.Bucket([]byte("boards"))
		for i := 0; i < spec.keys; i += 5 {
			if err := boards.Delete(fmt.Appendf(nil, "board-%06d", i)); err != nil {
				return err
			}
		}
		put(tx.Bucket([]byte("big")), "a", value(5*ps))
		return nil
	})
}

var dbFixtures struct {
	sync.Mutex
	m map[string][]byte
}

// dbFixture returns the bytes of the database spec describes, built once per
// test binary and checked with bbolt's own Check.
func dbFixture(t testing.TB, spec dbSpec) []byte {
	t.Helper()
	dbFixtures.Lock()
	defer dbFixtures.Unlock()
	if b, ok := dbFixtures.m[spec.name]; ok {
		return b
	}
	path := filepath.Join(t.TempDir(), "dbFixture.db")
	buildTestDB(t, path, spec)
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
	db.Close()
	if err != nil {
		t.Fatalf("bbolt finds the dbFixture %q damaged: %v", spec.name, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if dbFixtures.m == nil {
		dbFixtures.m = map[string][]byte{}
	}
	dbFixtures.m[spec.name] = b
	return b
}

// pageInfo is bbolt's own view of one page.
type pageInfo struct {
	id, count, overflow int
	typ                 string // branch, leaf, meta, freelist, free
}

// pagesOf lists the pages below the high water mark as bbolt sees them.
func pagesOf(t testing.TB, path string) (pages []pageInfo, pageSize, hwm int) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pageSize = db.Info().PageSize
	err = db.View(func(tx *bolt.Tx) error {
		hwm = int(tx.Size()) / pageSize
		for id := 0; id < hwm; {
			info, err := tx.Page(id)
			if err != nil {
				return err
			}
			p := pageInfo{id: id, count: info.Count, overflow: info.OverflowCount, typ: info.Type}
			pages = append(pages, p)
			id++
			if p.typ == "branch" || p.typ == "leaf" || p.typ == "freelist" {
				id += p.overflow
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pages, pageSize, hwm
}

func writeDBFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func hashFile(t testing.TB, path string) [sha256.Size]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return [sha256.Size]byte(h.Sum(nil))
}

// checkUnchanged runs checkFile on path, failing the test if it panics or
// changes the file.
func checkUnchanged(t *testing.T, path string) (state fileState, err error) {
	t.Helper()
	before := hashFile(t, path)
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("checkFile panicked: %v", p)
			}
		}()
		state, err = checkFile(path)
	}()
	if hashFile(t, path) != before {
		t.Fatal("checkFile changed the file")
	}
	return state, err
}

// wantClean fails the test unless err reads as a message for people: it
// starts with the path and says nothing of Go's internals.
func wantClean(t *testing.T, path string, err error) {
	t.Helper()
	msg := err.Error()
	if !strings.HasPrefix(msg, path+": ") {
		t.Errorf("the message does not start with the path: %q", msg)
	}
	for _, bad := range []string{"runtime", "goroutine", "panic", "index out of range", "nil pointer", "unsafe", "EOF"} {
		if strings.Contains(msg, bad) {
			t.Errorf("the message mentions %q: %q", bad, msg)
		}
	}
}

func TestCheckFileIntact(t *testing.T) {
	for _, spec := range []dbSpec{serverDB, syncedDB, smallDB} {
		t.Run(spec.name, func(t *testing.T) {
			path := writeDBFile(t, t.TempDir(), "db", dbFixture(t, spec))
			pages, _, _ := pagesOf(t, path)
			kinds := map[string]int{}
			overflow := false
			for _, p := range pages {
				kinds[p.typ]++
				overflow = overflow || (p.typ == "leaf" && p.overflow > 0)
			}
			if kinds["branch"] == 0 || kinds["leaf"] == 0 || kinds["free"] == 0 || !overflow {
				t.Fatalf("the dbFixture lacks some kind of page: %v, overflow %v", kinds, overflow)
			}
			if spec.syncFreelist != (kinds["freelist"] > 0) {
				t.Fatalf("the dbFixture has %d freelist pages", kinds["freelist"])
			}
			state, err := checkUnchanged(t, path)
			if state != fileIntact || err != nil {
				t.Fatalf("got %v, %v; want intact", state, err)
			}
		})
	}
}

func TestCheckFileStates(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh.db")
	db, err := bolt.Open(fresh, 0o600, serverBoltOptions())
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	text := bytes.Repeat([]byte("not a database\n"), 1000)
	tests := []struct {
		name  string
		path  string
		want  fileState
		isErr error // the error wraps it; nil: no error
	}{
		{"missing", filepath.Join(dir, "missing.db"), fileMissing, nil},
		{"zero bytes", writeDBFile(t, dir, "empty.db", nil), fileEmpty, nil},
		{"new bbolt file", fresh, fileIntact, nil},
		{"text", writeDBFile(t, dir, "text.db", text), fileNotBolt, errNotBolt},
		{"zeros", writeDBFile(t, dir, "zeros.db", make([]byte, 100)), fileNotBolt, errNotBolt},
		{"one byte", writeDBFile(t, dir, "byte.db", []byte{1}), fileNotBolt, errNotBolt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var state fileState
			if tt.want == fileMissing {
				state, err = checkFile(tt.path)
			} else {
				state, err = checkUnchanged(t, tt.path)
			}
			if state != tt.want || !errors.Is(err, tt.isErr) || (err == nil) != (tt.isErr == nil) {
				t.Fatalf("got %v, %v; want %v, %v", state, err, tt.want, tt.isErr)
			}
			if err != nil {
				wantClean(t, tt.path, err)
			}
			if tt.want == fileMissing {
				if _, err := os.Stat(tt.path); !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("the check created the file: %v", err)
				}
			}
		})
	}
	t.Run("folder", func(t *testing.T) {
		state, err := checkFile(dir)
		if state != fileUnreadable || err == nil {
			t.Fatalf("got %v, %v; want unreadable and an error", state, err)
		}
	})
}

func TestCheckFileTruncated(t *testing.T) {
	for _, spec := range []dbSpec{serverDB, syncedDB} {
		t.Run(spec.name, func(t *testing.T) {
			data := dbFixture(t, spec)
			dir := t.TempDir()
			_, ps, hwm := pagesOf(t, writeDBFile(t, dir, "whole.db", data))
			size, used := len(data), hwm*ps
			t.Logf("file %d bytes, %d pages of %d bytes in use (%d bytes)", size, hwm, ps, used)
			tests := []struct {
				name string
				size int
			}{
				{"half", size / 2},
				{"quarter", size / 4},
				{"eighth", size / 8},
				{"third", size / 3},
				{"one page and a byte", ps + 1},
				{"two pages", 2 * ps},
				{"three pages", 3 * ps},
				{"all but one page", size - ps},
				{"all but the last page in use", used - ps},
				{"all but the last byte in use", used - 1},
				{"just the pages in use", used},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					path := writeDBFile(t, dir, "cut.db", data[:tt.size])
					state, err := checkUnchanged(t, path)
					if tt.size >= used {
						// Only bbolt's room to grow is gone: the file is whole.
						if state != fileIntact || err != nil {
							t.Fatalf("cut to %d of %d bytes in use: got %v, %v; want intact", tt.size, used, state, err)
						}
						return
					}
					if state != fileDamaged || !errors.Is(err, errDamaged) {
						t.Fatalf("cut to %d bytes: got %v, %v; want damaged", tt.size, state, err)
					}
					if !strings.Contains(err.Error(), "shorter than its header says") {
						t.Errorf("the message does not say the file is cut short: %v", err)
					}
					wantClean(t, path, err)
				})
			}
		})
	}
}

// setMeta sets a uint64 field of both meta pages and fixes their checksums.
func setMeta(data []byte, ps, field int, v uint64) {
	for _, page := range []int{0, ps} {
		m := data[page+boltPageHeader : page+boltMetaEnd]
		binary.NativeEndian.PutUint64(m[field:], v)
		h := fnv.New64a()
		h.Write(m[:boltMetaSumEnd-boltPageHeader])
		binary.NativeEndian.PutUint64(m[boltMetaSumEnd-boltPageHeader:], h.Sum64())
	}
}

// keyOffset returns where, in the file, the first key of the named
// top-level bucket lies; its value follows it.
func keyOffset(t *testing.T, path, bucket string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var off int
	err = db.View(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket([]byte(bucket)).Cursor().First()
		off = int(uintptr(unsafe.Pointer(&k[0])) - db.Info().Data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return off
}

// TestCheckFileNamesDamage damages chosen fields and checks what the
// message says.
func TestCheckFileNamesDamage(t *testing.T) {
	ne := binary.NativeEndian
	for _, spec := range []dbSpec{serverDB, syncedDB} {
		t.Run(spec.name, func(t *testing.T) {
			data := dbFixture(t, spec)
			dir := t.TempDir()
			whole := writeDBFile(t, dir, "whole.db", data)
			pages, ps, hwm := pagesOf(t, whole)
			var root uint64
			var branch, leaf, freelist pageInfo
			for _, p := range pages {
				switch {
				case p.typ == "branch" && p.count >= 2 && branch.id == 0:
					branch = p
				case p.typ == "leaf" && p.count >= 2 && p.overflow == 0 && leaf.id == 0:
					leaf = p
				case p.typ == "freelist":
					freelist = p
				}
			}
			m, _ := parseMeta(data)
			root = m.root
			inlineKey := keyOffset(t, whole, "inline") // "tiny-00", an inline bucket
			inlinePage := inlineKey + len("tiny-00") + boltBucketHeader

			noFreelist := ""
			if !spec.syncFreelist {
				noFreelist = "this file has no list of free pages"
			}
			at := func(id int) int { return id * ps }
			elem := func(p pageInfo, i int) int { return at(p.id) + boltPageHeader + i*boltEntrySize }
			tests := []struct {
				name   string
				skip   string // why the case does not apply to this file, if it does not
				damage func(b []byte)
				want   string
			}{
				{"both header pages invalid", "", func(b []byte) { b[72] ^= 0xff; b[ps+72] ^= 0xff },
					"neither of its two header pages is valid"},
				{"header page with a wrong page header", "", func(b []byte) { b[ps] ^= 0xff }, "header page 1 is damaged: its page header says it is page 254, a header page"},
				{"root past the high water mark", "", func(b []byte) { setMeta(b, ps, 16, uint64(hwm+5)) },
					"outside the database's pages"},
				{"high water mark past the file's end", "", func(b []byte) { setMeta(b, ps, 40, uint64(len(b)/ps+10)) },
					"shorter than its header says"},
				{"odd page size", "", func(b []byte) {
					ne.PutUint32(b[24:], 100)
					h := fnv.New64a()
					h.Write(b[16:72])
					ne.PutUint64(b[72:], h.Sum64())
				}, "page size of 100 bytes"},
				{"root page names another page", "", func(b []byte) { b[at(int(root))] ^= 1 }, "says it is page"},
				{"root page is a freelist page", "", func(b []byte) { ne.PutUint16(b[at(int(root))+8:], boltFreelistPage) },
					"should be a branch or leaf page but is a list of free pages"},
				{"branch names page 1", "", func(b []byte) { ne.PutUint64(b[elem(branch, 0)+8:], 1) },
					"names page 1, outside the database's pages 2 to"},
				{"branch names a page twice", "", func(b []byte) {
					ne.PutUint64(b[elem(branch, 1)+8:], ne.Uint64(b[elem(branch, 0)+8:]))
				}, "used twice"},
				{"branch with no entries", "", func(b []byte) { ne.PutUint16(b[at(branch.id)+10:], 0) }, "branch page with no entries"},
				{"leaf counts too many entries", "", func(b []byte) { ne.PutUint16(b[at(leaf.id)+10:], 0xfff0) }, "more than fit"},
				{"leaf value past the page", "", func(b []byte) { ne.PutUint32(b[elem(leaf, 0)+12:], 1<<30) }, "lies outside the page"},
				{"leaf key empty", "", func(b []byte) { ne.PutUint32(b[elem(leaf, 1)+8:], 0) }, "empty key"},
				{"leaf keys out of order", "", func(b []byte) {
					e := elem(leaf, 0)
					b[e+int(ne.Uint32(b[e+4:]))] = 0xff
				}, "out of order"},
				{"leaf entry flags", "", func(b []byte) { ne.PutUint32(b[elem(leaf, 0):], 4) }, "flags 0x4"},
				{"leaf runs past the last page", "", func(b []byte) { ne.PutUint32(b[at(leaf.id)+12:], uint32(hwm)) }, "runs on for"},
				{"inline bucket holds a branch page", "", func(b []byte) { ne.PutUint16(b[inlinePage+8:], boltBranchPage) },
					"should hold a leaf page"},
				{"inline bucket counts too many entries", "", func(b []byte) { ne.PutUint16(b[inlinePage+10:], 100) },
					"more than fit"},
				{"free page in use", noFreelist, func(b []byte) {
					ne.PutUint16(b[at(freelist.id)+10:], 1)
					ne.PutUint64(b[at(freelist.id)+boltPageHeader:], root)
				}, "in use but also on the list of free pages"},
				{"branch drops its last child", noFreelist, func(b []byte) {
					ne.PutUint16(b[at(branch.id)+10:], uint16(branch.count-1))
				}, "neither in use nor free"},
				{"free page outside", noFreelist, func(b []byte) {
					ne.PutUint16(b[at(freelist.id)+10:], 1)
					ne.PutUint64(b[at(freelist.id)+boltPageHeader:], uint64(hwm))
				}, "the list of free pages names page"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					if tt.skip != "" {
						t.Skip(tt.skip)
					}
					b := bytes.Clone(data)
					tt.damage(b)
					path := writeDBFile(t, dir, "damaged.db", b)
					state, err := checkUnchanged(t, path)
					if state != fileDamaged || !errors.Is(err, errDamaged) {
						t.Fatalf("got %v, %v; want damaged", state, err)
					}
					if !strings.Contains(err.Error(), tt.want) {
						t.Errorf("the message does not say %q: %v", tt.want, err)
					}
					wantClean(t, path, err)
					t.Log(err)
				})
			}
		})
	}
}

// byteFlip is one byte of a file changed for a test.
type byteFlip struct {
	name string
	off  int
	mask byte // XORed into the byte
}

// flipsOf picks bytes to flip: the fields of both meta pages, of some branch,
// leaf and freelist pages (bbolt says which is which), and random bytes.
func flipsOf(t *testing.T, path string, data []byte) []byteFlip {
	t.Helper()
	pages, ps, hwm := pagesOf(t, path)
	var flips []byteFlip
	for _, page := range []int{0, 1} {
		for _, f := range []struct {
			name string
			off  int
		}{{"id", 0}, {"flags", 8}, {"magic", 16}, {"version", 20}, {"page size", 25}, {"root", 32},
			{"freelist", 48}, {"high water mark", 56}, {"txid", 64}, {"checksum", 72}} {
			flips = append(flips, byteFlip{fmt.Sprintf("meta %d %s", page, f.name), page*ps + f.off, 0xff})
		}
	}
	picked := map[string]int{}
	for _, p := range pages {
		if (p.typ != "branch" && p.typ != "leaf" && p.typ != "freelist") || picked[p.typ] >= 3 {
			continue
		}
		picked[p.typ]++
		base := p.id * ps
		add := func(what string, off int) {
			if off < base+(p.overflow+1)*ps {
				flips = append(flips, byteFlip{fmt.Sprintf("%s page %d %s", p.typ, p.id, what), off, 0xff})
			}
		}
		for _, f := range []struct {
			name string
			off  int
		}{{"id", 0}, {"flags", 8}, {"count", 10}, {"count high byte", 11}, {"overflow", 12}} {
			add(f.name, base+f.off)
		}
		if p.typ == "freelist" || p.count == 0 {
			add("first id", base+boltPageHeader)
			continue
		}
		for _, i := range []int{0, p.count - 1} {
			e := base + boltPageHeader + i*boltEntrySize
			for j, field := range []string{"first field", "second field", "third field", "fourth field"} {
				add(fmt.Sprintf("entry %d %s", i, field), e+4*j)
				add(fmt.Sprintf("entry %d %s high byte", i, field), e+4*j+3)
			}
			pos := 0
			if p.typ == "branch" {
				pos = int(binary.NativeEndian.Uint32(data[e:]))
			} else {
				pos = int(binary.NativeEndian.Uint32(data[e+4:]))
			}
			add(fmt.Sprintf("entry %d key", i), e+pos)
		}
		add("middle byte", base+ps/2)
		add("last byte", base+ps-1)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100 {
		off := rng.IntN(hwm * ps)
		flips = append(flips, byteFlip{fmt.Sprintf("random byte %d", off), off, 1 << rng.IntN(8)})
	}
	return flips
}

// TestCheckFileFlips flips one byte at a time. The check must never panic;
// when it passes the file (the byte was payload, or the older meta page),
// bbolt, in a child process, must open the file as the server does, write
// to it and read all of it without crashing.
func TestCheckFileFlips(t *testing.T) {
	if inBoltChild() {
		return
	}
	for _, spec := range []dbSpec{serverDB, syncedDB} {
		t.Run(spec.name, func(t *testing.T) {
			data := dbFixture(t, spec)
			dir := t.TempDir()
			_, ps, hwm := pagesOf(t, writeDBFile(t, dir, "whole.db", data))
			data = data[:ps*hwm] // only the pages in use: less to copy and compare
			src := writeDBFile(t, dir, "whole.db", data)
			// One copy, each flip made in place and undone after its check.
			path := writeDBFile(t, dir, "flipped.db", data)
			file, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer file.Close()
			setByte := func(off int, v byte) {
				t.Helper()
				if _, err := file.WriteAt([]byte{v}, int64(off)); err != nil {
					t.Fatal(err)
				}
			}
			var passed []byteFlip
			refused := 0
			for _, f := range flipsOf(t, src, data) {
				setByte(f.off, data[f.off]^f.mask)
				state, err := checkUnchanged(t, path)
				setByte(f.off, data[f.off])
				switch state {
				case fileIntact:
					passed = append(passed, f)
				case fileDamaged, fileNotBolt:
					refused++
					wantClean(t, path, err)
				default:
					t.Errorf("%s: got %v, %v", f.name, state, err)
				}
			}
			t.Logf("%d flips refused, %d passed; opening those with bbolt", refused, len(passed))
			results := runBoltChild(t, "TestCheckFileFlips", src, passed)
			for i, f := range passed {
				if results[i] != "ok" {
					t.Errorf("%s passed the check, but bbolt: %s", f.name, results[i])
				}
			}
		})
	}
}

// Environment of a child started by runBoltChild.
const (
	childSource  = "CORKBOARD_CHILD_SOURCE"  // the file to copy
	childFlips   = "CORKBOARD_CHILD_FLIPS"   // offset/mask,... or "none"
	childScratch = "CORKBOARD_CHILD_SCRATCH" // where to write the copies
)

// runBoltChild opens the source file, with each flip applied in turn, with
// bbolt in a child process running the test named test, which must start
// with inBoltChild. A crash ends a child; the next one goes on with the
// flips left. It returns, for each flip (or for the file as it is, if there
// are none), "ok", what bbolt reported, or the crash's output.
func runBoltChild(t *testing.T, test, src string, flips []byteFlip) []string {
	t.Helper()
	if len(flips) == 0 {
		flips = []byteFlip{{name: "as it is", off: -1}}
	}
	results := make([]string, 0, len(flips))
	todo := flips
	for len(todo) > 0 {
		var edits []string
		for _, f := range todo {
			edits = append(edits, fmt.Sprintf("%d/%d", f.off, f.mask))
		}
		cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
		cmd.Env = append(os.Environ(), "BE_CRASHER=1",
			childSource+"="+src, childFlips+"="+strings.Join(edits, ","), childScratch+"="+t.TempDir())
		out, err := cmd.CombinedOutput()
		done := 0
		for line := range strings.Lines(string(out)) {
			if rest, ok := strings.CutPrefix(line, "child done: "); ok {
				results = append(results, strings.TrimSpace(rest))
				done++
			}
		}
		todo = todo[done:]
		if err == nil {
			if len(todo) > 0 {
				t.Fatalf("the child stopped early:\n%s", out)
			}
			break
		}
		if len(todo) == 0 {
			t.Fatalf("the child failed after its last file: %v\n%s", err, out)
		}
		results = append(results, fmt.Sprintf("crashed (%v): %s", err, crashSummary(out)))
		todo = todo[1:]
	}
	return results
}

// crashSummary keeps the lines of a child's output that say why it died.
func crashSummary(out []byte) string {
	var keep []string
	for line := range strings.Lines(string(out)) {
		if strings.HasPrefix(line, "panic:") || strings.HasPrefix(line, "fatal error:") ||
			strings.HasPrefix(line, "unexpected fault") || strings.HasPrefix(line, "[signal") {
			keep = append(keep, strings.TrimSpace(line))
		}
	}
	if len(keep) == 0 {
		return string(out[max(0, len(out)-500):])
	}
	return strings.Join(keep, " | ")
}

// inBoltChild reports whether this process is a child of runBoltChild and,
// if so, does its work: for each edit, it writes the edited copy, opens it
// with bbolt as the server does, commits a write, reads every bucket, key
// and value, runs bbolt's Check, and prints one line. A crash ends it.
func inBoltChild() bool {
	if os.Getenv("BE_CRASHER") != "1" {
		return false
	}
	data, err := os.ReadFile(os.Getenv(childSource))
	if err != nil {
		fmt.Println("child:", err)
		os.Exit(3)
	}
	for i, edit := range strings.Split(os.Getenv(childFlips), ",") {
		b := bytes.Clone(data)
		if off, mask, ok := strings.Cut(edit, "/"); ok && off != "-1" {
			o, _ := strconv.Atoi(off)
			m, _ := strconv.Atoi(mask)
			b[o] ^= byte(m)
		}
		path := filepath.Join(os.Getenv(childScratch), fmt.Sprintf("%d.db", i))
		if err := os.WriteFile(path, b, 0o600); err != nil {
			fmt.Println("child:", err)
			os.Exit(3)
		}
		fmt.Println("child done:", openLikeServer(path))
		os.Remove(path)
	}
	return true
}

// openLikeServer opens path with bbolt with the server's options (but
// without fsync), commits a small write, reads everything and runs bbolt's
// Check.
func openLikeServer(path string) string {
	opts := serverBoltOptions()
	opts.NoSync = true // the server syncs; whether bbolt crashes does not depend on it
	db, err := bolt.Open(path, 0o600, opts)
	if err != nil {
		return "open failed: " + err.Error()
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("probe"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("v"))
	})
	if err != nil {
		return "update failed: " + err.Error()
	}
	err = db.View(func(tx *bolt.Tx) error {
		var walk func(b *bolt.Bucket) error
		walk = func(b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				if v == nil {
					if child := b.Bucket(k); child != nil {
						return walk(child)
					}
				}
				return nil
			})
		}
		if err := tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walk(b) }); err != nil {
			return err
		}
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
	if err != nil {
		return "bbolt reports: " + strings.ReplaceAll(err.Error(), "\n", "; ")
	}
	return "ok"
}

// TestBboltCrashesWithoutCheck shows what the check prevents: bbolt, opening
// a truncated file with the server's options, dies of a panic or a fault no
// recover reaches. It runs bbolt in a child process.
func TestBboltCrashesWithoutCheck(t *testing.T) {
	if inBoltChild() {
		return
	}
	data := dbFixture(t, serverDB)
	for _, tt := range []struct {
		name string
		part int
	}{{"half", 2}, {"quarter", 4}, {"eighth", 8}} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeDBFile(t, t.TempDir(), "cut.db", data[:len(data)/tt.part])
			if state, err := checkUnchanged(t, path); state != fileDamaged {
				t.Fatalf("the check lets the file through: %v, %v", state, err)
			}
			got := runBoltChild(t, "TestBboltCrashesWithoutCheck", path, nil)[0]
			if !strings.HasPrefix(got, "crashed") {
				t.Skipf("bbolt does not crash on this file, it says: %s", got)
			}
			if !strings.Contains(got, "panic:") && !strings.Contains(got, "fatal error:") && !strings.Contains(got, "signal") {
				t.Fatalf("the child died, but not of a panic or a fault: %s", got)
			}
			t.Logf("bbolt %s", got)
		})
	}
}

func TestCheckOwner(t *testing.T) {
	type kv map[string]string
	tests := []struct {
		name    string
		buckets map[string]kv // top-level buckets and their keys
		want    string        // in the error; "" for none
	}{
		{"new empty file", nil, ""},
		{"corkboard format 3", map[string]kv{"meta": {"format": "3"}, "boards": {}, "wal": {}}, ""},
		{"corkboard format 1", map[string]kv{"meta": {"format": "1"}, "boards": {}}, ""},
		{"corkboard app marker", map[string]kv{"meta": {"app": "corkboard", "format": "4"}}, ""},
		{"another program", map[string]kv{"users": {"ann": "x"}, "sessions": {}},
			`this is a bbolt database of another program (it has buckets "sessions", "users"); Corkboard will not change it`},
		{"one foreign bucket", map[string]kv{"cache": {}}, `(it has bucket "cache")`},
		{"an unknown format", map[string]kv{"meta": {"format": "9"}, "boards": {}}, `it has buckets "boards", "meta"`},
		{"another program's meta", map[string]kv{"meta": {"app": "someone-else"}}, "another program"},
		{"many and binary names", map[string]kv{"a": {}, "b": {}, "c": {}, "d": {}, "e\x00\xff\u202e": {}, "f": {}, "g": {},
			strings.Repeat("long", 20): {}},
			`(it has buckets "a", "b", "c", "d", "e\x00\xff\u202e" and 3 more)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "owner.db")
			db, err := bolt.Open(path, 0o600, nil) // as another program would
			if err != nil {
				t.Fatal(err)
			}
			err = db.Update(func(tx *bolt.Tx) error {
				for name, keys := range tt.buckets {
					b, err := tx.CreateBucket([]byte(name))
					if err != nil {
						return err
					}
					for k, v := range keys {
						if err := b.Put([]byte(k), []byte(v)); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			before := hashFile(t, path)
			if state, err := checkFile(path); state != fileIntact {
				t.Fatalf("checkFile: %v, %v", state, err)
			}
			db, err = bolt.Open(path, 0o600, serverBoltOptions())
			if err != nil {
				t.Fatal(err)
			}
			err = db.View(checkOwner)
			db.Close()
			if hashFile(t, path) != before {
				t.Error("the file changed")
			}
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && err == nil:
				t.Fatal("accepted")
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("got %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestQuoteName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"users", `"users"`},
		{"a\x00b\xff", `"a\x00b\xff"`},
		{"\u202eevil", `"\u202eevil"`},
		{"line\nbreak", `"line\nbreak"`},
		{strings.Repeat("x", 50), `"` + strings.Repeat("x", 40) + `"...`},
	}
	for _, tt := range tests {
		if got := quoteName([]byte(tt.in)); got != tt.want {
			t.Errorf("quoteName(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// FuzzCheckFile checks that no file makes the check panic. It calls
// checkBolt, checkFile less opening the file, on the bytes themselves. Its
// inputs are tens of KB, so give the fuzzer -fuzzminimizetime=5s or so.
func FuzzCheckFile(f *testing.F) {
	// Only the pages in use, to keep the inputs small.
	data := dbFixture(f, smallDB)
	_, ps, hwm := pagesOf(f, writeDBFile(f, f.TempDir(), "small.db", data))
	data = data[:ps*hwm]
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add(data[:ps+1])
	for _, off := range []int{8, 16, 32, 56, ps + 64, 2*ps + 10, 3*ps + 20, 4*ps + 16} {
		b := bytes.Clone(data)
		b[off] ^= 0xff
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		state, err := checkBolt(bytes.NewReader(b), int64(len(b)))
		if (state == fileIntact) != (err == nil) {
			t.Fatalf("got %v with error %v", state, err)
		}
	})
}

// BenchmarkCheckFile checks a database of about 100 MB of small values, the
// server's kind of file. Its page cache is warm.
func BenchmarkCheckFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.db")
	db, err := bolt.Open(path, 0o600, serverBoltOptions())
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	val := make([]byte, 400)
	for i := range val {
		val[i] = byte('a' + rng.IntN(26))
	}
	const keys = 115_000
	for start := 0; start < keys; start += 20_000 {
		err := db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("boards"))
			if err != nil {
				return err
			}
			bk.FillPercent = 0.9
			for i := start; i < min(start+20_000, keys); i++ {
				if err := bk.Put(fmt.Appendf(nil, "board-%08d", i*7919%keys), val[:100+i%300]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	_, ps, hwm := pagesOf(b, path)
	b.Logf("file %d MB, %d MB in %d pages in use", fi.Size()>>20, hwm*ps>>20, hwm)
	b.SetBytes(fi.Size())
	b.ResetTimer()
	for b.Loop() {
		if state, err := checkFile(path); state != fileIntact {
			b.Fatal(state, err)
		}
	}
}
