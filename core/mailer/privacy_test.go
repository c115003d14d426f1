package mailer_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/mailer"
)

// TestPrivacyMessages renders the privacy events in English and German: the signed download link
// reaches both bodies whole (escaped in the HTML), and the deletion date is shown.
func TestPrivacyMessages(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	b := mailer.Brand{Name: "Acme TV", PrimaryColor: "#ff6600"}
	link := "https://acme.test/privacy/exports/t/e/archive?expires=1700000000&signature=ab-_cd"
	for lang, subject := range map[string]string{"en": "Your Acme TV data export is ready", "de": "Ihr Datenexport bei Acme TV ist bereit"} {
		out, err := r.Render(mailer.EventExportReady, lang, b, "Ada", map[string]string{"action_url": link, "expires_at": "2026-12-03 10:00 UTC"})
		require.NoError(t, err, lang)
		require.Equal(t, subject, out.Subject)
		require.Contains(t, out.Text, link)
		require.Contains(t, out.Text, "2026-12-03 10:00 UTC")
		require.Contains(t, out.HTML, `href="https://acme.test/privacy/exports/t/e/archive?expires=1700000000&amp;signature=ab-_cd"`)
	}
	for lang, subject := range map[string]string{"en": "Your Acme TV account will be deleted", "de": "Ihr Konto bei Acme TV wird gelöscht"} {
		out, err := r.Render(mailer.EventDeletionScheduled, lang, b, "Ada", map[string]string{"deletion_date": "2027-01-01"})
		require.NoError(t, err, lang)
		require.Equal(t, subject, out.Subject)
		require.Contains(t, out.Text, "2027-01-01")
		require.Contains(t, out.HTML, "<strong>2027-01-01</strong>")
	}
}
