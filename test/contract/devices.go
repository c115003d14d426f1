package contract

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/device"
	"github.com/stvos/stvos/ports"
)

// DeviceCodes checks a device.Store: codes created and found by user code or by device
// signature, saved, unique per tenant, purged once expired (returning their user codes); and a
// cross-tenant section (A's codes are invisible from B, which can neither change nor purge them).
func DeviceCodes(t *testing.T, env Tenants, store device.Store) {
	a, b := env.New(t), env.New(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	newCode := func(tenantID string, expires time.Time) device.Code {
		return device.Code{UserCode: "BCDF-" + ports.NewID()[28:], DeviceSignature: device.Signature(ports.NewID()), TenantID: tenantID,
			ClientID: "stvc_tv", Scopes: []string{"openid"}, Subject: "", Status: device.Pending, ExpiresAt: expires, CreatedAt: now}
	}
	find := func(t *testing.T, tenantID, userCode, sig string) (device.Code, error) {
		var c device.Code
		err := env.try(tenantID, func(ctx context.Context) (err error) {
			c, err = store.DeviceCode(ctx, userCode, sig)
			return err
		})
		return c, err
	}
	create := func(t *testing.T, c device.Code) device.Code {
		env.in(t, c.TenantID, func(ctx context.Context) error { return store.CreateDeviceCode(ctx, c) })
		return c
	}

	t.Run("create and find both ways", func(t *testing.T) {
		c := create(t, newCode(a, now.Add(device.TTL)))
		got, err := find(t, a, c.UserCode, "")
		require.NoError(t, err)
		require.Equal(t, c, got)
		got, err = find(t, a, "", c.DeviceSignature)
		require.NoError(t, err)
		require.Equal(t, c, got)
		_, err = find(t, a, "", "")
		require.ErrorIs(t, err, ports.ErrNotFound, "nothing matches no key")
		_, err = find(t, a, "ZZZZ-ZZZZ", "")
		require.ErrorIs(t, err, ports.ErrNotFound)
		err = env.try(a, func(ctx context.Context) error { return store.CreateDeviceCode(ctx, c) })
		require.ErrorIs(t, err, ports.ErrConflict)
	})
	t.Run("save", func(t *testing.T) {
		c := create(t, newCode(a, now.Add(device.TTL)))
		polled := now.Add(time.Second)
		c.Status, c.Subject, c.LastPolledAt = device.Approved, ports.NewID(), &polled
		env.in(t, a, func(ctx context.Context) error { return store.SaveDeviceCode(ctx, c) })
		got, err := find(t, a, c.UserCode, "")
		require.NoError(t, err)
		require.Equal(t, c, got)
	})
	t.Run("purge expired", func(t *testing.T) {
		c := env.New(t)
		old := create(t, newCode(c, now.Add(-2*time.Hour)))
		fresh := create(t, newCode(c, now.Add(time.Hour)))
		env.in(t, c, func(ctx context.Context) error {
			codes, err := store.PurgeDeviceCodes(ctx, now.Add(-time.Hour))
			require.NoError(t, err)
			require.Equal(t, []string{old.UserCode}, codes)
			return nil
		})
		_, err := find(t, c, old.UserCode, "")
		require.ErrorIs(t, err, ports.ErrNotFound)
		_, err = find(t, c, fresh.UserCode, "")
		require.NoError(t, err)
	})
	t.Run("cross-tenant", func(t *testing.T) {
		c := create(t, newCode(a, now.Add(-2*time.Hour)))
		_, err := find(t, b, c.UserCode, "")
		require.ErrorIs(t, err, ports.ErrNotFound)
		_, err = find(t, b, "", c.DeviceSignature)
		require.ErrorIs(t, err, ports.ErrNotFound)
		stolen := c
		stolen.Status, stolen.Subject = device.Approved, ports.NewID()
		env.in(t, b, func(ctx context.Context) error {
			require.NoError(t, store.SaveDeviceCode(ctx, stolen))
			codes, err := store.PurgeDeviceCodes(ctx, now)
			require.NoError(t, err)
			require.Empty(t, codes)
			return nil
		})
		err = env.try(b, func(ctx context.Context) error { return store.CreateDeviceCode(ctx, newCode(a, now)) })
		require.ErrorIs(t, err, ports.ErrForbidden, "B cannot write a code into A")
		got, err := find(t, a, c.UserCode, "")
		require.NoError(t, err)
		require.Equal(t, c, got, "A's code is unchanged")
	})
}
