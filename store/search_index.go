package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite"

	"github.com/koers-project/koers/catalog"
)

// register is the store's hot search state: the in-memory filter and facet
// columns of every offer (memIndex, about 40 bytes an offer), a few recent
// FTS match sets, and the filters that SQL functions consult while a query
// runs. One per Store.
type register struct {
	mu      sync.Mutex
	idx     *memIndex
	loading atomic.Bool // a background load of idx runs
	// importing counts the imports this process runs on the file (the
	// taxonomy's first-use load among them): ImportStatus speaks of
	// imports other processes run, which this process's screens cannot
	// otherwise know of.
	importing atomic.Int32
	bg        sync.WaitGroup  // that load, for Close to wait on
	bgCtx     context.Context // cancelled by Close
	bgStop    context.CancelFunc
	stale     atomic.Bool
	matches   matchCache
	// ranked and facets keep unfiltered searches' results (search_cache.go).
	ranked resultCache[[]scored]
	facets resultCache[catalog.Facets]

	filters sync.Map // handle → *filter, while a query that uses koers_keep runs
	handle  atomic.Int64

	// decoded keeps recently shown offers decoded: successive keystrokes
	// show mostly the same offers.
	decoded offerCache

	// passMaps keep the pass maps of the last filters ranked: while a
	// person types, the filters stay the same and only the text changes.
	passMu   sync.Mutex
	passMaps []passMapEntry

	// bm25 and bm25Title hold the figures ranking in Go needs, for
	// offers_fts and offers_title_fts (search_bm25.go).
	bm25, bm25Title bm25Stats
}

type passMapEntry struct {
	idx *memIndex
	key string
	m   []byte
}

const passMapCacheSize = 2

// passMap is f as one byte a rowid (1 passes, 0 does not), from rowid 0 to
// the index's last, through the cache (about 1 MB at 1M offers).
func (r *register) passMap(f *filter) []byte {
	r.passMu.Lock()
	defer r.passMu.Unlock()
	for _, e := range r.passMaps {
		if e.idx == f.idx && e.key == f.key {
			return e.m
		}
	}
	m := make([]byte, f.idx.n)
	for rid := range m {
		if f.keep(uint32(rid)) {
			m[rid] = 1
		}
	}
	r.passMaps = append([]passMapEntry{{f.idx, f.key, m}}, r.passMaps...)
	if len(r.passMaps) > passMapCacheSize {
		r.passMaps = r.passMaps[:passMapCacheSize]
	}
	return m
}

// offerCache holds decoded offers by rowid, at most offerCacheSize; when
// full it starts over (cheaper than LRU bookkeeping, and typing moves on).
type offerCache struct {
	mu sync.Mutex
	m  map[uint32]catalog.Offer
}

const offerCacheSize = 4096

func (c *offerCache) get(rid uint32) (catalog.Offer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.m[rid]
	return o, ok
}

func (c *offerCache) put(rid uint32, o catalog.Offer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= offerCacheSize {
		c.m = make(map[uint32]catalog.Offer, 256)
	}
	c.m[rid] = o
}

func (c *offerCache) clear() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

func newRegister() *register {
	r := &register{}
	r.bgCtx, r.bgStop = context.WithCancel(context.Background())
	r.stale.Store(true)
	return r
}

// stopBackground cancels a background index load and waits for it, so
// that nothing uses the database once the store closes.
func (r *register) stopBackground() {
	r.bgStop()
	r.bg.Wait()
}

// sqlFuncs registers the register's SQL functions on the store's own
// driver (not process-wide):
//   - koers_rids(rowid) aggregates rowids into a blob of little-endian
//     uint32, so a whole FTS match set crosses into Go in one value;
//   - koers_keep(rowid, handle) applies the Go filter registered under
//     handle, so FTS ranks only the offers that pass the filters.
func (r *register) sqlFuncs(d *sqlite.Driver) error {
	if err := d.RegisterFunction("koers_rids", &sqlite.FunctionImpl{
		NArgs:         1,
		MakeAggregate: func(sqlite.FunctionContext) (sqlite.AggregateFunction, error) { return &ridAgg{}, nil },
	}); err != nil {
		return err
	}
	return d.RegisterFunction("koers_keep", &sqlite.FunctionImpl{
		NArgs: 2,
		Scalar: func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			rid, _ := args[0].(int64)
			h, _ := args[1].(int64)
			f, ok := r.filters.Load(h)
			if !ok {
				return int64(0), fmt.Errorf("koers_keep: no filter %d", h)
			}
			if f.(*filter).keep(uint32(rid)) {
				return int64(1), nil
			}
			return int64(0), nil
		},
	})
}

// withFilter registers f for koers_keep while fn runs.
func (r *register) withFilter(f *filter, fn func(handle int64) error) error {
	h := r.handle.Add(1)
	r.filters.Store(h, f)
	defer r.filters.Delete(h)
	return fn(h)
}

type ridAgg struct{ buf []byte }

func (a *ridAgg) Step(_ *sqlite.FunctionContext, args []driver.Value) error {
	if v, ok := args[0].(int64); ok {
		a.buf = binary.LittleEndian.AppendUint32(a.buf, uint32(v))
	}
	return nil
}
func (a *ridAgg) WindowInverse(*sqlite.FunctionContext, []driver.Value) error {
	return fmt.Errorf("koers_rids is not a window function")
}
func (a *ridAgg) WindowValue(*sqlite.FunctionContext) (driver.Value, error) {
	if a.buf == nil {
		return []byte{}, nil
	}
	return a.buf, nil
}
func (a *ridAgg) Final(*sqlite.FunctionContext) {}

