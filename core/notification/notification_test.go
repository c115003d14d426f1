package notification

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/ports"
)

func TestTypes(t *testing.T) {
	t.Parallel()
	var mandatory []string
	for _, typ := range Types() {
		require.Contains(t, Priorities(), DefaultPriority(typ), typ)
		require.Positive(t, TTL(typ), typ)
		require.LessOrEqual(t, TTL(typ), MaxTTL, typ)
		require.Regexp(t, `^[a-z][a-z0-9_]{0,40}$`, typ, "a type is a valid notification_preferences key")
		if Mandatory(typ) {
			mandatory = append(mandatory, typ)
		}
	}
	require.Contains(t, Types(), "payment_failed", "the specification's sample")
	require.Equal(t, []string{TypeDeletionScheduled, TypeExportReady, TypePaymentFailed, TypeSecurityAlert, TypeSubscriptionCanceled},
		mandatory, "money, access, data and security cannot be opted out of")
	require.Equal(t, DefaultTTL, TTL(TypePaymentFailed))
	require.Equal(t, 7*24*time.Hour, TTL(TypeExportReady))
	require.False(t, Mandatory("no_such_type"))
}

func TestWanted(t *testing.T) {
	t.Parallel()
	off := map[string]bool{TypeMarketing: false, TypePaymentFailed: false, TypeNewContent: true}
	require.False(t, Wanted(TypeMarketing, off), "opted out")
	require.True(t, Wanted(TypeNewContent, off), "opted in")
	require.True(t, Wanted(TypePlanChanged, off), "not named: wanted")
	require.True(t, Wanted(TypePlanChanged, nil))
	require.True(t, Wanted(TypePaymentFailed, off), "mandatory whatever the preference")
}

func TestNewChecksAndDefaults(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	ok := New{TenantID: ports.NewID(), UserID: ports.NewID(), Type: TypePaymentFailed, Title: "  Payment failed  ",
		Body: "Update your card.", ActionURL: "https://app.example.com/billing", Key: "invoice-1"}
	n, err := ok.notification(now)
	require.NoError(t, err)
	require.True(t, ports.IsID(n.ID))
	require.Equal(t, "Payment failed", n.Title, "trimmed")
	require.Equal(t, PriorityHigh, n.Priority, "the type's default priority")
	require.Equal(t, now.Add(DefaultTTL), n.ExpiresAt, "the type's lifetime")
	require.Equal(t, now, n.CreatedAt)
	require.Nil(t, n.ReadAt)
	require.Equal(t, "invoice-1", n.Key)

	later := now.Add(48*time.Hour + 1500*time.Nanosecond)
	own := ok
	own.Priority, own.ExpiresAt = PriorityLow, &later
	n, err = own.notification(now)
	require.NoError(t, err)
	require.Equal(t, PriorityLow, n.Priority, "the producer's priority")
	require.Equal(t, later.Truncate(time.Microsecond), n.ExpiresAt, "the producer's expiry, at the store's precision")

	past, far := now.Add(-time.Second), now.Add(MaxTTL+time.Second)
	bad := New{TenantID: "t", UserID: "", Type: "newsletter", Priority: "urgent", Title: " ", Body: strings.Repeat("b", MaxBody+1),
		ActionURL: "javascript:alert(1)", Key: strings.Repeat("k", MaxKey+1), ExpiresAt: &past}
	_, err = bad.notification(now)
	require.ErrorIs(t, err, ports.ErrInvalid)
	require.ElementsMatch(t, []string{"tenant_id", "user_id", "type", "priority", "title", "body", "action_url", "key", "expires_at"},
		fieldsOf(err))
	for _, u := range []string{"/billing", "ftp://x.test/a", "https://", "https://a.test/" + strings.Repeat("x", MaxActionURL),
		"https://a.test/a b"} {
		in := ok
		in.ActionURL = u
		_, err = in.notification(now)
		require.Equal(t, []string{"action_url"}, fieldsOf(err), u)
	}
	in := ok
	in.Title, in.ExpiresAt = strings.Repeat("é", MaxTitle+1), &far
	_, err = in.notification(now)
	require.Equal(t, []string{"title", "expires_at"}, fieldsOf(err))
}

func fieldsOf(err error) []string {
	var out []string
	if e := ports.AsError(err); e != nil {
		for _, f := range e.Fields {
			out = append(out, f.Field)
		}
	}
	return out
}

// The fakes below stand in for storage so that Notify's rules can be read in isolation; the
// PostgreSQL store passes contract.Notifications.

type fakeUoW struct{ calls int }

func (u *fakeUoW) Do(ctx context.Context, _ ports.Scope, fn func(context.Context) error) error {
	u.calls++
	return fn(ctx)
}

func (u *fakeUoW) Read(ctx context.Context, s ports.Scope, fn func(context.Context) error) error {
	return u.Do(ctx, s, fn)
}

type fakeAccounts map[string]account.User

