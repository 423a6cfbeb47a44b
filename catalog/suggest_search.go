package catalog

import (
	"math/bits"
	"slices"
	"sort"
	"strings"
)

// Search tuning. Below PruneAbove usable candidates the search considers
// every candidate and, within NodeLimit, is exact; above it each missing
// skill keeps only its KeepPerSkill best teachers.
const (
	PruneAbove       = 160
	KeepPerSkill     = 10
	defaultNodeLimit = 8_000
	// altNodeLimit bounds each alternative's search (the best pathway has
	// had the full budget).
	altNodeLimit = 600
)

// bitset is a set of missing-skill indexes.
type bitset []uint64

func newBits(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) has(i int) bool { return b[i/64]&(1<<(i%64)) != 0 }
func (b bitset) or(c bitset) {
	for i := range b {
		b[i] |= c[i]
	}
}

// newCount is |c \ (b ∪ g)|.
func newCount(c, b, g bitset) int {
	n := 0
	for i := range c {
		n += bits.OnesCount64(c[i] &^ (b[i] | g[i]))
	}
	return n
}

// problem is a SuggestInput prepared for search: candidates by index,
// their missing skills as bit sets, prerequisite closures and the limits.
type problem struct {
	in       *SuggestInput
	missing  []SkillRef
	cands    []*Candidate
	skills   []bitset   // per candidate: missing skills it teaches
	reasons  [][]string // per candidate: why it cannot be planned alone; empty: usable
	bundle   [][]int    // per candidate: itself and its prerequisites not earned, prerequisites first
	usable   []bool
	teach    [][]int // per missing skill: usable candidates teaching it, best first
	minutes  []int64
	reqIdx   [][]int     // per candidate: indexes of its resolved prerequisites
	parts    []FundParts // per candidate: what its funding depends on
	vBudget  int64
	iBudget  int64
	own      int64
	maxSteps int
	maxMin   int64
	pruned   bool
}

