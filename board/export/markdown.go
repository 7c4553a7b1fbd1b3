package export

import (
	"bufio"
	"io"
	"strings"

	"corkboard/board"
)

// writeMarkdown writes the title as a heading and every note, in reading
// order, as a list item: its text, line by line, then a line with its
// author, colour, votes, reactions and time. The notes of a stack are
// listed inside its head's item, and the head says the stack's votes. On a board with columns the
// notes of each column come under a heading with its name, and those in
// none under one of their own. Whatever the notes and names hold shows as
// the text it is: nothing in them becomes markup or HTML (see
// escapeMarkdown).
func writeMarkdown(w io.Writer, b *board.Board, wd *words) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("# ")
	bw.WriteString(heading(wd.title(b)))
	bw.WriteString("\n\n")
	if len(b.Notes) == 0 {
		bw.WriteString("_" + escapeMarkdown(wd.empty) + "_\n")
		return bw.Flush()
	}
	showVotes := b.Voting != nil
	for i, s := range readingSections(b) {
		if len(b.Columns) > 0 {
			if i > 0 {
				bw.WriteString("\n")
			}
			name := wd.outside
			if s.column >= 0 {
				name = wd.columnName(b, s.column)
			}
			bw.WriteString("## " + heading(name) + "\n\n")
			if len(s.items) == 0 {
				bw.WriteString("_" + escapeMarkdown(wd.noNotes) + "_\n")
			}
		}
		writeItems(bw, s.items, showVotes, wd)
	}
	return bw.Flush()
}

// heading returns text for a heading's line: escaped, and with every #
// escaped too, as one at the end would close the heading.
func heading(s string) string {
	return strings.ReplaceAll(escapeMarkdown(s), "#", `\#`)
}

// writeItems writes notes as list items. The notes of a stack are items
// of a list inside their head's, after the head's comments; its bullet
// is a + where the comments' is a -, which makes it a list of its own
// (CommonMark) and tells the two apart in the plain text.
func writeItems(bw *bufio.Writer, items []item, showVotes bool, wd *words) {
	for _, it := range items {
		var extra []string
		if total := it.votes(); len(it.members) > 0 && (showVotes || total > 0) {
			extra = append(extra, wd.countVotes(total)+" "+wd.inStack)
		}
		writeNote(bw, it.note, "", "-", showVotes, extra, wd)
		for _, m := range it.members {
			writeNote(bw, m, "  ", "+", showVotes, nil, wd)
		}
	}
}

// writeNote writes n as a list item with the given bullet, indented by
// indent: its text, then a line with its author (when there is one to
// show), colour, votes, what extra says, reactions and time, then its
// comments as a list inside it.
func writeNote(bw *bufio.Writer, n board.Note, indent, bullet string, showVotes bool, extra []string, wd *words) {
	bw.WriteString(indent + bullet)
	lead := " " // after the bullet; then the item's indentation
	lines := noteLines(n.Text)
	for i, line := range lines {
		if line == "" {
			bw.WriteString("\n") // a blank line: a new paragraph in the item
			continue
		}
		bw.WriteString(lead)
		bw.WriteString(escapeLine(line))
		// A backslash at the end of a line is a hard line break
		// (CommonMark), so the note's lines stay lines; the last one
		// breaks before the line about the note. At the end of a
		// paragraph it would show, so not before a blank line.
		if i+1 == len(lines) || lines[i+1] != "" {
			bw.WriteString("\\")
		}
		bw.WriteString("\n")
		lead = indent + "  "
	}
	bw.WriteString(lead)
	var meta []string
	if n.Author != "" {
		meta = append(meta, escapeMarkdown(n.Author))
	}
	meta = append(meta, wd.color(n.Color))
	if showVotes || n.Votes > 0 {
		meta = append(meta, wd.countVotes(n.Votes))
	}
	meta = append(meta, extra...)
	if r := countReactions(n.Reactions, reactionEmoji, " ", " "); r != "" {
		meta = append(meta, r)
	}
	meta = append(meta, humanTime(n.CreatedAt))
	bw.WriteString("_— " + strings.Join(meta, " · ") + "_\n")
	// Comments: a list inside the note's item, one line each; a comment
	// whose author is not shown is its text alone.
	for _, c := range n.Comments {
		bw.WriteString(indent + "  - ")
		if c.Author != "" {
			bw.WriteString(escapeMarkdown(c.Author) + ": ")
		}
		bw.WriteString(escapeLine(strings.Join(strings.Fields(c.Text), " ")) + "\n")
	}
}

// noteLines returns the lines of a note's text, without blank lines at the
// start or end, and with one blank line for any run of them inside.
func noteLines(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var lines []string
	blank := false
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimRight(line, " \t")
		if strings.TrimSpace(line) == "" {
			blank = len(lines) > 0
			continue
		}
		if blank {
			lines = append(lines, "")
			blank = false
		}
		lines = append(lines, line)
	}
	return lines
}

// escapeLine escapes one line of a note: what escapeMarkdown escapes, and
// what would make the line a heading, a quote, a list item or a rule.
func escapeLine(line string) string {
	// Leading spaces and tabs would make an indented code block or
	// nest the line; they carry no meaning on a note.
	line = strings.TrimLeft(line, " \t")
	s := escapeMarkdown(line)
	switch {
	case s == "":
		return s
	case strings.ContainsRune("#-+=", rune(s[0])):
		return `\` + s
	}
	// "1." or "1)" starts an ordered list.
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	if digits > 0 && digits < len(s) && (s[digits] == '.' || s[digits] == ')') {
		return s[:digits] + `\` + s[digits:]
	}
	return s
}

// markdownEscaper makes text inert in Markdown: HTML's three special
// characters become entities (so no tag, comment or entity survives), and
// a backslash goes before every character that starts emphasis, code,
// links, images, tables, strikethrough or an escape.
var markdownEscaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"|", `\|`, "~", `\~`,
)

func escapeMarkdown(s string) string { return markdownEscaper.Replace(s) }
