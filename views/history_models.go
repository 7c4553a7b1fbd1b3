package views

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// HistoryPage is what the history page shows: a board's kept snapshots,
// newest first, and what its link may do with them.
type HistoryPage struct {
	Lang  Lang
	Path  string // this page's path, for the language switcher
	Link  string // the link the page was opened with, for the links it makes
	Title string // the board's title now
	// Role is the link's role: "facilitate", "edit" or "view". Only a
	// link that edits keeps snapshots and brings one back.
	Role      string
	Snapshots []SnapshotView
	Script    HistoryScript
}

// CanEdit reports whether the page's link may keep snapshots and restore
// them: every role but view.
func (p HistoryPage) CanEdit() bool { return p.Role != "view" }

// Heading is the page's title: "History of" the board.
func (p HistoryPage) Heading() string {
	return strings.ReplaceAll(p.Lang.Text("history.title"), "{title}", p.Title)
}

// BoardURL is the board page of the page's link.
func (p HistoryPage) BoardURL() string { return "/b/" + url.PathEscape(p.Link) }

// SnapshotView is one kept snapshot as the history page lists it.
type SnapshotView struct {
	ID      string
	Name    string // empty for snapshots kept automatically
	Reason  string // "created", "named", "activity", "left" or "oldest"
	At      time.Time
	By      string
	Version uint64
	Notes   int
}

// Label is what the snapshot is called: its name, or for one kept
// automatically, when it was kept.
func (s SnapshotView) Label(l Lang) string {
	if s.Name != "" {
		return s.Name
	}
	return l.Text("history.reason." + s.Reason)
}

// NotesText says how many notes the snapshot holds.
func (s SnapshotView) NotesText(l Lang) string {
	if s.Notes == 1 {
		return l.Text("history.notesOne")
	}
	return strings.ReplaceAll(l.Text("history.notes"), "{n}", strconv.Itoa(s.Notes))
}

// AtText is when the snapshot was kept, in UTC, for a page without its
// script; history.js writes it in the reader's own time zone.
func (s SnapshotView) AtText() string { return s.At.UTC().Format("2006-01-02 15:04 UTC") }

// AtAttr is the snapshot's time for the datetime attribute.
func (s SnapshotView) AtAttr() string { return s.At.UTC().Format(time.RFC3339) }

// HistoryScript is the history page script's configuration.
type HistoryScript struct {
	Link    string            `json:"link"`
	Role    string            `json:"role"`
	Lang    string            `json:"lang"`
	Strings map[string]string `json:"strings"`
}

// ReplayPage is the replay page: the board played back from its history,
// read-only. The script draws everything; the page is its frame.
type ReplayPage struct {
	Lang  Lang
	Path  string
	Link  string
	Title string
	Role  string
	// Snapshot is the name of the kept snapshot the page was opened on
	// (its reason for one kept by itself), or "".
	Snapshot string
	Script   ReplayScript
}

// CanEdit reports whether the page's link may bring the board back to a
// version it shows.
func (p ReplayPage) CanEdit() bool { return p.Role != "view" }

// Heading is the page's title: "Replay of" the board.
func (p ReplayPage) Heading() string {
	return strings.ReplaceAll(p.Lang.Text("replay.title"), "{title}", p.Title)
}

// BoardURL is the board page of the page's link.
func (p ReplayPage) BoardURL() string { return "/b/" + url.PathEscape(p.Link) }

// ReplayScript is the replay page script's configuration: where the
// board's replayable history begins and ends, and the version asked for.
type ReplayScript struct {
	Link    string            `json:"link"`
	Role    string            `json:"role"`
	Lang    string            `json:"lang"`
	Strings map[string]string `json:"strings"`
	Palette []string          `json:"palette"`
	Start   uint64            `json:"start"`
	Last    uint64            `json:"last"`
	// Version is the version to open at, paused (?version=N), or absent
	// to open at Start.
	Version *uint64 `json:"version,omitempty"`
}

// snapshotDownload is one file a snapshot downloads as: the entries of
// the board's Download panel (download.js's exportFormats).
type snapshotDownload struct{ Ext, Key, Paper string }

var snapshotDownloads = []snapshotDownload{
	{"json", "download.json", ""},
	{"csv", "download.csv", ""},
	{"md", "download.md", ""},
	{"svg", "download.svg", ""},
	{"png", "download.png", ""},
	{"pdf", "download.pdfA4", ""},
	{"pdf", "download.pdfLetter", "letter"},
}

// exportURL is where the snapshot downloads as format d, in the page's
// language.
func (p HistoryPage) exportURL(s SnapshotView, d snapshotDownload) string {
	q := url.Values{"snapshot": {s.ID}, "lang": {p.Lang.Code}}
	if d.Paper != "" {
		q.Set("paper", d.Paper)
	}
	return p.BoardURL() + "/export." + d.Ext + "?" + q.Encode()
}

// pictureURL is the snapshot's picture, for its thumbnail.
func (p HistoryPage) pictureURL(s SnapshotView) string {
	return p.BoardURL() + "/export.svg?" + url.Values{"snapshot": {s.ID}, "lang": {p.Lang.Code}}.Encode()
}

// replayURL opens the replay at the snapshot's version, paused.
func (p HistoryPage) replayURL(s SnapshotView) string {
	return p.BoardURL() + "/replay?version=" + strconv.FormatUint(s.Version, 10) + "&snapshot=" + url.QueryEscape(s.ID)
}

// restoreURL is the board page, asked to bring the board back to the
// snapshot (restore.js).
func (p HistoryPage) restoreURL(s SnapshotView) string {
	return p.BoardURL() + "#restore=" + url.QueryEscape(s.ID)
}
