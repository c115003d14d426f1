package contract

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/invoice"
	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/core/privacy"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// PrivacyEnv is what the privacy suite needs besides the store: tenants, and the stores of the
// contexts a person's data lives in, to write some of it the way those contexts do.
type PrivacyEnv struct {
	Tenants
	Users    account.Store
	Methods  payment.Store
	Invoices invoice.Store
	Sessions session.Store
	Audit    audit.Store
}

// Privacy checks a privacy.Store: exports and deletion requests stored and read back exactly, one
// live export and one live deletion per account (ErrExportInProgress, ErrDeletionPending), the
// latest export, expired exports, due deletions across tenants in the platform scope; a person's
// data read whole without secrets and never another's; the erasure, which removes the account
// and its data but keeps its invoices anonymised, and may run twice; and a cross-tenant section.
func Privacy(t *testing.T, env PrivacyEnv, store privacy.Store) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	newUser := func(t *testing.T, tenantID, email string) account.User {
		u := account.New(tenantID, email, "argon2-hash-of-"+email, "Person "+email, []string{"subscriber"}, now)
		env.in(t, tenantID, func(ctx context.Context) error { return env.Users.CreateUser(ctx, u) })
		return u
	}
	newExport := func(u account.User, status string, at time.Time) privacy.Export {
		return privacy.Export{ID: ports.NewID(), TenantID: u.TenantID, UserID: u.ID, Status: status, RequestedAt: at, UpdatedAt: at}
	}
	newDeletion := func(u account.User, at time.Time) privacy.Deletion {
		return privacy.Deletion{ID: ports.NewID(), TenantID: u.TenantID, UserID: u.ID, Status: privacy.DeletionPending, Reason: "bye",
			RequestedAt: at, ScheduledAt: at.Add(privacy.DefaultGrace), UpdatedAt: at}
	}

	t.Run("exports", func(t *testing.T) {
		a := env.New(t)
		ada, bob := newUser(t, a, "ada@privacy.test"), newUser(t, a, "bob@privacy.test")
		first := newExport(ada, privacy.ExportPending, now)
		env.in(t, a, func(ctx context.Context) error {
			_, err := store.LatestExport(ctx, ada.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			require.NoError(t, store.CreateExport(ctx, first))
			got, err := store.Export(ctx, first.ID, true)
			require.NoError(t, err)
			require.Equal(t, first, got)
			return nil
		})
		err := env.try(a, func(ctx context.Context) error {
			return store.CreateExport(ctx, newExport(ada, privacy.ExportPending, now))
		})
		require.ErrorIs(t, err, privacy.ErrExportInProgress, "one live export per account")
		env.in(t, a, func(ctx context.Context) error {
			return store.CreateExport(ctx, newExport(bob, privacy.ExportPending, now))
		})

		// Processing is live too; ready is not, and keeps its archive and times.
		first.Status = privacy.ExportProcessing
		env.in(t, a, func(ctx context.Context) error { return store.SaveExport(ctx, first) })
		err = env.try(a, func(ctx context.Context) error {
			return store.CreateExport(ctx, newExport(ada, privacy.ExportPending, now))
		})
		require.ErrorIs(t, err, privacy.ErrExportInProgress)
		ready, expires := now.Add(time.Minute), now.Add(time.Minute+24*time.Hour).Truncate(time.Second)
		first.Status, first.BlobKey, first.Size, first.ReadyAt, first.ExpiresAt, first.UpdatedAt =
			privacy.ExportReady, "exports/"+a+"/"+first.ID+".zip", 1234, &ready, &expires, ready
		second := newExport(ada, privacy.ExportPending, now.Add(time.Hour))
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.SaveExport(ctx, first))
			got, err := store.Export(ctx, first.ID, false)
			require.NoError(t, err)
			require.Equal(t, first, got)
			require.NoError(t, store.CreateExport(ctx, second), "a ready export does not block a new one")
			latest, err := store.LatestExport(ctx, ada.ID)
			require.NoError(t, err)
			require.Equal(t, second, latest)
			all, err := store.UserExports(ctx, ada.ID)
			require.NoError(t, err)
			require.Equal(t, []privacy.Export{second, first}, all, "newest first, the account's only")
			require.ErrorIs(t, store.SaveExport(ctx, newExport(ada, privacy.ExportFailed, now)), ports.ErrNotFound)
			_, err = store.Export(ctx, ports.NewID(), false)
			require.ErrorIs(t, err, ports.ErrNotFound)

			// Expired: ready exports whose link expired at or before the time, earliest first.
			due, err := store.ExpiredExports(ctx, expires.Add(-time.Second), 10)
			require.NoError(t, err)
			require.Empty(t, due)
			due, err = store.ExpiredExports(ctx, expires, 10)
			require.NoError(t, err)
			require.Equal(t, []privacy.Export{first}, due)
			return nil
		})
	})

	t.Run("deletions", func(t *testing.T) {
		a, b := env.New(t), env.New(t)
		ada, bea := newUser(t, a, "ada@privacy.test"), newUser(t, b, "bea@privacy.test")
		d := newDeletion(ada, now.Add(-privacy.DefaultGrace-time.Hour))
		env.in(t, a, func(ctx context.Context) error {
			_, err := store.LiveDeletion(ctx, ada.ID, false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			require.NoError(t, store.CreateDeletion(ctx, d))
			for _, read := range []func() (privacy.Deletion, error){
				func() (privacy.Deletion, error) { return store.LiveDeletion(ctx, ada.ID, true) },
				func() (privacy.Deletion, error) { return store.Deletion(ctx, d.ID, true) },
			} {
				got, err := read()
				require.NoError(t, err)
				require.Equal(t, d, got)
			}
			return nil
		})
		err := env.try(a, func(ctx context.Context) error { return store.CreateDeletion(ctx, newDeletion(ada, now)) })
		require.ErrorIs(t, err, privacy.ErrDeletionPending, "one live request per account")

		// Due across tenants in the platform scope, the earliest first, as jobs.
		later := newDeletion(bea, now.Add(-privacy.DefaultGrace))
		env.in(t, b, func(ctx context.Context) error { return store.CreateDeletion(ctx, later) })
		env.platform(t, func(ctx context.Context) error {
			due, err := store.DueDeletions(ctx, now, 1000)
			require.NoError(t, err)
			var mine []privacy.EraseJob
			for _, j := range due {
				if j.TenantID == a || j.TenantID == b {
					mine = append(mine, j)
				}
			}
			require.Equal(t, []privacy.EraseJob{{TenantID: a, RequestID: d.ID}, {TenantID: b, RequestID: later.ID}}, mine)
			due, err = store.DueDeletions(ctx, now.Add(-privacy.DefaultGrace-2*time.Hour), 1000)
			require.NoError(t, err)
			for _, j := range due {
				require.NotEqual(t, d.ID, j.RequestID, "not due before its time")
			}
			return nil
		})

		// Erasing is still live and due; canceled and completed are not.
		d.Status = privacy.DeletionErasing
		env.in(t, a, func(ctx context.Context) error { return store.SaveDeletion(ctx, d) })
		env.platform(t, func(ctx context.Context) error {
			due, err := store.DueDeletions(ctx, now, 1000)
			require.NoError(t, err)
			require.Contains(t, due, privacy.EraseJob{TenantID: a, RequestID: d.ID})
			return nil
		})
		done := now.Add(time.Minute)
		d.Status, d.Reason, d.CompletedAt, d.UpdatedAt = privacy.DeletionCompleted, "", &done, done
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.SaveDeletion(ctx, d))
			got, err := store.Deletion(ctx, d.ID, false)
			require.NoError(t, err)
			require.Equal(t, d, got)
			_, err = store.LiveDeletion(ctx, ada.ID, false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			require.NoError(t, store.CreateDeletion(ctx, newDeletion(ada, now)), "a finished request does not block a new one")
			require.ErrorIs(t, store.SaveDeletion(ctx, newDeletion(ada, now)), ports.ErrNotFound)
			return nil
		})
		env.platform(t, func(ctx context.Context) error {
			due, err := store.DueDeletions(ctx, now, 1000)
			require.NoError(t, err)
			require.NotContains(t, due, privacy.EraseJob{TenantID: a, RequestID: d.ID})
			return nil
		})
	})

	t.Run("personal data and erasure", func(t *testing.T) {
		a := env.New(t)
		ada, bob := newUser(t, a, "ada@privacy.test"), newUser(t, a, "bob@privacy.test")
		personal := func(u account.User) (payment.Method, invoice.Invoice, session.Session) {
			m := payment.Method{ID: ports.NewID(), TenantID: a, UserID: u.ID, Gateway: "sandbox", CustomerID: "cus_secret_" + u.ID[24:],
				GatewayID: "pm_secret_" + u.ID[24:], Type: payment.TypeCard, Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2031,
				IsDefault: true, CreatedAt: now, UpdatedAt: now}
			inv := invoice.Invoice{ID: ports.NewID(), TenantID: a, Number: "INV-2026-" + u.ID[24:], UserID: u.ID, Status: invoice.StatusPaid,
				BillingReason: invoice.ReasonCreate, Currency: "USD", Digits: 2, Subtotal: 999, Total: 999, Paid: 999,
				Lines:   []invoice.Line{{Kind: invoice.LineSubscription, Description: "Basic, monthly", Quantity: 1, Unit: 999, Amount: 999}},
				DueDate: now, PaidAt: &now, CustomerName: u.DisplayName, CustomerEmail: u.Email, CreatedAt: now, UpdatedAt: now}
			s := session.Session{ID: ports.NewID(), TenantID: a, SubjectKind: session.KindUser, SubjectID: u.ID, RefreshHash: []byte("refresh-hash"),
				Device: "Phone of " + u.Email, Address: "192.0.2.1", CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(time.Hour)}
			env.in(t, a, func(ctx context.Context) error {
				require.NoError(t, env.Methods.Create(ctx, m))
				require.NoError(t, env.Invoices.Create(ctx, inv))
				require.NoError(t, env.Sessions.CreateSession(ctx, s))
				r := audit.NewRecord(a, audit.Actor{Kind: "user", ID: u.ID}, "payment_method.added", "payment_method", m.ID, now)
				r.Details = map[string]any{"user_id": u.ID}
				return env.Audit.Append(ctx, r)
			})
			return m, inv, s
		}
		m, inv, sess := personal(ada)
		_, bobInv, bobSess := personal(bob)
		ex := newExport(ada, privacy.ExportPending, now)
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.CreateExport(ctx, ex))
			return store.CreateDeletion(ctx, newDeletion(ada, now))
		})

		var sections []privacy.Section
		require.NoError(t, env.UnitOfWork.Read(context.Background(), ports.TenantScope(a), func(ctx context.Context) (err error) {
			sections, err = store.PersonalData(ctx, ada.ID)
			return err
		}))
		byName := map[string]string{}
		for _, s := range sections {
			require.True(t, json.Valid(s.Data), "%s is JSON: %s", s.Name, s.Data)
			byName[s.Name] = string(s.Data)
		}
		for _, name := range privacy.Sections {
			require.Contains(t, byName, name)
		}
		all := strings.Join(func() []string {
			var out []string
			for _, s := range sections {
				out = append(out, string(s.Data))
			}
			return out
		}(), "\n")
		require.Contains(t, byName["account"], ada.Email)
		require.Contains(t, byName["invoices"], inv.Number)
		require.Contains(t, byName["invoices"], "Basic, monthly", "with their lines")
		require.Contains(t, byName["invoices"], "9.99", "amounts exact, in major units")
		require.Contains(t, byName["payment_methods"], "4242")
		require.Contains(t, byName["sessions"], sess.Device)
		require.Contains(t, byName["audit_log"], "payment_method.added")
		require.Contains(t, byName["privacy_requests"], ex.ID)
		require.Contains(t, byName["privacy_requests"], "bye")
		for _, secret := range []string{ada.PasswordHash, m.CustomerID, m.GatewayID, "refresh_hash", "password"} {
			require.NotContains(t, all, secret, "no secret in the archive")
		}
		for _, other := range []string{bob.Email, bobInv.Number, bobSess.Device, bob.ID} {
			require.NotContains(t, all, other, "nothing of another person")
		}

		// Erased: the account and what is the person's go, the invoice stays anonymised; twice is
		// harmless; the other person keeps everything.
		for range 2 {
			env.in(t, a, func(ctx context.Context) error { return store.Erase(ctx, ada.ID, ada.Email) })
		}
		env.in(t, a, func(ctx context.Context) error {
			_, err := env.Users.ReadUser(ctx, ada.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			ms, err := env.Methods.List(ctx, ada.ID)
			require.NoError(t, err)
			require.Empty(t, ms)
			_, err = env.Sessions.Session(ctx, sess.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = store.Export(ctx, ex.ID, false)
			require.ErrorIs(t, err, ports.ErrNotFound, "exports go with the account")
			kept, err := env.Invoices.Get(ctx, "", inv.ID, false)
			require.NoError(t, err)
			require.Equal(t, privacy.DeletedName, kept.CustomerName)
			require.Empty(t, kept.CustomerEmail)
			require.Equal(t, inv.Number, kept.Number)
			require.Equal(t, inv.Total, kept.Total)
			require.Len(t, kept.Lines, 1)
			_, err = store.LiveDeletion(ctx, ada.ID, false)
			require.NoError(t, err, "the request outlives the account")

			_, err = env.Users.ReadUser(ctx, bob.ID)
			require.NoError(t, err)
			ms, err = env.Methods.List(ctx, bob.ID)
			require.NoError(t, err)
			require.Len(t, ms, 1)
			_, err = env.Sessions.Session(ctx, bobSess.ID)
			require.NoError(t, err)
			got, err := env.Invoices.Get(ctx, "", bobInv.ID, false)
			require.NoError(t, err)
			require.Equal(t, bob.Email, got.CustomerEmail)
			return nil
		})
	})

	t.Run("cross-tenant", func(t *testing.T) {
		a, b := env.New(t), env.New(t)
		ada := newUser(t, a, "ada@privacy.test")
		ex := newExport(ada, privacy.ExportReady, now)
		ready := now.Add(-48 * time.Hour)
		ex.ReadyAt, ex.ExpiresAt, ex.BlobKey = &ready, &ready, "exports/x.zip"
		d := newDeletion(ada, now)
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.CreateExport(ctx, ex))
			return store.CreateDeletion(ctx, d)
		})
		env.in(t, b, func(ctx context.Context) error {
			_, err := store.Export(ctx, ex.ID, false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = store.LatestExport(ctx, ada.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			es, err := store.UserExports(ctx, ada.ID)
			require.NoError(t, err)
			require.Empty(t, es)
			es, err = store.ExpiredExports(ctx, now, 100)
			require.NoError(t, err)
			require.Empty(t, es)
			require.ErrorIs(t, store.SaveExport(ctx, ex), ports.ErrNotFound)
			_, err = store.Deletion(ctx, d.ID, false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			_, err = store.LiveDeletion(ctx, ada.ID, false)
			require.ErrorIs(t, err, ports.ErrNotFound)
			require.ErrorIs(t, store.SaveDeletion(ctx, d), ports.ErrNotFound)
			sections, err := store.PersonalData(ctx, ada.ID)
			require.NoError(t, err)
			for _, s := range sections {
				require.NotContains(t, string(s.Data), ada.Email, s.Name)
			}
			return store.Erase(ctx, ada.ID, ada.Email)
		})
		err := env.try(b, func(ctx context.Context) error {
			e := newExport(ada, privacy.ExportPending, now)
			e.TenantID = a
			return store.CreateExport(ctx, e)
		})
		require.Error(t, err, "B cannot write an export into A")
		env.in(t, a, func(ctx context.Context) error {
			_, err := env.Users.ReadUser(ctx, ada.ID)
			require.NoError(t, err, "B's erasure reached nothing of A")
			_, err = store.Export(ctx, ex.ID, false)
			require.NoError(t, err)
			return nil
		})
	})
}
