package notification

import (
	"context"
	"time"

	"github.com/stvos/stvos/ports"
)

// Deps are what the notification use cases need.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Accounts   Accounts
	Clock      ports.Clock
}

// Service holds the notification use cases: Notify for producers, the rest for the user.
type Service struct{ d Deps }

// NewService returns the notification use cases.
func NewService(d Deps) *Service { return &Service{d: d} }

// now is the clock's time as the store keeps it (microseconds).
func (s *Service) now() time.Time { return s.d.Clock.Now().UTC().Truncate(time.Microsecond) }

// Notify creates the notification n asks for and answers whether it did, inside the caller's unit
// of work when ctx carries one (for n's tenant), so it commits or rolls back with the caller's
// change; otherwise in its own. It creates nothing, without error, when the user opted out of the
// type (see Wanted; mandatory types ignore preferences) or already has a notification with n's
// key. Past MaxPerUser the user's oldest notifications are removed. Input that breaks a rule is
// ErrInvalid naming the fields; an unknown user is ErrNotFound.
func (s *Service) Notify(ctx context.Context, n New) (created bool, err error) {
	now := s.now()
	note, err := n.notification(now)
	if err != nil {
		return false, err
	}
	err = s.d.UnitOfWork.Do(ctx, ports.TenantScope(n.TenantID), func(ctx context.Context) error {
		u, err := s.d.Accounts.ReadUser(ctx, n.UserID)
		if err != nil {
			return err
		}
		if !Wanted(n.Type, u.NotificationPreferences) {
			return nil
		}
		if created, err = s.d.Store.Create(ctx, note); err != nil || !created {
			return err
		}
		_, err = s.d.Store.Trim(ctx, n.UserID, MaxPerUser)
		return err
	})
	if err != nil {
		return false, err
	}
	return created, nil
}

// Page is a page of a user's notifications.
type Page struct {
	Items []Notification
	// More says whether another page follows.
	More bool
	// Unread counts all the user's unread notifications, on every page.
	Unread int
}

// List returns a page of the user's live notifications, newest first, after the notification
// id before (the cursor; empty for the first page), only unread ones when unreadOnly, with the
// count of all the user's unread notifications. A limit out of 1..MaxPageSize is DefaultPageSize.
func (s *Service) List(ctx context.Context, tenantID, userID string, unreadOnly bool, before string, limit int) (Page, error) {
	if before != "" && !ports.IsID(before) {
		return Page{}, ports.Invalid("cursor", "is not a cursor this API returned")
	}
	if limit < 1 || limit > MaxPageSize {
		limit = DefaultPageSize
	}
	var p Page
	now := s.now()
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if p.Items, err = s.d.Store.List(ctx, userID, unreadOnly, now, before, limit+1); err != nil {
			return err
		}
		p.Unread, err = s.d.Store.CountUnread(ctx, userID, now)
		return err
	})
	if err != nil {
		return Page{}, err
	}
	p.Items, p.More = ports.TrimPage(p.Items, limit)
	return p, nil
}

// SetRead marks the user's notification read or unread and answers it. Another user's
// notification, an expired or deleted one, or a malformed id is ErrNotFound.
func (s *Service) SetRead(ctx context.Context, tenantID, userID, id string, read bool) (Notification, error) {
	if !ports.IsID(id) {
		return Notification{}, ports.NotFound("notification")
	}
	now := s.now()
	var at *time.Time
	if read {
		at = &now
	}
	var n Notification
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		n, err = s.d.Store.SetRead(ctx, userID, id, at, now)
		return err
	})
	return n, err
}

// MarkAllRead marks every unread notification of the user read and answers how many.
func (s *Service) MarkAllRead(ctx context.Context, tenantID, userID string) (int, error) {
	var n int
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		n, err = s.d.Store.MarkAllRead(ctx, userID, s.now())
		return err
	})
	return n, err
}

// Delete removes the user's notification. Another user's notification, an expired or deleted
// one, or a malformed id is ErrNotFound.
func (s *Service) Delete(ctx context.Context, tenantID, userID, id string) error {
	if !ports.IsID(id) {
		return ports.NotFound("notification")
	}
	return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		return s.d.Store.Delete(ctx, userID, id, s.now())
	})
}

// Purge removes the tenant's expired notifications and answers how many; the periodic
// maintenance runs it.
func (s *Service) Purge(ctx context.Context, tenantID string) (int, error) {
	var n int
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		n, err = s.d.Store.Purge(ctx, s.now())
		return err
	})
	return n, err
}
