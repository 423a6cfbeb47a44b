package report

import (
	"fmt"
	"slices"
)

// Report finishes the figures: tables in a fixed order, suppression
// (primary and complementary, across the tables that share totals), then
// the ratios from the printed cells.
func (b *Builder) Report() *Report {
	b.finishPeople()
	r := &Report{Params: b.p}
	k := max(b.p.K, DefaultK)
	partCols := append(slices.Clone(stages), "total")
	people := func(n int) []string { return repeat("people", n) }

	var part []*Table
	for _, d := range dims {
		rows := dimRows[d]
		if rows == nil {
			rows = sortedRows(b.part[d])
		}
		t := fromGrid("participation."+d, b.part[d], append(slices.Clone(rows), "total"), partCols, people(len(partCols)))
		t.RowSums, t.ColSums = true, true
		for i, row := range t.Rows {
			for c, col := range partCols {
				t.Cells[i][c].key = joinKey("participation", d, row, col)
				if row == "total" {
					t.Cells[i][c].key = "participation.total." + col
				}
			}
		}
		part = append(part, t)
	}
	sch := fromGrid("participation.scheme", b.schemes, sortedRows(b.schemes), partCols, people(len(partCols)))
	sch.RowSums = true
	focus := fromGrid("participation.focus", b.focus, []string{"low_qualified", "unemployed", "low_qualified_unemployed"}, partCols, people(len(partCols)))
	focus.RowSums = true
	// The focus rows are rows of the education and employment tables too:
	// they share those cells' fate.
	for i, same := range []string{"education.eqf1-2", "employment.unemployed"} {
		for c, col := range partCols {
			focus.Cells[i][c].key = joinKey("participation", same, col)
		}
	}
	r.Sections = append(r.Sections, Section{ID: "participation", Tables: append(part, sch, focus)})

	// Entitlements per scheme and month, top-ups by funder.
	var ent []*Table
	for _, sc := range sortedKeys(b.ledger) {
		t := &Table{ID: "entitlements." + sc, Cols: slices.Clone(kinds), Units: repeat(b.unit(sc), len(kinds)), ColSums: true}
		m := b.ledger[sc]
		for i := range m {
			t.Rows = append(t.Rows, monthName(monthIndex(b.p.From)+i))
			t.Cells = append(t.Cells, cells(m[i]))
		}
		t.Rows = append(t.Rows, "total")
		t.Cells = append(t.Cells, cells(b.ledgerT[sc]))
		ent = append(ent, t)
	}
	for _, sc := range sortedKeys(b.funders) {
		g := b.funders[sc]
		t := fromGrid("topups."+sc, g, append(sortedRows(g), "total"), []string{"amount"}, []string{b.unit(sc)})
		t.ColSums = true
		ent = append(ent, t)
	}
	r.Sections = append(r.Sections, Section{ID: "entitlements", Tables: ent})

	// What it was spent on.
	var spent []*Table
	spentCols := append(slices.Clone(b.spentS), "out_of_pocket")
	var spentUnits []string
	for _, sc := range b.spentS {
		spentUnits = append(spentUnits, b.unit(sc))
	}
	spentUnits = append(spentUnits, "EUR")
	for _, d := range spentDims {
		g := b.spent[d]
		t := fromGrid("spent."+d, g, append(sortedRows(g), "total"), spentCols, spentUnits)
		t.ColSums = true
		for c, col := range spentCols {
			t.Cells[len(t.Rows)-1][c].key = "spent.total." + col
		}
		spent = append(spent, t)
	}
	r.Sections = append(r.Sections, Section{ID: "spent", Tables: spent})

	// Outcomes.
	steps := fromGrid("outcomes.steps", b.stepsG, []string{"steps"}, []string{"enrolled", "completed", "dropped"}, repeat("count", 3))
	creds := fromGrid("outcomes.credentials", b.creds, []string{"credentials"}, []string{"earned"}, []string{"count"})
	emp := fromGrid("outcomes.employment", b.employment, append(slices.Clone(situations), "total"), []string{"m6", "m12"}, people(2))
	emp.ColSums = true
	wait := &Table{ID: "outcomes.wait", Rows: []string{"first_enrolment"}, Cols: []string{"median_days"}, Units: []string{"days"},
		Cells: [][]Cell{{{Value: int64(median(b.waits)), N: b.waitN.n}}}}
	r.Sections = append(r.Sections, Section{ID: "outcomes", Tables: []*Table{steps, creds, emp, wait}})

	// Guidance.
	guid := fromGrid("guidance.sessions", b.guidance, []string{"sessions"}, []string{"held", "no_show", "people"}, []string{"count", "count", "people"})
	act := fromGrid("guidance.actions", b.actions, []string{"actions"}, []string{"agreed", "done"}, repeat("count", 2))
	r.Sections = append(r.Sections, Section{ID: "guidance", Tables: []*Table{guid, act}})

	var all []*Table
	for _, s := range r.Sections {
		all = append(all, s.Tables...)
	}
	protectAll(all, k)
	// A suppressed cell keeps no value: nothing downstream can print it.
	for _, t := range all {
		for i := range t.Cells {
			for j := range t.Cells[i] {
				if t.Cells[i][j].Suppressed {
					t.Cells[i][j].Value, t.Cells[i][j].N = 0, 0
				}
			}
		}
	}
	r.Ratios = b.ratios(r)
	return r
}

