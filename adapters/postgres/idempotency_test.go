package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/contract"
)

// idempotencyEnv gives the idempotency suite its store and, as the operation's effect, audit
// records (an id written twice breaks the primary key).
func idempotencyEnv(t *testing.T) (contract.IdempotencyEnv, *postgres.IdempotencyStore) {
	b := setup(t)
	const action = "contract.effect"
	env := contract.IdempotencyEnv{Tenants: b.tenants(),
		Effect: func(ctx context.Context, tenantID, id string) error {
			return b.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
				return postgres.AuditStore{}.Append(ctx, audit.Record{ID: id, TenantID: tenantID, ActorKind: "user", ActorID: "u",
					Action: action, TargetKind: "charge", TargetID: id, Details: map[string]any{}, CreatedAt: time.Now()})
			})
		},
		Effects: func(t *testing.T, tenantID string) int {
			var n int
			require.NoError(t, b.uow.Read(context.Background(), ports.TenantScope(tenantID), func(ctx context.Context) error {
				rs, err := postgres.AuditStore{}.List(ctx, tenantID, audit.Filter{Action: action}, "", 1000)
				n = len(rs)
				return err
			}))
			return n
		},
	}
	return env, postgres.NewIdempotencyStore(b.uow)
}
