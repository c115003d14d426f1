package oauth

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/openid"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/grant"
	coresession "github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// authorizeParams are the parameters of an authorization request carried through the sign-in
// form.
var authorizeParams = []string{"client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
	"code_challenge", "code_challenge_method", "prompt", "max_age", "login_hint", "ui_locales"}

// authorize serves the authorization endpoint: GET shows the tenant-branded sign-in page for a
// valid request; POST signs the person in and redirects back with a code.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The request could not be parsed.")
		return
	}
	if !s.allow(w, r, "addr", s.limits.PerAddress) {
		return
	}
	t, err := s.clientTenant(r.Context(), r.Form.Get("client_id"))
	if err != nil {
		// With no known client there is no redirect URI to trust: answer here.
		render(w, http.StatusBadRequest, page{Title: "This sign-in link is not valid", Brand: brandOf(nil),
			Message: "The app that sent you here is unknown or disabled. Go back to the app and try again."})
		return
	}
	s.inTenant(w, r, t.ID, func(ctx context.Context, w http.ResponseWriter) {
		ar, err := s.provider.NewAuthorizeRequest(ctx, r)
		if err != nil {
			s.provider.WriteAuthorizeError(ctx, w, ar, err)
			return
		}
		if ar.GetRequestForm().Get("code_challenge") == "" || ar.GetRequestForm().Get("code_challenge_method") != "S256" {
			s.provider.WriteAuthorizeError(ctx, w, ar, fosite.ErrInvalidRequest.WithHint(
				"PKCE is required: send code_challenge with code_challenge_method=S256."))
			return
		}
		hidden := map[string]string{}
		for _, k := range authorizeParams {
			if v := r.Form.Get(k); v != "" {
				hidden[k] = v
			}
		}
		p := page{Title: "Sign in to " + brandOf(&t).Name, Brand: brandOf(&t), Form: true, Action: "/oauth/authorize",
			CSRF: s.csrf(w, r), Hidden: hidden, Button: "Sign in", Email: r.Form.Get("login_hint")}
		if r.Method == http.MethodGet {
			render(w, http.StatusOK, p)
			return
		}
		if !csrfValid(r) {
			p.Error = "Your session expired. Please sign in again."
			render(w, http.StatusForbidden, p)
			return
		}
		u, err := s.accounts.Authenticate(ctx, t.ID, r.PostForm.Get("email"), r.PostForm.Get("password"), surface.ClientOf(ctx).Address)
		if err != nil {
			p.Email = r.PostForm.Get("email")
			p.Error, p.Title = signInError(err), "Sign in to "+brandOf(&t).Name
			retryAfter(w, err)
			render(w, statusOf(err), p)
			return
		}
		for _, sc := range ar.GetRequestedScopes() {
			ar.GrantScope(sc)
		}
		ar.GrantAudience(coresession.AudienceTenant)
		sess := newSession(t.ID, &u, ar.GetID(), ar.GetClient().GetID(), s.issuer, ar.GetRequestedAt())
		resp, err := s.provider.NewAuthorizeResponse(ctx, ar, sess)
		if err != nil {
			s.provider.WriteAuthorizeError(ctx, w, ar, err)
			return
		}
		s.provider.WriteAuthorizeResponse(ctx, w, ar, resp)
	})
}

func signInError(err error) string {
	switch {
	case errors.Is(err, credential.ErrSuspended):
		return "This account is suspended."
	case errors.Is(err, ports.ErrLimitExceeded):
		return "Too many attempts. Wait a few minutes and try again."
	case errors.Is(err, ports.ErrUnauthenticated):
		return "The email or password is wrong."
	}
	return "Something went wrong. Please try again."
}

// retryAfter tells a throttled browser when to try again.
func retryAfter(w http.ResponseWriter, err error) {
	var e *ports.Error
	if errors.As(err, &e) && e.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfterSeconds))
	}
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, credential.ErrSuspended):
		return http.StatusForbidden
	case errors.Is(err, ports.ErrLimitExceeded):
		return http.StatusTooManyRequests
	case errors.Is(err, ports.ErrUnauthenticated):
		return http.StatusUnauthorized
	}
	return http.StatusInternalServerError
}

