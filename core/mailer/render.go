// Package mailer renders and sends the platform's email: a message for an event (welcome,
// payment failed, …) in the recipient's language, dressed in the client's branding (its name,
// primary colour and logo), sent in a background job through the email sender the client chose.
// A use case enqueues the job in the unit of work of the change that causes the message, so the
// message goes out exactly when the change commits.
package mailer

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	texttemplate "text/template"
)

// The events there are templates for.
const (
	// EventWelcome greets a new subscriber. Data: action_url (optional).
	EventWelcome = "welcome"
	// EventPaymentFailed tells a subscriber a renewal could not be charged. Data: amount (as
	// shown, "9.99 USD"), invoice_number, next_attempt (a date, when a retry follows), final
	// ("true" when none does and the subscription ended), action_url (optional).
	EventPaymentFailed = "payment_failed"
	// EventRenewal confirms a renewal was paid. Data: amount, plan, invoice_number,
	// next_billing_date, action_url (optional).
	EventRenewal = "renewal"
	// EventTrialEnding tells a subscriber their free trial ends soon. Data: trial_end (a date),
	// plan, amount, cycle (month, quarter, half-year, year, in the message's language),
	// action_url (optional).
	EventTrialEnding = "trial_ending"
	// EventExportReady tells a person their data export can be downloaded. Data: action_url (the
	// signed download link), expires_at (as shown).
	EventExportReady = "export_ready"
	// EventDeletionScheduled confirms a person's request to delete their account. Data:
	// deletion_date (YYYY-MM-DD, when the account is erased unless they cancel).
	EventDeletionScheduled = "deletion_scheduled"
	// EventSubscriptionCanceled tells a subscriber their subscription ended at its period's end,
	// as they asked: an in-app notice only, without email.
	EventSubscriptionCanceled = "subscription_canceled"
)

// DefaultLanguage is the language of a recipient whose language has no template.
const DefaultLanguage = "en"

// DefaultColor is the primary colour of a client that set none, or one that is not a #rrggbb
// colour (which could otherwise break out of the style attribute it is written into).
const DefaultColor = "#18181b"

// Brand is what a message shows of the client.
type Brand struct {
	// Name is the client's display name.
	Name string
	// PrimaryColor is a #rrggbb colour.
	PrimaryColor string
	// LogoURL is an https URL of the logo; empty shows the name instead.
	LogoURL string
}

// Rendered is a message ready to send.
type Rendered struct {
	Language string
	Subject  string
	Text     string
	HTML     string
}

//go:embed templates notices
var files embed.FS

// Renderer renders the embedded templates. It is safe for concurrent use.
type Renderer struct {
	// events maps an event and a language to its templates.
	events map[string]map[string]pair
	// notices maps an event and a language to the template of its in-app notice (title, body).
	notices map[string]map[string]*texttemplate.Template
}

// Notice is an event's in-app notice, in the recipient's language, as plain text.
type Notice struct {
	Language string
	Title    string
	Body     string
}

type pair struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// NewRenderer parses every template; a template that does not parse is a programming error
// reported here, at start, not when a message is due.
func NewRenderer() (*Renderer, error) {
	r := &Renderer{events: map[string]map[string]pair{}, notices: map[string]map[string]*texttemplate.Template{}}
	layout, err := htmltemplate.ParseFS(files, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("mailer: %w", err)
	}
	err = parseEach("templates/*/*.txt", r.events, func(p, lang string) (pair, error) {
		text, err := texttemplate.New(lang+".txt").Option("missingkey=zero").ParseFS(files, p)
		if err != nil {
			return pair{}, err
		}
		html, err := htmltemplate.Must(layout.Clone()).Option("missingkey=zero").ParseFS(files, strings.TrimSuffix(p, ".txt")+".html")
		return pair{text: text, html: html}, err
	})
	if err != nil {
		return nil, err
	}
	err = parseEach("notices/*/*.txt", r.notices, func(p, lang string) (*texttemplate.Template, error) {
		return texttemplate.New(lang+".txt").Option("missingkey=zero").ParseFS(files, p)
	})
	if err != nil {
		return nil, err
	}
	for event, langs := range r.events {
		if _, ok := langs[DefaultLanguage]; !ok {
			return nil, fmt.Errorf("mailer: event %q has no %q template", event, DefaultLanguage)
		}
	}
	for event, langs := range r.notices {
		if _, ok := langs[DefaultLanguage]; !ok {
			return nil, fmt.Errorf("mailer: the notice of %q has no %q template", event, DefaultLanguage)
		}
	}
	return r, nil
}

