package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

// client calls a server as an HTTP client would.
type client struct {
	t    testing.TB
	base string
	hdr  http.Header
}

func newClient(t testing.TB, base string) *client {
	return &client{t: t, base: base, hdr: http.Header{}}
}

// with returns a copy of the client that sends the header on every call.
func (c *client) with(key, value string) *client {
	h := c.hdr.Clone()
	h.Set(key, value)
	return &client{t: c.t, base: c.base, hdr: h}
}

// response is an answer, its JSON decoded into a generic value.
type response struct {
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any
}

// call sends body as JSON (a string is sent as is) and decodes the answer.
func (c *client) call(method, path string, body any, extra ...string) response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		require.NoError(c.t, err)
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	require.NoError(c.t, err)
	req.Header = c.hdr.Clone()
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	r := response{Status: res.StatusCode, Header: res.Header, Raw: raw}
	if len(raw) > 0 && strings.Contains(res.Header.Get("Content-Type"), "json") {
		var v any
		require.NoError(c.t, json.Unmarshal(raw, &v), string(raw))
		r.JSON, _ = v.(map[string]any)
	}
	require.NotEmpty(c.t, res.Header.Get("X-Request-ID"), "every response carries X-Request-ID")
	return r
}

func (r response) str(key string) string {
	s, _ := r.JSON[key].(string)
	return s
}

// flatError checks the body is the flat error format with the code, and returns its details.
func (r response) flatError(t *testing.T, status int, code string) []any {
	t.Helper()
	require.Equal(t, status, r.Status, string(r.Raw))
	require.Equal(t, code, r.str("code"), string(r.Raw))
	require.NotEmpty(t, r.str("message"))
	require.Equal(t, r.Header.Get("X-Request-ID"), r.str("request_id"))
	d, _ := r.JSON["details"].([]any)
	return d
}

// envelopedError checks the body is the enveloped error format with the code.
func (r response) envelopedError(t *testing.T, status int, code string) map[string]any {
	t.Helper()
	require.Equal(t, status, r.Status, string(r.Raw))
	require.Equal(t, false, r.JSON["success"], string(r.Raw))
	e, _ := r.JSON["error"].(map[string]any)
	require.Equal(t, code, e["code"], string(r.Raw))
	require.Equal(t, r.Header.Get("X-Request-ID"), e["requestId"])
	return e
}

// fields lists the field names of error details.
func fields(details []any) []string {
	var out []string
	for _, d := range details {
		m, _ := d.(map[string]any)
		f, _ := m["field"].(string)
		out = append(out, f)
	}
	return out
}

var demoPassword = "correct horse battery staple"

// operator bootstraps a superadmin on the server's database and returns a client signed in as
// them.
func operator(t testing.TB, srv *harness.Server) *client {
	t.Helper()
	email := "ops@stvos.test"
	_, err := bootstrap(srv, email)
	require.NoError(t, err)
	c := newClient(t, srv.URL)
	r := c.call("POST", "/platform/auth/login", map[string]string{"email": email, "password": demoPassword})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	return c.with("Authorization", "Bearer "+r.str("access_token"))
}

// onboard creates a client with a key and returns the tenant id and the key.
func onboard(t testing.TB, op *client, slug string, strs map[string]string) (tenantID, key string) {
	t.Helper()
	r := op.call("POST", "/platform/tenants", map[string]any{"name": "Client " + slug, "slug": slug, "strings": strs})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	tenantID = r.str("id")
	r = op.call("POST", "/platform/tenants/"+tenantID+"/api-keys", map[string]string{"name": "app"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	return tenantID, r.str("key")
}
