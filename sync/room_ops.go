package sync

import (
	"bytes"
	"encoding/json"
	"slices"

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
		Client: c.key, Seq: req.seq, Role: c.role,
	}
	if r.board.Moderation.Names == board.NamesNone {
		st.Author = "" // not kept: neither on the board nor in its log
	}
	var (
		op     board.Op
		copies board.Copies
		err    error
	)
	if votes(req.op) && c.participant == "" {
		err = board.Errorf(board.EForbidden, "voting and reacting need a participant: send one in the hello")
	} else {
		op, copies, err = board.Order(r.board, req.op, st, r.hub.boardLim)
	}
	if err != nil {
		r.hub.metrics.OpsRejected.Inc()
		c.out.send(rejectMessage(req.seq, err), direct)
		c.answered()
		return
	}
	r.hub.metrics.OpsAccepted.Inc()
	if s := r.stage.info.Spotlight; s != "" && r.board.Deleted[s] {
		r.stage.info.Spotlight = "" // the note in the spotlight is gone
		r.presence.stageDirty = true
	}
	e := Entry{Version: st.Version, At: st.At, Author: st.Author, AuthorID: st.AuthorID, Role: st.Role,
		Client: c.client, Seq: req.seq, Op: op}
	if copies.Secret() {
		e.Others = &Withheld{Op: copyOrNil(copies.Others, copies.OthersDiffer), Anonymous: copies.Anonymous, Nameless: copies.OthersNameless}
		if copies.StaffDiffer != copies.OthersDiffer || copies.StaffDiffer && !sameOp(copies.Staff, copies.Others) ||
			copies.StaffNameless != copies.OthersNameless {
			e.Staff = &Withheld{Op: copyOrNil(copies.Staff, copies.StaffDiffer), Anonymous: copies.Anonymous, Nameless: copies.StaffNameless}
		}
		for _, p := range copies.Personal {
			// The sender keeps the whole envelope: its page settles its
			// own operation by its client and seq.
			nameless := p.Participant != st.AuthorID && (p.Staff && copies.StaffNameless || !p.Staff && copies.OthersNameless)
			e.Personal = append(e.Personal, Withheld{Op: &p.Op, Nameless: nameless, Participant: p.Participant, Staff: p.Staff})
		}
	}
	record, l := logEntry(e, c)
	r.appender.add(Record{Version: st.Version, Data: record})
	r.window.add(l)
	r.broadcast(l, c)
	r.acks = append(r.acks, pendingAck{conn: c, seq: req.seq, version: st.Version, received: req.received})
	r.snapshots.since++
	r.keeper.changed(st.At)
	r.lastActive = st.At
}

