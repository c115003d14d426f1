package jwt

import (
	"context"

	"go.uber.org/fx"

	"github.com/stvos/stvos/ports"
)

// Config is what the signer needs.
type Config struct {
	// Issuer is the iss of every token: the public URL of the server.
	Issuer string
	// KeyPEM is an RSA private key to sign with; empty means keep keys in the store.
	KeyPEM string
}

// Module provides the signer as ports.TokenSigner.
var Module = fx.Module("jwt",
	fx.Provide(
		func(cfg Config, store ports.SigningKeyStore, clock ports.Clock) (*Signer, error) {
			return New(context.Background(), store, cfg.Issuer, cfg.KeyPEM, clock)
		},
		fx.Annotate(func(s *Signer) *Signer { return s }, fx.As(new(ports.TokenSigner))),
	),
)