// memIndex holds, per offer rowid, what filters and facets read. Values are
// interned: mode, region and organisation ids index the name slices;
// languages and schemes are bit sets over langs and schemes.
type memIndex struct {
	gen      string
	n        int // max rowid + 1
	status   []uint8
	eqf      []int8
	mode     []uint8
	region   []uint16
	langs    []uint32
	schemes  []uint64
	price    []int32 // cents, -1 unknown
	start    []int32 // days since 1970-01-01, math.MinInt32 unknown
	prov     []uint32
	award    []uint32
	initials []uint64

	modeIDs, regionIDs, langIDs, schemeIDs interner
	orgs                                   []string // by offer_orgs id
	active                                 int
	terms                                  []string         // the vocabulary, sorted; nil if incomplete
	termRows                               map[string]int64 // offer_term_rows; nil if incomplete
}

const (
	stNone uint8 = iota
	stActive
	stWithdrawn
)

// registerChanged marks the in-memory state stale after a write.
func (s *Store) registerChanged() {
	s.reg.stale.Store(true)
	s.reg.matches.clear()
	s.reg.decoded.clear()
	s.reg.bm25.clear()
	s.reg.bm25Title.clear()
	s.reg.ranked.clear()
	s.reg.facets.clear()
}

// generation is the register's change counter in meta.
func (s *Store) generation(ctx context.Context) (string, error) {
	var g string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'register.generation'`).Scan(&g)
	if err == sql.ErrNoRows {
		return "0", nil
	}
	return g, err
}

// index returns the current in-memory index, loading it when the register
// changed (in this process or another one).
func (s *Store) index(ctx context.Context) (*memIndex, error) {
	r := s.reg
	r.mu.Lock()
	defer r.mu.Unlock()
	gen, err := s.generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if r.idx != nil && r.idx.gen == gen && !r.stale.Load() {
		return r.idx, nil
	}
	if r.idx != nil && r.idx.gen != gen {
		r.matches.clear()
		r.decoded.clear()
	}
	idx, err := loadIndex(ctx, s.db, gen)
	if err != nil {
		return nil, fmt.Errorf("search: load index: %w", err)
	}
	r.idx = idx
	r.stale.Store(false)
	return idx, nil
}

// readyIndex is the loaded index if it is current, else nil, never
// waiting for a load; a nil result starts one in the background (the first
// search of a session answers from SQL meanwhile: at 1M offers the load
// reads a 41 MB blob).
func (s *Store) readyIndex(ctx context.Context) *memIndex {
	r := s.reg
	if !r.mu.TryLock() {
		return nil // a load is running
	}
	idx := r.idx
	r.mu.Unlock()
	if idx != nil && !r.stale.Load() {
		if gen, err := s.generation(ctx); err == nil && gen == idx.gen {
			return idx
		}
	}
	if r.loading.CompareAndSwap(false, true) {
		r.bg.Go(func() {
			defer r.loading.Store(false)
			_, _ = s.index(r.bgCtx)
		})
	}
	return nil
}

type interner struct {
	ids   map[string]int
	names []string
}

func (in *interner) id(s string) int {
	if in.ids == nil {
		in.ids = map[string]int{}
	}
	if id, ok := in.ids[s]; ok {
		return id
	}
	id := len(in.names)
	in.ids[s] = id
	in.names = append(in.names, s)
	return id
}

func loadIndex(ctx context.Context, db *sql.DB, gen string) (*memIndex, error) {
	idx, err := baseIndex(ctx, db, gen)
	if err != nil {
		return nil, err
	}
	idx.gen = gen
	if idx.terms, err = loadTerms(ctx, db); err != nil {
		return nil, err
	}
	if idx.termRows, err = loadTermRows(ctx, db); err != nil {
		return nil, err
	}
	orgs, err := db.QueryContext(ctx, `SELECT id, name FROM offer_orgs`)
	if err != nil {
		return nil, err
	}
	defer orgs.Close()
	for orgs.Next() {
		var id int
		var name string
		if err := orgs.Scan(&id, &name); err != nil {
			return nil, err
		}
		for len(idx.orgs) <= id {
			idx.orgs = append(idx.orgs, "")
		}
		idx.orgs[id] = name
	}
	return idx, orgs.Err()
}

// matchCache keeps the last few FTS match sets (sorted rowids) by FTS
// expression: the page, the count and the facets of one keystroke share
// one FTS scan, and a filter change or a one-letter last term reuses it.
type matchCache struct {
	mu      sync.Mutex
	entries []matchEntry
}

type matchEntry struct {
	expr string
	rids []uint32
}

const matchCacheSize = 4

func (c *matchCache) get(expr string) ([]uint32, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		if e.expr == expr {
			return e.rids, true
		}
	}
	return nil, false
}

func (c *matchCache) put(expr string, rids []uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = append([]matchEntry{{expr, rids}}, c.entries...)
	if len(c.entries) > matchCacheSize {
		c.entries = c.entries[:matchCacheSize]
	}
}

func (c *matchCache) clear() {
	c.mu.Lock()
	c.entries = nil
	c.mu.Unlock()
}

// ClearSearchCache forgets the cached match sets, phrase counts and results, so
// that a benchmark can replay typing as a fresh session would see it.
func (s *Store) ClearSearchCache() {
	s.reg.matches.clear()
	s.reg.bm25.clear()
	s.reg.bm25Title.clear()
	s.reg.ranked.clear()
	s.reg.facets.clear()
}
