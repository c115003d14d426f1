package contract

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/grant"
	"github.com/stvos/stvos/ports"
)

// OAuthClients checks a grant.ClientStore: clients created, read back and listed in creation
// order, ids unique; and a cross-tenant section (a client of tenant A is invisible from B and
// B cannot write one into A).
func OAuthClients(t *testing.T, env Tenants, store grant.ClientStore) {
	a, b := env.New(t), env.New(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	newClient := func(tenantID, name string, at time.Time) grant.Client {
		return grant.Client{ID: "stvc_" + ports.NewID()[24:], TenantID: tenantID, Name: name,
			RedirectURIs: []string{"https://app.example.com/cb", "com.example.app:/cb"}, Scopes: []string{"openid", "profile"}, CreatedAt: at}
	}
	t.Run("create, read and list", func(t *testing.T) {
		first, second := newClient(a, "TV", now), newClient(a, "Phone", now.Add(time.Second))
		env.in(t, a, func(ctx context.Context) error {
			require.NoError(t, store.CreateClient(ctx, second))
			require.NoError(t, store.CreateClient(ctx, first))
			got, err := store.Client(ctx, first.ID)
			require.NoError(t, err)
			require.Equal(t, first, got)
			all, err := store.ListClients(ctx)
			require.NoError(t, err)
			require.Equal(t, []grant.Client{first, second}, all, "in creation order")
			_, err = store.Client(ctx, "stvc_unknown")
			require.ErrorIs(t, err, ports.ErrNotFound)
			return nil
		})
		err := env.try(a, func(ctx context.Context) error { return store.CreateClient(ctx, first) })
		require.ErrorIs(t, err, ports.ErrConflict)
	})
	t.Run("cross-tenant", func(t *testing.T) {
		c := newClient(a, "Private", now)
		env.in(t, a, func(ctx context.Context) error { return store.CreateClient(ctx, c) })
		env.in(t, b, func(ctx context.Context) error {
			_, err := store.Client(ctx, c.ID)
			require.ErrorIs(t, err, ports.ErrNotFound)
			all, err := store.ListClients(ctx)
			require.NoError(t, err)
			require.Empty(t, all)
			return nil
		})
		err := env.try(b, func(ctx context.Context) error { return store.CreateClient(ctx, newClient(a, "Planted", now)) })
		require.ErrorIs(t, err, ports.ErrForbidden, "B cannot write a client into A")
	})
}

// OAuthRecords checks a grant.RecordStore: records put and read back whole, deleted one by one
// or by request, deactivated by request, purged once expired; and a cross-tenant section (A's
// records are invisible from B, which can neither change, delete nor purge them).
func OAuthRecords(t *testing.T, env Tenants, store grant.RecordStore) {
	a, b := env.New(t), env.New(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	newRecord := func(kind, requestID string, expires time.Time) grant.Record {
		return grant.Record{Kind: kind, Signature: ports.NewID(), RequestID: requestID, ClientID: "stvc_tv", Subject: ports.NewID(),
			RequestedAt: now, RequestedScopes: []string{"openid", "profile"}, GrantedScopes: []string{"openid"},
			RequestedAudience: []string{}, GrantedAudience: []string{"tenant"}, Form: map[string][]string{"scope": {"openid profile"}},
			Session: []byte(`{"sid":"x"}`), Active: true, ExpiresAt: &expires}
	}
	get := func(t *testing.T, tenantID, kind, sig string) (grant.Record, error) {
		var r grant.Record
		err := env.try(tenantID, func(ctx context.Context) (err error) {
			r, err = store.Record(ctx, kind, sig)
			return err
		})
		return r, err
	}
	put := func(t *testing.T, tenantID string, r grant.Record) grant.Record {
		env.in(t, tenantID, func(ctx context.Context) error { return store.PutRecord(ctx, r) })
		return r
	}
	same := func(t *testing.T, want, got grant.Record) {
		require.JSONEq(t, string(want.Session), string(got.Session))
		want.Session, got.Session = nil, nil
		require.Equal(t, want, got)
	}

	t.Run("put and read back", func(t *testing.T) {
		r := put(t, a, newRecord("code", ports.NewID(), now.Add(time.Minute)))
		got, err := get(t, a, "code", r.Signature)
		require.NoError(t, err)
		same(t, r, got)
		_, err = get(t, a, "refresh", r.Signature)
		require.ErrorIs(t, err, ports.ErrNotFound, "kinds are separate")
		err = env.try(a, func(ctx context.Context) error { return store.PutRecord(ctx, r) })
		require.ErrorIs(t, err, ports.ErrConflict)
	})
	t.Run("deactivate and delete by request", func(t *testing.T) {
		req := ports.NewID()
		r1 := put(t, a, newRecord("refresh", req, now.Add(time.Hour)))
		r2 := put(t, a, newRecord("refresh", req, now.Add(time.Hour)))
		access := put(t, a, newRecord("access", req, now.Add(time.Hour)))
		other := put(t, a, newRecord("refresh", ports.NewID(), now.Add(time.Hour)))
		env.in(t, a, func(ctx context.Context) error { return store.DeactivateRecords(ctx, "refresh", req) })
		for _, r := range []grant.Record{r1, r2} {
			got, err := get(t, a, "refresh", r.Signature)
			require.NoError(t, err)
			require.False(t, got.Active)
		}
		got, err := get(t, a, "access", access.Signature)
		require.NoError(t, err)
		require.True(t, got.Active, "another kind of the request is untouched")
		got, err = get(t, a, "refresh", other.Signature)
		require.NoError(t, err)
		require.True(t, got.Active, "another request is untouched")
		env.in(t, a, func(ctx context.Context) error { return store.DeleteRecords(ctx, "refresh", req) })
		_, err = get(t, a, "refresh", r1.Signature)
		require.ErrorIs(t, err, ports.ErrNotFound)
		env.in(t, a, func(ctx context.Context) error { return store.DeleteRecord(ctx, "access", access.Signature) })
		_, err = get(t, a, "access", access.Signature)
		require.ErrorIs(t, err, ports.ErrNotFound)
	})
	t.Run("purge expired", func(t *testing.T) {
		c := env.New(t)
		old := put(t, c, newRecord("code", ports.NewID(), now.Add(-2*time.Hour)))
		fresh := put(t, c, newRecord("code", ports.NewID(), now.Add(time.Hour)))
		env.in(t, c, func(ctx context.Context) error {
			n, err := store.PurgeRecords(ctx, now.Add(-time.Hour))
			require.NoError(t, err)
			require.Equal(t, 1, n)
			return nil
		})
		_, err := get(t, c, "code", old.Signature)
		require.ErrorIs(t, err, ports.ErrNotFound)
		_, err = get(t, c, "code", fresh.Signature)
		require.NoError(t, err)
	})
	t.Run("cross-tenant", func(t *testing.T) {
		req := ports.NewID()
		r := put(t, a, newRecord("refresh", req, now.Add(-2*time.Hour)))
		_, err := get(t, b, "refresh", r.Signature)
		require.ErrorIs(t, err, ports.ErrNotFound)
		env.in(t, b, func(ctx context.Context) error {
			require.NoError(t, store.DeactivateRecords(ctx, "refresh", req))
			require.NoError(t, store.DeleteRecord(ctx, "refresh", r.Signature))
			require.NoError(t, store.DeleteRecords(ctx, "refresh", req))
			n, err := store.PurgeRecords(ctx, now)
			require.NoError(t, err)
			require.Zero(t, n)
			return nil
		})
		got, err := get(t, a, "refresh", r.Signature)
		require.NoError(t, err)
		same(t, r, got)
	})
}
