// Package notification is a subscriber's in-app notifications: short messages other contexts
// (billing, subscriptions, privacy, security) leave for a user, which the user lists, marks read or
// unread, and deletes. Other contexts create them with Service.Notify inside their own unit of
// work, so a notification commits or rolls back with the change that causes it. Notify honours the
// account's notification_preferences (a type set to false is not created, except the mandatory
// types), deduplicates by an optional key, sets an expiry (per type, or the producer's), and keeps
// at most MaxPerUser per user. Expired notifications are neither listed nor counted, and the
// periodic purge removes them. Email is not this package's concern (core/mailer).
package notification

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/ports"
)

// The notification types. The specification's sample shows payment_failed; the rest follow its
// naming (snake_case, subject then event). Each has a default priority and lifetime, and is either
// optional (a user may opt out in notification_preferences) or mandatory.
const (
	// TypePaymentFailed: a charge (a renewal, a dunning retry) failed; the user must act to keep
	// access. Mandatory.
	TypePaymentFailed = "payment_failed"
	// TypePaymentSucceeded: a charge went through.
	TypePaymentSucceeded = "payment_succeeded"
	// TypeRenewalUpcoming: the subscription renews (and is charged) soon.
	TypeRenewalUpcoming = "renewal_upcoming"
	// TypeSubscriptionRenewed: the subscription renewed for another period.
	TypeSubscriptionRenewed = "subscription_renewed"
	// TypeSubscriptionCanceled: the subscription was canceled (by the user, or for non-payment)
	// and access ends at the period's end. Mandatory.
	TypeSubscriptionCanceled = "subscription_canceled"
	// TypePlanChanged: the plan was upgraded or downgraded.
	TypePlanChanged = "plan_changed"
	// TypeTrialEnding: the free trial ends soon and the first charge follows.
	TypeTrialEnding = "trial_ending"
	// TypeRefundIssued: an invoice was refunded.
	TypeRefundIssued = "refund_issued"
	// TypeExportReady: the data export the user asked for is ready to download. Mandatory.
	TypeExportReady = "export_ready"
	// TypeDeletionScheduled: the account is scheduled for deletion after the grace period.
	// Mandatory.
	TypeDeletionScheduled = "account_deletion_scheduled"
	// TypeSecurityAlert: a security-relevant change (password changed, new sign-in). Mandatory.
	TypeSecurityAlert = "security_alert"
	// TypeNewContent: new classes in the catalog.
	TypeNewContent = "new_content"
	// TypeMarketing: offers and announcements of the client.
	TypeMarketing = "marketing"
)

// The priorities, lowest first. The specification's sample shows low.
const (
	PriorityLow    = "low"
	PriorityNormal = "normal"
	PriorityHigh   = "high"
)

