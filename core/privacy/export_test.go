package privacy

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/mailer"
	"github.com/stvos/stvos/ports"
)

// unzip reads an archive's files.
func unzip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		out[f.Name] = b
	}
	return out
}

func TestExportLife(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	me := audit.Actor{Kind: "user", ID: e.ada.ID}
	_, err := e.svc.LatestExport(ctx, e.tenant, e.ada.ID)
	require.ErrorIs(t, err, ErrNoExport)

	// Requested: pending, with its job and an audit record; a second waits for the first.
	ex, err := e.svc.RequestExport(ctx, e.tenant, me, e.ada.ID)
	require.NoError(t, err)
	require.Equal(t, ExportPending, ex.Status)
	require.Equal(t, []ports.Job{ExportJob{TenantID: e.tenant, ExportID: ex.ID}}, e.rec.jobs)
	require.Equal(t, []string{"privacy.export_requested " + e.ada.ID}, e.store.audits)
	_, err = e.svc.RequestExport(ctx, e.tenant, me, e.ada.ID)
	require.ErrorIs(t, err, ErrExportInProgress)
	require.Len(t, e.rec.jobs, 1, "nothing more enqueued")
	require.Empty(t, e.svc.DownloadURL(ex), "no link before it is ready")

	// Built: ready for 24 hours, the archive stored under its key, the link emailed.
	require.NoError(t, e.svc.BuildExport(ctx, e.tenant, ex.ID))
	got, err := e.svc.LatestExport(ctx, e.tenant, e.ada.ID)
	require.NoError(t, err)
	require.Equal(t, ExportReady, got.Status)
	require.Equal(t, e.clock.Now().Add(24*time.Hour).Truncate(time.Second), *got.ExpiresAt)
	require.Equal(t, "exports/"+e.tenant+"/"+ex.ID+".zip", got.BlobKey)
	link := e.svc.DownloadURL(got)
	require.NotEmpty(t, link)
	require.Len(t, e.rec.mails, 1)
	m := e.rec.mails[0]
	require.Equal(t, mailer.EventExportReady, m.Event)
	require.Equal(t, e.ada.Email, m.To)
	require.Equal(t, "de", m.Language)
	require.Equal(t, link, m.Data["action_url"], "the email carries the link GET shows")

	files := unzip(t, e.blobs.objs[got.BlobKey])
	require.Contains(t, string(files["account.json"]), e.ada.Email)
	for _, name := range Sections {
		require.Contains(t, files, name+".json")
	}
	var man Manifest
	require.NoError(t, json.Unmarshal(files["manifest.json"], &man))
	require.Equal(t, ArchiveFormat, man.Format)
	require.Equal(t, e.ada.ID, man.AccountID)
	require.Len(t, man.Files, len(Sections)+1)

	// The job again changes nothing and sends nothing more.
	require.NoError(t, e.svc.BuildExport(ctx, e.tenant, ex.ID))
	require.Len(t, e.rec.mails, 1)

	// The link opens the archive; once ready a new export may be asked for.
	tenant, id, expires, sig := parseLink(t, link)
	obj, err := e.svc.OpenArchive(ctx, tenant, id, expires, sig)
	require.NoError(t, err)
	body, err := io.ReadAll(obj.Body)
	require.NoError(t, err)
	require.Equal(t, e.blobs.objs[got.BlobKey], body)
	_, err = e.svc.OpenArchive(ctx, tenant, id, expires, flip(sig))
	require.ErrorIs(t, err, ErrLinkInvalid)

	// A day later the link is refused and GET shows expired; the purge deletes the archive.
	e.clock.advance(24 * time.Hour)
	got, err = e.svc.LatestExport(ctx, e.tenant, e.ada.ID)
	require.NoError(t, err)
	require.Equal(t, ExportExpired, got.StatusAt(e.svc.Now()))
	require.Empty(t, e.svc.DownloadURL(got))
	_, err = e.svc.OpenArchive(ctx, tenant, id, expires, sig)
	require.ErrorIs(t, err, ErrLinkExpired)
	n, err := e.svc.PurgeExports(ctx, e.tenant)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.NotContains(t, e.blobs.keys(), got.BlobKey)
	got, err = e.svc.LatestExport(ctx, e.tenant, e.ada.ID)
	require.NoError(t, err)
	require.Equal(t, ExportExpired, got.Status)
	require.Empty(t, got.BlobKey)
	n, err = e.svc.PurgeExports(ctx, e.tenant)
	require.NoError(t, err)
	require.Zero(t, n, "nothing left to purge")
}

