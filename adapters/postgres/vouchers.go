package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/voucher"
)

// VoucherStore implements voucher.Store and voucher.Partners.
type VoucherStore struct{}

var (
	_ voucher.Store    = VoucherStore{}
	_ voucher.Partners = VoucherStore{}
)

const voucherColumns = `id, tenant_id, partner_id, code, status, expires_at, created_by, created_at,
	coalesce(redeemed_by::text, ''), redeemed_at, revoked_at`

func scanVoucher(row pgx.Row) (voucher.Voucher, error) {
	var v voucher.Voucher
	err := row.Scan(&v.ID, &v.TenantID, &v.PartnerID, &v.Code, &v.Status, &v.ExpiresAt, &v.CreatedBy, &v.CreatedAt,
		&v.RedeemedBy, &v.RedeemedAt, &v.RevokedAt)
	v.CreatedAt, v.ExpiresAt, v.RedeemedAt, v.RevokedAt = v.CreatedAt.UTC(), utcPtr(v.ExpiresAt), utcPtr(v.RedeemedAt), utcPtr(v.RevokedAt)
	return v, err
}

// CreateVouchers inserts the vouchers whose codes are free, in one statement.
func (VoucherStore) CreateVouchers(ctx context.Context, vs []voucher.Voucher) ([]voucher.Voucher, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(vs))
	for i, v := range vs {
		codes[i] = v.Code
	}
	first := vs[0]
	rows, err := tx.Query(ctx, `INSERT INTO vouchers (tenant_id, partner_id, code, status, expires_at, created_by, created_at)
		SELECT $1, $2, code, 'active', $3, $4, $5 FROM unnest($6::text[]) AS code
		ON CONFLICT (tenant_id, code) DO NOTHING RETURNING `+voucherColumns,
		first.TenantID, first.PartnerID, first.ExpiresAt, first.CreatedBy, first.CreatedAt, codes)
	if err != nil {
		return nil, translate(err, "voucher")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (voucher.Voucher, error) { return scanVoucher(r) })
	return out, translate(err, "voucher")
}

// Voucher loads a voucher of the partner for update.
func (VoucherStore) Voucher(ctx context.Context, partnerID string, id int64) (voucher.Voucher, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return voucher.Voucher{}, err
	}
	v, err := scanVoucher(tx.QueryRow(ctx, `SELECT `+voucherColumns+` FROM vouchers
		WHERE tenant_id = app_tenant_id() AND partner_id = $1 AND id = $2 FOR UPDATE`, partnerID, id))
	return v, translate(err, "voucher")
}

// RevokeVoucher marks a voucher revoked.
func (VoucherStore) RevokeVoucher(ctx context.Context, id int64, at time.Time) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE vouchers SET status = 'revoked', revoked_at = $2
		WHERE tenant_id = app_tenant_id() AND id = $1 AND status = 'active' AND (expires_at IS NULL OR expires_at > $2)`, id, at)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return translate(err, "voucher")
}

// voucherWhere is the condition of a partner's listing and its arguments.
func voucherWhere(partnerID string, f voucher.Filter, now time.Time) (string, []any) {
	args := []any{partnerID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"tenant_id = " + thisTenant, "partner_id = $1"}
	switch f.Status {
	case voucher.Active:
		where = append(where, "status = 'active' AND (expires_at IS NULL OR expires_at > "+arg(now)+")")
	case voucher.Expired:
		where = append(where, "status = 'active' AND expires_at <= "+arg(now))
	case voucher.Redeemed, voucher.Revoked:
		where = append(where, "status = "+arg(f.Status))
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		where = append(where, "code LIKE "+arg("%"+likeEscape(strings.ToUpper(s))+"%"))
	}
	return strings.Join(where, " AND "), args
}

// ListVouchers returns a page of a partner's vouchers, newest first, and the count matching.
func (VoucherStore) ListVouchers(ctx context.Context, partnerID string, f voucher.Filter, now time.Time, offset, limit int) ([]voucher.Voucher, int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, 0, err
	}
	where, args := voucherWhere(partnerID, f, now)
	var total int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM vouchers WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, translate(err, "voucher")
	}
	args = append(args, offset, limit)
	rows, err := tx.Query(ctx, `SELECT `+voucherColumns+` FROM vouchers WHERE `+where+
		` ORDER BY id DESC OFFSET $`+strconv.Itoa(len(args)-1)+` LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, 0, translate(err, "voucher")
	}
	vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (voucher.Voucher, error) { return scanVoucher(r) })
	return vs, total, translate(err, "voucher")
}

