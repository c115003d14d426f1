package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// boolFlag is a boolean flag's definition with a rule for the segment.
func boolFlag(key string, on bool, segment string) map[string]any {
	f := map[string]any{"key": key, "type": "boolean", "description": "Flag " + key,
		"variations":        []map[string]any{{"name": "on", "value": true}, {"name": "off", "value": false}},
		"default_variation": "off", "off_variation": "off", "on": on}
	if segment != "" {
		f["rules"] = []map[string]string{{"segment": segment, "variation": "on"}}
	}
	return f
}

func ofrep(targetingKey string) map[string]any {
	return map[string]any{"context": map[string]any{"targetingKey": targetingKey}}
}

// TestFlagAdministration drives the flag routes of the client's admins and of operators: create,
// validation with field and reason, ETag and If-Match, conflicts, segments with a streamed CSV
// list, audit records, and that one client never sees another's flags (admin routes, operator
// routes naming the other client, OFREP with the other client's key).
func TestFlagAdministration(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "flags-a", nil)
	idB, keyB := onboard(t, op, "flags-b", nil)
	adm := admin(t, srv, op, idA, keyA, "admin@flags-a.test")
	admB := admin(t, srv, op, idB, keyB, "admin@flags-b.test")
	appA := newClient(t, srv.URL).with("X-API-Key", keyA)
	appB := newClient(t, srv.URL).with("X-API-Key", keyB)

	// A segment, then a flag whose rule names it.
	r := adm.call("POST", "/admin/segments", map[string]any{"key": "beta", "name": "Beta testers"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, `"1"`, r.Header.Get("ETag"))
	r = adm.call("POST", "/admin/flags", boolFlag("new-player", true, "beta"))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, "on", r.str("target_variation"), "a boolean flag targets with its true variation")
	require.Equal(t, 1.0, r.JSON["version"])
	adm.call("POST", "/admin/flags", boolFlag("new-player", true, "")).flatError(t, http.StatusConflict, "FLAG_EXISTS")

	// Bad input: each field at fault named with its reason, never a 500.
	bad := boolFlag("x", true, "nope")
	bad["variations"] = []map[string]any{{"name": "on", "value": "yes"}, {"name": "off", "value": false}}
	bad["default_variation"], bad["target_variation"] = "maybe", "on"
	d := adm.call("POST", "/admin/flags", bad).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.ElementsMatch(t, []string{"variations[0].value", "default_variation"}, fields(d))
	d = adm.call("POST", "/admin/flags", boolFlag("y", true, "nope")).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"rules[0].segment"}, fields(d))
	d = adm.call("POST", "/admin/flags", map[string]any{"key": "bad key", "type": "integer"}).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Subset(t, fields(d), []string{"key", "type", "variations"})
	adm.call("POST", "/admin/flags", `{"key": `).flatError(t, http.StatusBadRequest, "BAD_REQUEST")
	num := map[string]any{"key": "max-bitrate", "type": "number", "variations": []map[string]any{{"name": "low", "value": 800}, {"name": "high", "value": 4500.5}},
		"default_variation": "high", "off_variation": "low", "on": true}
	r = adm.call("POST", "/admin/flags", num)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))

	// ETag and If-Match.
	r = adm.call("GET", "/admin/flags/new-player", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, `"1"`, r.Header.Get("ETag"))
	r = adm.call("PATCH", "/admin/flags/new-player", map[string]any{"description": "The new player"}, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, `"2"`, r.Header.Get("ETag"))
	adm.call("PATCH", "/admin/flags/new-player", map[string]any{"on": false}, "If-Match", `"1"`).flatError(t, http.StatusPreconditionFailed, "PRECONDITION_FAILED")
	d = adm.call("PATCH", "/admin/flags/new-player", map[string]any{"off_variation": "gone"}).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"off_variation"}, fields(d))

	// A CSV list of 5000 keys in one streamed request, with a header and a kind column.
	var csv strings.Builder
	csv.WriteString("key,kind\n")
	for i := range 5000 {
		fmt.Fprintf(&csv, "member-%d,user\n", i)
	}
	csv.WriteString("tv-7,device\nmember-1\n") // a repeat counts once
	r = adm.call("PUT", "/admin/segments/beta/contexts.csv", csv.String(), "Content-Type", "text/csv")
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, 5001.0, r.JSON["count"])
	// A faulty list is refused whole, naming each faulty line.
	d = adm.call("PUT", "/admin/segments/beta/contexts.csv", "ok-1\n,user\nok-2,user,extra\nok-3,Bad Kind\n", "Content-Type", "text/csv").
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"line 2", "line 3", "line 4"}, fields(d))
	adm.call("PUT", "/admin/segments/beta/contexts.csv", "a,b", "Content-Type", "application/json").flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	r = adm.call("GET", "/admin/segments/beta", nil)
	require.Equal(t, 5001.0, r.JSON["contexts"], "the refused upload changed nothing")

	// OFREP with the client's key: the segment's members match the rule, others get the default.
	r = appA.call("POST", "/ofrep/v1/evaluate/flags/new-player", ofrep("member-4321"))
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, map[string]any{"key": "new-player", "value": true, "reason": "TARGETING_MATCH", "variant": "on",
		"metadata": map[string]any{"version": 2.0}}, r.JSON)
	r = appA.call("POST", "/ofrep/v1/evaluate/flags/new-player", map[string]any{"context": map[string]any{"targetingKey": "tv-7", "kind": "device"}})
	require.Equal(t, "TARGETING_MATCH", r.str("reason"))
	r = appA.call("POST", "/ofrep/v1/evaluate/flags/new-player", ofrep("stranger"))
	require.Equal(t, "DEFAULT", r.str("reason"), string(r.Raw))
	require.Equal(t, false, r.JSON["value"])

	// Partner-free individual targets by the admin win over the default.
	r = adm.call("POST", "/admin/flags/new-player/targeting/add", map[string]any{"contexts": []map[string]string{{"key": "stranger"}}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, 1.0, r.JSON["count"])
	r = appA.call("POST", "/ofrep/v1/evaluate/flags/new-player", ofrep("stranger"))
	require.Equal(t, "TARGETING_MATCH", r.str("reason"), string(r.Raw))

	// Another client sees none of it: its admin, an operator's view of it, its key over OFREP.
	admB.call("GET", "/admin/flags/new-player", nil).flatError(t, http.StatusNotFound, "FLAG_NOT_FOUND")
	admB.call("PATCH", "/admin/flags/new-player", map[string]any{"on": false}).flatError(t, http.StatusNotFound, "FLAG_NOT_FOUND")
	admB.call("PUT", "/admin/segments/beta/contexts.csv", "x\n", "Content-Type", "text/csv").flatError(t, http.StatusNotFound, "SEGMENT_NOT_FOUND")
	r = admB.call("GET", "/admin/flags", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.Empty(t, r.JSON["data"])
	r = appB.call("POST", "/ofrep/v1/evaluate/flags/new-player", ofrep("member-1"))
	require.Equal(t, http.StatusNotFound, r.Status, string(r.Raw))
	require.Equal(t, "FLAG_NOT_FOUND", r.str("errorCode"))
	r = op.call("GET", "/platform/tenants/"+idB+"/flags", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.Empty(t, r.JSON["data"])
	adm.call("GET", "/platform/tenants/"+idA+"/flags", nil).flatError(t, http.StatusUnauthorized, "INVALID_TOKEN")

	// Operators manage any client's flags at the platform routes.
	r = op.call("GET", "/platform/tenants/"+idA+"/flags?limit=1", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, []string{"max-bitrate"}, dataKeys(r))
	require.Equal(t, true, r.JSON["meta"].(map[string]any)["has_more"])
	r = op.call("GET", "/platform/tenants/"+idA+"/flags?cursor=max-bitrate", nil)
	require.Equal(t, []string{"new-player"}, dataKeys(r))
	r = op.call("POST", "/platform/tenants/"+idB+"/flags", boolFlag("b-only", true, ""))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	r = appB.call("POST", "/ofrep/v1/evaluate/flags/b-only", nil)
	require.Equal(t, "STATIC", r.str("reason"), string(r.Raw))
	op.call("GET", "/platform/tenants/not-a-client/flags", nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	op.call("GET", "/platform/tenants/01a2378b-e8be-79d0-aedc-c10c774f94c2/flags", nil).flatError(t, http.StatusNotFound, "TENANT_NOT_FOUND")
	r = op.call("GET", "/platform/tenants/"+idA+"/segments", nil)
	require.Equal(t, []string{"beta"}, dataKeys(r))

	// Deleting: a segment that rules name is refused; then the flag, then the segment.
	adm.call("DELETE", "/admin/segments/beta", nil).flatError(t, http.StatusConflict, "SEGMENT_IN_USE")
	require.Equal(t, http.StatusNoContent, adm.call("DELETE", "/admin/flags/new-player", nil, "If-Match", `"2"`).Status)
	require.Equal(t, http.StatusNoContent, op.call("DELETE", "/platform/tenants/"+idA+"/segments/beta", nil).Status)
	r = appA.call("POST", "/ofrep/v1/evaluate/flags/new-player", ofrep("member-1"))
	require.Equal(t, http.StatusNotFound, r.Status, "a deleted flag is gone at once")

	// Every change is in the client's audit log.
	r = adm.call("GET", "/admin/audit-log?limit=50", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	var actions []string
	for _, e := range r.JSON["data"].([]any) {
		actions = append(actions, e.(map[string]any)["action"].(string))
	}
	require.Subset(t, actions, []string{"segment.created", "flag.created", "flag.updated", "segment.contexts_uploaded",
		"flag.contexts_added", "flag.deleted", "segment.deleted"})
}

func dataKeys(r response) []string {
	out := []string{}
	for _, d := range r.JSON["data"].([]any) {
		out = append(out, d.(map[string]any)["key"].(string))
	}
	return out
}

// TestOFREP checks the protocol's documented bodies: single evaluation of every type and reason,
// the error codes, and bulk evaluation with its ETag.
func TestOFREP(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	id, key := onboard(t, op, "ofrep", nil)
	adm := admin(t, srv, op, id, key, "admin@ofrep.test")
	app := newClient(t, srv.URL).with("X-API-Key", key)
	for _, f := range []map[string]any{
		boolFlag("dark-mode", false, ""),
		boolFlag("new-home", true, ""),
		{"key": "banner", "type": "string", "variations": []map[string]any{{"name": "blue", "value": "#00f"}, {"name": "red", "value": "#f00"}},
			"default_variation": "blue", "off_variation": "blue", "target_variation": "red", "on": true},
		{"key": "limits", "type": "json", "variations": []map[string]any{{"name": "std", "value": map[string]any{"streams": 2}}},
			"default_variation": "std", "off_variation": "std", "on": true},
	} {
		r := adm.call("POST", "/admin/flags", f)
		require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	}
	r := adm.call("POST", "/admin/flags/banner/targeting/add", map[string]any{"contexts": []map[string]string{{"key": "vip", "kind": "user"}}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))

	eval := func(flagKey string, body any) response {
		return app.call("POST", "/ofrep/v1/evaluate/flags/"+flagKey, body)
	}
	r = eval("dark-mode", ofrep("ann"))
	require.Equal(t, map[string]any{"key": "dark-mode", "value": false, "reason": "DISABLED", "variant": "off", "metadata": map[string]any{"version": 1.0}}, r.JSON)
	r = eval("new-home", nil)
	require.Equal(t, "STATIC", r.str("reason"), "no context needed for a flag that targets nobody: %s", r.Raw)
	r = eval("banner", ofrep("vip"))
	require.Equal(t, "#f00", r.JSON["value"])
	require.Equal(t, "TARGETING_MATCH", r.str("reason"))
	r = eval("banner", ofrep("ann"))
	require.Equal(t, "#00f", r.JSON["value"])
	require.Equal(t, "DEFAULT", r.str("reason"))
	require.Equal(t, map[string]any{"streams": 2.0}, eval("limits", ofrep("ann")).JSON["value"])

	for _, c := range []struct {
		flag   string
		body   any
		status int
		code   string
	}{
		{"nope", ofrep("ann"), http.StatusNotFound, "FLAG_NOT_FOUND"},
		{"banner", `{"context": `, http.StatusBadRequest, "PARSE_ERROR"},
		{"banner", map[string]any{"context": map[string]any{}}, http.StatusBadRequest, "TARGETING_KEY_MISSING"},
		{"banner", map[string]any{"context": map[string]any{"targetingKey": 42}}, http.StatusBadRequest, "INVALID_CONTEXT"},
		{"banner", map[string]any{"context": "ann"}, http.StatusBadRequest, "INVALID_CONTEXT"},
		{"banner", map[string]any{"context": map[string]any{"targetingKey": "ann", "kind": "Not A Kind"}}, http.StatusBadRequest, "INVALID_CONTEXT"},
	} {
		r := eval(c.flag, c.body)
		require.Equal(t, c.status, r.Status, "%v: %s", c.body, r.Raw)
		require.Equal(t, c.code, r.str("errorCode"), string(r.Raw))
		require.Equal(t, c.flag, r.str("key"))
		require.NotEmpty(t, r.str("errorDetails"))
	}
	newClient(t, srv.URL).call("POST", "/ofrep/v1/evaluate/flags/banner", ofrep("ann")).envelopedError(t, http.StatusUnauthorized, "INVALID_API_KEY")

	// Bulk: every flag in key order; a flag that needs a key it was not given is an item in error.
	r = app.call("POST", "/ofrep/v1/evaluate/flags", map[string]any{"context": map[string]any{}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	items := r.JSON["flags"].([]any)
	require.Len(t, items, 4)
	require.Equal(t, map[string]any{"key": "banner", "errorCode": "TARGETING_KEY_MISSING",
		"errorDetails": "The flag targets contexts: send context.targetingKey."}, items[0])
	require.Equal(t, "dark-mode", items[1].(map[string]any)["key"])
	r = app.call("POST", "/ofrep/v1/evaluate/flags", ofrep("vip"))
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, "TARGETING_MATCH", r.JSON["flags"].([]any)[0].(map[string]any)["reason"])
	etag := r.Header.Get("ETag")
	require.NotEmpty(t, etag)
	r = app.call("POST", "/ofrep/v1/evaluate/flags", ofrep("vip"), "If-None-Match", etag)
	require.Equal(t, http.StatusNotModified, r.Status, string(r.Raw))
	require.Empty(t, r.Raw)
	r = app.call("POST", "/ofrep/v1/evaluate/flags", ofrep("ann"), "If-None-Match", etag)
	require.Equal(t, http.StatusOK, r.Status, "another context, another tag")
	r = adm.call("PATCH", "/admin/flags/dark-mode", map[string]any{"on": true})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	r = app.call("POST", "/ofrep/v1/evaluate/flags", ofrep("vip"), "If-None-Match", etag)
	require.Equal(t, http.StatusOK, r.Status, "a change gives a new tag")
	require.NotEqual(t, etag, r.Header.Get("ETag"))
	r = app.call("POST", "/ofrep/v1/evaluate/flags", "[1,", "If-None-Match", etag)
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, "PARSE_ERROR", r.str("errorCode"))
}

// TestFlagSchedules schedules changes run by the job queue at their time, lists and cancels them.
func TestFlagSchedules(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	id, key := onboard(t, op, "sched", nil)
	adm := admin(t, srv, op, id, key, "admin@sched.test")
	r := adm.call("POST", "/admin/flags", boolFlag("launch", false, ""))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))

	soon := time.Now().Add(time.Second).UTC().Format(time.RFC3339Nano)
	r = adm.call("POST", "/admin/flags/launch/schedules", map[string]any{"action": "turn_on", "run_at": soon})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Equal(t, "pending", r.str("status"))
	later := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	r = adm.call("POST", "/admin/flags/launch/schedules", map[string]any{"action": "set_default", "variation": "on", "run_at": later})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	cancel := r.str("id")
	d := adm.call("POST", "/admin/flags/launch/schedules", map[string]any{"action": "set_default", "variation": "nope", "run_at": later}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"variation"}, fields(d))
	d = adm.call("POST", "/admin/flags/launch/schedules", map[string]any{"action": "turn_off", "run_at": "2020-01-01T00:00:00Z"}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"run_at"}, fields(d))

	// The job turns the flag on at its time (River's scheduler moves it along within seconds).
	require.Eventually(t, func() bool {
		return adm.call("GET", "/admin/flags/launch", nil).JSON["on"] == true
	}, 30*time.Second, 100*time.Millisecond)
	r = adm.call("DELETE", "/admin/flags/launch/schedules/"+cancel, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, "canceled", r.str("status"))
	adm.call("DELETE", "/admin/flags/launch/schedules/"+cancel, nil).flatError(t, http.StatusConflict, "SCHEDULE_NOT_PENDING")
	r = adm.call("GET", "/admin/flags/launch/schedules", nil)
	require.Equal(t, http.StatusOK, r.Status)
	var statuses []string
	for _, s := range r.JSON["data"].([]any) {
		statuses = append(statuses, s.(map[string]any)["status"].(string))
	}
	require.Equal(t, []string{"done", "canceled"}, statuses)
	r = newClient(t, srv.URL).with("X-API-Key", key).call("POST", "/ofrep/v1/evaluate/flags/launch", nil)
	require.Equal(t, "STATIC", r.str("reason"), "the scheduled change reached the evaluation: on, no longer DISABLED")
}

