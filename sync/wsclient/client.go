package wsclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"corkboard/board"
)

// Hello is what a client says first.
type Hello struct {
	Client string `json:"client"`
	Since  uint64 `json:"since,omitempty"`
	Epoch  string `json:"epoch,omitempty"`
	Name   string `json:"name,omitempty"`
	Color  string `json:"color,omitempty"`
	// Participant is the person's secret token (see NewParticipant); empty
	// for none, which makes this client a person of its own.
	Participant string `json:"participant,omitempty"`
}

// NewParticipant returns a new secret participant token, as a browser
// makes one: 128 random bits, 22 URL-safe characters.
func NewParticipant() string { return board.NewID() }

// Message is any server message; which fields are set depends on Type.
type Message struct {
	Type string `json:"type"`

	// welcome
	Epoch   string `json:"epoch"`
	Version uint64 `json:"version"` // welcome, op, ack
	You     string `json:"you"`
	// Role is what the link lets this connection do (welcome), or the
	// sender's role (op).
	Role board.Role `json:"role"`
	// Participant is the public participant id: in a welcome, this
	// client's own.
	Participant string          `json:"participant"`
	Resumed     bool            `json:"resumed"`
	Board       json.RawMessage `json:"board"`
	Peers       []Peer          `json:"peers"` // welcome, people
	Count       int             `json:"count"` // welcome, presence, people: connections on the board

	// op
	At       time.Time       `json:"at"`
	Author   string          `json:"author"`
	AuthorID string          `json:"authorId"`
	Client   string          `json:"client"`
	Seq      uint64          `json:"seq"` // op, ack, reject
	Op       json.RawMessage `json:"op"`

	// ack
	Duplicate bool `json:"duplicate"`

	// reject, error
	Code    string `json:"code"`
	Message string `json:"message"`

	// presence
	Joined  []Peer   `json:"joined"`
	Left    []string `json:"left"`
	Cursors []Peer   `json:"cursors"`

	// the stage: welcome and presence; summon
	Now   time.Time  `json:"now"` // welcome: the server's clock
	Stage *Stage     `json:"stage"`
	Hands *HandCount `json:"hands"`
	Hand  string     `json:"hand"` // welcome: this person's own hand
	View  *Rect      `json:"view"` // summon
}

// Stage is who presents and what they show (welcome, presence).
type Stage struct {
	Presenter string `json:"presenter"`
	Name      string `json:"name"`
	View      *Rect  `json:"view"`
	Stop      string `json:"stop"`
	Pointer   *struct {
		X float64 `json:"x"`
		Y float64 `json:"y"`
	} `json:"pointer"`
	Spotlight string `json:"spotlight"`
}

// Rect is a part of the board, in board coordinates.
type Rect struct {
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	W    float64 `json:"w"`
	H    float64 `json:"h"`
	Zoom float64 `json:"zoom,omitempty"` // the presenter's zoom, when they said it
}

// HandCount is how many people have a hand up, or are done.
type HandCount struct {
	Raised int `json:"raised"`
	Done   int `json:"done"`
}

// Peer is someone on the board.
type Peer struct {
	ID          string     `json:"id"`
	Participant string     `json:"participant"`
	Role        board.Role `json:"role"`
	Name        string     `json:"name"`
	Color       string     `json:"color"`
	X           *float64   `json:"x"`
	Y           *float64   `json:"y"`
	Editing     string     `json:"editing"`
	Following   bool       `json:"following"`
	Hand        string     `json:"hand"`
}

// Client is one connection. Send and Read may be called from different
// goroutines, but each from only one at a time.
type Client struct {
	WS      *websocket.Conn
	Hello   Hello
	Welcome Message // the server's welcome
	seq     uint64
	watch   func(frame []byte)
}

// Dial connects to a board's WebSocket URL and says hello. It returns once
// the welcome has arrived; the messages that came with it in the same frame
// (missed operations, on resume) are in the returned slice.
func Dial(ctx context.Context, url string, h Hello, header http.Header) (*Client, []Message, error) {
	return DialWatched(ctx, url, h, header, nil)
}

