package sync

import (
	stdsync "sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// writer owns the writing side of one client's socket: every frame the
// server sends that client goes through it, in order, one frame at a time.
// Messages for the client (from the room, and replies from the
// connection's reader) are queued; whoever writes takes everything queued
// and sends it as one frame, a JSON array. So messages are coalesced
// exactly while a frame is being written, and for no fixed time: an idle
// client gets each message at once, a busy one gets the backlog in its
// next frame.
//
// Frames are written by the writer's goroutine (run), or, for a message
// sent with sendDirect, by the sender itself when nobody is writing and the
// socket takes the frame at once without waiting: waking a goroutine per
// client and message costs more than the write on a busy two-core machine,
// and a room of thirty sends each operation thirty times. Both go through
// writeFrame, the one framing path.
//
// The queue is a slice under a mutex plus a one-slot wake-up channel, not a
// buffered channel: a channel holds its full capacity from the start, and
// thousands of mostly idle connections would keep megabytes of pointers
// for the garbage collector to scan.
type writer struct {
	sock    *socket
	ws      *websocket.Conn // for control frames, which it writes through sock
	lim     *Limits
	metrics *Metrics

	mu      stdsync.Mutex // guards queue and writing
	queue   []outgoing
	writing bool          // someone is writing a frame; what is queued meanwhile waits for the next
	done    stdsync.Cond  // signalled when writing ends; on mu
	wake    chan struct{} // one slot: run has something to do

	pingDue atomic.Bool // set by the ping timer: run sends a ping

	closeOnce stdsync.Once
	quit      chan struct{} // closed by close: run sends a close frame and stops
	closeCode int           // written once, before quit is closed
	closeText string
	// readerDone is closed when the connection's reader has stopped; run
	// waits for it, briefly, after sending a close frame.
	readerDone <-chan struct{}

	frameBuf []byte     // used by whoever holds writing
	spare    []outgoing // a queue to swap in, used by whoever holds writing
}

// outgoing is one entry of the queue: a message, or several that belong
// together in this order (a resuming client's welcome and the operations
// it missed). Either way it counts once against Limits.SendQueue.
type outgoing struct {
	msg    []byte
	more   [][]byte // messages after msg, if any
	queued int64    // monotonic nanoseconds (see monotonic): 8 bytes, not time.Time's 24
}

func newWriter(sock *socket, ws *websocket.Conn, lim *Limits, m *Metrics, readerDone <-chan struct{}) *writer {
	w := &writer{
		sock: sock, ws: ws, lim: lim, metrics: m, readerDone: readerDone,
		wake: make(chan struct{}, 1), quit: make(chan struct{}),
	}
	w.done.L = &w.mu
	return w
}

// How a message is handed to the writer.
type sendMode int

const (
	// wakeWriter queues the message and wakes the writer's goroutine.
	wakeWriter sendMode = iota
	// lazily queues the message without waking anyone: it goes with the
	// next message sent to this client. An operation's echo to its own
	// sender goes this way: the sender applied it when it sent it, and
	// its ack, which always follows, takes the echo along in one frame.
	lazily
	// direct writes the message (after what is queued) from the calling
	// goroutine if nobody is writing and the socket takes it at once; it
	// queues it and wakes the writer's goroutine otherwise.
	direct
)

// send hands a message to the writer without ever blocking for the client.
func (w *writer) send(msg []byte, mode sendMode) { w.sendOut(outgoing{msg: msg}, mode) }

// sendMany hands several messages that belong together, in order. The
// writer keeps msgs until it has written them.
func (w *writer) sendMany(msgs [][]byte, mode sendMode) {
	if len(msgs) > 0 {
		w.sendOut(outgoing{msg: msgs[0], more: msgs[1:]}, mode)
	}
}

func (w *writer) sendOut(o outgoing, mode sendMode) {
	o.queued = monotonic()
	w.mu.Lock()
	if len(w.queue) >= w.lim.SendQueue {
		w.mu.Unlock()
		w.tooSlow()
		return
	}
	if mode == direct && !w.writing && !w.closing() {
		w.writing = true
		w.queue = append(w.queue, o)
		w.mu.Unlock()
		w.writeDirect()
		return
	}
	w.queue = append(w.queue, o)
	idle := !w.writing
	w.mu.Unlock()
	if mode != lazily && idle {
		w.wakeUp()
	}
}

func (w *writer) wakeUp() {
	select {
	case w.wake <- struct{}{}:
	default: // woken already
	}
}

func (w *writer) closing() bool {
	select {
	case <-w.quit:
		return true
	default:
		return false
	}
}

// tooSlow disconnects a client that lets its queue overflow. It may
// reconnect and resume from the last version it saw.
func (w *writer) tooSlow() {
	if w.closing() {
		return
	}
	w.metrics.SlowDisconnects.Inc()
	w.close(CloseTooSlow, "too many messages waiting; reconnect to catch up")
}

// close asks the writer to send a close frame with the code and stop.
// The first call wins.
func (w *writer) close(code int, text string) {
	w.closeOnce.Do(func() {
		w.closeCode, w.closeText = code, text
		close(w.quit)
		w.wakeUp()
	})
}

// take takes what is queued, at most maxFrameMessages entries. The caller
// holds writing.
func (w *writer) take() []outgoing {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.queue) == 0 {
		return nil
	}
	if len(w.queue) <= maxFrameMessages {
		batch := w.queue
		w.queue = w.spare[:0]
		w.spare = nil
		return batch
	}
	batch := append(w.spare[:0], w.queue[:maxFrameMessages]...)
	w.spare = nil
	n := copy(w.queue, w.queue[maxFrameMessages:])
	clear(w.queue[n:])
	w.queue = w.queue[:n]
	return batch
}

