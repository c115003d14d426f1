package onboarding

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"regexp"

	"github.com/stvos/stvos/ports"
)

// Deps are what the service needs.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Providers  Providers
	Guard      ports.URLGuard
	Sealer     ports.Sealer
	Publisher  Publisher
	Clock      ports.Clock
}

// Service runs onboarding's use cases.
type Service struct{ d Deps }

// NewService returns the service.
func NewService(d Deps) *Service { return &Service{d: d} }

var sourcePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// ValidSource reports whether s can name a provider source.
func ValidSource(s string) bool { return sourcePattern.MatchString(s) }

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("onboarding: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// authSecrets is what an onboarding keeps sealed until it completes.
type authSecrets struct {
	State    string `json:"state"`
	Verifier string `json:"verifier"`
}

func authContext(o Onboarding) string { return "onboarding-auth:" + o.TenantID + ":" + o.ID }
func connContext(o Onboarding) string { return "onboarding-connection:" + o.TenantID + ":" + o.ID }

// Begin starts an onboarding of one of the partner's organizations with a provider: it answers
// the onboarding, pending, with the entry URL to send the merchant to.
func (s *Service) Begin(ctx context.Context, c Caller, in Start) (Onboarding, error) {
	var v ports.Validation
	v.Check(ports.IsID(in.OrgID), "org_id", "must be an organization id")
	v.Check(ValidSource(in.Source), "source", "must be a provider name of lower-case letters, digits, '_', '.', '-' (at most 64)")
	v.Check(in.Type == TypePOS || in.Type == TypeDSP, "type", "must be pos or dsp")
	if err := v.Err(); err != nil {
		return Onboarding{}, err
	}
	if err := s.d.Guard.Check(ctx, "return_url", in.ReturnURL); err != nil {
		return Onboarding{}, err
	}
	provider, err := s.d.Providers.For(ctx, c.TenantID, in.Source)
	if err != nil {
		return Onboarding{}, err
	}
	now := s.d.Clock.Now().UTC()
	o := Onboarding{ID: ports.NewID(), TenantID: c.TenantID, PartnerID: c.PartnerID, OrgID: in.OrgID, Type: in.Type, Source: in.Source,
		Status: StatusPending, ReturnURL: in.ReturnURL, CreatedAt: now, UpdatedAt: now}
	secrets := authSecrets{State: randomToken(32), Verifier: randomToken(48)}
	raw, _ := json.Marshal(secrets)
	if o.SealedAuth, err = s.d.Sealer.Seal(raw, authContext(o)); err != nil {
		return Onboarding{}, err
	}
	if o.EntryURL, err = provider.AuthorizationURL(ctx, ports.AuthorizationRequest{TenantID: c.TenantID, Source: in.Source, Type: in.Type,
		State: secrets.State, Verifier: secrets.Verifier, ReturnURL: in.ReturnURL}); err != nil {
		return Onboarding{}, err
	}
	err = s.d.UnitOfWork.Do(ctx, ports.TenantScope(c.TenantID), func(ctx context.Context) error {
		org, err := s.d.Store.Organization(ctx, c.PartnerID, in.OrgID)
		if err != nil {
			return err
		}
		o.PartnerOrgID = org.ProviderID
		return s.d.Store.CreateOnboarding(ctx, o)
	})
	return o, err
}

// Get answers one of the partner's onboardings.
func (s *Service) Get(ctx context.Context, c Caller, id string) (Onboarding, error) {
	if !ports.IsID(id) {
		return Onboarding{}, ports.NotFound("onboarding")
	}
	var o Onboarding
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(c.TenantID), func(ctx context.Context) error {
		var err error
		o, err = s.d.Store.Onboarding(ctx, c.PartnerID, id)
		return err
	})
	return o, err
}

// StatusEvent is the data of an onboarding.status_changed webhook.
type StatusEvent struct {
	OnboardingID string `json:"onboarding_id"`
	OrgID        string `json:"org_id"`
	Type         string `json:"type"`
	Source       string `json:"source"`
	Status       string `json:"status"`
	MerchantID   string `json:"merchant_id,omitempty"`
}

