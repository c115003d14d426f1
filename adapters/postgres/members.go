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

// memberQuery selects a partner's members with their activity under the rule: all-time figures
// from watch_members, the period's seconds from the daily rollups (as the analytics store reads
// them). Arguments: those of window.args, then $6 minimum seconds; more follow for the filter.
func memberQuery(f member.Filter, a member.Activity, partnerID string, extra string) (string, []any) {
	w := split(a.From, a.To)
	args := w.args(partnerID, a.MinSeconds)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"m.tenant_id = " + thisTenant, "m.partner_id = $1"}
	if s := strings.TrimSpace(f.Search); s != "" {
		p := arg("%" + likeEscape(s) + "%")
		where = append(where, "(u.display_name ILIKE "+p+" OR u.email ILIKE "+p+")")
	}
	switch f.Status {
	case member.StatusActive:
		where = append(where, "coalesce(a.secs, 0) >= $6")
	case member.StatusInactive:
		where = append(where, "coalesce(a.secs, 0) < $6")
	}
	q := w.with("a AS ("+w.memberSeconds()+")") + `
		SELECT m.user_id, u.display_name, u.email, u.status, m.joined_at, m.voucher_code,
			coalesce(t.watched_seconds, 0), coalesce(a.secs, 0), coalesce(t.sessions, 0), coalesce(t.completed, 0),
			t.last_watched_at, coalesce(a.secs, 0) >= $6` + extra + `
		FROM partner_members m JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
		LEFT JOIN watch_members t ON t.tenant_id = m.tenant_id AND t.partner_id = m.partner_id AND t.user_id = m.user_id
		LEFT JOIN a ON a.user_id = m.user_id
		WHERE ` + strings.Join(where, " AND ")
	return q, args
}

var memberOrder = map[string]string{
	"name": "lower(u.display_name)", "email": "u.email", "joinedAt": "m.joined_at",
	"watchTime": "coalesce(t.watched_seconds, 0)", "lastWatchedAt": "t.last_watched_at",
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

// memberDest are the scan destinations of memberQuery's columns in m (and the window count's).
func memberDest(m *member.Member, total *int) []any {
	dest := []any{&m.UserID, &m.Name, &m.Email, &m.AccountStatus, &m.JoinedAt, &m.VoucherCode, &m.WatchSeconds, &m.PeriodSeconds,
		&m.ClassesWatched, &m.ClassesCompleted, &m.LastWatchedAt, &m.Active}
	if total != nil {
		dest = append(dest, total)
	}
	return dest
}

func scanMember(row pgx.Row, withTotal bool) (member.Member, int, error) {
	var (
		m     member.Member
		total int
		count *int
	)
	if withTotal {
		count = &total
	}
	err := row.Scan(memberDest(&m, count)...)
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
	// An export reads a million rows through here: one destination is reused from row to row.
	var m member.Member
	dest := memberDest(&m, nil)
	for rows.Next() {
		m.LastWatchedAt = nil // so that pgx never writes into the time fn was given
		if err := rows.Scan(dest...); err != nil {
			return translate(err, "member")
		}
		m.JoinedAt, m.LastWatchedAt = m.JoinedAt.UTC(), utcPtr(m.LastWatchedAt)
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
