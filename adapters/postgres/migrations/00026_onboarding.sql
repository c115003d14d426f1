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

-- Onboardings (issue 7): one connection attempt of an organization to a POS or DSP provider. The
-- state, PKCE verifier and, once active, the provider's tokens are read back, so they are kept
-- sealed (ports.Sealer); sealed_auth is erased when the code is exchanged. partner_id is on every
-- row and every query filters by it; the foreign key to (tenant_id, partner_id, id) of
-- organizations makes a row of one partner pointing at another partner's organization impossible.
CREATE UNIQUE INDEX organizations_partner_id ON organizations (tenant_id, partner_id, id);

CREATE TABLE onboardings (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    id                uuid NOT NULL,
    partner_id        uuid NOT NULL,
    org_id            uuid NOT NULL,
    partner_org_id    text NOT NULL,
    type              text NOT NULL CHECK (type IN ('pos', 'dsp')),
    source            text NOT NULL CHECK (char_length(source) BETWEEN 1 AND 64),
    status            text NOT NULL CHECK (status IN ('pending', 'active', 'failed')),
    merchant_id       text NOT NULL DEFAULT '',
    integration_id    text NOT NULL DEFAULT '',
    entry_url         text NOT NULL,
    return_url        text NOT NULL CHECK (char_length(return_url) BETWEEN 1 AND 2048),
    sealed_auth       text NOT NULL DEFAULT '',
    sealed_connection text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id, org_id) REFERENCES organizations (tenant_id, partner_id, id) ON DELETE CASCADE
);
CREATE INDEX onboardings_partner ON onboardings (tenant_id, partner_id, id);
SELECT stvos_tenant_table('onboardings');

-- An organization's locations, ingested from a POS onboarding; one per (organization, source,
-- provider id), so ingesting again answers the location already there.
CREATE TABLE onboarding_locations (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    partner_id    uuid NOT NULL,
    org_id        uuid NOT NULL,
    onboarding_id uuid NOT NULL,
    provider_id   text NOT NULL CHECK (char_length(provider_id) BETWEEN 1 AND 128),
    name          text NOT NULL,
    source        text NOT NULL,
    status        text NOT NULL CHECK (status IN ('active', 'inactive')),
    address       jsonb NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id, org_id) REFERENCES organizations (tenant_id, partner_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, onboarding_id) REFERENCES onboardings (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX onboarding_locations_provider ON onboarding_locations (tenant_id, org_id, source, provider_id);
CREATE INDEX onboarding_locations_partner ON onboarding_locations (tenant_id, partner_id, org_id, id);
SELECT stvos_tenant_table('onboarding_locations');

-- DSP connections: a DSP store bound to a location, one per (location, source, store). The menus
-- assignment is the connection's menu_ids, replaced as a whole (PUT /onboarding/menus); empty
-- means every menu of the location is published. change_time moves with status and menus.
CREATE TABLE dsp_connections (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    partner_id    uuid NOT NULL,
    org_id        uuid NOT NULL,
    location_id   uuid NOT NULL,
    onboarding_id uuid NOT NULL,
    source        text NOT NULL,
    provider_id   text NOT NULL CHECK (char_length(provider_id) BETWEEN 1 AND 128),
    store_name    text NOT NULL,
    status        text NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
    menu_ids      text[] NOT NULL DEFAULT '{}' CHECK (cardinality(menu_ids) <= 100),
    change_time   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id, org_id) REFERENCES organizations (tenant_id, partner_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, location_id) REFERENCES onboarding_locations (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, onboarding_id) REFERENCES onboardings (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX dsp_connections_store ON dsp_connections (tenant_id, location_id, source, provider_id);
CREATE INDEX dsp_connections_partner ON dsp_connections (tenant_id, partner_id, org_id, location_id);
SELECT stvos_tenant_table('dsp_connections');

-- A client's own integration sources: a generic OAuth 2 POS or DSP per source name, set by
-- operators. The client secret is read back to call the provider's token endpoint, so it is kept
-- sealed (empty for a public client relying on PKCE alone).
CREATE TABLE integration_sources (
    tenant_id            uuid NOT NULL REFERENCES tenants (id),
    source               text NOT NULL CHECK (char_length(source) BETWEEN 1 AND 64),
    auth_url             text NOT NULL,
    token_url            text NOT NULL,
    client_id            text NOT NULL,
    sealed_client_secret text NOT NULL DEFAULT '',
    scopes               text[] NOT NULL DEFAULT '{}',
    locations_url        text NOT NULL,
    menus_url            text NOT NULL DEFAULT '',
    userinfo_url         text NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, source)
);
SELECT stvos_tenant_table('integration_sources');

-- +goose Down
DROP TABLE integration_sources;
DROP TABLE dsp_connections;
DROP TABLE onboarding_locations;
DROP TABLE onboardings;
DROP INDEX organizations_partner_id;
DROP TABLE webhook_endpoints;
