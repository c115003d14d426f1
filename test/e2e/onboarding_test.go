package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/stvos/stvos/core/webhook"
	"github.com/stvos/stvos/test/harness"
)

// enterpriseToken makes an organization of the partner and a partner token with the scopes, and
// answers an enterprise client bearing an access token from POST /token, and the organization.
func enterpriseToken(t *testing.T, base string, p enterprisePartner, providerID string, scopes ...string) (*client, string) {
	t.Helper()
	r := p.owner.call("POST", "/organizations", orgBody("Org "+providerID, providerID, providerID+"@org.test"))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	orgID := r.str("org_id")
	r = p.owner.call("POST", "/partner-tokens", map[string]any{"org_id": orgID, "token_name": "sync " + providerID, "scopes": scopes})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	c := bearerOf(t, base, tokenGrant(newClient(t, base), map[string]any{"grant_type": "client_credentials",
		"client_id": r.str("client_id"), "client_secret": r.str("client_secret")}))
	return c, orgID
}

// hookSink is a partner's webhook receiver: it verifies each delivery's signature and keeps the
// events by type.
type hookSink struct {
	mu     sync.Mutex
	secret string
	bad    []string
	events chan map[string]any
}

func (h *hookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	secret := h.secret
	h.mu.Unlock()
	if err := webhook.Verify(secret, r.Header.Get(webhook.SignatureHeader), body, 0, time.Now()); err != nil {
		h.mu.Lock()
		h.bad = append(h.bad, err.Error())
		h.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	var ev map[string]any
	_ = json.Unmarshal(body, &ev)
	w.WriteHeader(http.StatusNoContent)
	h.events <- ev
}

// next waits for the next event of the type.
func (h *hookSink) next(t *testing.T, typ string) map[string]any {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev := <-h.events:
			if ev["type"] == typ {
				return ev["data"].(map[string]any)
			}
		case <-deadline:
			t.Fatalf("no %s webhook", typ)
		}
	}
}

// merchant is the merchant's browser: it follows an entry_url (whose host is the server's public
// URL, http://stvos.test, dialed at the test server), approves on the provider's page, and reads
// code and state from the redirect to the return_url.
func merchant(t *testing.T, srvURL, entryURL, returnURL string) (code, state string) {
	t.Helper()
	addr := strings.TrimPrefix(srvURL, "http://")
	c := &http.Client{
		Transport: &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
			if a == "stvos.test:80" {
				a = addr
			}
			return (&net.Dialer{}).DialContext(ctx, network, a)
		}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := c.Get(entryURL)
	require.NoError(t, err)
	html, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, string(html))
	require.Contains(t, string(html), "Approve")
	form := formOf(string(html))
	form.Set("decision", "approve")
	page, err := url.Parse(entryURL)
	require.NoError(t, err)
	res, err = c.PostForm(page.Scheme+"://"+page.Host+page.Path, form)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	back, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(back.String(), returnURL), back.String())
	require.NotEmpty(t, back.Query().Get("code"))
	return back.Query().Get("code"), back.Query().Get("state")
}

// onboardingServer starts a server in development mode (loopback receivers and return URLs are
// allowed; private, metadata and plain-http non-loopback addresses still are not).
func onboardingServer(t *testing.T) *harness.Server {
	return harness.StartServerWith(t, harness.NewBackends(t), fx.Options(), map[string]string{"STVOS_DEVELOPMENT": "true"})
}

