package payment

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/ports"
)

// The fakes below stand in for storage and a gateway so that the use cases' rules can be read
// in isolation; the PostgreSQL store passes contract.PaymentMethods and the gateways
// contract.Payments.

// fakeStore keeps methods in memory; its unit of work restores them when the function fails,
// as a rolled-back transaction would.
type fakeStore struct {
	methods   map[string]Method
	customers map[string]string
	audits    []string
	failAudit bool
}

func (s *fakeStore) Do(ctx context.Context, _ ports.Scope, fn func(context.Context) error) error {
	methods, customers, audits := maps.Clone(s.methods), maps.Clone(s.customers), slices.Clone(s.audits)
	if err := fn(ctx); err != nil {
		s.methods, s.customers, s.audits = methods, customers, audits
		return err
	}
	return nil
}

func (s *fakeStore) Read(ctx context.Context, sc ports.Scope, fn func(context.Context) error) error {
	return s.Do(ctx, sc, fn)
}

func (s *fakeStore) LockAccount(context.Context, string) error { return nil }

func (s *fakeStore) Customer(_ context.Context, userID, gateway string) (string, error) {
	if c, ok := s.customers[userID+"/"+gateway]; ok {
		return c, nil
	}
	return "", ports.NotFound("payment customer")
}

func (s *fakeStore) PutCustomer(_ context.Context, userID, gateway, customerID string, _ time.Time) error {
	if _, ok := s.customers[userID+"/"+gateway]; !ok {
		s.customers[userID+"/"+gateway] = customerID
	}
	return nil
}

func (s *fakeStore) Create(_ context.Context, m Method) error {
	for _, o := range s.methods {
		if o.UserID == m.UserID && o.IsDefault && m.IsDefault {
			return ports.Conflict("CONFLICT", "two defaults")
		}
	}
	s.methods[m.ID] = m
	return nil
}

func (s *fakeStore) Get(_ context.Context, userID, id string) (Method, error) {
	if m, ok := s.methods[id]; ok && m.UserID == userID {
		return m, nil
	}
	return Method{}, ports.NotFound("payment method")
}

