package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/koers-project/koers/catalog"
)

// Search tuning. Ranking is bounded: exact weighted bm25 over the first
// rankBudget matches that pass the filters, in rowid order; below that
// many matches the ranking is exact.
const (
	defaultLimit = 50
	rankBudget   = 1000
	// filteredBudget bounds ranking under filters, where reaching each
	// passing offer costs a Go filter call per match scanned: a selective
	// filter on a large match set would otherwise scan it all.
	filteredBudget = 250
	maxTerms       = 16
)

// bm25Weights weight the FTS columns: title, description, outcomes, skills, provider.
const bm25Weights = "10.0, 1.0, 2.0, 2.0, 3.0"

// ftsQuery is search text made safe for FTS5.
type ftsQuery struct {
	// expr is the MATCH expression, every term quoted ("data" "an"*), or ""
	// when no term reaches FTS.
	expr string
	// phrases are expr's phrases in order (bm25 scores each).
	phrases []ftsPhrase
	// initial is the catalog.InitialBit a one-letter last term asks of the
	// title (0: none). One-letter prefixes never reach FTS: there is no
	// prefix index behind them and they would match most of the register.
	initial uint64
}

// buildFTS turns what a person typed into an FTS5 expression. Text is split
// into folded words the way the tokenizer splits it, so no character of the
// input (quotes, *, -, :, parentheses, NEAR, AND) can be FTS syntax. The last
// word is a prefix unless the text ends with a separator; with the register's
// vocabulary (terms, sorted; nil: none) a prefix may become the words it
// stands for (expandPrefix).
func buildFTS(text string, terms []string) ftsQuery {
	words := catalog.Words(text)
	if len(words) == 0 {
		return ftsQuery{}
	}
	last, _ := utf8.DecodeLastRuneInString(text)
	prefix := len(catalog.Words(string(last))) > 0
	if len(words) > maxTerms {
		words, prefix = words[:maxTerms], false
	}
	var q ftsQuery
	if prefix && utf8.RuneCountInString(words[len(words)-1]) == 1 {
		q.initial = catalog.InitialBit(words[len(words)-1])
		words, prefix = words[:len(words)-1], false
	}
	parts := make([]string, len(words))
	for i, w := range words {
		if prefix && i == len(words)-1 {
			var ph []ftsPhrase
			parts[i], ph = expandPrefix(w, terms)
			q.phrases = append(q.phrases, ph...)
		} else {
			parts[i] = quote(w)
			q.phrases = append(q.phrases, ftsPhrase{text: w})
		}
	}
	sep := " "
	if len(parts) > 0 && strings.HasPrefix(parts[len(parts)-1], "(") {
		sep = " AND " // FTS5 has no implicit AND before a parenthesised group
	}
	q.expr = strings.Join(parts, sep)
	return q
}

// filter is a compiled catalog.Query against one memIndex.
type filter struct {
	idx        *memIndex
	withdrawn  bool
	none       bool // a value the register does not have: nothing passes
	eqfMin     int8
	eqfMax     int8
	modes      uint64 // bit per mode id; 0: any
	lang       uint32 // 0: any
	scheme     uint64 // 0: any
	regionOK   []bool // nil: any
	orgOK      []bool // nil: any
	maxPrice   int32
	hasPrice   bool
	otherCur   bitset // offers priced in another currency than the filter's
	startAfter int32
	hasStart   bool
	skills     bitset // nil: any
	hasSkills  bool
	initial    uint64
	key        string // the query's filters, for the register's pass maps
}

// onlyStatus reports whether the filter checks nothing but the status.
func (f *filter) onlyStatus() bool {
	return !f.none && f.eqfMin == 0 && f.eqfMax == 0 && f.modes == 0 && f.lang == 0 && f.scheme == 0 && f.regionOK == nil &&
		f.orgOK == nil && !f.hasPrice && !f.hasStart && !f.hasSkills && f.initial == 0
}

