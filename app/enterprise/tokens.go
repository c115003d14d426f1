package enterprise

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/partnertoken"
)

// scopesDoc lists the scopes for the documents.
const scopesDoc = "user, onboarding, legacy_onboarding, sso, billing, flags"

// TokenInput is a call of the token endpoint, as the specification's JSON body.
type TokenInput struct {
	Body struct {
		GrantType    string   `json:"grant_type" enum:"client_credentials,refresh_token" doc:"The type of grant requested."`
		ClientID     string   `json:"client_id" minLength:"1" maxLength:"64" doc:"The partner token's client_id."`
		ClientSecret string   `json:"client_secret" minLength:"1" maxLength:"128" doc:"The partner token's client_secret."`
		Exp          float64  `json:"exp,omitempty" doc:"When the access token should expire, in seconds since the Unix epoch. 0 or absent: 15 minutes. At most one hour after issue: a later time is clamped to one hour. A time less than a minute ahead is refused (400 invalid_request)."`
		Scopes       []string `json:"scopes,omitempty" maxItems:"6" doc:"The scopes asked for (user, onboarding, legacy_onboarding, sso, billing, flags); each must be granted to the partner token, else 400 invalid_scope. Absent or empty: every scope granted."`
		RefreshToken string   `json:"refresh_token,omitempty" maxLength:"300" doc:"With grant_type refresh_token: the refresh token to rotate."`
	}
}

// TokenBody is what the token endpoint answers, as the specification's response.
type TokenBody struct {
	AccessToken           string   `json:"access_token" doc:"Signed JWT (RS256); send as Authorization: Bearer."`
	TokenType             string   `json:"token_type" enum:"bearer"`
	RefreshToken          string   `json:"refresh_token" doc:"Single-use: each refresh returns a new one; reusing an old one ends the session."`
	ExpiresIn             int      `json:"expires_in" doc:"Seconds until the access token expires."`
	RefreshTokenExpiresIn int      `json:"refresh_token_expires_in" doc:"Seconds until the refresh token expires (24 hours after the client_credentials grant; rotation keeps the deadline)."`
	Scopes                []string `json:"scopes" doc:"The scopes the access token carries."`
}

// TokenOutput answers the token endpoint.
type TokenOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         TokenBody
}

func registerTokenEndpoint(s *surface.Surface, svc *partnertoken.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "create-token", Method: http.MethodPost, Path: "/token", Tags: []string{"auth"},
		Summary: "Trade client credentials or a refresh token for an access token",
		Description: "grant_type client_credentials: the partner token's client_id and client_secret open a session and answer an " +
			"access token with a refresh token. grant_type refresh_token: the same credentials with a refresh token of one of the " +
			"token's sessions rotate it; presenting an already rotated refresh token ends its session (every token of it). " +
			"Errors use OAuth 2.0 codes: 401 invalid_client (unknown client, wrong secret, revoked partner token; failures are " +
			"throttled per client and address like every sign-in: 429 TOO_MANY_ATTEMPTS with Retry-After), 401 invalid_grant " +
			"(bad, expired, reused or foreign refresh token), 400 invalid_scope (scopes not granted), 400 invalid_request (exp in " +
			"the past). exp later than an hour after issue is clamped to an hour.",
		DefaultStatus: http.StatusCreated, Metadata: surface.Public(),
		Errors: []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *TokenInput) (*TokenOutput, error) {
		b := in.Body
		g, err := svc.Grant(ctx, partnertoken.Request{GrantType: b.GrantType, ClientID: b.ClientID, ClientSecret: b.ClientSecret,
			RefreshToken: b.RefreshToken, Exp: unixSeconds(b.Exp), Scopes: b.Scopes, Client: surface.ClientOf(ctx)})
		if err != nil {
			return nil, err
		}
		return &TokenOutput{CacheControl: "no-store", Body: TokenBody{AccessToken: g.AccessToken, TokenType: "bearer",
			RefreshToken: g.RefreshToken, ExpiresIn: g.ExpiresIn, RefreshTokenExpiresIn: g.RefreshExpiresIn, Scopes: g.Scopes}}, nil
	})
}

// unixSeconds reads the exp number (whole seconds; a fraction is dropped); a value no clock
// reaches is kept out of range, so the rule clamps it.
func unixSeconds(f float64) int64 {
	switch {
	case math.IsNaN(f) || f < 0:
		return -1
	case f > 1<<40:
		return 1 << 40
	}
	return int64(f)
}

