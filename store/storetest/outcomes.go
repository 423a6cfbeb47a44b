package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// fundedPlan makes a person with an ila balance and a current plan of two
// funded, reserved steps, and returns the plan.
func fundedPlan(t *testing.T, st Target, name string) (sessions.Person, sessions.Plan) {
	t.Helper()
	ctx := context.Background()
	ann := newPerson(t, st, name)
	post(t, st, sessions.Entry{PersonID: ann.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 50000, Key: "acc"})
	p, err := st.CurrentPlan(ctx, ann.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	p, err = st.AddStep(ctx, p.ID,
		sessions.Step{Title: "A", Funding: []sessions.FundingLine{{Scheme: "ila", Amount: 20000}}},
		sessions.Step{Title: "B", Funding: []sessions.FundingLine{{Scheme: "ila", Amount: 10000}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Steps {
		if p, err = st.ReserveStep(ctx, p.ID, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	return ann, p
}

// testStepOutcomes: enrolment, completion (which spends the step's
// reservation) and drop-out (which releases it) are recorded with the
// step's status in one unit of work; the rules refuse an outcome out of
// order, twice, or with another person's credential, and change nothing.
func testStepOutcomes(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	ann, p := fundedPlan(t, st, "Ann")
	a, b := p.Steps[0].ID, p.Steps[1].ID
	today := catalog.DateOf(Clock)
	bob := newPerson(t, st, "Bob")
	bobs, err := st.AddCredential(ctx, credential(bob.ID, "Bob"))
	if err != nil {
		t.Fatal(err)
	}
	mine, err := st.AddCredential(ctx, credential(ann.ID, "Ann"))
	if err != nil {
		t.Fatal(err)
	}

	if _, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: ann.ID, StepID: a, Status: sessions.StepCompleted, On: today.AddDays(1)}); err == nil {
		t.Fatal("an outcome after today was recorded")
	}
	o, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: ann.ID, StepID: a, Status: sessions.StepEnrolled, On: today})
	if err != nil {
		t.Fatal(err)
	}
	if o.ID == "" || o.PlanID != p.ID || o.CreatedBy != "tester" || !o.CreatedAt.Equal(Clock) {
		t.Fatalf("enrolment %+v", o)
	}
	if _, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: ann.ID, StepID: a, Status: sessions.StepEnrolled, On: today}); err == nil {
		t.Fatal("the same enrolment twice was recorded")
	}
	if _, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: ann.ID, StepID: a, Status: sessions.StepCompleted, On: today, CredentialID: bobs.ID}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("completion with another person's credential: %v, want ErrNotFound", err)
	}
	if got := balanceOf(t, st, ann.ID, "ila"); got.Balance != 50000 || got.Reserved != 30000 {
		t.Fatalf("a refused outcome moved funds: %+v", got)
	}
	if _, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: bob.ID, StepID: a, Status: sessions.StepCompleted, On: today}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another person's step: %v, want ErrNotFound", err)
	}
	if _, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: ann.ID, StepID: missingID, Status: sessions.StepCompleted, On: today}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown step: %v, want ErrNotFound", err)
	}
	if _, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: ann.ID, StepID: a, Status: sessions.StepCompleted, On: today, CredentialID: mine.ID}); err != nil {
		t.Fatal(err)
	}
	if got := balanceOf(t, st, ann.ID, "ila"); got.Balance != 30000 || got.Reserved != 10000 {
		t.Fatalf("after completion %+v: the step's 200.00 is spent", got)
	}
	if _, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: ann.ID, StepID: a, Status: sessions.StepDropped, On: today, Reason: "late"}); err == nil {
		t.Fatal("a completed step was dropped")
	}
	if _, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: ann.ID, StepID: b, Status: sessions.StepDropped, On: today}); err == nil {
		t.Fatal("a drop-out without a reason was recorded")
	}
	if _, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{StepID: b, Status: sessions.StepDropped, On: today, Reason: "moved away"}); err != nil {
		t.Fatal(err)
	}
	if got := balanceOf(t, st, ann.ID, "ila"); got.Balance != 30000 || got.Reserved != 0 || got.Available != 30000 {
		t.Fatalf("after drop-out %+v: the step's 100.00 is released", got)
	}
	p, _ = st.Plan(ctx, p.ID)
	if p.Steps[0].Status != sessions.StepCompleted || p.Steps[1].Status != sessions.StepDropped {
		t.Fatalf("step statuses %s, %s", p.Steps[0].Status, p.Steps[1].Status)
	}
	outs, err := st.StepOutcomes(ctx, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 3 || outs[0].Status != sessions.StepEnrolled || outs[1].Status != sessions.StepCompleted || outs[1].CredentialID != mine.ID ||
		outs[2].Reason != "moved away" || outs[2].On != today || outs[2].PersonID != ann.ID {
		t.Fatalf("outcomes %+v", outs)
	}
	if none, err := st.StepOutcomes(ctx, bob.ID); err != nil || len(none) != 0 || none == nil {
		t.Fatalf("Bob's outcomes %v %v, want an empty list", none, err)
	}
	// The person's file carries their outcomes (on every engine).
	if f, err := st.ExportPerson(ctx, ann.ID); err != nil || len(f.StepOutcomes) != 3 || f.StepOutcomes[2].Reason != "moved away" {
		t.Fatalf("export's step outcomes %+v %v", f.StepOutcomes, err)
	}
	if got := auditDetails(t, st, ann.ID, "change"); !containsPrefix(got, "outcome completed step "+a) || !containsPrefix(got, "outcome dropped step "+b) {
		t.Fatalf("audit %v", got)
	}
}

