package board

import (
	"maps"
	"slices"
)

// What each person may see. While the board is private, the text of a note
// reaches only its author until the reveal; while a hidden round of voting
// is open, each person sees only their own votes. The server never sends
// anyone what they may not see: View gives the board as a person may see
// it, Withhold the copy of an operation for everyone but its sender, and
// Prepare adds to an operation what it shows everyone once it is applied.
//
// A client that applies what it receives, in order, holds exactly View of
// the server's board for its participant: a withheld create makes a blank
// note, a withheld vote counts nothing, and a reveal or the end of a round
// carries the texts and counts that were withheld.

// View returns the board as the participant may see it (participant ""
// for a page, an API answer or an export, which show nobody's secrets):
// without the board's id (links, not the id, lead to a board, and a board
// made before links is reached by its id as its facilitate link), without
// the server's bookkeeping (tombstones, client sequence numbers, other
// people's votes), with other people's private notes blank, and, while a
// hidden round is open, each note's votes the participant's own. It shares
// what it does not change with b.
func (b *Board) View(participant string) *Board { return b.ViewFor(participant, false) }

// ViewFor is View for a participant who facilitates or not. A facilitator
// also sees the notes waiting for approval, the words a filter masks and
// the filter's list; private text stays its author's, from facilitators
// too (so that the projector, which shows the facilitator's page, never
// gives an answer away).
func (b *Board) ViewFor(participant string, facilitator bool) *Board {
	return b.viewFor(participant, facilitator, b.Moderation.NamesFor(facilitator))
}

// Shown is View("") (what a page, an API answer or an export shows) for a
// facilitator's link (staff) or another: with names where the board shows
// them to that link.
func (b *Board) Shown(staff bool) *Board {
	return b.viewFor("", false, b.Moderation.NamesFor(staff))
}

func (b *Board) viewFor(participant string, facilitator, names bool) *Board {
	v := &Board{
		Title: b.Title, Version: b.Version, CreatedAt: b.CreatedAt, Notes: b.Notes,
		Locked: b.Locked, Private: b.Private, Voting: b.Voting, Timer: b.Timer, Stops: b.Stops,
		Moderation: b.Moderation, filter: b.filter, Columns: b.Columns,
		size: b.size, private: b.private, pending: b.pending, shown: b.shown, stacked: b.stacked,
	}
	if f := b.Moderation.Filter; f != nil && !facilitator && len(f.Words) > 0 {
		// Nobody else needs the list, and it is a list of what not to say.
		v.size -= moderationSize(b.Moderation)
		hidden := *f
		hidden.Words = nil
		v.Moderation.Filter = &hidden
		v.size += moderationSize(v.Moderation)
		v.filter = nil
	}
	own := b.Ballots[participant]
	if participant != "" && own != nil {
		v.Ballots = map[string]map[string]int{participant: own}
	}
	reacted := b.Reacted[participant]
	if participant != "" && reacted != nil {
		v.Reacted = map[string]map[string][]string{participant: reacted}
	}
	// Others' ballots and reactions are not in the view, nor in its size.
	v.size += reactedSize(v.Reacted) - reactedSize(b.Reacted) + ballotsSize(v.Ballots) - ballotsSize(b.Ballots)
	hiddenVotes := b.Voting != nil && b.Voting.Open && b.Voting.Hidden
	hiddenReactions := b.Moderation.Reactions == ReactionsHidden
	if !names {
		defer v.viewNames(participant)
	}
	if b.private == 0 && b.pending == 0 && b.shown == 0 && !hiddenVotes && !hiddenReactions {
		return v
	}
	mine := func(n Note) bool { return participant != "" && n.AuthorID == participant }
	wrote := func(n Note) bool { return participant != "" && n.ShownBy == participant }
	cloned := false
	for id, n := range b.Notes {
		if n.Pending && !facilitator && !mine(n) {
			if !cloned {
				v.Notes, cloned = maps.Clone(b.Notes), true
			}
			delete(v.Notes, id)
			v.count(n, -1)
			v.size -= noteSize(n)
			continue
		}
		blank := n.Private && !mine(n) && (n.Text != "" || n.Shown != "")
		votes := n.Votes
		if hiddenVotes {
			votes = own[id]
		}
		// Shown is the server's: others get it as the text.
		unmask := n.Shown != ""
		reactions := n.Reactions
		if hiddenReactions {
			reactions = ownReactions(reacted[id])
		}
		comments, commentsDiffer := viewComments(n.Comments, participant, facilitator)
		if !blank && votes == n.Votes && !unmask && maps.Equal(reactions, n.Reactions) && !commentsDiffer {
			continue
		}
		if !cloned {
			v.Notes, cloned = maps.Clone(b.Notes), true
		}
		before := noteSize(n)
		v.count(n, -1)
		switch {
		case blank:
			n.Text, n.Shown, n.ShownBy = "", "", ""
		case unmask && !facilitator && !wrote(n):
			n.Text = n.Shown
		}
		if unmask {
			n.Shown, n.ShownBy = "", ""
		}
		n.Votes = votes
		n.Reactions = reactions
		n.Comments = comments
		v.Notes[id] = n
		v.count(n, 1)
		v.size += noteSize(n) - before
	}
	return v
}

