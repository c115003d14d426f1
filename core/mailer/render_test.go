package mailer_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/mailer"
)

func renderer(t *testing.T) *mailer.Renderer {
	t.Helper()
	r, err := mailer.NewRenderer()
	require.NoError(t, err)
	return r
}

func TestRenderBrandingAndEscaping(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	b := mailer.Brand{Name: `Evil <script>alert(1)</script> & Co`, PrimaryColor: "#ff6600", LogoURL: "https://cdn.acme.test/logo.png"}
	out, err := r.Render(mailer.EventPaymentFailed, "en", b, `Ana "<b>"`, map[string]string{
		"amount": "9.99 USD", "action_url": "https://acme.test/billing?a=1&b=2"})
	require.NoError(t, err)
	require.Equal(t, "en", out.Language)
	require.Equal(t, `Your payment to Evil <script>alert(1)</script> & Co failed`, out.Subject, "the subject is plain text")
	require.NotContains(t, out.HTML, "<script>", "the client's name is escaped in the HTML body")
	require.Contains(t, out.HTML, "Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co")
	require.Contains(t, out.HTML, "Ana &#34;&lt;b&gt;&#34;")
	require.Contains(t, out.HTML, `src="https://cdn.acme.test/logo.png"`)
	require.Contains(t, out.HTML, "#ff6600", "the client's colour")
	require.Contains(t, out.HTML, `href="https://acme.test/billing?a=1&amp;b=2"`)
	require.Contains(t, out.HTML, "<strong>9.99 USD</strong>")
	require.Contains(t, out.HTML, "<title>Your payment to Evil &lt;script&gt;")
	require.Contains(t, out.Text, "Hello Ana \"<b>\",")
	require.Contains(t, out.Text, "9.99 USD")
	require.Contains(t, out.Text, "https://acme.test/billing?a=1&b=2")
}

func TestRenderRefusesUnsafeBranding(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	out, err := r.Render(mailer.EventWelcome, "", mailer.Brand{Name: "Acme", PrimaryColor: "red;background:url(x)",
		LogoURL: "javascript:alert(1)"}, "", map[string]string{"action_url": "javascript:alert(2)"})
	require.NoError(t, err)
	require.NotContains(t, out.HTML, "javascript:")
	require.NotContains(t, out.HTML, "url(x)")
	require.Contains(t, out.HTML, mailer.DefaultColor)
	require.Contains(t, out.HTML, "<strong style=\"font-size:20px;color:#18181b\">Acme</strong>", "no logo: the name")
	require.True(t, strings.HasPrefix(out.Text, "Hello,\n"), "no name: a plain greeting")
}

func TestRenderLanguage(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	b := mailer.Brand{Name: "Acme TV", PrimaryColor: "#123456"}
	for tag, want := range map[string]string{"": "en", "en": "en", "de": "de", "de-AT": "de", "DE_ch": "de", "fr": "en", "xx-YY": "en"} {
		require.Equal(t, want, r.Language(mailer.EventWelcome, tag), tag)
	}
	de, err := r.Render(mailer.EventWelcome, "de-AT", b, "Jonas", nil)
	require.NoError(t, err)
	require.Equal(t, "de", de.Language)
	require.Equal(t, "Willkommen bei Acme TV", de.Subject)
	require.Contains(t, de.Text, "Hallo Jonas,")
	require.Contains(t, de.HTML, `<html lang="de">`)
	en, err := r.Render(mailer.EventWelcome, "fr", b, "Jonas", nil)
	require.NoError(t, err)
	require.Equal(t, "Welcome to Acme TV", en.Subject, "a language without templates falls back to English")

	_, err = r.Render("no_such_event", "en", b, "", nil)
	require.Error(t, err)
	require.Equal(t, []string{mailer.EventDeletionScheduled, mailer.EventExportReady, mailer.EventPaymentFailed, mailer.EventRenewal,
		mailer.EventTrialEnding, mailer.EventWelcome}, r.Events())
}

