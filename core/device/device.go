// Package device is the device authorization grant's state machine (RFC 8628): a TV asks for a
// code, shows the short user code, and polls; a person types the user code on their phone, signs
// in and approves; the next poll gets the grant, once. The OAuth server (app/oauth) turns its
// answers into the wire format and issues the tokens.
//
//	pending --approve--> approved --poll--> used
//	pending --poll too often--> pending (slow_down)
//	any --expiry--> expired (refused)
package device

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/stvos/stvos/ports"
)

// The states of a device code.
const (
	Pending  = "pending"
	Approved = "approved"
	Denied   = "denied"
	Used     = "used"
)

// Lifetimes and pace.
const (
	// TTL is how long a person has to type the code and sign in.
	TTL = 10 * time.Minute
	// PollInterval is how often a device may poll.
	PollInterval = 5 * time.Second
	// Retention is how long expired codes are kept.
	Retention = 24 * time.Hour
)

// DirectoryUserCode is the directory kind that finds a device authorization's tenant by the user
// code a person types on the verification page.
const DirectoryUserCode = "device_user_code"

// userCodeAlphabet has no vowels (no words) and no look-alike characters.
const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

// Code is a device authorization. Only the device code's hash (its signature) is kept.
type Code struct {
	UserCode        string
	DeviceSignature string
	TenantID        string
	ClientID        string
	Scopes          []string
	Subject         string
	Status          string
	LastPolledAt    *time.Time
	ExpiresAt       time.Time
	CreatedAt       time.Time
}

// The answers of Poll and Approve that are not a grant.
var (
	ErrUnknown  = errors.New("device: unknown device code")
	ErrPending  = errors.New("device: the person has not signed in yet")
	ErrSlowDown = errors.New("device: polled too often")
	ErrDenied   = errors.New("device: the person denied the request")
	ErrExpired  = errors.New("device: the code has expired")
	ErrUsed     = errors.New("device: the code was already used")
)

// Deps are what the state machine needs.
type Deps struct {
	UnitOfWork ports.UnitOfWork
	Store      Store
	Directory  ports.Directory
	Clock      ports.Clock
}

// Service runs device authorizations.
type Service struct{ d Deps }

// NewService returns the device authorization state machine.
func NewService(d Deps) *Service { return &Service{d: d} }

// Authorization is what a device shows and polls with.
type Authorization struct {
	DeviceCode string
	UserCode   string
}

// Signature is what is kept of a device code.
func Signature(deviceCode string) string {
	sum := sha256.Sum256([]byte(deviceCode))
	return hex.EncodeToString(sum[:])
}

// Start makes a device code and a user code for the client, in the caller's tenant unit of work.
func (s *Service) Start(ctx context.Context, tenantID, clientID string, scopes []string) (Authorization, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return Authorization{}, err
	}
	deviceCode := "stvd_" + base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.d.Clock.Now()
	c := Code{DeviceSignature: Signature(deviceCode), TenantID: tenantID, ClientID: clientID, Scopes: scopes,
		Status: Pending, ExpiresAt: now.Add(TTL), CreatedAt: now}
	var err error
	for attempt := 0; ; attempt++ {
		if c.UserCode, err = newUserCode(); err != nil {
			return Authorization{}, err
		}
		err = s.d.Directory.Register(ctx, DirectoryUserCode, c.UserCode, tenantID)
		if err == nil || !errors.Is(err, ports.ErrConflict) || attempt == 3 {
			break
		}
	}
	if err != nil {
		return Authorization{}, err
	}
	if err := s.d.Store.CreateDeviceCode(ctx, c); err != nil {
		return Authorization{}, err
	}
	return Authorization{DeviceCode: deviceCode, UserCode: c.UserCode}, nil
}

// Find returns the normalized user code a person typed and its tenant; a malformed or unknown
// code is ErrUnknown.
func (s *Service) Find(ctx context.Context, typed string) (userCode, tenantID string, err error) {
	userCode = NormalizeUserCode(typed)
	if userCode == "" {
		return "", "", ErrUnknown
	}
	err = s.d.UnitOfWork.Read(ctx, ports.PlatformScope(), func(ctx context.Context) (err error) {
		tenantID, err = s.d.Directory.Lookup(ctx, DirectoryUserCode, userCode)
		return err
	})
	if errors.Is(err, ports.ErrNotFound) {
		return "", "", ErrUnknown
	}
	return userCode, tenantID, err
}

