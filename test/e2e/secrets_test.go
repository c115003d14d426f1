package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// TestSecretsAreNeverKeptOrLoggedInClear runs every flow that handles a secret, then reads every
// row of every table (as the database owner, past row-level security) and every log line, and
// looks for each secret.
func TestSecretsAreNeverKeptOrLoggedInClear(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	id, key := onboard(t, op, "secret", nil)
	partnerID := op.call("POST", "/platform/tenants/"+id+"/partners", map[string]string{"name": "P"}).str("id")
	staffPassword := "staff password 123"
	require.Equal(t, http.StatusCreated, op.call("POST", "/platform/partners/"+partnerID+"/staff",
		map[string]string{"email": "s@p.test", "password": staffPassword, "name": "S", "role": "admin"}).Status)
	staff := newClient(t, srv.URL).call("POST", "/partner-auth/login", map[string]string{"email": "s@p.test", "password": staffPassword})
	require.Equal(t, http.StatusOK, staff.Status)

	app := newClient(t, srv.URL).with("X-API-Key", key)
	d := member(t, app, "secret@member.test")
	newPassword := "the second password"
	me := newClient(t, srv.URL).with("Authorization", "Bearer "+d["accessToken"].(string))
	r := me.call("PUT", "/users/me/password", map[string]string{"current_password": demoPassword, "new_password": newPassword})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	opLogin := newClient(t, srv.URL).call("POST", "/platform/auth/login", map[string]string{"email": "ops@stvos.test", "password": demoPassword})

	// The enterprise credentials: a partner token's client secret, its access and refresh
	// tokens, and an SSO login token with the session it is traded for.
	owner := newClient(t, srv.URL).with("X-API-Key", key).with("Authorization", "Bearer "+staff.JSON["data"].(map[string]any)["accessToken"].(string))
	org := owner.call("POST", "/organizations", orgBody("Org", "org-1", "org-owner@p.test"))
	require.Equal(t, http.StatusCreated, org.Status, string(org.Raw))
	pt := owner.call("POST", "/partner-tokens", map[string]any{"org_id": org.str("org_id"), "token_name": "t", "scopes": []string{"sso"}})
	require.Equal(t, http.StatusCreated, pt.Status, string(pt.Raw))
	grant := tokenGrant(newClient(t, srv.URL), map[string]any{"grant_type": "client_credentials", "client_id": pt.str("client_id"),
		"client_secret": pt.str("client_secret")})
	ent := bearerOf(t, srv.URL, grant)
	ssoLogin := ent.call("POST", "/sso/sessions", map[string]any{"email": "sso@p.test", "full_name": "S", "phone_number": "+14155550123"})
	require.Equal(t, http.StatusCreated, ssoLogin.Status, string(ssoLogin.Raw))
	ssoSession := app.call("POST", "/sso/exchange", map[string]string{"sso_login_token": ssoLogin.str("sso_login_token")})
	require.Equal(t, http.StatusOK, ssoSession.Status, string(ssoSession.Raw))

	secrets := map[string]string{
		"member password":        demoPassword,
		"new member password":    newPassword,
		"staff password":         staffPassword,
		"api key":                key,
		"api key secret part":    strings.SplitN(key, "_", 3)[2], // stv_<prefix>_<secret>; the secret may hold "_" itself
		"member refresh token":   d["refreshToken"].(string),
		"rotated refresh token":  r.str("refresh_token"),
		"staff refresh token":    staff.JSON["data"].(map[string]any)["refreshToken"].(string),
		"operator refresh token": opLogin.str("refresh_token"),
		"operator access token":  opLogin.str("access_token"),
		"member access token":    d["accessToken"].(string),
		"partner client secret":  pt.str("client_secret"),
		"enterprise access":      grant.str("access_token"),
		"enterprise refresh":     grant.str("refresh_token"),
		"sso login token":        ssoLogin.str("sso_login_token"),
		"sso refresh token":      ssoSession.str("refresh_token"),
	}
	for name, s := range secrets {
		secret := s[strings.LastIndex(s, ".")+1:] // a refresh token's secret part, or a JWT's signature
		require.NotEmpty(t, secret, name)
		secrets[name] = secret
	}

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, srv.Config.DatabaseURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)
	require.NoError(t, err)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Contains(t, tables, "users")
	var dump strings.Builder
	for _, table := range tables {
		var text string
		require.NoError(t, conn.QueryRow(ctx, `SELECT coalesce(string_agg(t::text, E'\n'), '') FROM `+pgx.Identifier{table}.Sanitize()+` t`).Scan(&text))
		dump.WriteString(text)
	}
	require.Contains(t, dump.String(), "secret@member.test", "the dump reads real rows")
	logs := srv.Logs()
	require.Contains(t, logs, `"msg":"request"`, "the logs were captured")
	for name, secret := range secrets {
		require.NotContains(t, dump.String(), secret, "%s is stored in clear", name)
		require.NotContains(t, logs, secret, "%s is logged", name)
	}
	require.Contains(t, dump.String(), "$argon2id$", "passwords are kept as argon2id hashes")
}
