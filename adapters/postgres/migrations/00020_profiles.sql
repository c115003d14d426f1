-- +goose Up
-- Sub-profiles of an account: who is watching. Every account has exactly one primary profile
-- (profiles_primary), created by the core on the account's first profile listing or creation;
-- it cannot be deleted. How many profiles an account may hold is counted by the core under a
-- transaction-scoped advisory lock on the account, so concurrent creations cannot pass the limit.
-- A PIN is never stored: pin_hash is its argon2id hash (PHC string), null when the profile has
-- no PIN. content_rating_limit bounds the classes the profile is shown (see classes below).
CREATE TABLE profiles (
    tenant_id             uuid NOT NULL REFERENCES tenants (id),
    id                    uuid NOT NULL,
    user_id               uuid NOT NULL,
    name                  text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
    avatar_preset_id      uuid,
    pin_hash              text CHECK (pin_hash <> ''),
    content_rating_limit  text NOT NULL
        CHECK (content_rating_limit IN ('G', 'PG', 'PG-13', 'R', 'NC-17', 'TV-Y', 'TV-G', 'TV-PG', 'TV-14', 'TV-MA')),
    language              text NOT NULL CHECK (char_length(language) BETWEEN 2 AND 35),
    is_kids               boolean NOT NULL DEFAULT false,
    autoplay_next_episode boolean NOT NULL DEFAULT true,
    is_primary            boolean NOT NULL DEFAULT false,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX profiles_user ON profiles (tenant_id, user_id, id);
CREATE UNIQUE INDEX profiles_primary ON profiles (tenant_id, user_id) WHERE is_primary;
SELECT stvos_tenant_table('profiles');

-- A class may carry a content rating (null: not rated). The app lists a profile only the classes
-- rated within its limit, and those not rated.
ALTER TABLE classes ADD COLUMN content_rating text
    CHECK (content_rating IN ('G', 'PG', 'PG-13', 'R', 'NC-17', 'TV-Y', 'TV-G', 'TV-PG', 'TV-14', 'TV-MA'));

-- +goose Down
ALTER TABLE classes DROP COLUMN content_rating;
DROP TABLE profiles;
