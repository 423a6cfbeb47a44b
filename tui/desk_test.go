package tui

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// The whole session in the TUI (issue 13, item 11): person export and
// erasure, credential import and detail, stack target, validation steps,
// suggestion constraints and plan switching, each through the same app
// use-case as the CLI, on a real store.

// deskLangs are the languages the screens are checked in.
var deskLangs = []string{"en", "nl"}

// startDesk runs the people list (then Ann's file) with every dependency a
// local TUI has, the file actions included.
func startDesk(t *testing.T, lang string, w, h int) (*peopleRun, string) {
	t.Helper()
	st, ann := peopleStore(t)
	ap := appOver(t, st, func() time.Time { return peopleNow })
	sh := newShared(locale.Must(), Deps{People: ap, Plans: ap, Register: ap, Files: ap}, Options{Lang: lang, Now: func() time.Time { return peopleNow }})
	p := &peopleProbe{m: newModel(sh, newBlankPage(sh, "Register"))}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h))
	r := &peopleRun{t: t, tm: tm, p: p, st: st}
	logOnFailure(t, p)
	r.tm.Send(keyPress("tab"))
	return r, ann
}

// openAnn opens Ann's file from the people list.
func (r *peopleRun) openAnn() {
	r.t.Helper()
	r.waitFor("Ann Peeters")
	r.keys("enter")
	// the timeline is on the loaded file only (keys before it are ignored)
	r.waitFor("ILA €", "Ann Peeters · ", "Enrol in Data-analyse met Python")
}

// selectLine presses j until the line starting with ▸ shows text.
func (r *peopleRun) selectLine(text string) {
	r.t.Helper()
	for i := 0; !strings.Contains(r.p.screen(), "▸ "+text); i++ {
		if i == 10 {
			r.t.Fatalf("never selected %q:\n%s", text, r.p.screen())
		}
		r.keys("j")
		r.waitFor("▸")
	}
}

// snap compares the screen with a golden file of its own, named after
// the test and name.
func (r *peopleRun) snap(name string) {
	r.t.Helper()
	r.t.Run(name, func(t *testing.T) { golden.RequireEqual(t, []byte(r.p.screen())) })
}

// waitGone waits until text is no longer on the screen.
func (r *peopleRun) waitGone(text string) {
	r.t.Helper()
	teatest.WaitFor(r.t, r.tm.Output(), func([]byte) bool { return !strings.Contains(r.p.screen(), text) },
		teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

func (r *peopleRun) clearField() { r.tm.Send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}) }

func (r *peopleRun) fullHelp(want ...string) {
	r.t.Helper()
	r.tm.Send(tea.KeyPressMsg{Code: tea.KeyF1})
	r.waitFor(want...)
	r.tm.Send(tea.KeyPressMsg{Code: tea.KeyF1})
}

func TestPersonExportInTheTUI(t *testing.T) {
	words := map[string][]string{
		"en": {"Everything koers holds on Ann Peeters", "person-file-", "Wrote the person's file to"},
		"nl": {"Alles wat koers over Ann Peeters bijhoudt", "person-file-", "Dossier van de persoon geschreven naar"},
	}
	for _, lang := range deskLangs {
		for _, sz := range peopleSizes {
			t.Run(lang+"/"+sz.name, func(t *testing.T) {
				r, ann := startDesk(t, lang, sz.w, sz.h)
				r.openAnn()
				r.waitFor("E ", "D ")
				r.keys("E")
				r.waitFor(words[lang][0], personFileName(ann, catalog.NewDate(2026, 12, 3)))
				if strings.Contains(r.p.screen(), "ann-peeters") {
					t.Error("the suggested file name carries the person's name")
				}
				// the file number differs per run: the golden holds XXXXXXXX
				t.Run("form", func(t *testing.T) {
					golden.RequireEqual(t, []byte(strings.ReplaceAll(r.p.screen(), ann[len(ann)-8:], "XXXXXXXX")))
				})
				out := filepath.Join(t.TempDir(), "ann.json")
				r.clearField()
				r.tm.Type(out)
				r.keys("enter")
				r.waitFor(words[lang][2])
				b, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				var f app.PersonFile
				if err := json.Unmarshal(b, &f); err != nil || f.Person.ID != ann || len(f.Credentials) != 1 {
					t.Fatalf("exported file: %v, %+v", err, f.Person)
				}
				if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
					t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
				}
				// The same path again is refused: an existing file is not replaced.
				r.keys("E")
				r.waitFor(words[lang][0])
				r.clearField()
				r.tm.Type(out)
				r.keys("enter")
				r.waitFor("!")
				if !strings.Contains(r.p.screen(), "ann.json") {
					t.Errorf("refusal does not name the file:\n%s", r.p.screen())
				}
				r.finish()
			})
		}
	}
}

