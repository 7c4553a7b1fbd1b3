package board

import (
	"encoding/json"
	jsonv2 "encoding/json/v2"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Operation kinds, as they appear in the "kind" field on the wire.
const (
	KindCreate = "create"
	KindUpdate = "update"
	KindDelete = "delete"
	KindRename = "rename"
	KindBatch  = "batch"

	// Running a lesson (lesson.go); a facilitator's, but for votes.
	KindLock        = "lock"
	KindUnlock      = "unlock"
	KindHide        = "hide"
	KindReveal      = "reveal"
	KindVoteStart   = "vote-start"
	KindVote        = "vote"
	KindUnvote      = "unvote"
	KindVoteEnd     = "vote-end"
	KindVoteClear   = "vote-clear"
	KindTimerStart  = "timer-start"
	KindTimerPause  = "timer-pause"
	KindTimerResume = "timer-resume"
	KindTimerReset  = "timer-reset"
	KindStopAdd     = "stop-add"
	KindStopSet     = "stop-set"
	KindStopDelete  = "stop-delete"
	KindStopMove    = "stop-move"

	// Moderation (moderation.go); a facilitator's.
	KindModerate = "moderate"
	KindApprove  = "approve"
	KindReject   = "reject"

	// Comments (comments.go); editors' and facilitators'.
	KindComment   = "comment"
	KindUncomment = "uncomment"

	// Columns (columns.go); a facilitator's.
	KindColumnAdd    = "column-add"
	KindColumnSet    = "column-set"
	KindColumnDelete = "column-delete"
	KindColumnMove   = "column-move"

	// Reactions (reactions.go); everyone's.
	KindReact   = "react"
	KindUnreact = "unreact"

	// The trash (trash.go); a facilitator's.
	KindUndelete = "undelete"

	// KindNone is what the server sends for an operation its receiver may
	// not see at all (a note waiting for approval): only the version
	// moves. Clients never send it.
	KindNone = "none"
)

// Op is one change to a board. Which fields are set depends on Kind:
//
//	create: Note (id, x and y required; w, h, text, color and z optional)
//	update: ID and Set (at least one field)
//	delete: ID
//	rename: Title
//	batch:  Ops (1 to Limits.MaxBatchOps operations, each a create,
//	        update, delete or rename), applied all or nothing
//
//	lock, unlock, hide, reveal, vote-end, vote-clear, timer-pause,
//	timer-resume, timer-reset: nothing
//	vote-start:  Voting (votes and perNote; hidden optional)
//	vote, unvote: ID (a note)
//	timer-start: Seconds
//	stop-add, stop-set: Stop
//	stop-delete: ID (a stop)
//	stop-move:   ID and Index
//	moderate:    Moderation (the whole of the board's settings)
//	approve, reject: ID (a note waiting for approval), or nothing for
//	             every note waiting
//	react, unreact: ID (a note) and Reaction
//	comment:     ID (a note) and Comment (id and text)
//	uncomment:   ID (a note) and Comment (id only)
//	column-add, column-set: Column
//	column-delete: ID (a column)
//	column-move:   ID and Index
//	undelete:    ID (a note in the trash)
//
// The server adds what only it knows to some operations before it orders
// them (see Prepare): the texts a reveal shows, the counts a round ends
// with. It also sends clients that may not see all of an operation a copy
// with Withheld set and the hidden parts left out (see Withhold). Clients
// never send these fields: DecodeOp refuses them.
//
// The JSON form uses the lower-case field names shown in the struct tags.
type Op struct {
	Kind    string   `json:"kind"`
	Note    *NewNote `json:"note,omitempty"`
	ID      string   `json:"id,omitempty"`
	Set     *Patch   `json:"set,omitempty"`
	Title   *string  `json:"title,omitempty"`
	Ops     []Op     `json:"ops,omitempty"`
	Voting  *Voting  `json:"voting,omitempty"`
	Seconds int      `json:"seconds,omitempty"`
	Stop    *Stop    `json:"stop,omitempty"`
	Index   *int     `json:"index,omitempty"`

	Moderation *Moderation `json:"moderation,omitempty"`
	Reaction   string      `json:"reaction,omitempty"`
	Column     *Column     `json:"column,omitempty"`
	Comment    *NewComment `json:"comment,omitempty"`

	Texts    map[string]string `json:"texts,omitempty"`    // reveal: every private note's text
	Votes    map[string]int    `json:"votes,omitempty"`    // vote-end: each note's votes
	Approved []Note            `json:"approved,omitempty"` // approve: the notes approved
	Rejected []string          `json:"rejected,omitempty"` // reject: the ids of the notes and comments rejected
	// ApprovedComments are the comments an approve lets show, with their notes.
	ApprovedComments []NoteComment `json:"approvedComments,omitempty"`
	// Counts is every note's reactions, on a moderate that shows hidden
	// reactions again.
	Counts map[string]map[string]int `json:"counts,omitempty"`
	// Masked is the text of a create, update or comment as everyone but
	// its writer and facilitators see it, when the word filter masked
	// words in it (Screen).
	Masked string `json:"masked,omitempty"`
	// Restored is the note an undelete brings back, as everyone may see
	// it.
	Restored *Note `json:"restored,omitempty"`
	// Authors are the authors of notes and comments (by id), on a
	// moderate that shows names again (anonymity.go).
	Authors  map[string]Author `json:"authors,omitempty"`
	Withheld bool              `json:"withheld,omitempty"` // a copy with what the receiver may not see left out
}

// NewNote is the content of a create operation. Pointers mark optional
// fields, which get defaults when the operation is applied.
type NewNote struct {
	ID    string   `json:"id"`
	X     *float64 `json:"x"`
	Y     *float64 `json:"y"`
	W     *float64 `json:"w,omitempty"`
	H     *float64 `json:"h,omitempty"`
	Text  *string  `json:"text,omitempty"`
	Color *string  `json:"color,omitempty"`
	Z     *int64   `json:"z,omitempty"`
}

// Patch names the fields an update changes; nil fields stay as they are.
// That is what makes concurrent edits merge per field: a move by one person
// and a text edit by another both survive.
type Patch struct {
	X     *float64 `json:"x,omitempty"`
	Y     *float64 `json:"y,omitempty"`
	W     *float64 `json:"w,omitempty"`
	H     *float64 `json:"h,omitempty"`
	Text  *string  `json:"text,omitempty"`
	Color *string  `json:"color,omitempty"`
	Z     *int64   `json:"z,omitempty"`
	// Stack puts the note on the stack headed by the note it names, or
	// takes it off its stack when "" (stacks.go).
	Stack *string `json:"stack,omitempty"`
}

func (p *Patch) empty() bool {
	return p.X == nil && p.Y == nil && p.W == nil && p.H == nil && p.Text == nil && p.Color == nil && p.Z == nil && p.Stack == nil
}

// DecodeOp decodes one operation from a client. It rejects unknown fields,
// wrong types and numbers JSON cannot hold, the fields only the server
// sets, and checks the operation's shape (required and forbidden fields
// for its kind). Limits are checked by Limits.Validate and Apply.
func DecodeOp(data []byte) (Op, error) {
	var op Op
	if err := DecodeJSON(data, &op); err != nil {
		return Op{}, err
	}
	if err := op.checkServerFields(); err != nil {
		return Op{}, err
	}
	if err := op.checkShape(true); err != nil {
		return Op{}, err
	}
	return op, nil
}

// DecodeOrderedOp decodes an operation as the server ordered it: from the
// board's log, or from the server's op messages, where it may carry what
// the server added (see Op).
func DecodeOrderedOp(data []byte) (Op, error) {
	var op Op
	if err := DecodeJSON(data, &op); err != nil {
		return Op{}, err
	}
	if err := op.checkShape(true); err != nil {
		return Op{}, err
	}
	return op, nil
}

func (op *Op) checkServerFields() error {
	if op.Texts != nil || op.Votes != nil || op.Approved != nil || op.ApprovedComments != nil || op.Rejected != nil || op.Counts != nil || op.Masked != "" || op.Restored != nil || op.Authors != nil || op.Withheld {
		return Errorf(EInvalid, "\"texts\", \"votes\", \"approved\", \"approvedComments\", \"rejected\", \"counts\", \"masked\", \"restored\", \"authors\" and \"withheld\" are set by the server, not by clients")
	}
	if op.Kind == KindNone {
		return Errorf(EInvalid, "operations of kind %q are the server's", op.Kind)
	}
	for i := range op.Ops {
		if err := op.Ops[i].checkServerFields(); err != nil {
			return err
		}
	}
	return nil
}

func (op *Op) checkShape(top bool) error {
	// The fields each kind takes; every other field must be absent.
	var want []string
	switch op.Kind {
	case KindCreate:
		want = []string{"note"}
	case KindUpdate:
		want = []string{"id", "set"}
	case KindDelete, KindVote, KindUnvote, KindStopDelete, KindColumnDelete, KindUndelete:
		want = []string{"id"}
	case KindRename:
		want = []string{"title"}
	case KindBatch:
		if !top {
			return Errorf(EInvalid, "a batch cannot contain another batch")
		}
		want = []string{"ops"}
	case KindVoteStart:
		want = []string{"voting"}
	case KindTimerStart:
		want = []string{"seconds"}
	case KindStopAdd, KindStopSet:
		want = []string{"stop"}
	case KindStopMove, KindColumnMove:
		want = []string{"id", "index"}
	case KindColumnAdd, KindColumnSet:
		want = []string{"column"}
	case KindComment, KindUncomment:
		want = []string{"id", "comment"}
	case KindModerate:
		want = []string{"moderation"}
	case KindApprove, KindReject:
		want = []string{"id?"}
	case KindReact, KindUnreact:
		want = []string{"id", "reaction"}
		if op.Withheld {
			want = []string{"id?", "reaction?"} // a copy while reactions are hidden says neither
		}
	case KindNone:
		if !op.Withheld {
			return Errorf(EInvalid, "an operation of kind %q is always a withheld copy", op.Kind)
		}
	case KindLock, KindUnlock, KindHide, KindReveal, KindVoteEnd, KindVoteClear,
		KindTimerPause, KindTimerResume, KindTimerReset:
	case "":
		return Errorf(EInvalid, "the operation has no \"kind\"")
	default:
		return Errorf(EInvalid, "unknown operation kind %q", op.Kind)
	}
	fields := [...]struct {
		name string
		set  bool
	}{
		{"note", op.Note != nil}, {"id", op.ID != ""}, {"set", op.Set != nil}, {"title", op.Title != nil},
		{"ops", op.Ops != nil}, {"voting", op.Voting != nil}, {"seconds", op.Seconds != 0},
		{"stop", op.Stop != nil}, {"index", op.Index != nil}, {"moderation", op.Moderation != nil}, {"reaction", op.Reaction != ""}, {"column", op.Column != nil}, {"comment", op.Comment != nil},
	}
	for _, f := range fields {
		needed := slices.Contains(want, f.name)
		if slices.Contains(want, f.name+"?") {
			continue // may be there or not
		}
		// A withheld vote leaves out which note it was for.
		if f.name == "id" && op.Withheld && (op.Kind == KindVote || op.Kind == KindUnvote) {
			needed = f.set
		}
		switch {
		case needed && !f.set:
			return Errorf(EInvalid, "a %s operation needs a %q field", op.Kind, f.name)
		case !needed && f.set:
			return Errorf(EInvalid, "a %s operation has no %q field", op.Kind, f.name)
		}
	}
	if op.Masked != "" && op.Kind != KindCreate && op.Kind != KindUpdate && op.Kind != KindComment {
		return Errorf(EInvalid, "a %s operation has no \"masked\" field", op.Kind)
	}
	if op.Texts != nil && op.Kind != KindReveal || op.Votes != nil && op.Kind != KindVoteEnd ||
		op.Approved != nil && op.Kind != KindApprove || op.Rejected != nil && op.Kind != KindReject ||
		op.Counts != nil && op.Kind != KindModerate || op.ApprovedComments != nil && op.Kind != KindApprove ||
		op.Restored != nil && op.Kind != KindUndelete || op.Authors != nil && op.Kind != KindModerate {
		return Errorf(EInvalid, "a %s operation has no \"texts\", \"votes\", \"approved\", \"approvedComments\", \"rejected\", \"counts\", \"restored\" or \"authors\" field", op.Kind)
	}
	switch op.Kind {
	case KindCreate:
		if op.Note.X == nil || op.Note.Y == nil {
			return Errorf(EInvalid, "a new note needs \"x\" and \"y\"")
		}
	case KindComment:
		// A copy for someone who may not read it (a private comment)
		// leaves the text out.
		if op.Comment.Text == nil && !op.Withheld {
			return Errorf(EInvalid, "a comment needs a \"text\"")
		}
	case KindUncomment:
		if op.Comment.Text != nil {
			return Errorf(EInvalid, "an uncomment names the comment's \"id\" only")
		}
	case KindUpdate:
		// A withheld update may have nothing left that its receiver may
		// see; it still bumps the note's time.
		if op.Set.empty() && !op.Withheld {
			return Errorf(EInvalid, "an update must set at least one field")
		}
	case KindBatch:
		if len(op.Ops) == 0 {
			return Errorf(EInvalid, "a batch operation needs a \"ops\" field")
		}
		for i := range op.Ops {
			sub := &op.Ops[i]
			if err := sub.checkShape(false); err != nil {
				return Errorf(ErrorCode(err), "operation %d of the batch: %s", i+1, ErrorMessage(err))
			}
			switch sub.Kind {
			case KindCreate, KindUpdate, KindDelete, KindRename:
			default:
				return Errorf(EInvalid, "operation %d of the batch: a batch holds only create, update, delete and rename operations", i+1)
			}
		}
	}
	return nil
}

// DecodeJSON decodes exactly one JSON value into v, rejecting unknown
// fields and trailing data, and turns encoding/json's errors into *Error
// messages a person can act on. Every decoder of outside input uses it.
func DecodeJSON(data []byte, v any) error {
	// encoding/json's v1 semantics and error types, through v2's Unmarshal:
	// unlike a v1 Decoder it takes the bytes as they are and allocates no
	// decoder for each message, and it refuses trailing data itself.
	if err := jsonv2.Unmarshal(data, v, json.DefaultOptionsV1(), jsonv2.RejectUnknownMembers(true)); err != nil {
		return jsonError(err)
	}
	return nil
}

// jsonError turns an error from encoding/json into an *Error whose message
// says what was wrong in terms of the input, without Go type names.
func jsonError(err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		msg := strings.TrimPrefix(syntax.Error(), "json: ")
		switch {
		case msg == "unexpected end of JSON input":
			return Errorf(EInvalid, "malformed JSON: the input ends early")
		case strings.HasSuffix(msg, "after top-level value"):
			return Errorf(EInvalid, "malformed JSON: unexpected data after the value")
		}
		return Errorf(EInvalid, "malformed JSON at byte %d: %s", syntax.Offset, msg)
	case errors.As(err, &typ):
		if strings.HasPrefix(typ.Value, "number ") && (typ.Type.Kind().String() == "float64" || typ.Type.Kind().String() == "int64") {
			return Errorf(EInvalid, "field %q: %s is out of range", typ.Field, typ.Value)
		}
		return Errorf(EInvalid, "field %q: expected %s, got %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return Errorf(EInvalid, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	default:
		// Errors from UnmarshalJSON methods (time values, for instance).
		return Errorf(EInvalid, "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "float64", "float32", "int", "int64", "uint64", "uint32", "int32":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	}
	return fmt.Sprintf("a %s", goKind)
}