// TestOnboardingJourney walks the partner's journey: owner signs in → organization → partner
// token → POST /token → webhook endpoint → pos onboarding through the sandbox → locations →
// ingest → dsp onboarding → bind → menus → organization locations; the webhooks arrive signed.
func TestOnboardingJourney(t *testing.T) {
	t.Parallel()
	srv := onboardingServer(t)
	op := operator(t, srv)
	tenantID, key := onboard(t, op, "onb-journey", nil)
	p := newEnterprisePartner(t, op, srv.URL, tenantID, key, "owner@onb.test", "owner")
	ent, orgID := enterpriseToken(t, srv.URL, p, "burger-1", "onboarding")

	sink := &hookSink{events: make(chan map[string]any, 16)}
	recv := httptest.NewServer(sink)
	defer recv.Close()
	r := ent.call("POST", "/webhook-endpoints", map[string]any{"url": recv.URL + "/hooks"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Regexp(t, `^whsec_`, r.str("secret"))
	require.Equal(t, "no-store", r.Header.Get("Cache-Control"))
	sink.mu.Lock()
	sink.secret = r.str("secret")
	sink.mu.Unlock()
	r = ent.call("GET", "/webhook-endpoints", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	eps := r.JSON["webhook_endpoints"].([]any)
	require.Len(t, eps, 1)
	require.NotContains(t, eps[0], "secret", "the secret is shown once")

	ret := "http://127.0.0.1:9/back" // a loopback return_url: allowed in development mode
	begin := func(typ string) map[string]any {
		r := ent.call("POST", "/onboarding", map[string]any{"org_id": orgID, "source": "sandbox", "type": typ, "return_url": ret})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
		o := r.JSON["onboarding"].(map[string]any)
		require.ElementsMatch(t, []string{"_id", "org_id", "merchant_id", "type", "status", "partner_id", "partner_org_id", "source",
			"entry_url", "return_url", "integration_id"}, keys(o))
		require.Equal(t, "pending", o["status"])
		require.Equal(t, typ, o["type"])
		require.Equal(t, p.id, o["partner_id"])
		require.Equal(t, "burger-1", o["partner_org_id"])
		require.Equal(t, ret, o["return_url"])
		return o
	}
	complete := func(o map[string]any) map[string]any {
		code, state := merchant(t, srv.URL, o["entry_url"].(string), ret)
		id := o["_id"].(string)
		r := ent.call("POST", "/onboarding/"+id+"/complete", map[string]any{"code": code, "state": state})
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
		require.Equal(t, "active", r.str("status"))
		require.NotEmpty(t, r.str("merchant_id"))
		require.NotEmpty(t, r.str("integration_id"))
		ent.call("POST", "/onboarding/"+id+"/complete", map[string]any{"code": code}).flatError(t, http.StatusConflict, "ONBOARDING_NOT_PENDING")
		got := ent.call("GET", "/onboarding/"+id, nil)
		require.Equal(t, http.StatusOK, got.Status, string(got.Raw))
		require.Nil(t, got.JSON["onboarding"], "GET answers without wrapper")
		require.Equal(t, "active", got.str("status"))
		ev := sink.next(t, webhook.EventOnboardingStatus)
		require.Equal(t, id, ev["onboarding_id"])
		require.Equal(t, "active", ev["status"])
		return r.JSON
	}

	// POS: begin, approve at the sandbox, complete, list and ingest locations.
	pos := begin("pos")
	posID := pos["_id"].(string)
	d := ent.call("GET", "/onboarding/locations?onboarding_id="+posID, nil).flatError(t, http.StatusConflict, "ONBOARDING_NOT_ACTIVE")
	require.Empty(t, d)
	complete(pos)
	r = ent.call("GET", "/onboarding/locations?onboarding_id="+posID, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	ls := r.JSON["locations"].([]any)
	require.Len(t, ls, 3)
	first := ls[0].(map[string]any)
	require.ElementsMatch(t, []string{"provider_id", "name", "address", "source"}, keys(first))
	require.Equal(t, "sandbox", first["source"])
	require.Contains(t, first["address"], "formatted_address")
	d = ent.call("POST", "/onboarding/locations/ingest", map[string]any{"onboarding_id": posID,
		"locations": []map[string]string{{"provider_id": "nope"}}}).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"locations[0].provider_id"}, fields(d))
	r = ent.call("POST", "/onboarding/locations/ingest", map[string]any{"onboarding_id": posID,
		"locations": []map[string]string{{"provider_id": "sbx_pos_downtown"}, {"provider_id": "sbx_pos_harbor"}}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	ingested := r.JSON["locations"].([]any)
	require.Len(t, ingested, 2)
	downtown := ingested[0].(map[string]any)
	require.Equal(t, "sbx_pos_downtown", downtown["provider_id"])
	downtownID := downtown["_id"].(string)

	// DSP: begin, approve, complete, bind a store to the downtown location.
	dsp := begin("dsp")
	dspID := dsp["_id"].(string)
	complete(dsp)
	d = ent.call("POST", "/onboarding/locations/bind", map[string]any{"onboarding_id": dspID, "locations": []map[string]string{
		{"pos_location_id": "01900000-0000-7000-8000-000000000000", "dsp_provider_id": "sbx_dsp_store_1"}}}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"locations[0].pos_location_id"}, fields(d), "an unknown location")
	r = ent.call("POST", "/onboarding/locations/bind", map[string]any{"onboarding_id": dspID, "locations": []map[string]string{
		{"pos_location_id": downtownID, "dsp_provider_id": "sbx_dsp_store_1", "dsp_store_name": "Downtown delivery"}}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	bound := r.JSON["locations"].([]any)[0].(map[string]any)
	require.Equal(t, "APPROVED", bound["status"])
	require.Equal(t, "sbx_dsp_store_1", bound["dsp_provider_id"])
	require.Equal(t, "Downtown delivery", bound["dsp_store_name"])
	connID := bound["_id"].(string)
	ev := sink.next(t, webhook.EventLocationsBound)
	require.Equal(t, orgID, ev["org_id"])
	require.Equal(t, connID, ev["locations"].([]any)[0].(map[string]any)["_id"])

	// Menus: a list, then [] (publish all again); the answer echoes, never null.
	menus := func(ids []string) response {
		return ent.call("PUT", "/onboarding/menus", map[string]any{"org_id": orgID, "dsp_location_id": connID, "menu_provider_ids": ids})
	}
	r = menus([]string{"sbx_menu_lunch", "sbx_menu_breakfast"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, map[string]any{"dsp_location_id": connID, "menu_provider_ids": []any{"sbx_menu_lunch", "sbx_menu_breakfast"}}, r.JSON)
	r = menus([]string{})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, []any{}, r.JSON["menu_provider_ids"], "[] restores publish-all, echoed as []")
	d = menus([]string{"sbx_menu_dinner"}).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"menu_provider_ids[0]"}, fields(d))

	// Organization locations: address and dsps with status and change_time.
	r = ent.call("GET", "/onboarding/org/"+orgID+"/locations", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	org := r.JSON["locations"].([]any)
	require.Len(t, org, 2)
	r = ent.call("GET", "/onboarding/org/"+orgID+"/locations?location_id="+downtownID, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	one := r.JSON["locations"].([]any)
	require.Len(t, one, 1)
	loc := one[0].(map[string]any)
	require.ElementsMatch(t, []string{"_id", "name", "source", "status", "address", "dsps"}, keys(loc))
	require.Equal(t, "active", loc["status"])
	require.NotEmpty(t, loc["address"].(map[string]any)["formatted_address"])
	dsps := loc["dsps"].([]any)
	require.Len(t, dsps, 1)
	conn := dsps[0].(map[string]any)
	require.ElementsMatch(t, []string{"_id", "name", "source", "status", "change_time"}, keys(conn))
	require.Equal(t, connID, conn["_id"])
	require.Equal(t, "APPROVED", conn["status"])
	require.InDelta(t, float64(time.Now().Unix()), conn["change_time"], 120)

	sink.mu.Lock()
	require.Empty(t, sink.bad, "every delivery verifies")
	sink.mu.Unlock()

	r = ent.call("DELETE", "/webhook-endpoints/"+eps[0].(map[string]any)["id"].(string), nil)
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Raw))
}

// activeOnboarding begins an onboarding of the type through the sandbox and completes it.
func activeOnboarding(t *testing.T, srvURL string, ent *client, orgID, typ string) string {
	t.Helper()
	ret := "http://127.0.0.1:9/back"
	r := ent.call("POST", "/onboarding", map[string]any{"org_id": orgID, "source": "sandbox", "type": typ, "return_url": ret})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	o := r.JSON["onboarding"].(map[string]any)
	code, state := merchant(t, srvURL, o["entry_url"].(string), ret)
	id := o["_id"].(string)
	r = ent.call("POST", "/onboarding/"+id+"/complete", map[string]any{"code": code, "state": state})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	return id
}

// onboardingRoute is one call of an onboarding route on the first partner's objects.
type onboardingRoute struct {
	method, path string
	body         any
}

// TestOnboardingIsolation: every onboarding and webhook route needs the onboarding scope (403
// INSUFFICIENT_SCOPE without it), finds nothing of another partner of the same client or of
// another client (404), refuses a ?partner_id= of another partner (403 PARTNER_FORBIDDEN), and
// refuses unsafe URLs in return_url and the webhook url (422 naming the field).
func TestOnboardingIsolation(t *testing.T) {
	t.Parallel()
	srv := onboardingServer(t)
	op := operator(t, srv)
	tenantA, keyA := onboard(t, op, "onb-iso-a", nil)
	tenantB, keyB := onboard(t, op, "onb-iso-b", nil)
	p1 := newEnterprisePartner(t, op, srv.URL, tenantA, keyA, "owner@iso1.test", "owner")
	p2 := newEnterprisePartner(t, op, srv.URL, tenantA, keyA, "owner@iso2.test", "owner")
	pb := newEnterprisePartner(t, op, srv.URL, tenantB, keyB, "owner@isob.test", "owner")
	ent, orgID := enterpriseToken(t, srv.URL, p1, "iso-1", "onboarding")
	noScope, _ := enterpriseToken(t, srv.URL, p1, "iso-1b", "user", "sso")
	other, otherOrg := enterpriseToken(t, srv.URL, p2, "iso-2", "onboarding")
	otherClient, _ := enterpriseToken(t, srv.URL, pb, "iso-b", "onboarding")

	// The first partner's objects: a pos onboarding with a location, a dsp one with a connection,
	// a webhook endpoint.
	posID := activeOnboarding(t, srv.URL, ent, orgID, "pos")
	r := ent.call("POST", "/onboarding/locations/ingest", map[string]any{"onboarding_id": posID,
		"locations": []map[string]string{{"provider_id": "sbx_pos_downtown"}}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	locID := r.JSON["locations"].([]any)[0].(map[string]any)["_id"].(string)
	dspID := activeOnboarding(t, srv.URL, ent, orgID, "dsp")
	r = ent.call("POST", "/onboarding/locations/bind", map[string]any{"onboarding_id": dspID,
		"locations": []map[string]string{{"pos_location_id": locID, "dsp_provider_id": "sbx_dsp_store_1"}}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	connID := r.JSON["locations"].([]any)[0].(map[string]any)["_id"].(string)
	r = ent.call("POST", "/webhook-endpoints", map[string]any{"url": "http://127.0.0.1:9/hooks"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	hookID := r.str("id")

	objects := []onboardingRoute{
		{"POST", "/onboarding", map[string]any{"org_id": orgID, "source": "sandbox", "type": "pos", "return_url": "http://127.0.0.1:9/back"}},
		{"GET", "/onboarding/" + posID, nil},
		{"POST", "/onboarding/" + posID + "/complete", map[string]any{"code": "sbx_code_x.y"}},
		{"GET", "/onboarding/locations?onboarding_id=" + posID, nil},
		{"POST", "/onboarding/locations/ingest", map[string]any{"onboarding_id": posID, "locations": []map[string]string{{"provider_id": "sbx_pos_harbor"}}}},
		{"POST", "/onboarding/locations/bind", map[string]any{"onboarding_id": dspID,
			"locations": []map[string]string{{"pos_location_id": locID, "dsp_provider_id": "sbx_dsp_store_2"}}}},
		{"PUT", "/onboarding/menus", map[string]any{"org_id": orgID, "dsp_location_id": connID, "menu_provider_ids": []string{}}},
		{"GET", "/onboarding/org/" + orgID + "/locations", nil},
		{"DELETE", "/webhook-endpoints/" + hookID, nil},
	}
	all := append(objects, onboardingRoute{"GET", "/webhook-endpoints", nil},
		onboardingRoute{"POST", "/webhook-endpoints", map[string]any{"url": "http://127.0.0.1:9/other"}})

	for _, rt := range all {
		noScope.call(rt.method, rt.path, rt.body).flatError(t, http.StatusForbidden, "INSUFFICIENT_SCOPE")
		sep := "?"
		if strings.Contains(rt.path, "?") {
			sep = "&"
		}
		ent.call(rt.method, rt.path+sep+"partner_id="+p2.id, rt.body).flatError(t, http.StatusForbidden, "PARTNER_FORBIDDEN")
	}
	for _, rt := range objects {
		for name, c := range map[string]*client{"another partner": other, "another client": otherClient} {
			r := c.call(rt.method, rt.path, rt.body)
			require.Equal(t, http.StatusNotFound, r.Status, "%s %s %s: %s", name, rt.method, rt.path, r.Raw)
			require.NotEmpty(t, r.str("code"))
			require.Equal(t, r.Header.Get("X-Request-ID"), r.str("request_id"))
		}
	}
	// Another partner lists no endpoint of the first, and cannot bind the first's location with
	// its own dsp onboarding.
	r = other.call("GET", "/webhook-endpoints", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Empty(t, r.JSON["webhook_endpoints"])
	otherDSP := activeOnboarding(t, srv.URL, other, otherOrg, "dsp")
	d := other.call("POST", "/onboarding/locations/bind", map[string]any{"onboarding_id": otherDSP,
		"locations": []map[string]string{{"pos_location_id": locID, "dsp_provider_id": "sbx_dsp_store_1"}}}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"locations[0].pos_location_id"}, fields(d))
	// The first partner's objects are untouched, and its own partner_id passes.
	r = ent.call("GET", "/onboarding/"+posID+"?partner_id="+p1.id, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "active", r.str("status"))
	r = ent.call("GET", "/webhook-endpoints", nil)
	require.Len(t, r.JSON["webhook_endpoints"], 1)

	// A code the provider refuses: 422 naming code, the onboarding failed and spent.
	r = ent.call("POST", "/onboarding", map[string]any{"org_id": orgID, "source": "sandbox", "type": "pos", "return_url": "http://127.0.0.1:9/back"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	failedID := r.JSON["onboarding"].(map[string]any)["_id"].(string)
	d = ent.call("POST", "/onboarding/"+failedID+"/complete", map[string]any{"code": "sbx_code_forged.bad"}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"code"}, fields(d))
	r = ent.call("GET", "/onboarding/"+failedID, nil)
	require.Equal(t, "failed", r.str("status"))
	ent.call("POST", "/onboarding/"+failedID+"/complete", map[string]any{"code": "sbx_code_forged.bad"}).
		flatError(t, http.StatusConflict, "ONBOARDING_NOT_PENDING")

	// Unsafe URLs, in every URL field: refused with the field named.
	for _, bad := range []string{
		"https://10.0.0.5/back", "https://192.168.1.10/back", "https://100.64.0.1/back", // private, CGNAT
		"http://169.254.169.254/latest/meta-data/", "https://metadata.google.internal/", "http://[fd00:ec2::254]/", // metadata
		"javascript:alert(1)", "data:text/html,hi", // not http(s)
		"http://example.com/back",      // plain http, not loopback
		"https://user:pw@example.com/", // user info
		"/relative/back",               // not absolute
	} {
		d := ent.call("POST", "/onboarding", map[string]any{"org_id": orgID, "source": "sandbox", "type": "pos", "return_url": bad}).
			flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
		require.Equal(t, []string{"return_url"}, fields(d), bad)
		d = ent.call("POST", "/webhook-endpoints", map[string]any{"url": bad}).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
		require.Equal(t, []string{"url"}, fields(d), bad)
	}
}