func TestOpenArchiveRefusesWhatIsNotReady(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	ex, err := e.svc.RequestExport(ctx, e.tenant, audit.Actor{Kind: "user", ID: e.ada.ID}, e.ada.ID)
	require.NoError(t, err)
	// A link signed for a pending export (the server never hands one out) opens nothing.
	l := e.svc.d.Links
	_, _, expires, sig := parseLink(t, l.URL(e.tenant, ex.ID, e.clock.Now().Add(time.Hour)))
	_, err = e.svc.OpenArchive(ctx, e.tenant, ex.ID, expires, sig)
	require.ErrorIs(t, err, ErrLinkExpired)
	// One for an export that does not exist (an erased account's) is gone.
	missing := ports.NewID()
	_, _, expires, sig = parseLink(t, l.URL(e.tenant, missing, e.clock.Now().Add(time.Hour)))
	_, err = e.svc.OpenArchive(ctx, e.tenant, missing, expires, sig)
	require.ErrorIs(t, err, ErrLinkExpired)
	// A valid signature with another time than the export's is not its link.
	require.NoError(t, e.svc.BuildExport(ctx, e.tenant, ex.ID))
	_, _, expires, sig = parseLink(t, l.URL(e.tenant, ex.ID, e.clock.Now().Add(time.Hour)))
	_, err = e.svc.OpenArchive(ctx, e.tenant, ex.ID, expires, sig)
	require.ErrorIs(t, err, ErrLinkInvalid)
}

func TestFailedExportMayBeAskedAgain(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	me := audit.Actor{Kind: "user", ID: e.ada.ID}
	ex, err := e.svc.RequestExport(ctx, e.tenant, me, e.ada.ID)
	require.NoError(t, err)
	require.NoError(t, e.svc.FailExport(ctx, e.tenant, ex.ID))
	got, err := e.svc.LatestExport(ctx, e.tenant, e.ada.ID)
	require.NoError(t, err)
	require.Equal(t, ExportFailed, got.Status)
	require.NoError(t, e.svc.BuildExport(ctx, e.tenant, ex.ID), "a failed export is not built")
	require.Empty(t, e.rec.mails)
	e.clock.advance(time.Second)
	again, err := e.svc.RequestExport(ctx, e.tenant, me, e.ada.ID)
	require.NoError(t, err)
	got, err = e.svc.LatestExport(ctx, e.tenant, e.ada.ID)
	require.NoError(t, err)
	require.Equal(t, again.ID, got.ID, "the latest is the new one")
	require.NoError(t, e.svc.FailExport(ctx, e.tenant, ports.NewID()), "an export gone is nothing to fail")
}

func TestArchiveRefusesBadSections(t *testing.T) {
	t.Parallel()
	ex := Export{ID: "e", TenantID: "t", UserID: "u"}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	data, err := Archive(ex, at, []Section{{Name: "account", Data: []byte(`{"email":"a@b.test"}`)}, {Name: "invoices", Data: []byte(`[]`)}})
	require.NoError(t, err)
	files := unzip(t, data)
	require.Equal(t, "{\n  \"email\": \"a@b.test\"\n}\n", string(files["account.json"]), "indented")
	for name, sections := range map[string][]Section{
		"not JSON":     {{Name: "account", Data: []byte(`{`)}},
		"no data":      {{Name: "account"}},
		"a path":       {{Name: "../etc", Data: []byte(`[]`)}},
		"upper case":   {{Name: "Account", Data: []byte(`[]`)}},
		"given twice":  {{Name: "a", Data: []byte(`[]`)}, {Name: "a", Data: []byte(`[]`)}},
		"the manifest": {{Name: "manifest", Data: []byte(`[]`)}, {Name: "manifest", Data: []byte(`[]`)}},
	} {
		_, err := Archive(ex, at, sections)
		require.Error(t, err, name)
	}
}

func TestExportOfAnAccountErasedMeanwhileLeavesNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	ex, err := e.svc.RequestExport(ctx, e.tenant, audit.Actor{Kind: "user", ID: e.ada.ID}, e.ada.ID)
	require.NoError(t, err)
	// The blob store deletes the export's row as the archive lands, as an erasure would.
	e.svc.d.Blobs = &erasingBlobs{blobs: e.blobs, erase: func() { delete(e.store.exports, ex.ID) }}
	require.NoError(t, e.svc.BuildExport(ctx, e.tenant, ex.ID))
	require.NotContains(t, e.blobs.keys(), "exports/"+e.tenant+"/"+ex.ID+".zip", "the archive of an erased account is deleted")
	require.Empty(t, e.rec.mails)
}

type erasingBlobs struct {
	*blobs
	erase func()
}

func (b *erasingBlobs) Put(ctx context.Context, key, ct string, data []byte) error {
	err := b.blobs.Put(ctx, key, ct, data)
	b.erase()
	return err
}