// DialWatched is Dial with a function that sees every frame the client
// reads, as it came, before it is decoded: for tests of what the server
// sends.
func DialWatched(ctx context.Context, url string, h Hello, header http.Header, watch func(frame []byte)) (*Client, []Message, error) {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	ws, resp, err := d.DialContext(ctx, url, header)
	if err != nil {
		if resp != nil {
			return nil, nil, fmt.Errorf("dial %s: %w (HTTP %d)", url, err, resp.StatusCode)
		}
		return nil, nil, fmt.Errorf("dial %s: %w", url, err)
	}
	c := &Client{WS: ws, Hello: h, watch: watch}
	if err := c.SendJSON(struct {
		Type string `json:"type"`
		Hello
	}{"hello", h}); err != nil {
		ws.Close()
		return nil, nil, err
	}
	msgs, err := c.Read()
	if err != nil {
		ws.Close()
		return nil, nil, err
	}
	if len(msgs) == 0 || msgs[0].Type != "welcome" {
		ws.Close()
		return nil, nil, fmt.Errorf("expected a welcome, got %+v", msgs)
	}
	c.Welcome = msgs[0]
	return c, msgs[1:], nil
}

// SetSeq sets the sequence number of the last operation sent, for a client
// that continues the sequence of an earlier connection.
func (c *Client) SetSeq(seq uint64) { c.seq = seq }

// Seq returns the sequence number of the last operation sent.
func (c *Client) Seq() uint64 { return c.seq }

// SendOp sends an operation with the next sequence number and returns it.
func (c *Client) SendOp(op board.Op) (uint64, error) {
	c.seq++
	return c.seq, c.SendOpSeq(c.seq, op)
}

// SendOpSeq sends an operation with the given sequence number (a resend).
func (c *Client) SendOpSeq(seq uint64, op board.Op) error {
	return c.SendJSON(struct {
		Type string   `json:"type"`
		Seq  uint64   `json:"seq"`
		Op   board.Op `json:"op"`
	}{"op", seq, op})
}

// SendCursor sends the pointer position in board coordinates.
func (c *Client) SendCursor(x, y float64) error {
	return c.SendJSON(map[string]any{"type": "cursor", "x": x, "y": y})
}

// SendJSON sends any value as one text frame.
func (c *Client) SendJSON(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.SendRaw(data)
}

// SendRaw sends bytes as one text frame, unchecked: for tests of bad input.
func (c *Client) SendRaw(data []byte) error {
	return c.WS.WriteMessage(websocket.TextMessage, data)
}

// Read reads one frame and returns its messages.
func (c *Client) Read() ([]Message, error) {
	_, data, err := c.WS.ReadMessage()
	if err != nil {
		return nil, err
	}
	if c.watch != nil {
		c.watch(data)
	}
	var msgs []Message
	if err := json.Unmarshal(data, &msgs); err != nil {
		return nil, fmt.Errorf("a frame that is not an array of messages: %w: %.200s", err, data)
	}
	return msgs, nil
}

// Close closes the connection politely.
func (c *Client) Close() error {
	c.WS.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	return c.WS.Close()
}

// Replica is a client's copy of a board, built from the welcome and the
// operations that follow, in version order.
type Replica struct {
	Board *board.Board
	Epoch string
	// self and staff are whose copy it is, from the welcome: what it may
	// still see when the board stops showing names.
	self  string
	staff bool
}

// Apply updates the replica with one message. Welcome messages with a board
// replace it; op messages must come in version order.
func (r *Replica) Apply(m Message) error {
	switch m.Type {
	case "welcome":
		r.Epoch = m.Epoch
		r.self, r.staff = m.Participant, m.Role == board.RoleFacilitate && m.Participant != ""
		if m.Board != nil {
			b, err := board.DecodeBoard(m.Board, board.DefaultLimits)
			if err != nil {
				return fmt.Errorf("welcome board: %w", err)
			}
			r.Board = b
		} else if r.Board == nil || r.Board.Version > m.Version {
			return fmt.Errorf("resumed at server version %d, but the replica is at %v", m.Version, r.Board)
		}
		// On resume the operations after the replica's version follow.
	case "op":
		if r.Board == nil {
			return fmt.Errorf("op before welcome")
		}
		if m.Version != r.Board.Version+1 {
			return fmt.Errorf("op version %d after version %d", m.Version, r.Board.Version)
		}
		op, err := board.DecodeOrderedOp(m.Op)
		if err != nil {
			return err
		}
		// With the sender's role, as the server applied it: a note from
		// anyone but a facilitator may wait for approval.
		st := board.Stamp{Version: m.Version, At: m.At, Author: m.Author, AuthorID: m.AuthorID, Role: m.Role,
			Replica: true, Self: r.self, SelfStaff: r.staff}
		if m.Role == "" {
			st.Role = board.RoleFacilitate // a vote's copy goes without its role; it needs none
		}
		if err := board.Apply(r.Board, op, st, board.DefaultLimits); err != nil {
			return fmt.Errorf("op %d does not apply: %w", m.Version, err)
		}
	}
	return nil
}