// putBack returns a batch that could not be written at once to the head of
// the queue, ahead of what was queued meanwhile.
func (w *writer) putBack(batch []outgoing) {
	w.mu.Lock()
	w.queue = append(batch, w.queue...)
	w.mu.Unlock()
}

// acquire makes the caller the one writing, waiting for a write in
// progress if wait is set; without wait it reports false when someone is
// writing.
func (w *writer) acquire(wait bool) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.writing {
		if !wait {
			return false
		}
		w.done.Wait() // a direct write, which never waits for the socket
	}
	w.writing = true
	return true
}

// release ends a write: it keeps the batch's slice for the next swap and
// reports whether more is queued.
func (w *writer) release(batch []outgoing) (more bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if batch != nil && w.spare == nil {
		clear(batch)
		if cap(batch) <= 4*maxFrameMessages {
			w.spare = batch[:0] // a burst does not pin a grown slice forever
		}
	}
	w.writing = false
	w.done.Broadcast()
	return len(w.queue) > 0
}

// writeDirect writes the queue from the calling goroutine, if the socket
// takes the frame without waiting, and otherwise leaves it to run. The
// caller has set writing.
func (w *writer) writeDirect() {
	batch := w.take()
	wrote, partly := false, false
	if frameSize(batch) <= maxDirectFrame {
		w.sock.mu.Lock()
		wrote = w.writeFrame(batch, true) == nil
		partly = w.sock.needsFlush()
		w.sock.mu.Unlock()
	}
	if !wrote {
		w.putBack(batch)
		batch = nil
	}
	// Whatever is left (the batch, messages queued meanwhile, or the rest
	// of a frame the socket took only in part) is the goroutine's.
	if more := w.release(batch); more || !wrote || partly {
		w.wakeUp()
	}
}

// run writes queued messages, many to a frame, and pings, until the
// connection closes. It closes the socket when it returns. Everything that
// gives it work (a message, the ping timer, close) wakes it through the
// one wake channel: a goroutine parked on one channel costs less to wake
// than one in a select, and a large room wakes thousands per operation.
func (w *writer) run() {
	ping := time.AfterFunc(w.lim.PingPeriod, w.pingTimer)
	defer func() {
		ping.Stop()
		w.ws.Close()
	}()
	for range w.wake {
		if w.closing() {
			w.goodbye()
			return
		}
		if w.pingDue.Swap(false) {
			ping.Reset(w.lim.PingPeriod)
			if err := w.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(w.lim.WriteWait)); err != nil {
				w.close(websocket.CloseAbnormalClosure, "")
				return
			}
		}
		if err := w.flush(false); err != nil {
			w.close(websocket.CloseAbnormalClosure, "")
			return
		}
	}
}