// Copies is what the audiences of an operation are sent of it, besides
// its author (all of whose tabs get the whole operation): facilitators,
// who see notes waiting for approval and unmasked words but not private
// text, and everyone else. A copy that differs from the operation has
// Withheld set; one of kind none means that audience sees nothing of it.
type Copies struct {
	Staff, Others             Op
	StaffDiffer, OthersDiffer bool
	// Anonymous: both copies go without their author (votes are secret
	// ballots).
	Anonymous bool
	// StaffNameless and OthersNameless: that audience's copy goes without
	// the author's name and participant id, but with their role, since the
	// board does not show them names (Moderation.Names).
	StaffNameless, OthersNameless bool
	// Personal are copies for participants who see an operation
	// differently from everyone else, as facilitators or not: the sender,
	// the author and others whose words are in a note an undelete brings
	// back. They come before the whole operation and Staff.
	Personal []Personal
}

// PersonalFor returns the personal copy for a participant, as a
// facilitator (staff) or not, if there is one.
func (c Copies) PersonalFor(participant string, staff bool) (Op, bool) {
	for _, p := range c.Personal {
		if p.Participant == participant && p.Staff == staff {
			return p.Op, true
		}
	}
	return Op{}, false
}

// Secret reports whether anyone is sent less than the whole operation.
func (c Copies) Secret() bool {
	return c.StaffDiffer || c.OthersDiffer || c.Anonymous || c.StaffNameless || c.OthersNameless || len(c.Personal) > 0
}

// Withhold returns the copies of op, about to be applied to b under st,
// for those who may not see all of it. It is called before Apply, on the
// board op applies to.
func Withhold(b *Board, op Op, st Stamp) Copies {
	switch op.Kind {
	case KindVote, KindUnvote:
		if b.Voting == nil || !b.Voting.Open {
			return Copies{Staff: op, Others: op}
		}
		c := op
		if b.Voting.Hidden {
			c = Op{Kind: op.Kind, Withheld: true}
		}
		return Copies{Staff: c, Others: c, StaffDiffer: b.Voting.Hidden, OthersDiffer: b.Voting.Hidden, Anonymous: true}
	case KindReact, KindUnreact:
		// Who reacted is their own: the copies go without the author and,
		// while reactions are hidden, without the note and the reaction.
		hidden := b.Moderation.Reactions == ReactionsHidden
		c := op
		if hidden {
			c = Op{Kind: op.Kind, Withheld: true}
		}
		return Copies{Staff: c, Others: c, StaffDiffer: hidden, OthersDiffer: hidden, Anonymous: true}
	}
	var c Copies
	c.Staff, c.StaffDiffer = copyFor(b, op, st, true)
	c.Others, c.OthersDiffer = copyFor(b, op, st, false)
	c.Staff, c.StaffDiffer, c.StaffNameless = withoutNames(b, op, c.Staff, c.StaffDiffer, true)
	c.Others, c.OthersDiffer, c.OthersNameless = withoutNames(b, op, c.Others, c.OthersDiffer, false)
	if op.Kind == KindUndelete {
		c.Personal = personalCopies(b, op, st)
	}
	return c
}

// withoutNames returns an audience's copy of op without the names the
// board does not show it, whether it now differs from op, and whether it
// goes without its author. A moderate that changes the setting carries
// names (Prepare) as the new setting allows; its author is named as the
// old one did.
func withoutNames(b *Board, op, copied Op, differ, staff bool) (Op, bool, bool) {
	hidden := !b.Moderation.NamesFor(staff)
	carry := hidden
	if op.Kind == KindModerate {
		carry = !op.Moderation.NamesFor(staff)
	}
	if carry && copied.Kind != KindNone {
		var changed bool
		if copied, changed = nameless(copied); changed {
			differ = true
		}
	}
	return copied, differ, hidden
}

