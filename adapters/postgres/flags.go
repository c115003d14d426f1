package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/flag"
)

// FlagStore implements flag.Store on the tables of migration 00025. Its adapter name in the
// per-client catalog is "postgres".
type FlagStore struct{}

var _ flag.Store = FlagStore{}

// Name implements flag.Store.
func (FlagStore) Name() string { return "postgres" }

type variationJSON struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

type ruleJSON struct {
	Segment   string `json:"segment"`
	Variation string `json:"variation"`
}

func encodeDefinition(f flag.Flag) ([]byte, []byte, error) {
	vs := make([]variationJSON, len(f.Variations))
	for i, v := range f.Variations {
		vs[i] = variationJSON(v)
	}
	rs := make([]ruleJSON, len(f.Rules))
	for i, r := range f.Rules {
		rs[i] = ruleJSON(r)
	}
	vb, err := json.Marshal(vs)
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: flag variations: %w", err)
	}
	rb, err := json.Marshal(rs)
	return vb, rb, err
}

const flagColumns = `tenant_id, key, type, description, variations, default_variation, off_variation, target_variation, rules,
	enabled, version, created_at, updated_at`

func scanFlag(row pgx.Row) (flag.Flag, error) {
	var (
		f      flag.Flag
		vb, rb []byte
		typ    string
	)
	err := row.Scan(&f.TenantID, &f.Key, &typ, &f.Description, &vb, &f.DefaultVariation, &f.OffVariation, &f.TargetVariation, &rb,
		&f.On, &f.Version, &f.CreatedAt, &f.UpdatedAt)
	if err != nil {
		return f, err
	}
	f.Type, f.CreatedAt, f.UpdatedAt = flag.Type(typ), f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	var vs []variationJSON
	var rs []ruleJSON
	if err := json.Unmarshal(vb, &vs); err != nil {
		return f, fmt.Errorf("postgres: flag variations: %w", err)
	}
	if err := json.Unmarshal(rb, &rs); err != nil {
		return f, fmt.Errorf("postgres: flag rules: %w", err)
	}
	f.Variations, f.Rules = make([]flag.Variation, len(vs)), make([]flag.Rule, len(rs))
	for i, v := range vs {
		f.Variations[i] = flag.Variation(v)
	}
	for i, r := range rs {
		f.Rules[i] = flag.Rule(r)
	}
	return f, nil
}

// CreateFlag implements flag.Store.
func (FlagStore) CreateFlag(ctx context.Context, f flag.Flag) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	vb, rb, err := encodeDefinition(f)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO flags (`+flagColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		f.TenantID, f.Key, string(f.Type), f.Description, vb, f.DefaultVariation, f.OffVariation, f.TargetVariation, rb, f.On,
		f.Version, f.CreatedAt, f.UpdatedAt)
	return translate(err, "flag")
}

// GetFlag implements flag.Store.
func (FlagStore) GetFlag(ctx context.Context, key string, forUpdate bool) (flag.Flag, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return flag.Flag{}, err
	}
	f, err := scanFlag(tx.QueryRow(ctx, `SELECT `+flagColumns+` FROM flags WHERE tenant_id = app_tenant_id() AND key = $1`+lockClause(forUpdate), key))
	return f, translate(err, "flag")
}

func lockClause(forUpdate bool) string {
	if forUpdate {
		return " FOR UPDATE"
	}
	return ""
}

// SaveFlag implements flag.Store.
func (FlagStore) SaveFlag(ctx context.Context, f flag.Flag) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	vb, rb, err := encodeDefinition(f)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE flags SET type=$2, description=$3, variations=$4, default_variation=$5, off_variation=$6,
		target_variation=$7, rules=$8, enabled=$9, version=$10, updated_at=$11 WHERE tenant_id = app_tenant_id() AND key = $1`,
		f.Key, string(f.Type), f.Description, vb, f.DefaultVariation, f.OffVariation, f.TargetVariation, rb, f.On, f.Version, f.UpdatedAt)
	return translate(err, "flag")
}

// DeleteFlag implements flag.Store.
func (FlagStore) DeleteFlag(ctx context.Context, key string) error {
	return deleteKeyed(ctx, "flags", "flag", key)
}