func (w *writer) pingTimer() {
	w.pingDue.Store(true)
	w.wakeUp()
}

// flush writes everything queued, waiting for the socket as long as
// WriteWait allows each frame. If a direct write is under way it returns
// at once (the direct writer wakes the goroutine when it is done), unless
// wait is set.
func (w *writer) flush(wait bool) error {
	for {
		if !w.acquire(wait) {
			return nil
		}
		batch := w.take()
		w.sock.mu.Lock()
		err := w.sock.finishFrame(w.lim.WriteWait)
		if err == nil && len(batch) > 0 {
			err = w.writeFrame(batch, false)
		}
		w.sock.mu.Unlock()
		more := w.release(batch)
		if err != nil || !more {
			return err
		}
	}
}

// goodbye delivers what is queued (a reject, the last operations) unless
// the client is too slow for it, sends the close frame and waits briefly
// for the client's own close.
func (w *writer) goodbye() {
	if w.closeCode == websocket.CloseAbnormalClosure {
		return // the socket is broken; nothing more gets through
	}
	if w.closeCode != CloseTooSlow {
		w.flush(true)
	}
	w.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(w.closeCode, w.closeText), time.Now().Add(w.lim.WriteWait))
	select {
	case <-w.readerDone:
	case <-time.After(closeGrace):
	}
}

// writeFrame sends a batch of queued messages as one frame: a JSON array.
// It assembles the frame, header included, in the writer's buffer and
// writes it whole, with one system call where the socket allows. With
// nonBlocking it writes only if the socket takes at least part of the
// frame at once (the rest waits in the socket for the goroutine) and
// reports an error otherwise. The caller holds writing and sock.mu.
func (w *writer) writeFrame(batch []outgoing, nonBlocking bool) error {
	if len(batch) == 0 {
		return nil
	}
	if cap(w.frameBuf) > 64<<10 {
		w.frameBuf = nil // after a large welcome, do not keep its size
	}
	frame := appendFrame(w.frameBuf[:0], batch)
	w.frameBuf = frame
	if nonBlocking {
		if !w.sock.tryWrite(textFrame(frame)) {
			return errWouldBlock
		}
	} else {
		w.sock.renewDeadline(w.lim.WriteWait)
		if _, err := w.sock.Conn.Write(textFrame(frame)); err != nil {
			return err
		}
	}
	now := monotonic()
	for _, o := range batch {
		d := time.Duration(now - o.queued).Seconds()
		for range 1 + len(o.more) {
			w.metrics.Delivery.Observe(d)
		}
	}
	return nil
}

// appendFrame appends a frame's payload, with maxHeader bytes reserved in
// front for textFrame, to buf: the batch's messages as one JSON array.
func appendFrame(buf []byte, batch []outgoing) []byte {
	buf = append(buf, make([]byte, maxHeader)...)
	buf = append(buf, '[')
	for i, o := range batch {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, o.msg...)
		for _, m := range o.more {
			buf = append(append(buf, ','), m...)
		}
	}
	return append(buf, ']')
}

// frameSize is the length of the frame appendFrame would make.
func frameSize(batch []outgoing) int {
	n := maxHeader + 2
	for _, o := range batch {
		n += len(o.msg) + 1
		for _, m := range o.more {
			n += len(m) + 1
		}
	}
	return n
}

type wouldBlock struct{}

func (wouldBlock) Error() string { return "the socket would block" }

var errWouldBlock error = wouldBlock{}

// maxFrameMessages caps how many queue entries go in one frame, so one frame
// stays a reasonable size for a phone to parse.
const maxFrameMessages = 512

// maxDirectFrame bounds the frames written directly: bigger ones (a welcome
// with a large board, a backlog) are left to the writer's goroutine, so that
// a room never copies much when a socket takes only part of a frame.
const maxDirectFrame = 16 << 10

// closeGrace is how long a closing connection waits for the client's side
// of the closing handshake before the socket is closed. Closing at once
// with unread data in the socket makes the kernel reset the connection, and
// the client may then never read the close frame that says why.
const closeGrace = time.Second

var processStart = time.Now()

// monotonic returns nanoseconds on the monotonic clock.
func monotonic() int64 { return int64(time.Since(processStart)) }
