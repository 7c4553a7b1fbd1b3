package board

import (
	"maps"
	"slices"
)

// Reactions let people answer a note without editing it: each person
// (participant) may give each note one of each reaction, and everyone sees
// the counts live. Who reacted is a secret like a ballot: each person is
// told only their own (Board.Reacted in View). The facilitator turns them
// off, or hides the counts until they show them again
// (Moderation.Reactions).

// The reactions, by the names they have on the wire; the page shows them
// as 👍 ❤️ 💡 ❓.
var Reactions = []string{"like", "love", "idea", "question"}

// ValidReaction reports whether r is one of Reactions.
func ValidReaction(r string) bool { return slices.Contains(Reactions, r) }

// Reaction modes (Moderation.Reactions).
const (
	ReactionsOn     = ""       // counts shown live
	ReactionsOff    = "off"    // nobody reacts; counts given stay
	ReactionsHidden = "hidden" // each person sees their own until they are shown
)

// reactedEntryOverhead is what one person's reactions to one note count
// against MaxBoardBytes besides the ids and names: about its JSON.
const reactedEntryOverhead = 16

func reactedSize(reacted map[string]map[string][]string) int {
	size := 0
	for p, notes := range reacted {
		for id, rs := range notes {
			size += len(p) + len(id) + reactedEntryOverhead
			for _, r := range rs {
				size += len(r) + 3
			}
		}
	}
	return size
}

// react applies react and unreact. The server applies it with the
// person's participant id in the stamp and checks that each reaction is
// given once; a client's copy of someone else's has no author, and while
// reactions are hidden no note either: it changes only what the client
// can see.
func (b *Board) react(op Op, st Stamp, lim Limits) error {
	if b.Moderation.Reactions == ReactionsOff {
		return Errorf(EForbidden, "the facilitator has turned reactions off")
	}
	if op.Withheld && op.ID == "" {
		return nil // someone reacted while reactions are hidden
	}
	n, err := b.note(op.ID)
	if err != nil {
		return err
	}
	up := op.Kind == KindReact
	if st.AuthorID != "" {
		mine := b.Reacted[st.AuthorID][op.ID]
		has := slices.Contains(mine, op.Reaction)
		switch {
		case up && has:
			return Errorf(EConflict, "you have given this note that reaction already")
		case !up && !has:
			return Errorf(EConflict, "you have not given this note that reaction")
		}
		before := reactedSize(map[string]map[string][]string{st.AuthorID: {op.ID: mine}})
		if len(mine) == 0 {
			before = 0
		}
		if up {
			mine = append(slices.Clone(mine), op.Reaction)
			slices.Sort(mine)
		} else {
			mine = slices.DeleteFunc(slices.Clone(mine), func(r string) bool { return r == op.Reaction })
		}
		after := 0
		if len(mine) > 0 {
			after = reactedSize(map[string]map[string][]string{st.AuthorID: {op.ID: mine}})
		}
		// Every person's reactions count against the board's size: a
		// class of view links could otherwise grow it without limit.
		if err := b.grow(after-before, lim); err != nil {
			return err
		}
		notes := maps.Clone(b.Reacted[st.AuthorID])
		if notes == nil {
			notes = map[string][]string{}
		}
		if len(mine) == 0 {
			delete(notes, op.ID)
		} else {
			notes[op.ID] = mine
		}
		b.Reacted = maps.Clone(b.Reacted)
		if b.Reacted == nil {
			b.Reacted = map[string]map[string][]string{}
		}
		if len(notes) == 0 {
			delete(b.Reacted, st.AuthorID)
		} else {
			b.Reacted[st.AuthorID] = notes
		}
	}
	counts := maps.Clone(n.Reactions)
	if counts == nil {
		counts = map[string]int{}
	}
	if up {
		counts[op.Reaction]++
	} else if counts[op.Reaction]--; counts[op.Reaction] <= 0 {
		delete(counts, op.Reaction)
	}
	if len(counts) == 0 {
		counts = nil
	}
	n.Reactions = counts
	b.Notes[op.ID] = n
	return nil
}

// dropReactions takes a deleted note's reactions off the board.
func (b *Board) dropReactions(id string) {
	changed := false
	for p, notes := range b.Reacted {
		rs, ok := notes[id]
		if !ok {
			continue
		}
		if !changed {
			b.Reacted = maps.Clone(b.Reacted)
			changed = true
		}
		b.size -= reactedSize(map[string]map[string][]string{p: {id: rs}})
		notes = maps.Clone(notes)
		delete(notes, id)
		if len(notes) == 0 {
			delete(b.Reacted, p)
		} else {
			b.Reacted[p] = notes
		}
	}
}

// reactionCounts returns every note's reaction counts, for a moderate
// operation that shows hidden reactions (Prepare).
func (b *Board) reactionCounts() map[string]map[string]int {
	var out map[string]map[string]int
	for id, n := range b.Notes {
		if len(n.Reactions) > 0 {
			if out == nil {
				out = map[string]map[string]int{}
			}
			out[id] = n.Reactions
		}
	}
	return out
}

// ownReactions returns the counts a person sees while reactions are
// hidden: their own.
func ownReactions(mine []string) map[string]int {
	if len(mine) == 0 {
		return nil
	}
	out := make(map[string]int, len(mine))
	for _, r := range mine {
		out[r] = 1
	}
	return out
}
