package export

import (
	"cmp"
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
// a pile of overlapping notes stays together. Ties go as above, so the
// order is always the same for the same board.
//
// A stack (Note.Stack) is one item, where its head lies: the notes on it
// follow the head, topmost first, as the page's pile has them. Their own
// places are where they were before they were stacked, which the page no
// longer shows, so they count for nothing.
func ReadingOrder(b *board.Board) []board.Note {
	out := make([]board.Note, 0, len(b.Notes))
	for _, s := range readingSections(b) {
		for _, it := range s.items {
			out = append(out, it.note)
			out = append(out, it.members...)
		}
	}
	return out
}

// section is notes read together under one heading: a column's, or, with
// column -1, those in no column (all of them on a board without columns).
type section struct {
	column int
	items  []item
}

// item is what reading order places: a note on its own, or the head of a
// stack with the notes on it.
type item struct {
	note board.Note
	// members are the notes stacked on note, topmost first (by Z, then
	// id, as board.Board.StackOf has them); nil for a note on its own.
	members []board.Note
}

// votes returns the votes of the item: a stack's add up.
func (it item) votes() int {
	v := it.note.Votes
	for _, m := range it.members {
		v += m.Votes
	}
	return v
}

// reactions returns the reactions of the item, a stack's added up; the
// note's own map (not a copy) for a note on its own.
func (it item) reactions() map[string]int {
	if len(it.members) == 0 {
		return it.note.Reactions
	}
	sum := map[string]int{}
	for _, n := range append([]board.Note{it.note}, it.members...) {
		for r, c := range n.Reactions {
			sum[r] += c
		}
	}
	return sum
}

// items returns the notes of b as reading order places them, in no
// order, each through shown. A note stacked on one that is not on b, or
// that is itself in a stack, is taken for a note on its own: a board
// that kept the rules has none (board.DecodeBoard refuses them), and an
// export shows such a note rather than losing it.
func items(b *board.Board) []item {
	members := map[string][]board.Note{}
	for _, n := range b.Notes {
		if h, ok := b.Notes[n.Stack]; n.Stack != "" && ok && h.Stack == "" {
			members[n.Stack] = append(members[n.Stack], shown(n))
		}
	}
	out := make([]item, 0, len(b.Notes))
	for _, n := range b.Notes {
		if h, ok := b.Notes[n.Stack]; n.Stack != "" && ok && h.Stack == "" {
			continue
		}
		ms := members[n.ID]
		slices.SortFunc(ms, func(p, q board.Note) int {
			return cmp.Or(cmp.Compare(q.Z, p.Z), strings.Compare(p.ID, q.ID))
		})
		out = append(out, item{note: shown(n), members: ms})
	}
	return out
}

// readingSections returns the notes of b in reading order, in sections:
// one for every column of b, in order, even an empty one, then one for
// the notes in no column, if there are any or b has no columns. A stack
// is in the column its head is in.
func readingSections(b *board.Board) []section {
	all := items(b)
	if len(b.Columns) == 0 {
		return []section{{column: -1, items: laidOut(all)}}
	}
	sections := make([]section, len(b.Columns))
	var rest []item
	for _, it := range all {
		if c := b.ColumnOf(it.note); c >= 0 {
			sections[c].items = append(sections[c].items, it)
		} else {
			rest = append(rest, it)
		}
	}
	for i := range sections {
		sections[i].column = i
		sortColumn(sections[i].items)
	}
	if len(rest) > 0 {
		sections = append(sections, section{column: -1, items: laidOut(rest)})
	}
	return sections
}

// sortColumn sorts the notes of one column from top to bottom.
func sortColumn(col []item) {
	slices.SortFunc(col, func(p, q item) int {
		a, c := p.note, q.note
		return cmp.Or(cmp.Compare(a.Y, c.Y), cmp.Compare(a.X, c.X), strings.Compare(a.ID, c.ID))
	})
}

// laidOut returns items in the reading order of a board without columns
// (see ReadingOrder), by where their notes (a stack's head) lie. It sorts
// items in place.
func laidOut(items []item) []item {
	slices.SortFunc(items, func(p, q item) int {
		a, c := p.note, q.note
		return cmp.Or(cmp.Compare(a.X, c.X), cmp.Compare(a.Y, c.Y), strings.Compare(a.ID, c.ID))
	})
	// Sweep from left to right: a note joins the column being built when
	// it shares at least half its width (or half the column's, if the
	// column is narrower) with the column's extent so far; otherwise it
	// starts the next column. Sorting by left edge means no note can
	// belong to an earlier column more than to the current one.
	var (
		out         = make([]item, 0, len(items))
		start       int     // the current column's first item in items
		left, right float64 // the current column's extent
	)
	for i, it := range items {
		n := it.note
		if i > 0 {
			shared := min(right, n.X+n.W) - max(left, n.X)
			if shared >= min(n.W, right-left)/2 && shared > 0 {
				right = max(right, n.X+n.W)
				continue
			}
			sortColumn(items[start:i])
			out = append(out, items[start:i]...)
		}
		start, left, right = i, n.X, n.X+n.W
	}
	if len(items) > 0 {
		sortColumn(items[start:])
		out = append(out, items[start:]...)
	}
	return out
}
