-- +goose Up
-- The catalog of a client: categories and classes. A deleted class keeps its row (deleted_at) so
-- viewing history and analytics keep its title.
CREATE TABLE categories (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL,
    name            text NOT NULL,
    description     text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX categories_name ON categories (tenant_id, lower(name));
SELECT stvos_tenant_table('categories');

CREATE TABLE classes (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    category_id      uuid NOT NULL,
    title            text NOT NULL,
    description      text NOT NULL DEFAULT '',
    instructor       text NOT NULL DEFAULT '',
    duration_seconds integer NOT NULL CHECK (duration_seconds > 0),
    thumbnail_url    text NOT NULL DEFAULT '',
    level            text NOT NULL,
    published        boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    version          integer NOT NULL DEFAULT 1,
    deleted_at       timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id)
);
CREATE INDEX classes_listing ON classes (tenant_id, created_at DESC, id) WHERE deleted_at IS NULL;
CREATE INDEX classes_category ON classes (tenant_id, category_id) WHERE deleted_at IS NULL;
SELECT stvos_tenant_table('classes');

-- +goose Down
DROP TABLE classes, categories;
