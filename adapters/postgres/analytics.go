package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/analytics"
	"github.com/stvos/stvos/core/member"
)

// AnalyticsStore implements analytics.Store.
type AnalyticsStore struct{}

var _ analytics.Store = AnalyticsStore{}

// partnerViewing is the playback of a partner's members started in [$2, $3): $1 partner.
const partnerViewing = `SELECT p.* FROM playback_sessions p
	JOIN partner_members pm ON pm.tenant_id = p.tenant_id AND pm.user_id = p.user_id
	WHERE p.tenant_id = app_tenant_id() AND pm.partner_id = $1 AND p.started_at >= $2 AND p.started_at < $3`

// Totals sums a partner's viewing in the rule's period.
func (AnalyticsStore) Totals(ctx context.Context, partnerID string, a member.Activity) (analytics.Totals, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return analytics.Totals{}, err
	}
	var t analytics.Totals
	err = tx.QueryRow(ctx, `WITH s AS (`+partnerViewing+`),
			u AS (SELECT user_id, sum(watched_seconds) AS secs FROM s GROUP BY user_id)
		SELECT (SELECT count(*) FROM partner_members WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND joined_at < $3),
			(SELECT count(*) FROM u WHERE secs >= $4),
			(SELECT coalesce(sum(watched_seconds), 0) FROM s), (SELECT count(*) FROM s),
			(SELECT count(*) FROM s WHERE completed)`, partnerID, a.From, a.To, a.MinSeconds).
		Scan(&t.Members, &t.ActiveMembers, &t.WatchSeconds, &t.ClassesWatched, &t.ClassesCompleted)
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

// WatchByDay sums watch time per UTC day.
func (AnalyticsStore) WatchByDay(ctx context.Context, partnerID string, from, to time.Time) ([]analytics.Day, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT (started_at AT TIME ZONE 'UTC')::date AS day, sum(watched_seconds)
		FROM (`+partnerViewing+`) s GROUP BY day ORDER BY day`, partnerID, from, to)
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

// PopularCategories ranks categories by views, then watch time.
func (AnalyticsStore) PopularCategories(ctx context.Context, partnerID string, from, to time.Time, limit int) ([]analytics.Popular, error) {
	return popular(ctx, `SELECT c.id::text, c.name, '', count(*), sum(s.watched_seconds)
		FROM (`+partnerViewing+`) s JOIN classes k ON k.tenant_id = s.tenant_id AND k.id = s.class_id
		JOIN categories c ON c.tenant_id = k.tenant_id AND c.id = k.category_id
		GROUP BY c.id, c.name ORDER BY count(*) DESC, sum(s.watched_seconds) DESC, c.name LIMIT $4`, partnerID, from, to, limit)
}

// PopularClasses ranks classes by views, then watch time.
func (AnalyticsStore) PopularClasses(ctx context.Context, partnerID string, from, to time.Time, limit int) ([]analytics.Popular, error) {
	return popular(ctx, `SELECT k.id::text, k.title, c.name, count(*), sum(s.watched_seconds)
		FROM (`+partnerViewing+`) s JOIN classes k ON k.tenant_id = s.tenant_id AND k.id = s.class_id
		JOIN categories c ON c.tenant_id = k.tenant_id AND c.id = k.category_id
		GROUP BY k.id, k.title, c.name ORDER BY count(*) DESC, sum(s.watched_seconds) DESC, k.title LIMIT $4`, partnerID, from, to, limit)
}
