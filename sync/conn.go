package sync

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"corkboard/board"
)

// conn is one client's WebSocket. Its reader goroutine (serve) says hello,
// joins the room, and then reads, decodes and checks what the client sends
// before handing it to the room; its writer (writer.go) owns everything
// sent back. The room never waits for a client: a client that does not keep
// up is disconnected (CloseTooSlow) and may reconnect and resume.
type conn struct {
	hub    *Hub
	ws     *websocket.Conn
	out    *writer
	peerID string // this connection's presence id
	// role and link are what the connection came in with: the link's role
	// decides what it may do, and if the link is replaced the connection
	// is closed.
	role board.Role
	link string

	// Set from the hello before the connection joins its room; read-only after.
	client      string // the client id, as the client names itself
	key         string // the client's key in board.Board.Clients (clientKey)
	participant string // the public participant id, or ""
	name        string

	// inFlight holds a token for each operation handed to the room and not
	// yet answered: the reader blocks at Limits.MaxInFlight, and the room
	// takes a token back with each ack or reject (answered).
	inFlight chan struct{}

	readDone chan struct{} // closed when the reader has stopped
	readBuf  []byte        // owned by the reader: the last message's bytes, reused
	lastWho  time.Time     // owned by the reader: when it last asked who
}

func newConn(h *Hub, ws *websocket.Conn, sock *socket) *conn {
	c := &conn{
		hub:      h,
		ws:       ws,
		peerID:   randomID(6),
		inFlight: make(chan struct{}, h.lim.MaxInFlight),
		readDone: make(chan struct{}),
	}
	c.out = newWriter(sock, ws, &h.lim, h.metrics, c.readDone)
	return c
}

// serve runs the connection's reading side until it ends: hello, join,
// then every message. It releases r when it returns.
func (c *conn) serve(r *room) {
	defer c.hub.release(r)
	defer close(c.readDone)
	defer c.out.close(websocket.CloseNormalClosure, "")

	h, err := c.handshake()
	if err != nil {
		var ce *closeError
		if errors.As(err, &ce) {
			c.out.close(ce.code, ce.text)
		} else {
			c.out.close(CloseProtocol, board.ErrorMessage(err))
		}
		return
	}
	if !c.join(r, h) {
		return
	}
	defer c.leave(r)
	c.readLoop(r)
}

// handshake sets the connection's limits and reads the hello, which must
// arrive within HelloTimeout.
func (c *conn) handshake() (hello, error) {
	lim := c.hub.lim
	c.ws.SetReadDeadline(time.Now().Add(lim.HelloTimeout))
	c.ws.SetPongHandler(func(data string) error {
		c.out.probes.answer([]byte(data))
		return c.ws.SetReadDeadline(time.Now().Add(lim.PongWait))
	})
	data, err := c.read()
	if err != nil {
		var ce *closeError
		if errors.As(err, &ce) {
			return hello{}, ce
		}
		return hello{}, board.Errorf(board.EInvalid, "no hello arrived")
	}
	m, err := decodeClientMsg(data)
	if err != nil {
		return hello{}, err
	}
	if m.Type != typeHello {
		return hello{}, board.Errorf(board.EInvalid, "the first message must be a hello")
	}
	h, err := m.hello(c.hub.boardLim)
	if err != nil {
		return hello{}, err
	}
	c.client, c.participant, c.name = h.client, h.participant, h.name
	c.key = clientKey(h.participant, h.client)
	// From now on a client that only watches keeps the connection alive
	// with its pongs alone.
	c.ws.SetReadDeadline(time.Now().Add(lim.PongWait))
	return h, nil
}

// join hands the connection to the room, which answers with the welcome.
func (c *conn) join(r *room, h hello) bool {
	select {
	case r.joins <- joinRequest{conn: c, hello: h}:
		return true
	case <-r.done:
		c.out.close(websocket.CloseGoingAway, "the server is restarting; reconnect in a moment")
		return false
	}
}

func (c *conn) leave(r *room) {
	select {
	case r.leaves <- c:
	case <-r.done:
	}
}

// readLoop reads messages until the connection ends, one at a time, each
// to its handler.
func (c *conn) readLoop(r *room) {
	lim := c.hub.lim
	// Operations and other messages share a limit; cursors have their own,
	// as they are dropped rather than delayed when they come too fast.
	msgs := rate.NewLimiter(rate.Limit(lim.OpsPerSecond), int(max(1, 2*lim.OpsPerSecond)))
	cursors := rate.NewLimiter(rate.Limit(lim.CursorsPerSecond), int(max(1, lim.CursorsPerSecond)))
	for {
		data, err := c.read()
		if err != nil {
			c.readFailed(err)
			return
		}
		c.ws.SetReadDeadline(time.Now().Add(lim.PongWait))
		m, err := decodeClientMsg(data)
		if err == nil && (m.Type == typeCursor || m.Type == typeView || m.Type == typePointer) {
			// Only ever a latest position: dropped when they come too fast.
			if !cursors.AllowN(c.hub.now(), 1) {
				continue
			}
			if !c.handleCursor(r, m) {
				return
			}
			continue
		}
		if !c.wait(msgs) {
			return
		}
		switch {
		case err != nil:
			c.out.send(errorMessage(err), wakeWriter)
		case m.Type == typeHello:
			c.out.send(errorMessage(board.Errorf(board.EInvalid, "hello was already said on this connection")), wakeWriter)
		case m.Type == typeOp:
			if !c.handleOp(r, m) {
				return
			}
		case m.Type == typeWho:
			if !c.handleWho(r) {
				return
			}
		case m.Type == typeRemove:
			select {
			case r.removes <- removeRequest{by: c, peer: *m.Peer}:
			case <-r.done:
				return
			}
		default:
			if !c.handleStage(r, m) {
				return
			}
		}
	}
}