// broadcast sends an op message to every client of the room: from the
// room's own goroutine in a small room, through the fan-out in a large one.
// In a small room the sender's copy goes lazily, with its ack.
func (r *room) broadcast(l logged, sender *conn) {
	if r.fan != nil {
		r.fan.broadcastLogged(l)
		return
	}
	for c := range r.conns {
		if c == sender {
			c.out.send(l.msgFor(c), lazily)
		} else {
			c.out.send(l.msgFor(c), direct)
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
	if r.replaced[c.link] {
		c.out.close(CloseLinkReplaced, "This link was replaced by the board's owner.")
		return
	}
	if len(r.conns) >= r.hub.lim.MaxConnsPerBoard {
		c.out.close(CloseBoardFull, "this board has too many people on it; try again later")
		return
	}
	p := &peer{info: peerInfo{ID: c.peerID, Participant: c.participant, Role: c.role, Name: j.hello.name, Color: j.hello.color,
		Hand: r.stage.hands[handKey(c)]}}
	pr := &r.presence
	peers := make([]peerInfo, 0, len(pr.listed))
	for _, q := range pr.listed {
		peers = append(peers, r.peerFor(c, q.info))
	}
	r.conns[c] = p
	if r.stage.join(c) && p.info.Hand != "" {
		pr.handsDirty = true // a hand that was up is back on the board
	}
	if len(pr.listed) < presenceListMax {
		pr.listed[c] = p
		pr.joined = append(pr.joined, p.info)
	}
	pr.countDirty = true
	r.lastActive = r.hub.now()

	w := welcomeMsg{
		Type: typeWelcome, Epoch: r.epochs[len(r.epochs)-1].Name, Version: r.board.Version, You: c.peerID,
		Participant: c.participant, Role: c.role, Now: r.hub.now().UTC(), Peers: peers, Count: len(r.conns),
		Hand: p.info.Hand, Limits: r.wireLimits(),
	}
	if r.stage.presenter != nil {
		info := r.stage.info
		w.Stage = &info
	}
	if h := r.hands(); h.Raised+h.Done > 0 {
		w.Hands = &h
	}
	if missed, ok := r.missed(j.hello.epoch, j.hello.since, c); ok {
		w.Resumed = true
		c.out.sendMany(append([][]byte{mustJSON(w)}, missed...), wakeWriter)
	} else {
		head := mustJSON(w)
		c.out.sendWelcome(append(head[:len(head)-1], `,"board":`...), r.encodedBoardFor(c))
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
func (r *room) missed(epoch string, since uint64, c *conn) ([][]byte, bool) {
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
		return r.window.since(since, r.board.Version, c)
	}
	return nil, false
}

// encodedBoard returns the board as everyone may see it (board.View for
// nobody in particular), encoded once per version: when a class of thirty
// joins at once, the board is encoded once, and every welcome shares the
// bytes (see writer.sendWelcome).
func (r *room) encodedBoard() []byte {
	if r.boardJSON == nil || r.boardJSONv != r.board.Version {
		var buf bytes.Buffer
		buf.Grow(r.board.Size() + 256)
		if err := r.board.View("").WriteJSON(&buf); err != nil {
			panic("sync: encoding a board: " + err.Error()) // a board always encodes
		}
		r.boardJSON = buf.Bytes()
		r.boardJSONv = r.board.Version
	}
	return r.boardJSON
}

func (r *room) wireLimits() wireLimits {
	b, s := r.hub.boardLim, r.hub.lim
	return wireLimits{
		MaxTextRunes: b.MaxTextRunes, MaxTitleRunes: b.MaxTitleRunes, MaxNotes: b.MaxNotes, MaxBoardBytes: b.MaxBoardBytes,
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
	pr := &r.presence
	if _, listed := pr.listed[c]; listed {
		delete(pr.listed, c)
		pr.left = append(pr.left, p.info.ID)
	}
	pr.countDirty = true
	if r.stage.presenter == c {
		r.stopPresenting()
	}
	if r.stage.leave(c) && r.stage.hands[handKey(c)] != "" {
		pr.handsDirty = true // one fewer on the board with a hand up
	}
	r.lastActive = r.hub.now()
}

// moveCursor records a listed peer's cursor; others' cursors are not shown.
func (r *room) moveCursor(u cursorUpdate) {
	p, ok := r.presence.listed[u.conn]
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

// sendPresence sends the joins, leaves and cursor moves of listed peers
// since the last tick, and the count if it changed, to everyone, as one
// message encoded once; in a large room through the fan-out.
func (r *room) sendPresence() {
	pr := &r.presence
	now := r.hub.now()
	if !pr.news(now) {
		return
	}
	m := presenceMsg{Type: typePresence, Joined: pr.joined, Left: pr.left}
	if pr.countDirty {
		m.Count = len(r.conns)
		pr.countDirty = false
		pr.lastCount = now
	}
	if pr.cursorsDirty {
		for _, p := range pr.listed {
			if p.dirty {
				m.Cursors = append(m.Cursors, p.info)
				p.dirty = false
			}
		}
	}
	if pr.stageDirty {
		info := r.stage.info
		m.Stage = &info
	}
	if pr.handsDirty {
		h := r.hands()
		m.Hands = &h
	}
	l := logged{msg: mustJSON(m)}
	if mod := r.board.Moderation; !mod.NamesFor(false) && (len(m.Joined) > 0 || len(m.Cursors) > 0) {
		// Everyone but facilitators (when they see names) gets it
		// without the names of those taking part.
		full := l.msg
		m.Joined, m.Cursors = withoutPeerNames(m.Joined), withoutPeerNames(m.Cursors)
		l.msg = mustJSON(m)
		if mod.NamesFor(true) {
			l.secret = &secret{staff: full}
		}
	}
	if r.fan != nil {
		r.fan.broadcastLogged(l)
	} else {
		for c := range r.conns {
			c.out.send(l.msgFor(c), wakeWriter)
		}
	}
	pr.joined, pr.left, pr.cursorsDirty, pr.stageDirty, pr.handsDirty = nil, nil, false, false, false
}

// sendPeople answers a connection's who: everyone on the board.
func (r *room) sendPeople(c *conn) {
	if _, ok := r.conns[c]; !ok {
		return
	}
	m := peopleMsg{Type: typePeople, Count: len(r.conns), Peers: make([]peerInfo, 0, len(r.conns))}
	for _, p := range r.conns {
		info := r.peerFor(c, p.info)
		info.X, info.Y, info.Editing = nil, nil, ""
		m.Peers = append(m.Peers, info)
	}
	c.out.send(mustJSON(m), wakeWriter)
}

// closeLink closes the connections that came in with a link that was
// replaced, and turns away any that still come with it.
func (r *room) closeLink(link string, code int, text string) {
	if r.replaced == nil {
		r.replaced = map[string]bool{}
	}
	r.replaced[link] = true
	for c := range r.conns {
		if c.link == link {
			c.out.close(code, text)
		}
	}
}

// remove closes the connections of the person a facilitator removes: the
// peer named, and every other connection of the same participant.
func (r *room) remove(by *conn, peerID string) {
	if _, ok := r.conns[by]; !ok {
		return
	}
	if by.role != board.RoleFacilitate {
		by.out.send(errorMessage(board.Errorf(board.EForbidden, "only the board's facilitator can remove people")), wakeWriter)
		return
	}
	var target *peer
	for _, p := range r.conns {
		if p.info.ID == peerID {
			target = p
			break
		}
	}
	if target == nil {
		by.out.send(errorMessage(board.Errorf(board.ENotFound, "nobody with that id is on the board")), wakeWriter)
		return
	}
	for c, p := range r.conns {
		if p == target || (target.info.Participant != "" && p.info.Participant == target.info.Participant) {
			c.out.close(CloseRemoved, "The board's owner removed you from the board.")
		}
	}
}

// sameOp reports whether two copies of an operation encode alike.
func sameOp(a, b board.Op) bool { return bytes.Equal(mustJSON(a), mustJSON(b)) }

func rejectMessage(seq uint64, err error) []byte {
	return mustJSON(rejectMsg{Type: typeReject, Seq: seq, Code: board.ErrorCode(err), Message: board.ErrorMessage(err)})
}

// mustJSON encodes one of our own messages, which always encode. Characters
// special in HTML are not escaped: a frame is not HTML, and a note full of
// "<" would otherwise take six times its size on the wire.
func mustJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("sync: encoding a message: " + err.Error())
	}
	return buf.Bytes()[:buf.Len()-1] // without the encoder's newline
}

// peerFor returns what c is told of a peer: without their name and
// participant id when the board does not show c names (Moderation.Names),
// unless the peer facilitates (the teacher is no secret).
func (r *room) peerFor(c *conn, info peerInfo) peerInfo {
	if r.board.Moderation.NamesFor(c.staff()) {
		return info
	}
	return withoutPeerNames([]peerInfo{info})[0]
}

// withoutPeerNames returns peers without the names and participant ids of
// those who do not facilitate, nor the note they are typing in, which
// would tell whose it is to anyone who knew them before names were hidden.
func withoutPeerNames(peers []peerInfo) []peerInfo {
	out := slices.Clone(peers)
	for i := range out {
		if out[i].Role != board.RoleFacilitate {
			out[i].Name, out[i].Participant, out[i].Editing = "", "", ""
		}
	}
	return out
}

// copyOrNil returns an audience's copy of an operation to keep in its
// log entry, or nil when the copy is the operation itself.
func copyOrNil(op board.Op, differs bool) *board.Op {
	if !differs {
		return nil
	}
	return &op
}
