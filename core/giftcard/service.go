package giftcard

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/balance"
	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/ports"
)

// Deps are what the gift card use cases need.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Balance    *balance.Service
	Audit      audit.Store
	Currencies ports.Currencies
	// Throttle counts codes that match no card as failed guesses, as sign-in counts passwords.
	Throttle *throttle.Throttle
	Clock    ports.Clock
}

// Service holds the gift card use cases.
type Service struct{ d Deps }

// NewService returns the gift card use cases.
func NewService(d Deps) *Service { return &Service{d: d} }

// Now is the time card statuses are computed at (the store's precision, microseconds).
func (s *Service) Now() time.Time { return s.d.Clock.Now().Truncate(time.Microsecond) }

// NewCards is an admin's bulk creation: quantity cards worth value (an exact decimal) in
// currency, expiring at expiresAt when set.
type NewCards struct {
	Quantity  int
	Value     string
	Currency  string
	ExpiresAt *time.Time
}

// attempts bounds the rounds of drawing fresh codes for those that collided with taken ones,
// which at 79 bits a code practically never happens.
const attempts = 5

// Create makes quantity cards at once, all or none, in one unit of work with its audit record,
// and answers them with their codes, which are shown only here.
func (s *Service) Create(ctx context.Context, tenantID string, by audit.Actor, in NewCards) ([]Issued, error) {
	var v ports.Validation
	v.Check(in.Quantity >= MinQuantity && in.Quantity <= MaxQuantity, "quantity", "must be between 1 and 500")
	value, _ := money.Read(&v, s.d.Currencies, in.Value, strings.ToUpper(strings.TrimSpace(in.Currency)), "initial_value", "currency")
	v.Check(value.Currency == "" || value.Minor > 0, "initial_value", "must be above zero")
	now := s.Now()
	if in.ExpiresAt != nil {
		v.Check(in.ExpiresAt.After(now), "expires_at", "must be in the future")
		v.Check(in.ExpiresAt.Before(now.Add(MaxExpiry)), "expires_at", "must be within 10 years")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var expires *time.Time
	if in.ExpiresAt != nil {
		e := in.ExpiresAt.UTC().Truncate(time.Microsecond)
		expires = &e
	}
	var out []Issued
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		out = make([]Issued, 0, in.Quantity)
		for range attempts {
			want := in.Quantity - len(out)
			if want == 0 {
				break
			}
			batch := make([]Issued, want)
			cards := make([]Card, want)
			for i := range batch {
				code, err := NewCode()
				if err != nil {
					return err
				}
				norm, _ := Normalize(code)
				cards[i] = Card{ID: ports.NewID(), TenantID: tenantID, CodeHash: Hash(norm), Value: value, ExpiresAt: expires,
					CreatedBy: by.ID, CreatedAt: now}
				batch[i] = Issued{Card: cards[i], Code: code}
			}
			ids, err := s.d.Store.Create(ctx, cards)
			if err != nil {
				return err
			}
			for _, c := range batch {
				if slices.Contains(ids, c.ID) {
					out = append(out, c)
				}
			}
		}
		if len(out) != in.Quantity {
			return errors.New("giftcard: could not draw free codes")
		}
		// Creation order is id order (UUIDv7), whatever round drew each code.
		slices.SortFunc(out, func(a, b Issued) int { return strings.Compare(a.ID, b.ID) })
		r := audit.NewRecord(tenantID, by, "gift_card.created", "gift_card", out[0].ID, now)
		r.Details = map[string]any{"quantity": in.Quantity, "initial_value": value.Decimal(), "currency": value.Currency,
			"expires_at": expires, "first_id": out[0].ID, "last_id": out[len(out)-1].ID}
		return s.d.Audit.Append(ctx, r)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// unknown is the answer to a code that is no card of the client (ErrNotFound,
// GIFT_CARD_NOT_FOUND): malformed, unknown, or another client's alike, so codes cannot be
// enumerated.
func unknown() error { return ports.NotFound("gift card") }

// Lookup answers the tenant's card with the code (any case, with or without hyphens) for the
// user at address. A code that matches no card counts as a failed guess of the user's from the
// address; past the throttle's allowance every look-up is refused (ErrLimitExceeded,
// TOO_MANY_ATTEMPTS) for a while.
func (s *Service) Lookup(ctx context.Context, tenantID, userID, code, address string) (Issued, error) {
	var c Issued
	err := s.guess(ctx, tenantID, userID, code, address, func(norm string) error {
		return s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
			card, err := s.d.Store.GetByHash(ctx, Hash(norm))
			c = Issued{Card: card, Code: Format(norm)}
			return err
		})
	})
	return c, err
}

