package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/balance"
	"github.com/stvos/stvos/core/giftcard"
	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/ports"
)

// GiftCardStore implements giftcard.Store.
type GiftCardStore struct{}

var _ giftcard.Store = GiftCardStore{}

const giftCardColumns = `tenant_id, id, code_hash, value_minor, value_digits, currency, expires_at, coalesce(created_by::text, ''),
	created_at, coalesce(redeemed_by::text, ''), redeemed_at`

func scanGiftCard(row pgx.Row) (giftcard.Card, error) {
	var c giftcard.Card
	err := row.Scan(&c.TenantID, &c.ID, &c.CodeHash, &c.Value.Minor, &c.Value.Digits, &c.Value.Currency, &c.ExpiresAt,
		&c.CreatedBy, &c.CreatedAt, &c.RedeemedBy, &c.RedeemedAt)
	c.CreatedAt = c.CreatedAt.UTC()
	for _, t := range []**time.Time{&c.ExpiresAt, &c.RedeemedAt} {
		if *t != nil {
			u := (*t).UTC()
			*t = &u
		}
	}
	return c, err
}

// Create inserts the cards whose code hash is free, in one statement.
func (GiftCardStore) Create(ctx context.Context, cards []giftcard.Card) ([]string, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	if len(cards) == 0 {
		return []string{}, nil
	}
	ids, hashes := make([]string, len(cards)), make([][]byte, len(cards))
	for i, c := range cards {
		ids[i], hashes[i] = c.ID, c.CodeHash
	}
	first := cards[0]
	var by *string
	if first.CreatedBy != "" {
		by = &first.CreatedBy
	}
	rows, err := tx.Query(ctx, `INSERT INTO gift_cards (tenant_id, id, code_hash, value_minor, value_digits, currency, expires_at,
			created_by, created_at)
		SELECT $1, c.id, c.code_hash, $4, $5, $6, $7, $8, $9 FROM unnest($2::uuid[], $3::bytea[]) AS c (id, code_hash)
		ON CONFLICT (tenant_id, code_hash) DO NOTHING RETURNING id::text`,
		first.TenantID, ids, hashes, first.Value.Minor, first.Value.Digits, first.Value.Currency, first.ExpiresAt, by, first.CreatedAt)
	if err != nil {
		return nil, translate(err, "gift card")
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, translate(err, "gift card")
}

// GetByHash loads the tenant's card with the code hash (the gift_cards_code index).
func (GiftCardStore) GetByHash(ctx context.Context, hash []byte) (giftcard.Card, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return giftcard.Card{}, err
	}
	c, err := scanGiftCard(tx.QueryRow(ctx, `SELECT `+giftCardColumns+` FROM gift_cards
		WHERE tenant_id = app_tenant_id() AND code_hash = $1`, hash))
	return c, translate(err, "gift card")
}

// Redeem marks the card redeemed with one conditional UPDATE: a concurrent redemption waits for
// the row, then finds redeemed_by set and changes nothing.
func (GiftCardStore) Redeem(ctx context.Context, id, userID string, at time.Time) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	var won, found bool
	err = tx.QueryRow(ctx, `WITH won AS (
			UPDATE gift_cards SET redeemed_by = $2, redeemed_at = $3
			WHERE tenant_id = app_tenant_id() AND id = $1 AND redeemed_by IS NULL AND (expires_at IS NULL OR expires_at > $3)
			RETURNING id)
		SELECT EXISTS (SELECT 1 FROM won), EXISTS (SELECT 1 FROM gift_cards WHERE tenant_id = app_tenant_id() AND id = $1)`,
		id, userID, at).Scan(&won, &found)
	switch {
	case err != nil:
		return translate(err, "gift card")
	case !found:
		return ports.NotFound("gift card")
	case !won:
		return ports.Conflict("GIFT_CARD_REDEEMED", "The gift card has already been redeemed or has expired.")
	}
	return nil
}

// BalanceStore implements balance.Store.
type BalanceStore struct{}

var _ balance.Store = BalanceStore{}

// Lock takes a transaction-scoped advisory lock on the user's balance: debits and credits of one
// account queue behind each other, and nothing else (the users row included) is locked.
func (BalanceStore) Lock(ctx context.Context, userID string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('balance:' || app_tenant_id()::text || ':' || $1::uuid::text, 0))`,
		userID)
	return translate(err, "balance")
}

// Append adds an entry.
func (BalanceStore) Append(ctx context.Context, e balance.Entry) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO balance_entries (tenant_id, id, user_id, amount_minor, digits, currency, reason, reference,
		created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		e.TenantID, e.ID, e.UserID, e.Amount.Minor, e.Amount.Digits, e.Amount.Currency, e.Reason, e.Reference, e.CreatedAt)
	return translate(err, "user")
}

// Balances sums the user's entries per currency, leaving out the sums that are zero.
func (BalanceStore) Balances(ctx context.Context, userID string) ([]money.Amount, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT sum(amount_minor)::bigint, max(digits), currency FROM balance_entries
		WHERE tenant_id = app_tenant_id() AND user_id = $1 GROUP BY currency HAVING sum(amount_minor) <> 0 ORDER BY currency`, userID)
	if err != nil {
		return nil, translate(err, "balance")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (money.Amount, error) {
		var a money.Amount
		err := r.Scan(&a.Minor, &a.Digits, &a.Currency)
		return a, err
	})
	if out == nil {
		out = []money.Amount{}
	}
	return out, translate(err, "balance")
}
