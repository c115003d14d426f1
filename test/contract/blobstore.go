package contract

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// BlobStore checks a ports.BlobStore: what is put is got back with its type, a put replaces,
// deletes remove, missing keys are not found and malformed keys are refused. A blob store holds
// no tenant of its own: callers put the tenant in the key (avatars/<tenant>/<file>), so its
// cross-tenant section checks that keys under two tenants' prefixes are separate objects and
// that no key can climb out of its prefix.
func BlobStore(t *testing.T, store ports.BlobStore) {
	ctx := context.Background()
	read := func(t *testing.T, key string) (string, string) {
		r, ct, err := store.Get(ctx, key)
		require.NoError(t, err)
		defer r.Close()
		b, err := io.ReadAll(r)
		require.NoError(t, err)
		return string(b), ct
	}
	t.Run("put, replace, get, delete", func(t *testing.T) {
		key := "avatars/" + ports.NewID() + "/a.png"
		require.NoError(t, store.Put(ctx, key, "image/png", []byte("one")))
		require.NoError(t, store.Put(ctx, key, "image/png", []byte("two")))
		body, ct := read(t, key)
		require.Equal(t, "two", body)
		require.Equal(t, "image/png", ct)
		require.NoError(t, store.Delete(ctx, key))
		_, _, err := store.Get(ctx, key)
		require.ErrorIs(t, err, ports.ErrNotFound)
		require.ErrorIs(t, store.Delete(ctx, key), ports.ErrNotFound)
	})
	t.Run("malformed keys", func(t *testing.T) {
		for _, bad := range []string{"", "../etc/passwd", "avatars/../../x", "/abs/path", "avatars"} {
			require.ErrorIs(t, store.Put(ctx, bad, "text/plain", []byte("x")), ports.ErrInvalid, bad)
		}
	})
	t.Run("cross-tenant", func(t *testing.T) {
		a, b := "avatars/"+ports.NewID()+"/me.jpg", "avatars/"+ports.NewID()+"/me.jpg"
		require.NoError(t, store.Put(ctx, a, "image/jpeg", []byte("tenant a")))
		require.NoError(t, store.Put(ctx, b, "image/jpeg", []byte("tenant b")))
		body, _ := read(t, a)
		require.Equal(t, "tenant a", body)
		require.NoError(t, store.Delete(ctx, b))
		body, _ = read(t, a)
		require.Equal(t, "tenant a", body, "deleting B's object leaves A's")
		_, _, err := store.Get(ctx, "avatars/"+ports.NewID()+"/../"+a[len("avatars/"):])
		require.Error(t, err, "a key cannot climb into another tenant's prefix")
	})
}
