package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// TestContentStrings: staff read and merge the client's strings with the spec's bodies; the HTML
// is sanitized before the app gets it; viewers cannot write; another client's strings stay apart.
func TestContentStrings(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "strings-a", map[string]string{"st_aboutus": "<h1>About Us</h1><p>Your about us content...</p>",
		"st_privacypolicy": "<h1>Privacy Policy</h1><p>Your privacy policy...</p>"})
	idB, keyB := onboard(t, op, "strings-b", map[string]string{"st_aboutus": "<p>B</p>"})
	pid, admin := partnerStaff(t, srv, op, idA, "Gym", "admin@strings-a.test", "admin")
	staffOf(t, srv, op, pid, "viewer@strings-a.test", "viewer")
	viewer := signInStaff(t, srv, "viewer@strings-a.test")
	_, adminB := partnerStaff(t, srv, op, idB, "Gym B", "admin@strings-b.test", "admin")
	app := newClient(t, srv.URL).with("X-API-Key", keyA)

	require.Equal(t, map[string]any{"st_aboutus": "<h1>About Us</h1><p>Your about us content...</p>",
		"st_privacypolicy": "<h1>Privacy Policy</h1><p>Your privacy policy...</p>"}, data(t, viewer.call("GET", "/partner/strings", nil), http.StatusOK))

	// Merge: only the keys sent change; the answer holds them all (the spec's example).
	got := data(t, admin.call("PUT", "/partner/strings", map[string]string{"st_aboutus": "<h1>About Us</h1><p>Updated content...</p>",
		"st_faq": "<p>Ask us</p>"}), http.StatusOK)
	require.Equal(t, map[string]any{"st_aboutus": "<h1>About Us</h1><p>Updated content...</p>", "st_faq": "<p>Ask us</p>",
		"st_privacypolicy": "<h1>Privacy Policy</h1><p>Your privacy policy...</p>"}, got)

	// Scripts, event handlers and javascript: URLs never reach the app.
	got = data(t, admin.call("PUT", "/partner/strings", map[string]string{
		"st_privacypolicy": `<h1 onclick="steal()">Privacy</h1><script>alert(1)</script><p><a href="javascript:alert(1)">x</a>` +
			`<a href="https://gym.example/terms">terms</a><img src="x" onerror="alert(1)"></p>`}), http.StatusOK)
	clean := got["st_privacypolicy"].(string)
	for _, bad := range []string{"script", "onclick", "onerror", "javascript:", "alert"} {
		require.NotContains(t, clean, bad)
	}
	require.Contains(t, clean, `<h1>Privacy</h1>`)
	require.Contains(t, clean, `href="https://gym.example/terms"`)
	r := app.call("GET", "/app/strings", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, []any{map[string]any{"st_aboutus": "<h1>About Us</h1><p>Updated content...</p>", "st_faq": "<p>Ask us</p>",
		"st_privacypolicy": clean}}, r.JSON["data"])

	// Bad input names the field; nothing of a refused change is stored.
	e := admin.call("PUT", "/partner/strings", map[string]string{"st_ok": "<p>fine</p>", "About": "x", "st_big": strings.Repeat("x", 65537)}).
		envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.ElementsMatch(t, []string{"About", "st_big"}, detailFields(e))
	require.NotContains(t, data(t, admin.call("GET", "/partner/strings", nil), http.StatusOK), "st_ok")
	many := map[string]string{}
	for i := range 48 {
		many[fmt.Sprintf("st_k%02d", i)] = "x"
	}
	e = admin.call("PUT", "/partner/strings", many).envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"body"}, detailFields(e), "3 strings + 48 new ones are more than 50")

	// Viewers read only; the app key alone is not staff; other clients are untouched.
	viewer.call("PUT", "/partner/strings", map[string]string{"st_aboutus": "x"}).envelopedError(t, http.StatusForbidden, "FORBIDDEN")
	app.call("PUT", "/partner/strings", map[string]string{"st_aboutus": "x"}).envelopedError(t, http.StatusUnauthorized, "UNAUTHORIZED")
	require.Equal(t, map[string]any{"st_aboutus": "<p>B</p>"}, data(t, adminB.call("GET", "/partner/strings", nil), http.StatusOK))
	data(t, adminB.call("PUT", "/partner/strings", map[string]string{"st_aboutus": "<p>B2</p>"}), http.StatusOK)
	r = newClient(t, srv.URL).with("X-API-Key", keyB).call("GET", "/app/strings", nil)
	require.Equal(t, []any{map[string]any{"st_aboutus": "<p>B2</p>"}}, r.JSON["data"])
	require.Equal(t, "<h1>About Us</h1><p>Updated content...</p>", data(t, admin.call("GET", "/partner/strings", nil), http.StatusOK)["st_aboutus"])
}

