package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// The server trusts X-Forwarded-For in these tests so that each can speak from the addresses it
// needs, as clients behind a proxy would.
func throttleServer(t *testing.T) (*harness.Server, *client, string) {
	srv := harness.StartServer(t, map[string]string{"STVOS_TRUST_PROXY": "true"})
	op := operator(t, srv)
	_, key := onboard(t, op, "gym", nil)
	return srv, op, key
}

func from(c *client, address string) *client { return c.with("X-Forwarded-For", address) }

func retryAfter(t *testing.T, r response) int {
	t.Helper()
	n, err := strconv.Atoi(r.Header.Get("Retry-After"))
	require.NoError(t, err, "Retry-After: %q", r.Header.Get("Retry-After"))
	require.Positive(t, n)
	return n
}

// TestGymClassSignsUpOnOneWiFi: thirty members register during one class on the gym's Wi-Fi,
// sign in, and refresh their tokens ten times: nothing is refused, since nothing failed.
// Registrations have their own per-address budget, which a mass sign-up does exhaust.
func TestGymClassSignsUpOnOneWiFi(t *testing.T) {
	t.Parallel()
	srv, _, key := throttleServer(t)
	wifi := from(newClient(t, srv.URL).with("X-API-Key", key), "198.51.100.20")
	var refresh string
	for i := range 30 {
		email := fmt.Sprintf("member%02d@gym.test", i)
		r := wifi.call("POST", "/auth/register", map[string]string{"email": email, "password": demoPassword, "name": "Member"})
		require.Equal(t, http.StatusCreated, r.Status, "registration %d: %s", i, r.Raw)
		r = wifi.call("POST", "/auth/login", map[string]string{"email": email, "password": demoPassword})
		require.Equal(t, http.StatusOK, r.Status, "sign-in %d: %s", i, r.Raw)
		refresh = r.JSON["data"].(map[string]any)["refreshToken"].(string)
	}
	for i := range 10 {
		r := wifi.call("POST", "/auth/refresh", map[string]string{"refreshToken": refresh})
		require.Equal(t, http.StatusOK, r.Status, "refresh %d: %s", i, r.Raw)
		refresh = r.JSON["data"].(map[string]any)["refreshToken"].(string)
	}
	// The registration budget (bursts of 40 an hour by default) still stops a script.
	var refused response
	for i := 30; i < 60 && refused.Status == 0; i++ {
		r := wifi.call("POST", "/auth/register", map[string]string{"email": fmt.Sprintf("bot%02d@gym.test", i), "password": demoPassword, "name": "Bot"})
		if r.Status == http.StatusTooManyRequests {
			refused = r
			continue
		}
		require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	}
	refused.envelopedError(t, http.StatusTooManyRequests, "RATE_LIMITED")
	retryAfter(t, refused)
}

