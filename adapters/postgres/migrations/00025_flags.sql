-- +goose Up
-- Feature flags of each client (core/flag). A flag's variations and rules are small lists read
-- and written whole with the flag, so they are jsonb columns of its row. Individual targets and
-- segment members are rows, one per context and owner: partner_id names the partner that added
-- the context, NULL the client itself (admins, operators); the same context added by two owners
-- is two rows, so each owner removes only its own. Scheduled changes are rows too; the job that
-- applies one at its time (River) finds it by id and does nothing unless it is still pending.
CREATE TABLE flags (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    key              text NOT NULL CHECK (key ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
    type             text NOT NULL CHECK (type IN ('boolean', 'string', 'number', 'json')),
    description      text NOT NULL DEFAULT '' CHECK (char_length(description) <= 1000),
    variations       jsonb NOT NULL CHECK (jsonb_typeof(variations) = 'array'),
    default_variation text NOT NULL,
    off_variation    text NOT NULL,
    target_variation text NOT NULL,
    rules            jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(rules) = 'array'),
    enabled          boolean NOT NULL,
    version          integer NOT NULL CHECK (version >= 1),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
SELECT stvos_tenant_table('flags');

CREATE TABLE flag_segments (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    key         text NOT NULL CHECK (key ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 1000),
    version     integer NOT NULL CHECK (version >= 1),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
SELECT stvos_tenant_table('flag_segments');

CREATE TABLE flag_targets (
    tenant_id    uuid NOT NULL,
    flag_key     text NOT NULL,
    context_kind text NOT NULL CHECK (context_kind ~ '^[a-z][a-z0-9_-]{0,39}$'),
    context_key  text NOT NULL CHECK (char_length(context_key) BETWEEN 1 AND 256),
    partner_id   uuid,
    created_at   timestamptz NOT NULL,
    UNIQUE NULLS NOT DISTINCT (tenant_id, flag_key, context_kind, context_key, partner_id),
    FOREIGN KEY (tenant_id, flag_key) REFERENCES flags (tenant_id, key) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id) ON DELETE CASCADE
);
-- A partner's contexts, searched by key.
CREATE INDEX flag_targets_partner ON flag_targets (tenant_id, partner_id, context_key);
SELECT stvos_tenant_table('flag_targets');

CREATE TABLE flag_segment_contexts (
    tenant_id    uuid NOT NULL,
    segment_key  text NOT NULL,
    context_kind text NOT NULL CHECK (context_kind ~ '^[a-z][a-z0-9_-]{0,39}$'),
    context_key  text NOT NULL CHECK (char_length(context_key) BETWEEN 1 AND 256),
    partner_id   uuid,
    created_at   timestamptz NOT NULL,
    UNIQUE NULLS NOT DISTINCT (tenant_id, segment_key, context_kind, context_key, partner_id),
    FOREIGN KEY (tenant_id, segment_key) REFERENCES flag_segments (tenant_id, key) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX flag_segment_contexts_partner ON flag_segment_contexts (tenant_id, partner_id, context_key);
SELECT stvos_tenant_table('flag_segment_contexts');

CREATE TABLE flag_schedules (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL,
    flag_key        text NOT NULL,
    action          text NOT NULL CHECK (action IN ('turn_on', 'turn_off', 'set_default')),
    variation       text NOT NULL DEFAULT '',
    run_at          timestamptz NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'done', 'canceled', 'failed')),
    detail          text NOT NULL DEFAULT '',
    created_by_kind text NOT NULL,
    created_by_id   text NOT NULL,
    created_at      timestamptz NOT NULL,
    done_at         timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, flag_key) REFERENCES flags (tenant_id, key) ON DELETE CASCADE
);
CREATE INDEX flag_schedules_flag ON flag_schedules (tenant_id, flag_key, run_at);
SELECT stvos_tenant_table('flag_schedules');

-- +goose Down
DROP TABLE flag_schedules;
DROP TABLE flag_segment_contexts;
DROP TABLE flag_targets;
DROP TABLE flag_segments;
DROP TABLE flags;
