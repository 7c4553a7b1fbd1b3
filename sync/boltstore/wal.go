package boltstore

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// A WAL entry is stored in chunks of at most walChunk bytes: the first
// under the entry's 8-byte sequence key, the rest under that key followed
// by the chunk's number (4 bytes, big-endian, from 1). Byte order puts
// them right after the first, before the next entry's key.
//
// Why chunks: an entry carries one group commit (about 7 KB in the
// README's S3 load). bbolt splits a node only once it has more than four
// keys and writes a node it cannot split as one run of pages, which it
// allocates afresh on every commit instead of taking from its page pool.
// Whole entries made every WAL leaf such a run (a quarter of the server's
// allocation in S3). Four chunks and their headers fit a 4 KiB page, so
// every WAL leaf is one page.
const walChunk = 960

const (
	headKeyLen  = 8
	chunkKeyLen = headKeyLen + 4
)

func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, chunkKeyLen), seq)
}

func chunkKey(seq uint64, n uint32) []byte {
	return binary.BigEndian.AppendUint32(seqKey(seq), n)
}

// putEntry writes entry as WAL entry seq. bbolt keeps the slices it is
// given until the transaction ends, so entry must not change before then.
func putEntry(wal *bolt.Bucket, seq uint64, entry []byte) error {
	// Keys only ever grow, so full pages are best: half-empty pages would
	// double the file for nothing.
	wal.FillPercent = 1.0
	key := seqKey(seq)
	for n := uint32(1); ; n++ {
		chunk := entry[:min(len(entry), walChunk)]
		if err := wal.Put(key, chunk); err != nil {
			return err
		}
		if entry = entry[len(chunk):]; len(entry) == 0 {
			return nil
		}
		key = chunkKey(seq, n)
	}
}

// getEntry returns WAL entry seq, or nil if there is none. An entry of one
// chunk is bbolt's memory, valid only in the transaction; a longer one is
// put together in *buf.
func getEntry(wal *bolt.Bucket, seq uint64, buf *[]byte) ([]byte, error) {
	c := wal.Cursor()
	k, v := c.Seek(seqKey(seq))
	if len(k) != headKeyLen || binary.BigEndian.Uint64(k) != seq {
		return nil, nil
	}
	return readChunks(c, seq, v, buf)
}

// readChunks reads the chunks after an entry's first, which the cursor is
// on, and leaves the cursor on the last.
func readChunks(c *bolt.Cursor, seq uint64, first []byte, buf *[]byte) ([]byte, error) {
	entry := first
	for n := uint32(1); ; n++ {
		k, v := c.Next()
		if len(k) != chunkKeyLen || binary.BigEndian.Uint64(k) != seq {
			if k != nil {
				c.Prev()
			}
			return entry, nil
		}
		if got := binary.BigEndian.Uint32(k[headKeyLen:]); got != n {
			return nil, fmt.Errorf("damaged WAL entry %d: chunk %d where %d belongs", seq, got, n)
		}
		if n == 1 {
			*buf = append((*buf)[:0], first...)
		}
		*buf = append(*buf, v...)
		entry = *buf
	}
}

// forEachEntry calls fn with every WAL entry in order. The entry is valid
// only until fn returns.
func forEachEntry(wal *bolt.Bucket, fn func(seq uint64, entry []byte) error) error {
	var buf []byte
	c := wal.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != headKeyLen {
			return fmt.Errorf("damaged WAL key %x", k)
		}
		seq := binary.BigEndian.Uint64(k)
		entry, err := readChunks(c, seq, v, &buf)
		if err != nil {
			return err
		}
		if err := fn(seq, entry); err != nil {
			return err
		}
	}
	return nil
}

// deleteEntry removes WAL entry seq, all its chunks.
func deleteEntry(wal *bolt.Bucket, seq uint64) error {
	head := seqKey(seq)
	var keys [][]byte
	c := wal.Cursor()
	for k, _ := c.Seek(head); k != nil && bytes.HasPrefix(k, head); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := wal.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
