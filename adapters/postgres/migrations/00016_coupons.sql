-- +goose Up
-- Discount coupons of a client and their redemptions. The value is exact: value_minor units with
-- value_digits digits, which for fixed_amount is money in currency (999 and 2: 9.99 USD), for
-- percent hundredths of a percent (1250 and 2: 12.5 percent), for free_trial_days whole days.
-- Codes are unique per client whatever their case (coupons_code). redemption_count is raised only
-- by a conditional UPDATE that keeps it within max_redemptions, so concurrent redemptions never
-- overshoot; a redeemed coupon cannot be deleted (coupon_redemptions references it).
CREATE TABLE coupons (
    tenant_id                uuid NOT NULL REFERENCES tenants (id),
    id                       uuid NOT NULL,
    code                     text NOT NULL CHECK (code ~ '^[A-Z0-9_-]{1,50}$'),
    description              text NOT NULL DEFAULT '' CHECK (char_length(description) <= 500),
    discount_type            text NOT NULL CHECK (discount_type IN ('percent', 'fixed_amount', 'free_trial_days')),
    value_minor              bigint NOT NULL CHECK (value_minor > 0),
    value_digits             smallint NOT NULL CHECK (value_digits BETWEEN 0 AND 4),
    currency                 char(3),
    applicable_plan_ids      uuid[] NOT NULL DEFAULT '{}',
    max_redemptions          integer CHECK (max_redemptions >= 1), -- NULL: unlimited
    max_redemptions_per_user integer NOT NULL DEFAULT 1 CHECK (max_redemptions_per_user >= 1),
    redemption_count         integer NOT NULL DEFAULT 0 CHECK (redemption_count >= 0),
    valid_from               timestamptz NOT NULL,
    valid_until              timestamptz CHECK (valid_until > valid_from),
    disabled                 boolean NOT NULL DEFAULT false,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    version                  integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    CHECK ((discount_type = 'fixed_amount') = (currency IS NOT NULL)),
    CHECK (discount_type <> 'percent' OR (value_digits = 2 AND value_minor <= 10000))
);
CREATE UNIQUE INDEX coupons_code ON coupons (tenant_id, upper(code));
SELECT stvos_tenant_table('coupons');

CREATE TABLE coupon_redemptions (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    coupon_id   uuid NOT NULL,
    user_id     uuid NOT NULL,
    redeemed_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, coupon_id) REFERENCES coupons (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX coupon_redemptions_user ON coupon_redemptions (tenant_id, coupon_id, user_id);
SELECT stvos_tenant_table('coupon_redemptions');

-- +goose Down
DROP TABLE coupon_redemptions;
DROP TABLE coupons;
