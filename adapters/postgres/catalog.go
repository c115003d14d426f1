package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/catalog"
)

// CatalogStore implements catalog.Store.
type CatalogStore struct{}

var _ catalog.Store = CatalogStore{}

// CreateCategory inserts a category.
func (CatalogStore) CreateCategory(ctx context.Context, c catalog.Category) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO categories (tenant_id, id, name, description, created_at) VALUES ($1,$2,$3,$4,$5)`,
		c.TenantID, c.ID, c.Name, c.Description, c.CreatedAt)
	return translate(err, "category")
}

// Categories lists the tenant's categories by name with class counts.
func (CatalogStore) Categories(ctx context.Context, publishedOnly bool, only catalog.Restriction) ([]catalog.Category, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT c.tenant_id, c.id, c.name, c.description, c.created_at,
			count(k.id) FILTER (WHERE k.deleted_at IS NULL AND (k.published OR NOT $1)
				AND ($2::text[] IS NULL OR k.content_rating IS NULL OR k.content_rating = ANY ($2))
				AND ($3::uuid[] IS NULL OR k.id = ANY ($3)))
		FROM categories c LEFT JOIN classes k ON k.tenant_id = c.tenant_id AND k.category_id = c.id
		WHERE c.tenant_id = app_tenant_id() GROUP BY c.tenant_id, c.id ORDER BY lower(c.name), c.id`,
		publishedOnly, only.Ratings, only.ClassIDs)
	if err != nil {
		return nil, translate(err, "category")
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (catalog.Category, error) {
		var c catalog.Category
		err := r.Scan(&c.TenantID, &c.ID, &c.Name, &c.Description, &c.CreatedAt, &c.Classes)
		c.CreatedAt = c.CreatedAt.UTC()
		return c, err
	})
	return cs, translate(err, "category")
}

const classColumns = `k.tenant_id, k.id, k.category_id, c.name, k.title, k.description, k.instructor, k.duration_seconds,
	k.thumbnail_url, k.level, coalesce(k.content_rating, ''), k.published, k.created_at, k.updated_at, k.version`

const classFrom = ` FROM classes k JOIN categories c ON c.tenant_id = k.tenant_id AND c.id = k.category_id`

func scanClass(row pgx.Row) (catalog.Class, error) {
	var c catalog.Class
	err := row.Scan(&c.TenantID, &c.ID, &c.CategoryID, &c.CategoryName, &c.Title, &c.Description, &c.Instructor, &c.DurationSeconds,
		&c.ThumbnailURL, &c.Level, &c.ContentRating, &c.Published, &c.CreatedAt, &c.UpdatedAt, &c.Version)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// CreateClass inserts a class.
func (CatalogStore) CreateClass(ctx context.Context, c catalog.Class) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO classes (tenant_id, id, category_id, title, description, instructor, duration_seconds,
		thumbnail_url, level, published, created_at, updated_at, version, content_rating)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,nullif($14, ''))`,
		c.TenantID, c.ID, c.CategoryID, c.Title, c.Description, c.Instructor, c.DurationSeconds, c.ThumbnailURL, c.Level, c.Published,
		c.CreatedAt, c.UpdatedAt, c.Version, c.ContentRating)
	return translate(err, "category")
}

// Class loads a class that is not deleted.
func (CatalogStore) Class(ctx context.Context, id string, forUpdate bool) (catalog.Class, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return catalog.Class{}, err
	}
	lock := ""
	if forUpdate {
		lock = " FOR UPDATE OF k"
	}
	c, err := scanClass(tx.QueryRow(ctx, `SELECT `+classColumns+classFrom+`
		WHERE k.tenant_id = app_tenant_id() AND k.id = $1 AND k.deleted_at IS NULL`+lock, id))
	return c, translate(err, "class")
}

// SaveClass stores a class's fields.
func (CatalogStore) SaveClass(ctx context.Context, c catalog.Class) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE classes SET category_id=$2, title=$3, description=$4, instructor=$5, duration_seconds=$6,
		thumbnail_url=$7, level=$8, published=$9, updated_at=$10, version=$11, content_rating=nullif($12, '')
		WHERE tenant_id = app_tenant_id() AND id = $1`,
		c.ID, c.CategoryID, c.Title, c.Description, c.Instructor, c.DurationSeconds, c.ThumbnailURL, c.Level, c.Published, c.UpdatedAt, c.Version,
		c.ContentRating)
	return translate(err, "category")
}

// DeleteClass marks a class deleted.
func (CatalogStore) DeleteClass(ctx context.Context, id string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE classes SET deleted_at = now(), published = false WHERE tenant_id = app_tenant_id() AND id = $1`, id)
	return translate(err, "class")
}

// Classes returns a page of classes matching the filter and the count matching.
func (CatalogStore) Classes(ctx context.Context, f catalog.ClassFilter, offset, limit int) ([]catalog.Class, int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, 0, err
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"k.tenant_id = app_tenant_id()", "k.deleted_at IS NULL"}
	if f.PublishedOnly {
		where = append(where, "k.published")
	}
	if f.CategoryID != "" {
		where = append(where, "k.category_id = "+arg(f.CategoryID))
	}
	if f.Only.Ratings != nil {
		where = append(where, "(k.content_rating IS NULL OR k.content_rating = ANY("+arg(f.Only.Ratings)+"::text[]))")
	}
	if f.Only.ClassIDs != nil {
		where = append(where, "k.id = ANY("+arg(f.Only.ClassIDs)+"::uuid[])")
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		p := arg("%" + likeEscape(s) + "%")
		where = append(where, "(k.title ILIKE "+p+" OR k.instructor ILIKE "+p+")")
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM classes k WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, translate(err, "class")
	}
	order := "k.created_at DESC, k.id"
	switch f.Sort {
	case catalog.SortTitle:
		order = "lower(k.title), k.id"
	case catalog.SortDuration:
		order = "k.duration_seconds, k.id"
	}
	rows, err := tx.Query(ctx, `SELECT `+classColumns+classFrom+` WHERE `+cond+` ORDER BY `+order+
		` OFFSET `+arg(offset)+` LIMIT `+arg(limit), args...)
	if err != nil {
		return nil, 0, translate(err, "class")
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (catalog.Class, error) { return scanClass(r) })
	return cs, total, translate(err, "class")
}
