package privacy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/mailer"
	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/ports"
)

func TestDeletionRequestIsConfirmedAndValidated(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	me := audit.Actor{Kind: "user", ID: e.ada.ID}
	for name, c := range map[string]struct {
		in    DeletionRequest
		field string
	}{
		"no password":   {DeletionRequest{}, "password"},
		"a long reason": {DeletionRequest{Password: password, Reason: strings.Repeat("é", 501)}, "reason"},
	} {
		_, err := e.svc.RequestDeletion(ctx, e.tenant, me, e.ada.ID, c.in)
		require.ErrorIs(t, err, ports.ErrInvalid, name)
		require.Equal(t, c.field, ports.AsError(err).Fields[0].Field, name)
	}
	_, err := e.svc.RequestDeletion(ctx, e.tenant, me, e.ada.ID, DeletionRequest{Password: "not it", SessionID: "s1"})
	require.ErrorIs(t, err, ErrWrongPassword)
	require.ErrorIs(t, err, ports.ErrForbidden)
	require.Empty(t, e.store.deletions, "nothing scheduled")
	require.Empty(t, e.rec.calls, "nothing ended or revoked")
	require.Empty(t, e.rec.mails)

	// 500 characters (not bytes) is the most a reason may be; it is trimmed.
	d, err := e.svc.RequestDeletion(ctx, e.tenant, me, e.ada.ID, DeletionRequest{Password: password,
		Reason: "  " + strings.Repeat("é", 500) + " ", SessionID: "s1"})
	require.NoError(t, err)
	require.Equal(t, strings.Repeat("é", 500), d.Reason)
}

func TestDeletionLife(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	me := audit.Actor{Kind: "user", ID: e.ada.ID}
	start := e.clock.Now()
	e.store.methods[e.ada.ID] = []payment.Method{{ID: "m1", UserID: e.ada.ID, Gateway: "sandbox", CustomerID: "cus_1", GatewayID: "pm_1"}}
	ask := func() (Deletion, error) {
		return e.svc.RequestDeletion(ctx, e.tenant, me, e.ada.ID, DeletionRequest{Password: password, Reason: "moving on", SessionID: "s1"})
	}

	// Scheduled 30 days on: the subscription ends now, the other sessions are signed out, the
	// date is emailed.
	d, err := ask()
	require.NoError(t, err)
	require.Equal(t, DeletionPending, d.Status)
	require.Equal(t, start.Add(30*24*time.Hour), d.ScheduledAt)
	require.Equal(t, []string{"end " + e.ada.ID + " by user moving on"}, e.calls("end"))
	require.Equal(t, []string{"revoke user " + e.ada.ID + " keep s1"}, e.calls("revoke"))
	require.Len(t, e.rec.mails, 1)
	require.Equal(t, mailer.EventDeletionScheduled, e.rec.mails[0].Event)
	require.Equal(t, d.ScheduledAt.Format("2006-01-02"), e.rec.mails[0].Data["deletion_date"])
	require.Contains(t, e.store.audits, "privacy.deletion_requested "+e.ada.ID)
	_, err = ask()
	require.ErrorIs(t, err, ErrDeletionPending)

	// Canceled during the grace period; a second cancel finds none.
	e.clock.advance(24 * time.Hour)
	c, err := e.svc.CancelDeletion(ctx, e.tenant, me, e.ada.ID)
	require.NoError(t, err)
	require.Equal(t, DeletionCanceled, c.Status)
	require.Contains(t, e.store.audits, "privacy.deletion_canceled "+e.ada.ID)
	_, err = e.svc.CancelDeletion(ctx, e.tenant, me, e.ada.ID)
	require.ErrorIs(t, err, ErrNoDeletion)
	n, err := e.svc.SweepDeletions(ctx, 10)
	require.NoError(t, err)
	require.Zero(t, n)
	require.NoError(t, e.svc.Erase(ctx, e.tenant, d.ID), "a canceled request erases nothing")
	require.Contains(t, e.store.users, e.ada.ID)

	// Asked again; before its time nothing is due and the job does nothing.
	d, err = ask()
	require.NoError(t, err)
	require.NoError(t, e.svc.Erase(ctx, e.tenant, d.ID))
	require.Contains(t, e.store.users, e.ada.ID, "not due yet")
	n, err = e.svc.SweepDeletions(ctx, 10)
	require.NoError(t, err)
	require.Zero(t, n)

	// An export the person asked for meanwhile goes with the account.
	ex, err := e.svc.RequestExport(ctx, e.tenant, me, e.ada.ID)
	require.NoError(t, err)
	require.NoError(t, e.svc.BuildExport(ctx, e.tenant, ex.ID))
	require.Len(t, e.blobs.keys(), 2, "the avatar and the archive")

	// Thirty days on the sweep finds it; past its time it can no longer be canceled.
	e.clock.advance(30 * 24 * time.Hour)
	n, err = e.svc.SweepDeletions(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Contains(t, e.rec.jobs, ports.Job(EraseJob{TenantID: e.tenant, RequestID: d.ID}))
	_, err = e.svc.CancelDeletion(ctx, e.tenant, me, e.ada.ID)
	require.ErrorIs(t, err, ErrDeletionUnderway)

	// Erased: files deleted, cards detached at their gateway, sessions revoked, the data erased,
	// the request completed with its reason emptied.
	require.NoError(t, e.svc.Erase(ctx, e.tenant, d.ID))
	require.Empty(t, e.blobs.keys())
	require.Equal(t, []string{"detach cus_1/pm_1"}, e.calls("detach"))
	require.Equal(t, []string{"revoke user " + e.ada.ID + " keep s1", "revoke user " + e.ada.ID + " keep s1",
		"revoke user " + e.ada.ID + " keep "}, e.calls("revoke"))
	require.Equal(t, []string{e.ada.ID + "/" + e.ada.Email}, e.store.erased)
	require.NotContains(t, e.store.users, e.ada.ID)
	done := e.store.deletions[d.ID]
	require.Equal(t, DeletionCompleted, done.Status)
	require.Empty(t, done.Reason)
	require.NotNil(t, done.CompletedAt)
	require.Contains(t, e.store.audits, "privacy.account_erased "+e.ada.ID)

	// Safe to run twice: nothing more happens.
	require.NoError(t, e.svc.Erase(ctx, e.tenant, d.ID))
	require.Len(t, e.calls("detach"), 1)
	require.Len(t, e.store.erased, 1)
	n, err = e.svc.SweepDeletions(ctx, 10)
	require.NoError(t, err)
	require.Zero(t, n)
	require.NoError(t, e.svc.Erase(ctx, e.tenant, ports.NewID()), "an unknown request is nothing to do")
}

// TestEraseResumes picks up an erasure that stopped after it began: the request is erasing and
// the account already gone; the job completes the request.
func TestEraseResumes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	d, err := e.svc.RequestDeletion(ctx, e.tenant, audit.Actor{Kind: "user", ID: e.ada.ID}, e.ada.ID,
		DeletionRequest{Password: password, SessionID: "s1"})
	require.NoError(t, err)
	e.clock.advance(31 * 24 * time.Hour)
	d.Status = DeletionErasing
	e.store.deletions[d.ID] = d
	delete(e.store.users, e.ada.ID)
	n, err := e.svc.SweepDeletions(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, 1, n, "an erasing request is still due")
	require.NoError(t, e.svc.Erase(ctx, e.tenant, d.ID))
	require.Equal(t, DeletionCompleted, e.store.deletions[d.ID].Status)
	require.Empty(t, e.store.erased, "nothing left to erase")
}
