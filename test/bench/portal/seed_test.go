package portal

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Seeding writes straight into the tables as the superuser, with INSERT ... SELECT over
// generate_series: ids are derived from numbers (md5 of tenant and number), so users, members and
// sessions can refer to one another without lookups. Foreign keys are not checked while seeding
// (session_replication_role = replica skips their triggers, and with them any other trigger: the
// caller rebuilds what triggers would have maintained), as every reference is made up to be valid.

// userID is the SQL expression of the id of user number n of the tenant ($1).
const userID = `md5($1::text || ':u:' || n)::uuid`

// seedUsers inserts users numbered from..to of the tenant.
func (d *db) seedUsers(b *testing.B, tenantID string, from, to int, now time.Time) {
	b.Helper()
	d.exec(b, `INSERT INTO users (tenant_id, id, email, password_hash, display_name, status, roles, created_at, updated_at)
		SELECT $1::uuid, `+userID+`, 'member' || n || '@bench.test', 'x', 'Member ' || n, 'active', '{subscriber}', $2, $2
		FROM generate_series($3::int, $4::int) n`, tenantID, now, from, to)
}

// seedMembers makes users numbered from..to members of partners (by partner, the 0-based index
// into partners computed from n by the SQL expression assign): a voucher each, redeemed when they
// joined, spread over the last 400 days.
func (d *db) seedMembers(b *testing.B, tenantID string, partners []string, assign string, from, to int, now time.Time) {
	b.Helper()
	d.exec(b, `INSERT INTO vouchers (tenant_id, partner_id, code, status, created_by, created_at, redeemed_by, redeemed_at)
		SELECT $1::uuid, ($2::uuid[])[1 + `+assign+`], 'M' || lpad(n::text, 9, '0'), 'redeemed', 'bench-staff', j - interval '1 day', `+userID+`, j
		FROM generate_series($3::int, $4::int) n, LATERAL (SELECT $5::timestamptz - (n % 400) * interval '1 day' - (n % 86400) * interval '1 second' AS j) t`,
		tenantID, partners, from, to, now)
	d.exec(b, `INSERT INTO partner_members (tenant_id, user_id, partner_id, voucher_id, voucher_code, joined_at)
		SELECT tenant_id, redeemed_by, partner_id, id, code, redeemed_at FROM vouchers
		WHERE tenant_id = $1 AND code BETWEEN 'M' || lpad($2::int::text, 9, '0') AND 'M' || lpad($3::int::text, 9, '0')`, tenantID, from, to)
}

// bulk runs fn with foreign-key checks (and triggers) off, as a bulk load does.
func (d *db) bulk(b *testing.B, fn func()) {
	b.Helper()
	d.exec(b, `SET session_replication_role = replica`)
	defer d.exec(b, `RESET session_replication_role`)
	fn()
}

// withoutIndexes drops the table's indexes (its primary key too) while fn loads it, and builds
// them again afterwards: building an index over ten million rows at once is several times faster
// than updating it row by row. The definitions are read from the catalog, so the schema stays
// the migrations'.
func (d *db) withoutIndexes(b *testing.B, table string, fn func()) {
	b.Helper()
	ctx := context.Background()
	var pkName, pkDef string
	if err := d.admin.QueryRow(ctx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = $1::regclass AND contype = 'p'`, table).Scan(&pkName, &pkDef); err != nil {
		b.Fatal(err)
	}
	rows, err := d.admin.Query(ctx, `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1 AND indexname <> $2`, table, pkName)
	if err != nil {
		b.Fatal(err)
	}
	type index struct{ name, def string }
	idx, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (index, error) {
		var i index
		return i, r.Scan(&i.name, &i.def)
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, i := range idx {
		d.exec(b, `DROP INDEX `+pgx.Identifier{i.name}.Sanitize())
	}
	d.exec(b, `ALTER TABLE `+pgx.Identifier{table}.Sanitize()+` DROP CONSTRAINT `+pgx.Identifier{pkName}.Sanitize())
	fn()
	d.exec(b, `SET maintenance_work_mem = '1GB'`)
	d.exec(b, `ALTER TABLE `+pgx.Identifier{table}.Sanitize()+` ADD CONSTRAINT `+pgx.Identifier{pkName}.Sanitize()+` `+pkDef)
	for _, i := range idx {
		d.exec(b, i.def)
	}
}
