package identity

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/ports"
)

// Scopes a tenant's OAuth clients may ask for, as the subscriber management specification lists
// them.
var Scopes = []string{"openid", "profile", "content:read", "subscription:read", "watchlist", "devices", "drm"}

// Directory kinds of the OAuth server: a client's tenant by client_id, and a device
// authorization's tenant by the user code a person types on the verification page.
const (
	DirectoryOAuthClient = "oauth_client"
	DirectoryDeviceCode  = "device_user_code"
)

// OAuthClient is a tenant's OAuth 2.0 public client (a mobile, TV or web app): no secret, PKCE
// required, redirect URIs matched exactly.
type OAuthClient struct {
	ID           string
	TenantID     string
	Name         string
	RedirectURIs []string
	Scopes       []string
	CreatedAt    time.Time
}

// OAuthRecord is what the authorization server keeps of an authorization code, PKCE or OpenID
// request, access or refresh token, or device code, keyed by the token's signature: never the
// token itself.
type OAuthRecord struct {
	Kind              string
	Signature         string
	RequestID         string
	ClientID          string
	Subject           string
	RequestedAt       time.Time
	RequestedScopes   []string
	GrantedScopes     []string
	RequestedAudience []string
	GrantedAudience   []string
	Form              map[string][]string
	Session           []byte
	Active            bool
	ExpiresAt         *time.Time
}

// DeviceCode is a pending device authorization (RFC 8628): the code a person types on their phone
// to let a TV sign in.
type DeviceCode struct {
	UserCode        string
	DeviceSignature string
	TenantID        string
	ClientID        string
	Scopes          []string
	Subject         string
	Status          string // pending, approved, denied, used
	LastPolledAt    *time.Time
	ExpiresAt       time.Time
	CreatedAt       time.Time
}

// OAuthStore keeps OAuth clients, records and device codes, in the tenant's unit of work.
// Missing rows are ports.ErrNotFound.
type OAuthStore interface {
	CreateClient(ctx context.Context, c OAuthClient) error
	Client(ctx context.Context, id string) (OAuthClient, error)
	ListClients(ctx context.Context) ([]OAuthClient, error)

	PutRecord(ctx context.Context, r OAuthRecord) error
	Record(ctx context.Context, kind, signature string) (OAuthRecord, error)
	DeleteRecord(ctx context.Context, kind, signature string) error
	// DeactivateRecords marks every record of the kind in the request inactive.
	DeactivateRecords(ctx context.Context, kind, requestID string) error
	// DeleteRecords removes every record of the kind in the request.
	DeleteRecords(ctx context.Context, kind, requestID string) error

	CreateDeviceCode(ctx context.Context, d DeviceCode) error
	// DeviceCode loads a device code for update, by user code or by device signature.
	DeviceCode(ctx context.Context, userCode, deviceSignature string) (DeviceCode, error)
	SaveDeviceCode(ctx context.Context, d DeviceCode) error
}

// NewOAuthClient is an app an operator registers for a tenant.
type NewOAuthClient struct {
	Name         string
	RedirectURIs []string
	Scopes       []string
}

// CreateOAuthClient registers a public OAuth client of the tenant and returns it with its
// client_id.
func (s *Service) CreateOAuthClient(ctx context.Context, tenantID string, in NewOAuthClient, by Actor) (OAuthClient, error) {
	if !ports.IsID(tenantID) {
		return OAuthClient{}, ports.NotFound("tenant")
	}
	var v ports.Validation
	n := utf8.RuneCountInString(strings.TrimSpace(in.Name))
	v.Check(n >= 1 && n <= 100, "name", "must be 1 to 100 characters")
	v.Check(len(in.RedirectURIs) >= 1 && len(in.RedirectURIs) <= 10, "redirect_uris", "must list 1 to 10 URIs")
	for i, u := range in.RedirectURIs {
		v.Check(validRedirect(u), "redirect_uris["+strconv.Itoa(i)+"]",
			"must be an absolute https URI, a loopback http URI or an app scheme (com.example.app:/cb), without fragment")
	}
	scopes := in.Scopes
	if len(scopes) == 0 {
		scopes = Scopes
	}
	for _, sc := range scopes {
		v.Check(contains(Scopes, sc), "scopes", "must be among: "+strings.Join(Scopes, " "))
	}
	if err := v.Err(); err != nil {
		return OAuthClient{}, err
	}
	c := OAuthClient{ID: newClientID(), TenantID: tenantID, Name: strings.TrimSpace(in.Name), RedirectURIs: in.RedirectURIs,
		Scopes: scopes, CreatedAt: s.Clock.Now()}
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.Directory.Register(ctx, DirectoryOAuthClient, c.ID, tenantID); err != nil {
			if ports.AsError(err) != nil && ports.AsError(err).Code == "REFERENCE_NOT_FOUND" {
				return ports.NotFound("tenant")
			}
			return err
		}
		if err := s.OAuth.CreateClient(ctx, c); err != nil {
			return err
		}
		return s.Audit.Append(ctx, auditRecord(tenantID, by, "oauth_client.create", "oauth_client", c.ID, s.Clock.Now()))
	})
	return c, err
}

