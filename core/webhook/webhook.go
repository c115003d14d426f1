// Package webhook tells enterprise partners about changes (an onboarding's status, locations
// bound) by signed HTTP deliveries to the endpoints they register. A change enqueues one delivery
// job per endpoint of the partner in the change's own unit of work, so a delivery exists exactly
// when the change committed; the job runner retries failed deliveries with exponential backoff.
// Endpoint secrets are kept sealed (they must be read back to sign) and shown once, at creation.
package webhook

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/stvos/stvos/ports"
)

// The events.
const (
	EventOnboardingStatus = "onboarding.status_changed"
	EventLocationsBound   = "locations.bound"
)

// MaxEndpoints bounds a partner's endpoints.
const MaxEndpoints = 10

// Endpoint is a URL a partner receives deliveries at.
type Endpoint struct {
	ID        string
	TenantID  string
	PartnerID string
	URL       string
	// SealedSecret is the signing secret, sealed; never shown after creation.
	SealedSecret string
	CreatedAt    time.Time
}

// Store keeps endpoints, in the unit of work in ctx. Missing ones (or another partner's) are
// ErrNotFound.
type Store interface {
	CreateEndpoint(ctx context.Context, e Endpoint) error
	Endpoints(ctx context.Context, partnerID string) ([]Endpoint, error)
	Endpoint(ctx context.Context, id string) (Endpoint, error)
	DeleteEndpoint(ctx context.Context, partnerID, id string) error
}

// Sender posts a delivery; it answers the receiver's status. It must dial only addresses the URL
// guard accepts (adapters/safeurl's client).
type Sender interface {
	Post(ctx context.Context, url string, body []byte, header map[string]string) (int, error)
}

// Delivery is the webhook.deliver job: one event to one endpoint.
type Delivery struct {
	TenantID   string `json:"tenant_id"`
	EndpointID string `json:"endpoint_id"`
	EventID    string `json:"event_id"`
	// Body is the event's JSON, kept as a string so the job's storage (jsonb) cannot reorder it.
	Body string `json:"body"`
}

// Kind names the job.
func (Delivery) Kind() string { return "webhook.deliver" }

// Attempts is how many times a delivery is tried: with the job runner's exponential backoff
// (1 s doubling up to an hour), about fourteen hours.
const Attempts = 25

// MaxAttempts implements ports.RetriedJob.
func (Delivery) MaxAttempts() int { return Attempts }

// Deps are what the service needs.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Jobs       ports.Jobs
	Sealer     ports.Sealer
	Guard      ports.URLGuard
	Sender     Sender
	Clock      ports.Clock
}

// Service registers endpoints and delivers events.
type Service struct{ d Deps }

// NewService returns the service.
func NewService(d Deps) *Service { return &Service{d: d} }

func sealContext(tenantID, id string) string { return "webhook-secret:" + tenantID + ":" + id }

// CreateEndpoint registers a URL for the partner and answers it with its secret, shown this once.
func (s *Service) CreateEndpoint(ctx context.Context, tenantID, partnerID, url string) (Endpoint, string, error) {
	if err := s.d.Guard.Check(ctx, "url", url); err != nil {
		return Endpoint{}, "", err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Endpoint{}, "", err
	}
	secret := "whsec_" + base64.RawURLEncoding.EncodeToString(raw)
	e := Endpoint{ID: ports.NewID(), TenantID: tenantID, PartnerID: partnerID, URL: url, CreatedAt: s.d.Clock.Now().UTC()}
	sealed, err := s.d.Sealer.Seal([]byte(secret), sealContext(tenantID, e.ID))
	if err != nil {
		return Endpoint{}, "", err
	}
	e.SealedSecret = sealed
	err = s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		have, err := s.d.Store.Endpoints(ctx, partnerID)
		if err != nil {
			return err
		}
		if len(have) >= MaxEndpoints {
			return &ports.Error{Kind: ports.ErrLimitExceeded, Code: "TOO_MANY_ENDPOINTS", Message: fmt.Sprintf("A partner may have at most %d webhook endpoints.", MaxEndpoints)}
		}
		return s.d.Store.CreateEndpoint(ctx, e)
	})
	if err != nil {
		return Endpoint{}, "", err
	}
	return e, secret, nil
}

// Endpoints lists the partner's endpoints.
func (s *Service) Endpoints(ctx context.Context, tenantID, partnerID string) ([]Endpoint, error) {
	var out []Endpoint
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		var err error
		out, err = s.d.Store.Endpoints(ctx, partnerID)
		return err
	})
	return out, err
}

// DeleteEndpoint removes one of the partner's endpoints; deliveries waiting for it are dropped.
func (s *Service) DeleteEndpoint(ctx context.Context, tenantID, partnerID, id string) error {
	if !ports.IsID(id) {
		return ports.NotFound("webhook endpoint")
	}
	return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		return s.d.Store.DeleteEndpoint(ctx, partnerID, id)
	})
}

// event is a delivery's body.
type event struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Created int64  `json:"created"`
	Data    any    `json:"data"`
}

// Publish enqueues the event for every endpoint of the partner, in the unit of work in ctx (the
// change's own), so the deliveries commit or roll back with the change.
func (s *Service) Publish(ctx context.Context, partnerID, eventType string, data any) error {
	eps, err := s.d.Store.Endpoints(ctx, partnerID)
	if err != nil || len(eps) == 0 {
		return err
	}
	ev := event{ID: "evt_" + ports.NewID(), Type: eventType, Created: s.d.Clock.Now().Unix(), Data: data}
	body, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	for _, e := range eps {
		if err := s.d.Jobs.Enqueue(ctx, Delivery{TenantID: e.TenantID, EndpointID: e.ID, EventID: ev.ID, Body: string(body)}); err != nil {
			return err
		}
	}
	return nil
}

// ErrEndpointGone reports a delivery whose endpoint was deleted: nothing to retry.
var ErrEndpointGone = ports.NotFound("webhook endpoint")

// Deliver sends one delivery, signed at the time of this attempt. A receiver answering anything
// but 2xx, or not answering, is an error: the job runner tries again later. An endpoint deleted
// meanwhile is ErrEndpointGone (ports.ErrNotFound); its URL refused by the guard is ErrInvalid.
func (s *Service) Deliver(ctx context.Context, d Delivery) error {
	var e Endpoint
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(d.TenantID), func(ctx context.Context) error {
		var err error
		e, err = s.d.Store.Endpoint(ctx, d.EndpointID)
		return err
	})
	if err != nil {
		return err
	}
	if err := s.d.Guard.Check(ctx, "url", e.URL); err != nil {
		return err
	}
	secret, err := s.d.Sealer.Open(e.SealedSecret, sealContext(e.TenantID, e.ID))
	if err != nil {
		return err
	}
	now := s.d.Clock.Now()
	body := []byte(d.Body)
	status, err := s.d.Sender.Post(ctx, e.URL, body, map[string]string{
		"Content-Type": "application/json", SignatureHeader: Header(string(secret), now, body),
		"Stvos-Event-Id": d.EventID, "User-Agent": "stvos-webhooks/1",
	})
	if err != nil {
		return fmt.Errorf("webhook: deliver %s: %w", d.EventID, err)
	}
	if status < 200 || status > 299 {
		return fmt.Errorf("webhook: deliver %s: the receiver answered %d", d.EventID, status)
	}
	return nil
}
