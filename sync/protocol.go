package sync

import (
	"encoding/json"
	"math"
	"regexp"
	"time"

	"corkboard/board"
)

// Message types. The protocol is specified in PROTOCOL.md.
const (
	// client -> server
	typeHello  = "hello"
	typeOp     = "op"
	typeCursor = "cursor"

	// server -> client (and typeOp)
	typeWelcome  = "welcome"
	typeAck      = "ack"
	typeReject   = "reject"
	typeError    = "error"
	typePresence = "presence"
)

// Close codes beyond the standard ones. They are part of the protocol.
const (
	CloseTooSlow   = 4000 // the client did not read fast enough; reconnect and resume
	CloseBoardFull = 4001 // the board has as many connections as it allows; try later
	CloseProtocol  = 4002 // the first message was not a valid hello; do not retry unchanged
	CloseReset     = 4003 // the server lost unsaved state; reconnect (the reply is the whole board)
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

	// cursor
	X       *float64 `json:"x,omitempty"`
	Y       *float64 `json:"y,omitempty"`
	Editing *string  `json:"editing,omitempty"`
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
	allowed := func(fields ...bool) error {
		for _, set := range fields {
			if set {
				return board.Errorf(board.EInvalid, "a %s message has a field it does not allow", m.Type)
			}
		}
		return nil
	}
	hasHello := m.Client != nil || m.Since != nil || m.Epoch != nil || m.Name != nil || m.Color != nil || m.Participant != nil
	hasOp := m.Seq != nil || m.Op != nil
	hasCursor := m.X != nil || m.Y != nil || m.Editing != nil
	switch m.Type {
	case typeHello:
		if m.Client == nil {
			return m, board.Errorf(board.EInvalid, `a hello message needs a "client" field`)
		}
		return m, allowed(hasOp, hasCursor)
	case typeOp:
		if m.Seq == nil || m.Op == nil {
			return m, board.Errorf(board.EInvalid, `an op message needs "seq" and "op" fields`)
		}
		if *m.Seq == 0 {
			return m, board.Errorf(board.EInvalid, `"seq" starts at 1`)
		}
		return m, allowed(hasHello, hasCursor)
	case typeCursor:
		if (m.X == nil) != (m.Y == nil) {
			return m, board.Errorf(board.EInvalid, `a cursor message has both "x" and "y" or neither`)
		}
		return m, allowed(hasHello, hasOp)
	case "":
		return m, board.Errorf(board.EInvalid, `the message has no "type"`)
	default:
		return m, board.Errorf(board.EInvalid, "unknown message type %q", m.Type)
	}
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
	Client   string    `json:"client"`
	Seq      uint64    `json:"seq"`
	Op       board.Op  `json:"op"`
}

// Stamp returns what Apply needs beside the entry's operation.
func (e Entry) Stamp() board.Stamp {
	return board.Stamp{Version: e.Version, At: e.At, Author: e.Author, AuthorID: e.AuthorID,
		Client: clientKey(e.AuthorID, e.Client), Seq: e.Seq}
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
	Resumed     bool   `json:"resumed"`
	// board is spliced in by room.welcomeWithBoard, from a cached encoding
	Peers  []peerInfo `json:"peers"`
	Limits wireLimits `json:"limits"`
}

// wireLimits tells clients the limits, so they can refuse bad edits before
// sending them.
type wireLimits struct {
	MaxTextRunes  int      `json:"maxTextRunes"`
	MaxTitleRunes int      `json:"maxTitleRunes"`
	MaxNotes      int      `json:"maxNotes"`
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
	ID          string   `json:"id"`
	Participant string   `json:"participant,omitempty"`
	Name        string   `json:"name"`
	Color       string   `json:"color"`
	X           *float64 `json:"x,omitempty"`
	Y           *float64 `json:"y,omitempty"`
	Editing     string   `json:"editing,omitempty"`
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
	Joined  []peerInfo `json:"joined,omitempty"`
	Left    []string   `json:"left,omitempty"`
	Cursors []peerInfo `json:"cursors,omitempty"`
}

func errorMessage(err error) []byte {
	return mustJSON(errorMsg{Type: typeError, Code: board.ErrorCode(err), Message: board.ErrorMessage(err)})
}
