package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// peopleCLI runs koers in-process against db and returns exit code, stdout, stderr.
func peopleCLI(t *testing.T, db string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"KOERS_COUNSELLOR": "tester", "LANG": "en"}
	code := run(context.Background(), "test", append([]string{"--db", db}, args...), strings.NewReader(stdin), &out, &errb,
		func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func addPersonCLI(t *testing.T, db, name string) string {
	t.Helper()
	code, out, errs := peopleCLI(t, db, "", "person", "add", "--name", name, "--email", "ann@example.org", "--json")
	if code != 0 {
		t.Fatalf("person add: %d %s", code, errs)
	}
	var p struct{ ID string }
	if err := json.Unmarshal([]byte(out), &p); err != nil || p.ID == "" {
		t.Fatalf("person add json %q: %v", out, err)
	}
	return p.ID
}

type balanceOut struct {
	Scheme     string   `json:"scheme"`
	Unit       string   `json:"unit"`
	Currency   string   `json:"currency"`
	Balance    float64  `json:"balance"`
	Reserved   float64  `json:"reserved"`
	Available  float64  `json:"available"`
	AsOf       *string  `json:"as_of"`
	Indicative bool     `json:"indicative"`
	Extra      []string `json:"-"`
}

func balancesCLI(t *testing.T, db, id string) map[string]balanceOut {
	t.Helper()
	code, out, errs := peopleCLI(t, db, "", "account", "show", "--person", id, "--json")
	if code != 0 {
		t.Fatalf("account show: %d %s", code, errs)
	}
	var bs []balanceOut
	if err := json.Unmarshal([]byte(out), &bs); err != nil {
		t.Fatalf("account show json %q: %v", out, err)
	}
	m := map[string]balanceOut{}
	for _, b := range bs {
		m[b.Scheme] = b
	}
	return m
}

func TestAccountPostAndShow(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	id := addPersonCLI(t, db, "Ann Peeters")
	steps := [][]string{
		{"--scheme", "ila", "--kind", "accrual", "--amount", "500.00", "--key", "a1"},
		{"--scheme", "ila", "--kind", "top-up", "--amount", "740", "--funder", "VDAB", "--reason", "most in need: low-qualified", "--key", "a2"},
		{"--scheme", "ila", "--kind", "reserve", "--amount", "480.50", "--ref", "plan-step:1", "--key", "a3"},
		{"--scheme", "leave", "--kind", "accrual", "--amount", "125", "--key", "l1"},
		{"--scheme", "leave", "--kind", "spend", "--amount", "7.5", "--key", "l2"},
		{"--scheme", "ila", "--kind", "accrual", "--amount", "500.00", "--key", "a1"}, // replay
	}
	for _, s := range steps {
		code, _, errs := peopleCLI(t, db, "", append([]string{"account", "post", "--person", id}, s...)...)
		if code != 0 {
			t.Fatalf("post %v: %d %s", s, code, errs)
		}
	}
	bs := balancesCLI(t, db, id)
	if got := bs["ila"]; got.Balance != 1240 || got.Reserved != 480.5 || got.Available != 759.5 || got.Currency != "EUR" || got.AsOf == nil || !got.Indicative {
		t.Errorf("ila: %+v", got)
	}
	if got := bs["leave"]; got.Balance != 117.5 || got.Unit != "hours" {
		t.Errorf("leave: %+v", got)
	}
	if got := bs["voucher"]; got.Balance != 0 || got.AsOf != nil {
		t.Errorf("voucher: %+v", got)
	}
}

// TestPeopleBadInput is the list: each a clear message naming the
// field or rule, the right exit status, and nothing written.
func TestPeopleBadInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	id := addPersonCLI(t, db, "Ann Peeters")
	if code, _, errs := peopleCLI(t, db, "", "account", "post", "--person", id, "--scheme", "ila", "--kind", "accrual", "--amount", "100.00", "--key", "seed"); code != 0 {
		t.Fatal(errs)
	}
	nextYear := time.Now().AddDate(1, 0, 0).Format("2006-01-02")
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"three decimals EUR", []string{"account", "post", "--person", id, "--scheme", "ila", "--kind", "accrual", "--amount", "500.001"}, 2, []string{"--amount", "more than two decimals"}},
		{"negative accrual", []string{"account", "post", "--person", id, "--scheme", "ila", "--kind", "accrual", "--amount", "-5"}, 2, []string{"--amount", "negative"}},
		{"unknown scheme", []string{"account", "post", "--person", id, "--scheme", "gold", "--kind", "accrual", "--amount", "5"}, 2, []string{"--scheme", "unknown scheme gold"}},
		{"overdraft", []string{"account", "post", "--person", id, "--scheme", "ila", "--kind", "spend", "--amount", "100.01"}, 3, []string{"no-overdraft", "Not enough ILA: €100.01 asked, €100.00 available."}},
		{"unknown kind", []string{"account", "post", "--person", id, "--scheme", "ila", "--kind", "gift", "--amount", "5"}, 2, []string{"--kind"}},
		{"fractional day", []string{"account", "post", "--person", id, "--scheme", "ila", "--kind", "accrual", "--amount", "1,5"}, 2, []string{"--amount"}},
		{"session next year", []string{"session", "add", "--person", id, "--at", nextYear, "--summary", "x"}, 2, []string{"at:", "after today"}},
		{"action before session", []string{"session", "add", "--person", id, "--at", "2026-01-10", "--action", "enrol|due=2026-01-01"}, 2, []string{"actions[0].due", "before the session"}},
		{"unknown person post", []string{"account", "post", "--person", "0190-nope", "--scheme", "ila", "--kind", "accrual", "--amount", "5"}, 2, []string{"--person", "no person with id 0190-nope"}},
		{"unknown person show", []string{"person", "show", "0190-nope"}, 2, []string{"no person with id 0190-nope"}},
		{"unknown person session", []string{"session", "add", "--person", "0190-nope"}, 2, []string{"--person", "no person"}},
		{"erase without yes", []string{"person", "erase", id}, 2, []string{"--yes"}},
		{"erase unknown person", []string{"person", "erase", "0190-nope", "--yes"}, 2, []string{"no person with id 0190-nope"}},
		{"bad email", []string{"person", "add", "--name", "X", "--email", "not-an-address"}, 2, []string{"email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := peopleCLI(t, db, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, errs)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q lacks %q", errs, w)
				}
			}
		})
	}
	if got := balancesCLI(t, db, id)["ila"]; got.Balance != 100 || got.Available != 100 {
		t.Errorf("balance changed by refused input: %+v", got)
	}
	code, out, _ := peopleCLI(t, db, "", "session", "list", "--person", id, "--json")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("sessions written by refused input: %s", out)
	}
	code, out, _ = peopleCLI(t, db, "", "person", "list", "--json")
	if code != 0 || strings.Count(out, `"id"`) != 1 {
		t.Errorf("people written by refused input: %s", out)
	}
}