func TestPersonEraseInTheTUI(t *testing.T) {
	words := map[string][]string{
		"en": {"Erase Ann Peeters for good", "1 session with its notes", "type the person's name", "That is not the name on the file", "Erased Ann Peeters"},
		"nl": {"Ann Peeters definitief wissen", "1 gesprek met notities", "Typ ter bevestiging", "Dat is niet de naam in het dossier", "Ann Peeters gewist"},
	}
	for _, lang := range deskLangs {
		for _, sz := range peopleSizes {
			t.Run(lang+"/"+sz.name, func(t *testing.T) {
				r, ann := startDesk(t, lang, sz.w, sz.h)
				r.openAnn()
				r.keys("D")
				r.waitFor(words[lang][0], words[lang][1], words[lang][2])
				r.snap("form")
				// A wrong name erases nothing.
				r.tm.Type("Bram Claes")
				r.keys("enter")
				r.waitFor(words[lang][3])
				if _, err := r.st.Person(context.Background(), ann); err != nil {
					t.Fatalf("a wrong name erased: %v", err)
				}
				r.clearField()
				r.tm.Type("ann peeters")
				r.keys("enter")
				r.waitFor(words[lang][4])
				r.waitGone("Ann Peeters ·")
				if _, err := r.st.Person(context.Background(), ann); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("after erasure: %v", err)
				}
				log, err := r.st.AuditLog(context.Background(), ann)
				if err != nil {
					t.Fatal(err)
				}
				erased := false
				for _, e := range log {
					erased = erased || e.Action == "erase"
				}
				if !erased {
					t.Errorf("no erase line in the audit log: %+v", log)
				}
				r.finish()
			})
		}
	}
}

// TestPersonScreenFileKeysInHelp: the new keys are in the short help and
// in the full help (f1), and they are not offered without file access
// (over SSH).
func TestPersonScreenFileKeysInHelp(t *testing.T) {
	r, _ := startDesk(t, "en", 80, 24)
	r.openAnn()
	r.waitFor("c credentials", "i import credential", "E export file", "D erase person", "? help")
	r.fullHelp("credentials", "export file", "erase person", "action done")
	r.finish()

	r, _ = startPeople(t, "en", 80, 24)
	r.openAnn()
	r.waitFor("c credentials")
	if scr := r.p.screen(); strings.Contains(scr, "erase person") || strings.Contains(scr, "export file") {
		t.Errorf("file actions offered without file access:\n%s", scr)
	}
	r.finish()
}

