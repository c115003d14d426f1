package privacy

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/mailer"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/ports"
)

// DeletionRequest is what a person gives to have their account erased.
type DeletionRequest struct {
	// Password is the account's current password, confirming the request.
	Password string
	// Reason is why, optional, at most MaxReasonLength characters.
	Reason string
	// SessionID is the session the request comes from: it stays signed in (to cancel the
	// request during the grace period); every other session of the account is revoked.
	SessionID string
	// Address is where the request comes from: wrong passwords count against the sign-in throttle
	// of the account from that address.
	Address string
}

// RequestDeletion schedules the account's erasure DefaultGrace from now. The password must be the
// account's (ErrWrongPassword otherwise, counted as a failed sign-in). In one unit of work it
// records the request, ends the account's subscription at once (ended by deletion, no refund),
// revokes every other session, and emails the date (deletion_scheduled). A second request while
// one is pending is ErrDeletionPending.
func (s *Service) RequestDeletion(ctx context.Context, tenantID string, by audit.Actor, userID string, in DeletionRequest) (Deletion, error) {
	reason := strings.TrimSpace(in.Reason)
	var v ports.Validation
	v.Check(in.Password != "", "password", "is required")
	v.Check(utf8.RuneCountInString(reason) <= MaxReasonLength, "reason", "must be at most 500 characters")
	if err := v.Err(); err != nil {
		return Deletion{}, err
	}
	scope := ports.TenantScope(tenantID)
	var email string
	if err := s.d.UnitOfWork.Read(ctx, scope, func(ctx context.Context) error {
		u, err := s.d.Users.ReadUser(ctx, userID)
		email = u.Email
		return err
	}); err != nil {
		return Deletion{}, err
	}
	now := s.now()
	d := Deletion{ID: ports.NewID(), TenantID: tenantID, UserID: userID, Status: DeletionPending, Reason: reason, RequestedAt: now,
		ScheduledAt: now.Add(s.d.Grace), UpdatedAt: now}
	err := s.d.Passwords.Guess(ctx, tenantID, email, in.Address, func() error {
		return s.d.UnitOfWork.Do(ctx, scope, func(ctx context.Context) error {
			u, err := s.d.Users.User(ctx, userID) // locks the account: its requests queue behind each other
			if err != nil {
				return err
			}
			if err := s.d.Passwords.Check(in.Password, u.PasswordHash, nil); err != nil {
				return err
			}
			if _, err := s.d.Store.LiveDeletion(ctx, userID, true); err == nil {
				return ErrDeletionPending
			} else if !gone(err) {
				return err
			}
			if err := s.d.Store.CreateDeletion(ctx, d); err != nil {
				return err
			}
			if err := s.d.Subscriptions.EndForDeletion(ctx, tenantID, by, userID, reason); err != nil {
				return err
			}
			if err := s.d.Sessions.RevokeAll(ctx, session.KindUser, userID, in.SessionID); err != nil {
				return err
			}
			r := audit.NewRecord(tenantID, by, "privacy.deletion_requested", "user", userID, now)
			r.Details = map[string]any{"request_id": d.ID, "scheduled_at": d.ScheduledAt}
			if err := s.d.Audit.Append(ctx, r); err != nil {
				return err
			}
			return s.d.Mail.Enqueue(ctx, mailer.Message{TenantID: tenantID, ID: "deletion-" + d.ID, Event: mailer.EventDeletionScheduled,
				To: u.Email, Name: u.DisplayName, Language: u.PreferredLanguage, UserID: userID,
				Data: map[string]string{"deletion_date": d.ScheduledAt.Format("2006-01-02")}})
		})
	})
	if errors.Is(err, credential.ErrBadCredentials) {
		return Deletion{}, ErrWrongPassword
	}
	if err != nil {
		return Deletion{}, err
	}
	return d, nil
}

// CancelDeletion withdraws the account's pending deletion during its grace period (audit-logged);
// ErrNoDeletion when none is pending, ErrDeletionUnderway once the grace period is over. A
// subscription it ended stays ended.
func (s *Service) CancelDeletion(ctx context.Context, tenantID string, by audit.Actor, userID string) (Deletion, error) {
	var d Deletion
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if d, err = s.d.Store.LiveDeletion(ctx, userID, true); err != nil {
			if gone(err) {
				return ErrNoDeletion
			}
			return err
		}
		now := s.now()
		if d.Status != DeletionPending || !now.Before(d.ScheduledAt) {
			return ErrDeletionUnderway
		}
		d.Status, d.CanceledAt, d.UpdatedAt = DeletionCanceled, &now, now
		if err := s.d.Store.SaveDeletion(ctx, d); err != nil {
			return err
		}
		r := audit.NewRecord(tenantID, by, "privacy.deletion_canceled", "user", userID, now)
		r.Details = map[string]any{"request_id": d.ID}
		return s.d.Audit.Append(ctx, r)
	})
	return d, err
}

