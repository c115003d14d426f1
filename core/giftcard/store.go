package giftcard

import (
	"context"
	"time"
)

// Store keeps gift cards, in the tenant's unit of work. A missing card is ports.ErrNotFound
// (GIFT_CARD_NOT_FOUND).
type Store interface {
	// Create inserts the cards whose code hash is free in the tenant and answers the ids of
	// those inserted; a card whose hash is taken is skipped. The cards of one call share the
	// value, expiry, creator and creation time of the first.
	Create(ctx context.Context, cards []Card) ([]string, error)
	// GetByHash loads the tenant's card with the code hash.
	GetByHash(ctx context.Context, hash []byte) (Card, error)
	// Redeem marks the card redeemed by the user at the time, atomically against concurrent
	// redemptions: only while it is not redeemed and not expired at that time. Otherwise it is
	// ports.ErrConflict with code GIFT_CARD_REDEEMED and nothing changes.
	Redeem(ctx context.Context, id, userID string, at time.Time) error
}
