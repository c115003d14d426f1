-- +goose Up
-- The enterprise partner surface (issue 7), its credentials foundation: organizations of a
-- partner with their people, partner tokens (machine credentials), and single sign-on tickets.

-- An organization is one of a partner's customers (a restaurant group, a gym chain), known to
-- the partner by provider_id, unique within the partner so a retried creation collides instead
-- of duplicating. Onboarding adds its locations later.
CREATE TABLE organizations (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    partner_id  uuid NOT NULL,
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    provider_id text NOT NULL CHECK (char_length(provider_id) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id)
);
CREATE UNIQUE INDEX organizations_provider ON organizations (tenant_id, partner_id, provider_id);
SELECT stvos_tenant_table('organizations');

-- The people of an organization: users of the client (a user is created, or found by email,
-- when named with a new organization or signed in by single sign-on), with their role there.
CREATE TABLE organization_users (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    org_id     uuid NOT NULL,
    user_id    uuid NOT NULL,
    role       text NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'team_member', 'custom')),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, org_id, user_id),
    FOREIGN KEY (tenant_id, org_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX organization_users_user ON organization_users (tenant_id, user_id);
SELECT stvos_tenant_table('organization_users');

-- Partner tokens: an enterprise partner's machine credentials (client_id and client_secret,
-- exchanged at POST /token). Only a SHA-256 hash of the secret is kept (256 random bits, as for
-- API keys); client_id finds the client through the platform directory (kind partner_token).
-- created_by_* name who minted it: a staff member or another partner token.
CREATE TABLE partner_tokens (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL,
    partner_id      uuid NOT NULL,
    org_id          uuid NOT NULL,
    name            text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    client_id       text NOT NULL,
    secret_hash     bytea NOT NULL CHECK (length(secret_hash) = 32),
    scopes          text[] NOT NULL CHECK (cardinality(scopes) >= 1),
    created_by_kind text NOT NULL,
    created_by_id   uuid NOT NULL,
    created_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, org_id) REFERENCES organizations (tenant_id, id)
);
CREATE UNIQUE INDEX partner_tokens_client ON partner_tokens (tenant_id, client_id);
CREATE INDEX partner_tokens_partner ON partner_tokens (tenant_id, partner_id, id);
SELECT stvos_tenant_table('partner_tokens');

-- Single sign-on tickets: a partner vouches for a person, the person's app trades the ticket
-- (sso_login_token) once, within minutes, for a session. Only a hash of the ticket's secret is
-- kept; used_at marks the one exchange.
CREATE TABLE sso_tickets (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    id                uuid NOT NULL,
    partner_id        uuid NOT NULL,
    token_id          uuid NOT NULL,
    secret_hash       bytea NOT NULL CHECK (length(secret_hash) = 32),
    email             text NOT NULL,
    full_name         text NOT NULL,
    phone_number      text NOT NULL,
    role              text NOT NULL,
    provider_org_id   text NOT NULL DEFAULT '',
    provider_org_name text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL CHECK (expires_at > created_at),
    used_at           timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id)
);
CREATE INDEX sso_tickets_expiry ON sso_tickets (tenant_id, expires_at);
SELECT stvos_tenant_table('sso_tickets');

-- +goose Down
DROP TABLE sso_tickets;
DROP TABLE partner_tokens;
DROP TABLE organization_users;
DROP TABLE organizations;
