package views

import (
	"fmt"
	"time"

	"github.com/a-h/templ"
)

// DefaultTitleKey is the text key of the title a board gets when its
// creator gives none: the one default title, in the page's language (in
// English for the API).
const DefaultTitleKey = "home.titleDefault"

// HomePage is what the home page shows.
type HomePage struct {
	Lang  Lang
	Path  string // this page's path, for the language switcher
	Error string // a message from a failed create, shown above the form
}

// BoardPage is what the board page shows before its script runs.
type BoardPage struct {
	Lang    Lang
	Path    string // this page's path, for the language switcher
	Title   string
	Version uint64
	// Role is what the page's link lets its holder do: "facilitate",
	// "edit" or "view". A view link's page has no editing controls.
	Role   string
	Notes  []NoteView
	Script BoardScript // handed to the page's script as JSON
	// Retention, when the server deletes boards nobody opens, says when
	// this one would go; facilitators see it (lifecycle.templ).
	Retention RetentionNotice
}

// CanEdit reports whether the page's link may change notes: every role
// but view.
func (p BoardPage) CanEdit() bool { return p.Role != "view" }

// CanRun reports whether the page's link runs the board (facilitate):
// renaming it, changing how people join, replacing links, removing people.
func (p BoardPage) CanRun() bool { return p.Role == "facilitate" }

// NoteView is one note as the page draws it.
type NoteView struct {
	ID         string
	X, Y, W, H float64
	Z          int64
	Text       string
	Color      string
	Author     string
}

// Style places the note. The values are numbers the server validated, so
// building the CSS with Sprintf is safe.
func (n NoteView) Style() templ.SafeCSS {
	return templ.SafeCSS(fmt.Sprintf("left:%gpx;top:%gpx;width:%gpx;height:%gpx;z-index:%d", n.X, n.Y, n.W, n.H, n.Z))
}

// BoardScript is the page script's configuration.
type BoardScript struct {
	// Link is the link the page was opened with (its permission), and
	// Role what it lets the page do; the server decides by the link alone.
	// The page never learns the board's id (see board.Board.View).
	Link    string            `json:"link"`
	Role    string            `json:"role"`
	WSPath  string            `json:"wsPath"`
	Palette []string          `json:"palette"`
	Lang    string            `json:"lang"`
	Strings map[string]string `json:"strings"`
	// Board is the board as the server drew it, so the script has the
	// model at once, even if the connection is down when the page loads.
	Board ScriptBoard `json:"board"`
	// Names is the board's names setting (board.Moderation.Names): the
	// name prompt, shown before the page connects, says who will see the
	// name.
	Names string `json:"names,omitempty"`
}

// ScriptBoard is the board as the page script reads it (boardFromJSON in
// assets/state.js): the fields and JSON names of GET /api/boards/{link},
// so the script reads one shape whether the board came with the page, from
// the API or in a welcome. It leaves out what the page never uses (the
// server's tombstones and client sequence numbers) and the board's id.
type ScriptBoard struct {
	Title     string    `json:"title"`
	Version   uint64    `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	// The lesson: absent while unset, as in the API.
	Locked  bool          `json:"locked,omitempty"`
	Private bool          `json:"private,omitempty"`
	Voting  *ScriptVoting `json:"voting,omitempty"`
	Timer   *ScriptTimer  `json:"timer,omitempty"`
	Stops   []ScriptStop  `json:"stops,omitempty"`
	// Notes go bottom to top of the stack. Never nil, so a board without
	// notes sends [] as the API does.
	Notes []ScriptNote `json:"notes"`
}

// ScriptVoting is a board's voting round.
type ScriptVoting struct {
	Votes   int  `json:"votes"`
	PerNote int  `json:"perNote"`
	Hidden  bool `json:"hidden,omitempty"`
	Open    bool `json:"open"`
}

// ScriptTimer is a board's timer: running until EndsAt, or paused with
// LeftMs to go.
type ScriptTimer struct {
	Seconds int        `json:"seconds"`
	EndsAt  *time.Time `json:"endsAt,omitempty"`
	LeftMs  int64      `json:"leftMs,omitempty"`
}

// ScriptStop is one of a board's stops, a saved view.
type ScriptStop struct {
	ID   string  `json:"id"`
	Name string  `json:"name,omitempty"`
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	W    float64 `json:"w"`
	H    float64 `json:"h"`
}

// ScriptNote is one note of a ScriptBoard, every field the script keeps,
// in the API's order and with its names.
type ScriptNote struct {
	ID        string    `json:"id"`
	X         float64   `json:"x"`
	Y         float64   `json:"y"`
	W         float64   `json:"w"`
	H         float64   `json:"h"`
	Text      string    `json:"text"`
	Color     string    `json:"color"`
	Z         int64     `json:"z"`
	Author    string    `json:"author"`
	AuthorID  string    `json:"authorId,omitempty"` // empty for notes made before participants
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Private   bool      `json:"private,omitempty"` // written privately, not yet revealed (its text is blank)
	Votes     int       `json:"votes,omitempty"`
	Stack     string    `json:"stack,omitempty"` // the head of its stack, if it is on one
}

// ErrorPage is a page for a failed request.
type ErrorPage struct {
	Lang    Lang
	Path    string
	Status  int
	Title   string
	Message string
	// Back, when set, is a page to go back to besides the home page (the
	// board a failed replay was asked of), and BackText its link's words.
	Back     string
	BackText string
}
