package boltstore

import (
	"encoding/binary"
	"errors"
	"fmt"

	boardsync "corkboard/sync"
)

// boardHead is what a board's value in the boards bucket holds besides the
// snapshot.
type boardHead struct {
	last       uint64 // the highest record version ever stored
	trimBefore uint64 // records below this version are dropped
}

const boardHeadSize = 16

// A board's value: last and trimBefore as 8 bytes each, big-endian, then
// the snapshot.
func encodeBoardValue(h boardHead, snapshot []byte) []byte {
	v := make([]byte, 0, boardHeadSize+len(snapshot))
	v = binary.BigEndian.AppendUint64(v, h.last)
	v = binary.BigEndian.AppendUint64(v, h.trimBefore)
	return append(v, snapshot...)
}

func decodeBoardValue(v []byte) (boardHead, []byte, error) {
	if len(v) < boardHeadSize {
		return boardHead{}, nil, errors.New("its value is too short")
	}
	h := boardHead{last: binary.BigEndian.Uint64(v), trimBefore: binary.BigEndian.Uint64(v[8:])}
	return h, v[boardHeadSize:], nil
}

// A WAL entry is one commit's records: for each board, its id, the number
// of records, then each record's version and data, all lengths and
// numbers as unsigned varints:
//
//	part   = len(id) id count record{count}
//	record = version len(data) data
func appendPart(entry []byte, id string, recs []boardsync.Record) []byte {
	entry = binary.AppendUvarint(entry, uint64(len(id)))
	entry = append(entry, id...)
	entry = binary.AppendUvarint(entry, uint64(len(recs)))
	for _, r := range recs {
		entry = binary.AppendUvarint(entry, r.Version)
		entry = binary.AppendUvarint(entry, uint64(len(r.Data)))
		entry = append(entry, r.Data...)
	}
	return entry
}

// forEachPart calls fn with each board part of a WAL entry. The records'
// data point into entry; fn must copy what it keeps.
func forEachPart(entry []byte, fn func(id string, recs []boardsync.Record) error) error {
	var recs []boardsync.Record
	for len(entry) > 0 {
		id, rest, err := cutBytes(entry)
		if err != nil {
			return err
		}
		count, n := binary.Uvarint(rest)
		if n <= 0 || count == 0 || count > uint64(len(rest)) {
			return errors.New("damaged WAL entry: bad record count")
		}
		rest = rest[n:]
		recs = recs[:0]
		for range count {
			version, n := binary.Uvarint(rest)
			if n <= 0 {
				return errors.New("damaged WAL entry: bad version")
			}
			var data []byte
			if data, rest, err = cutBytes(rest[n:]); err != nil {
				return err
			}
			if k := len(recs); k > 0 && version <= recs[k-1].Version {
				return fmt.Errorf("damaged WAL entry: version %d after %d", version, recs[k-1].Version)
			}
			recs = append(recs, boardsync.Record{Version: version, Data: data})
		}
		if err := fn(string(id), recs); err != nil {
			return err
		}
		entry = rest
	}
	return nil
}

// cutBytes reads a length-prefixed byte string.
func cutBytes(b []byte) (s, rest []byte, err error) {
	l, n := binary.Uvarint(b)
	if n <= 0 || l > uint64(len(b)-n) {
		return nil, nil, errors.New("damaged WAL entry: bad length")
	}
	return b[n : n+int(l)], b[n+int(l):], nil
}
