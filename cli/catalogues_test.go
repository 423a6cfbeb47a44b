package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// searchHit is what the three-catalogue test reads of `search --json`.
type searchHit struct {
	ID               string   `json:"id"`
	Source           string   `json:"source"`
	SourceID         string   `json:"source_id"`
	Title            string   `json:"title"`
	Price            *float64 `json:"price"`
	Currency         *string  `json:"currency"`
	CertificatePrice *float64 `json:"certificate_price"`
	Hours            *float64 `json:"hours"`
	Length           *struct {
		Min, Max float64
		Unit     string
	} `json:"length"`
	WeeklyHours *struct{ Min, Max float64 } `json:"weekly_hours"`
	EQF         any                         `json:"eqf"`
	Level       *string                     `json:"level"`
	Flags       []string                    `json:"flags"`
}

func searchHits(t *testing.T, db string, args ...string) []searchHit {
	t.Helper()
	code, out, errs := registerCLI(t, db, append([]string{"search", "--json", "--limit", "0"}, args...)...)
	if code != 0 {
		t.Fatalf("search %v: exit %d %s", args, code, errs)
	}
	var hits []searchHit
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatalf("search %v: %v in %s", args, err, out)
	}
	return hits
}

// TestThreeCatalogues (issue 12) imports edX-, Udemy- and Coursera-shaped
// CSVs through mapping files into one database and checks that currencies
// are kept, a EUR price filter never returns a USD offer, workloads are
// read or flagged (never guessed) with file, line and field, a plan keeps
// totals per currency, and every bad input is refused naming where.
func TestThreeCatalogues(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "koers.db")
	td := filepath.Join("testdata", "catalogues")
	for _, c := range []string{"edx", "udemy", "coursera"} {
		code, _, errs := registerCLI(t, db, "import", "--map", filepath.Join(td, c+".map.json"), filepath.Join(td, c+".csv"))
		if code != 0 {
			t.Fatalf("import %s: exit %d\n%s", c, code, errs)
		}
	}
	// A CTDL program goes into the same register (it used to be refused as
	// "not an ELM credential").
	if code, _, errs := registerCLI(t, db, "import", "--source", "ce", filepath.Join("..", "catalog", "testdata", "ctdl", "program.json")); code != 0 {
		t.Fatalf("import ctdl: exit %d\n%s", code, errs)
	}
	all := searchHits(t, db)
	if len(all) != 4+5+4+4 {
		t.Fatalf("%d offers, want 17", len(all))
	}
	by := map[string]searchHit{}
	for _, h := range all {
		by[h.Source+":"+h.SourceID] = h
	}
	cur := func(h searchHit) string {
		if h.Currency == nil {
			return ""
		}
		return *h.Currency
	}

	// Currencies kept; free with a paid certificate.
	pds := by["edx:UMichX+PY4E102"]
	if cur(pds) != "USD" || pds.Price == nil || *pds.Price != 0 || pds.CertificatePrice == nil || *pds.CertificatePrice != 99 {
		t.Errorf("edX free + certificate: %+v", pds)
	}
	if h := by["udemy:1070968"]; cur(h) != "USD" || *h.Price != 200 {
		t.Errorf("udemy price: %+v", h)
	}
	if h := by["coursera:IBM/Data Analysis with Python"]; cur(h) != "EUR" || *h.Price != 1240 {
		t.Errorf("coursera price: %+v", h)
	}
	if h := by["ce:ce-6a0f7c1e-4b1d-4c55-9d0e-1f2a3b4c5d60"]; cur(h) != "USD" || *h.Price != 1350 {
		t.Errorf("ctdl price: %+v", h)
	}

	// --max-price 100 --currency EUR: no USD offer, and the EUR ones under 100.
	eur := searchHits(t, db, "--max-price", "100", "--currency", "EUR")
	got := map[string]bool{}
	for _, h := range eur {
		if cur(h) == "USD" {
			t.Errorf("a USD offer passed a EUR maximum: %s %s", h.SourceID, h.Title)
		}
		got[h.Source+":"+h.SourceID] = true
	}
	for _, want := range []string{"coursera:University of Michigan/Python Data Structures", "coursera:Centrale Lyon/Gestion de projet", "coursera:Yale University/Financial Markets"} {
		if !got[want] {
			t.Errorf("%s missing from EUR ≤ 100: %v", want, got)
		}
	}
	if len(eur) != 3 {
		t.Errorf("EUR ≤ 100: %d offers, want 3", len(eur))
	}
	for _, h := range searchHits(t, db, "--max-price", "100", "--currency", "USD") {
		if cur(h) == "EUR" {
			t.Errorf("a EUR offer passed a USD maximum: %s", h.Title)
		}
	}

	// Workloads: length and effort apart; what is not read is flagged with
	// file, line and field, and stays unknown.
	if h := by["edx:UMichX+PY4E102"]; h.Length == nil || h.Length.Min != 6 || h.Length.Unit != "weeks" || h.WeeklyHours == nil || h.WeeklyHours.Max != 4 {
		t.Errorf("edX 6 weeks at 2–4 h: %+v", h)
	}
	if h := by["edx:DelftX+ENE101"]; h.Length == nil || h.Length.Min != 2 || h.Length.Max != 3 || h.Length.Unit != "years" {
		t.Errorf("2 or 3 years: %+v", h.Length)
	}
	if h := by["udemy:1148774"]; h.Hours == nil || *h.Hours != 0.5 {
		t.Errorf("30 mins: %+v", h.Hours)
	}
	if h := by["udemy:1276272"]; h.Hours != nil || h.Length == nil || h.Length.Unit != "months" {
		t.Errorf("4 meses: hours %v length %+v", h.Hours, h.Length)
	}
	if h := by["coursera:Centrale Lyon/Gestion de projet"]; h.Hours != nil || len(h.Flags) != 0 {
		t.Errorf("a None placeholder is unknown, not flagged: %+v", h)
	}
	for key, want := range map[string]string{
		"edx:HarvardX+DS101": `weekly_hours: "varies"`,
		"udemy:1188742":      `hours: "Self-paced"`,
	} {
		h := by[key]
		file := strings.SplitN(key, ":", 2)[0] + ".csv line "
		if len(h.Flags) != 1 || !strings.Contains(h.Flags[0], want) || !strings.Contains(h.Flags[0], file) {
			t.Errorf("%s flags %q, want %q and %q", key, h.Flags, want, file)
		}
		if h.Hours != nil || h.WeeklyHours != nil {
			t.Errorf("%s: a flagged value was kept: %+v", key, h)
		}
	}
	if h := by["edx:UMichX+PY4E102"]; h.Level == nil || *h.Level != "Introductory" || h.EQF != 3.0 {
		t.Errorf("level: %v eqf %v", h.Level, h.EQF)
	}

	// Ranking (issue 12, item 5): in this mixed register every offer with
	// "python" in its title ranks above every offer that has it only in
	// its description.
	py := searchHits(t, db, "python")
	lastTitle, firstOther := -1, len(py)
	for i, h := range py {
		if strings.Contains(strings.ToLower(h.Title), "python") {
			lastTitle = i
		} else if i < firstOther {
			firstOther = i
		}
	}
	if lastTitle < 0 || firstOther == len(py) || lastTitle > firstOther {
		var titles []string
		for _, h := range py {
			titles = append(titles, h.Title)
		}
		t.Errorf("python: a description-only match outranks a title match: %q", titles)
	}

	// A plan with a EUR and a USD step keeps a total per currency.
	person := addPersonCLI(t, db, "Ann Peeters")
	for _, k := range []string{"coursera:University of Michigan/Python Data Structures", "edx:UCSanDiegoX+DSE220x"} {
		planCLI(t, db, 0, "plan", "add", "--person", person, "--offer", by[k].ID)
	}
	var plan struct {
		Totals struct {
			Cost       float64 `json:"cost"`
			Currencies []struct {
				Currency    string  `json:"currency"`
				Cost        float64 `json:"cost"`
				OutOfPocket float64 `json:"out_of_pocket"`
			} `json:"currencies"`
		} `json:"totals"`
	}
	if err := json.Unmarshal([]byte(planCLI(t, db, 0, "plan", "show", "--person", person, "--json")), &plan); err != nil {
		t.Fatal(err)
	}
	if c := plan.Totals.Currencies; plan.Totals.Cost != 39 || len(c) != 2 || c[0].Currency != "EUR" || c[0].Cost != 39 ||
		c[1].Currency != "USD" || c[1].Cost != 350 || c[1].OutOfPocket != 350 {
		t.Errorf("plan totals %+v", plan.Totals)
	}
}

