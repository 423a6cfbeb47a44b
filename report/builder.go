package report

import (
	"slices"
	"sort"
	"strings"
)

// acc adds up one cell: its value and the distinct people it is about
// (records arrive one person at a time, so the last serial is enough).
type acc struct {
	v    int64
	n    int
	last int
}

func (a *acc) add(v int64, serial int) {
	a.v += v
	if a.last != serial {
		a.last = serial
		a.n++
	}
}

// grid is a table being added up: rows by code, a fixed number of columns.
type grid struct {
	rows  map[string][]acc
	ncols int
}

func newGrid(ncols int) *grid { return &grid{rows: map[string][]acc{}, ncols: ncols} }

func (g *grid) at(row string) []acc {
	r, ok := g.rows[row]
	if !ok {
		r = make([]acc, g.ncols)
		g.rows[row] = r
	}
	return r
}

// Participation stages, exclusive: each person guided in the period is in
// exactly one, the furthest they got.
var stages = []string{"no_plan", "plan_not_started", "in_training", "completed"}

// Group dimensions of the participation tables.
var dims = []string{"age", "gender", "education", "employment", "region"}

// Fixed rows of the group dimensions ("" rows: observed values, sorted).
var dimRows = map[string][]string{
	"age":        {"lt25", "25-34", "35-44", "45-54", "55-64", "65+", "unknown"},
	"gender":     {"female", "male", "other", "unknown"},
	"education":  {"eqf1-2", "eqf3-4", "eqf5-8", "unknown"},
	"employment": {"employed", "self-employed", "unemployed", "student", "inactive", "unknown"},
}

// Ledger kinds, in column order.
var kinds = []string{"accrual", "top-up", "reserve", "spend", "release", "expire", "correct"}

// What spending is broken down by.
var spentDims = []string{"eqf", "field", "mode", "micro", "stackable"}

// Employment situations in the follow-up table.
var situations = []string{"employed", "self-employed", "unemployed", "student", "inactive"}

// Builder adds up records into a report. Use NewBuilder, Add every
// person, then Report.
type Builder struct {
	p      Params
	units  map[string]string // scheme → unit (EUR, hours, days)
	serial int

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

	steps      *grid // "steps" × enrolled, completed, dropped
	creds      *grid
	employment *grid // situation × m6, m12
	guidance   *grid // "sessions" × held, no_show, people
	actions    *grid // "actions" × agreed, done
	waits      []int // days from first session to first enrolment
	waitN      acc
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
	b.steps, b.creds = newGrid(3), newGrid(1)
	b.employment, b.guidance, b.actions = newGrid(2), newGrid(3), newGrid(2)
	return b
}

func monthIndex(d Day) int { return int(d)/10000*12 + int(d)/100%100 - 1 }