func (f *filter) keep(rid uint32) bool {
	x := f.idx
	if f.none || int(rid) >= x.n {
		return false
	}
	switch x.status[rid] {
	case stNone:
		return false
	case stWithdrawn:
		if !f.withdrawn {
			return false
		}
	}
	if f.eqfMin != 0 && (x.eqf[rid] < f.eqfMin || x.eqf[rid] > f.eqfMax) {
		return false
	}
	if f.modes != 0 && f.modes&(1<<x.mode[rid]) == 0 {
		return false
	}
	if f.lang != 0 && x.langs[rid]&f.lang == 0 {
		return false
	}
	if f.scheme != 0 && x.schemes[rid]&f.scheme == 0 {
		return false
	}
	if f.regionOK != nil && !f.regionOK[x.region[rid]] {
		return false
	}
	if f.orgOK != nil && !f.orgOK[x.prov[rid]] && !f.orgOK[x.award[rid]] {
		return false
	}
	if f.hasPrice && (x.price[rid] < 0 || x.price[rid] > f.maxPrice || f.otherCur.has(int64(rid))) {
		return false
	}
	if f.hasStart && x.start[rid] < f.startAfter {
		return false
	}
	if f.hasSkills && !f.skills.has(int64(rid)) {
		return false
	}
	if f.initial != 0 && x.initials[rid]&f.initial == 0 {
		return false
	}
	return true
}

// filterKey identifies q's filters (everything but the text and the page).
func filterKey(q catalog.Query) string {
	price := "-"
	if q.MaxPrice != nil {
		price = fmt.Sprint(int64(*q.MaxPrice))
	}
	return fmt.Sprintf("%d %d %q %q %q %s %q %s %q %q %t %q", q.EQFMin, q.EQFMax, q.Modes, q.Language, q.Region, price, q.Scheme,
		q.StartAfter, q.Provider, q.Skills, q.Withdrawn, q.Currency)
}

// compileFilter checks q and resolves its values against the index.
func (s *Store) compileFilter(ctx context.Context, q catalog.Query, idx *memIndex, initial uint64) (*filter, error) {
	f := &filter{idx: idx, withdrawn: q.Withdrawn, initial: initial, key: filterKey(q)}
	if q.EQFMin != 0 || q.EQFMax != 0 {
		lo, hi := q.EQFMin, q.EQFMax
		if lo == 0 {
			lo = 1
		}
		if hi == 0 {
			hi = 8
		}
		if lo < 1 || lo > 8 || hi < 1 || hi > 8 || lo > hi {
			return nil, fmt.Errorf("search: eqf %d–%d is not a range of levels 1–8", q.EQFMin, q.EQFMax)
		}
		f.eqfMin, f.eqfMax = int8(lo), int8(hi)
	}
	for _, m := range q.Modes {
		if !m.Valid() {
			return nil, fmt.Errorf("search: mode %q is not a form of participation", m)
		}
		if i := slices.Index(idx.modeIDs.names, string(m)); i >= 0 {
			f.modes |= 1 << i
		}
	}
	if len(q.Modes) > 0 && f.modes == 0 {
		f.none = true
	}
	if q.Language != "" {
		i := slices.Index(idx.langIDs.names, strings.ToLower(q.Language))
		if i < 0 || i >= 32 {
			f.none = true
		} else {
			f.lang = 1 << i
		}
	}
	if q.Scheme != "" {
		i := slices.Index(idx.schemeIDs.names, q.Scheme)
		if i < 0 || i >= 64 {
			f.none = true
		} else {
			f.scheme = 1 << i
		}
	}
	if q.Region != "" {
		p := strings.ToUpper(q.Region)
		f.regionOK = make([]bool, len(idx.regionIDs.names))
		for i, r := range idx.regionIDs.names {
			f.regionOK[i] = r != "" && strings.HasPrefix(r, p)
		}
	}
	if q.Provider != "" {
		p := catalog.FoldSearch(strings.TrimSpace(q.Provider))
		f.orgOK = make([]bool, len(idx.orgs))
		for i, o := range idx.orgs {
			f.orgOK[i] = o != "" && strings.Contains(catalog.FoldSearch(o), p)
		}
	}
	if q.MaxPrice != nil {
		if *q.MaxPrice < 0 {
			return nil, fmt.Errorf("search: max price is negative")
		}
		f.hasPrice, f.maxPrice = true, int32(min(int64(*q.MaxPrice), math.MaxInt32))
		if err := s.pricedElsewhere(ctx, q.Currency, &f.otherCur); err != nil {
			return nil, err
		}
	}
	if !q.StartAfter.IsZero() {
		f.hasStart, f.startAfter = true, int32(q.StartAfter.Time().Unix()/86400)
	}
	if len(q.Skills) > 0 {
		f.hasSkills = true
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(q.Skills)), ", ")
		args := make([]any, len(q.Skills))
		for i, u := range q.Skills {
			args[i] = u
		}
		rows, err := s.db.QueryContext(ctx, `SELECT k.offer FROM offer_skills k JOIN offer_skill_uris u ON u.id = k.skill WHERE u.uri IN (`+ph+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("search: skills: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var rid int64
			if err := rows.Scan(&rid); err != nil {
				return nil, err
			}
			f.skills.set(rid)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("search: skills: %w", err)
		}
	}
	return f, nil
}

