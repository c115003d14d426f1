// Package jwt implements ports.TokenSigner with JSON Web Tokens (RFC 7519) signed RS256 through
// go-jose v3, the JOSE library ory/fosite signs with, so the binary holds one JOSE
// implementation and every access token, first-party or OAuth, is written in one claims codec
// (Claims). Every token names its key in the kid header, the key's RFC 7638 thumbprint. Keys
// live in a ports.SigningKeyStore so every server process shares them; a process re-reads them
// in the background, when a token names a key it has not seen (at most every few seconds), and
// when its copy has grown stale, so a rotation made anywhere reaches every process.
package jwt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v3"
	josejwt "github.com/go-jose/go-jose/v3/jwt"

	"github.com/stvos/stvos/ports"
)

// RotateAfter is the age at which a generated signing key is replaced by a new one.
const RotateAfter = 30 * 24 * time.Hour

// leeway is the clock skew tolerated between processes on exp, nbf and iat.
const leeway = 30 * time.Second

// Signer implements ports.TokenSigner.
type Signer struct {
	store  ports.SigningKeyStore
	issuer string
	clock  ports.Clock
	log    *slog.Logger

	mu         sync.RWMutex
	active     *key
	pinned     string // the configured key's kid, which signs whatever the store says
	keys       map[string]*key
	lastReload time.Time // the last attempt, successful or not
	failing    bool      // the last reload failed, and that was logged

	reloading sync.Mutex // one reload (or rotation) at a time
}

var _ ports.TokenSigner = (*Signer)(nil)

// Option configures a Signer.
type Option func(*Signer)

// WithLogger sets where the signer reports reloads that fail (slog.Default otherwise).
func WithLogger(l *slog.Logger) Option { return func(s *Signer) { s.log = l } }

// New returns a signer. When pemKey is given it is the signing key (and is added to the store so
// other processes verify it); otherwise the newest stored key signs, and a fresh RSA key is made
// and stored when there is none.
func New(ctx context.Context, store ports.SigningKeyStore, issuer string, pemKey string, clock ports.Clock, opts ...Option) (*Signer, error) {
	s := &Signer{store: store, issuer: issuer, clock: clock, log: slog.Default(), keys: map[string]*key{}}
	for _, o := range opts {
		o(s)
	}
	if pemKey != "" {
		k, err := parseKey(pemKey)
		if err != nil {
			return nil, err
		}
		if err := store.Add(ctx, k.stored(pemKey, clock.Now())); err != nil && !errors.Is(err, ports.ErrConflict) {
			return nil, err
		}
		s.pinned = k.kid()
		if err := s.load(ctx); err != nil {
			return nil, err
		}
		return s, nil
	}
	if err := s.Refresh(ctx); err != nil {
		return nil, err
	}
	if s.current() == nil {
		if _, err := s.Rotate(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Sign issues a token for the claims.
func (s *Signer) Sign(ctx context.Context, c ports.Claims) (string, error) {
	k, err := s.signingKey(ctx)
	if err != nil {
		return "", err
	}
	return josejwt.Signed(k.signer).Claims(Encode(s.issuer, c)).CompactSerialize()
}

// ErrBadToken is the answer to every token that does not verify.
var ErrBadToken = ports.Unauthenticated("INVALID_TOKEN", "The access token is missing, malformed, expired or not meant for this API.")

// Verify checks a token's signature, algorithm, issuer, audience and expiry.
func (s *Signer) Verify(ctx context.Context, token, audience string) (ports.Claims, error) {
	c, err := s.verify(ctx, token, audience)
	if err != nil {
		e := *ErrBadToken
		e.Cause = err
		return ports.Claims{}, &e
	}
	return c, nil
}

func (s *Signer) verify(ctx context.Context, token, audience string) (ports.Claims, error) {
	if !compact(token) {
		return ports.Claims{}, errors.New("not a compact JWS")
	}
	tok, err := josejwt.ParseSigned(token)
	if err != nil {
		return ports.Claims{}, err
	}
	if len(tok.Headers) != 1 || tok.Headers[0].Algorithm != string(algorithm) {
		return ports.Claims{}, errors.New("algorithm not allowed")
	}
	k := s.lookup(ctx, tok.Headers[0].KeyID)
	if k == nil {
		return ports.Claims{}, fmt.Errorf("unknown kid %q", tok.Headers[0].KeyID)
	}
	var c Claims
	if err := tok.Claims(k.jwk.Public().Key, &c); err != nil {
		return ports.Claims{}, err
	}
	switch {
	case c.Issuer != s.issuer:
		return ports.Claims{}, josejwt.ErrInvalidIssuer
	case c.ExpiresAt == nil:
		return ports.Claims{}, errors.New("no expiry")
	}
	err = c.registered().ValidateWithLeeway(josejwt.Expected{Audience: josejwt.Audience{audience}, Time: s.clock.Now()}, leeway)
	if err != nil {
		return ports.Claims{}, err
	}
	out := c.Decode()
	out.Audience = audience
	return out, nil
}

// compact reports whether token is in the compact serialization, the only one tokens travel in
// (go-jose would also parse the JSON serialization).
func compact(token string) bool {
	if strings.Count(token, ".") != 2 {
		return false
	}
	for _, r := range token {
		if !(r == '.' || r == '-' || r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// PublicKeys lists the verification keys (for /oauth/jwks), in go-jose's JWK encoding.
func (s *Signer) PublicKeys(ctx context.Context) []ports.PublicKey {
	s.refreshIfStale(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]ports.PublicKey, 0, len(s.keys))
	for _, k := range s.keys {
		out = append(out, k.public)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].KID < out[j].KID })
	return out
}

// ActiveKey returns the key that signs now, for other token issuers of the platform (the OAuth
// 2.0 server, through fosite) so every token is signed by one key set.
func (s *Signer) ActiveKey(ctx context.Context) (*jose.JSONWebKey, error) {
	k, err := s.signingKey(ctx)
	if err != nil {
		return nil, err
	}
	jwk := k.jwk
	return &jwk, nil
}

var errNoKey = errors.New("jwt: no signing key")

func (s *Signer) signingKey(ctx context.Context) (*key, error) {
	s.refreshIfStale(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.active == nil {
		return nil, errNoKey
	}
	return s.active, nil
}

// Rotate makes a new signing key, signs with it from now on, and retires the older ones: they
// keep verifying the tokens they signed until those expire (a day's grace), and every other
// process picks the new key up at its next reload.
func (s *Signer) Rotate(ctx context.Context) (string, error) {
	s.reloading.Lock()
	defer s.reloading.Unlock()
	return s.rotate(ctx)
}

func (s *Signer) rotate(ctx context.Context) (string, error) {
	pk, err := GenerateKeyPEM()
	if err != nil {
		return "", err
	}
	k, err := parseKey(pk)
	if err != nil {
		return "", err
	}
	now := s.clock.Now()
	if err := s.store.Add(ctx, k.stored(pk, now)); err != nil {
		return "", err
	}
	if err := s.store.RetireAllBut(ctx, k.kid(), now.Unix()); err != nil {
		return "", err
	}
	return k.kid(), s.load(ctx)
}
