package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stvos/stvos/ports"
)

// SigningKeyStore implements ports.SigningKeyStore on the pool itself: each call is a short
// transaction of its own in the platform scope, whatever unit of work ctx carries. Signers
// reload keys from inside requests (a tenant's sign-in, fosite's key getter), where joining the
// request's unit of work would be refused (a tenant's transaction cannot widen to the platform)
// and would tie a key shared by every process to one request's commit.
type SigningKeyStore struct {
	pool *pgxpool.Pool
}

var _ ports.SigningKeyStore = (*SigningKeyStore)(nil)

// NewSigningKeyStore returns the signing key store.
func NewSigningKeyStore(pool *pgxpool.Pool) *SigningKeyStore { return &SigningKeyStore{pool: pool} }

// platform runs fn in a transaction of its own, bound to the platform scope.
func (s *SigningKeyStore) platform(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := bind(ctx, tx, ports.PlatformScope()); err != nil {
			return err
		}
		return fn(tx)
	})
}

// Keys returns keys not retired for more than a day (tokens they signed have expired by then).
func (s *SigningKeyStore) Keys(ctx context.Context) ([]ports.SigningKey, error) {
	var out []ports.SigningKey
	err := s.platform(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT kid, algorithm, private_pem, created_at, retired_at FROM signing_keys
			WHERE retired_at IS NULL OR retired_at > now() - interval '1 day' ORDER BY created_at DESC, kid DESC`)
		if err != nil {
			return translate(err, "signing key")
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (ports.SigningKey, error) {
			var (
				k       ports.SigningKey
				created time.Time
				retired *time.Time
			)
			err := r.Scan(&k.KID, &k.Algorithm, &k.PrivatePEM, &created, &retired)
			k.CreatedAt = created.Unix()
			if retired != nil {
				k.RetiredAt = retired.Unix()
			}
			return k, err
		})
		return translate(err, "signing key")
	})
	return out, err
}

// Add stores a new key.
func (s *SigningKeyStore) Add(ctx context.Context, k ports.SigningKey) error {
	return s.platform(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO signing_keys (kid, algorithm, private_pem, created_at) VALUES ($1,$2,$3,to_timestamp($4))`,
			k.KID, k.Algorithm, k.PrivatePEM, k.CreatedAt)
		return translate(err, "signing key")
	})
}

// retireLock is the transaction-level advisory lock that makes rotations take turns.
const retireLock = 0x7374766f734b6579 // "stvosKey"

// RetireAllBut retires every active key but keep, unless keep was retired meanwhile.
func (s *SigningKeyStore) RetireAllBut(ctx context.Context, keep string, at int64) error {
	return s.platform(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(retireLock)); err != nil {
			return translate(err, "signing key")
		}
		var retired bool
		err := tx.QueryRow(ctx, `SELECT retired_at IS NOT NULL FROM signing_keys WHERE kid = $1`, keep).Scan(&retired)
		if err != nil || retired { // pgx.ErrNoRows: ports.ErrNotFound
			return translate(err, "signing key")
		}
		_, err = tx.Exec(ctx, `UPDATE signing_keys SET retired_at = to_timestamp($2) WHERE kid <> $1 AND retired_at IS NULL`, keep, at)
		return translate(err, "signing key")
	})
}
