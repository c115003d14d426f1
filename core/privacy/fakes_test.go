package privacy

import (
	"bytes"
	"context"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/mailer"
	"github.com/stvos/stvos/core/payment"
	"github.com/stvos/stvos/ports"
)

// The fakes below stand in for storage and the other contexts so that the use cases' rules can
// be read in isolation; the PostgreSQL store passes contract.Privacy, and the end-to-end suite
// drives the whole of it over HTTP.

// fakeStore keeps exports, deletion requests and users in memory; its unit of work restores them
// when the function fails, as a rolled-back transaction would.
type fakeStore struct {
	mu        sync.Mutex
	exports   map[string]Export
	deletions map[string]Deletion
	users     map[string]account.User
	methods   map[string][]payment.Method
	audits    []string
	erased    []string
}

func newFakeStore() *fakeStore {
	return &fakeStore{exports: map[string]Export{}, deletions: map[string]Deletion{}, users: map[string]account.User{},
		methods: map[string][]payment.Method{}}
}

func (s *fakeStore) Do(ctx context.Context, _ ports.Scope, fn func(context.Context) error) error {
	s.mu.Lock()
	exports, deletions, users, methods, audits, erased := maps.Clone(s.exports), maps.Clone(s.deletions), maps.Clone(s.users),
		maps.Clone(s.methods), slices.Clone(s.audits), slices.Clone(s.erased)
	s.mu.Unlock()
	if err := fn(ctx); err != nil {
		s.mu.Lock()
		s.exports, s.deletions, s.users, s.methods, s.audits, s.erased = exports, deletions, users, methods, audits, erased
		s.mu.Unlock()
		return err
	}
	return nil
}

func (s *fakeStore) Read(ctx context.Context, sc ports.Scope, fn func(context.Context) error) error {
	return s.Do(ctx, sc, fn)
}

func (s *fakeStore) CreateExport(_ context.Context, e Export) error {
	for _, o := range s.exports {
		if o.UserID == e.UserID && o.Live() {
			return ErrExportInProgress
		}
	}
	s.exports[e.ID] = e
	return nil
}

func (s *fakeStore) LatestExport(_ context.Context, userID string) (Export, error) {
	var out *Export
	for _, e := range s.exports {
		if e.UserID == userID && (out == nil || e.RequestedAt.After(out.RequestedAt) || (e.RequestedAt.Equal(out.RequestedAt) && e.ID > out.ID)) {
			out = &e
		}
	}
	if out == nil {
		return Export{}, ports.NotFound("export")
	}
	return *out, nil
}

func (s *fakeStore) Export(_ context.Context, id string, _ bool) (Export, error) {
	if e, ok := s.exports[id]; ok {
		return e, nil
	}
	return Export{}, ports.NotFound("export")
}

func (s *fakeStore) SaveExport(_ context.Context, e Export) error {
	if _, ok := s.exports[e.ID]; !ok {
		return ports.NotFound("export")
	}
	s.exports[e.ID] = e
	return nil
}

func (s *fakeStore) UserExports(_ context.Context, userID string) ([]Export, error) {
	var out []Export
	for _, e := range s.exports {
		if e.UserID == userID {
			out = append(out, e)
		}
	}
	return out, nil
}

