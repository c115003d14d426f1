-- +goose Up
-- Enterprise partners' webhook endpoints (issue 7): where a partner hears about onboarding status
-- changes and bound locations. The signing secret must be read back to sign each delivery, so it is
-- kept sealed (AES-256-GCM, ports.Sealer), never in the clear, and shown once when created.
CREATE TABLE webhook_endpoints (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    partner_id    uuid NOT NULL,
    url           text NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2048),
    sealed_secret text NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_endpoints_partner ON webhook_endpoints (tenant_id, partner_id, id);
SELECT stvos_tenant_table('webhook_endpoints');

-- +goose Down
DROP TABLE webhook_endpoints;
