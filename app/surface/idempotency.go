package surface

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/ports"
)

// Idempotency-Key support, switched on per operation with Idempotent. A request without the
// header runs as usual. With it, the first answer of the operation for that key, caller and
// operation is stored with the operation's own changes, in the same transaction, and replayed
// to every later request with the key for 24 hours:
//
//   - The key is claimed first, in a short transaction of its own, for a lease of 60 s; a second
//     request while the first runs answers 409 IDEMPOTENCY_KEY_IN_USE, and one with another body
//     (or path) 422 IDEMPOTENCY_KEY_REUSED.
//   - The operation then runs in one transaction that every unit of work of its use case joins
//     (each in a savepoint, so each commits or rolls back as it would alone); the answer is held
//     in memory, saved in that transaction, and sent only once it committed. A process that dies
//     meanwhile commits nothing and leaves only its claim, which the key's next request takes
//     over once the lease has run out; an operation that outlives its lease cannot commit either
//     (its answer is saved only while the claim is still its own).
//   - Kept: every answer of an operation that ran, below 500, except 429 (it says "retry
//     later"). Not kept, the key freed at once: 5xx answers (everything the operation wrote is
//     rolled back, so a retry runs it afresh), and refusals before the handler ran (huma's input
//     validation, a body too large), so a corrected request may use the same key.
//
// What this cannot cover is an effect outside the database made before a rollback (a payment
// gateway charged, then the commit failed): use cases pass ports.IdempotentCallFrom(ctx)'s
// Reference to such a third party as its own idempotency key.

// IdempotencyHeader is the request header carrying the client's key.
const IdempotencyHeader = "Idempotency-Key"

// ReplayedHeader marks an answer replayed from the one stored for the key.
const ReplayedHeader = "Idempotent-Replayed"

// The terms of a key: how long a claim holds it without an answer, and how long an answer is
// replayed.
const (
	IdempotencyLease     = 60 * time.Second
	IdempotencyRetention = 24 * time.Hour
)

// maxIdempotencyKey bounds a key's length (printable ASCII, 1 to 255 characters).
const maxIdempotencyKey = 255

const idempotentKey = "stvos.idempotent"

// Idempotent switches Idempotency-Key support on for an operation, whose access metadata it
// extends: Metadata: surface.Idempotent(surface.Permit("self:subscription:write", surface.UserToken)).
// The operation must take a caller of a tenant (API key, user or staff token) and a JSON body.
func Idempotent(meta map[string]any) map[string]any {
	out := maps.Clone(meta)
	if out == nil {
		out = map[string]any{}
	}
	out[idempotentKey] = true
	return out
}

// IsIdempotent reports whether the operation honours Idempotency-Key.
func IsIdempotent(op *huma.Operation) bool {
	on, _ := op.Metadata[idempotentKey].(bool)
	return on
}

const idempotencyDoc = "Client-generated unique key (UUIDv7 recommended — time-ordered, collision-resistant) that makes a " +
	"write request safely retryable. Replaying the same key within 24h returns the original result (status, headers " +
	"and body, with `Idempotent-Replayed: true`) instead of performing the action twice. Keys are the caller's own, " +
	"per operation; 1 to 255 printable ASCII characters. The same key with another body answers 422 " +
	"IDEMPOTENCY_KEY_REUSED; while the first request with it is still running, 409 IDEMPOTENCY_KEY_IN_USE (retry " +
	"after Retry-After). Server errors (5xx), 429 and requests refused before the action ran (invalid input) are " +
	"not kept: retry them with the same key. Strongly recommended on all payment and subscription mutations."

// declareIdempotent documents the header, its errors and the replay mark in the operation, and
// puts the mechanism in front of its handler.
func (s *Surface) declareIdempotent(op *huma.Operation, acc Access) {
	if !slices.ContainsFunc(acc.Requires, func(c Credential) bool { return c != OperatorToken }) {
		panic(fmt.Sprintf("surface: %s %s is idempotent but takes no caller of a tenant", op.Method, op.Path))
	}
	if op.RequestBody != nil && op.RequestBody.Content["multipart/form-data"] != nil {
		panic(fmt.Sprintf("surface: %s %s is idempotent but takes a multipart body", op.Method, op.Path))
	}
	minLen, maxLen := 1, maxIdempotencyKey
	op.Parameters = append(op.Parameters, &huma.Param{Name: IdempotencyHeader, In: "header", Description: idempotencyDoc,
		Schema:  &huma.Schema{Type: "string", MinLength: &minLen, MaxLength: &maxLen, Pattern: "^[ -~]+$"},
		Example: "01928f4e-7d1a-7c3b-9a42-5e8f0d6b2c71"})
	for _, code := range []int{http.StatusConflict, http.StatusUnprocessableEntity} {
		if !contains(op.Errors, code) {
			op.Errors = append(op.Errors, code)
		}
	}
	for code, r := range op.Responses {
		if strings.HasPrefix(code, "2") && r != nil {
			if r.Headers == nil {
				r.Headers = map[string]*huma.Param{}
			}
			r.Headers[ReplayedHeader] = &huma.Param{Description: "`true` when this is the stored answer of an earlier " +
				"request with the same Idempotency-Key, replayed.", Schema: &huma.Schema{Type: "boolean"}}
		}
	}
	op.Middlewares = append(op.Middlewares, s.idempotent)
}

