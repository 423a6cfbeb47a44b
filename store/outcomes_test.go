package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// TestStepOutcomeMovesLedger: completing a step spends its reservation,
// dropping out of another releases it, in the transaction that records
// the outcome; a credential on someone else's file is refused.
func TestStepOutcomeMovesLedger(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	p, err := st.CreatePerson(ctx, sessions.Person{Name: "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := st.CreatePerson(ctx, sessions.Person{Name: "Bram"})
	if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100000, Key: "a"}); err != nil {
		t.Fatal(err)
	}
	plan, err := st.CreatePlan(ctx, sessions.Plan{PersonID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	plan, err = st.AddStep(ctx, plan.ID,
		sessions.Step{Title: "A", Funding: []sessions.FundingLine{{Scheme: "ila", Amount: 30000}}},
		sessions.Step{Title: "B", Funding: []sessions.FundingLine{{Scheme: "ila", Amount: 20000}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range plan.Steps {
		if _, err := st.ReserveStep(ctx, plan.ID, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	a, b := plan.Steps[0].ID, plan.Steps[1].ID
	cred, err := st.AddCredential(ctx, sessions.Credential{PersonID: other.ID, Learner: "Bram", Title: "X", Country: "BE", AwardingBody: "Y",
		Issued: catalog.NewDate(2026, 11, 1), Outcomes: []catalog.Outcome{{Text: "t"}}, Hours: new(float64), EQF: 4, Assessment: "e", Mode: catalog.ModeOnline, QA: "q"})
	if err != nil {
		t.Fatal(err)
	}
	day := catalog.NewDate(2026, 12, 3)
	if _, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: p.ID, StepID: a, Status: sessions.StepCompleted, On: day, CredentialID: cred.ID}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("someone else's credential: %v", err)
	}
	for _, o := range []sessions.StepOutcome{
		{StepID: a, Status: sessions.StepEnrolled, On: day},
		{StepID: a, Status: sessions.StepCompleted, On: day},
		{StepID: b, Status: sessions.StepDropped, On: day, Reason: "moved"},
	} {
		o.PersonID = p.ID
		if _, err := st.RecordStepOutcome(ctx, o); err != nil {
			t.Fatalf("%s %s: %v", o.StepID, o.Status, err)
		}
	}
	bal := balanceOf(t, st, p.ID, "ila")
	if bal.Balance != 70000 || bal.Reserved != 0 {
		t.Fatalf("after completion and drop-out: %+v, want balance 700.00 and nothing reserved", bal)
	}
	got, _ := st.Plan(ctx, plan.ID)
	if got.Steps[0].Status != sessions.StepCompleted || got.Steps[1].Status != sessions.StepDropped {
		t.Fatalf("statuses %s %s", got.Steps[0].Status, got.Steps[1].Status)
	}
	due, err := st.FollowUpsDue(ctx, catalog.NewDate(2027, 12, 31))
	if err != nil || len(due) != 2 || due[0].Due != catalog.NewDate(2027, 6, 3) || due[1].Due != catalog.NewDate(2027, 12, 3) {
		t.Fatalf("due %+v %v", due, err)
	}
	if n, _ := st.CountFollowUpsDue(ctx, catalog.NewDate(2027, 6, 2)); n != 0 {
		t.Errorf("%d due before six months", n)
	}
}

// TestEraseRemovesOutcomes: a generated file with outcomes and follow-ups
// leaves nothing behind when erased; the export carries them first.
func TestEraseRemovesOutcomes(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	if _, err := st.ImportOffers(ctx, "t", offerSeq(reportFixtureOffers()), OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	offers, _ := st.GenOffers(ctx, 100)
	var victim sessions.GenPerson
	for gp := range sessions.GeneratePopulation(5, 400, offers, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)) {
		if len(gp.Employment) > 0 && len(gp.Outcomes) > 0 {
			victim = gp
			break
		}
	}
	if victim.Person.ID == "" {
		t.Fatal("no generated person with follow-ups")
	}
	if _, _, err := st.WritePopulation(ctx, slices.Values([]sessions.GenPerson{victim})); err != nil {
		t.Fatal(err)
	}
	f, err := st.ExportPerson(ctx, victim.Person.ID)
	if err != nil || len(f.StepOutcomes) != len(victim.Outcomes) || len(f.FollowUps) != len(victim.Employment) {
		t.Fatalf("export: %d outcomes, %d follow-ups, %v", len(f.StepOutcomes), len(f.FollowUps), err)
	}
	if err := st.ErasePerson(ctx, victim.Person.ID); err != nil {
		t.Fatal(err)
	}
	for _, tbl := range []string{"step_outcomes", "employment_outcomes", "plan_steps", "ledger_entries"} {
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM `+tbl+` WHERE person_id=?`, victim.Person.ID).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d rows left, %v", tbl, n, err)
		}
	}
}