// OAuthClients lists a tenant's OAuth clients.
func (s *Service) OAuthClients(ctx context.Context, tenantID string) ([]OAuthClient, error) {
	if !ports.IsID(tenantID) {
		return nil, ports.NotFound("tenant")
	}
	var out []OAuthClient
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		out, err = s.OAuth.ListClients(ctx)
		return err
	})
	return out, err
}

// OAuthClientTenant finds the tenant of a client_id; unknown ids are ports.ErrNotFound.
func (s *Service) OAuthClientTenant(ctx context.Context, clientID string) (string, error) {
	var tenantID string
	if clientID == "" || len(clientID) > 64 {
		return "", ports.NotFound("oauth client")
	}
	err := s.uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) (err error) {
		tenantID, err = s.Directory.Lookup(ctx, DirectoryOAuthClient, clientID)
		return err
	})
	return tenantID, err
}

func validRedirect(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Fragment != "" || len(raw) > 2048 || u.Scheme == "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return u.Host != ""
	case "http":
		h := u.Hostname()
		return h == "127.0.0.1" || h == "localhost" || h == "::1"
	default:
		return strings.Contains(u.Scheme, ".") // private-use scheme of a native app (RFC 8252)
	}
}

var clientIDEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func newClientID() string {
	var b [15]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("identity: no randomness: " + err.Error())
	}
	return "stvc_" + clientIDEncoding.EncodeToString(b[:])
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// PurgeStore removes what has expired long enough to matter to nobody, in the tenant's unit of
// work. Each method returns how many rows it removed.
type PurgeStore interface {
	// PurgeOAuth removes codes and tokens that expired before the time, and device codes that
	// expired before it, returning the user codes of the removed device codes.
	PurgeOAuth(ctx context.Context, before time.Time) (records int, userCodes []string, err error)
	// PurgeSessions removes sessions that expired or were revoked before the time.
	PurgeSessions(ctx context.Context, before time.Time) (int, error)
}

// Retention of expired rows: long enough to answer "what happened" after an incident.
const (
	OAuthRetention   = 24 * time.Hour
	SessionRetention = 30 * 24 * time.Hour
)

// Purged counts what a purge removed.
type Purged struct {
	OAuthRecords int
	DeviceCodes  int
	Sessions     int
}

// PurgeExpired removes a tenant's expired OAuth codes and tokens, device codes (and their
// directory entries) and old sessions, in one unit of work.
func (s *Service) PurgeExpired(ctx context.Context, tenantID string, store PurgeStore) (Purged, error) {
	var p Purged
	now := s.Clock.Now()
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		var (
			codes []string
			err   error
		)
		if p.OAuthRecords, codes, err = store.PurgeOAuth(ctx, now.Add(-OAuthRetention)); err != nil {
			return err
		}
		for _, c := range codes {
			if err := s.Directory.Unregister(ctx, DirectoryDeviceCode, c); err != nil {
				return err
			}
		}
		p.DeviceCodes = len(codes)
		p.Sessions, err = store.PurgeSessions(ctx, now.Add(-SessionRetention))
		return err
	})
	return p, err
}
