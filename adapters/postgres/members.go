package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/member"
)

// MemberStore implements member.Store.
type MemberStore struct{}

var _ member.Store = MemberStore{}

// memberQuery selects a partner's members with their activity under the rule: $1 partner, $2 from,
// $3 to, $4 minimum seconds; more arguments follow for the filter.
func memberQuery(f member.Filter, a member.Activity, partnerID string, extra string) (string, []any) {
	args := []any{partnerID, a.From, a.To, a.MinSeconds}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"m.tenant_id = app_tenant_id()", "m.partner_id = $1"}
	if s := strings.TrimSpace(f.Search); s != "" {
		p := arg("%" + likeEscape(s) + "%")
		where = append(where, "(u.display_name ILIKE "+p+" OR u.email ILIKE "+p+")")
	}
	switch f.Status {
	case member.StatusActive:
		where = append(where, "coalesce(a.period_seconds, 0) >= $4")
	case member.StatusInactive:
		where = append(where, "coalesce(a.period_seconds, 0) < $4")
	}
	q := `WITH a AS (
			SELECT p.user_id,
				sum(p.watched_seconds) FILTER (WHERE p.started_at >= $2 AND p.started_at < $3) AS period_seconds,
				sum(p.watched_seconds) AS total_seconds, count(*) AS sessions,
				count(*) FILTER (WHERE p.completed) AS completed, max(p.last_beat_at) AS last_watched
			FROM playback_sessions p JOIN partner_members pm ON pm.tenant_id = p.tenant_id AND pm.user_id = p.user_id
			WHERE p.tenant_id = app_tenant_id() AND pm.partner_id = $1
			GROUP BY p.user_id)
		SELECT m.user_id, u.display_name, u.email, u.status, m.joined_at, coalesce(v.code, ''),
			coalesce(a.total_seconds, 0), coalesce(a.period_seconds, 0), coalesce(a.sessions, 0), coalesce(a.completed, 0),
			a.last_watched, coalesce(a.period_seconds, 0) >= $4` + extra + `
		FROM partner_members m JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
		LEFT JOIN vouchers v ON v.id = m.voucher_id
		LEFT JOIN a ON a.user_id = m.user_id
		WHERE ` + strings.Join(where, " AND ")
	return q, args
}

var memberOrder = map[string]string{
	"name": "lower(u.display_name)", "email": "u.email", "joinedAt": "m.joined_at",
	"watchTime": "coalesce(a.total_seconds, 0)", "lastWatchedAt": "a.last_watched",
}

func orderOf(sort string) string {
	dir := " ASC NULLS FIRST"
	if strings.HasPrefix(sort, "-") {
		sort, dir = sort[1:], " DESC NULLS LAST"
	}
	col, ok := memberOrder[sort]
	if !ok {
		col, dir = "m.joined_at", " DESC"
	}
	return " ORDER BY " + col + dir + ", m.user_id"
}

func scanMember(row pgx.Row, withTotal bool) (member.Member, int, error) {
	var (
		m     member.Member
		total int
	)
	dest := []any{&m.UserID, &m.Name, &m.Email, &m.AccountStatus, &m.JoinedAt, &m.VoucherCode, &m.WatchSeconds, &m.PeriodSeconds,
		&m.ClassesWatched, &m.ClassesCompleted, &m.LastWatchedAt, &m.Active}
	if withTotal {
		dest = append(dest, &total)
	}
	err := row.Scan(dest...)
	m.JoinedAt, m.LastWatchedAt = m.JoinedAt.UTC(), utcPtr(m.LastWatchedAt)
	return m, total, err
}

// Members returns a page of members and how many match, in one statement.
func (MemberStore) Members(ctx context.Context, partnerID string, f member.Filter, a member.Activity, offset, limit int) ([]member.Member, int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, 0, err
	}
	q, args := memberQuery(f, a, partnerID, ", count(*) OVER ()")
	args = append(args, offset, limit)
	rows, err := tx.Query(ctx, q+orderOf(f.Sort)+" OFFSET $"+strconv.Itoa(len(args)-1)+" LIMIT $"+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, 0, translate(err, "member")
	}
	var (
		out   []member.Member
		total int
	)
	for rows.Next() {
		m, n, err := scanMember(rows, true)
		if err != nil {
			rows.Close()
			return nil, 0, translate(err, "member")
		}
		out, total = append(out, m), n
	}
	if err := rows.Err(); err != nil {
		return nil, 0, translate(err, "member")
	}
	if len(out) == 0 && offset > 0 { // past the last page: count without rows
		q, args := memberQuery(f, a, partnerID, "")
		err = tx.QueryRow(ctx, `SELECT count(*) FROM (`+q+`) x`, args...).Scan(&total)
	}
	return out, total, translate(err, "member")
}

// EachMember streams the matching members.
func (MemberStore) EachMember(ctx context.Context, partnerID string, f member.Filter, a member.Activity, fn func(member.Member) error) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	q, args := memberQuery(f, a, partnerID, "")
	rows, err := tx.Query(ctx, q+orderOf(f.Sort), args...)
	if err != nil {
		return translate(err, "member")
	}
	defer rows.Close()
	for rows.Next() {
		m, _, err := scanMember(rows, false)
		if err != nil {
			return translate(err, "member")
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	return translate(rows.Err(), "member")
}

// Member returns one member of the partner.
func (MemberStore) Member(ctx context.Context, partnerID, userID string, a member.Activity) (member.Member, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return member.Member{}, err
	}
	q, args := memberQuery(member.Filter{}, a, partnerID, "")
	args = append(args, userID)
	m, _, err := scanMember(tx.QueryRow(ctx, q+" AND m.user_id = $"+strconv.Itoa(len(args)), args...), false)
	return m, translate(err, "member")
}

// Viewings returns a member's latest sessions.
func (MemberStore) Viewings(ctx context.Context, userID string, limit int) ([]member.Viewing, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT p.class_id, k.title, c.name, p.started_at, p.watched_seconds, p.completed`+playbackFrom+`
		WHERE p.tenant_id = app_tenant_id() AND p.user_id = $1 ORDER BY p.started_at DESC, p.id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, translate(err, "member")
	}
	vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (member.Viewing, error) {
		var v member.Viewing
		err := r.Scan(&v.ClassID, &v.ClassTitle, &v.CategoryName, &v.StartedAt, &v.WatchedSeconds, &v.Completed)
		v.StartedAt = v.StartedAt.UTC()
		return v, err
	})
	return vs, translate(err, "member")
}
