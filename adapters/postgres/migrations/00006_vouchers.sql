-- +goose Up
-- Voucher codes of partners. The status is stored as active, redeemed or revoked; "expired" is
-- an active code past expires_at, computed when read so it shows the moment the expiry passes.
-- Ids are numbers, as the partner portal specification shows them.
CREATE TABLE vouchers (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    partner_id      uuid NOT NULL,
    code            text NOT NULL,
    status          text NOT NULL CHECK (status IN ('active', 'redeemed', 'revoked')),
    expires_at      timestamptz,
    created_by      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    redeemed_by     uuid,
    redeemed_at     timestamptz,
    revoked_at      timestamptz,
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    CHECK ((status = 'redeemed') = (redeemed_by IS NOT NULL))
);
CREATE UNIQUE INDEX vouchers_code ON vouchers (tenant_id, code);
CREATE INDEX vouchers_partner ON vouchers (tenant_id, partner_id, id DESC);
SELECT stvos_tenant_table('vouchers');

-- Members of partners: a user joins the partner whose code they registered with.
CREATE TABLE partner_members (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    user_id         uuid NOT NULL,
    partner_id      uuid NOT NULL,
    voucher_id      bigint NOT NULL REFERENCES vouchers (id),
    joined_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id)
);
CREATE INDEX partner_members_partner ON partner_members (tenant_id, partner_id, joined_at);
SELECT stvos_tenant_table('partner_members');

-- +goose Down
DROP TABLE partner_members, vouchers;