// Add adds one person's record (it is not kept).
func (b *Builder) Add(r *Record) {
	p := b.p
	if !p.keep(r) {
		return
	}
	b.serial++
	s := b.serial

	// Guidance: sessions in the period, first session ever.
	guided, anySession := false, false
	var first Day
	for _, x := range r.Sessions {
		if x.Attended && (first == 0 || x.At < first) {
			first = x.At
		}
		if !p.in(x.At) {
			continue
		}
		anySession = true
		if x.Attended {
			guided = true
			b.guidance.at("sessions")[0].add(1, s)
		} else {
			b.guidance.at("sessions")[1].add(1, s)
		}
	}
	if anySession {
		b.guidance.at("sessions")[2].add(1, s)
	}
	for _, a := range r.Actions {
		if p.in(a.Agreed) {
			b.actions.at("actions")[0].add(1, s)
			if a.Done {
				b.actions.at("actions")[1].add(1, s)
			}
		}
	}

	// Steps: outcomes in the period, participation stage, first enrolment.
	started, completed := false, false
	var firstEnrol Day
	for _, st := range r.Steps {
		if st.Enrolled != 0 && (firstEnrol == 0 || st.Enrolled < firstEnrol) {
			firstEnrol = st.Enrolled
		}
		closed := st.Completed
		if closed == 0 {
			closed = st.Dropped
		}
		if st.Enrolled != 0 && st.Enrolled <= p.To && (closed == 0 || closed >= p.From) {
			started = true
		}
		if p.in(st.Completed) {
			completed = true
		}
		for i, d := range []Day{st.Enrolled, st.Completed, st.Dropped} {
			if p.in(d) {
				b.steps.at("steps")[i].add(1, s)
			}
		}
		if p.in(st.Enrolled) && st.OutOfPocket > 0 {
			b.addSpent(st, len(b.spentS), st.OutOfPocket, s)
		}
	}
	if p.in(firstEnrol) && first != 0 && first <= firstEnrol {
		b.waits = append(b.waits, int(firstEnrol.Time().Sub(first.Time()).Hours()/24))
		b.waitN.add(1, s)
	}
	if guided {
		stage := 0
		switch {
		case completed:
			stage = 3
		case started:
			stage = 2
		case r.PlanMade != 0 && r.PlanMade <= p.To:
			stage = 1
		}
		for _, d := range dims {
			for _, row := range [][]acc{b.part[d].at(b.dimValue(d, r)), b.part[d].at("total")} {
				row[stage].add(1, s)
				row[len(stages)].add(1, s)
			}
		}
		for _, sc := range r.Schemes {
			row := b.schemes.at(sc)
			row[stage].add(1, s)
			row[len(stages)].add(1, s)
		}
		low, unemp := r.EQF >= 1 && r.EQF <= 2, r.Employment == "unemployed"
		for _, f := range []struct {
			row string
			on  bool
		}{{"low_qualified", low}, {"unemployed", unemp}, {"low_qualified_unemployed", low && unemp}} {
			if f.on {
				row := b.focus.at(f.row)
				row[stage].add(1, s)
				row[len(stages)].add(1, s)
			}
		}
	}

	// Ledger: per scheme and month; top-ups by funder; spending by what.
	from := monthIndex(p.From)
	for _, e := range r.Entries {
		if !p.in(e.On) {
			continue
		}
		k := slices.Index(kinds, e.Kind)
		if k < 0 {
			continue
		}
		m, ok := b.ledger[e.Scheme]
		if !ok {
			m = make([][]acc, b.months)
			for i := range m {
				m[i] = make([]acc, len(kinds))
			}
			b.ledger[e.Scheme], b.ledgerT[e.Scheme] = m, make([]acc, len(kinds))
		}
		m[monthIndex(e.On)-from][k].add(e.Amount, s)
		b.ledgerT[e.Scheme][k].add(e.Amount, s)
		switch e.Kind {
		case "top-up":
			g, ok := b.funders[e.Scheme]
			if !ok {
				g = newGrid(1)
				b.funders[e.Scheme] = g
			}
			f := e.Funder
			if f == "" {
				f = "unknown"
			}
			g.at(f)[0].add(e.Amount, s)
			g.at("total")[0].add(e.Amount, s)
		case "spend":
			if c, ok := b.spentC[e.Scheme]; ok {
				var st Step
				if e.Step >= 0 && e.Step < len(r.Steps) {
					st = r.Steps[e.Step]
				}
				b.addSpent(st, c, e.Amount, s)
			}
		}
	}

	// Outcomes.
	for _, d := range r.Credentials {
		if p.in(d) {
			b.creds.at("credentials")[0].add(1, s)
		}
	}
	for i, f := range []Follow{r.Employment6, r.Employment12} {
		if f.Situation != "" && p.in(f.On) {
			b.employment.at(f.Situation)[i].add(1, s)
			b.employment.at("total")[i].add(1, s)
		}
	}
}

// addSpent adds v to column c of every spent-on table, in the step's row.
func (b *Builder) addSpent(st Step, c int, v int64, s int) {
	for _, d := range spentDims {
		row := b.spent[d].at(spentValue(d, st))
		row[c].add(v, s)
		b.spent[d].at("total")[c].add(v, s)
	}
}

func (b *Builder) dimValue(d string, r *Record) string {
	switch d {
	case "age":
		if r.BirthYear == 0 {
			return "unknown"
		}
		switch age := int(b.p.To)/10000 - r.BirthYear; {
		case age < 25:
			return "lt25"
		case age < 35:
			return "25-34"
		case age < 45:
			return "35-44"
		case age < 55:
			return "45-54"
		case age < 65:
			return "55-64"
		default:
			return "65+"
		}
	case "gender":
		if r.Gender == "" {
			return "unknown"
		}
		return r.Gender
	case "education":
		switch {
		case r.EQF >= 1 && r.EQF <= 2:
			return "eqf1-2"
		case r.EQF >= 3 && r.EQF <= 4:
			return "eqf3-4"
		case r.EQF >= 5 && r.EQF <= 8:
			return "eqf5-8"
		}
		return "unknown"
	case "employment":
		if r.Employment == "" {
			return "unknown"
		}
		return r.Employment
	case "region":
		if len(r.Region) < 4 {
			return "unknown"
		}
		return r.Region[:4] // NUTS 2
	}
	return "unknown"
}

func spentValue(d string, st Step) string {
	tri := func(t Tri) string {
		switch t {
		case Yes:
			return "yes"
		case No:
			return "no"
		}
		return "unknown"
	}
	switch d {
	case "eqf":
		if st.EQF >= 1 && st.EQF <= 8 {
			return string(rune('0' + st.EQF))
		}
	case "field":
		if len(st.Field) >= 2 {
			return st.Field[:2] // ISCED-F broad field
		}
	case "mode":
		if st.Mode != "" {
			return st.Mode
		}
	case "micro":
		return tri(st.Micro)
	case "stackable":
		return tri(st.Stackable)
	}
	return "unknown"
}

// sortedRows is the grid's observed rows, sorted, "unknown" last.
func sortedRows(g *grid) []string {
	var out []string
	for r := range g.rows {
		if r != "unknown" && r != "total" {
			out = append(out, r)
		}
	}
	sort.Strings(out)
	if _, ok := g.rows["unknown"]; ok {
		out = append(out, "unknown")
	}
	return out
}

func joinKey(parts ...string) string { return strings.Join(parts, ".") }
