package device

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// The state machine is tested here on in-memory parts; test/contract runs the PostgreSQL store
// and test/e2e the whole grant over HTTP.

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

type uow struct{}

func (uow) Do(ctx context.Context, _ ports.Scope, fn func(context.Context) error) error {
	return fn(ctx)
}
func (uow) Read(ctx context.Context, _ ports.Scope, fn func(context.Context) error) error {
	return fn(ctx)
}

type directory map[string]string

func (d directory) Register(_ context.Context, kind, key, tenantID string) error {
	if _, ok := d[kind+"/"+key]; ok {
		return ports.Conflict("ALREADY_REGISTERED", "taken")
	}
	d[kind+"/"+key] = tenantID
	return nil
}

func (d directory) Lookup(_ context.Context, kind, key string) (string, error) {
	t, ok := d[kind+"/"+key]
	if !ok {
		return "", ports.ErrNotFound
	}
	return t, nil
}

func (d directory) Unregister(_ context.Context, kind, key string) error {
	delete(d, kind+"/"+key)
	return nil
}

type store map[string]Code // by user code

func (s store) CreateDeviceCode(_ context.Context, c Code) error { s[c.UserCode] = c; return nil }

func (s store) DeviceCode(_ context.Context, userCode, sig string) (Code, error) {
	for _, c := range s {
		if (userCode != "" && c.UserCode == userCode) || (sig != "" && c.DeviceSignature == sig) {
			return c, nil
		}
	}
	return Code{}, ports.ErrNotFound
}

func (s store) SaveDeviceCode(_ context.Context, c Code) error { s[c.UserCode] = c; return nil }

func (s store) PurgeDeviceCodes(_ context.Context, before time.Time) ([]string, error) {
	var gone []string
	for k, c := range s {
		if c.ExpiresAt.Before(before) {
			gone = append(gone, k)
			delete(s, k)
		}
	}
	return gone, nil
}

func newTest() (*Service, store, directory, *clock) {
	st, dir, clk := store{}, directory{}, &clock{now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	return NewService(Deps{UnitOfWork: uow{}, Store: st, Directory: dir, Clock: clk}), st, dir, clk
}

func TestDeviceGrantRunsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, st, _, clk := newTest()
	a, err := s.Start(ctx, "tenant", "tv", []string{"openid"})
	require.NoError(t, err)
	require.NotContains(t, st[a.UserCode].DeviceSignature, a.DeviceCode, "only the device code's hash is kept")

	userCode, tenantID, err := s.Find(ctx, a.UserCode[:4]+" "+a.UserCode[5:])
	require.NoError(t, err)
	require.Equal(t, a.UserCode, userCode)
	require.Equal(t, "tenant", tenantID)

	_, err = s.Poll(ctx, "tv", a.DeviceCode)
	require.ErrorIs(t, err, ErrPending)
	clk.now = clk.now.Add(PollInterval - time.Second)
	_, err = s.Poll(ctx, "tv", a.DeviceCode)
	require.ErrorIs(t, err, ErrSlowDown, "polled before the interval")
	clk.now = clk.now.Add(PollInterval)
	_, err = s.Poll(ctx, "tv", a.DeviceCode)
	require.ErrorIs(t, err, ErrPending)

	_, err = s.Poll(ctx, "another-app", a.DeviceCode)
	require.ErrorIs(t, err, ErrUnknown, "another client's code is unknown to it")
	_, err = s.Poll(ctx, "tv", "stvd_guess")
	require.ErrorIs(t, err, ErrUnknown)

	require.NoError(t, s.Awaiting(ctx, userCode))
	require.NoError(t, s.Approve(ctx, userCode, "user-1"))
	require.ErrorIs(t, s.Approve(ctx, userCode, "user-2"), ErrUsed, "approved once")
	require.ErrorIs(t, s.Awaiting(ctx, userCode), ErrUsed)

	c, err := s.Poll(ctx, "tv", a.DeviceCode)
	require.NoError(t, err)
	require.Equal(t, "user-1", c.Subject)
	require.Equal(t, []string{"openid"}, c.Scopes)
	_, err = s.Poll(ctx, "tv", a.DeviceCode)
	require.ErrorIs(t, err, ErrUsed, "the grant is handed out once")
}

func TestDeviceCodesExpire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, st, dir, clk := newTest()
	a, err := s.Start(ctx, "tenant", "tv", nil)
	require.NoError(t, err)
	clk.now = clk.now.Add(TTL)
	require.ErrorIs(t, s.Awaiting(ctx, a.UserCode), ErrExpired)
	require.ErrorIs(t, s.Approve(ctx, a.UserCode, "user"), ErrExpired)
	_, err = s.Poll(ctx, "tv", a.DeviceCode)
	require.ErrorIs(t, err, ErrExpired)

	clk.now = clk.now.Add(Retention - time.Minute)
	n, err := s.Purge(ctx, "tenant")
	require.NoError(t, err)
	require.Zero(t, n, "kept for the retention period")
	clk.now = clk.now.Add(2 * time.Minute)
	n, err = s.Purge(ctx, "tenant")
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Empty(t, st)
	require.Empty(t, dir, "the directory entry goes with the code")
	_, _, err = s.Find(ctx, a.UserCode)
	require.ErrorIs(t, err, ErrUnknown)
}

func TestDeniedCodesStayDenied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, st, _, _ := newTest()
	a, err := s.Start(ctx, "tenant", "tv", nil)
	require.NoError(t, err)
	c := st[a.UserCode]
	c.Status = Denied
	st[a.UserCode] = c
	_, err = s.Poll(ctx, "tv", a.DeviceCode)
	require.ErrorIs(t, err, ErrDenied)
	require.ErrorIs(t, s.Approve(ctx, a.UserCode, "user"), ErrUsed)
}

func TestUserCodes(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 200 {
		c, err := newUserCode()
		require.NoError(t, err)
		require.Regexp(t, `^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$`, c)
		seen[c] = true
		require.Equal(t, c, NormalizeUserCode(c))
	}
	require.Greater(t, len(seen), 190, "codes are random")
	require.Equal(t, "BCDF-GHJK", NormalizeUserCode(" bcdf ghjk "))
	require.Equal(t, "BCDF-GHJK", NormalizeUserCode("bcdfghjk"))
	for _, bad := range []string{"", "BCDF-GHJ", "AEIO-UBCD", "BCDF-GHJK-L", "12345678"} {
		require.Empty(t, NormalizeUserCode(bad), bad)
	}
	ctx := context.Background()
	s, _, _, _ := newTest()
	_, _, err := s.Find(ctx, "AEIO-UBCD")
	require.ErrorIs(t, err, ErrUnknown, "a malformed code is unknown")
	_, _, err = s.Find(ctx, "BCDF-GHJK")
	require.ErrorIs(t, err, ErrUnknown)
}
