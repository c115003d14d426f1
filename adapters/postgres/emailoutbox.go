package postgres

import (
	"context"
	"time"

	"github.com/stvos/stvos/adapters/email/outbox"
	"github.com/stvos/stvos/ports"
)

// EmailOutbox implements outbox.Store in the table email_outbox (migration 00017).
type EmailOutbox struct{}

var _ outbox.Store = EmailOutbox{}

// Add keeps a message of the unit of work's tenant; see outbox.Store.
func (EmailOutbox) Add(ctx context.Context, m ports.EmailMessage, at time.Time) (bool, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return false, err
	}
	headers := m.Headers
	if headers == nil {
		headers = map[string]string{}
	}
	tag, err := tx.Exec(ctx, `INSERT INTO email_outbox
		(tenant_id, id, sender, reply_to, recipients, subject, text_body, html_body, headers, created_at)
		VALUES (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (tenant_id, id) DO NOTHING`,
		m.ID, m.From, m.ReplyTo, m.To, m.Subject, m.Text, m.HTML, headers, at)
	if err != nil {
		return false, translate(err, "tenant")
	}
	return tag.RowsAffected() == 1, nil
}

// Get reads a message of the unit of work's tenant by its id; see outbox.Store.
func (EmailOutbox) Get(ctx context.Context, id string) (outbox.Kept, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return outbox.Kept{}, err
	}
	var k outbox.Kept
	err = tx.QueryRow(ctx, `SELECT id, sender, reply_to, recipients, subject, text_body, html_body, headers, created_at
		FROM email_outbox WHERE tenant_id = app_tenant_id() AND id = $1`, id).
		Scan(&k.ID, &k.From, &k.ReplyTo, &k.To, &k.Subject, &k.Text, &k.HTML, &k.Headers, &k.At)
	return k, translate(err, "email")
}
