-- +goose Up
-- Products of a client's store section, each managed by the partner that created it. price is an
-- exact decimal written with the currency's minor digits by the core (NULL: no price shown).
CREATE TABLE products (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    partner_id    uuid NOT NULL,
    name          text NOT NULL,
    description   text NOT NULL DEFAULT '',
    image         text NOT NULL DEFAULT '',
    price         numeric CHECK (price >= 0 AND price < 10000000000),
    currency      char(3) NOT NULL,
    external_url  text NOT NULL DEFAULT '',
    product_type  text NOT NULL DEFAULT '',
    featured      boolean NOT NULL DEFAULT false,
    status        text NOT NULL CHECK (status IN ('draft', 'active', 'archived')),
    sort_order    integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id)
);
CREATE INDEX products_partner ON products (tenant_id, partner_id, created_at DESC);
CREATE INDEX products_active ON products (tenant_id, sort_order, created_at DESC) WHERE status = 'active';
SELECT stvos_tenant_table('products');

-- +goose Down
DROP TABLE products;