func (s *fakeStore) ExpiredExports(_ context.Context, now time.Time, limit int) ([]Export, error) {
	var out []Export
	for _, e := range s.exports {
		if e.Status == ExportReady && !e.ExpiresAt.After(now) && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func (s *fakeStore) CreateDeletion(_ context.Context, d Deletion) error {
	for _, o := range s.deletions {
		if o.UserID == d.UserID && (o.Status == DeletionPending || o.Status == DeletionErasing) {
			return ErrDeletionPending
		}
	}
	s.deletions[d.ID] = d
	return nil
}

func (s *fakeStore) LiveDeletion(_ context.Context, userID string, _ bool) (Deletion, error) {
	for _, d := range s.deletions {
		if d.UserID == userID && (d.Status == DeletionPending || d.Status == DeletionErasing) {
			return d, nil
		}
	}
	return Deletion{}, ports.NotFound("deletion request")
}

func (s *fakeStore) Deletion(_ context.Context, id string, _ bool) (Deletion, error) {
	if d, ok := s.deletions[id]; ok {
		return d, nil
	}
	return Deletion{}, ports.NotFound("deletion request")
}

func (s *fakeStore) SaveDeletion(_ context.Context, d Deletion) error {
	if _, ok := s.deletions[d.ID]; !ok {
		return ports.NotFound("deletion request")
	}
	s.deletions[d.ID] = d
	return nil
}

func (s *fakeStore) DueDeletions(_ context.Context, now time.Time, limit int) ([]EraseJob, error) {
	var out []EraseJob
	for _, d := range s.deletions {
		if (d.Status == DeletionPending || d.Status == DeletionErasing) && !d.ScheduledAt.After(now) && len(out) < limit {
			out = append(out, EraseJob{TenantID: d.TenantID, RequestID: d.ID})
		}
	}
	return out, nil
}

func (s *fakeStore) PersonalData(_ context.Context, userID string) ([]Section, error) {
	u, ok := s.users[userID]
	if !ok {
		return nil, ports.NotFound("account")
	}
	out := []Section{}
	for _, name := range Sections {
		out = append(out, Section{Name: name, Data: []byte(`[]`)})
	}
	out[0].Data = []byte(`{"id":"` + u.ID + `","email":"` + u.Email + `"}`)
	return out, nil
}

func (s *fakeStore) Erase(_ context.Context, userID, email string) error {
	delete(s.users, userID)
	delete(s.methods, userID)
	for id, e := range s.exports {
		if e.UserID == userID {
			delete(s.exports, id)
		}
	}
	s.erased = append(s.erased, userID+"/"+email)
	return nil
}

// account.Store over the same maps.

func (s *fakeStore) CreateUser(_ context.Context, u account.User) error {
	s.users[u.ID] = u
	return nil
}

func (s *fakeStore) UserByEmail(_ context.Context, email string) (account.User, error) {
	for _, u := range s.users {
		if u.Email == email {
			return u, nil
		}
	}
	return account.User{}, ports.NotFound("user")
}

func (s *fakeStore) User(ctx context.Context, id string) (account.User, error) {
	return s.ReadUser(ctx, id)
}

func (s *fakeStore) ReadUser(_ context.Context, id string) (account.User, error) {
	if u, ok := s.users[id]; ok {
		return u, nil
	}
	return account.User{}, ports.NotFound("user")
}

func (s *fakeStore) SaveUser(_ context.Context, u account.User) error { s.users[u.ID] = u; return nil }

// Methods.
func (s *fakeStore) List(_ context.Context, userID string) ([]payment.Method, error) {
	return s.methods[userID], nil
}

// audit.Store.
func (s *fakeStore) Append(_ context.Context, r audit.Record) error {
	s.audits = append(s.audits, r.Action+" "+r.TargetID)
	return nil
}

// fakeAudit adapts the store's records to audit.Store (List is never called by privacy).
type fakeAudit struct{ *fakeStore }

func (fakeAudit) List(context.Context, string, audit.Filter, string, int) ([]audit.Record, error) {
	return nil, nil
}

// hasher "hashes" by prefixing, so a test reads what it checks.
type hasher struct{}

func (hasher) Hash(p string) (string, error)      { return "h:" + p, nil }
func (hasher) Verify(p, enc string) (bool, error) { return enc == "h:"+p, nil }

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Enqueue implements ports.Jobs.
func (r *recorder) Enqueue(_ context.Context, j ports.Job) error { r.add("job", j); return nil }

// recorder notes what the use cases ask of the other contexts, in order.
type recorder struct {
	mu    sync.Mutex
	calls []string
	jobs  []ports.Job
	mails []mailer.Message
}

func (r *recorder) add(what string, v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch x := v.(type) {
	case mailer.Message:
		r.mails = append(r.mails, x)
	case ports.Job:
		r.jobs = append(r.jobs, x)
	case string:
		r.calls = append(r.calls, what+" "+x)
	}
}

type fakeMail struct{ r *recorder }

func (m fakeMail) Enqueue(_ context.Context, msg mailer.Message) error {
	m.r.add("mail", msg)
	return nil
}

type fakeSubs struct{ r *recorder }

func (f fakeSubs) EndForDeletion(_ context.Context, _ string, by audit.Actor, userID, reason string) error {
	f.r.add("end", userID+" by "+by.Kind+" "+reason)
	return nil
}

type fakeSessions struct{ r *recorder }

func (f fakeSessions) RevokeAll(_ context.Context, kind, subjectID, keep string) error {
	f.r.add("revoke", kind+" "+subjectID+" keep "+keep)
	return nil
}

// gateway records detaches; only DetachMethod is used.
type gateway struct {
	ports.Payments
	r *recorder
}

func (g gateway) DetachMethod(_ context.Context, _, customerID, methodID string) error {
	g.r.add("detach", customerID+"/"+methodID)
	return nil
}

type gateways struct{ r *recorder }

func (g gateways) Named(string) (ports.Payments, error) { return gateway{r: g.r}, nil }

// blobs keeps objects in memory.
type blobs struct {
	mu   sync.Mutex
	objs map[string][]byte
}

func (b *blobs) Put(_ context.Context, key, _ string, data []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.objs[key] = bytes.Clone(data)
	return nil
}

func (b *blobs) Get(_ context.Context, key string) (io.ReadCloser, string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.objs[key]
	if !ok {
		return nil, "", ports.NotFound("object")
	}
	return io.NopCloser(bytes.NewReader(d)), ArchiveType, nil
}

func (b *blobs) Delete(_ context.Context, key string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.objs[key]; !ok {
		return ports.NotFound("object")
	}
	delete(b.objs, key)
	return nil
}

func (b *blobs) keys() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Sorted(maps.Keys(b.objs))
}

// env is one test's service and everything it talks to.
type env struct {
	svc    *Service
	store  *fakeStore
	rec    *recorder
	blobs  *blobs
	clock  *fakeClock
	tenant string
	ada    account.User
}

const password = "correct horse battery"

func setup(t *testing.T) env {
	t.Helper()
	st, rec := newFakeStore(), &recorder{}
	pw, err := credential.NewPasswords(hasher{}, nil)
	require.NoError(t, err)
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	bl := &blobs{objs: map[string][]byte{}}
	tenant := ports.NewID()
	ada := account.New(tenant, "ada@example.test", "h:"+password, "Ada", []string{"subscriber"}, clock.Now())
	ada.AvatarURL, ada.PreferredLanguage = account.MediaPrefix+"avatars/"+tenant+"/"+ada.ID+"-x.png", "de"
	st.users[ada.ID] = ada
	bl.objs["avatars/"+tenant+"/"+ada.ID+"-x.png"] = []byte("png")
	svc := NewService(Deps{UnitOfWork: st, Store: st, Users: st, Passwords: pw, Subscriptions: fakeSubs{rec}, Sessions: fakeSessions{rec},
		Methods: st, Gateways: gateways{rec}, Blobs: bl, Mail: fakeMail{rec}, Jobs: rec, Audit: fakeAudit{st}, Clock: clock,
		Links: NewLinks(bytes.Repeat([]byte{7}, 32), "https://api.example.test/privacy/exports")})
	return env{svc: svc, store: st, rec: rec, blobs: bl, clock: clock, tenant: tenant, ada: ada}
}

func (e env) calls(prefix string) []string {
	e.rec.mu.Lock()
	defer e.rec.mu.Unlock()
	var out []string
	for _, c := range e.rec.calls {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}