// PartnerTokenBody is a partner token as listed: never its secret.
type PartnerTokenBody struct {
	ID            string     `json:"id" format:"uuid"`
	ClientID      string     `json:"client_id" doc:"Public identifier, sent with the secret to POST /token."`
	TokenName     string     `json:"token_name"`
	Scopes        []string   `json:"scopes" doc:"Among: user, onboarding, legacy_onboarding, sso, billing, flags."`
	OrgID         string     `json:"org_id" format:"uuid"`
	PartnerID     string     `json:"partner_id" format:"uuid"`
	Status        string     `json:"status" enum:"active,revoked"`
	CreatedByKind string     `json:"created_by_kind" enum:"partner_staff,enterprise" doc:"Who minted it: partner staff, or another partner token."`
	CreatedByID   string     `json:"created_by_id" format:"uuid"`
	CreatedAt     time.Time  `json:"created_at"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
}

func partnerTokenBody(t partnertoken.Token) PartnerTokenBody {
	st := "active"
	if t.Revoked() {
		st = "revoked"
	}
	return PartnerTokenBody{ID: t.ID, ClientID: t.ClientID, TokenName: t.Name, Scopes: t.Scopes, OrgID: t.OrgID, PartnerID: t.PartnerID,
		Status: st, CreatedByKind: t.CreatedByKind, CreatedByID: t.CreatedByID, CreatedAt: t.CreatedAt, RevokedAt: t.RevokedAt}
}

// IssuedPartnerTokenBody is a new partner token with its secret, shown this once.
type IssuedPartnerTokenBody struct {
	PartnerTokenBody
	ClientSecret string `json:"client_secret" doc:"Shown only now; only its hash is kept. Send it with client_id to POST /token."`
}

// CreatePartnerTokenInput mints a partner token, as the specification's body.
type CreatePartnerTokenInput struct {
	Body struct {
		OrgID     string   `json:"org_id" minLength:"1" maxLength:"64" doc:"An organization of the caller's partner (POST /organizations); another partner's is 404."`
		TokenName string   `json:"token_name" minLength:"1" maxLength:"100"`
		Scopes    []string `json:"scopes" minItems:"1" maxItems:"6" enum:"user,onboarding,legacy_onboarding,sso,billing,flags" doc:"What the token may do. A partner token calling this may grant only scopes it holds itself."`
	}
}

// PartnerTokenOutput is a new partner token.
type PartnerTokenOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         IssuedPartnerTokenBody
}

// PartnerTokenListInput pages through the partner's tokens.
type PartnerTokenListInput struct {
	Cursor string `query:"cursor" maxLength:"64" doc:"Opaque cursor from meta.next_cursor."`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20" doc:"Page size, 1 to 100."`
}

// PartnerTokenListOutput is a page of partner tokens.
type PartnerTokenListOutput struct {
	Body surface.CursorPage[PartnerTokenBody]
}

// RevokePartnerTokenInput names a partner token.
type RevokePartnerTokenInput struct {
	ID string `path:"id" maxLength:"64"`
}

// RevokedPartnerTokenOutput is the revoked token.
type RevokedPartnerTokenOutput struct {
	Body PartnerTokenBody
}

func registerPartnerTokens(s *surface.Surface, svc *partnertoken.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "create-partner-token", Method: http.MethodPost, Path: "/partner-tokens", Tags: []string{"partner tokens"},
		Summary: "Create a partner token (createPartnerToken)",
		Description: "Mints a machine credential for one of the partner's organizations: client_id and client_secret, the secret shown " +
			"only in this answer. Callers: the partner's owner or admin staff (staff bearer token and the client's X-API-Key; a viewer " +
			"is 403), or an enterprise token granting only scopes it holds itself (else 403 INSUFFICIENT_SCOPE). Scopes: " + scopesDoc + ".",
		DefaultStatus: http.StatusCreated, Metadata: staffOrToken("enterprise:partner-tokens:write", surface.AnyScope),
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreatePartnerTokenInput) (*PartnerTokenOutput, error) {
		t, err := svc.Create(ctx, callerOf(ctx), partnertoken.New{OrgID: in.Body.OrgID, Name: in.Body.TokenName, Scopes: in.Body.Scopes})
		if err != nil {
			return nil, err
		}
		return &PartnerTokenOutput{CacheControl: "no-store", Body: IssuedPartnerTokenBody{PartnerTokenBody: partnerTokenBody(t.Token),
			ClientSecret: t.ClientSecret}}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "list-partner-tokens", Method: http.MethodGet, Path: "/partner-tokens", Tags: []string{"partner tokens"},
		Summary:     "List the partner's tokens",
		Description: "Every partner token of the caller's partner, revoked ones too, ordered by id; never a secret.",
		Metadata:    staffOrToken("enterprise:partner-tokens:read", surface.AnyScope), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *PartnerTokenListInput) (*PartnerTokenListOutput, error) {
		limit := in.Limit
		if limit <= 0 {
			limit = 20
		}
		ts, more, err := svc.List(ctx, callerOf(ctx), in.Cursor, limit)
		if err != nil {
			return nil, err
		}
		body := make([]PartnerTokenBody, 0, len(ts))
		for _, t := range ts {
			body = append(body, partnerTokenBody(t))
		}
		return &PartnerTokenListOutput{Body: surface.NewCursorPage(body, more, limit, func(b PartnerTokenBody) string { return b.ID })}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "revoke-partner-token", Method: http.MethodDelete, Path: "/partner-tokens/{id}", Tags: []string{"partner tokens"},
		Summary: "Revoke a partner token",
		Description: "The client_secret stops working at once, and so do the access and refresh tokens issued for it. Another " +
			"partner's token is 404; a partner token may revoke only tokens whose scopes it holds. Revoking twice changes nothing.",
		Metadata: staffOrToken("enterprise:partner-tokens:write", surface.AnyScope), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *RevokePartnerTokenInput) (*RevokedPartnerTokenOutput, error) {
		t, err := svc.Revoke(ctx, callerOf(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &RevokedPartnerTokenOutput{Body: partnerTokenBody(t)}, nil
	})
}
