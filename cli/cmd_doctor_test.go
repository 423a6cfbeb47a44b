package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/store/postgres"
)

func doctorJSON(t *testing.T, db string) (int, app.Health) {
	t.Helper()
	code, stdout, stderr := peopleCLI(t, db, "", "doctor", "--json")
	var out app.Health
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("doctor --json: %v\n%s\n%s", err, stdout, stderr)
	}
	return code, out
}

func check(out app.Health, name string) (app.Check, bool) {
	for _, c := range out.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return app.Check{}, false
}

func TestMigrateAndDoctorPostgres(t *testing.T) {
	db := pg.DB(t, "")
	code, out := doctorJSON(t, db)
	if c, _ := check(out, "schema"); code != exitFailure || out.OK || c.OK || out.Engine != "postgres" {
		t.Fatalf("doctor before migrate: exit %d, %+v", code, out)
	}
	for i, wantFrom := range []int{0, postgres.LatestVersion()} {
		code, stdout, stderr := peopleCLI(t, db, "", "migrate", "--json")
		if code != 0 {
			t.Fatalf("migrate %d: exit %d: %s", i, code, stderr)
		}
		var m app.Migration
		if err := json.Unmarshal([]byte(stdout), &m); err != nil {
			t.Fatal(err)
		}
		if m.From != wantFrom || m.Version != postgres.LatestVersion() || m.Engine != "postgres" || strings.Contains(m.DB, "password") {
			t.Errorf("migrate %d: %+v", i, m)
		}
	}
	code, out = doctorJSON(t, db)
	for _, name := range []string{"connection", "schema", "privileges", "append-only", "clock"} {
		if c, ok := check(out, name); !ok || !c.OK {
			t.Errorf("%s: %+v", name, c)
		}
	}
	// The test server's role is a superuser, which koers should not run as.
	if c, _ := check(out, "role"); c.OK || code != exitFailure {
		t.Errorf("superuser: exit %d, %+v", code, c)
	}
	code, _, stderr := peopleCLI(t, db, "", "doctor")
	if code != exitFailure || !strings.Contains(stderr, "1 check(s)") {
		t.Errorf("doctor text: exit %d: %s", code, stderr)
	}
	// The register's and the planner's commands run on PostgreSQL (the
	// register from the local index); file backups refuse the URL in
	// words, and never take it for a file name.
	cache := filepath.Join(t.TempDir(), "index.db")
	for _, args := range [][]string{{"search", "data"}, {"stats"}} {
		if code, _, stderr = peopleCLI(t, db, "", append([]string{"--register-cache", cache}, args...)...); code != 0 {
			t.Errorf("%v on PostgreSQL: exit %d: %s", args, code, stderr)
		}
	}
	if code, _, stderr = peopleCLI(t, db, "", "--register-cache", cache, "plan", "show", "--person", "x"); code != exitUsage || !strings.Contains(stderr, "no person") {
		t.Errorf("plan show for nobody on PostgreSQL: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{{"backup", filepath.Join(t.TempDir(), "b.db")}, {"restore", filepath.Join(t.TempDir(), "b.db"), "--yes"}} {
		code, _, stderr = peopleCLI(t, db, "", append([]string{"--register-cache", cache}, args...)...)
		if code != exitUsage || !strings.Contains(stderr, "PostgreSQL") {
			t.Errorf("%v on PostgreSQL: exit %d: %s", args, code, stderr)
		}
	}
}

func TestMigrateAndDoctorSQLite(t *testing.T) {
	db := filepath.Join(t.TempDir(), "koers.db")
	if code, out := doctorJSON(t, db); code != exitFailure || out.OK {
		t.Errorf("doctor on a missing file: exit %d, %+v", code, out)
	}
	code, stdout, stderr := peopleCLI(t, db, "", "migrate", "--to", "3")
	if code != 0 || !strings.Contains(stdout, "schema version 3 (was 0)") {
		t.Fatalf("migrate --to 3: exit %d: %s%s", code, stdout, stderr)
	}
	if code, out := doctorJSON(t, db); code != exitFailure || out.OK || out.Engine != "sqlite" {
		t.Errorf("doctor at version 3: exit %d, %+v", code, out)
	}
	code, stdout, _ = peopleCLI(t, db, "", "migrate")
	if code != 0 || !strings.Contains(stdout, "was 3") {
		t.Fatalf("migrate: exit %d: %s", code, stdout)
	}
	if code, out := doctorJSON(t, db); code != 0 || !out.OK {
		t.Errorf("doctor after migrate: exit %d, %+v", code, out)
	}
	if code, _, _ := peopleCLI(t, db, "", "migrate", "--to", "-1"); code != exitUsage {
		t.Errorf("--to -1: exit %d", code)
	}
}
