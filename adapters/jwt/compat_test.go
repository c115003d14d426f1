package jwt

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v3"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// The signer moved from golang-jwt and a hand-written thumbprint to go-jose. These tests pin
// what must not change with it: the kid of every stored key, the tokens already issued, and the
// JWKS. testdata/fixed_key.pem is a key made for these tests only; the kid, token and JWKS
// beside it were produced by the golang-jwt signer before the move.

// fixedKID is the kid the hand-written RFC 7638 thumbprint gave testdata/fixed_key.pem.
const fixedKID = "u17Bz0uP_pRQZaUuvrzVnC2c4XHA27sDbvYujTryLr4"

func fixedKeyPEM(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/fixed_key.pem")
	require.NoError(t, err)
	return string(b)
}

func TestKIDIsTheRFC7638Thumbprint(t *testing.T) {
	t.Parallel()
	// The example of RFC 7638 section 3.1.
	n, err := base64.RawURLEncoding.DecodeString("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
	require.NoError(t, err)
	kid, err := thumbprint(&rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537})
	require.NoError(t, err)
	require.Equal(t, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", kid)

	// A stored key keeps its kid, in either PEM form the signer reads.
	pkcs8 := fixedKeyPEM(t)
	k, err := parseKey(pkcs8)
	require.NoError(t, err)
	require.Equal(t, fixedKID, k.kid())
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY",
		Bytes: x509.MarshalPKCS1PrivateKey(k.jwk.Key.(*rsa.PrivateKey))}))
	k, err = parseKey(pkcs1)
	require.NoError(t, err)
	require.Equal(t, fixedKID, k.kid())

	store := &memKeys{}
	s, err := New(context.Background(), store, "i", pkcs8, &fixedClock{t: time.Now()})
	require.NoError(t, err)
	require.Equal(t, fixedKID, store.keys[0].KID, "the configured key is stored under the same kid")
	tok, err := s.Sign(context.Background(), sample(time.Now()))
	require.NoError(t, err)
	require.Contains(t, header(t, tok), `"kid":"`+fixedKID+`"`)
}

// TestVerifiesTokensOfGolangJWT verifies a token the golang-jwt signer issued, so tokens alive
// across the upgrade keep working.
func TestVerifiesTokensOfGolangJWT(t *testing.T) {
	t.Parallel()
	tok, err := os.ReadFile("testdata/golang-jwt.token")
	require.NoError(t, err)
	issued := time.Unix(1780000000, 0)
	ctx := context.Background()
	s, err := New(ctx, &memKeys{}, "https://issuer.test", fixedKeyPEM(t), &fixedClock{t: issued.Add(time.Minute)})
	require.NoError(t, err)
	c, err := s.Verify(ctx, strings.TrimSpace(string(tok)), "tenant")
	require.NoError(t, err)
	require.Equal(t, ports.Claims{ID: "j1", Subject: "s1", Kind: "user", TenantID: "t1", PartnerID: "p1", Roles: []string{"subscriber"},
		Scopes: []string{"openid", "profile"}, SessionID: "sess1", Audience: "tenant",
		IssuedAt: issued.Unix(), ExpiresAt: issued.Add(15 * time.Minute).Unix()}, c)

	late, err := New(ctx, &memKeys{}, "https://issuer.test", fixedKeyPEM(t), &fixedClock{t: issued.Add(time.Hour)})
	require.NoError(t, err)
	_, err = late.Verify(ctx, strings.TrimSpace(string(tok)), "tenant")
	require.ErrorIs(t, err, ports.ErrUnauthenticated, "and refuses it once expired")
}

// TestJWKSIsUnchanged compares the JWKS of the fixed key with the golang-jwt signer's, and
// checks that a JWK library reads it and verifies the signer's tokens with it.
func TestJWKSIsUnchanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := New(ctx, &memKeys{}, "https://issuer.test", fixedKeyPEM(t), &fixedClock{t: time.Now()})
	require.NoError(t, err)
	got, err := json.MarshalIndent(map[string]any{"keys": s.PublicKeys(ctx)}, "", "  ")
	require.NoError(t, err)
	want, err := os.ReadFile("testdata/jwks.json")
	require.NoError(t, err)
	require.Equal(t, string(want), string(got)+"\n")

	var set jose.JSONWebKeySet
	require.NoError(t, json.Unmarshal(got, &set))
	keys := set.Key(fixedKID)
	require.Len(t, keys, 1)
	require.True(t, keys[0].Valid() && keys[0].IsPublic())
	tok, err := s.Sign(ctx, sample(time.Now()))
	require.NoError(t, err)
	jws, err := jose.ParseSigned(tok)
	require.NoError(t, err)
	_, err = jws.Verify(keys[0])
	require.NoError(t, err)
}
