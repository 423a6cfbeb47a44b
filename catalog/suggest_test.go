package catalog

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// brute is the reference answer: every subset of the candidates, checked
// against every rule directly, best by the documented order. It shares
// nothing with the search but the funding rules.
type bruteResult struct {
	ids     []string
	covered int
	cost    int64
	minutes int64
}

func bruteBest(in SuggestInput) *bruteResult {
	cs := slices.Clone(in.Candidates)
	sort.Slice(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	held := map[string]bool{}
	for _, s := range in.Held {
		held[s] = true
	}
	earned := map[string]bool{}
	for _, e := range in.Earned {
		earned[e] = true
	}
	missing := map[string]bool{}
	for _, s := range in.Essential {
		if !held[s.URI] {
			missing[s.URI] = true
		}
	}
	maxSteps := in.MaxSteps
	if maxSteps == 0 {
		maxSteps = DefaultMaxSteps
	}
	var best *bruteResult
	n := len(cs)
	for mask := 1; mask < 1<<n; mask++ {
		var set []Candidate
		ids := map[string]bool{}
		for i := range n {
			if mask&(1<<i) != 0 {
				set = append(set, cs[i])
				ids[cs[i].ID] = true
			}
		}
		if !bruteFeasible(in, set, ids, earned, maxSteps) {
			continue
		}
		r := &bruteResult{}
		cov := map[string]bool{}
		for _, c := range set {
			r.ids = append(r.ids, c.ID)
			r.cost += int64(c.Price)
			r.minutes += Minutes(c.Hours)
			for _, s := range c.Skills {
				if missing[s] {
					cov[s] = true
				}
			}
		}
		r.covered = len(cov)
		if r.covered == 0 {
			continue
		}
		if best == nil || bruteBetter(r, best) {
			best = r
		}
	}
	return best
}

func bruteBetter(a, b *bruteResult) bool {
	if a.covered != b.covered {
		return a.covered > b.covered
	}
	if a.cost != b.cost {
		return a.cost < b.cost
	}
	if a.minutes != b.minutes {
		return a.minutes < b.minutes
	}
	if len(a.ids) != len(b.ids) {
		return len(a.ids) < len(b.ids)
	}
	return slices.Compare(a.ids, b.ids) < 0
}

func bruteFeasible(in SuggestInput, set []Candidate, ids, earned map[string]bool, maxSteps int) bool {
	if len(set) > maxSteps {
		return false
	}
	byID := map[string]Candidate{}
	for _, c := range set {
		byID[c.ID] = c
	}
	var cost, mins int64
	var parts FundParts
	for _, c := range set {
		if c.Withdrawn || (len(in.Modes) > 0 && !slices.Contains(in.Modes, c.Mode)) ||
			(len(in.Languages) > 0 && !anyIn(c.Languages, in.Languages)) ||
			(in.Region != "" && !strings.HasPrefix(c.Region, in.Region)) ||
			(in.EQFMin > 0 && c.EQF < in.EQFMin) || (in.EQFMax > 0 && c.EQF > in.EQFMax) ||
			(!in.StartAfter.IsZero() && !c.Start.IsZero() && c.Start.Before(in.StartAfter)) ||
			(!c.Start.IsZero() && c.Start.Before(in.Today)) || (!c.ApplyBy.IsZero() && c.ApplyBy.Before(in.Today)) {
			return false
		}
		for _, r := range c.Requires {
			if !ids[r] && !earned[r] {
				return false
			}
			if p, ok := byID[r]; ok && !p.Start.IsZero() && !c.Start.IsZero() && !endOf(p).Before(c.Start) {
				return false
			}
		}
		cost += int64(c.Price)
		mins += Minutes(c.Hours)
		parts = parts.Add(PartsOf(in.Rules, c.Price, c.Schemes))
	}
	if in.MaxHours > 0 && mins > Minutes(in.MaxHours) {
		return false
	}
	v, il := Fund(parts, in.Budget[SchemeVoucher], in.Budget[SchemeILA])
	own := cost - v - il
	if own > in.Budget[SchemeOwn] {
		return false
	}
	for i, a := range set {
		for _, b := range set[i+1:] {
			if !a.Start.IsZero() && !b.Start.IsZero() && !a.Start.After(endOf(b)) && !b.Start.After(endOf(a)) {
				return false
			}
		}
	}
	if in.MaxWeeks > 0 {
		var first, last Date
		w := 0
		for _, c := range set {
			if c.Start.IsZero() {
				w += int((Minutes(c.Hours) + 479) / 480)
				continue
			}
			if first.IsZero() || c.Start.Before(first) {
				first = c.Start
			}
			if last.IsZero() || endOf(c).After(last) {
				last = endOf(c)
			}
		}
		if !first.IsZero() {
			w += (first.DaysUntil(last) + 7) / 7
		}
		if w > in.MaxWeeks {
			return false
		}
	}
	return true
}

func endOf(c Candidate) Date {
	if c.End.IsZero() || c.End.Before(c.Start) {
		return c.Start
	}
	return c.End
}

func stepIDs(p Pathway) []string {
	var ids []string
	for _, s := range p.Steps {
		ids = append(ids, s.ID)
	}
	return ids
}

func skills(uris ...string) []SkillRef {
	var out []SkillRef
	for _, u := range uris {
		out = append(out, SkillRef{URI: u, Label: strings.TrimPrefix(u, "s:")})
	}
	return out
}

func cand(id string, price Money, hours float64, sk ...string) Candidate {
	return Candidate{ID: id, Source: "t", SourceID: id, Title: "Offer " + id, Skills: sk, Price: price,
		Hours: hours, Mode: ModeOnline, Languages: []string{"nl"}, Region: "BE21", EQF: 4,
		Schemes: []string{SchemeILA, SchemeVoucher}}
}

func checkAgainstBrute(t *testing.T, in SuggestInput) Suggestion {
	t.Helper()
	got := Suggest(in)
	want := bruteBest(in)
	if want == nil {
		if len(got.Pathways) != 0 {
			t.Fatalf("brute force finds nothing, Suggest gives %v", stepIDs(got.Pathways[0]))
		}
		return got
	}
	if len(got.Pathways) == 0 {
		t.Fatalf("Suggest finds nothing (blocked %+v), brute force gives %v", got.Blocked, want.ids)
	}
	ids := stepIDs(got.Pathways[0])
	sorted := slices.Clone(ids)
	sort.Strings(sorted)
	if !slices.Equal(sorted, want.ids) {
		t.Fatalf("best pathway %v, brute force %v (covered %d cost %d min %d)", ids, want.ids, want.covered, want.cost, want.minutes)
	}
	if len(got.Pathways[0].Covered) != want.covered {
		t.Fatalf("covered %d, want %d", len(got.Pathways[0].Covered), want.covered)
	}
	return got
}

func TestSuggestPrerequisiteChain(t *testing.T) {
	// A teaches s1,s2 but needs B, which needs C. D teaches s1 alone, dear.
	a, b, c := cand("a", 10000, 20, "s:1", "s:2"), cand("b", 5000, 10), cand("c", 5000, 10)
	a.Requires, b.Requires = []string{"b"}, []string{"c"}
	d := cand("d", 90000, 10, "s:1")
	in := SuggestInput{Essential: skills("s:1", "s:2"), Candidates: []Candidate{d, a, c, b},
		Rules: DefaultRules(), Today: NewDate(2026, 1, 1),
		Constraints: Constraints{Budget: map[string]int64{SchemeILA: 100000, SchemeVoucher: 100000}}}
	got := checkAgainstBrute(t, in)
	if ids := stepIDs(got.Pathways[0]); !slices.Equal(ids, []string{"c", "b", "a"}) {
		t.Fatalf("order %v, want prerequisites first [c b a]", ids)
	}
	if pre := got.Pathways[0].Steps[0].PrereqOf; !slices.Equal(pre, []string{"b"}) {
		t.Errorf("c is prerequisite of %v, want [b]", pre)
	}
	// Earned C: the chain shortens to B, A.
	in.Earned = []string{"c"}
	got = checkAgainstBrute(t, in)
	if ids := stepIDs(got.Pathways[0]); !slices.Equal(ids, []string{"b", "a"}) {
		t.Fatalf("with c earned: %v, want [b a]", ids)
	}
	// Only two steps allowed and nothing earned: the chain does not fit, D does.
	in.Earned, in.MaxSteps = nil, 2
	got = checkAgainstBrute(t, in)
	if ids := stepIDs(got.Pathways[0]); !slices.Equal(ids, []string{"d"}) {
		t.Fatalf("max 2 steps: %v, want [d]", ids)
	}
}

func TestSuggestBudgetAcrossTwoSchemes(t *testing.T) {
	// Voucher: 50 % of a course, at most €125. A teaches both skills for
	// €250; B (ILA only) and C (both schemes) teach one each for €100.
	a := cand("a", 25000, 30, "s:1", "s:2")
	b := cand("b", 10000, 10, "s:1")
	b.Schemes = []string{SchemeILA}
	c := cand("c", 10000, 20, "s:2")
	in := SuggestInput{Essential: skills("s:1", "s:2"), Candidates: []Candidate{a, b, c},
		Rules: DefaultRules(), Today: NewDate(2026, 1, 1),
		Constraints: Constraints{Budget: map[string]int64{SchemeILA: 20000, SchemeVoucher: 12500}}}
	got := checkAgainstBrute(t, in)
	best := got.Pathways[0]
	if ids := stepIDs(best); !slices.Equal(ids, []string{"b", "c"}) {
		t.Fatalf("best %v, want [b c]", ids)
	}
	if best.Own != 0 || best.Funded[SchemeILA] != 15000 || best.Funded[SchemeVoucher] != 5000 {
		t.Errorf("funding own %v ila %d voucher %d, want 0, 15000, 5000", best.Own, best.Funded[SchemeILA], best.Funded[SchemeVoucher])
	}
	// ILA €100: B and C need €150 of it, A €125: only one skill fits.
	in.Budget[SchemeILA] = 10000
	got = checkAgainstBrute(t, in)
	if ids := stepIDs(got.Pathways[0]); !slices.Equal(ids, []string{"b"}) {
		t.Fatalf("ILA €100: %v, want [b]", ids)
	}
	if u := got.Pathways[0].Uncovered; len(u) != 1 || u[0].Reason != "combination" {
		t.Errorf("uncovered %+v, want s:2 for combination", u)
	}
	// €50 of own money closes the gap.
	in.Budget[SchemeOwn] = 5000
	got = checkAgainstBrute(t, in)
	if ids := stepIDs(got.Pathways[0]); !slices.Equal(ids, []string{"b", "c"}) || got.Pathways[0].Own != 5000 {
		t.Fatalf("with €50 own: %v own %v, want [b c] own 50.00", ids, got.Pathways[0].Own)
	}
}

func TestSuggestNothingFitsNamesConstraint(t *testing.T) {
	a, b := cand("a", 0, 10, "s:1"), cand("b", 0, 10, "s:1")
	a.Mode, b.Mode = ModeOnsite, ModeOnsite
	b.Languages = []string{"fr"}
	in := SuggestInput{Essential: skills("s:1"), Candidates: []Candidate{a, b}, Today: NewDate(2026, 1, 1),
		Constraints: Constraints{Modes: []Mode{ModeOnline}}}
	got := checkAgainstBrute(t, in)
	if got.Blocked == nil || got.Blocked.Constraint != "mode" {
		t.Fatalf("blocked %+v, want mode", got.Blocked)
	}
	tests := []struct {
		name string
		edit func(*SuggestInput)
		want string
	}{
		{"budget", func(in *SuggestInput) { in.Modes = nil; in.Candidates[0].Price = 100; in.Candidates[1].Price = 100 }, "budget"},
		{"hours", func(in *SuggestInput) { in.Modes = nil; in.MaxHours = 5 }, "max_hours"},
		{"deadline", func(in *SuggestInput) {
			in.Modes = nil
			in.Candidates[0].ApplyBy = NewDate(2025, 12, 1)
			in.Candidates[1].ApplyBy = NewDate(2025, 12, 1)
		}, "deadline"},
		{"prerequisite", func(in *SuggestInput) {
			in.Modes = nil
			in.Candidates[0].Requires = []string{"withdrawn-one"}
			in.Candidates[1].Requires = []string{"withdrawn-one"}
		}, "prerequisite"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := in
			in.Candidates = slices.Clone(in.Candidates)
			tt.edit(&in)
			got := checkAgainstBrute(t, in)
			if got.Blocked == nil || got.Blocked.Constraint != tt.want {
				t.Fatalf("blocked %+v, want %s", got.Blocked, tt.want)
			}
		})
	}
}

