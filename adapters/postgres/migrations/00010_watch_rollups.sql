-- +goose Up
-- Daily rollups of the viewing of partners' members, so the partner dashboard and analytics read
-- a few thousand rows instead of every watch segment (playback_sessions) of the partner, which
-- over a year of a large gym is millions (issue 6: p95 under 50 ms over 10 million segments).
--
-- A segment counts for the partner its user is a member of (partner_members, read now, as the
-- reports always did), on the UTC day it started. The rollups are kept by triggers in the
-- transaction that changes a segment or a membership, whoever changes it (the playback store's
-- heartbeats and stops, an import, a fix by hand), so they never drift from the segments. Rows
-- are added to by deltas and may fall to zero sessions (a segment deleted): readers skip those.
--
-- Heartbeats update today's rows over and over: the room left in each page (fillfactor) lets
-- PostgreSQL update them in place (HOT) rather than spread them over the table.
--
-- watch_partner_days: per partner, day and class: sessions started, completed, seconds watched.
-- It answers totals, watch time by day, popular classes and categories.
CREATE TABLE watch_partner_days (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    partner_id      uuid NOT NULL,
    day             date NOT NULL,
    class_id        uuid NOT NULL,
    sessions        integer NOT NULL,
    completed       integer NOT NULL,
    watched_seconds bigint NOT NULL,
    PRIMARY KEY (tenant_id, partner_id, day, class_id)
) WITH (fillfactor = 80);
SELECT stvos_tenant_table('watch_partner_days');

-- watch_member_days: per partner, day and member: sessions started and seconds watched. It
-- answers who is active in a period (core/member's rule sums a member's seconds over it).
CREATE TABLE watch_member_days (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    partner_id      uuid NOT NULL,
    day             date NOT NULL,
    user_id         uuid NOT NULL,
    sessions        integer NOT NULL,
    watched_seconds bigint NOT NULL,
    PRIMARY KEY (tenant_id, partner_id, day, user_id)
) WITH (fillfactor = 80);
SELECT stvos_tenant_table('watch_member_days');

-- watch_members: per partner and member, all time: sessions, completed, seconds watched and the
-- last heartbeat. It answers the members list and export without reading a member's segments.
CREATE TABLE watch_members (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    partner_id      uuid NOT NULL,
    user_id         uuid NOT NULL,
    sessions        integer NOT NULL,
    completed       integer NOT NULL,
    watched_seconds bigint NOT NULL,
    last_watched_at timestamptz,
    PRIMARY KEY (tenant_id, partner_id, user_id)
) WITH (fillfactor = 80);
SELECT stvos_tenant_table('watch_members');

