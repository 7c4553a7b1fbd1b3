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
	lang     string    // the language's BCP 47 tag
	header   [8]string // the CSV columns, in order
	colors   map[string]string
	untitled string // a board without a title
	empty    string // a board without notes
	vote     string // one vote
	votes    string // more or no votes
}

var english = words{
	lang:     LangEnglish,
	header:   [8]string{"text", "colour", "author", "votes", "created", "updated", "x", "y"},
	untitled: "Untitled board",
	empty:    "This board is empty.",
	vote:     "vote",
	votes:    "votes",
}

var swedish = words{
	lang:   LangSwedish,
	header: [8]string{"text", "färg", "författare", "röster", "skapad", "ändrad", "x", "y"},
	colors: map[string]string{
		"yellow": "gul", "orange": "orange", "pink": "rosa", "purple": "lila",
		"blue": "blå", "green": "grön", "grey": "grå", "white": "vit",
	},
	untitled: "Namnlös tavla",
	empty:    "Tavlan är tom.",
	vote:     "röst",
	votes:    "röster",
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
