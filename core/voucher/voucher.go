// Package voucher is how partners hand out access: staff generate codes for their partner in
// their client, the app validates a code and registers a member with it, and the code is spent
// in the registration's own transaction, once, whatever the concurrency. A code's status is
// active, redeemed or revoked as stored, and expired as soon as its expiry passes while active;
// members who redeemed a code stay members when it expires.
package voucher

import (
	"regexp"
	"strings"
	"time"

	"github.com/stvos/stvos/ports"
)

// The statuses a voucher shows.
const (
	Active   = "active"
	Redeemed = "redeemed"
	Expired  = "expired"
	Revoked  = "revoked"
)

// Limits of generation.
const (
	// MaxPerRequest is how many codes one request may generate.
	MaxPerRequest = 500
	// MaxPrefixLength bounds the optional prefix.
	MaxPrefixLength = 12
	// CodeLength is the random part of a code.
	CodeLength = 6
	// MaxValidity bounds how far ahead a code may expire.
	MaxValidity = 5 * 365 * 24 * time.Hour
)

// A code's random part is CodeLength symbols of ports.CodeAlphabet: about 8.9e8 codes per prefix.

var prefixPattern = regexp.MustCompile(`^[A-Z0-9]{1,12}$`)

// Voucher is a code of a partner in a client.
type Voucher struct {
	ID         int64
	TenantID   string
	PartnerID  string
	Code       string
	Status     string // as stored: active, redeemed or revoked
	ExpiresAt  *time.Time
	CreatedBy  string
	CreatedAt  time.Time
	RedeemedBy string
	RedeemedAt *time.Time
	RevokedAt  *time.Time
}

// StatusAt is the status the voucher shows at a time: an active code past its expiry is expired.
func (v Voucher) StatusAt(now time.Time) string {
	if v.Status == Active && v.ExpiresAt != nil && !now.Before(*v.ExpiresAt) {
		return Expired
	}
	return v.Status
}

// ValidStatus reports whether s is a status a listing may filter on.
func ValidStatus(s string) bool { return s == Active || s == Redeemed || s == Expired || s == Revoked }

// NormalizeCode is a code as people type it: trimmed, upper case.
func NormalizeCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// newCode makes a code with the prefix (if any) and CodeLength random symbols.
func newCode(prefix string) (string, error) {
	symbols, err := ports.RandomSymbols(CodeLength)
	if err != nil || prefix == "" {
		return symbols, err
	}
	return prefix + "-" + symbols, nil
}

// Stats counts a partner's vouchers by the status they show.
type Stats struct {
	Total, Active, Redeemed, Expired, Revoked int
}

// RedemptionRate is the share of codes redeemed, in percent with one decimal.
func (s Stats) RedemptionRate() float64 {
	if s.Total == 0 {
		return 0
	}
	return float64(int(float64(s.Redeemed)*1000/float64(s.Total)+0.5)) / 10
}

// Filter narrows a listing or export.
type Filter struct {
	// Status is one of the statuses vouchers show, or empty for all.
	Status string
	// Search matches codes containing it, case-insensitively.
	Search string
}

// Member is a user who joined a partner by redeeming one of its codes.
type Member struct {
	TenantID  string
	PartnerID string
	UserID    string
	VoucherID int64
	JoinedAt  time.Time
}
