package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNetworkCommands runs the register, plan, counsellor and serve-check
// commands on PostgreSQL: an import goes to the network's register, a
// second process's index catches up with koers register sync (JSON and
// words), a plan with a register step is made and shown from another
// index, and the accounts koers serve logs in with live there too.
func TestNetworkCommands(t *testing.T) {
	db := pg.DB(t, "")
	dir := t.TempDir()
	reg := filepath.Join(dir, "reg.jsonl")
	lines := []string{
		`{"source":"net","source_id":"a1","title":"Data-analyse met Python","provider":"DigiLab","awarding_body":"DigiLab","country":"BE","learning_outcomes":[{"text":"analyse data"}],"ects":4,"eqf":5,"assessment":"project","mode":"online","quality_assurance":"accredited","languages":["nl"],"price":48000,"currency":"EUR","schemes":["ila"],"status":"active"}`,
		`{"source":"net","source_id":"a2","title":"Zorgkundige basis","provider":"CVO","awarding_body":"CVO","country":"BE","learning_outcomes":[{"text":"zorg"}],"hours":60,"eqf":4,"assessment":"exam","mode":"onsite","quality_assurance":"accredited","languages":["nl"],"price":0,"currency":"EUR","schemes":["ila"],"status":"active"}`,
	}
	if err := os.WriteFile(reg, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cacheA, cacheB := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	netCLI := func(cache, stdin string, args ...string) (int, string, string) {
		t.Helper()
		return peopleCLI(t, db, stdin, append([]string{"--register-cache", cache}, args...)...)
	}
	if code, _, errs := netCLI(cacheA, "", "import", reg); code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	if code, out, errs := netCLI(cacheA, "", "search", "python", "--json"); code != 0 || !strings.Contains(out, "a1") {
		t.Fatalf("search on A: %d %s %s", code, out, errs)
	}
	code, out, errs := netCLI(cacheB, "", "register", "sync", "--json")
	var s struct {
		Generation, Changed, Withdrawn, Active int
		Cache                                  string
	}
	if err := json.Unmarshal([]byte(out), &s); code != 0 || err != nil || s.Generation != 1 || s.Changed != 2 || s.Active != 2 || s.Cache != cacheB {
		t.Fatalf("register sync: %d %+v %v %s", code, s, err, errs)
	}
	if code, out, _ := netCLI(cacheB, "", "register", "sync"); code != 0 || !strings.Contains(out, "up to date (generation 1, 2 active offers)") {
		t.Errorf("sync again: %d %q", code, out)
	}
	if code, _, errs := peopleCLI(t, filepath.Join(dir, "lite.db"), "", "register", "sync"); code != exitUsage || !strings.Contains(errs, "postgres://") {
		t.Errorf("sync on SQLite: %d %q", code, errs)
	}

	id := addPersonCLI(t, db, "Ann Peeters")
	if code, _, errs := netCLI(cacheA, "", "account", "post", "--person", id, "--scheme", "ila", "--kind", "accrual", "--amount", "1000", "--key", "k1"); code != 0 {
		t.Fatalf("accrual: %s", errs)
	}
	if code, _, errs := netCLI(cacheA, "", "plan", "add", "--person", id, "--offer", "net:a1"); code != 0 {
		t.Fatalf("plan add: %d %s", code, errs)
	}
	if code, out, errs := netCLI(cacheB, "", "plan", "show", "--person", id); code != 0 || !strings.Contains(out, "Data-analyse met Python") {
		t.Errorf("plan show from B: %d %s %s", code, out, errs)
	}
	if code, out, errs := netCLI(cacheB, "", "export", "plan", "--person", id, "--format", "md", "-o", "-"); code != 0 || !strings.Contains(out, "Data-analyse met Python") {
		t.Errorf("export plan from B: %d %s %s", code, out, errs)
	}

	key, _ := newPubKey(t)
	hk := filepath.Join(dir, "hk")
	if code, _, errs := netCLI(cacheA, "", "serve", "--check", "--host-key", hk); code != exitRule || !strings.Contains(errs, "no account") {
		t.Errorf("serve --check, no account: %d %s", code, errs)
	}
	if code, _, errs := netCLI(cacheA, "", "counsellor", "add", "ada", "--key", key, "--role", "admin"); code != 0 {
		t.Fatalf("counsellor add: %d %s", code, errs)
	}
	if code, out, errs := netCLI(cacheB, "", "serve", "--check", "--host-key", hk); code != 0 || !strings.Contains(out, "1 active of 1") || strings.Contains(out, "password") {
		t.Errorf("serve --check: %d %s %s", code, out, errs)
	}
	// Outcomes, follow-ups, the report and erasure requests run on
	// PostgreSQL: written by A, read by B.
	code, out, errs = netCLI(cacheB, "", "plan", "show", "--person", id, "--json")
	var plan struct {
		Steps []struct{ ID string } `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &plan); code != 0 || err != nil || len(plan.Steps) != 1 {
		t.Fatalf("plan show --json: %d %v %s", code, err, errs)
	}
	for _, status := range []string{"enrolled", "completed"} {
		if code, _, errs := netCLI(cacheA, "", "outcome", "step", "--person", id, "--step", plan.Steps[0].ID, "--status", status); code != 0 {
			t.Fatalf("outcome step %s on PostgreSQL: %d %s", status, code, errs)
		}
	}
	if code, out, errs := netCLI(cacheB, "", "outcome", "due", "--within", "400", "--json"); code != 0 || strings.Count(out, `"months"`) != 2 || !strings.Contains(out, id) {
		t.Errorf("outcome due from B: %d %s %s", code, out, errs)
	}
	if code, out, errs := netCLI(cacheB, "", "outcome", "list", "--person", id); code != 0 || !strings.Contains(out, "completed") {
		t.Errorf("outcome list from B: %d %s %s", code, out, errs)
	}
	// Reports read the shared record on PostgreSQL as on SQLite.
	if code, out, errs := netCLI(cacheA, "", "report", "--format", "json"); code != 0 || !json.Valid([]byte(out)) || !strings.Contains(out, "participation") {
		t.Errorf("report on PostgreSQL: %d %s %s", code, out, errs)
	}
	code, out, errs = netCLI(cacheA, "", "person", "erase", id, "--request", "--reason", "asked to be forgotten", "--json")
	var req struct{ ID string }
	if err := json.Unmarshal([]byte(out), &req); code != 0 || err != nil || req.ID == "" {
		t.Fatalf("erasure request on PostgreSQL: %d %v %s", code, err, errs)
	}
	if code, out, errs := netCLI(cacheB, "", "person", "erase-requests", "--json"); code != 0 || !strings.Contains(out, req.ID) || !strings.Contains(out, "Ann Peeters") {
		t.Errorf("erase-requests from B: %d %s %s", code, out, errs)
	}
	if code, _, errs := netCLI(cacheB, "", "person", "erase-decline", req.ID, "--reason", "ESF audit"); code != 0 {
		t.Errorf("erase-decline from B: %d %s", code, errs)
	}
	if code, out, _ := netCLI(cacheA, "", "person", "show", id); code != 0 || !strings.Contains(out, "declined by") || !strings.Contains(out, "ESF audit") {
		t.Errorf("the declined request on the file: %d %s", code, out)
	}
}
