package subscription

import (
	"context"
	"errors"

	"github.com/stvos/stvos/ports"
)

// Limits answers, from the store alone, what an account's subscription allows: whether it has one
// that renews (payment.Subscriptions), and how many streams and profiles its plan gives. It
// depends on nothing but the store, so that the contexts it answers (payments, playback,
// profiles) can be used by the subscription use cases without a cycle.
type Limits struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	// DefaultStreams and DefaultProfiles are the limits of accounts without a subscription that
	// gives its plan's benefits now (members who joined with a partner's voucher, say).
	DefaultStreams  int
	DefaultProfiles int
}

// HasActive reports whether the account has a subscription that has not ended and is not set to
// end: one that renews with its payment method.
func (l Limits) HasActive(ctx context.Context, tenantID, userID string) (bool, error) {
	var live bool
	err := l.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		sub, err := l.Store.Current(ctx, userID, false)
		if errors.Is(err, ports.ErrNotFound) {
			return nil
		}
		live = err == nil && sub.Live() && !sub.CancelAtPeriodEnd
		return err
	})
	return live, err
}

// MaxStreams answers how many streams the account may watch at once: its plan's while the
// subscription gives the plan's benefits (trialing, active, past due), else the default.
func (l Limits) MaxStreams(ctx context.Context, tenantID, userID string) (int, error) {
	sub, err := l.entitled(ctx, tenantID, userID)
	if err != nil || sub == nil {
		return l.DefaultStreams, err
	}
	return sub.MaxConcurrentStreams, nil
}

// MaxProfiles answers how many profiles the account may have, as MaxStreams does streams.
func (l Limits) MaxProfiles(ctx context.Context, tenantID, userID string) (int, error) {
	sub, err := l.entitled(ctx, tenantID, userID)
	if err != nil || sub == nil {
		return l.DefaultProfiles, err
	}
	return sub.MaxProfiles, nil
}

func (l Limits) entitled(ctx context.Context, tenantID, userID string) (*Subscription, error) {
	var out *Subscription
	err := l.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		sub, err := l.Store.Current(ctx, userID, false)
		if errors.Is(err, ports.ErrNotFound) {
			return nil
		}
		if err == nil && sub.Entitled() {
			out = &sub
		}
		return err
	})
	return out, err
}
