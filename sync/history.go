package sync

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	stdsync "sync"
	"time"
	"unicode"
	"unicode/utf8"

	"corkboard/board"
)

// History keeps the snapshots of a board that people go back to: the board
// as it was created, every KeepInterval of activity, when the last person
// left, and whenever someone names one ("End of lesson 3"). They are not
// the Log's snapshot, which only makes loading fast and is overwritten:
// kept snapshots stay until the board is deleted, and with the operations
// between them they give the board at any version (Hub.BoardAt), even
// after an operator drops old operations to save disk.
//
// boltstore.Store implements it in the same file as the log; MemHistory
// keeps it in memory, for tests. logtest.RunHistory is the conformance
// suite.
type History interface {
	// Keep stores a kept snapshot. Its ID must be new for the board.
	Keep(ctx context.Context, boardID string, k Kept) error
	// KeptList returns the board's kept snapshots without their data,
	// oldest version first (those of one version in the order kept).
	KeptList(ctx context.Context, boardID string) ([]Kept, error)
	// KeptSnapshot returns one kept snapshot with its data. It fails with
	// a *board.Error ENotFound if the board has none of that id.
	KeptSnapshot(ctx context.Context, boardID, id string) (Kept, error)
}

// Kept is one kept snapshot of a board.
type Kept struct {
	ID      string     `json:"id"`
	Name    string     `json:"name,omitempty"` // given by whoever kept it; empty for automatic ones
	Reason  KeptReason `json:"reason"`
	At      time.Time  `json:"at"`
	By      string     `json:"by,omitempty"` // the display name of whoever named it
	Version uint64     `json:"version"`
	Notes   int        `json:"notes"` // how many notes the board held
	// Data is the whole board (board.Board.MarshalJSON), private notes
	// included: what each person may see of it is decided when it is shown.
	Data []byte `json:"-"`
}

// KeptReason says why a snapshot was kept.
type KeptReason string

const (
	KeptCreated  KeptReason = "created"  // the board as it was created or imported
	KeptNamed    KeptReason = "named"    // someone kept it and named it
	KeptActivity KeptReason = "activity" // KeepInterval after the first change since the last one
	KeptLeft     KeptReason = "left"     // the last person left the board (and nobody came back for IdleTimeout)
	KeptOldest   KeptReason = "oldest"   // the board as it first loaded with no snapshot kept (boards from before history)
)

// MaxKeptNameRunes bounds a kept snapshot's name, and MaxNamedSnapshots
// how many named snapshots a board keeps: each is a whole copy of the
// board, and every editor may make them.
const (
	MaxKeptNameRunes  = 100
	MaxNamedSnapshots = 100
)

// newKept makes the kept snapshot of b (which the caller no longer
// changes) for a reason.
func newKept(b *board.Board, reason KeptReason, name, by string, at time.Time) (Kept, error) {
	data, err := b.MarshalJSON()
	if err != nil {
		return Kept{}, err
	}
	if b.Moderation.Names == board.NamesNone {
		by = "" // the board keeps no names
	}
	return Kept{ID: randomID(8), Name: name, Reason: reason, At: at.UTC(), By: by, Version: b.Version, Notes: len(b.Notes), Data: data}, nil
}

// MemHistory is a History in memory, safe for concurrent use.
type MemHistory struct {
	mu   stdsync.Mutex
	kept map[string][]Kept
}

var _ History = (*MemHistory)(nil)

// NewMemHistory returns an empty MemHistory.
func NewMemHistory() *MemHistory { return &MemHistory{kept: map[string][]Kept{}} }

// Keep implements History.
func (m *MemHistory) Keep(ctx context.Context, boardID string, k Kept) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	list := m.kept[boardID]
	if slices.ContainsFunc(list, func(o Kept) bool { return o.ID == k.ID }) {
		return board.Errorf(board.EConflict, "board %s has a snapshot %s already", boardID, k.ID)
	}
	k.Data = slices.Clone(k.Data)
	i, _ := slices.BinarySearchFunc(list, k.Version+1, func(o Kept, v uint64) int { return cmp.Compare(o.Version, v) })
	m.kept[boardID] = slices.Insert(list, i, k)
	return nil
}