// deskCredentials puts two more credentials on Ann's file: one stating
// every Annex I element (earned on a register offer that states the
// optional ones), one stating few (country, QA, mode, workload and level
// missing). It returns their titles.
func deskCredentials(t *testing.T, st *store.Store, ann string) (full, sparse string) {
	t.Helper()
	ctx := context.Background()
	price := catalog.Money(48000)
	hours, ects := 100.0, 4.0
	mc := catalog.Offer{Source: "t", SourceID: "mc-1", Title: "Data analysis with Python", Provider: "DigiLab Gent", AwardingBody: "DigiLab Gent",
		Country: "BE", Region: "BE23", Outcomes: []catalog.Outcome{{Text: "clean and chart data",
			Skills: []catalog.SkillRef{{URI: "http://data.europa.eu/esco/skill/clean-data", Label: "clean data"}}}},
		Hours: &hours, ECTS: &ects, EQF: 5, Assessment: "project", Mode: catalog.ModeBlended, QA: "accredited-programme",
		Languages: []string{"nl"}, Price: &price, Currency: "EUR", Status: catalog.StatusActive,
		Prerequisites: []string{"Spreadsheets basics"}, Stackability: "stackable", FurtherInfo: "Part of the data analyst track.",
		URL: "https://digilab.example.org/python"}
	if _, err := st.ImportOffers(ctx, "t", func(yield func(catalog.Offer, error) bool) { yield(mc, nil) }, store.OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	o, err := st.Offer(ctx, "t:mc-1")
	if err != nil {
		t.Fatal(err)
	}
	credHours, credECTS := 100.0, 4.0
	full = "Data analysis with Python"
	if _, err := st.AddCredential(ctx, sessions.Credential{PersonID: ann, Learner: "Ann Peeters", Title: full, Country: "BE", Region: "BE23",
		AwardingBody: "DigiLab Gent", Issued: catalog.NewDate(2026, 6, 30), Outcomes: mc.Outcomes, ECTS: &credECTS, Hours: &credHours,
		EQF: 5, NQF: "VKS 5", Assessment: "project", Mode: catalog.ModeBlended, QA: "accredited-programme", Grade: "16/20",
		Supervision: "supervised-onsite", Signature: catalog.SignatureNotVerified, SignedBy: "DigiLab Gent", Source: "elm", OfferID: o.ID}); err != nil {
		t.Fatal(err)
	}
	sparse = "Forklift safety"
	if _, err := st.AddCredential(ctx, sessions.Credential{PersonID: ann, Learner: "Ann Peeters", Title: sparse, AwardingBody: "ROC Voorbeeld",
		Issued: catalog.NewDate(2025, 2, 14), Outcomes: []catalog.Outcome{{Text: "drive a forklift safely"}}, Assessment: "practical-test",
		Source: "ob3", Signature: catalog.SignatureNone, Missing: []string{"country", "ects", "mode", "quality_assurance"}}); err != nil {
		t.Fatal(err)
	}
	return full, sparse
}

// TestCredentialDetailInTheTUI opens a credential with every Annex I
// element and one with elements missing, which say "not stated" and
// "unknown" in words, never a blank or 0.
func TestCredentialDetailInTheTUI(t *testing.T) {
	words := map[string]map[string]string{
		"en": {"list": "Earned credentials (3)", "mandatory": "Micro-credential elements (Annex I)", "learner": "Identification of the learner",
			"stack": "stackable", "prereq": "Spreadsheets basics", "not": "not stated", "ects": "ECTS unknown", "level": "EQF 5"},
		"nl": {"list": "Behaalde credentials (3)", "mandatory": "Elementen van de microcredential (bijlage I)", "learner": "Identificatie van de lerende",
			"stack": "stapelbaar", "prereq": "Spreadsheets basics", "not": "niet vermeld", "ects": "ECTS onbekend", "level": "EQF 5"},
	}
	for _, lang := range deskLangs {
		for _, sz := range peopleSizes {
			t.Run(lang+"/"+sz.name, func(t *testing.T) {
				w := words[lang]
				r, ann := startDesk(t, lang, sz.w, sz.h)
				full, sparse := deskCredentials(t, r.st, ann)
				r.openAnn()
				r.keys("c")
				r.waitFor(w["list"], full, sparse, "▸ ")
				r.snap("list")
				// the credential with every element
				r.selectLine(full)
				r.keys("enter")
				r.waitFor(w["mandatory"], w["learner"], w["level"])
				r.snap("full")
				r.tm.Send(tea.KeyPressMsg{Code: tea.KeyPgDown})
				r.waitFor(w["stack"], w["prereq"], "digilab.example.org/python") // the last row: shown once the page has scrolled
				r.snap("full_optional")
				r.keys("esc")
				r.waitFor(w["list"])
				// the credential with missing elements
				r.selectLine(sparse)
				r.keys("enter")
				r.waitFor(w["mandatory"], w["not"], w["ects"])
				r.snap("missing")
				r.finish()
			})
		}
	}
}

// TestCredentialImportInTheTUI imports a credential file whose learner is
// not the person: the counsellor is asked, confirms, and it is on the
// file; the same file again changes nothing.
func TestCredentialImportInTheTUI(t *testing.T) {
	words := map[string][]string{
		"en": {"Put an earned credential on Ann Peeters's file", "not \"Ann Peeters\"", "Put \"Spreadsheets for data work\" on the file", "is on the file already"},
		"nl": {"Een behaald credential in het dossier van Ann Peeters zetten", "niet aan \"Ann Peeters\"", "\"Spreadsheets for data work\" staat nu in het dossier", "staat al in het dossier"},
	}
	// relative to the package, so the golden does not name the checkout's folder
	file := filepath.Join("testdata", "credentials", "ob3-other-learner.json")
	for _, lang := range deskLangs {
		for _, sz := range peopleSizes {
			t.Run(lang+"/"+sz.name, func(t *testing.T) {
				w := words[lang]
				r, ann := startDesk(t, lang, sz.w, sz.h)
				r.openAnn()
				r.keys("i")
				r.waitFor(w[0])
				r.tm.Type(file)
				r.keys("enter")
				r.waitFor(w[1], "Anna Peeters-Maes")
				r.snap("confirm")
				cs, _ := r.st.Credentials(context.Background(), ann)
				if len(cs) != 1 {
					t.Fatalf("written before the counsellor confirmed: %d credentials", len(cs))
				}
				r.keys("y")
				r.waitFor(w[2])
				cs, _ = r.st.Credentials(context.Background(), ann)
				if len(cs) != 2 {
					t.Fatalf("%d credentials after the import, want 2", len(cs))
				}
				r.keys("i")
				r.waitFor(w[0])
				r.tm.Type(file)
				r.keys("enter")
				r.waitFor(w[1])
				r.keys("y")
				r.waitFor(w[3])
				if cs, _ = r.st.Credentials(context.Background(), ann); len(cs) != 2 {
					t.Fatalf("%d credentials after importing the same file again, want 2", len(cs))
				}
				r.finish()
			})
		}
	}
}

// startDeskPlanner runs Ann's planner with the register and people too.
func startDeskPlanner(t *testing.T, lang string, w, h int, edit func(p *sessions.Person)) (*peopleRun, string) {
	t.Helper()
	st, ann := plannerStore(t)
	if edit != nil {
		ctx := context.Background()
		p, err := st.Person(ctx, ann)
		if err != nil {
			t.Fatal(err)
		}
		edit(&p)
		if _, err := st.UpdatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	ap := appOver(t, st, func() time.Time { return peopleNow })
	sh := newShared(locale.Must(), Deps{Plans: ap, Register: ap, People: ap}, Options{Lang: lang, Now: func() time.Time { return peopleNow }})
	p := &peopleProbe{m: newModel(sh, NewPlannerPage(sh, ann))}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h))
	logOnFailure(t, p)
	return &peopleRun{t: t, tm: tm, p: p, st: st}, ann
}

