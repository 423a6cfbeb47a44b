package sessions

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/koers-project/koers/catalog"
)

func offer(id string, price catalog.Money, hours float64, eqf catalog.EQF) catalog.Candidate {
	return catalog.Candidate{ID: id, Source: "t", SourceID: "src-" + id, Title: "Offer " + id, Price: price, Currency: catalog.MainCurrency,
		Hours: hours, ECTS: hours / 25, EQF: eqf, Schemes: []string{catalog.SchemeILA, catalog.SchemeVoucher, catalog.SchemeLeave}}
}

func step(id, offerID string, lines ...FundingLine) Step {
	return Step{ID: id, Kind: KindOffer, OfferID: offerID, Title: "Step " + id, Status: StepPlanned, Funding: lines}
}

func codes(ws []Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.StepID+":"+w.Code)
	}
	return out
}

func TestCheck(t *testing.T) {
	today := catalog.NewDate(2026, 3, 1)
	base := func() (*Plan, *PlanContext) {
		a, b := offer("a", 0, 25, 4), offer("b", 0, 25, 5)
		return &Plan{ID: "p", Steps: []Step{step("1", "a"), step("2", "b")}},
			&PlanContext{Offers: map[string]catalog.Candidate{"a": a, "b": b}, Today: today}
	}
	tests := []struct {
		name string
		edit func(*Plan, *PlanContext)
		want []string
	}{
		{"clean", func(*Plan, *PlanContext) {}, nil},
		{"prerequisite not earlier", func(p *Plan, c *PlanContext) {
			a := c.Offers["a"]
			a.Requires = []string{"b"}
			c.Offers["a"] = a
		}, []string{"1:prerequisite"}},
		{"prerequisite earlier", func(p *Plan, c *PlanContext) {
			b := c.Offers["b"]
			b.Requires = []string{"a"}
			c.Offers["b"] = b
		}, nil},
		{"prerequisite earned", func(p *Plan, c *PlanContext) {
			a := c.Offers["a"]
			a.Requires = []string{"x"}
			c.Offers["a"] = a
			c.Earned = []string{"x"}
		}, nil},
		{"prerequisite of a dropped step does not count", func(p *Plan, c *PlanContext) {
			b := c.Offers["b"]
			b.Requires = []string{"a"}
			c.Offers["b"] = b
			p.Steps[0].Status = StepDropped
		}, []string{"2:prerequisite"}},
		{"free-text prerequisite blocks nothing", func(p *Plan, c *PlanContext) {
			a := c.Offers["a"]
			a.PrereqRefs = []string{"Upper secondary education or equivalent experience"}
			c.Offers["a"] = a
		}, nil},
		{"overlap", func(p *Plan, c *PlanContext) {
			p.Steps[0].Start, p.Steps[0].End = catalog.NewDate(2026, 4, 1), catalog.NewDate(2026, 4, 30)
			p.Steps[1].Start, p.Steps[1].End = catalog.NewDate(2026, 4, 30), catalog.NewDate(2026, 5, 30)
		}, []string{"2:overlap"}},
		{"consecutive dates do not overlap", func(p *Plan, c *PlanContext) {
			p.Steps[0].Start, p.Steps[0].End = catalog.NewDate(2026, 4, 1), catalog.NewDate(2026, 4, 30)
			p.Steps[1].Start, p.Steps[1].End = catalog.NewDate(2026, 5, 1), catalog.NewDate(2026, 5, 30)
		}, nil},
		{"withdrawn", func(p *Plan, c *PlanContext) {
			a := c.Offers["a"]
			a.Withdrawn = true
			c.Offers["a"] = a
		}, []string{"1:withdrawn"}},
		{"offer gone", func(p *Plan, c *PlanContext) { delete(c.Offers, "b") }, []string{"2:missing_offer"}},
		{"start in the past", func(p *Plan, c *PlanContext) {
			a := c.Offers["a"]
			a.Start = catalog.NewDate(2026, 2, 1)
			c.Offers["a"] = a
		}, []string{"1:past_start"}},
		{"past start but enrolled", func(p *Plan, c *PlanContext) {
			a := c.Offers["a"]
			a.Start = catalog.NewDate(2026, 2, 1)
			c.Offers["a"] = a
			p.Steps[0].Status = StepEnrolled
		}, nil},
		{"deadline passed", func(p *Plan, c *PlanContext) {
			a := c.Offers["a"]
			a.Start, a.ApplyBy = catalog.NewDate(2026, 4, 1), catalog.NewDate(2026, 2, 15)
			c.Offers["a"] = a
		}, []string{"1:deadline"}},
		{"EQF jump", func(p *Plan, c *PlanContext) {
			b := c.Offers["b"]
			b.EQF = 6
			c.Offers["b"] = b
		}, []string{"2:eqf_jump"}},
		{"funding beyond available", func(p *Plan, c *PlanContext) {
			p.Steps[0].Funding = []FundingLine{{Scheme: "ila", Amount: 30000}}
			p.Steps[1].Funding = []FundingLine{{Scheme: "ila", Amount: 30000}}
			c.Available = map[string]int64{"ila": 40000}
		}, []string{"2:funding"}},
		{"reserved lines are covered", func(p *Plan, c *PlanContext) {
			p.Steps[0].Funding = []FundingLine{{Scheme: "ila", Amount: 30000, Reserved: 30000}}
			p.Steps[1].Funding = []FundingLine{{Scheme: "ila", Amount: 30000}}
			c.Available = map[string]int64{"ila": 30000}
		}, nil},
		{"part of the price asked of no scheme", func(p *Plan, c *PlanContext) {
			a := c.Offers["a"]
			a.Price = 30000
			c.Offers["a"] = a
			p.Steps[0].Funding = []FundingLine{{Scheme: "ila", Amount: 20000}}
			c.Available = map[string]int64{"ila": 40000}
		}, []string{"1:unfunded"}},
		{"leave hours beyond balance", func(p *Plan, c *PlanContext) {
			p.Steps[1].Funding = []FundingLine{{Scheme: "leave", Amount: 25 * 60}}
			c.Available = map[string]int64{"leave": 20 * 60}
		}, []string{"2:leave"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, c := base()
			tt.edit(p, c)
			if diff := cmp.Diff(tt.want, codes(Check(p, c))); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckFundingGapInUnit(t *testing.T) {
	p := &Plan{Steps: []Step{step("1", "a", FundingLine{Scheme: "ila", Amount: 48000}, FundingLine{Scheme: "leave", Amount: 60 * 60})}}
	c := &PlanContext{Offers: map[string]catalog.Candidate{"a": offer("a", 48000, 60, 5)},
		Available: map[string]int64{"ila": 36000, "leave": 45 * 60}}
	ws := Check(p, c)
	if len(ws) != 2 {
		t.Fatalf("warnings %v", codes(ws))
	}
	if ws[0].Code != WarnFunding || ws[0].Gap != 12000 || ws[0].Own != 12000 {
		t.Errorf("funding: %+v, want gap 120.00 EUR paid out of pocket", ws[0])
	}
	if ws[1].Code != WarnLeave || ws[1].Gap != 15*60 {
		t.Errorf("leave: %+v, want 15 h beyond balance", ws[1])
	}
	tot := Tally(p, c)
	if tot.OutOfPocket != 12000 {
		t.Errorf("out of pocket %v, want 120.00", tot.OutOfPocket)
	}
}

func TestTally(t *testing.T) {
	a, b, c3 := offer("a", 40000, 50, 4), offer("b", 20000, 25, 5), offer("c", 10000, 16, 5)
	a.ECTS, b.ECTS, c3.ECTS = 2, 1, 0.5
	a.Start, a.End = catalog.NewDate(2026, 4, 6), catalog.NewDate(2026, 4, 19) // 2 weeks
	b.Start, b.End = catalog.NewDate(2026, 5, 4), catalog.NewDate(2026, 5, 17) // ends in week 6
	target := catalog.Candidate{ID: "t", Title: "Certificate", ECTS: 6}
	p := &Plan{Steps: []Step{
		step("1", "a", FundingLine{Scheme: "voucher", Amount: 12500}, FundingLine{Scheme: "ila", Amount: 27500, Reserved: 27500}),
		step("2", "b", FundingLine{Scheme: "ila", Amount: 20000}),
		step("3", "c"), // undated, 16 h: 2 weeks at 8 h
		step("4", "a"),
	}}
	p.Steps[0].Status = StepCompleted
	p.Steps[3].Status = StepDropped
	ctx := &PlanContext{Offers: map[string]catalog.Candidate{"a": a, "b": b, "c": c3},
		Available: map[string]int64{"ila": 15000}, Earned: []string{"x"},
		Stack: &Stack{Target: target, Parts: []catalog.Candidate{a, b, {ID: "x", ECTS: 1}, {ID: "y", ECTS: 1.5}}}}
	got := Tally(p, ctx)
	want := PlanTotals{
		Steps: 3, Done: 1, ECTS: 3.5, Hours: 91, Cost: 70000,
		Schemes: []SchemeTotal{
			{Scheme: "ila", Unit: "EUR", Asked: 47500, Covered: 27500 + 15000, Reserved: 27500, Gap: 5000},
			{Scheme: "voucher", Unit: "EUR", Asked: 12500, Covered: 12500},
		},
		OutOfPocket: 5000 + 10000,
		Start:       catalog.NewDate(2026, 4, 6), End: catalog.NewDate(2026, 5, 17),
		Weeks: 6 + 2, WeeklyHours: 91.0 / 8,
		Stack: &StackProgress{TargetID: "t", Title: "Certificate", Parts: 4, PartsDone: 2, PartsPlanned: 1, PartsMissing: 1,
			Credits: 6, CreditsDone: 3, CreditsPlanned: 1, CreditsMissing: 2},
		Currencies: []CurrencyTotal{{Currency: "EUR", Cost: 70000, OutOfPocket: 15000}},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateComparable(catalog.Date{})); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
}

func TestMove(t *testing.T) {
	p := &Plan{Steps: []Step{step("1", ""), step("2", ""), step("3", "")}}
	if err := p.Move("3", 0); err != nil {
		t.Fatal(err)
	}
	if err := p.Move("1", 99); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range p.Steps {
		ids = append(ids, s.ID)
	}
	if !slices.Equal(ids, []string{"3", "2", "1"}) {
		t.Errorf("order %v", ids)
	}
	if err := p.Move("9", 0); err == nil {
		t.Error("moving a missing step: no error")
	}
}

func TestDefaultFunding(t *testing.T) {
	o := offer("a", 48000, 60, 5)
	got := DefaultFunding(RulesFrom(DefaultSchemes()), o, []string{"ila", "voucher", "leave"})
	want := []FundingLine{{Scheme: "voucher", Amount: 12500}, {Scheme: "ila", Amount: 35500}, {Scheme: "leave", Amount: 3600}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if got := DefaultFunding(RulesFrom(DefaultSchemes()), o, []string{"ila"}); len(got) != 1 || got[0].Amount != 48000 {
		t.Errorf("ila only: %+v", got)
	}
}

// twelveStepPlan is a realistic plan for the benchmark: dated steps, a
// prerequisite chain, funding lines on three schemes.
func twelveStepPlan() (*Plan, *PlanContext) {
	p := &Plan{ID: "p"}
	c := &PlanContext{Offers: map[string]catalog.Candidate{}, Today: catalog.NewDate(2026, 1, 1),
		Available: map[string]int64{"ila": 200000, "voucher": 50000, "leave": 125 * 60}}
	for i := range 12 {
		id := fmt.Sprintf("o%02d", i)
		o := offer(id, catalog.Money(20000+i*1000), 30, catalog.EQF(3+i/3))
		o.Start = catalog.NewDate(2026, 2, 1).AddDays(i * 21)
		o.End = o.Start.AddDays(20)
		if i > 0 {
			o.Requires = []string{fmt.Sprintf("o%02d", i-1)}
		}
		c.Offers[id] = o
		p.Steps = append(p.Steps, step(fmt.Sprint(i), id, DefaultFunding(catalog.DefaultRules(), o, nil)...))
	}
	return p, c
}

func BenchmarkCheckAndTally12Steps(b *testing.B) {
	p, c := twelveStepPlan()
	for b.Loop() {
		_ = p.Move("11", 0)
		_ = Check(p, c)
		_ = Tally(p, c)
	}
}