// made is what a batch's creates made, for the rest of the batch.
type made map[string]struct{ private, pending bool }

// copyFor returns what facilitators (staff) or everyone else get of op,
// and whether it differs from op.
func copyFor(b *Board, op Op, st Stamp, staff bool) (Op, bool) {
	if op.Kind != KindBatch {
		return copyOne(b, op, st, staff, nil)
	}
	created := made{}
	var subs []Op
	changed := false
	for i, sub := range op.Ops {
		o, ch := copyOne(b, sub, st, staff, created)
		if ch && !changed {
			subs = append(make([]Op, 0, len(op.Ops)), op.Ops[:i]...)
			changed = true
		}
		if changed && o.Kind != KindNone {
			subs = append(subs, o)
		}
	}
	switch {
	case !changed:
		return op, false
	case len(subs) == 0:
		return noneOp, true
	}
	return Op{Kind: KindBatch, Ops: subs, Withheld: true}, true
}

var noneOp = Op{Kind: KindNone, Withheld: true}

func copyOne(b *Board, op Op, st Stamp, staff bool, created made) (Op, bool) {
	// masked is text as others are shown it, if the filter masked it
	// (Screen).
	masked := func(string) (string, bool) {
		return op.Masked, !staff && op.Masked != ""
	}
	switch op.Kind {
	case KindCreate:
		pending := b.Moderation.Approval && !facilitates(st.Role)
		if created != nil {
			created[op.Note.ID] = struct{ private, pending bool }{b.Private, pending}
		}
		if pending && !staff {
			return noneOp, true
		}
		nn := *op.Note
		switch {
		case b.Private:
			nn.Text = nil
		case nn.Text != nil:
			m, ok := masked(*nn.Text)
			if !ok {
				return op, false
			}
			nn.Text = &m
		default:
			return op, false
		}
		return Op{Kind: KindCreate, Note: &nn, Withheld: true}, true
	case KindUpdate:
		n, ok := b.Notes[op.ID]
		c := created[op.ID]
		if (ok && n.Pending || c.pending) && !staff {
			return noneOp, true
		}
		if op.Set.Text == nil {
			return op, false
		}
		set := *op.Set
		if ok && n.Private || c.private {
			set.Text = nil
		} else if m, caught := masked(*set.Text); caught {
			set.Text = &m
		} else {
			return op, false
		}
		return Op{Kind: KindUpdate, ID: op.ID, Set: &set, Withheld: true}, true
	case KindDelete:
		if n, ok := b.Notes[op.ID]; (ok && n.Pending || created[op.ID].pending) && !staff {
			return noneOp, true
		}
	case KindReveal:
		if staff || b.pending == 0 && b.shown == 0 {
			return op, false
		}
		texts := make(map[string]string, len(op.Texts))
		for id, text := range op.Texts {
			n, ok := b.Notes[id]
			pending, shown := n.Pending, n.Shown
			if !ok {
				if nid, i := b.findComment(id); i >= 0 {
					c := b.Notes[nid].Comments[i]
					pending, shown = c.Pending, c.Shown
				}
			}
			switch {
			case pending:
				continue // still waiting: the approval brings it
			case shown != "":
				text = shown
			}
			texts[id] = text
		}
		c := op
		c.Texts, c.Withheld = texts, true
		return c, true
	case KindApprove:
		if staff || b.shown == 0 {
			return op, false
		}
		c := op
		c.Approved = slices.Clone(op.Approved)
		for i, a := range c.Approved {
			if shown := b.Notes[a.ID].Shown; shown != "" && !a.Private {
				c.Approved[i].Text = shown
			}
		}
		c.ApprovedComments = slices.Clone(op.ApprovedComments)
		for i, a := range c.ApprovedComments {
			n := b.Notes[a.Note]
			if j := commentIndex(n, a.Comment.ID); j >= 0 && n.Comments[j].Shown != "" && !a.Comment.Private {
				c.ApprovedComments[i].Comment.Text = n.Comments[j].Shown
			}
		}
		c.Withheld = true
		return c, true
	case KindComment:
		pending := b.Moderation.Approval && !facilitates(st.Role)
		if pending && !staff {
			return noneOp, true
		}
		nc := *op.Comment
		switch {
		case b.Private:
			nc.Text = nil
		default:
			m, ok := masked(*nc.Text)
			if !ok {
				return op, false
			}
			nc.Text = &m
		}
		return Op{Kind: KindComment, ID: op.ID, Comment: &nc, Withheld: true}, true
	case KindUndelete:
		t, ok := b.trashed(op.ID)
		switch {
		case !ok || staff:
			return op, false
		case t.Note.Pending:
			return noneOp, true
		}
		n := restoredFor(t.Note, false)
		c := op
		c.Restored, c.Withheld = &n, true
		return c, true
	case KindUncomment:
		n := b.Notes[op.ID]
		if i := commentIndex(n, op.Comment.ID); i >= 0 && n.Comments[i].Pending && !staff {
			return noneOp, true
		}
	case KindReject:
		if !staff {
			return Op{Kind: KindReject, Rejected: op.Rejected, Withheld: true}, true
		}
	case KindModerate:
		if staff {
			return op, false
		}
		c, changed := op, false
		if f := op.Moderation.Filter; f != nil && len(f.Words) > 0 {
			m := *op.Moderation
			hidden := *f
			hidden.Words = nil
			m.Filter = &hidden
			c.Moderation, changed = &m, true
		}
		// Names shown again (Prepare) name no note or comment that waits
		// for approval: to others, it is not there yet.
		if len(op.Authors) > 0 {
			if authors := withoutWaiting(b, op.Authors); len(authors) != len(op.Authors) {
				c.Authors, changed = authors, true
			}
		}
		if changed {
			c.Withheld = true
			return c, true
		}
	}
	return op, false
}

