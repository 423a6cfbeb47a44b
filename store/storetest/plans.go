package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

func stepTitles(p sessions.Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.Title)
	}
	return out
}

func testPlanRoundTripAndOrder(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	ann := newPerson(t, st, "Ann Peeters")
	if _, err := st.CurrentPlan(ctx, ann.ID, false); !errors.Is(err, store.ErrNoPlan) {
		t.Fatalf("no plan yet: err %v, want ErrNoPlan", err)
	}
	p, err := st.CurrentPlan(ctx, ann.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Agreed || p.Name != "Plan 1" || p.CreatedBy != "tester" || !p.CreatedAt.Equal(Clock) || len(p.Steps) != 0 || p.Steps == nil {
		t.Fatalf("first plan %+v", p)
	}
	p, err = st.AddStep(ctx, p.ID,
		sessions.Step{Title: "A", OfferID: "o-a", Funding: []sessions.FundingLine{{Scheme: "ila", Amount: 30000}, {Scheme: "leave", Amount: 600}, {Scheme: "voucher", Amount: 100}}},
		sessions.Step{Title: "B", Start: catalog.NewDate(2027, 1, 4), End: catalog.NewDate(2027, 2, 1), Note: "evenings"},
		sessions.Step{Title: "C", Kind: sessions.KindValidation})
	if err != nil {
		t.Fatal(err)
	}
	if got := stepTitles(p); !slices.Equal(got, []string{"A", "B", "C"}) {
		t.Fatalf("steps %v", got)
	}
	a := p.Steps[0]
	if a.Status != sessions.StepPlanned || a.Kind != sessions.KindOffer || a.OfferID != "o-a" || p.Steps[1].Start != catalog.NewDate(2027, 1, 4) ||
		p.Steps[1].End != catalog.NewDate(2027, 2, 1) || p.Steps[1].Note != "evenings" || p.Steps[2].Kind != sessions.KindValidation {
		t.Fatalf("step fields %+v", p.Steps)
	}
	if got := []string{a.Funding[0].Scheme, a.Funding[1].Scheme, a.Funding[2].Scheme}; !slices.Equal(got, []string{"voucher", "ila", "leave"}) {
		t.Fatalf("funding order %v, want voucher, ila, leave", got)
	}
	p, err = st.MoveStep(ctx, p.ID, p.Steps[2].ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := stepTitles(p); !slices.Equal(got, []string{"C", "A", "B"}) {
		t.Fatalf("after move %v", got)
	}
	if _, err := st.MoveStep(ctx, p.ID, missingID, 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("move of an unknown step: %v", err)
	}
	again, err := st.Plan(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := stepTitles(again); !slices.Equal(got, []string{"C", "A", "B"}) {
		t.Fatalf("reread %v", got)
	}
	alt, err := st.CreatePlan(ctx, sessions.Plan{PersonID: ann.ID, Name: "Alternative", OccupationURI: "http://data.europa.eu/esco/occupation/x",
		Steps: []sessions.Step{{Title: "Only"}}})
	if err != nil || alt.Agreed || len(alt.Steps) != 1 || alt.OccupationURI == "" {
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
	if _, err := st.CreatePlan(ctx, sessions.Plan{PersonID: missingID}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("plan of nobody: %v", err)
	}
}

func testPlanUpdateIsAllOrNothing(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
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
		{"negative funding", func(p *sessions.Plan) {
			p.Steps = append(p.Steps, sessions.Step{Title: "B", Funding: []sessions.FundingLine{{Scheme: "ila", Amount: -1}}})
		}},
		{"bad status", func(p *sessions.Plan) { p.Steps[0].Status = "lost" }},
		{"step removed", func(p *sessions.Plan) { p.Steps = p.Steps[:0] }},
		{"no title", func(p *sessions.Plan) { p.Steps = append(p.Steps, sessions.Step{}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := st.UpdatePlan(ctx, p.ID, func(p *sessions.Plan) error { tt.fn(p); return nil })
			if err == nil {
				t.Fatal("no error")
			}
			got, _ := st.Plan(ctx, p.ID)
			if !slices.Equal(stepTitles(got), []string{"A"}) || got.Steps[0].Status != sessions.StepPlanned {
				t.Fatalf("plan changed: %+v", got.Steps)
			}
		})
	}
	// A step left as it was keeps its stamps; a changed one is stamped.
	got, err := st.UpdatePlan(ctx, p.ID, func(p *sessions.Plan) error {
		p.Name = "Renamed"
		p.Steps = append(p.Steps, sessions.Step{Title: "B"})
		return nil
	})
	if err != nil || got.Name != "Renamed" || !slices.Equal(stepTitles(got), []string{"A", "B"}) || !got.Steps[0].UpdatedAt.Equal(p.Steps[0].UpdatedAt) {
		t.Fatalf("update: %+v %v", got, err)
	}
	if _, err := st.SetStepStatus(ctx, p.ID, got.Steps[0].ID, "lost"); err == nil {
		t.Fatal("bad status accepted")
	}
}

func testPlanReservations(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
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
	if _, err := st.ReserveStep(ctx, p.ID, a); err != nil {
		t.Fatal(err)
	}
	if got := balanceOf(t, st, ann.ID, "ila"); got.Reserved != 30000 {
		t.Fatalf("second reserve moved funds: %+v", got)
	}
	if _, err := st.ReserveStep(ctx, p.ID, b); !errors.Is(err, store.ErrInsufficient) {
		t.Fatalf("reserve beyond available: %v, want ErrInsufficient", err)
	}
	if got := balanceOf(t, st, ann.ID, "ila"); got.Reserved != 30000 {
		t.Fatalf("refused reserve left %+v", got)
	}
	if _, err := st.ReleaseStep(ctx, p.ID, a); err != nil {
		t.Fatal(err)
	}
	if got := balanceOf(t, st, ann.ID, "ila"); got.Reserved != 0 {
		t.Fatalf("after release %+v", got)
	}
	if _, err := st.ReserveStep(ctx, p.ID, a); err != nil {
		t.Fatal(err)
	}
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
	if _, err := st.ReserveStep(ctx, p.ID, a); err == nil {
		t.Fatal("reserved for a dropped step")
	}
	if _, err := st.ReserveStep(ctx, p.ID, b); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetStepStatus(ctx, p.ID, b, sessions.StepCompleted); err != nil {
		t.Fatal(err)
	}
	if got := balanceOf(t, st, ann.ID, "ila"); got.Balance != 20000 || got.Reserved != 0 {
		t.Fatalf("after completion %+v", got)
	}
	es, _ := st.Entries(ctx, ann.ID, "ila")
	if len(es) != 7 || es[len(es)-1].Kind != sessions.Spend || es[len(es)-1].Ref != sessions.ReserveRef(b) {
		t.Fatalf("ledger: %+v", es)
	}
}

func testErasePersonRemovesPlans(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
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
		if n, err := st.Count(ctx, `SELECT count(*) FROM `+table); err != nil || n != 0 {
			t.Errorf("%s: %d rows left (%v)", table, n, err)
		}
	}
}