func (a fakeAccounts) ReadUser(_ context.Context, id string) (account.User, error) {
	if u, ok := a[id]; ok {
		return u, nil
	}
	return account.User{}, ports.NotFound("user")
}

// fakeStore records what Notify and List ask of it; keys deduplicate as the table's index does.
type fakeStore struct {
	Store
	created []Notification
	keys    map[string]bool
	trims   []int
	listed  []int
}

func (s *fakeStore) Create(_ context.Context, n Notification) (bool, error) {
	if n.Key != "" && s.keys[n.UserID+"/"+n.Key] {
		return false, nil
	}
	if n.Key != "" {
		s.keys[n.UserID+"/"+n.Key] = true
	}
	s.created = append(s.created, n)
	return true, nil
}

func (s *fakeStore) Trim(_ context.Context, _ string, keep int) (int, error) {
	s.trims = append(s.trims, keep)
	return 0, nil
}

func (s *fakeStore) List(_ context.Context, _ string, _ bool, _ time.Time, _ string, limit int) ([]Notification, error) {
	s.listed = append(s.listed, limit)
	return make([]Notification, min(limit, 3)), nil
}

func (s *fakeStore) CountUnread(context.Context, string, time.Time) (int, error) { return 7, nil }

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func TestNotify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tenantID, opted, plain := ports.NewID(), ports.NewID(), ports.NewID()
	uow, store := &fakeUoW{}, &fakeStore{keys: map[string]bool{}}
	svc := NewService(Deps{UnitOfWork: uow, Store: store, Clock: fixedClock{time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)},
		Accounts: fakeAccounts{
			opted: {ID: opted, NotificationPreferences: map[string]bool{TypeMarketing: false, TypePaymentFailed: false}},
			plain: {ID: plain},
		}})
	note := func(user, typ, key string) New {
		return New{TenantID: tenantID, UserID: user, Type: typ, Title: "Hello", Key: key}
	}

	created, err := svc.Notify(ctx, note(opted, TypeMarketing, ""))
	require.NoError(t, err)
	require.False(t, created, "the user opted out of marketing")
	require.Empty(t, store.created)

	created, err = svc.Notify(ctx, note(opted, TypePaymentFailed, ""))
	require.NoError(t, err)
	require.True(t, created, "payment_failed cannot be opted out of")
	created, err = svc.Notify(ctx, note(plain, TypeMarketing, ""))
	require.NoError(t, err)
	require.True(t, created, "no preference: delivered")
	require.Len(t, store.created, 2)
	require.Equal(t, []int{MaxPerUser, MaxPerUser}, store.trims, "every creation keeps the user to the newest 500")

	created, err = svc.Notify(ctx, note(plain, TypeTrialEnding, "trial:1"))
	require.NoError(t, err)
	require.True(t, created)
	created, err = svc.Notify(ctx, note(plain, TypeTrialEnding, "trial:1"))
	require.NoError(t, err)
	require.False(t, created, "the same key notifies once")
	require.Len(t, store.trims, 3, "nothing to trim when nothing was created")

	_, err = svc.Notify(ctx, note(ports.NewID(), TypePaymentFailed, ""))
	require.ErrorIs(t, err, ports.ErrNotFound, "an unknown user")

	calls := uow.calls
	_, err = svc.Notify(ctx, New{TenantID: tenantID, UserID: plain, Type: "newsletter", Title: "x"})
	require.Equal(t, []string{"type"}, fieldsOf(err))
	require.Equal(t, calls, uow.calls, "bad input opens no unit of work")
}

func TestListBounds(t *testing.T) {
	t.Parallel()
	store := &fakeStore{}
	svc := NewService(Deps{UnitOfWork: &fakeUoW{}, Store: store, Clock: ports.SystemClock{}})
	ctx := context.Background()
	_, err := svc.List(ctx, ports.NewID(), ports.NewID(), false, "not-a-cursor", 20)
	require.Equal(t, []string{"cursor"}, fieldsOf(err))
	for limit, asked := range map[int]int{0: DefaultPageSize + 1, 1: 2, 100: 101, 101: DefaultPageSize + 1} {
		store.listed = nil
		_, err = svc.List(ctx, ports.NewID(), ports.NewID(), false, "", limit)
		require.NoError(t, err)
		require.Equal(t, []int{asked}, store.listed, "limit %d asks one more than the page", limit)
	}
	p, err := svc.List(ctx, ports.NewID(), ports.NewID(), true, ports.NewID(), 2)
	require.NoError(t, err)
	require.Len(t, p.Items, 2)
	require.True(t, p.More, "a third item exists")
	require.Equal(t, 7, p.Unread)
	_, err = svc.SetRead(ctx, ports.NewID(), ports.NewID(), "nope", true)
	require.ErrorIs(t, err, ports.ErrNotFound, "a malformed id is no notification")
	require.ErrorIs(t, svc.Delete(ctx, ports.NewID(), ports.NewID(), "nope"), ports.ErrNotFound)
}
