package surface

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/ports"
)

// chooseCredentials narrows an operation that several sets of credentials may call (Access.Or)
// to the set the request presents: the one whose bearer credential takes the audience of the
// bearer token sent, or a set without a bearer credential when none is sent. The audience is
// read without verifying the token: it only chooses how the token is then verified, fully. When
// nothing matches, Requires stays and the guard refuses as it would anyway.
func chooseCredentials(ctx huma.Context, acc Access) Access {
	if len(acc.Or) == 0 {
		return acc
	}
	aud := ""
	if tok, err := bearer(ctx); err == nil {
		aud = peekAudience(tok)
	}
	for _, set := range append([][]Credential{acc.Requires}, acc.Or...) {
		if setAudience(set) == aud {
			acc.Requires, acc.Or = set, nil
			return acc
		}
	}
	acc.Or = nil
	return acc
}

// setAudience is the audience of the set's bearer credential, or "" without one.
func setAudience(set []Credential) string {
	for _, c := range set {
		if tk, ok := tokenKinds[c]; ok {
			return tk.audience
		}
	}
	return ""
}

// peekAudience reads the first audience of a compact JWT without verifying it; "" when the
// token cannot be read, and "?" for a token without one, so that it matches no set.
func peekAudience(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || len(parts[1]) > 8<<10 {
		return "?"
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "?"
	}
	var c struct {
		Aud json.RawMessage `json:"aud"`
	}
	if json.Unmarshal(raw, &c) != nil {
		return "?"
	}
	var one string
	if json.Unmarshal(c.Aud, &one) == nil && one != "" {
		return one
	}
	var many []string
	if json.Unmarshal(c.Aud, &many) == nil && len(many) > 0 {
		return many[0]
	}
	return "?"
}

// ErrOtherPartner answers a partner_id that is not the caller's own partner.
var ErrOtherPartner = ports.Forbidden("PARTNER_FORBIDDEN", "The credentials act only for their own partner; partner_id names another.")

// OwnPartner checks the ?partner_id= of an enterprise operation against the caller (an
// enterprise token or partner staff): empty means the caller's own partner and passes, the
// caller's own partner id passes, and anything else (another partner of the same client, of
// another client, or no partner at all) is 403 PARTNER_FORBIDDEN, whether or not that partner
// exists. A caller without a partner (no enterprise or staff token) is refused as well.
func OwnPartner(ctx context.Context, partnerID string) error {
	p := PrincipalFrom(ctx)
	if p.PartnerID == "" || (partnerID != "" && partnerID != p.PartnerID) {
		return ErrOtherPartner
	}
	return nil
}
