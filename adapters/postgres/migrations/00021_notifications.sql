-- +goose Up
-- Users' in-app notifications. A notification is live while deleted_at is NULL and expires_at is
-- ahead; only live ones are listed, counted and changed, and the periodic purge removes expired
-- ones. dedupe_key, when set, is unique per user: a producer's retried job inserts nothing the
-- second time (INSERT ... ON CONFLICT DO NOTHING). A deleted notification with a key stays as a
-- tombstone without its content until its expiry, so that its key still deduplicates; one without
-- a key is deleted at once. Ids are UUIDv7, so id order is creation order: the list is newest first
-- by id, and a user keeps at most 500 (the oldest beyond are removed when one is created).
CREATE TABLE notifications (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         uuid NOT NULL,
    user_id    uuid NOT NULL,
    type       text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]{0,40}$'),
    priority   text NOT NULL CHECK (priority IN ('low', 'normal', 'high')),
    title      text NOT NULL CHECK (char_length(title) <= 200),
    body       text NOT NULL DEFAULT '' CHECK (char_length(body) <= 2000),
    action_url text NOT NULL DEFAULT '' CHECK (char_length(action_url) <= 2048),
    dedupe_key text CHECK (char_length(dedupe_key) BETWEEN 1 AND 200),
    read_at    timestamptz,
    expires_at timestamptz NOT NULL,
    deleted_at timestamptz,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
-- The list (newest first, by cursor), the unread count (an index-only scan of the user's entries)
-- and trimming to the newest 500.
CREATE INDEX notifications_user ON notifications (tenant_id, user_id, id DESC) INCLUDE (read_at, expires_at, deleted_at);
-- Deduplication; NULL keys never collide.
CREATE UNIQUE INDEX notifications_key ON notifications (tenant_id, user_id, dedupe_key);
-- The periodic purge of expired rows, tenant by tenant.
CREATE INDEX notifications_expiry ON notifications (tenant_id, expires_at);
SELECT stvos_tenant_table('notifications');

-- +goose Down
DROP TABLE notifications;
