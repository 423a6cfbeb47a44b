package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/export"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// seedPerson writes a person with a session (goal, action, restricted
// note, next appointment) and an ILA balance into a new database.
func seedPerson(t *testing.T) (db, personID string) {
	t.Helper()
	ctx := context.Background()
	db = filepath.Join(t.TempDir(), "koers.db")
	st, err := store.Open(ctx, db, store.Options{Actor: "léa"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.CreatePerson(ctx, sessions.Person{Name: "Zoë Françoise D’Hondt", Language: "nl"})
	if err != nil {
		t.Fatal(err)
	}
	now := st.Now()
	_, err = st.AddSession(ctx, sessions.Session{PersonID: p.ID, At: now, Attended: true, Channel: sessions.FaceToFace, Summary: "eerste gesprek",
		Notes:   []string{"VERTROUWELIJK gezondheid"},
		Goals:   []sessions.Goal{{Summary: "Werk als data-analist", Target: catalog.DateOf(now).AddDays(200)}},
		Actions: []sessions.Action{{Summary: "Inschrijven Python-cursus", Owner: "person", Due: catalog.DateOf(now).AddDays(10)}},
		Next:    now.AddDate(0, 0, 14)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 124000, Key: "seed-1"}); err != nil {
		t.Fatal(err)
	}
	seedPlan(t, st, p.ID)
	return db, p.ID
}

// seedPlan imports one offer and plans it for the person, funded by the ILA.
func seedPlan(t *testing.T, st *store.Store, personID string) {
	t.Helper()
	ctx := context.Background()
	price, ects := catalog.Money(48000), 4.0
	start := catalog.DateOf(st.Now()).AddDays(40)
	o := catalog.Offer{Source: "test", SourceID: "DL-101", Title: "Data-analyse met Python", Provider: "DigiLab Gent", AwardingBody: "DigiLab Gent vzw",
		Country: "BE", ECTS: &ects, EQF: 5, Mode: catalog.ModeBlended, Price: &price, Currency: "EUR", Start: start, End: start.AddDays(60),
		Assessment: "Project en mondelinge verdediging", QA: "Erkend door het Departement Onderwijs", Languages: []string{"nl"},
		Outcomes: []catalog.Outcome{{Text: "Gegevens analyseren met pandas"}}, Schemes: []string{"ila"}, Status: catalog.StatusActive}
	seq := func(yield func(catalog.Offer, error) bool) { yield(o, nil) }
	if _, err := st.ImportOffers(ctx, "test", seq, store.OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	hits, err := st.SearchOffers(ctx, catalog.Query{Text: "python", Limit: 1})
	if err != nil || len(hits) != 1 {
		t.Fatalf("search the seeded offer: %v %v", hits, err)
	}
	id := hits[0].Offer.ID
	if _, err := st.CreatePlan(ctx, sessions.Plan{PersonID: personID, Name: "Data", Steps: []sessions.Step{
		{Kind: sessions.KindOffer, OfferID: id, Title: "Data-analyse met Python", Funding: []sessions.FundingLine{{Scheme: "ila", Amount: 48000}}},
	}}); err != nil {
		t.Fatal(err)
	}
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := func(k string) string {
		if k == "KOERS_COUNSELLOR" {
			return "Léa Verstraete"
		}
		return ""
	}
	code = run(context.Background(), "test", args, strings.NewReader(""), &out, &errb, env)
	return code, out.String(), errb.String()
}

func TestExportPlanCLI(t *testing.T) {
	db, pid := seedPerson(t)
	dir := t.TempDir()
	for _, f := range export.Formats() {
		t.Run(string(f), func(t *testing.T) {
			path := filepath.Join(dir, "plan"+f.Ext())
			code, stdout, stderr := runCLI(t, "--db", db, "export", "plan", "--person", pid, "--format", string(f), "-o", path)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout not empty with -o: %q", stdout)
			}
			if strings.Contains(stderr, "Zoë") {
				t.Errorf("stderr carries personal data: %q", stderr)
			}
			data, err := os.ReadFile(path)
			if err != nil || len(data) == 0 {
				t.Fatalf("read %s: %v", path, err)
			}
			if f == export.PDF {
				if !bytes.HasPrefix(data, []byte("%PDF-")) {
					t.Error("not a PDF")
				}
				return
			}
			s := string(data)
			if f != export.ICS && !strings.Contains(s, "Zoë Françoise D’Hondt") {
				t.Error("person's name missing")
			}
			if strings.Contains(s, "VERTROUWELIJK") {
				t.Error("session notes exported without --notes")
			}
			if f == export.Markdown && (!strings.Contains(s, "Leerplan") || !strings.Contains(s, "Inschrijven Python-cursus") || !strings.Contains(s, "Individuele leerrekening") || !strings.Contains(s, "€ 1.240,00") ||
				!strings.Contains(s, "Data-analyse met Python") || !strings.Contains(s, "DigiLab Gent vzw") || !strings.Contains(s, "€ 760,00")) {
				t.Errorf("markdown lacks the Dutch plan content:\n%s", s)
			}
		})
	}
	// --notes includes them; --lang overrides the person's language; stdout without -o.
	code, stdout, stderr := runCLI(t, "--db", db, "--lang", "fr", "export", "plan", "--person", pid, "--format", "md", "--notes")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "VERTROUWELIJK") || !strings.Contains(stdout, "Plan de formation") {
		t.Errorf("--notes --lang fr:\n%s", stdout)
	}
	// JSON to stdout parses back.
	_, stdout, _ = runCLI(t, "--db", db, "export", "plan", "--person", pid, "--format", "json")
	p, err := export.ParsePlanJSON([]byte(stdout))
	if err != nil || p.Person.ID != pid || len(p.Actions) != 1 || p.Next == nil || len(p.Steps) != 1 || p.Steps[0].AwardingBody != "DigiLab Gent vzw" || p.Status != "agreed" {
		t.Errorf("json: %+v %v", p, err)
	}

	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log, err := st.AuditLog(context.Background(), pid)
	if err != nil {
		t.Fatal(err)
	}
	exports := 0
	for _, e := range log {
		if e.Action == "export" {
			exports++
			if strings.Contains(e.Detail, "Zoë") {
				t.Errorf("audit detail carries personal data: %q", e.Detail)
			}
			if e.Actor != "Léa Verstraete" {
				t.Errorf("audit actor %q", e.Actor)
			}
		}
	}
	if want := len(export.Formats()) + 2; exports != want {
		t.Errorf("audit log has %d exports, want %d", exports, want)
	}
}

func TestExportPlanCLIErrors(t *testing.T) {
	db, pid := seedPerson(t)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no person", []string{"export", "plan", "--format", "pdf"}, exitUsage, "--person"},
		{"bad format", []string{"export", "plan", "--person", pid, "--format", "docx"}, exitUsage, "--format"},
		{"unknown person", []string{"export", "plan", "--person", "nobody", "--format", "md"}, exitUsage, "--person"},
		{"bad folder", []string{"export", "plan", "--person", pid, "--format", "md", "-o", filepath.Join(t.TempDir(), "no", "such", "dir", "p.md")}, exitFailure, "p.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"--db", db}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d %q, want %d containing %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}

// TestPlanJSONImportRoundTrip: the JSON export, imported back, recreates
// the plan on the person's file with the same steps and funding.
func TestPlanJSONImportRoundTrip(t *testing.T) {
	db, pid := seedPerson(t)
	path := filepath.Join(t.TempDir(), "plan.json")
	if code, _, stderr := runCLI(t, "--db", db, "export", "plan", "--person", pid, "--format", "json", "-o", path); code != 0 {
		t.Fatal(stderr)
	}
	plans, rest := planFiles([]string{path, db})
	if len(plans) != 1 || len(rest) != 1 {
		t.Fatalf("planFiles: %v %v", plans, rest)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{Actor: "léa"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := &invocation{cat: locale.Must(), lang: "en", now: time.Now}
	ap, err := app.New(st, app.Options{Actor: "léa", Catalog: a.cat})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := st.Plans(ctx, pid)
	if got, err := a.importPlans(ctx, ap, plans, true); err != nil || len(got) != 1 || got[0].Steps != 1 {
		t.Fatalf("dry run: %+v %v", got, err)
	}
	if after, _ := st.Plans(ctx, pid); len(after) != len(before) {
		t.Fatal("dry run wrote a plan")
	}
	got, err := a.importPlans(ctx, ap, plans, false)
	if err != nil || len(got) != 1 {
		t.Fatalf("import: %+v %v", got, err)
	}
	created, err := st.Plan(ctx, got[0].PlanID)
	if err != nil {
		t.Fatal(err)
	}
	orig := before[0]
	if len(created.Steps) != len(orig.Steps) || created.Steps[0].OfferID != orig.Steps[0].OfferID || created.Steps[0].Title != orig.Steps[0].Title ||
		len(created.Steps[0].Funding) != 1 || created.Steps[0].Funding[0].Amount != 48000 || created.PersonID != pid {
		t.Errorf("recreated plan %+v\nwant the steps of %+v", created, orig)
	}

	// Bad input names the file and the field; nothing is written.
	bad := filepath.Join(t.TempDir(), "bad.json")
	data, _ := os.ReadFile(path)
	os.WriteFile(bad, bytes.Replace(data, []byte(pid), []byte("no-such-person"), -1), 0o600)
	if _, err := a.importPlans(ctx, ap, []string{path, bad}, false); err == nil || !strings.Contains(err.Error(), "bad.json: learner.id") {
		t.Errorf("unknown person: %v", err)
	}
	if after, _ := st.Plans(ctx, pid); len(after) != 2 {
		t.Errorf("a failed import wrote plans: %d", len(after))
	}
}

// BenchmarkExportPlanPDF12 is the whole export of a 12-step plan from the
// store: read person, sessions, balances, plan, checks, offers; render the
// PDF; record the audit entry.
func BenchmarkExportPlanPDF12(b *testing.B) {
	ctx := context.Background()
	db := filepath.Join(b.TempDir(), "koers.db")
	st, err := store.Open(ctx, db, store.Options{Actor: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	p, err := st.CreatePerson(ctx, sessions.Person{Name: "Zoë Françoise D’Hondt", Language: "nl"})
	if err != nil {
		b.Fatal(err)
	}
	var offers []catalog.Offer
	for i := range 12 {
		price, ects := catalog.Money(30000+i*1000), 3.0
		start := catalog.DateOf(st.Now()).AddDays(30 + 21*i)
		offers = append(offers, catalog.Offer{Source: "bench", SourceID: fmt.Sprintf("B-%02d", i), Title: fmt.Sprintf("Module %d: Gestion de projet – é ë ç", i+1),
			Provider: "EPS Namur", AwardingBody: "Fédération Wallonie-Bruxelles", Country: "BE", ECTS: &ects, EQF: 5, Mode: catalog.ModeOnsite,
			Price: &price, Currency: "EUR", Start: start, End: start.AddDays(18), Assessment: "Étude de cas", QA: "AEQES",
			Outcomes: []catalog.Outcome{{Text: "Piloter un projet"}, {Text: "Rendre compte à l’équipe"}}, Schemes: []string{"ila"}, Status: catalog.StatusActive})
	}
	seq := func(yield func(catalog.Offer, error) bool) {
		for _, o := range offers {
			if !yield(o, nil) {
				return
			}
		}
	}
	if _, err := st.ImportOffers(ctx, "bench", seq, store.OfferImportOptions{}); err != nil {
		b.Fatal(err)
	}
	hits, err := st.SearchOffers(ctx, catalog.Query{Text: "module", Limit: 50})
	if err != nil || len(hits) != 12 {
		b.Fatalf("offers: %d %v", len(hits), err)
	}
	var steps []sessions.Step
	for _, h := range hits {
		steps = append(steps, sessions.Step{OfferID: h.Offer.ID, Title: h.Offer.Title, Funding: []sessions.FundingLine{{Scheme: "ila", Amount: int64(*h.Offer.Price)}}})
	}
	if _, err := st.CreatePlan(ctx, sessions.Plan{PersonID: p.ID, Steps: steps}); err != nil {
		b.Fatal(err)
	}
	a := &invocation{cat: locale.Must(), lang: "en", now: time.Now, counsellor: "bench", stdout: io.Discard}
	req := planExport{PersonID: p.ID, Format: export.PDF}
	ap, err := app.New(st, app.Options{Actor: "bench", Catalog: a.cat})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := a.exportPlan(ctx, ap, req); err != nil {
			b.Fatal(err)
		}
	}
}

// TestKoersImportPlanJSON: `koers import plan.json` recreates the plan on
// the person's file; --json reports it.
func TestKoersImportPlanJSON(t *testing.T) {
	db, pid := seedPerson(t)
	path := filepath.Join(t.TempDir(), "plan.json")
	if code, _, stderr := runCLI(t, "--db", db, "export", "plan", "--person", pid, "--format", "json", "-o", path); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := runCLI(t, "--db", db, "import", "--json", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var sum struct {
		Plans []importedPlan `json:"plans"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil || len(sum.Plans) != 1 || sum.Plans[0].PersonID != pid || sum.Plans[0].Steps != 1 {
		t.Fatalf("summary %s: %v", stdout, err)
	}
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	plans, _ := st.Plans(context.Background(), pid)
	if len(plans) != 2 {
		t.Errorf("person has %d plans, want the original and the imported one", len(plans))
	}
}
