package app

import (
	"context"
	"errors"
	"log/slog"

	"github.com/stvos/stvos/core/identity"
	"github.com/stvos/stvos/core/tenant"
)

// maintenance is the periodic upkeep the job runner calls: each tenant's expired OAuth codes and
// tokens, device codes and old sessions are removed, tenant by tenant under row-level security.
type maintenance struct {
	tenants *tenant.Service
	ids     *identity.Service
	purge   identity.PurgeStore
	log     *slog.Logger
}

// PurgeExpired runs the purge for every tenant; one tenant's failure does not stop the others.
func (m *maintenance) PurgeExpired(ctx context.Context) error {
	var errs []error
	total := identity.Purged{}
	after := ""
	for {
		ts, more, err := m.tenants.List(ctx, after, tenant.MaxPageSize)
		if err != nil {
			return err
		}
		for _, t := range ts {
			p, err := m.ids.PurgeExpired(ctx, t.ID, m.purge)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			total.OAuthRecords += p.OAuthRecords
			total.DeviceCodes += p.DeviceCodes
			total.Sessions += p.Sessions
		}
		if !more || len(ts) == 0 {
			break
		}
		after = ts[len(ts)-1].ID
	}
	m.log.InfoContext(ctx, "purged expired rows", "oauth_records", total.OAuthRecords, "device_codes", total.DeviceCodes,
		"sessions", total.Sessions, "failed_tenants", len(errs))
	return errors.Join(errs...)
}
