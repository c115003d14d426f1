package device

import (
	"context"
	"time"
)

// Store keeps device codes, in the tenant's unit of work. Missing rows are ports.ErrNotFound.
type Store interface {
	CreateDeviceCode(ctx context.Context, c Code) error
	// DeviceCode loads a device code for update, by user code or by device signature.
	DeviceCode(ctx context.Context, userCode, deviceSignature string) (Code, error)
	SaveDeviceCode(ctx context.Context, c Code) error
	// PurgeDeviceCodes removes the codes that expired before the time and returns their user codes.
	PurgeDeviceCodes(ctx context.Context, before time.Time) ([]string, error)
}
