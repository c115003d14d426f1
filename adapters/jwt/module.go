package jwt

import (
	"context"
	"log/slog"

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

// Module provides the signer as ports.TokenSigner and refreshes its keys in the background while
// the application runs.
var Module = fx.Module("jwt",
	fx.Provide(
		func(cfg Config, store ports.SigningKeyStore, clock ports.Clock, log *slog.Logger) (*Signer, error) {
			return New(context.Background(), store, cfg.Issuer, cfg.KeyPEM, clock, WithLogger(log))
		},
		fx.Annotate(func(s *Signer) *Signer { return s }, fx.As(new(ports.TokenSigner))),
	),
	fx.Invoke(refreshInBackground),
)

func refreshInBackground(lc fx.Lifecycle, s *Signer) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			go func() {
				defer close(done)
				s.Run(ctx)
			}()
			return nil
		},
		OnStop: func(stop context.Context) error {
			cancel()
			select {
			case <-done:
				return nil
			case <-stop.Done():
				return stop.Err()
			}
		},
	})
}
