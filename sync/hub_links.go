package sync

import (
	"cmp"
	"context"
	"time"

	"corkboard/board"
)

// JoinCodeTTL is how long a join code leads to its board: a school day.
const JoinCodeTTL = 12 * time.Hour

// Resolve returns the board and role a link gives. A board made before
// boards had links, which has no links yet, is reached by its id, which
// then counts as its facilitate link: whoever had that link could do
// everything on the board, and still can, until the facilitator replaces
// it. A deleted board's links give its *DeletedError (EGone). A link that
// leads to a board counts as a visit to it (delete.go).
func (h *Hub) Resolve(ctx context.Context, link string) (Access, error) {
	if !board.ValidID(link) {
		return Access{}, board.Errorf(board.ENotFound, "This link leads to no board.")
	}
	a, err := h.resolve(ctx, link)
	if err == nil {
		h.noteOpened(ctx, a.BoardID) // a visit, for retention (delete.go)
	} else if board.ErrorCode(err) == board.ENotFound {
		// A deleted board's links say so, rather than that there never was one.
		if t, terr := h.lifecycle.Tombstone(ctx, link); terr == nil {
			return Access{}, &DeletedError{Tombstone: t}
		}
	}
	return a, err
}

// resolve is Resolve without tombstones and visits.
func (h *Hub) resolve(ctx context.Context, link string) (Access, error) {
	a, err := h.links.Resolve(ctx, link)
	if board.ErrorCode(err) != board.ENotFound {
		return a, err
	}
	// A board from before links: one with this id, and no links record.
	if _, err := h.links.BoardLinks(ctx, link); board.ErrorCode(err) != board.ENotFound {
		return Access{}, board.Errorf(board.ENotFound, "This link leads to no board.")
	}
	if _, err := h.log.Snapshot(ctx, link); err != nil {
		if board.ErrorCode(err) == board.ENotFound {
			return Access{}, board.Errorf(board.ENotFound, "This link leads to no board.")
		}
		return Access{}, err
	}
	return Access{BoardID: link, Role: board.RoleFacilitate, Link: link}, nil
}

// BoardLinks returns the links of the board a gives access to, with those
// a's role may not see left out: a facilitator sees all three, an editor
// the edit and view links, a viewer the view link. Join settings are left
// out for viewers. A board from before links gets its edit and view links
// now, its id staying its facilitate link.
func (h *Hub) BoardLinks(ctx context.Context, a Access) (BoardLinks, error) {
	l, err := h.links.BoardLinks(ctx, a.BoardID)
	if board.ErrorCode(err) == board.ENotFound && a.Link == a.BoardID {
		l = NewLinks()
		l.Facilitate = a.BoardID
		err = h.links.CreateLinks(ctx, a.BoardID, l)
		if board.ErrorCode(err) == board.EConflict {
			l, err = h.links.BoardLinks(ctx, a.BoardID) // someone else made them meanwhile
		}
	}
	if err != nil {
		return BoardLinks{}, err
	}
	switch a.Role {
	case board.RoleFacilitate:
		return l, nil
	case board.RoleEdit:
		l.Facilitate = ""
		return l, nil
	default:
		// A viewer may pass on only the view link: with the code too,
		// when the code leads there.
		v := BoardLinks{View: l.View}
		if l.Join.Role == board.RoleView {
			v.Join = l.Join
		}
		return v, nil
	}
}

