package e2e

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// catalogOf creates categories and classes through the admin routes and returns the class ids
// by title.
func catalogOf(t *testing.T, adm *client, classes map[string]map[string]any) map[string]string {
	t.Helper()
	cats := map[string]string{}
	ids := map[string]string{}
	for title, fields := range classes {
		cat := fields["category"].(string)
		if cats[cat] == "" {
			r := adm.call("POST", "/admin/categories", map[string]string{"name": cat})
			require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
			cats[cat] = r.str("id")
		}
		body := map[string]any{"category_id": cats[cat], "title": title, "duration_seconds": 1800, "published": true, "level": "beginner"}
		for k, v := range fields {
			if k != "category" {
				body[k] = v
			}
		}
		r := adm.call("POST", "/admin/classes", body)
		require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
		ids[title] = r.str("id")
	}
	return ids
}

func TestCatalog(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "catalog-a", nil)
	idB, keyB := onboard(t, op, "catalog-b", nil)
	adm := admin(t, srv, op, idA, keyA, "admin@catalog-a.test")
	admB := admin(t, srv, op, idB, keyB, "admin@catalog-b.test")
	app := newClient(t, srv.URL).with("X-API-Key", keyA)

	ids := catalogOf(t, adm, map[string]map[string]any{
		"Morning Yoga":    {"category": "Yoga", "instructor": "Ana", "duration_seconds": 1200, "thumbnail_url": "https://cdn.example.com/y.jpg"},
		"Power HIIT":      {"category": "HIIT", "instructor": "Ben", "duration_seconds": 2700},
		"Evening Stretch": {"category": "Yoga", "instructor": "Ana", "published": false},
	})
	r := adm.call("POST", "/admin/categories", map[string]string{"name": "yoga"})
	r.flatError(t, http.StatusConflict, "CATEGORY_EXISTS")

	// Bad input names the field; an unknown category is a field error, not a 500.
	cats := adm.call("GET", "/admin/categories", nil)
	require.Len(t, cats.JSON["data"], 2)
	yoga := ""
	for _, c := range cats.JSON["data"].([]any) {
		if c.(map[string]any)["name"] == "Yoga" {
			yoga = c.(map[string]any)["id"].(string)
			require.Equal(t, 2.0, c.(map[string]any)["class_count"])
		}
	}
	d := adm.call("POST", "/admin/classes", map[string]any{"category_id": yoga, "title": "X", "duration_seconds": 60, "thumbnail_url": "javascript:alert(1)"}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"thumbnail_url"}, fields(d))
	d = adm.call("POST", "/admin/classes", map[string]any{"category_id": "01a20000-0000-7000-8000-000000000000", "title": "X", "duration_seconds": 60}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"category_id"}, fields(d))
	adm.call("POST", "/admin/classes", map[string]any{"category_id": yoga, "title": "", "duration_seconds": 0}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")

	// The app sees published classes only, page by page, searched, sorted.
	list := data(t, app.call("GET", "/classes", nil), http.StatusOK)
	require.Len(t, list["classes"], 2)
	require.Equal(t, map[string]any{"page": 1.0, "limit": 20.0, "total": 2.0, "totalPages": 1.0}, list["pagination"])
	byDuration := data(t, app.call("GET", "/classes?sort=duration", nil), http.StatusOK)["classes"].([]any)
	require.Equal(t, "Morning Yoga", byDuration[0].(map[string]any)["title"])
	c := byDuration[0].(map[string]any)
	require.Equal(t, 20.0, c["durationMinutes"])
	require.Equal(t, "Yoga", c["category"].(map[string]any)["name"])
	require.Equal(t, "https://cdn.example.com/y.jpg", c["thumbnailUrl"])
	require.Len(t, data(t, app.call("GET", "/classes?search=hiit", nil), http.StatusOK)["classes"], 1)
	require.Len(t, data(t, app.call("GET", "/classes?category="+yoga, nil), http.StatusOK)["classes"], 1)
	require.Len(t, data(t, app.call("GET", "/classes?limit=1&page=2", nil), http.StatusOK)["classes"], 1)
	app.call("GET", "/classes?limit=51", nil).envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	app.call("GET", "/classes/"+ids["Evening Stretch"], nil).envelopedError(t, http.StatusNotFound, "CLASS_NOT_FOUND")
	require.Equal(t, "Power HIIT", data(t, app.call("GET", "/classes/"+ids["Power HIIT"], nil), http.StatusOK)["title"])
	catsApp := data(t, app.call("GET", "/categories", nil), http.StatusOK)["categories"].([]any)
	require.Len(t, catsApp, 2)
	require.Equal(t, "HIIT", catsApp[0].(map[string]any)["name"])
	require.Equal(t, 1.0, catsApp[1].(map[string]any)["classCount"], "published classes only")

	// Update with If-Match; a stale ETag is refused; delete takes it out of the app.
	g := adm.call("GET", "/admin/classes/"+ids["Evening Stretch"], nil)
	require.Equal(t, http.StatusOK, g.Status)
	etag := g.Header.Get("ETag")
	body := map[string]any{"category_id": yoga, "title": "Evening Stretch", "duration_seconds": 900, "published": true}
	u := adm.call("PUT", "/admin/classes/"+ids["Evening Stretch"], body, "If-Match", etag)
	require.Equal(t, http.StatusOK, u.Status, string(u.Raw))
	require.NotEqual(t, etag, u.Header.Get("ETag"))
	adm.call("PUT", "/admin/classes/"+ids["Evening Stretch"], body, "If-Match", etag).flatError(t, http.StatusPreconditionFailed, "PRECONDITION_FAILED")
	require.Equal(t, http.StatusOK, app.call("GET", "/classes/"+ids["Evening Stretch"], nil).Status)
	require.Equal(t, http.StatusNoContent, adm.call("DELETE", "/admin/classes/"+ids["Evening Stretch"], nil).Status)
	app.call("GET", "/classes/"+ids["Evening Stretch"], nil).envelopedError(t, http.StatusNotFound, "CLASS_NOT_FOUND")
	adm.call("GET", "/admin/classes/"+ids["Evening Stretch"], nil).flatError(t, http.StatusNotFound, "CLASS_NOT_FOUND")
	page := adm.call("GET", "/admin/classes?limit=1", nil)
	require.Equal(t, true, page.JSON["meta"].(map[string]any)["has_more"])
	next := page.JSON["meta"].(map[string]any)["next_cursor"].(string)
	page = adm.call("GET", "/admin/classes?limit=1&cursor="+next, nil)
	require.Len(t, page.JSON["data"], 1)
	require.Equal(t, false, page.JSON["meta"].(map[string]any)["has_more"])

	// Another client sees none of it and cannot change it.
	appB := newClient(t, srv.URL).with("X-API-Key", keyB)
	appB.call("GET", "/classes/"+ids["Power HIIT"], nil).envelopedError(t, http.StatusNotFound, "CLASS_NOT_FOUND")
	require.Empty(t, data(t, appB.call("GET", "/classes", nil), http.StatusOK)["classes"])
	require.Empty(t, data(t, appB.call("GET", "/categories", nil), http.StatusOK)["categories"])
	admB.call("GET", "/admin/classes/"+ids["Power HIIT"], nil).flatError(t, http.StatusNotFound, "CLASS_NOT_FOUND")
	admB.call("PUT", "/admin/classes/"+ids["Power HIIT"], body).flatError(t, http.StatusNotFound, "CLASS_NOT_FOUND")
	admB.call("DELETE", "/admin/classes/"+ids["Power HIIT"], nil).flatError(t, http.StatusNotFound, "CLASS_NOT_FOUND")
	admB.call("POST", "/admin/classes", map[string]any{"category_id": yoga, "title": "Planted", "duration_seconds": 60}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	// A member is not an admin.
	m := member(t, app, "viewer@catalog-a.test")
	newClient(t, srv.URL).with("Authorization", "Bearer "+m["accessToken"].(string)).call("POST", "/admin/categories", map[string]string{"name": "Mine"}).
		flatError(t, http.StatusForbidden, "FORBIDDEN")
}
