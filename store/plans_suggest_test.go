package store

import (
	"context"
	"iter"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

func planOffer(sid, title string, price catalog.Money, hours float64, skills ...string) catalog.Offer {
	var los []catalog.Outcome
	for _, s := range skills {
		los = append(los, catalog.Outcome{Text: "can " + s, Skills: []catalog.SkillRef{{URI: "http://data.europa.eu/esco/skill/" + s, Label: s}}})
	}
	return catalog.Offer{Source: "t", SourceID: sid, Title: title, Provider: "CVO Test", AwardingBody: "CVO Test", Country: "BE",
		Region: "BE21", Outcomes: los, Hours: &hours, EQF: 4, Assessment: "exam", Mode: catalog.ModeOnline, QA: "accredited",
		Languages: []string{"nl"}, Price: &price, Currency: "EUR", Schemes: []string{"ila"}, Status: catalog.StatusActive}
}

func offersSeq(os ...catalog.Offer) iter.Seq2[catalog.Offer, error] {
	return func(yield func(catalog.Offer, error) bool) {
		for _, o := range os {
			if !yield(o, nil) {
				return
			}
		}
	}
}

// planRegister is a small register with prerequisites by title and by
// relation, a stack, and an occupation whose essential skills it teaches
// all but one of.
func planRegister(t *testing.T, st *Store) {
	t.Helper()
	ctx := context.Background()
	m1 := planOffer("m1", "Module 1", 10000, 20, "s1")
	m2 := planOffer("m2", "Module 2", 10000, 20, "s2", "s3")
	m2.Prerequisites = []string{"Module 1", "Upper secondary education"}
	m3 := planOffer("m3", "Module 3", 5000, 10, "s4")
	m3.Relations = []catalog.Relation{{Kind: catalog.PrerequisiteOf, Target: "m4"}, {Kind: catalog.StacksTowards, Target: "whole"}}
	m4 := planOffer("m4", "Module 4", 5000, 10, "s5")
	dear := planOffer("dear", "All in one", 90000, 40, "s2", "s3", "s4", "s5")
	whole := planOffer("whole", "Certificate", 0, 0)
	for _, m := range []*catalog.Offer{&m1, &m2} {
		m.Relations = append(m.Relations, catalog.Relation{Kind: catalog.StacksTowards, Target: "whole"})
	}
	if _, err := st.ImportOffers(ctx, "t", offersSeq(m1, m2, m3, m4, dear, whole), OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := st.DB().Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	occ := "http://data.europa.eu/esco/occupation/o1"
	exec(`INSERT INTO esco_concepts (uri, kind, created_at, created_by, updated_at, updated_by) VALUES (?, 'occupation', '', '', '', '')`, occ)
	exec(`INSERT INTO esco_texts (uri, lang, preferred, hash, updated_at) VALUES (?, 'en', 'test occupation', '', '')`, occ)
	for i, s := range []string{"s1", "s2", "s3", "s4", "s5", "s6", "s7"} {
		uri := "http://data.europa.eu/esco/skill/" + s
		rel := "essential"
		if s == "s7" {
			rel = "optional"
		}
		exec(`INSERT INTO esco_concepts (uri, kind, created_at, created_by, updated_at, updated_by) VALUES (?, 'skill', '', '', '', '')`, uri)
		exec(`INSERT INTO esco_texts (uri, lang, preferred, hash, updated_at) VALUES (?, 'en', ?, '', '')`, uri, "skill "+string(rune('a'+i)))
		exec(`INSERT INTO esco_occupation_skills (occupation_uri, skill_uri, relation, created_at, updated_at) VALUES (?, ?, ?, '', '')`, occ, uri, rel)
	}
}

func TestSuggestThroughStore(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	planRegister(t, st)
	ann := newPerson(t, st, "Ann")
	ann.Skills = []sessions.HeldSkill{{URI: "http://data.europa.eu/esco/skill/s1", Evidence: sessions.SelfDeclared}}
	if _, err := st.UpdatePerson(ctx, ann); err != nil {
		t.Fatal(err)
	}
	post(t, st, sessions.Entry{PersonID: ann.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100000, Key: "acc"})
	oc, err := st.ResolveOccupation(ctx, "http://data.europa.eu/esco/occupation/o1", "en")
	if err != nil {
		t.Fatal(err)
	}
	if len(oc.Essential) != 6 || len(oc.Optional) != 1 || oc.Essential[0].Label != "skill a" {
		t.Fatalf("occupation %+v", oc)
	}
	today := catalog.NewDate(2026, 12, 3)
	in, err := st.SuggestInput(ctx, ann.ID, nil, oc, catalog.Constraints{}, today)
	if err != nil {
		t.Fatal(err)
	}
	sg := catalog.Suggest(in)
	if len(sg.Pathways) == 0 {
		t.Fatalf("no pathway: %+v", sg)
	}
	var titles []string
	for _, s := range sg.Pathways[0].Steps {
		titles = append(titles, s.Title)
	}
	// m1 teaches a held skill but is the prerequisite of m2 (by title);
	// m3 is the prerequisite of m4 (by relation).
	if want := []string{"Module 1", "Module 2", "Module 3", "Module 4"}; !slices.Equal(titles, want) {
		t.Fatalf("pathway %v, want %v", titles, want)
	}
	if len(sg.Untaught) != 1 || sg.Untaught[0].URI != "http://data.europa.eu/esco/skill/s6" {
		t.Errorf("untaught %+v", sg.Untaught)
	}
	if len(sg.Pathways) < 2 || sg.Pathways[1].Steps[0].Title != "All in one" {
		t.Errorf("alternative: %+v", sg.Pathways[1:])
	}

	// The gap with Module 2 in the plan: s1 held, s2 and s3 planned.
	p, _ := st.CurrentPlan(ctx, ann.ID, true)
	m2, err := st.Offer(ctx, "t:m2")
	if err != nil {
		t.Fatal(err)
	}
	p, err = st.AddStep(ctx, p.ID, sessions.Step{Title: m2.Title, OfferID: m2.ID})
	if err != nil {
		t.Fatal(err)
	}
	g, err := st.Gap(ctx, ann.ID, &p, oc, today)
	if err != nil {
		t.Fatal(err)
	}
	if e := g.Essential; e.Total != 6 || len(e.Covered) != 1 || len(e.Planned) != 2 || len(e.Missing) != 3 {
		t.Fatalf("gap %+v", e)
	}
	// Module 2 without Module 1 earlier: a prerequisite warning.
	rep, err := planReport(ctx, st, p, today)
	if err != nil {
		t.Fatal(err)
	}
	// Added without funding lines: its price is asked of no scheme either.
	if len(rep.Warnings) != 2 || rep.Warnings[0].Code != sessions.WarnPrerequisite || rep.Warnings[0].Other != "Module 1" ||
		rep.Warnings[1].Code != sessions.WarnUnfunded || rep.Warnings[1].Own != 10000 {
		t.Fatalf("warnings %+v", rep.Warnings)
	}
	// Stack progress towards the certificate: one of three parts planned.
	whole, _ := st.Offer(ctx, "t:whole")
	p, _ = st.UpdatePlan(ctx, p.ID, func(_ *PlanTx, p *sessions.Plan) error { p.StackTarget = whole.ID; return nil })
	rep, _ = planReport(ctx, st, p, today)
	if sp := rep.Totals.Stack; sp == nil || sp.Parts != 3 || sp.PartsPlanned != 1 || sp.PartsMissing != 2 {
		t.Fatalf("stack %+v", rep.Totals.Stack)
	}
}

func TestPlanFactsFollowImports(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	planRegister(t, st)
	uri := []string{"http://data.europa.eu/esco/skill/s5"}
	cs, err := st.Candidates(ctx, uri, CandidateQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, c := range cs {
		titles = append(titles, c.Title)
	}
	slices.Sort(titles)
	if want := []string{"All in one", "Module 3", "Module 4"}; !slices.Equal(titles, want) {
		t.Fatalf("candidates for s5: %v, want %v (Module 3 as prerequisite)", titles, want)
	}
	m4 := planOffer("m4", "Module 4 (new)", 5000, 12, "s5")
	if _, err := st.ImportOffers(ctx, "t", offersSeq(m4), OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	cs, _ = st.Candidates(ctx, uri, CandidateQuery{})
	for _, c := range cs {
		if c.SourceID == "m4" && (c.Title != "Module 4 (new)" || c.Hours != 12) {
			t.Fatalf("stale facts after re-import: %+v", c)
		}
	}
}

// TestGapRealESCO: a person holding the four ESCO skills of the ELM Annex I
// sample who targets "community artist" covers 1 of its 24 essential
// skills; the gap lists the other 23 (through the store: ESCO import,
// occupation matching by label, held skills, gap).
func TestGapRealESCO(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the ESCO download")
	}
	elm, err := os.ReadFile(sharedData(t, "elm", "Sample-MC-Annex1-unsigned.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st := openTemp(t)
	if _, err := st.ImportESCO(ctx, escoEN(t)...); err != nil {
		t.Fatal(err)
	}
	ann := newPerson(t, st, "Ann")
	for _, u := range regexp.MustCompile(`http://data\.europa\.eu/esco/skill/[0-9a-f-]+`).FindAllString(string(elm), -1) {
		if !slices.ContainsFunc(ann.Skills, func(h sessions.HeldSkill) bool { return h.URI == u }) {
			ann.Skills = append(ann.Skills, sessions.HeldSkill{URI: u, Evidence: sessions.SelfDeclared})
		}
	}
	if len(ann.Skills) != 4 {
		t.Fatalf("%d ESCO skills in the ELM sample, want 4", len(ann.Skills))
	}
	if _, err := st.UpdatePerson(ctx, ann); err != nil {
		t.Fatal(err)
	}
	oc, err := st.ResolveOccupation(ctx, "community artist", "en")
	if err != nil {
		t.Fatal(err)
	}
	g, err := st.Gap(ctx, ann.ID, nil, oc, catalog.NewDate(2026, 12, 3))
	if err != nil {
		t.Fatal(err)
	}
	if e := g.Essential; oc.Label != "community artist" || e.Total != 24 || len(e.Covered) != 1 || len(e.Missing) != 23 {
		t.Fatalf("%s: total %d covered %d missing %d, want 24, 1, 23", oc.Label, e.Total, len(e.Covered), len(e.Missing))
	}
	if got := g.Essential.Covered[0].Label; got != "communicate with target community" {
		t.Errorf("covered %q", got)
	}
}

// planReport checks and totals a plan as the application does (app.Report).
func planReport(ctx context.Context, st *Store, p sessions.Plan, today catalog.Date) (struct {
	Warnings []sessions.Warning
	Totals   sessions.PlanTotals
}, error) {
	var r struct {
		Warnings []sessions.Warning
		Totals   sessions.PlanTotals
	}
	c, err := st.PlanContext(ctx, &p, today)
	if err != nil {
		return r, err
	}
	r.Warnings, r.Totals = sessions.Check(&p, &c), sessions.Tally(&p, &c)
	return r, nil
}
