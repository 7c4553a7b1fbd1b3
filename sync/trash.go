package sync

import (
	"context"

	"corkboard/board"
)

// Trash returns what a facilitator can bring back from a board's trash
// (board/trash.go), newest first, as a facilitator sees it: private text
// stays its author's, and names show only where the board shows them to
// facilitators. Anyone else is refused.
func (h *Hub) Trash(ctx context.Context, a Access) ([]board.Trashed, error) {
	if a.Role != board.RoleFacilitate {
		return nil, board.Errorf(board.EForbidden, "only the board's facilitator can see its deleted notes")
	}
	if !board.ValidID(a.BoardID) {
		return nil, board.Errorf(board.ENotFound, "there is no board %q", a.BoardID)
	}
	var trash []board.Trashed
	err := h.inRoom(ctx, a.BoardID, func(r *room) {
		names := r.board.Moderation.NamesFor(true)
		for _, t := range r.board.TrashAt(r.hub.now()) {
			trash = append(trash, t.ForFacilitators(names))
		}
	})
	if trash == nil {
		trash = []board.Trashed{}
	}
	return trash, err
}
