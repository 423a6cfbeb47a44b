package catalog

import (
	"slices"
	"sort"
)

// reasonOrder ranks blocking reasons when counts tie.
var reasonOrder = []string{"withdrawn", "deadline", "start_after", "mode", "language", "region", "eqf",
	"prerequisite", "max_steps", "max_hours", "max_weeks", "budget", "dates"}

// Suggest proposes the pathway that covers the most missing essential skills
// at the least cost and time within the constraints, with prerequisites
// pulled in and put in order, plus up to two alternatives that each leave out
// part of the best one. The answer is the same for the same input. When
// nothing fits, Blocked names the constraint that rules out the most offers
// on its own.
//
// Costs and budgets are in MainCurrency: offers priced in another
// currency are left out of suggestions (issue 12: they are never added to
// euros); they stay searchable and can be planned by hand.
//
// Below PruneAbove usable candidates (and within the node limit) the answer
// is exact: the best by the order "more skills, less cost, fewer hours,
// fewer steps, smaller ids".
func Suggest(in SuggestInput) Suggestion {
	in.Candidates = inMainCurrency(in.Candidates)
	p := prepare(&in)
	sg := Suggestion{Missing: p.missing, Exhaustive: !p.pruned, Pathways: []Pathway{}, Untaught: []SkillRef{}}
	taught := newBits(len(p.missing))
	for i := range p.cands {
		taught.or(p.skills[i])
	}
	for j, s := range p.missing {
		if !taught.has(j) {
			sg.Untaught = append(sg.Untaught, s)
		}
	}
	if len(p.missing) == 0 {
		return sg
	}
	best, exact := p.solve(nil)
	sg.Exhaustive = sg.Exhaustive && exact
	if best == nil || best.covered == 0 {
		if len(sg.Untaught) == len(p.missing) {
			sg.Blocked = &Blocker{Constraint: "untaught"}
		} else {
			all := make([]int, len(p.missing))
			for j := range all {
				all[j] = j
			}
			sg.Blocked = p.blocker(all)
		}
		return sg
	}
	sg.Pathways = append(sg.Pathways, p.pathway(best, nil))
	alts, exact := p.alternatives(best)
	sg.Exhaustive = sg.Exhaustive && exact
	for _, a := range alts {
		sg.Pathways = append(sg.Pathways, p.pathway(a, best))
	}
	return sg
}

// alternatives are up to two more pathways, each the best that leaves out
// one (then two) of the steps before it; they differ from the best and from
// each other.
func (p *problem) alternatives(best *result) ([]*result, bool) {
	exact := true
	seen := map[string]bool{p.idsKey(best): true}
	pick := func(forbids [][]int) *result {
		var top *result
		for _, f := range forbids {
			r, ex := p.solve(f)
			exact = exact && ex
			if r == nil || r.covered == 0 || seen[p.idsKey(r)] {
				continue
			}
			if better(r, top) {
				top = r
			}
		}
		return top
	}
	var singles [][]int
	for _, i := range best.sel {
		singles = append(singles, []int{i})
	}
	a1 := pick(singles)
	if a1 == nil {
		return nil, exact
	}
	seen[p.idsKey(a1)] = true
	var pairs [][]int
	for _, i := range best.sel {
		for _, j := range a1.sel {
			if !slices.Contains(best.sel, j) && len(pairs) < 4 {
				pairs = append(pairs, []int{i, j})
			}
		}
	}
	a2 := pick(append(singles, pairs...))
	if a2 == nil {
		return []*result{a1}, exact
	}
	return []*result{a1, a2}, exact
}

// order puts a set in plan order: prerequisites first, then by start date
// (undated last), then by ID.
func (p *problem) order(sel []int) []int {
	in := map[int]bool{}
	for _, i := range sel {
		in[i] = true
	}
	idx := map[string]int{}
	for _, i := range sel {
		idx[p.cands[i].ID] = i
	}
	deg := map[int]int{}
	next := map[int][]int{}
	for _, i := range sel {
		for _, r := range p.cands[i].Requires {
			if j, ok := idx[r]; ok {
				deg[i]++
				next[j] = append(next[j], i)
			}
		}
	}
	less := func(a, b int) bool {
		ca, cb := p.cands[a], p.cands[b]
		if ca.Start.IsZero() != cb.Start.IsZero() {
			return !ca.Start.IsZero()
		}
		if !ca.Start.IsZero() && ca.Start != cb.Start {
			return ca.Start.Before(cb.Start)
		}
		return a < b
	}
	var ready, out []int
	for _, i := range sel {
		if deg[i] == 0 {
			ready = append(ready, i)
		}
	}
	for len(ready) > 0 {
		sort.Slice(ready, func(x, y int) bool { return less(ready[x], ready[y]) })
		i := ready[0]
		ready = ready[1:]
		out = append(out, i)
		for _, j := range next[i] {
			if deg[j]--; deg[j] == 0 {
				ready = append(ready, j)
			}
		}
	}
	return out
}

