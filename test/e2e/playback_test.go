package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/test/harness"
)

// TestStreamSlotsAcrossProcesses: an account with a limit of two opens two streams on one
// server and is refused a third on another; a player that vanishes frees its slot within the
// time to live; stopping frees it at once; suspension frees them all.
func TestStreamSlotsAcrossProcesses(t *testing.T) {
	t.Parallel()
	b := harness.NewBackends(t)
	cfg := map[string]string{"STVOS_MAX_STREAMS": "2", "STVOS_STREAM_TTL": "3s"}
	one := harness.StartServerOn(t, b, cfg)
	two := harness.StartServerOn(t, b, cfg)
	op := operator(t, one)
	id, key := onboard(t, op, "stream-client", nil)
	adm := admin(t, one, op, id, key, "admin@stream.test")
	ids := catalogOf(t, adm, map[string]map[string]any{"Core Blast": {"category": "Core", "duration_seconds": 600}})
	class := ids["Core Blast"]
	m := member(t, newClient(t, one.URL).with("X-API-Key", key), "watcher@stream.test")
	tok := "Bearer " + m["accessToken"].(string)
	on := func(srv *harness.Server) *client {
		return newClient(t, srv.URL).with("X-API-Key", key).with("Authorization", tok)
	}
	start := func(c *client) response {
		return c.call("POST", "/playback/sessions", map[string]any{"classId": class, "deviceName": "TV"})
	}
	s1 := data(t, start(on(one)), http.StatusCreated)["session"].(map[string]any)
	require.Equal(t, 1.0, s1["heartbeatIntervalSeconds"])
	require.Equal(t, 2.0, s1["maxConcurrentStreams"])
	s2 := data(t, start(on(one)), http.StatusCreated)["session"].(map[string]any)
	e := start(on(two)).envelopedError(t, http.StatusConflict, "STREAM_LIMIT_REACHED")
	require.Contains(t, e["message"], "2 streams")

	// Heartbeats on the other server keep a slot and record progress; stop frees one at once.
	hb := data(t, on(two).call("POST", "/playback/sessions/"+s1["id"].(string)+"/heartbeat", map[string]any{"positionSeconds": 550}), http.StatusOK)
	require.Equal(t, 550.0, hb["session"].(map[string]any)["positionSeconds"])
	require.Equal(t, true, hb["session"].(map[string]any)["completed"], "90 % reached")
	stopped := data(t, on(two).call("DELETE", "/playback/sessions/"+s1["id"].(string), nil), http.StatusOK)["session"].(map[string]any)
	require.NotEmpty(t, stopped["endedAt"])
	again := data(t, on(one).call("DELETE", "/playback/sessions/"+s1["id"].(string), nil), http.StatusOK)["session"].(map[string]any)
	require.Equal(t, stopped["endedAt"], again["endedAt"], "stopping again changes nothing")
	s3 := data(t, start(on(two)), http.StatusCreated)["session"].(map[string]any)

	// s2's player vanishes: within the time to live its slot is free for another stream, and its
	// late heartbeat is told to start again.
	require.Eventually(t, func() bool {
		on(two).call("POST", "/playback/sessions/"+s3["id"].(string)+"/heartbeat", map[string]any{"positionSeconds": 10})
		return start(on(two)).Status == http.StatusCreated
	}, 15*time.Second, 500*time.Millisecond)
	on(one).call("POST", "/playback/sessions/"+s2["id"].(string)+"/heartbeat", map[string]any{"positionSeconds": 5}).
		envelopedError(t, http.StatusConflict, "PLAYBACK_EXPIRED")

	// History, newest first, with the class.
	h := data(t, on(one).call("GET", "/me/history", nil), http.StatusOK)
	require.Equal(t, 4.0, h["pagination"].(map[string]any)["total"])
	first := h["history"].([]any)[3].(map[string]any)
	require.Equal(t, s1["id"], first["sessionId"])
	require.Equal(t, "Core Blast", first["class"].(map[string]any)["title"])
	require.Equal(t, true, first["completed"])

	// Bad input and other people's sessions.
	on(one).call("POST", "/playback/sessions", map[string]any{"classId": "01a20000-0000-7000-8000-000000000000"}).
		envelopedError(t, http.StatusNotFound, "CLASS_NOT_FOUND")
	on(one).call("POST", "/playback/sessions/"+s3["id"].(string)+"/heartbeat", map[string]any{"positionSeconds": -1}).
		envelopedError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	other := member(t, newClient(t, one.URL).with("X-API-Key", key), "other@stream.test")
	otherC := newClient(t, one.URL).with("X-API-Key", key).with("Authorization", "Bearer "+other["accessToken"].(string))
	otherC.call("POST", "/playback/sessions/"+s3["id"].(string)+"/heartbeat", map[string]any{"positionSeconds": 1}).
		envelopedError(t, http.StatusNotFound, "PLAYBACK_SESSION_NOT_FOUND")
	otherC.call("DELETE", "/playback/sessions/"+s3["id"].(string), nil).envelopedError(t, http.StatusNotFound, "PLAYBACK_SESSION_NOT_FOUND")
	require.Empty(t, data(t, otherC.call("GET", "/me/history", nil), http.StatusOK)["history"])
	newClient(t, one.URL).with("X-API-Key", key).call("POST", "/playback/sessions", map[string]any{"classId": class}).
		envelopedError(t, http.StatusUnauthorized, "UNAUTHORIZED")
	_, keyB := onboard(t, op, "stream-b", nil)
	mB := member(t, newClient(t, one.URL).with("X-API-Key", keyB), "b@stream.test")
	cB := newClient(t, one.URL).with("X-API-Key", keyB).with("Authorization", "Bearer "+mB["accessToken"].(string))
	cB.call("POST", "/playback/sessions", map[string]any{"classId": class}).envelopedError(t, http.StatusNotFound, "CLASS_NOT_FOUND")
	cB.call("DELETE", "/playback/sessions/"+s3["id"].(string), nil).envelopedError(t, http.StatusNotFound, "PLAYBACK_SESSION_NOT_FOUND")

	// Suspension frees every slot: the member's streams end and, reinstated, they can start two.
	users := adm.call("GET", "/admin/users?q=watcher", nil)
	uid := users.JSON["data"].([]any)[0].(map[string]any)["id"].(string)
	r := adm.call("POST", "/admin/users/"+uid+"/suspend", map[string]any{"reason": "shared account"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	r = adm.call("POST", "/admin/users/"+uid+"/reinstate", map[string]any{"reason": "resolved"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	r = newClient(t, one.URL).with("X-API-Key", key).call("POST", "/auth/login", map[string]string{"email": "watcher@stream.test", "password": demoPassword})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	tok = "Bearer " + r.JSON["data"].(map[string]any)["accessToken"].(string)
	data(t, start(on(two)), http.StatusCreated)
	data(t, start(on(one)), http.StatusCreated)
}
