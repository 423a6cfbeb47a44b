package report

import (
	"fmt"
	"math"
	"testing"

	"pgregory.net/rapid"
)

// randomTable draws a table of people counts (N = value, as in the
// participation tables) or of amounts (N drawn apart, as in the ledger
// tables), with the sums it declares filled in.
func randomTable(t *rapid.T) *Table {
	nr := rapid.IntRange(1, 6).Draw(t, "rows")
	nc := rapid.IntRange(1, 6).Draw(t, "cols")
	rowSums := rapid.Bool().Draw(t, "rowSums")
	colSums := rapid.Bool().Draw(t, "colSums")
	amounts := rapid.Bool().Draw(t, "amounts")
	tb := &Table{ID: "t", RowSums: rowSums, ColSums: colSums}
	ir, ic := nr, nc
	if rowSums {
		nc++
	}
	if colSums {
		nr++
	}
	for r := range nr {
		tb.Rows = append(tb.Rows, fmt.Sprint("r", r))
	}
	for c := range nc {
		tb.Cols = append(tb.Cols, fmt.Sprint("c", c))
		tb.Units = append(tb.Units, "people")
	}
	tb.Cells = make([][]Cell, nr)
	for r := range nr {
		tb.Cells[r] = make([]Cell, nc)
	}
	for r := range ir {
		for c := range ic {
			v := rapid.IntRange(0, 30).Draw(t, fmt.Sprint("v", r, c))
			cl := Cell{Value: int64(v), N: v}
			if amounts {
				cl.N = rapid.IntRange(0, 12).Draw(t, fmt.Sprint("n", r, c))
				cl.Value = int64(v) * 1000
			}
			tb.Cells[r][c] = cl
		}
	}
	if rowSums {
		for r := range ir {
			for c := range ic {
				tb.Cells[r][nc-1].Value += tb.Cells[r][c].Value
				tb.Cells[r][nc-1].N += tb.Cells[r][c].N
			}
		}
	}
	if colSums {
		for c := range nc {
			for r := range ir {
				tb.Cells[nr-1][c].Value += tb.Cells[r][c].Value
				tb.Cells[nr-1][c].N += tb.Cells[r][c].N
			}
		}
	}
	return tb
}

// TestProtectProperty: after protection no printed cell is about fewer
// than k people, and every suppressed cell can take another value in a
// table that agrees with every printed cell and every printed sum (a
// witness built from the null space of the sums, found here by floating
// elimination, apart from the exact rational test protect uses).
func TestProtectProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		tb := randomTable(rt)
		k := rapid.IntRange(2, 10).Draw(rt, "k")
		tb.protect(k)
		for r := range tb.Cells {
			for c, cl := range tb.Cells[r] {
				if !cl.Suppressed && cl.N < k {
					rt.Fatalf("cell %d,%d about %d people printed (k=%d)", r, c, cl.N, k)
				}
			}
		}
		for r := range tb.Cells {
			for c, cl := range tb.Cells[r] {
				if cl.Suppressed && !hasWitness(tb, [2]int{r, c}) {
					rt.Fatalf("suppressed cell %d,%d (value %d) is recoverable from the printed cells and sums\n%v", r, c, cl.Value, dump(tb))
				}
			}
		}
	})
}

func dump(tb *Table) string {
	s := ""
	for r := range tb.Cells {
		for _, cl := range tb.Cells[r] {
			if cl.Suppressed {
				s += fmt.Sprintf("[%4d]", cl.Value)
			} else {
				s += fmt.Sprintf(" %4d ", cl.Value)
			}
		}
		s += "\n"
	}
	return s
}

// hasWitness looks for a direction d over the suppressed cells with
// A·d = 0 (every printed sum still holds) and d at p non-zero: moving
// along d gives another table that prints the same, so the cell cannot be
// recomputed. (Bounds from non-negativity are not modelled: a cell's
// interval stays at least as wide as its complementary cell's value.)
func hasWitness(tb *Table, p [2]int) bool {
	var unk [][2]int
	col := map[[2]int]int{}
	for r := range tb.Cells {
		for c := range tb.Cells[r] {
			if tb.Cells[r][c].Suppressed {
				col[[2]int{r, c}] = len(unk)
				unk = append(unk, [2]int{r, c})
			}
		}
	}
	n := len(unk)
	var A [][]float64
	for _, l := range tb.lines() {
		row := make([]float64, n)
		for i, q := range l {
			if j, ok := col[q]; ok {
				if i == 0 {
					row[j]++
				} else {
					row[j]--
				}
			}
		}
		A = append(A, row)
	}
	for _, d := range nullBasis(A, n) {
		i := col[p]
		if math.Abs(d[i]) < 1e-9 {
			continue
		}
		if residual(A, d) < 1e-9 {
			return true
		}
	}
	return false
}

func residual(A [][]float64, d []float64) float64 {
	m := 0.0
	for _, row := range A {
		s := 0.0
		for j, a := range row {
			s += a * d[j]
		}
		m = math.Max(m, math.Abs(s))
	}
	return m
}

// nullBasis is a basis of {d : A·d = 0} by Gauss–Jordan with partial
// pivoting: one vector per free column.
func nullBasis(A [][]float64, n int) [][]float64 {
	m := make([][]float64, len(A))
	for i := range A {
		m[i] = append([]float64(nil), A[i]...)
	}
	pivotCol := []int{}
	r := 0
	for c := 0; c < n && r < len(m); c++ {
		best := r
		for i := r; i < len(m); i++ {
			if math.Abs(m[i][c]) > math.Abs(m[best][c]) {
				best = i
			}
		}
		if math.Abs(m[best][c]) < 1e-9 {
			continue
		}
		m[r], m[best] = m[best], m[r]
		pv := m[r][c]
		for j := range n {
			m[r][j] /= pv
		}
		for i := range m {
			if i != r && m[i][c] != 0 {
				f := m[i][c]
				for j := range n {
					m[i][j] -= f * m[r][j]
				}
			}
		}
		pivotCol = append(pivotCol, c)
		r++
	}
	isPivot := map[int]int{}
	for i, c := range pivotCol {
		isPivot[c] = i
	}
	var out [][]float64
	for f := range n {
		if _, ok := isPivot[f]; ok {
			continue
		}
		d := make([]float64, n)
		d[f] = 1
		for i, c := range pivotCol {
			d[c] = -m[i][f]
		}
		out = append(out, d)
	}
	return out
}

// TestProtectLinked: a total two tables share, hidden in one, is hidden
// in the other.
func TestProtectLinked(t *testing.T) {
	mk := func(a, b int64) *Table {
		return &Table{ID: "x", Rows: []string{"a", "b", "total"}, Cols: []string{"people"}, Units: []string{"people"}, ColSums: true,
			Cells: [][]Cell{{{Value: a, N: int(a)}}, {{Value: b, N: int(b)}}, {{Value: a + b, N: int(a + b), key: "total"}}}}
	}
	t1, t2 := mk(2, 9), mk(6, 5)
	protectAll([]*Table{t1, t2}, 5)
	// t1: a (2) primary, b complementary or the total; t2 printed whole unless the total went.
	if !t1.Cells[0][0].Suppressed {
		t.Fatal("a cell about 2 people is printed")
	}
	if t1.Cells[2][0].Suppressed != t2.Cells[2][0].Suppressed {
		t.Fatalf("the shared total is suppressed in one table only: %v %v", t1.Cells[2][0], t2.Cells[2][0])
	}
}
