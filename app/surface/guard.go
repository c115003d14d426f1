package surface

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/tenants"
)

// caller is what the guard learns of a request's credentials before it may proceed.
type caller struct {
	p      Principal
	apiKey string
	claims *ports.Claims
	// tenant is the caller's tenant as cached or loaded, confirmed after the admission check.
	tenant    tenants.Candidate
	hasTenant bool
	keyCached bool
}

// guard runs before every operation. On the warm path (credentials and tenant cached in process)
// it does no I/O but one Redis round trip: the per-address and per-credential limits, the
// revocation check of the token's session and the tenant's change generation, all at once. Then
// it confirms the cached tenant against that generation (reloading it if anything changed),
// checks delegation scopes and authorizes against the policy in the operation's domain. A
// credential not cached yet costs the per-address check first, so unknown credentials cannot
// make the server work before the address is counted. Anything missing fails closed.
func (s *Surface) guard(ctx huma.Context, next func(huma.Context)) {
	acc, err := AccessOf(ctx.Operation())
	if err != nil {
		s.fail(ctx, fmt.Errorf("surface: %w", err))
		return
	}
	acc = chooseCredentials(ctx, acc)
	addr := s.addressLimit(ctx, acc)
	if acc.Public {
		if _, _, ok := s.admit(ctx, ports.AdmissionQuery{Limits: []ports.KeyedLimit{addr}}); ok {
			next(ctx)
		}
		return
	}
	var c caller
	warm, err := s.identify(ctx, acc, &c)
	if err != nil {
		s.fail(ctx, err)
		return
	}
	q := ports.AdmissionQuery{TenantID: c.tenant.TenantID}
	if !warm {
		if _, _, ok := s.admit(ctx, ports.AdmissionQuery{Limits: []ports.KeyedLimit{addr}}); !ok {
			return
		}
		if err := s.load(ctx, acc, &c); err != nil {
			s.fail(ctx, err)
			return
		}
		q.TenantID = c.tenant.TenantID
	} else {
		q.Limits = append(q.Limits, addr)
	}
	cred := s.credentialLimit(&c)
	q.Limits = append(q.Limits, cred)
	if c.claims != nil {
		q.SessionID = c.claims.SessionID
	}
	ans, known, ok := s.admit(ctx, q)
	if !ok {
		return
	}
	if err := s.confirm(ctx, &c, ans, known); err != nil {
		s.fail(ctx, err)
		return
	}
	if c.hasTenant {
		// The tenant was reloaded with other limits (an operator just changed them): count the
		// request against the new ones too, so a change applies from the next request on.
		c.tenant.Tenant = *c.p.Tenant
		if now := s.credentialLimit(&c); now.Limit != cred.Limit {
			if _, _, ok := s.admit(ctx, ports.AdmissionQuery{Limits: []ports.KeyedLimit{now}}); !ok {
				return
			}
		}
	}
	info := infoFrom(ctx.Context())
	info.TenantID, info.Subject = c.p.TenantID, c.p.Subject
	if err := s.authorize(ctx, acc, c.p); err != nil {
		s.fail(ctx, err)
		return
	}
	next(huma.WithValue(ctx, principalKey{}, c.p))
}

func (s *Surface) addressLimit(ctx huma.Context, acc Access) ports.KeyedLimit {
	if acc.Registration {
		return ports.KeyedLimit{Key: "rl:register:{" + clientAddr(ctx) + "}", Limit: s.deps.Limits.Registration}
	}
	return ports.KeyedLimit{Key: "rl:addr:{" + clientAddr(ctx) + "}", Limit: s.deps.Limits.PerAddress}
}

func (s *Surface) credentialLimit(c *caller) ports.KeyedLimit {
	if !c.hasTenant {
		return ports.KeyedLimit{Key: "rl:{platform}:sub:" + c.p.Subject, Limit: s.deps.Limits.PerCredential}
	}
	subject := "key:" + c.p.APIKeyID
	if c.p.Subject != "" {
		subject = "sub:" + c.p.Subject
	}
	return ports.KeyedLimit{Key: "rl:{" + c.tenant.TenantID + "}:" + subject, Limit: s.deps.Limits.CredentialLimit(c.tenant.Tenant)}
}

