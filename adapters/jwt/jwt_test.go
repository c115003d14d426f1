package jwt

import (
	"context"
	"encoding/base64"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/contract"
)

// memKeys is a key store for the signer's own unit tests; it passes the store's contract suite,
// and the PostgreSQL store is exercised by its own tests and every end-to-end test.
type memKeys struct {
	mu   sync.Mutex
	keys []ports.SigningKey // in the order added
	fail error              // when set, Keys fails with it
}

func (m *memKeys) Keys(context.Context) ([]ports.SigningKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return nil, m.fail
	}
	out := []ports.SigningKey{}
	for _, k := range m.keys {
		if k.RetiredAt == 0 || time.Since(time.Unix(k.RetiredAt, 0)) <= 24*time.Hour {
			out = append(out, k)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].CreatedAt != out[j].CreatedAt {
			return out[i].CreatedAt > out[j].CreatedAt
		}
		return out[i].KID > out[j].KID
	})
	return out, nil
}

func (m *memKeys) RetireAllBut(_ context.Context, keep string, at int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := slices.IndexFunc(m.keys, func(k ports.SigningKey) bool { return k.KID == keep })
	if i < 0 {
		return ports.NotFound("signing key")
	}
	if m.keys[i].RetiredAt != 0 {
		return nil
	}
	for i := range m.keys {
		if m.keys[i].KID != keep && m.keys[i].RetiredAt == 0 {
			m.keys[i].RetiredAt = at
		}
	}
	return nil
}

func (m *memKeys) Add(_ context.Context, k ports.SigningKey) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.keys {
		if e.KID == k.KID {
			return ports.Conflict("KID_TAKEN", "taken")
		}
	}
	m.keys = append(m.keys, k)
	return nil
}

func TestMemKeysContract(t *testing.T) {
	t.Parallel()
	contract.SigningKeys(t, func(*testing.T) contract.SigningKeyEnv {
		return contract.SigningKeyEnv{Store: &memKeys{}, TenantID: ports.NewID(),
			Do: func(ctx context.Context, _ ports.Scope, fn func(context.Context) error) error { return fn(ctx) }}
	})
}

type fixedClock struct{ t time.Time }

func (c *fixedClock) Now() time.Time { return c.t }

func sample(now time.Time) ports.Claims {
	return ports.Claims{ID: "j1", Subject: "s1", Kind: "operator", Roles: []string{"superadmin"}, Audience: "platform",
		Scopes: []string{"a", "b"}, IssuedAt: now.Unix(), ExpiresAt: now.Add(15 * time.Minute).Unix()}
}

func TestSignAndVerify(t *testing.T) {
	t.Parallel()
	ctx, clock := context.Background(), &fixedClock{t: time.Now()}
	store := &memKeys{}
	s, err := New(ctx, store, "https://issuer.test", "", clock)
	require.NoError(t, err)
	require.Len(t, store.keys, 1, "a key is generated and kept when none exists")

	tok, err := s.Sign(ctx, sample(clock.t))
	require.NoError(t, err)
	c, err := s.Verify(ctx, tok, "platform")
	require.NoError(t, err)
	require.Equal(t, "s1", c.Subject)
	require.Equal(t, []string{"a", "b"}, c.Scopes)

	// A second process sharing the store signs with the same key and verifies the first's tokens.
	s2, err := New(ctx, store, "https://issuer.test", "", clock)
	require.NoError(t, err)
	_, err = s2.Verify(ctx, tok, "platform")
	require.NoError(t, err)

	_, err = s.Verify(ctx, tok, "app")
	require.ErrorIs(t, err, ports.ErrUnauthenticated, "another audience")

	clock.t = clock.t.Add(20 * time.Minute)
	_, err = s.Verify(ctx, tok, "platform")
	require.ErrorIs(t, err, ports.ErrUnauthenticated, "expired")
}

func TestConfiguredKey(t *testing.T) {
	t.Parallel()
	pemKey, err := GenerateKeyPEM()
	require.NoError(t, err)
	store := &memKeys{}
	s, err := New(context.Background(), store, "i", pemKey, &fixedClock{t: time.Now()})
	require.NoError(t, err)
	require.Len(t, store.keys, 1)
	require.Equal(t, store.keys[0].KID, s.PublicKeys(context.Background())[0].KID)
	_, err = New(context.Background(), store, "i", pemKey, &fixedClock{t: time.Now()})
	require.NoError(t, err, "the same configured key on a second start is fine")
	_, err = New(context.Background(), store, "i", "not pem", &fixedClock{t: time.Now()})
	require.Error(t, err)
}

func TestRotation(t *testing.T) {
	t.Parallel()
	ctx, clock := context.Background(), &fixedClock{t: time.Now()}
	store := &memKeys{}
	s, err := New(ctx, store, "i", "", clock)
	require.NoError(t, err)
	other, err := New(ctx, store, "i", "", clock) // a second process
	require.NoError(t, err)
	before, err := s.Sign(ctx, sample(clock.t))
	require.NoError(t, err)
	oldKID := store.keys[0].KID

	newKID, err := s.Rotate(ctx)
	require.NoError(t, err)
	require.NotEqual(t, oldKID, newKID)
	after, err := s.Sign(ctx, sample(clock.t))
	require.NoError(t, err)
	require.Contains(t, header(t, after), newKID, "new tokens carry the new kid")

	// Tokens signed before the rotation still verify, here and in the other process.
	for _, v := range []*Signer{s, other} {
		_, err = v.Verify(ctx, before, "platform")
		require.NoError(t, err)
	}
	// The other process verifies new tokens at once (unknown kid → reload) and signs with the
	// new key after its periodic refresh.
	clock.t = clock.t.Add(6 * time.Second)
	_, err = other.Verify(ctx, after, "platform")
	require.NoError(t, err)
	clock.t = clock.t.Add(RefreshEvery)
	tok, err := other.Sign(ctx, sample(clock.t))
	require.NoError(t, err)
	require.Contains(t, header(t, tok), newKID)

	kids := []string{}
	for _, k := range s.PublicKeys(ctx) {
		kids = append(kids, k.KID)
	}
	require.ElementsMatch(t, []string{oldKID, newKID}, kids, "the JWKS lists the retired key until its tokens expire")
}

func header(t *testing.T, tok string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	require.NoError(t, err)
	return string(b)
}

func TestOldKeysRotateThemselves(t *testing.T) {
	t.Parallel()
	ctx, clock := context.Background(), &fixedClock{t: time.Now()}
	store := &memKeys{}
	s, err := New(ctx, store, "i", "", clock)
	require.NoError(t, err)
	first := store.keys[0].KID
	clock.t = clock.t.Add(RotateAfter + time.Hour)
	tok, err := s.Sign(ctx, sample(clock.t))
	require.NoError(t, err)
	require.Len(t, store.keys, 2)
	require.NotContains(t, header(t, tok), first)
}
