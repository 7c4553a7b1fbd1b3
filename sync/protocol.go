package sync

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"time"

	"corkboard/board"
)

// Message types. The protocol is specified in PROTOCOL.md.
const (
	// client -> server
	typeHello  = "hello"
	typeOp     = "op"
	typeCursor = "cursor"
	typeWho    = "who"
	typeRemove = "remove"
	// the stage (stage.go)
	typePresent    = "present"
	typeView       = "view"
	typePointer    = "pointer"
	typeSpotlight  = "spotlight"
	typeSummon     = "summon" // also server -> client
	typeFollow     = "follow"
	typeHand       = "hand"
	typeHandsClear = "hands-clear"

	// server -> client (and typeOp)
	typeWelcome  = "welcome"
	typeAck      = "ack"
	typeReject   = "reject"
	typeError    = "error"
	typePresence = "presence"
	typePeople   = "people"
)

// Close codes beyond the standard ones. They are part of the protocol.
const (
	CloseTooSlow   = 4000 // the client did not read fast enough; reconnect and resume
	CloseBoardFull = 4001 // the board has as many connections as it allows; try later
	CloseProtocol  = 4002 // the first message was not a valid hello; do not retry unchanged
	CloseReset     = 4003 // the server lost unsaved state; reconnect (the reply is the whole board)
	// CloseLinkReplaced: the link the connection came in with was replaced
	// by the board's facilitator; it leads nowhere now.
	CloseLinkReplaced = 4004
	// CloseRemoved: the board's facilitator removed this person from the
	// board. They may come back with a link that still works.
	CloseRemoved = 4005
	// CloseDeleted: the board was deleted, by its facilitator or for
	// going unopened; it and its links are gone for good.
	CloseDeleted = 4006
)

// clientMsg is any message a client sends. Which fields may be set depends
// on Type; decodeClientMsg checks that.
type clientMsg struct {
	Type string `json:"type"`

	// hello
	Client *string `json:"client,omitempty"`
	Since  *uint64 `json:"since,omitempty"`
	Epoch  *string `json:"epoch,omitempty"`
	Name   *string `json:"name,omitempty"`
	Color  *string `json:"color,omitempty"`
	// Participant is the person's secret participant token; see
	// board.ParticipantID.
	Participant *string `json:"participant,omitempty"`

	// op
	Seq *uint64         `json:"seq,omitempty"`
	Op  json.RawMessage `json:"op,omitempty"`

	// remove
	Peer *string `json:"peer,omitempty"`

	// cursor, view, pointer
	X       *float64 `json:"x,omitempty"`
	Y       *float64 `json:"y,omitempty"`
	Editing *string  `json:"editing,omitempty"`

	// the stage
	On   *bool    `json:"on,omitempty"`   // present, follow
	W    *float64 `json:"w,omitempty"`    // view
	H    *float64 `json:"h,omitempty"`    // view
	Stop *string  `json:"stop,omitempty"` // view
	Zoom *float64 `json:"zoom,omitempty"` // view
	Note *string  `json:"note,omitempty"` // spotlight
	Hand *string  `json:"hand,omitempty"` // hand
}

var (
	clientIDPattern    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	participantPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)
	peerColorPattern   = regexp.MustCompile(`^#[0-9a-f]{6}$`)
)

// hello is a validated hello message.
type hello struct {
	client, epoch, name, color string
	since                      uint64
	// participant is the public participant id derived from the hello's
	// secret token, or "" when the client sent none.
	participant string
}

