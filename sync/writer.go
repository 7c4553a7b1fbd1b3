package sync

import (
	"errors"
	"net"
	"os"
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

	mu      stdsync.Mutex // guards queue, queued and writing
	queue   []outgoing
	queued  int           // bytes in queue, boards shared with other clients aside
	writing bool          // someone is writing a frame; what is queued meanwhile waits for the next
	done    stdsync.Cond  // signalled when writing ends; on mu
	wake    chan struct{} // one slot: run has something to do

	pingDue atomic.Bool // set by the ping timer: run sends a ping
	// checkDue is set by the check timer, armed while probes are
	// outstanding: run checks them even if nothing is written (a client
	// that stops reading a large welcome on a quiet board).
	checkDue   atomic.Bool
	checkArmed atomic.Bool
	checkTimer *time.Timer // made on first use; by whoever holds writing, stopped by run

	closeOnce stdsync.Once
	quit      chan struct{} // closed by close: run sends a close frame and stops
	closeCode int           // written once, before quit is closed
	closeText string
	// readerDone is closed when the connection's reader has stopped; run
	// waits for it, briefly, after sending a close frame.
	readerDone <-chan struct{}

	spare  []outgoing // a queue to swap in, used by whoever holds writing
	probes probes     // how far behind the client reads; used by whoever holds writing
}

// outgoing is one entry of the queue: a message, or several that belong
// together in this order (a resuming client's welcome and the operations
// it missed; a round of the fan-out).
type outgoing struct {
	msg []byte
	// board, if set, is an encoded board that completes msg: msg is a
	// welcome's head, which ends in `"board":`, and the message is msg,
	// board and a closing brace. Every client joining a board at one
	// version shares the board's bytes; nobody copies them.
	board  []byte
	more   [][]byte // messages after this one, if any
	queued int64    // monotonic nanoseconds (see monotonic): 8 bytes, not time.Time's 24
}

// size is the entry's bytes in a frame, commas between messages included.
func (o *outgoing) size() int {
	n := len(o.msg)
	if o.board != nil {
		n += len(o.board) + 1
	}
	for _, m := range o.more {
		n += 1 + len(m)
	}
	return n
}

func newWriter(sock *socket, ws *websocket.Conn, lim *Limits, m *Metrics, readerDone <-chan struct{}) *writer {
	w := &writer{
		sock: sock, ws: ws, lim: lim, metrics: m, readerDone: readerDone,
		wake: make(chan struct{}, 1), quit: make(chan struct{}),
	}
	w.done.L = &w.mu
	return w
}

// checkSoon arms the check timer to fire after d; the timer is made on
// first use, since most clients never get a large message.
func (w *writer) checkSoon(d time.Duration) {
	if w.checkTimer == nil {
		w.checkTimer = time.AfterFunc(d, func() {
			w.checkArmed.Store(false)
			w.checkDue.Store(true)
			w.wakeUp()
		})
		return
	}
	w.checkTimer.Reset(d)
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

// sendWelcome hands over a welcome with the whole board: head is the
// welcome without its last byte and with `,"board":` added, board the
// board's encoding, which clients joining at the same version share.
func (w *writer) sendWelcome(head, board []byte) {
	w.sendOut(outgoing{msg: head, board: board}, wakeWriter)
}

func (w *writer) sendOut(o outgoing, mode sendMode) {
	o.queued = monotonic()
	bytes := o.size() - len(o.board)
	w.mu.Lock()
	if w.queued+bytes > w.lim.SendQueueBytes && len(w.queue) > 0 {
		w.mu.Unlock()
		w.tooSlow(slowQueue)
		return
	}
	w.queued += bytes
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

// tooSlow disconnects a client that has fallen behind: it did not
// acknowledge what it was sent in time (see backlog), did not take a chunk
// of a frame within SlowAfter, or let its queue grow past SendQueueBytes.
// It may reconnect and resume from the last version it saw.
func (w *writer) tooSlow(reason string) {
	if w.closing() {
		return
	}
	w.metrics.SlowDisconnects.WithLabelValues(reason).Inc()
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
	var batch []outgoing
	if len(w.queue) <= maxFrameMessages {
		batch = w.queue
		w.queue = w.spare[:0]
	} else {
		batch = append(w.spare[:0], w.queue[:maxFrameMessages]...)
		n := copy(w.queue, w.queue[maxFrameMessages:])
		clear(w.queue[n:])
		w.queue = w.queue[:n]
	}
	w.spare = nil
	for i := range batch {
		w.queued -= batch[i].size() - len(batch[i].board)
	}
	return batch
}

// putBack returns a batch that could not be written at once to the head of
// the queue, ahead of what was queued meanwhile.
func (w *writer) putBack(batch []outgoing) {
	w.mu.Lock()
	for i := range batch {
		w.queued += batch[i].size() - len(batch[i].board)
	}
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
		w.stopCheckTimer()
		w.ws.Close()
	}()
	for range w.wake {
		if w.closing() {
			w.goodbye()
			return
		}
		if w.checkDue.Swap(false) && w.acquire(false) {
			// A writer busy writing checks for itself when it is done.
			reason := w.checkProbes(time.Now(), true)
			w.release(nil)
			if reason != "" {
				w.tooSlow(reason)
				continue
			}
		}
		if w.pingDue.Swap(false) {
			ping.Reset(w.lim.PingPeriod)
			if err := w.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(w.lim.WriteWait)); err != nil {
				w.close(websocket.CloseAbnormalClosure, "")
				return
			}
			// A client that stopped reading on a quiet board is found
			// here, since no frame is written to it that would.
			if w.acquire(false) {
				reason := w.checkProbes(time.Now(), false)
				w.release(nil)
				if reason != "" {
					w.tooSlow(reason)
					continue
				}
			}
		}
		if err := w.flush(false); err != nil {
			var slow errTooSlow
			switch {
			case errors.As(err, &slow):
				w.tooSlow(slow.reason)
			case errors.Is(err, os.ErrDeadlineExceeded):
				w.tooSlow(slowStalled)
			default:
				w.close(websocket.CloseAbnormalClosure, "")
			}
			return
		}
	}
}

