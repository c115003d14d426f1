package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/river"
	"github.com/stvos/stvos/core/notification"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/harness"
)

// No route creates notifications: other contexts do, through notification.Service.Notify. These
// tests take the running server's own service from its application graph (fx.Populate, as
// TestEmailJobs takes its queue) and call Notify as a producer would, then drive every
// notification route over HTTP.

// notifier is a running server with its notification service, unit of work and maintenance.
type notifier struct {
	srv   *harness.Server
	notes *notification.Service
	uow   ports.UnitOfWork
	maint river.Maintenance
}

func startNotifier(t *testing.T) notifier {
	var n notifier
	n.srv = harness.StartServerWith(t, harness.NewBackends(t), fx.Populate(&n.notes, &n.uow, &n.maint))
	return n
}

// notify creates a notification as a producer would and answers whether it was created. The list
// is newest first by id, whose time part counts milliseconds: notify waits for the next one, so
// that the order of the test's calls is the order listed.
func (n notifier) notify(t *testing.T, in notification.New) bool {
	t.Helper()
	created, err := n.notes.Notify(context.Background(), in)
	require.NoError(t, err)
	time.Sleep(2 * time.Millisecond)
	return created
}

// subscriberWithID registers a member of the client and answers their id and a subscriber surface
// client with their token.
func subscriberWithID(t testing.TB, srv *harness.Server, key, email string) (string, *client) {
	t.Helper()
	d := member(t, newClient(t, srv.URL).with("X-API-Key", key), email)
	return d["user"].(map[string]any)["id"].(string), newClient(t, srv.URL).with("Authorization", "Bearer "+d["accessToken"].(string))
}

