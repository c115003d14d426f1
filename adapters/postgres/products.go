package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/core/product"
)

// ProductStore implements product.Store.
type ProductStore struct{}

var _ product.Store = ProductStore{}

const productColumns = `tenant_id, id, partner_id, name, description, image, coalesce(price::text, ''), currency, external_url,
	product_type, featured, status, sort_order, created_at, updated_at`

func scanProduct(row pgx.Row) (product.Product, error) {
	var p product.Product
	err := row.Scan(&p.TenantID, &p.ID, &p.PartnerID, &p.Name, &p.Description, &p.Image, &p.Price, &p.Currency, &p.ExternalURL,
		&p.ProductType, &p.Featured, &p.Status, &p.SortOrder, &p.CreatedAt, &p.UpdatedAt)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// price is the column's value: NULL for no price.
func price(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Create inserts a product.
func (ProductStore) Create(ctx context.Context, p product.Product) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO products (tenant_id, id, partner_id, name, description, image, price, currency, external_url,
		product_type, featured, status, sort_order, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7::numeric,$8,$9,$10,$11,$12,$13,$14,$15)`,
		p.TenantID, p.ID, p.PartnerID, p.Name, p.Description, p.Image, price(p.Price), p.Currency, p.ExternalURL,
		p.ProductType, p.Featured, p.Status, p.SortOrder, p.CreatedAt, p.UpdatedAt)
	return translate(err, "product")
}

// Get loads a product of the tenant.
func (ProductStore) Get(ctx context.Context, id string, forUpdate bool) (product.Product, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return product.Product{}, err
	}
	lock := ""
	if forUpdate {
		lock = " FOR UPDATE"
	}
	p, err := scanProduct(tx.QueryRow(ctx, `SELECT `+productColumns+` FROM products WHERE tenant_id = app_tenant_id() AND id = $1`+lock, id))
	return p, translate(err, "product")
}

// Save stores a product's fields.
func (ProductStore) Save(ctx context.Context, p product.Product) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE products SET name=$2, description=$3, image=$4, price=$5::numeric, currency=$6, external_url=$7,
		product_type=$8, featured=$9, status=$10, sort_order=$11, updated_at=$12 WHERE tenant_id = app_tenant_id() AND id = $1`,
		p.ID, p.Name, p.Description, p.Image, price(p.Price), p.Currency, p.ExternalURL, p.ProductType, p.Featured, p.Status,
		p.SortOrder, p.UpdatedAt)
	return translate(err, "product")
}

// Delete removes a product.
func (ProductStore) Delete(ctx context.Context, id string) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `DELETE FROM products WHERE tenant_id = app_tenant_id() AND id = $1`, id)
	return translate(err, "product")
}

// productOrder is each sort's ORDER BY; products without a price sort last either way, and the
// id breaks ties so that pages never overlap.
var productOrder = map[string]string{
	product.SortNewest:    "created_at DESC, id",
	product.SortOldest:    "created_at, id",
	product.SortPriceAsc:  "price ASC NULLS LAST, created_at DESC, id",
	product.SortPriceDesc: "price DESC NULLS LAST, created_at DESC, id",
	product.SortOrder:     "sort_order, created_at DESC, id",
}

// List returns a page of the products matching the filter and the count matching.
func (ProductStore) List(ctx context.Context, f product.Filter, offset, limit int) ([]product.Product, int, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, 0, err
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"tenant_id = app_tenant_id()"}
	if f.PartnerID != "" {
		where = append(where, "partner_id = "+arg(f.PartnerID))
	}
	if f.Status != "" {
		where = append(where, "status = "+arg(f.Status))
	}
	if f.ProductType != "" {
		where = append(where, "lower(product_type) = lower("+arg(f.ProductType)+")")
	}
	if f.Search != "" {
		p := arg("%" + likeEscape(f.Search) + "%")
		where = append(where, "(name ILIKE "+p+" OR description ILIKE "+p+")")
	}
	order, ok := productOrder[f.Sort]
	if !ok {
		order = productOrder[product.SortNewest]
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM products WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, translate(err, "product")
	}
	rows, err := tx.Query(ctx, `SELECT `+productColumns+` FROM products WHERE `+cond+` ORDER BY `+order+
		` OFFSET `+arg(offset)+` LIMIT `+arg(limit), args...)
	if err != nil {
		return nil, 0, translate(err, "product")
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (product.Product, error) { return scanProduct(r) })
	return ps, total, translate(err, "product")
}

// Types lists the types of active products with their counts; products without a type are not
// listed.
func (ProductStore) Types(ctx context.Context) ([]product.Type, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT min(product_type), count(*) FROM products
		WHERE tenant_id = app_tenant_id() AND status = 'active' AND product_type <> ''
		GROUP BY lower(product_type) ORDER BY lower(min(product_type))`)
	if err != nil {
		return nil, translate(err, "product")
	}
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (product.Type, error) {
		var t product.Type
		return t, r.Scan(&t.Name, &t.Count)
	})
	return ts, translate(err, "product")
}
