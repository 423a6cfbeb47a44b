package report

import (
	"encoding/json"
	"math/big"
)

// MarshalJSON writes a suppressed cell's value as null.
func (c Cell) MarshalJSON() ([]byte, error) {
	var v *int64
	if !c.Suppressed {
		v = &c.Value
	}
	return json.Marshal(struct {
		Value         *int64 `json:"value"`
		Suppressed    bool   `json:"suppressed"`
		Complementary bool   `json:"complementary,omitempty"`
	}{v, c.Suppressed, c.Complementary})
}

// Cell is one printed figure: a count of people, a count of things or an
// amount, with N, the number of distinct people it is about. A cell about
// fewer than k people is suppressed, and so is any cell that would let a
// suppressed one be recomputed from the sums printed beside it.
type Cell struct {
	Value int64 `json:"value"` // zero once suppressed (Builder.Report clears it)
	N     int   `json:"-"`
	// Suppressed cells are printed as "suppressed", never with a value.
	Suppressed bool `json:"suppressed"`
	// Complementary marks a cell suppressed only to protect another.
	Complementary bool `json:"complementary,omitempty"`
	// key names a cell shared by several tables (a total they all print),
	// so that suppressing it in one suppresses it in all.
	key string
}

// Table is a grid of cells. With RowSums, the last column of every row is
// the sum of the row's other cells; with ColSums, the last row is the sum
// of the other rows in every column. These printed sums are what an
// attacker would subtract from, so suppression protects against them.
type Table struct {
	ID string `json:"id"`
	// Rows and Cols are codes (labels come from the message catalogue).
	Rows []string `json:"rows"`
	Cols []string `json:"cols"`
	// Units per column: "people", "count", "days", "EUR" (cents), "hours"
	// (minutes), "days-leave" (the days scheme's minor unit).
	Units   []string `json:"units"`
	Cells   [][]Cell `json:"cells"`
	RowSums bool     `json:"row_sums"`
	ColSums bool     `json:"col_sums"`
}

// lines lists every additive relation of the table: each is a list of
// cell positions whose first is the sum of the rest.
func (t *Table) lines() [][][2]int {
	var out [][][2]int
	nr, nc := len(t.Rows), len(t.Cols)
	if t.RowSums && nc > 1 {
		for r := range nr {
			l := [][2]int{{r, nc - 1}}
			for c := range nc - 1 {
				l = append(l, [2]int{r, c})
			}
			out = append(out, l)
		}
	}
	if t.ColSums && nr > 1 {
		for c := range nc {
			l := [][2]int{{nr - 1, c}}
			for r := range nr - 1 {
				l = append(l, [2]int{r, c})
			}
			out = append(out, l)
		}
	}
	return out
}

// protect suppresses every cell about fewer than k people (primary) and
// then, until nothing changes, one more cell beside every suppressed cell
// the printed cells and sums would still determine (complementary): the
// smallest unsuppressed cell sharing a sum with it, preferring inner cells
// to totals. It reports whether it suppressed anything new.
func (t *Table) protect(k int) bool {
	changed := false
	for r := range t.Cells {
		for c := range t.Cells[r] {
			if cl := &t.Cells[r][c]; !cl.Suppressed && cl.N < k {
				cl.Suppressed, changed = true, true
			}
		}
	}
	for {
		det := t.determined()
		if det == nil {
			return changed
		}
		if !t.suppressBeside(*det) && !t.suppressOnAnyLine() {
			return changed // everything that could hide it is hidden
		}
		changed = true
	}
}

func has(l [][2]int, p [2]int) bool {
	for _, q := range l {
		if q == p {
			return true
		}
	}
	return false
}

// suppressBeside hides the smallest unsuppressed cell on one of p's lines,
// an inner cell if there is one, else a total.
func (t *Table) suppressBeside(p [2]int) bool {
	best, found, bestTotal := [2]int{}, false, true
	for _, l := range t.lines() {
		if !has(l, p) {
			continue
		}
		for i, q := range l {
			cl := t.Cells[q[0]][q[1]]
			if cl.Suppressed {
				continue
			}
			total := i == 0 || t.isTotal(q)
			better := !found || (bestTotal && !total) ||
				(total == bestTotal && cl.Value < t.Cells[best[0]][best[1]].Value)
			if better {
				best, found, bestTotal = q, true, total
			}
		}
	}
	if found {
		t.Cells[best[0]][best[1]].Suppressed = true
		t.Cells[best[0]][best[1]].Complementary = true
	}
	return found
}

