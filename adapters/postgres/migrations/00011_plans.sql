-- +goose Up
-- Subscription plans of a client. The price is exact: price_minor units of the currency's minor
-- unit, which had price_digits digits when the admin set it (999 and 2: 9.99 USD), so a stored
-- price means the same whatever the currency table says later. A plan is never deleted:
-- is_active false blocks new subscriptions, and subscriptions will reference (tenant_id, id).
CREATE TABLE plans (
    tenant_id              uuid NOT NULL REFERENCES tenants (id),
    id                     uuid NOT NULL,
    name                   text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    description            text NOT NULL DEFAULT '',
    price_minor            bigint NOT NULL CHECK (price_minor >= 0),
    price_digits           smallint NOT NULL CHECK (price_digits BETWEEN 0 AND 4),
    currency               char(3) NOT NULL,
    billing_cycle          text NOT NULL CHECK (billing_cycle IN ('monthly', 'quarterly', 'semi_annual', 'annual')),
    max_profiles           smallint NOT NULL CHECK (max_profiles BETWEEN 1 AND 6),
    max_concurrent_streams smallint NOT NULL CHECK (max_concurrent_streams BETWEEN 1 AND 8),
    max_devices            smallint NOT NULL CHECK (max_devices BETWEEN 1 AND 20),
    max_quality            text NOT NULL CHECK (max_quality IN ('SD', 'HD', 'FHD', 'UHD_4K', 'UHD_8K')),
    has_downloads          boolean NOT NULL,
    allow_download_count   integer CHECK (allow_download_count >= 0), -- NULL: unlimited
    has_ads                boolean NOT NULL,
    has_hdr                boolean NOT NULL DEFAULT false,
    has_dolby_atmos        boolean NOT NULL DEFAULT false,
    trial_days             integer NOT NULL DEFAULT 0 CHECK (trial_days >= 0),
    is_active              boolean NOT NULL,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    version                integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX plans_active ON plans (tenant_id, id) WHERE is_active;
SELECT stvos_tenant_table('plans');

-- +goose Down
DROP TABLE plans;
