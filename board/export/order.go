package export

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"corkboard/board"
)

// ReadingOrder returns the notes of b in the order a person reads the
// board. On a board with columns (b.Columns) that is column by column in
// the board's order, each from top to bottom (ties to the note further
// left, then to the lower id), and then the notes in no column in the
// order of a board without columns. Every exporter that lists notes uses
// it.
//
// On a board without columns it is the order of one laid out in columns
// by hand (a retrospective's "went well", "to change", "actions"): column
// by column from left to right, each column from top to bottom. Such a
// column is the notes that share at least half of their width with it,
// so notes placed by hand a little out of line still read together, and
// a stack of overlapping notes stays together. Ties go as above, so the
// order is always the same for the same board.
func ReadingOrder(b *board.Board) []board.Note {
	out := make([]board.Note, 0, len(b.Notes))
	for _, s := range readingSections(b) {
		out = append(out, s.notes...)
	}
	return out
}

// section is notes read together under one heading: a column's, or, with
// column -1, those in no column (all of them on a board without columns).
type section struct {
	column int
	notes  []board.Note
}

// readingSections returns the notes of b in reading order, in sections:
// one for every column of b, in order, even an empty one, then one for
// the notes in no column, if there are any or b has no columns.
func readingSections(b *board.Board) []section {
	if len(b.Columns) == 0 {
		return []section{{column: -1, notes: laidOut(slices.Collect(maps.Values(b.Notes)))}}
	}
	sections := make([]section, len(b.Columns))
	var rest []board.Note
	for _, n := range b.Notes {
		if c := b.ColumnOf(n); c >= 0 {
			sections[c].notes = append(sections[c].notes, shown(n))
		} else {
			rest = append(rest, n)
		}
	}
	for i := range sections {
		sections[i].column = i
		sortColumn(sections[i].notes)
	}
	if len(rest) > 0 {
		sections = append(sections, section{column: -1, notes: laidOut(rest)})
	}
	return sections
}

// sortColumn sorts the notes of one column from top to bottom.
func sortColumn(col []board.Note) {
	slices.SortFunc(col, func(a, c board.Note) int {
		return cmp.Or(cmp.Compare(a.Y, c.Y), cmp.Compare(a.X, c.X), strings.Compare(a.ID, c.ID))
	})
}

// laidOut returns notes in the reading order of a board without columns
// (see ReadingOrder), as an export shows them. It sorts notes in place.
func laidOut(notes []board.Note) []board.Note {
	slices.SortFunc(notes, func(a, c board.Note) int {
		return cmp.Or(cmp.Compare(a.X, c.X), cmp.Compare(a.Y, c.Y), strings.Compare(a.ID, c.ID))
	})
	// Sweep from left to right: a note joins the column being built when
	// it shares at least half its width (or half the column's, if the
	// column is narrower) with the column's extent so far; otherwise it
	// starts the next column. Sorting by left edge means no note can
	// belong to an earlier column more than to the current one.
	var (
		out         = make([]board.Note, 0, len(notes))
		start       int     // the current column's first note in notes
		left, right float64 // the current column's extent
	)
	for i, n := range notes {
		if i > 0 {
			shared := min(right, n.X+n.W) - max(left, n.X)
			if shared >= min(n.W, right-left)/2 && shared > 0 {
				right = max(right, n.X+n.W)
				continue
			}
			sortColumn(notes[start:i])
			out = append(out, notes[start:i]...)
		}
		start, left, right = i, n.X, n.X+n.W
	}
	if len(notes) > 0 {
		sortColumn(notes[start:])
		out = append(out, notes[start:]...)
	}
	for i := range out {
		out[i] = shown(out[i])
	}
	return out
}
