package app

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"time"

	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/integration/oauth2"
	"github.com/stvos/stvos/adapters/integration/sandbox"
	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/adapters/river"
	"github.com/stvos/stvos/adapters/safeurl"
	"github.com/stvos/stvos/adapters/seal"
	adwebhook "github.com/stvos/stvos/adapters/webhook"
	"github.com/stvos/stvos/core/onboarding"
	"github.com/stvos/stvos/core/webhook"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/tenants"
)

// Onboarding provides what enterprise onboarding runs on: the URL guard (SSRF), the sealer of
// secrets read back, the built-in sandbox provider with its authorization page, the registry of
// integration providers per client, and webhooks with their delivery job.
var Onboarding = fx.Options(
	fx.Provide(
		func(cfg Config) *safeurl.Guard { return safeurl.New(cfg.Development) },
		fx.Annotate(func(g *safeurl.Guard) *safeurl.Guard { return g }, fx.As(new(ports.URLGuard))),
		fx.Annotate(newSealingKey, fx.ResultTags(`name:"sealing_key"`)),
		fx.Annotate(func(key []byte) (*seal.Sealer, error) { return seal.New(key) }, fx.ParamTags(`name:"sealing_key"`)),
		fx.Annotate(func(s *seal.Sealer) *seal.Sealer { return s }, fx.As(new(ports.Sealer))),
		fx.Annotate(newSandboxIntegration, fx.ParamTags(`name:"sealing_key"`)),
		newSources,
		func(g *safeurl.Guard, s *onboarding.Sources) configuredSources {
			return configuredSources{sources: s, client: g.Client(providerTimeout)}
		},
		func(r *tenants.Resolver, s *sandbox.Provider, c configuredSources) *tenants.Integrations {
			return tenants.NewIntegrations(r, s, c)
		},
		adwebhook.New,
		fx.Annotate(func(s *adwebhook.Sender) *adwebhook.Sender { return s }, fx.As(new(webhook.Sender))),
		newWebhooks,
		newOnboarding,
		fx.Annotate(func(s *webhook.Service) *webhook.Service { return s }, fx.As(new(river.Webhooks))),
	),
	fx.Invoke(func(mux *http.ServeMux, s *sandbox.Provider) { mux.Handle(sandbox.PagePath, s.Handler()) }),
)

// newSealingKey is STVOS_SECRETS_KEY, or else a key derived from the secret the server keeps in
// the database for its OAuth tokens (made once by the first process): it keeps sealed values
// apart from the clear, not safe from a copy of the database. Set the setting in production.
func newSealingKey(cfg Config, secrets *postgres.OAuthSecrets, log *slog.Logger) ([]byte, error) {
	if len(cfg.SecretsKey) == 32 {
		return cfg.SecretsKey, nil
	}
	if !cfg.Development {
		log.Warn("STVOS_SECRETS_KEY is not set: secrets read back (webhook, integration providers) are sealed with a key kept in the database")
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	base, err := secrets.OAuthSecret(context.Background(), fresh)
	if err != nil {
		return nil, err
	}
	return seal.Derive(base, "sealing")
}

func newSandboxIntegration(key []byte, cfg Config) (*sandbox.Provider, error) {
	k, err := seal.Derive(key, "integrations/sandbox")
	if err != nil {
		return nil, err
	}
	return sandbox.New(k, cfg.PublicURL, nil), nil
}

type webhookDeps struct {
	fx.In
	UnitOfWork ports.UnitOfWork
	Store      webhook.Store
	Jobs       ports.Jobs
	Sealer     ports.Sealer
	Guard      ports.URLGuard
	Sender     webhook.Sender
	Clock      ports.Clock
}

func newWebhooks(d webhookDeps) *webhook.Service {
	return webhook.NewService(webhook.Deps{UnitOfWork: d.UnitOfWork, Store: d.Store, Jobs: d.Jobs, Sealer: d.Sealer, Guard: d.Guard,
		Sender: d.Sender, Clock: d.Clock})
}

type onboardingDeps struct {
	fx.In
	UnitOfWork ports.UnitOfWork
	Store      onboarding.Store
	Providers  *tenants.Integrations
	Guard      ports.URLGuard
	Sealer     ports.Sealer
	Webhooks   *webhook.Service
	Clock      ports.Clock
}

func newOnboarding(d onboardingDeps) *onboarding.Service {
	return onboarding.NewService(onboarding.Deps{UnitOfWork: d.UnitOfWork, Store: d.Store, Providers: d.Providers, Guard: d.Guard,
		Sealer: d.Sealer, Publisher: d.Webhooks, Clock: d.Clock})
}

type sourcesDeps struct {
	fx.In
	UnitOfWork ports.UnitOfWork
	Store      onboarding.SourceStore
	Guard      ports.URLGuard
	Sealer     ports.Sealer
	Clock      ports.Clock
}

func newSources(d sourcesDeps) *onboarding.Sources {
	return onboarding.NewSources(onboarding.SourceDeps{UnitOfWork: d.UnitOfWork, Store: d.Store, Guard: d.Guard, Sealer: d.Sealer, Clock: d.Clock})
}

// providerTimeout bounds each call to a client's own provider.
const providerTimeout = 15 * time.Second

// configuredSources serves the sources a client configured with the generic OAuth 2 provider,
// over the SSRF-safe client (tenants.ConfiguredSources).
type configuredSources struct {
	sources *onboarding.Sources
	client  *http.Client
}

// Configured implements tenants.ConfiguredSources.
func (c configuredSources) Configured(ctx context.Context, tenantID, source string) (ports.IntegrationProvider, bool, error) {
	cfg, ok, err := c.sources.Config(ctx, tenantID, source)
	if err != nil || !ok {
		return nil, ok, err
	}
	return oauth2.New(oauth2.Config{AuthURL: cfg.AuthURL, TokenURL: cfg.TokenURL, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		Scopes: cfg.Scopes, LocationsURL: cfg.LocationsURL, MenusURL: cfg.MenusURL, UserInfoURL: cfg.UserInfoURL}, c.client), true, nil
}
