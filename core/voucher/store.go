package voucher

import (
	"context"
	"time"
)

// Store keeps vouchers and the memberships they create, in the tenant's unit of work. Times
// decide what shows as expired; missing rows are ports.ErrNotFound.
type Store interface {
	// CreateVouchers inserts the vouchers whose codes are free in the tenant and returns those it
	// inserted, with their ids; a taken code is skipped, not an error.
	CreateVouchers(ctx context.Context, vs []Voucher) ([]Voucher, error)
	// Voucher loads a voucher of the partner for update.
	Voucher(ctx context.Context, partnerID string, id int64) (Voucher, error)
	// RevokeVoucher marks an active, unexpired voucher revoked at the time.
	RevokeVoucher(ctx context.Context, id int64, at time.Time) error
	// ListVouchers returns a page of the partner's vouchers, newest first, and how many match.
	ListVouchers(ctx context.Context, partnerID string, f Filter, now time.Time, offset, limit int) ([]Voucher, int, error)
	// EachVoucher calls fn with every matching voucher of the partner, newest first, reading
	// them from a cursor so any number takes constant memory.
	EachVoucher(ctx context.Context, partnerID string, f Filter, now time.Time, fn func(Voucher) error) error
	// VoucherStats counts the partner's vouchers by the status they show at now.
	VoucherStats(ctx context.Context, partnerID string, now time.Time) (Stats, error)
	// UsableVoucher finds the tenant's active, unexpired voucher with the code.
	UsableVoucher(ctx context.Context, code string, now time.Time) (Voucher, error)
	// RedeemVoucher spends the tenant's active, unexpired voucher with the code for the user, at
	// most once whatever the concurrency, and returns it; a code that is not usable (unknown,
	// redeemed, revoked, expired) is ports.ErrNotFound.
	RedeemVoucher(ctx context.Context, code, userID string, now time.Time) (Voucher, error)
	// AddMember records a membership.
	AddMember(ctx context.Context, m Member) error
}

// Partners tells the partner a voucher answer names.
type Partners interface {
	PartnerName(ctx context.Context, partnerID string) (string, error)
}
