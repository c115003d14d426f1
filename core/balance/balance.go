// Package balance is a subscriber's account balance: credit the account holds, in one or more
// currencies, kept as a ledger of signed entries (a gift card redeemed or a refund credits it, an
// invoice paid from it debits it). The balance in a currency is the sum of its entries and never
// goes below zero: debits take at most what is there, under a lock on the account's balance.
package balance

import (
	"context"
	"errors"
	"time"

	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/ports"
)

// Why an entry was made.
const (
	ReasonGiftCard   = "gift_card"
	ReasonRefund     = "refund"
	ReasonInvoice    = "invoice"
	ReasonAdjustment = "adjustment"
	// ReasonProration: a change of plan credited more than it charged.
	ReasonProration = "proration"
)

// Entry is one change of an account's balance.
type Entry struct {
	ID       string
	TenantID string
	UserID   string
	// Amount is signed: positive credits the balance, negative debits it.
	Amount money.Amount
	// Reason is one of the Reason constants; Reference names what caused it (a gift card's or an
	// invoice's id).
	Reason    string
	Reference string
	CreatedAt time.Time
}

// Store keeps the ledger, in the tenant's unit of work. It returns no error kinds of its own
// beyond ports.ErrNotFound (REFERENCE_NOT_FOUND) for an entry of a user the tenant does not have.
type Store interface {
	// Lock holds the user's balance until the unit of work ends, so that a sum read after it
	// stays current while an entry that depends on it is appended.
	Lock(ctx context.Context, userID string) error
	// Append adds an entry.
	Append(ctx context.Context, e Entry) error
	// Balances answers the user's balances that are not zero, one per currency, in currency
	// order; Digits is that of the currency's entries.
	Balances(ctx context.Context, userID string) ([]money.Amount, error)
}

// Service holds the balance use cases.
type Service struct {
	uow   ports.UnitOfWork
	store Store
	clock ports.Clock
}

// NewService returns the balance use cases.
func NewService(uow ports.UnitOfWork, store Store, clock ports.Clock) *Service {
	return &Service{uow: uow, store: store, clock: clock}
}

// Balances answers the user's balances that are not zero, in currency order.
func (s *Service) Balances(ctx context.Context, tenantID, userID string) ([]money.Amount, error) {
	var out []money.Amount
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		out, err = s.store.Balances(ctx, userID)
		return err
	})
	return out, err
}

// ErrOtherCurrency is CreditSole's refusal: the balance is not zero in another currency.
var ErrOtherCurrency = errors.New("balance: the account holds a balance in another currency")

// Credit adds a positive amount to the user's balance, inside the caller's unit of work when
// there is one (a refund), and answers the balance in that currency.
func (s *Service) Credit(ctx context.Context, tenantID, userID string, a money.Amount, reason, reference string) (money.Amount, error) {
	return s.credit(ctx, tenantID, userID, a, reason, reference, false)
}

// CreditSole credits as Credit does, only while the user's balance is zero in every other
// currency, so that it keeps one currency (the gift card redemption); otherwise it answers
// ErrOtherCurrency and writes nothing. The check and the credit hold the balance's lock.
func (s *Service) CreditSole(ctx context.Context, tenantID, userID string, a money.Amount, reason, reference string) (money.Amount, error) {
	return s.credit(ctx, tenantID, userID, a, reason, reference, true)
}

func (s *Service) credit(ctx context.Context, tenantID, userID string, a money.Amount, reason, reference string,
	sole bool) (money.Amount, error) {
	if a.Minor <= 0 {
		return money.Amount{}, ports.Invalid("amount", "must be above zero")
	}
	var after money.Amount
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.store.Lock(ctx, userID); err != nil {
			return err
		}
		if sole {
			held, err := s.store.Balances(ctx, userID)
			if err != nil {
				return err
			}
			for _, b := range held {
				if b.Currency != a.Currency {
					return ErrOtherCurrency
				}
			}
		}
		if err := s.store.Append(ctx, s.entry(tenantID, userID, a, reason, reference)); err != nil {
			return err
		}
		var err error
		after, err = s.in(ctx, userID, a)
		return err
	})
	return after, err
}

// Apply pays up to due (an invoice's amount due) from the user's balance in due's currency,
// inside the caller's unit of work when there is one, so the debit commits with the invoice or
// not at all: it debits min(balance, due), never leaving the balance below zero whatever runs
// concurrently, and answers the amount applied (zero in due's currency when the balance is
// empty). reference names the invoice.
func (s *Service) Apply(ctx context.Context, tenantID, userID string, due money.Amount, reference string) (money.Amount, error) {
	if due.Minor < 0 {
		return money.Amount{}, ports.Invalid("amount", "must not be negative")
	}
	applied := money.Amount{Digits: due.Digits, Currency: due.Currency}
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.store.Lock(ctx, userID); err != nil {
			return err
		}
		have, err := s.in(ctx, userID, due)
		if err != nil {
			return err
		}
		if have.Digits != due.Digits {
			return ports.Invalid("amount", "has other minor digits than the balance in "+due.Currency)
		}
		applied.Minor = min(have.Minor, due.Minor)
		if applied.Minor <= 0 {
			applied.Minor = 0
			return nil
		}
		debit := applied
		debit.Minor = -debit.Minor
		return s.store.Append(ctx, s.entry(tenantID, userID, debit, ReasonInvoice, reference))
	})
	if err != nil {
		return money.Amount{}, err
	}
	return applied, nil
}

// in answers the user's balance in a's currency (zero with a's digits when there is none).
func (s *Service) in(ctx context.Context, userID string, a money.Amount) (money.Amount, error) {
	bs, err := s.store.Balances(ctx, userID)
	if err != nil {
		return money.Amount{}, err
	}
	return In(bs, a.Currency, a.Digits), nil
}

// In picks the balance in the currency from balances, zero with digits when there is none.
func In(balances []money.Amount, currency string, digits int) money.Amount {
	for _, b := range balances {
		if b.Currency == currency {
			return b
		}
	}
	return money.Amount{Digits: digits, Currency: currency}
}

func (s *Service) entry(tenantID, userID string, a money.Amount, reason, reference string) Entry {
	return Entry{ID: ports.NewID(), TenantID: tenantID, UserID: userID, Amount: a, Reason: reason, Reference: reference,
		CreatedAt: s.clock.Now().Truncate(time.Microsecond)}
}
