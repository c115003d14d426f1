package postgres

import (
	"context"
	"strings"
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

// whole reports whether the period is whole days (the reports' periods all are): then no
// statement reads a segment.
func (w window) whole() bool { return w.from.Equal(w.days) && w.to.Equal(w.daysEnd) }

// with is the WITH clause that names the window's edges e (the partner's members' segments
// started in the period outside its whole days), followed by more named queries.
func (w window) with(more ...string) string {
	e := edgeSegments
	if w.whole() {
		e = noSegments
	}
	return "WITH e AS (" + e + ")" + strings.Join(append([]string{""}, more...), ", ")
}

// plus adds the edges to a query of the rollups: rollup UNION ALL edge, unless there are none
// (a union would hide the rollup's statistics from the planner).
func (w window) plus(rollup, edge string) string {
	if w.whole() {
		return rollup
	}
	return rollup + " UNION ALL " + edge
}

// partnerDays are sessions, completed and seconds by day and class.
func (w window) partnerDays() string {
	return w.plus(`SELECT day, class_id, sessions, completed, watched_seconds FROM watch_partner_days`+wholeDays,
		`SELECT (started_at AT TIME ZONE 'UTC')::date, class_id, 1, completed::integer, watched_seconds FROM e`)
}

// memberSeconds are the seconds each member watched in the period. (No HAVING: it would estimate
// a few rows, and the members list would join them by nested loop.)
func (w window) memberSeconds() string {
	return `SELECT user_id, sum(watched_seconds) AS secs FROM (` +
		w.plus(`SELECT user_id, watched_seconds FROM watch_member_days`+wholeDays, `SELECT user_id, watched_seconds FROM e`) +
		`) x GROUP BY user_id`
}

// The queries' parts, over the arguments of window.args.
const (
	edgeSegments = `SELECT p.user_id, p.class_id, p.started_at, p.watched_seconds, p.completed FROM playback_sessions p
		JOIN partner_members pm ON pm.tenant_id = p.tenant_id AND pm.user_id = p.user_id
		WHERE p.tenant_id = ` + thisTenant + ` AND pm.partner_id = $1
		AND (p.started_at >= $2 AND p.started_at < $4 OR p.started_at >= $5 AND p.started_at < $3)`
	noSegments = `SELECT NULL::uuid AS user_id, NULL::uuid AS class_id, NULL::timestamptz AS started_at,
		0 AS watched_seconds, false AS completed WHERE false AND $2::timestamptz < $3::timestamptz` // (typing $2, $3)
	// wholeDays selects the partner's rollup rows of the whole days.
	wholeDays = ` WHERE tenant_id = ` + thisTenant + ` AND partner_id = $1
		AND day >= ($4::timestamptz AT TIME ZONE 'UTC')::date AND day < ($5::timestamptz AT TIME ZONE 'UTC')::date`
	// members counts the partner's members who joined before the period ended.
	members = `SELECT count(*) FROM partner_members WHERE tenant_id = ` + thisTenant + ` AND partner_id = $1 AND joined_at < $3`
)

// Totals sums a partner's viewing in the rule's period: members who watched at least the rule's
// seconds in it (summed over their days) are active.
func (AnalyticsStore) Totals(ctx context.Context, partnerID string, a member.Activity) (analytics.Totals, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return analytics.Totals{}, err
	}
	w := split(a.From, a.To)
	var t analytics.Totals
	err = tx.QueryRow(ctx, w.with("d AS ("+w.partnerDays()+")", "u AS ("+w.memberSeconds()+")")+`
		SELECT (`+members+`), (SELECT count(*) FROM u WHERE secs >= $6),
			(SELECT coalesce(sum(watched_seconds), 0)::bigint FROM d), (SELECT coalesce(sum(sessions), 0)::bigint FROM d),
			(SELECT coalesce(sum(completed), 0)::bigint FROM d)`, w.args(partnerID, a.MinSeconds)...).
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
	w := split(from, to)
	var t analytics.Totals
	err = tx.QueryRow(ctx, w.with("d AS ("+w.partnerDays()+")")+`
		SELECT (`+members+`), coalesce(sum(watched_seconds), 0)::bigint, coalesce(sum(sessions), 0)::bigint,
			coalesce(sum(completed), 0)::bigint FROM d`, w.args(partnerID)...).
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
	w := split(from, to)
	rows, err := tx.Query(ctx, w.with()+`
		SELECT day, sum(watched_seconds)::bigint FROM (`+w.partnerDays()+`) d
		GROUP BY day HAVING sum(sessions) > 0 ORDER BY day`, w.args(partnerID)...)
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

// views are the views and seconds of each class watched in the period (v); viewsFrom joins each
// to its class (k) and category (c). Between them go the columns selected.
func (w window) views() string {
	return `v AS (SELECT class_id, sum(sessions) AS views, sum(watched_seconds) AS secs FROM (` + w.partnerDays() + `) d
		GROUP BY class_id HAVING sum(sessions) > 0) `
}

const viewsFrom = ` FROM v JOIN classes k ON k.tenant_id = ` + thisTenant + ` AND k.id = v.class_id
	JOIN categories c ON c.tenant_id = k.tenant_id AND c.id = k.category_id`

// PopularCategories ranks categories by views, then watch time.
func (AnalyticsStore) PopularCategories(ctx context.Context, partnerID string, from, to time.Time, limit int) ([]analytics.Popular, error) {
	w := split(from, to)
	return popular(ctx, w.with(w.views())+`SELECT c.id::text, c.name, '', sum(v.views)::bigint, sum(v.secs)::bigint`+viewsFrom+`
		GROUP BY c.id, c.name ORDER BY sum(v.views) DESC, sum(v.secs) DESC, c.name LIMIT $6`, w.args(partnerID, limit)...)
}

// PopularClasses ranks classes by views, then watch time.
func (AnalyticsStore) PopularClasses(ctx context.Context, partnerID string, from, to time.Time, limit int) ([]analytics.Popular, error) {
	w := split(from, to)
	return popular(ctx, w.with(w.views())+`SELECT k.id::text, k.title, c.name, v.views::bigint, v.secs::bigint`+viewsFrom+`
		ORDER BY v.views DESC, v.secs DESC, k.title LIMIT $6`, w.args(partnerID, limit)...)
}
