// Package boltstore keeps Corkboard's boards in one bbolt file. Its Store
// implements the boardsync.Log that package sync defines, and passes the
// logtest conformance suite.
//
// # Layout (format 4)
//
//	meta              app -> "corkboard", format -> "4"
//	boards/<id>       the board's head (JSON, encoding.go): its first and last versions,
//	                  how far its records were moved to history, its recent epochs,
//	                  its last append's key
//	snapshots/<id>    the newest snapshot: its version (8 bytes, big-endian), then the board as JSON
//	ops/<id><first>   history: a run of the board's records, from version <first> (8 bytes, big-endian)
//	wal/<seq>         one group commit's records, of any number of boards (8-byte big-endian key),
//	wal/<seq><n>      in chunks of at most 960 bytes: the first under <seq>, chunk n >= 1 under
//	                  <seq> and n as 4 bytes big-endian (wal.go says why)
//	links/<link>      what a link gives: {"board":…,"role":…}
//	boardlinks/<id>   the board's links and join settings (links.go)
//	joincodes/<code>  the board a join code leads to
//	kept/<id><version><seq>  the board's kept snapshots, its history to go back to (history.go)
//	opened/<id>       the UTC day the board was last opened (delete.go)
//	deleted/<id>      a deleted board's tombstone: its id, when and why, nothing it held
//	deletedlinks/<h>  the deleted board a link led to, by the link's SHA-256
//
// # Writes
//
// Every write goes through the committer (committer.go), which makes the
// writes of all boards that arrive together one read-write transaction
// (group commit), at most one every CommitInterval. An append's records go
// to one new WAL entry for the whole commit: keys only grow, so a commit
// dirties the WAL's last pages however many boards it carries. A board's
// own keys are written only when it is created, when an epoch begins, and
// when it saves a snapshot: then its records also move from the WAL to one
// history segment under ops/, and WAL entries no board keeps records in
// any more are deleted. So the WAL holds about one snapshot interval of
// operations, and every operation is kept, unless an operator drops old
// ones (DropHistory, which keeps every kept snapshot), or the board is
// deleted (DeleteBoard, delete.go: every key of the board in one commit,
// its parts of shared WAL entries included). A backup (Backup, scrub.go)
// writes the pages its copy does not use as zeros, so nothing deleted
// before it began is in it.
//
// bbolt writes each transaction with fsync before Update returns, so an
// append that returns nil is on disk. The database is never opened with
// NoSync.
//
// # Reads and the index
//
// The store keeps an index in memory, built by reading the WAL when the file
// is opened: for each board written to, its head and which WAL entries
// hold its records. Reading a board's records reads its history segments,
// then those WAL entries. Only the committer changes the index, after its
// transaction is on disk; a read takes a snapshot of the index and begins
// its transaction under a read lock held for a moment, so reads never wait
// for a commit's fsync.
//
// # Opening
//
// Open checks the file before bbolt sees it (check.go): bbolt rebuilds its
// free page list at open by walking every page, in a goroutine of its own,
// where a damaged page crashes the whole process. A file cut short or
// damaged is refused with a message saying so, a bbolt file of another
// program is refused and left as it is, and a missing or empty file
// becomes a new database. Older layouts (formats 1 to 3) move to this one
// in the transaction that writes the new format marker; format 3 kept only
// the records its snapshots did not hold, so a board from it has history
// from its first kept version on.
package boltstore
