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
//
// # Who may do what
//
// Every operation comes with the Role of the link it came through
// (role.go): a facilitator may do everything, an editor change notes, a
// viewer only vote. Apply checks the role itself, so no caller can forget
// to, and the lock (locked boards take changes from facilitators only)
// and private notes (only the author changes a private note's text) are
// checked in the same place.
//
// # Running a lesson
//
// Lock, write privately then reveal, dot voting, the timer and stops are
// board state changed by operations like notes are (lesson.go), so they
// survive reloads and go wherever the board's log goes. Some of them are
// not for everyone's eyes: view.go decides what each person may see.
// View is the board as one participant sees it (other people's private
// text blank, a hidden round's counts their own); Withhold is the copy of
// an operation for everyone but its author; Prepare adds to a reveal or
// the end of a round what was withheld until then, so that everyone ends
// with the same board.
//
// # What a class may post, and answering without editing
//
// Moderation (moderation.go) is board state too: approval before a note
// shows, changing only one's own notes, a board closed to new notes, and a
// word filter, whose decision Screen makes once, as the operation is
// ordered, and keeps with it. Reactions (reactions.go) are per person and
// secret like ballots; comments (comments.go) are a thread under a note
// under the same rules as notes; columns (columns.go) are lanes a note
// belongs to by where it lies. An operation has three audiences: its
// author, who gets it whole; facilitators (Copies.Staff), who see notes
// waiting for approval and unmasked words but no private text; and
// everyone else (Copies.Others). Order is the sequence the server runs:
// Prepare, Screen, Withhold, Apply.
//
// # Stacks, the trash and names
//
// A note may be stacked on another (stacks.go): it names its stack's
// head, stacks do not nest, and a deleted head passes its stack to its
// topmost note. A deleted note goes to the board's trash (trash.go) for 30
// days, from which a facilitator brings it back with undelete; the trash is
// the server's and no View holds it. Whose notes are whose is the
// facilitator's choice (anonymity.go): shown to everyone, to facilitators
// only, or not kept; View and Withhold leave out what a person may not
// see, and a board that keeps no names stamps none.
package board
