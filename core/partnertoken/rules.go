package partnertoken

import (
	"strings"
	"time"

	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// The answers of the token endpoint. Their codes are the error codes of OAuth 2.0 (RFC 6749
// section 5.2), which clients of a token endpoint key on, in the surface's error body.
var (
	// ErrInvalidClient answers an unknown client_id, a wrong client_secret or a revoked token,
	// alike: 401, counted by the failure throttle.
	ErrInvalidClient = ports.Unauthenticated("invalid_client", "The client_id or client_secret is wrong, or the partner token was revoked.")
	// ErrInvalidGrant answers a refresh token that is unknown, expired, revoked, reused (which
	// also ends its family) or issued to another partner token: 401.
	ErrInvalidGrant = ports.Unauthenticated("invalid_grant", "The refresh token is invalid, expired, revoked or was issued to another client.")
)

// errInvalidScope answers requested scopes beyond the token's: 400.
func errInvalidScope(granted []string) *ports.Error {
	return ports.BadRequest("invalid_scope", "The scopes asked for must be among those granted to the partner token: "+
		strings.Join(granted, ", ")+".", ports.FieldError{Field: "scopes", Reason: "must be a subset of the scopes granted: " + strings.Join(granted, ", ")})
}

func invalidRequest(field, reason string) *ports.Error {
	return ports.BadRequest("invalid_request", "The token request is invalid.", ports.FieldError{Field: field, Reason: reason})
}

// NarrowScopes applies the scope rule of the token endpoint: the scopes asked for must all be
// among those granted to the partner token (else 400 invalid_scope); asking for none grants all.
// The answer lists each scope once, in the order of Scopes.
func NarrowScopes(granted, requested []string) ([]string, error) {
	if len(requested) == 0 {
		return normalize(granted), nil
	}
	if !subset(requested, granted) {
		return nil, errInvalidScope(normalize(granted))
	}
	return normalize(requested), nil
}

// AccessTTL applies the exp rule of the token endpoint: exp (Unix seconds) is when the access
// token should expire. Zero or absent means the default life (session.AccessTokenTTL, 15
// minutes); a time in the past or less than a minute ahead is refused (400 invalid_request); a
// time more than an hour after issue is clamped to one hour (session.MaxAccessTokenTTL), the
// maximum the specification sets, rather than refused.
func AccessTTL(now time.Time, exp int64) (time.Duration, error) {
	if exp == 0 {
		return session.AccessTokenTTL, nil
	}
	d := time.Unix(exp, 0).Sub(now.Truncate(time.Second))
	if d < MinAccessTTL {
		return 0, invalidRequest("exp", "must be at least a minute in the future (Unix seconds), or absent")
	}
	return min(d, session.MaxAccessTokenTTL), nil
}

// MinAccessTTL is the shortest life exp may ask for.
const MinAccessTTL = time.Minute
