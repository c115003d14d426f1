package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/analytics"
	"github.com/stvos/stvos/core/member"
)

// AnalyticsStore implements analytics.Store over the daily rollups of migration 00010
// (watch_partner_days, watch_member_days) and, for the parts of a day at the ends of a period,
// the segments themselves, so a period need not begin or end at midnight and the figures are
// exactly those of the segments: the viewing of the partner's members started in the period.
type AnalyticsStore struct{}

var _ analytics.Store = AnalyticsStore{}

// window splits a period [from, to) into the whole UTC days [days, daysEnd), read from the
// rollups, and the parts of a day before and after them, read from the segments. A period without
// a whole day is read from the segments alone.
type window struct{ from, to, days, daysEnd time.Time }

func split(from, to time.Time) window {
	const day = 24 * time.Hour
	w := window{from: from.UTC(), to: to.UTC()}
	w.days, w.daysEnd = w.from.Truncate(day), w.to.Truncate(day)
	if w.days.Before(w.from) {
		w.days = w.days.Add(day)
	}
	if !w.days.Before(w.daysEnd) {
		w.days, w.daysEnd = w.to, w.to
	}
	return w
}

// args are the window's arguments after the partner's: $1 partner, $2 from, $3 to, $4 and $5
// the whole days' bounds.
func (w window) args(partnerID string, more ...any) []any {
	return append([]any{partnerID, w.from, w.to, w.days, w.daysEnd}, more...)
}

// The queries' parts, over the arguments of window.args.
const (
	// edges are the partner's members' segments started in the period outside its whole days.
	edges = `SELECT p.user_id, p.class_id, p.started_at, p.watched_seconds, p.completed FROM playback_sessions p
		JOIN partner_members pm ON pm.tenant_id = p.tenant_id AND pm.user_id = p.user_id
		WHERE p.tenant_id = app_tenant_id() AND pm.partner_id = $1
		AND (p.started_at >= $2 AND p.started_at < $4 OR p.started_at >= $5 AND p.started_at < $3)`
	// wholeDays selects the partner's rollup rows of the whole days.
	wholeDays = ` WHERE tenant_id = app_tenant_id() AND partner_id = $1
		AND day >= ($4::timestamptz AT TIME ZONE 'UTC')::date AND day < ($5::timestamptz AT TIME ZONE 'UTC')::date`
	// partnerDays are sessions, completed and seconds by day and class, from both sources.
	partnerDays = `SELECT day, class_id, sessions, completed, watched_seconds FROM watch_partner_days` + wholeDays + `
		UNION ALL SELECT (started_at AT TIME ZONE 'UTC')::date, class_id, 1, completed::integer, watched_seconds FROM e`
	// members counts the partner's members who joined before the period ended.
	members = `SELECT count(*) FROM partner_members WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND joined_at < $3`
)

// Totals sums a partner's viewing in the rule's period: members who watched at least the rule's
// seconds in it (summed over their days) are active.
func (AnalyticsStore) Totals(ctx context.Context, partnerID string, a member.Activity) (analytics.Totals, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return analytics.Totals{}, err
	}
	var t analytics.Totals
	err = tx.QueryRow(ctx, `WITH e AS (`+edges+`), d AS (`+partnerDays+`),
			u AS (SELECT user_id, sum(secs) AS secs FROM (
					SELECT user_id, sessions, watched_seconds AS secs FROM watch_member_days`+wholeDays+`
					UNION ALL SELECT user_id, 1, watched_seconds FROM e) x
				GROUP BY user_id HAVING sum(sessions) > 0)
		SELECT (`+members+`), (SELECT count(*) FROM u WHERE secs >= $6),
			(SELECT coalesce(sum(watched_seconds), 0)::bigint FROM d), (SELECT coalesce(sum(sessions), 0)::bigint FROM d),
			(SELECT coalesce(sum(completed), 0)::bigint FROM d)`, split(a.From, a.To).args(partnerID, a.MinSeconds)...).
		Scan(&t.Members, &t.ActiveMembers, &t.WatchSeconds, &t.ClassesWatched, &t.ClassesCompleted)
	return t, translate(err, "analytics")
}

