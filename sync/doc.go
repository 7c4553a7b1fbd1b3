// Package sync puts every edit of a board in one order, shows it to everyone
// on the board, and has it kept durably. Other packages import it as
// boardsync.
//
// The wire protocol between browser and server is specified in PROTOCOL.md
// beside this file, precisely enough to write a client from it alone.
//
// # Where things happen
//
//   - Ordering: a room (room.go) is one live board, owned by one goroutine.
//     Connections and HTTP requests reach it only through channels, so the
//     board needs no lock and every operation gets its place in a single
//     order, its version. The room checks each operation against its copy
//     of the board with board.Apply.
//   - Durability: the board's Log (log.go) keeps every operation and
//     snapshots; the room's appender (appender.go) appends what the room
//     accepted, one append at a time, and the room acknowledges an
//     operation only once the log has it. The Log interface is defined
//     here, by its user: MemLog implements it in memory, package boltstore
//     on bbolt (with one group commit for all boards), and package logtest
//     is the conformance suite both pass.
//   - Fan-out: the room sends each accepted operation to everyone at once,
//     before it is durable; in a large room a goroutine of its own does the
//     sending (fanout.go). Presence (who is here, cursors) is sent on a
//     timer, coalesced, and never stored.
//   - Connections: each has a reader (conn.go: hello, limits, decoding,
//     flow control) and a writer (writer.go), which owns everything sent
//     to the client and puts what waits together into one frame. A client
//     that cannot keep up is disconnected, never allowed to hold up the room.
//   - Audiences: an operation that not everyone may see whole (a private
//     note, a secret vote) is encoded twice, whole for its author and as
//     board.Withhold's copy for everyone else (audience.go); everything
//     else is encoded once and shared.
//   - The stage (stage.go): who presents, their view and pointer, the
//     spotlight, who follows, raised hands. Presence, like cursors: never
//     stored.
//   - Links and roles (links.go, hub_links.go): each board's three links
//     and its join code, kept by a Links store (MemLinks, or boltstore's);
//     the role a connection has comes from its link on every message.
//   - History (history.go): the snapshots a board keeps to go back to
//     (when created, after KeepInterval of activity, when everyone has
//     left, and named ones), in a History store (MemHistory, or
//     boltstore's); with the log's operations they give the board at any
//     version, and replay's operations as they were sent live.
//   - A board's end (delete.go): a facilitator deletes it, or the hub does
//     when nobody opened it for the retention period; its room writes what
//     is pending and stops, everyone on it is closed with CloseDeleted, and
//     a Lifecycle store (boltstore's, or one in memory) removes everything
//     of it, keeping a tombstone so its links say it was deleted. The
//     Lifecycle also records the day each board was last opened.
//   - Slow and stalled clients: probe.go measures how far behind a client
//     is, from the pings it answers.
//   - The wire protocol's messages are in protocol.go.
//
// A Hub (hub.go) owns the live rooms: it starts a room when the first
// client or request needs the board, unloads it when it has been idle, and
// stops them all on Shutdown, appending what is pending.
//
// # Epochs
//
// Because operations are shown before they are durable, a crash can lose
// versions that clients saw, and the next room hands those versions out
// again. Each room therefore begins a new epoch in the log when it loads
// the board, and clients say which epoch their versions belong to when
// they resume. The log keeps where each recent epoch began, so a client
// whose versions are all still the log's (any version before the next
// epoch began) resumes after a restart or on another server, and a client
// that saw a version that was lost takes the whole board.
//
// Package wsclient is a Go client of the protocol, used by the tests and by
// cmd/boardload.
package sync