// KeptList implements History.
func (m *MemHistory) KeptList(ctx context.Context, boardID string) ([]Kept, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Kept, 0, len(m.kept[boardID]))
	for _, k := range m.kept[boardID] {
		k.Data = nil
		out = append(out, k)
	}
	return out, nil
}

// KeptSnapshot implements History.
func (m *MemHistory) KeptSnapshot(ctx context.Context, boardID, id string) (Kept, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range m.kept[boardID] {
		if k.ID == id {
			k.Data = slices.Clone(k.Data)
			return k, nil
		}
	}
	return Kept{}, errNoKept(id)
}

func errNoKept(id string) error {
	return board.Errorf(board.ENotFound, "this board has no snapshot %q", id)
}

// keeper decides when a room keeps a snapshot in its history, and keeps
// it off the room's goroutine once every version it holds is durable (a
// kept snapshot, like the log's, is never ahead of the log).
type keeper struct {
	interval time.Duration
	every    int       // operations after which a snapshot is kept whatever the time
	ops      int       // operations since the last kept snapshot
	since    time.Time // when the first change since the last kept snapshot came; zero for none
	named    string    // the version and name of the last named snapshot taken, to refuse it again
	pending  []keepJob // taken, waiting for their versions to be durable, oldest first
	saving   bool
	results  chan keepResult
}

type keepJob struct {
	board  *board.Board // a copy the room no longer changes
	reason KeptReason
	name   string
	by     string
	at     time.Time
	reply  chan keepResult // for a named snapshot, whoever asked for it; nil otherwise
}

type keepResult struct {
	kept  Kept
	err   error
	reply chan keepResult
}

func newKeeper(lim Limits) keeper {
	return keeper{interval: lim.KeepInterval, every: lim.KeepEvery, results: make(chan keepResult, 1)}
}

// changed notes an applied operation.
func (k *keeper) changed(now time.Time) {
	if k.since.IsZero() {
		k.since = now
	}
	k.ops++
}

// take copies the board to keep it.
func (k *keeper) take(r *room, reason KeptReason, name, by string, reply chan keepResult) {
	k.pending = append(k.pending, keepJob{board: r.board.Clone(), reason: reason, name: name, by: by, at: r.hub.now(), reply: reply})
	k.since, k.ops = time.Time{}, 0
}

// maybeKeep takes a snapshot after KeepInterval of activity, or KeepEvery
// operations (which bounds what showing the board at a version between
// two snapshots replays), and saves the oldest taken one once its
// versions are durable.
func (k *keeper) maybeKeep(ctx context.Context, r *room, now time.Time) {
	if !k.since.IsZero() && (now.Sub(k.since) >= k.interval || k.ops >= k.every) {
		k.take(r, KeptActivity, "", "", nil)
	}
	if len(k.pending) == 0 || k.saving || k.pending[0].board.Version > r.appender.durable {
		return
	}
	job := k.pending[0]
	k.pending = k.pending[1:]
	k.saving = true
	go func() { k.results <- keep(ctx, r.hub.history, r.id, job) }()
}

func keep(ctx context.Context, h History, id string, job keepJob) keepResult {
	kept, err := newKept(job.board, job.reason, job.name, job.by, job.at)
	if err == nil {
		err = h.Keep(ctx, id, kept)
	}
	kept.Data = nil
	return keepResult{kept: kept, err: err, reply: job.reply}
}

// saved takes the result of a keep. A failed automatic one loses nothing
// but a point to go back to; a named one tells whoever asked.
func (k *keeper) saved(r *room, res keepResult) {
	k.saving = false
	if res.err != nil {
		r.hub.logger.Warn("keeping a snapshot failed", "board", r.id, "err", res.err)
	}
	if res.reply != nil {
		res.reply <- res
	}
}

