package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/contract"
)

// The stores of the identity contexts and of partners, each against its contract suite.

func (b bundle) tenants() contract.Tenants {
	return contract.Tenants{UnitOfWork: b.uow, New: b.newTenant}
}

func TestUserStoreContract(t *testing.T) {
	t.Parallel()
	contract.Users(t, setup(t).tenants(), postgres.UserStore{})
}

func TestSessionStoreContract(t *testing.T) {
	t.Parallel()
	contract.Sessions(t, setup(t).tenants(), postgres.SessionStore{}, postgres.OperatorStore{})
}

func TestOperatorStoreContract(t *testing.T) {
	t.Parallel()
	contract.Operators(t, setup(t).tenants(), postgres.OperatorStore{})
}

func TestOAuthClientStoreContract(t *testing.T) {
	t.Parallel()
	contract.OAuthClients(t, setup(t).tenants(), postgres.GrantStore{})
}

func TestOAuthRecordStoreContract(t *testing.T) {
	t.Parallel()
	contract.OAuthRecords(t, setup(t).tenants(), postgres.GrantStore{})
}

func TestDeviceCodeStoreContract(t *testing.T) {
	t.Parallel()
	contract.DeviceCodes(t, setup(t).tenants(), postgres.DeviceStore{})
}

func TestPartnerStoreContract(t *testing.T) {
	t.Parallel()
	contract.Partners(t, setup(t).tenants(), postgres.PartnerStore{})
}

func TestVoucherStoreContract(t *testing.T) {
	t.Parallel()
	contract.Vouchers(t, partnerEnv(t), postgres.VoucherStore{})
}

func TestProductStoreContract(t *testing.T) {
	t.Parallel()
	contract.Products(t, partnerEnv(t), postgres.ProductStore{})
}

func TestPlanStoreContract(t *testing.T) {
	t.Parallel()
	contract.Plans(t, setup(t).tenants(), postgres.PlanStore{})
}

func TestCouponStoreContract(t *testing.T) {
	t.Parallel()
	contract.Coupons(t, partnerEnv(t), postgres.CouponStore{})
}

func TestPaymentMethodStoreContract(t *testing.T) {
	t.Parallel()
	contract.PaymentMethods(t, partnerEnv(t), postgres.PaymentMethodStore{})
}

func TestIdempotencyStoreContract(t *testing.T) {
	t.Parallel()
	env, store := idempotencyEnv(t)
	contract.Idempotency(t, env, store)
}

func partnerEnv(t *testing.T) contract.PartnerEnv {
	b := setup(t)
	return contract.PartnerEnv{Tenants: b.tenants(),
		NewPartner: func(t *testing.T, tenantID string) string {
			p := partner.Partner{ID: ports.NewID(), TenantID: tenantID, Name: "Gym", Status: partner.StatusActive, CreatedAt: time.Now()}
			require.NoError(t, b.uow.Do(context.Background(), ports.TenantScope(tenantID), func(ctx context.Context) error {
				return postgres.PartnerStore{}.Create(ctx, p)
			}))
			return p.ID
		},
		NewUser: func(t *testing.T, tenantID string) string {
			u := account.New(tenantID, ports.NewID()+"@member.test", "h", "Member", []string{"subscriber"}, time.Now())
			require.NoError(t, b.uow.Do(context.Background(), ports.TenantScope(tenantID), func(ctx context.Context) error {
				return postgres.UserStore{}.CreateUser(ctx, u)
			}))
			return u.ID
		},
	}
}

func TestGiftCardStoreContract(t *testing.T) {
	t.Parallel()
	contract.GiftCards(t, partnerEnv(t), postgres.GiftCardStore{}, postgres.BalanceStore{})
}

func TestNotificationStoreContract(t *testing.T) {
	t.Parallel()
	contract.Notifications(t, partnerEnv(t), postgres.NotificationStore{})
}

func TestProfileStoreContract(t *testing.T) {
	t.Parallel()
	contract.Profiles(t, partnerEnv(t), postgres.ProfileStore{}, postgres.AuditStore{}, postgres.CatalogStore{})
}

func TestPrivacyStoreContract(t *testing.T) {
	t.Parallel()
	b := setup(t)
	contract.Privacy(t, contract.PrivacyEnv{Tenants: b.tenants(), Users: postgres.UserStore{}, Methods: postgres.PaymentMethodStore{},
		Invoices: postgres.InvoiceStore{}, Sessions: postgres.SessionStore{}, Audit: postgres.AuditStore{}}, postgres.PrivacyStore{})
}

// TestPrivacySecretIsShared: the first process stores its fresh secret, every later one reads it.
func TestPrivacySecretIsShared(t *testing.T) {
	t.Parallel()
	b := setup(t)
	first, second := make([]byte, 32), make([]byte, 32)
	first[0], second[0] = 1, 2
	got, err := postgres.NewPrivacySecrets(b.uow).LinkSecret(context.Background(), first)
	require.NoError(t, err)
	require.Equal(t, first, got)
	got, err = postgres.NewPrivacySecrets(b.uow).LinkSecret(context.Background(), second)
	require.NoError(t, err)
	require.Equal(t, first, got, "the stored secret wins")
}

func TestFlagStoreContract(t *testing.T) {
	t.Parallel()
	contract.Flags(t, partnerEnv(t), postgres.FlagStore{})
}

func TestEnterpriseStoresContract(t *testing.T) {
	t.Parallel()
	contract.Enterprise(t, setup(t).tenants(), contract.EnterpriseStores{Partners: postgres.PartnerStore{}, Users: postgres.UserStore{},
		Organizations: postgres.OrganizationStore{}, Tokens: postgres.PartnerTokenStore{}, Tickets: postgres.SSOStore{}})
}

func TestOnboardingStoreContract(t *testing.T) {
	t.Parallel()
	contract.Onboarding(t, setup(t).tenants(), contract.OnboardingStores{Partners: postgres.PartnerStore{},
		Organizations: postgres.OrganizationStore{}, Onboardings: postgres.OnboardingStore{}, Sources: postgres.IntegrationSourceStore{}})
}
