package app

import (
	"context"
	"errors"
	"log/slog"

	"github.com/stvos/stvos/core/device"
	"github.com/stvos/stvos/core/grant"
	"github.com/stvos/stvos/core/notification"
	"github.com/stvos/stvos/core/privacy"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/sso"
	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/ports"
)

// maintenance is the periodic upkeep the job runner calls: each tenant's expired OAuth codes and
// tokens, device codes, old sessions, expired idempotency keys, expired notifications and the
// archives of data exports whose link expired and expired SSO login tickets are removed, tenant by tenant under row-level
// security.
type maintenance struct {
	tenants  *tenant.Service
	grants   *grant.Service
	devices  *device.Service
	sessions *session.Service
	keys     ports.Idempotency
	notes    *notification.Service
	privacy  *privacy.Service
	sso      *sso.Service
	clock    ports.Clock
	log      *slog.Logger
}

func newMaintenance(t *tenant.Service, g *grant.Service, d *device.Service, s *session.Service, k ports.Idempotency,
	p *privacy.Service, c ports.Clock, log *slog.Logger, n *notification.Service, o *sso.Service) *maintenance {
	return &maintenance{tenants: t, grants: g, devices: d, sessions: s, keys: k, privacy: p, clock: c, log: log, notes: n, sso: o}
}

// purgeKeys removes a tenant's idempotency keys whose answers expired.
func (m *maintenance) purgeKeys(ctx context.Context, tenantID string) (int, error) {
	return m.keys.Purge(ctx, tenantID, m.clock.Now())
}

// PurgeExpired runs the purge for every tenant; one tenant's failure does not stop the others
// (each purge is idempotent: the next run finishes what one left).
func (m *maintenance) PurgeExpired(ctx context.Context) error {
	var (
		errs                                                 []error
		records, codes, ended, keys, notes, exports, tickets int
		purges                                               = []struct {
			n   *int
			run func(context.Context, string) (int, error)
		}{{&records, m.grants.Purge}, {&codes, m.devices.Purge}, {&ended, m.sessions.Purge}, {&keys, m.purgeKeys},
			{&notes, m.notes.Purge}, {&exports, m.privacy.PurgeExports}, {&tickets, m.sso.Purge}}
	)
	after := ""
	for {
		ts, more, err := m.tenants.List(ctx, after, tenant.MaxPageSize)
		if err != nil {
			return err
		}
		for _, t := range ts {
			for _, p := range purges {
				n, err := p.run(ctx, t.ID)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				*p.n += n
			}
		}
		if !more || len(ts) == 0 {
			break
		}
		after = ts[len(ts)-1].ID
	}
	m.log.InfoContext(ctx, "purged expired rows", "oauth_records", records, "device_codes", codes,
		"sessions", ended, "idempotency_keys", keys, "notifications", notes, "export_archives", exports, "sso_tickets", tickets,
		"failures", len(errs))
	return errors.Join(errs...)
}
