package store

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

func stepTitles(p sessions.Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.Title)
	}
	return out
}

func TestPlanRoundTripAndOrder(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	ann := newPerson(t, st, "Ann Peeters")
	if _, err := st.CurrentPlan(ctx, ann.ID, false); !errors.Is(err, ErrNoPlan) {
		t.Fatalf("no plan yet: err %v, want ErrNoPlan", err)
	}
	p, err := st.CurrentPlan(ctx, ann.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Agreed || p.Name != "Plan 1" || p.CreatedBy != "tester" {
		t.Fatalf("first plan %+v", p)
	}
	p, err = st.AddStep(ctx, p.ID,
		sessions.Step{Title: "A", OfferID: "o-a", Funding: []sessions.FundingLine{{Scheme: "ila", Amount: 30000}, {Scheme: "leave", Amount: 600}}},
		sessions.Step{Title: "B", Start: catalog.NewDate(2027, 1, 4), End: catalog.NewDate(2027, 2, 1)},
		sessions.Step{Title: "C", Kind: sessions.KindValidation})
	if err != nil {
		t.Fatal(err)
	}
	if got := stepTitles(p); !slices.Equal(got, []string{"A", "B", "C"}) {
		t.Fatalf("steps %v", got)
	}
	if p.Steps[0].Status != sessions.StepPlanned || p.Steps[1].Start != catalog.NewDate(2027, 1, 4) || len(p.Steps[0].Funding) != 2 {
		t.Fatalf("step fields %+v", p.Steps)
	}
	p, err = st.MoveStep(ctx, p.ID, p.Steps[2].ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := stepTitles(p); !slices.Equal(got, []string{"C", "A", "B"}) {
		t.Fatalf("after move %v", got)
	}
	again, err := st.Plan(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := stepTitles(again); !slices.Equal(got, []string{"C", "A", "B"}) {
		t.Fatalf("reread %v", got)
	}
	// A second plan is an alternative until agreed.
	alt, err := st.CreatePlan(ctx, sessions.Plan{PersonID: ann.ID, Name: "Alternative"})
	if err != nil || alt.Agreed {
		t.Fatalf("alternative %+v %v", alt, err)
	}
	if err := st.AgreePlan(ctx, alt.ID); err != nil {
		t.Fatal(err)
	}
	cur, err := st.CurrentPlan(ctx, ann.ID, false)
	if err != nil || cur.ID != alt.ID {
		t.Fatalf("current plan %s %v, want the agreed alternative", cur.ID, err)
	}
	ps, _ := st.Plans(ctx, ann.ID)
	if len(ps) != 2 || !ps[0].Agreed || ps[1].Agreed {
		t.Fatalf("plans %+v", ps)
	}
}

func TestPlanUpdateIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	ann := newPerson(t, st, "Ann")
	p, _ := st.CurrentPlan(ctx, ann.ID, true)
	p, _ = st.AddStep(ctx, p.ID, sessions.Step{Title: "A"})
	tests := []struct {
		name string
		fn   func(*sessions.Plan)
	}{
		{"unknown scheme", func(p *sessions.Plan) {
			p.Steps = append(p.Steps, sessions.Step{Title: "B", Funding: []sessions.FundingLine{{Scheme: "nope", Amount: 1}}})
		}},
		{"bad status", func(p *sessions.Plan) { p.Steps[0].Status = "lost" }},
		{"step removed", func(p *sessions.Plan) { p.Steps = p.Steps[:0] }},
		{"no title", func(p *sessions.Plan) { p.Steps = append(p.Steps, sessions.Step{}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := st.UpdatePlan(ctx, p.ID, func(_ *PlanTx, p *sessions.Plan) error { tt.fn(p); return nil })
			if err == nil {
				t.Fatal("no error")
			}
			got, _ := st.Plan(ctx, p.ID)
			if !slices.Equal(stepTitles(got), []string{"A"}) || got.Steps[0].Status != sessions.StepPlanned {
				t.Fatalf("plan changed: %+v", got.Steps)
			}
		})
	}
}

func TestPlanReservations(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	ann := newPerson(t, st, "Ann")
	post(t, st, sessions.Entry{PersonID: ann.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 50000, Key: "acc"})
	post(t, st, sessions.Entry{PersonID: ann.ID, Scheme: "leave", Kind: sessions.Accrual, Amount: 125 * 60, Key: "acc"})
	p, _ := st.CurrentPlan(ctx, ann.ID, true)
	p, _ = st.AddStep(ctx, p.ID,
		sessions.Step{Title: "A", Funding: []sessions.FundingLine{{Scheme: "ila", Amount: 30000}, {Scheme: "leave", Amount: 40 * 60}}},
		sessions.Step{Title: "B", Funding: []sessions.FundingLine{{Scheme: "ila", Amount: 30000}}})
	a, b := p.Steps[0].ID, p.Steps[1].ID
	p, err := st.ReserveStep(ctx, p.ID, a)
	if err != nil {
		t.Fatal(err)
	}
	if l := p.Steps[0].Funding; l[0].Reserved != 30000 || l[1].Reserved != 40*60 {
		t.Fatalf("reserved %+v", l)
	}
	if got := balanceOf(t, st, ann.ID, "ila"); got.Available != 20000 || got.Reserved != 30000 {
		t.Fatalf("ila after reserve %+v", got)
	}
	// Reserving again changes nothing.
	if _, err := st.ReserveStep(ctx, p.ID, a); err != nil {
		t.Fatal(err)
	}
	if got := balanceOf(t, st, ann.ID, "ila"); got.Reserved != 30000 {
		t.Fatalf("second reserve moved funds: %+v", got)
	}
	// B asks more than is left: refused, nothing reserved.
	if _, err := st.ReserveStep(ctx, p.ID, b); !errors.Is(err, ErrInsufficient) {
		t.Fatalf("reserve beyond available: %v, want ErrInsufficient", err)
	}
	if got := balanceOf(t, st, ann.ID, "ila"); got.Reserved != 30000 {
		t.Fatalf("refused reserve left %+v", got)
	}
	// Dropping A releases its funds; then B fits.
	if p, err = st.SetStepStatus(ctx, p.ID, a, sessions.StepDropped); err != nil {
		t.Fatal(err)
	}
	if got := balanceOf(t, st, ann.ID, "ila"); got.Reserved != 0 || got.Available != 50000 {
		t.Fatalf("after drop %+v", got)
	}
	if got := balanceOf(t, st, ann.ID, "leave"); got.Reserved != 0 {
		t.Fatalf("leave after drop %+v", got)
	}
	if p.Steps[0].Status != sessions.StepDropped || p.Steps[0].Funding[0].Reserved != 0 {
		t.Fatalf("dropped step %+v", p.Steps[0])
	}
	if _, err := st.ReserveStep(ctx, p.ID, b); err != nil {
		t.Fatal(err)
	}
	// Completing B spends the reservation.
	if _, err := st.SetStepStatus(ctx, p.ID, b, sessions.StepCompleted); err != nil {
		t.Fatal(err)
	}
	if got := balanceOf(t, st, ann.ID, "ila"); got.Balance != 20000 || got.Reserved != 0 {
		t.Fatalf("after completion %+v", got)
	}
}

func TestErasePersonRemovesPlans(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	ann := newPerson(t, st, "Ann")
	post(t, st, sessions.Entry{PersonID: ann.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 50000, Key: "acc"})
	p, _ := st.CurrentPlan(ctx, ann.ID, true)
	p, _ = st.AddStep(ctx, p.ID, sessions.Step{Title: "A", Funding: []sessions.FundingLine{{Scheme: "ila", Amount: 100}}})
	if _, err := st.ReserveStep(ctx, p.ID, p.Steps[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := st.ErasePerson(ctx, ann.ID); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"plans", "plan_steps", "plan_funding"} {
		var n int
		if err := st.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d rows left (%v)", table, n, err)
		}
	}
}
