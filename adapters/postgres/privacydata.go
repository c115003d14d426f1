package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/privacy"
)

// sqlMoney is the SQL of an exact amount: minor units of a column over 10^digits, as a numeric (its
// JSON is a number such as 9.99, never a binary float).
func sqlMoney(minor, digits string) string {
	return fmt.Sprintf("round(%s::numeric / (10::numeric ^ %s), %s)", minor, digits, digits)
}

// jsonRows is the SQL of a JSON array of the rows of a query (oldest first by its ORDER BY), [] when
// none.
func jsonRows(query string) string {
	return `coalesce((SELECT jsonb_agg(to_jsonb(x)) FROM (` + query + `) x), '[]'::jsonb)`
}

// personalDataSQL reads every section of privacy.Sections in one statement, so the archive is one
// snapshot of the person's data. $1 is the account. Secrets never appear: no password hash, no
// gateway ids (payment methods show brand, last four digits and expiry), no token hashes.
var personalDataSQL = `SELECT jsonb_build_object(
	'account', (SELECT jsonb_build_object('id', u.id, 'email', u.email, 'display_name', u.display_name, 'phone', u.phone,
		'phone_verified', u.phone_verified, 'email_verified', u.email_verified, 'avatar_url', u.avatar_url, 'locale', u.locale,
		'timezone', u.timezone, 'country_code', u.country_code, 'preferred_language', u.preferred_language, 'status', u.status,
		'roles', u.roles, 'mfa_enabled', u.mfa_enabled, 'notification_preferences', u.notification_preferences,
		'terms_accepted_at', u.terms_accepted_at, 'last_login_at', u.last_login_at, 'created_at', u.created_at,
		'updated_at', u.updated_at)
		FROM users u WHERE u.tenant_id = app_tenant_id() AND u.id = $1),
	'subscriptions', ` + jsonRows(`SELECT s.id, s.plan_id, p.name AS plan_name, s.status, `+sqlMoney("s.price_minor", "s.price_digits")+` AS price,
		s.currency, s.billing_cycle, s.current_period_start, s.current_period_end, s.cancel_at_period_end, s.canceled_at,
		s.cancel_reason, s.ended_by, s.paused_at, s.trial_start, s.trial_end, s.created_at, s.updated_at
		FROM subscriptions s LEFT JOIN plans p ON p.tenant_id = s.tenant_id AND p.id = s.plan_id
		WHERE s.tenant_id = app_tenant_id() AND s.user_id = $1 ORDER BY s.created_at, s.id`) + `,
	'invoices', ` + jsonRows(`SELECT i.id, i.number, i.status, i.billing_reason, i.currency,
		`+sqlMoney("i.subtotal_minor", "i.digits")+` AS subtotal, `+sqlMoney("i.discount_minor", "i.digits")+` AS discount_amount,
		`+sqlMoney("i.tax_minor", "i.digits")+` AS tax_amount, `+sqlMoney("i.total_minor", "i.digits")+` AS amount,
		`+sqlMoney("i.paid_minor", "i.digits")+` AS amount_paid, `+sqlMoney("i.refunded_minor", "i.digits")+` AS amount_refunded,
		i.description, i.period_start, i.period_end, i.due_date, i.paid_at, i.customer_name, i.customer_email, i.created_at,
		`+jsonRows(`SELECT l.position, l.kind, l.description, l.quantity, `+sqlMoney("l.unit_minor", "i.digits")+` AS unit_amount,
			`+sqlMoney("l.amount_minor", "i.digits")+` AS amount, l.period_start, l.period_end
			FROM invoice_lines l WHERE l.tenant_id = i.tenant_id AND l.invoice_id = i.id ORDER BY l.position`)+` AS line_items
		FROM invoices i WHERE i.tenant_id = app_tenant_id() AND i.user_id = $1 ORDER BY i.created_at, i.id`) + `,
	'payment_methods', ` + jsonRows(`SELECT m.id, m.type, m.brand, m.last4, m.exp_month, m.exp_year, m.is_default, m.created_at
		FROM payment_methods m WHERE m.tenant_id = app_tenant_id() AND m.user_id = $1 ORDER BY m.created_at, m.id`) + `,
	'balance_entries', ` + jsonRows(`SELECT b.id, `+sqlMoney("b.amount_minor", "b.digits")+` AS amount, b.currency, b.reason, b.reference,
		b.created_at FROM balance_entries b WHERE b.tenant_id = app_tenant_id() AND b.user_id = $1 ORDER BY b.created_at, b.id`) + `,
	'viewing_history', ` + jsonRows(`SELECT v.id, v.class_id, c.title AS class_title, v.device, v.started_at, v.last_beat_at, v.ended_at,
		v.position_seconds, v.watched_seconds, v.completed
		FROM playback_sessions v LEFT JOIN classes c ON c.tenant_id = v.tenant_id AND c.id = v.class_id
		WHERE v.tenant_id = app_tenant_id() AND v.user_id = $1 ORDER BY v.started_at, v.id`) + `,
	'sessions', ` + jsonRows(`SELECT s.id, s.device, s.address AS ip_address, s.created_at, s.last_used_at, s.expires_at, s.revoked_at
		FROM sessions s WHERE s.tenant_id = app_tenant_id() AND s.subject_kind = 'user' AND s.subject_id = $1
		ORDER BY s.created_at, s.id`) + `,
	'audit_log', ` + jsonRows(`SELECT a.id, a.actor_kind, a.actor_id, a.action, a.target_kind, a.target_id, a.reason, a.details, a.created_at
		FROM audit_log a WHERE a.tenant_id = app_tenant_id()
		AND (a.actor_id = $1::text OR a.target_id = $1::text OR a.details->>'user_id' = $1::text) ORDER BY a.created_at, a.id`) + `,
	'coupon_redemptions', ` + jsonRows(`SELECT r.id, r.coupon_id, c.code, c.discount_type, r.redeemed_at
		FROM coupon_redemptions r LEFT JOIN coupons c ON c.tenant_id = r.tenant_id AND c.id = r.coupon_id
		WHERE r.tenant_id = app_tenant_id() AND r.user_id = $1 ORDER BY r.redeemed_at, r.id`) + `,
	'gift_cards', ` + jsonRows(`SELECT g.id, `+sqlMoney("g.value_minor", "g.value_digits")+` AS value, g.currency, g.redeemed_at
		FROM gift_cards g WHERE g.tenant_id = app_tenant_id() AND g.redeemed_by = $1 ORDER BY g.redeemed_at, g.id`) + `,
	'partner_membership', ` + jsonRows(`SELECT m.partner_id, p.name AS partner_name, m.voucher_code, m.joined_at
		FROM partner_members m LEFT JOIN partners p ON p.tenant_id = m.tenant_id AND p.id = m.partner_id
		WHERE m.tenant_id = app_tenant_id() AND m.user_id = $1`) + `,
	'privacy_requests', jsonb_build_object(
		'exports', ` + jsonRows(`SELECT e.id, e.status, e.requested_at, e.ready_at, e.expires_at FROM privacy_exports e
			WHERE e.tenant_id = app_tenant_id() AND e.user_id = $1 ORDER BY e.requested_at, e.id`) + `,
		'deletions', ` + jsonRows(`SELECT d.id, d.status, d.reason, d.requested_at, d.scheduled_at, d.canceled_at
			FROM privacy_deletion_requests d WHERE d.tenant_id = app_tenant_id() AND d.user_id = $1 ORDER BY d.requested_at, d.id`) + `)
)`

