package surface

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/core/identity"
	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/ports"
)

const (
	accessKey  = "stvos.access"
	surfaceKey = "stvos.surface"
)

// Credential is a kind of credential an operation accepts.
type Credential string

// The credentials.
const (
	// APIKey is a client's X-API-Key; it names the tenant.
	APIKey Credential = "api_key"
	// OperatorToken is a platform operator's bearer token.
	OperatorToken Credential = "operator_token"
	// UserToken is a tenant user's (subscriber's or admin's) bearer token.
	UserToken Credential = "user_token"
	// StaffToken is a partner staff member's bearer token.
	StaffToken Credential = "staff_token"
)

// tokenKinds says, for each bearer credential, the audience and kind of principal it takes.
var tokenKinds = map[Credential]struct{ audience, kind string }{
	OperatorToken: {identity.AudiencePlatform, identity.KindOperator},
	UserToken:     {identity.AudienceTenant, identity.KindUser},
	StaffToken:    {identity.AudiencePartner, identity.KindPartnerStaff},
}

// Access is what an operation declares about who may call it. Every operation must declare one
// (a test checks); the guard enforces it before the handler runs.
type Access struct {
	// Public operations need no credential (sign-in routes). Permission must then be empty.
	Public bool
	// Requires lists the credentials the caller must present, all of them.
	Requires []Credential
	// Permission is "object:action" in the authorization policy, such as "platform:tenants:write".
	Permission string
	// TenantParam names the path parameter that holds the tenant the operation acts in (platform
	// routes); otherwise the domain is the caller's own tenant.
	TenantParam string
	// Login marks sign-in routes, which get the stricter per-address rate limit.
	Login bool
	// Scope is the OAuth scope a delegated token (one that carries scopes) must hold to call the
	// operation. First-party sign-in tokens carry no scopes and are not limited by it.
	Scope string
}

// Meta returns operation metadata declaring the access.
func (a Access) Meta() map[string]any { return map[string]any{accessKey: a} }

// Public declares an operation anyone may call.
func Public(login bool) map[string]any { return Access{Public: true, Login: login}.Meta() }

// Permit declares an operation that needs the credentials and the permission.
func Permit(permission string, creds ...Credential) map[string]any {
	return Access{Permission: permission, Requires: creds}.Meta()
}

// PermitScoped is Permit for operations a delegated (OAuth) token may call only with the scope.
func PermitScoped(permission, scope string, creds ...Credential) map[string]any {
	return Access{Permission: permission, Requires: creds, Scope: scope}.Meta()
}

// AccessOf returns the access an operation declares, and whether it declares a valid one.
func AccessOf(op *huma.Operation) (Access, error) {
	a, ok := op.Metadata[accessKey].(Access)
	switch {
	case !ok:
		return a, fmt.Errorf("%s %s declares no access", op.Method, op.Path)
	case a.Public && (a.Permission != "" || len(a.Requires) > 0):
		return a, fmt.Errorf("%s %s is public but names a permission", op.Method, op.Path)
	case !a.Public && (strings.Count(a.Permission, ":") < 1 || len(a.Requires) == 0):
		return a, fmt.Errorf("%s %s needs a permission object:action and a credential", op.Method, op.Path)
	}
	return a, nil
}

func (a Access) security() []map[string][]string {
	if a.Public {
		return nil
	}
	req := map[string][]string{}
	for _, c := range a.Requires {
		if c == APIKey {
			req["apiKey"] = []string{}
		} else {
			req["bearer"] = []string{}
		}
	}
	return []map[string][]string{req}
}

func (a Access) errors() []int {
	out := []int{http.StatusTooManyRequests}
	if !a.Public {
		out = append(out, http.StatusUnauthorized, http.StatusForbidden)
	}
	return out
}

// Principal is the authenticated caller of a request.
type Principal struct {
	Kind      string
	Subject   string
	TenantID  string
	PartnerID string
	SessionID string
	Roles     []string
	Scopes    []string
	// Tenant is the caller's tenant, resolved and active, when the caller belongs to one.
	Tenant *tenant.Tenant
	// APIKeyID is the API key presented, if any.
	APIKeyID string
}

type principalKey struct{}

// PrincipalFrom returns the caller of the request.
func PrincipalFrom(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}

// guard runs before every operation: per-address rate limit, authentication, per-credential rate
// limit with the tenant's own limits, then authorization against the policy in the operation's
// domain. Anything missing fails closed.
func (s *Surface) guard(ctx huma.Context, next func(huma.Context)) {
	acc, err := AccessOf(ctx.Operation())
	if err != nil {
		s.fail(ctx, fmt.Errorf("surface: %w", err))
		return
	}
	addrLimit := s.deps.Limits.PerAddress
	addrClass := "addr"
	if acc.Login {
		addrLimit, addrClass = s.deps.Limits.Login, "login"
	}
	if !s.allow(ctx, "rl:"+addrClass+":{"+clientAddr(ctx)+"}", addrLimit) {
		return
	}
	if acc.Public {
		next(ctx)
		return
	}
	p, err := s.authenticate(ctx, acc)
	if err != nil {
		s.fail(ctx, err)
		return
	}
	info := infoFrom(ctx.Context())
	info.TenantID, info.Subject = p.TenantID, p.Subject
	if p.Tenant != nil {
		subject := "key:" + p.APIKeyID
		if p.Subject != "" {
			subject = "sub:" + p.Subject
		}
		if !s.allow(ctx, "rl:{"+p.TenantID+"}:"+subject, s.deps.Limits.CredentialLimit(*p.Tenant)) {
			return
		}
	} else if !s.allow(ctx, "rl:{platform}:sub:"+p.Subject, s.deps.Limits.PerCredential) {
		return
	}
	domain := p.TenantID
	if acc.TenantParam != "" {
		domain = ctx.Param(acc.TenantParam)
	}
	if domain == "" {
		domain = "platform"
	}
	if p.TenantID != "" && domain != p.TenantID {
		s.fail(ctx, ports.Forbidden("FORBIDDEN", "The credentials do not belong to this client."))
		return
	}
	if acc.Scope != "" && len(p.Scopes) > 0 && !slices.Contains(p.Scopes, acc.Scope) {
		s.fail(ctx, ports.Forbidden("INSUFFICIENT_SCOPE", "The token was not granted the scope "+acc.Scope+"."))
		return
	}
	obj, act := splitPermission(acc.Permission)
	ok, err := s.deps.Policy.Allowed(p.Roles, domain, obj, act)
	if err != nil {
		s.fail(ctx, err)
		return
	}
	if !ok {
		s.fail(ctx, ports.Forbidden("FORBIDDEN", "The caller may not do this."))
		return
	}
	next(huma.WithValue(ctx, principalKey{}, p))
}