// decodeClientMsg decodes one client frame strictly: known fields only, each
// with the right type, and only the fields its type allows.
func decodeClientMsg(data []byte) (clientMsg, error) {
	var m clientMsg
	if err := board.DecodeJSON(data, &m); err != nil {
		return m, err
	}
	fields := [...]struct {
		name string
		set  bool
	}{
		{"client", m.Client != nil}, {"since", m.Since != nil}, {"epoch", m.Epoch != nil}, {"name", m.Name != nil},
		{"color", m.Color != nil}, {"participant", m.Participant != nil}, {"seq", m.Seq != nil}, {"op", m.Op != nil},
		{"peer", m.Peer != nil}, {"x", m.X != nil}, {"y", m.Y != nil}, {"editing", m.Editing != nil},
		{"on", m.On != nil}, {"w", m.W != nil}, {"h", m.H != nil}, {"stop", m.Stop != nil},
		{"note", m.Note != nil}, {"hand", m.Hand != nil},
	}
	// may lists the fields a type allows; need, those it requires.
	var may, need []string
	switch m.Type {
	case typeHello:
		may, need = []string{"client", "since", "epoch", "name", "color", "participant"}, []string{"client"}
	case typeOp:
		may, need = []string{"seq", "op"}, []string{"seq", "op"}
	case typeCursor:
		may = []string{"x", "y", "editing"}
	case typeWho, typeSummon, typeHandsClear:
	case typeRemove:
		may, need = []string{"peer"}, []string{"peer"}
	case typePresent, typeFollow:
		may, need = []string{"on"}, []string{"on"}
	case typeView:
		may, need = []string{"x", "y", "w", "h", "stop", "zoom"}, []string{"x", "y", "w", "h"}
	case typePointer:
		may = []string{"x", "y"}
	case typeSpotlight:
		may, need = []string{"note"}, []string{"note"}
	case typeHand:
		may, need = []string{"hand"}, []string{"hand"}
	case "":
		return m, board.Errorf(board.EInvalid, `the message has no "type"`)
	default:
		return m, board.Errorf(board.EInvalid, "unknown message type %q", m.Type)
	}
	for _, f := range fields {
		switch {
		case f.set && !slices.Contains(may, f.name):
			return m, board.Errorf(board.EInvalid, "a %s message has no %q field", m.Type, f.name)
		case !f.set && slices.Contains(need, f.name):
			return m, board.Errorf(board.EInvalid, "a %s message needs a %q field", m.Type, f.name)
		}
	}
	switch m.Type {
	case typeOp:
		if *m.Seq == 0 {
			return m, board.Errorf(board.EInvalid, `"seq" starts at 1`)
		}
	case typeCursor, typePointer:
		if (m.X == nil) != (m.Y == nil) {
			return m, board.Errorf(board.EInvalid, `a %s message has both "x" and "y" or neither`, m.Type)
		}
	}
	return m, nil
}

func (m clientMsg) hello(lim board.Limits) (hello, error) {
	h := hello{client: *m.Client}
	if !clientIDPattern.MatchString(h.client) {
		return h, board.Errorf(board.EInvalid, `"client" must be 1 to 64 letters, digits, "-" or "_"`)
	}
	if m.Since != nil {
		h.since = *m.Since
	}
	if m.Epoch != nil {
		h.epoch = *m.Epoch
	}
	if m.Name != nil {
		if err := lim.CheckAuthor(*m.Name); err != nil {
			return h, err
		}
		h.name = *m.Name
	}
	if m.Color != nil {
		if !peerColorPattern.MatchString(*m.Color) {
			return h, board.Errorf(board.EInvalid, `"color" must look like "#1a2b3c"`)
		}
		h.color = *m.Color
	}
	if m.Participant != nil {
		if !participantPattern.MatchString(*m.Participant) {
			return h, board.Errorf(board.EInvalid, `"participant" must be 16 to 64 letters, digits, "-" or "_"`)
		}
		h.participant = board.ParticipantID(*m.Participant)
	}
	return h, nil
}

