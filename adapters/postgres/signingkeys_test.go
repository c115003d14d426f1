package postgres_test

import (
	"testing"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/test/contract"
)

func TestSigningKeyStoreContract(t *testing.T) {
	t.Parallel()
	contract.SigningKeys(t, func(t *testing.T) contract.SigningKeyEnv {
		b := setup(t)
		return contract.SigningKeyEnv{Store: postgres.NewSigningKeyStore(b.pool), Do: b.uow.Do, TenantID: b.newTenant(t)}
	})
}
