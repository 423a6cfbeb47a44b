package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPlanNewCLI: a person may hold several plans; plan new starts one
// beside the agreed plan, list shows both, and --plan puts a validation
// step in the one asked for.
func TestPlanNewCLI(t *testing.T) {
	db := planFixture(t)
	id := addPersonCLI(t, db, "Ann")
	planCLI(t, db, 0, "plan", "new", "--person", id)
	if out := planCLI(t, db, 0, "plan", "new", "--person", id, "--name", "Care track"); !strings.Contains(out, "Started Care track") {
		t.Errorf("plan new says: %s", out)
	}
	var plans []struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Agreed bool   `json:"agreed"`
		Steps  int    `json:"steps"`
	}
	list := func() {
		t.Helper()
		code, out, errs := peopleCLI(t, db, "", "plan", "list", "--person", id, "--json")
		if code != 0 {
			t.Fatalf("plan list: %d %s", code, errs)
		}
		if err := json.Unmarshal([]byte(out), &plans); err != nil {
			t.Fatal(err)
		}
	}
	list()
	if len(plans) != 2 || !plans[0].Agreed || plans[1].Name != "Care track" || plans[1].Agreed {
		t.Fatalf("plans = %+v", plans)
	}
	planCLI(t, db, 0, "plan", "add", "--person", id, "--plan", plans[1].ID, "--kind", "validation", "--title", "VPL: care work")
	list()
	if plans[0].Steps != 0 || plans[1].Steps != 1 {
		t.Fatalf("steps went elsewhere: %+v", plans)
	}
	planCLI(t, db, 2, "plan", "new", "--person", "nobody")
}
