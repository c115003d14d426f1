package postgres_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/adapters/jwt"
	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/test/contract"
)

func TestSigningKeyStoreContract(t *testing.T) {
	t.Parallel()
	contract.SigningKeys(t, func(t *testing.T) contract.SigningKeyEnv {
		b := setup(t)
		return contract.SigningKeyEnv{Store: postgres.NewSigningKeyStore(b.pool), Do: b.uow.Do, TenantID: b.newTenant(t)}
	})
}

// clock is a process's clock, moved by the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// process is one server process's share of the token machinery: its own pool, unit of work,
// clock and signer over the shared database.
type process struct {
	uow    *postgres.UnitOfWork
	clock  *clock
	signer *jwt.Signer
}

func startProcess(t *testing.T, url string) process {
	t.Helper()
	ctx := context.Background()
	pool, err := postgres.Connect(ctx, url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	c := &clock{t: time.Now()}
	s, err := jwt.New(ctx, postgres.NewSigningKeyStore(pool), "https://issuer.test", "", c)
	require.NoError(t, err)
	return process{uow: postgres.NewUnitOfWork(pool), clock: c, signer: s}
}

// inTenant runs fn inside a unit of work of the tenant, as a sign-in or fosite's key getter do.
func (p process) inTenant(t *testing.T, tenantID string, fn func(ctx context.Context) error) {
	t.Helper()
	require.NoError(t, p.uow.Do(context.Background(), ports.TenantScope(tenantID), fn))
}

// signIn issues a token as a tenant sign-in does: inside the tenant's unit of work.
func (p process) signIn(t *testing.T, tenantID string) string {
	t.Helper()
	var tok string
	p.inTenant(t, tenantID, func(ctx context.Context) (err error) {
		now := p.clock.Now()
		tok, err = p.signer.Sign(ctx, ports.Claims{ID: ports.NewID(), Subject: ports.NewID(), Kind: "user", TenantID: tenantID,
			Audience: "tenant", IssuedAt: now.Unix(), ExpiresAt: now.Add(15 * time.Minute).Unix()})
		return err
	})
	return tok
}

func (p process) verifies(t *testing.T, tenantID, tok string) {
	t.Helper()
	p.inTenant(t, tenantID, func(ctx context.Context) error {
		_, err := p.signer.Verify(ctx, tok, "tenant")
		return err
	})
}

func kidOf(t *testing.T, tok string) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	require.NoError(t, err)
	var h struct{ Kid string }
	require.NoError(t, json.Unmarshal(raw, &h))
	return h.Kid
}

// TestSigningKeysReachEveryProcess runs two processes over one database with the real store.
// Process B only ever signs and verifies inside tenant units of work, as tenant sign-ins and
// fosite's key getter do; it must still reload the keys, pick up A's rotation, and rotate an
// old key itself. (The store used to join the caller's unit of work, which a tenant's cannot
// widen to the platform scope, and the signer dropped the error: B never saw a new key.)
func TestSigningKeysReachEveryProcess(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tenantID := b.newTenant(t)
	db := b.pool.Config().ConnString()
	procA, procB := startProcess(t, db), startProcess(t, db)
	advance := func(d time.Duration) { // time passes for both
		procA.clock.advance(d)
		procB.clock.advance(d)
	}

	first := procA.signIn(t, tenantID)
	require.Equal(t, kidOf(t, first), kidOf(t, procB.signIn(t, tenantID)), "B signs with the key A made")

	// A rotates (as `stvos keys rotate` does). B verifies A's new tokens at once, and signs with
	// the new key once its copy is due for a refresh.
	rotated, err := procA.signer.Rotate(context.Background())
	require.NoError(t, err)
	fromA := procA.signIn(t, tenantID)
	require.Equal(t, rotated, kidOf(t, fromA))
	advance(10 * time.Second)
	procB.verifies(t, tenantID, fromA)
	advance(jwt.RefreshEvery)
	fromB := procB.signIn(t, tenantID)
	require.Equal(t, rotated, kidOf(t, fromB), "B signs with A's new key")
	procB.inTenant(t, tenantID, func(ctx context.Context) error {
		k, err := procB.signer.ActiveKey(ctx)
		require.NoError(t, err)
		require.Equal(t, rotated, k.KeyID, "fosite's key getter gets the new key too")
		return nil
	})
	procA.verifies(t, tenantID, fromB)
	procB.verifies(t, tenantID, first) // the retired key verifies until its tokens expire

	// B's key comes of age while B serves only tenant sign-ins: B rotates it from inside a
	// tenant's unit of work, and the new key outlives that unit of work's rollback.
	advance(jwt.RotateAfter)
	var own string
	err = procB.uow.Do(context.Background(), ports.TenantScope(tenantID), func(ctx context.Context) error {
		now := procB.clock.Now()
		tok, err := procB.signer.Sign(ctx, ports.Claims{ID: ports.NewID(), Subject: ports.NewID(), Kind: "user", TenantID: tenantID,
			Audience: "tenant", IssuedAt: now.Unix(), ExpiresAt: now.Add(15 * time.Minute).Unix()})
		require.NoError(t, err)
		own = tok
		return errors.New("the sign-in fails after signing")
	})
	require.Error(t, err)
	require.NotEqual(t, rotated, kidOf(t, own), "B rotated its old key")
	procA.verifies(t, tenantID, own)
	keys, err := postgres.NewSigningKeyStore(b.pool).Keys(context.Background())
	require.NoError(t, err)
	require.Equal(t, kidOf(t, own), keys[0].KID, "B's new key is stored and signs")
}