func deleteKeyed(ctx context.Context, table, what, key string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE tenant_id = app_tenant_id() AND key = $1`, key)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return translate(err, what)
}

// ListFlags implements flag.Store.
func (FlagStore) ListFlags(ctx context.Context, after string, limit int) ([]flag.Flag, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+flagColumns+` FROM flags WHERE tenant_id = app_tenant_id() AND key > $1 ORDER BY key LIMIT $2`,
		after, limit)
	if err != nil {
		return nil, translate(err, "flag")
	}
	fs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (flag.Flag, error) { return scanFlag(r) })
	return fs, translate(err, "flag")
}

const segmentColumns = `s.tenant_id, s.key, s.name, s.description, s.version, s.created_at, s.updated_at,
	(SELECT count(*) FROM flag_segment_contexts c WHERE c.tenant_id = s.tenant_id AND c.segment_key = s.key)`

func scanSegment(row pgx.Row) (flag.Segment, error) {
	var s flag.Segment
	err := row.Scan(&s.TenantID, &s.Key, &s.Name, &s.Description, &s.Version, &s.CreatedAt, &s.UpdatedAt, &s.Contexts)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return s, err
}

// CreateSegment implements flag.Store.
func (FlagStore) CreateSegment(ctx context.Context, s flag.Segment) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO flag_segments (tenant_id, key, name, description, version, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, s.TenantID, s.Key, s.Name, s.Description, s.Version, s.CreatedAt, s.UpdatedAt)
	return translate(err, "segment")
}

// GetSegment implements flag.Store.
func (FlagStore) GetSegment(ctx context.Context, key string, forUpdate bool) (flag.Segment, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return flag.Segment{}, err
	}
	lock := ""
	if forUpdate {
		lock = " FOR UPDATE OF s"
	}
	s, err := scanSegment(tx.QueryRow(ctx, `SELECT `+segmentColumns+` FROM flag_segments s
		WHERE s.tenant_id = app_tenant_id() AND s.key = $1`+lock, key))
	return s, translate(err, "segment")
}

// SaveSegment implements flag.Store.
func (FlagStore) SaveSegment(ctx context.Context, s flag.Segment) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE flag_segments SET name=$2, description=$3, version=$4, updated_at=$5
		WHERE tenant_id = app_tenant_id() AND key = $1`, s.Key, s.Name, s.Description, s.Version, s.UpdatedAt)
	return translate(err, "segment")
}

// DeleteSegment implements flag.Store.
func (FlagStore) DeleteSegment(ctx context.Context, key string) error {
	return deleteKeyed(ctx, "flag_segments", "segment", key)
}

// ListSegments implements flag.Store.
func (FlagStore) ListSegments(ctx context.Context, after string, limit int) ([]flag.Segment, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+segmentColumns+` FROM flag_segments s
		WHERE s.tenant_id = app_tenant_id() AND s.key > $1 ORDER BY s.key LIMIT $2`, after, limit)
	if err != nil {
		return nil, translate(err, "segment")
	}
	ss, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (flag.Segment, error) { return scanSegment(r) })
	return ss, translate(err, "segment")
}

// FlagsUsing implements flag.Store.
func (FlagStore) FlagsUsing(ctx context.Context, segment string) ([]string, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	probe, _ := json.Marshal([]map[string]string{{"segment": segment}})
	rows, err := tx.Query(ctx, `SELECT key FROM flags WHERE tenant_id = `+thisTenant+` AND rules @> $1::jsonb ORDER BY key`, probe)
	if err != nil {
		return nil, translate(err, "flag")
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return keys, translate(err, "flag")
}

func contextColumns(cs []flag.Context) (kinds, keys []string) {
	kinds, keys = make([]string, len(cs)), make([]string, len(cs))
	for i, c := range cs {
		kinds[i], keys[i] = c.Kind, c.Key
	}
	return kinds, keys
}

// addContexts inserts (kind, key) rows of an owner into a context table, keeping those there.
func addContexts(ctx context.Context, table, keyColumn, parent, owner string, cs []flag.Context) (int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return 0, err
	}
	kinds, keys := contextColumns(cs)
	tag, err := tx.Exec(ctx, `INSERT INTO `+table+` (tenant_id, `+keyColumn+`, context_kind, context_key, partner_id, created_at)
		SELECT `+thisTenant+`, $1, c.kind, c.key, NULLIF($2, '')::uuid, now() FROM unnest($3::text[], $4::text[]) AS c(kind, key)
		ON CONFLICT DO NOTHING`, parent, owner, kinds, keys)
	if err != nil {
		return 0, translate(err, "context")
	}
	return int(tag.RowsAffected()), nil
}

