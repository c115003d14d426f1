package app

import (
	"go.uber.org/fx"

	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/device"
	"github.com/stvos/stvos/core/grant"
	"github.com/stvos/stvos/core/operator"
	"github.com/stvos/stvos/core/playback"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/staff"
	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/core/useradmin"
	"github.com/stvos/stvos/ports"
)

// Identity provides the contexts of who a caller is: sessions, accounts, user administration,
// operators, staff sign-in, OAuth grants and device codes. Each gets only the ports and stores
// it uses.
var Identity = fx.Module("identity",
	fx.Provide(
		credential.NewPasswords,
		func(u ports.UnitOfWork, st session.Store, sg ports.TokenSigner, r ports.Revocations, c ports.Clock) *session.Service {
			return session.NewService(session.Deps{UnitOfWork: u, Store: st, Signer: sg, Revocations: r, Clock: c})
		},
		func(u ports.UnitOfWork, st account.Store, p *credential.Passwords, s *session.Service, b ports.BlobStore, c ports.Clock,
			g account.Greeter) *account.Service {
			return account.NewService(account.Deps{UnitOfWork: u, Store: st, Passwords: p, Sessions: s, Blobs: b, Clock: c, Greeter: g})
		},
		func(u ports.UnitOfWork, st useradmin.Store, p *credential.Passwords, s *session.Service, a audit.Store, c ports.Clock,
			pb *playback.Service) *useradmin.Service {
			return useradmin.NewService(useradmin.Deps{UnitOfWork: u, Store: st, Passwords: p, Sessions: s, Audit: a, Clock: c,
				OnSuspend: []useradmin.SuspendHook{pb}})
		},
		func(u ports.UnitOfWork, st operator.Store, p *credential.Passwords, s *session.Service, c ports.Clock) *operator.Service {
			return operator.NewService(operator.Deps{UnitOfWork: u, Store: st, Passwords: p, Sessions: s, Clock: c})
		},
		func(u ports.UnitOfWork, st staff.Store, t staff.TenantStatus, d ports.Directory, p *credential.Passwords, s *session.Service) *staff.Service {
			return staff.NewService(staff.Deps{UnitOfWork: u, Store: st, Tenants: t, Directory: d, Passwords: p, Sessions: s})
		},
		func(u ports.UnitOfWork, cs grant.ClientStore, rs grant.RecordStore, d ports.Directory, a audit.Store, c ports.Clock) *grant.Service {
			return grant.NewService(grant.Deps{UnitOfWork: u, Clients: cs, Records: rs, Directory: d, Audit: a, Clock: c})
		},
		func(u ports.UnitOfWork, st device.Store, d ports.Directory, c ports.Clock) *device.Service {
			return device.NewService(device.Deps{UnitOfWork: u, Store: st, Directory: d, Clock: c})
		},
	),
)

// newThrottle is the failure throttle of every password and code guess.
func newThrottle(cfg Config, f ports.Failures) *throttle.Throttle {
	return throttle.New(f, cfg.Failures)
}
