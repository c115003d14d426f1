package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/adapters/sanitize"
	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/contract"
	"github.com/stvos/stvos/test/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

type bundle struct {
	pool *pgxpool.Pool
	uow  *postgres.UnitOfWork
	svc  *tenant.Service
}

func setup(t *testing.T) bundle {
	t.Helper()
	pool, err := postgres.Connect(context.Background(), harness.Database(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	uow := postgres.NewUnitOfWork(pool)
	svc := tenant.NewService(uow, postgres.TenantStore{}, postgres.Directory{}, postgres.TenantStore{},
		tenantsCatalog{}, ports.SystemClock{}, &changes{}, sanitize.New(), postgres.AuditStore{})
	return bundle{pool: pool, uow: uow, svc: svc}
}

// changes counts announcements; this process keeps no caches to invalidate.
type changes struct{ n int }

func (c *changes) Changed(context.Context, string) { c.n++ }

type tenantsCatalog struct{}

func (tenantsCatalog) Choices(string) []string { return nil }
func (tenantsCatalog) Ports() []string         { return nil }

func (tenantsCatalog) Unavailable(string, string) string { return "" }

func (b bundle) newTenant(t *testing.T) string {
	t.Helper()
	tn, err := b.svc.Create(context.Background(), tenant.NewTenant{Name: "T", Slug: "t-" + ports.NewID()[24:],
		Strings: map[string]string{"st_aboutus": "about " + time.Now().String()}})
	require.NoError(t, err)
	_, err = b.svc.IssueKey(context.Background(), tn.ID, "k")
	require.NoError(t, err)
	return tn.ID
}

// TestRowLevelSecurity proves that a query with no tenant filter still sees only the rows of the
// tenant its transaction is bound to, and cannot write another tenant's rows.
func TestRowLevelSecurity(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, other := b.newTenant(t), b.newTenant(t)
	ctx := context.Background()

	var role string
	var super, bypass bool
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`).
		Scan(&role, &super, &bypass))
	require.Equal(t, postgres.AppRole, role)
	require.False(t, super)
	require.False(t, bypass)

	tx, err := b.pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, a)
	require.NoError(t, err)
	for _, table := range []string{"api_keys", "content_strings", "directory"} {
		var n, foreign int
		require.NoError(t, tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE tenant_id <> $1) FROM `+table, a).Scan(&n, &foreign))
		require.Positive(t, n, table)
		require.Zero(t, foreign, "%s: another tenant's rows are visible", table)
	}
	var tenantsSeen int
	require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM tenants`).Scan(&tenantsSeen))
	require.Equal(t, 1, tenantsSeen, "a tenant sees only itself")
	_, err = tx.Exec(ctx, `INSERT INTO content_strings (tenant_id, key, value, updated_at) VALUES ($1, 'st_x', 'x', now())`, other)
	require.Error(t, err, "writing another tenant's row is refused")
	require.Contains(t, err.Error(), "row-level security")
	require.NoError(t, tx.Rollback(ctx))

	// Unbound: no tenant and no platform scope sees nothing at all.
	var n int
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM api_keys`).Scan(&n))
	require.Zero(t, n)
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM tenants`).Scan(&n))
	require.Zero(t, n)
}

func TestUnitOfWork(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, other := b.newTenant(t), b.newTenant(t)
	ctx := context.Background()

	_, err := postgres.TenantStore{}.Strings(ctx, a)
	require.ErrorIs(t, err, ports.ErrNoUnitOfWork, "stores refuse to run unbound")

	err = b.uow.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error {
		return b.uow.Do(ctx, ports.TenantScope(other), func(context.Context) error { return nil })
	})
	require.ErrorIs(t, err, ports.ErrForbidden, "one tenant cannot step into another")

	// A failing use case leaves nothing behind.
	boom := ports.Conflict("BOOM", "boom")
	err = b.uow.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error {
		require.NoError(t, postgres.TenantStore{}.MergeStrings(ctx, a, map[string]string{"st_ghost": "x"}))
		return boom
	})
	require.ErrorIs(t, err, boom)
	strs, err := b.svc.Strings(ctx, a)
	require.NoError(t, err)
	require.NotContains(t, strs, "st_ghost")

	// The platform may narrow to a tenant and comes back to the platform scope afterwards.
	require.NoError(t, b.uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		require.NoError(t, b.uow.Do(ctx, ports.TenantScope(a), func(ctx context.Context) error {
			_, err := postgres.TenantStore{}.Strings(ctx, a)
			return err
		}))
		ts, err := postgres.TenantStore{}.List(ctx, "", 10)
		require.Len(t, ts, 2)
		return err
	}))
}

func TestDirectoryContract(t *testing.T) {
	t.Parallel()
	b := setup(t)
	contract.Directory(t, b.uow, postgres.Directory{}, b.newTenant)
}

func TestUnitOfWorkContract(t *testing.T) {
	t.Parallel()
	b := setup(t)
	contract.UnitOfWork(t, b.uow, postgres.Directory{}, b.newTenant)
}
