package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestPeopleCommandsOnBothEngines runs the people, account and session
// commands on an SQLite file and on PostgreSQL, with the same
// expectations: exit statuses, balances, the overdraft refusal, replay,
// sessions with restricted notes, export and erase.
func TestPeopleCommandsOnBothEngines(t *testing.T) {
	engines := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "k.db") },
		"postgres": func(t *testing.T) string { return pg.DB(t, "") },
	}
	for name, db := range engines {
		t.Run(name, func(t *testing.T) {
			db := db(t)
			id := addPersonCLI(t, db, "Ann Peeters")
			for _, s := range [][]string{
				{"--scheme", "ila", "--kind", "accrual", "--amount", "500.00", "--key", "a1"},
				{"--scheme", "ila", "--kind", "reserve", "--amount", "480.50", "--ref", "plan-step:1", "--key", "a2"},
				{"--scheme", "leave", "--kind", "accrual", "--amount", "125", "--key", "l1"},
				{"--scheme", "ila", "--kind", "accrual", "--amount", "500.00", "--key", "a1"}, // replay
			} {
				if code, _, errs := peopleCLI(t, db, "", append([]string{"account", "post", "--person", id}, s...)...); code != 0 {
					t.Fatalf("post %v: %d %s", s, code, errs)
				}
			}
			code, _, errs := peopleCLI(t, db, "", "account", "post", "--person", id, "--scheme", "ila", "--kind", "spend", "--amount", "20", "--key", "over")
			if code != exitRule || !strings.Contains(errs, "no-overdraft") {
				t.Errorf("overdraft: exit %d: %s", code, errs)
			}
			bs := balancesCLI(t, db, id)
			if got := bs["ila"]; got.Balance != 500 || got.Reserved != 480.5 || got.Available != 19.5 || got.AsOf == nil {
				t.Errorf("ila: %+v", got)
			}
			if got := bs["leave"]; got.Balance != 125 || got.Unit != "hours" {
				t.Errorf("leave: %+v", got)
			}
			if code, _, errs := peopleCLI(t, db, "secret remark\n", "session", "add", "--person", id, "--summary", "intake", "--notes", "-"); code != 0 {
				t.Fatalf("session add: %d %s", code, errs)
			}
			code, out, errs := peopleCLI(t, db, "", "session", "list", "--person", id, "--json")
			if code != 0 || !strings.Contains(out, "intake") || strings.Contains(out, "secret remark") {
				t.Errorf("session list without notes: %d %s %s", code, out, errs)
			}
			if code, out, errs := peopleCLI(t, db, "", "person", "list", "peet", "--json"); code != 0 || !strings.Contains(out, id) {
				t.Errorf("person list: %d %s %s", code, out, errs)
			}
			if code, out, errs := peopleCLI(t, db, "", "person", "show", id); code != 0 || !strings.Contains(out, "Ann Peeters") {
				t.Errorf("person show: %d %s %s", code, out, errs)
			}
			code, out, errs = peopleCLI(t, db, "", "person", "export", id)
			var f struct {
				Person   struct{ Name string }
				Ledger   []json.RawMessage
				Sessions []struct{ Notes []string }
				Audit    []struct{ Action string }
			}
			if err := json.Unmarshal([]byte(out), &f); code != 0 || err != nil {
				t.Fatalf("person export: %d %v %s", code, err, errs)
			}
			if f.Person.Name != "Ann Peeters" || len(f.Ledger) != 3 || len(f.Sessions) != 1 || len(f.Sessions[0].Notes) != 1 || len(f.Audit) == 0 {
				t.Errorf("export: %+v", f)
			}
			if code, _, errs := peopleCLI(t, db, "", "person", "erase", id, "--yes"); code != 0 {
				t.Fatalf("erase: %d %s", code, errs)
			}
			if code, _, _ := peopleCLI(t, db, "", "person", "show", id); code != exitUsage {
				t.Errorf("show after erase: exit %d", code)
			}
		})
	}
}
