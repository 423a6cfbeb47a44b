package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
)

// appExporter writes plan documents through the application, into dir.
type appExporter struct {
	a   *app.App
	dir string
}

func (e appExporter) Resolve(path string) string { return filepath.Join(e.dir, filepath.Base(path)) }

func (e appExporter) ExportPlan(ctx context.Context, req ExportRequest) (ExportResult, error) {
	res, err := e.a.ExportPlan(ctx, app.PlanExport{PersonID: req.PersonID, Format: req.Format, Lang: req.Lang,
		FallbackLang: "en", Notes: req.Notes, Path: e.Resolve(req.Path)})
	return ExportResult{Path: res.Path, Bytes: res.Bytes}, err
}

// TestCoreFlowTUI is issue 13's "Must show" in the TUI: on a fresh
// database with no import (the embedded ESCO snapshot and the sample
// register load as on a first run), a new person gets a target
// occupation, language, home region and mobility; suggest takes its
// constraints from the file; the best pathway is accepted and the plan
// exported to PDF. The accepted pathway covers at least 70 % of the
// occupation's essential skills and asks no scheme more than it holds;
// the flow takes at most 30 keystrokes besides the text typed.
func TestCoreFlowTUI(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole ESCO snapshot")
	}
	ctx := context.Background()
	dir := t.TempDir()
	now := func() time.Time { return time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC) }
	a, err := app.Open(ctx, filepath.Join(dir, "koers.db"), app.Options{Actor: "counsellor", Now: now, Catalog: locale.Must(),
		SeedSample: true, SeedESCO: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	// The snapshot that ships with the binary, loaded up front so that the
	// screens below do not race its first-use load (tested in app).
	if err := a.EnsureESCO(ctx); err != nil {
		t.Fatal(err)
	}
	schemes, err := a.Schemes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	deps := Deps{Register: a, Concepts: a, People: a, Plans: a, Exporter: appExporter{a, dir}, Reports: a}
	sh := newShared(locale.Must(), deps, Options{Lang: "en", Now: now, Schemes: schemes})
	p := &peopleProbe{m: newModel(sh, newHomePage(sh))}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(80, 24))
	keys := 0
	press := func(ks ...string) { // keystrokes, counted
		for _, k := range ks {
			keys++
			tm.Send(navKey(k))
		}
	}
	wait := func(texts ...string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func([]byte) bool {
			scr := p.screen()
			for _, s := range texts {
				if !strings.Contains(scr, s) {
					return false
				}
			}
			return true
		}, teatest.WithDuration(3*time.Minute), teatest.WithCheckInterval(20*time.Millisecond))
	}
	wait("offers")
	press("tab") // the people list
	wait("No people yet")
	tm.Type("Amélie Dubois")
	press("ctrl+a") // adds her and opens her file
	wait("Balances", "Amélie Dubois")
	press("e") // her profile: language, target, home, mobility
	wait("Profile and privacy record")
	for range pfLanguage {
		press("tab")
	}
	tm.Type("fr")
	for range pfTarget - pfLanguage {
		press("tab")
	}
	press("ctrl+o")
	wait("Pick an occupation")
	tm.Type("nurse assistant")
	wait("ISCO 5321")
	press("enter")
	wait("nurse assistant (ctrl+o)")
	for range pfRegion - pfTarget {
		press("tab")
	}
	tm.Type("6000")
	press("tab", "right", "right")
	wait("→ Hainaut", "◂ own province ▸")
	press("ctrl+s")
	wait("Profile saved", "Target occupation: nurse assistant")
	press("p") // the planner
	wait("Planner", "target: nurse assistant")
	press("s") // suggest, with the constraints of her file
	wait("Best pathway", "covers")
	golden.RequireEqual(t, []byte(p.screen()))
	press("enter") // accept the best pathway
	wait("Added pathway 1 to the plan.")
	press("ctrl+e")
	wait("PDF (to print)")
	press("enter")
	wait("Plan saved")
	tm.Send(keyPress("ctrl+c"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))

	if keys > 30 {
		t.Errorf("the core flow took %d keystrokes besides the text typed, want ≤ 30", keys)
	}
	t.Logf("core flow: %d keystrokes besides the text typed", keys)

	people, err := a.People(ctx, "Amélie", 5)
	if err != nil || len(people) != 1 {
		t.Fatalf("people: %v, %d", err, len(people))
	}
	id := people[0].ID
	person, err := a.Person(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if person.Language != "fr" || person.Region != "BE32" || person.Mobility != string(catalog.MobilityProvince) {
		t.Errorf("file: language %q region %q mobility %q", person.Language, person.Region, person.Mobility)
	}
	view, err := a.PlanView(ctx, id, catalog.DateOf(now()), "en")
	if err != nil {
		t.Fatal(err)
	}
	if len(view.Report.Plan.Steps) == 0 || view.Gap == nil {
		t.Fatalf("accepted plan: %d steps, gap %v", len(view.Report.Plan.Steps), view.Gap)
	}
	ess := view.Gap.Essential
	covered := len(ess.Covered) + len(ess.Planned)
	if covered*10 < ess.Total*7 {
		t.Errorf("the accepted pathway covers %d of %d essential skills, want ≥ 70 %%", covered, ess.Total)
	}
	t.Logf("accepted pathway covers %d of %d essential skills", covered, ess.Total)
	for _, w := range view.Report.Warnings {
		if w.Code == sessions.WarnFunding || w.Code == sessions.WarnLeave {
			t.Errorf("the accepted plan asks a scheme more than it holds: %+v", w)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(files) != 1 {
		t.Fatalf("PDFs written: %v", files)
	}
	if b, err := os.ReadFile(files[0]); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("%s is not a PDF (%v)", files[0], err)
	}
}
