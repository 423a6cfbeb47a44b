package tui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

const plannerOcc = "http://data.europa.eu/esco/occupation/community-artist"

func plannerOffer(sid, title string, price catalog.Money, hours float64, start catalog.Date, days int, skills ...string) catalog.Offer {
	var los []catalog.Outcome
	for _, s := range skills {
		los = append(los, catalog.Outcome{Text: "can " + s, Skills: []catalog.SkillRef{{URI: "http://data.europa.eu/esco/skill/" + s, Label: s}}})
	}
	ects := hours / 25
	return catalog.Offer{Source: "t", SourceID: sid, Title: title, Provider: "CVO Test", AwardingBody: "CVO Test", Country: "BE",
		Region: "BE21", Outcomes: los, Hours: &hours, ECTS: &ects, EQF: 4, Assessment: "exam", Mode: catalog.ModeOnline, QA: "accredited",
		Languages: []string{"nl"}, Price: &price, Currency: "EUR", Schemes: []string{"ila", "voucher", "leave"}, Status: catalog.StatusActive,
		Start: start, End: start.AddDays(days)}
}

// plannerStore is a real store with a small register, an occupation with
// five essential skills, and Ann, whose plan has three steps that draw
// warnings: a prerequisite after its dependant, overlapping dates, funding
// beyond what the ILA and the leave hold, and an EQF jump.
func plannerStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "koers.db"), store.Options{Actor: "counsellor", Now: func() time.Time { return peopleNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	jan := catalog.NewDate(2027, 1, 4)
	basics := plannerOffer("arts-1", "Community arts: basics", 20000, 30, jan, 25, "engage-community")
	project := plannerOffer("arts-2", "Participatory art projects", 60000, 60, jan.AddDays(14), 40, "plan-art-project", "facilitate-workshop")
	project.Prerequisites = []string{"Community arts: basics"}
	project.EQF = 6
	funding := plannerOffer("arts-3", "Funding applications for artists", 15000, 20, jan.AddDays(70), 20, "write-grant")
	more := []catalog.Offer{basics, project, funding,
		plannerOffer("arts-4", "Art mediation", 30000, 30, jan.AddDays(120), 30, "facilitate-workshop", "mediate-art"),
		plannerOffer("arts-5", "Art mediation online", 35000, 30, jan.AddDays(160), 30, "mediate-art"),
		plannerOffer("arts-6", "Documenting your art practice", 10000, 16, jan.AddDays(200), 20, "document-work"),
		plannerOffer("arts-7", "Mediation and documentation", 50000, 50, jan.AddDays(240), 40, "mediate-art", "document-work"),
	}
	_, err = st.ImportOffers(ctx, "t", func(yield func(catalog.Offer, error) bool) {
		for _, o := range more {
			if !yield(o, nil) {
				return
			}
		}
	}, store.OfferImportOptions{})
	must(err)
	exec := func(q string, args ...any) {
		_, err := st.DB().Exec(q, args...)
		must(err)
	}
	exec(`INSERT INTO esco_concepts (uri, kind, created_at, created_by, updated_at, updated_by) VALUES (?, 'occupation', '', '', '', '')`, plannerOcc)
	exec(`INSERT INTO esco_texts (uri, lang, preferred, hash, updated_at) VALUES (?, 'en', 'community artist', '', '')`, plannerOcc)
	for _, s := range []string{"engage-community", "plan-art-project", "facilitate-workshop", "write-grant", "mediate-art", "document-work"} {
		uri := "http://data.europa.eu/esco/skill/" + s
		exec(`INSERT INTO esco_concepts (uri, kind, created_at, created_by, updated_at, updated_by) VALUES (?, 'skill', '', '', '', '')`, uri)
		exec(`INSERT INTO esco_texts (uri, lang, preferred, hash, updated_at) VALUES (?, 'en', ?, '', '')`, uri, strings.ReplaceAll(s, "-", " "))
		exec(`INSERT INTO esco_occupation_skills (occupation_uri, skill_uri, relation, created_at, updated_at) VALUES (?, ?, 'essential', '', '')`, plannerOcc, uri)
	}
	ann, err := st.CreatePerson(ctx, sessions.Person{Name: "Ann Peeters", TargetOccupation: plannerOcc,
		Skills: []sessions.HeldSkill{{URI: "http://data.europa.eu/esco/skill/engage-community", Evidence: sessions.SelfDeclared}}})
	must(err)
	for _, e := range []sessions.Entry{
		{Scheme: "ila", Kind: sessions.Accrual, Amount: 60000, Key: "a1"},
		{Scheme: "ila", Kind: sessions.TopUp, Amount: 90000, Key: "a2", Funder: "VDAB", Reason: "most in need"},
		{Scheme: "voucher", Kind: sessions.Accrual, Amount: 25000, Key: "v1"},
		{Scheme: "leave", Kind: sessions.Accrual, Amount: 60 * 60, Key: "l1"},
	} {
		e.PersonID = ann.ID
		_, err := st.PostEntry(ctx, e)
		must(err)
	}
	p, err := st.CurrentPlan(ctx, ann.ID, true)
	must(err)
	ids := []string{}
	for _, sid := range []string{"t:arts-2", "t:arts-1", "t:arts-3"} {
		o, err := st.Offer(ctx, sid)
		must(err)
		ids = append(ids, o.ID)
	}
	_, err = appOver(t, st, func() time.Time { return peopleNow }).AddOfferSteps(ctx, p.ID, ids...)
	must(err)
	return st, ann.ID
}

func startPlanner(t *testing.T, lang string, w, h int) (*peopleRun, string) {
	t.Helper()
	st, ann := plannerStore(t)
	sh := newShared(locale.Must(), Deps{Plans: appOver(t, st, func() time.Time { return peopleNow }), Register: nil}, Options{Lang: lang, Now: func() time.Time { return peopleNow }})
	p := &peopleProbe{m: newModel(sh, NewPlannerPage(sh, ann))}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h))
	return &peopleRun{t: t, tm: tm, p: p, st: st}, ann
}

