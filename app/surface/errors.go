package surface

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/ports"
)

// FieldDetail names one field at fault.
type FieldDetail struct {
	Field  string `json:"field" doc:"The field at fault: its JSON path in the body, or query.x, path.x, header.x."`
	Reason string `json:"reason" doc:"Why it was refused."`
}

// FlatError is the error body of the subscriber, enterprise and platform surfaces.
type FlatError struct {
	Code      string        `json:"code" doc:"Stable UPPER_SNAKE error code." example:"VALIDATION_FAILED"`
	Message   string        `json:"message" doc:"What went wrong, for people."`
	RequestID string        `json:"request_id" doc:"The request's X-Request-ID."`
	Details   []FieldDetail `json:"details,omitempty" doc:"The fields at fault, for invalid input."`
}

// EnvelopedError is the error body of the app and partner portal surfaces.
type EnvelopedError struct {
	Success bool               `json:"success" doc:"Always false."`
	Error   EnvelopedErrorBody `json:"error"`
}

// EnvelopedErrorBody is the error inside EnvelopedError.
type EnvelopedErrorBody struct {
	Code      string        `json:"code" doc:"Stable UPPER_SNAKE error code." example:"VALIDATION_FAILED"`
	Message   string        `json:"message" doc:"What went wrong, for people."`
	RequestID string        `json:"requestId" doc:"The request's X-Request-ID."`
	Details   []FieldDetail `json:"details,omitempty" doc:"The fields at fault, for invalid input."`
}

// wireError is a huma.StatusError whose JSON is the surface's own error body.
type wireError struct {
	status int
	body   any
}

func (e *wireError) Error() string                { return fmt.Sprintf("%d %v", e.status, e.body) }
func (e *wireError) GetStatus() int               { return e.status }
func (e *wireError) MarshalJSON() ([]byte, error) { return json.Marshal(e.body) }

var installOnce sync.Once

// installErrorModel makes huma build every error through the surface of the operation that
// failed, so huma's own validation errors and ours come out in that surface's body.
func installErrorModel() {
	installOnce.Do(func() {
		huma.NewErrorWithContext = func(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
			var s *Surface
			if ctx != nil && ctx.Operation() != nil {
				s, _ = ctx.Operation().Metadata[surfaceKey].(*Surface)
			}
			var rctx context.Context = context.Background()
			if ctx != nil {
				rctx = requestContext(ctx)
				for _, err := range errs {
					if de := ports.AsError(err); de != nil && de.RetryAfterSeconds > 0 {
						ctx.SetHeader("Retry-After", strconv.Itoa(de.RetryAfterSeconds))
						if de.Code == "TOO_MANY_ATTEMPTS" && s != nil {
							s.observer().Refused("failures")
						}
					}
				}
			}
			return s.newError(rctx, status, msg, errs...)
		}
	})
}

// statusCodes are the default codes of statuses huma produces by itself.
var statusCodes = map[int]string{
	400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
	406: "NOT_ACCEPTABLE", 409: "CONFLICT", 412: "PRECONDITION_FAILED", 413: "PAYLOAD_TOO_LARGE",
	415: "UNSUPPORTED_MEDIA_TYPE", 422: "VALIDATION_FAILED", 429: "RATE_LIMITED", 500: "INTERNAL", 503: "UNAVAILABLE",
}

// kindStatus is the one table from error kinds to HTTP statuses.
var kindStatus = []struct {
	kind   error
	status int
}{
	{ports.ErrInvalid, http.StatusUnprocessableEntity},
	{ports.ErrNotFound, http.StatusNotFound},
	{ports.ErrConflict, http.StatusConflict},
	{ports.ErrUnauthenticated, http.StatusUnauthorized},
	{ports.ErrForbidden, http.StatusForbidden},
	{ports.ErrLimitExceeded, http.StatusTooManyRequests},
	{ports.ErrPrecondition, http.StatusPreconditionFailed},
	{ports.ErrBadRequest, http.StatusBadRequest},
}

// newError builds the surface's error for a status, mapping domain errors to their status.
// A nil surface (no operation matched) uses the flat body.
func (s *Surface) newError(ctx context.Context, status int, msg string, errs ...error) huma.StatusError {
	code := statusCodes[status]
	var details []FieldDetail
	for _, err := range errs {
		if err == nil {
			continue
		}
		if de := ports.AsError(err); de != nil {
			status, code, msg = statusOf(de), de.Code, de.Message
			for _, f := range de.Fields {
				details = append(details, FieldDetail{Field: f.Field, Reason: f.Reason})
			}
			break
		}
		var d *huma.ErrorDetail
		if errors.As(err, &d) {
			details = append(details, FieldDetail{Field: fieldOf(d), Reason: d.Message})
			continue
		}
		if status >= 500 {
			info := infoFrom(ctx)
			logger(s).ErrorContext(ctx, "request failed", "error", err.Error(), "request_id", info.RequestID)
			continue
		}
		details = append(details, FieldDetail{Field: "body", Reason: err.Error()})
	}
	if status >= 500 {
		msg = "Something went wrong on our side; quote the request id when you report it."
	}
	if code == "" {
		code = "ERROR"
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	return s.wire(ctx, status, code, msg, details)
}

func (s *Surface) wire(ctx context.Context, status int, code, msg string, details []FieldDetail) *wireError {
	rid := infoFrom(ctx).RequestID
	if s != nil && s.Style == Enveloped {
		return &wireError{status: status, body: EnvelopedError{Error: EnvelopedErrorBody{
			Code: code, Message: msg, RequestID: rid, Details: details}}}
	}
	return &wireError{status: status, body: FlatError{Code: code, Message: msg, RequestID: rid, Details: details}}
}

func statusOf(e *ports.Error) int {
	for _, ks := range kindStatus {
		if errors.Is(e, ks.kind) {
			return ks.status
		}
	}
	return http.StatusInternalServerError
}

// fieldOf turns huma's location ("body.branding.primary_color") into the caller's field path;
// a missing property is named by the property itself rather than its parent.
func fieldOf(d *huma.ErrorDetail) string {
	loc := d.Location
	if name, ok := strings.CutPrefix(d.Message, "expected required property "); ok {
		if name, ok = strings.CutSuffix(name, " to be present"); ok {
			loc += "." + name
		}
	}
	if f, ok := strings.CutPrefix(loc, "body."); ok {
		return f
	}
	return loc
}

func logger(s *Surface) *slog.Logger {
	if s == nil || s.deps.Log == nil {
		return slog.Default()
	}
	return s.deps.Log
}

func itoa(i int) string { return strconv.Itoa(i) }
