package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestExportPDFSaysWhatItCannotDraw exports the plan of people whose names
// mix scripts: a name the fonts draw exports silently; a character no
// font draws is named in a warning on stderr (the export still succeeds,
// with a visible placeholder in the PDF).
func TestExportPDFSaysWhatItCannotDraw(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	for _, tc := range []struct{ name, warn string }{
		{"مريم العلي", ""},
		{"דוד כהן", ""},
		{"王 Wei", "U+738B"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := addPersonCLI(t, db, tc.name)
			out := filepath.Join(t.TempDir(), "plan.pdf")
			code, _, errs := peopleCLI(t, db, "", "export", "plan", "--person", id, "--format", "pdf", "-o", out)
			if code != 0 {
				t.Fatalf("export: %d %s", code, errs)
			}
			if tc.warn == "" && strings.Contains(errs, "warning") {
				t.Errorf("a warning for a name the fonts draw: %s", errs)
			}
			if tc.warn != "" && (!strings.Contains(errs, tc.warn) || !strings.Contains(errs, "warning")) {
				t.Errorf("stderr %q does not warn about %s", errs, tc.warn)
			}
		})
	}
}
