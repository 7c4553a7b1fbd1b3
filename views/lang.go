package views

// Lang is the interface language of a page: its code and its strings.
type Lang struct {
	Code string
	T    map[string]string
}

// T returns the text for key in l's language, falling back to English.
func (l Lang) Text(key string) string {
	if s, ok := l.T[key]; ok {
		return s
	}
	if s, ok := english[key]; ok {
		return s
	}
	return key
}

// English returns the English interface language.
func English() Lang { return Lang{Code: "en", T: english} }

var english = map[string]string{
	"app.tagline":       "A live board of sticky notes for a class or a team.",
	"home.intro1":       "Make a board, share its link, and everyone who opens it can add, move and edit notes at the same time. Every change shows on every screen within a blink.",
	"home.intro2":       "Boards are private: only people with the link can find them. Every change is saved on the server before it is confirmed, so nothing is lost if someone's connection drops.",
	"home.create":       "Create a board",
	"home.title":        "Board title",
	"home.titleDefault": "Untitled board",
	"home.recent":       "Boards you opened recently",
	"home.recentNone":   "None yet on this browser.",
	"board.add":         "Add note",
	"board.noscript":    "This is a read-only view. Turn on JavaScript to edit the board live.",
	"board.notes":       "Notes",
	"board.by":          "by",
	"error.home":        "Go to the home page",
}
