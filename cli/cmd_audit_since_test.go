package cli

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"
)

// TestAuditSince: `koers audit --since DATE` keeps the rows of that day
// on, and a date it cannot read is a usage error.
func TestAuditSince(t *testing.T) {
	db := filepath.Join(t.TempDir(), "koers.db")
	id := addPersonCLI(t, db, "Audrey Since")
	if code, _, errs := keyCLI(t, db, nil, "person", "show", id); code != 0 {
		t.Fatalf("person show: %d %s", code, errs)
	}
	count := func(args ...string) int {
		t.Helper()
		code, out, errs := keyCLI(t, db, nil, append([]string{"audit", "--person", id, "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("audit %v: %d %s", args, code, errs)
		}
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("audit %v: %v in %q", args, err, out)
		}
		return len(rows)
	}
	all := count()
	if all < 2 {
		t.Fatalf("%d audit rows after add and show, want at least 2", all)
	}
	today := time.Now().Format("2006-01-02")
	tomorrow := time.Now().AddDate(0, 0, 1).Format("2006-01-02")
	if n := count("--since", today); n < 2 {
		t.Errorf("--since today: %d rows, want the %d of today", n, all)
	}
	if n := count("--since", tomorrow); n != 0 {
		t.Errorf("--since tomorrow: %d rows, want none", n)
	}
	if code, _, _ := keyCLI(t, db, nil, "audit", "--person", id, "--since", "7 Dec"); code != 2 {
		t.Errorf("--since 7 Dec: exit %d, want 2", code)
	}
}
