package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportDuplicateKeyCLI: a source id twice in one file exits 2 naming
// both lines, in --json too, and writes nothing.
func TestImportDuplicateKeyCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "koers.db")
	reg := filepath.Join(dir, "dup.csv")
	os.WriteFile(reg, []byte("source_id,title,provider\nA1,Boekhouden,CVO\nA2,Lassen,CVO\nA1,Boekhouden bis,CVO\n"), 0o600)
	code, _, errs := importCLI(t, db, "import", "--source", "cvo", reg)
	if code != exitUsage || !strings.Contains(errs, "dup.csv:4: source_id:") || !strings.Contains(errs, "line 2") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	code, out, _ := importCLI(t, db, "import", "--json", "--source", "cvo", reg)
	var sum struct {
		Errors []struct {
			Line  int    `json:"line"`
			Field string `json:"field"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil || code != exitUsage || len(sum.Errors) != 1 || sum.Errors[0].Line != 4 || sum.Errors[0].Field != "source_id" {
		t.Errorf("--json: exit %d, %v, %s", code, err, out)
	}
	code, out, _ = importCLI(t, db, "search", "--json", "Boekhouden")
	if code != 0 || strings.Contains(out, "A1") {
		t.Errorf("something was written: %s", out)
	}
}

// TestImportErrorsCapped: the summary says how many problems there were
// when only the first MaxImportErrors are shown.
func TestImportErrorsCapped(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "koers.db")
	reg := filepath.Join(dir, "bad.csv")
	var b strings.Builder
	b.WriteString("source_id,title,provider,eqf\n")
	for i := range 974 {
		fmt.Fprintf(&b, "B%d,Metselen,CVO,9\n", i)
	}
	os.WriteFile(reg, []byte(b.String()), 0o600)
	code, _, errs := importCLI(t, db, "import", reg)
	if code != exitUsage || !strings.Contains(errs, "100 of 974 problems shown") || !strings.Contains(errs, "974 problems") {
		t.Errorf("exit %d, stderr tail %q", code, errs[max(0, len(errs)-300):])
	}
}
