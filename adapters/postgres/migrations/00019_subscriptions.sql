-- +goose Up
-- Subscriptions, their invoices and refunds, and each client's billing settings.
--
-- A subscription keeps the terms of the period it is in (price, cycle, profile and stream limits)
-- as they were when the period began: a plan's later change of price or limits reaches existing
-- subscribers at their next renewal, which copies the plan's terms again. An account has at most
-- one subscription that is not canceled (subscriptions_live), which is what makes a second
-- POST /subscriptions a conflict even when two arrive at once. due_at is when the subscription
-- next needs the billing sweep (a renewal, a retry of a failed payment, the end of a trial or of a
-- period set to cancel); NULL while nothing is scheduled (paused, canceled).
CREATE TABLE subscriptions (
    tenant_id              uuid NOT NULL REFERENCES tenants (id),
    id                     uuid NOT NULL,
    user_id                uuid NOT NULL,
    plan_id                uuid NOT NULL,
    status                 text NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'paused', 'canceled')),
    price_minor            bigint NOT NULL CHECK (price_minor >= 0),
    price_digits           smallint NOT NULL CHECK (price_digits BETWEEN 0 AND 4),
    currency               char(3) NOT NULL,
    billing_cycle          text NOT NULL CHECK (billing_cycle IN ('monthly', 'quarterly', 'semi_annual', 'annual')),
    max_profiles           smallint NOT NULL,
    max_concurrent_streams smallint NOT NULL,
    anchor                 timestamptz NOT NULL,
    period_number          integer NOT NULL CHECK (period_number >= 0),
    current_period_start   timestamptz NOT NULL,
    current_period_end     timestamptz NOT NULL CHECK (current_period_end > current_period_start),
    paid_minor             bigint NOT NULL DEFAULT 0 CHECK (paid_minor >= 0),
    cancel_at_period_end   boolean NOT NULL DEFAULT false,
    canceled_at            timestamptz,
    cancel_reason          text NOT NULL DEFAULT '' CHECK (char_length(cancel_reason) <= 500),
    ended_by               text NOT NULL DEFAULT '' CHECK (ended_by IN ('', 'subscriber', 'period_end', 'payment_failed', 'admin', 'deletion')),
    paused_at              timestamptz,
    trial_start            timestamptz,
    trial_end              timestamptz,
    payment_method_id      uuid,
    coupon_id              uuid,
    discount_pending       boolean NOT NULL DEFAULT false,
    pending_plan_id        uuid,
    dunning_attempts       smallint NOT NULL DEFAULT 0,
    next_attempt_at        timestamptz,
    trial_notified         boolean NOT NULL DEFAULT false,
    due_at                 timestamptz,
    version                integer NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, plan_id) REFERENCES plans (tenant_id, id),
    FOREIGN KEY (tenant_id, pending_plan_id) REFERENCES plans (tenant_id, id),
    CHECK ((status = 'canceled') = (canceled_at IS NOT NULL)),
    CHECK ((status = 'paused') = (paused_at IS NOT NULL))
);
CREATE UNIQUE INDEX subscriptions_live ON subscriptions (tenant_id, user_id) WHERE status <> 'canceled';
CREATE INDEX subscriptions_user ON subscriptions (tenant_id, user_id, created_at DESC);
CREATE INDEX subscriptions_due ON subscriptions (due_at) WHERE due_at IS NOT NULL;
SELECT stvos_tenant_table('subscriptions');
-- The billing sweep finds what is due across clients in the platform scope, reading only.
CREATE POLICY platform_due ON subscriptions FOR SELECT USING ((SELECT app_is_platform()));

