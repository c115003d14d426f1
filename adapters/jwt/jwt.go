// Package jwt implements ports.TokenSigner with JSON Web Tokens (RFC 7519) signed RS256 through
// golang-jwt. Every token names its key in the kid header; keys live in a ports.SigningKeyStore
// so every server process shares them, and a token signed with a key this process has not seen
// yet makes it reload the key set (at most every few seconds) instead of refusing the token.
package jwt

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"sync"
	"time"

	gojwt "github.com/golang-jwt/jwt/v5"

	"github.com/stvos/stvos/ports"
)

const algorithm = "RS256"

// reloadEvery bounds how often an unknown kid makes the signer reload its keys.
const reloadEvery = 5 * time.Second

// Signer implements ports.TokenSigner.
type Signer struct {
	store  ports.SigningKeyStore
	issuer string
	clock  ports.Clock

	mu         sync.RWMutex
	active     *key
	pinned     string // the configured key's kid, which signs whatever the store says
	keys       map[string]*key
	lastReload time.Time
}

type key struct {
	kid     string
	private *rsa.PrivateKey
	created int64
}

// RotateAfter is the age at which a generated signing key is replaced by a new one.
const RotateAfter = 30 * 24 * time.Hour

var _ ports.TokenSigner = (*Signer)(nil)

// New returns a signer. When pemKey is given it is the signing key (and is added to the store so
// other processes verify it); otherwise the newest stored key signs, and a fresh RSA key is made
// and stored when there is none.
func New(ctx context.Context, store ports.SigningKeyStore, issuer string, pemKey string, clock ports.Clock) (*Signer, error) {
	s := &Signer{store: store, issuer: issuer, clock: clock, keys: map[string]*key{}}
	if pemKey != "" {
		k, err := parseKey(pemKey)
		if err != nil {
			return nil, err
		}
		err = store.Add(ctx, ports.SigningKey{KID: k.kid, Algorithm: algorithm, PrivatePEM: pemKey, CreatedAt: clock.Now().Unix()})
		if err != nil && !errors.Is(err, ports.ErrConflict) {
			return nil, err
		}
		s.pinned = k.kid
		if err := s.reload(ctx); err != nil {
			return nil, err
		}
		return s, nil
	}
	if err := s.reload(ctx); err != nil {
		return nil, err
	}
	if s.active == nil {
		pk, err := GenerateKeyPEM()
		if err != nil {
			return nil, err
		}
		k, err := parseKey(pk)
		if err != nil {
			return nil, err
		}
		if err := store.Add(ctx, ports.SigningKey{KID: k.kid, Algorithm: algorithm, PrivatePEM: pk, CreatedAt: clock.Now().Unix()}); err != nil {
			return nil, err
		}
		if err := s.reload(ctx); err != nil {
			return nil, err
		}
	}
	s.rotateIfOld(ctx)
	return s, nil
}

