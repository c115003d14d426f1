package ports

import (
	"errors"
	"fmt"
	"strings"
)

// The error kinds. Every use case and every port reports failures as one of these (wrapped with
// context); each HTTP surface maps them to its own status codes and error body in one table.
var (
	// ErrInvalid means the input broke a rule; the Error carries the offending fields.
	ErrInvalid = errors.New("invalid")
	// ErrNotFound means the thing does not exist, or is not visible to the caller.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the change collides with the current state (duplicate, wrong state).
	ErrConflict = errors.New("conflict")
	// ErrUnauthenticated means no valid credentials were presented.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrForbidden means the caller is known but may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrLimitExceeded means a quota or rate limit was reached.
	ErrLimitExceeded = errors.New("limit exceeded")
	// ErrPrecondition means a precondition of the request (If-Match) no longer holds.
	ErrPrecondition = errors.New("precondition failed")
	// ErrBadRequest means a protocol request cannot be granted as asked (an OAuth-style token
	// request: unknown grant type, scopes beyond those granted); the Error carries the fields.
	ErrBadRequest = errors.New("bad request")
)

// FieldError names one input field and why it was refused.
type FieldError struct {
	// Field is the path of the field in the caller's own words, for example "slug" or
	// "branding.primary_color".
	Field string
	// Reason says why, in plain words.
	Reason string
}

// Error is a failure of one of the kinds above with a stable machine code, a message for
// people and, for invalid input, the fields at fault.
type Error struct {
	// Kind is one of the Err* sentinels.
	Kind error
	// Code is a stable UPPER_SNAKE identifier, such as "SLUG_TAKEN"; surfaces may re-case it.
	Code string
	// Message is safe to show to the caller.
	Message string
	// Fields lists the offending fields of invalid input.
	Fields []FieldError
	// RetryAfterSeconds is set on ErrLimitExceeded when the caller can retry later.
	RetryAfterSeconds int
	// Cause is the underlying error, kept for logs; never shown to callers.
	Cause error
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, " [%s: %s]", f.Field, f.Reason)
	}
	if e.Cause != nil {
		b.WriteString(": ")
		b.WriteString(e.Cause.Error())
	}
	return b.String()
}

// Is reports whether target is this error's kind, so errors.Is(err, ports.ErrNotFound) works.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Cause }

// Invalid reports refused input with one field at fault.
func Invalid(field, reason string) *Error {
	return &Error{Kind: ErrInvalid, Code: "VALIDATION_FAILED", Message: "The request is invalid.",
		Fields: []FieldError{{Field: field, Reason: reason}}}
}

// NotFound reports that a thing of the given kind (for example "tenant") does not exist.
func NotFound(what string) *Error {
	return &Error{Kind: ErrNotFound, Code: strings.ToUpper(strings.ReplaceAll(what, " ", "_")) + "_NOT_FOUND",
		Message: "The " + what + " does not exist."}
}

// BadRequest reports a protocol request that cannot be granted as asked, under a stable code.
func BadRequest(code, message string, fields ...FieldError) *Error {
	return &Error{Kind: ErrBadRequest, Code: code, Message: message, Fields: fields}
}

// Conflict reports a collision with the current state under a stable code.
func Conflict(code, message string) *Error {
	return &Error{Kind: ErrConflict, Code: code, Message: message}
}

// Unauthenticated reports missing or bad credentials.
func Unauthenticated(code, message string) *Error {
	return &Error{Kind: ErrUnauthenticated, Code: code, Message: message}
}

// Forbidden reports a caller that may not do what it asked.
func Forbidden(code, message string) *Error {
	return &Error{Kind: ErrForbidden, Code: code, Message: message}
}

// Validation collects field errors of one input; its Err is nil while nothing was added.
type Validation struct{ fields []FieldError }

// Add records a refused field.
func (v *Validation) Add(field, reason string) {
	v.fields = append(v.fields, FieldError{field, reason})
}

// Check records the field when ok is false, and answers ok (so that checks depending on this one
// can be skipped).
func (v *Validation) Check(ok bool, field, reason string) bool {
	if !ok {
		v.Add(field, reason)
	}
	return ok
}

// Err returns the collected failures as one ErrInvalid error, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Kind: ErrInvalid, Code: "VALIDATION_FAILED", Message: "The request is invalid.", Fields: v.fields}
}

// AsError returns err as an *Error; an error of no known kind comes back as nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