// Viewing sums a partner's viewing in [from, to) as Totals does, without telling who was active:
// that alone reads a row per member and day.
func (AnalyticsStore) Viewing(ctx context.Context, partnerID string, from, to time.Time) (analytics.Totals, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return analytics.Totals{}, err
	}
	var t analytics.Totals
	err = tx.QueryRow(ctx, `WITH e AS (`+edges+`), d AS (`+partnerDays+`)
		SELECT (`+members+`), coalesce(sum(watched_seconds), 0)::bigint, coalesce(sum(sessions), 0)::bigint,
			coalesce(sum(completed), 0)::bigint FROM d`, split(from, to).args(partnerID)...).
		Scan(&t.Members, &t.WatchSeconds, &t.ClassesWatched, &t.ClassesCompleted)
	return t, translate(err, "analytics")
}

// JoinedBetween counts the partner's members who joined in [from, to).
func (AnalyticsStore) JoinedBetween(ctx context.Context, partnerID string, from, to time.Time) (int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = tx.QueryRow(ctx, `SELECT count(*) FROM partner_members WHERE tenant_id = app_tenant_id() AND partner_id = $1
		AND joined_at >= $2 AND joined_at < $3`, partnerID, from, to).Scan(&n)
	return n, translate(err, "analytics")
}

// WatchByDay sums watch time per UTC day, for the days with viewing.
func (AnalyticsStore) WatchByDay(ctx context.Context, partnerID string, from, to time.Time) ([]analytics.Day, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `WITH e AS (`+edges+`)
		SELECT day, sum(watched_seconds)::bigint FROM (`+partnerDays+`) d
		GROUP BY day HAVING sum(sessions) > 0 ORDER BY day`, split(from, to).args(partnerID)...)
	if err != nil {
		return nil, translate(err, "analytics")
	}
	ds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (analytics.Day, error) {
		var d analytics.Day
		err := r.Scan(&d.Date, &d.WatchSeconds)
		return d, err
	})
	return ds, translate(err, "analytics")
}

func popular(ctx context.Context, q string, args ...any) ([]analytics.Popular, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, translate(err, "analytics")
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (analytics.Popular, error) {
		var p analytics.Popular
		err := r.Scan(&p.ID, &p.Name, &p.Category, &p.Views, &p.WatchSeconds)
		return p, err
	})
	return ps, translate(err, "analytics")
}

// viewsWith are the views and seconds of each class watched in the period (v); viewsFrom joins
// each to its class (k) and category (c). Between them go the columns selected.
const (
	viewsWith = `WITH e AS (` + edges + `),
		v AS (SELECT class_id, sum(sessions) AS views, sum(watched_seconds) AS secs FROM (` + partnerDays + `) d
			GROUP BY class_id HAVING sum(sessions) > 0) `
	viewsFrom = ` FROM v JOIN classes k ON k.tenant_id = app_tenant_id() AND k.id = v.class_id
		JOIN categories c ON c.tenant_id = k.tenant_id AND c.id = k.category_id`
)

// PopularCategories ranks categories by views, then watch time.
func (AnalyticsStore) PopularCategories(ctx context.Context, partnerID string, from, to time.Time, limit int) ([]analytics.Popular, error) {
	return popular(ctx, viewsWith+`SELECT c.id::text, c.name, '', sum(v.views)::bigint, sum(v.secs)::bigint`+viewsFrom+`
		GROUP BY c.id, c.name ORDER BY sum(v.views) DESC, sum(v.secs) DESC, c.name LIMIT $6`, split(from, to).args(partnerID, limit)...)
}

// PopularClasses ranks classes by views, then watch time.
func (AnalyticsStore) PopularClasses(ctx context.Context, partnerID string, from, to time.Time, limit int) ([]analytics.Popular, error) {
	return popular(ctx, viewsWith+`SELECT k.id::text, k.title, c.name, v.views::bigint, v.secs::bigint`+viewsFrom+`
		ORDER BY v.views DESC, v.secs DESC, k.title LIMIT $6`, split(from, to).args(partnerID, limit)...)
}