// TestRenderBillingMessages reads the billing messages as a subscriber would: what failed and when
// the next try is, or that the subscription ended; the renewal's receipt; the trial's notice.
func TestRenderBillingMessages(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	b := mailer.Brand{Name: "Acme TV", PrimaryColor: "#123456"}
	m, err := r.Render(mailer.EventPaymentFailed, "en", b, "Ada", map[string]string{"amount": "12.50 USD",
		"invoice_number": "INV-2026-00007", "final": "false", "next_attempt": "2027-02-10"})
	require.NoError(t, err)
	require.Equal(t, "Your payment to Acme TV failed", m.Subject)
	require.Contains(t, m.Text, "we could not take your payment of 12.50 USD for Acme TV (invoice INV-2026-00007).")
	require.Contains(t, m.Text, "we will try again on 2027-02-10.")
	m, err = r.Render(mailer.EventPaymentFailed, "de", b, "Ada", map[string]string{"amount": "12.50 EUR", "final": "true"})
	require.NoError(t, err)
	require.Equal(t, "Ihr Abonnement bei Acme TV ist beendet", m.Subject)
	require.Contains(t, m.Text, "Nach mehreren Versuchen ist Ihr Abonnement nun beendet.")
	require.NotContains(t, m.Text, "erneut")
	m, err = r.Render(mailer.EventRenewal, "en", b, "Ada", map[string]string{"amount": "12.50 USD", "plan": "Family, monthly",
		"invoice_number": "INV-2026-00008", "next_billing_date": "2027-03-09"})
	require.NoError(t, err)
	require.Equal(t, "Your Acme TV subscription was renewed", m.Subject)
	require.Contains(t, m.Text, "your Acme TV subscription (Family, monthly) has been renewed. We charged 12.50 USD (invoice INV-2026-00008). Your next billing date is 2027-03-09.")
	m, err = r.Render(mailer.EventTrialEnding, "de", b, "Ada", map[string]string{"trial_end": "2027-01-09", "amount": "12.50 EUR", "cycle": "Monat"})
	require.NoError(t, err)
	require.Equal(t, "Ihr Testzeitraum bei Acme TV endet am 2027-01-09", m.Subject)
	require.Contains(t, m.Text, "für 12.50 EUR pro Monat weiter")
}

func TestRenderNotices(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	n, ok, err := r.Notice(mailer.EventPaymentFailed, "de-AT", map[string]string{"amount": "12.50 EUR",
		"invoice_number": "INV-2026-00007", "final": "false", "next_attempt": "2027-02-10"})
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, mailer.Notice{Language: "de", Title: "Ihre Zahlung ist fehlgeschlagen",
		Body: "Wir konnten Ihre Zahlung über 12.50 EUR (Rechnung INV-2026-00007) nicht einziehen. Bitte prüfen Sie Ihre " +
			"Zahlungsmethode: Wir versuchen es am 2027-02-10 erneut."}, n)
	n, _, err = r.Notice(mailer.EventPaymentFailed, "fr", map[string]string{"amount": "12.50 USD", "final": "true"})
	require.NoError(t, err)
	require.Equal(t, "en", n.Language, "a language without notices gets English")
	require.Equal(t, "Your subscription has ended", n.Title)
	require.Equal(t, "We could not take your payment of 12.50 USD. We tried several times, so your subscription has ended.", n.Body)
	n, _, err = r.Notice(mailer.EventRenewal, "en", map[string]string{"amount": "9.99 USD", "invoice_number": "INV-2026-00008",
		"next_billing_date": "2027-03-09"})
	require.NoError(t, err)
	require.Equal(t, "We charged 9.99 USD (invoice INV-2026-00008). Your next billing date is 2027-03-09.", n.Body)
	for _, event := range []string{mailer.EventPaymentFailed, mailer.EventRenewal, mailer.EventTrialEnding, mailer.EventExportReady,
		mailer.EventDeletionScheduled, mailer.EventSubscriptionCanceled} {
		for _, lang := range []string{"en", "de"} {
			n, ok, err := r.Notice(event, lang, map[string]string{"amount": "1.00 USD", "trial_end": "2027-01-09",
				"deletion_date": "2027-01-09", "expires_at": "2027-01-09 10:00 UTC"})
			require.NoError(t, err)
			require.True(t, ok, event)
			require.Equal(t, lang, n.Language, event)
			require.NotEmpty(t, n.Title, "%s/%s", event, lang)
			require.NotEmpty(t, n.Body, "%s/%s", event, lang)
			require.NotContains(t, n.Title+n.Body, "<no value>")
		}
	}
	_, ok, err = r.Notice(mailer.EventWelcome, "en", nil)
	require.NoError(t, err)
	require.False(t, ok, "a welcome is an email only")
	require.NotContains(t, r.Events(), mailer.EventSubscriptionCanceled, "a canceled subscription is a notice only")
}
