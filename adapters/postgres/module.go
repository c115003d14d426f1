package postgres

import (
	"context"

	"github.com/exaring/otelpgx"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/payments/sandbox"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/analytics"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/balance"
	"github.com/stvos/stvos/core/catalog"
	"github.com/stvos/stvos/core/coupon"
	"github.com/stvos/stvos/core/device"
	"github.com/stvos/stvos/core/giftcard"
	"github.com/stvos/stvos/core/grant"
	"github.com/stvos/stvos/core/member"
	"github.com/stvos/stvos/core/notification"
	"github.com/stvos/stvos/core/operator"
	"github.com/stvos/stvos/core/organization"
	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/core/partnertoken"
	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/core/playback"
	"github.com/stvos/stvos/core/privacy"
	"github.com/stvos/stvos/core/product"
	"github.com/stvos/stvos/core/profile"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/sso"
	"github.com/stvos/stvos/core/staff"
	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/core/useradmin"
	"github.com/stvos/stvos/core/voucher"
	"github.com/stvos/stvos/ports"
)

// Config is what the adapter needs to start.
type Config struct {
	// URL is the database URL; its role owns the schema and may SET ROLE stvos_app.
	URL string
	// Migrate applies pending migrations before the pool opens.
	Migrate bool
}

// Module provides the pool, the unit of work and every store, bound to their ports.
var Module = fx.Module("postgres",
	fx.Provide(
		newPool,
		NewUnitOfWork,
		fx.Annotate(func(u *UnitOfWork) *UnitOfWork { return u }, fx.As(new(ports.UnitOfWork))),
		fx.Annotate(func() TenantStore { return TenantStore{} },
			fx.As(new(tenant.Store)), fx.As(new(tenant.StringsStore)), fx.As(new(partner.TenantChecker)),
			fx.As(new(staff.TenantStatus)), fx.As(new(partnertoken.TenantStatus))),
		fx.Annotate(func() Directory { return Directory{} }, fx.As(new(ports.Directory))),
		fx.Annotate(func() PartnerStore { return PartnerStore{} }, fx.As(new(partner.Store)), fx.As(new(staff.Store)),
			fx.As(new(partnertoken.Partners))),
		fx.Annotate(func() AuditStore { return AuditStore{} }, fx.As(new(audit.Store))),
		fx.Annotate(func() GrantStore { return GrantStore{} }, fx.As(new(grant.ClientStore)), fx.As(new(grant.RecordStore))),
		fx.Annotate(func() DeviceStore { return DeviceStore{} }, fx.As(new(device.Store))),
		fx.Annotate(func() UserStore { return UserStore{} }, fx.As(new(account.Store)), fx.As(new(useradmin.Store))),
		fx.Annotate(func() OperatorStore { return OperatorStore{} }, fx.As(new(operator.Store))),
		fx.Annotate(func() SessionStore { return SessionStore{} }, fx.As(new(session.Store))),
		fx.Annotate(func() CatalogStore { return CatalogStore{} }, fx.As(new(catalog.Store))),
		fx.Annotate(func() ProductStore { return ProductStore{} }, fx.As(new(product.Store))),
		fx.Annotate(func() PlanStore { return PlanStore{} }, fx.As(new(plan.Store)), fx.As(new(coupon.Plans))),
		fx.Annotate(func() CouponStore { return CouponStore{} }, fx.As(new(coupon.Store))),
		fx.Annotate(func() GiftCardStore { return GiftCardStore{} }, fx.As(new(giftcard.Store))),
		fx.Annotate(func() ProfileStore { return ProfileStore{} }, fx.As(new(profile.Store))),
		fx.Annotate(func() BalanceStore { return BalanceStore{} }, fx.As(new(balance.Store))),
		fx.Annotate(func() NotificationStore { return NotificationStore{} }, fx.As(new(notification.Store))),
		fx.Annotate(func() PaymentMethodStore { return PaymentMethodStore{} }, fx.As(new(payment.Store))),
		fx.Annotate(func() SandboxLedger { return SandboxLedger{} }, fx.As(new(sandbox.Ledger))),
		fx.Annotate(func() PlaybackStore { return PlaybackStore{} }, fx.As(new(playback.Store))),
		fx.Annotate(func() MemberStore { return MemberStore{} }, fx.As(new(member.Store))),
		fx.Annotate(func() AnalyticsStore { return AnalyticsStore{} }, fx.As(new(analytics.Store))),
		fx.Annotate(func() VoucherStore { return VoucherStore{} }, fx.As(new(voucher.Store)), fx.As(new(voucher.Partners))),
		fx.Annotate(NewSigningKeyStore, fx.As(new(ports.SigningKeyStore))),
		fx.Annotate(NewIdempotencyStore, fx.As(new(ports.Idempotency))),
		NewOAuthSecrets,
		fx.Annotate(func() PrivacyStore { return PrivacyStore{} }, fx.As(new(privacy.Store))),
		fx.Annotate(func() OrganizationStore { return OrganizationStore{} }, fx.As(new(organization.Store))),
		fx.Annotate(func() PartnerTokenStore { return PartnerTokenStore{} }, fx.As(new(partnertoken.Store))),
		fx.Annotate(func() SSOStore { return SSOStore{} }, fx.As(new(sso.Store))),
		NewPrivacySecrets,
	),
)

type poolParams struct {
	fx.In
	Lifecycle fx.Lifecycle
	Config    Config
	// Tracing, when not nil, traces every query (OpenTelemetry).
	Tracing trace.TracerProvider `optional:"true"`
}

func newPool(p poolParams) (*pgxpool.Pool, error) {
	ctx, cfg, lc := context.Background(), p.Config, p.Lifecycle
	if cfg.Migrate {
		if _, err := Migrate(ctx, cfg.URL); err != nil {
			return nil, err
		}
	}
	var tracer pgx.QueryTracer
	if p.Tracing != nil {
		tracer = otelpgx.NewTracer(otelpgx.WithTracerProvider(p.Tracing))
	}
	pool, err := ConnectTraced(ctx, cfg.URL, tracer)
	if err != nil {
		return nil, err
	}
	lc.Append(fx.StopHook(pool.Close))
	return pool, nil
}