func (b *Builder) unit(scheme string) string {
	if u, ok := b.units[scheme]; ok {
		return u
	}
	return "EUR"
}

// ratios derives the rates people read first from printed cells only.
func (b *Builder) ratios(r *Report) []Ratio {
	c := func(t, row, col string) Cell { x, _ := r.Cell(t, row, col); return x }
	total := "participation.age"
	sum := func(cs ...Cell) Cell {
		out := Cell{}
		for _, x := range cs {
			out.Value += x.Value
			out.Suppressed = out.Suppressed || x.Suppressed
		}
		return out
	}
	pct := func(id string, num, den Cell) Ratio {
		x := Ratio{ID: id, Suppressed: num.Suppressed || den.Suppressed || den.Value == 0}
		if !x.Suppressed {
			x.Percent = float64(int64(1000*float64(num.Value)/float64(den.Value)+0.5)) / 10
		}
		return x
	}
	return []Ratio{
		pct("participation.rate", sum(c(total, "total", "in_training"), c(total, "total", "completed")), c(total, "total", "total")),
		pct("participation.plan_rate", sum(c(total, "total", "plan_not_started"), c(total, "total", "in_training"), c(total, "total", "completed")), c(total, "total", "total")),
		pct("outcomes.completion_rate", c("outcomes.steps", "steps", "completed"), sum(c("outcomes.steps", "steps", "completed"), c("outcomes.steps", "steps", "dropped"))),
		pct("outcomes.employed_6", sum(c("outcomes.employment", "employed", "m6"), c("outcomes.employment", "self-employed", "m6")), c("outcomes.employment", "total", "m6")),
		pct("outcomes.employed_12", sum(c("outcomes.employment", "employed", "m12"), c("outcomes.employment", "self-employed", "m12")), c("outcomes.employment", "total", "m12")),
		pct("guidance.no_show_rate", c("guidance.sessions", "sessions", "no_show"), sum(c("guidance.sessions", "sessions", "held"), c("guidance.sessions", "sessions", "no_show"))),
		pct("guidance.actions_done", c("guidance.actions", "actions", "done"), c("guidance.actions", "actions", "agreed")),
	}
}

// SessionsPerPerson is sessions held per person with a session, one
// decimal, from printed cells (ok false when either is suppressed).
func (r *Report) SessionsPerPerson() (float64, bool) {
	h, _ := r.Cell("guidance.sessions", "sessions", "held")
	p, _ := r.Cell("guidance.sessions", "sessions", "people")
	if h.Suppressed || p.Suppressed || p.Value == 0 {
		return 0, false
	}
	return float64(int64(10*float64(h.Value)/float64(p.Value)+0.5)) / 10, true
}

func fromGrid(id string, g *grid, rows, cols, units []string) *Table {
	t := &Table{ID: id, Rows: rows, Cols: cols, Units: units}
	for _, row := range rows {
		a, ok := g.rows[row]
		if !ok {
			a = make([]acc, len(cols))
		}
		t.Cells = append(t.Cells, cells(a[:len(cols)]))
	}
	return t
}

func cells(a []acc) []Cell {
	out := make([]Cell, len(a))
	for i, x := range a {
		out[i] = Cell{Value: x.v, N: x.n}
	}
	return out
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func monthName(i int) string { return fmt.Sprintf("%04d-%02d", i/12, i%12+1) }

func median(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