// TestFlagChangesReachOtherProcess runs two servers on one PostgreSQL and Redis; each caches the
// client's compiled flags. A change made through one is evaluated by the other within a second.
func TestFlagChangesReachOtherProcess(t *testing.T) {
	t.Parallel()
	b := harness.NewBackends(t)
	one, two := harness.StartServerOn(t, b), harness.StartServerOn(t, b)
	op := operator(t, one)
	id, key := onboard(t, op, "two-procs", nil)
	adm := admin(t, one, op, id, key, "admin@two.test")
	r := adm.call("POST", "/admin/flags", boolFlag("switch", true, ""))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	appTwo := newClient(t, two.URL).with("X-API-Key", key)
	value := func() any { return appTwo.call("POST", "/ofrep/v1/evaluate/flags/switch", ofrep("ann")).JSON["value"] }
	require.Equal(t, false, value(), "server two compiled and cached the flags")
	require.Equal(t, false, value())

	for _, on := range []bool{false, true, false} {
		r = adm.call("PATCH", "/admin/flags/switch", map[string]any{"default_variation": map[bool]string{true: "on", false: "off"}[!on]})
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
		changed := time.Now()
		require.Eventually(t, func() bool { return value() == !on }, time.Second, 5*time.Millisecond,
			"server two evaluates the change within a second")
		t.Logf("seen by server two after %v", time.Since(changed))
	}
}
