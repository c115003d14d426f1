package flag

import (
	"sync"
	"sync/atomic"
	"time"
)

// Cache keeps each client's compiled snapshot in process. The hot path reads two atomic pointers
// and one map, without locks or allocation: the map of clients is copied on write (a client's
// first load), and each client's slot holds its current snapshot.
//
// Invalidation is by generation: Invalidate (a change committed here, or announced by another
// process) bumps the client's generation and drops its snapshot; a load records the generation
// before it reads the store and keeps what it read only if no invalidation came meanwhile, so a
// load racing a change never installs the definitions from before it.
type Cache struct {
	mu    sync.Mutex // serializes copies of the map
	slots atomic.Pointer[map[string]*slot]
}

type slot struct {
	gen  atomic.Uint64
	snap atomic.Pointer[entry]
	load sync.Mutex // one load at a time per client
}

type entry struct {
	snap   *Snapshot
	loaded time.Time
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	c := &Cache{}
	m := map[string]*slot{}
	c.slots.Store(&m)
	return c
}

func (c *Cache) slot(tenantID string) *slot {
	if s, ok := (*c.slots.Load())[tenantID]; ok {
		return s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := *c.slots.Load()
	if s, ok := old[tenantID]; ok {
		return s
	}
	m := make(map[string]*slot, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	s := &slot{}
	m[tenantID] = s
	c.slots.Store(&m)
	return s
}

// get answers the client's snapshot when one is cached and younger than maxAge.
func (c *Cache) get(tenantID string, now time.Time, maxAge time.Duration) (*Snapshot, bool) {
	s, ok := (*c.slots.Load())[tenantID]
	if !ok {
		return nil, false
	}
	e := s.snap.Load()
	if e == nil || now.Sub(e.loaded) > maxAge {
		return nil, false
	}
	return e.snap, true
}

// load answers a fresh snapshot, calling fetch unless another caller loaded one meanwhile.
func (c *Cache) load(tenantID string, now time.Time, maxAge time.Duration, fetch func() (*Snapshot, error)) (*Snapshot, error) {
	s := c.slot(tenantID)
	s.load.Lock()
	defer s.load.Unlock()
	if e := s.snap.Load(); e != nil && now.Sub(e.loaded) <= maxAge {
		return e.snap, nil
	}
	gen := s.gen.Load()
	snap, err := fetch()
	if err != nil {
		return nil, err
	}
	if s.gen.Load() == gen {
		s.snap.Store(&entry{snap: snap, loaded: now})
	}
	return snap, nil
}

// Invalidate drops the client's snapshot: the next evaluation loads the definitions again.
func (c *Cache) Invalidate(tenantID string) {
	if s, ok := (*c.slots.Load())[tenantID]; ok {
		s.gen.Add(1)
		s.snap.Store(nil)
	}
}

// Reset drops every client's snapshot (announcements may have been missed: the listener lost its
// subscription for a while).
func (c *Cache) Reset() {
	for _, s := range *c.slots.Load() {
		s.gen.Add(1)
		s.snap.Store(nil)
	}
}