// Complete exchanges the code the provider returned, once: the onboarding becomes active, or
// failed when the provider refuses the code. state, when given, must be the onboarding's. The
// onboarding stays locked during the exchange, so two completions at once exchange one code once.
func (s *Service) Complete(ctx context.Context, c Caller, id, code, state string) (Onboarding, error) {
	if !ports.IsID(id) {
		return Onboarding{}, ports.NotFound("onboarding")
	}
	var v ports.Validation
	v.Check(code != "" && len(code) <= 2048, "code", "must be the code the provider returned (1 to 2048 characters)")
	v.Check(len(state) <= 256, "state", "must be at most 256 characters")
	if err := v.Err(); err != nil {
		return Onboarding{}, err
	}
	var o Onboarding
	var refused error
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(c.TenantID), func(ctx context.Context) error {
		var err error
		if o, err = s.d.Store.LockOnboarding(ctx, c.PartnerID, id); err != nil {
			return err
		}
		if o.Status != StatusPending {
			return ports.Conflict("ONBOARDING_NOT_PENDING", "The onboarding is "+o.Status+": its authorization was used already (a code and a state work once).")
		}
		raw, err := s.d.Sealer.Open(o.SealedAuth, authContext(o))
		if err != nil {
			return err
		}
		var secrets authSecrets
		if err := json.Unmarshal(raw, &secrets); err != nil {
			return err
		}
		if state != "" && !hmac.Equal([]byte(state), []byte(secrets.State)) {
			return ports.Invalid("state", "is not the state of this onboarding")
		}
		provider, err := s.d.Providers.For(ctx, c.TenantID, o.Source)
		if err != nil {
			return err
		}
		conn, err := provider.Exchange(ctx, ports.CodeExchange{TenantID: c.TenantID, Source: o.Source, Type: o.Type, Code: code,
			State: secrets.State, Verifier: secrets.Verifier, ReturnURL: o.ReturnURL})
		switch {
		case errors.Is(err, ports.ErrInvalid):
			refused, o.Status = err, StatusFailed
		case err != nil:
			return err
		default:
			conn.Type = o.Type
			rawConn, _ := json.Marshal(conn)
			if o.SealedConnection, err = s.d.Sealer.Seal(rawConn, connContext(o)); err != nil {
				return err
			}
			o.Status, o.MerchantID, o.IntegrationID = StatusActive, conn.MerchantID, ports.NewID()
		}
		o.SealedAuth = "" // spent: nothing can be exchanged with it again
		o.UpdatedAt = s.d.Clock.Now().UTC()
		if err := s.d.Store.UpdateOnboarding(ctx, o); err != nil {
			return err
		}
		return s.d.Publisher.Publish(ctx, o.PartnerID, "onboarding.status_changed", StatusEvent{OnboardingID: o.ID, OrgID: o.OrgID,
			Type: o.Type, Source: o.Source, Status: o.Status, MerchantID: o.MerchantID})
	})
	if err != nil {
		return Onboarding{}, err
	}
	return o, refused
}

// connection answers an active onboarding's provider and connection.
func (s *Service) connection(ctx context.Context, o Onboarding) (ports.IntegrationProvider, ports.Connection, error) {
	if o.Status != StatusActive {
		return nil, ports.Connection{}, ports.Conflict("ONBOARDING_NOT_ACTIVE", "The onboarding is "+o.Status+": complete it first.")
	}
	raw, err := s.d.Sealer.Open(o.SealedConnection, connContext(o))
	if err != nil {
		return nil, ports.Connection{}, err
	}
	var conn ports.Connection
	if err := json.Unmarshal(raw, &conn); err != nil {
		return nil, ports.Connection{}, err
	}
	p, err := s.d.Providers.For(ctx, o.TenantID, o.Source)
	return p, conn, err
}
