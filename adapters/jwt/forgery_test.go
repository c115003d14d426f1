package jwt

import (
	"context"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

// signRaw signs a payload with the signer's own key and algorithm, so a case can break one
// claim and nothing else.
func signRaw(t *testing.T, s *Signer, payload string) string {
	t.Helper()
	jws, err := s.current().signer.Sign([]byte(payload))
	require.NoError(t, err)
	tok, err := jws.CompactSerialize()
	require.NoError(t, err)
	return tok
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// TestVerifyRefusesForgeries runs every way a token can be wrong against one signer; each is
// refused as unauthenticated, and the untouched token verifies.
func TestVerifyRefusesForgeries(t *testing.T) {
	t.Parallel()
	ctx, clock := context.Background(), &fixedClock{t: time.Now()}
	store := &memKeys{}
	s, err := New(ctx, store, "https://issuer.test", "", clock)
	require.NoError(t, err)
	good, err := s.Sign(ctx, sample(clock.t))
	require.NoError(t, err)
	_, err = s.Verify(ctx, good, "platform")
	require.NoError(t, err, "the untouched token verifies")
	parts := strings.Split(good, ".")

	foreign, err := New(ctx, &memKeys{}, "https://issuer.test", "", clock)
	require.NoError(t, err)
	byForeignKey, err := foreign.Sign(ctx, sample(clock.t))
	require.NoError(t, err)
	// Another issuer sharing the very key: only iss is wrong.
	otherIssuer, err := New(ctx, store, "https://elsewhere.test", "", clock)
	require.NoError(t, err)
	ofOtherIssuer, err := otherIssuer.Sign(ctx, sample(clock.t))
	require.NoError(t, err)

	// HS256 keyed with the public key, the classic algorithm confusion.
	der, err := x509.MarshalPKIXPublicKey(s.current().jwk.Public().Key.(*rsa.PublicKey))
	require.NoError(t, err)
	hsInput := b64(`{"alg":"HS256","typ":"JWT","kid":"`+s.current().kid()+`"}`) + "." + parts[1]
	mac := hmac.New(sha256.New, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	mac.Write([]byte(hsInput))
	hs256 := hsInput + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))

	// The JSON serialization of a genuine signature.
	jws, err := s.current().signer.Sign([]byte(`{"iss":"https://issuer.test","aud":["platform"],"knd":"operator","exp":` +
		itoa(clock.t.Add(time.Minute).Unix()) + `}`))
	require.NoError(t, err)
	full := jws.FullSerialize()

	exp, iat := itoa(clock.t.Add(time.Minute).Unix()), itoa(clock.t.Unix())
	for name, tok := range map[string]string{
		"foreign key":        byForeignKey,
		"other issuer":       ofOtherIssuer,
		"alg none":           b64(`{"alg":"none","typ":"JWT"}`) + "." + parts[1] + ".",
		"alg HS256":          hs256,
		"tampered payload":   parts[0] + "." + b64(`{"sub":"root"}`) + "." + parts[2],
		"tampered header":    b64(`{"alg":"RS256","kid":"`+s.current().kid()+`","typ":"JWT","x":1}`) + "." + parts[1] + "." + parts[2],
		"unknown kid":        b64(`{"alg":"RS256","kid":"nope"}`) + "." + parts[1] + "." + parts[2],
		"no expiry":          signRaw(t, s, `{"iss":"https://issuer.test","aud":["platform"],"knd":"operator"}`),
		"expired":            signRaw(t, s, `{"iss":"https://issuer.test","aud":["platform"],"knd":"operator","exp":`+itoa(clock.t.Add(-time.Minute).Unix())+`}`),
		"not yet valid":      signRaw(t, s, `{"iss":"https://issuer.test","aud":["platform"],"exp":`+exp+`,"nbf":`+itoa(clock.t.Add(time.Minute).Unix())+`}`),
		"issued in future":   signRaw(t, s, `{"iss":"https://issuer.test","aud":["platform"],"exp":`+exp+`,"iat":`+itoa(clock.t.Add(time.Minute).Unix())+`}`),
		"other audience":     signRaw(t, s, `{"iss":"https://issuer.test","aud":["tenant"],"exp":`+exp+`,"iat":`+iat+`}`),
		"no audience":        signRaw(t, s, `{"iss":"https://issuer.test","exp":`+exp+`,"iat":`+iat+`}`),
		"no issuer":          signRaw(t, s, `{"aud":["platform"],"exp":`+exp+`,"iat":`+iat+`}`),
		"JSON serialization": full,
		"garbage":            "not.a.token",
		"empty":              "",
	} {
		_, err := s.Verify(ctx, tok, "platform")
		require.ErrorIs(t, err, ports.ErrUnauthenticated, name)
	}
	ok := signRaw(t, s, `{"iss":"https://issuer.test","aud":"platform","exp":`+exp+`,"iat":`+iat+`}`)
	_, err = s.Verify(ctx, ok, "platform")
	require.NoError(t, err, "the raw signing is right but for what each case breaks; aud may be one string")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
