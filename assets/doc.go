// Package assets embeds the browser's files: plain ES modules and CSS, with
// no build step. Each module has one job:
//
//	state.js    the board model: confirmed state, pending edits, reconcile,
//	            undo, and the limits that hold until the server's welcome;
//	            applyOp mirrors board.Apply, lesson operations too
//	socket.js   the connection: hello, resume, reconnect with backoff, outbox,
//	            at most maxInFlight operations on the wire unanswered, none
//	            over maxMessageBytes (refused, and rolled back like a reject);
//	            no retry after a close that says why (link replaced, removed)
//	render.js   drawing notes, cursors and the people present into the page,
//	            and fitting each note's text (smaller, or marked as going on);
//	            format, which fills in the {places} of every page string
//	layout.js   where a new note goes (free space in view) and how the
//	            camera fits the notes into the screen the bars leave free
//	actions.js  what a person can do: add, recolour, move, resize, delete,
//	            duplicate, undo, select, pan, zoom and fit, each one named
//	editor.js   typing into a note
//	input.js    pointer, keyboard and touch input mapped to actions
//	share.js    the share panel: links, QR code, join code, replacing links
//	stage.js    presenting: the presenter's view, laser pointer, spotlight
//	            and stops; following the presenter; the projector view
//	            (?projector=1)
//	lesson.js   running a lesson: the lesson bar (timer, lock, private
//	            writing, votes left, raising a hand), the lesson's marks on
//	            notes (blank private notes, vote buttons and counts), and the
//	            facilitator's Lesson panel; the timer on the server's clock
//	moderation.js notes waiting for approval (marked, and approved or
//	            rejected by the facilitator), the board's moderation badges,
//	            the facilitator's Moderation dialog, and the changes its
//	            settings refuse, stopped before they are sent
//	conversation.js how reactions, comments and columns change the board
//	            (state.js's applyOp calls it; mirrors board/reactions.go,
//	            comments.go and columns.go)
//	reactions.js a note's reactions and comment count, given and taken back
//	            with a press; the facilitator's reactions on, hidden or off
//	comments.js a note's thread: read, add (Enter sends), delete, approve,
//	            live and read out as comments arrive
//	columns.js  lanes behind the notes, the facilitator's Columns dialog,
//	            and the lane a new note goes into
//	stacks.js   stacks of notes: drawn as their head over a pile, with the
//	            count and summed votes; dropping notes onto notes, "Stack
//	            on…", the stack's dialog (take out, take apart), and the
//	            facilitator's "Arrange by votes"
//	trash.js    the facilitator's Deleted notes: the board's trash, asked
//	            for when shown, and a note brought back with undelete
//	listview.js the board as a list: a row a note, in reading order or by
//	            votes, each note's actions as buttons (the canvas's own
//	            actions), updated in place as the board changes
//	download.js the Download panel: links to the board's exports, in
//	            every format, through the page's own link
//	paste.js    "Paste a list": a note for every line, in a grid in free
//	            space, checked against the limits and sent in batches
//	keep.js     keeping a snapshot under a name (the ⋯ menu, the history page)
//	restore.js  bringing the board back to a snapshot or a version: the
//	            operations from the board now to that one, sent as edits
//	timeline.js a board's past for the replay: the board at any version,
//	            from its operations, with a checkpoint every 500
//	history.js  the history page: local times, keeping, copying a snapshot
//	replay.js   the replay page: plays the board back, read-only
//	board.js    the board page: wires them together, and follows the link's
//	            role (a view link's page has no editing controls)
//	home.js     the home page: recent boards, and importing a JSON export
//	joinscreen.js the join screen on the projector: shows the code the
//	            server has now (a new one, or none)
//
// Every change to a board goes through one path (board.js's edit: shown at
// once, kept in the outbox, sent), whatever triggered it. The pure logic
// (state.js, layout.js, timeline.js, and the parts of socket.js,
// render.js, stage.js, paste.js, restore.js, listview.js, stacks.js and trash.js that need no page) is tested in node by the *.test.mjs files;
// state.test.mjs runs the Apply cases of board/testdata/apply.json that
// board's Go tests run too. Note text reaches the DOM through textContent
// only. Modules lists what a page's script imports, for the page to
// preload in one go.
package assets

import "embed"

// FS holds the files served under /assets/.
//
//go:embed *.js *.css *.svg
var FS embed.FS