// credential is a complete earned credential of the person.
func credential(personID, learner string) sessions.Credential {
	return sessions.Credential{PersonID: personID, Learner: learner, Title: "Python", Country: "BE",
		AwardingBody: "CVO", Issued: catalog.NewDate(2026, 1, 1), Outcomes: []catalog.Outcome{{Text: "code"}},
		ECTS: new(2.0), EQF: 5, Assessment: "exam", Mode: catalog.ModeOnline, QA: "accredited"}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}

// testEmploymentFollowUps: a plan that ended is due a follow-up at 6 and
// 12 months; recording one (with its follow-up session) takes it off the
// list, twice is a conflict, and a plan still open has none.
func testEmploymentFollowUps(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	ann, p := fundedPlan(t, st, "Ann")
	today := catalog.DateOf(Clock)
	emp := sessions.EmploymentOutcome{PersonID: ann.ID, PlanID: p.ID, Months: 6, Situation: "employed", Source: sessions.SelfReported, On: today}
	if _, err := st.RecordEmployment(ctx, emp, sessions.Phone); err == nil {
		t.Fatal("a follow-up of a plan still open was recorded")
	}
	if due, err := st.FollowUpsDue(ctx, today.AddDays(400)); err != nil || len(due) != 0 {
		t.Fatalf("follow-ups due of an open plan: %+v %v", due, err)
	}
	for _, s := range p.Steps {
		if _, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: ann.ID, StepID: s.ID, Status: sessions.StepEnrolled, On: today}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: ann.ID, StepID: s.ID, Status: sessions.StepCompleted, On: today}); err != nil {
			t.Fatal(err)
		}
	}
	due, err := st.FollowUpsDue(ctx, today.AddDays(400))
	if err != nil {
		t.Fatal(err)
	}
	six, twelve := sessions.FollowUpDue(today, 6), sessions.FollowUpDue(today, 12)
	if len(due) != 2 || due[0].Months != 6 || due[0].Due != six || due[1].Months != 12 || due[1].Due != twelve ||
		due[0].PersonID != ann.ID || due[0].Name != "Ann" || due[0].PlanID != p.ID || due[0].PlanEnd != today {
		t.Fatalf("due %+v", due)
	}
	if soon, _ := st.FollowUpsDue(ctx, six.AddDays(-1)); len(soon) != 0 {
		t.Fatalf("due before the 6 months: %+v", soon)
	}
	bob := newPerson(t, st, "Bob")
	if _, err := st.RecordEmployment(ctx, sessions.EmploymentOutcome{PersonID: bob.ID, PlanID: p.ID, Months: 6, Situation: "employed",
		Source: sessions.SelfReported, On: today}, sessions.Phone); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a follow-up of another person's plan: %v, want ErrNotFound", err)
	}
	e, err := st.RecordEmployment(ctx, emp, sessions.Phone)
	if err != nil {
		t.Fatal(err)
	}
	if e.ID == "" || e.SessionID == "" || e.CreatedBy != "tester" {
		t.Fatalf("follow-up %+v", e)
	}
	gs, err := st.Sessions(ctx, ann.ID, false)
	if err != nil || len(gs) != 1 || gs[0].ID != e.SessionID || !gs[0].Attended || gs[0].Channel != sessions.Phone {
		t.Fatalf("follow-up session %+v %v", gs, err)
	}
	if _, err := st.RecordEmployment(ctx, emp, sessions.Phone); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("the 6-month follow-up twice: %v, want ErrConflict", err)
	}
	twelveOn := emp
	twelveOn.Months, twelveOn.SessionID, twelveOn.Situation = 12, missingID, "student"
	if _, err := st.RecordEmployment(ctx, twelveOn, sessions.Phone); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a follow-up in a session not on the file: %v, want ErrNotFound", err)
	}
	twelveOn.SessionID = e.SessionID
	if _, err := st.RecordEmployment(ctx, twelveOn, ""); err != nil {
		t.Fatal(err)
	}
	if due, _ := st.FollowUpsDue(ctx, today.AddDays(400)); len(due) != 0 {
		t.Fatalf("due after both follow-ups: %+v", due)
	}
	es, err := st.EmploymentOutcomes(ctx, ann.ID)
	if err != nil || len(es) != 2 || es[0].Months != 6 || es[1].Months != 12 || es[1].Situation != "student" || es[0].On != today {
		t.Fatalf("follow-ups %+v %v", es, err)
	}
	if n, err := st.CountFollowUpsDue(ctx, today.AddDays(400)); err != nil || n != 0 {
		t.Fatalf("count %d %v", n, err)
	}
}