// parseEach parses every file of the glob, named <folder>/<event>/<language>.txt, into its event's
// and language's place.
func parseEach[T any](glob string, into map[string]map[string]T, parse func(path, lang string) (T, error)) error {
	paths, err := fs.Glob(files, glob)
	if err != nil {
		return fmt.Errorf("mailer: %w", err)
	}
	for _, p := range paths {
		parts := strings.Split(p, "/")
		event, lang := parts[1], strings.TrimSuffix(parts[2], ".txt")
		t, err := parse(p, lang)
		if err != nil {
			return fmt.Errorf("mailer: %w", err)
		}
		if into[event] == nil {
			into[event] = map[string]T{}
		}
		into[event][lang] = t
	}
	return nil
}

// Notice renders an event's in-app notice in the recipient's language (chosen as Language
// does), or reports that the event has none.
func (r *Renderer) Notice(event, language string, data map[string]string) (Notice, bool, error) {
	langs, ok := r.notices[event]
	if !ok {
		return Notice{}, false, nil
	}
	lang := pick(langs, language)
	v := view{Language: lang, Data: data}
	if v.Data == nil {
		v.Data = map[string]string{}
	}
	var title, body bytes.Buffer
	if err := langs[lang].ExecuteTemplate(&title, "title", v); err != nil {
		return Notice{}, true, fmt.Errorf("mailer: %s/%s notice title: %w", event, lang, err)
	}
	if err := langs[lang].ExecuteTemplate(&body, "body", v); err != nil {
		return Notice{}, true, fmt.Errorf("mailer: %s/%s notice body: %w", event, lang, err)
	}
	return Notice{Language: lang, Title: strings.Join(strings.Fields(title.String()), " "),
		Body: strings.Join(strings.Fields(body.String()), " ")}, true, nil
}

// Events lists the events there are templates for.
func (r *Renderer) Events() []string {
	out := make([]string, 0, len(r.events))
	for e := range r.events {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
}

// Language answers the language an event is rendered in for a recipient's language (a BCP 47
// tag such as "de-AT"): the tag's own when there is a template for it, else its base language's,
// else DefaultLanguage.
func (r *Renderer) Language(event, tag string) string { return pick(r.events[event], tag) }

// pick answers the language of langs for a recipient's language tag: the tag's own, else its
// base language's, else DefaultLanguage.
func pick[T any](langs map[string]T, tag string) string {
	tag = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"))
	if _, ok := langs[tag]; ok && tag != "" {
		return tag
	}
	if base, _, _ := strings.Cut(tag, "-"); base != "" {
		if _, ok := langs[base]; ok {
			return base
		}
	}
	return DefaultLanguage
}

// view is what the templates see.
type view struct {
	Language  string
	Subject   string
	Recipient string
	Brand     Brand
	Data      map[string]string
}

// button is the layout's call-to-action.
type button struct{ URL, Label, Color string }

// Button makes a call-to-action in the client's colour.
func (v view) Button(url, label string) button {
	return button{URL: url, Label: label, Color: v.Brand.PrimaryColor}
}

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Render renders an event's message for a recipient (the name the message greets; empty greets
// no one by name) in the recipient's language, with the client's brand and the event's data.
// Every value is escaped for where it lands: a name with markup shows as text in the HTML body.
// An event without templates is an error.
func (r *Renderer) Render(event, language string, b Brand, recipient string, data map[string]string) (Rendered, error) {
	if _, ok := r.events[event]; !ok {
		return Rendered{}, fmt.Errorf("mailer: no templates for the event %q", event)
	}
	lang := r.Language(event, language)
	p := r.events[event][lang]
	if !hexColor.MatchString(b.PrimaryColor) {
		b.PrimaryColor = DefaultColor
	}
	if !strings.HasPrefix(b.LogoURL, "https://") {
		b.LogoURL = ""
	}
	if data == nil {
		data = map[string]string{}
	}
	v := view{Language: lang, Recipient: strings.TrimSpace(recipient), Brand: b, Data: data}
	var subject, text, html bytes.Buffer
	if err := p.text.ExecuteTemplate(&subject, "subject", v); err != nil {
		return Rendered{}, fmt.Errorf("mailer: %s/%s subject: %w", event, lang, err)
	}
	v.Subject = strings.Join(strings.Fields(subject.String()), " ")
	if err := p.text.ExecuteTemplate(&text, "text", v); err != nil {
		return Rendered{}, fmt.Errorf("mailer: %s/%s text: %w", event, lang, err)
	}
	if err := p.html.ExecuteTemplate(&html, "layout", v); err != nil {
		return Rendered{}, fmt.Errorf("mailer: %s/%s html: %w", event, lang, err)
	}
	return Rendered{Language: lang, Subject: v.Subject, Text: strings.TrimSpace(text.String()) + "\n", HTML: html.String()}, nil
}
