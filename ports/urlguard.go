package ports

import "context"

// URLGuard decides whether a URL given by a caller (a return URL people are sent to, a provider's
// or a webhook endpoint's URL the platform calls) is safe: an absolute https URL (http only for
// loopback hosts in development) whose host is a public address, never a private, loopback,
// link-local, carrier-grade NAT, unique-local or cloud metadata address, carrying no user name or
// password. A host name is resolved when Check is called and every address it resolves to is
// checked; whatever calls the URL later checks the address it dials too, so that a name that
// resolves elsewhere afterwards (DNS rebinding) gains nothing.
//
// Errors: a refused URL is ErrInvalid naming field, with the reason.
type URLGuard interface {
	Check(ctx context.Context, field, raw string) error
}
