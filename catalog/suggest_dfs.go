package catalog

import (
	"slices"
	"sort"
	"strings"
)

// state is a partial pathway during the search: a set of candidates closed
// under prerequisites, with running sums for the limits.
type state struct {
	in       []bool
	sel      []int
	covered  bitset
	gave     bitset
	cost     int64
	minutes  int64
	parts    FundParts
	undatedW int
}

func (st *state) init(p *problem) {
	st.in = make([]bool, len(p.cands))
	st.sel = nil
	st.covered = newBits(len(p.missing))
	st.gave = newBits(len(p.missing))
	st.parts = FundParts{}
	st.cost, st.minutes, st.undatedW = 0, 0, 0
}

func span(c *Candidate) (Date, Date, bool) {
	if c.Start.IsZero() {
		return Date{}, Date{}, false
	}
	e := c.End
	if e.IsZero() || e.Before(c.Start) {
		e = c.Start
	}
	return c.Start, e, true
}

func (p *problem) undatedWeeks(minutes int64) int {
	per := int64(WeeklyHours * 60)
	if p.in.WeeklyHours > 0 {
		per = Minutes(p.in.WeeklyHours)
	}
	return int((minutes + per - 1) / per)
}

// addCheck names every limit broken by adding bundle b to st (nothing when
// it fits). It does not change st.
func (p *problem) addCheck(st *state, b []int) []string {
	var out []string
	var add []int
	for _, i := range b {
		if !st.in[i] {
			add = append(add, i)
		}
	}
	if len(st.sel)+len(add) > p.maxSteps {
		out = append(out, "max_steps")
	}
	cost, mins, uw := st.cost, st.minutes, st.undatedW
	parts := st.parts
	for _, i := range add {
		cost += int64(p.cands[i].Price)
		mins += p.minutes[i]
		parts = parts.Add(p.parts[i])
		if _, _, ok := span(p.cands[i]); !ok {
			uw += p.undatedWeeks(p.minutes[i])
		}
	}
	if p.maxMin > 0 && mins > p.maxMin {
		out = append(out, "max_hours")
	}
	v, il := Fund(parts, p.vBudget, p.iBudget)
	own := cost - v - il
	if own > p.own {
		out = append(out, "budget")
	}
	// Dates: no two dated steps overlap and a prerequisite ends before its
	// dependant starts ("dates"); the whole pathway fits in MaxWeeks.
	var first, last Date
	all := append(slices.Clone(st.sel), add...)
	for _, i := range all {
		if s, e, ok := span(p.cands[i]); ok {
			if first.IsZero() || s.Before(first) {
				first = s
			}
			if last.IsZero() || e.After(last) {
				last = e
			}
		}
	}
	overlap := false
	for _, i := range add {
		si, ei, ok := span(p.cands[i])
		if !ok {
			continue
		}
		for _, j := range all {
			if j == i {
				continue
			}
			sj, ej, ok := span(p.cands[j])
			if ok && !si.After(ej) && !sj.After(ei) {
				overlap = true
			}
		}
	}
	for _, i := range add {
		si, _, ok := span(p.cands[i])
		if !ok {
			continue
		}
		for _, r := range p.reqIdx[i] {
			if !st.in[r] && !slices.Contains(add, r) {
				continue // earned
			}
			if _, er, ok := span(p.cands[r]); ok && !er.Before(si) {
				overlap = true
			}
		}
	}
	if overlap {
		out = append(out, "dates")
	}
	if p.in.MaxWeeks > 0 {
		w := uw
		if !first.IsZero() {
			w += (first.DaysUntil(last) + 7) / 7
		}
		if w > p.in.MaxWeeks {
			out = append(out, "max_weeks")
		}
	}
	return out
}

// push adds the new members of bundle b to st and returns how many it added.
func (p *problem) push(st *state, b []int) int {
	n := 0
	for _, i := range b {
		if st.in[i] {
			continue
		}
		st.in[i] = true
		st.sel = append(st.sel, i)
		st.cost += int64(p.cands[i].Price)
		st.minutes += p.minutes[i]
		st.parts = st.parts.Add(p.parts[i])
		if _, _, ok := span(p.cands[i]); !ok {
			st.undatedW += p.undatedWeeks(p.minutes[i])
		}
		n++
	}
	return n
}

// pop undoes the last push of n members; covered is restored by the caller.
func (p *problem) pop(st *state, n int) {
	for range n {
		i := st.sel[len(st.sel)-1]
		st.sel = st.sel[:len(st.sel)-1]
		st.in[i] = false
		st.cost -= int64(p.cands[i].Price)
		st.minutes -= p.minutes[i]
		st.parts = st.parts.Sub(p.parts[i])
		if _, _, ok := span(p.cands[i]); !ok {
			st.undatedW -= p.undatedWeeks(p.minutes[i])
		}
	}
}

// result is a complete candidate set with its objective.
type result struct {
	sel     []int // sorted by candidate index (= by ID)
	covered int
	cost    int64
	minutes int64
}

