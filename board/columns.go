package board

import (
	"math"
	"slices"
	"unicode/utf8"
)

// Columns give a board structure: a retrospective's "Went well / To
// improve / Actions", a class's "Questions / Answers". They are lanes
// side by side from x = 0, ColumnWidth wide each, in the board's order; a
// note belongs to the column its middle lies in (ColumnOf), so dropping a
// note in a lane is all it takes, and every client works it out the same
// way. The facilitator adds (at the right), renames, reorders and removes
// columns; moving a column moves its notes along, so each keeps its
// column. A column with notes in it is not removed: its notes would land
// in the next one.

// Column is one lane of a board.
type Column struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Column limits and geometry.
const (
	ColumnWidth    = 480 // board units: two default notes side by side, with room around them
	MaxColumns     = 20
	MaxColumnRunes = 60
	columnOverhead = 64 // what a column counts against MaxBoardBytes besides its name
)

func columnSize(c Column) int { return columnOverhead + len(c.Name) }

func (l Limits) checkColumn(c Column) error {
	if !ValidNoteID(c.ID) {
		return Errorf(EInvalid, "column id %q is not a lower-case UUID", c.ID)
	}
	if n := utf8.RuneCountInString(c.Name); n > MaxColumnRunes {
		return Errorf(ETooLarge, "the column's name has %d characters; the limit is %d", n, MaxColumnRunes)
	}
	return checkPrintable("the column's name", c.Name, false)
}

// ColumnOf returns the index of the column a note lies in, or -1 for none.
func (b *Board) ColumnOf(n Note) int {
	if len(b.Columns) == 0 {
		return -1
	}
	mid := n.X + n.W/2
	i := int(math.Floor(mid / ColumnWidth))
	if mid < 0 || i >= len(b.Columns) {
		return -1
	}
	return i
}

func (b *Board) column(id string) int {
	return slices.IndexFunc(b.Columns, func(c Column) bool { return c.ID == id })
}

// applyColumn applies the column operations; the caller has checked the
// role.
func applyColumn(b *Board, op Op, lim Limits) error {
	switch op.Kind {
	case KindColumnAdd:
		if len(b.Columns) >= MaxColumns {
			return Errorf(ETooLarge, "a board holds at most %d columns", MaxColumns)
		}
		if b.column(op.Column.ID) >= 0 {
			return Errorf(EConflict, "column %s already exists", op.Column.ID)
		}
		if err := b.grow(columnSize(*op.Column), lim); err != nil {
			return err
		}
		b.Columns = append(slices.Clip(b.Columns), *op.Column)
	case KindColumnSet:
		i := b.column(op.Column.ID)
		if i < 0 {
			return Errorf(ENotFound, "column %s is not on this board", op.Column.ID)
		}
		if err := b.grow(columnSize(*op.Column)-columnSize(b.Columns[i]), lim); err != nil {
			return err
		}
		b.Columns = slices.Clone(b.Columns)
		b.Columns[i] = *op.Column
	case KindColumnDelete:
		i := b.column(op.ID)
		if i < 0 {
			return Errorf(ENotFound, "column %s is not on this board", op.ID)
		}
		for _, n := range b.Notes {
			if b.ColumnOf(n) == i {
				return Errorf(EConflict, "the column %q has notes in it: move or delete them first", b.Columns[i].Name)
			}
		}
		// The columns to its right take one step left, with their notes.
		b.shiftColumns(i+1, len(b.Columns), -1)
		b.size -= columnSize(b.Columns[i])
		b.Columns = slices.Delete(slices.Clone(b.Columns), i, i+1)
	case KindColumnMove:
		i := b.column(op.ID)
		if i < 0 {
			return Errorf(ENotFound, "column %s is not on this board", op.ID)
		}
		to := *op.Index
		if to >= len(b.Columns) {
			return Errorf(EInvalid, "index %d is past the last column (%d)", to, len(b.Columns)-1)
		}
		// Every note moves with its column: the moved one by to-i lanes,
		// the ones it passes one lane the other way.
		moves := make(map[int]int, len(b.Columns))
		order := slices.Clone(b.Columns)
		c := order[i]
		order = slices.Insert(slices.Delete(order, i, i+1), to, c)
		for newIndex, col := range order {
			moves[b.column(col.ID)] = newIndex
		}
		for id, n := range b.Notes {
			if from := b.ColumnOf(n); from >= 0 && moves[from] != from {
				n.X += float64(moves[from]-from) * ColumnWidth
				b.Notes[id] = n
			}
		}
		b.Columns = order
	}
	return nil
}

// shiftColumns moves the notes of columns from..to-1 by lanes lanes.
func (b *Board) shiftColumns(from, to, lanes int) {
	for id, n := range b.Notes {
		if c := b.ColumnOf(n); c >= from && c < to {
			n.X += float64(lanes) * ColumnWidth
			b.Notes[id] = n
		}
	}
}

// Template is a board to start from: its columns, with names in English
// and Swedish.
type Template struct {
	Name    string
	Columns map[string][]string // language code ("en", "sv") to column names
}

// Templates are the boards the home page offers to start from.
var Templates = []Template{
	{Name: "retro", Columns: map[string][]string{
		"en": {"Went well", "To improve", "Actions"},
		"sv": {"Gick bra", "Kan bli bättre", "Att göra"},
	}},
	{Name: "kwl", Columns: map[string][]string{
		"en": {"What I know", "What I want to know", "What I learned"},
		"sv": {"Det här vet jag", "Det här vill jag veta", "Det här har jag lärt mig"},
	}},
	{Name: "exit", Columns: map[string][]string{
		"en": {"Something I learned today", "Something I still wonder about", "How today went for me"},
		"sv": {"Något jag lärde mig i dag", "Något jag fortfarande undrar över", "Så gick dagen för mig"},
	}},
}

// TemplateColumns returns the columns of the named template in a language
// (English if it has none in that one), with new ids, or false for an
// unknown template.
func TemplateColumns(name, lang string, newID func() string) ([]Column, bool) {
	for _, t := range Templates {
		if t.Name != name {
			continue
		}
		names, ok := t.Columns[lang]
		if !ok {
			names = t.Columns["en"]
		}
		cols := make([]Column, len(names))
		for i, n := range names {
			cols[i] = Column{ID: newID(), Name: n}
		}
		return cols, true
	}
	return nil, false
}
