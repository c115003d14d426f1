package grant

import (
	"context"
	"time"
)

// ClientStore keeps a tenant's OAuth clients, in its unit of work. Missing rows are
// ports.ErrNotFound.
type ClientStore interface {
	CreateClient(ctx context.Context, c Client) error
	Client(ctx context.Context, id string) (Client, error)
	ListClients(ctx context.Context) ([]Client, error)
}

// RecordStore keeps the authorization server's records, in the tenant's unit of work. Missing
// rows are ports.ErrNotFound.
type RecordStore interface {
	PutRecord(ctx context.Context, r Record) error
	Record(ctx context.Context, kind, signature string) (Record, error)
	DeleteRecord(ctx context.Context, kind, signature string) error
	// DeactivateRecords marks every record of the kind in the request inactive.
	DeactivateRecords(ctx context.Context, kind, requestID string) error
	// DeleteRecords removes every record of the kind in the request.
	DeleteRecords(ctx context.Context, kind, requestID string) error
	// PurgeRecords removes the records that expired before the time and returns how many.
	PurgeRecords(ctx context.Context, before time.Time) (int, error)
}
