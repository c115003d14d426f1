package tenant

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/ports"
)

// Service holds the tenant use cases.
type Service struct {
	uow     ports.UnitOfWork
	store   Store
	dir     ports.Directory
	strings StringsStore
	catalog AdapterCatalog
	clock   ports.Clock
	changes ports.Changes
	html    ports.HTMLSanitizer
	audit   audit.Store
}

// NewService returns the tenant use cases over the given store. Changes hears of every change
// that callers may have cached (settings, status, API keys) once it has committed; html cleans
// every content string before it is stored; audit records who changed the strings.
func NewService(uow ports.UnitOfWork, store Store, dir ports.Directory, strs StringsStore, catalog AdapterCatalog,
	clock ports.Clock, changes ports.Changes, html ports.HTMLSanitizer, audit audit.Store) *Service {
	return &Service{uow: uow, store: store, dir: dir, strings: strs, catalog: catalog, clock: clock, changes: changes, html: html, audit: audit}
}

// NewTenant is what an operator gives to onboard a client.
type NewTenant struct {
	Name      string
	Slug      string
	Branding  Branding
	Features  map[string]bool
	Adapters  map[string]string
	RateLimit RateLimit
	Billing   Billing
	Strings   map[string]string
}

// Create onboards a new client, active from the start.
func (s *Service) Create(ctx context.Context, in NewTenant) (Tenant, error) {
	var v ports.Validation
	validateName(&v, "name", in.Name)
	v.Check(ValidSlug(in.Slug), "slug", "must be 1-63 lower-case letters, digits or '-', not starting or ending with '-'")
	validateBranding(&v, in.Branding)
	validateFeatures(&v, in.Features)
	validateAdapters(&v, in.Adapters, s.catalog)
	validateRateLimit(&v, in.RateLimit)
	validateBilling(&v, in.Billing)
	validateStrings(&v, "strings.", in.Strings)
	if err := v.Err(); err != nil {
		return Tenant{}, err
	}
	in.Strings = s.clean(in.Strings)
	now := s.clock.Now()
	t := Tenant{
		ID: ports.NewID(), Slug: in.Slug, Name: strings.TrimSpace(in.Name), Status: StatusActive,
		Branding: in.Branding, Features: nonNilFeatures(in.Features), Adapters: nonNilAdapters(in.Adapters),
		RateLimit: in.RateLimit, Billing: in.Billing, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if t.Branding.DisplayName == "" {
		t.Branding.DisplayName = t.Name
	}
	err := s.uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		if err := s.store.Create(ctx, t); err != nil {
			return err
		}
		if len(in.Strings) == 0 {
			return nil
		}
		return s.uow.Do(ctx, ports.TenantScope(t.ID), func(ctx context.Context) error {
			return s.strings.MergeStrings(ctx, t.ID, in.Strings)
		})
	})
	return t, err
}

// Get returns one tenant.
func (s *Service) Get(ctx context.Context, id string) (Tenant, error) {
	if !ports.IsID(id) {
		return Tenant{}, ports.NotFound("tenant")
	}
	var t Tenant
	err := s.uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) (err error) {
		t, err = s.store.Get(ctx, id)
		return err
	})
	return t, err
}

// MaxPageSize bounds every list of tenants.
const MaxPageSize = 100

// List returns a page of tenants in creation order after the cursor id, and whether more exist.
func (s *Service) List(ctx context.Context, after string, limit int) ([]Tenant, bool, error) {
	if after != "" && !ports.IsID(after) {
		return nil, false, ports.Invalid("cursor", "is not a cursor this API returned")
	}
	var ts []Tenant
	err := s.uow.Read(ctx, ports.PlatformScope(), func(ctx context.Context) (err error) {
		ts, err = s.store.List(ctx, after, limit+1)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	ts, more := ports.TrimPage(ts, limit)
	return ts, more, nil
}

// Patch is a partial change of a tenant; nil fields stay as they are.
type Patch struct {
	Name      *string
	Status    *Status
	Branding  *Branding
	Features  map[string]bool
	Adapters  map[string]string
	RateLimit *RateLimit
	Billing   *Billing
	Strings   map[string]string
	// IfVersion, when not zero, must equal the stored version (optimistic concurrency).
	IfVersion int
}

// Update applies a patch. Features and adapters merge key by key; strings merge too.
func (s *Service) Update(ctx context.Context, id string, p Patch) (Tenant, error) {
	if !ports.IsID(id) {
		return Tenant{}, ports.NotFound("tenant")
	}
	var v ports.Validation
	if p.Name != nil {
		validateName(&v, "name", *p.Name)
	}
	if p.Status != nil {
		v.Check(*p.Status == StatusActive || *p.Status == StatusSuspended, "status", "must be active or suspended")
	}
	if p.Branding != nil {
		validateBranding(&v, *p.Branding)
	}
	validateFeatures(&v, p.Features)
	validateAdapters(&v, p.Adapters, s.catalog)
	if p.RateLimit != nil {
		validateRateLimit(&v, *p.RateLimit)
	}
	if p.Billing != nil {
		validateBilling(&v, *p.Billing)
	}
	validateStrings(&v, "strings.", p.Strings)
	if err := v.Err(); err != nil {
		return Tenant{}, err
	}
	p.Strings = s.clean(p.Strings)
	var out Tenant
	err := s.uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		var err error
		out, err = s.store.Update(ctx, id, func(t *Tenant) error {
			if p.IfVersion != 0 && p.IfVersion != t.Version {
				return &ports.Error{Kind: ports.ErrPrecondition, Code: "PRECONDITION_FAILED",
					Message: "The tenant has changed since it was read; read it again."}
			}
			apply(t, p)
			t.Version++
			t.UpdatedAt = s.clock.Now()
			return nil
		})
		if err != nil || len(p.Strings) == 0 {
			return err
		}
		return s.uow.Do(ctx, ports.TenantScope(id), func(ctx context.Context) error {
			return s.strings.MergeStrings(ctx, id, p.Strings)
		})
	})
	if err == nil {
		s.changes.Changed(ctx, id)
	}
	return out, err
}