// finish keeps what is due in a room that is stopping, whose appender has
// written everything: the board as it is, if it changed since the last
// kept snapshot, and anything taken. Named snapshots still waiting are
// answered. A board that everyone left unloads after IdleTimeout, so
// "when the last person left" is kept here, once, and not each time a
// lone teacher reloads the page.
func (k *keeper) finish(ctx context.Context, r *room, reason KeptReason) {
	if k.saving {
		k.saved(r, <-k.results)
	}
	if !k.since.IsZero() {
		k.take(r, reason, "", "", nil)
	}
	for _, job := range k.pending {
		k.saved(r, keep(ctx, r.hub.history, r.id, job))
	}
	k.pending = nil
}

// KeepSnapshot keeps the board a link leads to, as it is now, in its
// history under a name, once every change it holds is durable, and
// returns it (without data). by is the display name of whoever asked.
// Editors and facilitators keep snapshots; a view link may not.
func (h *Hub) KeepSnapshot(ctx context.Context, a Access, name, by string) (Kept, error) {
	if !a.Role.Can(board.RoleEdit) {
		return Kept{}, board.Errorf(board.EForbidden, "This link can only view the board; keeping a snapshot needs a link that edits.")
	}
	if err := checkKeptName(name); err != nil {
		return Kept{}, err
	}
	if err := h.boardLim.CheckAuthor(by); err != nil {
		return Kept{}, err
	}
	kept, err := h.history.KeptList(ctx, a.BoardID)
	if err != nil {
		return Kept{}, err
	}
	named := 0
	for _, k := range kept {
		if k.Reason == KeptNamed {
			named++
		}
	}
	if named >= MaxNamedSnapshots {
		return Kept{}, board.Errorf(board.ETooLarge, "this board has %d named snapshots, as many as a board keeps", named)
	}
	r, err := h.acquire(ctx, a.BoardID)
	if err != nil {
		return Kept{}, err
	}
	defer h.release(r)
	reply := make(chan keepResult, 1)
	select {
	case r.requests <- func() {
		// A second click, or a second person asking for the same name,
		// keeps no second copy.
		key := fmt.Sprintf("%d %s", r.board.Version, name)
		if r.keeper.named == key {
			reply <- keepResult{err: board.Errorf(board.EConflict, "this snapshot was kept already: the board has not changed since")}
			return
		}
		r.keeper.named = key
		r.keeper.take(r, KeptNamed, name, by, reply)
	}:
	case <-r.done:
		return Kept{}, errShuttingDown
	case <-ctx.Done():
		return Kept{}, ctx.Err()
	}
	select {
	case res := <-reply:
		return res.kept, res.err
	case <-r.done:
		// A stopping room answers what it took (keeper.finish).
		select {
		case res := <-reply:
			return res.kept, res.err
		default:
			return Kept{}, errShuttingDown
		}
	case <-ctx.Done():
		return Kept{}, ctx.Err()
	}
}

func checkKeptName(name string) error {
	n := 0
	for _, c := range name {
		n++
		if unicode.IsControl(c) {
			return board.Errorf(board.EInvalid, "a snapshot's name is one line of text")
		}
	}
	if !utf8.ValidString(name) {
		return board.Errorf(board.EInvalid, "a snapshot's name is not valid UTF-8")
	}
	switch {
	case n == 0:
		return board.Errorf(board.EInvalid, "give the snapshot a name")
	case n > MaxKeptNameRunes:
		return board.Errorf(board.EInvalid, "a snapshot's name is at most %d characters; this one has %d", MaxKeptNameRunes, n)
	}
	return nil
}

// BoardHistory is what Hub.History tells of a board's past.
type BoardHistory struct {
	// Start is the oldest version the board can be shown at with every
	// version after it: replay begins there. Older versions are kept only
	// as the snapshots kept of them.
	Start     uint64 `json:"start"`
	Last      uint64 `json:"last"`      // the board's newest durable version
	Snapshots []Kept `json:"snapshots"` // newest first, without data
}

// History returns a board's kept snapshots and the versions it can be
// shown at, to a facilitator (staff) or not: without who kept them when
// the board does not show them names.
func (h *Hub) History(ctx context.Context, id string, staff bool) (BoardHistory, error) {
	last, names, err := h.durableNames(ctx, id, staff)
	if err != nil {
		return BoardHistory{}, err
	}
	kept, err := h.history.KeptList(ctx, id)
	if err != nil {
		return BoardHistory{}, err
	}
	start, err := h.historyStart(ctx, id, kept, last)
	if err != nil {
		return BoardHistory{}, err
	}
	slices.Reverse(kept)
	if !names {
		for i := range kept {
			kept[i].By = ""
		}
	}
	return BoardHistory{Start: start, Last: last, Snapshots: kept}, nil
}

