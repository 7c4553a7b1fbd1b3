package sync

import (
	"bytes"
	"errors"
	"io"
	stdsync "sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"corkboard/board"
)

// closeGrace is how long a closing connection waits for the client's side
// of the closing handshake before the socket is closed. Closing at once
// with unread data in the socket makes the kernel reset the connection, and
// the client may then never read the close frame that says why.
const closeGrace = time.Second

// maxFrameMessages caps how many queued messages the writer puts in one
// frame, so one frame stays a reasonable size for a phone to parse.
const maxFrameMessages = 512

// conn is one client's WebSocket. It has two goroutines: run reads (and
// feeds the room), writeLoop writes (and pings). The room and the reader
// hand messages to the writer through a bounded queue; a client whose queue
// is full is too slow and is disconnected rather than allowed to hold anyone
// up. The room may also write an ack, or in a small room a broadcast,
// itself, when the writer is idle and the socket takes it at once (send).
//
// The queue is a slice under a mutex plus a one-slot wake-up channel, not a
// buffered channel: a channel holds its full capacity from the start, and
// thousands of mostly idle connections would keep megabytes of pointers for
// the garbage collector to scan. The writer takes everything queued at once,
// which is also what puts many messages in one frame.
type conn struct {
	hub    *Hub
	ws     *websocket.Conn
	sock   *socket // ws's connection; its lock is held for every write
	peerID string

	mu      stdsync.Mutex // guards pending
	pending []outgoing
	wake    chan struct{} // one slot: there is something in pending

	closeOnce stdsync.Once
	quit      chan struct{} // closed by close: the writer sends a close frame and stops
	closeCode int           // written once, before quit is closed
	closeText string
	readDone  chan struct{} // closed when the reader has stopped

	// Set from the hello before the connection joins its room; read-only after.
	client string
	name   string

	readBuf  []byte // owned by the reader: the last message's bytes, reused
	frameBuf []byte // owned by the writer: the last frame's bytes, reused
}

type outgoing struct {
	data   []byte
	queued int64 // monotonic nanoseconds (see monotonic); 8 bytes, not time.Time's 24, as queues are long
}

func newConn(h *Hub, ws *websocket.Conn, sock *socket) *conn {
	return &conn{
		hub:      h,
		ws:       ws,
		sock:     sock,
		wake:     make(chan struct{}, 1),
		quit:     make(chan struct{}),
		readDone: make(chan struct{}),
		peerID:   randomID(6),
	}
}

// queue hands a message to the writer without ever blocking. If the queue is
// full the client is disconnected with CloseTooSlow; it may reconnect and
// resume from the last version it saw.
func (c *conn) queue(msg []byte) { c.enqueue(msg, true) }

// queueLazily queues a message without waking the writer: it goes out with
// whatever is sent to this client next, in order. The room queues an
// operation's echo to its own sender this way. The sender applied the
// operation when it sent it and needs the echo only to see it take its
// place; the ack that always follows, or the next operation of someone
// else, takes it along. So the echo and the ack usually share a frame, and
// every operation costs the server, and its sender, one frame fewer: a
// sixth of all frames in S3.
func (c *conn) queueLazily(msg []byte) { c.enqueue(msg, false) }

func (c *conn) enqueue(msg []byte, wake bool) {
	c.mu.Lock()
	full := len(c.pending) >= c.hub.lim.SendQueue
	if !full {
		c.pending = append(c.pending, outgoing{data: msg, queued: monotonic()})
	}
	c.mu.Unlock()
	if full {
		select {
		case <-c.quit:
		default:
			c.hub.metrics.SlowDisconnects.Add(1)
			c.close(CloseTooSlow, "too many messages waiting; reconnect to catch up")
		}
		return
	}
	if !wake {
		return
	}
	select {
	case c.wake <- struct{}{}:
	default: // the writer has been woken already
	}
}

