package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"go.opentelemetry.io/otel/trace"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/stvos/stvos/adapters/argon2"
	blobfs "github.com/stvos/stvos/adapters/blob/fs"
	"github.com/stvos/stvos/adapters/csv"
	"github.com/stvos/stvos/adapters/currency"
	"github.com/stvos/stvos/adapters/jwt"
	"github.com/stvos/stvos/adapters/pdf"
	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/adapters/redis"
	"github.com/stvos/stvos/adapters/river"
	"github.com/stvos/stvos/adapters/sanitize"
	"github.com/stvos/stvos/app/enterprise"
	"github.com/stvos/stvos/app/mobile"
	"github.com/stvos/stvos/app/oauth"
	"github.com/stvos/stvos/app/partner"
	"github.com/stvos/stvos/app/platform"
	"github.com/stvos/stvos/app/subscriber"
	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/app/telemetry"
	"github.com/stvos/stvos/app/web"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/analytics"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/balance"
	"github.com/stvos/stvos/core/catalog"
	"github.com/stvos/stvos/core/coupon"
	"github.com/stvos/stvos/core/giftcard"
	"github.com/stvos/stvos/core/member"
	"github.com/stvos/stvos/core/notification"
	corepartner "github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/core/partnerbilling"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/core/playback"
	"github.com/stvos/stvos/core/product"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/subscription"
	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/core/voucher"
	"github.com/stvos/stvos/policies"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/tenants"
)

// Version is the build's version, shown in every OpenAPI document.
var Version = "0.1.0"

// Core provides the use cases of the core, built on whatever adapters the graph binds to ports.
var Core = fx.Module("core",
	fx.Provide(
		fx.Annotate(func() ports.SystemClock { return ports.SystemClock{} }, fx.As(new(ports.Clock))),
		fx.Annotate(newCatalog, fx.As(new(tenant.AdapterCatalog))),
		tenant.NewService,
		corepartner.NewService,
		func(s *session.Service) corepartner.Sessions { return s },
		catalog.NewService,
		product.NewService,
		plan.NewService,
		coupon.NewService,
		balance.NewService,
		member.NewService,
		analytics.NewService,
		partnerbilling.NewService,
		audit.NewService,
		tenants.NewResolver,
		newKeyUses,
		newThrottle,
		func(cfg Config, u ports.UnitOfWork, st playback.Store, sl ports.StreamSlots, l subscription.Limits, c ports.Clock) *playback.Service {
			return playback.NewService(playback.Deps{UnitOfWork: u, Store: st, Slots: sl, Clock: c, SlotTTL: cfg.StreamTTL,
				MaxStreams: l.MaxStreams})
		},
		func(u ports.UnitOfWork, st giftcard.Store, b *balance.Service, a audit.Store, cur ports.Currencies, t *throttle.Throttle,
			c ports.Clock) *giftcard.Service {
			return giftcard.NewService(giftcard.Deps{UnitOfWork: u, Store: st, Balance: b, Audit: a, Currencies: cur, Throttle: t, Clock: c})
		},
		func(u ports.UnitOfWork, st voucher.Store, p voucher.Partners, a audit.Store, t *throttle.Throttle, c ports.Clock) *voucher.Service {
			return voucher.NewService(voucher.Deps{UnitOfWork: u, Store: st, Partners: p, Audit: a, Throttle: t, Clock: c})
		},
		func(u ports.UnitOfWork, st notification.Store, a account.Store, c ports.Clock) *notification.Service {
			return notification.NewService(notification.Deps{UnitOfWork: u, Store: st, Accounts: a, Clock: c})
		},
		newProfiles,
	),
	Identity,
	Enterprise,
)

// Surfaces provides every HTTP surface.
var Surfaces = fx.Options(mobile.Module, partner.Module, subscriber.Module, enterprise.Module, platform.Module)

