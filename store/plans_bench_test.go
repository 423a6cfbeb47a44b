package store

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// benchOccupation is "data analyst" (30 essential skills) unless
// KOERS_PLAN_BENCH_OCC names another.
func benchOccupation() string {
	if o := os.Getenv("KOERS_PLAN_BENCH_OCC"); o != "" {
		return o
	}
	return "http://data.europa.eu/esco/occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2"
}

// openBenchDB opens the register named by KOERS_PLAN_BENCH_DB (a copy with
// ESCO loaded; bench/plan.sh makes one), or skips.
func openBenchDB(b *testing.B) *Store {
	b.Helper()
	path := os.Getenv("KOERS_PLAN_BENCH_DB")
	if path == "" {
		b.Skip("KOERS_PLAN_BENCH_DB is not set (bench/plan.sh sets it)")
	}
	st, err := Open(context.Background(), path, Options{Actor: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// medianMS reports the median of the per-iteration times.
func medianMS(b *testing.B, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2])/float64(time.Millisecond), "median-ms")
	b.ReportMetric(float64(ds[len(ds)*9/10])/float64(time.Millisecond), "p90-ms")
}

// BenchmarkSuggestRegister is the measure: suggest for a target of
// about 30 essential skills on the register in KOERS_PLAN_BENCH_DB, from
// fetching the candidates to the three pathways.
func BenchmarkSuggestRegister(b *testing.B) {
	st := openBenchDB(b)
	ctx := context.Background()
	t0 := time.Now()
	if err := st.SyncPlanFacts(ctx, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("planner index sync: %v", time.Since(t0))
	var oc catalog.Occupation
	var err error
	if benchOccupation() == "taught" {
		// A synthetic target: the 30 skills the register teaches most, so
		// every essential skill has tens of thousands of teachers (a real
		// occupation shares one or two skills with a generated register).
		oc = catalog.Occupation{URI: "taught", Label: "30 most-taught skills"}
		rows, err := st.DB().QueryContext(ctx, `SELECT u.uri FROM offer_skill_uris u JOIN plan_skill_offers s ON s.skill = u.id
			GROUP BY u.id ORDER BY count(*) DESC, u.uri LIMIT 30`)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var u string
			if err := rows.Scan(&u); err != nil {
				b.Fatal(err)
			}
			oc.Essential = append(oc.Essential, catalog.SkillRef{URI: u, Label: u})
		}
		rows.Close()
	} else if oc, err = st.OccupationSkills(ctx, benchOccupation(), "en"); err != nil {
		b.Fatal(err)
	}
	person, err := st.CreatePerson(ctx, sessions.Person{Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	k := catalog.Constraints{Budget: map[string]int64{"ila": 300000, "voucher": 50000, "own": 20000}}
	today := catalog.NewDate(2026, 12, 3)
	var ds []time.Duration
	var sg catalog.Suggestion
	var n int
	for b.Loop() {
		t := time.Now()
		in, err := st.SuggestInput(ctx, person.ID, nil, oc, k, today)
		if err != nil {
			b.Fatal(err)
		}
		n = len(in.Candidates)
		sg = catalog.Suggest(in)
		ds = append(ds, time.Since(t))
	}
	medianMS(b, ds)
	b.ReportMetric(float64(n), "candidates")
	if len(sg.Pathways) > 0 {
		b.ReportMetric(float64(len(sg.Pathways[0].Covered)), "covered")
	}
	b.Logf("%s: %d essential, %d candidates, %d pathways, exhaustive %v", oc.Label, len(oc.Essential), n, len(sg.Pathways), sg.Exhaustive)
}

// BenchmarkEditCheckTotals12Steps is "checks and totals after an edit":
// move a step of a 12-step plan in the store, then reload the plan and
// recompute its context, checks and totals.
func BenchmarkEditCheckTotals12Steps(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	st, err := Open(ctx, dir+"/koers.db", Options{Actor: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var offers []catalog.Offer
	for i := range 12 {
		o := benchOffer(i)
		offers = append(offers, o)
	}
	if _, err := st.ImportOffers(ctx, "b", func(yield func(catalog.Offer, error) bool) {
		for _, o := range offers {
			if !yield(o, nil) {
				return
			}
		}
	}, OfferImportOptions{}); err != nil {
		b.Fatal(err)
	}
	person, _ := st.CreatePerson(ctx, sessions.Person{Name: "Bench"})
	if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: person.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 300000, Key: "a"}); err != nil {
		b.Fatal(err)
	}
	p, _ := st.CurrentPlan(ctx, person.ID, true)
	var ids []string
	for i := range 12 {
		o, err := st.Offer(ctx, fmt.Sprintf("b:m%02d", i))
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	var steps []sessions.Step
	for _, id := range ids {
		steps = append(steps, sessions.Step{Kind: sessions.KindOffer, OfferID: id, Title: id})
	}
	if p, err = st.AddStep(ctx, p.ID, steps...); err != nil {
		b.Fatal(err)
	}
	today := catalog.NewDate(2026, 12, 3)
	var ds []time.Duration
	i := 0
	for b.Loop() {
		t := time.Now()
		step := p.Steps[i%12].ID
		if p, err = st.MoveStep(ctx, p.ID, step, (i*5)%12); err != nil {
			b.Fatal(err)
		}
		rep, err := planReport(ctx, st, p, today)
		if err != nil || rep.Totals.Steps != 12 {
			b.Fatal(err, rep.Totals.Steps)
		}
		ds = append(ds, time.Since(t))
		i++
	}
	medianMS(b, ds)
}

func benchOffer(i int) catalog.Offer {
	hours, ects := 30.0, 1.0
	price := catalog.Money(20000 + 1000*i)
	o := catalog.Offer{Source: "b", SourceID: fmt.Sprintf("m%02d", i), Title: fmt.Sprintf("Module %d", i), Provider: "CVO", AwardingBody: "CVO",
		Country: "BE", Outcomes: []catalog.Outcome{{Text: "skill", Skills: []catalog.SkillRef{{URI: fmt.Sprintf("http://data.europa.eu/esco/skill/b%d", i)}}}},
		Hours: &hours, ECTS: &ects, EQF: catalog.EQF(3 + i/4), Assessment: "exam", Mode: catalog.ModeOnline, QA: "qa", Languages: []string{"nl"},
		Price: &price, Currency: "EUR", Schemes: []string{"ila", "voucher", "leave"}, Status: catalog.StatusActive,
		Start: catalog.NewDate(2027, 1, 4).AddDays(21 * i), End: catalog.NewDate(2027, 1, 4).AddDays(21*i + 20)}
	if i > 0 {
		o.Prerequisites = []string{fmt.Sprintf("Module %d", i-1)}
	}
	return o
}