// detailFields lists the fields of an enveloped error's details.
func detailFields(e map[string]any) []string {
	d, _ := e["details"].([]any)
	return fields(d)
}

func productsOf(d map[string]any) []map[string]any {
	var out []map[string]any
	for _, p := range d["products"].([]any) {
		out = append(out, p.(map[string]any))
	}
	return out
}

func names(ps []map[string]any) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p["name"].(string))
	}
	return out
}

// TestProducts walks the product routes with the spec's bodies: create with defaults, list with
// every filter and sort, partial update, delete; the app sees active products only; other
// partners and other clients never reach a product by its id.
func TestProducts(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "products-a", nil)
	idB, keyB := onboard(t, op, "products-b", nil)
	pid, admin := partnerStaff(t, srv, op, idA, "Gym", "admin@products-a.test", "admin")
	staffOf(t, srv, op, pid, "viewer@products-a.test", "viewer")
	viewer := signInStaff(t, srv, "viewer@products-a.test")
	_, neighbour := partnerStaff(t, srv, op, idA, "Gym Next Door", "admin@next-door.test", "owner")
	_, adminB := partnerStaff(t, srv, op, idB, "Gym B", "admin@products-b.test", "admin")
	app := newClient(t, srv.URL).with("X-API-Key", keyA)
	appB := newClient(t, srv.URL).with("X-API-Key", keyB)

	// The spec's create body, answered with every field.
	p := data(t, admin.call("POST", "/partner/products", map[string]any{"name": "Protein Powder", "description": "Premium whey protein isolate",
		"image": "https://example.com/image.jpg", "price": "29.99", "currency": "USD", "externalUrl": "https://shop.example.com/protein",
		"productType": "Supplements", "featured": false, "status": "draft", "sortOrder": 0}), http.StatusCreated)
	protein := p["id"].(string)
	require.Regexp(t, `^[0-9a-f-]{36}$`, protein)
	require.Equal(t, p["createdAt"], p["updatedAt"])
	for _, k := range []string{"id", "createdAt", "updatedAt"} {
		delete(p, k)
	}
	require.Equal(t, map[string]any{"name": "Protein Powder", "description": "Premium whey protein isolate", "image": "https://example.com/image.jpg",
		"price": "29.99", "currency": "USD", "externalUrl": "https://shop.example.com/protein", "productType": "Supplements",
		"featured": false, "status": "draft", "sortOrder": 0.0}, p)

	// Defaults: only a name.
	p = data(t, admin.call("POST", "/partner/products", map[string]any{"name": "Gift"}), http.StatusCreated)
	require.Equal(t, "USD", p["currency"])
	require.Nil(t, p["price"])
	require.Equal(t, "draft", p["status"])
	require.Equal(t, false, p["featured"])
	gift := p["id"].(string)

	// Exact decimals in the currency's minor digits, never rounded; ISO 4217 codes; http(s) URLs.
	mat := data(t, admin.call("POST", "/partner/products", map[string]any{"name": "Yoga Mat", "price": "45.5", "currency": "eur",
		"productType": "Equipment", "status": "active", "sortOrder": 2, "featured": true}), http.StatusCreated)
	require.Equal(t, "45.50", mat["price"])
	require.Equal(t, "EUR", mat["currency"])
	bands := data(t, admin.call("POST", "/partner/products", map[string]any{"name": "Resistance Bands", "price": "1200", "currency": "JPY",
		"productType": "equipment", "status": "active", "sortOrder": 1}), http.StatusCreated)
	require.Equal(t, "1200", bands["price"])
	for _, bad := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"name": ""}, "name"},
		{map[string]any{"description": "no name"}, "name"},
		{map[string]any{"name": "X", "price": "29.999"}, "price"},
		{map[string]any{"name": "X", "price": "1200.5", "currency": "JPY"}, "price"},
		{map[string]any{"name": "X", "price": "-1"}, "price"},
		{map[string]any{"name": "X", "price": "1e3"}, "price"},
		{map[string]any{"name": "X", "price": 29.99}, "price"},
		{map[string]any{"name": "X", "currency": "ABC"}, "currency"},
		{map[string]any{"name": "X", "image": "javascript:alert(1)"}, "image"},
		{map[string]any{"name": "X", "externalUrl": "/relative/path"}, "externalUrl"},
		{map[string]any{"name": "X", "externalUrl": "ftp://shop.example.com"}, "externalUrl"},
		{map[string]any{"name": "X", "status": "live"}, "status"},
	} {
		e := admin.call("POST", "/partner/products", bad.body).envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
		require.Contains(t, fmt.Sprint(e["details"]), bad.field, "%v", bad.body)
	}

	// Lists: the spec's shape, filters, sorts, limit at most 50.
	d := data(t, admin.call("GET", "/partner/products", nil), http.StatusOK)
	require.Equal(t, []string{"Resistance Bands", "Yoga Mat", "Gift", "Protein Powder"}, names(productsOf(d)), "newest first")
	require.Equal(t, map[string]any{"page": 1.0, "limit": 20.0, "total": 4.0, "totalPages": 1.0}, d["pagination"])
	require.Equal(t, []string{"Protein Powder", "Gift", "Yoga Mat", "Resistance Bands"},
		names(productsOf(data(t, admin.call("GET", "/partner/products?sort=oldest", nil), http.StatusOK))))
	require.Equal(t, []string{"Protein Powder", "Yoga Mat", "Resistance Bands", "Gift"},
		names(productsOf(data(t, admin.call("GET", "/partner/products?sort=price_asc", nil), http.StatusOK))), "no price sorts last")
	require.Equal(t, []string{"Resistance Bands", "Yoga Mat", "Protein Powder", "Gift"},
		names(productsOf(data(t, admin.call("GET", "/partner/products?sort=price_desc", nil), http.StatusOK))))
	require.Equal(t, []string{"Gift", "Protein Powder", "Resistance Bands", "Yoga Mat"},
		names(productsOf(data(t, admin.call("GET", "/partner/products?sort=sort_order", nil), http.StatusOK))))
	require.Equal(t, []string{"Resistance Bands", "Yoga Mat"},
		names(productsOf(data(t, admin.call("GET", "/partner/products?status=active", nil), http.StatusOK))))
	require.Equal(t, []string{"Resistance Bands", "Yoga Mat"},
		names(productsOf(data(t, admin.call("GET", "/partner/products?productType=EQUIPMENT", nil), http.StatusOK))))
	require.Equal(t, []string{"Protein Powder"},
		names(productsOf(data(t, admin.call("GET", "/partner/products?search=WHEY", nil), http.StatusOK))), "description searched")
	d = data(t, admin.call("GET", "/partner/products?limit=3&page=2", nil), http.StatusOK)
	require.Equal(t, []string{"Protein Powder"}, names(productsOf(d)))
	require.Equal(t, map[string]any{"page": 2.0, "limit": 3.0, "total": 4.0, "totalPages": 2.0}, d["pagination"])
	for _, q := range []string{"limit=51", "sort=cheapest", "status=gone", "page=0"} {
		admin.call("GET", "/partner/products?"+q, nil).envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	}

	// Partial update: only the fields sent change; an empty price removes it.
	before := data(t, admin.call("GET", "/partner/products/"+protein, nil), http.StatusOK)
	after := data(t, admin.call("PUT", "/partner/products/"+protein, map[string]any{"status": "active", "featured": true, "price": "31"}), http.StatusOK)
	require.Equal(t, "31.00", after["price"])
	require.Equal(t, "active", after["status"])
	require.Equal(t, true, after["featured"])
	require.Equal(t, before["name"], after["name"])
	require.Equal(t, before["externalUrl"], after["externalUrl"])
	require.Equal(t, before["createdAt"], after["createdAt"])
	require.NotEqual(t, before["updatedAt"], after["updatedAt"])
	require.Nil(t, data(t, admin.call("PUT", "/partner/products/"+gift, map[string]any{"price": ""}), http.StatusOK)["price"])
	e := admin.call("PUT", "/partner/products/"+protein, map[string]any{"price": "9.999", "name": "Renamed"}).
		envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"price"}, detailFields(e))
	require.Equal(t, "Protein Powder", data(t, admin.call("GET", "/partner/products/"+protein, nil), http.StatusOK)["name"], "a refused change writes nothing")

	// The app: active products only, in the partner's display order by default; types with counts.
	d = data(t, app.call("GET", "/products", nil), http.StatusOK)
	require.Equal(t, []string{"Protein Powder", "Resistance Bands", "Yoga Mat"}, names(productsOf(d)))
	require.NotContains(t, productsOf(d)[0], "status")
	require.Equal(t, []string{"Yoga Mat"}, names(productsOf(data(t, app.call("GET", "/products?search=yoga&productType=Equipment", nil), http.StatusOK))))
	require.Equal(t, []any{map[string]any{"name": "Equipment", "count": 2.0}, map[string]any{"name": "Supplements", "count": 1.0}},
		data(t, app.call("GET", "/products/types", nil), http.StatusOK)["types"])
	require.Equal(t, "Protein Powder", data(t, app.call("GET", "/products/"+protein, nil), http.StatusOK)["name"])
	app.call("GET", "/products/"+gift, nil).envelopedError(t, http.StatusNotFound, "PRODUCT_NOT_FOUND")
	app.call("GET", "/products/not-a-uuid", nil).envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	app.call("GET", "/partner/products", nil).envelopedError(t, http.StatusUnauthorized, "UNAUTHORIZED")
	newClient(t, srv.URL).call("GET", "/products", nil).envelopedError(t, http.StatusUnauthorized, "INVALID_API_KEY")

	// Viewers read only.
	require.Len(t, productsOf(data(t, viewer.call("GET", "/partner/products", nil), http.StatusOK)), 4)
	viewer.call("POST", "/partner/products", map[string]any{"name": "X"}).envelopedError(t, http.StatusForbidden, "FORBIDDEN")
	viewer.call("PUT", "/partner/products/"+protein, map[string]any{"name": "X"}).envelopedError(t, http.StatusForbidden, "FORBIDDEN")
	viewer.call("DELETE", "/partner/products/"+protein, nil).envelopedError(t, http.StatusForbidden, "FORBIDDEN")

	// Isolation: another partner of the client and another client reach none of it by id.
	require.Empty(t, productsOf(data(t, neighbour.call("GET", "/partner/products", nil), http.StatusOK)))
	for _, c := range []*client{neighbour, adminB} {
		c.call("GET", "/partner/products/"+protein, nil).envelopedError(t, http.StatusNotFound, "PRODUCT_NOT_FOUND")
		c.call("PUT", "/partner/products/"+protein, map[string]any{"name": "Mine"}).envelopedError(t, http.StatusNotFound, "PRODUCT_NOT_FOUND")
		c.call("DELETE", "/partner/products/"+protein, nil).envelopedError(t, http.StatusNotFound, "PRODUCT_NOT_FOUND")
	}
	appB.call("GET", "/products/"+protein, nil).envelopedError(t, http.StatusNotFound, "PRODUCT_NOT_FOUND")
	require.Empty(t, productsOf(data(t, appB.call("GET", "/products", nil), http.StatusOK)))
	require.Empty(t, data(t, appB.call("GET", "/products/types", nil), http.StatusOK)["types"])
	// The neighbour's active products join the client's store section.
	data(t, neighbour.call("POST", "/partner/products", map[string]any{"name": "Towel", "status": "active", "sortOrder": 5}), http.StatusCreated)
	require.Equal(t, []string{"Protein Powder", "Resistance Bands", "Yoga Mat", "Towel"},
		names(productsOf(data(t, app.call("GET", "/products", nil), http.StatusOK))))

	// Delete is permanent.
	require.Equal(t, map[string]any{"id": protein, "deleted": true}, data(t, admin.call("DELETE", "/partner/products/"+protein, nil), http.StatusOK))
	admin.call("GET", "/partner/products/"+protein, nil).envelopedError(t, http.StatusNotFound, "PRODUCT_NOT_FOUND")
	admin.call("DELETE", "/partner/products/"+protein, nil).envelopedError(t, http.StatusNotFound, "PRODUCT_NOT_FOUND")
	app.call("GET", "/products/"+protein, nil).envelopedError(t, http.StatusNotFound, "PRODUCT_NOT_FOUND")
}
