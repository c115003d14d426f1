package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/openid"

	"github.com/stvos/stvos/core/grant"
	coresession "github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// Kinds of stored records.
const (
	kindCode    = "code"
	kindPKCE    = "pkce"
	kindOIDC    = "oidc"
	kindAccess  = "access"
	kindRefresh = "refresh"
)

// expiryOf names the token whose expiry a record of each kind shares, kept so expired records
// can be purged.
var expiryOf = map[string]fosite.TokenType{kindCode: fosite.AuthorizeCode, kindPKCE: fosite.AuthorizeCode,
	kindOIDC: fosite.AuthorizeCode, kindAccess: fosite.AccessToken, kindRefresh: fosite.RefreshToken}

// storage is fosite's storage on the grant stores; a grant's refresh tokens open a stvos
// session. Every method runs in the unit of work the HTTP handler opened for the request's tenant.
type storage struct {
	clients     grant.ClientStore
	records     grant.RecordStore
	sessions    *coresession.Service
	revocations ports.Revocations
	audience    string
}

// client is a tenant's public OAuth client as fosite sees it.
func (st *storage) client(c grant.Client) fosite.Client {
	return &fosite.DefaultOpenIDConnectClient{
		DefaultClient: &fosite.DefaultClient{ID: c.ID, RedirectURIs: c.RedirectURIs, Scopes: c.Scopes, Public: true,
			GrantTypes:    []string{"authorization_code", "refresh_token", deviceGrant},
			ResponseTypes: []string{"code"}, Audience: []string{st.audience}},
		TokenEndpointAuthMethod: "none",
	}
}

