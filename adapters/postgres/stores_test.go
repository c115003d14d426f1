package postgres_test

import (
	"testing"

	"github.com/stvos/stvos/adapters/postgres"
	"github.com/stvos/stvos/test/contract"
)

// The stores of the identity contexts and of partners, each against its contract suite.

func (b bundle) tenants() contract.Tenants {
	return contract.Tenants{UnitOfWork: b.uow, New: b.newTenant}
}

func TestUserStoreContract(t *testing.T) {
	t.Parallel()
	contract.Users(t, setup(t).tenants(), postgres.UserStore{})
}

func TestSessionStoreContract(t *testing.T) {
	t.Parallel()
	contract.Sessions(t, setup(t).tenants(), postgres.SessionStore{}, postgres.OperatorStore{})
}

func TestOperatorStoreContract(t *testing.T) {
	t.Parallel()
	contract.Operators(t, setup(t).tenants(), postgres.OperatorStore{})
}

func TestOAuthClientStoreContract(t *testing.T) {
	t.Parallel()
	contract.OAuthClients(t, setup(t).tenants(), postgres.GrantStore{})
}

func TestOAuthRecordStoreContract(t *testing.T) {
	t.Parallel()
	contract.OAuthRecords(t, setup(t).tenants(), postgres.GrantStore{})
}

func TestDeviceCodeStoreContract(t *testing.T) {
	t.Parallel()
	contract.DeviceCodes(t, setup(t).tenants(), postgres.DeviceStore{})
}

func TestPartnerStoreContract(t *testing.T) {
	t.Parallel()
	contract.Partners(t, setup(t).tenants(), postgres.PartnerStore{})
}