// stage validates a stage message (stage.go).
func (m clientMsg) stage(lim board.Limits) (stageUpdate, error) {
	u := stageUpdate{kind: m.Type}
	if m.On != nil {
		u.on = *m.On
	}
	coord := func(v float64) bool { return !math.IsNaN(v) && math.Abs(v) <= lim.MaxCoord }
	switch m.Type {
	case typeView:
		u.view = rect{X: *m.X, Y: *m.Y, W: *m.W, H: *m.H}
		if !coord(u.view.X) || !coord(u.view.Y) || !(u.view.W >= 1 && u.view.W <= 2*lim.MaxCoord) || !(u.view.H >= 1 && u.view.H <= 2*lim.MaxCoord) {
			return u, board.Errorf(board.EInvalid, "the view is out of range")
		}
		if m.Zoom != nil {
			if !(*m.Zoom > 0 && *m.Zoom <= maxViewZoom) {
				return u, board.Errorf(board.EInvalid, `"zoom" must be above 0 and at most %v`, maxViewZoom)
			}
			u.view.Zoom = *m.Zoom
		}
		if m.Stop != nil {
			if *m.Stop != "" && !board.ValidNoteID(*m.Stop) {
				return u, board.Errorf(board.EInvalid, `"stop" must be a stop id or ""`)
			}
			u.stop = *m.Stop
		}
	case typePointer:
		if m.X != nil {
			if !coord(*m.X) || !coord(*m.Y) {
				return u, board.Errorf(board.EInvalid, "the pointer is out of range")
			}
			u.pt = &point{X: *m.X, Y: *m.Y}
		}
	case typeSpotlight:
		if *m.Note != "" && !board.ValidNoteID(*m.Note) {
			return u, board.Errorf(board.EInvalid, `"note" must be a note id or ""`)
		}
		u.note = *m.Note
	case typeHand:
		switch *m.Hand {
		case handRaised, handDone, "":
		default:
			return u, board.Errorf(board.EInvalid, `"hand" must be "raised", "done" or ""`)
		}
		u.hand = *m.Hand
	}
	return u, nil
}

func (m clientMsg) cursor(lim board.Limits) (cursor, error) {
	c := cursor{hidden: m.X == nil}
	if m.X != nil {
		if math.Abs(*m.X) > lim.MaxCoord || math.Abs(*m.Y) > lim.MaxCoord {
			return c, board.Errorf(board.EInvalid, "the cursor is out of range")
		}
		c.x, c.y = *m.X, *m.Y
	}
	if m.Editing != nil {
		if *m.Editing != "" && !board.ValidNoteID(*m.Editing) {
			return c, board.Errorf(board.EInvalid, `"editing" must be a note id or ""`)
		}
		c.editing = *m.Editing
	}
	return c, nil
}

// Entry is one accepted operation as it is stored in the log and, with a
// "type" field added, sent to clients.
type Entry struct {
	Version  uint64    `json:"version"`
	At       time.Time `json:"at"`
	Author   string    `json:"author,omitempty"`
	AuthorID string    `json:"authorId,omitempty"` // the sender's public participant id
	// Role is the sender's role; absent on operations from before roles,
	// which count as a facilitator's.
	Role   board.Role `json:"role,omitempty"`
	Client string     `json:"client"`
	Seq    uint64     `json:"seq"`
	Op     board.Op   `json:"op"`
	// Others is what everyone but the sender was sent of the operation,
	// when they may not see all of it (see audience.go). Stored, never
	// sent.
	Others *Withheld `json:"others,omitempty"`
	// Staff is what facilitators were sent, when it differs from Others.
	Staff *Withheld `json:"staff,omitempty"`
	// Personal is what those who see a note an undelete brought back
	// differently from everyone else were sent (board.Copies.Personal).
	Personal []Withheld `json:"personal,omitempty"`
}

// Stamp returns what Apply needs beside the entry's operation.
func (e Entry) Stamp() board.Stamp {
	return board.Stamp{Version: e.Version, At: e.At, Author: e.Author, AuthorID: e.AuthorID,
		Client: clientKey(e.AuthorID, e.Client), Seq: e.Seq, Role: e.Role}
}

// clientKey is the key under which a board remembers a client's highest
// sequence number. A participant's client ids are its own: another person
// who learns a client id (op messages carry it) cannot use it to make that
// client's next operations look like resends. Clients without a
// participant are keyed by their client id alone.
func clientKey(participant, client string) string {
	if participant == "" {
		return client
	}
	return participant + "/" + client
}

