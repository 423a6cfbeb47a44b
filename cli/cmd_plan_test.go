package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/store"
)

const testOcc = "http://data.europa.eu/esco/occupation/o1"

func fixtureOffer(sid, title string, price catalog.Money, hours float64, skills ...string) catalog.Offer {
	var los []catalog.Outcome
	for _, s := range skills {
		los = append(los, catalog.Outcome{Text: "can " + s, Skills: []catalog.SkillRef{{URI: "http://data.europa.eu/esco/skill/" + s, Label: s}}})
	}
	return catalog.Offer{Source: "t", SourceID: sid, Title: title, Provider: "CVO Test", AwardingBody: "CVO Test", Country: "BE",
		Region: "BE21", Outcomes: los, Hours: &hours, EQF: 4, Assessment: "exam", Mode: catalog.ModeOnline, QA: "accredited",
		Languages: []string{"nl"}, Price: &price, Currency: "EUR", Schemes: []string{"ila", "voucher"}, Status: catalog.StatusActive,
		Start: catalog.NewDate(2027, 1, 4), End: catalog.NewDate(2027, 1, 29)}
}

// planFixture is a database with a small register (m2 needs m1) and one
// ESCO occupation with four essential skills, one of which nothing teaches.
func planFixture(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "koers.db")
	st, err := store.Open(ctx, db, store.Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m1 := fixtureOffer("m1", "Module 1", 20000, 20, "s1")
	m2 := fixtureOffer("m2", "Module 2", 40000, 40, "s2", "s3")
	m2.Prerequisites = []string{"Module 1"}
	m2.Start, m2.End = catalog.NewDate(2027, 2, 1), catalog.NewDate(2027, 3, 26)
	if _, err := st.ImportOffers(ctx, "t", func(yield func(catalog.Offer, error) bool) {
		_ = yield(m1, nil) && yield(m2, nil)
	}, store.OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		if _, err := st.DB().Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO esco_concepts (uri, kind, created_at, created_by, updated_at, updated_by) VALUES (?, 'occupation', '', '', '', '')`, testOcc)
	exec(`INSERT INTO esco_texts (uri, lang, preferred, hash, updated_at) VALUES (?, 'en', 'test occupation', '', '')`, testOcc)
	for _, s := range []string{"s1", "s2", "s3", "s9"} {
		uri := "http://data.europa.eu/esco/skill/" + s
		exec(`INSERT INTO esco_concepts (uri, kind, created_at, created_by, updated_at, updated_by) VALUES (?, 'skill', '', '', '', '')`, uri)
		exec(`INSERT INTO esco_texts (uri, lang, preferred, hash, updated_at) VALUES (?, 'en', ?, '', '')`, uri, "skill "+s)
		exec(`INSERT INTO esco_occupation_skills (occupation_uri, skill_uri, relation, created_at, updated_at) VALUES (?, ?, 'essential', '', '')`, testOcc, uri)
	}
	return db
}

func planCLI(t *testing.T, db string, want int, args ...string) string {
	t.Helper()
	code, out, errs := peopleCLI(t, db, "", args...)
	if code != want {
		t.Fatalf("koers %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, out, errs)
	}
	return out + errs
}

func TestPlanCLI(t *testing.T) {
	db := planFixture(t)
	id := addPersonCLI(t, db, "Ann Peeters")
	planCLI(t, db, 0, "account", "post", "--person", id, "--scheme", "ila", "--kind", "accrual", "--amount", "500.00", "--key", "a1")
	planCLI(t, db, 0, "account", "post", "--person", id, "--scheme", "voucher", "--kind", "accrual", "--amount", "100.00", "--key", "v1")

	// Module 2 alone: its prerequisite is missing; ILA and voucher lines.
	var shown struct {
		Steps []struct {
			ID       string   `json:"id"`
			Title    string   `json:"title"`
			Warnings []string `json:"warnings"`
			Funding  []struct {
				Scheme string  `json:"scheme"`
				Amount float64 `json:"amount"`
			} `json:"funding"`
		} `json:"steps"`
		Totals struct {
			Cost        float64 `json:"cost"`
			OutOfPocket float64 `json:"out_of_pocket"`
			Weeks       int     `json:"weeks"`
		} `json:"totals"`
	}
	out := planCLI(t, db, 0, "plan", "add", "--person", id, "--offer", "t:m2", "--json")
	if err := json.Unmarshal([]byte(out), &shown); err != nil {
		t.Fatalf("plan add json: %v\n%s", err, out)
	}
	if len(shown.Steps) != 1 || strings.Join(shown.Steps[0].Warnings, ",") != "prerequisite,funding" {
		t.Fatalf("steps %+v", shown.Steps)
	}
	// voucher 50 % capped at €125 (has €100), ila the €275 rest: €25 out of pocket.
	if f := shown.Steps[0].Funding; len(f) != 2 || f[0].Scheme != "voucher" || f[0].Amount != 125 || f[1].Amount != 275 {
		t.Fatalf("funding %+v", f)
	}
	if shown.Totals.Cost != 400 || shown.Totals.OutOfPocket != 25 {
		t.Fatalf("totals %+v", shown.Totals)
	}
	text := planCLI(t, db, 0, "plan", "check", "--person", id)
	for _, want := range []string{"prerequisite not met", "Module 1", "voucher: €25.00 beyond what is available"} {
		if !strings.Contains(text, want) {
			t.Errorf("plan check lacks %q:\n%s", want, text)
		}
	}
	// Add Module 1 and move it first: the prerequisite warning goes.
	planCLI(t, db, 0, "plan", "add", "--person", id, "--offer", "t:m1")
	out = planCLI(t, db, 0, "plan", "move", "--person", id, "--step", "2", "--to", "1", "--json")
	if err := json.Unmarshal([]byte(out), &shown); err != nil {
		t.Fatal(err)
	}
	if shown.Steps[0].Title != "Module 1" || len(shown.Steps[1].Warnings) != 1 || shown.Steps[1].Warnings[0] != "funding" {
		t.Fatalf("after move %+v", shown.Steps)
	}
	text = planCLI(t, db, 0, "plan", "show", "--person", id)
	for _, want := range []string{"1. [planned] Module 1", "2. [planned] Module 2", "Totals: 2 steps", "out of pocket"} {
		if !strings.Contains(text, want) {
			t.Errorf("plan show lacks %q:\n%s", want, text)
		}
	}

	// Gap: s1, s2, s3 planned; s9 missing and taught by nothing.
	var gap struct {
		Occupation struct{ Label string } `json:"occupation"`
		Essential  struct {
			Total, Covered, Planned int
			Missing                 []struct {
				URI    string `json:"uri"`
				Offers []any  `json:"offers"`
			}
		} `json:"essential"`
	}
	out = planCLI(t, db, 0, "plan", "gap", "--person", id, "--occupation", testOcc, "--json")
	if err := json.Unmarshal([]byte(out), &gap); err != nil {
		t.Fatal(err)
	}
	if gap.Occupation.Label != "test occupation" || gap.Essential.Total != 4 || gap.Essential.Planned != 3 || len(gap.Essential.Missing) != 1 || len(gap.Essential.Missing[0].Offers) != 0 {
		t.Fatalf("gap %+v", gap)
	}

	// Reserve: Module 1 fits; dropping it releases the funds.
	planCLI(t, db, 0, "plan", "reserve", "--person", id, "--step", "1")
	if b := balancesCLI(t, db, id)["ila"]; b.Reserved != 100 {
		t.Fatalf("ila after reserve %+v", b)
	}
	planCLI(t, db, 3, "plan", "reserve", "--person", id, "--step", "2") // voucher has only €100 of €125
	planCLI(t, db, 0, "plan", "drop", "--person", id, "--step", "1")
	if b := balancesCLI(t, db, id)["ila"]; b.Reserved != 0 {
		t.Fatalf("ila after drop %+v", b)
	}
}

func TestPlanSuggestCLI(t *testing.T) {
	db := planFixture(t)
	id := addPersonCLI(t, db, "Ann")
	// Nothing available: blocked by the budget.
	text := planCLI(t, db, 0, "plan", "suggest", "--person", id, "--occupation", testOcc)
	if !strings.Contains(text, "Blocking constraint: budget") {
		t.Fatalf("suggest without money:\n%s", text)
	}
	var alts []struct {
		Steps []struct {
			Offer    string `json:"offer"`
			Title    string `json:"title"`
			Covers   []struct{ URI string }
			PrereqOf []string `json:"prerequisite_of"`
		} `json:"steps"`
		Uncovered []struct {
			URI    string `json:"uri"`
			Reason string `json:"reason"`
		} `json:"uncovered"`
	}
	out := planCLI(t, db, 0, "plan", "suggest", "--person", id, "--occupation", testOcc, "--budget", "own=1000", "--json")
	if err := json.Unmarshal([]byte(out), &alts); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(alts) == 0 || len(alts[0].Steps) != 2 || alts[0].Steps[0].Title != "Module 1" || len(alts[0].Steps[0].PrereqOf) != 1 {
		t.Fatalf("suggestion %+v", alts)
	}
	if u := alts[0].Uncovered; len(u) != 1 || u[0].Reason != "untaught" {
		t.Fatalf("uncovered %+v", u)
	}
	text = planCLI(t, db, 0, "plan", "suggest", "--person", id, "--occupation", testOcc, "--budget", "own=1000", "--mode", "onsite")
	if !strings.Contains(text, "Blocking constraint: form of participation") {
		t.Fatalf("onsite only:\n%s", text)
	}
	out = planCLI(t, db, 0, "plan", "accept", "--person", id, "--occupation", testOcc, "--budget", "own=1000", "--json")
	if !strings.Contains(out, `"title": "Module 1"`) || !strings.Contains(out, `"label": "test occupation"`) {
		t.Fatalf("accept: %s", out)
	}
}

func TestPlanCLIBadInput(t *testing.T) {
	db := planFixture(t)
	id := addPersonCLI(t, db, "Ann")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"plan", "show", "--person", "nobody"}, "--person"},
		{[]string{"plan", "show", "--person", id}, "--person"},
		{[]string{"plan", "add", "--person", id}, "--offer"},
		{[]string{"plan", "add", "--person", id, "--offer", "t:none"}, "--offer"},
		{[]string{"plan", "add", "--person", id, "--kind", "party"}, "--kind"},
		{[]string{"plan", "suggest", "--person", id, "--occupation", testOcc, "--budget", "ila"}, "--budget"},
		{[]string{"plan", "suggest", "--person", id, "--occupation", testOcc, "--budget", "ila=1.234"}, "--budget ila"},
		{[]string{"plan", "suggest", "--person", id, "--occupation", testOcc, "--eqf", "9"}, "--eqf"},
		{[]string{"plan", "suggest", "--person", id, "--occupation", testOcc, "--mode", "dance"}, "--mode"},
		{[]string{"plan", "suggest", "--person", id, "--occupation", testOcc, "--start-after", "soon"}, "--start-after"},
		{[]string{"plan", "suggest", "--person", id}, "--occupation"},
		{[]string{"plan", "gap", "--person", id, "--occupation", "astronaut"}, "--occupation"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[1:], " "), func(t *testing.T) {
			text := planCLI(t, db, 2, tt.args...)
			if !strings.Contains(text, tt.want) {
				t.Errorf("message does not name %s: %s", tt.want, text)
			}
		})
	}
	planCLI(t, db, 0, "plan", "add", "--person", id, "--offer", "t:m1")
	planCLI(t, db, 2, "plan", "move", "--person", id, "--step", "7", "--to", "1")
	planCLI(t, db, 2, "plan", "status", "--person", id, "--step", "1", "--status", "lost")
}