// withoutWaiting returns authors (by note or comment id) without the
// notes and comments of b waiting for approval, or authors itself when
// none of them waits.
func withoutWaiting(b *Board, authors map[string]Author) map[string]Author {
	var out map[string]Author
	drop := func(id string) {
		if _, ok := authors[id]; !ok {
			return
		}
		if out == nil {
			out = maps.Clone(authors)
		}
		delete(out, id)
	}
	for id, n := range b.Notes {
		if n.Pending {
			drop(id)
		}
		for _, c := range n.Comments {
			if c.Pending {
				drop(c.ID)
			}
		}
	}
	if out == nil {
		return authors
	}
	return out
}

// prepareZ gives every new note without a z the one Apply would give it,
// on top of the stack: clients that are not shown every note (some wait
// for approval) could not work it out themselves.
func prepareZ(b *Board, op Op) Op {
	top := b.topZ()
	give := func(o Op) Op {
		if o.Kind != KindCreate {
			return o
		}
		if o.Note.Z != nil {
			top = max(top, *o.Note.Z) // as Apply leaves the stack
			return o
		}
		nn := *o.Note
		top = min(top+1, DefaultLimits.MaxZ)
		z := top
		nn.Z = &z
		o.Note = &nn
		return o
	}
	if op.Kind == KindCreate {
		return give(op)
	}
	var ops []Op
	for i, sub := range op.Ops {
		if sub.Kind == KindCreate && sub.Note.Z == nil && ops == nil {
			ops = slices.Clone(op.Ops)
		}
		if ops != nil {
			ops[i] = give(sub)
		} else if sub.Kind == KindCreate {
			top = max(top, *sub.Note.Z)
		}
	}
	if ops != nil {
		op.Ops = ops
	}
	return op
}

// Prepare returns op with what the server adds before ordering it: a
// reveal gets the text of every private note, the end of a round every
// note's votes, so that everyone learns what was withheld from them.
func Prepare(b *Board, op Op) Op {
	switch op.Kind {
	case KindCreate, KindBatch:
		return prepareZ(b, op)
	case KindReveal:
		op.Texts = nil
		add := func(id, text string) {
			if op.Texts == nil {
				op.Texts = map[string]string{}
			}
			op.Texts[id] = text
		}
		for id, n := range b.Notes {
			if n.Private {
				add(id, n.Text)
			}
			for _, c := range n.Comments {
				if c.Private {
					add(c.ID, c.Text)
				}
			}
		}
	case KindModerate, KindApprove, KindReject:
		return prepareModeration(b, op)
	case KindUndelete:
		return prepareUndelete(b, op)
	case KindVoteEnd:
		op.Votes = nil
		for id, n := range b.Notes {
			if n.Votes > 0 {
				if op.Votes == nil {
					op.Votes = map[string]int{}
				}
				op.Votes[id] = n.Votes
			}
		}
	}
	return op
}
