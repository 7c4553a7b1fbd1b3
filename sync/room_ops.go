package sync

import (
	"encoding/json"

	"corkboard/board"
)

// applyBurst applies an operation and whatever else is already waiting, so
// that a burst goes to the log as one append.
func (r *room) applyBurst(req opRequest) {
	r.apply(req)
	for range 256 {
		select {
		case req := <-r.ops:
			r.apply(req)
		default:
			return
		}
	}
}

// apply puts one operation in order: it applies it to the board, sends it to
// every client (the sender too, so everyone sees the same sequence of
// versions), and hands it to the appender. The sender's ack waits until
// the log has it.
func (r *room) apply(req opRequest) {
	c := req.conn
	if _, ok := r.conns[c]; !ok {
		return // the connection left while this waited
	}
	if last := r.board.Clients[c.key]; req.seq <= last {
		// A resend of an operation already applied (or a seq at or below
		// one that was): acknowledge it again once everything up to now is
		// durable, and change nothing.
		r.hub.metrics.OpsDuplicate.Inc()
		r.acks = append(r.acks, pendingAck{conn: c, seq: req.seq, version: r.board.Version, duplicate: true, received: req.received})
		r.sendAcks()
		return
	}
	st := board.Stamp{
		Version: r.board.Version + 1, At: r.hub.now().UTC(), Author: c.name, AuthorID: c.participant,
		Client: c.key, Seq: req.seq,
	}
	if err := board.Apply(r.board, req.op, st, r.hub.boardLim); err != nil {
		r.hub.metrics.OpsRejected.Inc()
		c.out.send(rejectMessage(req.seq, err), direct)
		c.answered()
		return
	}
	r.hub.metrics.OpsAccepted.Inc()
	entry := mustJSON(Entry{Version: st.Version, At: st.At, Author: st.Author, AuthorID: st.AuthorID, Client: c.client, Seq: req.seq, Op: req.op})
	r.appender.add(Record{Version: st.Version, Data: entry})
	msg := opMessage(entry)
	r.window.add(logged{version: st.Version, at: st.At, msg: msg})
	r.broadcast(msg, c)
	r.acks = append(r.acks, pendingAck{conn: c, seq: req.seq, version: st.Version, received: req.received})
	r.snapshots.since++
	r.lastActive = st.At
}

// broadcast sends an op message to every client of the room: from the
// room's own goroutine in a small room, through the fan-out in a large one.
// In a small room the sender's copy goes lazily, with its ack.
func (r *room) broadcast(msg []byte, sender *conn) {
	if r.fan != nil {
		r.fan.broadcast(msg)
		return
	}
	for c := range r.conns {
		if c == sender {
			c.out.send(msg, lazily)
		} else {
			c.out.send(msg, direct)
		}
	}
}

// resizeFanout starts the fan-out when the room has grown large and stops
// it when it has shrunk (see fanoutFrom).
func (r *room) resizeFanout() {
	switch n := len(r.conns); {
	case r.fan == nil && n >= fanoutFrom:
		r.fan = newFanout(r.conns)
	case r.fan != nil && n < fanoutUntil:
		r.stopFanout()
	}
}

// stopFanout waits for the fan-out to send what it was given, so that
// what the room writes itself from now on comes after it.
func (r *room) stopFanout() {
	if r.fan != nil {
		r.fan.stop()
		r.fan = nil
	}
}

// sendAcks acknowledges every waiting operation whose version is durable.
func (r *room) sendAcks() {
	now := r.hub.now()
	i := 0
	for ; i < len(r.acks) && r.acks[i].version <= r.appender.durable; i++ {
		a := r.acks[i]
		a.conn.out.send(mustJSON(ackMsg{Type: typeAck, Seq: a.seq, Version: a.version, Duplicate: a.duplicate}), direct)
		a.conn.answered()
		r.hub.metrics.Ack.Observe(now.Sub(a.received).Seconds())
	}
	clear(r.acks[:i])
	r.acks = r.acks[i:]
}

// join adds a connection and sends its welcome: the operations it missed,
// if it can resume, or the whole board.
func (r *room) join(j joinRequest) {
	c := j.conn
	if len(r.conns) >= r.hub.lim.MaxConnsPerBoard {
		c.out.close(CloseBoardFull, "this board has too many people on it; try again later")
		return
	}
	p := &peer{info: peerInfo{ID: c.peerID, Participant: c.participant, Name: j.hello.name, Color: j.hello.color}}
	peers := make([]peerInfo, 0, len(r.conns))
	for _, q := range r.conns {
		peers = append(peers, q.info)
	}
	r.conns[c] = p
	r.presence.joined = append(r.presence.joined, p.info)
	r.lastActive = r.hub.now()

	w := welcomeMsg{
		Type: typeWelcome, Epoch: r.epochs[len(r.epochs)-1].Name, Version: r.board.Version, You: c.peerID,
		Participant: c.participant, Peers: peers, Limits: r.wireLimits(),
	}
	if missed, ok := r.missed(j.hello.epoch, j.hello.since); ok {
		w.Resumed = true
		c.out.sendMany(append([][]byte{mustJSON(w)}, missed...), wakeWriter)
	} else {
		c.out.send(r.welcomeWithBoard(w), wakeWriter)
	}
	// Only now does the connection get broadcasts, after its welcome.
	if r.fan != nil {
		r.fan.join(c)
	}
	r.resizeFanout()
}

