package subscriber

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/notification"
)

// NotificationBody is a notification as the specification shows it.
type NotificationBody struct {
	ID        string               `json:"id" format:"uuid"`
	Type      NotificationType     `json:"type" doc:"What the notification is about; also its key in the account's notification_preferences. payment_failed, subscription_canceled, export_ready, account_deletion_scheduled and security_alert are always delivered; the others not when the preference for the type is false."`
	Priority  NotificationPriority `json:"priority"`
	Title     string               `json:"title"`
	Body      string               `json:"body"`
	ActionURL *string              `json:"action_url" nullable:"true" format:"uri" doc:"Where the notification leads; null: nowhere."`
	IsRead    bool                 `json:"is_read"`
	ReadAt    *time.Time           `json:"read_at" nullable:"true" doc:"When it was first read; null while unread."`
	ExpiresAt time.Time            `json:"expires_at" doc:"After this it is no longer listed, counted or found, and is removed."`
	CreatedAt time.Time            `json:"created_at"`
}

// NotificationType is a notification's type; its schema lists the core's types.
type NotificationType string

// Schema documents the type as the enum of the core's types.
func (NotificationType) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Enum: enum(notification.Types())}
}

// NotificationPriority is a notification's priority; its schema lists the core's priorities.
type NotificationPriority string

// Schema documents the priority as the enum of the core's priorities.
func (NotificationPriority) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Enum: enum(notification.Priorities())}
}

func enum(values []string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

func notificationBody(n notification.Notification) NotificationBody {
	b := NotificationBody{ID: n.ID, Type: NotificationType(n.Type), Priority: NotificationPriority(n.Priority), Title: n.Title, Body: n.Body, IsRead: n.IsRead(),
		ReadAt: n.ReadAt, ExpiresAt: n.ExpiresAt, CreatedAt: n.CreatedAt}
	if n.ActionURL != "" {
		u := n.ActionURL
		b.ActionURL = &u
	}
	return b
}

// ListNotificationsInput pages the caller's notifications.
type ListNotificationsInput struct {
	Cursor     string `query:"cursor" maxLength:"64" doc:"Opaque pagination cursor from meta.next_cursor."`
	Limit      int    `query:"limit" minimum:"1" maximum:"100" default:"20" doc:"Number of items per page (1–100, default 20)."`
	UnreadOnly bool   `query:"unread_only" default:"false" doc:"Only unread notifications."`
}

// NotificationPageBody is a page of notifications with the unread count.
type NotificationPageBody struct {
	Data        []NotificationBody `json:"data"`
	UnreadCount int                `json:"unread_count" doc:"All the caller's unread notifications, on every page, whatever unread_only."`
	Meta        surface.CursorMeta `json:"meta"`
}

// NotificationListOutput is a page of notifications.
type NotificationListOutput struct {
	Body NotificationPageBody
}

// NotificationIDInput names a notification of the caller.
type NotificationIDInput struct {
	NotifID string `path:"notif_id" format:"uuid"`
}

// SetNotificationReadInput marks a notification read or unread.
type SetNotificationReadInput struct {
	NotificationIDInput
	Body struct {
		IsRead bool `json:"is_read" doc:"true: read (read_at keeps when it was first read); false: unread again."`
	}
}

// NotificationOutput is one notification.
type NotificationOutput struct {
	Body NotificationBody
}

const notFoundDoc = " Another account's notification, an expired or deleted one, and an id that is no notification all answer " +
	"404 NOTIFICATION_NOT_FOUND."

func registerNotifications(s *surface.Surface, notes *notification.Service) {
	read := surface.PermitScoped("self:notifications:read", "profile", surface.UserToken)
	write := surface.PermitScoped("self:notifications:write", "profile", surface.UserToken)
	huma.Register(s.API, huma.Operation{
		OperationID: "list-notifications", Method: http.MethodGet, Path: "/notifications", Tags: []string{"notifications"},
		Summary: "List notifications",
		Description: "The caller's in-app notifications, newest first (a stable order: ids are time-ordered), cursor-paginated; " +
			"only unread ones with unread_only. Expired notifications are neither listed nor counted.",
		Metadata: read, Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ListNotificationsInput) (*NotificationListOutput, error) {
		p := surface.PrincipalFrom(ctx)
		limit := max(in.Limit, 1)
		page, err := notes.List(ctx, p.TenantID, p.Subject, in.UnreadOnly, in.Cursor, limit)
		if err != nil {
			return nil, err
		}
		data := make([]NotificationBody, len(page.Items))
		for i, n := range page.Items {
			data[i] = notificationBody(n)
		}
		cp := surface.NewCursorPage(data, page.More, limit, func(b NotificationBody) string { return b.ID })
		return &NotificationListOutput{Body: NotificationPageBody{Data: cp.Data, UnreadCount: page.Unread, Meta: cp.Meta}}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "mark-all-notifications-read", Method: http.MethodPost, Path: "/notifications/read-all",
		Tags: []string{"notifications"}, Summary: "Mark all notifications as read",
		Description:   "Marks every unread notification of the caller read; answers 204.",
		DefaultStatus: http.StatusNoContent, Metadata: write,
	}, func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		p := surface.PrincipalFrom(ctx)
		_, err := notes.MarkAllRead(ctx, p.TenantID, p.Subject)
		return nil, err
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "update-notification", Method: http.MethodPatch, Path: "/notifications/{notif_id}",
		Tags: []string{"notifications"}, Summary: "Mark notification as read / unread",
		Description: "Marks one notification read (is_read true) or unread again (false) and answers it." + notFoundDoc,
		Metadata:    write, Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *SetNotificationReadInput) (*NotificationOutput, error) {
		p := surface.PrincipalFrom(ctx)
		n, err := notes.SetRead(ctx, p.TenantID, p.Subject, in.NotifID, in.Body.IsRead)
		if err != nil {
			return nil, err
		}
		return &NotificationOutput{Body: notificationBody(n)}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "delete-notification", Method: http.MethodDelete, Path: "/notifications/{notif_id}",
		Tags: []string{"notifications"}, Summary: "Delete notification",
		Description:   "Removes one notification; answers 204." + notFoundDoc,
		DefaultStatus: http.StatusNoContent, Metadata: write, Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *NotificationIDInput) (*struct{}, error) {
		p := surface.PrincipalFrom(ctx)
		return nil, notes.Delete(ctx, p.TenantID, p.Subject, in.NotifID)
	})
}