// OptionalTables are tables of contexts that may not exist in every schema yet (other issues add
// them): when a table is there with a user_id column, the person's rows are in the archive (every
// column but the tenant and any hash, secret, token or PIN) and erased with the account.
var OptionalTables = []string{"profiles", "profile_master_pins", "notifications"}

// optional answers the store's optional tables: its own list when set (tests), else OptionalTables.
func (s PrivacyStore) optional() []string {
	if s.Optional != nil {
		return s.Optional
	}
	return OptionalTables
}

// presentTables answers which of the optional tables exist with a user_id column, and for each the
// columns never to show.
func presentTables(ctx context.Context, tx querier, tables []string) (map[string][]string, error) {
	rs, err := tx.Query(ctx, `SELECT c.table_name::text,
			coalesce(array_agg(h.column_name::text) FILTER (WHERE h.column_name IS NOT NULL), '{}')
		FROM information_schema.columns c
		LEFT JOIN information_schema.columns h ON h.table_schema = c.table_schema AND h.table_name = c.table_name
			AND (h.column_name = 'tenant_id' OR h.column_name ~ '(^|_)(hash|secret|token|pin)(_|$)')
		WHERE c.table_schema = current_schema() AND c.table_name = ANY ($1) AND c.column_name = 'user_id'
		GROUP BY 1`, tables)
	if err != nil {
		return nil, translate(err, "account")
	}
	out := map[string][]string{}
	for rs.Next() {
		var (
			name   string
			hidden []string
		)
		if err := rs.Scan(&name, &hidden); err != nil {
			rs.Close()
			return nil, translate(err, "account")
		}
		out[name] = hidden
	}
	return out, translate(rs.Err(), "account")
}