func prepare(in *SuggestInput) *problem {
	p := &problem{in: in, missing: missingSkills(in.Essential, in.Held)}
	mIdx := make(map[string]int, len(p.missing))
	for i, s := range p.missing {
		mIdx[s.URI] = i
	}
	p.maxSteps = in.MaxSteps
	if p.maxSteps <= 0 {
		p.maxSteps = DefaultMaxSteps
	}
	if in.MaxHours > 0 {
		p.maxMin = Minutes(in.MaxHours)
	}
	p.own = in.Budget[SchemeOwn]
	p.vBudget, p.iBudget = in.Budget[SchemeVoucher], in.Budget[SchemeILA]
	// Candidates in ID order so that everything below is deterministic.
	cs := make([]*Candidate, len(in.Candidates))
	for i := range in.Candidates {
		cs[i] = &in.Candidates[i]
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	p.cands = cs
	idx := make(map[string]int, len(cs))
	for i, c := range cs {
		idx[c.ID] = i
	}
	earned := map[string]bool{}
	for _, e := range in.Earned {
		earned[e] = true
	}
	isEarned := func(id string) bool {
		if earned[id] {
			return true
		}
		if k, ok := idx[id]; ok {
			c := cs[k]
			return earned[c.SourceID] || earned[c.Source+"\x00"+c.SourceID]
		}
		return false
	}
	n := len(cs)
	p.skills = make([]bitset, n)
	p.minutes = make([]int64, n)
	p.parts = make([]FundParts, n)
	p.reqIdx = make([][]int, n)
	own := make([][]string, n)
	for i, c := range cs {
		for _, r := range c.Requires {
			if k, ok := idx[r]; ok {
				p.reqIdx[i] = append(p.reqIdx[i], k)
			}
		}
		b := newBits(len(p.missing))
		for _, s := range c.Skills {
			if j, ok := mIdx[s]; ok {
				b.set(j)
			}
		}
		p.skills[i] = b
		p.minutes[i] = Minutes(c.Hours)
		p.parts[i] = PartsOf(in.Rules, c.Price, c.Schemes)
		own[i] = p.filterFailures(c)
	}
	p.bundle = make([][]int, n)
	p.reasons = make([][]string, n)
	p.usable = make([]bool, n)
	for i := range cs {
		b, ok := closure(i, cs, idx, isEarned)
		if !ok {
			p.reasons[i] = []string{"prerequisite"}
			continue
		}
		p.bundle[i] = b
		rs := map[string]bool{}
		for _, j := range b {
			for _, r := range own[j] {
				rs[r] = true
			}
		}
		for _, r := range p.limitFailures(b) {
			rs[r] = true
		}
		p.reasons[i] = sortedKeys(rs)
		p.usable[i] = len(rs) == 0
	}
	p.buildTeach()
	return p
}

// closure is candidate i and its prerequisites (transitively, skipping
// earned ones), prerequisites first; false on a cycle or a prerequisite
// that is not among the candidates.
func closure(i int, cs []*Candidate, idx map[string]int, earned func(string) bool) ([]int, bool) {
	var out []int
	state := map[int]int{} // 1 visiting, 2 done
	var visit func(j int) bool
	visit = func(j int) bool {
		switch state[j] {
		case 1:
			return false
		case 2:
			return true
		}
		state[j] = 1
		for _, r := range cs[j].Requires {
			if earned(r) {
				continue
			}
			k, ok := idx[r]
			if !ok {
				return false // a prerequisite that cannot be planned (withdrawn, filtered out)
			}
			if !visit(k) {
				return false
			}
		}
		state[j] = 2
		out = append(out, j)
		return true
	}
	if !visit(i) {
		return nil, false
	}
	return out, true
}

// filterFailures names every filter the candidate fails.
func (p *problem) filterFailures(c *Candidate) []string {
	k, today := &p.in.Constraints, p.in.Today
	var out []string
	add := func(name string, bad bool) {
		if bad {
			out = append(out, name)
		}
	}
	add("withdrawn", c.Withdrawn)
	add("mode", len(k.Modes) > 0 && !slices.Contains(k.Modes, c.Mode))
	add("language", len(k.Languages) > 0 && !anyIn(c.Languages, k.Languages))
	add("region", (k.Region != "" && !strings.HasPrefix(c.Region, k.Region)) || !InReach(c.Region, c.Mode, k.Regions))
	add("eqf", (k.EQFMin > 0 && c.EQF < k.EQFMin) || (k.EQFMax > 0 && c.EQF > k.EQFMax))
	add("start_after", !k.StartAfter.IsZero() && !c.Start.IsZero() && c.Start.Before(k.StartAfter))
	add("deadline", !today.IsZero() && ((!c.Start.IsZero() && c.Start.Before(today)) || (!c.ApplyBy.IsZero() && c.ApplyBy.Before(today))))
	return out
}

// limitFailures names every pathway limit a bundle breaks on its own.
func (p *problem) limitFailures(b []int) []string {
	var st state
	st.init(p)
	var out []string
	if len(b) > p.maxSteps {
		out = append(out, "max_steps")
	}
	for _, r := range p.addCheck(&st, b) {
		if r != "max_steps" {
			out = append(out, r)
		}
	}
	return out
}

// buildTeach lists, per missing skill, the usable candidates that teach it,
// best first, and prunes to KeepPerSkill each when there are many.
func (p *problem) buildTeach() {
	p.teach = make([][]int, len(p.missing))
	total := 0
	for i := range p.cands {
		if !p.usable[i] {
			continue
		}
		total++
		for j := range p.missing {
			if p.skills[i].has(j) {
				p.teach[j] = append(p.teach[j], i)
			}
		}
	}
	zero := newBits(len(p.missing))
	cnt := make([]int, len(p.cands))
	cost := make([]int64, len(p.cands))
	mins := make([]int64, len(p.cands))
	for i := range p.cands {
		if p.usable[i] {
			cnt[i] = newCount(p.skills[i], zero, zero)
			for _, j := range p.bundle[i] {
				cost[i] += int64(p.cands[j].Price)
				mins[i] += p.minutes[j]
			}
		}
	}
	for j := range p.teach {
		t := p.teach[j]
		sort.SliceStable(t, func(a, b int) bool {
			x, y := t[a], t[b]
			if cnt[x] != cnt[y] {
				return cnt[x] > cnt[y]
			}
			if cost[x] != cost[y] {
				return cost[x] < cost[y]
			}
			if mins[x] != mins[y] {
				return mins[x] < mins[y]
			}
			return x < y
		})
		if total > PruneAbove && len(t) > KeepPerSkill {
			p.teach[j] = t[:KeepPerSkill]
			p.pruned = true
		}
	}
}
