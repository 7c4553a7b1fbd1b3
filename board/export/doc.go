// Package export turns a board into files people take away from a lesson
// (JSON, CSV, Markdown, and a picture as SVG, PNG or PDF) and reads the
// JSON back into a board.
//
// Write is the one entry point for every format. It takes the board as
// its reader may see it (board.View(""), which has no private text), so an
// export never shows more than the page does. The formats that list notes
// (CSV and Markdown) list them in ReadingOrder, which on a board with
// columns goes column by column, and say which column each note is in;
// JSON keeps the drawing order, and the pictures draw in it, over the
// columns' lanes. A stack of notes (board.Note.Stack) is where its head
// is, as on the page: CSV and Markdown list its notes right after the
// head (Markdown nested under it), and the pictures draw the head over a
// pile with a count; its votes and reactions add up on the head. Names
// are only what the board given shows (board.Board.Shown leaves out
// those the link may not see): an empty author leaves no trace but an
// empty CSV cell. Reactions show as the page shows them (👍 3) in CSV and
// Markdown; a picture's font has no emoji, so there they are glyphs it
// has (☺ ♥ ☼ ?), which a legend explains. The words an export adds (CSV
// headers, colour names, "votes", "3 notes" on a stack, the heading for
// notes in no column) come in English or Swedish (Options.Lang).
//
// The JSON export is the board's portable form: everything people made
// (title, columns, notes with text, colour, author, votes, reaction
// counts, times and stacks, stops, the rules and result of the last round
// of voting), marked with a format name and a schema number, and nothing only the
// server needs. Columns are an optional "columns" field of schema 1, and
// a note's stack an optional "stack" (fileJSON says why that is enough). Import reads it back, checking it
// as strictly as any other outside input; writing what Import made gives
// the same bytes again. NotesFromLines is the other way
// in: a pasted list, or a spreadsheet column, becomes new notes.
//
// What people wrote stays inert in every format: escaped in SVG and
// Markdown, kept from becoming a formula in CSV (a leading apostrophe, as
// OWASP advises), and only ever drawn as text in PNG and PDF.
//
// The pictures are drawn once with github.com/tdewolff/canvas and written
// by its SVG, raster and PDF renderers, in the palette's colours
// (board.Colors) and the page's text colours (board.NoteText,
// board.NoteAuthorText). A PNG is drawn straight onto its pixels instead:
// the shapes by canvas's rasterizer, the text from glyph masks rasterized
// once each (raster.go), and the rows compressed in parallel parts
// (pngenc.go), which together make a 1,000-note board's PNG several times
// faster than canvas alone. Their font is Go Regular (goregular.TTF from
// golang.org/x/image/font/gofont), compiled into the program so that an
// export looks the same on every server and has å, ä and ö; the SVG
// embeds the letters it uses. The Go fonts are © 2016 Bigelow & Holmes
// Inc., under a BSD-style licence (golang.org/x/image/font/gofont/ttfs/
// README) whose notice a program that includes them must reproduce in
// its documentation: docs/third-party.md does.
package export
