package e2e

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// partnerToken signs a partner's integration in at POST /token with a partner token of the scopes.
func partnerToken(t *testing.T, base string, p enterprisePartner, provider string, scopes ...string) *client {
	t.Helper()
	r := p.owner.call("POST", "/organizations", orgBody("Org "+provider, provider, provider+"@org.test"))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	r = p.owner.call("POST", "/partner-tokens", map[string]any{"org_id": r.str("org_id"), "token_name": provider, "scopes": scopes})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	return bearerOf(t, base, tokenGrant(newClient(t, base), map[string]any{"grant_type": "client_credentials",
		"client_id": r.str("client_id"), "client_secret": r.str("client_secret"), "scopes": scopes}))
}

func contextsOf(keys ...string) map[string]any {
	cs := make([]map[string]string, len(keys))
	for i, k := range keys {
		cs[i] = map[string]string{"key": k, "kind": "user"}
	}
	return map[string]any{"contexts": cs}
}

// TestFlagPartnerRoutes drives the enterprise flag operations with the specification's bodies: a
// partner's token with the flags scope targets contexts, fills a segment, searches its contexts and
// evaluates; a token without the scope, another partner's partner_id, another partner's contexts
// and another client's flags are all out of reach. Partner targeting also shows over OFREP.
func TestFlagPartnerRoutes(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	tenantA, keyA := onboard(t, op, "flags-ent-a", nil)
	tenantB, keyB := onboard(t, op, "flags-ent-b", nil)
	adm := admin(t, srv, op, tenantA, keyA, "admin@flags-ent-a.test")
	require.Equal(t, http.StatusCreated, adm.call("POST", "/admin/segments", map[string]any{"key": "gym-members", "name": "Gym members"}).Status)
	r := adm.call("POST", "/admin/flags", boolFlag("perk", true, "gym-members"))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	p1 := newEnterprisePartner(t, op, srv.URL, tenantA, keyA, "owner@fp1.test", "owner")
	p2 := newEnterprisePartner(t, op, srv.URL, tenantA, keyA, "owner@fp2.test", "owner")
	pb := newEnterprisePartner(t, op, srv.URL, tenantB, keyB, "owner@fpb.test", "owner")
	one := partnerToken(t, srv.URL, p1, "prov-1", "flags")
	noScope := partnerToken(t, srv.URL, p1, "prov-1b", "user")
	two := partnerToken(t, srv.URL, p2, "prov-2", "flags", "user")
	other := partnerToken(t, srv.URL, pb, "prov-b", "flags")
	q1, q2 := "?partner_id="+p1.id, "?partner_id="+p2.id

	// Targeting, the specification's body; kind defaults to user; repeats count once.
	r = one.call("POST", "/flags/perk/targeting/add"+q1, map[string]any{"contexts": []map[string]string{{"key": "u-1", "kind": "user"}, {"key": "u-2"}, {"key": "u-2"}}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, 2.0, r.JSON["count"])
	eval := func(c *client, q, key string) response {
		return c.call("POST", "/flags/perk/evaluate"+q, map[string]string{"key": key, "kind": "user"})
	}
	r = eval(one, q1, "u-1")
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, map[string]any{"flagKey": "perk", "value": true, "enabled": true}, r.JSON)
	require.Equal(t, false, eval(one, q1, "stranger").JSON["value"])

	// A segment filled by partner two counts for everyone's evaluation.
	r = two.call("POST", "/segments/gym-members/contexts/add"+q2, contextsOf("u-3", "u-4"))
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, 2.0, r.JSON["count"])
	require.Equal(t, true, eval(one, q1, "u-3").JSON["value"])
	r = two.call("POST", "/segments/gym-members/contexts/remove"+q2, contextsOf("u-4", "u-9"))
	require.Equal(t, 1.0, r.JSON["count"])

	// Each partner sees only its own contexts.
	r = one.call("GET", "/contexts/search?q=U-&limit=20"+"&partner_id="+p1.id, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, []any{
		map[string]any{"key": "u-1", "kind": "user", "flags": []any{"perk"}, "segments": []any{}},
		map[string]any{"key": "u-2", "kind": "user", "flags": []any{"perk"}, "segments": []any{}}}, r.JSON["contexts"])
	r = two.call("GET", "/contexts/search", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, []any{map[string]any{"key": "u-3", "kind": "user", "flags": []any{}, "segments": []any{"gym-members"}}}, r.JSON["contexts"])
	r = two.call("GET", "/contexts/search?kind=device", nil)
	require.Empty(t, r.JSON["contexts"])
	// ...and removes only its own: partner one's target stays.
	r = two.call("POST", "/flags/perk/targeting/remove"+q2, contextsOf("u-1"))
	require.Equal(t, 0.0, r.JSON["count"])
	require.Equal(t, true, eval(one, q1, "u-1").JSON["value"])

	// The OFREP endpoint of the client's apps sees partners' targeting.
	r = newClient(t, srv.URL).with("X-API-Key", keyA).call("POST", "/ofrep/v1/evaluate/flags/perk", ofrep("u-2"))
	require.Equal(t, "TARGETING_MATCH", r.str("reason"), string(r.Raw))

	// Refusals: no flags scope, another partner's partner_id, bad input, another client.
	noScope.call("POST", "/flags/perk/targeting/add"+q1, contextsOf("x")).flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")
	noScope.call("GET", "/contexts/search", nil).flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")
	eval(noScope, q1, "u-1").flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")
	one.call("POST", "/flags/perk/targeting/add"+q2, contextsOf("x")).flatError(t, http.StatusForbidden, "PARTNER_FORBIDDEN")
	one.call("POST", "/segments/gym-members/contexts/remove?partner_id="+pb.id, contextsOf("u-3")).flatError(t, http.StatusForbidden, "PARTNER_FORBIDDEN")
	one.call("GET", "/contexts/search?partner_id="+p2.id, nil).flatError(t, http.StatusForbidden, "PARTNER_FORBIDDEN")
	eval(one, q2, "u-1").flatError(t, http.StatusForbidden, "PARTNER_FORBIDDEN")
	d := one.call("POST", "/flags/perk/targeting/add", contextsOf("x")).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"query.partner_id"}, fields(d))
	d = one.call("GET", "/contexts/search?limit=51", nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"query.limit"}, fields(d))
	d = one.call("POST", "/flags/perk/targeting/add"+q1, map[string]any{"contexts": []map[string]string{{"key": "x", "kind": "Not A Kind"}}}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"contexts[0].kind"}, fields(d))
	one.call("POST", "/flags/nope/targeting/add"+q1, contextsOf("x")).flatError(t, http.StatusNotFound, "FLAG_NOT_FOUND")
	one.call("POST", "/flags/nope/evaluate"+q1, map[string]string{"key": "x"}).flatError(t, http.StatusNotFound, "FLAG_NOT_FOUND")
	qb := "?partner_id=" + pb.id
	other.call("POST", "/flags/perk/targeting/add"+qb, contextsOf("x")).flatError(t, http.StatusNotFound, "FLAG_NOT_FOUND")
	other.call("POST", "/segments/gym-members/contexts/add"+qb, contextsOf("x")).flatError(t, http.StatusNotFound, "SEGMENT_NOT_FOUND")
	eval(other, qb, "u-1").flatError(t, http.StatusNotFound, "FLAG_NOT_FOUND")
	r = other.call("GET", "/contexts/search", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.Empty(t, r.JSON["contexts"])
	newClient(t, srv.URL).call("GET", "/contexts/search", nil).flatError(t, http.StatusUnauthorized, "UNAUTHORIZED")

	// The partners' changes are in the client's audit log.
	r = adm.call("GET", "/admin/audit-log?limit=50", nil)
	var actions []string
	for _, e := range r.JSON["data"].([]any) {
		actions = append(actions, e.(map[string]any)["action"].(string))
	}
	require.Subset(t, actions, []string{"flag.contexts_added", "segment.contexts_added", "segment.contexts_removed"})
}
