// Package subscriber serves the subscriber management surface: subscribers manage their account
// and sessions; tenant admins manage users and read the audit log. Conventions: snake_case, no
// envelope, flat error body, cursor pagination, ETag and If-Match on admin mutations.
package subscriber

import (
	"net/http"

	"go.uber.org/fx"

	"github.com/stvos/stvos/app/flagapi"
	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/balance"
	"github.com/stvos/stvos/core/catalog"
	"github.com/stvos/stvos/core/coupon"
	"github.com/stvos/stvos/core/flag"
	"github.com/stvos/stvos/core/giftcard"
	"github.com/stvos/stvos/core/invoice"
	"github.com/stvos/stvos/core/notification"
	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/core/privacy"
	"github.com/stvos/stvos/core/profile"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/subscription"
	"github.com/stvos/stvos/core/useradmin"
	"github.com/stvos/stvos/ports"
)

// Spec is the subscriber management surface.
var Spec = surface.Spec{
	Name:  "subscriber",
	Title: "stvos subscriber management API",
	Description: "Subscribers manage their account, profiles, subscription, payments, notifications and privacy; " +
		"tenant admins manage users, plans, coupons, gift cards and the catalog. Send the user's access token as Authorization: Bearer.",
	Style: surface.Flat,
}

// Services are the use cases the surface calls.
type Services struct {
	fx.In
	Accounts *account.Service
	Sessions *session.Service
	Users    *useradmin.Service
	Audit    *audit.Service
	Catalog  *catalog.Service
	Plans    *plan.Service
	Coupons  *coupon.Service
	Cards    *giftcard.Service
	Balances *balance.Service
	Payments *payment.Service
	Subs     *subscription.Service
	Invoices *invoice.Service
	Profiles *profile.Service
	Privacy  *privacy.Service
	Signer   ports.TokenSigner
	// Notifications are the caller's in-app notifications.
	Notifications *notification.Service
	Flags         *flag.Service
}

// New builds the surface and registers its routes.
func New(mux *http.ServeMux, deps surface.Deps, svc Services) *surface.Surface {
	s := surface.New(mux, Spec, deps)
	registerMe(s, svc.Accounts, svc.Sessions, svc.Balances)
	registerAvatar(s, svc.Accounts)
	registerAdminUsers(s, svc.Users)
	registerAdminSessions(s, svc.Users)
	registerAuditLog(s, svc.Audit)
	registerCatalog(s, svc.Catalog)
	registerPlans(s, svc.Plans)
	registerCoupons(s, svc.Coupons)
	registerGiftCards(s, svc.Cards)
	registerPaymentMethods(s, svc.Payments)
	registerSubscriptions(s, svc.Subs, svc.Payments)
	registerInvoices(s, svc.Invoices)
	registerNotifications(s, svc.Notifications)
	registerProfiles(s, svc.Profiles)
	registerPrivacy(s, svc.Privacy)
	registerJWKS(s, svc.Signer)
	flagapi.Register(s, flagapi.Routes{Prefix: "/admin", Tag: "admin-",
		Access: func(act string) map[string]any { return surface.Permit("admin:flags:"+act, surface.UserToken) }}, svc.Flags)
	return s
}

// Module provides the surface to the server.
var Module = fx.Module("subscriber", fx.Provide(fx.Annotate(New, fx.ResultTags(`group:"surfaces"`))))