func TestSuggestUntaughtSkill(t *testing.T) {
	in := SuggestInput{Essential: skills("s:1", "s:nobody"), Candidates: []Candidate{cand("a", 0, 10, "s:1")}, Today: NewDate(2026, 1, 1)}
	got := checkAgainstBrute(t, in)
	if len(got.Untaught) != 1 || got.Untaught[0].URI != "s:nobody" {
		t.Fatalf("untaught %v", got.Untaught)
	}
	un := got.Pathways[0].Uncovered
	if len(un) != 1 || un[0].URI != "s:nobody" || un[0].Reason != "untaught" {
		t.Fatalf("uncovered %+v", un)
	}
	only := SuggestInput{Essential: skills("s:nobody"), Candidates: in.Candidates}
	if got := Suggest(only); got.Blocked == nil || got.Blocked.Constraint != "untaught" {
		t.Fatalf("only an untaught skill: blocked %+v", got.Blocked)
	}
}

func TestSuggestTiesAreDeterministic(t *testing.T) {
	// Two identical offers: the smaller id wins, whatever the input order.
	for _, order := range [][]string{{"m", "k"}, {"k", "m"}} {
		var cs []Candidate
		for _, id := range order {
			cs = append(cs, cand(id, 1000, 10, "s:1"))
		}
		in := SuggestInput{Essential: skills("s:1"), Candidates: cs, Constraints: Constraints{Budget: map[string]int64{SchemeILA: 5000, SchemeVoucher: 5000}}}
		got := checkAgainstBrute(t, in)
		if ids := stepIDs(got.Pathways[0]); !slices.Equal(ids, []string{"k"}) {
			t.Fatalf("input %v: best %v, want [k]", order, ids)
		}
		if len(got.Pathways) != 2 || !slices.Equal(stepIDs(got.Pathways[1]), []string{"m"}) || !slices.Equal(got.Pathways[1].Without, []string{"k"}) {
			t.Fatalf("alternative: %+v", got.Pathways)
		}
	}
}

