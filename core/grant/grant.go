// Package grant is what a tenant's OAuth 2.0 authorization server keeps: the apps registered as
// its public clients (with their redirect URIs and scopes) and the records of the grants it
// made (authorization codes, PKCE and OpenID requests, tokens), kept by signature, never the
// token itself. The sessions grants open are core/session; device codes are core/device.
package grant

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/ports"
)

// Deps are what the grant use cases need.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Clients    ClientStore
	Records    RecordStore
	Directory  ports.Directory
	Audit      audit.Store
	Clock      ports.Clock
}

// Service registers clients and purges old records.
type Service struct{ d Deps }

// NewService returns the grant use cases.
func NewService(d Deps) *Service { return &Service{d: d} }

// Scopes a tenant's OAuth clients may ask for, as the subscriber management specification lists
// them.
var Scopes = []string{"openid", "profile", "content:read", "subscription:read", "watchlist", "devices", "drm"}

// DirectoryClient is the directory kind that finds a client's tenant by its client_id.
const DirectoryClient = "oauth_client"

// Client is a tenant's OAuth 2.0 public client (a mobile, TV or web app): no secret, PKCE
// required, redirect URIs matched exactly.
type Client struct {
	ID           string
	TenantID     string
	Name         string
	RedirectURIs []string
	Scopes       []string
	CreatedAt    time.Time
}

// Record is what the authorization server keeps of an authorization code, PKCE or OpenID
// request, access or refresh token, or device code, keyed by the token's signature: never the
// token itself.
type Record struct {
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

// NewClient is an app an operator registers for a tenant.
type NewClient struct {
	Name         string
	RedirectURIs []string
	Scopes       []string
}

// CreateClient registers a public OAuth client of the tenant and returns it with its client_id.
func (s *Service) CreateClient(ctx context.Context, tenantID string, in NewClient, by audit.Actor) (Client, error) {
	if !ports.IsID(tenantID) {
		return Client{}, ports.NotFound("tenant")
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
		v.Check(slices.Contains(Scopes, sc), "scopes", "must be among: "+strings.Join(Scopes, " "))
	}
	if err := v.Err(); err != nil {
		return Client{}, err
	}
	c := Client{ID: newClientID(), TenantID: tenantID, Name: strings.TrimSpace(in.Name), RedirectURIs: in.RedirectURIs,
		Scopes: scopes, CreatedAt: s.d.Clock.Now()}
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.d.Directory.Register(ctx, DirectoryClient, c.ID, tenantID); err != nil {
			if ports.AsError(err) != nil && ports.AsError(err).Code == "REFERENCE_NOT_FOUND" {
				return ports.NotFound("tenant")
			}
			return err
		}
		if err := s.d.Clients.CreateClient(ctx, c); err != nil {
			return err
		}
		return s.d.Audit.Append(ctx, audit.NewRecord(tenantID, by, "oauth_client.create", "oauth_client", c.ID, s.d.Clock.Now()))
	})
	return c, err
}

// Clients lists a tenant's OAuth clients.
func (s *Service) Clients(ctx context.Context, tenantID string) ([]Client, error) {
	if !ports.IsID(tenantID) {
		return nil, ports.NotFound("tenant")
	}
	var out []Client
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		out, err = s.d.Clients.ListClients(ctx)
		return err
	})
	return out, err
}

// ClientTenant finds the tenant of a client_id; unknown ids are ports.ErrNotFound.
func (s *Service) ClientTenant(ctx context.Context, clientID string) (string, error) {
	var tenantID string
	if clientID == "" || len(clientID) > 64 {
		return "", ports.NotFound("oauth client")
	}
	err := s.d.UnitOfWork.Do(ctx, ports.PlatformScope(), func(ctx context.Context) (err error) {
		tenantID, err = s.d.Directory.Lookup(ctx, DirectoryClient, clientID)
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
		panic("grant: no randomness: " + err.Error())
	}
	return "stvc_" + clientIDEncoding.EncodeToString(b[:])
}

// Retention is how long expired codes and tokens are kept: long enough to answer "what
// happened" after an incident.
const Retention = 24 * time.Hour

// Purge removes the tenant's codes and tokens that expired more than Retention ago and returns
// how many.
func (s *Service) Purge(ctx context.Context, tenantID string) (int, error) {
	var n int
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		n, err = s.d.Records.PurgeRecords(ctx, s.d.Clock.Now().Add(-Retention))
		return err
	})
	return n, err
}
