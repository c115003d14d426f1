package app

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEmailSettings: the relay URL and sender are read and checked; without a relay the catalog
// lists smtp but refuses it with the setting to set, and a relay's password never reaches an error.
func TestEmailSettings(t *testing.T) {
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
	require.Empty(t, cfg.SMTPURL)
	require.Equal(t, "no-reply@localhost", cfg.MailFrom)
	require.Equal(t, []string{"outbox", "smtp"}, newCatalog(cfg).Choices("email"))
	require.Contains(t, newCatalog(cfg).Unavailable("email", "smtp"), "STVOS_SMTP_URL")
	require.Empty(t, newCatalog(cfg).Unavailable("email", "outbox"))

	cfg, err = ParseConfig(Defaults(with("STVOS_SMTP_URL", "smtp://u:p@mail.example.com:587", "STVOS_MAIL_FROM", "Acme <no-reply@acme.tv>")))
	require.NoError(t, err)
	require.Empty(t, newCatalog(cfg).Unavailable("email", "smtp"))
	require.Equal(t, "Acme <no-reply@acme.tv>", cfg.MailFrom)

	for _, bad := range [][]string{
		{"STVOS_SMTP_URL", "http://u:hunter2@mail.example.com"},
		{"STVOS_SMTP_URL", "smtp://u:hunter2@mail.example.com:0x"},
		{"STVOS_SMTP_URL", "smtp://u:hunter2@mail.example.com?starttls=sometimes"},
		{"STVOS_MAIL_FROM", "nobody"},
	} {
		_, err := ParseConfig(Defaults(with(bad...)))
		require.ErrorContains(t, err, bad[0], "%v", bad)
		require.NotContains(t, err.Error(), "hunter2", "a password is never repeated in an error")
	}
}
