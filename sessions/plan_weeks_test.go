package sessions

import (
	"testing"

	"github.com/koers-project/koers/catalog"
)

// TestTallyWeeksFromStatedLength is issue 12's four 5-week courses: the
// plan spans 20 weeks (their stated length), not 24 (40 h each at 8 h a
// week would be 5 weeks each, but 45–50 h at 8 h a week was 6–7 each).
func TestTallyWeeksFromStatedLength(t *testing.T) {
	ctx := &PlanContext{Offers: map[string]catalog.Candidate{}}
	p := &Plan{}
	for _, id := range []string{"a", "b", "c", "d"} {
		o := offer(id, 0, 47.5, 0)
		o.Weeks = 5
		ctx.Offers[id] = o
		p.Steps = append(p.Steps, step(id, id))
	}
	if got := Tally(p, ctx).Weeks; got != 20 {
		t.Errorf("weeks %d, want 20", got)
	}
	// Without a stated length, hours at 8 a week: 47.5 h is 6 weeks each.
	for id, o := range ctx.Offers {
		o.Weeks = 0
		ctx.Offers[id] = o
	}
	if got := Tally(p, ctx).Weeks; got != 24 {
		t.Errorf("weeks without a length %d, want 24", got)
	}
}

// TestTallyPerCurrency: a plan with EUR and USD steps keeps a line per
// currency; no scheme pays the USD step; an unknown price is counted, not
// added as 0.
func TestTallyPerCurrency(t *testing.T) {
	eur, usd, unknown := offer("e", 40000, 40, 4), offer("u", 9900, 10, 0), offer("x", 0, 10, 0)
	usd.Currency, unknown.Currency = "USD", ""
	held := []string{catalog.SchemeILA}
	p := &Plan{Steps: []Step{
		step("1", "e", DefaultFunding(catalog.DefaultRules(), eur, held)...),
		step("2", "u", DefaultFunding(catalog.DefaultRules(), usd, held)...),
		step("3", "x"),
	}}
	if len(p.Steps[1].Funding) != 0 {
		t.Errorf("a EUR scheme was asked to pay a USD price: %+v", p.Steps[1].Funding)
	}
	ctx := &PlanContext{Offers: map[string]catalog.Candidate{"e": eur, "u": usd, "x": unknown}, Available: map[string]int64{"ila": 100000}}
	got := Tally(p, ctx)
	want := []CurrencyTotal{{Currency: "EUR", Cost: 40000, OutOfPocket: 0}, {Currency: "USD", Cost: 9900, OutOfPocket: 9900}}
	if len(got.Currencies) != 2 || got.Currencies[0] != want[0] || got.Currencies[1] != want[1] {
		t.Errorf("currencies %+v, want %+v", got.Currencies, want)
	}
	if got.Cost != 40000 || got.OutOfPocket != 0 || got.UnknownPrices != 1 {
		t.Errorf("cost %v own %v unknown %d", got.Cost, got.OutOfPocket, got.UnknownPrices)
	}
	for _, w := range Check(p, ctx) {
		if w.Code == WarnUnfunded && w.StepID == "2" {
			t.Errorf("USD step warned as EUR unfunded: %+v", w)
		}
	}
}
