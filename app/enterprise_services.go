package app

import (
	"go.uber.org/fx"

	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/organization"
	"github.com/stvos/stvos/core/partnertoken"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/sso"
	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/ports"
)

// Enterprise provides the contexts of the enterprise partner surface's credentials:
// organizations, partner tokens with their token endpoint, and single sign-on.
var Enterprise = fx.Module("enterprise-core",
	fx.Provide(
		func(u ports.UnitOfWork, st organization.Store, a *account.Service, au audit.Store, c ports.Clock) *organization.Service {
			return organization.NewService(organization.Deps{UnitOfWork: u, Store: st, Accounts: a, Audit: au, Clock: c})
		},
		func(u ports.UnitOfWork, st partnertoken.Store, o *organization.Service, p partnertoken.Partners, t partnertoken.TenantStatus,
			d ports.Directory, s *session.Service, th *throttle.Throttle, au audit.Store, c ports.Clock) *partnertoken.Service {
			return partnertoken.NewService(partnertoken.Deps{UnitOfWork: u, Store: st, Organizations: o, Partners: p, Tenants: t,
				Directory: d, Sessions: s, Throttle: th, Audit: au, Clock: c})
		},
		func(u ports.UnitOfWork, st sso.Store, a *account.Service, o *organization.Service, th *throttle.Throttle, c ports.Clock) *sso.Service {
			return sso.NewService(sso.Deps{UnitOfWork: u, Store: st, Accounts: a, Organizations: o, Throttle: th, Clock: c})
		},
	),
)
