package sync

import (
	"context"
	"errors"
	"fmt"
	stdsync "sync"
	"time"

	"corkboard/board"
)

// A board's end. A facilitator deletes a board (Hub.DeleteBoard), or the
// server does, when an operator set a retention period and nobody opened
// the board for that long (Hub.DeleteUnvisited). Either way the board goes
// the same way: its live room stops, everyone on it is closed with
// CloseDeleted, and storage removes everything of it, leaving only a
// tombstone, so that its links answer "this board was deleted" instead of
// "there is no such board".

// Lifecycle is what a hub needs of storage to delete boards, and to know
// which ones nobody opens any more. boltstore.Store implements it; a hub
// whose log does not keeps both in memory (memLifecycle).
type Lifecycle interface {
	// DeleteBoard removes the board and everything kept of it (its log,
	// snapshots, kept snapshots, links, join code and visits) and leaves
	// t, which has no content, found by the board's id and by each of the
	// links it had. With unopenedSince not zero, the board is deleted only
	// if it was last opened before then, or the error is EConflict: a
	// visit that comes as the server decides to delete the board wins.
	// It fails with ENotFound for a board that does not exist.
	DeleteBoard(ctx context.Context, boardID string, t Tombstone, unopenedSince time.Time) error

	// Tombstone returns the tombstone of a deleted board, found by its id
	// or by any link it had. It fails with ENotFound for anything else.
	Tombstone(ctx context.Context, idOrLink string) (Tombstone, error)

	// MarkOpened records that the boards were opened on day (a UTC
	// midnight). Boards that do not exist are left out.
	MarkOpened(ctx context.Context, day time.Time, boardIDs ...string) error

	// Visits returns every board with the day it was last opened; a zero
	// Opened for a board never marked (one from before visits were kept).
	Visits(ctx context.Context) ([]Visit, error)
}

// Tombstone is what is kept of a deleted board: that it was, when it went
// and why. Nothing of what it held.
type Tombstone struct {
	BoardID string       `json:"board"`
	At      time.Time    `json:"at"`
	Reason  DeleteReason `json:"reason"`
}

// DeleteReason says why a board was deleted.
type DeleteReason string

const (
	DeletedByFacilitator DeleteReason = "facilitator" // its facilitator deleted it
	DeletedUnvisited     DeleteReason = "retention"   // nobody opened it for the server's retention period
)

// Visit is when a board was last opened.
type Visit struct {
	BoardID string
	Opened  time.Time // a UTC midnight; zero if never recorded
}

// DeletedError is the error for a link or board that was deleted. It
// carries the tombstone, for a page that says when and why, and unwraps
// to a *board.Error EGone.
type DeletedError struct {
	Tombstone Tombstone
}

func (e *DeletedError) Error() string { return e.Unwrap().Error() }

// Unwrap returns the board.Error EGone that the error maps to.
func (e *DeletedError) Unwrap() error {
	return board.Errorf(board.EGone, "This board was deleted on %s.", e.Tombstone.At.UTC().Format(time.DateOnly))
}

// DeletedAs returns the tombstone err carries, if it is (or wraps) a
// *DeletedError.
func DeletedAs(err error) (Tombstone, bool) {
	var d *DeletedError
	if errors.As(err, &d) {
		return d.Tombstone, true
	}
	return Tombstone{}, false
}

// errBeingDeleted answers a request for a board whose deletion is under
// way: it is gone in a moment, or, if deleting fails, back.
var errBeingDeleted = board.Errorf(board.EUnavailable, "This board is being deleted.")

// DeleteBoard deletes the board a facilitator's link leads to, for
// everyone: see the top of this file. Other roles are refused.
func (h *Hub) DeleteBoard(ctx context.Context, a Access) (Tombstone, error) {
	if a.Role != board.RoleFacilitate {
		return Tombstone{}, board.Errorf(board.EForbidden, "Only the board's facilitator can delete it.")
	}
	return h.deleteBoard(ctx, a.BoardID, DeletedByFacilitator, time.Time{})
}

// errVisited is deleteBoard's answer when a board to delete for want of
// visits is open.
var errVisited = board.Errorf(board.EConflict, "the board was opened")

