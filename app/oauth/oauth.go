// Package oauth serves the OAuth 2.0 and OpenID Connect endpoints of the subscriber surface on
// ory/fosite: authorization code with PKCE (S256 only) through a tenant-branded sign-in page,
// refresh tokens with reuse detection, revocation (RFC 7009), userinfo, discovery, and the
// device authorization grant (RFC 8628) as a fosite token endpoint handler. Every token it
// issues is the platform's own JWT, signed by the one key set, for the one session store.
// These endpoints speak the standard wire formats, not the surface's JSON conventions.
package oauth

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	fjwt "github.com/ory/fosite/token/jwt"
	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/jwt"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/device"
	"github.com/stvos/stvos/core/grant"
	coresession "github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/tenants"
)

// Lifetimes of what the authorization server issues.
const (
	codeTTL    = 10 * time.Minute
	idTokenTTL = time.Hour
)

// Server is the OAuth 2.0 authorization server.
type Server struct {
	provider fosite.OAuth2Provider
	store    *storage
	uow      ports.UnitOfWork
	accounts *account.Service
	grants   *grant.Service
	devices  *device.Service
	tenants  *tenant.Service
	signer   ports.TokenSigner
	limiter  ports.RateLimiter
	throttle *throttle.Throttle
	limits   tenants.Limits
	issuer   string
	log      *slog.Logger
	device   *deviceHandler
}

// Params are what the server needs.
type Params struct {
	fx.In
	UnitOfWork  ports.UnitOfWork
	Accounts    *account.Service
	Sessions    *coresession.Service
	Grants      *grant.Service
	Devices     *device.Service
	Tenants     *tenant.Service
	Clients     grant.ClientStore
	Records     grant.RecordStore
	Signer      *jwt.Signer
	Revocations ports.Revocations
	Limiter     ports.RateLimiter
	Throttle    *throttle.Throttle
	Secrets     SecretStore
	Config      Config
	Log         *slog.Logger
}

// Config is the server's configuration.
type Config struct {
	Issuer string
	Limits tenants.Limits
}

// SecretStore keeps the HMAC secret of opaque tokens (codes, refresh tokens), shared by every
// process; it makes one on first use.
type SecretStore interface {
	OAuthSecret(ctx context.Context, fresh []byte) ([]byte, error)
}

// New composes fosite with the platform's storage and keys.
func New(p Params) (*Server, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	secret, err := p.Secrets.OAuthSecret(context.Background(), fresh)
	if err != nil {
		return nil, err
	}
	cfg := &fosite.Config{
		AccessTokenLifespan: coresession.AccessTokenTTL, RefreshTokenLifespan: coresession.GrantTTL,
		AuthorizeCodeLifespan: codeTTL, IDTokenLifespan: idTokenTTL, GlobalSecret: secret,
		IDTokenIssuer: p.Config.Issuer, AccessTokenIssuer: p.Config.Issuer, TokenURL: p.Config.Issuer + "/oauth/token",
		EnforcePKCE: true, EnforcePKCEForPublicClients: true, EnablePKCEPlainChallengeMethod: false,
		ScopeStrategy: fosite.ExactScopeStrategy, AudienceMatchingStrategy: fosite.DefaultAudienceMatchingStrategy,
		RefreshTokenScopes: []string{}, JWTScopeClaimKey: fjwt.JWTScopeFieldString, MinParameterEntropy: 8,
		SendDebugMessagesToClients: false,
	}
	// fosite signs with go-jose, as the platform's signer does: it gets the active key as a JWK.
	keyGetter := func(ctx context.Context) (interface{}, error) {
		k, err := p.Signer.ActiveKey(ctx)
		if err != nil {
			return nil, err
		}
		return k, nil
	}
	store := &storage{clients: p.Clients, records: p.Records, sessions: p.Sessions, revocations: p.Revocations, audience: coresession.AudienceTenant}
	hmac := compose.NewOAuth2HMACStrategy(cfg)
	strategy := &compose.CommonStrategy{
		CoreStrategy:               compose.NewOAuth2JWTStrategy(keyGetter, hmac, cfg),
		OpenIDConnectTokenStrategy: compose.NewOpenIDConnectStrategy(keyGetter, cfg),
		Signer:                     &fjwt.DefaultSigner{GetPrivateKey: keyGetter},
	}
	s := &Server{store: store, uow: p.UnitOfWork, accounts: p.Accounts, grants: p.Grants, devices: p.Devices, tenants: p.Tenants, signer: p.Signer, limiter: p.Limiter, throttle: p.Throttle,
		limits: p.Config.Limits, issuer: p.Config.Issuer, log: p.Log}
	s.device = &deviceHandler{server: s, strategy: strategy.CoreStrategy, store: store, cfg: cfg}
	s.provider = compose.Compose(cfg, store, strategy,
		compose.OAuth2AuthorizeExplicitFactory,
		compose.OAuth2RefreshTokenGrantFactory,
		compose.OAuth2TokenRevocationFactory,
		compose.OpenIDConnectExplicitFactory,
		compose.OpenIDConnectRefreshFactory,
		compose.OAuth2PKCEFactory,
		func(fosite.Configurator, interface{}, interface{}) interface{} { return s.device },
	)
	return s, nil
}

// Register adds the endpoints to the mux.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /.well-known/openid-configuration", s.discovery)
	mux.HandleFunc("GET /oauth/authorize", s.authorize)
	mux.HandleFunc("POST /oauth/authorize", s.authorize)
	mux.HandleFunc("POST /oauth/token", s.token)
	mux.HandleFunc("POST /oauth/revoke", s.revoke)
	mux.HandleFunc("GET /oauth/userinfo", s.userinfo)
	mux.HandleFunc("POST /oauth/userinfo", s.userinfo)
	mux.HandleFunc("POST /oauth/device/code", s.deviceAuthorization)
	mux.HandleFunc("GET /oauth/device", s.deviceVerification)
	mux.HandleFunc("POST /oauth/device", s.deviceVerification)
}

// Module provides the server and registers its endpoints.
var Module = fx.Module("oauth",
	fx.Provide(New),
	fx.Invoke(func(s *Server, mux *http.ServeMux) { s.Register(mux) }),
)
