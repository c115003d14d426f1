package ports

import (
	"context"
	"time"
)

// IntegrationProvider is a point-of-sale (POS) or delivery service platform (DSP) system that a
// partner's organization connects to stvos, by OAuth 2 authorization code: the merchant is sent
// to the provider's authorization page (AuthorizationURL), the provider sends them back to the
// return URL with a code and the state, and the code is exchanged for a connection (Exchange),
// with which the merchant's locations and menus are read. Each client chooses, per source (the
// provider's name, "square", "ubereats"), the adapter serving it (the catalog's "integrations"
// port: the built-in sandbox, or a generic OAuth 2 provider configured for the client).
//
// Errors: a code the provider refuses (unknown, expired, spent, issued for another state) is
// ErrInvalid on the field "code"; a connection the provider no longer accepts is ErrForbidden;
// anything else is the provider being unreachable or failing, wrapped as it came.
type IntegrationProvider interface {
	// Name is the adapter's name in the catalog ("sandbox", "oauth2").
	Name() string
	// AuthorizationURL answers where to send the merchant to grant access.
	AuthorizationURL(ctx context.Context, r AuthorizationRequest) (string, error)
	// Exchange trades the code the provider returned for a connection to the merchant.
	Exchange(ctx context.Context, r CodeExchange) (Connection, error)
	// Locations lists the merchant's locations: POS locations for a pos connection, DSP stores
	// for a dsp one.
	Locations(ctx context.Context, c Connection) ([]ProviderLocation, error)
	// Menus lists the menus of one of the merchant's locations (its provider id).
	Menus(ctx context.Context, c Connection, locationID string) ([]ProviderMenu, error)
}

// AuthorizationRequest is what an authorization URL carries.
type AuthorizationRequest struct {
	TenantID string
	// Source is the provider's name as the partner gave it; Type is "pos" or "dsp".
	Source, Type string
	// State is the onboarding's fresh random state: the provider returns it with the code.
	State string
	// Verifier is the PKCE code verifier (RFC 7636); providers that support PKCE get its S256
	// challenge.
	Verifier string
	// ReturnURL is where the provider sends the merchant back (the OAuth redirect_uri).
	ReturnURL string
}

// CodeExchange is a code to trade for a connection, with what the authorization carried.
type CodeExchange struct {
	TenantID     string
	Source, Type string
	Code, State  string
	Verifier     string
	ReturnURL    string
}

// Connection is access to one merchant at a provider. Its tokens are secrets: stored sealed.
type Connection struct {
	// MerchantID is the provider's id of the merchant (account) that granted access.
	MerchantID   string
	AccessToken  string
	RefreshToken string
	// ExpiresAt is when the access token expires; zero: unknown or never.
	ExpiresAt time.Time
	// Type is "pos" or "dsp".
	Type string
}

// ProviderLocation is a location as a provider lists it.
type ProviderLocation struct {
	ProviderID string
	Name       string
	Address    Address
}

// Address is a postal address with its coordinates.
type Address struct {
	FormattedAddress             string
	AddressLine1                 string
	AddressLine2                 string
	AddressLine3                 string
	PostalCode                   string
	Locality                     string
	AdministrativeDistrictLevel1 string
	Country                      string
	Latitude, Longitude          float64
}

// ProviderMenu is a menu as a provider lists it.
type ProviderMenu struct {
	ProviderID string
	Name       string
}

// Sealer seals secrets that must be read back (webhook signing secrets, providers' client
// secrets and tokens) so that they are never stored in the clear. The context string binds a
// sealed value to its use: a value sealed for one context does not open in another.
//
// Errors: a value that was not sealed by this key for this context is ErrInvalid.
type Sealer interface {
	Seal(plain []byte, context string) (string, error)
	Open(sealed string, context string) ([]byte, error)
}
