package views

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DeletedPage is the page a deleted board's links lead to (410).
type DeletedPage struct {
	Lang Lang
	Path string // this page's path, for the language switcher
	// At is when the board was deleted; zero if unknown. Reason is why:
	// "facilitator", "retention", or "" if unknown.
	At     time.Time
	Reason string
}

// When says who deleted the board and when, as far as the page knows.
func (p DeletedPage) When() string {
	if p.At.IsZero() {
		return ""
	}
	key := "deleted.when"
	switch p.Reason {
	case "facilitator":
		key = "deleted.facilitator"
	case "retention":
		key = "deleted.retention"
	}
	return strings.ReplaceAll(p.Lang.Text(key), "{date}", p.Lang.Date(p.At))
}

// PrivacyPage is the page that says what the server keeps, and how it is
// deleted. The days are the server's settings: 0 for off.
type PrivacyPage struct {
	Lang          Lang
	Path          string
	RetentionDays int // boards nobody opens for this long are deleted
	HistoryDays   int // operations older than this leave boards' history
}

// Retention says what the server does with boards nobody opens.
func (p PrivacyPage) Retention() string {
	if p.RetentionDays <= 0 {
		return p.Lang.Text("privacy.retentionOff")
	}
	return strings.ReplaceAll(p.Lang.Text("privacy.retentionOn"), "{days}", strconv.Itoa(p.RetentionDays))
}

// History says what the server does with old operations.
func (p PrivacyPage) History() string {
	if p.HistoryDays <= 0 {
		return p.Lang.Text("privacy.historyOff")
	}
	return strings.ReplaceAll(p.Lang.Text("privacy.historyOn"), "{days}", strconv.Itoa(p.HistoryDays))
}

// RetentionNotice is what a board's facilitator is told when the server
// deletes boards nobody opens: the period, and when this board goes if
// nobody opens it again. The zero value shows nothing.
type RetentionNotice struct {
	Days int
	Due  time.Time
}

// Text is the notice in l.
func (n RetentionNotice) Text(l Lang) string {
	return strings.NewReplacer("{days}", strconv.Itoa(n.Days), "{date}", l.Date(n.Due)).Replace(l.Text("retention.notice"))
}

// swedishMonths are the months as Swedish writes them in a date.
var swedishMonths = [...]string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"}

// Date writes the day of t (in UTC, where the server counts days) as the
// language writes a date in prose: "4 June 2026", "4 juni 2026", with
// no-break spaces, so a line never ends in the middle of a date.
func (l Lang) Date(t time.Time) string {
	t = t.UTC()
	month := t.Month().String()
	if l.Code == "sv" {
		month = swedishMonths[t.Month()-1]
	}
	return strconv.Itoa(t.Day()) + "\u00a0" + month + "\u00a0" + strconv.Itoa(t.Year())
}

// exportJSON is where the board downloads as JSON, through the page's link.
func (p BoardPage) exportJSON() string {
	return "/b/" + url.PathEscape(p.Script.Link) + "/export.json?lang=" + url.QueryEscape(p.Lang.Code)
}