// pathway turns a result into steps with their reasons, funding and totals.
// With a best pathway given, Without lists the best's steps it leaves out.
func (p *problem) pathway(r *result, best *result) Pathway {
	ord := p.order(r.sel)
	pw := Pathway{Steps: make([]PathStep, 0, len(ord)), Covered: []SkillRef{}, Uncovered: []UncoveredSkill{}, Funded: map[string]int64{}}
	covered := newBits(len(p.missing))
	fcs := make([]FundCourse, len(ord))
	var first, last Date
	uw := 0
	for k, i := range ord {
		c := p.cands[i]
		st := PathStep{ID: c.ID, Title: c.Title, Covers: []SkillRef{}, PrereqOf: []string{}, Price: c.Price,
			Hours: c.Hours, ECTS: c.ECTS, Start: c.Start, End: c.End, Requires: c.Requires}
		for j, s := range p.missing {
			if p.skills[i].has(j) && !covered.has(j) {
				covered.set(j)
				st.Covers = append(st.Covers, s)
				pw.Covered = append(pw.Covered, s)
			}
		}
		for _, l := range ord[k+1:] {
			if slices.Contains(p.cands[l].Requires, c.ID) {
				st.PrereqOf = append(st.PrereqOf, p.cands[l].ID)
			}
		}
		fcs[k] = FundCourse{Price: c.Price, Hours: c.Hours, Schemes: c.Schemes}
		pw.Cost += c.Price
		pw.Hours += c.Hours
		pw.ECTS += c.ECTS
		if s, e, ok := span(c); ok {
			if first.IsZero() || s.Before(first) {
				first = s
			}
			if last.IsZero() || e.After(last) {
				last = e
			}
		} else {
			uw += undatedWeeks(p.minutes[i])
		}
		pw.Steps = append(pw.Steps, st)
	}
	pw.Weeks = uw
	if !first.IsZero() {
		pw.Weeks += (first.DaysUntil(last) + 7) / 7
	}
	cov := Allocate(p.in.Rules, fcs, p.in.Budget)
	for k := range pw.Steps {
		pw.Steps[k].Funding = cov[k]
		pw.Steps[k].Own = OutOfPocket(pw.Steps[k].Price, cov[k])
		pw.Own += pw.Steps[k].Own
		for sc, v := range cov[k] {
			pw.Funded[sc] += v
		}
	}
	for j, s := range p.missing {
		if !covered.has(j) {
			pw.Uncovered = append(pw.Uncovered, UncoveredSkill{SkillRef: s, Reason: p.skillReason(j)})
		}
	}
	if best != nil {
		for _, i := range best.sel {
			if !slices.Contains(r.sel, i) {
				pw.Without = append(pw.Without, p.cands[i].ID)
			}
		}
	}
	return pw
}

// skillReason says why missing skill j is not covered.
func (p *problem) skillReason(j int) string {
	taught := false
	for i := range p.cands {
		if p.skills[i].has(j) {
			taught = true
			if p.usable[i] {
				return "combination"
			}
		}
	}
	if !taught {
		return "untaught"
	}
	return p.blocker([]int{j}).Constraint
}

// blocker is the reason that, alone, rules out the most offers teaching any
// of the skills js (or, if none is alone, the most common reason).
func (p *problem) blocker(js []int) *Blocker {
	sole, all := map[string]int{}, map[string]int{}
	for i := range p.cands {
		teaches := false
		for _, j := range js {
			if p.skills[i].has(j) {
				teaches = true
			}
		}
		if !teaches || p.usable[i] {
			continue
		}
		if len(p.reasons[i]) == 1 {
			sole[p.reasons[i][0]]++
		}
		for _, r := range p.reasons[i] {
			all[r]++
		}
	}
	counts := sole
	if len(sole) == 0 {
		counts = all
	}
	b := &Blocker{Constraint: "combination"}
	for _, r := range reasonOrder {
		if counts[r] > b.Offers {
			b.Constraint, b.Offers = r, counts[r]
		}
	}
	return b
}