func TestSessionNotesRestricted(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	id := addPersonCLI(t, db, "Bram Claes")
	code, _, errs := peopleCLI(t, db, "secret remark\n", "session", "add", "--person", id, "--summary", "intake", "--notes", "-",
		"--goal", "become a data analyst|target=2027-06-30", "--action", "enrol in Python course|owner=person", "--next", time.Now().AddDate(0, 0, 14).Format("2006-01-02"))
	if code != 0 {
		t.Fatal(errs)
	}
	_, out, _ := peopleCLI(t, db, "", "session", "list", "--person", id)
	if strings.Contains(out, "secret remark") || !strings.Contains(out, "intake") {
		t.Errorf("list without --notes: %q", out)
	}
	_, out, _ = peopleCLI(t, db, "", "session", "list", "--person", id, "--notes")
	if !strings.Contains(out, "secret remark") {
		t.Errorf("list with --notes: %q", out)
	}
	_, out, _ = peopleCLI(t, db, "", "person", "export", id)
	var f struct {
		Person   struct{ Name string }
		Sessions []struct{ Notes []string }
		Audit    []struct{ Action string }
	}
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatal(err)
	}
	if f.Person.Name != "Bram Claes" || len(f.Sessions) != 1 || len(f.Sessions[0].Notes) != 1 || len(f.Audit) < 3 {
		t.Errorf("export: %+v", f)
	}
	for _, a := range f.Audit {
		if strings.Contains(a.Action, "Bram") {
			t.Errorf("audit holds a name: %+v", a)
		}
	}
	if code, _, errs := peopleCLI(t, db, "", "person", "erase", id, "--yes"); code != 0 {
		t.Fatal(errs)
	}
	if code, _, _ := peopleCLI(t, db, "", "person", "show", id); code != 2 {
		t.Errorf("show after erase: exit %d", code)
	}
}

type importedCredential struct {
	Title, Learner, Issued, Country string
	Awarding                        string `json:"awarding_body"`
	ECTS, Hours                     *float64
	EQF                             *int
	Outcomes                        []struct{ Text string } `json:"learning_outcomes"`
	Missing                         []string
}

// TestCredentialImportRealSamples imports the real ELM and OB3 samples onto
// a person's file: all eleven Annex I elements the documents state, the
// learner and date of issuing, and their ESCO skills joining the person's.
func TestCredentialImportRealSamples(t *testing.T) {
	data := filepath.Join("..", "..", "shared", "data")
	elm := filepath.Join(data, "elm", "Sample-MC-Annex1-unsigned.jsonld")
	ob3 := filepath.Join(data, "ob3", "open-badge-mc-example.json")
	if _, err := os.Stat(elm); err != nil {
		t.Skipf("real data not here (%v): see ../shared/data/README.md", err)
	}
	db := filepath.Join(t.TempDir(), "k.db")
	id := addPersonCLI(t, db, "Ana Andromeda")
	for _, f := range []string{elm, ob3} {
		if code, _, errs := peopleCLI(t, db, "", "person", "credential", "import", id, f); code != 0 {
			t.Fatalf("import %s: %d %s", f, code, errs)
		}
	}
	_, out, _ := peopleCLI(t, db, "", "person", "show", id, "--json")
	var v struct {
		Skills []struct {
			URI, Evidence string
		}
		Credentials []importedCredential
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Credentials) != 2 {
		t.Fatalf("credentials: %+v", v.Credentials)
	}
	var got *importedCredential
	for i := range v.Credentials {
		if v.Credentials[i].Learner == "Ana Andromeda" {
			got = &v.Credentials[i]
		}
	}
	if got == nil {
		t.Fatalf("no credential for Ana Andromeda: %+v", v.Credentials)
	}
	if got.Issued != "2022-12-31" || got.ECTS == nil || *got.ECTS != 2 || got.Hours == nil || *got.Hours != 60 || got.EQF == nil || *got.EQF != 6 || len(got.Outcomes) == 0 || got.Awarding == "" || got.Country == "" {
		t.Errorf("ELM credential: %+v", got)
	}
	credSkills := 0
	for _, s := range v.Skills {
		if s.Evidence == "credential" && strings.HasPrefix(s.URI, "http://data.europa.eu/esco/skill/") {
			credSkills++
		}
	}
	if credSkills < 4 {
		t.Errorf("%d credential skills joined the person's, want at least 4: %+v", credSkills, v.Skills)
	}
}