// suppressOnAnyLine hides the smallest unsuppressed cell on any line that
// holds a suppressed cell: the fallback when a determined cell's own lines
// are all hidden and it follows through other lines.
func (t *Table) suppressOnAnyLine() bool {
	best, found := [2]int{}, false
	for _, l := range t.lines() {
		hidden := false
		for _, q := range l {
			hidden = hidden || t.Cells[q[0]][q[1]].Suppressed
		}
		if !hidden {
			continue
		}
		for _, q := range l {
			if cl := t.Cells[q[0]][q[1]]; !cl.Suppressed && (!found || cl.Value < t.Cells[best[0]][best[1]].Value) {
				best, found = q, true
			}
		}
	}
	if found {
		t.Cells[best[0]][best[1]].Suppressed = true
		t.Cells[best[0]][best[1]].Complementary = true
	}
	return found
}

func (t *Table) isTotal(q [2]int) bool {
	return t.RowSums && q[1] == len(t.Cols)-1 || t.ColSums && q[0] == len(t.Rows)-1
}

// determined returns a suppressed cell whose value follows from the
// printed cells and the table's sums, or nil: x_i is determined exactly
// when the unit vector e_i lies in the row space of the sums' equations
// restricted to the suppressed cells (exact rational elimination; tables
// are small).
func (t *Table) determined() *[2]int {
	var unknown [][2]int
	idx := map[[2]int]int{}
	for r := range t.Cells {
		for c := range t.Cells[r] {
			if t.Cells[r][c].Suppressed {
				idx[[2]int{r, c}] = len(unknown)
				unknown = append(unknown, [2]int{r, c})
			}
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	var rows [][]*big.Rat
	for _, l := range t.lines() {
		row := make([]*big.Rat, len(unknown))
		any := false
		for i, p := range l {
			j, ok := idx[p]
			if !ok {
				continue
			}
			v := int64(-1)
			if i == 0 {
				v = 1
			}
			if row[j] == nil {
				row[j] = new(big.Rat)
			}
			row[j].Add(row[j], big.NewRat(v, 1))
			any = true
		}
		if any {
			rows = append(rows, row)
		}
	}
	rref(rows, len(unknown))
	// In reduced row echelon form, e_i is in the row space exactly when a
	// row has its only non-zero at column i.
	for _, row := range rows {
		nz, at := 0, -1
		for j, v := range row {
			if v != nil && v.Sign() != 0 {
				nz++
				at = j
			}
		}
		if nz == 1 {
			p := unknown[at]
			return &p
		}
	}
	return nil
}

// rref brings rows to reduced row echelon form in place.
func rref(rows [][]*big.Rat, n int) {
	lead := 0
	for col := 0; col < n && lead < len(rows); col++ {
		piv := -1
		for r := lead; r < len(rows); r++ {
			if v := rows[r][col]; v != nil && v.Sign() != 0 {
				piv = r
				break
			}
		}
		if piv < 0 {
			continue
		}
		rows[lead], rows[piv] = rows[piv], rows[lead]
		inv := new(big.Rat).Inv(rows[lead][col])
		for j := range n {
			if v := rows[lead][j]; v != nil {
				v.Mul(v, inv)
			}
		}
		for r := range rows {
			if r == lead {
				continue
			}
			f := rows[r][col]
			if f == nil || f.Sign() == 0 {
				continue
			}
			f = new(big.Rat).Set(f)
			for j := range n {
				if a := rows[lead][j]; a != nil && a.Sign() != 0 {
					if rows[r][j] == nil {
						rows[r][j] = new(big.Rat)
					}
					rows[r][j].Sub(rows[r][j], new(big.Rat).Mul(f, a))
				}
			}
		}
		lead++
	}
}

// protectAll protects every table and keeps the cells they share (keyed
// totals) suppressed in all of them once suppressed in one, until no table
// changes: a total hidden in one table and printed in another would undo
// the first table's protection.
func protectAll(tables []*Table, k int) {
	for {
		changed := false
		for _, t := range tables {
			if t.protect(k) {
				changed = true
			}
		}
		hidden := map[string]bool{}
		for _, t := range tables {
			for r := range t.Cells {
				for c := range t.Cells[r] {
					if cl := t.Cells[r][c]; cl.key != "" && cl.Suppressed {
						hidden[cl.key] = true
					}
				}
			}
		}
		for _, t := range tables {
			for r := range t.Cells {
				for c := range t.Cells[r] {
					if cl := &t.Cells[r][c]; cl.key != "" && hidden[cl.key] && !cl.Suppressed {
						cl.Suppressed, cl.Complementary, changed = true, true, true
					}
				}
			}
		}
		if !changed {
			return
		}
	}
}
