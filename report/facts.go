package report

import (
	"errors"
	"fmt"
	"slices"
	"sort"
)

// Attrs are what a person is grouped by in a report, and nothing that
// names them.
type Attrs struct {
	BirthYear  int    // 0 unknown
	Gender     string // "" not recorded
	EQF        int    // highest education level, 0 unknown
	Employment string // "" not recorded
	Region     string // NUTS, "" unknown
	Centre     string
}

// Builder adds up facts into a report. Use NewBuilder; register each
// person of the population with Person, which gives the person's index;
// then add the facts about them, table by table and in any order (a data
// source streams each of its tables once: Scheme, Sessions, Actions,
// PlanMade, Step, Entry, Credential, Follow); then Report. Add does the
// same for a whole per-person Record.
//
// Cells count distinct people with a bitset of person indexes, so no fact
// needs to arrive beside the other facts about the same person. What needs
// several tables at once (the participation stage, the wait to the first
// enrolment, the follow-ups) is kept per person and finished in Report.
type Builder struct {
	p     Params
	units map[string]string // scheme → unit (EUR, hours, days)

	// Per person, by index.
	attrs      []Attrs
	guided     []bool // an attended session in the period
	started    []bool // a step running at some time in the period
	completed  []bool // a step completed in the period
	planMade   []Day
	first      []Day // first attended session, ever
	firstEnrol []Day
	follow     [][2]Follow // at 6 and 12 months; the last one recorded wins
	held       []heldScheme
	steps      []Step // every step added, by the index Step returned

	part    map[string]*grid // dimension → rows × (stages + total)
	schemes *grid            // scheme held → stages + total (rows overlap)
	focus   *grid            // low-qualified, unemployed, both → stages + total

	months  int                // months in the period
	ledger  map[string][][]acc // scheme → month × kind
	ledgerT map[string][]acc   // scheme → kind totals
	funders map[string]*grid   // scheme → funder × 1
	spent   map[string]*grid   // dimension → category × (schemes + out of pocket)
	spentS  []string           // schemes columns of spent tables, sorted
	spentC  map[string]int     // scheme → column

	stepsG     *grid // "steps" × enrolled, completed, dropped
	creds      *grid
	employment *grid // situation × m6, m12
	guidance   *grid // "sessions" × held, no_show, people
	actions    *grid // "actions" × agreed, done
	waits      []int // days from first session to first enrolment
	waitN      acc
}

type heldScheme struct {
	person int32
	scheme string
}

// NewBuilder starts a report for p; units gives each scheme's unit (EUR,
// hours or days), which orders and labels the money columns.
func NewBuilder(p Params, units map[string]string) *Builder {
	b := &Builder{p: p, units: units, part: map[string]*grid{}, ledger: map[string][][]acc{}, ledgerT: map[string][]acc{},
		funders: map[string]*grid{}, spent: map[string]*grid{}, spentC: map[string]int{}}
	for _, d := range dims {
		b.part[d] = newGrid(len(stages) + 1)
	}
	b.schemes, b.focus = newGrid(len(stages)+1), newGrid(len(stages)+1)
	b.months = monthIndex(p.To) - monthIndex(p.From) + 1
	for sc := range units {
		b.spentS = append(b.spentS, sc)
	}
	sort.Strings(b.spentS)
	for i, sc := range b.spentS {
		b.spentC[sc] = i
	}
	for _, d := range spentDims {
		b.spent[d] = newGrid(len(b.spentS) + 1)
	}
	b.stepsG, b.creds = newGrid(3), newGrid(1)
	b.employment, b.guidance, b.actions = newGrid(2), newGrid(3), newGrid(2)
	return b
}

func monthIndex(d Day) int { return int(d)/10000*12 + int(d)/100%100 - 1 }

// Person registers a person and returns their index for the other facts,
// or -1 when they are outside the report's centre or region (facts about
// -1 are ignored).
func (b *Builder) Person(a Attrs) int32 {
	if !b.p.keep(&a) {
		return -1
	}
	b.attrs = append(b.attrs, a)
	b.guided = append(b.guided, false)
	b.started = append(b.started, false)
	b.completed = append(b.completed, false)
	b.planMade = append(b.planMade, 0)
	b.first = append(b.first, 0)
	b.firstEnrol = append(b.firstEnrol, 0)
	b.follow = append(b.follow, [2]Follow{})
	return int32(len(b.attrs) - 1)
}

// People is how many people are registered.
func (b *Builder) People() int { return len(b.attrs) }

// Scheme records that person p holds an account in scheme.
func (b *Builder) Scheme(p int32, scheme string) {
	if p >= 0 {
		b.held = append(b.held, heldScheme{p, scheme})
	}
}

// SessionSummary is what a person's guidance sessions contribute: the day
// of their first attended session ever, and the sessions held and missed
// in the period.
type SessionSummary struct {
	First        Day
	Held, NoShow int
}