func (s *Surface) authenticate(ctx huma.Context, acc Access) (Principal, error) {
	var p Principal
	for _, c := range acc.Requires {
		if c == APIKey {
			key := ctx.Header("X-API-Key")
			if key == "" {
				return p, tenant.ErrBadAPIKey
			}
			t, k, err := s.deps.Resolver.ByAPIKey(ctx.Context(), key)
			if err != nil {
				return p, err
			}
			if p.TenantID != "" && p.TenantID != t.ID {
				return p, errTenantMismatch
			}
			p.TenantID, p.Tenant, p.APIKeyID = t.ID, &t, k.ID
			if len(p.Roles) == 0 {
				p.Roles = []string{"client"}
			}
			continue
		}
		tk, ok := tokenKinds[c]
		if !ok {
			return p, fmt.Errorf("surface: unknown credential %q", c)
		}
		claims, err := s.bearer(ctx, tk.audience)
		if err != nil {
			return p, err
		}
		if claims.Kind != tk.kind {
			return p, ports.Forbidden("FORBIDDEN", "These credentials may not call this operation.")
		}
		revoked, err := s.deps.Revocations.Revoked(ctx.Context(), claims.SessionID)
		if err != nil {
			return p, err
		}
		if revoked {
			return p, ports.Unauthenticated("SESSION_REVOKED", "The session of this token has ended; sign in again.")
		}
		if p.TenantID != "" && p.TenantID != claims.TenantID {
			return p, errTenantMismatch
		}
		if claims.TenantID != "" && p.Tenant == nil {
			t, err := s.deps.Resolver.ByID(ctx.Context(), claims.TenantID)
			if err != nil {
				return p, err
			}
			p.Tenant = &t
		}
		p.Kind, p.Subject, p.TenantID, p.PartnerID, p.SessionID, p.Roles, p.Scopes =
			claims.Kind, claims.Subject, claims.TenantID, claims.PartnerID, claims.SessionID, claims.Roles, claims.Scopes
	}
	return p, nil
}

var errTenantMismatch = ports.Forbidden("TENANT_MISMATCH", "The token and the API key belong to different clients.")

func (s *Surface) bearer(ctx huma.Context, audience string) (ports.Claims, error) {
	h := ctx.Header("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return ports.Claims{}, ports.Unauthenticated("UNAUTHORIZED", "An Authorization: Bearer token is required.")
	}
	return s.deps.Signer.Verify(ctx.Context(), strings.TrimSpace(tok), audience)
}

// allow counts the request against a limit, sets the RateLimit headers, and answers 429 itself
// when the limit is spent. It fails open when Redis is unreachable: an outage of the limiter
// must not take every surface down; the error is logged.
func (s *Surface) allow(ctx huma.Context, key string, l ports.Limit) bool {
	d, err := s.deps.Limiter.Allow(ctx.Context(), key, l)
	if err != nil {
		logger(s).ErrorContext(ctx.Context(), "rate limiter unavailable", "error", err.Error(),
			"request_id", infoFrom(ctx.Context()).RequestID)
		return true
	}
	if d.Limit.IsZero() {
		return true
	}
	ctx.SetHeader("RateLimit-Limit", strconv.Itoa(d.Limit.Burst))
	ctx.SetHeader("RateLimit-Remaining", strconv.Itoa(max(d.Remaining, 0)))
	ctx.SetHeader("RateLimit-Reset", strconv.Itoa(ceilSeconds(d.ResetAfter.Seconds())))
	if d.Allowed {
		return true
	}
	retry := ceilSeconds(d.RetryAfter.Seconds())
	s.fail(ctx, &ports.Error{Kind: ports.ErrLimitExceeded, Code: "RATE_LIMITED",
		Message: fmt.Sprintf("Too many requests; retry in %d s.", retry), RetryAfterSeconds: retry})
	return false
}

func ceilSeconds(f float64) int {
	n := int(f)
	if float64(n) < f {
		n++
	}
	return max(n, 1)
}

// fail writes err in the surface's format.
func (s *Surface) fail(ctx huma.Context, err error) {
	_ = huma.WriteErr(s.API, ctx, http.StatusInternalServerError, "", err)
}

func splitPermission(p string) (obj, act string) {
	i := strings.LastIndex(p, ":")
	return p[:i], p[i+1:]
}

// clientAddr is the caller's address. The server trusts no forwarding header by default; behind
// a proxy, set STVOS_TRUST_PROXY so the request's address is taken from X-Forwarded-For.
func clientAddr(ctx huma.Context) string {
	if a := infoFrom(ctx.Context()).ClientAddr; a != "" {
		return a
	}
	host, _, err := net.SplitHostPort(ctx.RemoteAddr())
	if err != nil {
		return ctx.RemoteAddr()
	}
	return host
}
