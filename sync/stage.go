package sync

import (
	"corkboard/board"
)

// The stage is what a room knows about this moment of a lesson: who
// presents, what part of the board they show, their laser pointer and the
// note they spotlight; who follows them; whose hand is up. It is presence,
// not board state: never stored, gone when the room unloads, sent with the
// presence messages (so a presenter's view, like a cursor, goes out at most
// every PresenceInterval, the latest one only) and in each welcome.

// stageInfo is the stage as clients receive it. An empty Presenter means
// nobody presents; the other fields are then empty too.
type stageInfo struct {
	Presenter string `json:"presenter,omitempty"` // the presenter's peer id
	Name      string `json:"name,omitempty"`      // and name
	View      *rect  `json:"view,omitempty"`      // the part of the board the presenter shows
	Stop      string `json:"stop,omitempty"`      // the stop the view is, if it is one
	Pointer   *point `json:"pointer,omitempty"`   // the laser pointer, if it is on
	Spotlight string `json:"spotlight,omitempty"` // the note in the spotlight
}

// maxViewZoom bounds the zoom a presenter's view may say: well above any
// page's own limit, only there to keep nonsense out.
const maxViewZoom = 100

type rect struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
	// Zoom is the presenter's zoom (screen pixels per board unit) when
	// they said it: a follower's screen zooms in no further.
	Zoom float64 `json:"zoom,omitempty"`
}

type point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// handCount is how many people (participants) have a hand up, or are
// done, among those on the board.
type handCount struct {
	Raised int `json:"raised"`
	Done   int `json:"done"`
}

// Hand states.
const (
	handRaised = "raised"
	handDone   = "done"
)

// stage is a room's stage. Owned by the room's goroutine.
type stage struct {
	presenter *conn // nil when nobody presents
	info      stageInfo
	// hands holds each person's hand, by participant (or, for a client
	// without one, its connection's peer id): a reload keeps it.
	hands map[string]string
	// present counts each person's connections (by the same key), so
	// that counting hands takes as long as there are hands, not people.
	present map[string]int
}

// join counts c among the people present, and reports whether c is its
// person's first connection.
func (s *stage) join(c *conn) bool {
	if s.present == nil {
		s.present = map[string]int{}
	}
	s.present[handKey(c)]++
	return s.present[handKey(c)] == 1
}

// leave is join undone: it reports whether c was its person's last
// connection.
func (s *stage) leave(c *conn) bool {
	key := handKey(c)
	if s.present[key]--; s.present[key] > 0 {
		return false
	}
	delete(s.present, key)
	return true
}

// stageUpdate is a stage message from a connection, validated.
type stageUpdate struct {
	conn *conn
	kind string // the message type
	on   bool   // present, follow
	view rect   // view
	stop string // view
	pt   *point // pointer; nil hides it
	note string // spotlight
	hand string // hand
}

// handKey is who a hand belongs to.
func handKey(c *conn) string {
	if c.participant != "" {
		return c.participant
	}
	return "#" + c.peerID
}

// updateStage applies a stage message. Presenting is a facilitator's; the
// view, pointer, spotlight and summon are the presenter's; anyone may
// follow and raise a hand.
func (r *room) updateStage(u stageUpdate) {
	c := u.conn
	p, ok := r.conns[c]
	if !ok {
		return
	}
	s := &r.stage
	forbid := func(msg string) {
		c.out.send(errorMessage(board.Errorf(board.EForbidden, "%s", msg)), wakeWriter)
	}
	switch u.kind {
	case typePresent:
		switch {
		case c.role != board.RoleFacilitate:
			forbid("only the board's facilitator can present")
		case u.on:
			// A second facilitator who presents takes over.
			s.presenter = c
			s.info = stageInfo{Presenter: c.peerID, Name: p.info.Name}
			r.presence.stageDirty = true
		case s.presenter == c:
			r.stopPresenting()
		}
	case typeView, typePointer, typeSpotlight, typeSummon:
		if s.presenter != c {
			forbid("only the presenter can do that; start presenting first")
			return
		}
		switch u.kind {
		case typeView:
			v := u.view
			s.info.View, s.info.Stop = &v, u.stop
		case typePointer:
			s.info.Pointer = u.pt
		case typeSpotlight:
			if u.note != "" {
				if _, ok := r.board.Notes[u.note]; !ok {
					c.out.send(errorMessage(board.Errorf(board.ENotFound, "note %s is not on this board", u.note)), wakeWriter)
					return
				}
			}
			s.info.Spotlight = u.note
		case typeSummon:
			r.summon()
			return
		}
		r.presence.stageDirty = true
	case typeFollow:
		p.info.Following = u.on
		r.peerChanged(c, p)
	case typeHand:
		r.setHand(handKey(c), u.hand)
	case typeHandsClear:
		if c.role != board.RoleFacilitate {
			forbid("only the board's facilitator can lower everyone's hands")
			return
		}
		for key := range s.hands {
			r.setHand(key, "")
		}
	}
}

// stopPresenting clears the stage: nobody presents.
func (r *room) stopPresenting() {
	r.stage.presenter = nil
	r.stage.info = stageInfo{}
	r.presence.stageDirty = true
}

// summon sends everyone to the presenter's view, once: they need not stay.
func (r *room) summon() {
	if r.stage.info.View == nil {
		return
	}
	msg := mustJSON(summonMsg{Type: typeSummon, View: *r.stage.info.View, Presenter: r.stage.info.Presenter})
	r.toEveryone(msg)
}

// setHand sets a person's hand and shows it on each of their connections.
func (r *room) setHand(key, hand string) {
	s := &r.stage
	if s.hands[key] == hand {
		return
	}
	if hand == "" {
		delete(s.hands, key)
	} else {
		if s.hands == nil {
			s.hands = map[string]string{}
		}
		s.hands[key] = hand
	}
	r.presence.handsDirty = true
	for c, p := range r.conns {
		if handKey(c) == key {
			p.info.Hand = hand
			r.peerChanged(c, p)
		}
	}
}

// peerChanged marks a peer's presence info as changed, for the next
// presence message (listed peers only, as with cursors).
func (r *room) peerChanged(c *conn, p *peer) {
	if _, listed := r.presence.listed[c]; listed {
		p.dirty = true
		r.presence.cursorsDirty = true
	}
}

// hands counts the raised hands and the done of the people on the board.
func (r *room) hands() handCount {
	var n handCount
	for key, hand := range r.stage.hands {
		if r.stage.present[key] == 0 {
			continue // kept for when they come back
		}
		switch hand {
		case handRaised:
			n.Raised++
		case handDone:
			n.Done++
		}
	}
	return n
}

// toEveryone sends a message to every connection, through the fan-out in
// a large room.
func (r *room) toEveryone(msg []byte) {
	if r.fan != nil {
		r.fan.broadcast(msg)
		return
	}
	for c := range r.conns {
		c.out.send(msg, wakeWriter)
	}
}
