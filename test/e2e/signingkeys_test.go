package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/jwt"
	"github.com/stvos/stvos/app"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/harness"
)

// aheadClock is the wall clock moved forward by the test, so a server sees minutes pass at once.
type aheadClock struct {
	mu    sync.Mutex
	ahead time.Duration
}

func (c *aheadClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.ahead)
}

func (c *aheadClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ahead += d
}

func withClock(c ports.Clock) fx.Option {
	return fx.Decorate(func(ports.Clock) ports.Clock { return c })
}

func tokenKID(t *testing.T, tok string) string {
	t.Helper()
	h, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	require.NoError(t, err)
	var v struct{ Kid string }
	require.NoError(t, json.Unmarshal(h, &v))
	return v.Kid
}

// TestKeyRotationReachesEveryServer runs two servers over one database with the keys in it.
// Server two only ever signs tenant sign-ins, inside the tenant's unit of work; after a rotation
// by `stvos keys rotate` it verifies the new key's tokens, signs with the new key once its copy
// is due for a refresh, and both servers keep accepting the old key's tokens.
func TestKeyRotationReachesEveryServer(t *testing.T) {
	t.Parallel()
	b := harness.NewBackends(t)
	own := map[string]string{"STVOS_SIGNING_KEY_FILE": "", "STVOS_RATE_LOGIN": "1000"}
	clockOne, clockTwo := &aheadClock{}, &aheadClock{}
	one := harness.StartServerWith(t, b, withClock(clockOne), own)
	two := harness.StartServerWith(t, b, withClock(clockTwo), own)
	_, key := onboard(t, operator(t, one), "rotation", nil)
	appTwo := newClient(t, two.URL).with("X-API-Key", key)
	before := member(t, appTwo, "rotation@example.com")["accessToken"].(string)
	signIn := func(srv *harness.Server) string {
		r := newClient(t, srv.URL).with("X-API-Key", key).call("POST", "/auth/login",
			map[string]string{"email": "rotation@example.com", "password": demoPassword})
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
		return r.JSON["data"].(map[string]any)["accessToken"].(string)
	}
	me := func(srv *harness.Server, tok string) int {
		return newClient(t, srv.URL).with("X-API-Key", key).with("Authorization", "Bearer "+tok).call("GET", "/users/me", nil).Status
	}

	rotated, err := app.RotateSigningKey(context.Background(), one.Config.DatabaseURL)
	require.NoError(t, err)
	require.NotEqual(t, tokenKID(t, before), rotated)

	clockOne.advance(jwt.RefreshEvery)
	clockTwo.advance(jwt.RefreshEvery)
	fromOne, fromTwo := signIn(one), signIn(two)
	require.Equal(t, rotated, tokenKID(t, fromOne))
	require.Equal(t, rotated, tokenKID(t, fromTwo), "server two signs tenant sign-ins with the new key")
	for _, srv := range []*harness.Server{one, two} {
		for name, tok := range map[string]string{"before": before, "from one": fromOne, "from two": fromTwo} {
			require.Equal(t, http.StatusOK, me(srv, tok), name)
		}
	}
	r := newClient(t, two.URL).call("GET", "/oauth/jwks", nil)
	require.Equal(t, http.StatusOK, r.Status)
	var kids []string
	for _, k := range r.JSON["keys"].([]any) {
		kids = append(kids, k.(map[string]any)["kid"].(string))
	}
	require.ElementsMatch(t, []string{tokenKID(t, before), rotated}, kids, "the retired key is published until its tokens expire")
}