// identify reads the credentials the operation requires and finds them in the caches. It
// reports false when something must be loaded or verified (see load).
func (s *Surface) identify(ctx huma.Context, acc Access, c *caller) (bool, error) {
	warm := true
	for _, cred := range acc.Requires {
		if cred == APIKey {
			c.apiKey = ctx.Header("X-API-Key")
			if c.apiKey == "" {
				return false, tenant.ErrBadAPIKey
			}
			cand, ok := s.deps.Resolver.CachedKey(c.apiKey)
			if !ok {
				warm = false
				continue
			}
			c.tenant, c.hasTenant, c.keyCached = cand, true, true
			c.p.APIKeyID = cand.KeyID()
			continue
		}
		tk, ok := tokenKinds[cred]
		if !ok {
			return false, fmt.Errorf("surface: unknown credential %q", cred)
		}
		token, err := bearer(ctx)
		if err != nil {
			return false, err
		}
		claims, ok := s.tokens.get(token, tk.audience, s.deps.Clock.Now())
		if !ok {
			warm = false
			continue
		}
		if err := c.takeClaims(claims, tk.kind); err != nil {
			return false, err
		}
	}
	if warm && c.claims != nil && c.claims.TenantID != "" && !c.hasTenant {
		cand, ok := s.deps.Resolver.CachedTenant(c.claims.TenantID)
		if !ok {
			return false, nil
		}
		c.tenant, c.hasTenant = cand, true
	}
	return warm, nil
}

// load does what identify could not do from the caches: verify tokens, resolve the API key and
// load the tenant.
func (s *Surface) load(ctx huma.Context, acc Access, c *caller) error {
	for _, cred := range acc.Requires {
		if cred == APIKey {
			if c.keyCached {
				continue
			}
			cand, err := s.deps.Resolver.LoadKey(ctx.Context(), c.apiKey)
			if err != nil {
				return err
			}
			c.tenant, c.hasTenant = cand, true
			c.p.APIKeyID = cand.KeyID()
			continue
		}
		if c.claims != nil {
			continue
		}
		tk := tokenKinds[cred]
		token, err := bearer(ctx)
		if err != nil {
			return err
		}
		claims, err := s.deps.Signer.Verify(ctx.Context(), token, tk.audience)
		if err != nil {
			return err
		}
		s.tokens.put(token, tk.audience, claims)
		if err := c.takeClaims(claims, tk.kind); err != nil {
			return err
		}
	}
	if c.claims != nil && c.claims.TenantID != "" {
		if c.hasTenant && c.tenant.TenantID != c.claims.TenantID {
			return errTenantMismatch
		}
		if !c.hasTenant {
			cand, err := s.deps.Resolver.LoadTenant(ctx.Context(), c.claims.TenantID)
			if err != nil {
				return err
			}
			c.tenant, c.hasTenant = cand, true
		}
	}
	return nil
}

// takeClaims makes the token's claims the caller's, checking the kind of principal.
func (c *caller) takeClaims(claims ports.Claims, kind string) error {
	if claims.Kind != kind {
		return ports.Forbidden("FORBIDDEN", "These credentials may not call this operation.")
	}
	c.claims = &claims
	c.p.Kind, c.p.Subject, c.p.PartnerID, c.p.SessionID, c.p.Roles, c.p.Scopes, c.p.ClientID, c.p.OrgID =
		claims.Kind, claims.Subject, claims.PartnerID, claims.SessionID, claims.Roles, claims.Scopes, claims.ClientID, claims.OrgID
	return nil
}

// confirm applies the admission answer: a revoked session ends the request, and the tenant is
// confirmed against its current generation.
func (s *Surface) confirm(ctx huma.Context, c *caller, ans ports.AdmissionAnswer, known bool) error {
	if ans.Revoked {
		return ports.Unauthenticated("SESSION_REVOKED", "The session of this token has ended; sign in again.")
	}
	if !c.hasTenant {
		return nil
	}
	if c.claims != nil && c.claims.TenantID != c.tenant.TenantID {
		return errTenantMismatch
	}
	t, k, err := s.deps.Resolver.Confirm(ctx.Context(), c.tenant, ans.Generation, known)
	if err != nil {
		return err
	}
	c.p.TenantID, c.p.Tenant = t.ID, &t
	if c.apiKey != "" {
		c.p.APIKeyID = k.ID
		if len(c.p.Roles) == 0 {
			c.p.Roles = []string{"client"}
		}
	}
	return nil
}