// Why a client was found too slow, as the slow-client metric names it.
const (
	slowUnanswered = "unanswered" // it answered no probe for SlowAfter (see probes)
	slowOverdue    = "overdue"    // a probe went unanswered past its due time
	slowStalled    = "stalled"    // a write was not taken within SlowAfter
	slowQueue      = "queue"      // more than SendQueueBytes waited for it
)

// stopCheckTimer stops the check timer, if it was ever made, once run is
// done: whoever held writing last has let go by then.
func (w *writer) stopCheckTimer() {
	w.acquire(true)
	if w.checkTimer != nil {
		w.checkTimer.Stop()
	}
	w.release(nil)
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
		err := w.sock.finishFrame(w.lim.SlowAfter)
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
// for the client's own close. A client too slow gets the close frame only
// if its socket takes it within a second: usually the socket is full,
// and the client sees the connection end without one (1006).
func (w *writer) goodbye() {
	if w.closeCode == websocket.CloseAbnormalClosure {
		return // the socket is broken; nothing more gets through
	}
	wait := w.lim.WriteWait
	if w.closeCode == CloseTooSlow {
		wait = closeGrace
	} else {
		w.flush(true)
	}
	w.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(w.closeCode, w.closeText), time.Now().Add(wait))
	select {
	case <-w.readerDone:
	case <-time.After(closeGrace):
	}
}

// writeFrame sends a batch of queued messages as one message: a JSON
// array. Up to maxCopyFrame it is assembled, header included, in the
// writer's buffer and written whole, with one system call where the socket
// allows, a probe ping after it now and then (see probes). A larger one (a
// welcome with a large board) is written from its pieces, which are not
// copied, in fragments of fragmentSize, each followed by a probe: so the
// writer sees the client read it. With nonBlocking it writes only a small
// frame, and only if the socket takes at least part of it at once (the
// rest waits in the socket for the goroutine); otherwise it reports an
// error. Then it checks that the client keeps up. The caller holds writing
// and sock.mu.
func (w *writer) writeFrame(batch []outgoing, nonBlocking bool) error {
	if len(batch) == 0 {
		return nil
	}
	size := frameSize(batch)
	now := time.Now()
	p := &w.probes
	switch {
	case size <= maxCopyFrame:
		buf := frameBufs.Get().(*[]byte)
		frame := textFrame(appendFrame((*buf)[:0], batch))
		withProbe := p.wanted(now)
		if withProbe {
			frame = appendPing(frame, p.next+1)
		}
		var err error
		if nonBlocking {
			if !w.sock.tryWrite(frame) {
				err = errWouldBlock
			}
		} else {
			w.sock.renewDeadline(w.lim.SlowAfter)
			_, err = w.sock.Conn.Write(frame)
		}
		if cap(frame) <= 2*maxCopyFrame { // a large one is left to the collector
			*buf = frame
			frameBufs.Put(buf)
		}
		if err != nil {
			return err
		}
		p.sent += int64(size - maxHeader)
		if withProbe {
			p.add(now, w.lim.SlowAfter)
		}
	case nonBlocking:
		return errWouldBlock
	default:
		if err := w.writeFragments(batch, size-maxHeader); err != nil {
			return err
		}
	}
	sent := monotonic()
	for _, o := range batch {
		d := time.Duration(sent - o.queued).Seconds()
		for range 1 + len(o.more) {
			w.metrics.Delivery.Observe(d)
		}
	}
	if reason := w.checkProbes(now, false); reason != "" {
		w.tooSlow(reason)
	}
	return nil
}

