package ports

// HTMLSanitizer makes HTML that people write safe to render in a client's apps: it keeps
// formatting, headings, lists, tables, images and http(s)/mailto links, and drops scripts, event
// handlers, styles, frames, forms and javascript: or data: URLs. It is idempotent: cleaning clean
// HTML gives it back unchanged.
type HTMLSanitizer interface {
	SanitizeHTML(html string) string
}