// authorize checks the operation's domain, the scopes of a delegated token and the policy.
func (s *Surface) authorize(ctx huma.Context, acc Access, p Principal) error {
	domain := p.TenantID
	if acc.TenantParam != "" {
		domain = ctx.Param(acc.TenantParam)
	}
	if domain == "" {
		domain = "platform"
	}
	if p.TenantID != "" && domain != p.TenantID {
		return ports.Forbidden("FORBIDDEN", "The credentials do not belong to this client.")
	}
	if p.Delegated() && (acc.Scope == "" || (acc.Scope != AnyScope && !slices.Contains(p.Scopes, acc.Scope))) {
		msg := "This operation cannot be called with a token issued to an app."
		if acc.Scope != "" {
			msg = "The token was not granted the scope " + acc.Scope + "."
		}
		return ports.Forbidden("INSUFFICIENT_SCOPE", msg)
	}
	obj, act := splitPermission(acc.Permission)
	ok, err := s.deps.Policy.Allowed(p.Roles, domain, obj, act)
	if err != nil {
		return err
	}
	if !ok {
		return ports.Forbidden("FORBIDDEN", "The caller may not do this.")
	}
	return nil
}

var errTenantMismatch = ports.Forbidden("TENANT_MISMATCH", "The token and the API key belong to different clients.")

func bearer(ctx huma.Context) (string, error) {
	h := ctx.Header("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", ports.Unauthenticated("UNAUTHORIZED", "An Authorization: Bearer token is required.")
	}
	return tok, nil
}

// admit runs the admission query, sets the RateLimit headers of the tightest limit, and answers
// 429 itself when a limit is spent; ok is false when the request must stop there. When Redis is
// unreachable the limits fail open (an outage of the limiter must not take every surface down;
// the error is logged) but a revocation check fails closed, and known is false: the tenant's
// generation could not be read.
func (s *Surface) admit(ctx huma.Context, q ports.AdmissionQuery) (ans ports.AdmissionAnswer, known, ok bool) {
	ans, err := s.deps.Admission.Admit(ctx.Context(), q)
	if err != nil {
		logger(s).ErrorContext(ctx.Context(), "admission store unavailable", "error", err.Error(),
			"request_id", infoFrom(ctx.Context()).RequestID)
		if q.SessionID != "" {
			s.fail(ctx, fmt.Errorf("surface: revocation check: %w", err))
			return ans, false, false
		}
		return ports.AdmissionAnswer{}, false, true
	}
	shown := ports.Tightest(ans.Decisions)
	if shown.Limit.IsZero() {
		return ans, true, true
	}
	ctx.SetHeader("RateLimit-Limit", strconv.Itoa(shown.Limit.Burst))
	ctx.SetHeader("RateLimit-Remaining", strconv.Itoa(max(shown.Remaining, 0)))
	ctx.SetHeader("RateLimit-Reset", strconv.Itoa(ceilSeconds(shown.ResetAfter.Seconds())))
	if shown.Allowed {
		return ans, true, true
	}
	s.observer().Refused(limitName(q, ans))
	retry := ceilSeconds(shown.RetryAfter.Seconds())
	s.fail(ctx, &ports.Error{Kind: ports.ErrLimitExceeded, Code: "RATE_LIMITED",
		Message: fmt.Sprintf("Too many requests; retry in %d s.", retry), RetryAfterSeconds: retry})
	return ans, true, false
}

// limitName names the first refusing limit of an answer, for metrics: address, registration or
// credential.
func limitName(q ports.AdmissionQuery, ans ports.AdmissionAnswer) string {
	for i, d := range ans.Decisions {
		if d.Allowed || i >= len(q.Limits) {
			continue
		}
		switch key := q.Limits[i].Key; {
		case strings.HasPrefix(key, "rl:addr:"):
			return "address"
		case strings.HasPrefix(key, "rl:register:"):
			return "registration"
		}
		break
	}
	return "credential"
}
