package jwt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	josejwt "github.com/go-jose/go-jose/v3/jwt"

	"github.com/stvos/stvos/ports"
)

// Claims is the one JSON form of the platform's access tokens: the signer writes and reads
// first-party tokens with it, and the OAuth server hands it to fosite for the access tokens it
// issues, so a token says the same things under the same names whoever issued it. The names
// are the registered ones of RFC 7519, scope and client_id of RFC 9068, and the platform's own.
type Claims struct {
	Issuer    string               `json:"iss,omitempty"`
	Subject   string               `json:"sub,omitempty"`
	Audience  Audience             `json:"aud,omitempty"`
	ExpiresAt *josejwt.NumericDate `json:"exp,omitempty"`
	NotBefore *josejwt.NumericDate `json:"nbf,omitempty"`
	IssuedAt  *josejwt.NumericDate `json:"iat,omitempty"`
	ID        string               `json:"jti,omitempty"`
	// Kind is the kind of principal (ports.Claims.Kind).
	Kind      string   `json:"knd"`
	TenantID  string   `json:"tid,omitempty"`
	PartnerID string   `json:"pid,omitempty"`
	OrgID     string   `json:"org,omitempty"`
	Roles     []string `json:"roles,omitempty"`
	// Scope is the space-separated list of granted OAuth scopes (RFC 9068 section 2.2.3).
	Scope     string `json:"scope,omitempty"`
	SessionID string `json:"sid,omitempty"`
	// ClientID is the OAuth client a delegated token was issued to (RFC 9068 section 2.2); it
	// is absent from first-party sign-in tokens.
	ClientID string `json:"client_id,omitempty"`
	// ProfileID is the sub-profile a profile token is for.
	ProfileID string `json:"prf,omitempty"`
}

// Audience is the aud claim. It is written as an array, as fosite and earlier stvos tokens
// write it, and read in either form RFC 7519 allows (one string or an array).
type Audience []string

// UnmarshalJSON reads a string or an array of strings.
func (a *Audience) UnmarshalJSON(b []byte) error {
	var j josejwt.Audience
	if err := j.UnmarshalJSON(b); err != nil {
		return err
	}
	*a = Audience(j)
	return nil
}

// Encode writes the claims of a token issued by issuer.
func Encode(issuer string, c ports.Claims) Claims {
	out := Claims{
		Issuer: issuer, Subject: c.Subject, ID: c.ID,
		IssuedAt: josejwt.NewNumericDate(time.Unix(c.IssuedAt, 0)), ExpiresAt: josejwt.NewNumericDate(time.Unix(c.ExpiresAt, 0)),
		Kind: c.Kind, TenantID: c.TenantID, PartnerID: c.PartnerID, OrgID: c.OrgID, Roles: c.Roles, Scope: strings.Join(c.Scopes, " "),
		SessionID: c.SessionID, ClientID: c.ClientID, ProfileID: c.ProfileID,
	}
	if c.Audience != "" {
		out.Audience = Audience{c.Audience}
	}
	return out
}

// Decode reads the claims back; Audience is the first audience named.
func (c Claims) Decode() ports.Claims {
	out := ports.Claims{
		ID: c.ID, Subject: c.Subject, Kind: c.Kind, TenantID: c.TenantID, PartnerID: c.PartnerID, OrgID: c.OrgID, Roles: c.Roles,
		Scopes: strings.Fields(c.Scope), SessionID: c.SessionID, ClientID: c.ClientID, ProfileID: c.ProfileID,
	}
	if len(c.Audience) > 0 {
		out.Audience = c.Audience[0]
	}
	if c.IssuedAt != nil {
		out.IssuedAt = int64(*c.IssuedAt)
	}
	if c.ExpiresAt != nil {
		out.ExpiresAt = int64(*c.ExpiresAt)
	}
	return out
}

// registered returns the registered claims in go-jose's form, for its validation.
func (c Claims) registered() josejwt.Claims {
	return josejwt.Claims{Issuer: c.Issuer, Subject: c.Subject, Audience: josejwt.Audience(c.Audience), Expiry: c.ExpiresAt,
		NotBefore: c.NotBefore, IssuedAt: c.IssuedAt, ID: c.ID}
}

// Map returns the claims as the members of a JSON object, for signers that take a map (fosite's).
// Whole numbers come out as int64, so they are written back as integers.
func (c Claims) Map() map[string]any {
	b, err := json.Marshal(c)
	if err != nil { // strings, string slices and integers always encode
		panic(fmt.Sprintf("jwt: encode claims: %v", err))
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	m := map[string]any{}
	if err := d.Decode(&m); err != nil {
		panic(fmt.Sprintf("jwt: decode claims: %v", err))
	}
	for k, v := range m {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				m[k] = i
			} else {
				m[k], _ = n.Float64()
			}
		}
	}
	return m
}