// Limits of a notification and of a user's notifications.
const (
	// MaxPerUser is how many notifications a user keeps: creating one more removes the oldest.
	MaxPerUser = 500
	// DefaultTTL is how long a notification lives unless its type or its producer says otherwise.
	DefaultTTL = 90 * 24 * time.Hour
	// MaxTTL bounds an expiry a producer sets.
	MaxTTL       = 366 * 24 * time.Hour
	MaxTitle     = 200
	MaxBody      = 2000
	MaxActionURL = 2048
	MaxKey       = 200
	// DefaultPageSize and MaxPageSize bound a page of the list.
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// kind is what a type implies.
type kind struct {
	priority string
	ttl      time.Duration
	// mandatory types are created whatever the user's preferences: they concern the user's money,
	// access, data or security, and the user must be able to act on them.
	mandatory bool
}

var kinds = map[string]kind{
	TypePaymentFailed:        {PriorityHigh, DefaultTTL, true},
	TypePaymentSucceeded:     {PriorityLow, DefaultTTL, false},
	TypeRenewalUpcoming:      {PriorityNormal, 30 * 24 * time.Hour, false},
	TypeSubscriptionRenewed:  {PriorityLow, DefaultTTL, false},
	TypeSubscriptionCanceled: {PriorityNormal, DefaultTTL, true},
	TypePlanChanged:          {PriorityLow, DefaultTTL, false},
	TypeTrialEnding:          {PriorityNormal, 30 * 24 * time.Hour, false},
	TypeRefundIssued:         {PriorityLow, DefaultTTL, false},
	TypeExportReady:          {PriorityNormal, 7 * 24 * time.Hour, true},
	TypeDeletionScheduled:    {PriorityHigh, DefaultTTL, true},
	TypeSecurityAlert:        {PriorityHigh, DefaultTTL, true},
	TypeNewContent:           {PriorityLow, 30 * 24 * time.Hour, false},
	TypeMarketing:            {PriorityLow, 30 * 24 * time.Hour, false},
}

// Types lists every notification type, sorted.
func Types() []string {
	out := make([]string, 0, len(kinds))
	for t := range kinds {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// Priorities lists the priorities, lowest first.
func Priorities() []string { return []string{PriorityLow, PriorityNormal, PriorityHigh} }

// Mandatory reports whether a type is created whatever the user's preferences.
func Mandatory(typ string) bool { return kinds[typ].mandatory }

// DefaultPriority is a type's priority when its producer names none.
func DefaultPriority(typ string) string { return kinds[typ].priority }

// TTL is how long a notification of the type lives when its producer sets no expiry.
func TTL(typ string) time.Duration { return kinds[typ].ttl }

// Wanted reports whether a user with the preferences receives notifications of the type: always
// for mandatory types, else unless the preference for the type (its key is the type) is false. A
// type the preferences do not name is wanted.
func Wanted(typ string, prefs map[string]bool) bool {
	if Mandatory(typ) {
		return true
	}
	on, named := prefs[typ]
	return !named || on
}

// Notification is one in-app notification of a user.
type Notification struct {
	ID       string
	TenantID string
	UserID   string
	Type     string
	Priority string
	Title    string
	Body     string
	// ActionURL is where the notification leads (an absolute http or https URL), or empty.
	ActionURL string
	// Key is the producer's deduplication key, or empty.
	Key       string
	ReadAt    *time.Time
	ExpiresAt time.Time
	CreatedAt time.Time
}

// IsRead reports whether the user has read the notification.
func (n Notification) IsRead() bool { return n.ReadAt != nil }

// New is what a producer asks Notify to create.
type New struct {
	TenantID string
	UserID   string
	// Type is one of the Type constants.
	Type string
	// Priority is one of the Priority constants; empty: the type's default.
	Priority string
	// Title is required: 1 to 200 characters. Body is optional: up to 2000.
	Title string
	Body  string
	// ActionURL is optional: an absolute http or https URL of up to 2048 characters.
	ActionURL string
	// Key, when not empty, deduplicates: the user gets at most one notification with the key
	// (for example "payment_failed:<invoice id>:<attempt>"), so a retried job notifies once. The
	// key is remembered while the notification lives, even after the user deleted it. Up to 200
	// characters.
	Key string
	// ExpiresAt is optional: when the notification expires (in the future, within MaxTTL); by
	// default the type's TTL from now.
	ExpiresAt *time.Time
}

// notification checks the input and builds the notification it asks for at now.
func (in New) notification(now time.Time) (Notification, error) {
	var v ports.Validation
	v.Check(ports.IsID(in.TenantID), "tenant_id", "must be a tenant id")
	v.Check(ports.IsID(in.UserID), "user_id", "must be a user id")
	_, known := kinds[in.Type]
	v.Check(known, "type", "must be one of "+strings.Join(Types(), ", "))
	v.Check(in.Priority == "" || slices.Contains(Priorities(), in.Priority), "priority", "must be low, normal or high")
	title := strings.TrimSpace(in.Title)
	n := utf8.RuneCountInString(title)
	v.Check(n >= 1 && n <= MaxTitle, "title", "must be 1 to 200 characters")
	v.Check(utf8.RuneCountInString(in.Body) <= MaxBody, "body", "must be at most 2000 characters")
	v.Check(in.ActionURL == "" || validURL(in.ActionURL), "action_url", "must be an absolute http or https URL of at most 2048 characters")
	v.Check(utf8.RuneCountInString(in.Key) <= MaxKey, "key", "must be at most 200 characters")
	if in.ExpiresAt != nil {
		v.Check(in.ExpiresAt.After(now), "expires_at", "must be in the future")
		v.Check(!in.ExpiresAt.After(now.Add(MaxTTL)), "expires_at", "must be within 366 days")
	}
	if err := v.Err(); err != nil {
		return Notification{}, err
	}
	out := Notification{ID: ports.NewID(), TenantID: in.TenantID, UserID: in.UserID, Type: in.Type, Priority: in.Priority,
		Title: title, Body: in.Body, ActionURL: in.ActionURL, Key: in.Key, ExpiresAt: now.Add(TTL(in.Type)), CreatedAt: now}
	if out.Priority == "" {
		out.Priority = DefaultPriority(in.Type)
	}
	if in.ExpiresAt != nil {
		out.ExpiresAt = in.ExpiresAt.UTC().Truncate(time.Microsecond)
	}
	return out, nil
}

func validURL(s string) bool {
	if len(s) > MaxActionURL || strings.ContainsAny(s, " \r\n\t") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
