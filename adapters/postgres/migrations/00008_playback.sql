-- +goose Up
-- Playback sessions: one per stream a member starts. Each is a watch segment: watched_seconds
-- counts the time reported between heartbeats; completed marks a class watched to the end.
CREATE TABLE playback_sessions (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    user_id          uuid NOT NULL,
    class_id         uuid NOT NULL,
    device           text NOT NULL DEFAULT '',
    started_at       timestamptz NOT NULL,
    last_beat_at     timestamptz NOT NULL,
    ended_at         timestamptz,
    position_seconds integer NOT NULL DEFAULT 0,
    watched_seconds  integer NOT NULL DEFAULT 0,
    completed        boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, class_id) REFERENCES classes (tenant_id, id)
);
CREATE INDEX playback_sessions_user ON playback_sessions (tenant_id, user_id, started_at DESC);
CREATE INDEX playback_sessions_time ON playback_sessions (tenant_id, started_at);
CREATE INDEX playback_sessions_open ON playback_sessions (tenant_id, user_id) WHERE ended_at IS NULL;
SELECT stvos_tenant_table('playback_sessions');

-- +goose Down
DROP TABLE playback_sessions;
