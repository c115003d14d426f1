package enterprise

import (
	"context"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/partnertoken"
	"github.com/stvos/stvos/core/session"
)

// staffOrToken lets an enterprise token with the scope, or a partner's owner or admin staff
// (staff token and the client's API key; the policy refuses viewers), call an operation.
func staffOrToken(permission, scope string) map[string]any {
	return surface.Access{Permission: permission, Scope: scope, Requires: []surface.Credential{surface.EnterpriseToken},
		Or: [][]surface.Credential{{surface.StaffToken, surface.APIKey}}}.Meta()
}

// callerOf is the caller as partner tokens see it.
func callerOf(ctx context.Context) partnertoken.Caller {
	p := surface.PrincipalFrom(ctx)
	c := partnertoken.Caller{TenantID: p.TenantID, PartnerID: p.PartnerID, Actor: p.Actor()}
	if p.Kind == session.KindEnterprise {
		c.Token, c.Scopes = true, p.Scopes
	}
	return c
}
