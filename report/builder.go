package report

import (
	"sort"
	"strings"
)

// acc adds up one cell: its value and the distinct people it is about.
// People are counted in a bitset of their index in the builder, so facts
// may arrive in any order (one table at a time, each in its own order).
type acc struct {
	v    int64
	n    int
	seen []uint64
}

// add adds v about person p.
func (a *acc) add(v int64, p int32) {
	a.v += v
	a.once(p)
}

// once counts person p if not counted yet, and reports whether it did.
func (a *acc) once(p int32) bool {
	w := int(p >> 6)
	if w >= len(a.seen) {
		a.seen = append(a.seen, make([]uint64, w+1-len(a.seen))...)
	}
	bit := uint64(1) << (p & 63)
	if a.seen[w]&bit != 0 {
		return false
	}
	a.seen[w] |= bit
	a.n++
	return true
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

func (b *Builder) dimValue(d string, r *Attrs) string {
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
