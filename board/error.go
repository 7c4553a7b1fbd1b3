package board

import (
	"errors"
	"fmt"
)

// Error codes. They are part of the wire protocol (sync sends them to clients)
// and of the HTTP API, so they never change meaning.
const (
	EInvalid     = "invalid"      // the input is malformed or breaks a limit
	ENotFound    = "not_found"    // the board or note does not exist (or was deleted)
	EConflict    = "conflict"     // the input contradicts the board's state, e.g. a duplicate id
	EForbidden   = "forbidden"    // the caller may not do this
	ELocked      = "locked"       // the facilitator locked the board: only facilitators change it now
	EMethod      = "method"       // the address does not take this HTTP method
	ETooLarge    = "too_large"    // the input or the board is over a size limit
	ERateLimited = "rate_limited" // the caller sent too much too fast
	EUnavailable = "unavailable"  // the server cannot do it now (it is restarting); try again shortly
	EGone        = "gone"         // the board was deleted: its links lead nowhere, for good
	EInternal    = "internal"     // something broke on the server; the message says nothing more
)

// Error is the one error type of the domain. Message is written for a person
// and is safe to show to users; internal details never go into it.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, and
// EInternal for anything else.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err if it is (or wraps) an
// *Error. For any other error it returns a generic message, so internal error
// strings never reach a user.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on the server."
}