// logOnFailure logs the last screen of a failed test, without escapes.
func logOnFailure(t *testing.T, p *peopleProbe) {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last screen:\n%s", p.screen())
		}
	})
}

func TestPlanValidationStepInTheTUI(t *testing.T) {
	words := map[string][]string{
		"en": {"Add a validation or guidance step", "validation of prior learning", "Added step 4"},
		"nl": {"Een EVC- of begeleidingsstap toevoegen", "erkenning van verworven competenties", "Stap 4 toegevoegd"},
	}
	for _, lang := range deskLangs {
		for _, sz := range peopleSizes {
			t.Run(lang+"/"+sz.name, func(t *testing.T) {
				w := words[lang]
				r, ann := startDeskPlanner(t, lang, sz.w, sz.h, nil)
				r.waitFor("Ann Peeters · ILA", "Participatory art projects", "v ")
				r.keys("v")
				r.waitFor(w[0], w[1])
				r.snap("form")
				r.keys("tab")
				r.tm.Type("Recognition of prior learning: workshops")
				r.keys("enter")
				r.waitFor(w[2])
				p, err := r.st.CurrentPlan(context.Background(), ann, false)
				if err != nil {
					t.Fatal(err)
				}
				last := p.Steps[len(p.Steps)-1]
				if last.Kind != sessions.KindValidation || last.Title != "Recognition of prior learning: workshops" || last.OfferID != "" {
					t.Fatalf("last step %+v, want a validation step", last)
				}
				r.finish()
			})
		}
	}
}