type scored struct {
	rid   uint32
	score float64 // bm25: lower is better
}

// SearchOffers returns the first page of offers matching q, best match
// first: offers matching in their title before the others (rankTitleFirst),
// each by weighted bm25 (title above provider, outcomes and skills, above
// description), exact for up to 1,000 matching offers and
// over the first 1,000 (in register order) beyond that; with filters, over
// the first 250 that pass. An empty text lists
// the offers that pass the filters in register order. The offers' slices
// and maps are shared with the store's cache: treat them as read-only.
func (s *Store) SearchOffers(ctx context.Context, q catalog.Query) ([]catalog.Hit, error) {
	if plainQuery(q) {
		if idx := s.readyIndex(ctx); idx == nil {
			return s.searchCold(ctx, q)
		}
	}
	idx, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	fq := buildFTS(q.Text, idx.terms)
	f, err := s.compileFilter(ctx, q, idx, fq.initial)
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	want := max(q.Offset, 0) + limit
	var ranked []scored
	if fq.expr == "" {
		// register order; with BookableOn, the passed ones after the rest
		passed := s.startPassed(idx, q.BookableOn)
		var late []scored
		for rid := 1; rid < idx.n && len(ranked) < want; rid++ {
			switch {
			case !f.keep(uint32(rid)):
			case passed != nil && passed(uint32(rid)):
				if len(late) < want {
					late = append(late, scored{rid: uint32(rid)})
				}
			default:
				ranked = append(ranked, scored{rid: uint32(rid)})
			}
		}
		ranked = append(ranked, late...)
	} else if f.onlyStatus() {
		key := unfilteredKey(idx.gen, fq.expr, q.Withdrawn, want) + "\x00" + fmt.Sprint(q.BookableOn)
		var ok bool
		if ranked, ok = s.reg.ranked.get(key); !ok {
			if ranked, err = s.rankTitleFirst(ctx, fq, f, want, s.startPassed(idx, q.BookableOn)); err != nil {
				return nil, err
			}
			s.reg.ranked.put(key, ranked)
		}
	} else if ranked, err = s.rankTitleFirst(ctx, fq, f, want, s.startPassed(idx, q.BookableOn)); err != nil {
		return nil, err
	}
	if q.Offset >= len(ranked) {
		return []catalog.Hit{}, nil
	}
	ranked = ranked[max(q.Offset, 0):min(want, len(ranked))]
	rids := make([]uint32, len(ranked))
	for i, r := range ranked {
		rids[i] = r.rid
	}
	offers, err := s.offersByRIDs(ctx, rids)
	if err != nil {
		return nil, err
	}
	hits := make([]catalog.Hit, 0, len(offers))
	for i, o := range offers {
		if o.ID != "" {
			hits = append(hits, catalog.Hit{Offer: o, Score: -ranked[i].score})
		}
	}
	catalog.BookableFirst(hits, q.BookableOn) // a passed deadline, which the index does not hold
	return hits, nil
}