// takePending swaps the queue for the writer's spare slice and returns what
// was queued, at most maxFrameMessages.
func (c *conn) takePending(spare []outgoing) []outgoing {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		return nil // and keep spare: it must never be pending and a batch at once
	}
	if len(c.pending) <= maxFrameMessages {
		out := c.pending
		c.pending = spare[:0]
		return out
	}
	out := append(spare[:0], c.pending[:maxFrameMessages]...)
	c.pending = append(c.pending[:0], c.pending[maxFrameMessages:]...)
	select {
	case c.wake <- struct{}{}: // more is waiting
	default:
	}
	return out
}

// close asks the writer to send a close frame with the code and stop.
// The first call wins.
func (c *conn) close(code int, text string) {
	c.closeOnce.Do(func() {
		c.closeCode, c.closeText = code, text
		close(c.quit)
	})
}

// closeNow sends a close frame and closes the socket from the calling
// goroutine; for connections whose writer never started.
func (c *conn) closeNow(code int, text string) {
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(c.hub.lim.WriteWait))
	c.ws.Close()
}

// run reads the hello, joins the room and then reads messages until the
// connection ends. It releases r when it returns.
func (c *conn) run(r *room) {
	lim := c.hub.lim
	defer c.hub.release(r)
	defer close(c.readDone)
	defer c.close(websocket.CloseNormalClosure, "")

	c.ws.SetReadLimit(lim.MaxMessageBytes)
	c.ws.SetReadDeadline(time.Now().Add(lim.HelloTimeout))
	c.ws.SetPongHandler(func(string) error {
		return c.ws.SetReadDeadline(time.Now().Add(lim.PongWait))
	})

	h, err := c.readHello()
	if err != nil {
		code := CloseProtocol
		var ce *closeError
		if errors.As(err, &ce) {
			code = ce.code
		}
		c.close(code, board.ErrorMessage(err))
		return
	}
	c.client, c.name = h.client, h.name
	// From now on a client that only watches keeps the connection alive
	// with its pongs alone.
	c.ws.SetReadDeadline(time.Now().Add(lim.PongWait))
	select {
	case r.joins <- joinRequest{conn: c, hello: h}:
	case <-r.done:
		c.close(websocket.CloseGoingAway, "the server is restarting; reconnect in a moment")
		return
	}
	defer func() {
		select {
		case r.leaves <- c:
		case <-r.done:
		}
	}()

	now := time.Now()
	ops := newRateLimiter(lim.OpsPerSecond, now)
	cursors := newRateLimiter(lim.CursorsPerSecond, now)
	for {
		data, err := c.read()
		if err != nil {
			var ce *closeError
			if errors.As(err, &ce) {
				c.close(ce.code, ce.text)
			}
			if errors.Is(err, websocket.ErrReadLimit) {
				c.drain()
			}
			return
		}
		c.ws.SetReadDeadline(time.Now().Add(lim.PongWait))
		m, err := decodeClientMsg(data)
		if err != nil {
			c.queue(errorMessage(err))
			continue
		}
		switch m.Type {
		case typeHello:
			c.queue(errorMessage(board.Errorf(board.EInvalid, "hello was already said on this connection")))
		case typeOp:
			req := opRequest{conn: c, seq: *m.Seq, received: time.Now()}
			if !ops.allow(req.received) {
				c.hub.metrics.OpsRejected.Add(1)
				c.reject(req.seq, board.Errorf(board.ERateLimited, "too many changes too fast (the limit is %g a second); this one was not saved", lim.OpsPerSecond))
				continue
			}
			op, err := board.DecodeOp(m.Op)
			if err == nil {
				err = c.hub.boardLim.Validate(op)
			}
			if err != nil {
				c.hub.metrics.OpsRejected.Add(1)
				c.reject(req.seq, err)
				continue
			}
			req.op = op
			select {
			case r.ops <- req:
			case <-r.done:
				return
			}
		case typeCursor:
			cur, err := m.cursor(c.hub.boardLim)
			if err != nil {
				c.queue(errorMessage(err))
				continue
			}
			if !cursors.allow(time.Now()) {
				continue
			}
			select {
			case r.cursors <- cursorUpdate{conn: c, cursor: cur}:
			case <-r.done:
				return
			}
		}
	}
}

