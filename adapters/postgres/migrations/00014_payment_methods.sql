-- +goose Up
-- Subscribers' payment methods. Card data is never stored: only the gateway that holds the card
-- (the adapter name, so a method keeps its gateway when the client switches), the gateway's ids,
-- and what may be shown (brand, last four digits, expiry). An account has at most one default
-- method (payment_methods_one_default).
CREATE TABLE payment_customers (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    user_id     uuid NOT NULL,
    gateway     text NOT NULL,
    customer_id text NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id, gateway),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
SELECT stvos_tenant_table('payment_customers');

CREATE TABLE payment_methods (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    id                uuid NOT NULL,
    user_id           uuid NOT NULL,
    gateway           text NOT NULL,
    customer_id       text NOT NULL,
    gateway_method_id text NOT NULL,
    type              text NOT NULL CHECK (type IN ('card')),
    brand             text NOT NULL,
    last4             text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
    exp_month         smallint NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year          smallint NOT NULL CHECK (exp_year BETWEEN 1970 AND 9999),
    billing_name      text NOT NULL DEFAULT '' CHECK (char_length(billing_name) <= 100),
    billing_country   text NOT NULL DEFAULT '',
    is_default        boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX payment_methods_user ON payment_methods (tenant_id, user_id, created_at, id);
CREATE UNIQUE INDEX payment_methods_one_default ON payment_methods (tenant_id, user_id) WHERE is_default;
SELECT stvos_tenant_table('payment_methods');

-- The sandbox payment gateway's own state (adapters/payments/sandbox): what a real gateway keeps
-- on its side, kept here per tenant so that every server process sees one sandbox. Charges and
-- refunds are unique by idempotency key within a tenant.
CREATE TABLE sandbox_gateway_customers (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         text NOT NULL,
    reference  text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, reference)
);
SELECT stvos_tenant_table('sandbox_gateway_customers');

CREATE TABLE sandbox_gateway_methods (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             text NOT NULL,
    customer_id    text NOT NULL,
    card           text NOT NULL,
    brand          text NOT NULL,
    last4          text NOT NULL,
    exp_month      smallint NOT NULL,
    exp_year       smallint NOT NULL,
    charge_decline text NOT NULL DEFAULT '',
    detached_at    timestamptz,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES sandbox_gateway_customers (tenant_id, id)
);
SELECT stvos_tenant_table('sandbox_gateway_methods');

CREATE TABLE sandbox_gateway_charges (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              text NOT NULL,
    idempotency_key text NOT NULL,
    customer_id     text NOT NULL,
    method_id       text NOT NULL,
    amount          bigint NOT NULL CHECK (amount > 0),
    currency        char(3) NOT NULL,
    decline         text NOT NULL DEFAULT '',
    refunded        bigint NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key),
    CHECK (refunded BETWEEN 0 AND amount),
    FOREIGN KEY (tenant_id, method_id) REFERENCES sandbox_gateway_methods (tenant_id, id)
);
SELECT stvos_tenant_table('sandbox_gateway_charges');

CREATE TABLE sandbox_gateway_refunds (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              text NOT NULL,
    charge_id       text NOT NULL,
    idempotency_key text NOT NULL,
    amount          bigint NOT NULL CHECK (amount > 0),
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, charge_id) REFERENCES sandbox_gateway_charges (tenant_id, id)
);
SELECT stvos_tenant_table('sandbox_gateway_refunds');

-- +goose Down
DROP TABLE sandbox_gateway_refunds;
DROP TABLE sandbox_gateway_charges;
DROP TABLE sandbox_gateway_methods;
DROP TABLE sandbox_gateway_customers;
DROP TABLE payment_methods;
DROP TABLE payment_customers;