// PersonalData answers the sections of the account's archive: those of privacy.Sections, read in
// one statement, then the optional tables present.
func (s PrivacyStore) PersonalData(ctx context.Context, userID string) ([]privacy.Section, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := tx.QueryRow(ctx, personalDataSQL, userID).Scan(&all); err != nil {
		return nil, translate(err, "account")
	}
	out := make([]privacy.Section, 0, len(privacy.Sections)+len(s.optional()))
	for _, name := range privacy.Sections {
		out = append(out, privacy.Section{Name: name, Data: all[name]})
	}
	present, err := presentTables(ctx, tx, s.optional())
	if err != nil {
		return nil, err
	}
	for _, name := range s.optional() {
		hidden, ok := present[name]
		if !ok {
			continue
		}
		var data json.RawMessage
		q := `SELECT coalesce(jsonb_agg(to_jsonb(t) - $2::text[]), '[]'::jsonb) FROM ` + pgx.Identifier{name}.Sanitize() +
			` t WHERE t.tenant_id = app_tenant_id() AND t.user_id = $1`
		if err := tx.QueryRow(ctx, q, userID, hidden).Scan(&data); err != nil {
			return nil, translate(err, name)
		}
		out = append(out, privacy.Section{Name: name, Data: data})
	}
	return out, nil
}

// eraseSQL erases a person's rows that do not go with the user row by themselves, in an order
// the rollup triggers need: the membership first (its trigger takes the member's viewing out of
// the partner's rollups at once), then the viewing itself. $1 is the account.
var eraseSQL = []string{
	`DELETE FROM partner_members WHERE tenant_id = app_tenant_id() AND user_id = $1`,
	`DELETE FROM playback_sessions WHERE tenant_id = app_tenant_id() AND user_id = $1`,
	`DELETE FROM watch_member_days WHERE tenant_id = app_tenant_id() AND user_id = $1`,
	`DELETE FROM watch_members WHERE tenant_id = app_tenant_id() AND user_id = $1`,
	`DELETE FROM sessions WHERE tenant_id = app_tenant_id() AND subject_kind = 'user' AND subject_id = $1`,
	`DELETE FROM oauth_requests WHERE tenant_id = app_tenant_id() AND subject = $1::text`,
	`DELETE FROM oauth_device_codes WHERE tenant_id = app_tenant_id() AND subject = $1::text`,
}

// Erase deletes the account and what is the person's; invoices stay, anonymised. The user row goes
// last: its foreign keys cascade to subscriptions, payment methods and customers, the balance,
// coupon redemptions and exports. Vouchers and gift cards keep who redeemed them (an id that no
// longer names anyone) so a code is never redeemed twice; the audit log is append-only.
func (s PrivacyStore) Erase(ctx context.Context, userID, email string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE invoices SET customer_name = $2, customer_email = '' WHERE tenant_id = app_tenant_id() AND user_id = $1`,
		userID, privacy.DeletedName); err != nil {
		return translate(err, "invoice")
	}
	for _, q := range eraseSQL {
		if _, err := tx.Exec(ctx, q, userID); err != nil {
			return translate(err, "account")
		}
	}
	if email != "" {
		if _, err := tx.Exec(ctx, `DELETE FROM email_outbox WHERE tenant_id = app_tenant_id() AND $1 = ANY (recipients)`, email); err != nil {
			return translate(err, "email")
		}
	}
	present, err := presentTables(ctx, tx, s.optional())
	if err != nil {
		return err
	}
	for _, name := range s.optional() {
		if _, ok := present[name]; !ok {
			continue
		}
		q := `DELETE FROM ` + pgx.Identifier{name}.Sanitize() + ` WHERE tenant_id = app_tenant_id() AND user_id = $1`
		if _, err := tx.Exec(ctx, q, userID); err != nil {
			return translate(err, name)
		}
	}
	_, err = tx.Exec(ctx, `DELETE FROM users WHERE tenant_id = app_tenant_id() AND id = $1`, userID)
	return translate(err, "account")
}