// drain reads and discards what the client still sends, for a moment, after
// a frame too big to read: the websocket package has sent the close frame
// (1009), and this gives the client time to read it before the socket closes.
func (c *conn) drain() {
	nc := c.ws.NetConn()
	nc.SetReadDeadline(time.Now().Add(closeGrace))
	io.Copy(io.Discard, nc)
}

func (c *conn) reject(seq uint64, err error) {
	c.queue(mustJSON(rejectMsg{Type: typeReject, Seq: seq, Code: board.ErrorCode(err), Message: board.ErrorMessage(err)}))
}

// closeError is a read that must end the connection with a given code.
type closeError struct {
	code int
	text string
}

func (e *closeError) Error() string { return e.text }

// read returns the next text frame. Binary frames and invalid UTF-8 end the
// connection (1003 and 1007, as RFC 6455 says); a frame over the read limit
// has already been answered with 1009 by the websocket package.
func (c *conn) read() ([]byte, error) {
	typ, r, err := c.ws.NextReader()
	if err != nil {
		return nil, err
	}
	// One buffer for the connection's messages, unless one was unusually
	// large: decoding copies what it keeps, so the next read may reuse it.
	if cap(c.readBuf) > 16<<10 {
		c.readBuf = nil
	}
	buf := bytes.NewBuffer(c.readBuf[:0])
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	c.readBuf = data
	if typ != websocket.TextMessage {
		return nil, &closeError{websocket.CloseUnsupportedData, "binary frames are not part of the protocol; send JSON text"}
	}
	if !utf8.Valid(data) {
		return nil, &closeError{websocket.CloseInvalidFramePayloadData, "the message is not valid UTF-8"}
	}
	return data, nil
}