// inRoom runs f on the board's room goroutine and waits for it.
func (h *Hub) inRoom(ctx context.Context, id string, f func(r *room)) error {
	r, err := h.acquire(ctx, id)
	if err != nil {
		return err
	}
	defer h.release(r)
	done := make(chan struct{})
	select {
	case r.requests <- func() { f(r); close(done) }:
	case <-r.done:
		return h.stoppedErr(ctx, id)
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-r.done:
		return h.stoppedErr(ctx, id)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// historyStart is BoardHistory.Start: the oldest snapshot (kept, or the
// log's) from which the log holds every record.
func (h *Hub) historyStart(ctx context.Context, id string, kept []Kept, last uint64) (uint64, error) {
	first := last + 1 // the log's first record
	recs, err := h.log.Read(ctx, id, 1, 1)
	if err != nil {
		return 0, err
	}
	if len(recs) > 0 {
		first = recs[0].Version
	}
	for _, k := range kept {
		if k.Version+1 >= first {
			return k.Version, nil
		}
	}
	snap, err := h.log.Snapshot(ctx, id)
	if err != nil {
		return 0, err
	}
	return snap.Version, nil
}

// BoardAt returns the board as it was at a version, as everyone may see it
// (board.View for nobody in particular): from the newest snapshot at or
// before it, kept or the log's, and the operations after. When the board
// no longer shows everyone names, nor does its past.
func (h *Hub) BoardAt(ctx context.Context, id string, version uint64) (*board.Board, error) {
	last, names, err := h.durableNames(ctx, id, false)
	if err != nil {
		return nil, err
	}
	if version > last {
		return nil, board.Errorf(board.ENotFound, "the board has no version %d yet; it is at version %d", version, last)
	}
	kept, err := h.history.KeptList(ctx, id)
	if err != nil {
		return nil, err
	}
	var base []byte
	var baseVersion uint64
	found := false
	if snap, err := h.log.Snapshot(ctx, id); err != nil {
		return nil, err
	} else if snap.Version <= version {
		base, baseVersion, found = snap.Data, snap.Version, true
	}
	for i := len(kept) - 1; i >= 0; i-- {
		k := kept[i]
		if k.Version > version || (found && k.Version <= baseVersion) {
			continue
		}
		full, err := h.history.KeptSnapshot(ctx, id, k.ID)
		if err != nil {
			return nil, err
		}
		base, baseVersion, found = full.Data, full.Version, true
		break
	}
	if !found {
		return nil, errVersionGone(version)
	}
	b, err := board.DecodeBoard(base, h.boardLim)
	if err != nil {
		return nil, fmt.Errorf("board %s: snapshot at version %d: %w", id, baseVersion, err)
	}
	// A page at a time, so that memory stays a page's whatever the
	// distance (the keeper keeps a snapshot every KeepEvery operations,
	// which bounds it).
	for b.Version < version {
		recs, err := h.log.Read(ctx, id, b.Version+1, int(min(version-b.Version, replayPage)))
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 || recs[0].Version != b.Version+1 {
			return nil, errVersionGone(version)
		}
		for _, rec := range recs {
			e, err := decodeEntry(rec)
			if err != nil {
				return nil, fmt.Errorf("board %s: %w", id, err)
			}
			if err := board.Apply(b, e.Op, e.Stamp(), h.boardLim); err != nil {
				return nil, fmt.Errorf("board %s: replaying record %d: %w", id, rec.Version, err)
			}
		}
	}
	if !names {
		return b.View("").WithoutNames(), nil
	}
	return b.View(""), nil
}

// durableNames returns the board's newest durable version, and whether
// it shows names now to facilitators (staff) or to everyone
// (board.Moderation.Names): its past is shown as its present allows.
func (h *Hub) durableNames(ctx context.Context, id string, staff bool) (last uint64, names bool, err error) {
	if !board.ValidID(id) {
		return 0, false, board.Errorf(board.ENotFound, "there is no board %q", id)
	}
	err = h.inRoom(ctx, id, func(r *room) { last, names = r.appender.durable, r.board.Moderation.NamesFor(staff) })
	return last, names, err
}

func errVersionGone(version uint64) error {
	return board.Errorf(board.ENotFound, "version %d of this board is no longer kept: its older history was dropped, and no snapshot was kept of it", version)
}

// KeptBoard returns a kept snapshot's board as everyone may see it, and
// the snapshot (without data).
func (h *Hub) KeptBoard(ctx context.Context, id, snapshotID string) (*board.Board, Kept, error) {
	if !board.ValidID(id) {
		return nil, Kept{}, board.Errorf(board.ENotFound, "there is no board %q", id)
	}
	_, names, err := h.durableNames(ctx, id, false)
	if err != nil {
		return nil, Kept{}, err
	}
	k, err := h.history.KeptSnapshot(ctx, id, snapshotID)
	if err != nil {
		return nil, Kept{}, err
	}
	b, err := board.DecodeBoard(k.Data, h.boardLim)
	if err != nil {
		return nil, Kept{}, fmt.Errorf("board %s: snapshot %s: %w", id, k.ID, err)
	}
	k.Data = nil
	if !names {
		k.By = ""
		return b.View("").WithoutNames(), k, nil
	}
	return b.View(""), k, nil
}

// replayPage is how many records BoardAt reads at once.
const replayPage = 1000

// MaxOpsPage and MaxOpsPageBytes bound what one Hub.Ops returns: a page
// of many large operations would otherwise be hundreds of megabytes.
const (
	MaxOpsPage      = 5000
	MaxOpsPageBytes = 4 << 20
)

// Ops returns the board's operations after version after, at most limit
// of them (at most MaxOpsPage, and fewer if they would pass
// MaxOpsPageBytes), each the op message (see PROTOCOL.md) that everyone
// but its author and facilitators was sent live: a private note's text,
// a ballot, a note waiting for approval and masked words stay withheld,
// as they were then, and, when the board no longer shows everyone names,
// without names. Replay applies them in order to the board at after,
// as a client applies live operations. last is the board's newest durable
// version: the page is the last when after+len(ops) == last.
func (h *Hub) Ops(ctx context.Context, id string, after uint64, limit int) (ops [][]byte, last uint64, err error) {
	last, names, err := h.durableNames(ctx, id, false)
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > MaxOpsPage {
		limit = MaxOpsPage
	}
	size := 0
	for after < last && len(ops) < limit && size < MaxOpsPageBytes {
		recs, err := h.log.Read(ctx, id, after+1, min(limit-len(ops), int(last-after), replayPage))
		if err != nil {
			return nil, 0, err
		}
		if len(recs) == 0 || recs[0].Version != after+1 {
			return nil, 0, errVersionGone(after + 1)
		}
		for _, rec := range recs {
			e, err := decodeEntry(rec)
			if err != nil {
				return nil, 0, fmt.Errorf("board %s: %w", id, err)
			}
			if !names {
				e = withoutNames(e)
			}
			_, l := logEntry(e, nil)
			if size += len(l.msg); size > MaxOpsPageBytes && len(ops) > 0 {
				return ops, last, nil
			}
			ops = append(ops, l.msg)
			after = rec.Version
		}
	}
	return ops, last, nil
}

// withoutNames returns e as everyone is shown it on a board that shows no
// names now: what everyone else was sent, without the names it carries
// and without its author's name, participant id and client (as a
// nameless copy is sent live).
func withoutNames(e Entry) Entry {
	copied := &Withheld{}
	if e.Others != nil {
		w := *e.Others
		copied = &w
	}
	op := e.Op
	if copied.Op != nil {
		op = *copied.Op
	}
	op = board.Nameless(op)
	copied.Op, copied.Nameless = &op, true
	e.Others, e.Staff, e.Personal = copied, nil, nil
	return e
}
