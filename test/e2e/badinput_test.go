package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// TestBadInputIsRefusedInTheSurfaceFormat sends malformed requests to every route with a body or
// parameters and checks each gets a 4xx in the platform's format naming the field, and that
// nothing was written.
func TestBadInputIsRefusedInTheSurfaceFormat(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	id, _ := onboard(t, op, "acme", nil)
	partnerID := op.call("POST", "/platform/tenants/"+id+"/partners", map[string]string{"name": "Gym"}).str("id")
	huge := `{"name":"` + strings.Repeat("x", 70<<10) + `","slug":"huge"}`

	cases := []struct {
		name, method, path string
		body               any
		status             int
		code               string
		fields             []string
	}{
		{"bad JSON", "POST", "/platform/tenants", `{"name": "x",`, 400, "BAD_REQUEST", []string{"body"}},
		{"wrong type", "POST", "/platform/tenants", `{"name": 5, "slug": "five"}`, 422, "VALIDATION_FAILED", []string{"name"}},
		{"missing field", "POST", "/platform/tenants", `{"name": "No slug"}`, 422, "VALIDATION_FAILED", []string{"slug"}},
		{"bad slug and colour", "POST", "/platform/tenants", `{"name":"x","slug":"Not A Slug","branding":{"primary_color":"red"}}`,
			422, "VALIDATION_FAILED", []string{"slug", "branding.primary_color"}},
		{"unknown field", "POST", "/platform/tenants", `{"name":"x","slug":"x","colour":"red"}`, 422, "VALIDATION_FAILED", []string{"colour"}},
		{"unknown adapter port", "POST", "/platform/tenants", `{"name":"x","slug":"x2","adapters":{"teleport":"yes"}}`,
			422, "VALIDATION_FAILED", []string{"adapters.teleport"}},
		{"bad string key", "POST", "/platform/tenants", `{"name":"x","slug":"x3","strings":{"About":"y"}}`,
			422, "VALIDATION_FAILED", []string{"strings.About"}},
		{"oversized body", "POST", "/platform/tenants", huge, 413, "PAYLOAD_TOO_LARGE", nil},
		{"unknown enum", "PATCH", "/platform/tenants/" + id, `{"status":"frozen"}`, 422, "VALIDATION_FAILED", []string{"status"}},
		{"rate limit out of range", "PATCH", "/platform/tenants/" + id, `{"rate_limit":{"requests_per_minute":-1}}`,
			422, "VALIDATION_FAILED", []string{"rate_limit.requests_per_minute"}},
		{"bad path id", "GET", "/platform/tenants/not-a-uuid", nil, 422, "VALIDATION_FAILED", []string{"path.tenant_id"}},
		{"unknown tenant", "GET", "/platform/tenants/01a200dc-0000-7000-8000-000000000000", nil, 404, "TENANT_NOT_FOUND", nil},
		{"key name too long", "POST", "/platform/tenants/" + id + "/api-keys", `{"name":"` + strings.Repeat("k", 101) + `"}`,
			422, "VALIDATION_FAILED", []string{"name"}},
		{"key for unknown tenant", "POST", "/platform/tenants/01a200dc-0000-7000-8000-000000000000/api-keys", `{}`, 404, "TENANT_NOT_FOUND", nil},
		{"partner without name", "POST", "/platform/tenants/" + id + "/partners", `{}`, 422, "VALIDATION_FAILED", []string{"name"}},
		{"partner of unknown tenant", "POST", "/platform/tenants/01a200dc-0000-7000-8000-000000000000/partners", `{"name":"x"}`,
			404, "TENANT_NOT_FOUND", nil},
		{"staff: bad email, short password, unknown role", "POST", "/platform/partners/" + partnerID + "/staff",
			`{"email":"not-an-email","password":"short","name":"x","role":"king"}`, 422, "VALIDATION_FAILED",
			[]string{"email", "password", "role"}},
		{"staff of unknown partner", "POST", "/platform/partners/01a200dc-0000-7000-8000-000000000000/staff",
			`{"email":"a@b.test","password":"long enough pw","name":"x","role":"admin"}`, 404, "PARTNER_NOT_FOUND", nil},
		{"login without password", "POST", "/platform/auth/login", `{"email":"a@b.test"}`, 422, "VALIDATION_FAILED", []string{"password"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := op.call(tc.method, tc.path, tc.body).flatError(t, tc.status, tc.code)
			for _, f := range tc.fields {
				require.Contains(t, fields(d), f)
			}
		})
	}

	// Nothing was half-written: one tenant, one partner, no staff, the first key only.
	require.Len(t, op.call("GET", "/platform/tenants", nil).JSON["data"], 1)
	require.Len(t, op.call("GET", "/platform/tenants/"+id+"/partners", nil).JSON["data"], 1)
	require.Len(t, op.call("GET", "/platform/partners/"+partnerID+"/staff", nil).JSON["data"], 0)
	require.Len(t, op.call("GET", "/platform/tenants/"+id+"/api-keys", nil).JSON["data"], 1)
	require.Equal(t, "active", op.call("GET", "/platform/tenants/"+id, nil).str("status"))
}

// TestUnknownRoutes answer 404 with a request id.
func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	c := newClient(t, srv.URL)
	c.call("GET", "/no/such/route", nil).flatError(t, http.StatusNotFound, "NOT_FOUND")
	r := c.call("GET", "/healthz", nil, "X-Request-ID", "my-trace-123")
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, "my-trace-123", r.Header.Get("X-Request-ID"))
	r = c.call("GET", "/readyz", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, "ok", r.str("postgres"))
	require.Equal(t, "ok", r.str("redis"))

	// Every surface serves its OpenAPI document and a reference page whose only script is the
	// renderer served by this server.
	scripts := regexp.MustCompile(`<script[^>]*src="([^"]+)"`)
	for _, s := range []string{"app", "partner", "subscriber", "enterprise", "platform"} {
		r := c.call("GET", "/openapi/"+s+".json", nil)
		require.Equal(t, http.StatusOK, r.Status, s)
		require.Equal(t, "3.1.0", r.str("openapi"))
		r = c.call("GET", "/docs/"+s, nil)
		require.Equal(t, http.StatusOK, r.Status, s)
		require.Contains(t, string(r.Raw), `spec-url="/openapi/`+s+`.json"`)
		require.Equal(t, [][]string{{`<script src="/docs/assets/redoc.standalone.js"`, "/docs/assets/redoc.standalone.js"}},
			scripts.FindAllStringSubmatch(string(r.Raw), -1), "one script, from this server")
		require.Contains(t, r.Header.Get("Content-Security-Policy"), "script-src 'self'")
	}
	r = c.call("GET", "/docs/assets/redoc.standalone.js", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.Contains(t, r.Header.Get("Content-Type"), "javascript")
	require.Greater(t, len(r.Raw), 500_000, "the whole bundle")
}