// deleteBoard deletes a board. No room may start for it meanwhile: a live
// one stops and does the deleting itself (stopForDeletion), so that
// nothing it writes comes after. With unopenedSince not zero (retention),
// a board that is live, or opened since, is left alone (errVisited).
func (h *Hub) deleteBoard(ctx context.Context, id string, reason DeleteReason, unopenedSince time.Time) (Tombstone, error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return Tombstone{}, errShuttingDown
	}
	if _, busy := h.deleting[id]; busy {
		h.mu.Unlock()
		return Tombstone{}, errBeingDeleted
	}
	r := h.rooms[id]
	unloading := h.unloading[id]
	if r != nil && !unopenedSince.IsZero() {
		h.mu.Unlock()
		return Tombstone{}, errVisited
	}
	h.deleting[id] = struct{}{}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.deleting, id)
		h.mu.Unlock()
	}()

	// A room that left when idle may still be writing its last snapshots
	// (and a new one may have started for the board meanwhile): deleted
	// under them, those would fail, or come back in a store that does not
	// check.
	if unloading != nil {
		select {
		case <-unloading.done:
		case <-ctx.Done():
			return Tombstone{}, ctx.Err()
		}
	}
	t := Tombstone{BoardID: id, At: h.now().UTC().Truncate(time.Second), Reason: reason}
	if r != nil {
		done := make(chan error, 1)
		select {
		case r.requests <- func() { done <- r.stopForDeletion(ctx, t) }:
			if err := <-done; err != nil {
				return Tombstone{}, err
			}
			h.logger.Info("board deleted", "board", id, "reason", reason)
			return t, nil
		case <-r.done:
			// It stopped meanwhile (it unloaded, having written all it
			// had): storage alone is left.
		case <-ctx.Done():
			return Tombstone{}, ctx.Err()
		}
	}
	if err := h.lifecycle.DeleteBoard(ctx, id, t, unopenedSince); err != nil {
		if board.ErrorCode(err) == board.ENotFound {
			if old, terr := h.lifecycle.Tombstone(ctx, id); terr == nil {
				return Tombstone{}, &DeletedError{Tombstone: old}
			}
		}
		return Tombstone{}, err
	}
	h.logger.Info("board deleted", "board", id, "reason", reason)
	return t, nil
}

// stopForDeletion runs on the room's goroutine: it writes what is pending
// (so nothing of the room's reaches storage after the deletion), deletes
// the board, closes every connection with CloseDeleted, and stops the
// room. If deleting fails, the connections are told to reconnect, and the
// board loads again from what storage holds.
func (r *room) stopForDeletion(ctx context.Context, t Tombstone) error {
	r.stopped = true
	r.hub.forget(r)
	r.stopFanout() // what was broadcast goes out before the close
	ctx = context.WithoutCancel(ctx)
	if err := r.appender.drain(ctx); err != nil {
		// The board goes anyway; its unsaved edits with it.
		r.hub.logger.Warn("writing a board's last edits before deleting it failed", "board", r.id, "err", err)
	}
	// Saves in flight finish first, so none lands after the deletion.
	if r.snapshots.saving {
		r.snapshots.saved(r, <-r.snapshots.results)
	}
	if r.keeper.saving {
		r.keeper.saved(r, <-r.keeper.results)
	}
	gone := &DeletedError{Tombstone: t}
	for _, job := range r.keeper.pending {
		if job.reply != nil {
			job.reply <- keepResult{err: gone, reply: job.reply}
		}
	}
	r.keeper.pending = nil
	if err := r.hub.lifecycle.DeleteBoard(ctx, r.id, t, time.Time{}); err != nil {
		r.hub.logger.Error("deleting a board failed", "board", r.id, "err", err)
		for c := range r.conns {
			c.out.close(CloseReset, "the board could not be deleted; reconnecting")
		}
		return fmt.Errorf("deleting board %s: %w", r.id, err)
	}
	for c := range r.conns {
		c.out.close(CloseDeleted, closeDeletedText)
	}
	return nil
}

// closeDeletedText is the reason of a CloseDeleted close.
const closeDeletedText = "This board was deleted."

// gone turns a board's ENotFound into its tombstone's error, if it has
// one: a board deleted between resolving its link and loading it.
func (h *Hub) gone(ctx context.Context, id string, err error) error {
	if board.ErrorCode(err) != board.ENotFound {
		return err
	}
	if t, terr := h.lifecycle.Tombstone(ctx, id); terr == nil {
		return &DeletedError{Tombstone: t}
	}
	return err
}

// Retention.
//
// A board counts as opened whenever one of its links is used (Resolve:
// its page, its socket, its exports and history), or while it is live.
// That is recorded by the UTC day, at most once a day per board, so a busy
// board costs one write a day, not one per join.

