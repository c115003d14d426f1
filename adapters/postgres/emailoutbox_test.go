package postgres_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/email/outbox"
	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/contract"
)

// TestEmailOutboxContract runs the email suite against the outbox over the table email_outbox.
func TestEmailOutboxContract(t *testing.T) {
	t.Parallel()
	b := setup(t)
	box := outbox.New(b.uow, postgres.EmailOutbox{}, ports.SystemClock{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	contract.Email(t, contract.EmailEnv{
		New:       func(*testing.T) ports.Email { return box },
		NewTenant: b.newTenant,
		Delivered: func(t *testing.T, tenantID, id string) contract.Delivered {
			k, err := box.Get(context.Background(), tenantID, id)
			require.NoError(t, err)
			return contract.Delivered{From: k.From, ReplyTo: k.ReplyTo, To: k.To, Subject: k.Subject, Text: k.Text,
				HTML: k.HTML, Header: func(name string) string {
					if name == ports.ReferenceHeader {
						return k.ID
					}
					return k.Headers[name]
				}}
		},
	})
}

// TestEmailOutboxCrossTenant proves one tenant's outbox is invisible to another, and that a
// tenant that does not exist cannot be written for (a permanent refusal: no retry mends it).
func TestEmailOutboxCrossTenant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	box := outbox.New(b.uow, postgres.EmailOutbox{}, ports.SystemClock{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	a, other := b.newTenant(t), b.newTenant(t)
	m := ports.EmailMessage{ID: "welcome-" + ports.NewID(), From: "no-reply@a.stvos.test", To: []string{"x@m.stvos.test"},
		Subject: "Welcome", Text: "Hi"}
	require.NoError(t, box.Send(ctx, a, m))
	_, err := box.Get(ctx, a, m.ID)
	require.NoError(t, err)
	_, err = box.Get(ctx, other, m.ID)
	require.ErrorIs(t, err, ports.ErrNotFound)

	var n int
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM email_outbox WHERE id = $1`, m.ID).Scan(&n))
	require.Zero(t, n, "a query bound to no tenant sees no outbox row")

	err = box.Send(ctx, ports.NewID(), m)
	require.ErrorIs(t, err, ports.ErrEmailRejected)
}
