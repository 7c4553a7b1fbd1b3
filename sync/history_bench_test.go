package sync_test

import (
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	boardsync "corkboard/sync"
	"corkboard/sync/boltstore"
	"corkboard/sync/wsclient"
)

// BenchmarkHistoryDiskCost measures what keeping every operation costs on
// disk: a class's worth of notes made the way the page makes them (a
// create, the text sent at each pause in typing, a few drags), 1,000
// operations in all, on a bbolt file. It reports the bytes of operation
// records (history and WAL, keys included) per 1,000 operations, and the
// kept snapshots' bytes. (The file itself grows in steps bbolt chooses, so
// its size says little about 1,000 operations.) The operations go at the
// rate one connection may send, 100 a second, so a run takes about 8 s.
func BenchmarkHistoryDiskCost(b *testing.B) {
	for b.Loop() {
		dir := b.TempDir()
		path := filepath.Join(dir, "corkboard.db")
		store, err := boltstore.Open(path, boltstore.Options{})
		if err != nil {
			b.Fatal(err)
		}
		srv := mustServer(b, store, boardsync.Limits{})
		_, links := srv.mustBoardLinks(b)
		c := mustDial(b, srv.wsURL(links.Edit), wsclient.Hello{Participant: wsclient.NewParticipant(), Name: "Astrid Lindgren"})
		sentence := "Vi lärde oss att fotosyntesen behöver ljus, vatten och koldioxid."
		ops := 0
		for i := 0; ops < 1000; i++ {
			n := uuid.NewString()
			c.send(createOp(n, float64(i%10)*220, float64(i/10)*180))
			ops++
			// Typed in six pauses, each sending the text so far.
			for p := 1; p <= 6 && ops < 1000; p++ {
				c.send(textOp(n, sentence[:len(sentence)*p/6]))
				ops++
			}
			// Dragged three times (a drag sends where it ended).
			for d := 1; d <= 3 && ops < 1000; d++ {
				c.send(moveOp(n, float64(i%10)*220+float64(d*7), float64(i/10)*180))
				ops++
			}
			if i%5 == 4 {
				c.readUntil("acks", func() bool { return len(c.acks) == ops })
			}
		}
		c.readUntil("acks", func() bool { return len(c.acks) == ops })
		c.c.Close()
		srv.hub.Shutdown(b.Context())
		store.Close()
		records, kept := bucketBytes(b, path, "ops", "wal"), bucketBytes(b, path, "kept")
		b.ReportMetric(float64(records)/float64(ops)*1000, "record-bytes/1000ops")
		b.ReportMetric(float64(kept), "kept-bytes")
	}
}

// bucketBytes sums the keys and values in the named buckets of a closed
// bbolt file.
func bucketBytes(b *testing.B, path string, names ...string) int {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	n := 0
	db.View(func(tx *bolt.Tx) error {
		for _, name := range names {
			tx.Bucket([]byte(name)).ForEach(func(k, v []byte) error {
				n += len(k) + len(v)
				return nil
			})
		}
		return nil
	})
	return n
}