func (c *conn) readHello() (hello, error) {
	data, err := c.read()
	if err != nil {
		var ce *closeError
		if errors.As(err, &ce) {
			return hello{}, &closeError{ce.code, ce.text}
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
	return m.hello(c.hub.boardLim)
}

// writeLoop writes queued messages, many to a frame, and pings. It owns all
// writes to the socket and closes it when it returns.
func (c *conn) writeLoop() {
	lim := c.hub.lim
	ping := time.NewTicker(lim.PingPeriod)
	defer func() {
		ping.Stop()
		c.ws.Close()
	}()
	var spare []outgoing
	for {
		select {
		case <-c.wake:
			// Take the queue under the socket's lock: a room writing
			// directly (writeNow) finds it empty only when nothing of it
			// is still to be written.
			c.sock.mu.Lock()
			err := c.sock.finishFrame(time.Now().Add(lim.WriteWait))
			batch := c.takePending(spare)
			if err == nil && len(batch) > 0 {
				err = c.writeFrame(batch)
			}
			c.sock.mu.Unlock()
			// Keep the slice for the next swap, without its messages, and
			// give back a grown one so a burst does not pin memory forever.
			if batch != nil {
				clear(batch)
				if cap(batch) <= 4*maxFrameMessages {
					spare = batch[:0]
				} else {
					spare = nil
				}
			}
			if err != nil {
				c.close(websocket.CloseAbnormalClosure, "")
				return
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(lim.WriteWait)); err != nil {
				c.close(websocket.CloseAbnormalClosure, "")
				return
			}
		case <-c.quit:
			if c.closeCode != CloseTooSlow && c.closeCode != websocket.CloseAbnormalClosure {
				// Deliver what is already queued (a reject, the last
				// operations) before saying goodbye.
				c.flushQueued()
			}
			if c.closeCode != websocket.CloseAbnormalClosure {
				c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(c.closeCode, c.closeText), time.Now().Add(lim.WriteWait))
				// Wait for the client's close (which ends the reader), briefly.
				select {
				case <-c.readDone:
				case <-time.After(closeGrace):
				}
			}
			return
		}
	}
}

func (c *conn) flushQueued() {
	c.sock.mu.Lock()
	defer c.sock.mu.Unlock()
	if c.sock.finishFrame(time.Now().Add(c.hub.lim.WriteWait)) != nil {
		return
	}
	for {
		batch := c.takePending(nil)
		if len(batch) == 0 || c.writeFrame(batch) != nil {
			return
		}
	}
}

// writeFrame sends a batch of queued messages as one frame: a JSON array.
// It assembles the frame, header included, in the connection's buffer and
// writes it whole, allocating nothing (see the upgrader in NewHub for why
// that matters). The caller holds the socket's lock.
func (c *conn) writeFrame(batch []outgoing) error {
	if cap(c.frameBuf) > 16<<10 {
		c.frameBuf = nil // after a large welcome, do not keep its size
	}
	frame := append(c.frameBuf[:0], make([]byte, maxHeader)...)
	frame = append(frame, '[')
	for i, m := range batch {
		if i > 0 {
			frame = append(frame, ',')
		}
		frame = append(frame, m.data...)
	}
	frame = append(frame, ']')
	c.frameBuf = frame
	c.sock.SetWriteDeadline(time.Now().Add(c.hub.lim.WriteWait))
	if _, err := c.sock.Conn.Write(textFrame(frame)); err != nil {
		return err
	}
	now := monotonic()
	for _, m := range batch {
		c.hub.metrics.Delivery.Observe(time.Duration(now - m.queued))
	}
	return nil
}

var processStart = time.Now()

// monotonic returns nanoseconds on the monotonic clock.
func monotonic() int64 { return int64(time.Since(processStart)) }

// send writes msg at once if it can (writeNow) and queues it otherwise.
// buf is the caller's scratch space.
func (c *conn) send(msg []byte, buf *[]byte) {
	if !c.writeNow(msg, buf) {
		c.queue(msg)
	}
}

// writeNow writes whatever is queued for this client and then msg, as one
// frame, from the calling goroutine, if that can be done at once: nobody
// is writing, little is queued, and the socket takes the frame without
// waiting. What is queued is typically the client's own last operation,
// waiting for its ack (see queueLazily). It reports false when msg must be
// queued instead. Rooms call it for broadcasts and acks (see socket for
// why); buf is the caller's scratch space.
func (c *conn) writeNow(msg []byte, buf *[]byte) bool {
	if !c.sock.mu.TryLock() {
		return false
	}
	defer c.sock.mu.Unlock()
	select {
	case <-c.quit:
		return false
	default:
	}
	frame := append((*buf)[:0], make([]byte, maxHeader)...)
	frame = append(frame, '[')
	// The writer takes the queue only under the socket's lock, so what is
	// queued now stays at the queue's head until this is done; others may
	// only add to its tail.
	c.mu.Lock()
	queued := len(c.pending)
	for _, m := range c.pending {
		if len(frame)+len(m.data) > maxDirectFrame {
			c.mu.Unlock()
			return false // a backlog: the writer's business
		}
		frame = append(frame, m.data...)
		frame = append(frame, ',')
	}
	c.mu.Unlock()
	frame = append(frame, msg...)
	frame = append(frame, ']')
	*buf = frame
	if len(frame) > maxDirectFrame {
		return false
	}
	start := monotonic()
	if !c.sock.tryWrite(textFrame(frame)) {
		return false
	}
	if c.sock.needsFlush() {
		select {
		case c.wake <- struct{}{}: // the writer sends the rest
		default:
		}
	}
	now := monotonic()
	if queued > 0 {
		c.mu.Lock()
		for _, m := range c.pending[:queued] {
			c.hub.metrics.Delivery.Observe(time.Duration(now - m.queued))
		}
		n := copy(c.pending, c.pending[queued:])
		clear(c.pending[n:])
		c.pending = c.pending[:n]
		c.mu.Unlock()
	}
	c.hub.metrics.Delivery.Observe(time.Duration(now - start))
	return true
}

// maxDirectFrame bounds the frames writeNow writes: bigger ones (a welcome
// with a large board, a backlog) are left to the writer, so that a room
// never copies much when a socket takes only part of a frame.
const maxDirectFrame = 16 << 10