func (s *fakeStore) List(_ context.Context, userID string) ([]Method, error) {
	var out []Method
	for _, m := range s.methods {
		if m.UserID == userID {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Method) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

func (s *fakeStore) SetDefault(ctx context.Context, userID, id string, at time.Time) error {
	if _, err := s.Get(ctx, userID, id); err != nil {
		return err
	}
	for k, m := range s.methods {
		if m.UserID == userID && m.IsDefault != (k == id) {
			m.IsDefault, m.UpdatedAt = k == id, at
			s.methods[k] = m
		}
	}
	return nil
}

func (s *fakeStore) Delete(ctx context.Context, userID, id string) error {
	if _, err := s.Get(ctx, userID, id); err != nil {
		return err
	}
	delete(s.methods, id)
	return nil
}

// fakeAudit writes the actions into the fake store, so they roll back with it.
type fakeAudit struct{ s *fakeStore }

func (a fakeAudit) Append(_ context.Context, r audit.Record) error {
	if a.s.failAudit {
		return errors.New("audit log unavailable")
	}
	a.s.audits = append(a.s.audits, r.Action)
	return nil
}

func (fakeAudit) List(context.Context, string, audit.Filter, string, int) ([]audit.Record, error) {
	return nil, errors.New("not used")
}

// fakeGateway knows pm_card_visa and pm_card_mastercard, declines pm_card_chargeDeclined and
// pm_card_expired at attach, and knows no other token.
type fakeGateway struct {
	attached  []string
	detached  []string
	detachErr error
	n         int
}

func (g *fakeGateway) Name() string { return "sandbox" }
func (g *fakeGateway) EnsureCustomer(_ context.Context, _, ref string) (string, error) {
	return "cus_" + ref, nil
}

func (g *fakeGateway) AttachMethod(_ context.Context, _, _, token string) (ports.PaymentMethod, error) {
	switch token {
	case "pm_card_chargeDeclined":
		return ports.PaymentMethod{}, &ports.DeclineError{Code: ports.DeclineCardDeclined}
	case "pm_card_expired":
		return ports.PaymentMethod{}, &ports.DeclineError{Code: ports.DeclineExpiredCard}
	case "pm_card_visa", "pm_card_mastercard":
		g.n++
		id := "pm_" + string(rune('a'+g.n))
		g.attached = append(g.attached, id)
		brand, last4 := "visa", "4242"
		if token == "pm_card_mastercard" {
			brand, last4 = "mastercard", "4444"
		}
		return ports.PaymentMethod{ID: id, Type: "card", Brand: brand, Last4: last4, ExpMonth: 12, ExpYear: 2030}, nil
	}
	return ports.PaymentMethod{}, ports.Invalid("token", "unknown")
}

func (g *fakeGateway) DetachMethod(_ context.Context, _, _, id string) error {
	if g.detachErr != nil {
		return g.detachErr
	}
	g.detached = append(g.detached, id)
	return nil
}

func (g *fakeGateway) Charge(context.Context, string, ports.ChargeRequest) (ports.Charge, error) {
	return ports.Charge{}, errors.New("not used")
}

func (g *fakeGateway) Refund(context.Context, string, ports.RefundRequest) (ports.Refund, error) {
	return ports.Refund{}, errors.New("not used")
}

type fakeGateways struct{ g *fakeGateway }

func (f fakeGateways) For(context.Context, string) (ports.Payments, error) { return f.g, nil }
func (f fakeGateways) Named(name string) (ports.Payments, error) {
	if name != f.g.Name() {
		return nil, errors.New("no such gateway")
	}
	return f.g, nil
}

// tick is a clock that moves a second on every reading, so methods have distinct times.
type tick struct{ t time.Time }

func (c *tick) Now() time.Time { c.t = c.t.Add(time.Second); return c.t }

type fixture struct {
	svc    *Service
	store  *fakeStore
	gw     *fakeGateway
	active *bool
}

const tenantID, ada = "01a200dc-62b2-7f53-bfa1-c41eea3ba606", "01a200dc-62b2-7f53-bfa1-c41eea3ba607"

var by = audit.Actor{Kind: "user", ID: ada}

func setup() fixture {
	st := &fakeStore{methods: map[string]Method{}, customers: map[string]string{}}
	gw := &fakeGateway{}
	active := new(bool)
	subs := HasActiveFunc(func(context.Context, string, string) (bool, error) { return *active, nil })
	svc := NewService(Deps{UnitOfWork: st, Store: st, Gateways: fakeGateways{gw}, Subscriptions: subs, Audit: fakeAudit{st},
		Clock: &tick{time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}})
	return fixture{svc: svc, store: st, gw: gw, active: active}
}

func (f fixture) add(t *testing.T, token string, asDefault bool) Method {
	t.Helper()
	m, err := f.svc.Add(context.Background(), tenantID, by, ada, NewMethod{Token: token, SetAsDefault: asDefault})
	require.NoError(t, err)
	return m
}

func (f fixture) defaultID(t *testing.T) string {
	t.Helper()
	ms, err := f.svc.List(context.Background(), tenantID, ada)
	require.NoError(t, err)
	var ids []string
	for _, m := range ms {
		if m.IsDefault {
			ids = append(ids, m.ID)
		}
	}
	require.LessOrEqual(t, len(ids), 1, "at most one default")
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

func TestAddAndDefault(t *testing.T) {
	t.Parallel()
	f := setup()
	visa := f.add(t, "pm_card_visa", false)
	require.True(t, visa.IsDefault, "the first method is the default")
	require.Equal(t, "cus_"+ada, visa.CustomerID)
	require.Equal(t, "sandbox", visa.Gateway)
	mc := f.add(t, "pm_card_mastercard", false)
	require.False(t, mc.IsDefault)
	require.Equal(t, visa.ID, f.defaultID(t))
	third := f.add(t, "pm_card_visa", true)
	require.True(t, third.IsDefault, "set_as_default")
	require.Equal(t, third.ID, f.defaultID(t))
	m, err := f.svc.SetDefault(context.Background(), tenantID, by, ada, mc.ID)
	require.NoError(t, err)
	require.True(t, m.IsDefault)
	require.Equal(t, mc.ID, f.defaultID(t))
	require.Equal(t, []string{"payment_method.added", "payment_method.added", "payment_method.added", "payment_method.default_set"}, f.store.audits)
	require.Len(t, f.store.customers, 1, "one gateway customer for the account")
}

// TestRemovingTheDefaultWhileSubscribed is the rule behind the Subscriptions seam: the default
// pays for the active subscription's renewals, so it stays; any other method may go.
func TestRemovingTheDefaultWhileSubscribed(t *testing.T) {
	t.Parallel()
	f := setup()
	ctx := context.Background()
	visa := f.add(t, "pm_card_visa", false)
	mc := f.add(t, "pm_card_mastercard", false)
	third := f.add(t, "pm_card_visa", false)
	*f.active = true

	err := f.svc.Remove(ctx, tenantID, by, ada, visa.ID)
	require.ErrorIs(t, err, ports.ErrConflict)
	require.Equal(t, "DEFAULT_PAYMENT_METHOD_IN_USE", ports.AsError(err).Code)
	_, err = f.svc.Get(ctx, tenantID, ada, visa.ID)
	require.NoError(t, err, "the default stays")
	require.Empty(t, f.gw.detached, "and stays attached at the gateway")

	require.NoError(t, f.svc.Remove(ctx, tenantID, by, ada, mc.ID), "a method that is not the default may go")
	require.Equal(t, []string{mc.GatewayID}, f.gw.detached)
	require.Equal(t, visa.ID, f.defaultID(t))

	*f.active = false
	require.NoError(t, f.svc.Remove(ctx, tenantID, by, ada, visa.ID), "without a subscription the default may go")
	require.Equal(t, third.ID, f.defaultID(t), "the most recent remaining method becomes the default")
	require.NoError(t, f.svc.Remove(ctx, tenantID, by, ada, third.ID))
	require.Equal(t, "", f.defaultID(t))
	require.Equal(t, []string{mc.GatewayID, visa.GatewayID, third.GatewayID}, f.gw.detached)
	require.ErrorIs(t, f.svc.Remove(ctx, tenantID, by, ada, third.ID), ports.ErrNotFound)
	require.ErrorIs(t, f.svc.Remove(ctx, tenantID, by, ada, "not-an-id"), ports.ErrNotFound)
}

func TestGatewayFailureKeepsTheMethod(t *testing.T) {
	t.Parallel()
	f := setup()
	visa := f.add(t, "pm_card_visa", false)
	f.gw.detachErr = errors.New("gateway unreachable")
	require.Error(t, f.svc.Remove(context.Background(), tenantID, by, ada, visa.ID))
	_, err := f.svc.Get(context.Background(), tenantID, ada, visa.ID)
	require.NoError(t, err, "a method the gateway did not detach is not forgotten")
	require.Equal(t, []string{"payment_method.added"}, f.store.audits)
}

func TestStoringFailureDetaches(t *testing.T) {
	t.Parallel()
	f := setup()
	f.store.failAudit = true
	_, err := f.svc.Add(context.Background(), tenantID, by, ada, NewMethod{Token: "pm_card_visa"})
	require.Error(t, err)
	require.Equal(t, f.gw.attached, f.gw.detached, "a method attached but not stored is detached again")
	require.Empty(t, f.store.methods)
}

func TestRefusedTokens(t *testing.T) {
	t.Parallel()
	f := setup()
	for token, code := range map[string]string{
		"pm_card_chargeDeclined": "CARD_DECLINED",
		"pm_card_expired":        "EXPIRED_CARD",
		"pm_card_unknown":        "INVALID_PAYMENT_METHOD_TOKEN",
		"4242424242424242":       "VALIDATION_FAILED",
		"4242 4242 4242 4242":    "VALIDATION_FAILED",
		"":                       "VALIDATION_FAILED",
		"pm with spaces":         "VALIDATION_FAILED",
	} {
		_, err := f.svc.Add(context.Background(), tenantID, by, ada, NewMethod{Token: token})
		require.ErrorIs(t, err, ports.ErrInvalid, token)
		e := ports.AsError(err)
		require.Equal(t, code, e.Code, token)
		require.Equal(t, "payment_method_token", e.Fields[0].Field, token)
		require.NotEmpty(t, e.Fields[0].Reason)
	}
	require.Empty(t, f.gw.attached)
	require.Empty(t, f.store.methods)
	_, err := f.svc.Add(context.Background(), tenantID, by, ada, NewMethod{Token: "pm_card_visa", BillingName: strings.Repeat("n", 101)})
	require.Equal(t, "billing_name", ports.AsError(err).Fields[0].Field)
}

func TestAtMostMaxMethods(t *testing.T) {
	t.Parallel()
	f := setup()
	for range MaxMethods {
		f.add(t, "pm_card_visa", false)
	}
	n := len(f.gw.attached)
	_, err := f.svc.Add(context.Background(), tenantID, by, ada, NewMethod{Token: "pm_card_visa"})
	require.ErrorIs(t, err, ports.ErrConflict)
	require.Equal(t, "TOO_MANY_PAYMENT_METHODS", ports.AsError(err).Code)
	require.Len(t, f.gw.attached, n, "refused before the gateway is asked")
}

func TestExpired(t *testing.T) {
	t.Parallel()
	m := Method{ExpMonth: 2, ExpYear: 2027}
	require.False(t, m.Expired(time.Date(2027, 2, 28, 23, 59, 59, 0, time.UTC)), "valid through the last day of its month")
	require.True(t, m.Expired(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)))
	require.False(t, Method{ExpMonth: 12, ExpYear: 2027}.Expired(time.Date(2027, 12, 31, 12, 0, 0, 0, time.UTC)))
	require.True(t, Method{ExpMonth: 12, ExpYear: 2027}.Expired(time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)))
}
