package privacy

import (
	"context"
	"errors"
	"time"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/mailer"
	"github.com/stvos/stvos/ports"
)

// RequestExport queues an export of the account's data: a pending export and its privacy.export
// job, committed together. While one is pending or processing a second is ErrExportInProgress
// (also when two arrive at once: the store's unique index decides).
func (s *Service) RequestExport(ctx context.Context, tenantID string, by audit.Actor, userID string) (Export, error) {
	now := s.now()
	e := Export{ID: ports.NewID(), TenantID: tenantID, UserID: userID, Status: ExportPending, RequestedAt: now, UpdatedAt: now}
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		if err := s.d.Store.CreateExport(ctx, e); err != nil {
			return err
		}
		r := audit.NewRecord(tenantID, by, "privacy.export_requested", "user", userID, now)
		r.Details = map[string]any{"export_id": e.ID}
		if err := s.d.Audit.Append(ctx, r); err != nil {
			return err
		}
		return s.d.Jobs.Enqueue(ctx, ExportJob{TenantID: tenantID, ExportID: e.ID})
	})
	if err != nil {
		return Export{}, err
	}
	return e, nil
}

// LatestExport answers the account's newest export; ErrNoExport when it never asked for one.
func (s *Service) LatestExport(ctx context.Context, tenantID, userID string) (Export, error) {
	var e Export
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		e, err = s.d.Store.LatestExport(ctx, userID)
		return err
	})
	if gone(err) {
		return Export{}, ErrNoExport
	}
	return e, err
}

// Now is the time the service judges by (an export's status, a link's expiry).
func (s *Service) Now() time.Time { return s.now() }

// DownloadURL answers the signed download link of a ready export whose link has not expired,
// else "".
func (s *Service) DownloadURL(e Export) string {
	if e.StatusAt(s.now()) != ExportReady {
		return ""
	}
	return s.d.Links.URL(e.TenantID, e.ID, *e.ExpiresAt)
}

// archiveKey names an export's archive in the blob store; the download route never serves this
// prefix directly.
func archiveKey(e Export) string { return "exports/" + e.TenantID + "/" + e.ID + ".zip" }

// BuildExport is the privacy.export job: it marks the export processing, reads the person's data
// in one go, writes the archive to the blob store, then marks the export ready (the link valid
// for LinkTTL) and emails the link (export_ready), together. Running it again is harmless: an
// export no longer live is left alone, and the archive's key is the export's.
func (s *Service) BuildExport(ctx context.Context, tenantID, exportID string) error {
	scope := ports.TenantScope(tenantID)
	var e Export
	err := s.d.UnitOfWork.Do(ctx, scope, func(ctx context.Context) (err error) {
		if e, err = s.d.Store.Export(ctx, exportID, true); err != nil || !e.Live() {
			return err
		}
		e.Status, e.UpdatedAt = ExportProcessing, s.now()
		return s.d.Store.SaveExport(ctx, e)
	})
	if gone(err) || (err == nil && e.Status != ExportProcessing) {
		return nil // the account was erased, or the export was built or given up already
	}
	if err != nil {
		return err
	}
	var sections []Section
	if err := s.d.UnitOfWork.Read(ctx, scope, func(ctx context.Context) (err error) {
		sections, err = s.d.Store.PersonalData(ctx, e.UserID)
		return err
	}); err != nil {
		return err
	}
	data, err := Archive(e, s.now(), sections)
	if err != nil {
		return err
	}
	key := archiveKey(e)
	if err := s.d.Blobs.Put(ctx, key, ArchiveType, data); err != nil {
		return err
	}
	erased := false
	err = s.d.UnitOfWork.Do(ctx, scope, func(ctx context.Context) error {
		cur, err := s.d.Store.Export(ctx, exportID, true)
		if gone(err) {
			erased = true
			return nil
		}
		if err != nil || cur.Status != ExportProcessing {
			return err
		}
		u, err := s.d.Users.ReadUser(ctx, cur.UserID)
		if err != nil {
			return err
		}
		now := s.now()
		expires := now.Add(s.d.LinkTTL).Truncate(time.Second)
		cur.Status, cur.BlobKey, cur.Size, cur.ReadyAt, cur.ExpiresAt, cur.UpdatedAt = ExportReady, key, int64(len(data)), &now, &expires, now
		if err := s.d.Store.SaveExport(ctx, cur); err != nil {
			return err
		}
		return s.d.Mail.Enqueue(ctx, mailer.Message{TenantID: tenantID, ID: "export-" + cur.ID, Event: mailer.EventExportReady,
			To: u.Email, Name: u.DisplayName, Language: u.PreferredLanguage, UserID: u.ID, Data: map[string]string{
				"action_url": s.d.Links.URL(tenantID, cur.ID, expires), "expires_at": expires.Format("2006-01-02 15:04 MST")}})
	})
	if erased {
		// The account was erased meanwhile: leave nothing of it behind.
		if err := s.d.Blobs.Delete(ctx, key); err != nil && !gone(err) {
			return err
		}
	}
	return err
}

