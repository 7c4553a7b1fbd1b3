package board

// Color is one note colour: the name operations and the wire protocol use,
// and the fill a note of that colour has on screen and in exports.
type Color struct {
	Name string
	// Fill is the note's background, as #rrggbb. Notes keep it in light
	// and dark themes alike, so one value serves both.
	Fill string
}

// Colors lists the note colours, in the order a colour picker shows them.
// It is the one place their values live: the server draws exported boards
// with them, and a test in assets holds corkboard.css (--note-<name>) to
// them, along with the WCAG AA contrast of NoteText and NoteAuthorText on
// every fill.
var Colors = []Color{
	{"yellow", "#fde68a"},
	{"orange", "#fdba74"},
	{"pink", "#fbcfe8"},
	{"purple", "#ddd6fe"},
	{"blue", "#bfdbfe"},
	{"green", "#bbf7d0"},
	{"grey", "#e5e7eb"},
	{"white", "#ffffff"},
}

// Palette lists the names of Colors, in the same order. Notes may only have
// these colours (ValidColor); the welcome sends them to clients.
var Palette = colorNames(Colors)

// DefaultColor is the colour of a note created without one.
const DefaultColor = "yellow"

// The text colours on a note, as #rrggbb, for the same reason as Colors:
// exports draw text too, and corkboard.css must agree (--note-fg and
// --note-author).
const (
	// NoteText is the colour of a note's text.
	NoteText = "#1c1917"
	// NoteAuthorText is the colour of the author line under the text:
	// lighter than NoteText, and still AA on every fill.
	NoteAuthorText = "#44403c"
)

func colorNames(cs []Color) []string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return names
}