// idempotent is the per-operation middleware of Idempotent operations; it runs after the guard.
func (s *Surface) idempotent(ctx huma.Context, next func(huma.Context)) {
	key, present := idempotencyKey(ctx)
	if !present {
		next(ctx)
		return
	}
	if reason := checkIdempotencyKey(key); reason != "" {
		s.fail(ctx, &ports.Error{Kind: ports.ErrInvalid, Code: "IDEMPOTENCY_KEY_INVALID", Message: "The Idempotency-Key header is invalid.",
			Fields: []ports.FieldError{{Field: "header." + IdempotencyHeader, Reason: reason}}})
		return
	}
	p := PrincipalFrom(ctx.Context())
	subject := p.Subject
	if subject == "" && p.APIKeyID != "" {
		subject = "key:" + p.APIKeyID
	}
	if s.deps.Idempotency == nil || p.TenantID == "" || subject == "" {
		s.fail(ctx, fmt.Errorf("surface: %s cannot keep idempotency keys (store %t, tenant %q, caller %q)",
			ctx.Operation().OperationID, s.deps.Idempotency != nil, p.TenantID, subject))
		return
	}
	body, rest, whole := readWhole(ctx)
	if !whole { // too large or unreadable: huma refuses it as it would without a key; nothing is claimed
		next(&bodyContext{inner: ctx, body: io.MultiReader(bytes.NewReader(body), rest)})
		return
	}
	target := ctx.URL()
	call := ports.IdempotentCall{TenantID: p.TenantID, Subject: subject, Operation: ctx.Operation().OperationID, Key: key,
		Fingerprint: ports.Fingerprint(ctx.Method(), target.RequestURI(), body)}
	store := s.deps.Idempotency
	claim, err := store.Claim(ctx.Context(), call, ports.IdempotencyTerms{Now: s.now(), Lease: IdempotencyLease, Retain: IdempotencyRetention})
	if err != nil {
		s.fail(ctx, err)
		return
	}
	if claim.Answer != nil {
		send(ctx, *claim.Answer, true)
		return
	}
	held := &heldContext{bodyContext: bodyContext{inner: ctx, body: bytes.NewReader(body)}, header: http.Header{}}
	defer func() {
		if v := recover(); v != nil {
			_ = store.Release(ctx.Context(), claim) // the panic is what gets reported
			panic(v)
		}
	}()
	err = store.Run(ctx.Context(), claim, func(tx context.Context) (ports.IdempotentAnswer, bool) {
		held.ctx = ports.WithIdempotentCall(tx, call)
		next(held)
		a := held.answer()
		return a, held.ran && kept(a.Status)
	})
	if err != nil {
		s.fail(ctx, err) // taken over (409), or the commit failed (500): nothing was done
		return
	}
	send(ctx, held.answer(), false)
}

// kept reports whether an answer of an operation that ran is stored: a final answer, not a
// server error nor a "retry later".
func kept(status int) bool { return status < 500 && status != http.StatusTooManyRequests }

// idempotencyKey reads the header; present is true for an empty value too (which is refused).
func idempotencyKey(ctx huma.Context) (key string, present bool) {
	if key = ctx.Header(IdempotencyHeader); key != "" {
		return key, true
	}
	ctx.EachHeader(func(name, _ string) {
		if strings.EqualFold(name, IdempotencyHeader) {
			present = true
		}
	})
	return "", present
}

func checkIdempotencyKey(key string) string {
	if key == "" || len(key) > maxIdempotencyKey {
		return fmt.Sprintf("must be 1 to %d characters", maxIdempotencyKey)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return "must be printable ASCII"
		}
	}
	return ""
}

func (s *Surface) now() time.Time {
	if s.deps.Clock == nil {
		return time.Now()
	}
	return s.deps.Clock.Now()
}
