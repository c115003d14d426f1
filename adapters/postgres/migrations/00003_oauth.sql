-- +goose Up
-- OAuth 2.0 public clients of a tenant (its apps), found by client_id through the directory.
CREATE TABLE oauth_clients (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              text NOT NULL,
    name            text NOT NULL,
    redirect_uris   text[] NOT NULL,
    scopes          text[] NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- Authorization codes, PKCE and OpenID requests, access and refresh tokens, device codes: what
-- fosite stores, keyed by the token's signature (never the token itself).
CREATE TABLE oauth_requests (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    kind             text NOT NULL,
    signature        text NOT NULL,
    request_id       text NOT NULL,
    client_id        text NOT NULL,
    subject          text NOT NULL DEFAULT '',
    requested_at     timestamptz NOT NULL,
    requested_scopes text[] NOT NULL DEFAULT '{}',
    granted_scopes   text[] NOT NULL DEFAULT '{}',
    requested_audience text[] NOT NULL DEFAULT '{}',
    granted_audience text[] NOT NULL DEFAULT '{}',
    form             jsonb NOT NULL DEFAULT '{}',
    session          jsonb NOT NULL DEFAULT '{}',
    active           boolean NOT NULL DEFAULT true,
    expires_at       timestamptz,
    PRIMARY KEY (tenant_id, kind, signature)
);
CREATE INDEX oauth_requests_request ON oauth_requests (tenant_id, request_id);

-- Device authorization (RFC 8628): the code a person types, tied to the device code's request.
CREATE TABLE oauth_device_codes (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    user_code        text NOT NULL,
    device_signature text NOT NULL,
    client_id        text NOT NULL,
    scopes           text[] NOT NULL,
    subject          text NOT NULL DEFAULT '',
    status           text NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'used')),
    last_polled_at   timestamptz,
    expires_at       timestamptz NOT NULL,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_code)
);
CREATE UNIQUE INDEX oauth_device_codes_device ON oauth_device_codes (tenant_id, device_signature);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['oauth_clients', 'oauth_requests', 'oauth_device_codes'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id())', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- The secret fosite derives opaque token signatures from, shared by every server process.
CREATE TABLE oauth_secrets (
    id              smallint PRIMARY KEY,
    secret          bytea NOT NULL,
    created_at      timestamptz NOT NULL
);
ALTER TABLE oauth_secrets ENABLE ROW LEVEL SECURITY;
ALTER TABLE oauth_secrets FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON oauth_secrets USING (app_is_platform());

-- +goose Down
DROP TABLE oauth_secrets, oauth_device_codes, oauth_requests, oauth_clients;
