package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// tenantPolicy is the expression, as PostgreSQL prints it, of the policy that binds a row to the
// tenant of the transaction.
const tenantPolicy = "(tenant_id = ( SELECT app_tenant_id() AS app_tenant_id))"

// unprotected lists the tables of the public schema that have a tenant_id column but lack row
// level security enabled and forced, or a policy for every command that both shows and accepts
// only the rows of the transaction's tenant.
func unprotected(t *testing.T, conn *pgx.Conn) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `
		SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
		  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
		  AND NOT (c.relrowsecurity AND c.relforcerowsecurity AND EXISTS (
		      SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polcmd = '*' AND p.polpermissive
		        AND pg_get_expr(p.polqual, p.polrelid) = $1 AND pg_get_expr(p.polwithcheck, p.polrelid) = $1))
		ORDER BY 1`, tenantPolicy)
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return names
}

// TestEveryTenantTableIsIsolated reads the catalog: every table with a tenant_id column has
// row-level security enabled and forced with the tenant policy, whoever adds it later.
func TestEveryTenantTableIsIsolated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, harness.Database(t))
	require.NoError(t, err)
	defer conn.Close(ctx)

	var tenantTables int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(DISTINCT attrelid) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attname = 'tenant_id'`).Scan(&tenantTables))
	require.GreaterOrEqual(t, tenantTables, 10, "the check reads real tables")
	require.Empty(t, unprotected(t, conn), "tenant tables without row-level security and the tenant policy")

	t.Run("the check catches a new table, and the helper protects it", func(t *testing.T) {
		_, err := conn.Exec(ctx, `CREATE TABLE rls_probe (tenant_id uuid NOT NULL, note text)`)
		require.NoError(t, err)
		defer conn.Exec(ctx, `DROP TABLE rls_probe`) //nolint:errcheck // best effort
		require.Equal(t, []string{"rls_probe"}, unprotected(t, conn))
		_, err = conn.Exec(ctx, `ALTER TABLE rls_probe ENABLE ROW LEVEL SECURITY`)
		require.NoError(t, err)
		require.Equal(t, []string{"rls_probe"}, unprotected(t, conn), "enabled but not forced, no policy")
		for range 2 { // idempotent
			_, err = conn.Exec(ctx, `SELECT stvos_tenant_table('rls_probe')`)
			require.NoError(t, err)
		}
		require.Empty(t, unprotected(t, conn))
	})
}