// missed returns the op messages after version since, for a client that
// saw the board up to since in the given epoch, if it can resume: the
// epoch is one of the board's recent ones, since is a version of it that
// the log still holds as the client saw it, and the operations after it
// are in the resume window.
func (r *room) missed(epoch string, since uint64) ([][]byte, bool) {
	if epoch == "" {
		return nil, false
	}
	for i, e := range r.epochs {
		if e.Name != epoch {
			continue
		}
		// Versions of an earlier epoch are the log's up to where the next
		// epoch began; past that they may have been lost and handed out
		// again. The current epoch's are all this room's.
		end := r.board.Version
		if i+1 < len(r.epochs) {
			end = r.epochs[i+1].First - 1
		}
		if since+1 < e.First || since > end {
			return nil, false
		}
		return r.window.since(since, r.board.Version)
	}
	return nil, false
}

// welcomeWithBoard encodes a welcome holding the whole board, reusing the
// board's encoding while the version stays the same: when a class of thirty
// joins at once, the board is encoded once.
func (r *room) welcomeWithBoard(w welcomeMsg) []byte {
	if r.boardJSON == nil || r.boardJSONv != r.board.Version {
		r.boardJSON = mustJSON(r.board.Public())
		r.boardJSONv = r.board.Version
	}
	head := mustJSON(w)
	msg := make([]byte, 0, len(head)+len(r.boardJSON)+10)
	msg = append(msg, head[:len(head)-1]...)
	msg = append(msg, `,"board":`...)
	msg = append(msg, r.boardJSON...)
	return append(msg, '}')
}

func (r *room) wireLimits() wireLimits {
	b, s := r.hub.boardLim, r.hub.lim
	return wireLimits{
		MaxTextRunes: b.MaxTextRunes, MaxTitleRunes: b.MaxTitleRunes, MaxNotes: b.MaxNotes,
		MaxBatchOps: b.MaxBatchOps, MaxCoord: b.MaxCoord, MinSize: b.MinSize, MaxSize: b.MaxSize,
		MaxMessage: s.MaxMessageBytes, OpsPerSecond: s.OpsPerSecond, MaxInFlight: s.MaxInFlight,
		Palette: board.Palette,
	}
}

func (r *room) leave(c *conn) {
	p, ok := r.conns[c]
	if !ok {
		return
	}
	delete(r.conns, c)
	if r.fan != nil {
		r.fan.leave(c)
	}
	r.resizeFanout()
	r.presence.left = append(r.presence.left, p.info.ID)
	r.lastActive = r.hub.now()
}

func (r *room) moveCursor(u cursorUpdate) {
	p, ok := r.conns[u.conn]
	if !ok {
		return
	}
	if u.cursor.hidden {
		p.info.X, p.info.Y = nil, nil
	} else {
		x, y := u.cursor.x, u.cursor.y
		p.info.X, p.info.Y = &x, &y
	}
	p.info.Editing = u.cursor.editing
	p.dirty = true
	r.presence.cursorsDirty = true
}

// sendPresence sends the joins, leaves and cursor moves since the last tick
// to everyone, as one message encoded once.
func (r *room) sendPresence() {
	pr := &r.presence
	if !pr.news() {
		return
	}
	m := presenceMsg{Type: typePresence, Joined: pr.joined, Left: pr.left}
	if pr.cursorsDirty {
		for _, p := range r.conns {
			if p.dirty {
				m.Cursors = append(m.Cursors, p.info)
				p.dirty = false
			}
		}
	}
	msg := mustJSON(m)
	for c := range r.conns {
		c.out.send(msg, wakeWriter)
	}
	pr.joined, pr.left, pr.cursorsDirty = nil, nil, false
}

// publicBoard answers Hub.Board: a copy of what clients may see.
func (r *room) publicBoard() *board.Board { return r.board.Public().Clone() }

func rejectMessage(seq uint64, err error) []byte {
	return mustJSON(rejectMsg{Type: typeReject, Seq: seq, Code: board.ErrorCode(err), Message: board.ErrorMessage(err)})
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		// Only our own message types reach here; they always encode.
		panic("sync: encoding a message: " + err.Error())
	}
	return data
}