// ReplaceLink gives a role of the board a new link, which a facilitator
// may do for any role. The old link stops working at once, and the
// connections that came in with it are closed with CloseLinkReplaced.
func (h *Hub) ReplaceLink(ctx context.Context, a Access, role board.Role) (BoardLinks, error) {
	if a.Role != board.RoleFacilitate {
		return BoardLinks{}, board.Errorf(board.EForbidden, "Only the board's facilitator can replace its links.")
	}
	if !board.ValidRole(role) {
		return BoardLinks{}, board.Errorf(board.EInvalid, "%q is not a role; the roles are facilitate, edit and view", role)
	}
	l, err := h.BoardLinks(ctx, a)
	if err != nil {
		return BoardLinks{}, err
	}
	old := l.Link(role)
	l = l.withLink(role, board.NewID())
	if l.Join.Code != "" && l.Join.Role == role {
		// The code led to the old link: whoever had the code could come
		// back through it, so the code is replaced too.
		if l.Join, err = h.newJoin(ctx, role); err != nil {
			return BoardLinks{}, err
		}
	}
	if err := h.links.UpdateLinks(ctx, a.BoardID, l); err != nil {
		return BoardLinks{}, err
	}
	h.closeLink(ctx, a.BoardID, old, CloseLinkReplaced, "This link was replaced by the board's owner.")
	return l, nil
}

// SetJoin turns joining by code on (with a new code, good for JoinCodeTTL)
// or off, and says which link the code and the QR code lead to: the edit
// or the view link. Facilitators only.
func (h *Hub) SetJoin(ctx context.Context, a Access, on bool, role board.Role) (BoardLinks, error) {
	if a.Role != board.RoleFacilitate {
		return BoardLinks{}, board.Errorf(board.EForbidden, "Only the board's facilitator can change how people join.")
	}
	l, err := h.BoardLinks(ctx, a)
	if err != nil {
		return BoardLinks{}, err
	}
	if !on {
		// Turning codes off keeps the choice of role for the next time.
		role = cmp.Or(role, l.Join.Role)
	}
	if role != board.RoleEdit && role != board.RoleView {
		return BoardLinks{}, board.Errorf(board.EInvalid, "people can join to edit or to view, not %q", role)
	}
	if !on {
		l.Join = JoinSettings{Role: role}
	} else if l.Join, err = h.newJoin(ctx, role); err != nil {
		return BoardLinks{}, err
	}
	if err := h.links.UpdateLinks(ctx, a.BoardID, l); err != nil {
		return BoardLinks{}, err
	}
	return l, nil
}

// newJoin draws a new join code leading to role's link, good for
// JoinCodeTTL.
func (h *Hub) newJoin(ctx context.Context, role board.Role) (JoinSettings, error) {
	j := JoinSettings{Role: role, Expires: h.now().Add(JoinCodeTTL).UTC().Truncate(time.Second)}
	// A code that happens to be in use on another board is drawn again.
	for {
		j.Code = NewJoinCode()
		if _, err := h.links.ResolveCode(ctx, j.Code, h.now()); board.ErrorCode(err) == board.ENotFound {
			return j, nil
		} else if err != nil {
			return JoinSettings{}, err
		}
	}
}

// ResolveCode returns where a join code leads: the board's join link, with
// its role (never facilitate). The caller limits guesses.
func (h *Hub) ResolveCode(ctx context.Context, code string) (Access, error) {
	notFound := board.Errorf(board.ENotFound, "No board has this code. Check it with your teacher: codes change, and last 12 hours.")
	code = NormalizeJoinCode(code)
	if code == "" {
		return Access{}, notFound
	}
	id, err := h.links.ResolveCode(ctx, code, h.now())
	if err != nil {
		if board.ErrorCode(err) == board.ENotFound {
			return Access{}, notFound
		}
		return Access{}, err
	}
	l, err := h.links.BoardLinks(ctx, id)
	if err != nil {
		return Access{}, err
	}
	role := l.Join.Role
	if role != board.RoleView {
		role = board.RoleEdit
	}
	return Access{BoardID: id, Role: role, Link: l.Link(role)}, nil
}

// closeLink closes the live connections of a board that came in with link.
func (h *Hub) closeLink(ctx context.Context, boardID, link string, code int, text string) {
	h.mu.Lock()
	r := h.rooms[boardID]
	h.mu.Unlock()
	if r == nil {
		return
	}
	select {
	case r.requests <- func() { r.closeLink(link, code, text) }:
	case <-r.done:
	case <-ctx.Done():
	}
}