// visits remembers which boards were marked opened today, so that each
// is written once a day.
type visits struct {
	mu   stdsync.Mutex // guards day and seen
	day  time.Time
	seen map[string]bool
}

// utcDay is the UTC midnight that begins t's day.
func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// noteOpened marks a board opened today, if it was not yet. A failed
// write is logged and tried again with the next visit: it costs no one
// their board, only the record of a visit.
func (h *Hub) noteOpened(ctx context.Context, id string) {
	day := utcDay(h.now())
	v := &h.visits
	v.mu.Lock()
	if !day.Equal(v.day) {
		v.day, v.seen = day, map[string]bool{}
	}
	if v.seen[id] {
		v.mu.Unlock()
		return
	}
	v.seen[id] = true
	v.mu.Unlock()
	if err := h.lifecycle.MarkOpened(ctx, day, id); err != nil {
		h.logger.Warn("recording a board's visit failed", "board", id, "err", err)
		v.mu.Lock()
		if v.day.Equal(day) {
			delete(v.seen, id)
		}
		v.mu.Unlock()
	}
}

// RetentionDays returns the retention period in days: boards nobody opens
// for that long are deleted. 0: boards are kept.
func (h *Hub) RetentionDays() int { return h.retentionDays }

// RetentionDue returns when a board opened now is deleted if nobody opens
// it again: the start of the day after RetentionDays whole days after
// today (UTC). Zero when retention is off.
func (h *Hub) RetentionDue() time.Time {
	if h.retentionDays <= 0 {
		return time.Time{}
	}
	return utcDay(h.now()).AddDate(0, 0, h.retentionDays+1)
}

// RetentionReport says what a retention sweep did.
type RetentionReport struct {
	Deleted []string // the ids of the boards deleted
	Kept    int      // boards left, opened within the period (or live)
	First   int      // boards seen for the first time, counted as opened today
}

// DeleteUnvisited deletes the boards nobody opened for RetentionDays
// (none when retention is off), as DeleteBoard does. A board never marked
// opened (one from before visits were kept, or from before retention was
// turned on, which is the same) counts as opened today: turning retention
// on never deletes anything at once. With dryRun it deletes nothing and
// reports what it would delete.
func (h *Hub) DeleteUnvisited(ctx context.Context, dryRun bool) (RetentionReport, error) {
	var rep RetentionReport
	if h.retentionDays <= 0 {
		return rep, nil
	}
	now := h.now()
	today := utcDay(now)
	cut := today.AddDate(0, 0, -h.retentionDays) // opened before this day: due
	// A live board is open now, whatever storage says.
	h.mu.Lock()
	live := make([]string, 0, len(h.rooms))
	for id := range h.rooms {
		live = append(live, id)
	}
	h.mu.Unlock()
	if !dryRun {
		for _, id := range live {
			h.noteOpened(ctx, id)
		}
	}
	all, err := h.lifecycle.Visits(ctx)
	if err != nil {
		return rep, err
	}
	var first []string
	var errs []error
	for _, v := range all {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		switch {
		case v.Opened.IsZero():
			first = append(first, v.BoardID)
			rep.First++
			continue
		case !v.Opened.Before(cut):
			rep.Kept++
			continue
		case dryRun:
			rep.Deleted = append(rep.Deleted, v.BoardID)
			continue
		}
		_, err := h.deleteBoard(ctx, v.BoardID, DeletedUnvisited, cut)
		switch {
		case err == nil:
			rep.Deleted = append(rep.Deleted, v.BoardID)
		case errors.Is(err, errVisited), board.ErrorCode(err) == board.EConflict,
			board.ErrorCode(err) == board.ENotFound, board.ErrorCode(err) == board.EGone,
			errors.Is(err, errBeingDeleted):
			rep.Kept++ // opened meanwhile, or someone else got there first
		default:
			errs = append(errs, fmt.Errorf("board %s: %w", v.BoardID, err))
		}
	}
	if len(first) > 0 && !dryRun {
		if err := h.lifecycle.MarkOpened(ctx, today, first...); err != nil {
			errs = append(errs, err)
		}
	}
	return rep, errors.Join(errs...)
}

// ForgiveDowntime counts every board as opened today: for a server that
// was stopped (the summer holidays), since nobody could open a board
// meanwhile, and retention should not delete every board at its first
// sweep.
func (h *Hub) ForgiveDowntime(ctx context.Context) error {
	all, err := h.lifecycle.Visits(ctx)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(all))
	for _, v := range all {
		ids = append(ids, v.BoardID)
	}
	if len(ids) == 0 {
		return nil
	}
	return h.lifecycle.MarkOpened(ctx, utcDay(h.now()), ids...)
}

