package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"corkboard/board"
)

// bom is the UTF-8 byte order mark. Excel reads a CSV file without it in
// the system's legacy code page, which turns å into Ã¥.
const bom = "\uFEFF"

// writeCSV writes one row a note, in reading order, after a header row:
// RFC 4180 quoting and CRLF line ends (encoding/csv), and a BOM. Each row
// ends with the note's column (empty for none), its reactions as the
// page shows them ("👍 3 💡 1", empty for none), its comments, one a
// line, each "author: text", and then its id and its stack: the id of
// the stack's head, on the head and on every note of the stack (empty
// for a note on its own), so that sorting or filtering by it keeps a
// stack together, and on the head the stack's votes added up. A note of
// a stack has its head's x and y.
func writeCSV(w io.Writer, b *board.Board, wd *words) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(wd.header[:]); err != nil {
		return err
	}
	for _, s := range readingSections(b) {
		column := ""
		if s.column >= 0 {
			column = wd.columnName(b, s.column)
		}
		for _, it := range s.items {
			stack, votes := "", ""
			if len(it.members) > 0 {
				stack, votes = it.note.ID, strconv.Itoa(it.votes())
			}
			if err := cw.Write(csvRow(wd, it.note, column, stack, votes)); err != nil {
				return err
			}
			for _, m := range it.members {
				// A stacked note lies where its head does, as the page
				// draws it: its own place is from before it was stacked.
				m.X, m.Y = it.note.X, it.note.Y
				if err := cw.Write(csvRow(wd, m, column, stack, "")); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvRow is the row of note n, in the column named column, in the stack
// headed by stack, whose votes are stackVotes ("" but on its head).
func csvRow(wd *words, n board.Note, column, stack, stackVotes string) []string {
	// A column's name is written by a facilitator, so it is text people
	// wrote like any other; the reactions begin with an emoji, but go
	// through inert all the same. Ids are the server's (lower-case
	// UUIDs).
	return []string{
		lineEnds.Replace(inert(n.Text)), wd.color(n.Color), inert(n.Author), strconv.Itoa(n.Votes),
		csvTime(n.CreatedAt), csvTime(n.UpdatedAt), number(n.X), number(n.Y),
		inert(column), inert(countReactions(n.Reactions, reactionEmoji, " ", " ")), inert(commentLines(n.Comments)),
		n.ID, stack, stackVotes,
	}
}

// inert returns a cell of text people wrote so that a spreadsheet shows it
// and does not run it: a cell that begins with =, +, -, @, a tab or a
// carriage return could be taken for a formula (OWASP, "CSV Injection"),
// so it gets a leading apostrophe. Only cells people write need it: the
// numbers and times are the server's own.
func inert(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// lineEnds makes every line break in a cell a line feed, which
// encoding/csv writes as CRLF; it would drop a lone carriage return.
var lineEnds = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// number writes a coordinate as short as it can be written exactly.
func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// commentLines is a note's comments for one cell: "author: text", a line
// each (line breaks in a comment become spaces), or just the text when
// the author is not shown.
func commentLines(cs []board.Comment) string {
	lines := make([]string, len(cs))
	for i, c := range cs {
		lines[i] = strings.Join(strings.Fields(c.Text), " ")
		if c.Author != "" {
			lines[i] = c.Author + ": " + lines[i]
		}
	}
	return lineEnds.Replace(strings.Join(lines, "\n"))
}
