-- +goose Up
-- Users of a tenant: its subscribers and its admins, one directory per tenant.
CREATE TABLE users (
    tenant_id                uuid NOT NULL REFERENCES tenants (id),
    id                       uuid NOT NULL,
    email                    text NOT NULL,
    password_hash            text NOT NULL,
    display_name             text NOT NULL DEFAULT '',
    phone                    text NOT NULL DEFAULT '',
    phone_verified           boolean NOT NULL DEFAULT false,
    email_verified           boolean NOT NULL DEFAULT false,
    avatar_url               text NOT NULL DEFAULT '',
    locale                   text NOT NULL DEFAULT 'en-US',
    timezone                 text NOT NULL DEFAULT 'UTC',
    country_code             text NOT NULL DEFAULT '',
    preferred_language       text NOT NULL DEFAULT 'en',
    status                   text NOT NULL CHECK (status IN ('active', 'suspended')),
    suspension_reason        text NOT NULL DEFAULT '',
    roles                    text[] NOT NULL,
    mfa_enabled              boolean NOT NULL DEFAULT false,
    notification_preferences jsonb NOT NULL DEFAULT '{}',
    terms_accepted_at        timestamptz,
    last_login_at            timestamptz,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    version                  integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX users_email ON users (tenant_id, email);

-- Who did what to whom, per tenant.
CREATE TABLE audit_log (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL,
    actor_kind      text NOT NULL,
    actor_id        text NOT NULL,
    action          text NOT NULL,
    target_kind     text NOT NULL,
    target_id       text NOT NULL,
    reason          text NOT NULL DEFAULT '',
    details         jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_log_time ON audit_log (tenant_id, created_at DESC, id DESC);

-- What a person sees of their sessions (the devices list).
ALTER TABLE sessions ADD COLUMN device text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN address text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN partner_id uuid;
ALTER TABLE operator_sessions ADD COLUMN device text NOT NULL DEFAULT '';
ALTER TABLE operator_sessions ADD COLUMN address text NOT NULL DEFAULT '';

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'audit_log'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id())', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON users, audit_log TO stvos_app;
-- The audit log is append-only for the server.
REVOKE UPDATE, DELETE ON audit_log FROM stvos_app;
-- Tables of later migrations are granted to the server role as they are created.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO stvos_app;

-- +goose Down
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM stvos_app;
ALTER TABLE operator_sessions DROP COLUMN device, DROP COLUMN address;
ALTER TABLE sessions DROP COLUMN device, DROP COLUMN address, DROP COLUMN partner_id;
DROP TABLE audit_log, users;
