// Package sanitize implements ports.HTMLSanitizer with bluemonday's user-generated-content policy,
// the allow-list sanitizer that OWASP and most Go forums use: what is not listed is removed, so a
// new attack vector needs a new allowed element, not a new blocked one.
package sanitize

import (
	"github.com/microcosm-cc/bluemonday"

	"github.com/stvos/stvos/ports"
)

// HTML is the sanitizer. Its policy is built once; bluemonday policies are safe for concurrent use.
type HTML struct{ policy *bluemonday.Policy }

var _ ports.HTMLSanitizer = HTML{}

// New returns the sanitizer: bluemonday's UGC policy (formatting, headings, lists, tables, images,
// links with rel="nofollow"), with links limited to http, https and mailto and opened in a new tab.
func New() HTML {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return HTML{policy: p}
}

// SanitizeHTML returns the HTML with everything outside the policy removed.
func (h HTML) SanitizeHTML(s string) string { return h.policy.Sanitize(s) }
