package app

import (
	"context"

	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/adapters/redis"
	"github.com/stvos/stvos/adapters/river"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/flag"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/tenants"
)

// Flags provides every flag store this server runs (PostgreSQL), each once, in the group
// "flagstores"; the registry that hands each client the store it chose (adapters["flags"]); the
// flag use cases, to the surfaces and to the job that applies scheduled changes; and the
// listener that drops a client's compiled flags when any process announces a change.
var Flags = fx.Options(
	fx.Provide(
		fx.Annotate(func() postgres.FlagStore { return postgres.FlagStore{} }, fx.As(new(flag.Store)), fx.ResultTags(`group:"flagstores"`)),
		fx.Annotate(tenants.NewFlagStores, fx.ParamTags(``, `group:"flagstores"`), fx.As(new(flag.Stores))),
		func(u ports.UnitOfWork, st flag.Stores, a audit.Store, j ports.Jobs, ch ports.FlagChanges, c ports.Clock) *flag.Service {
			return flag.NewService(flag.Deps{UnitOfWork: u, Stores: st, Audit: a, Jobs: j, Changes: ch, Clock: c})
		},
		fx.Annotate(func(s *flag.Service) *flag.Service { return s }, fx.As(new(river.Flags))),
	),
	fx.Invoke(func(lc fx.Lifecycle, fc *redis.FlagChanges, svc *flag.Service) {
		lc.Append(fx.Hook{
			OnStart: func(ctx context.Context) error {
				return fc.Listen(ctx, svc.Cache().Invalidate, svc.Cache().Reset)
			},
			OnStop: func(context.Context) error { fc.Stop(); return nil },
		})
	}),
)
