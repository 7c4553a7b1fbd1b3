// Package board is Corkboard's domain: boards, sticky notes, the operations
// that change them, the limits that keep them sane, and Apply, which is the
// only way a board changes.
//
// The package is pure. It does no I/O and knows nothing of HTTP, WebSockets,
// bbolt or templates, so that the server, the storage replay, the tests and
// (by translation) the browser all agree on what an operation means.
//
// # How a board changes
//
// An Op is a change one person asked for: create a note, update some of a
// note's fields, delete a note, rename the board, or a Batch of those applied
// atomically. DecodeOp turns outside JSON into an Op and rejects anything
// malformed; Limits.Validate checks it against the documented limits; Apply
// changes the board or returns an *Error and leaves it untouched.
//
// Apply is deterministic: the same board and the same operations in the same
// order always give the same result, because every input that could vary
// (the time, the author's label) comes in the Stamp beside the operation.
// Conflicting edits resolve per field: each update names only the fields it
// changes, so the later update in server order wins for those fields and
// leaves the others alone. A deleted note leaves a tombstone: any later
// operation naming it is rejected, so a late move never resurrects it.
package board