// Awaiting checks, in the caller's tenant unit of work, that the user code still waits for a
// person to sign in: ErrExpired when it expired, ErrUsed when it was approved, denied or used.
func (s *Service) Awaiting(ctx context.Context, userCode string) error {
	_, err := s.awaiting(ctx, userCode)
	return err
}

func (s *Service) awaiting(ctx context.Context, userCode string) (Code, error) {
	c, err := s.d.Store.DeviceCode(ctx, userCode, "")
	switch {
	case errors.Is(err, ports.ErrNotFound):
		return Code{}, ErrUnknown
	case err != nil:
		return Code{}, err
	case !s.d.Clock.Now().Before(c.ExpiresAt):
		return Code{}, ErrExpired
	case c.Status != Pending:
		return Code{}, ErrUsed
	}
	return c, nil
}

// Approve grants the device authorization to the signed-in user (subject), in the caller's
// tenant unit of work.
func (s *Service) Approve(ctx context.Context, userCode, subject string) error {
	c, err := s.awaiting(ctx, userCode)
	if err != nil {
		return err
	}
	c.Status, c.Subject = Approved, subject
	return s.d.Store.SaveDeviceCode(ctx, c)
}

// Poll answers a device's poll with its device code, in the caller's tenant unit of work (which
// must commit whatever Poll answers: it records the poll). An approved code is returned, once,
// and becomes used; otherwise the error says why not: ErrUnknown (or another client's code),
// ErrExpired, ErrPending, ErrSlowDown, ErrDenied, ErrUsed.
func (s *Service) Poll(ctx context.Context, clientID, deviceCode string) (Code, error) {
	c, err := s.d.Store.DeviceCode(ctx, "", Signature(deviceCode))
	if errors.Is(err, ports.ErrNotFound) || (err == nil && c.ClientID != clientID) {
		return Code{}, ErrUnknown
	}
	if err != nil {
		return Code{}, err
	}
	now := s.d.Clock.Now()
	if !now.Before(c.ExpiresAt) {
		return Code{}, ErrExpired
	}
	switch c.Status {
	case Pending:
		tooSoon := c.LastPolledAt != nil && now.Sub(*c.LastPolledAt) < PollInterval
		c.LastPolledAt = &now
		if err := s.d.Store.SaveDeviceCode(ctx, c); err != nil {
			return Code{}, err
		}
		if tooSoon {
			return Code{}, ErrSlowDown
		}
		return Code{}, ErrPending
	case Denied:
		return Code{}, ErrDenied
	case Used:
		return Code{}, ErrUsed
	}
	c.Status = Used
	if err := s.d.Store.SaveDeviceCode(ctx, c); err != nil {
		return Code{}, err
	}
	return c, nil
}

// Purge removes the tenant's device codes that expired more than Retention ago, with their
// directory entries, and returns how many.
func (s *Service) Purge(ctx context.Context, tenantID string) (int, error) {
	var n int
	err := s.d.UnitOfWork.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		codes, err := s.d.Store.PurgeDeviceCodes(ctx, s.d.Clock.Now().Add(-Retention))
		if err != nil {
			return err
		}
		for _, c := range codes {
			if err := s.d.Directory.Unregister(ctx, DirectoryUserCode, c); err != nil {
				return err
			}
		}
		n = len(codes)
		return nil
	})
	return n, err
}

func newUserCode() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	out := make([]byte, 0, 9)
	for i, c := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, userCodeAlphabet[int(c)%len(userCodeAlphabet)])
	}
	return string(out), nil
}

// NormalizeUserCode accepts what people type: any case, spaces or no dash. It returns "" for
// what cannot be a user code.
func NormalizeUserCode(s string) string {
	s = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(s))
	if len(s) != 8 {
		return ""
	}
	for _, c := range s {
		if !strings.ContainsRune(userCodeAlphabet, c) {
			return ""
		}
	}
	return s[:4] + "-" + s[4:]
}