// better orders pathways: more missing skills covered, then lower cost, then
// fewer hours, then fewer steps, then the smaller list of IDs.
func better(a, b *result) bool {
	if b == nil {
		return true
	}
	if a.covered != b.covered {
		return a.covered > b.covered
	}
	if a.cost != b.cost {
		return a.cost < b.cost
	}
	if a.minutes != b.minutes {
		return a.minutes < b.minutes
	}
	if len(a.sel) != len(b.sel) {
		return len(a.sel) < len(b.sel)
	}
	return slices.Compare(a.sel, b.sel) < 0
}

// search is one branch-and-bound run over a prepared problem.
type search struct {
	p     *problem
	ex    []bool
	pool  []int
	best  *result
	nodes int
	limit int
	hit   bool
}

func (p *problem) solve(forbid []int) (*result, bool) {
	s := &search{p: p, ex: make([]bool, len(p.cands)), limit: p.in.NodeLimit}
	if s.limit <= 0 {
		s.limit = defaultNodeLimit
	}
	if len(forbid) > 0 {
		s.limit = min(s.limit, altNodeLimit)
	}
	for _, i := range forbid {
		s.ex[i] = true
	}
	seen := map[int]bool{}
	for _, t := range p.teach {
		for _, i := range t {
			if !seen[i] {
				seen[i] = true
				s.pool = append(s.pool, i)
			}
		}
	}
	sort.Ints(s.pool)
	var st state
	st.init(p)
	s.dfs(&st)
	return s.best, !s.hit
}

func (s *search) allowed(st *state, i int) bool {
	if s.ex[i] || st.in[i] || !s.p.usable[i] {
		return false
	}
	for _, j := range s.p.bundle[i] {
		if s.ex[j] && !st.in[j] {
			return false
		}
	}
	return true
}

func (s *search) consider(st *state) {
	r := &result{covered: popcount(st.covered), cost: st.cost, minutes: st.minutes}
	r.sel = slices.Clone(st.sel)
	sort.Ints(r.sel)
	if better(r, s.best) {
		s.best = r
	}
}

func popcount(b bitset) int {
	z := make(bitset, len(b))
	return newCount(b, z, z)
}

func (s *search) dfs(st *state) {
	s.nodes++
	if s.nodes > s.limit {
		s.hit = true
		return
	}
	s.consider(st)
	p := s.p
	if !s.promising(st) {
		return
	}
	u, opts := -1, 0
	for j := range p.missing {
		if st.covered.has(j) || st.gave.has(j) {
			continue
		}
		n := 0
		for _, i := range p.teach[j] {
			if s.allowed(st, i) {
				n++
			}
		}
		if n > 0 && (u < 0 || n < opts) {
			u, opts = j, n
		}
	}
	if u < 0 {
		return
	}
	var marked []int
	for _, i := range p.teach[u] {
		if !s.allowed(st, i) {
			continue
		}
		if len(p.addCheck(st, p.bundle[i])) == 0 {
			saved := slices.Clone(st.covered)
			n := p.push(st, p.bundle[i])
			for _, j := range p.bundle[i] {
				st.covered.or(p.skills[j])
			}
			s.dfs(st)
			p.pop(st, n)
			st.covered = saved
		}
		s.ex[i] = true
		marked = append(marked, i)
		if s.hit {
			break
		}
	}
	if !s.hit {
		st.gave.set(u)
		s.dfs(st)
		st.gave[u/64] &^= 1 << (u % 64)
	}
	for _, i := range marked {
		s.ex[i] = false
	}
}

// promising bounds what st can still become: at most the coverable
// uncovered skills, and at most what the remaining steps can add.
func (s *search) promising(st *state) bool {
	if s.best == nil {
		return true
	}
	cur := popcount(st.covered)
	left := s.p.maxSteps - len(st.sel)
	var gains []int
	reach := newBits(len(s.p.missing))
	for _, i := range s.pool {
		if !s.allowed(st, i) {
			continue
		}
		g := newCount(s.p.skills[i], st.covered, st.gave)
		if g > 0 {
			gains = append(gains, g)
			reach.or(s.p.skills[i])
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(gains)))
	top := 0
	for k := 0; k < left && k < len(gains); k++ {
		top += gains[k]
	}
	ub := cur + min(top, newCount(reach, st.covered, st.gave))
	if ub < s.best.covered {
		return false
	}
	if ub == s.best.covered {
		// Descendants cost at least as much, take at least as long and have
		// at least one more step.
		b := s.best
		if st.cost > b.cost || (st.cost == b.cost && st.minutes > b.minutes) ||
			(st.cost == b.cost && st.minutes == b.minutes && len(st.sel)+1 > len(b.sel)) {
			return false
		}
	}
	return true
}

// idsKey is a printable key of a result (tests, de-duplication).
func (p *problem) idsKey(r *result) string {
	ids := make([]string, len(r.sel))
	for k, i := range r.sel {
		ids[k] = p.cands[i].ID
	}
	return strings.Join(ids, ",")
}