func TestSuggestAlternativesDiffer(t *testing.T) {
	cs := []Candidate{cand("a", 1000, 10, "s:1", "s:2"), cand("b", 800, 10, "s:1"), cand("c", 900, 10, "s:2"), cand("d", 3000, 5, "s:1", "s:2")}
	in := SuggestInput{Essential: skills("s:1", "s:2"), Candidates: cs, Constraints: Constraints{Budget: map[string]int64{SchemeOwn: 100000}}}
	got := checkAgainstBrute(t, in)
	if len(got.Pathways) != 3 {
		t.Fatalf("%d pathways, want 3", len(got.Pathways))
	}
	seen := map[string]bool{}
	for _, p := range got.Pathways {
		k := fmt.Sprint(stepIDs(p))
		if seen[k] {
			t.Fatalf("pathway %s repeated", k)
		}
		seen[k] = true
	}
	want := [][]string{{"a"}, {"b", "c"}, {"d"}}
	for i, p := range got.Pathways {
		if !slices.Equal(stepIDs(p), want[i]) {
			t.Errorf("pathway %d: %v, want %v", i, stepIDs(p), want[i])
		}
	}
}

// genInput draws a small register with prerequisites, dates, two money
// schemes and every kind of limit.
func genInput(t *rapid.T) SuggestInput {
	nSkills := rapid.IntRange(1, 5).Draw(t, "skills")
	var ess []SkillRef
	for i := range nSkills {
		ess = append(ess, SkillRef{URI: fmt.Sprintf("s:%d", i)})
	}
	n := rapid.IntRange(1, 9).Draw(t, "offers")
	var cs []Candidate
	for range n {
		id := fmt.Sprintf("o%02d", rapid.IntRange(0, 99).Draw(t, "id"))
		if slices.ContainsFunc(cs, func(c Candidate) bool { return c.ID == id }) {
			continue
		}
		var sk []string
		for j := range nSkills + 1 {
			if rapid.IntRange(0, 2).Draw(t, "teach") == 0 {
				sk = append(sk, fmt.Sprintf("s:%d", j))
			}
		}
		c := cand(id, Money(rapid.IntRange(0, 6).Draw(t, "price")*5000), float64(rapid.IntRange(0, 4).Draw(t, "hours")*10), sk...)
		c.Schemes = rapid.SampledFrom([][]string{nil, {SchemeILA}, {SchemeVoucher}, {SchemeILA, SchemeVoucher}}).Draw(t, "schemes")
		c.Mode = rapid.SampledFrom([]Mode{ModeOnline, ModeOnsite}).Draw(t, "mode")
		if rapid.Bool().Draw(t, "dated") {
			c.Start = NewDate(2026, 1, 1).AddDays(rapid.IntRange(-10, 90).Draw(t, "start"))
			c.End = c.Start.AddDays(rapid.IntRange(0, 30).Draw(t, "len"))
		}
		if len(cs) > 0 && rapid.IntRange(0, 2).Draw(t, "req") == 0 {
			c.Requires = []string{cs[rapid.IntRange(0, len(cs)-1).Draw(t, "reqOf")].ID}
		}
		cs = append(cs, c)
	}
	in := SuggestInput{Essential: ess, Candidates: cs, Rules: DefaultRules(), Today: NewDate(2026, 1, 1)}
	in.Budget = map[string]int64{
		SchemeILA:     int64(rapid.IntRange(0, 8).Draw(t, "ila") * 5000),
		SchemeVoucher: int64(rapid.IntRange(0, 4).Draw(t, "voucher") * 5000),
		SchemeOwn:     int64(rapid.IntRange(0, 2).Draw(t, "own") * 5000),
	}
	in.MaxSteps = rapid.IntRange(0, 4).Draw(t, "maxSteps")
	in.MaxHours = float64(rapid.IntRange(0, 6).Draw(t, "maxHours") * 10)
	in.MaxWeeks = rapid.IntRange(0, 12).Draw(t, "maxWeeks")
	if rapid.Bool().Draw(t, "onlineOnly") {
		in.Modes = []Mode{ModeOnline}
	}
	if len(cs) > 0 && rapid.IntRange(0, 3).Draw(t, "earn") == 0 {
		in.Earned = []string{cs[0].ID}
	}
	return in
}

