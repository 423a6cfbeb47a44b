package report

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParamsCheck(t *testing.T) {
	cases := []struct {
		p    Params
		want string
	}{
		{Params{From: 20260101, To: 20261231, K: 5}, ""},
		{Params{From: 20260101, To: 20261231, K: 12}, ""},
		{Params{From: 20260101, To: 20261231, K: 4}, "may only be raised"},
		{Params{From: 20261231, To: 20260101, K: 5}, "before from"},
		{Params{To: 20260101, K: 5}, "period is required"},
	}
	for _, c := range cases {
		err := c.p.Check()
		if (err == nil) != (c.want == "") || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.p, err, c.want)
		}
	}
}

func TestParseDay(t *testing.T) {
	for in, want := range map[string]Day{"2026-03-05": 20260305, "2026-03-05T23:59:59.000Z": 20260305, "": 0, "2026-3-5": 0, "yyyy-mm-dd": 0} {
		if got := ParseDay(in); got != want {
			t.Errorf("ParseDay(%q) = %d, want %d", in, got, want)
		}
	}
	from, to := Last12Months(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC))
	if from != 20251204 || to != 20261203 {
		t.Errorf("last 12 months: %s – %s", from, to)
	}
}

// TestStages: each person guided in the period is in exactly one stage,
// the furthest they reached, and nobody unguided is counted.
func TestStages(t *testing.T) {
	p := Params{From: 20260101, To: 20261231, K: 1}
	guided := []Session{{At: 20260301, Attended: true}}
	recs := []Record{
		{Sessions: guided},                     // no plan
		{Sessions: guided, PlanMade: 20260302}, // plan, not started
		{Sessions: guided, PlanMade: 20260302, Steps: []Step{{Enrolled: 20260310}}},                                     // in training
		{Sessions: guided, PlanMade: 20250302, Steps: []Step{{Enrolled: 20250310, Completed: 20260105}}},                // completed in the period
		{Sessions: guided, PlanMade: 20250302, Steps: []Step{{Enrolled: 20250310, Completed: 20251105}}},                // finished before: plan only
		{Sessions: []Session{{At: 20260301, Attended: false}}, PlanMade: 20260302, Steps: []Step{{Enrolled: 20260310}}}, // not guided
	}
	b := NewBuilder(p, map[string]string{"ila": "EUR"})
	for i := range recs {
		b.Add(&recs[i])
	}
	// k = 1 is below the default, so the builder raises it: use the raw grid.
	b.finishPeople()
	got := map[string]int64{}
	for c, st := range stages {
		got[st] = b.part["age"].rows["total"][c].v
	}
	want := map[string]int64{"no_plan": 1, "plan_not_started": 2, "in_training": 1, "completed": 1}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d, want %d", k, got[k], v)
		}
	}
}

func TestSuppressedCellsCarryNoValue(t *testing.T) {
	p := Params{From: 20260101, To: 20261231, K: 5}
	b := NewBuilder(p, map[string]string{"ila": "EUR"})
	for i := range 7 {
		r := Record{BirthYear: 1980 + i, Sessions: []Session{{At: 20260301, Attended: true}},
			Entries: []Entry{{Scheme: "ila", Kind: "accrual", Amount: 12345, On: 20260301, Step: -1}}}
		b.Add(&r)
	}
	r := b.Report()
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "12345") {
		t.Error("a single person's accrual shows in the JSON")
	}
	c, _ := r.Cell("participation.age", "total", "total")
	if c.Suppressed || c.Value != 7 {
		t.Errorf("total of 7 people: %+v", c)
	}
	c, _ = r.Cell("participation.age", "45-54", "total")
	if !c.Suppressed || c.Value != 0 {
		t.Errorf("a band of fewer than 5: %+v", c)
	}
}
