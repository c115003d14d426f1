package oauth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/ports"
)

// buffered holds a response until the unit of work commits, so a client never receives a code or
// token whose storage was rolled back.
type buffered struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBuffered() *buffered                    { return &buffered{header: http.Header{}, status: http.StatusOK} }
func (b *buffered) Header() http.Header         { return b.header }
func (b *buffered) WriteHeader(status int)      { b.status = status }
func (b *buffered) Write(p []byte) (int, error) { return b.body.Write(p) }

func (b *buffered) flush(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

// inTenant runs fn in one unit of work of the tenant, writing into a buffer that reaches the
// client only after the commit. fosite's own errors are answers, not failures: what fosite
// stored while refusing (a refresh token reuse revoking a grant) is committed too.
func (s *Server) inTenant(w http.ResponseWriter, r *http.Request, tenantID string, fn func(ctx context.Context, w http.ResponseWriter)) {
	b := newBuffered()
	err := s.uow.Do(r.Context(), ports.TenantScope(tenantID), func(ctx context.Context) error {
		fn(ctx, b)
		return nil
	})
	if err != nil {
		s.log.ErrorContext(r.Context(), "oauth request failed", "error", err.Error(), "request_id", surface.RequestID(r.Context()))
		oauthError(w, http.StatusInternalServerError, "server_error", "The request could not be completed; retry it.")
		return
	}
	b.flush(w)
}

// oauthError writes an RFC 6749 error body.
func oauthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// clientTenant finds the tenant of a client_id and the tenant itself, which must be active.
func (s *Server) clientTenant(ctx context.Context, clientID string) (tenant.Tenant, error) {
	tenantID, err := s.grants.ClientTenant(ctx, clientID)
	if err != nil {
		return tenant.Tenant{}, err
	}
	t, err := s.tenants.Get(ctx, tenantID)
	if err != nil {
		return tenant.Tenant{}, err
	}
	if !t.Active() {
		return tenant.Tenant{}, tenant.ErrTenantSuspended
	}
	return t, nil
}

// clientRequest starts a form POST of a client (token, revocation, device authorization): the
// per-address limit, the form, and the client's tenant. It answers itself when any fails.
func (s *Server) clientRequest(w http.ResponseWriter, r *http.Request) (tenant.Tenant, bool) {
	if !s.allow(w, r, "addr", s.limits.PerAddress) {
		return tenant.Tenant{}, false
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The request could not be parsed.")
		return tenant.Tenant{}, false
	}
	t, err := s.clientTenant(r.Context(), r.PostForm.Get("client_id"))
	if err != nil {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "The client is unknown or disabled.")
		return tenant.Tenant{}, false
	}
	return t, true
}

// allow applies a per-address rate limit to an endpoint; it answers 429 itself when spent.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, class string, l ports.Limit) bool {
	addr := surface.ClientOf(r.Context()).Address
	d, err := s.limiter.Allow(r.Context(), "rl:"+class+":{"+addr+"}", l)
	if err != nil || d.Allowed {
		return true
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(d.RetryAfter.Seconds())+1))
	oauthError(w, http.StatusTooManyRequests, "slow_down", "Too many requests; retry later.")
	return false
}

const csrfCookie = "stvos_csrf"

// csrf returns the request's CSRF token, setting a fresh cookie when there is none; forms carry it
// back and a POST must match the cookie (double submit).
func (s *Server) csrf(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: tok, Path: "/oauth", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(s.issuer, "https://"), MaxAge: 3600})
	return tok
}

func csrfValid(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	return err == nil && c.Value != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostForm.Get("csrf"))) == 1
}