// EachVoucher streams a partner's matching vouchers, newest first. An export reads a million
// rows through here, so the per-row work is kept to what differs between rows: the tenant and
// partner ids (the same on every row) are not selected and decoded again and again, and rows are
// scanned into one destination reused from row to row (pgx allocates each non-NULL time anew, so
// what fn receives is never overwritten by the next row).
func (VoucherStore) EachVoucher(ctx context.Context, partnerID string, f voucher.Filter, now time.Time, fn func(voucher.Voucher) error) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	where, args := voucherWhere(partnerID, f, now)
	rows, err := tx.Query(ctx, `SELECT id, code, status, expires_at, created_by, created_at, coalesce(redeemed_by::text, ''),
		redeemed_at, revoked_at FROM vouchers WHERE `+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return translate(err, "voucher")
	}
	defer rows.Close()
	v := voucher.Voucher{TenantID: tenantFrom(ctx), PartnerID: partnerID}
	dest := []any{&v.ID, &v.Code, &v.Status, &v.ExpiresAt, &v.CreatedBy, &v.CreatedAt, &v.RedeemedBy, &v.RedeemedAt, &v.RevokedAt}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return translate(err, "voucher")
		}
		v.CreatedAt = v.CreatedAt.UTC()
		for _, t := range []*time.Time{v.ExpiresAt, v.RedeemedAt, v.RevokedAt} {
			if t != nil {
				*t = t.UTC()
			}
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return translate(rows.Err(), "voucher")
}

// VoucherStats counts a partner's vouchers by the status they show at now.
func (VoucherStore) VoucherStats(ctx context.Context, partnerID string, now time.Time) (voucher.Stats, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return voucher.Stats{}, err
	}
	var s voucher.Stats
	err = tx.QueryRow(ctx, `SELECT count(*),
			count(*) FILTER (WHERE status = 'active' AND (expires_at IS NULL OR expires_at > $2)),
			count(*) FILTER (WHERE status = 'redeemed'),
			count(*) FILTER (WHERE status = 'active' AND expires_at <= $2),
			count(*) FILTER (WHERE status = 'revoked')
		FROM vouchers WHERE tenant_id = `+thisTenant+` AND partner_id = $1`, partnerID, now).
		Scan(&s.Total, &s.Active, &s.Redeemed, &s.Expired, &s.Revoked)
	return s, translate(err, "voucher")
}

// UsableVoucher finds an active, unexpired voucher of the tenant by code.
func (VoucherStore) UsableVoucher(ctx context.Context, code string, now time.Time) (voucher.Voucher, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return voucher.Voucher{}, err
	}
	v, err := scanVoucher(tx.QueryRow(ctx, `SELECT `+voucherColumns+` FROM vouchers WHERE tenant_id = app_tenant_id()
		AND code = $1 AND status = 'active' AND (expires_at IS NULL OR expires_at > $2)`, code, now))
	return v, translate(err, "voucher")
}

// RedeemVoucher spends a usable voucher in one conditional update: of concurrent redemptions of
// one code, the first takes the row lock and the others, re-reading the row once it commits,
// find it redeemed and change nothing.
func (VoucherStore) RedeemVoucher(ctx context.Context, code, userID string, now time.Time) (voucher.Voucher, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return voucher.Voucher{}, err
	}
	v, err := scanVoucher(tx.QueryRow(ctx, `UPDATE vouchers SET status = 'redeemed', redeemed_by = $2, redeemed_at = $3
		WHERE tenant_id = app_tenant_id() AND code = $1 AND status = 'active' AND (expires_at IS NULL OR expires_at > $3)
		RETURNING `+voucherColumns, code, userID, now))
	return v, translate(err, "voucher")
}

// AddMember records a membership.
func (VoucherStore) AddMember(ctx context.Context, m voucher.Member) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	// The membership keeps the code it was made with (migration 00013).
	tag, err := tx.Exec(ctx, `INSERT INTO partner_members (tenant_id, user_id, partner_id, voucher_id, voucher_code, joined_at)
		SELECT $1, $2, $3, id, code, $5 FROM vouchers WHERE tenant_id = $1 AND id = $4`,
		m.TenantID, m.UserID, m.PartnerID, m.VoucherID, m.JoinedAt)
	if err == nil && tag.RowsAffected() != 1 {
		return fmt.Errorf("postgres: member: voucher %d of the tenant not found", m.VoucherID)
	}
	return translate(err, "member")
}

// PartnerName returns the name of a partner of the tenant.
func (VoucherStore) PartnerName(ctx context.Context, partnerID string) (string, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return "", err
	}
	var name string
	err = tx.QueryRow(ctx, `SELECT name FROM partners WHERE tenant_id = app_tenant_id() AND id = $1`, partnerID).Scan(&name)
	return name, translate(err, "partner")
}
