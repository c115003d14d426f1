package jwt

import (
	"context"
	"time"
)

// RefreshEvery is the age past which a request reloads the key set itself: the longest a process
// signs with a copy it has not re-read while its store answers.
const RefreshEvery = 5 * time.Minute

// How often the signer re-reads the key set. A reload on a request's behalf is rare: the
// background refresher (Run) keeps the copy fresh in a server, so requests reload only when it
// is not running or the store did not answer it.
const (
	// backgroundEvery is the refresher's period: a rotation made elsewhere reaches this process
	// within it.
	backgroundEvery = time.Minute
	// reloadEvery bounds how often a token naming an unknown key makes the signer reload.
	reloadEvery = 5 * time.Second
	// reloadTimeout bounds a reload made on a request's behalf.
	reloadTimeout = 5 * time.Second
)

// Refresh re-reads the key set from the store and rotates a generated key that reached
// RotateAfter (a configured key is the operator's to replace).
func (s *Signer) Refresh(ctx context.Context) error {
	s.reloading.Lock()
	defer s.reloading.Unlock()
	return s.refresh(ctx)
}

func (s *Signer) refresh(ctx context.Context) error {
	if err := s.load(ctx); err != nil {
		return err
	}
	s.mu.RLock()
	old := s.pinned == "" && s.active != nil && s.clock.Now().Sub(time.Unix(s.active.created, 0)) > RotateAfter
	s.mu.RUnlock()
	if !old {
		return nil
	}
	_, err := s.rotate(ctx)
	return err
}

// Run refreshes the key set every minute until ctx ends, reporting failures (see report).
func (s *Signer) Run(ctx context.Context) {
	t := time.NewTicker(backgroundEvery)
	defer t.Stop()
	s.run(ctx, t.C)
}

func (s *Signer) run(ctx context.Context, ticks <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			err := s.Refresh(ctx)
			if ctx.Err() != nil {
				return // shutting down: not a failure of the store
			}
			s.report(err)
		}
	}
}

// load replaces the keys held with the store's. The store reads on its own, outside any unit of
// work in ctx, so a reload from inside a tenant's transaction works.
func (s *Signer) load(ctx context.Context) error {
	s.mu.Lock()
	s.lastReload = s.clock.Now() // on failure the keys held serve until the next attempt is due
	s.mu.Unlock()
	stored, err := s.store.Keys(ctx)
	if err != nil {
		return err
	}
	keys := map[string]*key{}
	var active *key
	for _, sk := range stored { // newest first
		k, err := parseKey(sk.PrivatePEM)
		if err != nil {
			return err
		}
		k.created = sk.CreatedAt
		keys[k.kid()] = k
		if active == nil && sk.RetiredAt == 0 {
			active = k
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = keys
	if s.pinned == "" || keys[s.pinned] == nil {
		s.active = active
	} else {
		s.active = keys[s.pinned]
	}
	return nil
}

// refreshIfStale refreshes on a request's behalf when the copy is older than RefreshEvery. One
// caller refreshes; the others go on with the keys held rather than wait for it.
func (s *Signer) refreshIfStale(ctx context.Context) {
	if !s.stale(RefreshEvery) || !s.reloading.TryLock() {
		return
	}
	defer s.reloading.Unlock()
	if !s.stale(RefreshEvery) {
		return // refreshed while this caller waited for the lock
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reloadTimeout)
	defer cancel()
	s.report(s.refresh(ctx))
}

// lookup finds a verification key, reloading (at most every reloadEvery) when the kid is not
// known: a key another process has just made.
func (s *Signer) lookup(ctx context.Context, kid string) *key {
	if k := s.key(kid); k != nil || kid == "" || !s.stale(reloadEvery) {
		return k
	}
	s.reloading.Lock() // a reload under way may bring the key
	defer s.reloading.Unlock()
	if k := s.key(kid); k != nil || !s.stale(reloadEvery) {
		return k
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reloadTimeout)
	defer cancel()
	s.report(s.load(ctx))
	return s.key(kid)
}

// report logs a failed reload once, and the first success after it once: the store being
// unreachable shows in the logs without flooding them, while the keys held keep signing and
// verifying.
func (s *Signer) report(err error) {
	s.mu.Lock()
	was := s.failing
	s.failing = err != nil
	s.mu.Unlock()
	switch {
	case err != nil && !was:
		s.log.Error("jwt: reloading the signing keys failed; the keys held go on signing", "error", err.Error())
	case err == nil && was:
		s.log.Info("jwt: signing keys reloaded again")
	}
}

func (s *Signer) stale(age time.Duration) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.clock.Now().Sub(s.lastReload) >= age
}

func (s *Signer) key(kid string) *key {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.keys[kid]
}

func (s *Signer) current() *key {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.active
}
