package oauth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/oauth2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/device"
	coresession "github.com/stvos/stvos/core/session"
)

// deviceGrant is the grant type of RFC 8628.
const deviceGrant = "urn:ietf:params:oauth:grant-type:device_code"

// deviceHandler is the device authorization grant as a fosite token endpoint handler: it shares
// fosite's token strategies and storage with the other grants; the state machine is core/device.
type deviceHandler struct {
	server   *Server
	strategy oauth2.CoreStrategy
	store    *storage
	cfg      *fosite.Config
}

var _ fosite.TokenEndpointHandler = (*deviceHandler)(nil)

// deviceAuthorization serves the device authorization endpoint: a TV asks for a code to show.
func (s *Server) deviceAuthorization(w http.ResponseWriter, r *http.Request) {
	t, ok := s.clientRequest(w, r)
	if !ok {
		return
	}
	clientID := r.PostForm.Get("client_id")
	s.inTenant(w, r, t.ID, func(ctx context.Context, w http.ResponseWriter) {
		c, err := s.store.clients.Client(ctx, clientID)
		if err != nil {
			oauthError(w, http.StatusUnauthorized, "invalid_client", "The client is unknown.")
			return
		}
		scopes := strings.Fields(r.PostForm.Get("scope"))
		for _, sc := range scopes {
			if !contains(c.Scopes, sc) {
				oauthError(w, http.StatusBadRequest, "invalid_scope", "The scope "+sc+" is not allowed for this client.")
				return
			}
		}
		auth, err := s.devices.Start(ctx, t.ID, clientID, scopes)
		if err != nil {
			s.log.ErrorContext(ctx, "device authorization failed", "error", err.Error(), "request_id", surface.RequestID(ctx))
			oauthError(w, http.StatusInternalServerError, "server_error", "Could not make a code; retry.")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, map[string]any{
			"device_code": auth.DeviceCode, "user_code": auth.UserCode,
			"verification_uri":          s.issuer + "/oauth/device",
			"verification_uri_complete": s.issuer + "/oauth/device?user_code=" + auth.UserCode,
			"expires_in":                int(device.TTL.Seconds()), "interval": int(device.PollInterval.Seconds()),
		})
	})
}

// deviceVerification serves the page where a person enters the TV's code and signs in on their
// phone. Without a code it asks for one; with a code it shows the tenant's branded sign-in.
func (s *Server) deviceVerification(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		render(w, http.StatusBadRequest, page{Title: "Sign in on your TV", Brand: brandOf(nil), Error: "The request could not be read."})
		return
	}
	raw := r.Form.Get("user_code")
	ask := page{Title: "Sign in on your TV", Brand: brandOf(nil), Form: true, AskCode: true, Action: "/oauth/device",
		CSRF: s.csrf(w, r), Button: "Continue", Hidden: map[string]string{"step": "code"}}
	if raw == "" {
		render(w, http.StatusOK, ask)
		return
	}
	if !s.allow(w, r, "addr", s.limits.PerAddress) {
		return
	}
	// Codes are guesses like passwords: wrong ones count against the address's failure budget.
	attempt, err := s.throttle.Begin(r.Context(), "device", "", surface.ClientOf(r.Context()).Address)
	if err != nil {
		ask.Error = signInError(err)
		retryAfter(w, err)
		render(w, statusOf(err), ask)
		return
	}
	code, tenantID, err := s.devices.Find(r.Context(), raw)
	if errors.Is(err, device.ErrUnknown) {
		attempt.Failed(r.Context())
		ask.Error = "That code is not valid. Check the code on your TV."
		render(w, http.StatusNotFound, ask)
		return
	}
	if err != nil {
		ask.Error = signInError(err)
		render(w, http.StatusInternalServerError, ask)
		return
	}
	t, err := s.tenants.Get(r.Context(), tenantID)
	if err != nil || !t.Active() {
		ask.Error = "That code is not valid. Check the code on your TV."
		render(w, http.StatusNotFound, ask)
		return
	}
	p := page{Title: "Sign in on your TV", Brand: brandOf(&t), Form: true, Action: "/oauth/device", CSRF: ask.CSRF,
		UserCode: code, Hidden: map[string]string{"user_code": code}, Button: "Sign in on my TV"}
	if r.Method == http.MethodGet || r.PostForm.Get("step") == "code" {
		render(w, http.StatusOK, p)
		return
	}
	if !csrfValid(r) {
		p.Error = "Your session expired. Please sign in again."
		render(w, http.StatusForbidden, p)
		return
	}
	s.inTenant(w, r, t.ID, func(ctx context.Context, w http.ResponseWriter) {
		if err := s.devices.Awaiting(ctx, code); err != nil {
			p.Error, p.Form = "This code has expired or was already used. Start again on your TV.", false
			render(w, http.StatusGone, p)
			return
		}
		u, err := s.accounts.Authenticate(ctx, t.ID, r.PostForm.Get("email"), r.PostForm.Get("password"), surface.ClientOf(ctx).Address)
		if err != nil {
			p.Email, p.Error = r.PostForm.Get("email"), signInError(err)
			retryAfter(w, err)
			render(w, statusOf(err), p)
			return
		}
		if err := s.devices.Approve(ctx, code, u.ID); err != nil {
			p.Error = signInError(err)
			render(w, http.StatusInternalServerError, p)
			return
		}
		render(w, http.StatusOK, page{Title: "You're signed in", Brand: brandOf(&t),
			Message: "Your TV is signing in to " + brandOf(&t).Name + " now. You can close this page."})
	})
}

