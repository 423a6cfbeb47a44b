package sessions

import (
	"testing"

	"github.com/koers-project/koers/catalog"
)

// TestPathwayFundingWithinSpare: the lines of an accepted pathway never ask
// a scheme more than the plan leaves spare, the same split a suggestion
// shows (catalog.Allocate), so the plan's check finds no gap.
func TestPathwayFundingWithinSpare(t *testing.T) {
	p := &Plan{Steps: []Step{
		{Status: StepPlanned, Funding: []FundingLine{{Scheme: "leave", Amount: 30 * 60, Reserved: 10 * 60}}},
		{Status: StepDropped, Funding: []FundingLine{{Scheme: "ila", Amount: 99900}}},
	}}
	spare := Spare(map[string]int64{"leave": 60 * 60, "ila": 30000}, p)
	if spare["leave"] != 40*60 || spare["ila"] != 30000 {
		t.Fatalf("spare = %v", spare)
	}
	cs := []catalog.Candidate{
		{Price: 20000, Hours: 32, Schemes: []string{"ila", "leave"}},
		{Price: 20000, Hours: 32, Schemes: []string{"ila", "leave"}},
	}
	lines := PathwayFunding(catalog.DefaultRules(), cs, spare)
	asked := map[string]int64{}
	for _, ls := range lines {
		for _, l := range ls {
			asked[l.Scheme] += l.Amount
		}
	}
	if asked["leave"] != 40*60 || asked["ila"] != 30000 {
		t.Errorf("asked = %v, want all that is spare and no more", asked)
	}
	c := PlanContext{Available: map[string]int64{"leave": 60 * 60, "ila": 30000}}
	q := &Plan{Steps: append(p.Steps, Step{Status: StepPlanned, Funding: lines[0]}, Step{Status: StepPlanned, Funding: lines[1]})}
	views := make([]stepView, len(q.Steps))
	for i, s := range q.Steps {
		views[i] = stepView{Step: &q.Steps[i], active: s.Status.Open()}
	}
	f := fund(views, &c)
	for i, g := range f.gap {
		for sc, v := range g {
			if v > 0 {
				t.Errorf("step %d is short %d on %s", i, v, sc)
			}
		}
	}
}
