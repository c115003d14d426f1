package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stvos/stvos/ports"
)

// IdempotencyStore implements ports.Idempotency in the table idempotency_keys (migration 00015).
// A claim is committed in a short transaction of its own; Run holds one transaction (the unit
// of work's, marked held) over the operation, in which the units of work the operation begins
// each run in a savepoint, and saves the answer in it only where the claim's token is still the
// row's: an operation and its stored answer commit together or not at all.
type IdempotencyStore struct {
	uow *UnitOfWork
}

var _ ports.Idempotency = (*IdempotencyStore)(nil)

// NewIdempotencyStore returns the store over the unit of work.
func NewIdempotencyStore(u *UnitOfWork) *IdempotencyStore { return &IdempotencyStore{uow: u} }

// claimSQL inserts a claim, or takes over a row whose answer expired or whose claim's lease ran
// out; it returns the token only when the claim is this call's.
const claimSQL = `INSERT INTO idempotency_keys AS k
	(tenant_id, subject, operation, key, fingerprint, token, locked_until, created_at, expires_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
	ON CONFLICT (tenant_id, subject, operation, key) DO UPDATE SET
		fingerprint = excluded.fingerprint, token = excluded.token, locked_until = excluded.locked_until,
		created_at = excluded.created_at, expires_at = excluded.expires_at, status = NULL, header = NULL, body = NULL
	WHERE k.expires_at <= excluded.created_at OR (k.status IS NULL AND k.locked_until <= excluded.created_at)
	RETURNING token::text`

// Claim claims the call's key or finds its answer; see ports.Idempotency.
func (s *IdempotencyStore) Claim(ctx context.Context, c ports.IdempotentCall, terms ports.IdempotencyTerms) (ports.IdempotencyClaim, error) {
	if terms.Lease <= 0 || terms.Retain < terms.Lease || terms.Now.IsZero() {
		return ports.IdempotencyClaim{}, fmt.Errorf("postgres: idempotency terms need a time, a lease and a retention no shorter: %+v", terms)
	}
	out := ports.IdempotencyClaim{Call: c}
	token := ports.NewID()
	err := s.uow.Do(ctx, ports.TenantScope(c.TenantID), func(ctx context.Context) error {
		tx, err := txFrom(ctx)
		if err != nil {
			return err
		}
		// A row found in conflict but gone before it is read (purged, released) is claimed on the
		// next turn; two turns are plenty, three bound the loop.
		for range 3 {
			err := tx.QueryRow(ctx, claimSQL, c.TenantID, c.Subject, c.Operation, c.Key, c.Fingerprint, token,
				terms.Now.Add(terms.Lease), terms.Now, terms.Now.Add(terms.Retain)).Scan(&out.Token)
			if !errors.Is(err, pgx.ErrNoRows) {
				return translate(err, "idempotency key")
			}
			var (
				fingerprint []byte
				status      *int
				header      map[string][]string
				body        []byte
			)
			err = tx.QueryRow(ctx, `SELECT fingerprint, status, header, body FROM idempotency_keys
				WHERE tenant_id = $1 AND subject = $2 AND operation = $3 AND key = $4`,
				c.TenantID, c.Subject, c.Operation, c.Key).Scan(&fingerprint, &status, &header, &body)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				continue
			case err != nil:
				return translate(err, "idempotency key")
			case string(fingerprint) != string(c.Fingerprint):
				return ports.IdempotencyKeyReused()
			case status == nil:
				return ports.IdempotencyKeyInUse()
			}
			if body == nil {
				body = []byte{}
			}
			out.Answer = &ports.IdempotentAnswer{Status: *status, Header: header, Body: body}
			return nil
		}
		return ports.IdempotencyKeyInUse()
	})
	if err != nil {
		return ports.IdempotencyClaim{}, err
	}
	return out, nil
}

// errDiscard rolls back a run whose answer is not kept.
var errDiscard = errors.New("postgres: idempotent call not kept")

// Run runs fn and saves its answer in the same transaction; see ports.Idempotency.
func (s *IdempotencyStore) Run(ctx context.Context, c ports.IdempotencyClaim, fn func(ctx context.Context) (ports.IdempotentAnswer, bool)) error {
	if c.Token == "" {
		return errors.New("postgres: an idempotent call runs only with its claim")
	}
	if _, ok := ctx.Value(txKey{}).(*txState); ok {
		return errors.New("postgres: an idempotent call cannot run inside a unit of work")
	}
	err := s.uow.transaction(ctx, ports.TenantScope(c.Call.TenantID), true, func(ctx context.Context) error {
		answer, keep := fn(ctx)
		if !keep {
			return errDiscard
		}
		return save(ctx, c, answer)
	})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errDiscard):
		return s.Release(ctx, c)
	case inUse(err):
		return err // the key is another call's now: leave it
	}
	// Nothing committed (or, if COMMIT's answer was lost, everything did and the answer is
	// stored, which Release leaves alone): the key may be used again.
	return errors.Join(err, s.Release(ctx, c))
}

func inUse(err error) bool {
	e := ports.AsError(err)
	return e != nil && e.Code == ports.CodeIdempotencyKeyInUse
}

// save writes the answer where the claim still holds the key. It runs even when the caller has
// gone: the operation is done, so its answer must be kept.
func save(ctx context.Context, c ports.IdempotencyClaim, a ports.IdempotentAnswer) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	header := a.Header
	if header == nil {
		header = map[string][]string{}
	}
	head, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("postgres: idempotent answer headers: %w", err)
	}
	body := a.Body
	if body == nil {
		body = []byte{}
	}
	end, cancel := context.WithTimeout(context.WithoutCancel(ctx), endTimeout)
	defer cancel()
	tag, err := tx.Exec(end, `UPDATE idempotency_keys SET status = $6, header = $7, body = $8
		WHERE tenant_id = $1 AND subject = $2 AND operation = $3 AND key = $4 AND token = $5 AND status IS NULL`,
		c.Call.TenantID, c.Call.Subject, c.Call.Operation, c.Call.Key, c.Token, a.Status, head, body)
	if err != nil {
		return translate(err, "idempotency key")
	}
	if tag.RowsAffected() == 0 {
		return ports.IdempotencyKeyInUse() // taken over after the lease: roll the call back
	}
	return nil
}

// Release deletes the claim if it still holds its key unanswered; see ports.Idempotency.
func (s *IdempotencyStore) Release(ctx context.Context, c ports.IdempotencyClaim) error {
	if c.Token == "" {
		return nil
	}
	end, cancel := context.WithTimeout(context.WithoutCancel(ctx), endTimeout)
	defer cancel()
	return s.uow.Do(end, ports.TenantScope(c.Call.TenantID), func(ctx context.Context) error {
		tx, err := txFrom(ctx)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM idempotency_keys
			WHERE tenant_id = $1 AND subject = $2 AND operation = $3 AND key = $4 AND token = $5 AND status IS NULL`,
			c.Call.TenantID, c.Call.Subject, c.Call.Operation, c.Call.Key, c.Token)
		return translate(err, "idempotency key")
	})
}

// Purge removes the tenant's expired keys; see ports.Idempotency.
func (s *IdempotencyStore) Purge(ctx context.Context, tenantID string, now time.Time) (int, error) {
	var n int
	err := s.uow.Do(ctx, ports.TenantScope(tenantID), func(ctx context.Context) error {
		tx, err := txFrom(ctx)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND expires_at <= $2`, tenantID, now)
		n = int(tag.RowsAffected())
		return translate(err, "idempotency key")
	})
	return n, err
}