func TestPlanStackTargetInTheTUI(t *testing.T) {
	words := map[string][]string{
		"en": {"T stack target", "Register · for a stack target", "p set as stack target", "now stack towards Funding applications for artists"},
		"nl": {"T stapeldoel", "Register · voor een stapeldoel", "p als stapeldoel kiezen", "stapelen nu naar Funding applications for artists"},
	}
	for _, lang := range deskLangs {
		for _, sz := range peopleSizes {
			t.Run(lang+"/"+sz.name, func(t *testing.T) {
				w := words[lang]
				r, ann := startDeskPlanner(t, lang, sz.w, sz.h, nil)
				r.waitFor("Ann Peeters · ILA", "Participatory art projects", w[0])
				r.keys("T")
				r.waitFor(w[1])
				r.tm.Type("funding applications")
				r.waitFor("Funding applicati", map[string]string{"en": "1 offer", "nl": "1 aanbod"}[lang])
				r.waitGone("Community arts: basics")
				r.keys("esc")
				r.waitFor(w[2], "▸ Funding applicati")
				r.snap("search")
				r.keys("p")
				r.waitFor(w[3], "Funding applications for artists:")
				r.snap("planner")
				p, err := r.st.CurrentPlan(context.Background(), ann, false)
				if err != nil {
					t.Fatal(err)
				}
				o, _ := r.st.Offer(context.Background(), "t:arts-3")
				if p.StackTarget != o.ID {
					t.Fatalf("stack target %q, want %q", p.StackTarget, o.ID)
				}
				r.finish()
			})
		}
	}
}

func TestPlanSwitchingInTheTUI(t *testing.T) {
	words := map[string][]string{
		"en": {"p plans", "1 plan", "2 plans", "Started Plan 2", "No steps yet", "Showing Plan 1"},
		"nl": {"p plannen", "1 plan", "2 plannen", "Plan 2 gestart", "Nog geen stappen", "Plan 1 wordt getoond"},
	}
	for _, lang := range deskLangs {
		for _, sz := range peopleSizes {
			t.Run(lang+"/"+sz.name, func(t *testing.T) {
				w := words[lang]
				r, ann := startDeskPlanner(t, lang, sz.w, sz.h, nil)
				r.waitFor("Ann Peeters · ILA", "Participatory art projects", w[0])
				r.keys("p")
				r.waitFor(w[1], "Plan 1")
				r.keys("n")
				r.waitFor(w[3], " Plan 2 ", w[4])
				// a step added now goes to the plan shown
				r.keys("v")
				r.waitFor(map[string]string{"en": "Add a validation or guidance step", "nl": "Een EVC- of begeleidingsstap toevoegen"}[lang])
				r.keys("tab")
				r.tm.Type("Validation: community work")
				r.keys("enter")
				r.waitFor(map[string]string{"en": "Added step 1", "nl": "Stap 1 toegevoegd"}[lang])
				r.keys("p")
				r.waitFor(w[2])
				r.snap("list")
				r.keys("k", "enter")
				r.waitFor(w[5], "Participatory art projects")
				r.snap("planner")
				ps, err := r.st.Plans(context.Background(), ann)
				if err != nil {
					t.Fatal(err)
				}
				if len(ps) != 2 || len(ps[0].Steps) != 3 || len(ps[1].Steps) != 1 || ps[1].Steps[0].Kind != sessions.KindValidation {
					t.Fatalf("plans after switching: %d plans", len(ps))
				}
				r.finish()
			})
		}
	}
}

func TestSuggestConstraintsInTheTUI(t *testing.T) {
	words := map[string][]string{
		"en": {"taught in Dutch", "f: change", "Constraints for this suggestion", "budget: ILA €100.00", "online only"},
		"nl": {"les in het Nederlands", "f: wijzigen", "Voorwaarden voor dit voorstel", "budget: ILA € 100,00", "alleen online"},
	}
	for _, lang := range deskLangs {
		for _, sz := range peopleSizes {
			t.Run(lang+"/"+sz.name, func(t *testing.T) {
				w := words[lang]
				r, _ := startDeskPlanner(t, lang, sz.w, sz.h, func(p *sessions.Person) {
					p.Language, p.Region, p.Mobility, p.HoursPerWeek = "nl", "BE21", "province", 6
				})
				r.waitFor("Ann Peeters · ILA", "Participatory art projects")
				r.keys("s")
				r.waitFor(w[0], w[1])
				r.snap("suggest")
				r.keys("f")
				r.waitFor(w[2])
				r.snap("form")
				r.tm.Type("100")
				r.keys("enter")
				r.waitFor(w[3])
				r.snap("budget")
				// online only, for this suggestion
				r.keys("f")
				r.waitFor(w[2])
				for range 7 {
					r.keys("tab")
				}
				r.tm.Send(tea.KeyPressMsg{Code: tea.KeyRight})
				r.keys("enter")
				r.waitFor(w[4], w[3])
				r.finish()
			})
		}
	}
}