// removeContexts deletes an owner's (kind, key) rows among those given.
func removeContexts(ctx context.Context, table, keyColumn, parent, owner string, cs []flag.Context) (int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return 0, err
	}
	kinds, keys := contextColumns(cs)
	tag, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE tenant_id = `+thisTenant+` AND `+keyColumn+` = $1
		AND partner_id IS NOT DISTINCT FROM NULLIF($2, '')::uuid
		AND (context_kind, context_key) IN (SELECT * FROM unnest($3::text[], $4::text[]))`, parent, owner, kinds, keys)
	if err != nil {
		return 0, translate(err, "context")
	}
	return int(tag.RowsAffected()), nil
}

// AddTargets implements flag.Store.
func (FlagStore) AddTargets(ctx context.Context, flagKey, owner string, cs []flag.Context) (int, error) {
	return addContexts(ctx, "flag_targets", "flag_key", flagKey, owner, cs)
}

// RemoveTargets implements flag.Store.
func (FlagStore) RemoveTargets(ctx context.Context, flagKey, owner string, cs []flag.Context) (int, error) {
	return removeContexts(ctx, "flag_targets", "flag_key", flagKey, owner, cs)
}

// AddMembers implements flag.Store.
func (FlagStore) AddMembers(ctx context.Context, segmentKey, owner string, cs []flag.Context) (int, error) {
	return addContexts(ctx, "flag_segment_contexts", "segment_key", segmentKey, owner, cs)
}

// RemoveMembers implements flag.Store.
func (FlagStore) RemoveMembers(ctx context.Context, segmentKey, owner string, cs []flag.Context) (int, error) {
	return removeContexts(ctx, "flag_segment_contexts", "segment_key", segmentKey, owner, cs)
}

// ClearMembers implements flag.Store.
func (FlagStore) ClearMembers(ctx context.Context, segmentKey, owner string) (int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM flag_segment_contexts WHERE tenant_id = `+thisTenant+` AND segment_key = $1
		AND partner_id IS NOT DISTINCT FROM NULLIF($2, '')::uuid`, segmentKey, owner)
	if err != nil {
		return 0, translate(err, "context")
	}
	return int(tag.RowsAffected()), nil
}

// SearchContexts implements flag.Store.
func (FlagStore) SearchContexts(ctx context.Context, owner, q, kind string, limit int) ([]flag.Owned, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	filter := `tenant_id = ` + thisTenant + ` AND partner_id IS NOT DISTINCT FROM NULLIF($1, '')::uuid
		AND ($2 = '' OR strpos(lower(context_key), lower($2)) > 0) AND ($3 = '' OR context_kind = $3)`
	rows, err := tx.Query(ctx, `WITH c AS (
			SELECT context_kind, context_key, flag_key AS flag, NULL::text AS segment FROM flag_targets WHERE `+filter+`
			UNION ALL
			SELECT context_kind, context_key, NULL, segment_key FROM flag_segment_contexts WHERE `+filter+`)
		SELECT context_kind, context_key,
			coalesce(array_agg(DISTINCT flag) FILTER (WHERE flag IS NOT NULL), '{}'),
			coalesce(array_agg(DISTINCT segment) FILTER (WHERE segment IS NOT NULL), '{}')
		FROM c GROUP BY context_kind, context_key ORDER BY context_kind, context_key LIMIT $4`, owner, q, kind, limit)
	if err != nil {
		return nil, translate(err, "context")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (flag.Owned, error) {
		var o flag.Owned
		err := r.Scan(&o.Kind, &o.Key, &o.Flags, &o.Segments)
		return o, err
	})
	return out, translate(err, "context")
}

