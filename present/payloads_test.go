package present

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/koers-project/koers/internal/payloads"
)

// TestInjectionPayloadsAtTheBoundary puts every payload of
// testdata/injection-payloads.json through the terminal boundary (one
// line and multi-line) and through a CSV file read back: no control,
// escape, bidi override or invisible character comes out raw, and no cell
// read back by a spreadsheet starts a formula.
func TestInjectionPayloadsAtTheBoundary(t *testing.T) {
	ps := payloads.Load(t)
	acts := func(r rune, multiline bool) bool {
		return (r < 0x20 && !(multiline && (r == '\n' || r == '\t'))) || r == 0x7f || r >= 0x80 && r <= 0x9f || invisible(r)
	}
	for _, p := range ps {
		name, payload := p[0], p[1]
		t.Run(name, func(t *testing.T) {
			for _, r := range Terminal(payload) {
				if acts(r, false) {
					t.Errorf("Terminal lets U+%04X through", r)
				}
			}
			for _, r := range TerminalText(payload) {
				if acts(r, true) {
					t.Errorf("TerminalText lets U+%04X through", r)
				}
			}
			var sb strings.Builder
			w := csv.NewWriter(&sb)
			if err := w.Write([]string{CSVCell(payload), "x"}); err != nil {
				t.Fatal(err)
			}
			w.Flush()
			rec, err := csv.NewReader(strings.NewReader(sb.String())).Read()
			if err != nil {
				t.Fatalf("CSV does not read back: %v", err)
			}
			if len(rec) != 2 || rec[1] != "x" {
				t.Errorf("the cell split the row: %q", rec)
			}
			if c := rec[0]; c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("CSV cell starts a formula: %q", c)
			}
		})
	}
}
