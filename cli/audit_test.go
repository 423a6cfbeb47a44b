package cli

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
)

// TestListsAndPlansAreAudited: `person list` and `plan show` leave a view
// row in the audit log of every person they showed.
func TestListsAndPlansAreAudited(t *testing.T) {
	db := filepath.Join(t.TempDir(), "koers.db")
	id := addPersonCLI(t, db, "Bram Claes")
	// An explicit --db starts empty (issue 12): the stack target below is a sample offer.
	if code, _, errs := peopleCLI(t, db, "", "seed", "sample"); code != 0 {
		t.Fatal(errs)
	}
	details := func() []string {
		_, out, _ := peopleCLI(t, db, "", "person", "export", id)
		var f struct {
			Audit []struct{ Action, Detail string }
		}
		if err := json.Unmarshal([]byte(out), &f); err != nil {
			t.Fatal(err)
		}
		var ds []string
		for _, a := range f.Audit {
			if a.Action == "view" {
				ds = append(ds, a.Detail)
			}
		}
		return ds
	}
	if slices.Contains(details(), "people list") {
		t.Fatal("audited before any list")
	}
	if code, _, errs := peopleCLI(t, db, "", "person", "list", "bram"); code != 0 {
		t.Fatal(errs)
	}
	if !slices.Contains(details(), "people list") {
		t.Errorf("person list left no view row: %v", details())
	}
	if code, _, errs := peopleCLI(t, db, "", "plan", "target", "--person", id, "--stack", "sample:sample-0001"); code != 0 {
		t.Fatal(errs)
	}
	before := len(details())
	if code, _, errs := peopleCLI(t, db, "", "plan", "show", "--person", id); code != 0 {
		t.Fatal(errs)
	}
	if after := details(); len(after) <= before {
		t.Errorf("plan show left no view row: %v", after)
	}
}
