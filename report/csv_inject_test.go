package report

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// TestCSVCellsCannotBeFormulas: a row code that came from data (a funder's
// name, a region) and starts like a spreadsheet formula is written as text.
func TestCSVCellsCannotBeFormulas(t *testing.T) {
	r := &Report{Sections: []Section{{ID: "entitlements", Tables: []*Table{{
		ID: "topups_by_funder", Rows: []string{"=HYPERLINK(\"http://x\",\"y\")", "Stad Gent"}, Cols: []string{"amount"},
		Units: []string{"EUR"}, Cells: [][]Cell{{{Value: 100}}, {{Value: 200}}},
	}}}}}
	var b bytes.Buffer
	if err := r.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[1][2]; got != "'=HYPERLINK(\"http://x\",\"y\")" {
		t.Errorf("formula row written as %q", got)
	}
	if got := recs[2][2]; got != "Stad Gent" {
		t.Errorf("plain row written as %q", got)
	}
}
