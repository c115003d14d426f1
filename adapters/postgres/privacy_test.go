package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/privacy"
	"github.com/stvos/stvos/ports"
)

// TestPrivacyReachesOptionalTables: a table of a later context with a user_id column (here a probe
// standing in for profiles or notifications) is in the archive, without its tenant and secrets,
// and is erased with the account; a table the schema lacks is skipped.
func TestPrivacyReachesOptionalTables(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	owner, err := pgx.Connect(ctx, b.pool.Config().ConnString()) // the migrations' role
	require.NoError(t, err)
	defer owner.Close(ctx)
	_, err = owner.Exec(ctx, `CREATE TABLE privacy_probe (tenant_id uuid NOT NULL, user_id uuid NOT NULL, nickname text, pin_hash text,
		api_token text); SELECT stvos_tenant_table('privacy_probe')`)
	require.NoError(t, err)
	store := postgres.PrivacyStore{Optional: []string{"privacy_probe", "no_such_table"}}

	tenantID := b.newTenant(t)
	ada := account.New(tenantID, "ada@probe.test", "h", "Ada", []string{"subscriber"}, time.Now())
	bob := account.New(tenantID, "bob@probe.test", "h", "Bob", []string{"subscriber"}, time.Now())
	in := func(fn func(ctx context.Context) error) {
		t.Helper()
		require.NoError(t, b.uow.Do(ctx, ports.TenantScope(tenantID), fn))
	}
	in(func(ctx context.Context) error {
		for _, u := range []account.User{ada, bob} {
			require.NoError(t, postgres.UserStore{}.CreateUser(ctx, u))
		}
		return nil
	})
	_, err = owner.Exec(ctx, `INSERT INTO privacy_probe VALUES ($1, $2, 'Addie', 'pin-hash-secret', 'token-secret'),
		($1, $3, 'Bobby', 'x', 'y')`, tenantID, ada.ID, bob.ID)
	require.NoError(t, err)

	var sections []privacy.Section
	in(func(ctx context.Context) (err error) {
		sections, err = store.PersonalData(ctx, ada.ID)
		return err
	})
	var probe string
	for _, s := range sections {
		require.NotEqual(t, "no_such_table", s.Name)
		if s.Name == "privacy_probe" {
			probe = string(s.Data)
		}
	}
	require.Contains(t, probe, "Addie")
	for _, hidden := range []string{"pin-hash-secret", "token-secret", tenantID, "Bobby"} {
		require.NotContains(t, probe, hidden)
	}
	require.True(t, strings.HasPrefix(probe, "["), probe)

	in(func(ctx context.Context) error { return store.Erase(ctx, ada.ID, ada.Email) })
	var left []string
	rows, err := owner.Query(ctx, `SELECT nickname FROM privacy_probe ORDER BY 1`)
	require.NoError(t, err)
	left, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{"Bobby"}, left, "the person's rows are erased, the other's stay")
}