// token serves the token endpoint: authorization code (with the PKCE verifier), refresh token
// and device code grants.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	t, ok := s.clientRequest(w, r)
	if !ok {
		return
	}
	s.inTenant(w, r, t.ID, func(ctx context.Context, w http.ResponseWriter) {
		sess := &session{DefaultSession: openid.NewDefaultSession()}
		ar, err := s.provider.NewAccessRequest(ctx, r, sess)
		if err != nil {
			s.provider.WriteAccessError(ctx, w, ar, err)
			return
		}
		if ar.GetGrantTypes().ExactOne("refresh_token") {
			// Roles and suspension take effect at the next refresh.
			s2 := ar.GetSession().(*session)
			u, err := s.accounts.Me(ctx, t.ID, s2.Subject)
			if err != nil || u.Status != account.UserActive {
				s.provider.WriteAccessError(ctx, w, ar, fosite.ErrInvalidGrant.WithHint("The account is no longer active."))
				return
			}
			s2.Roles = u.Roles
		}
		resp, err := s.provider.NewAccessResponse(ctx, ar)
		if err != nil {
			s.provider.WriteAccessError(ctx, w, ar, err)
			return
		}
		s.provider.WriteAccessResponse(ctx, w, ar, resp)
	})
}

// revoke serves token revocation (RFC 7009): revoking either token of a grant ends the grant.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	t, ok := s.clientRequest(w, r)
	if !ok {
		return
	}
	s.inTenant(w, r, t.ID, func(ctx context.Context, w http.ResponseWriter) {
		err := s.provider.NewRevocationRequest(ctx, r)
		s.provider.WriteRevocationResponse(ctx, w, err)
	})
}

// userinfo serves the OpenID Connect userinfo endpoint for a user's access token.
func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, "addr", s.limits.PerAddress) {
		return
	}
	fail := func(desc string) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+desc+`"`)
		oauthError(w, http.StatusUnauthorized, "invalid_token", desc)
	}
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		fail("An access token is required.")
		return
	}
	c, err := s.signer.Verify(r.Context(), strings.TrimSpace(tok), coresession.AudienceTenant)
	if err != nil || c.Kind != coresession.KindUser {
		fail("The access token is invalid or expired.")
		return
	}
	if revoked, err := s.store.revocations.Revoked(r.Context(), c.SessionID); err != nil || revoked {
		fail("The session of this token has ended.")
		return
	}
	u, err := s.accounts.Me(r.Context(), c.TenantID, c.Subject)
	if err != nil || u.Status != account.UserActive {
		fail("The account is not active.")
		return
	}
	claims := map[string]any{"sub": u.ID}
	if len(c.Scopes) == 0 || contains(c.Scopes, "profile") {
		claims["name"], claims["email"], claims["email_verified"] = u.DisplayName, u.Email, u.EmailVerified
		claims["locale"], claims["zoneinfo"], claims["updated_at"] = u.Locale, u.Timezone, u.UpdatedAt.Unix()
		if u.AvatarURL != "" {
			claims["picture"] = s.issuer + u.AvatarURL
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, claims)
}

// discovery serves the OpenID Provider metadata.
func (s *Server) discovery(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                     s.issuer,
		"authorization_endpoint":                     s.issuer + "/oauth/authorize",
		"token_endpoint":                             s.issuer + "/oauth/token",
		"revocation_endpoint":                        s.issuer + "/oauth/revoke",
		"userinfo_endpoint":                          s.issuer + "/oauth/userinfo",
		"jwks_uri":                                   s.issuer + "/oauth/jwks",
		"device_authorization_endpoint":              s.issuer + "/oauth/device/code",
		"scopes_supported":                           grant.Scopes,
		"response_types_supported":                   []string{"code"},
		"response_modes_supported":                   []string{"query"},
		"grant_types_supported":                      []string{"authorization_code", "refresh_token", deviceGrant},
		"code_challenge_methods_supported":           []string{"S256"},
		"subject_types_supported":                    []string{"public"},
		"id_token_signing_alg_values_supported":      []string{"RS256"},
		"token_endpoint_auth_methods_supported":      []string{"none"},
		"revocation_endpoint_auth_methods_supported": []string{"none"},
		"claims_supported":                           []string{"sub", "name", "email", "email_verified", "picture", "locale", "zoneinfo", "updated_at"},
	})
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