// TestCatalogueBadInputs: every bad input of issue 12 is refused with a
// message naming the file, the line (or JSON pointer) and the field.
func TestCatalogueBadInputs(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "koers.db")
	td := filepath.Join("testdata", "catalogues")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	edx, err := os.ReadFile(filepath.Join(td, "edx.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(edx), "\n")
	dup := write("dup.csv", string(edx)+lines[1])
	mapTypo := write("typo.map.json", strings.Replace(mustRead(t, filepath.Join(td, "edx.map.json")), `"price":        {"column"`, `"price":        {"colum"`, 1))
	skillsMap := write("skills.map.json", strings.Replace(mustRead(t, filepath.Join(td, "coursera.map.json")), `"keywords":    {"column": "Skills"`, `"skills":    {"column": "Skills"`, 1))
	noProvider := write("noprov.map.json", `{"fields": {"source_id": {"column": "course_id"}, "title": {"column": "title"}}}`)
	badPrice := write("price.csv", strings.Replace(string(edx), "$350 USD", "¥ 350", 1))
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"duplicate key", []string{"--map", filepath.Join(td, "edx.map.json"), dup}, []string{"dup.csv:6: source_id:", "line 2"}},
		{"mapping typo", []string{"--map", mapTypo, filepath.Join(td, "edx.csv")}, []string{"typo.map.json at /fields/price/colum", `did you mean "column"`}},
		{"skills not URIs", []string{"--map", skillsMap, filepath.Join(td, "coursera.csv")}, []string{"coursera.csv:2: skills:", `column "Skills"`}},
		{"provider required", []string{"--map", noProvider, filepath.Join(td, "edx.csv")}, []string{"noprov.map.json at /fields/provider"}},
		{"ambiguous currency", []string{"--map", filepath.Join(td, "edx.map.json"), badPrice}, []string{"price.csv:4: price:", "ISO 4217"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := registerCLI(t, db, append([]string{"import"}, tc.args...)...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d: %s", code, exitUsage, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
		})
	}
	if st := seedStats(t, db); st.OffersActive != 0 {
		t.Errorf("refused imports wrote %d offers", st.OffersActive)
	}
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
