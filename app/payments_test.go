package app

import (
	"flag"
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStripeSettings: the Stripe key and URL are read and checked; without a key the catalog
// lists stripe but refuses it with the setting to set.
func TestStripeSettings(t *testing.T) {
	t.Parallel()
	base := map[string]string{"STVOS_DATABASE_URL": "postgres://x", "STVOS_REDIS_URL": "redis://x"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cfg, err := ParseConfig(Defaults(with()))
	require.NoError(t, err)
	require.Empty(t, cfg.StripeSecretKey)
	why := newCatalog(cfg).Unavailable("payments", "stripe")
	require.Contains(t, why, "STVOS_STRIPE_SECRET_KEY")
	require.Empty(t, newCatalog(cfg).Unavailable("payments", "sandbox"))
	require.Equal(t, []string{"sandbox", "stripe"}, newCatalog(cfg).Choices("payments"))

	cfg, err = ParseConfig(Defaults(with("STVOS_STRIPE_SECRET_KEY", "sk_test_abc", "STVOS_STRIPE_URL", "http://127.0.0.1:12111/")))
	require.NoError(t, err)
	require.Equal(t, "sk_test_abc", cfg.StripeSecretKey)
	require.Equal(t, "http://127.0.0.1:12111", cfg.StripeURL)
	require.Empty(t, newCatalog(cfg).Unavailable("payments", "stripe"))

	for _, bad := range [][]string{
		{"STVOS_STRIPE_SECRET_KEY", "pk_live_publishable"},
		{"STVOS_STRIPE_URL", "api.stripe.com"},
		{"STVOS_STRIPE_URL", "ftp://api.stripe.com"},
	} {
		_, err := ParseConfig(Defaults(with(bad...)))
		require.ErrorContains(t, err, bad[0], "%v", bad)
		require.NotContains(t, err.Error(), "pk_live_publishable", "a key is never repeated in an error")
	}
}

// TestStripeKeyNeverShownInHelp: the key comes from the environment without becoming the
// flag's default, which --help prints.
func TestStripeKeyNeverShownInHelp(t *testing.T) {
	t.Setenv("STVOS_STRIPE_SECRET_KEY", "sk_live_secret_never_printed")
	t.Setenv("STVOS_DATABASE_URL", "postgres://x")
	t.Setenv("STVOS_REDIS_URL", "redis://x")
	cfg, err := LoadConfig("stvos serve", nil)
	require.NoError(t, err)
	require.Equal(t, "sk_live_secret_never_printed", cfg.StripeSecretKey, "read from the environment")
	cfg, err = LoadConfig("stvos serve", []string{"--stripe-secret-key", "sk_test_flag"})
	require.NoError(t, err)
	require.Equal(t, "sk_test_flag", cfg.StripeSecretKey, "a flag wins")

	// --help writes the flags and their defaults to standard error.
	r, w, err := os.Pipe()
	require.NoError(t, err)
	stderr := os.Stderr
	os.Stderr = w
	_, err = LoadConfig("stvos serve", []string{"--help"})
	os.Stderr = stderr
	require.NoError(t, w.Close())
	help, _ := io.ReadAll(r)
	require.ErrorIs(t, err, flag.ErrHelp)
	require.Contains(t, string(help), "stripe-secret-key")
	require.NotContains(t, string(help), "sk_live_secret_never_printed")
}
