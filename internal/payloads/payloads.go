// Package payloads gives the tests of every face the hostile strings
// each output is tried with: testdata/injection-payloads.json at the
// repository root (terminal escapes, control and invisible characters,
// bidi overrides, spreadsheet formulas, HTML, Markdown, iCalendar and PDF
// syntax), as [name, payload] pairs.
package payloads

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Load reads the payloads, failing t when the file is missing, malformed
// or holds fewer than 30 of them.
func Load(t testing.TB) [][2]string {
	t.Helper()
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("payloads: cannot locate the repository")
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "testdata", "injection-payloads.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ps [][2]string
	if err := json.Unmarshal(b, &ps); err != nil {
		t.Fatal(err)
	}
	if len(ps) < 30 {
		t.Fatalf("%d payloads, want at least 30", len(ps))
	}
	return ps
}
