-- +goose Up
-- The Idempotency-Key of calls to operations that honour one, per tenant, caller (subject) and
-- operation. A row is first a claim (status NULL): the call holding token runs until
-- locked_until, after which another call with the key may take it over (the holder died, or
-- outlived its lease and can no longer commit: its answer is saved only where token is still its
-- own). The answer (status, header, body) is written in the same transaction as the operation's
-- own changes, and replayed until expires_at; the hourly maintenance purges expired rows.
CREATE TABLE idempotency_keys (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    subject      text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 200),
    operation    text NOT NULL CHECK (char_length(operation) BETWEEN 1 AND 200),
    key          text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
    fingerprint  bytea NOT NULL CHECK (length(fingerprint) = 32),
    token        uuid NOT NULL,
    locked_until timestamptz NOT NULL,
    status       smallint CHECK (status BETWEEN 100 AND 599),
    header       jsonb,
    body         bytea,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, subject, operation, key),
    CHECK ((status IS NULL) = (header IS NULL) AND (status IS NULL) = (body IS NULL))
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (tenant_id, expires_at);
SELECT stvos_tenant_table('idempotency_keys');

-- +goose Down
DROP TABLE idempotency_keys;