// Definitions implements flag.Store.
func (FlagStore) Definitions(ctx context.Context) (flag.Definitions, error) {
	var d flag.Definitions
	tx, err := txFrom(ctx)
	if err != nil {
		return d, err
	}
	rows, err := tx.Query(ctx, `SELECT `+flagColumns+` FROM flags WHERE tenant_id = `+thisTenant+` ORDER BY key`)
	if err != nil {
		return d, translate(err, "flag")
	}
	if d.Flags, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (flag.Flag, error) { return scanFlag(r) }); err != nil {
		return d, translate(err, "flag")
	}
	rows, err = tx.Query(ctx, `SELECT flag_key, context_kind, context_key, coalesce(partner_id::text, '') FROM flag_targets
		WHERE tenant_id = `+thisTenant)
	if err != nil {
		return d, translate(err, "flag")
	}
	if d.Targets, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (flag.Target, error) {
		var t flag.Target
		err := r.Scan(&t.FlagKey, &t.Kind, &t.Key, &t.PartnerID)
		return t, err
	}); err != nil {
		return d, translate(err, "flag")
	}
	rows, err = tx.Query(ctx, `SELECT segment_key, context_kind, context_key, coalesce(partner_id::text, '') FROM flag_segment_contexts
		WHERE tenant_id = `+thisTenant)
	if err != nil {
		return d, translate(err, "segment")
	}
	d.Members, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (flag.Member, error) {
		var m flag.Member
		err := r.Scan(&m.SegmentKey, &m.Kind, &m.Key, &m.PartnerID)
		return m, err
	})
	return d, translate(err, "segment")
}

const scheduleColumns = `tenant_id, id, flag_key, action, variation, run_at, status, detail, created_by_kind, created_by_id,
	created_at, done_at`

func scanSchedule(row pgx.Row) (flag.Schedule, error) {
	var (
		s              flag.Schedule
		action, status string
		done           *time.Time
	)
	err := row.Scan(&s.TenantID, &s.ID, &s.FlagKey, &action, &s.Variation, &s.RunAt, &status, &s.Detail, &s.CreatedBy.Kind,
		&s.CreatedBy.ID, &s.CreatedAt, &done)
	s.Action, s.Status, s.RunAt, s.CreatedAt = flag.Action(action), flag.ScheduleStatus(status), s.RunAt.UTC(), s.CreatedAt.UTC()
	if done != nil {
		d := done.UTC()
		s.DoneAt = &d
	}
	return s, err
}

// CreateSchedule implements flag.Store.
func (FlagStore) CreateSchedule(ctx context.Context, s flag.Schedule) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO flag_schedules (`+scheduleColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
		s.TenantID, s.ID, s.FlagKey, string(s.Action), s.Variation, s.RunAt, string(s.Status), s.Detail, s.CreatedBy.Kind,
		s.CreatedBy.ID, s.CreatedAt, s.DoneAt)
	return translate(err, "flag")
}

// GetSchedule implements flag.Store.
func (FlagStore) GetSchedule(ctx context.Context, id string, forUpdate bool) (flag.Schedule, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return flag.Schedule{}, err
	}
	s, err := scanSchedule(tx.QueryRow(ctx, `SELECT `+scheduleColumns+` FROM flag_schedules
		WHERE tenant_id = app_tenant_id() AND id = $1`+lockClause(forUpdate), id))
	return s, translate(err, "schedule")
}

// SaveSchedule implements flag.Store.
func (FlagStore) SaveSchedule(ctx context.Context, s flag.Schedule) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE flag_schedules SET status=$2, detail=$3, done_at=$4 WHERE tenant_id = app_tenant_id() AND id = $1`,
		s.ID, string(s.Status), s.Detail, s.DoneAt)
	return translate(err, "schedule")
}

// ListSchedules implements flag.Store.
func (FlagStore) ListSchedules(ctx context.Context, flagKey string) ([]flag.Schedule, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+scheduleColumns+` FROM flag_schedules WHERE tenant_id = app_tenant_id() AND flag_key = $1
		ORDER BY run_at, id`, flagKey)
	if err != nil {
		return nil, translate(err, "schedule")
	}
	ss, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (flag.Schedule, error) { return scanSchedule(r) })
	return ss, translate(err, "schedule")
}
