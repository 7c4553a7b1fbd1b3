package board

import (
	"bufio"
	"bytes"
	"embed"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// What a facilitator controls about what a class may post: approval
// before a note shows, changing only one's own notes, closing the board to
// new notes, and a word filter. Like the lesson's lock and private
// writing, the settings are board state, set by an operation (moderate),
// and the server enforces them: the page only mirrors them.
//
// A note waiting for approval (Note.Pending) is seen by its author and by
// facilitators only; everyone else is sent nothing of it (an operation of
// kind none, so versions stay dense) until a facilitator approves it,
// when the approve operation carries the note to them. A word the filter
// catches is masked in what everyone but the author and facilitators get
// (Note.Shown), or the text is refused, as the facilitator chooses.

// Moderation is a board's moderation settings. The zero value is all off.
type Moderation struct {
	// Approval: notes made by anyone but a facilitator wait for a
	// facilitator's approval before anyone else sees them.
	Approval bool `json:"approval,omitempty"`
	// OwnNotes: editors may move, edit, recolour and delete only the notes
	// they made; facilitators may change every note.
	OwnNotes bool `json:"ownNotes,omitempty"`
	// Closed: nobody but a facilitator may add notes (voting goes on).
	Closed bool `json:"closed,omitempty"`
	// Filter is the word filter; nil for none.
	Filter *Filter `json:"filter,omitempty"`
	// Reactions is ReactionsOn (""), ReactionsOff or ReactionsHidden.
	Reactions string `json:"reactions,omitempty"`
	// Names is who sees whose notes are whose: NamesShown (""),
	// NamesStaff or NamesNone (anonymity.go).
	Names string `json:"names,omitempty"`
}

// Filter is a board's word filter. It applies to note text written by
// anyone but a facilitator while it is on; text written before it was
// turned on, or before a word was added, stays as it was.
//
// It catches a listed word as a whole word, in any case ("Shit" and
// "SHIT" for "shit"), and with a trailing * in the list any word that
// begins with it ("shit*" catches "shitty"). It does not catch words
// spelled apart or disguised ("s h i t", "sh1t"), misspellings, words
// run into others without a * entry ("bullshit" for "shit"), other
// languages than its lists, or anything said in a picture or by
// position: it is a first line, and the facilitator's approval is the
// second.
type Filter struct {
	Mode FilterMode `json:"mode"`
	// Defaults adds the lists kept with Corkboard (board/words: English
	// and Swedish) to Words.
	Defaults bool     `json:"defaults,omitempty"`
	Words    []string `json:"words,omitempty"`
}

// FilterMode is what a filter does with a caught word.
type FilterMode string

const (
	FilterMask   FilterMode = "mask"   // shown as ∗∗∗ to everyone but the author and facilitators
	FilterRefuse FilterMode = "refuse" // the text is refused, with a message saying why
)

// Moderation limits.
const (
	MaxFilterWords     = 500 // words a facilitator adds to a board's filter
	MaxFilterWordRunes = 40
)

// maskRune replaces each letter of a caught word.
const maskRune = '∗'

//go:embed words/*.txt
var wordFiles embed.FS

// DefaultWords returns the word lists kept with Corkboard, English and
// Swedish, as one list.
func DefaultWords() []string { return slices.Clone(defaultWords) }

var defaultWords = func() []string {
	var words []string
	for _, name := range []string{"words/en.txt", "words/sv.txt"} {
		data, err := wordFiles.ReadFile(name)
		if err != nil {
			panic("board: " + err.Error())
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			w := strings.TrimSpace(sc.Text())
			if w != "" && !strings.HasPrefix(w, "#") {
				words = append(words, strings.ToLower(w))
			}
		}
	}
	slices.Sort(words)
	return slices.Compact(words)
}()

func (l Limits) checkModeration(m Moderation) error {
	switch m.Reactions {
	case ReactionsOn, ReactionsOff, ReactionsHidden:
	default:
		return Errorf(EInvalid, "reactions %q: choose \"off\", \"hidden\" or leave it out (on)", m.Reactions)
	}
	if err := checkNames(m.Names); err != nil {
		return err
	}
	f := m.Filter
	if f == nil {
		return nil
	}
	if f.Mode != FilterMask && f.Mode != FilterRefuse {
		return Errorf(EInvalid, "the filter's mode is %q: choose \"mask\" or \"refuse\"", f.Mode)
	}
	if len(f.Words) > MaxFilterWords {
		return Errorf(ETooLarge, "a filter holds at most %d words; this one has %d", MaxFilterWords, len(f.Words))
	}
	for _, w := range f.Words {
		core := strings.TrimSuffix(w, "*")
		switch {
		case core == "":
			return Errorf(EInvalid, "the filter has an empty word")
		case utf8.RuneCountInString(w) > MaxFilterWordRunes:
			return Errorf(ETooLarge, "the filter's word %q is over %d characters", w, MaxFilterWordRunes)
		case strings.IndexFunc(core, func(r rune) bool { return !isWordRune(r) }) >= 0:
			return Errorf(EInvalid, "the filter's word %q holds a character that is not a letter or digit (a word may end in *)", w)
		}
	}
	return nil
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

// wordFilter is a Filter compiled for matching.
type wordFilter struct {
	words    map[string]bool
	prefixes []string
}

func compileFilter(f *Filter) *wordFilter {
	if f == nil {
		return nil
	}
	wf := &wordFilter{words: map[string]bool{}}
	add := func(w string) {
		w = norm.NFC.String(strings.ToLower(w))
		if p, ok := strings.CutSuffix(w, "*"); ok {
			wf.prefixes = append(wf.prefixes, p)
		} else {
			wf.words[w] = true
		}
	}
	if f.Defaults {
		for _, w := range defaultWords {
			add(w)
		}
	}
	for _, w := range f.Words {
		add(w)
	}
	return wf
}

func (wf *wordFilter) catches(word string) bool {
	w := strings.ToLower(word)
	if wf.words[w] {
		return true
	}
	for _, p := range wf.prefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// check reports whether text holds a word the filter catches, and the
// text with each such word masked.
func (wf *wordFilter) check(text string) (masked string, caught bool) {
	if wf == nil {
		return text, false
	}
	// One spelling of å, ä and ö: typed on some keyboards they are a
	// letter and a combining mark, which the lists would not match.
	if !norm.NFC.IsNormalString(text) {
		text = norm.NFC.String(text)
	}
	var out strings.Builder
	start := -1
	flush := func(end int) {
		word := text[start:end]
		if wf.catches(word) {
			caught = true
			out.WriteString(strings.Repeat(string(maskRune), utf8.RuneCountInString(word)))
		} else {
			out.WriteString(word)
		}
		start = -1
	}
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			flush(i)
		}
		out.WriteRune(r)
	}
	if start >= 0 {
		flush(len(text))
	}
	if !caught {
		return text, false
	}
	return out.String(), true
}

// Moderated reports whether the board holds a note waiting for approval
// or one with masked words, or a filter with words, or shows names to
// facilitators only: then facilitators see it differently from everyone
// else.
func (b *Board) Moderated() bool {
	return b.pending > 0 || b.shown > 0 || b.Moderation.Filter != nil && len(b.Moderation.Filter.Words) > 0 ||
		b.Moderation.Names == NamesStaff
}

// facilitates reports whether a stamp's role is a facilitator's (the
// empty role of operations from before roles is one).
func facilitates(r Role) bool { return r == "" || r == RoleFacilitate }

// Screen applies the board's word filter to the text an operation
// writes, before the operation is ordered: in refuse mode a caught word
// refuses the operation; in mask mode the text as others see it goes in
// the operation's Masked (its sub-operations' in a batch), which Apply
// keeps as the note's or comment's Shown. The decision travels with the
// operation into the log, so that replaying the log gives the same board
// whatever word lists a later version of Corkboard ships. The server calls
// it after Prepare; clients never send Masked.
//
// A facilitator's own text is theirs to write; a facilitator editing
// someone else's note is filtered like anyone, or the edit would show the
// class the words the filter hid from it.
func Screen(b *Board, op Op, st Stamp) (Op, error) {
	if b.filter == nil {
		return op, nil
	}
	// Who may not make the operation at all is told that first.
	if err := permit(b, st.Role, op, st); err != nil {
		return op, err
	}
	if op.Kind != KindBatch {
		return b.screenOne(op, st, nil)
	}
	var ops []Op
	created := map[string]bool{} // notes the batch makes: the sender's
	for i, sub := range op.Ops {
		s, err := b.screenOne(sub, st, created)
		if err != nil {
			return op, Errorf(ErrorCode(err), "operation %d of the batch: %s", i+1, ErrorMessage(err))
		}
		if s.Masked != "" && ops == nil {
			ops = slices.Clone(op.Ops)
		}
		if ops != nil {
			ops[i] = s
		}
	}
	if ops != nil {
		op.Ops = ops
	}
	return op, nil
}

func (b *Board) screenOne(op Op, st Stamp, created map[string]bool) (Op, error) {
	var text *string
	exempt := facilitates(st.Role)
	switch op.Kind {
	case KindCreate:
		text = op.Note.Text
		if created != nil {
			created[op.Note.ID] = true
		}
	case KindUpdate:
		text = op.Set.Text
		if n, ok := b.Notes[op.ID]; ok && !created[op.ID] {
			exempt = exempt && (n.AuthorID == "" || n.AuthorID == st.AuthorID)
		}
	case KindComment:
		text = op.Comment.Text
	}
	if text == nil || exempt {
		return op, nil
	}
	masked, caught := b.filter.check(*text)
	switch {
	case !caught:
		return op, nil
	case b.Moderation.Filter.Mode == FilterRefuse:
		return op, Errorf(EInvalid, "this board does not allow one of the words in that text; change it and try again")
	}
	op.Masked = masked
	return op, nil
}

// shownOf returns what Apply keeps for text written by op under st: the
// masked text and its writer, or nothing.
func shownOf(op Op, st Stamp) (shown, by string) {
	// A client's copy holds the text as it was sent it, and no Shown.
	if op.Masked == "" || st.Replica {
		return "", ""
	}
	return op.Masked, st.AuthorID
}

// setModeration sets the board's settings and compiles its filter.
func (b *Board) setModeration(m Moderation) {
	b.Moderation = m
	b.filter = compileFilter(m.Filter)
}

// applyModeration applies moderate, approve and reject; the caller has
// checked the role.
func applyModeration(b *Board, op Op, st Stamp, lim Limits) error {
	switch op.Kind {
	case KindModerate:
		if err := lim.checkModeration(*op.Moderation); err != nil {
			return err
		}
		m := *op.Moderation
		if m.Filter != nil {
			f := *m.Filter
			f.Words = slices.Clone(f.Words)
			m.Filter = &f
		}
		old := moderationSize(b.Moderation)
		if err := b.grow(moderationSize(m)-old, lim); err != nil {
			return err
		}
		wasHidden := b.Moderation.Reactions == ReactionsHidden
		oldNames := b.Moderation.Names
		b.setModeration(m)
		b.applyNamesSetting(op, oldNames, st)
		switch {
		case op.Counts != nil || wasHidden && m.Reactions != ReactionsHidden:
			// Shown again: the counts come with the operation (Prepare).
			for id, n := range b.Notes {
				n.Reactions = op.Counts[id]
				b.Notes[id] = n
			}
		case !wasHidden && m.Reactions == ReactionsHidden && st.Replica:
			// Hidden: a client holds only its own reactions, and now
			// shows only those; the server keeps every count, and its
			// View does the same.
			var mine map[string][]string
			for _, notes := range b.Reacted {
				mine = notes
			}
			for id, n := range b.Notes {
				n.Reactions = ownReactions(mine[id])
				b.Notes[id] = n
			}
		}
	case KindApprove:
		if op.ID != "" {
			if err := b.checkWaiting(op.ID); err != nil && !slices.ContainsFunc(op.Approved, func(a Note) bool { return a.ID == op.ID }) &&
				!slices.ContainsFunc(op.ApprovedComments, func(a NoteComment) bool { return a.Comment.ID == op.ID }) {
				return err
			}
		}
		for _, a := range op.ApprovedComments {
			n, ok := b.Notes[a.Note]
			if !ok {
				continue // a note this client was not shown either
			}
			if i := commentIndex(n, a.Comment.ID); i >= 0 {
				if c := n.Comments[i]; c.Pending {
					b.countComment(c, -1)
					c.Pending = false
					b.countComment(c, 1)
					n.Comments = slices.Clone(n.Comments)
					n.Comments[i] = c
				}
			} else {
				if err := lim.checkComment(a.Comment); err != nil {
					return err
				}
				c := a.Comment
				c.Pending, c.Shown, c.ShownBy = false, "", ""
				n.Comments = insertComment(n.Comments, c)
				b.size += commentSize(c)
				b.countComment(c, 1)
			}
			b.Notes[n.ID] = n
		}
		// A client that was not shown the notes gets them from the
		// operation (Prepare); everyone else has them and lets them show.
		for _, a := range op.Approved {
			if n, ok := b.Notes[a.ID]; ok {
				if n.Pending {
					n.Pending = false
					b.Notes[a.ID] = n
					b.pending--
				}
				continue
			}
			if b.Deleted[a.ID] {
				continue
			}
			if err := lim.checkNote(a); err != nil {
				return err
			}
			a.Pending, a.Shown, a.ShownBy = false, "", ""
			b.Notes[a.ID] = a
			b.size += noteSize(a)
			b.count(a, 1)
		}
		if len(op.Approved) == 0 && len(op.ApprovedComments) == 0 && op.ID == "" {
			for id, n := range b.Notes {
				b.count(n, -1)
				n.Pending = false
				if slices.ContainsFunc(n.Comments, func(c Comment) bool { return c.Pending }) {
					n.Comments = slices.Clone(n.Comments)
					for i := range n.Comments {
						n.Comments[i].Pending = false
					}
				}
				b.Notes[id] = n
				b.count(n, 1)
			}
		}
	case KindReject:
		ids := op.Rejected
		if op.ID != "" {
			if err := b.checkWaiting(op.ID); err != nil && b.ID != "" {
				return err
			}
			if !slices.Contains(ids, op.ID) {
				ids = slices.Concat(ids, []string{op.ID})
			}
		}
		for _, id := range ids {
			if _, ok := b.Notes[id]; ok {
				b.deleteNote(id)
			} else if noteID, i := b.findComment(id); i >= 0 {
				n := b.Notes[noteID]
				c := n.Comments[i]
				b.size -= commentSize(c)
				b.countComment(c, -1)
				n.Comments = slices.Delete(slices.Clone(n.Comments), i, i+1)
				if len(n.Comments) == 0 {
					n.Comments = nil
				}
				b.Notes[noteID] = n
			}
		}
	}
	return nil
}

// moderationSize is what the settings count against MaxBoardBytes.
func moderationSize(m Moderation) int {
	if m.Filter == nil {
		return 0
	}
	n := 64
	for _, w := range m.Filter.Words {
		n += len(w) + 3
	}
	return n
}

// prepareModeration adds to approve and reject what the server knows: the
// notes an approval lets everyone see (without a private note's text,
// which stays its author's until the reveal), and the notes a rejection
// takes away. Everyone but facilitators gets a rejection as only those
// ids: the authors, who see their notes, need them, and the ids say
// nothing of what the notes held.
func prepareModeration(b *Board, op Op) Op {
	switch op.Kind {
	case KindApprove:
		op.Approved, op.ApprovedComments = nil, nil
		for _, n := range b.SortedNotes() {
			for _, c := range n.Comments {
				if c.Pending && (op.ID == "" || c.ID == op.ID) {
					if c.Private {
						c.Text = ""
					}
					c.Shown, c.ShownBy = "", ""
					op.ApprovedComments = append(op.ApprovedComments, NoteComment{Note: n.ID, Comment: c})
				}
			}
			if !n.Pending || op.ID != "" && n.ID != op.ID {
				continue
			}
			if n.Private {
				n.Text = ""
			}
			n.Shown, n.ShownBy = "", "" // others get it in Text (Withhold); nobody needs both
			op.Approved = append(op.Approved, n)
		}
	case KindModerate:
		op = prepareNames(b, op)
		op.Counts = nil
		if b.Moderation.Reactions == ReactionsHidden && op.Moderation.Reactions != ReactionsHidden {
			op.Counts = b.reactionCounts()
			if op.Counts == nil {
				op.Counts = map[string]map[string]int{}
			}
		}
	case KindReject:
		op.Rejected = nil
		for _, n := range b.SortedNotes() {
			if n.Pending && (op.ID == "" || n.ID == op.ID) {
				op.Rejected = append(op.Rejected, n.ID)
			}
			for _, c := range n.Comments {
				if c.Pending && (op.ID == "" || c.ID == op.ID) {
					op.Rejected = append(op.Rejected, c.ID)
				}
			}
		}
	}
	return op
}