// SweepDeletions enqueues one privacy.erase job per deletion request of any tenant that is due
// (one waiting per request); it answers how many it found. The periodic privacy sweep runs it.
func (s *Service) SweepDeletions(ctx context.Context, limit int) (int, error) {
	var n int
	err := s.d.UnitOfWork.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		due, err := s.d.Store.DueDeletions(ctx, s.now(), limit)
		if err != nil {
			return err
		}
		for _, j := range due {
			if err := s.d.Jobs.Enqueue(ctx, j); err != nil {
				return err
			}
		}
		n = len(due)
		return nil
	})
	return n, err
}

// Erase is the privacy.erase job: it erases the account of a deletion request whose grace period
// is over. First the request is marked erasing (from then on it cannot be canceled); then the
// stored files (avatar, export archives) are deleted; then, in one unit of work, the subscription
// is ended if one was started meanwhile, the payment methods are detached at their gateways, every
// session is revoked, the data is erased (Records.Erase: invoices stay, anonymised) and the
// request is marked completed with its reason emptied. Each step may run again: a request canceled
// in time, completed, or not due yet is left alone, and the blob store and gateways ignore what is
// gone already.
func (s *Service) Erase(ctx context.Context, tenantID, requestID string) error {
	scope := ports.TenantScope(tenantID)
	var (
		d       Deletion
		u       account.User
		exports []Export
	)
	err := s.d.UnitOfWork.Do(ctx, scope, func(ctx context.Context) (err error) {
		if d, err = s.d.Store.Deletion(ctx, requestID, true); err != nil {
			return err
		}
		switch {
		case d.Status == DeletionPending && !s.now().Before(d.ScheduledAt):
			d.Status, d.UpdatedAt = DeletionErasing, s.now()
			if err := s.d.Store.SaveDeletion(ctx, d); err != nil {
				return err
			}
		case d.Status != DeletionErasing:
			return nil
		}
		if u, err = s.d.Users.ReadUser(ctx, d.UserID); gone(err) {
			u, err = account.User{}, nil // erased already: only the request is left to complete
		}
		if err != nil {
			return err
		}
		exports, err = s.d.Store.UserExports(ctx, d.UserID)
		return err
	})
	if gone(err) {
		return nil // no such request
	}
	if err != nil || d.Status != DeletionErasing {
		return err
	}
	var keys []string
	if key, ok := strings.CutPrefix(u.AvatarURL, account.MediaPrefix); ok {
		keys = append(keys, key)
	}
	for _, e := range exports {
		keys = append(keys, archiveKey(e))
	}
	for _, key := range keys {
		if err := s.d.Blobs.Delete(ctx, key); err != nil && !gone(err) {
			return err
		}
	}
	return s.d.UnitOfWork.Do(ctx, scope, func(ctx context.Context) error {
		d, err := s.d.Store.Deletion(ctx, requestID, true)
		if err != nil || d.Status != DeletionErasing {
			return err
		}
		if u.ID != "" {
			if err := s.eraseAccount(ctx, tenantID, u); err != nil {
				return err
			}
		}
		now := s.now()
		d.Status, d.CompletedAt, d.Reason, d.UpdatedAt = DeletionCompleted, &now, "", now
		if err := s.d.Store.SaveDeletion(ctx, d); err != nil {
			return err
		}
		r := audit.NewRecord(tenantID, System, "privacy.account_erased", "user", d.UserID, now)
		r.Details = map[string]any{"request_id": d.ID}
		return s.d.Audit.Append(ctx, r)
	})
}

// eraseAccount erases one account in the unit of work in ctx. The user row is locked first: a
// sign-in that has not saved it yet waits, then finds it gone and opens no session; one that has
// commits its session first, which the erasure then deletes.
func (s *Service) eraseAccount(ctx context.Context, tenantID string, u account.User) error {
	if _, err := s.d.Users.User(ctx, u.ID); gone(err) {
		return s.d.Store.Erase(ctx, u.ID, u.Email) // gone meanwhile: erase whatever is left
	} else if err != nil {
		return err
	}
	if err := s.d.Subscriptions.EndForDeletion(ctx, tenantID, System, u.ID, ""); err != nil {
		return err
	}
	methods, err := s.d.Methods.List(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, m := range methods {
		gw, err := s.d.Gateways.Named(m.Gateway)
		if err != nil {
			return err
		}
		if err := gw.DetachMethod(ctx, tenantID, m.CustomerID, m.GatewayID); err != nil && !gone(err) {
			return err
		}
	}
	if err := s.d.Sessions.RevokeAll(ctx, session.KindUser, u.ID, ""); err != nil {
		return err
	}
	return s.d.Store.Erase(ctx, u.ID, u.Email)
}