// wait takes one message's token from the limiter, waiting for it if the
// client sends faster than its limit: a burst is read more slowly, never
// refused. It reports false if the connection closed meanwhile.
func (c *conn) wait(l *rate.Limiter) bool {
	now := c.hub.now()
	d := l.ReserveN(now, 1).DelayFrom(now)
	if d <= 0 {
		return true
	}
	select {
	case <-c.hub.clock.After(d):
		return true
	case <-c.out.quit:
		return false
	}
}

// readFailed ends the connection after a failed read, with the close code
// the failure calls for.
func (c *conn) readFailed(err error) {
	var ce *closeError
	if errors.As(err, &ce) {
		c.out.close(ce.code, ce.text)
		c.drain()
	}
}

// handleOp checks an operation and hands it to the room. A malformed or
// limit-breaking operation is rejected here, before it waits for the
// board. It reports false if the connection or the room is gone.
func (c *conn) handleOp(r *room, m clientMsg) bool {
	req := opRequest{conn: c, seq: *m.Seq, received: c.hub.now()}
	op, err := board.DecodeOp(m.Op)
	if err == nil {
		err = c.hub.boardLim.Validate(op)
	}
	if err != nil {
		c.hub.metrics.OpsRejected.Inc()
		c.out.send(rejectMessage(req.seq, err), wakeWriter)
		return true
	}
	req.op = op
	// Flow control: at most MaxInFlight operations wait for an answer.
	select {
	case c.inFlight <- struct{}{}:
	case <-c.out.quit:
		return false
	}
	select {
	case r.ops <- req:
		return true
	case <-r.done:
		return false
	}
}

// answered gives back the in-flight token of one operation. The room calls
// it with every ack and reject it sends.
func (c *conn) answered() {
	select {
	case <-c.inFlight:
	default:
	}
}

// handleWho asks the room for everyone on the board, at most once every
// whoInterval: in a room of thousands the answer is large.
func (c *conn) handleWho(r *room) bool {
	now := c.hub.now()
	if now.Sub(c.lastWho) < whoInterval {
		c.out.send(errorMessage(board.Errorf(board.ERateLimited, "who may be asked once every %v", whoInterval)), wakeWriter)
		return true
	}
	c.lastWho = now
	select {
	case r.who <- c:
		return true
	case <-r.done:
		return false
	}
}

// whoInterval is how often a connection may ask who is on the board.
const whoInterval = 5 * time.Second

// handleStage hands a stage message (stage.go) to the room.
func (c *conn) handleStage(r *room, m clientMsg) bool {
	u, err := m.stage(c.hub.boardLim)
	if err != nil {
		c.out.send(errorMessage(err), wakeWriter)
		return true
	}
	u.conn = c
	select {
	case r.stages <- u:
		return true
	case <-r.done:
		return false
	}
}

func (c *conn) handleCursor(r *room, m clientMsg) bool {
	if m.Type != typeCursor {
		return c.handleStage(r, m)
	}
	cur, err := m.cursor(c.hub.boardLim)
	if err != nil {
		c.out.send(errorMessage(err), wakeWriter)
		return true
	}
	select {
	case r.cursors <- cursorUpdate{conn: c, cursor: cur}:
		return true
	case <-r.done:
		return false
	}
}

// drain reads and discards what the client still sends, for a moment, after
// a message that ends the connection: the writer sends the close frame, and
// this gives the client time to read it before the socket closes (closing
// a socket with unread data makes the kernel reset the connection).
func (c *conn) drain() {
	nc := c.ws.NetConn()
	nc.SetReadDeadline(time.Now().Add(closeGrace))
	io.Copy(io.Discard, nc)
}

// closeError is a read that must end the connection with a given code.
type closeError struct {
	code int
	text string // the close frame's reason, for people
	err  error  // what it wraps, if anything
}

func (e *closeError) Error() string { return e.text }
func (e *closeError) Unwrap() error { return e.err }

// errTooBig marks a message over Limits.MaxMessageBytes.
var errTooBig = errors.New("message too big")

// read returns the next text message. Binary messages, invalid UTF-8 and
// messages over the size limit end the connection (1003, 1007 and 1009, as
// RFC 6455 says), with a reason that says what was wrong. The size is
// checked here rather than by the websocket package, whose 1009 carries no
// reason; either way no more than the limit is ever held in memory.
func (c *conn) read() ([]byte, error) {
	typ, r, err := c.ws.NextReader()
	if err != nil {
		return nil, err
	}
	if typ != websocket.TextMessage {
		return nil, &closeError{websocket.CloseUnsupportedData, "binary messages are not part of the protocol; send JSON text", nil}
	}
	// One buffer for the connection's messages, unless one was unusually
	// large: decoding copies what it keeps, so the next read may reuse it.
	if cap(c.readBuf) > 16<<10 {
		c.readBuf = nil
	}
	limit := c.hub.lim.MaxMessageBytes
	buf := bytes.NewBuffer(c.readBuf[:0])
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	c.readBuf = data
	if int64(len(data)) > limit {
		return nil, &closeError{websocket.CloseMessageTooBig,
			fmt.Sprintf("the message is over the limit of %d bytes; split a large batch into smaller ones", limit), errTooBig}
	}
	if !utf8.Valid(data) {
		return nil, &closeError{websocket.CloseInvalidFramePayloadData, "the message is not valid UTF-8", nil}
	}
	return data, nil
}
