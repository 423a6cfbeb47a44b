package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/sessions"
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

// personReads are the commands that read person data, as the test runs
// them ({id} is the person). TestEveryPersonReadIsAudited runs each and
// checks that commandOps maps no other reading command.
var personReads = map[string][]string{
	"person list":    {"person", "list"},
	"person show":    {"person", "show", "{id}"},
	"person export":  {"person", "export", "{id}"},
	"account show":   {"account", "show", "--person", "{id}"},
	"account ledger": {"account", "ledger", "--person", "{id}"},
	"session list":   {"session", "list", "--person", "{id}", "--notes"},
	"plan show":      {"plan", "show", "--person", "{id}"},
	"plan list":      {"plan", "list", "--person", "{id}"},
	"plan check":     {"plan", "check", "--person", "{id}"},
	"plan gap":       {"plan", "gap", "--person", "{id}", "--occupation", testOcc},
	"plan suggest":   {"plan", "suggest", "--person", "{id}", "--occupation", testOcc},
	"outcome list":   {"outcome", "list", "--person", "{id}"},
	"outcome due":    {"outcome", "due", "--within", "400"},
	"export plan":    {"export", "plan", "--person", "{id}", "--format", "md", "-o", "-"},
	"ledger pending": {"ledger", "pending", "--person", "{id}"},
	"audit":          {"audit", "--person", "{id}"},
	// The queue names the people whose erasure is asked (one is, below).
	"person erase-requests": {"person", "erase-requests"},
}

// TestEveryPersonReadIsAudited runs every command that reads a person's
// data and checks that each leaves at least one new row in that person's
// audit log. A reading command added to the SSH role map (commandOps)
// without a case here fails the test.
func TestEveryPersonReadIsAudited(t *testing.T) {
	for path, op := range commandOps {
		reads := op == sessions.OpViewPerson || op == sessions.OpViewNotes || op == sessions.OpExportPerson ||
			path == "ledger pending" || path == "audit" || path == "person erase-requests"
		if _, ok := personReads[path]; reads && !ok {
			t.Errorf("%s reads person data (%s) but has no case in personReads", path, op)
		}
	}
	db := planFixture(t)
	id := addPersonCLI(t, db, "Ann Peeters")
	planCLI(t, db, 0, "account", "post", "--person", id, "--scheme", "ila", "--kind", "accrual", "--amount", "1000.00", "--key", "a1")
	planCLI(t, db, 0, "session", "add", "--person", id, "--summary", "intake", "--notes", "restricted")
	out := planCLI(t, db, 0, "plan", "add", "--person", id, "--offer", "t:m1", "--json")
	var plan struct {
		Steps []struct{ ID string } `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil || len(plan.Steps) != 1 {
		t.Fatalf("plan: %v %s", err, out)
	}
	// A plan that ended today: its follow-ups are due within the year.
	planCLI(t, db, 0, "outcome", "step", "--person", id, "--step", plan.Steps[0].ID, "--status", "enrolled")
	planCLI(t, db, 0, "outcome", "step", "--person", id, "--step", plan.Steps[0].ID, "--status", "completed")
	planCLI(t, db, 0, "person", "erase", id, "--request", "--reason", "asked to be forgotten")

	rows := func() int {
		t.Helper()
		st, err := app.Open(context.Background(), db, app.Options{Actor: "check"})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		log, err := st.AuditLog(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return len(log)
	}
	for path, args := range personReads {
		if args == nil {
			continue
		}
		t.Run(path, func(t *testing.T) {
			var run []string
			for _, a := range args {
				run = append(run, strings.ReplaceAll(a, "{id}", id))
			}
			before := rows()
			planCLI(t, db, 0, run...)
			if after := rows(); after <= before {
				t.Errorf("koers %s left no audit row (%d before, %d after)", strings.Join(run, " "), before, after)
			}
		})
	}
}
