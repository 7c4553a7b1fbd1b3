// Package assets embeds the browser's files: plain ES modules and CSS, with
// no build step. Each module has one job:
//
//	state.js   the board model: confirmed state, pending edits, reconcile, undo
//	socket.js  the connection: hello, resume, reconnect with backoff, outbox
//	render.js  drawing notes, presence and status into the page
//	input.js   pointer, keyboard and touch input turned into edits
//	board.js   the board page: wires the four together
//	home.js    the home page: recent boards
//
// Note text reaches the DOM through textContent only.
package assets

import "embed"

// FS holds the files served under /assets/.
//
//go:embed *.js *.css *.svg
var FS embed.FS
