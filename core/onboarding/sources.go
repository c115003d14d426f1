package onboarding

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stvos/stvos/ports"
)

// SandboxSource is the built-in provider's source name; a client cannot configure it.
const SandboxSource = "sandbox"

// MaxScopes bounds a source's OAuth scopes.
const MaxScopes = 20

// Source is a client's own provider for one source: a generic OAuth 2 POS or DSP (authorization
// code with PKCE), its URLs and credentials. The client secret is read back to call the token
// endpoint, so it is kept sealed.
type Source struct {
	TenantID           string
	Name               string
	AuthURL            string
	TokenURL           string
	ClientID           string
	SealedClientSecret string
	Scopes             []string
	LocationsURL       string
	MenusURL           string
	UserInfoURL        string
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// SourceConfig is a source with its client secret opened, for the provider that calls it.
type SourceConfig struct {
	Source
	ClientSecret string
}

// SourceStore keeps a client's sources, in the unit of work in ctx (its tenant). A missing source
// is ErrNotFound.
type SourceStore interface {
	// PutSource creates the source or replaces it; CreatedAt is kept when it exists.
	PutSource(ctx context.Context, s Source) error
	Source(ctx context.Context, name string) (Source, error)
	Sources(ctx context.Context) ([]Source, error)
	DeleteSource(ctx context.Context, name string) error
}

// SourceDeps are what the sources service needs.
type SourceDeps struct {
	UnitOfWork ports.UnitOfWork
	Store      SourceStore
	Guard      ports.URLGuard
	Sealer     ports.Sealer
	Clock      ports.Clock
}

// Sources configures clients' own providers (operators do, on the platform surface).
type Sources struct{ d SourceDeps }

// NewSources returns the service.
func NewSources(d SourceDeps) *Sources { return &Sources{d: d} }

func secretContext(tenantID, source string) string {
	return "integration-source-secret:" + tenantID + ":" + source
}

// SourceInput is a source as an operator sets it. An empty ClientSecret keeps the secret stored
// (or none: a public client relying on PKCE alone).
type SourceInput struct {
	AuthURL, TokenURL, ClientID, ClientSecret string
	Scopes                                    []string
	LocationsURL, MenusURL, UserInfoURL       string
}

// Put creates or replaces a client's source. Every URL passes the URL guard (the same rules as a
// return_url: https, public addresses), each refusal naming its field.
func (s *Sources) Put(ctx context.Context, tenantID, name string, in SourceInput) (Source, error) {
	var v ports.Validation
	v.Check(ValidSource(name) && name != SandboxSource, "source", "must be a provider name of lower-case letters, digits, '_', '.', '-' (at most 64), not sandbox")
	v.Check(in.ClientID != "" && len(in.ClientID) <= 256, "client_id", "must be the client id the provider issued (1 to 256 characters)")
	v.Check(len(in.ClientSecret) <= 512, "client_secret", "must be at most 512 characters")
	v.Check(len(in.Scopes) <= MaxScopes, "scopes", fmt.Sprintf("must list at most %d scopes", MaxScopes))
	for i, sc := range in.Scopes {
		v.Check(sc != "" && len(sc) <= 128, fmt.Sprintf("scopes[%d]", i), "must be 1 to 128 characters")
	}
	if err := v.Err(); err != nil {
		return Source{}, err
	}
	for _, u := range []struct {
		field, url string
		optional   bool
	}{{"auth_url", in.AuthURL, false}, {"token_url", in.TokenURL, false}, {"locations_url", in.LocationsURL, false},
		{"menus_url", in.MenusURL, true}, {"userinfo_url", in.UserInfoURL, true}} {
		if u.optional && u.url == "" {
			continue
		}
		if err := s.d.Guard.Check(ctx, u.field, u.url); err != nil {
			return Source{}, err
		}
	}
	now := s.d.Clock.Now().UTC()
	src := Source{TenantID: tenantID, Name: name, AuthURL: in.AuthURL, TokenURL: in.TokenURL, ClientID: in.ClientID,
		Scopes: append([]string{}, in.Scopes...), LocationsURL: in.LocationsURL, MenusURL: in.MenusURL, UserInfoURL: in.UserInfoURL,
		CreatedAt: now, UpdatedAt: now}
	if in.ClientSecret != "" {
		sealed, err := s.d.Sealer.Seal([]byte(in.ClientSecret), secretContext(tenantID, name))
		if err != nil {
			return Source{}, err
		}
		src.SealedClientSecret = sealed
	}
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if in.ClientSecret == "" {
			old, err := s.d.Store.Source(ctx, name)
			switch {
			case err == nil:
				src.SealedClientSecret = old.SealedClientSecret
			case !errors.Is(err, ports.ErrNotFound):
				return err
			}
		}
		if err := s.d.Store.PutSource(ctx, src); err != nil {
			return err
		}
		var err error
		src, err = s.d.Store.Source(ctx, name)
		return err
	})
	return src, err
}

// List answers a client's sources (their secrets stay sealed).
func (s *Sources) List(ctx context.Context, tenantID string) ([]Source, error) {
	var out []Source
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		var err error
		out, err = s.d.Store.Sources(ctx)
		return err
	})
	return out, err
}

// Delete removes a client's source: new onboardings of it are refused (or served by the
// client's default provider).
func (s *Sources) Delete(ctx context.Context, tenantID, name string) error {
	if !ValidSource(name) {
		return ports.NotFound("integration source")
	}
	return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		return s.d.Store.DeleteSource(ctx, name)
	})
}

// Config answers a client's source with its secret opened, and whether the client configured it.
func (s *Sources) Config(ctx context.Context, tenantID, name string) (SourceConfig, bool, error) {
	if !ValidSource(name) {
		return SourceConfig{}, false, nil
	}
	var src Source
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		var err error
		src, err = s.d.Store.Source(ctx, name)
		return err
	})
	if errors.Is(err, ports.ErrNotFound) {
		return SourceConfig{}, false, nil
	}
	if err != nil {
		return SourceConfig{}, false, err
	}
	c := SourceConfig{Source: src}
	if src.SealedClientSecret != "" {
		raw, err := s.d.Sealer.Open(src.SealedClientSecret, secretContext(tenantID, name))
		if err != nil {
			return SourceConfig{}, false, err
		}
		c.ClientSecret = string(raw)
	}
	return c, true, nil
}