// TestNotifications walks the notification routes as the specification shows them: an empty
// list; 25 notifications listed newest first in pages of 20 and 5 with the unread count, every
// field of one exactly; unread_only; marking one read (read_at kept on a second mark) and unread
// again; read-all; delete (204, then 404); bad input named by field; and isolation: another
// member of the client and a member of another client neither see, mark nor delete them (404),
// and a producer cannot notify another client's user.
func TestNotifications(t *testing.T) {
	t.Parallel()
	n := startNotifier(t)
	srv := n.srv
	op := operator(t, srv)
	idA, keyA := onboard(t, op, "notes-a", nil)
	idB, keyB := onboard(t, op, "notes-b", nil)
	ada, sub := subscriberWithID(t, srv, keyA, "ada@notes-a.test")
	_, bob := subscriberWithID(t, srv, keyA, "bob@notes-a.test")
	carolID, carol := subscriberWithID(t, srv, keyB, "carol@notes-b.test")

	r := sub.call("GET", "/notifications", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, map[string]any{"data": []any{}, "unread_count": 0.0, "meta": map[string]any{"has_more": false, "limit": 20.0}},
		r.JSON)

	// 25 notifications, one with every field.
	before := time.Now().UTC()
	require.True(t, n.notify(t, notification.New{TenantID: idA, UserID: ada, Type: notification.TypeRenewalUpcoming,
		Title: "Your plan renews soon", Body: "On June 1, for 9.99 USD.", ActionURL: "https://app.notes-a.test/billing"}))
	for i := range 24 {
		require.True(t, n.notify(t, notification.New{TenantID: idA, UserID: ada, Type: notification.TypeNewContent,
			Title: fmt.Sprintf("New class %d", i)}))
	}
	r = sub.call("GET", "/notifications", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	first := dataIDs(r)
	require.Len(t, first, 20)
	require.True(t, slices.IsSortedFunc(first, func(a, b string) int { return strings.Compare(b, a) }),
		"newest first: ids are time-ordered")
	require.Equal(t, 25.0, r.JSON["unread_count"])
	meta := r.JSON["meta"].(map[string]any)
	require.Equal(t, true, meta["has_more"])
	require.Equal(t, 20.0, meta["limit"])
	require.Equal(t, first[19], meta["next_cursor"])
	r = sub.call("GET", "/notifications?cursor="+meta["next_cursor"].(string), nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	rest := dataIDs(r)
	require.Len(t, rest, 5)
	require.Equal(t, map[string]any{"has_more": false, "limit": 20.0}, r.JSON["meta"])
	require.Equal(t, 25.0, r.JSON["unread_count"], "the count is of every page")
	all := append(slices.Clone(first), rest...)
	require.True(t, slices.IsSortedFunc(all, func(a, b string) int { return strings.Compare(b, a) }), "pages continue the order")
	require.Len(t, slices.Compact(slices.Sorted(slices.Values(all))), 25, "every notification once")

	var renewal map[string]any
	for _, x := range r.JSON["data"].([]any) {
		if x.(map[string]any)["type"] == "renewal_upcoming" {
			renewal = x.(map[string]any)
		}
	}
	require.NotNil(t, renewal, "the first created is on the last page")
	renewalID := renewal["id"].(string)
	created, err := time.Parse(time.RFC3339Nano, renewal["created_at"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, before, created, time.Minute)
	expires, err := time.Parse(time.RFC3339Nano, renewal["expires_at"].(string))
	require.NoError(t, err)
	require.Equal(t, notification.TTL(notification.TypeRenewalUpcoming), expires.Sub(created), "the type's lifetime")
	require.Equal(t, map[string]any{"id": renewalID, "type": "renewal_upcoming", "priority": "normal",
		"title": "Your plan renews soon", "body": "On June 1, for 9.99 USD.", "action_url": "https://app.notes-a.test/billing",
		"is_read": false, "read_at": nil, "expires_at": renewal["expires_at"], "created_at": renewal["created_at"]}, renewal)
	r = sub.call("GET", "/notifications?limit=100", nil)
	require.Equal(t, all, dataIDs(r))
	require.Nil(t, r.JSON["data"].([]any)[0].(map[string]any)["action_url"], "no URL is null")
	require.Equal(t, "low", r.JSON["data"].([]any)[0].(map[string]any)["priority"], "new_content's default priority")
	require.Len(t, dataIDs(sub.call("GET", "/notifications?limit=7", nil)), 7)

	// Read, read again (read_at kept), unread again.
	r = sub.call("PATCH", "/notifications/"+renewalID, map[string]any{"is_read": true})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, true, r.JSON["is_read"])
	readAt := r.str("read_at")
	require.NotEmpty(t, readAt)
	require.Equal(t, changed(renewal, map[string]any{"is_read": true, "read_at": readAt}), r.JSON)
	r = sub.call("GET", "/notifications?unread_only=true&limit=100", nil)
	require.Equal(t, 24.0, r.JSON["unread_count"])
	require.Len(t, dataIDs(r), 24)
	require.NotContains(t, dataIDs(r), renewalID)
	r = sub.call("PATCH", "/notifications/"+renewalID, map[string]any{"is_read": true})
	require.Equal(t, readAt, r.str("read_at"), "read twice keeps when it was first read")
	r = sub.call("PATCH", "/notifications/"+renewalID, map[string]any{"is_read": false})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.Equal(t, false, r.JSON["is_read"])
	require.Nil(t, r.JSON["read_at"])
	require.Equal(t, 25.0, sub.call("GET", "/notifications?limit=1", nil).JSON["unread_count"])

	// Isolation: another member of the client, and a member of another client, reach none of them.
	for who, c := range map[string]*client{"bob (same client)": bob, "carol (other client)": carol} {
		r = c.call("GET", "/notifications", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
		require.Empty(t, dataIDs(r), who)
		require.Equal(t, 0.0, r.JSON["unread_count"], who)
		c.call("PATCH", "/notifications/"+renewalID, map[string]any{"is_read": true}).
			flatError(t, http.StatusNotFound, "NOTIFICATION_NOT_FOUND")
		c.call("DELETE", "/notifications/"+renewalID, nil).flatError(t, http.StatusNotFound, "NOTIFICATION_NOT_FOUND")
		require.Equal(t, http.StatusNoContent, c.call("POST", "/notifications/read-all", nil).Status)
	}
	r = sub.call("GET", "/notifications?limit=100", nil)
	require.Equal(t, all, dataIDs(r), "nothing of ada's deleted")
	require.Equal(t, 25.0, r.JSON["unread_count"], "nothing of ada's marked read")
	_, err = n.notes.Notify(context.Background(), notification.New{TenantID: idB, UserID: ada, Type: notification.TypeSecurityAlert,
		Title: "x"})
	require.ErrorIs(t, err, ports.ErrNotFound, "a producer of client B cannot reach A's user")
	_, err = n.notes.Notify(context.Background(), notification.New{TenantID: idA, UserID: carolID, Type: notification.TypeSecurityAlert,
		Title: "x"})
	require.ErrorIs(t, err, ports.ErrNotFound, "nor client A's producer B's user")

	// Read all.
	require.Equal(t, http.StatusNoContent, sub.call("POST", "/notifications/read-all", nil).Status)
	r = sub.call("GET", "/notifications?unread_only=true", nil)
	require.Empty(t, dataIDs(r))
	require.Equal(t, 0.0, r.JSON["unread_count"])
	for _, x := range sub.call("GET", "/notifications?limit=100", nil).JSON["data"].([]any) {
		require.Equal(t, true, x.(map[string]any)["is_read"])
	}

	// Delete: 204, then 404 for every route.
	r = sub.call("DELETE", "/notifications/"+renewalID, nil)
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Raw))
	require.Empty(t, r.Raw)
	sub.call("DELETE", "/notifications/"+renewalID, nil).flatError(t, http.StatusNotFound, "NOTIFICATION_NOT_FOUND")
	sub.call("PATCH", "/notifications/"+renewalID, map[string]any{"is_read": false}).
		flatError(t, http.StatusNotFound, "NOTIFICATION_NOT_FOUND")
	r = sub.call("GET", "/notifications?limit=100", nil)
	require.Len(t, dataIDs(r), 24)
	require.NotContains(t, dataIDs(r), renewalID)

	// Bad input names its field.
	for _, bad := range []struct{ path, field string }{
		{"/notifications?limit=0", "query.limit"}, {"/notifications?limit=101", "query.limit"},
		{"/notifications?unread_only=maybe", "query.unread_only"}, {"/notifications?cursor=page-2", "cursor"},
	} {
		d := sub.call("GET", bad.path, nil).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
		require.Equal(t, []string{bad.field}, fields(d), bad.path)
	}
	for _, bad := range []struct {
		body  any
		field string
	}{{`{}`, "is_read"}, {`{"is_read": "yes"}`, "is_read"}, {`{"is_read": true, "pinned": true}`, "pinned"}} {
		d := sub.call("PATCH", "/notifications/"+all[0], bad.body).flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
		require.Equal(t, []string{bad.field}, fields(d), bad.body)
	}
	d := sub.call("PATCH", "/notifications/not-a-uuid", map[string]any{"is_read": true}).
		flatError(t, http.StatusUnprocessableEntity, "VALIDATION_FAILED")
	require.Equal(t, []string{"path.notif_id"}, fields(d))
	sub.call("DELETE", "/notifications/"+ports.NewID(), nil).flatError(t, http.StatusNotFound, "NOTIFICATION_NOT_FOUND")
	newClient(t, srv.URL).call("GET", "/notifications", nil).flatError(t, http.StatusUnauthorized, "UNAUTHORIZED")
	_, err = n.notes.Notify(context.Background(), notification.New{TenantID: idA, UserID: ada, Type: "newsletter", Title: " ",
		ActionURL: "javascript:alert(1)"})
	require.ErrorIs(t, err, ports.ErrInvalid, "a producer's bad input")
	require.Len(t, dataIDs(sub.call("GET", "/notifications?limit=100", nil)), 24, "nothing written by refused calls")
}

// TestNotifyRules shows Notify's rules through the HTTP list: a type the account opted out of
// (PATCH /users/me notification_preferences) is not created while a mandatory one is; a key
// notifies once, even after the notification was deleted; Notify inside a unit of work that rolls
// back leaves nothing; an expired notification is neither listed nor counted nor found, and the
// periodic purge removes it from the database.
func TestNotifyRules(t *testing.T) {
	t.Parallel()
	n := startNotifier(t)
	srv := n.srv
	tenantID, key := onboard(t, operator(t, srv), "notify-rules", nil)
	userID, sub := subscriberWithID(t, srv, key, "ines@notify-rules.test")
	note := func(typ, title, key string) notification.New {
		return notification.New{TenantID: tenantID, UserID: userID, Type: typ, Title: title, Key: key}
	}
	titles := func() []string {
		var out []string
		for _, x := range sub.call("GET", "/notifications?limit=100", nil).JSON["data"].([]any) {
			out = append(out, x.(map[string]any)["title"].(string))
		}
		return out
	}

	// Opting out: marketing is not created; payment_failed cannot be opted out of.
	r := sub.call("PATCH", "/users/me", map[string]any{"notification_preferences": map[string]bool{"marketing": false,
		"payment_failed": false, "new_content": true}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	require.False(t, n.notify(t, note(notification.TypeMarketing, "Spring offer", "")), "opted out")
	require.True(t, n.notify(t, note(notification.TypePaymentFailed, "Payment failed", "")), "mandatory")
	require.True(t, n.notify(t, note(notification.TypeNewContent, "New classes", "")), "opted in")
	require.True(t, n.notify(t, note(notification.TypePlanChanged, "Plan changed", "")), "not named: delivered")
	require.Equal(t, []string{"Plan changed", "New classes", "Payment failed"}, titles())
	r = sub.call("GET", "/notifications?limit=1", nil)
	require.Equal(t, "plan_changed", r.JSON["data"].([]any)[0].(map[string]any)["type"])
	all := sub.call("GET", "/notifications", nil).JSON["data"].([]any)
	require.Equal(t, "high", all[2].(map[string]any)["priority"], "payment_failed's default priority")

	// A key notifies once, even after the notification was deleted.
	invoice := note(notification.TypeSubscriptionRenewed, "Renewed", "renewal:inv-1")
	require.True(t, n.notify(t, invoice))
	require.False(t, n.notify(t, invoice), "a retried job notifies once")
	r = sub.call("GET", "/notifications?limit=1", nil)
	require.Equal(t, "Renewed", r.JSON["data"].([]any)[0].(map[string]any)["title"])
	require.Equal(t, http.StatusNoContent, sub.call("DELETE", "/notifications/"+dataIDs(r)[0], nil).Status)
	require.False(t, n.notify(t, invoice), "nor after the user deleted it")
	require.NotContains(t, titles(), "Renewed")

	// Inside the caller's unit of work: rolled back with it.
	ctx := context.Background()
	err := n.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		created, err := n.notes.Notify(ctx, note(notification.TypeRefundIssued, "Refunded", "refund:1"))
		require.NoError(t, err)
		require.True(t, created)
		return errors.New("the refund failed")
	})
	require.ErrorContains(t, err, "the refund failed")
	require.NotContains(t, titles(), "Refunded", "rolled back with the caller's change")
	require.True(t, n.notify(t, note(notification.TypeRefundIssued, "Refunded", "refund:1")), "and its key was never taken")

	// Expiry: listed and counted until expires_at, then neither, and purged.
	soon := time.Now().Add(1500 * time.Millisecond)
	expiring := note(notification.TypeTrialEnding, "Trial ends", "")
	expiring.ExpiresAt = &soon
	require.True(t, n.notify(t, expiring))
	r = sub.call("GET", "/notifications?limit=1", nil)
	require.Equal(t, "Trial ends", r.JSON["data"].([]any)[0].(map[string]any)["title"])
	expiringID := dataIDs(r)[0]
	unread := r.JSON["unread_count"].(float64)
	require.Eventually(t, func() bool {
		return !slices.Contains(titles(), "Trial ends")
	}, 10*time.Second, 100*time.Millisecond, "gone from the list at its expiry")
	require.Equal(t, unread-1, sub.call("GET", "/notifications", nil).JSON["unread_count"], "nor counted")
	sub.call("PATCH", "/notifications/"+expiringID, map[string]any{"is_read": true}).
		flatError(t, http.StatusNotFound, "NOTIFICATION_NOT_FOUND")
	owner, err := pgx.Connect(ctx, srv.Config.DatabaseURL) // the owner role, past row-level security
	require.NoError(t, err)
	defer owner.Close(ctx)
	rows := func(id string) int {
		var c int
		require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE id = $1`, id).Scan(&c))
		return c
	}
	require.Equal(t, 1, rows(expiringID), "kept until the purge")
	require.NoError(t, n.maint.PurgeExpired(ctx))
	require.Zero(t, rows(expiringID), "the periodic purge removed it")
	require.Equal(t, []string{"Refunded", "Plan changed", "New classes", "Payment failed"}, titles(), "and only it")
}
