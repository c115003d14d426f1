package sandbox_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/payments/sandbox"
	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/adapters/sanitize"
	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/tenants"
	"github.com/stvos/stvos/test/contract"
	"github.com/stvos/stvos/test/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

// env gives each test its own database; the gateway instances of one test share it, as two
// server processes share theirs, each with a pool of its own.
func env(t *testing.T) contract.PaymentsEnv {
	url := harness.Database(t)
	ctx := context.Background()
	connect := func(t *testing.T) *postgres.UnitOfWork {
		pool, err := postgres.Connect(ctx, url)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		return postgres.NewUnitOfWork(pool)
	}
	uow := connect(t)
	svc := tenant.NewService(uow, postgres.TenantStore{}, postgres.Directory{}, postgres.TenantStore{}, tenants.DefaultCatalog(),
		ports.SystemClock{}, nopChanges{}, sanitize.New(), postgres.AuditStore{})
	return contract.PaymentsEnv{
		New: func(t *testing.T) ports.Payments {
			return sandbox.New(connect(t), postgres.SandboxLedger{}, ports.SystemClock{})
		},
		NewTenant: func(t *testing.T) string {
			tn, err := svc.Create(ctx, tenant.NewTenant{Name: "T", Slug: "t-" + ports.NewID()[24:]})
			require.NoError(t, err)
			return tn.ID
		},
	}
}

type nopChanges struct{}

func (nopChanges) Changed(context.Context, string) {}

func TestSandboxContract(t *testing.T) {
	t.Parallel()
	contract.Payments(t, env(t))
}

func TestSandboxOutcomes(t *testing.T) {
	t.Parallel()
	contract.PaymentOutcomes(t, env(t))
}

// TestEveryTestCard attaches each documented test card and charges those that attach: each does
// what Cards says.
func TestEveryTestCard(t *testing.T) {
	t.Parallel()
	e := env(t)
	g, tenantID := e.New(t), e.NewTenant(t)
	ctx := context.Background()
	customer, err := g.EnsureCustomer(ctx, tenantID, ports.NewID())
	require.NoError(t, err)
	for _, c := range sandbox.Cards {
		m, err := g.AttachMethod(ctx, tenantID, customer, c.Token)
		if c.AttachDecline != "" {
			require.Equal(t, c.AttachDecline, ports.AsDecline(err).Code, c.Token)
			continue
		}
		require.NoError(t, err, c.Token)
		require.Equal(t, c.Brand, m.Brand, c.Token)
		require.Equal(t, c.Last4, m.Last4, c.Token)
		_, err = g.Charge(ctx, tenantID, ports.ChargeRequest{CustomerID: customer, MethodID: m.ID, Amount: 100, Currency: "EUR",
			IdempotencyKey: ports.NewID()})
		if c.ChargeDecline == "" {
			require.NoError(t, err, c.Token)
		} else {
			require.Equal(t, c.ChargeDecline, ports.AsDecline(err).Code, c.Token)
		}
	}
}
