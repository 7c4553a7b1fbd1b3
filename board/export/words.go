package export

import (
	"strconv"
	"strings"
	"time"

	"corkboard/board"
)

// words are what an export says in a person's language: everything else
// in it comes from the board.
type words struct {
	lang     string     // the language's BCP 47 tag
	header   [14]string // the CSV columns, in order
	colors   map[string]string
	untitled string // a board without a title
	empty    string // a board without notes
	vote     string // one vote
	votes    string // more or no votes
	column   string // a column without a name, before its number
	outside  string // the notes in no column, when a board has columns
	noNotes  string // a column without notes
	note     string // one note, counted
	notes    string // more notes, counted
	inStack  string // after a stack's votes: "5 votes in this stack"
	// reactions name each reaction (board.Reactions) in a picture's
	// legend: the picture shows them as glyphs of its font
	// (reactionGlyphs), which need saying what they stand for.
	reactions map[string]string
}

var english = words{
	lang: LangEnglish,
	// The columns added later come last, so a spreadsheet or script
	// that reads the earlier ones by position keeps working.
	header: [14]string{"text", "colour", "author", "votes", "created", "updated", "x", "y", "column", "reactions", "comments",
		"id", "stack", "stack_votes"},
	untitled:  "Untitled board",
	empty:     "This board is empty.",
	vote:      "vote",
	votes:     "votes",
	column:    "Column",
	outside:   "Not in a column",
	noNotes:   "No notes.",
	note:      "note",
	notes:     "notes",
	inStack:   "in this stack",
	reactions: map[string]string{"like": "like", "love": "love", "idea": "idea", "question": "question"},
}

var swedish = words{
	lang: LangSwedish,
	header: [14]string{"text", "färg", "författare", "röster", "skapad", "ändrad", "x", "y", "kolumn", "reaktioner", "kommentarer",
		"id", "hög", "högens_röster"},
	colors: map[string]string{
		"yellow": "gul", "orange": "orange", "pink": "rosa", "purple": "lila",
		"blue": "blå", "green": "grön", "grey": "grå", "white": "vit",
	},
	untitled:  "Namnlös tavla",
	empty:     "Tavlan är tom.",
	vote:      "röst",
	votes:     "röster",
	column:    "Kolumn",
	outside:   "Utanför kolumnerna",
	noNotes:   "Inga lappar.",
	note:      "lapp",
	notes:     "lappar",
	inStack:   "i högen",
	reactions: map[string]string{"like": "gilla", "love": "älska", "idea": "idé", "question": "fråga"},
}

func wordsFor(lang string) (*words, error) {
	switch lang {
	case "", LangEnglish:
		return &english, nil
	case LangSwedish:
		return &swedish, nil
	}
	return nil, board.Errorf(board.EInvalid, "unknown language %q; choose %q or %q", lang, LangEnglish, LangSwedish)
}

// color returns the name of a palette colour in the language; a colour
// the language has no word for keeps its palette name.
func (w *words) color(name string) string {
	if s, ok := w.colors[name]; ok {
		return s
	}
	return name
}

// countVotes says "1 vote" or "3 votes".
func (w *words) countVotes(n int) string {
	if n == 1 {
		return "1 " + w.vote
	}
	return strconv.Itoa(n) + " " + w.votes
}

// countNotes says "1 note" or "3 notes".
func (w *words) countNotes(n int) string {
	if n == 1 {
		return "1 " + w.note
	}
	return strconv.Itoa(n) + " " + w.notes
}

// columnName returns the name of column i of b, or "Column 3" for one
// whose name is blank, so that a column always has a heading and a CSV
// cell that tells it from no column.
func (w *words) columnName(b *board.Board, i int) string {
	if name := b.Columns[i].Name; strings.TrimSpace(name) != "" {
		return name
	}
	return w.column + " " + strconv.Itoa(i+1)
}

// reactionEmoji are the reactions as the page shows them; text formats (CSV, Markdown) use them, as any
// program that opens those draws emoji with a font of its own.
var reactionEmoji = map[string]string{"like": "👍", "love": "❤️", "idea": "💡", "question": "❓"}

// reactionGlyphs stand for the reactions in a picture, whose one font
// (Go Regular) has no emoji. Each is a glyph that font has, so it is drawn
// the same in SVG, PNG and PDF and stays text a reader can search.
var reactionGlyphs = map[string]string{"like": "☺", "love": "♥", "idea": "☼", "question": "?"}

// countReactions says a note's reactions as "👍 3 💡 1", with the given
// symbols, each followed by gap and its count, and sep between one and
// the next, in board.Reactions order; "" for none.
func countReactions(counts map[string]int, symbols map[string]string, gap, sep string) string {
	var sb strings.Builder
	for _, r := range board.Reactions {
		n := counts[r]
		if n <= 0 {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteString(sep)
		}
		sb.WriteString(symbols[r])
		sb.WriteString(gap)
		sb.WriteString(strconv.Itoa(n))
	}
	return sb.String()
}

// title returns the board's title, or the words for a board without one.
func (w *words) title(b *board.Board) string {
	if strings.TrimSpace(b.Title) == "" {
		return w.untitled
	}
	return b.Title
}

// Times in CSV are RFC 3339 in UTC: unambiguous in any locale, and
// sortable as text.
func csvTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Times for people (Markdown) are to the minute, in UTC, saying so: the
// server does not know the reader's time zone.
func humanTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") + " UTC" }