// TestSuggestMatchesEnumeration compares the search with the brute force on
// random small registers, and checks the properties every answer keeps.
func TestSuggestMatchesEnumeration(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t)
		got := Suggest(in)
		want := bruteBest(in)
		if want == nil {
			if len(got.Pathways) > 0 {
				t.Fatalf("brute force: nothing; Suggest: %v", stepIDs(got.Pathways[0]))
			}
			if len(got.Missing) > 0 && got.Blocked == nil {
				t.Fatalf("nothing fits but no blocking constraint named")
			}
			return
		}
		if len(got.Pathways) == 0 {
			t.Fatalf("Suggest: nothing (blocked %+v); brute force: %v", got.Blocked, want.ids)
		}
		ids := stepIDs(got.Pathways[0])
		sorted := slices.Clone(ids)
		sort.Strings(sorted)
		if !slices.Equal(sorted, want.ids) {
			t.Fatalf("best %v, brute force %v", sorted, want.ids)
		}
		for _, p := range got.Pathways {
			checkPathwayProperties(t, in, p)
		}
		if again := Suggest(in); fmt.Sprint(again) != fmt.Sprint(got) {
			t.Fatalf("not deterministic")
		}
	})
}

func checkPathwayProperties(t *rapid.T, in SuggestInput, p Pathway) {
	pos := map[string]int{}
	for i, s := range p.Steps {
		pos[s.ID] = i
	}
	for i, s := range p.Steps {
		for _, r := range s.Requires {
			if j, ok := pos[r]; ok && j >= i {
				t.Fatalf("step %s comes before its prerequisite %s", s.ID, r)
			}
			if _, ok := pos[r]; !ok && !slices.Contains(in.Earned, r) {
				t.Fatalf("step %s lacks prerequisite %s", s.ID, r)
			}
		}
	}
	for sc, v := range p.Funded {
		if Unit(sc) == "EUR" && v > in.Budget[sc] {
			t.Fatalf("scheme %s funds %d beyond budget %d", sc, v, in.Budget[sc])
		}
	}
	if int64(p.Own) > in.Budget[SchemeOwn] {
		t.Fatalf("out of pocket %d beyond %d", p.Own, in.Budget[SchemeOwn])
	}
	if in.MaxHours > 0 && p.Hours > in.MaxHours {
		t.Fatalf("hours %g beyond %g", p.Hours, in.MaxHours)
	}
}