func apply(t *Tenant, p Patch) {
	if p.Name != nil {
		t.Name = strings.TrimSpace(*p.Name)
	}
	if p.Status != nil {
		t.Status = *p.Status
	}
	if p.Branding != nil {
		t.Branding = *p.Branding
	}
	for k, on := range p.Features {
		t.Features[k] = on
	}
	for k, name := range p.Adapters {
		t.Adapters[k] = name
	}
	if p.RateLimit != nil {
		t.RateLimit = *p.RateLimit
	}
	if p.Billing != nil {
		t.Billing = *p.Billing
	}
}

// IssuedKey is a new API key with its secret, which is shown this once.
type IssuedKey struct {
	APIKey
	Secret string
}

// MaxActiveKeys bounds the live API keys of one tenant.
const MaxActiveKeys = 20

// IssueKey creates an API key for the tenant.
func (s *Service) IssueKey(ctx context.Context, tenantID, name string) (IssuedKey, error) {
	if !ports.IsID(tenantID) {
		return IssuedKey{}, ports.NotFound("tenant")
	}
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > MaxNameLength {
		return IssuedKey{}, ports.Invalid("name", "must be at most 100 characters")
	}
	prefix, secret, hash := NewAPIKeySecret()
	k := APIKey{ID: ports.NewID(), TenantID: tenantID, Name: name, Prefix: prefix, Hash: hash, CreatedAt: s.clock.Now()}
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if _, err := s.store.Get(ctx, tenantID); err != nil {
			return err
		}
		keys, err := s.store.ListKeys(ctx, tenantID)
		if err != nil {
			return err
		}
		live := 0
		for _, k := range keys {
			if !k.Revoked() {
				live++
			}
		}
		if live >= MaxActiveKeys {
			return &ports.Error{Kind: ports.ErrConflict, Code: "TOO_MANY_API_KEYS",
				Message: fmt.Sprintf("A tenant may hold at most %d active API keys; revoke one first.", MaxActiveKeys)}
		}
		if err := s.dir.Register(ctx, ports.DirectoryAPIKey, k.Prefix, tenantID); err != nil {
			return err
		}
		return s.store.CreateKey(ctx, k)
	})
	if err != nil {
		return IssuedKey{}, err
	}
	return IssuedKey{APIKey: k, Secret: secret}, nil
}

// ListKeys returns the tenant's API keys, newest first; secrets are never returned.
func (s *Service) ListKeys(ctx context.Context, tenantID string) ([]APIKey, error) {
	if !ports.IsID(tenantID) {
		return nil, ports.NotFound("tenant")
	}
	var keys []APIKey
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if _, err := s.store.Get(ctx, tenantID); err != nil {
			return err
		}
		var err error
		keys, err = s.store.ListKeys(ctx, tenantID)
		return err
	})
	return keys, err
}

// RevokeKey revokes an API key; revoking a revoked key changes nothing.
func (s *Service) RevokeKey(ctx context.Context, tenantID, keyID string) (APIKey, error) {
	if !ports.IsID(tenantID) || !ports.IsID(keyID) {
		return APIKey{}, ports.NotFound("api key")
	}
	var k APIKey
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		k, err = s.store.RevokeKey(ctx, tenantID, keyID)
		return err
	})
	if err == nil {
		s.changes.Changed(ctx, tenantID)
	}
	return k, err
}

// ErrBadAPIKey is the one answer to every API key that does not resolve, so callers learn
// nothing about which part was wrong.
var ErrBadAPIKey = ports.Unauthenticated("INVALID_API_KEY", "The API key is missing, malformed, unknown or revoked.")

// ErrTenantSuspended is the answer to a valid key of a suspended tenant.
var ErrTenantSuspended = ports.Forbidden("TENANT_SUSPENDED", "This client is suspended.")

// Resolve finds the tenant a presented API key belongs to. It returns ErrBadAPIKey for unknown,
// malformed or revoked keys and ErrTenantSuspended when the tenant is suspended.
func (s *Service) Resolve(ctx context.Context, secret string) (Tenant, APIKey, error) {
	t, k, err := s.LoadKey(ctx, secret)
	if err != nil {
		return Tenant{}, APIKey{}, err
	}
	if !t.Active() {
		return Tenant{}, APIKey{}, ErrTenantSuspended
	}
	return t, k, nil
}

