-- +goose Up
-- The messages the outbox email adapter keeps instead of sending them (development; a client's
-- adapters["email"] = "outbox"): one row per tenant and message id, so a retried job stores its
-- message once.
CREATE TABLE email_outbox (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         text NOT NULL CHECK (char_length(id) BETWEEN 1 AND 200),
    sender     text NOT NULL,
    reply_to   text NOT NULL DEFAULT '',
    recipients text[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 50),
    subject    text NOT NULL,
    text_body  text NOT NULL DEFAULT '',
    html_body  text NOT NULL DEFAULT '',
    headers    jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX email_outbox_created ON email_outbox (tenant_id, created_at);
SELECT stvos_tenant_table('email_outbox');

-- +goose Down
DROP TABLE email_outbox;