// Redemption is a card just redeemed and the balance it credited.
type Redemption struct {
	Issued
	// Balance is the user's account balance in the card's currency after the credit.
	Balance money.Amount
}

// Redeem credits the whole value of the tenant's card with the code to the user's account
// balance and marks it redeemed, once whatever the concurrency, in one unit of work with its
// audit record. Unknown codes are ErrNotFound (GIFT_CARD_NOT_FOUND) and count as failed guesses (see Lookup); a card
// redeemed already is ErrConflict GIFT_CARD_REDEEMED, an expired one GIFT_CARD_EXPIRED. An
// account's balance holds one currency: a card in another currency than a balance that is not
// zero is ErrInvalid GIFT_CARD_CURRENCY_MISMATCH.
func (s *Service) Redeem(ctx context.Context, tenantID string, by audit.Actor, code, address string) (Redemption, error) {
	var out Redemption
	err := s.guess(ctx, tenantID, by.ID, code, address, func(norm string) error {
		return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
			c, err := s.d.Store.GetByHash(ctx, Hash(norm))
			if err != nil {
				return err
			}
			now := s.Now()
			switch c.Status(now) {
			case StatusRedeemed:
				return redeemed()
			case StatusExpired:
				return ports.Conflict("GIFT_CARD_EXPIRED", "The gift card has expired.")
			}
			if err := s.d.Store.Redeem(ctx, c.ID, by.ID, now); err != nil {
				return err
			}
			bal, err := s.d.Balance.CreditSole(ctx, tenantID, by.ID, c.Value, balance.ReasonGiftCard, c.ID)
			if errors.Is(err, balance.ErrOtherCurrency) {
				return &ports.Error{Kind: ports.ErrInvalid, Code: "GIFT_CARD_CURRENCY_MISMATCH",
					Message: "The account balance is in another currency than this gift card's " + c.Value.Currency + ".",
					Fields:  []ports.FieldError{{Field: "code", Reason: "is a gift card in another currency than the account balance"}}}
			} else if err != nil {
				return err
			}
			c.RedeemedBy, c.RedeemedAt = by.ID, &now
			out = Redemption{Issued: Issued{Card: c, Code: Format(norm)}, Balance: bal}
			r := audit.NewRecord(tenantID, by, "gift_card.redeemed", "gift_card", c.ID, now)
			r.Details = map[string]any{"value": c.Value.Decimal(), "currency": c.Value.Currency}
			return s.d.Audit.Append(ctx, r)
		})
	})
	return out, err
}

func redeemed() error {
	return ports.Conflict("GIFT_CARD_REDEEMED", "The gift card has already been redeemed.")
}

// guess runs find for a code under the throttle: a code that is malformed or that find does not
// find (ErrNotFound) is a failed guess and answers ErrNotFound
// (GIFT_CARD_NOT_FOUND).
func (s *Service) guess(ctx context.Context, tenantID, userID, code, address string, find func(norm string) error) error {
	attempt, err := s.d.Throttle.Begin(ctx, "gift-card:"+tenantID, userID, address)
	if err != nil {
		return err
	}
	norm, ok := Normalize(code)
	if ok {
		err = find(norm)
	}
	if !ok || errors.Is(err, ports.ErrNotFound) {
		attempt.Failed(ctx)
		return unknown()
	}
	return err
}
