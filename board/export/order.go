package export

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"corkboard/board"
)

// ReadingOrder returns the notes of b in the order a person reads a board
// laid out in columns (a retrospective's "went well", "to change",
// "actions"): column by column from left to right, each column from top to
// bottom. A column is the notes that share at least half of their width
// with it, so notes placed by hand a little out of line still read
// together, and a stack of overlapping notes stays together. Ties go to the
// note further left, then to the lower id, so the order is always the same
// for the same board. Every exporter that lists notes uses it.
func ReadingOrder(b *board.Board) []board.Note {
	notes := slices.SortedFunc(maps.Values(b.Notes), func(a, c board.Note) int {
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
		sortColumn  = func(col []board.Note) {
			slices.SortFunc(col, func(a, c board.Note) int {
				return cmp.Or(cmp.Compare(a.Y, c.Y), cmp.Compare(a.X, c.X), strings.Compare(a.ID, c.ID))
			})
		}
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