// Options is the whole application for a configuration: adapters, core, surfaces, server.
func Options(cfg Config, log *slog.Logger) fx.Option {
	return fx.Options(
		fx.Supply(cfg, log),
		fx.WithLogger(func() fxevent.Logger { return fxLogger(log, cfg.LogLevel) }),
		fx.Supply(
			postgres.Config{URL: cfg.DatabaseURL, Migrate: cfg.Migrate},
			redis.Config{URL: cfg.RedisURL, Prefix: cfg.RedisPrefix},
			jwt.Config{Issuer: cfg.PublicURL, KeyPEM: cfg.SigningKeyPEM},
			blobfs.Config{Dir: cfg.BlobDir},
			river.Config{Migrate: cfg.Migrate, URL: cfg.DatabaseURL, BillingSweep: cfg.BillingSweep},
			telemetry.Config{MetricsAddr: cfg.MetricsAddr, Version: Version},
		),
		telemetry.Module,
		fx.Provide(func(t telemetry.Tracing) trace.TracerProvider { return t.Provider }),
		postgres.Module, redis.Module, argon2.Module, jwt.Module, blobfs.Module, river.Module, pdf.Module,
		fx.Provide(fx.Annotate(func() csv.Exports { return csv.Exports{} }, fx.As(new(ports.Exports)))),
		fx.Provide(fx.Annotate(sanitize.New, fx.As(new(ports.HTMLSanitizer)))),
		fx.Provide(fx.Annotate(func() currency.ISO4217 { return currency.ISO4217{} }, fx.As(new(ports.Currencies)))),
		fx.Provide(fx.Annotate(newMaintenance, fx.As(new(river.Maintenance)))),
		Core,
		Payments,
		Billing,
		Email,
		Privacy,
		Onboarding,
		Flags,
		fx.Provide(http.NewServeMux, policies.New, newSurfaceDeps),
		Surfaces,
		fx.Supply(oauth.Config{Issuer: cfg.PublicURL, Limits: cfg.Limits}),
		fx.Provide(fx.Annotate(func(s *postgres.OAuthSecrets) *postgres.OAuthSecrets { return s }, fx.As(new(oauth.SecretStore)))),
		oauth.Module,
		web.Module,
		fx.Provide(NewServer),
		serving(cfg),
		fx.StopTimeout(cfg.ShutdownTimeout+5*time.Second),
	)
}

// serving starts the HTTP server, unless the process runs the job workers alone (the River
// client starts with the application either way).
func serving(cfg Config) fx.Option {
	if cfg.WorkerOnly {
		return fx.Options()
	}
	return fx.Invoke(func(*Server) {})
}

func newSurfaceDeps(cfg Config, log *slog.Logger, r *tenants.Resolver, s ports.TokenSigner, a ports.Admission,
	clock ports.Clock, p *policies.Enforcer, m *telemetry.Metrics, idem ports.Idempotency) surface.Deps {
	return surface.Deps{Resolver: r, Signer: s, Admission: a, Clock: clock, Limits: cfg.Limits, Policy: p, Log: log, Version: Version,
		PublicURL: cfg.PublicURL, Observer: m, Idempotency: idem}
}

// newKeyUses records API key uses in batches for as long as the application runs.
func newKeyUses(lc fx.Lifecycle, cfg Config, t *tenant.Service, log *slog.Logger) *tenants.KeyUses {
	u := tenants.NewKeyUses(t, log)
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error { u.Start(cfg.KeyUseInterval); return nil },
		OnStop:  func(ctx context.Context) error { u.Stop(ctx); return nil },
	})
	return u
}

// NewLogger returns the JSON logger at the configured level, writing to standard error in
// batches (see logBuffer); closing the closer writes what is left.
func NewLogger(level slog.Level) (*slog.Logger, io.Closer) {
	out := newLogBuffer(os.Stderr)
	return slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: level})), out
}

// fxLogger shows the graph's events only when debugging; errors always reach the caller.
func fxLogger(log *slog.Logger, level slog.Level) fxevent.Logger {
	if level > slog.LevelDebug {
		return fxevent.NopLogger
	}
	return &fxevent.SlogLogger{Logger: log.With("component", "fx")}
}