// TestRepeatedFailuresLockAnAccountFromAnAddress guesses the password of a member, an operator and
// a partner staff member: five failures, then even the right password is refused with a time to
// wait, from that address; the same account signs in from another address, and another account
// from the first.
func TestRepeatedFailuresLockAnAccountFromAnAddress(t *testing.T) {
	t.Parallel()
	srv, op, key := throttleServer(t)
	app := newClient(t, srv.URL).with("X-API-Key", key)
	member(t, app, "target@gym.test")
	member(t, app, "bystander@gym.test")
	r := op.call("GET", "/platform/tenants?limit=1", nil)
	require.Equal(t, http.StatusOK, r.Status)
	tenantID := r.JSON["data"].([]any)[0].(map[string]any)["id"].(string)
	r = op.call("POST", "/platform/tenants/"+tenantID+"/partners", map[string]string{"name": "Gym"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	r = op.call("POST", "/platform/partners/"+r.str("id")+"/staff", map[string]string{
		"email": "owner@gym.test", "password": demoPassword, "name": "Owner", "role": "owner"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))

	type realm struct {
		name, path, email string
		c                 *client
		enveloped         bool
	}
	for _, rl := range []realm{
		{"member", "/auth/login", "target@gym.test", app, true},
		{"operator", "/platform/auth/login", "ops@stvos.test", newClient(t, srv.URL), false},
		{"partner staff", "/partner-auth/login", "owner@gym.test", newClient(t, srv.URL), true},
	} {
		attacker, elsewhere := from(rl.c, "203.0.113.7"), from(rl.c, "192.0.2.55")
		for i := range 5 {
			r := attacker.call("POST", rl.path, map[string]string{"email": rl.email, "password": "guess guess " + strconv.Itoa(i)})
			require.Equal(t, http.StatusUnauthorized, r.Status, "%s failure %d: %s", rl.name, i, r.Raw)
		}
		r := attacker.call("POST", rl.path, map[string]string{"email": rl.email, "password": demoPassword})
		if rl.enveloped {
			r.envelopedError(t, http.StatusTooManyRequests, "TOO_MANY_ATTEMPTS")
		} else {
			r.flatError(t, http.StatusTooManyRequests, "TOO_MANY_ATTEMPTS")
		}
		require.GreaterOrEqual(t, retryAfter(t, r), 60, "%s: five failures in 15 minutes wait minutes, not seconds", rl.name)
		require.Equal(t, http.StatusOK, elsewhere.call("POST", rl.path, map[string]string{"email": rl.email, "password": demoPassword}).Status,
			"%s: the account signs in from another address", rl.name)
	}
	require.Equal(t, http.StatusOK, from(app, "203.0.113.7").call("POST", "/auth/login",
		map[string]string{"email": "bystander@gym.test", "password": demoPassword}).Status, "another account from the attacker's address")
}

// TestCredentialStuffingFromOneAddress tries one password on 60 accounts from one address: the
// address's failure budget (50 in 10 minutes) runs out and every further try is refused with a
// time to wait, while another address is unaffected.
func TestCredentialStuffingFromOneAddress(t *testing.T) {
	t.Parallel()
	srv, _, key := throttleServer(t)
	app := newClient(t, srv.URL).with("X-API-Key", key)
	member(t, app, "real@gym.test")
	stuffer := from(app, "203.0.113.99")
	var refused []int
	var last response
	for i := range 60 {
		r := stuffer.call("POST", "/auth/login", map[string]string{"email": fmt.Sprintf("victim%02d@gym.test", i), "password": "Summer2026!"})
		switch r.Status {
		case http.StatusUnauthorized:
			require.Empty(t, refused, "once refused, the address stays refused (attempt %d)", i)
		case http.StatusTooManyRequests:
			refused, last = append(refused, i), r
		default:
			t.Fatalf("attempt %d: %d %s", i, r.Status, r.Raw)
		}
	}
	require.NotEmpty(t, refused)
	require.GreaterOrEqual(t, refused[0], 50, "the first 50 failures are allowed")
	last.envelopedError(t, http.StatusTooManyRequests, "TOO_MANY_ATTEMPTS")
	retryAfter(t, last)
	require.Equal(t, http.StatusOK, from(app, "192.0.2.1").call("POST", "/auth/login",
		map[string]string{"email": "real@gym.test", "password": demoPassword}).Status)
}

// TestOAuthSignInPageCountsFailures: the OAuth sign-in page follows the same model.
func TestOAuthSignInPageCountsFailures(t *testing.T) {
	t.Parallel()
	f := oauthSetup(t)
	b := newBrowser(t)
	_, challenge := pkce()
	for range 5 {
		res, _ := f.signIn(t, b, challenge, "wrong password!")
		require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	}
	res, html := b.do("GET", f.authorizeURL(challenge, "S256", nil), nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	form := formOf(html)
	form.Set("email", "viewer@streamco.test")
	form.Set("password", demoPassword)
	res, html = b.do("POST", f.srv.URL+"/oauth/authorize", form)
	require.Equal(t, http.StatusTooManyRequests, res.StatusCode, html)
	require.Contains(t, html, "Too many attempts")
	n, err := strconv.Atoi(res.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.Positive(t, n)
	// The token endpoint is not a sign-in: bad codes are refused for what they are.
	status, body := tokenCall(t, f.srv.URL, url.Values{"grant_type": {"authorization_code"}, "code": {"nonsense"},
		"client_id": {f.clientID}, "redirect_uri": {f.redirect}, "code_verifier": {"x"}})
	require.Equal(t, http.StatusBadRequest, status, body)
}