// checkProbes checks the probes. With arm, it also arms the check timer
// for when they must be checked next if some are outstanding: after a
// large message, the last thing written to a client on a quiet board may
// be its welcome, and nothing else would find out that it stopped reading
// it. After small frames the next frame checks, or the keep-alive ping: a
// timer per client and frame would wake thousands of writers a second.
// The caller holds writing.
func (w *writer) checkProbes(now time.Time, arm bool) string {
	if reason := w.probes.check(now, w.lim.SlowAfter); reason != "" {
		return reason
	}
	if !arm {
		return ""
	}
	if at := w.probes.deadline(w.lim.SlowAfter); !at.IsZero() && w.checkArmed.CompareAndSwap(false, true) {
		w.checkSoon(at.Sub(now) + time.Millisecond)
	}
	return ""
}

// writeFragments writes a large message, of n payload bytes, in fragments
// of fragmentSize, each with a probe after it, and each of which the socket
// must take within SlowAfter. Between fragments it checks the probes, so a
// client that stops reading half-way is found out while the rest is still
// to be written. The caller holds writing and sock.mu.
func (w *writer) writeFragments(batch []outgoing, n int) error {
	pieces := payloadPieces(batch)
	p := &w.probes
	for off, first := 0, true; off < n; first = false {
		size := min(fragmentSize, n-off)
		op := byte(opContinuation)
		if first {
			op = opText
		}
		if off+size == n {
			op |= finalFragment
		}
		bufs := net.Buffers{frameHeader(op, size)}
		bufs, pieces = takePieces(bufs, pieces, size)
		bufs = append(bufs, appendPing(nil, p.next+1))
		if err := w.sock.writeBuffers(bufs, w.lim.SlowAfter); err != nil {
			return err
		}
		off += size
		now := time.Now()
		p.sent += int64(size)
		p.add(now, w.lim.SlowAfter)
		if reason := w.checkProbes(now, true); reason != "" {
			return errTooSlow{reason}
		}
	}
	return nil
}

// errTooSlow is a write given up because the client is too slow.
type errTooSlow struct{ reason string }

func (e errTooSlow) Error() string { return "the client is too slow (" + e.reason + ")" }

// takePieces moves the first n bytes of pieces to bufs, cutting a piece if
// need be, and returns both.
func takePieces(bufs, pieces net.Buffers, n int) (net.Buffers, net.Buffers) {
	for n > 0 {
		b := pieces[0]
		if len(b) > n {
			bufs = append(bufs, b[:n])
			pieces[0] = b[n:]
			return bufs, pieces
		}
		bufs = append(bufs, b)
		n -= len(b)
		pieces = pieces[1:]
	}
	return bufs, pieces
}

// fragmentSize is how much of a large message goes in one WebSocket frame,
// with a probe after it: 64 KiB takes a second at minRate.
const fragmentSize = 64 << 10

// minRate is the slowest rate, in bytes a second, at which a client may
// read a large message (a welcome with a large board) without being taken
// for a client that stopped: 64 KiB/s, a slow mobile connection.
const minRate = 64 << 10

// maxCopyFrame is the largest message assembled in a frame buffer; larger
// ones are written from their pieces.
const maxCopyFrame = 64 << 10

// frameBufs holds the buffers frames are assembled in. They are shared
// rather than one per writer because most clients sit idle most of the
// time: 10,000 clients on one board each kept a 4-5 KB buffer of the last
// frame they were sent, about a seventh of what an idle connection costs.
// A frame is written before its buffer goes back (tryWrite copies what the
// socket did not take).
var frameBufs = stdsync.Pool{New: func() any { return new([]byte) }}

// payloadPieces returns a message's payload as pieces to write one after
// the other, the batch's messages not copied.
func payloadPieces(batch []outgoing) net.Buffers {
	bufs := net.Buffers{{'['}}
	for i, o := range batch {
		if i > 0 {
			bufs = append(bufs, comma)
		}
		bufs = append(bufs, o.msg)
		if o.board != nil {
			bufs = append(bufs, o.board, closeBrace)
		}
		for _, m := range o.more {
			bufs = append(bufs, comma, m)
		}
	}
	return append(bufs, []byte{']'})
}

var (
	comma      = []byte{','}
	closeBrace = []byte{'}'}
)

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
		if o.board != nil {
			buf = append(append(buf, o.board...), '}')
		}
		for _, m := range o.more {
			buf = append(append(buf, ','), m...)
		}
	}
	return append(buf, ']')
}

// frameSize is the length of the frame appendFrame would make, with
// maxHeader bytes for the header.
func frameSize(batch []outgoing) int {
	n := maxHeader + 2 + len(batch) - 1
	for i := range batch {
		n += batch[i].size()
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
