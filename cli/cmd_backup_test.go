package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupRestoreDrill is the README's restore drill: back up, change,
// restore, find the backup's state; a bad backup exits 2 and changes
// nothing; restore without --yes exits 2.
func TestBackupRestoreDrill(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "koers.db")
	id := addPersonCLI(t, db, "Ann Peeters")
	backup := filepath.Join(dir, "koers-backup.db")
	if code, out, errs := peopleCLI(t, db, "", "backup", backup); code != 0 || !strings.Contains(out, "1 people") {
		t.Fatalf("backup: %d %q %s", code, out, errs)
	}
	if code, _, _ := peopleCLI(t, db, "", "backup", backup); code != 2 {
		t.Errorf("backup over an existing file: exit %d, want 2", code)
	}
	addPersonCLI(t, db, "Bram Claes")
	if code, _, _ := peopleCLI(t, db, "", "restore", backup); code != 2 {
		t.Errorf("restore without --yes: exit %d, want 2", code)
	}
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte("SQLite format 3\x00but not really"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := peopleCLI(t, db, "", "restore", junk, "--yes"); code != 2 || !strings.Contains(errs, "junk.db") {
		t.Errorf("restore of junk: exit %d %s", code, errs)
	}
	if _, out, _ := peopleCLI(t, db, "", "person", "list"); !strings.Contains(out, "Bram") {
		t.Fatal("a refused restore changed the database")
	}
	if code, out, errs := peopleCLI(t, db, "", "restore", backup, "--yes"); code != 0 || !strings.Contains(out, "before-restore") {
		t.Fatalf("restore: %d %q %s", code, out, errs)
	}
	_, out, _ := peopleCLI(t, db, "", "person", "list")
	if strings.Contains(out, "Bram") || !strings.Contains(out, id[:8]) && !strings.Contains(out, "Ann") {
		t.Errorf("after restore: %q", out)
	}
}
