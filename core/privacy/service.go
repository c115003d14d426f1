package privacy

import (
	"errors"
	"time"

	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/ports"
)

// Deps are what the privacy use cases need.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	// Users reads the person (account.Store); Passwords checks the password confirming a deletion.
	Users         account.Store
	Passwords     *credential.Passwords
	Subscriptions Subscriptions
	Sessions      Sessions
	Methods       Methods
	Gateways      Gateways
	Blobs         ports.BlobStore
	Mail          Mail
	Jobs          ports.Jobs
	Audit         audit.Store
	Clock         ports.Clock
	// Links signs the archives' download links.
	Links Links
	// Grace is how long after its request an account is erased (DefaultGrace when 0); LinkTTL how
	// long an archive may be downloaded (DefaultLinkTTL when 0).
	Grace   time.Duration
	LinkTTL time.Duration
}

// Service holds the privacy use cases.
type Service struct{ d Deps }

// NewService returns the privacy use cases.
func NewService(d Deps) *Service {
	if d.Grace == 0 {
		d.Grace = DefaultGrace
	}
	if d.LinkTTL == 0 {
		d.LinkTTL = DefaultLinkTTL
	}
	return &Service{d: d}
}

// System is the actor of what the privacy jobs do.
var System = audit.Actor{Kind: "system"}

func (s *Service) now() time.Time { return s.d.Clock.Now().UTC().Truncate(time.Microsecond) }

// gone reports an error meaning the thing is not there (any more).
func gone(err error) bool { return errors.Is(err, ports.ErrNotFound) }
