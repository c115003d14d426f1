-- +goose Up
-- Privacy (issue 11): exports of a person's data (GDPR Art. 20) and the erasure of their account
-- after a grace period (Art. 17).
--
-- An export is a ZIP archive the privacy.export job builds and keeps in the blob store (blob_key)
-- for 24 hours after it is ready (expires_at); the hourly purge deletes the archive then and marks
-- the row expired. An account has at most one export waiting or being built (privacy_exports_live),
-- which is what makes a second request at once a conflict. Exports go with the account.
CREATE TABLE privacy_exports (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    user_id      uuid NOT NULL,
    status       text NOT NULL CHECK (status IN ('pending', 'processing', 'ready', 'failed', 'expired')),
    blob_key     text NOT NULL DEFAULT '',
    size_bytes   bigint NOT NULL DEFAULT 0 CHECK (size_bytes >= 0),
    requested_at timestamptz NOT NULL,
    ready_at     timestamptz,
    expires_at   timestamptz,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    CHECK ((status = 'ready') <= (ready_at IS NOT NULL AND expires_at IS NOT NULL AND blob_key <> ''))
);
CREATE UNIQUE INDEX privacy_exports_live ON privacy_exports (tenant_id, user_id) WHERE status IN ('pending', 'processing');
CREATE INDEX privacy_exports_user ON privacy_exports (tenant_id, user_id, requested_at DESC, id DESC);
CREATE INDEX privacy_exports_expiry ON privacy_exports (tenant_id, expires_at) WHERE status = 'ready';
SELECT stvos_tenant_table('privacy_exports');

-- Requests to erase an account. A request is pending for its grace period (until scheduled_at,
-- 30 days) and may be canceled meanwhile; then the deletion sweep finds it (privacy_deletions_due,
-- across clients in the platform scope) and the privacy.erase job marks it erasing, erases the
-- person's data and marks it completed. The row outlives the account on purpose, as the record
-- that the erasure was asked for and done: user_id has no foreign key, and the reason (free text)
-- is emptied when the erasure completes. An account has one live request at a time.
CREATE TABLE privacy_deletion_requests (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    user_id      uuid NOT NULL,
    status       text NOT NULL CHECK (status IN ('pending', 'canceled', 'erasing', 'completed')),
    reason       text NOT NULL DEFAULT '' CHECK (char_length(reason) <= 500),
    requested_at timestamptz NOT NULL,
    scheduled_at timestamptz NOT NULL CHECK (scheduled_at >= requested_at),
    canceled_at  timestamptz,
    completed_at timestamptz,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK ((status = 'canceled') = (canceled_at IS NOT NULL)),
    CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);
CREATE UNIQUE INDEX privacy_deletions_live ON privacy_deletion_requests (tenant_id, user_id) WHERE status IN ('pending', 'erasing');
CREATE INDEX privacy_deletions_user ON privacy_deletion_requests (tenant_id, user_id, requested_at DESC, id DESC);
CREATE INDEX privacy_deletions_due ON privacy_deletion_requests (scheduled_at) WHERE status IN ('pending', 'erasing');
SELECT stvos_tenant_table('privacy_deletion_requests');
-- The deletion sweep finds what is due across clients in the platform scope, reading only.
CREATE POLICY platform_due ON privacy_deletion_requests FOR SELECT USING ((SELECT app_is_platform()));

-- The secret download links of exports are signed with (HMAC-SHA256), shared by every server
-- process: the first to start stores it.
CREATE TABLE privacy_secrets (
    id         smallint PRIMARY KEY,
    secret     bytea NOT NULL CHECK (octet_length(secret) >= 32),
    created_at timestamptz NOT NULL
);
ALTER TABLE privacy_secrets ENABLE ROW LEVEL SECURITY;
ALTER TABLE privacy_secrets FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON privacy_secrets USING ((SELECT app_is_platform()));

-- +goose Down
DROP TABLE privacy_secrets;
DROP TABLE privacy_deletion_requests;
DROP TABLE privacy_exports;