// Sessions adds person p's sessions.
func (b *Builder) Sessions(p int32, s SessionSummary) {
	if p < 0 {
		return
	}
	if s.First != 0 && (b.first[p] == 0 || s.First < b.first[p]) {
		b.first[p] = s.First
	}
	row := b.guidance.at("sessions")
	if s.Held > 0 {
		b.guided[p] = true
		row[0].add(int64(s.Held), p)
	}
	if s.NoShow > 0 {
		row[1].add(int64(s.NoShow), p)
	}
	if s.Held+s.NoShow > 0 && row[2].once(p) {
		row[2].v++
	}
}

// Session adds one session of person p.
func (b *Builder) Session(p int32, x Session) {
	s := SessionSummary{}
	if x.Attended {
		s.First = x.At
	}
	if b.p.in(x.At) {
		if x.Attended {
			s.Held = 1
		} else {
			s.NoShow = 1
		}
	}
	b.Sessions(p, s)
}

// Actions adds the actions person p agreed in sessions of the period, and
// how many of them are done.
func (b *Builder) Actions(p int32, agreed, done int) {
	if p < 0 {
		return
	}
	row := b.actions.at("actions")
	if agreed > 0 {
		row[0].add(int64(agreed), p)
	}
	if done > 0 {
		row[1].add(int64(done), p)
	}
}

// PlanMade records the day a plan of person p with a step was made (the
// earliest counts).
func (b *Builder) PlanMade(p int32, d Day) {
	if p >= 0 && d != 0 && (b.planMade[p] == 0 || d < b.planMade[p]) {
		b.planMade[p] = d
	}
}

// Step adds a plan step of person p and returns its index for Entry.
func (b *Builder) Step(p int32, st Step) int {
	if p < 0 {
		return -1
	}
	pp := b.p
	if st.Enrolled != 0 && (b.firstEnrol[p] == 0 || st.Enrolled < b.firstEnrol[p]) {
		b.firstEnrol[p] = st.Enrolled
	}
	closed := st.Completed
	if closed == 0 {
		closed = st.Dropped
	}
	if st.Enrolled != 0 && st.Enrolled <= pp.To && (closed == 0 || closed >= pp.From) {
		b.started[p] = true
	}
	if pp.in(st.Completed) {
		b.completed[p] = true
	}
	row := b.stepsG.at("steps")
	for i, d := range [3]Day{st.Enrolled, st.Completed, st.Dropped} {
		if pp.in(d) {
			row[i].add(1, p)
		}
	}
	if pp.in(st.Enrolled) && st.OutOfPocket > 0 {
		b.addSpent(st, len(b.spentS), st.OutOfPocket, p)
	}
	b.steps = append(b.steps, st)
	return len(b.steps) - 1
}

// Entry adds a ledger entry of person p; its Step is an index Step
// returned, or -1.
func (b *Builder) Entry(p int32, e Entry) {
	if !b.ledgerEntry(p, e) || e.Kind != "spend" {
		return
	}
	var st Step
	if e.Step >= 0 && e.Step < len(b.steps) {
		st = b.steps[e.Step]
	}
	b.spend(p, e, st)
}

// Spend adds a spend of person p for a step with st's attributes (the
// offer's; its dates are not read): Entry without the step index.
func (b *Builder) Spend(p int32, e Entry, st Step) {
	e.Kind = "spend"
	if b.ledgerEntry(p, e) {
		b.spend(p, e, st)
	}
}

// ledgerEntry adds e to the ledger tables and reports whether it counts.
func (b *Builder) ledgerEntry(p int32, e Entry) bool {
	if p < 0 || !b.p.in(e.On) {
		return false
	}
	k := slices.Index(kinds, e.Kind)
	if k < 0 {
		return false
	}
	m, ok := b.ledger[e.Scheme]
	if !ok {
		m = make([][]acc, b.months)
		for i := range m {
			m[i] = make([]acc, len(kinds))
		}
		b.ledger[e.Scheme], b.ledgerT[e.Scheme] = m, make([]acc, len(kinds))
	}
	m[monthIndex(e.On)-monthIndex(b.p.From)][k].add(e.Amount, p)
	b.ledgerT[e.Scheme][k].add(e.Amount, p)
	if e.Kind == "top-up" {
		g, ok := b.funders[e.Scheme]
		if !ok {
			g = newGrid(1)
			b.funders[e.Scheme] = g
		}
		f := e.Funder
		if f == "" {
			f = "unknown"
		}
		g.at(f)[0].add(e.Amount, p)
		g.at("total")[0].add(e.Amount, p)
	}
	return true
}

func (b *Builder) spend(p int32, e Entry, st Step) {
	if c, ok := b.spentC[e.Scheme]; ok {
		b.addSpent(st, c, e.Amount, p)
	}
}

// Fork starts a builder for the ledger's facts of the same report
// (Entry, Spend), to be filled beside b (another goroutine, another
// snapshot) and added back with Merge. Its cells are all about one scheme
// each (the ledger and top-up tables, the spending columns of a scheme),
// so a fork may count people by any index that tells them apart within a
// scheme: an account index serves, as a person holds one account per
// scheme.
func (b *Builder) Fork() *Builder { return NewBuilder(b.p, b.units) }