// FailExport gives up on an export the job could not build (its last attempt failed): a failed
// export is not live, so the account may ask again.
func (s *Service) FailExport(ctx context.Context, tenantID, exportID string) error {
	return s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		e, err := s.d.Store.Export(ctx, exportID, true)
		if gone(err) {
			return nil
		}
		if err != nil || !e.Live() {
			return err
		}
		e.Status, e.UpdatedAt = ExportFailed, s.now()
		return s.d.Store.SaveExport(ctx, e)
	})
}

// OpenArchive opens the archive a download link names. The signature is checked first, before
// anything is read: an altered or foreign link is ErrLinkInvalid, one past its time, or whose
// archive is gone (purged, the account erased), ErrLinkExpired. The caller closes the body.
func (s *Service) OpenArchive(ctx context.Context, tenantID, exportID string, expires int64, signature string) (ports.BlobObject, error) {
	now := s.now()
	if err := s.d.Links.Check(tenantID, exportID, expires, signature, now); err != nil {
		return ports.BlobObject{}, err
	}
	var e Export
	err := s.d.UnitOfWork.Read(ctx, ports.TenantScope(tenantID), func(ctx context.Context) (err error) {
		e, err = s.d.Store.Export(ctx, exportID, false)
		return err
	})
	switch {
	case gone(err):
		return ports.BlobObject{}, ErrLinkExpired
	case err != nil:
		return ports.BlobObject{}, err
	case e.StatusAt(now) != ExportReady:
		return ports.BlobObject{}, ErrLinkExpired
	case e.ExpiresAt.Unix() != expires:
		return ports.BlobObject{}, ErrLinkInvalid
	}
	r, ct, err := s.d.Blobs.Get(ctx, e.BlobKey)
	if gone(err) {
		return ports.BlobObject{}, ErrLinkExpired
	}
	if err != nil {
		return ports.BlobObject{}, err
	}
	return ports.BlobObject{Body: r, ContentType: ct}, nil
}

// purgeBatch bounds the exports one purge step reads.
const purgeBatch = 100

// PurgeExports deletes the archives of the tenant's exports whose link expired and marks them
// expired; it answers how many. The hourly maintenance runs it; an archive deleted whose row
// could not be marked is deleted again (as missing) by the next run.
func (s *Service) PurgeExports(ctx context.Context, tenantID string) (int, error) {
	scope := ports.TenantScope(tenantID)
	n := 0
	for {
		now := s.now()
		var due []Export
		if err := s.d.UnitOfWork.Read(ctx, scope, func(ctx context.Context) (err error) {
			due, err = s.d.Store.ExpiredExports(ctx, now, purgeBatch)
			return err
		}); err != nil {
			return n, err
		}
		for _, e := range due {
			if err := s.d.Blobs.Delete(ctx, e.BlobKey); err != nil && !gone(err) {
				return n, err
			}
			err := s.d.UnitOfWork.Do(ctx, scope, func(ctx context.Context) error {
				cur, err := s.d.Store.Export(ctx, e.ID, true)
				if err != nil || cur.StatusAt(now) != ExportExpired || cur.Status != ExportReady {
					return err
				}
				cur.Status, cur.BlobKey, cur.UpdatedAt = ExportExpired, "", now
				return s.d.Store.SaveExport(ctx, cur)
			})
			if err != nil && !errors.Is(err, ports.ErrNotFound) {
				return n, err
			}
			n++
		}
		if len(due) < purgeBatch {
			return n, nil
		}
	}
}
