package onboarding

import (
	"context"
	"time"

	"github.com/stvos/stvos/ports"
)

// Store keeps onboardings, locations and DSP connections in the unit of work in ctx. Every read
// names the partner: another partner's rows are ErrNotFound, as missing ones are.
type Store interface {
	Organization(ctx context.Context, partnerID, orgID string) (Organization, error)
	CreateOnboarding(ctx context.Context, o Onboarding) error
	Onboarding(ctx context.Context, partnerID, id string) (Onboarding, error)
	// LockOnboarding reads the onboarding and locks it until the unit of work ends.
	LockOnboarding(ctx context.Context, partnerID, id string) (Onboarding, error)
	UpdateOnboarding(ctx context.Context, o Onboarding) error
	// IngestLocations stores locations (each names its partner); one already ingested for the organization from the same
	// source and provider id is kept, and answered with its id.
	IngestLocations(ctx context.Context, ls []Location) ([]Location, error)
	// Locations answers the organization's locations with their DSP connections; locationID,
	// when not empty, narrows them to one.
	Locations(ctx context.Context, partnerID, orgID, locationID string) ([]Location, error)
	// BindDSPs stores DSP connections (each names its partner); one already bound (same location, source and store) is
	// kept, approved again, and answered with its id.
	BindDSPs(ctx context.Context, ds []DSPConnection) ([]DSPConnection, error)
	// LockDSP reads a DSP connection of the organization and locks it.
	LockDSP(ctx context.Context, partnerID, orgID, id string) (DSPConnection, error)
	// SetMenus replaces the menus assigned to one of the partner's DSP connections.
	SetMenus(ctx context.Context, partnerID, id string, menuIDs []string, at time.Time) error
}

// Providers answers the provider serving a source for a client (the tenant registry implements
// it). A source the client cannot use is ErrInvalid on the field "source".
type Providers interface {
	For(ctx context.Context, tenantID, source string) (ports.IntegrationProvider, error)
}

// Publisher tells the partner of a change, in the unit of work in ctx (core/webhook).
type Publisher interface {
	Publish(ctx context.Context, partnerID, event string, data any) error
}
