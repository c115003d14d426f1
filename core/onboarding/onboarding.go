// Package onboarding connects a partner's organizations to their point-of-sale (POS) and delivery
// service platform (DSP) systems: an onboarding sends the merchant to the provider's authorization
// page (entry_url, carrying a fresh random state), the provider returns a code to the partner's
// return_url, and completing the onboarding exchanges the code once for a connection. Then the
// provider's locations are listed, POS locations ingested as the organization's locations, DSP
// stores bound to them, and menus assigned to each DSP connection. Partners hear of changes by
// webhooks (core/webhook).
//
// An onboarding's status goes pending → active (the code was exchanged) or pending → failed (the
// provider refused the code: the authorization is spent, start a new onboarding). A completed
// onboarding accepts no other code, so a code and a state work once.
package onboarding

import (
	"time"

	"github.com/stvos/stvos/ports"
)

// Types of onboarding.
const (
	TypePOS = "pos"
	TypeDSP = "dsp"
)

// Statuses of an onboarding.
const (
	StatusPending = "pending"
	StatusActive  = "active"
	StatusFailed  = "failed"
)

// Statuses of locations and DSP connections.
const (
	LocationActive  = "active"
	DSPApproved     = "APPROVED"
	MaxBatch        = 100
	MaxMenus        = 100
	maxSourceLength = 64
	maxIDLength     = 128
	maxNameLength   = 200
)

// Organization is a partner's organization (a merchant business), as onboarding needs it.
type Organization struct {
	ID        string
	PartnerID string
	// ProviderID is the partner's own id of the organization (partner_org_id).
	ProviderID string
}

// Onboarding is one connection attempt of an organization to a provider.
type Onboarding struct {
	ID            string
	TenantID      string
	PartnerID     string
	OrgID         string
	PartnerOrgID  string
	Type          string
	Source        string
	Status        string
	MerchantID    string
	IntegrationID string
	EntryURL      string
	ReturnURL     string
	// SealedAuth is the state and PKCE verifier, sealed; SealedConnection the provider's
	// tokens once active, sealed.
	SealedAuth       string
	SealedConnection string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Location is an organization's location, ingested from a POS.
type Location struct {
	ID           string
	PartnerID    string
	OrgID        string
	OnboardingID string
	ProviderID   string
	Name         string
	Source       string
	Status       string
	Address      ports.Address
	DSPs         []DSPConnection
	CreatedAt    time.Time
}

// DSPConnection is a DSP store bound to a location.
type DSPConnection struct {
	ID           string
	PartnerID    string
	OrgID        string
	LocationID   string
	OnboardingID string
	Source       string
	ProviderID   string
	StoreName    string
	Status       string
	// MenuIDs are the menus assigned; empty: every menu of the location is published.
	MenuIDs    []string
	ChangeTime time.Time
}

// Start is a request to begin an onboarding.
type Start struct {
	OrgID, Source, Type, ReturnURL string
}

// IngestItem names a provider location to ingest.
type IngestItem struct{ ProviderID string }

// BindItem binds a DSP store to a POS location.
type BindItem struct {
	POSLocationID string
	DSPProviderID string
	DSPStoreName  string
}

// Caller is who acts: an enterprise token's tenant and partner.
type Caller struct {
	TenantID  string
	PartnerID string
}
