package ports

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// Idempotency keeps the answers of operations called with an idempotency key, so that a client
// retrying a write (a payment, a subscription change) gets the first answer back instead of a
// second effect.
//
// A call is identified by its tenant, its caller, its operation and the client's key. Claim
// claims the key for a call in a short transaction of its own, for a lease; Run then runs the
// operation in one transaction together with the answer it saves, so the answer is stored exactly
// when the operation's changes commit. A process that dies while running leaves nothing but its
// claim, which any call with the key may take over once its lease has run out.
//
// Errors: Claim reports IdempotencyKeyReused (ErrInvalid) when the key was used for another
// request (another fingerprint) and IdempotencyKeyInUse (ErrConflict) while another call holds
// the key; Run reports IdempotencyKeyInUse when its claim was taken over (nothing committed).
type Idempotency interface {
	// Claim finds the key of the call: a stored answer (Answer set: replay it), or, when the key
	// is unused, its answer has expired or its last claim's lease has run out, a new claim for
	// this call (Token set).
	Claim(ctx context.Context, call IdempotentCall, terms IdempotencyTerms) (IdempotencyClaim, error)
	// Run runs fn in one transaction bound to the call's tenant. Every unit of work begun inside
	// fn joins it, each in a savepoint of its own, so each one commits or rolls back as it would
	// alone. When fn answers keep, the answer is saved in that transaction and everything commits
	// at once; otherwise everything fn wrote is rolled back and the claim released, so the key may
	// be used again at once. ctx must not carry a unit of work.
	Run(ctx context.Context, claim IdempotencyClaim, fn func(ctx context.Context) (answer IdempotentAnswer, keep bool)) error
	// Release gives up a claim that still holds its key (after a panic); a claim taken over or
	// answered is left alone.
	Release(ctx context.Context, claim IdempotencyClaim) error
	// Purge removes the tenant's keys whose answers expired before now, and returns how many.
	Purge(ctx context.Context, tenantID string, now time.Time) (int, error)
}

// IdempotentCall identifies one call made with an idempotency key.
type IdempotentCall struct {
	TenantID string
	// Subject is the caller: the principal's subject, or the API key for calls made with a key
	// alone. Two callers never see each other's keys.
	Subject string
	// Operation is the operation's id; one key may be used once per operation.
	Operation string
	// Key is the client's key, as it sent it.
	Key string
	// Fingerprint identifies the request (Fingerprint): the same key with another fingerprint is
	// refused.
	Fingerprint []byte
}

// Reference is a stable, opaque reference of the call (hex SHA-256 of its tenant, caller,
// operation and key), safe to hand to a third party, such as a payment gateway's own idempotency
// key, so that a retry of a call whose transaction rolled back does not repeat an effect outside
// the database either.
func (c IdempotentCall) Reference() string {
	h := sha256.New()
	for _, s := range []string{c.TenantID, c.Subject, c.Operation, c.Key} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// IdempotencyTerms are the times of a claim.
type IdempotencyTerms struct {
	// Now is the time of the claim.
	Now time.Time
	// Lease is how long the claim holds the key without an answer; past it, another call may take
	// the key over (and the first call's changes can no longer commit).
	Lease time.Duration
	// Retain is how long, from the claim, its answer is kept and replayed.
	Retain time.Duration
}

// IdempotencyClaim is what Claim found: the key claimed for this call (Token set), or the answer
// stored for it (Answer set).
type IdempotencyClaim struct {
	Call   IdempotentCall
	Token  string
	Answer *IdempotentAnswer
}

// IdempotentAnswer is an operation's answer as it is stored and replayed.
type IdempotentAnswer struct {
	Status int
	// Header holds the response headers the operation set (Content-Type, ETag, Location, ...).
	Header map[string][]string
	Body   []byte
}

// The codes of the idempotency errors.
const (
	CodeIdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED"
	CodeIdempotencyKeyInUse  = "IDEMPOTENCY_KEY_IN_USE"
)

// IdempotencyKeyReused reports a key used before for another request.
func IdempotencyKeyReused() *Error {
	return &Error{Kind: ErrInvalid, Code: CodeIdempotencyKeyReused,
		Message: "This Idempotency-Key was used for another request (another body or path); use a new key for a new request."}
}

// IdempotencyKeyInUse reports a key another call holds: the first request with it is still
// running.
func IdempotencyKeyInUse() *Error {
	return &Error{Kind: ErrConflict, Code: CodeIdempotencyKeyInUse, RetryAfterSeconds: 1,
		Message: "A request with this Idempotency-Key is still being processed; retry shortly to get its answer."}
}

// Fingerprint identifies a request by its method, target (path and query) and body: SHA-256 of
// the three, each length-prefixed so that no two requests share one by moving bytes between them.
func Fingerprint(method, target string, body []byte) []byte {
	h := sha256.New()
	for _, part := range [][]byte{[]byte(method), []byte(target), body} {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(part))))
		h.Write(part)
	}
	return h.Sum(nil)
}

type idempotentCallKey struct{}

// WithIdempotentCall returns ctx carrying the idempotent call it runs for.
func WithIdempotentCall(ctx context.Context, c IdempotentCall) context.Context {
	return context.WithValue(ctx, idempotentCallKey{}, c)
}

// IdempotentCallFrom returns the idempotent call ctx runs for, if any: a use case calling a
// third party can pass on its Reference.
func IdempotentCallFrom(ctx context.Context) (IdempotentCall, bool) {
	c, ok := ctx.Value(idempotentCallKey{}).(IdempotentCall)
	return c, ok
}