// CanHandleTokenEndpointRequest takes the device code grant.
func (h *deviceHandler) CanHandleTokenEndpointRequest(_ context.Context, r fosite.AccessRequester) bool {
	return r.GetGrantTypes().ExactOne(deviceGrant)
}

// CanSkipClientAuth is false: the client identifies itself (public clients by client_id).
func (h *deviceHandler) CanSkipClientAuth(context.Context, fosite.AccessRequester) bool { return false }

func deviceError(code, description string) *fosite.RFC6749Error {
	return &fosite.RFC6749Error{ErrorField: code, DescriptionField: description, CodeField: http.StatusBadRequest}
}

// HandleTokenEndpointRequest answers a device's poll: pending, slow down, denied, expired, or
// approved (then the request carries the user's session).
func (h *deviceHandler) HandleTokenEndpointRequest(ctx context.Context, r fosite.AccessRequester) error {
	if !h.CanHandleTokenEndpointRequest(ctx, r) {
		return fosite.ErrUnknownRequest
	}
	if !r.GetClient().GetGrantTypes().Has(deviceGrant) {
		return fosite.ErrUnauthorizedClient.WithHint("The client may not use the device code grant.")
	}
	code := r.GetRequestForm().Get("device_code")
	if code == "" {
		return fosite.ErrInvalidRequest.WithHint("device_code is required.")
	}
	d, err := h.server.devices.Poll(ctx, r.GetClient().GetID(), code)
	switch {
	case errors.Is(err, device.ErrUnknown):
		return fosite.ErrInvalidGrant.WithHint("The device code is unknown.")
	case errors.Is(err, device.ErrExpired):
		return deviceError("expired_token", "The device code has expired; start again.")
	case errors.Is(err, device.ErrPending):
		return deviceError("authorization_pending", "The person has not signed in yet.")
	case errors.Is(err, device.ErrSlowDown):
		return deviceError("slow_down", "Poll less often.")
	case errors.Is(err, device.ErrDenied):
		return fosite.ErrAccessDenied
	case errors.Is(err, device.ErrUsed):
		return fosite.ErrInvalidGrant.WithHint("The device code was already used.")
	case err != nil:
		return fosite.ErrServerError.WithWrap(err)
	}
	u, err := h.server.accounts.Me(ctx, d.TenantID, d.Subject)
	if err != nil || u.Status != account.UserActive {
		return fosite.ErrAccessDenied.WithHint("The account is not active.")
	}
	sess, ok := r.GetSession().(*session)
	if !ok {
		return fosite.ErrServerError.WithHint("unexpected session type")
	}
	now := time.Now().UTC()
	*sess = *newSession(d.TenantID, &u, r.GetID(), d.ClientID, h.server.issuer, now)
	sess.SetExpiresAt(fosite.AccessToken, now.Add(h.cfg.AccessTokenLifespan))
	sess.SetExpiresAt(fosite.RefreshToken, now.Add(h.cfg.RefreshTokenLifespan))
	for _, sc := range d.Scopes {
		r.GrantScope(sc)
	}
	r.GrantAudience(coresession.AudienceTenant)
	return nil
}

// PopulateTokenEndpointResponse issues the device's access and refresh tokens.
func (h *deviceHandler) PopulateTokenEndpointResponse(ctx context.Context, r fosite.AccessRequester, resp fosite.AccessResponder) error {
	if !h.CanHandleTokenEndpointRequest(ctx, r) {
		return fosite.ErrUnknownRequest
	}
	access, accessSig, err := h.strategy.GenerateAccessToken(ctx, r)
	if err != nil {
		return fosite.ErrServerError.WithWrap(err)
	}
	refresh, refreshSig, err := h.strategy.GenerateRefreshToken(ctx, r)
	if err != nil {
		return fosite.ErrServerError.WithWrap(err)
	}
	stored := r.Sanitize(nil)
	if err := h.store.CreateAccessTokenSession(ctx, accessSig, stored); err != nil {
		return fosite.ErrServerError.WithWrap(err)
	}
	if err := h.store.CreateRefreshTokenSession(ctx, refreshSig, accessSig, stored); err != nil {
		return fosite.ErrServerError.WithWrap(err)
	}
	resp.SetAccessToken(access)
	resp.SetTokenType("bearer")
	resp.SetExpiresIn(h.cfg.AccessTokenLifespan)
	resp.SetScopes(r.GetGrantedScopes())
	resp.SetExtra("refresh_token", refresh)
	return nil
}