// Merge adds the ledger facts of fork f to b. b holds none of its own (its
// ledger cells are empty): the two count people by different indexes, so
// no cell may be added up from both.
func (b *Builder) Merge(f *Builder) error {
	if len(b.ledger) > 0 || len(b.funders) > 0 {
		return errors.New("report: merge into a builder that holds ledger facts")
	}
	b.ledger, b.ledgerT, b.funders = f.ledger, f.ledgerT, f.funders
	for d, g := range f.spent {
		for row, cells := range g.rows {
			dst := b.spent[d].at(row)
			for c := range cells[:len(b.spentS)] {
				if dst[c].n > 0 {
					return fmt.Errorf("report: merge: spent.%s %s counted on both sides", d, row)
				}
				dst[c] = cells[c]
			}
		}
	}
	return nil
}

// Credential adds a credential person p earned on d.
func (b *Builder) Credential(p int32, d Day) {
	if p >= 0 && b.p.in(d) {
		b.creds.at("credentials")[0].add(1, p)
	}
}

// Follow records person p's employment follow-up at 6 or 12 months; of
// several at the same mark, the last one recorded counts.
func (b *Builder) Follow(p int32, months int, f Follow) {
	if p < 0 {
		return
	}
	if months == 6 {
		b.follow[p][0] = f
	} else {
		b.follow[p][1] = f
	}
}

// Add adds one person's whole record (it is not kept).
func (b *Builder) Add(r *Record) {
	p := b.Person(Attrs{BirthYear: r.BirthYear, Gender: r.Gender, EQF: r.EQF, Employment: r.Employment, Region: r.Region, Centre: r.Centre})
	if p < 0 {
		return
	}
	for _, sc := range r.Schemes {
		b.Scheme(p, sc)
	}
	for _, x := range r.Sessions {
		b.Session(p, x)
	}
	agreed, done := 0, 0
	for _, a := range r.Actions {
		if b.p.in(a.Agreed) {
			agreed++
			if a.Done {
				done++
			}
		}
	}
	b.Actions(p, agreed, done)
	b.PlanMade(p, r.PlanMade)
	first := len(b.steps)
	for _, st := range r.Steps {
		b.Step(p, st)
	}
	for _, e := range r.Entries {
		if e.Step >= 0 && e.Step < len(r.Steps) {
			e.Step += first
		} else {
			e.Step = -1
		}
		b.Entry(p, e)
	}
	for _, d := range r.Credentials {
		b.Credential(p, d)
	}
	b.Follow(p, 6, r.Employment6)
	b.Follow(p, 12, r.Employment12)
}

// addSpent adds v to column c of every spent-on table, in the step's row.
func (b *Builder) addSpent(st Step, c int, v int64, p int32) {
	for _, d := range spentDims {
		row := b.spent[d].at(spentValue(d, st))
		row[c].add(v, p)
		b.spent[d].at("total")[c].add(v, p)
	}
}

// finishPeople adds what needs several tables about each person: the
// participation stage of everyone guided, the wait from the first session
// to the first enrolment, and the follow-ups.
func (b *Builder) finishPeople() {
	p := b.p
	schemes := make([][]string, len(b.attrs))
	for _, h := range b.held {
		schemes[h.person] = append(schemes[h.person], h.scheme)
	}
	for i := range b.attrs {
		pi := int32(i)
		first, firstEnrol := b.first[i], b.firstEnrol[i]
		if p.in(firstEnrol) && first != 0 && first <= firstEnrol {
			b.waits = append(b.waits, int(firstEnrol.Time().Sub(first.Time()).Hours()/24))
			b.waitN.add(1, pi)
		}
		for m, f := range b.follow[i] {
			if f.Situation != "" && p.in(f.On) {
				b.employment.at(f.Situation)[m].add(1, pi)
				b.employment.at("total")[m].add(1, pi)
			}
		}
		if !b.guided[i] {
			continue
		}
		stage := 0
		switch {
		case b.completed[i]:
			stage = 3
		case b.started[i]:
			stage = 2
		case b.planMade[i] != 0 && b.planMade[i] <= p.To:
			stage = 1
		}
		a := &b.attrs[i]
		for _, d := range dims {
			for _, row := range [2][]acc{b.part[d].at(b.dimValue(d, a)), b.part[d].at("total")} {
				row[stage].add(1, pi)
				row[len(stages)].add(1, pi)
			}
		}
		for _, sc := range schemes[i] {
			row := b.schemes.at(sc)
			row[stage].add(1, pi)
			row[len(stages)].add(1, pi)
		}
		low, unemp := a.EQF >= 1 && a.EQF <= 2, a.Employment == "unemployed"
		for _, f := range [3]struct {
			row string
			on  bool
		}{{"low_qualified", low}, {"unemployed", unemp}, {"low_qualified_unemployed", low && unemp}} {
			if f.on {
				row := b.focus.at(f.row)
				row[stage].add(1, pi)
				row[len(stages)].add(1, pi)
			}
		}
	}
}
