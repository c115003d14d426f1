package postgres

import (
	"context"

	"github.com/stvos/stvos/core/operator"
)

// OperatorStore implements operator.Store.
type OperatorStore struct{}

var _ operator.Store = OperatorStore{}

// CreateOperator inserts an operator.
func (OperatorStore) CreateOperator(ctx context.Context, o operator.Operator) error {
	tx, err := txFrom(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO operators (id, email, name, password_hash, created_at) VALUES ($1,$2,$3,$4,$5)`,
		o.ID, o.Email, o.Name, o.PasswordHash, o.CreatedAt)
	return translate(err, "operator")
}

// OperatorByEmail finds an operator by normalised email.
func (OperatorStore) OperatorByEmail(ctx context.Context, email string) (operator.Operator, error) {
	return operatorWhere(ctx, "email", email)
}

// Operator finds an operator by id.
func (OperatorStore) Operator(ctx context.Context, id string) (operator.Operator, error) {
	return operatorWhere(ctx, "id", id)
}

func operatorWhere(ctx context.Context, column, value string) (operator.Operator, error) {
	tx, err := txFrom(ctx)
	if err != nil {
		return operator.Operator{}, err
	}
	var o operator.Operator
	err = tx.QueryRow(ctx, `SELECT id, email, name, password_hash, created_at FROM operators WHERE `+column+`::text = $1`, value).
		Scan(&o.ID, &o.Email, &o.Name, &o.PasswordHash, &o.CreatedAt)
	o.CreatedAt = o.CreatedAt.UTC()
	return o, translate(err, "operator")
}

const sessionColumns = `id, subject_kind, subject_id, refresh_hash, previous_hash, device, address, created_at, last_used_at, expires_at, revoked_at`
