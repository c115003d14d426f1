package jwt

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v3"

	"github.com/stvos/stvos/ports"
)

// algorithm is the only signature algorithm the signer writes or accepts.
const algorithm = jose.RS256

// key is a signing key as the signer holds it.
type key struct {
	jwk     jose.JSONWebKey // the private key, its kid, algorithm and use
	signer  jose.Signer
	public  ports.PublicKey // its JWKS entry
	created int64
}

func (k *key) kid() string { return k.jwk.KeyID }

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

// parseKey reads an RSA private key of at least 2048 bits in PKCS #1 or PKCS #8 PEM form.
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
	return newKey(rk)
}

func newKey(rk *rsa.PrivateKey) (*key, error) {
	kid, err := thumbprint(&rk.PublicKey)
	if err != nil {
		return nil, err
	}
	k := &key{jwk: jose.JSONWebKey{Key: rk, KeyID: kid, Algorithm: string(algorithm), Use: "sig"}}
	k.signer, err = jose.NewSigner(jose.SigningKey{Algorithm: algorithm, Key: k.jwk}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("jwt: signer: %w", err)
	}
	// The JWKS entry is go-jose's encoding of the public key, read into the port's type.
	b, err := k.jwk.Public().MarshalJSON()
	if err == nil {
		err = json.Unmarshal(b, &k.public)
	}
	if err != nil {
		return nil, fmt.Errorf("jwt: encode public key: %w", err)
	}
	return k, nil
}

// thumbprint is the RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key: its kid.
func thumbprint(pub *rsa.PublicKey) (string, error) {
	sum, err := (&jose.JSONWebKey{Key: pub}).Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("jwt: thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}

// stored is the key as the store keeps it.
func (k *key) stored(privatePEM string, created time.Time) ports.SigningKey {
	return ports.SigningKey{KID: k.kid(), Algorithm: string(algorithm), PrivatePEM: privatePEM, CreatedAt: created.Unix()}
}
