// Package sync puts every edit of a board in one order, shows it to everyone
// on the board, and stores it durably. Other packages import it as boardsync.
//
// The wire protocol between browser and server is specified in PROTOCOL.md
// beside this file, precisely enough to write a client from it alone.
//
// # How the parts fit
//
// A Hub owns the live boards. The first connection to a board starts its
// room: one goroutine (room.run) that loads the board from the Store and
// from then on owns it. Connections, HTTP requests and the committer talk to
// the room only through channels, so the board needs no lock and every
// operation gets its place in a single order, its version.
//
// Each connection (conn) has a reader goroutine, which decodes and validates
// what the client sends before handing it to the room, and a writer
// goroutine, which drains a bounded queue into frames. A room writes acks,
// and in rooms of up to 32 connections broadcasts too, to a client itself
// when the writer is idle and the socket takes the frame at once
// (conn.send, socket.go), which spares a goroutine wake-up per client
// and operation. The room never waits
// for a client: a client whose queue is full is disconnected (CloseTooSlow)
// and may reconnect and resume.
//
// An accepted operation is applied to the board in memory and sent at once
// to every other client of the board; the sender's copy goes with the next
// message for it, usually its ack. It is acknowledged to its sender only
// after the committer has written it to disk. The committer
// is a single goroutine that writes the pending operations of all boards in
// one transaction (group commit), at most one every Limits.CommitInterval,
// so the number of commits (each with its fsyncs) stays small whatever the
// number of operations. A crash can lose operations that clients saw but
// that were never acknowledged; every room load starts a new epoch, so clients that
// saw such versions take the whole board afresh, and senders resend what was
// not acknowledged (client id and sequence number make resends idempotent).
//
// The Store interface is defined here, by its user. MemStore implements it
// in memory; package boltstore implements it on bbolt; package storetest is
// the conformance suite both pass. Package wsclient is a Go client of the
// protocol, used by the tests and by cmd/boardload.
package sync
