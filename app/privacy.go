package app

import (
	"context"
	"crypto/rand"
	"strings"

	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/adapters/river"
	"github.com/stvos/stvos/app/subscriber"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/core/privacy"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/subscription"
	"github.com/stvos/stvos/ports"
)

// Privacy provides the privacy use cases (data exports, account deletion), with the secret their
// download links are signed with, to the subscriber surface, the job runner and the maintenance.
var Privacy = fx.Options(
	fx.Provide(
		newPrivacy,
		fx.Annotate(func(s *privacy.Service) *privacy.Service { return s }, fx.As(new(river.Privacy))),
	),
)

// privacyDeps are what the privacy use cases are built from.
type privacyDeps struct {
	fx.In
	Config        Config
	UnitOfWork    ports.UnitOfWork
	Store         privacy.Store
	Secrets       *postgres.PrivacySecrets
	Users         account.Store
	Passwords     *credential.Passwords
	Subscriptions *subscription.Service
	Sessions      *session.Service
	Methods       payment.Store
	Gateways      payment.Gateways
	Blobs         ports.BlobStore
	Mail          announcer
	Jobs          ports.Jobs
	Audit         audit.Store
	Clock         ports.Clock
}

// newPrivacy builds the privacy use cases. The links' signing secret is shared by every server
// process through the database: the first process stores a fresh one, the others read it.
func newPrivacy(d privacyDeps) (*privacy.Service, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	key, err := d.Secrets.LinkSecret(context.Background(), fresh)
	if err != nil {
		return nil, err
	}
	links := privacy.NewLinks(key, strings.TrimRight(d.Config.PublicURL, "/")+subscriber.ExportDownloadPrefix)
	return privacy.NewService(privacy.Deps{UnitOfWork: d.UnitOfWork, Store: d.Store, Users: d.Users, Passwords: d.Passwords,
		Subscriptions: d.Subscriptions, Sessions: d.Sessions, Methods: d.Methods, Gateways: d.Gateways, Blobs: d.Blobs,
		Mail: d.Mail, Jobs: d.Jobs, Audit: d.Audit, Clock: d.Clock, Links: links}), nil
}
