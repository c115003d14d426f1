-- +goose Up
-- A kids profile may be limited to chosen titles: allowed_class_ids lists them (null: every class
-- within its content rating limit; an empty array: none). Ids of classes deleted later simply
-- match nothing. Only kids profiles carry a list, of at most 200 titles.
ALTER TABLE profiles ADD COLUMN allowed_class_ids uuid[]
    CHECK (allowed_class_ids IS NULL OR (is_kids AND cardinality(allowed_class_ids) <= 200));

-- An account's master PIN guards its profile settings: while it is set, creating, changing or
-- deleting a profile needs it. Only its argon2id hash (PHC string) is kept. It goes with the
-- account.
CREATE TABLE profile_master_pins (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    user_id    uuid NOT NULL,
    pin_hash   text NOT NULL CHECK (pin_hash <> ''),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
SELECT stvos_tenant_table('profile_master_pins');

-- Admins list every invoice of their client, newest first (GET /admin/invoices).
CREATE INDEX invoices_tenant ON invoices (tenant_id, created_at DESC, id DESC);

-- +goose Down
DROP INDEX invoices_tenant;
DROP TABLE profile_master_pins;
ALTER TABLE profiles DROP COLUMN allowed_class_ids;
