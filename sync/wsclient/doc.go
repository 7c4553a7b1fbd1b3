// Package wsclient is a Go client for Corkboard's WebSocket protocol
// (sync/PROTOCOL.md). The tests and the load generator use it; it is also a
// worked example of the protocol for anyone writing a client.
//
// Dial says hello and returns once the welcome has arrived; SendOp and
// SendOpSeq send operations (the latter to resend with the same sequence
// number after a reconnect); Read returns the messages of one frame. A
// Replica applies welcomes and op messages in version order, the way every
// client must, and is what the tests compare with the server's board.
package wsclient
