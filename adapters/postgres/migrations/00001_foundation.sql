-- +goose Up
-- The role the server works as. It owns no table, so row-level security binds it; the role
-- that runs migrations owns the tables and is made a member so `serve` can SET ROLE to it.
-- +goose StatementBegin
DO $$
BEGIN
    CREATE ROLE stvos_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- another database of this cluster created it first
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
DO $$
BEGIN
    EXECUTE format('GRANT stvos_app TO %I', current_user);
EXCEPTION WHEN duplicate_object OR unique_violation OR invalid_grant_operation THEN
    NULL;
END
$$;
-- +goose StatementEnd

GRANT USAGE ON SCHEMA public TO stvos_app;

-- The scope of the current transaction, set with SET LOCAL by the unit of work.
CREATE FUNCTION app_tenant_id() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;
CREATE FUNCTION app_is_platform() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce(current_setting('app.scope', true), '') = 'platform' $$;

-- Tenants are the platform's own rows: visible in the platform scope, and each to itself.
CREATE TABLE tenants (
    id              uuid PRIMARY KEY,
    slug            text NOT NULL UNIQUE,
    name            text NOT NULL,
    status          text NOT NULL CHECK (status IN ('active', 'suspended')),
    branding        jsonb NOT NULL DEFAULT '{}',
    features        jsonb NOT NULL DEFAULT '{}',
    adapters        jsonb NOT NULL DEFAULT '{}',
    rate_limit      jsonb NOT NULL DEFAULT '{}',
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON tenants USING (app_is_platform());
CREATE POLICY tenant_self ON tenants FOR SELECT USING (id = app_tenant_id());

CREATE TABLE api_keys (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL,
    name            text NOT NULL DEFAULT '',
    prefix          text NOT NULL,
    hash            bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    last_used_at    timestamptz,
    revoked_at      timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX api_keys_prefix ON api_keys (tenant_id, prefix);

CREATE TABLE content_strings (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    key             text NOT NULL,
    value           text NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

CREATE TABLE partners (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL,
    name            text NOT NULL,
    status          text NOT NULL CHECK (status IN ('active', 'suspended')),
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE partner_staff (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL,
    partner_id      uuid NOT NULL,
    email           text NOT NULL,
    name            text NOT NULL,
    role            text NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
    password_hash   text NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id)
);
CREATE UNIQUE INDEX partner_staff_email ON partner_staff (tenant_id, email);
CREATE INDEX partner_staff_partner ON partner_staff (tenant_id, partner_id, id);

-- Sessions of tenant principals (subscribers, admins, partner staff, machines). Operators'
-- sessions have no tenant and live in operator_sessions.
CREATE TABLE sessions (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL,
    subject_kind    text NOT NULL,
    subject_id      uuid NOT NULL,
    refresh_hash    bytea NOT NULL,
    previous_hash   bytea,
    created_at      timestamptz NOT NULL,
    last_used_at    timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sessions_subject ON sessions (tenant_id, subject_kind, subject_id);

-- Row-level security on every tenant-owned table: a transaction sees and writes only the rows
-- of the tenant it is bound to. No policy opens them to the platform scope: platform work that
-- needs a tenant's rows narrows the transaction to that tenant first.
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['api_keys', 'content_strings', 'partners', 'partner_staff', 'sessions'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id())', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- The directory finds the tenant of things addressed without one (an API key's prefix, a
-- partner id in a platform URL). It is a platform table (a reference table if the schema is ever
-- distributed); a tenant transaction may read and add only its own entries.
CREATE TABLE directory (
    kind            text NOT NULL,
    key             text NOT NULL,
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    PRIMARY KEY (kind, key)
);
ALTER TABLE directory ENABLE ROW LEVEL SECURITY;
ALTER TABLE directory FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON directory USING (app_is_platform());
CREATE POLICY tenant_own ON directory USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- Platform operators (superadmins) and the signing keys are platform rows only.
CREATE TABLE operators (
    id              uuid PRIMARY KEY,
    email           text NOT NULL UNIQUE,
    name            text NOT NULL,
    password_hash   text NOT NULL,
    created_at      timestamptz NOT NULL
);
ALTER TABLE operators ENABLE ROW LEVEL SECURITY;
ALTER TABLE operators FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON operators USING (app_is_platform());

CREATE TABLE signing_keys (
    kid             text PRIMARY KEY,
    algorithm       text NOT NULL,
    private_pem     text NOT NULL,
    created_at      timestamptz NOT NULL,
    retired_at      timestamptz
);
ALTER TABLE signing_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE signing_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON signing_keys USING (app_is_platform());

-- Sessions of platform operators.
CREATE TABLE operator_sessions (
    id              uuid PRIMARY KEY,
    subject_kind    text NOT NULL,
    subject_id      uuid NOT NULL REFERENCES operators (id),
    refresh_hash    bytea NOT NULL,
    previous_hash   bytea,
    created_at      timestamptz NOT NULL,
    last_used_at    timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz
);
ALTER TABLE operator_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE operator_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON operator_sessions USING (app_is_platform());

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO stvos_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO stvos_app;
REVOKE ALL ON goose_db_version FROM stvos_app;

-- +goose Down
DROP TABLE operator_sessions, signing_keys, operators, directory, sessions, partner_staff, partners, content_strings, api_keys, tenants;
DROP FUNCTION app_is_platform();
DROP FUNCTION app_tenant_id();
