package e2e

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/harness"
)

// giftCodePattern is the format of a gift card code: four groups of four symbols without
// look-alikes.
var giftCodePattern = regexp.MustCompile(`^[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){3}$`)

// TestGiftCards walks the gift card routes: an admin creates 500 cards in one call (distinct
// codes in the spec's shape, bad input named), a subscriber looks one up (any case, without
// hyphens), redeems it with an Idempotency-Key (a replay answers the same and credits once; a
// second redemption is refused; of ten subscribers racing for one card exactly one wins), sees the balance on GET /users/me; an expired card, unknown
// codes and another client's codes; subscribers cannot create cards; the audit log.
func TestGiftCards(t *testing.T) {
	t.Parallel()
	srv := harness.StartServer(t)
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "gifts-a", nil)
	idB, keyB := onboard(t, op, "gifts-b", nil)
	adm := admin(t, srv, op, idA, keyA, "admin@gifts-a.test")
	admB := admin(t, srv, op, idB, keyB, "admin@gifts-b.test")
	ada := member(t, newClient(t, srv.URL).with("X-API-Key", keyA), "ada@gifts-a.test")
	adaID := ada["user"].(map[string]any)["id"].(string)
	sub := newClient(t, srv.URL).with("Authorization", "Bearer "+ada["accessToken"].(string))
	bob := member(t, newClient(t, srv.URL).with("X-API-Key", keyA), "bob@gifts-a.test")
	subBob := newClient(t, srv.URL).with("Authorization", "Bearer "+bob["accessToken"].(string))
	carol := member(t, newClient(t, srv.URL).with("X-API-Key", keyB), "carol@gifts-b.test")
	subB := newClient(t, srv.URL).with("Authorization", "Bearer "+carol["accessToken"].(string))

	// Bad input names its fields; 0 and 501 cards are refused.
	d := adm.call("POST", "/admin/gift-cards", map[string]any{"quantity": 1, "initial_value": 0.001, "currency": "usd",
		"expires_at": "2019-08-24T14:15:22Z"}).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.ElementsMatch(t, []string{"initial_value", "expires_at"}, fields(d))
	d = adm.call("POST", "/admin/gift-cards", map[string]any{"quantity": 1, "initial_value": 10, "currency": "XYZ"}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Contains(t, fields(d), "currency")
	for _, q := range []int{0, 501} {
		adm.call("POST", "/admin/gift-cards", map[string]any{"quantity": q, "initial_value": 10, "currency": "USD"}).
			flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	}

	// 500 cards in one call, each with its own code.
	r := adm.call("POST", "/admin/gift-cards", map[string]any{"quantity": 500, "initial_value": 25, "currency": "usd"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	data := r.JSON["data"].([]any)
	require.Len(t, data, 500)
	codes := map[string]bool{}
	for _, x := range data {
		c := x.(map[string]any)
		require.Regexp(t, giftCodePattern, c["code"])
		codes[c["code"].(string)] = true
		require.Equal(t, 25.0, c["initial_value"])
		require.Equal(t, 25.0, c["remaining_value"])
		require.Equal(t, "USD", c["currency"])
		require.Equal(t, "active", c["status"])
		require.Nil(t, c["expires_at"])
		require.Nil(t, c["redeemed_by"])
		require.Nil(t, c["redeemed_at"])
	}
	require.Len(t, codes, 500, "every code differs")
	require.Contains(t, string(r.Raw), `"initial_value":25.00,`, "money with its currency's digits")
	first := data[0].(map[string]any)
	code, cardID := first["code"].(string), first["id"].(string)
	second := data[1].(map[string]any)["code"].(string)

	// Look-up, in any case and without hyphens.
	g := sub.call("GET", "/gift-cards/"+strings.ToLower(strings.ReplaceAll(code, "-", "")), nil)
	require.Equal(t, http.StatusOK, g.Status, string(g.Raw))
	require.Equal(t, map[string]any{"id": cardID, "code": code, "initial_value": 25.0, "remaining_value": 25.0,
		"currency": "USD", "status": "active", "redeemed_by": nil, "redeemed_at": nil, "expires_at": nil,
		"created_at": first["created_at"]}, g.JSON)

	// No balance yet.
	me := sub.call("GET", "/users/me", nil)
	require.Equal(t, http.StatusOK, me.Status, string(me.Raw))
	require.NotContains(t, me.JSON, "account_balance")

	// Redeem with an Idempotency-Key; the replay answers the same and credits once.
	key := ports.NewID()
	red := sub.call("POST", "/gift-cards/redeem", map[string]any{"code": code}, "Idempotency-Key", key)
	require.Equal(t, http.StatusOK, red.Status, string(red.Raw))
	require.Equal(t, "redeemed", red.str("status"))
	require.Equal(t, 0.0, red.JSON["remaining_value"])
	require.Equal(t, adaID, red.JSON["redeemed_by"])
	require.NotNil(t, red.JSON["redeemed_at"])
	require.Equal(t, map[string]any{"amount": 25.0, "currency": "USD"}, red.JSON["account_balance"])
	again := sub.call("POST", "/gift-cards/redeem", map[string]any{"code": code}, "Idempotency-Key", key)
	require.Equal(t, http.StatusOK, again.Status, string(again.Raw))
	require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	require.Equal(t, string(red.Raw), string(again.Raw))

	// A second redemption, by anyone, is refused.
	sub.call("POST", "/gift-cards/redeem", map[string]any{"code": code}).flatError(t, http.StatusConflict, "GIFT_CARD_REDEEMED")
	subBob.call("POST", "/gift-cards/redeem", map[string]any{"code": code}).flatError(t, http.StatusConflict, "GIFT_CARD_REDEEMED")
	g = subBob.call("GET", "/gift-cards/"+code, nil)
	require.Equal(t, "redeemed", g.str("status"))
	require.Nil(t, g.JSON["redeemed_by"], "only the account that redeemed it sees who did")

	// A second card adds up; the balance shows on GET /users/me, exact.
	red = sub.call("POST", "/gift-cards/redeem", map[string]any{"code": second})
	require.Equal(t, http.StatusOK, red.Status, string(red.Raw))
	require.Equal(t, map[string]any{"amount": 50.0, "currency": "USD"}, red.JSON["account_balance"])
	me = sub.call("GET", "/users/me", nil)
	require.Equal(t, map[string]any{"amount": 50.0, "currency": "USD"}, me.JSON["account_balance"])
	require.Contains(t, string(me.Raw), `"account_balance":{"amount":50.00,"currency":"USD"}`)
	require.Equal(t, adaID, me.str("id"), "the other fields as they were")

	// A card in another currency than a balance that is not zero is refused.
	r = adm.call("POST", "/admin/gift-cards", map[string]any{"quantity": 1, "initial_value": 1000, "currency": "JPY"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	yen := r.JSON["data"].([]any)[0].(map[string]any)["code"].(string)
	sub.call("POST", "/gift-cards/redeem", map[string]any{"code": yen}).
		flatError(t, http.StatusUnprocessableEntity, "GIFT_CARD_CURRENCY_MISMATCH")
	red = subBob.call("POST", "/gift-cards/redeem", map[string]any{"code": yen})
	require.Equal(t, http.StatusOK, red.Status, string(red.Raw))
	require.Contains(t, string(red.Raw), `"account_balance":{"amount":1000,"currency":"JPY"}`)

	// Ten subscribers redeeming one card at the same time: exactly one wins.
	race := data[4].(map[string]any)["code"].(string)
	racers := make([]*client, 10)
	for i := range racers {
		m := member(t, newClient(t, srv.URL).with("X-API-Key", keyA), fmt.Sprintf("racer%d@gifts-a.test", i))
		racers[i] = newClient(t, srv.URL).with("Authorization", "Bearer "+m["accessToken"].(string))
	}
	statuses := make([]int, len(racers))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, c := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i] = c.call("POST", "/gift-cards/redeem", map[string]any{"code": race}, "Idempotency-Key", ports.NewID()).Status
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, st := range statuses {
		if st == http.StatusOK {
			won++
			continue
		}
		require.Equal(t, http.StatusConflict, st)
	}
	require.Equal(t, 1, won, "one redemption, whatever the concurrency: %v", statuses)

	// An expiring card reads its expiry.
	soon := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	r = adm.call("POST", "/admin/gift-cards", map[string]any{"quantity": 2, "initial_value": 5.5, "currency": "EUR",
		"expires_at": soon.Format(time.RFC3339)})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))
	eur := r.JSON["data"].([]any)[0].(map[string]any)
	require.Equal(t, soon.Format(time.RFC3339), eur["expires_at"])
	require.Contains(t, string(r.Raw), `"initial_value":5.50,`)

	// Unknown, malformed and another client's codes all look the same.
	unknown := sub.call("GET", "/gift-cards/AAAA-BBBB-CCCC-DDDD", nil).flatError(t, http.StatusNotFound, "GIFT_CARD_NOT_FOUND")
	theirs := subB.call("GET", "/gift-cards/"+data[2].(map[string]any)["code"].(string), nil).
		flatError(t, http.StatusNotFound, "GIFT_CARD_NOT_FOUND")
	require.Equal(t, unknown, theirs)
	subB.call("GET", "/gift-cards/not-a-code", nil).flatError(t, http.StatusNotFound, "GIFT_CARD_NOT_FOUND")
	subB.call("POST", "/gift-cards/redeem", map[string]any{"code": data[2].(map[string]any)["code"]}).
		flatError(t, http.StatusNotFound, "GIFT_CARD_NOT_FOUND")
	require.Equal(t, "active", sub.call("GET", "/gift-cards/"+data[2].(map[string]any)["code"].(string), nil).str("status"),
		"B changed nothing of A")

	// Guessing is throttled like sign-in: past 5 failures, every look-up waits.
	for range 2 {
		subB.call("GET", "/gift-cards/AAAA-BBBB-CCCC-DDDD", nil).flatError(t, http.StatusNotFound, "GIFT_CARD_NOT_FOUND")
	}
	r = subB.call("GET", "/gift-cards/AAAA-BBBB-CCCC-DDDD", nil)
	r.flatError(t, http.StatusTooManyRequests, "TOO_MANY_ATTEMPTS")
	require.NotEmpty(t, r.Header.Get("Retry-After"))
	subB.call("GET", "/gift-cards/"+data[3].(map[string]any)["code"].(string), nil).
		flatError(t, http.StatusTooManyRequests, "TOO_MANY_ATTEMPTS")

	// Subscribers cannot create cards; another client's admin creates its own.
	sub.call("POST", "/admin/gift-cards", map[string]any{"quantity": 1, "initial_value": 10, "currency": "USD"}).
		flatError(t, http.StatusForbidden, "FORBIDDEN")
	r = admB.call("POST", "/admin/gift-cards", map[string]any{"quantity": 1, "initial_value": 10, "currency": "USD"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Raw))

	// The audit log.
	r = adm.call("GET", "/admin/audit-log?target_id="+cardID, nil)
	var actions []string
	for _, rec := range r.JSON["data"].([]any) {
		actions = append(actions, rec.(map[string]any)["action"].(string))
	}
	require.Equal(t, []string{"gift_card.redeemed", "gift_card.created"}, actions)
}
