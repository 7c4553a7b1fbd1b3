package sync

import (
	"context"
	"crypto/rand"
	"strings"
	stdsync "sync"
	"time"

	"corkboard/board"
)

// Links keeps each board's links and join code. A link is an unguessable
// secret (128 random bits, independent of the board's id and of its other
// links) that lets its holder in with a role; a join code is a short code
// people type on a phone that leads to the board's join link. The sync
// layer defines this interface; MemLinks implements it in memory and
// boltstore.Store in the database, and both pass logtest's suite.
type Links interface {
	// CreateLinks stores a board's links. It fails with EConflict if the
	// board has links already.
	CreateLinks(ctx context.Context, boardID string, l BoardLinks) error

	// Resolve returns the board and role a link gives. It fails with
	// ENotFound for a link that gives nothing (never was, or was replaced).
	Resolve(ctx context.Context, link string) (Access, error)

	// BoardLinks returns a board's links; ENotFound if it has none.
	BoardLinks(ctx context.Context, boardID string) (BoardLinks, error)

	// UpdateLinks replaces a board's links and join settings at once: a
	// link or code no longer in l stops working as UpdateLinks returns.
	UpdateLinks(ctx context.Context, boardID string, l BoardLinks) error

	// ResolveCode returns the board a join code leads to; ENotFound for a
	// code that leads nowhere (never was, was replaced, or expired at now).
	ResolveCode(ctx context.Context, code string, now time.Time) (string, error)
}

// BoardLinks is a board's three links and its join settings.
type BoardLinks struct {
	Facilitate string       `json:"facilitate"`
	Edit       string       `json:"edit"`
	View       string       `json:"view"`
	Join       JoinSettings `json:"join"`
}

// Link returns the board's link for a role.
func (l BoardLinks) Link(r board.Role) string {
	switch r {
	case board.RoleFacilitate:
		return l.Facilitate
	case board.RoleEdit:
		return l.Edit
	case board.RoleView:
		return l.View
	}
	return ""
}

// withLink returns l with role's link replaced.
func (l BoardLinks) withLink(r board.Role, link string) BoardLinks {
	switch r {
	case board.RoleFacilitate:
		l.Facilitate = link
	case board.RoleEdit:
		l.Edit = link
	case board.RoleView:
		l.View = link
	}
	return l
}

// JoinSettings say whether a board can be joined with a code, and where
// the code leads.
type JoinSettings struct {
	// Role is the link a join code and the share panel's QR code lead to:
	// RoleEdit or RoleView, never RoleFacilitate.
	Role board.Role `json:"role"`
	// Code is the join code, or "" when joining by code is off.
	Code    string    `json:"code,omitempty"`
	Expires time.Time `json:"expires,omitzero"`
}

// Access is what a link gives: a board and a role.
type Access struct {
	BoardID string
	Role    board.Role
	Link    string // the link itself, to find the connections that used it
}

// NewLinks returns new, random links for a board, joinable by its edit
// link (by QR code; a join code is made when the facilitator asks).
func NewLinks() BoardLinks {
	return BoardLinks{Facilitate: board.NewID(), Edit: board.NewID(), View: board.NewID(), Join: JoinSettings{Role: board.RoleEdit}}
}

// A join code is short, so people can type it: 6 characters from an
// alphabet without characters that look alike (no 0/O, 1/I/L, 2/Z, 5/S,
// 6/G, 8/B), shown in two halves ("K7P-MQ4"). 22^6 is about 113 million
// codes; the server limits wrong guesses per client address.
const (
	joinAlphabet = "ACDEFHJKMNPRTUVWXY3479"
	joinCodeLen  = 6
)

// NewJoinCode returns a random join code.
func NewJoinCode() string {
	var b [joinCodeLen]byte
	for i := range b {
		b[i] = joinAlphabet[randIntN(len(joinAlphabet))]
	}
	return string(b[:])
}

// randIntN returns a uniformly random int in [0, n) from crypto/rand.
func randIntN(n int) int {
	var b [1]byte
	for {
		rand.Read(b[:])
		// Reject the top of the byte range that would bias the result.
		if limit := 256 - 256%n; int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}

// NormalizeJoinCode turns what a person typed into a code's form: capitals,
// without spaces and dashes. It returns "" for anything that cannot be a
// code, so a malformed guess costs nothing to refuse.
func NormalizeJoinCode(s string) string {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(s))
	if len(s) != joinCodeLen {
		return ""
	}
	for i := range len(s) {
		if !strings.ContainsRune(joinAlphabet, rune(s[i])) {
			return ""
		}
	}
	return s
}

// FormatJoinCode shows a code in two halves: "K7P-MQ4".
func FormatJoinCode(code string) string {
	if len(code) != joinCodeLen {
		return code
	}
	return code[:3] + "-" + code[3:]
}

// MemLinks is Links in memory, for tests. It is safe for concurrent use.
type MemLinks struct {
	mu     stdsync.Mutex // guards the maps
	boards map[string]BoardLinks
	links  map[string]Access
	codes  map[string]string // join code -> board id
}

var _ Links = (*MemLinks)(nil)

// NewMemLinks returns an empty MemLinks.
func NewMemLinks() *MemLinks {
	return &MemLinks{boards: map[string]BoardLinks{}, links: map[string]Access{}, codes: map[string]string{}}
}

// CreateLinks implements Links.
func (m *MemLinks) CreateLinks(ctx context.Context, id string, l BoardLinks) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.boards[id]; ok {
		return board.Errorf(board.EConflict, "board %s has links already", id)
	}
	m.set(id, l)
	return nil
}

// set records l as the board's links, forgetting its old ones. The caller
// holds mu.
func (m *MemLinks) set(id string, l BoardLinks) {
	if old, ok := m.boards[id]; ok {
		for _, r := range board.Roles {
			delete(m.links, old.Link(r))
		}
		if m.codes[old.Join.Code] == id { // an expired code may be another board's by now
			delete(m.codes, old.Join.Code)
		}
	}
	m.boards[id] = l
	for _, r := range board.Roles {
		m.links[l.Link(r)] = Access{BoardID: id, Role: r, Link: l.Link(r)}
	}
	if l.Join.Code != "" {
		m.codes[l.Join.Code] = id
	}
}

// Resolve implements Links.
func (m *MemLinks) Resolve(ctx context.Context, link string) (Access, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.links[link]
	if !ok {
		return Access{}, board.Errorf(board.ENotFound, "this link leads to no board")
	}
	return a, nil
}

// BoardLinks implements Links.
func (m *MemLinks) BoardLinks(ctx context.Context, id string) (BoardLinks, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.boards[id]
	if !ok {
		return BoardLinks{}, board.Errorf(board.ENotFound, "board %s has no links", id)
	}
	return l, nil
}

// UpdateLinks implements Links.
func (m *MemLinks) UpdateLinks(ctx context.Context, id string, l BoardLinks) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.boards[id]; !ok {
		return board.Errorf(board.ENotFound, "board %s has no links", id)
	}
	m.set(id, l)
	return nil
}

// ResolveCode implements Links.
func (m *MemLinks) ResolveCode(ctx context.Context, code string, now time.Time) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.codes[code]
	if !ok || !now.Before(m.boards[id].Join.Expires) {
		return "", board.Errorf(board.ENotFound, "this code leads to no board")
	}
	return id, nil
}