-- stvos_watch_add adds one segment's figures (negative to take them away) to the rollups of the
-- partner the user is a member of, if any. last is the segment's last heartbeat: the member's
-- latest is kept by greatest(), and computed again from the segments when one is taken away.
-- +goose StatementBegin
CREATE FUNCTION stvos_watch_add(t uuid, u uuid, c uuid, started timestamptz, n integer, done integer, secs bigint,
    last timestamptz, removed boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    p uuid;
    d date := (started AT TIME ZONE 'UTC')::date;
BEGIN
    SELECT partner_id INTO p FROM partner_members WHERE tenant_id = t AND user_id = u;
    IF p IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO watch_partner_days AS w (tenant_id, partner_id, day, class_id, sessions, completed, watched_seconds)
    VALUES (t, p, d, c, n, done, secs)
    ON CONFLICT (tenant_id, partner_id, day, class_id) DO UPDATE SET sessions = w.sessions + excluded.sessions,
        completed = w.completed + excluded.completed, watched_seconds = w.watched_seconds + excluded.watched_seconds;
    INSERT INTO watch_member_days AS w (tenant_id, partner_id, day, user_id, sessions, watched_seconds)
    VALUES (t, p, d, u, n, secs)
    ON CONFLICT (tenant_id, partner_id, day, user_id) DO UPDATE SET sessions = w.sessions + excluded.sessions,
        watched_seconds = w.watched_seconds + excluded.watched_seconds;
    IF removed THEN
        last := (SELECT max(last_beat_at) FROM playback_sessions WHERE tenant_id = t AND user_id = u);
    END IF;
    INSERT INTO watch_members AS w (tenant_id, partner_id, user_id, sessions, completed, watched_seconds, last_watched_at)
    VALUES (t, p, u, n, done, secs, last)
    ON CONFLICT (tenant_id, partner_id, user_id) DO UPDATE SET sessions = w.sessions + excluded.sessions,
        completed = w.completed + excluded.completed, watched_seconds = w.watched_seconds + excluded.watched_seconds,
        last_watched_at = CASE WHEN removed THEN excluded.last_watched_at
            ELSE greatest(w.last_watched_at, excluded.last_watched_at) END;
END
$$;
-- +goose StatementEnd

-- A segment's change is applied as a delta: a heartbeat adds the seconds it reported.
-- +goose StatementBegin
CREATE FUNCTION stvos_watch_segment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.tenant_id = OLD.tenant_id AND NEW.user_id = OLD.user_id
            AND NEW.class_id = OLD.class_id AND NEW.started_at = OLD.started_at THEN
        IF NEW.watched_seconds <> OLD.watched_seconds OR NEW.completed <> OLD.completed OR NEW.last_beat_at <> OLD.last_beat_at THEN
            PERFORM stvos_watch_add(NEW.tenant_id, NEW.user_id, NEW.class_id, NEW.started_at, 0,
                NEW.completed::integer - OLD.completed::integer, NEW.watched_seconds::bigint - OLD.watched_seconds,
                NEW.last_beat_at, NEW.last_beat_at < OLD.last_beat_at);
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM stvos_watch_add(OLD.tenant_id, OLD.user_id, OLD.class_id, OLD.started_at, -1,
            -OLD.completed::integer, -OLD.watched_seconds::bigint, NULL, true);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM stvos_watch_add(NEW.tenant_id, NEW.user_id, NEW.class_id, NEW.started_at, 1,
            NEW.completed::integer, NEW.watched_seconds, NEW.last_beat_at, false);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER watch_rollups AFTER INSERT OR DELETE OR UPDATE OF tenant_id, user_id, class_id, started_at, last_beat_at,
    watched_seconds, completed ON playback_sessions FOR EACH ROW EXECUTE FUNCTION stvos_watch_segment();

-- stvos_watch_member moves a member's segments to (or from) the rollups of (or away from) their
-- partner: sign is 1 to add, -1 to take away.
-- +goose StatementBegin
CREATE FUNCTION stvos_watch_member(t uuid, u uuid, p uuid, sign integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO watch_partner_days AS w (tenant_id, partner_id, day, class_id, sessions, completed, watched_seconds)
    SELECT t, p, (started_at AT TIME ZONE 'UTC')::date, class_id, sign * count(*), sign * count(*) FILTER (WHERE completed),
        sign * sum(watched_seconds)
    FROM playback_sessions WHERE tenant_id = t AND user_id = u GROUP BY 3, 4
    ON CONFLICT (tenant_id, partner_id, day, class_id) DO UPDATE SET sessions = w.sessions + excluded.sessions,
        completed = w.completed + excluded.completed, watched_seconds = w.watched_seconds + excluded.watched_seconds;
    INSERT INTO watch_member_days AS w (tenant_id, partner_id, day, user_id, sessions, watched_seconds)
    SELECT t, p, (started_at AT TIME ZONE 'UTC')::date, u, sign * count(*), sign * sum(watched_seconds)
    FROM playback_sessions WHERE tenant_id = t AND user_id = u GROUP BY 3
    ON CONFLICT (tenant_id, partner_id, day, user_id) DO UPDATE SET sessions = w.sessions + excluded.sessions,
        watched_seconds = w.watched_seconds + excluded.watched_seconds;
    -- A member's row holds all their segments: it comes and goes with the membership.
    DELETE FROM watch_members WHERE tenant_id = t AND partner_id = p AND user_id = u AND sign < 0;
    INSERT INTO watch_members (tenant_id, partner_id, user_id, sessions, completed, watched_seconds, last_watched_at)
    SELECT t, p, u, count(*), count(*) FILTER (WHERE completed), sum(watched_seconds), max(last_beat_at)
    FROM playback_sessions WHERE tenant_id = t AND user_id = u AND sign > 0 HAVING count(*) > 0;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION stvos_watch_membership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.tenant_id = OLD.tenant_id AND NEW.user_id = OLD.user_id AND NEW.partner_id = OLD.partner_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM stvos_watch_member(OLD.tenant_id, OLD.user_id, OLD.partner_id, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM stvos_watch_member(NEW.tenant_id, NEW.user_id, NEW.partner_id, 1);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER watch_rollups AFTER INSERT OR DELETE OR UPDATE OF tenant_id, user_id, partner_id
    ON partner_members FOR EACH ROW EXECUTE FUNCTION stvos_watch_membership();

-- stvos_watch_rebuild computes the rollups again from the segments, tenant by tenant under
-- row-level security: here for the segments that exist already, and after a bulk load that
-- bypassed the triggers (session_replication_role = replica). Rows go in in key order, as days
-- passing write them, so a partner's month is a few adjacent pages.
-- +goose StatementBegin
CREATE FUNCTION stvos_watch_rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t uuid;
    ids uuid[];
BEGIN
    -- The tenants are read first: the platform scope that shows them is left for each tenant's.
    PERFORM set_config('app.scope', 'platform', true);
    ids := ARRAY(SELECT id FROM tenants);
    FOREACH t IN ARRAY ids LOOP
        PERFORM set_config('app.scope', '', true);
        PERFORM set_config('app.tenant_id', t::text, true);
        DELETE FROM watch_partner_days WHERE tenant_id = t;
        DELETE FROM watch_member_days WHERE tenant_id = t;
        DELETE FROM watch_members WHERE tenant_id = t;
        INSERT INTO watch_partner_days (tenant_id, partner_id, day, class_id, sessions, completed, watched_seconds)
        SELECT t, pm.partner_id, (p.started_at AT TIME ZONE 'UTC')::date, p.class_id, count(*), count(*) FILTER (WHERE p.completed),
            sum(p.watched_seconds)
        FROM playback_sessions p JOIN partner_members pm ON pm.tenant_id = p.tenant_id AND pm.user_id = p.user_id
        WHERE p.tenant_id = t GROUP BY 2, 3, 4 ORDER BY 2, 3, 4;
        INSERT INTO watch_member_days (tenant_id, partner_id, day, user_id, sessions, watched_seconds)
        SELECT t, pm.partner_id, (p.started_at AT TIME ZONE 'UTC')::date, p.user_id, count(*), sum(p.watched_seconds)
        FROM playback_sessions p JOIN partner_members pm ON pm.tenant_id = p.tenant_id AND pm.user_id = p.user_id
        WHERE p.tenant_id = t GROUP BY 2, 3, 4 ORDER BY 2, 3, 4;
        INSERT INTO watch_members (tenant_id, partner_id, user_id, sessions, completed, watched_seconds, last_watched_at)
        SELECT t, pm.partner_id, p.user_id, count(*), count(*) FILTER (WHERE p.completed), sum(p.watched_seconds), max(p.last_beat_at)
        FROM playback_sessions p JOIN partner_members pm ON pm.tenant_id = p.tenant_id AND pm.user_id = p.user_id
        WHERE p.tenant_id = t GROUP BY 2, 3 ORDER BY 2, 3;
    END LOOP;
    PERFORM set_config('app.scope', '', true);
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION stvos_watch_rebuild() FROM PUBLIC, stvos_app;
SELECT stvos_watch_rebuild();

-- +goose Down
DROP TRIGGER watch_rollups ON partner_members;
DROP TRIGGER watch_rollups ON playback_sessions;
DROP FUNCTION stvos_watch_rebuild(), stvos_watch_membership(), stvos_watch_member(uuid, uuid, uuid, integer),
    stvos_watch_segment(), stvos_watch_add(uuid, uuid, uuid, timestamptz, integer, integer, bigint, timestamptz, boolean);
DROP TABLE watch_members, watch_member_days, watch_partner_days;