// RetentionSweepEvery is how often RunRetention looks for boards to
// delete: visits are recorded by the day, so an hour's delay past a
// board's due time is nothing, and a sweep reads every board's record.
const RetentionSweepEvery = time.Hour

// RunRetention deletes unvisited boards now and then every
// RetentionSweepEvery, until ctx ends. It does nothing with retention
// off.
func (h *Hub) RunRetention(ctx context.Context) {
	if h.retentionDays <= 0 {
		return
	}
	for {
		rep, err := h.DeleteUnvisited(ctx, false)
		switch {
		case err != nil && ctx.Err() == nil:
			h.logger.Error("deleting boards nobody opened failed", "err", err)
		case len(rep.Deleted) > 0:
			h.logger.Info("deleted boards nobody opened", "days", h.retentionDays, "boards", len(rep.Deleted))
		}
		select {
		case <-ctx.Done():
			return
		case <-h.clock.After(RetentionSweepEvery):
		}
	}
}

// memLifecycle is Lifecycle for a hub whose storage is in memory
// (MemLog, MemLinks, MemHistory): it deletes from those it knows, and
// keeps tombstones and visits in maps.
type memLifecycle struct {
	log     Log
	links   Links
	history History

	mu     stdsync.Mutex        // guards the maps
	tombs  map[string]Tombstone // by board id and by link
	opened map[string]time.Time
}

// NewMemLifecycle returns a Lifecycle in memory for a hub whose other
// stores are in memory too: it deletes boards from log, links and history
// where they are MemLog, MemLinks and MemHistory.
func NewMemLifecycle(log Log, links Links, history History) Lifecycle {
	return &memLifecycle{log: log, links: links, history: history, tombs: map[string]Tombstone{}, opened: map[string]time.Time{}}
}

// DeleteBoard implements Lifecycle.
func (m *memLifecycle) DeleteBoard(ctx context.Context, id string, t Tombstone, unopenedSince time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := m.log.Snapshot(ctx, id); err != nil {
		return err
	}
	// Never marked: not known to be unvisited.
	if day := m.opened[id]; !unopenedSince.IsZero() && (day.IsZero() || !day.Before(unopenedSince)) {
		return errVisited
	}
	if ml, ok := m.log.(*MemLog); ok {
		ml.mu.Lock()
		delete(ml.boards, id)
		ml.mu.Unlock()
	}
	keys := []string{id}
	if ml, ok := m.links.(*MemLinks); ok {
		ml.mu.Lock()
		if l, ok := ml.boards[id]; ok {
			for _, r := range board.Roles {
				keys = append(keys, l.Link(r))
				delete(ml.links, l.Link(r))
			}
			if ml.codes[l.Join.Code] == id {
				delete(ml.codes, l.Join.Code)
			}
			delete(ml.boards, id)
		}
		ml.mu.Unlock()
	}
	if mh, ok := m.history.(*MemHistory); ok {
		mh.mu.Lock()
		delete(mh.kept, id)
		mh.mu.Unlock()
	}
	delete(m.opened, id)
	t.BoardID = id
	for _, k := range keys {
		m.tombs[k] = t
	}
	return nil
}

// Tombstone implements Lifecycle.
func (m *memLifecycle) Tombstone(ctx context.Context, key string) (Tombstone, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tombs[key]
	if !ok {
		return Tombstone{}, board.Errorf(board.ENotFound, "no board was deleted there")
	}
	return t, nil
}

// MarkOpened implements Lifecycle.
func (m *memLifecycle) MarkOpened(ctx context.Context, day time.Time, ids ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		if _, err := m.log.Snapshot(ctx, id); err == nil {
			m.opened[id] = day
		}
	}
	return nil
}

// Visits implements Lifecycle. It knows only the boards of a MemLog.
func (m *memLifecycle) Visits(ctx context.Context) ([]Visit, error) {
	ml, ok := m.log.(*MemLog)
	if !ok {
		return nil, errors.New("this log cannot list its boards")
	}
	ml.mu.Lock()
	ids := make([]string, 0, len(ml.boards))
	for id := range ml.boards {
		ids = append(ids, id)
	}
	ml.mu.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Visit, 0, len(ids))
	for _, id := range ids {
		out = append(out, Visit{BoardID: id, Opened: m.opened[id]})
	}
	return out, nil
}