// startPassed is a test for offers whose start is before day, from the
// index (nil when day is zero: rank order is kept).
func (s *Store) startPassed(idx *memIndex, day catalog.Date) func(uint32) bool {
	if day.IsZero() {
		return nil
	}
	d := int32(day.Time().Unix() / 86400)
	return func(rid uint32) bool {
		st := idx.start[rid]
		return st != math.MinInt32 && st < d
	}
}

// bookableFirst moves the entries passed says can no longer be booked
// after the others, keeping each group's order.
func bookableFirst(ranked []scored, passed func(uint32) bool) []scored {
	if passed == nil {
		return ranked
	}
	out := make([]scored, 0, len(ranked))
	var late []scored
	for _, r := range ranked {
		if passed(r.rid) {
			late = append(late, r)
		} else {
			out = append(out, r)
		}
	}
	return append(out, late...)
}

// budgetFor is how many passing matches rank scores for f.
func budgetFor(f *filter) int {
	if f.onlyStatus() {
		return rankBudget
	}
	return filteredBudget
}

// rank scores up to budget matches of expr in ix that pass f with FTS5's
// bm25 and sorts them.
func (s *Store) rank(ctx context.Context, ix *ftsIndex, expr string, f *filter, budget int) ([]scored, error) {
	var out []scored
	scan := func(rows *sql.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var rid int64
			var sc float64
			if err := rows.Scan(&rid, &sc); err != nil {
				return err
			}
			if f.keep(uint32(rid)) {
				out = append(out, scored{uint32(rid), sc})
			}
		}
		return rows.Err()
	}
	var err error
	if f.onlyStatus() {
		// Nothing to filter but withdrawn offers, which are few: filter
		// after scoring rather than call into Go for every match.
		var rows *sql.Rows
		rows, err = s.db.QueryContext(ctx, `SELECT rowid, bm25(`+ix.table+`, `+ix.bm25Args+`) FROM `+ix.table+` WHERE `+ix.table+` MATCH ?1 LIMIT ?2`, expr, budget)
		if err == nil {
			err = scan(rows)
		}
	} else {
		err = s.reg.withFilter(f, func(h int64) error {
			rows, err := s.db.QueryContext(ctx, `SELECT rowid, bm25(`+ix.table+`, `+ix.bm25Args+`) FROM `+ix.table+`
				WHERE `+ix.table+` MATCH ?1 AND koers_keep(rowid, ?3) LIMIT ?2`, expr, budget, h)
			if err != nil {
				return err
			}
			return scan(rows)
		})
	}
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", expr, mapErr(err))
	}
	sortScored(out)
	return out, nil
}

// sortScored orders by score (bm25: lower is better), then rowid.
func sortScored(out []scored) {
	slices.SortFunc(out, func(a, b scored) int {
		if c := cmp.Compare(a.score, b.score); c != 0 {
			return c
		}
		return cmp.Compare(a.rid, b.rid)
	})
}

// matchSet is every rowid matching expr, ascending, through the cache.
func (s *Store) matchSet(ctx context.Context, expr string) ([]uint32, error) {
	if rids, ok := s.reg.matches.get(expr); ok {
		return rids, nil
	}
	var blob []byte
	err := s.db.QueryRowContext(ctx, `SELECT koers_rids(rowid) FROM offers_fts WHERE offers_fts MATCH ?`, expr).Scan(&blob)
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", expr, mapErr(err))
	}
	rids := make([]uint32, len(blob)/4)
	for i := range rids {
		rids[i] = binary.LittleEndian.Uint32(blob[4*i:])
	}
	s.reg.matches.put(expr, rids)
	return rids, nil
}

