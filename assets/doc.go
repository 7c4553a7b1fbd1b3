// Package assets embeds the browser's files: plain ES modules and CSS, with
// no build step. Each module has one job:
//
//	state.js    the board model: confirmed state, pending edits, reconcile,
//	            undo, and the limits that hold until the server's welcome
//	socket.js   the connection: hello, resume, reconnect with backoff, outbox,
//	            at most maxInFlight operations on the wire unanswered, none
//	            over maxMessageBytes (refused, and rolled back like a reject)
//	render.js   drawing notes, cursors and the people present into the page
//	actions.js  what a person can do: add, recolour, move, resize, delete,
//	            duplicate, undo, select, pan, zoom and fit, each one named
//	editor.js   typing into a note
//	input.js    pointer, keyboard and touch input mapped to actions
//	board.js    the board page: wires them together
//	home.js     the home page: recent boards
//
// Every change to a board goes through one path (board.js's edit: shown at
// once, kept in the outbox, sent), whatever triggered it. The pure logic
// (state.js, and the parts of socket.js and render.js that need no page)
// is tested in node by the *.test.mjs files; state.test.mjs runs the Apply
// cases of board/testdata/apply.json that board's Go tests run too. Note
// text reaches the DOM through textContent only.
package assets

import "embed"

// FS holds the files served under /assets/.
//
//go:embed *.js *.css *.svg
var FS embed.FS