// opMessage turns a stored entry into the op message clients receive, by
// adding the type field in front. It avoids encoding the entry twice.
func opMessage(entry []byte) []byte {
	msg := make([]byte, 0, len(entry)+12)
	msg = append(msg, `{"type":"op",`...)
	return append(msg, entry[1:]...)
}

type welcomeMsg struct {
	Type        string `json:"type"`
	Epoch       string `json:"epoch"`
	Version     uint64 `json:"version"`
	You         string `json:"you"`
	Participant string `json:"participant,omitempty"`
	// Role is what this connection's link lets it do.
	Role    board.Role `json:"role"`
	Resumed bool       `json:"resumed"`
	// Now is the server's clock, for clients to show a board's timer in
	// step with everyone else's.
	Now time.Time `json:"now"`
	// board is added by writer.sendWelcome, from the room's shared encoding
	Peers []peerInfo `json:"peers"`
	// Count is how many connections the board has, this one included:
	// more than Peers lists in a large room.
	Count int        `json:"count"`
	Stage *stageInfo `json:"stage,omitempty"` // while someone presents
	Hands *handCount `json:"hands,omitempty"` // while a hand is up or someone is done
	// Hand is this person's own hand ("raised" or "done"), which a reload
	// keeps: peers never list oneself.
	Hand   string     `json:"hand,omitempty"`
	Limits wireLimits `json:"limits"`
}

// wireLimits tells clients the limits, so they can refuse bad edits before
// sending them.
type wireLimits struct {
	MaxTextRunes  int      `json:"maxTextRunes"`
	MaxTitleRunes int      `json:"maxTitleRunes"`
	MaxNotes      int      `json:"maxNotes"`
	MaxBoardBytes int      `json:"maxBoardBytes"`
	MaxBatchOps   int      `json:"maxBatchOps"`
	MaxCoord      float64  `json:"maxCoord"`
	MinSize       float64  `json:"minSize"`
	MaxSize       float64  `json:"maxSize"`
	MaxMessage    int64    `json:"maxMessageBytes"`
	OpsPerSecond  float64  `json:"opsPerSecond"`
	MaxInFlight   int      `json:"maxInFlight"`
	Palette       []string `json:"palette"`
}

type peerInfo struct {
	ID          string     `json:"id"`
	Participant string     `json:"participant,omitempty"`
	Role        board.Role `json:"role"`
	Name        string     `json:"name"`
	Color       string     `json:"color"`
	X           *float64   `json:"x,omitempty"`
	Y           *float64   `json:"y,omitempty"`
	Editing     string     `json:"editing,omitempty"`
	Following   bool       `json:"following,omitempty"` // follows the presenter
	Hand        string     `json:"hand,omitempty"`      // "raised", "done" or ""
}

type ackMsg struct {
	Type      string `json:"type"`
	Seq       uint64 `json:"seq"`
	Version   uint64 `json:"version"`
	Duplicate bool   `json:"duplicate,omitempty"`
}

type rejectMsg struct {
	Type    string `json:"type"`
	Seq     uint64 `json:"seq"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

type errorMsg struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

type presenceMsg struct {
	Type    string     `json:"type"`
	Count   int        `json:"count,omitempty"` // set when it changed
	Joined  []peerInfo `json:"joined,omitempty"`
	Left    []string   `json:"left,omitempty"`
	Cursors []peerInfo `json:"cursors,omitempty"` // listed peers whose cursor or state changed
	Stage   *stageInfo `json:"stage,omitempty"`   // set when it changed
	Hands   *handCount `json:"hands,omitempty"`   // set when they changed
}

// summonMsg sends everyone to the presenter's view, once.
type summonMsg struct {
	Type      string `json:"type"`
	Presenter string `json:"presenter"`
	View      rect   `json:"view"`
}

// peopleMsg answers who: everyone on the board.
type peopleMsg struct {
	Type  string     `json:"type"`
	Count int        `json:"count"`
	Peers []peerInfo `json:"peers"`
}

func errorMessage(err error) []byte {
	return mustJSON(errorMsg{Type: typeError, Code: board.ErrorCode(err), Message: board.ErrorMessage(err)})
}