// CountFacets counts every offer matching q (Total) and how many of them
// have each EQF level, mode, language and scheme.
func (s *Store) CountFacets(ctx context.Context, q catalog.Query) (catalog.Facets, error) {
	idx, err := s.index(ctx)
	if err != nil {
		return catalog.Facets{}, err
	}
	fq := buildFTS(q.Text, idx.terms)
	f, err := s.compileFilter(ctx, q, idx, fq.initial)
	if err != nil {
		return catalog.Facets{}, err
	}
	key := ""
	if f.onlyStatus() {
		key = unfilteredKey(idx.gen, fq.expr, q.Withdrawn, 0)
		if fc, ok := s.reg.facets.get(key); ok {
			return fc, nil
		}
	}
	var c facetCounter
	c.init(idx)
	if fq.expr == "" {
		for rid := 1; rid < idx.n; rid++ {
			if f.keep(uint32(rid)) {
				c.add(uint32(rid))
			}
		}
	} else {
		rids, err := s.matchSet(ctx, fq.expr)
		if err != nil {
			return catalog.Facets{}, err
		}
		for _, rid := range rids {
			if f.keep(rid) {
				c.add(rid)
			}
		}
	}
	fc := c.facets()
	if key != "" {
		s.reg.facets.put(key, fc)
	}
	return fc, nil
}

type facetCounter struct {
	idx     *memIndex
	total   int
	eqf     [10]int // index eqf+1: n/a, unknown, 1..8
	mode    []int
	langs   [32]int
	schemes [64]int
}

func (c *facetCounter) init(idx *memIndex) {
	c.idx = idx
	c.mode = make([]int, len(idx.modeIDs.names))
}

func (c *facetCounter) add(rid uint32) {
	x := c.idx
	c.total++
	c.eqf[x.eqf[rid]+1]++
	c.mode[x.mode[rid]]++
	for l := x.langs[rid]; l != 0; l &= l - 1 {
		c.langs[bits.TrailingZeros32(l)]++
	}
	for m := x.schemes[rid]; m != 0; m &= m - 1 {
		c.schemes[bits.TrailingZeros64(m)]++
	}
}

func (c *facetCounter) facets() catalog.Facets {
	f := catalog.Facets{Total: c.total}
	for lvl := 1; lvl <= 8; lvl++ {
		if n := c.eqf[lvl+1]; n > 0 {
			f.EQF = append(f.EQF, catalog.Bucket{Value: fmt.Sprint(lvl), Count: n})
		}
	}
	if n := c.eqf[0]; n > 0 {
		f.EQF = append(f.EQF, catalog.Bucket{Value: "n/a", Count: n})
	}
	if n := c.eqf[1]; n > 0 {
		f.EQF = append(f.EQF, catalog.Bucket{Value: "unknown", Count: n})
	}
	for _, m := range catalog.Modes {
		if i := slices.Index(c.idx.modeIDs.names, string(m)); i >= 0 && c.mode[i] > 0 {
			f.Mode = append(f.Mode, catalog.Bucket{Value: string(m), Count: c.mode[i]})
		}
	}
	if c.mode[0] > 0 {
		f.Mode = append(f.Mode, catalog.Bucket{Value: "unknown", Count: c.mode[0]})
	}
	f.Language = buckets(c.idx.langIDs.names, c.langs[:])
	f.Scheme = buckets(c.idx.schemeIDs.names, c.schemes[:])
	return f
}

// buckets are the non-zero counts by name, most first.
func buckets(names []string, counts []int) []catalog.Bucket {
	var out []catalog.Bucket
	for i, n := range counts {
		if n > 0 && i < len(names) {
			out = append(out, catalog.Bucket{Value: names[i], Count: n})
		}
	}
	slices.SortStableFunc(out, func(a, b catalog.Bucket) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Value, b.Value)
	})
	return out
}