// testDefineScheme: a scheme is added with its unit (share 100% unless
// said), an existing code is a conflict and a bad unit is refused.
func testDefineScheme(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	if err := st.DefineScheme(ctx, sessions.Scheme{Code: "fed-days", Unit: sessions.UnitDays, Annual: 500}); err != nil {
		t.Fatal(err)
	}
	sc, err := st.Scheme(ctx, "fed-days")
	if err != nil || sc.Unit != sessions.UnitDays || sc.Annual != 500 || sc.SharePercent != 100 {
		t.Fatalf("scheme %+v %v", sc, err)
	}
	if err := st.DefineScheme(ctx, sessions.Scheme{Code: "fed-days", Unit: sessions.UnitHours}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("an existing code: %v, want ErrConflict", err)
	}
	if err := st.DefineScheme(ctx, sessions.Scheme{Code: "x", Unit: "weeks"}); !errors.Is(err, sessions.ErrBadEntry) {
		t.Fatalf("a bad unit: %v, want ErrBadEntry", err)
	}
	if sc, _ := st.Scheme(ctx, "fed-days"); sc.Unit != sessions.UnitDays {
		t.Fatalf("the unit changed under the code: %+v", sc)
	}
	ann := newPerson(t, st, "Ann")
	post(t, st, sessions.Entry{PersonID: ann.ID, Scheme: "fed-days", Kind: sessions.Accrual, Amount: 300, Key: "a"})
	if got := balanceOf(t, st, ann.ID, "fed-days"); got.Balance != 300 {
		t.Fatalf("balance in the new scheme %+v", got)
	}
}
