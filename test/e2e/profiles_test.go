package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/harness"
)

// profileBody is the specification's Create Sub-Profile request sample, with changes.
func profileBody(changes map[string]any) map[string]any {
	return changed(map[string]any{"name": "Kids", "avatar_preset_id": "308d6212-d330-494c-b2e8-dadf2a06a598", "pin": "1234",
		"content_rating_limit": "G", "language": "en-US", "is_kids": true, "autoplay_next_episode": false}, changes)
}

// profileFields are the fields of a profile in every answer, as the specification shows them.
var profileFields = []string{"id", "name", "avatar_url", "avatar_preset_id", "is_primary", "pin_protected", "content_rating_limit",
	"language", "is_kids", "autoplay_next_episode", "allowed_class_ids", "created_at", "updated_at"}

func requireProfileShape(t *testing.T, p map[string]any) {
	t.Helper()
	var keys []string
	for k := range p {
		keys = append(keys, k)
	}
	require.ElementsMatch(t, profileFields, keys, "exactly the specification's fields, never a PIN")
}

// TestProfiles walks the sub-profile routes with the specification's bodies: the first listing
// makes the primary profile (named after the account), creation with the spec's sample and with
// defaults (a kids profile defaults to TV-PG), read, replace (the PIN kept when left out, removed
// with null), bad input named by field, the plan's limit (409 PROFILE_LIMIT_REACHED), the primary
// profile undeletable (409), delete; PIN verification (a short-lived profile token that is no
// bearer token; a wrong PIN 403, throttled to 429 like other guesses); another account's and
// another client's profiles are 404; every change is in the audit log without the PIN.
func TestProfiles(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "profiles-a", nil)
	_, keyB := onboard(t, op, "profiles-b", nil)
	adm := admin(t, srv, op, idA, keyA, "admin@profiles-a.test")
	appA := newClient(t, srv.URL).with("X-API-Key", keyA)
	ann := member(t, appA, "ann@profiles-a.test")
	annID := ann["user"].(map[string]any)["id"].(string)
	sub := newClient(t, srv.URL).with("Authorization", "Bearer "+ann["accessToken"].(string))
	bob := member(t, appA, "bob@profiles-a.test")
	subBob := newClient(t, srv.URL).with("Authorization", "Bearer "+bob["accessToken"].(string))
	carol := member(t, newClient(t, srv.URL).with("X-API-Key", keyB), "carol@profiles-b.test")
	subB := newClient(t, srv.URL).with("Authorization", "Bearer "+carol["accessToken"].(string))

	// The first listing makes the primary profile, named after the account; the next finds it.
	r := sub.call("GET", "/profiles", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Len(t, r.JSON["data"], 1)
	primary := r.JSON["data"].([]any)[0].(map[string]any)
	requireProfileShape(t, primary)
	primaryID := primary["id"].(string)
	require.Equal(t, map[string]any{"id": primaryID, "name": "Member ann@profiles-a.test", "avatar_url": nil, "avatar_preset_id": nil,
		"is_primary": true, "pin_protected": false, "content_rating_limit": "TV-MA", "language": "en-US", "is_kids": false,
		"autoplay_next_episode": true, "allowed_class_ids": nil, "created_at": primary["created_at"],
		"updated_at": primary["created_at"]}, primary)
	require.Equal(t, []string{primaryID}, dataIDs(sub.call("GET", "/profiles", nil)))

	// Create with the specification's sample: every field read back, the PIN never.
	r = sub.call("POST", "/profiles", profileBody(nil))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	requireProfileShape(t, r.JSON)
	kid := r.JSON
	kidID := kid["id"].(string)
	require.Equal(t, map[string]any{"id": kidID, "name": "Kids", "avatar_url": nil, "avatar_preset_id": "308d6212-d330-494c-b2e8-dadf2a06a598",
		"is_primary": false, "pin_protected": true, "content_rating_limit": "G", "language": "en-US", "is_kids": true,
		"autoplay_next_episode": false, "allowed_class_ids": nil, "created_at": kid["created_at"], "updated_at": kid["created_at"]}, kid)
	require.NotContains(t, string(r.Raw), "1234")
	g := sub.call("GET", "/profiles/"+kidID, nil)
	require.Equal(t, http.StatusOK, g.Status, string(g.Raw))
	require.Equal(t, kid, g.JSON)

	// The defaults: TV-MA, no PIN, autoplay on, the account's locale; a kids profile is TV-PG.
	r = sub.call("POST", "/profiles", map[string]any{"name": "Dad"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	dadID := r.str("id")
	require.Equal(t, "TV-MA", r.JSON["content_rating_limit"])
	require.Equal(t, false, r.JSON["pin_protected"])
	require.Equal(t, true, r.JSON["autoplay_next_episode"])
	require.Equal(t, false, r.JSON["is_kids"])
	require.Equal(t, "en-US", r.JSON["language"])
	r = sub.call("POST", "/profiles", map[string]any{"name": "Tiny", "is_kids": true, "pin": "246810"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	tinyID := r.str("id")
	require.Equal(t, "TV-PG", r.JSON["content_rating_limit"])
	require.Equal(t, []string{primaryID, kidID, dadID, tinyID}, dataIDs(sub.call("GET", "/profiles", nil)),
		"the primary first, then in creation order")

	// Bad input names its fields.
	d := sub.call("POST", "/profiles", map[string]any{"name": "", "pin": "12ab", "content_rating_limit": "XXX", "avatar_preset_id": "nope"}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.ElementsMatch(t, []string{"name", "pin", "content_rating_limit", "avatar_preset_id"}, fields(d))
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"name": strings.Repeat("a", 51)}, "name"},
		{map[string]any{"name": "   "}, "name"},
		{map[string]any{"avatar_preset_id": ports.NewID()}, "name"},
		{map[string]any{"name": "K", "pin": "123"}, "pin"},
		{map[string]any{"name": "K", "pin": "1234567"}, "pin"},
		{map[string]any{"name": "K", "language": "English!"}, "language"},
		{map[string]any{"name": "K", "is_kids": true, "content_rating_limit": "R"}, "content_rating_limit"},
		{map[string]any{"name": "K", "surprise": true}, "surprise"},
	} {
		d := sub.call("POST", "/profiles", c.body).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
		require.Equal(t, []string{c.field}, fields(d), "%v", c.body)
		require.NotEmpty(t, d[0].(map[string]any)["reason"])
	}

	// Replace: left-out fields take their defaults, but the PIN stays; null removes it.
	u := sub.call("PUT", "/profiles/"+kidID, profileBody(map[string]any{"name": "Kids 2", "pin": nil, "content_rating_limit": "TV-Y"}))
	require.Equal(t, http.StatusOK, u.Status, string(u.Raw))
	require.Equal(t, "Kids 2", u.JSON["name"])
	require.Equal(t, "TV-Y", u.JSON["content_rating_limit"])
	require.Equal(t, true, u.JSON["pin_protected"], "a PIN left out stays")
	require.Equal(t, kid["created_at"], u.JSON["created_at"])
	require.NotEqual(t, kid["updated_at"], u.JSON["updated_at"])
	require.Equal(t, u.JSON, sub.call("GET", "/profiles/"+kidID, nil).JSON)
	u = sub.call("PUT", "/profiles/"+dadID, map[string]any{"name": "Dad", "pin": "1357"})
	require.Equal(t, true, u.JSON["pin_protected"])
	u = sub.call("PUT", "/profiles/"+dadID, `{"name": "Dad", "pin": null}`)
	require.Equal(t, http.StatusOK, u.Status, string(u.Raw))
	require.Equal(t, false, u.JSON["pin_protected"], "null removes the PIN")
	sub.call("PUT", "/profiles/"+dadID, map[string]any{"name": "Dad", "is_kids": true, "content_rating_limit": "TV-MA"}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	sub.call("PUT", "/profiles/"+ports.NewID(), map[string]any{"name": "Ghost"}).flatError(t, http.StatusNotFound, "PROFILE_NOT_FOUND")

	// The plan's limit (5 here, the primary included).
	r = sub.call("POST", "/profiles", map[string]any{"name": "Fifth"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	sub.call("POST", "/profiles", map[string]any{"name": "Sixth"}).flatError(t, http.StatusConflict, "PROFILE_LIMIT_REACHED")

	// The primary profile cannot be deleted; others can, which frees a place.
	sub.call("DELETE", "/profiles/"+primaryID, nil).flatError(t, http.StatusConflict, "PRIMARY_PROFILE_UNDELETABLE")
	require.Equal(t, http.StatusNoContent, sub.call("DELETE", "/profiles/"+r.str("id"), nil).Status)
	sub.call("GET", "/profiles/"+r.str("id"), nil).flatError(t, http.StatusNotFound, "PROFILE_NOT_FOUND")
	sub.call("DELETE", "/profiles/"+r.str("id"), nil).flatError(t, http.StatusNotFound, "PROFILE_NOT_FOUND")
	r = sub.call("POST", "/profiles", map[string]any{"name": "Sixth"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	require.Len(t, sub.call("GET", "/profiles", nil).JSON["data"], 5)

	// Verify the PIN: a wrong one is refused, the right one answers a short-lived profile token.
	sub.call("POST", "/profiles/"+kidID+"/verify-pin", map[string]any{"pin": "0000"}).flatError(t, http.StatusForbidden, "INVALID_PIN")
	d = sub.call("POST", "/profiles/"+kidID+"/verify-pin", map[string]any{}).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"pin"}, fields(d), "a PIN-protected profile needs its PIN")
	sub.call("POST", "/profiles/"+kidID+"/verify-pin", map[string]any{"pin": "12a4"}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	v := sub.call("POST", "/profiles/"+kidID+"/verify-pin", map[string]any{"pin": "1234"})
	require.Equal(t, http.StatusOK, v.Status, string(v.Raw))
	require.Equal(t, "no-store", v.Header.Get("Cache-Control"))
	require.Equal(t, 600.0, v.JSON["expires_in"])
	claims := unverifiedClaims(t, v.str("profile_token"))
	require.Equal(t, []any{"profile"}, claims["aud"])
	require.Equal(t, "profile", claims["knd"])
	require.Equal(t, annID, claims["sub"])
	require.Equal(t, kidID, claims["prf"])
	require.Equal(t, idA, claims["tid"])
	require.InDelta(t, float64(time.Now().Add(10*time.Minute).Unix()), claims["exp"], 60)
	verifyWithJWKS(t, srv.URL, v.str("profile_token"))
	// A profile token is no bearer token.
	newClient(t, srv.URL).with("Authorization", "Bearer "+v.str("profile_token")).call("GET", "/profiles", nil).
		flatError(t, http.StatusUnauthorized, "INVALID_TOKEN")
	// A profile without a PIN answers a token whatever is sent.
	for _, body := range []map[string]any{{}, {"pin": "9999"}} {
		v = sub.call("POST", "/profiles/"+primaryID+"/verify-pin", body)
		require.Equal(t, http.StatusOK, v.Status, string(v.Raw))
		require.Equal(t, primaryID, unverifiedClaims(t, v.str("profile_token"))["prf"])
	}

	// Another account's and another client's profiles are not found, and stay as they are.
	for _, c := range []*client{subBob, subB} {
		c.call("GET", "/profiles/"+kidID, nil).flatError(t, http.StatusNotFound, "PROFILE_NOT_FOUND")
		c.call("PUT", "/profiles/"+kidID, map[string]any{"name": "Stolen"}).flatError(t, http.StatusNotFound, "PROFILE_NOT_FOUND")
		c.call("DELETE", "/profiles/"+kidID, nil).flatError(t, http.StatusNotFound, "PROFILE_NOT_FOUND")
		c.call("POST", "/profiles/"+kidID+"/verify-pin", map[string]any{"pin": "1234"}).flatError(t, http.StatusNotFound, "PROFILE_NOT_FOUND")
		c.call("DELETE", "/profiles/"+primaryID, nil).flatError(t, http.StatusNotFound, "PROFILE_NOT_FOUND")
		l := c.call("GET", "/profiles", nil)
		require.Len(t, l.JSON["data"], 1, "their own primary profile only")
		require.NotContains(t, dataIDs(l), kidID)
	}
	require.Equal(t, "Kids 2", sub.call("GET", "/profiles/"+kidID, nil).str("name"))
	sub.call("GET", "/profiles/not-a-uuid", nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")

	// Guessing a PIN is throttled like a password: past 5 failures, even the right PIN waits.
	for range 5 {
		sub.call("POST", "/profiles/"+tinyID+"/verify-pin", map[string]any{"pin": "0000"}).flatError(t, http.StatusForbidden, "INVALID_PIN")
	}
	r = sub.call("POST", "/profiles/"+tinyID+"/verify-pin", map[string]any{"pin": "246810"})
	r.flatError(t, http.StatusTooManyRequests, "TOO_MANY_ATTEMPTS")
	require.NotEmpty(t, r.Header.Get("Retry-After"))
	require.Equal(t, http.StatusOK, sub.call("POST", "/profiles/"+kidID+"/verify-pin", map[string]any{"pin": "1234"}).Status,
		"another profile's PIN is another guess")

	// Every change is in the audit log, without the PIN.
	r = adm.call("GET", "/admin/audit-log?target_id="+kidID, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	var actions []string
	for _, rec := range r.JSON["data"].([]any) {
		actions = append(actions, rec.(map[string]any)["action"].(string))
		require.Equal(t, annID, rec.(map[string]any)["actor_id"])
	}
	require.Equal(t, []string{"profile.updated", "profile.created"}, actions)
	require.NotContains(t, string(r.Raw), "argon2")
	require.NotContains(t, string(r.Raw), `"pin"`)
	r = adm.call("GET", "/admin/audit-log?action=profile.deleted", nil)
	require.Len(t, r.JSON["data"], 1)
}

// TestProfileCatalog checks that the app lists a profile only the classes rated within its
// limit (and unrated ones) when the request carries its token in X-Profile-Token, and every
// class without one; a class beyond the limit is not found; tokens that do not verify, another
// client's, or a deleted profile's are refused.
func TestProfileCatalog(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "rated-a", nil)
	idB, keyB := onboard(t, op, "rated-b", nil)
	adm := admin(t, srv, op, idA, keyA, "admin@rated-a.test")
	app := newClient(t, srv.URL).with("X-API-Key", keyA)
	ids := catalogOf(t, adm, map[string]map[string]any{
		"Kids Yoga":       {"category": "Yoga", "content_rating": "TV-Y"},
		"Family Dance":    {"category": "Dance", "content_rating": "PG"},
		"Teen HIIT":       {"category": "HIIT", "content_rating": "PG-13"},
		"Late Night":      {"category": "HIIT", "content_rating": "R"},
		"Unrated Stretch": {"category": "Yoga"},
	})
	adm.call("POST", "/admin/classes", map[string]any{"category_id": ports.NewID(), "title": "X", "duration_seconds": 60,
		"content_rating": "XXX"}).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	c := adm.call("GET", "/admin/classes/"+ids["Late Night"], nil)
	require.Equal(t, "R", c.JSON["content_rating"])
	require.Nil(t, adm.call("GET", "/admin/classes/"+ids["Unrated Stretch"], nil).JSON["content_rating"])

	m := member(t, app, "parent@rated-a.test")
	sub := newClient(t, srv.URL).with("Authorization", "Bearer "+m["accessToken"].(string))
	token := func(profileID string) string {
		r := sub.call("POST", "/profiles/"+profileID+"/verify-pin", map[string]any{})
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
		return r.str("profile_token")
	}
	titles := func(r response) []string {
		var out []string
		for _, x := range data(t, r, http.StatusOK)["classes"].([]any) {
			out = append(out, x.(map[string]any)["title"].(string))
		}
		return out
	}
	primary := dataIDs(sub.call("GET", "/profiles", nil))[0]
	r := sub.call("POST", "/profiles", map[string]any{"name": "Kid", "is_kids": true})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	kid := r.str("id")

	all := titles(app.call("GET", "/classes", nil))
	require.ElementsMatch(t, []string{"Kids Yoga", "Family Dance", "Teen HIIT", "Late Night", "Unrated Stretch"}, all, "no token, no limit")
	require.ElementsMatch(t, all, titles(app.call("GET", "/classes", nil, "X-Profile-Token", token(primary))), "TV-MA admits everything")
	kidToken := token(kid)
	r = app.call("GET", "/classes", nil, "X-Profile-Token", kidToken)
	require.ElementsMatch(t, []string{"Kids Yoga", "Family Dance", "Unrated Stretch"}, titles(r), "TV-PG: up to PG, and unrated")
	require.Equal(t, 3.0, data(t, r, http.StatusOK)["pagination"].(map[string]any)["total"])
	for _, x := range data(t, app.call("GET", "/classes?sort=title", nil), http.StatusOK)["classes"].([]any) {
		cls := x.(map[string]any)
		if cls["title"] == "Family Dance" {
			require.Equal(t, "PG", cls["contentRating"])
		}
		if cls["title"] == "Unrated Stretch" {
			require.NotContains(t, cls, "contentRating")
		}
	}
	app.call("GET", "/classes/"+ids["Late Night"], nil, "X-Profile-Token", kidToken).envelopedError(t, http.StatusNotFound, "CLASS_NOT_FOUND")
	require.Equal(t, "Kids Yoga", data(t, app.call("GET", "/classes/"+ids["Kids Yoga"], nil, "X-Profile-Token", kidToken), http.StatusOK)["title"])
	require.Equal(t, "Late Night", data(t, app.call("GET", "/classes/"+ids["Late Night"], nil), http.StatusOK)["title"])

	// Lowering the limit applies at once, to tokens already issued.
	u := sub.call("PUT", "/profiles/"+kid, map[string]any{"name": "Kid", "is_kids": true, "content_rating_limit": "TV-Y"})
	require.Equal(t, http.StatusOK, u.Status, string(u.Raw))
	require.ElementsMatch(t, []string{"Kids Yoga", "Unrated Stretch"}, titles(app.call("GET", "/classes", nil, "X-Profile-Token", kidToken)))

	// Category counts follow the profile; so does playback, for the caller's own profiles only.
	counts := func(r response) map[string]float64 {
		out := map[string]float64{}
		for _, x := range data(t, r, http.StatusOK)["categories"].([]any) {
			c := x.(map[string]any)
			out[c["name"].(string)] = c["classCount"].(float64)
		}
		return out
	}
	require.Equal(t, map[string]float64{"Yoga": 2, "Dance": 1, "HIIT": 2}, counts(app.call("GET", "/categories", nil)))
	require.Equal(t, map[string]float64{"Yoga": 2, "Dance": 0, "HIIT": 0},
		counts(app.call("GET", "/categories", nil, "X-Profile-Token", kidToken)), "TV-Y: Kids Yoga and the unrated class")
	player := app.with("Authorization", "Bearer "+m["accessToken"].(string))
	watch := func(class, profileToken string) response {
		return player.call("POST", "/playback/sessions", map[string]any{"classId": ids[class], "deviceName": "Tablet"},
			"X-Profile-Token", profileToken)
	}
	watch("Late Night", kidToken).envelopedError(t, http.StatusNotFound, "CLASS_NOT_FOUND")
	s := data(t, watch("Kids Yoga", kidToken), http.StatusCreated)["session"].(map[string]any)
	require.Equal(t, http.StatusOK, player.call("DELETE", "/playback/sessions/"+s["id"].(string), nil).Status)
	other := member(t, app, "neighbour@rated-a.test")
	newClient(t, srv.URL).with("X-API-Key", keyA).with("Authorization", "Bearer "+other["accessToken"].(string)).
		call("POST", "/playback/sessions", map[string]any{"classId": ids["Kids Yoga"]}, "X-Profile-Token", kidToken).
		envelopedError(t, http.StatusUnauthorized, "INVALID_PROFILE_TOKEN")

	// A kids profile limited to chosen titles sees those only (within its rating limit).
	limited := func(classIDs any) response {
		return sub.call("PUT", "/profiles/"+kid, map[string]any{"name": "Kid", "is_kids": true, "content_rating_limit": "TV-Y",
			"allowed_class_ids": classIDs})
	}
	u = limited([]string{ids["Kids Yoga"], ids["Late Night"]})
	require.Equal(t, http.StatusOK, u.Status, string(u.Raw))
	require.Equal(t, []any{ids["Kids Yoga"], ids["Late Night"]}, u.JSON["allowed_class_ids"])
	require.Equal(t, []string{"Kids Yoga"}, titles(app.call("GET", "/classes", nil, "X-Profile-Token", kidToken)),
		"Late Night is chosen but rated beyond the limit")
	require.Equal(t, map[string]float64{"Yoga": 1, "Dance": 0, "HIIT": 0}, counts(app.call("GET", "/categories", nil, "X-Profile-Token", kidToken)))
	app.call("GET", "/classes/"+ids["Unrated Stretch"], nil, "X-Profile-Token", kidToken).envelopedError(t, http.StatusNotFound, "CLASS_NOT_FOUND")
	watch("Unrated Stretch", kidToken).envelopedError(t, http.StatusNotFound, "CLASS_NOT_FOUND")
	require.Len(t, titles(app.call("GET", "/classes", nil, "X-Profile-Token", token(primary))), 5, "other profiles are not limited")
	require.Nil(t, sub.call("GET", "/profiles/"+primary, nil).JSON["allowed_class_ids"])
	d := limited([]string{ids["Kids Yoga"], ports.NewID()}).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"allowed_class_ids"}, fields(d), "a title the client does not have")
	classB := catalogOf(t, admin(t, srv, op, idB, keyB, "admin@rated-b.test"), map[string]map[string]any{"B Yoga": {"category": "Yoga"}})
	limited([]string{classB["B Yoga"]}).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	sub.call("PUT", "/profiles/"+primary, map[string]any{"name": "Parent", "allowed_class_ids": []string{ids["Kids Yoga"]}}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, http.StatusOK, limited([]string{}).Status, "an empty choice shows nothing")
	require.Empty(t, titles(app.call("GET", "/classes", nil, "X-Profile-Token", kidToken)))
	u = limited(nil)
	require.Equal(t, http.StatusOK, u.Status, string(u.Raw))
	require.Nil(t, u.JSON["allowed_class_ids"], "null lifts the choice")
	require.ElementsMatch(t, []string{"Kids Yoga", "Unrated Stretch"}, titles(app.call("GET", "/classes", nil, "X-Profile-Token", kidToken)))

	// Tokens that do not verify, another client's, a deleted profile's.
	app.call("GET", "/classes", nil, "X-Profile-Token", "not-a-token").envelopedError(t, http.StatusUnauthorized, "INVALID_PROFILE_TOKEN")
	app.call("GET", "/classes", nil, "X-Profile-Token", m["accessToken"].(string)).
		envelopedError(t, http.StatusUnauthorized, "INVALID_PROFILE_TOKEN")
	newClient(t, srv.URL).with("X-API-Key", keyB).call("GET", "/classes", nil, "X-Profile-Token", kidToken).
		envelopedError(t, http.StatusUnauthorized, "INVALID_PROFILE_TOKEN")
	require.Equal(t, http.StatusNoContent, sub.call("DELETE", "/profiles/"+kid, nil).Status)
	app.call("GET", "/classes", nil, "X-Profile-Token", kidToken).envelopedError(t, http.StatusNotFound, "PROFILE_NOT_FOUND")
}

// TestProfileMasterPIN checks that an account's master PIN, once set (confirmed by the password),
// guards creating, changing and deleting profiles: without it 403 MASTER_PIN_REQUIRED, wrong 403
// INVALID_MASTER_PIN (throttled to 429), right it passes; reading profiles and verifying a
// profile's own PIN do not need it; removing it needs the password only; other accounts are not
// guarded by it; changes are audit-logged without the PIN.
func TestProfileMasterPIN(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	id, key := onboard(t, op, "master-pin", nil)
	adm := admin(t, srv, op, id, key, "admin@master-pin.test")
	app := newClient(t, srv.URL).with("X-API-Key", key)
	m := member(t, app, "parent@master-pin.test")
	sub := newClient(t, srv.URL).with("Authorization", "Bearer "+m["accessToken"].(string))
	n := member(t, app, "neighbour@master-pin.test")
	subN := newClient(t, srv.URL).with("Authorization", "Bearer "+n["accessToken"].(string))

	r := sub.call("GET", "/profiles", nil)
	require.Equal(t, false, r.JSON["master_pin_set"])
	primary := dataIDs(r)[0]
	d := sub.call("PUT", "/users/me/master-pin", map[string]any{"pin": "12a4", "password": demoPassword}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"pin"}, fields(d))
	sub.call("PUT", "/users/me/master-pin", map[string]any{"pin": "2468", "password": "wrong password"}).
		flatError(t, http.StatusUnauthorized, "INVALID_CREDENTIALS")
	require.Equal(t, http.StatusNoContent, sub.call("PUT", "/users/me/master-pin", map[string]any{"pin": "2468", "password": demoPassword}).Status)
	require.Equal(t, true, sub.call("GET", "/profiles", nil).JSON["master_pin_set"])

	kid := map[string]any{"name": "Kid", "is_kids": true}
	sub.call("POST", "/profiles", kid).flatError(t, http.StatusForbidden, "MASTER_PIN_REQUIRED")
	sub.call("POST", "/profiles", kid, "X-Master-PIN", "1357").flatError(t, http.StatusForbidden, "INVALID_MASTER_PIN")
	r = sub.call("POST", "/profiles", kid, "X-Master-PIN", "2468")
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	kidID := r.str("id")
	sub.call("PUT", "/profiles/"+kidID, map[string]any{"name": "Kid", "is_kids": false}).flatError(t, http.StatusForbidden, "MASTER_PIN_REQUIRED")
	sub.call("DELETE", "/profiles/"+kidID, nil).flatError(t, http.StatusForbidden, "MASTER_PIN_REQUIRED")
	require.Equal(t, "Kid", sub.call("GET", "/profiles/"+kidID, nil).str("name"), "reading needs no master PIN")
	require.Equal(t, http.StatusOK, sub.call("POST", "/profiles/"+kidID+"/verify-pin", map[string]any{}).Status, "nor does switching")
	u := sub.call("PUT", "/profiles/"+primary, map[string]any{"name": "Parent"}, "X-Master-PIN", "2468")
	require.Equal(t, http.StatusOK, u.Status, string(u.Raw))
	require.Equal(t, http.StatusCreated, subN.call("POST", "/profiles", kid).Status, "another account is not guarded by it")

	// Guessing the master PIN is throttled like any PIN: past 5 failures, even the right one waits.
	for range 5 {
		sub.call("DELETE", "/profiles/"+kidID, nil, "X-Master-PIN", "0000").flatError(t, http.StatusForbidden, "INVALID_MASTER_PIN")
	}
	r = sub.call("DELETE", "/profiles/"+kidID, nil, "X-Master-PIN", "2468")
	r.flatError(t, http.StatusTooManyRequests, "TOO_MANY_ATTEMPTS")
	require.NotEmpty(t, r.Header.Get("Retry-After"))
	require.Equal(t, "Kid", sub.call("GET", "/profiles/"+kidID, nil).str("name"), "nothing was deleted")

	// The password alone removes it (whoever forgot the PIN resets it so); then nothing is guarded.
	require.Equal(t, http.StatusNoContent, sub.call("PUT", "/users/me/master-pin", map[string]any{"pin": nil, "password": demoPassword}).Status)
	require.Equal(t, false, sub.call("GET", "/profiles", nil).JSON["master_pin_set"])
	require.Equal(t, http.StatusNoContent, sub.call("DELETE", "/profiles/"+kidID, nil).Status)

	r = adm.call("GET", "/admin/audit-log?action=profile.master_pin_set", nil)
	require.Len(t, r.JSON["data"], 1, string(r.Raw))
	require.Len(t, adm.call("GET", "/admin/audit-log?action=profile.master_pin_removed", nil).JSON["data"], 1)
	require.NotContains(t, string(r.Raw), "2468")
	require.NotContains(t, string(r.Raw), "argon2")
}
