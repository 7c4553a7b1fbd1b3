package sync

import "context"

// PanicInRoom makes the room of board id panic, as a bug in it would.
func PanicInRoom(h *Hub, id string) {
	r, err := h.acquire(context.Background(), id)
	if err != nil {
		panic(err)
	}
	defer h.release(r)
	r.requests <- func() { panic("a bug") }
}