// GetClient loads a client of the current tenant.
func (st *storage) GetClient(ctx context.Context, id string) (fosite.Client, error) {
	c, err := st.clients.Client(ctx, id)
	if errors.Is(err, ports.ErrNotFound) {
		return nil, fosite.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return st.client(c), nil
}

// ClientAssertionJWTValid is for confidential clients, which stvos does not have.
func (st *storage) ClientAssertionJWTValid(context.Context, string) error { return nil }

// SetClientAssertionJWT is for confidential clients, which stvos does not have.
func (st *storage) SetClientAssertionJWT(context.Context, string, time.Time) error { return nil }

// sensitiveForm are request parameters never stored.
var sensitiveForm = []string{"password", "client_secret", "refresh_token", "code", "code_verifier", "device_code", "csrf", "email"}

func (st *storage) put(ctx context.Context, kind, signature string, r fosite.Requester) error {
	sess, err := json.Marshal(r.GetSession())
	if err != nil {
		return err
	}
	form := url.Values{}
	for k, v := range r.GetRequestForm() {
		form[k] = v
	}
	for _, k := range sensitiveForm {
		form.Del(k)
	}
	rec := grant.Record{Kind: kind, Signature: signature, RequestID: r.GetID(), ClientID: r.GetClient().GetID(),
		RequestedAt: r.GetRequestedAt(), RequestedScopes: r.GetRequestedScopes(), GrantedScopes: r.GetGrantedScopes(),
		RequestedAudience: r.GetRequestedAudience(), GrantedAudience: r.GetGrantedAudience(), Form: form, Session: sess, Active: true}
	if s := r.GetSession(); s != nil {
		rec.Subject = s.GetSubject()
		if exp := s.GetExpiresAt(expiryOf[kind]); !exp.IsZero() {
			rec.ExpiresAt = &exp
		}
	}
	return st.records.PutRecord(ctx, rec)
}

// get loads a record into a fosite request, decoding the session into the one given. A missing
// record is fosite.ErrNotFound; an inactive one comes back with inactive set.
func (st *storage) get(ctx context.Context, kind, signature string, into fosite.Session) (fosite.Requester, bool, error) {
	rec, err := st.records.Record(ctx, kind, signature)
	if errors.Is(err, ports.ErrNotFound) {
		return nil, false, fosite.ErrNotFound
	}
	if err != nil {
		return nil, false, err
	}
	c, err := st.GetClient(ctx, rec.ClientID)
	if err != nil {
		return nil, false, err
	}
	if into == nil {
		into = &session{}
	}
	if err := json.Unmarshal(rec.Session, into); err != nil {
		return nil, false, err
	}
	r := &fosite.Request{ID: rec.RequestID, RequestedAt: rec.RequestedAt, Client: c, RequestedScope: rec.RequestedScopes,
		GrantedScope: rec.GrantedScopes, RequestedAudience: rec.RequestedAudience, GrantedAudience: rec.GrantedAudience,
		Form: url.Values(rec.Form), Session: into}
	return r, !rec.Active, nil
}

func (st *storage) del(ctx context.Context, kind, signature string) error {
	return st.records.DeleteRecord(ctx, kind, signature)
}

// CreateAuthorizeCodeSession stores a code's request.
func (st *storage) CreateAuthorizeCodeSession(ctx context.Context, code string, r fosite.Requester) error {
	return st.put(ctx, kindCode, code, r)
}

// GetAuthorizeCodeSession loads a code's request; a used code is fosite.ErrInvalidatedAuthorizeCode.
func (st *storage) GetAuthorizeCodeSession(ctx context.Context, code string, s fosite.Session) (fosite.Requester, error) {
	r, inactive, err := st.get(ctx, kindCode, code, s)
	if err == nil && inactive {
		return r, fosite.ErrInvalidatedAuthorizeCode
	}
	return r, err
}

// InvalidateAuthorizeCodeSession marks a code used.
func (st *storage) InvalidateAuthorizeCodeSession(ctx context.Context, code string) error {
	rec, err := st.records.Record(ctx, kindCode, code)
	if err != nil {
		return fosite.ErrNotFound
	}
	return st.records.DeactivateRecords(ctx, kindCode, rec.RequestID)
}

// CreatePKCERequestSession stores the PKCE challenge's request.
func (st *storage) CreatePKCERequestSession(ctx context.Context, sig string, r fosite.Requester) error {
	return st.put(ctx, kindPKCE, sig, r)
}

// GetPKCERequestSession loads it.
func (st *storage) GetPKCERequestSession(ctx context.Context, sig string, s fosite.Session) (fosite.Requester, error) {
	r, _, err := st.get(ctx, kindPKCE, sig, s)
	return r, err
}

// DeletePKCERequestSession removes it.
func (st *storage) DeletePKCERequestSession(ctx context.Context, sig string) error {
	return st.del(ctx, kindPKCE, sig)
}

// CreateOpenIDConnectSession stores the OpenID request of a code.
func (st *storage) CreateOpenIDConnectSession(ctx context.Context, code string, r fosite.Requester) error {
	return st.put(ctx, kindOIDC, code, r)
}

// GetOpenIDConnectSession loads it.
func (st *storage) GetOpenIDConnectSession(ctx context.Context, code string, r fosite.Requester) (fosite.Requester, error) {
	got, _, err := st.get(ctx, kindOIDC, code, r.GetSession())
	if errors.Is(err, fosite.ErrNotFound) {
		return nil, openid.ErrNoSessionFound
	}
	return got, err
}

// DeleteOpenIDConnectSession removes it.
func (st *storage) DeleteOpenIDConnectSession(ctx context.Context, code string) error {
	return st.del(ctx, kindOIDC, code)
}

// CreateAccessTokenSession stores an access token's request.
func (st *storage) CreateAccessTokenSession(ctx context.Context, sig string, r fosite.Requester) error {
	return st.put(ctx, kindAccess, sig, r)
}

// GetAccessTokenSession loads it.
func (st *storage) GetAccessTokenSession(ctx context.Context, sig string, s fosite.Session) (fosite.Requester, error) {
	r, _, err := st.get(ctx, kindAccess, sig, s)
	return r, err
}

// DeleteAccessTokenSession removes it.
func (st *storage) DeleteAccessTokenSession(ctx context.Context, sig string) error {
	return st.del(ctx, kindAccess, sig)
}

// CreateRefreshTokenSession stores a refresh token's request. The first refresh token of a grant
// opens a stvos session, so the grant shows in the user's devices and every revocation path of
// the platform ends it.
func (st *storage) CreateRefreshTokenSession(ctx context.Context, sig, _ string, r fosite.Requester) error {
	s, ok := r.GetSession().(*session)
	if !ok {
		return errors.New("oauth: foreign session type")
	}
	device := "OAuth app " + s.ClientID
	if c, err := st.clients.Client(ctx, s.ClientID); err == nil {
		device = c.Name
	}
	if err := st.sessions.OpenGrant(ctx, s.TenantID, s.Subject, s.SessionID, device, sig); err != nil {
		return err
	}
	return st.put(ctx, kindRefresh, sig, r)
}

// GetRefreshTokenSession loads a refresh token's request. A used refresh token, or one whose
// stvos session was revoked, is fosite.ErrInactiveToken: fosite then revokes the whole grant.
func (st *storage) GetRefreshTokenSession(ctx context.Context, sig string, s fosite.Session) (fosite.Requester, error) {
	r, inactive, err := st.get(ctx, kindRefresh, sig, s)
	if err != nil {
		return r, err
	}
	if !inactive {
		live, err := st.sessions.GrantLive(ctx, r.GetID())
		if err != nil {
			return nil, err
		}
		inactive = !live
	}
	if inactive {
		return r, fosite.ErrInactiveToken
	}
	return r, nil
}

// DeleteRefreshTokenSession removes it.
func (st *storage) DeleteRefreshTokenSession(ctx context.Context, sig string) error {
	return st.del(ctx, kindRefresh, sig)
}

// RotateRefreshToken retires the grant's current refresh token (fosite stores the next one).
func (st *storage) RotateRefreshToken(ctx context.Context, requestID, _ string) error {
	if err := st.records.DeactivateRecords(ctx, kindRefresh, requestID); err != nil {
		return err
	}
	return st.records.DeleteRecords(ctx, kindAccess, requestID)
}

// RevokeRefreshToken revokes the grant: its refresh tokens, and its stvos session, so its access
// tokens are refused at once on every server.
func (st *storage) RevokeRefreshToken(ctx context.Context, requestID string) error {
	if err := st.records.DeactivateRecords(ctx, kindRefresh, requestID); err != nil {
		return err
	}
	return st.sessions.EndGrant(ctx, requestID)
}

// RevokeRefreshTokenMaybeGracePeriod revokes without grace.
func (st *storage) RevokeRefreshTokenMaybeGracePeriod(ctx context.Context, requestID, _ string) error {
	return st.RevokeRefreshToken(ctx, requestID)
}

// RevokeAccessToken revokes the grant's access tokens through the revocation list.
func (st *storage) RevokeAccessToken(ctx context.Context, requestID string) error {
	if err := st.records.DeleteRecords(ctx, kindAccess, requestID); err != nil {
		return err
	}
	return st.revocations.Revoke(ctx, []string{requestID}, coresession.AccessTokenTTL+time.Minute)
}