// GenerateKeyPEM makes a new 2048-bit RSA private key in PKCS #8 PEM form.
func GenerateKeyPEM() (string, error) {
	pk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(pk)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

func parseKey(p string) (*key, error) {
	block, _ := pem.Decode([]byte(p))
	if block == nil {
		return nil, errors.New("jwt: signing key is not PEM")
	}
	var (
		pk  any
		err error
	)
	switch block.Type {
	case "RSA PRIVATE KEY":
		pk, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		pk, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("jwt: parse signing key: %w", err)
	}
	rk, ok := pk.(*rsa.PrivateKey)
	if !ok || rk.N.BitLen() < 2048 {
		return nil, errors.New("jwt: signing key must be RSA of at least 2048 bits")
	}
	return &key{kid: thumbprint(&rk.PublicKey), private: rk}, nil
}

// thumbprint is the RFC 7638 JWK thumbprint of the public key, used as its kid.
func thumbprint(pub *rsa.PublicKey) string {
	e := base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes())
	n := base64.RawURLEncoding.EncodeToString(pub.N.Bytes())
	sum := sha256.Sum256([]byte(`{"e":"` + e + `","kty":"RSA","n":"` + n + `"}`))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (s *Signer) reload(ctx context.Context) error {
	stored, err := s.store.Keys(ctx)
	if err != nil {
		return err
	}
	keys := map[string]*key{}
	var active *key
	for _, sk := range stored { // newest first
		k, err := parseKey(sk.PrivatePEM)
		if err != nil {
			return err
		}
		k.created = sk.CreatedAt
		keys[k.kid] = k
		if active == nil && sk.RetiredAt == 0 {
			active = k
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys, s.lastReload = keys, s.clock.Now()
	if s.pinned == "" || keys[s.pinned] == nil {
		s.active = active
	} else {
		s.active = keys[s.pinned]
	}
	return nil
}

type claims struct {
	gojwt.RegisteredClaims
	Kind      string   `json:"knd"`
	TenantID  string   `json:"tid,omitempty"`
	PartnerID string   `json:"pid,omitempty"`
	Roles     []string `json:"roles,omitempty"`
	Scope     string   `json:"scope,omitempty"`
	SessionID string   `json:"sid,omitempty"`
	// ClientID names the OAuth client of a delegated token (RFC 9068).
	ClientID string `json:"client_id,omitempty"`
}

// Sign issues a token for the claims.
func (s *Signer) Sign(ctx context.Context, c ports.Claims) (string, error) {
	s.maybeReload(ctx)
	s.mu.RLock()
	k := s.active
	s.mu.RUnlock()
	if k == nil {
		return "", errors.New("jwt: no signing key")
	}
	tok := gojwt.NewWithClaims(gojwt.SigningMethodRS256, claims{
		RegisteredClaims: gojwt.RegisteredClaims{
			Issuer: s.issuer, Subject: c.Subject, Audience: gojwt.ClaimStrings{c.Audience}, ID: c.ID,
			IssuedAt: gojwt.NewNumericDate(time.Unix(c.IssuedAt, 0)), ExpiresAt: gojwt.NewNumericDate(time.Unix(c.ExpiresAt, 0)),
		},
		Kind: c.Kind, TenantID: c.TenantID, PartnerID: c.PartnerID, Roles: c.Roles, Scope: joinScopes(c.Scopes), SessionID: c.SessionID,
		ClientID: c.ClientID,
	})
	tok.Header["kid"] = k.kid
	return tok.SignedString(k.private)
}

// ErrBadToken is the answer to every token that does not verify.
var ErrBadToken = ports.Unauthenticated("INVALID_TOKEN", "The access token is missing, malformed, expired or not meant for this API.")

// Verify checks a token's signature, algorithm, issuer, audience and expiry.
func (s *Signer) Verify(ctx context.Context, token, audience string) (ports.Claims, error) {
	var c claims
	_, err := gojwt.ParseWithClaims(token, &c, func(t *gojwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k := s.lookup(ctx, kid)
		if k == nil {
			return nil, errors.New("unknown kid")
		}
		return k.private.Public(), nil
	}, gojwt.WithValidMethods([]string{algorithm}), gojwt.WithIssuer(s.issuer), gojwt.WithAudience(audience),
		gojwt.WithExpirationRequired(), gojwt.WithIssuedAt(), gojwt.WithLeeway(30*time.Second),
		gojwt.WithTimeFunc(s.clock.Now))
	if err != nil {
		e := *ErrBadToken
		e.Cause = err
		return ports.Claims{}, &e
	}
	return ports.Claims{
		ID: c.ID, Subject: c.Subject, Kind: c.Kind, TenantID: c.TenantID, PartnerID: c.PartnerID, Roles: c.Roles,
		Scopes: splitScopes(c.Scope), SessionID: c.SessionID, ClientID: c.ClientID, Audience: audience,
		IssuedAt: c.IssuedAt.Unix(), ExpiresAt: c.ExpiresAt.Unix(),
	}, nil
}

func (s *Signer) lookup(ctx context.Context, kid string) *key {
	s.mu.RLock()
	k, last := s.keys[kid], s.lastReload
	s.mu.RUnlock()
	if k != nil || kid == "" || s.clock.Now().Sub(last) < reloadEvery {
		return k
	}
	if err := s.reload(ctx); err != nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.keys[kid]
}

// PublicKeys lists the verification keys (for /oauth/jwks).
func (s *Signer) PublicKeys(ctx context.Context) []ports.PublicKey {
	s.maybeReload(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]ports.PublicKey, 0, len(s.keys))
	for _, k := range s.keys {
		pub := k.private.Public().(*rsa.PublicKey)
		out = append(out, ports.PublicKey{KID: k.kid, KeyType: "RSA", Use: "sig", Algorithm: algorithm,
			N: base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes())})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].KID < out[j].KID })
	return out
}

// Rotate makes a new signing key, signs with it from now on, and retires the others: they keep
// verifying the tokens they signed until those expire (a day's grace), and every other process
// picks the new key up at its next reload.
func (s *Signer) Rotate(ctx context.Context) (string, error) {
	pk, err := GenerateKeyPEM()
	if err != nil {
		return "", err
	}
	k, err := parseKey(pk)
	if err != nil {
		return "", err
	}
	now := s.clock.Now().Unix()
	if err := s.store.Add(ctx, ports.SigningKey{KID: k.kid, Algorithm: algorithm, PrivatePEM: pk, CreatedAt: now}); err != nil {
		return "", err
	}
	if err := s.store.RetireAllBut(ctx, k.kid, now); err != nil {
		return "", err
	}
	s.mu.Lock()
	s.active = nil
	s.mu.Unlock()
	return k.kid, s.reload(ctx)
}

// refreshEvery is how often a process re-reads the key set even when nothing asks it to, so a
// rotation made elsewhere reaches it.
const refreshEvery = 5 * time.Minute

func (s *Signer) maybeReload(ctx context.Context) {
	s.mu.RLock()
	stale := s.clock.Now().Sub(s.lastReload) > refreshEvery
	s.mu.RUnlock()
	if !stale {
		return
	}
	_ = s.reload(ctx) // keep the keys we have if the store is unreachable
	s.rotateIfOld(ctx)
}

// rotateIfOld rotates a generated key that reached RotateAfter. A configured key is the
// operator's to replace.
func (s *Signer) rotateIfOld(ctx context.Context) {
	s.mu.RLock()
	old := s.pinned == "" && s.active != nil && s.clock.Now().Sub(time.Unix(s.active.created, 0)) > RotateAfter
	s.mu.RUnlock()
	if old {
		_, _ = s.Rotate(ctx) // a failure leaves the current key signing; the next reload tries again
	}
}

func joinScopes(s []string) string { return strings.Join(s, " ") }

func splitScopes(s string) []string { return strings.Fields(s) }

// ActiveKey returns the key that signs now and its kid, for other token issuers of the platform
// (the OAuth 2.0 server) so every token is signed by one key set.
func (s *Signer) ActiveKey(ctx context.Context) (string, *rsa.PrivateKey, error) {
	s.maybeReload(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.active == nil {
		return "", nil, errors.New("jwt: no signing key")
	}
	return s.active.kid, s.active.private, nil
}
