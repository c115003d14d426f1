package surface

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/tenant"
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
	// EnterpriseToken is an enterprise partner's machine access token, issued at POST /token of
	// the enterprise surface for a partner token (client credentials). It acts for its partner
	// inside its client and reaches only operations whose Access.Scope it holds.
	EnterpriseToken Credential = "enterprise_token"
)

// AnyScope as an Access.Scope admits a scoped token (an enterprise token) holding any scope;
// the handler narrows further (managing partner tokens: a token may not mint or revoke a token
// with scopes it does not hold itself).
const AnyScope = "*"

// tokenKinds says, for each bearer credential, the audience and kind of principal it takes.
var tokenKinds = map[Credential]struct{ audience, kind string }{
	OperatorToken:   {session.AudiencePlatform, session.KindOperator},
	UserToken:       {session.AudienceTenant, session.KindUser},
	StaffToken:      {session.AudiencePartner, session.KindPartnerStaff},
	EnterpriseToken: {session.AudienceEnterprise, session.KindEnterprise},
}

// Access is what an operation declares about who may call it. Every operation must declare one
// (a test checks); the guard enforces it before the handler runs.
type Access struct {
	// Public operations need no credential (sign-in routes). Permission must then be empty.
	Public bool
	// Requires lists the credentials the caller must present, all of them.
	Requires []Credential
	// Or lists other sets of credentials that may call the operation instead of Requires, each
	// needing all of its credentials. The set is chosen by the audience of the bearer token
	// presented (then verified as usual): a set without a bearer credential suits a request
	// without one. Example: an enterprise operation that a partner's staff (staff token and the
	// client's API key) may also call.
	Or [][]Credential
	// Permission is "object:action" in the authorization policy, such as "platform:tenants:write".
	Permission string
	// TenantParam names the path parameter that holds the tenant the operation acts in (platform
	// routes); otherwise the domain is the caller's own tenant.
	TenantParam string
	// Registration marks sign-up routes, which count against the per-address registration
	// limit (generous enough for a class signing up at once on one gym's Wi-Fi). Sign-in routes
	// need no mark: they count failures, in the core.
	Registration bool
	// Scope is the OAuth scope a delegated token (one issued to an OAuth client) must hold to
	// call the operation. An operation without a scope refuses every delegated token, so admin
	// operations stay out of third-party apps' reach. First-party sign-in tokens are not limited
	// by it. AnyScope admits a scoped token holding any scope.
	Scope string
}

// Meta returns operation metadata declaring the access.
func (a Access) Meta() map[string]any { return map[string]any{accessKey: a} }

// Public declares an operation anyone may call.
func Public() map[string]any { return Access{Public: true}.Meta() }

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
	case a.Public && len(a.Or) > 0:
		return a, fmt.Errorf("%s %s is public but names credentials", op.Method, op.Path)
	}
	for _, set := range a.Or {
		if len(set) == 0 {
			return a, fmt.Errorf("%s %s has an empty set of credentials", op.Method, op.Path)
		}
	}
	return a, nil
}

// security documents the credentials: each set of credentials that may call the operation, and
// for operations open to delegated tokens the alternative of an OAuth 2.0 token holding the scope.
// An enterprise token is documented as the enterprise scheme with the operation's scope.
func (a Access) security() []map[string][]string {
	if a.Public {
		return nil
	}
	sets := append([][]Credential{a.Requires}, a.Or...)
	// On an enterprise operation the scope is the enterprise token's; no OAuth app reaches it.
	enterprise := slices.ContainsFunc(sets, func(set []Credential) bool { return slices.Contains(set, EnterpriseToken) })
	var out []map[string][]string
	for _, set := range sets {
		req, delegated := map[string][]string{}, map[string][]string{}
		for _, c := range set {
			switch c {
			case APIKey:
				req["apiKey"], delegated["apiKey"] = []string{}, []string{}
			case EnterpriseToken:
				req["enterprise"] = []string{}
				if a.Scope != "" && a.Scope != AnyScope {
					req["enterprise"] = []string{a.Scope}
				}
			default:
				req["bearer"] = []string{}
				delegated["oauth2"] = []string{a.Scope}
			}
		}
		out = append(out, req)
		if !enterprise && a.Scope != "" && a.Scope != AnyScope && delegated["oauth2"] != nil {
			out = append(out, delegated)
		}
	}
	return out
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
	// OrgID is the organization of an enterprise token's partner token.
	OrgID string
	// Tenant is the caller's tenant, resolved and active, when the caller belongs to one.
	Tenant *tenant.Tenant
	// APIKeyID is the API key presented, if any.
	APIKeyID string
	// ClientID is the OAuth client a delegated token was issued to.
	ClientID string
}

// Delegated reports whether the caller acts through a token issued to an OAuth client (a
// third-party app) or to an enterprise partner token, rather than a first-party sign-in. A token
// that carries scopes is delegated even without a client id: only OAuth grants and enterprise
// tokens carry scopes.
func (p Principal) Delegated() bool { return p.ClientID != "" || len(p.Scopes) > 0 }

// Actor is the caller as audit records name them.
func (p Principal) Actor() audit.Actor {
	return audit.Actor{Kind: p.Kind, ID: p.Subject, Roles: p.Roles}
}

type principalKey struct{}

// PrincipalFrom returns the caller of the request.
func PrincipalFrom(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
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