func TestPlannerScreen(t *testing.T) {
	for _, sz := range peopleSizes {
		t.Run(sz.name, func(t *testing.T) {
			r, _ := startPlanner(t, "en", sz.w, sz.h)
			r.waitFor("Participatory art projects", "prerequisite not met", "Σ", "Ann Peeters")
			r.golden()
			r.finish()
		})
	}
}

func TestPlannerCoverageScreen(t *testing.T) {
	for _, sz := range peopleSizes {
		t.Run(sz.name, func(t *testing.T) {
			r, _ := startPlanner(t, "en", sz.w, sz.h)
			r.waitFor("Participatory art projects")
			r.keys("c")
			r.waitFor("essential skills covered", "document work", "Ann Peeters")
			r.golden()
			r.finish()
		})
	}
}

func TestPlannerSuggestScreen(t *testing.T) {
	for _, sz := range peopleSizes {
		t.Run(sz.name, func(t *testing.T) {
			r, _ := startPlanner(t, "en", sz.w, sz.h)
			r.waitFor("Participatory art projects")
			r.keys("s")
			r.waitFor("Best pathway", "Alternative 3", "Ann Peeters")
			r.golden()
			r.finish()
		})
	}
}

// TestPlannerEdits reorders, accepts a suggestion, reserves and drops, and
// checks what the store holds after each.
func TestPlannerEdits(t *testing.T) {
	r, ann := startPlanner(t, "en", 120, 40)
	ctx := context.Background()
	r.waitFor("Participatory art projects", "prerequisite not met")
	// Move the basics (step 2) up: the prerequisite warning goes.
	r.keys("j", "K")
	r.waitFor("Moved the step to position 1")
	teatest.WaitFor(t, r.tm.Output(), func([]byte) bool {
		return !strings.Contains(r.p.screen(), "prerequisite not met")
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
	p, _ := r.st.CurrentPlan(ctx, ann, false)
	if p.Steps[0].Title != "Community arts: basics" {
		t.Fatalf("order after K: %s first", p.Steps[0].Title)
	}
	// Reserve step 1, then drop it: the reservation goes back.
	r.keys("k", "r")
	r.waitFor("Reserved the step's funding")
	bal := func(scheme string) sessions.Balance {
		bs, _ := r.st.Balances(ctx, ann)
		b, _ := sessions.BalanceOf(bs, scheme)
		return b
	}
	if b := bal("ila"); b.Reserved == 0 {
		t.Fatalf("nothing reserved: %+v", b)
	}
	r.keys("x")
	r.waitFor("Dropped the step")
	teatest.WaitFor(t, r.tm.Output(), func([]byte) bool { return bal("ila").Reserved == 0 },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
	// Accept the best suggestion: Art mediation joins the plan.
	r.keys("s")
	r.waitFor("Best pathway", "Art mediation")
	r.special('\r')
	r.tm.Send(keyPress("enter"))
	r.waitFor("Added pathway 1 to the plan")
	p, _ = r.st.CurrentPlan(ctx, ann, false)
	found := false
	for _, s := range p.Steps {
		found = found || s.Title == "Art mediation"
	}
	if !found {
		t.Fatalf("accepted pathway not in plan: %+v", p.Steps)
	}
	r.finish()
}

// TestPlanRefusesTheSameOfferTwice: adding an offer the plan has already
// is refused with the reason, in the person's words (en and nl), and the
// plan is unchanged.
func TestPlanRefusesTheSameOfferTwice(t *testing.T) {
	for _, lang := range []struct{ code, want string }{
		{"en", "is in the plan already: an offer is planned once"},
		{"nl", "staat al in het plan: een aanbod wordt één keer gepland"},
	} {
		t.Run(lang.code, func(t *testing.T) {
			ctx := context.Background()
			st, ann := plannerStore(t)
			a := appOver(t, st, func() time.Time { return peopleNow })
			p, err := st.CurrentPlan(ctx, ann, true)
			if err != nil {
				t.Fatal(err)
			}
			before := len(p.Steps)
			_, err = a.AddOfferSteps(ctx, p.ID, p.Steps[0].OfferID)
			var ae *app.Error
			if !errors.As(err, &ae) || ae.Kind != app.Refused || ae.Rule != "one-step-per-offer" {
				t.Fatalf("second add: %v", err)
			}
			sh := newShared(locale.Must(), Deps{}, Options{Lang: lang.code})
			if got := sh.P.Error(err); !strings.Contains(got, lang.want) || !strings.Contains(got, p.Steps[0].Title) {
				t.Errorf("refusal says %q, want %q with the title", got, lang.want)
			}
			if p, _ = st.CurrentPlan(ctx, ann, true); len(p.Steps) != before {
				t.Errorf("plan has %d steps, want %d", len(p.Steps), before)
			}
		})
	}
}
