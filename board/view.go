package board

import "maps"

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
func (b *Board) View(participant string) *Board {
	v := &Board{
		Title: b.Title, Version: b.Version, CreatedAt: b.CreatedAt, Notes: b.Notes,
		Locked: b.Locked, Private: b.Private, Voting: b.Voting, Timer: b.Timer, Stops: b.Stops,
		size: b.size, private: b.private,
	}
	own := b.Ballots[participant]
	if participant != "" && own != nil {
		v.Ballots = map[string]map[string]int{participant: own}
	}
	hiddenVotes := b.Voting != nil && b.Voting.Open && b.Voting.Hidden
	if b.private == 0 && !hiddenVotes {
		return v
	}
	cloned := false
	for id, n := range b.Notes {
		blank := n.Private && (n.AuthorID == "" || n.AuthorID != participant) && n.Text != ""
		votes := n.Votes
		if hiddenVotes {
			votes = own[id]
		}
		if !blank && votes == n.Votes {
			continue
		}
		if !cloned {
			v.Notes, cloned = maps.Clone(b.Notes), true
		}
		if blank {
			v.size -= len(n.Text)
			n.Text = ""
		}
		n.Votes = votes
		v.Notes[id] = n
	}
	return v
}

// Withhold returns the copy of op, about to be applied to b, for everyone
// but its sender, if they may not see all of it: with secret false,
// everyone sees op as it is. With anonymous, the copy also goes without
// its author (votes are secret ballots). It is called before Apply, on the
// board op applies to.
func Withhold(b *Board, op Op) (others Op, secret, anonymous bool) {
	switch op.Kind {
	case KindVote, KindUnvote:
		if b.Voting == nil || !b.Voting.Open {
			return op, false, false
		}
		if b.Voting.Hidden {
			return Op{Kind: op.Kind, Withheld: true}, true, true
		}
		return op, true, true
	case KindBatch:
		created := map[string]bool{}
		var subs []Op
		for i, sub := range op.Ops {
			o, ok := withholdText(b, sub, created)
			if ok && subs == nil {
				subs = append(make([]Op, 0, len(op.Ops)), op.Ops[:i]...)
			}
			if subs != nil {
				subs = append(subs, o)
			}
		}
		if subs == nil {
			return op, false, false
		}
		return Op{Kind: KindBatch, Ops: subs, Withheld: true}, true, false
	default:
		o, ok := withholdText(b, op, nil)
		return o, ok, false
	}
}

// withholdText leaves the text out of a create on a private board or an
// update of a private note's text. created collects the notes a batch
// creates, which are private notes for the rest of the batch.
func withholdText(b *Board, op Op, created map[string]bool) (Op, bool) {
	switch op.Kind {
	case KindCreate:
		if !b.Private {
			return op, false
		}
		if created != nil {
			created[op.Note.ID] = true
		}
		nn := *op.Note
		nn.Text = nil
		return Op{Kind: KindCreate, Note: &nn, Withheld: true}, true
	case KindUpdate:
		n, ok := b.Notes[op.ID]
		if op.Set.Text == nil || !(ok && n.Private || created[op.ID]) {
			return op, false
		}
		set := *op.Set
		set.Text = nil
		return Op{Kind: KindUpdate, ID: op.ID, Set: &set, Withheld: true}, true
	}
	return op, false
}

// Prepare returns op with what the server adds before ordering it: a
// reveal gets the text of every private note, the end of a round every
// note's votes, so that everyone learns what was withheld from them.
func Prepare(b *Board, op Op) Op {
	switch op.Kind {
	case KindReveal:
		op.Texts = nil
		for id, n := range b.Notes {
			if n.Private {
				if op.Texts == nil {
					op.Texts = map[string]string{}
				}
				op.Texts[id] = n.Text
			}
		}
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
