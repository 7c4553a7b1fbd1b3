package boltstore

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	boardsync "corkboard/sync"
)

// head is what the store keeps of a board besides its records and its
// snapshot: the boards bucket's value, as JSON. It is written when the
// board is created, when an epoch begins and when records move from the
// WAL to the board's own history, not with every append: between those
// writes the WAL holds what changed, and Open reads it back.
type head struct {
	// First is the first version the log holds: 1, or later for a board
	// whose older history was dropped (a board from format 3, which kept
	// only what its snapshot did not hold).
	First uint64 `json:"first"`
	// Last is the highest version stored.
	Last uint64 `json:"last"`
	// Moved is the highest version moved to the board's history (the ops
	// bucket); records above it are in the WAL.
	Moved uint64 `json:"moved"`
	// Begun counts the epochs begun; Epochs are the newest of them.
	Begun  uint64            `json:"begun"`
	Epochs []boardsync.Epoch `json:"epochs,omitempty"`
	// LastKey and LastPos are the last append's key and position, for
	// recognising a resend.
	LastKey string             `json:"lastKey,omitempty"`
	LastPos boardsync.Position `json:"lastPos"`
}

func encodeHead(h head) []byte {
	data, err := json.Marshal(h)
	if err != nil {
		panic("boltstore: encoding a board head: " + err.Error()) // plain numbers and strings always encode
	}
	return data
}

func decodeHead(v []byte) (head, error) {
	var h head
	if err := json.Unmarshal(v, &h); err != nil {
		return head{}, errors.New("its head is damaged")
	}
	if h.Moved > h.Last || (h.First > 1 && h.First > h.Last+1) {
		return head{}, fmt.Errorf("its head is inconsistent (first %d, moved %d, last %d)", h.First, h.Moved, h.Last)
	}
	return h, nil
}

// A snapshot's value: its version as 8 bytes, big-endian, then the board
// as JSON.
func encodeSnapshot(s boardsync.Snapshot) []byte {
	return append(binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(s.Data)), s.Version), s.Data...)
}

func decodeSnapshot(v []byte) (boardsync.Snapshot, error) {
	if len(v) < 8 {
		return boardsync.Snapshot{}, errors.New("its snapshot is damaged")
	}
	return boardsync.Snapshot{Version: binary.BigEndian.Uint64(v), Data: v[8:]}, nil
}

// A WAL entry is one group commit's appends, of any number of boards: for
// each board its id, the batch's key, the number of records, then each
// record's version and data, all lengths and numbers as unsigned varints:
//
//	part   = len(id) id len(key) key count record{count}
//	record = version len(data) data
//
// A history segment (the ops bucket) is a run of one board's records:
//
//	segment = count record{count}
func appendPart(entry []byte, id, key string, recs []boardsync.Record) []byte {
	entry = binary.AppendUvarint(entry, uint64(len(id)))
	entry = append(entry, id...)
	entry = binary.AppendUvarint(entry, uint64(len(key)))
	entry = append(entry, key...)
	return appendRecords(entry, recs)
}

// recordsSize is the length of what appendRecords appends.
func recordsSize(recs []boardsync.Record) int {
	n := uvarintLen(uint64(len(recs)))
	for _, r := range recs {
		n += uvarintLen(r.Version) + uvarintLen(uint64(len(r.Data))) + len(r.Data)
	}
	return n
}

func uvarintLen(x uint64) int { return len(binary.AppendUvarint(nil, x)) }

func appendRecords(b []byte, recs []boardsync.Record) []byte {
	b = binary.AppendUvarint(b, uint64(len(recs)))
	for _, r := range recs {
		b = binary.AppendUvarint(b, r.Version)
		b = binary.AppendUvarint(b, uint64(len(r.Data)))
		b = append(b, r.Data...)
	}
	return b
}

// forEachPart calls fn with each board part of a WAL entry. The records'
// data point into entry; fn must copy what it keeps.
func forEachPart(entry []byte, fn func(id, key string, recs []boardsync.Record) error) error {
	var recs []boardsync.Record
	for len(entry) > 0 {
		id, rest, err := cutBytes(entry)
		if err != nil {
			return err
		}
		key, rest, err := cutBytes(rest)
		if err != nil {
			return err
		}
		recs, rest, err = readRecords(rest, recs[:0])
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return errors.New("damaged WAL entry: a part without records")
		}
		if err := fn(string(id), string(key), recs); err != nil {
			return err
		}
		entry = rest
	}
	return nil
}

// readRecords reads a count and that many records, in ascending versions.
func readRecords(b []byte, recs []boardsync.Record) ([]boardsync.Record, []byte, error) {
	count, n := binary.Uvarint(b)
	if n <= 0 || count > uint64(len(b)) {
		return nil, nil, errors.New("damaged records: bad count")
	}
	b = b[n:]
	for range count {
		version, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, nil, errors.New("damaged records: bad version")
		}
		var data []byte
		var err error
		if data, b, err = cutBytes(b[n:]); err != nil {
			return nil, nil, err
		}
		if k := len(recs); k > 0 && version != recs[k-1].Version+1 {
			return nil, nil, fmt.Errorf("damaged records: version %d after %d", version, recs[k-1].Version)
		}
		recs = append(recs, boardsync.Record{Version: version, Data: data})
	}
	return recs, b, nil
}

// cutBytes reads a length-prefixed byte string.
func cutBytes(b []byte) (s, rest []byte, err error) {
	l, n := binary.Uvarint(b)
	if n <= 0 || l > uint64(len(b)-n) {
		return nil, nil, errors.New("damaged data: bad length")
	}
	return b[n : n+int(l)], b[n+int(l):], nil
}

// segmentKey is the key of a history segment: the board's id, then the
// version of its first record as 8 bytes, big-endian, so a board's
// segments are next to each other in version order.
func segmentKey(id string, first uint64) []byte {
	return binary.BigEndian.AppendUint64(append(make([]byte, 0, len(id)+8), id...), first)
}