-- Invoices. Amounts are minor units of the invoice's currency with digits minor digits:
-- subtotal is the sum of the lines; total = subtotal - discount + tax; amount_paid is what was
-- collected (from the account balance and by charge); amount_due = total - amount_paid.
-- Numbers are INV-<year>-<sequence>, the sequence per client and year (invoice_counters),
-- assigned in the transaction that creates the invoice, so they have no gaps. user_id has no
-- foreign key: invoices outlive the account they billed (legal retention), anonymised.
CREATE TABLE invoices (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    id                uuid NOT NULL,
    number            text NOT NULL,
    user_id           uuid NOT NULL,
    subscription_id   uuid,
    status            text NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'uncollectible', 'void')),
    currency          char(3) NOT NULL,
    digits            smallint NOT NULL CHECK (digits BETWEEN 0 AND 4),
    subtotal_minor    bigint NOT NULL,
    discount_minor    bigint NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
    tax_minor         bigint NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
    tax_rate_bps      integer NOT NULL DEFAULT 0 CHECK (tax_rate_bps BETWEEN 0 AND 10000),
    total_minor       bigint NOT NULL CHECK (total_minor >= 0),
    paid_minor        bigint NOT NULL DEFAULT 0 CHECK (paid_minor >= 0 AND paid_minor <= total_minor),
    balance_minor     bigint NOT NULL DEFAULT 0 CHECK (balance_minor >= 0 AND balance_minor <= paid_minor),
    refunded_minor    bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= paid_minor),
    billing_reason    text NOT NULL CHECK (billing_reason IN ('subscription_create', 'subscription_cycle', 'subscription_update')),
    description       text NOT NULL DEFAULT '',
    period_start      timestamptz,
    period_end        timestamptz,
    due_date          timestamptz NOT NULL,
    paid_at           timestamptz,
    gateway           text NOT NULL DEFAULT '',
    charge_id         text NOT NULL DEFAULT '',
    attempts          smallint NOT NULL DEFAULT 0,
    last_error        text NOT NULL DEFAULT '',
    coupon_id         uuid,
    customer_name     text NOT NULL DEFAULT '',
    customer_email    text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, number),
    FOREIGN KEY (tenant_id, subscription_id) REFERENCES subscriptions (tenant_id, id) ON DELETE SET NULL (subscription_id),
    CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);
CREATE INDEX invoices_user ON invoices (tenant_id, user_id, created_at DESC, id DESC);
-- One invoice per subscription period: a renewal retried after a crash finds the one it made.
CREATE UNIQUE INDEX invoices_period ON invoices (tenant_id, subscription_id, period_start)
    WHERE billing_reason = 'subscription_cycle';
SELECT stvos_tenant_table('invoices');

CREATE TABLE invoice_lines (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    invoice_id   uuid NOT NULL,
    position     smallint NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('subscription', 'proration_credit', 'proration_charge')),
    description  text NOT NULL,
    quantity     integer NOT NULL DEFAULT 1,
    unit_minor   bigint NOT NULL,
    amount_minor bigint NOT NULL,
    period_start timestamptz,
    period_end   timestamptz,
    PRIMARY KEY (tenant_id, invoice_id, position),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id) ON DELETE CASCADE
);
SELECT stvos_tenant_table('invoice_lines');

CREATE TABLE invoice_counters (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    year      integer NOT NULL,
    last      integer NOT NULL,
    PRIMARY KEY (tenant_id, year)
);
SELECT stvos_tenant_table('invoice_counters');

-- Refunds of invoices, never above what was paid (invoices.refunded_minor <= paid_minor, raised
-- in the refund's transaction). actor_id is the admin who issued it.
CREATE TABLE refunds (
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    id                 uuid NOT NULL,
    invoice_id         uuid NOT NULL,
    amount_minor       bigint NOT NULL CHECK (amount_minor > 0),
    to_balance_minor   bigint NOT NULL DEFAULT 0 CHECK (to_balance_minor >= 0 AND to_balance_minor <= amount_minor),
    digits             smallint NOT NULL,
    currency           char(3) NOT NULL,
    reason             text NOT NULL CHECK (reason IN ('requested_by_customer', 'duplicate', 'fraudulent', 'service_issue', 'goodwill')),
    status             text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    notes              text NOT NULL DEFAULT '' CHECK (char_length(notes) <= 500),
    provider_refund_id text NOT NULL DEFAULT '',
    actor_id           uuid,
    processed_at       timestamptz,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id)
);
CREATE INDEX refunds_invoice ON refunds (tenant_id, invoice_id, created_at, id);
SELECT stvos_tenant_table('refunds');

-- A change of plan that credits more than it charges leaves the difference on the balance.
ALTER TABLE balance_entries DROP CONSTRAINT balance_entries_reason_check;
ALTER TABLE balance_entries ADD CONSTRAINT balance_entries_reason_check
    CHECK (reason IN ('gift_card', 'refund', 'invoice', 'adjustment', 'proration'));

-- Each client's billing settings: tax rate and when plan changes take effect.
ALTER TABLE tenants ADD COLUMN billing jsonb NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE tenants DROP COLUMN billing;
DELETE FROM balance_entries WHERE reason = 'proration';
ALTER TABLE balance_entries DROP CONSTRAINT balance_entries_reason_check;
ALTER TABLE balance_entries ADD CONSTRAINT balance_entries_reason_check
    CHECK (reason IN ('gift_card', 'refund', 'invoice', 'adjustment'));
DROP TABLE refunds;
DROP TABLE invoice_counters;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE subscriptions;
