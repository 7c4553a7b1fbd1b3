package board

import (
	"encoding/json"
	jsonv2 "encoding/json/v2"
	"errors"
	"fmt"
	"strings"
)

// Operation kinds, as they appear in the "kind" field on the wire.
const (
	KindCreate = "create"
	KindUpdate = "update"
	KindDelete = "delete"
	KindRename = "rename"
	KindBatch  = "batch"
)

// Op is one change to a board. Which fields are set depends on Kind:
//
//	create: Note (id, x and y required; w, h, text, color and z optional)
//	update: ID and Set (at least one field)
//	delete: ID
//	rename: Title
//	batch:  Ops (1 to Limits.MaxBatchOps operations, none of them a batch),
//	        applied all or nothing
//
// The JSON form uses the lower-case field names shown in the struct tags.
type Op struct {
	Kind  string   `json:"kind"`
	Note  *NewNote `json:"note,omitempty"`
	ID    string   `json:"id,omitempty"`
	Set   *Patch   `json:"set,omitempty"`
	Title *string  `json:"title,omitempty"`
	Ops   []Op     `json:"ops,omitempty"`
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
}

func (p *Patch) empty() bool {
	return p.X == nil && p.Y == nil && p.W == nil && p.H == nil && p.Text == nil && p.Color == nil && p.Z == nil
}

// DecodeOp decodes one operation from JSON. It rejects unknown fields,
// wrong types and numbers JSON cannot hold, and checks the operation's shape
// (required and forbidden fields for its kind). Limits are checked by
// Limits.Validate and Apply.
func DecodeOp(data []byte) (Op, error) {
	var op Op
	if err := DecodeJSON(data, &op); err != nil {
		return Op{}, err
	}
	if err := op.checkShape(true); err != nil {
		return Op{}, err
	}
	return op, nil
}

func (op *Op) checkShape(top bool) error {
	has := func(name string, set bool) error {
		if set {
			return Errorf(EInvalid, "a %s operation has no %q field", op.Kind, name)
		}
		return nil
	}
	need := func(name string, set bool) error {
		if !set {
			return Errorf(EInvalid, "a %s operation needs a %q field", op.Kind, name)
		}
		return nil
	}
	// first returns the first error of its arguments: the checks of a kind
	// are written in one line each, and an operation is checked three times
	// on its way to the board, so this allocates nothing.
	first := func(errs ...error) error {
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		return nil
	}
	switch op.Kind {
	case KindCreate:
		if err := first(need("note", op.Note != nil), has("id", op.ID != ""), has("set", op.Set != nil),
			has("title", op.Title != nil), has("ops", op.Ops != nil)); err != nil {
			return err
		}
		if op.Note.X == nil || op.Note.Y == nil {
			return Errorf(EInvalid, "a new note needs \"x\" and \"y\"")
		}
	case KindUpdate:
		if err := first(need("id", op.ID != ""), need("set", op.Set != nil), has("note", op.Note != nil),
			has("title", op.Title != nil), has("ops", op.Ops != nil)); err != nil {
			return err
		}
		if op.Set.empty() {
			return Errorf(EInvalid, "an update must set at least one field")
		}
	case KindDelete:
		return first(need("id", op.ID != ""), has("note", op.Note != nil), has("set", op.Set != nil),
			has("title", op.Title != nil), has("ops", op.Ops != nil))
	case KindRename:
		return first(need("title", op.Title != nil), has("id", op.ID != ""), has("note", op.Note != nil),
			has("set", op.Set != nil), has("ops", op.Ops != nil))
	case KindBatch:
		if !top {
			return Errorf(EInvalid, "a batch cannot contain another batch")
		}
		if err := first(need("ops", len(op.Ops) > 0), has("id", op.ID != ""), has("note", op.Note != nil),
			has("set", op.Set != nil), has("title", op.Title != nil)); err != nil {
			return err
		}
		for i := range op.Ops {
			if err := op.Ops[i].checkShape(false); err != nil {
				return Errorf(ErrorCode(err), "operation %d of the batch: %s", i+1, ErrorMessage(err))
			}
		}
	case "":
		return Errorf(EInvalid, "the operation has no \"kind\"")
	default:
		return Errorf(EInvalid, "unknown operation kind %q", op.Kind)
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