// LoadKey is Resolve without the status check, for callers that keep the answer and check the
// status each time they use it. It reads only: the use of a key is recorded by RecordKeyUses.
func (s *Service) LoadKey(ctx context.Context, secret string) (Tenant, APIKey, error) {
	prefix, ok := PrefixOf(secret)
	if !ok {
		return Tenant{}, APIKey{}, ErrBadAPIKey
	}
	var (
		t Tenant
		k APIKey
	)
	err := s.uow.Do(ctx, ports.PlatformScope(), func(ctx context.Context) error {
		tenantID, err := s.dir.Lookup(ctx, ports.DirectoryAPIKey, prefix)
		if errors.Is(err, ports.ErrNotFound) {
			return ErrBadAPIKey
		}
		if err != nil {
			return err
		}
		return s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
			var err error
			if k, err = s.store.KeyByPrefix(ctx, prefix); err != nil {
				return err
			}
			if !k.Matches(secret) || k.Revoked() {
				return ErrBadAPIKey
			}
			t, err = s.store.Get(ctx, tenantID)
			return err
		})
	})
	if err != nil {
		return Tenant{}, APIKey{}, err
	}
	return t, k, nil
}

// KeyUse is the last use of an API key seen by a server process.
type KeyUse struct {
	TenantID string
	KeyID    string
	At       time.Time
}

// RecordKeyUses records when keys were last used, a batch at a time, one transaction per
// tenant, so the request path never writes. Uses of a tenant that fails are reported in the
// error; the others are recorded.
func (s *Service) RecordKeyUses(ctx context.Context, uses []KeyUse) error {
	byTenant := map[string][]KeyUse{}
	for _, u := range uses {
		byTenant[u.TenantID] = append(byTenant[u.TenantID], u)
	}
	var errs []error
	for tenantID, us := range byTenant {
		err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
			for _, u := range us {
				if err := s.store.TouchKey(ctx, u.TenantID, u.KeyID, u.At); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("tenant %s: %w", tenantID, err))
		}
	}
	return errors.Join(errs...)
}

// Limits on content strings.
const (
	MaxStrings      = 50
	MaxStringLength = 65536
)

var stringKeyPattern = regexp.MustCompile(`^st_[a-z0-9_]{1,60}$`)

// validateStrings checks keys and sizes; prefix names the fields ("strings." in a tenant, "" when
// the strings are the whole body).
func validateStrings(v *ports.Validation, prefix string, s map[string]string) {
	whole := strings.TrimSuffix(prefix, ".")
	if whole == "" {
		whole = "body"
	}
	v.Check(len(s) <= MaxStrings, whole, "must have at most 50 entries")
	for k, val := range s {
		v.Check(stringKeyPattern.MatchString(k), prefix+k, "key must look like st_name (st_ then 1 to 60 lower-case letters, digits or '_')")
		v.Check(len(val) <= MaxStringLength, prefix+k, "must be at most 65536 bytes")
	}
}

// clean sanitizes every value: the strings are HTML that apps render.
func (s *Service) clean(in map[string]string) map[string]string {
	if len(in) == 0 {
		return in
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = s.html.SanitizeHTML(v)
	}
	return out
}

// Strings returns the tenant's content strings for its apps.
func (s *Service) Strings(ctx context.Context, tenantID string) (map[string]string, error) {
	var out map[string]string
	err := s.uow.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		out, err = s.strings.Strings(ctx, tenantID)
		return err
	})
	return out, err
}

// UpdateStrings merges the given strings into the tenant's (others stay as they are) after
// sanitizing their HTML, records who changed which keys, and returns all the strings.
func (s *Service) UpdateStrings(ctx context.Context, tenantID string, by audit.Actor, in map[string]string) (map[string]string, error) {
	var v ports.Validation
	validateStrings(&v, "", in)
	if err := v.Err(); err != nil {
		return nil, err
	}
	in = s.clean(in)
	var out map[string]string
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		if len(in) > 0 {
			if err = s.strings.MergeStrings(ctx, tenantID, in); err != nil {
				return err
			}
		}
		if out, err = s.strings.Strings(ctx, tenantID); err != nil {
			return err
		}
		if len(out) > MaxStrings {
			return ports.Invalid("body", "a client has at most 50 strings; this change would make "+strconv.Itoa(len(out)))
		}
		if len(in) == 0 {
			return nil
		}
		keys := make([]string, 0, len(in))
		for k := range in {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		r := audit.NewRecord(tenantID, by, "strings.updated", "tenant", tenantID, s.clock.Now())
		r.Details = map[string]any{"keys": keys}
		return s.audit.Append(ctx, r)
	})
	return out, err
}

func nonNilFeatures(m map[string]bool) map[string]bool {
	if m == nil {
		return map[string]bool{}
	}
	return m
}

func nonNilAdapters(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
