-- +goose Up
-- Gift cards of a client and the account balance they credit. A card's code is never stored:
-- code_hash is the SHA-256 of the normalised code (upper case, no separators), which is all a
-- look-up by code needs; the code itself is shown once, in the answer that creates the card.
-- Amounts are exact: value_minor units with value_digits digits of currency. A card is redeemed
-- whole, once: redeemed_by is set only by a conditional UPDATE (WHERE redeemed_by IS NULL), so
-- concurrent redemptions of one card leave exactly one winner.
CREATE TABLE gift_cards (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    code_hash    bytea NOT NULL CHECK (octet_length(code_hash) = 32),
    value_minor  bigint NOT NULL CHECK (value_minor > 0),
    value_digits smallint NOT NULL CHECK (value_digits BETWEEN 0 AND 4),
    currency     char(3) NOT NULL,
    expires_at   timestamptz,
    created_by   uuid,
    created_at   timestamptz NOT NULL,
    redeemed_by  uuid,
    redeemed_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    CHECK ((redeemed_by IS NULL) = (redeemed_at IS NULL))
);
CREATE UNIQUE INDEX gift_cards_code ON gift_cards (tenant_id, code_hash);
SELECT stvos_tenant_table('gift_cards');

-- The account balance is a ledger: one signed entry per credit (a gift card, a refund) or debit
-- (an invoice paid from the balance); a user's balance in a currency is the sum of its entries.
CREATE TABLE balance_entries (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    user_id      uuid NOT NULL,
    amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
    digits       smallint NOT NULL CHECK (digits BETWEEN 0 AND 4),
    currency     char(3) NOT NULL,
    reason       text NOT NULL CHECK (reason IN ('gift_card', 'refund', 'invoice', 'adjustment')),
    reference    text NOT NULL DEFAULT '' CHECK (char_length(reference) <= 200),
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX balance_entries_user ON balance_entries (tenant_id, user_id, currency);
SELECT stvos_tenant_table('balance_entries');

-- +goose Down
DROP TABLE balance_entries;
DROP TABLE gift_cards;
