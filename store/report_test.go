package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/report"
	"github.com/koers-project/koers/sessions"
)

// reportOffers is a small register with every attribute the spending
// tables group by, varied.
func reportFixtureOffers() []catalog.Offer {
	var out []catalog.Offer
	modes := []catalog.Mode{catalog.ModeOnline, catalog.ModeOnsite, catalog.ModeBlended}
	fields := []string{"0613", "0731", "0413", ""}
	for i := range 12 {
		h := float64(20 + 10*i)
		price := catalog.Money(15000 + 5000*i)
		o := catalog.Offer{Source: "t", SourceID: fmt.Sprint("o", i), Title: fmt.Sprint("Offer ", i), Provider: "P", AwardingBody: "P",
			Country: "BE", Region: "BE21", Outcomes: []catalog.Outcome{{Text: "can do"}}, Hours: &h, EQF: catalog.EQF(3 + i%4),
			Assessment: "exam", Mode: modes[i%3], QA: "accredited", Languages: []string{"nl"}, Price: &price, Currency: "EUR",
			Schemes: []string{"ila", "voucher", "leave"}, Status: catalog.StatusActive, ISCED: fields[i%4]}
		if i%3 == 0 {
			o.Stackability = "stackable"
		} else if i%3 == 1 {
			o.Stackability = "stand-alone"
		}
		if i == 11 {
			e := 90.0
			o.ECTS = &e
		}
		out = append(out, o)
	}
	return out
}

// direct adds up a figure straight from the generated files: the value
// and the set of people it is about.
type direct map[string]*struct {
	v      int64
	people map[string]bool
}

func (d direct) add(key, person string, v int64) {
	x, ok := d[key]
	if !ok {
		x = &struct {
			v      int64
			people map[string]bool
		}{people: map[string]bool{}}
		d[key] = x
	}
	x.v += v
	x.people[person] = true
}

func day(t time.Time) report.Day             { return report.DayOf(t.UTC()) }
func cday(d catalog.Date) report.Day         { return report.DayOf(d.Time()) }
func inP(p report.Params, d report.Day) bool { return d != 0 && d >= p.From && d <= p.To }

// computeDirect computes every figure of the report for the people in
// pop, written out plainly (one pass per question) so it shares no code
// with the report's builder.
func computeDirect(pop []sessions.GenPerson, offers map[string]catalog.Offer, p report.Params) (direct, []int) {
	d := direct{}
	var waits []int
	for _, gp := range pop {
		pe := gp.Person
		if p.Centre != "" && pe.Centre != p.Centre || p.Region != "" && !strings.HasPrefix(pe.Region, p.Region) {
			continue
		}
		id := pe.ID
		// Guidance.
		var guided bool
		var first report.Day
		for _, s := range gp.Sessions {
			if s.Attended && (first == 0 || day(s.At) < first) {
				first = day(s.At)
			}
			if !inP(p, day(s.At)) {
				continue
			}
			d.add("guidance.sessions|sessions|people", id, 1)
			if s.Attended {
				guided = true
				d.add("guidance.sessions|sessions|held", id, 1)
			} else {
				d.add("guidance.sessions|sessions|no_show", id, 1)
			}
			for _, a := range s.Actions {
				d.add("guidance.actions|actions|agreed", id, 1)
				if a.Status == "done" {
					d.add("guidance.actions|actions|done", id, 1)
				}
			}
		}
		if d["guidance.sessions|sessions|people"] != nil {
			d["guidance.sessions|sessions|people"].v = int64(len(d["guidance.sessions|sessions|people"].people))
		}
		// Steps.
		ev := map[string]map[sessions.StepStatus]report.Day{}
		for _, o := range gp.Outcomes {
			if ev[o.StepID] == nil {
				ev[o.StepID] = map[sessions.StepStatus]report.Day{}
			}
			ev[o.StepID][o.Status] = cday(o.On)
		}
		started, completed := false, false
		var firstEnrol report.Day
		stepOf := map[string]sessions.Step{}
		if gp.Plan != nil {
			for _, st := range gp.Plan.Steps {
				stepOf[st.ID] = st
				e, c, x := ev[st.ID][sessions.StepEnrolled], ev[st.ID][sessions.StepCompleted], ev[st.ID][sessions.StepDropped]
				if e != 0 && (firstEnrol == 0 || e < firstEnrol) {
					firstEnrol = e
				}
				end := c
				if end == 0 {
					end = x
				}
				if e != 0 && e <= p.To && (end == 0 || end >= p.From) {
					started = true
				}
				if inP(p, c) {
					completed = true
				}
				for col, dd := range map[string]report.Day{"enrolled": e, "completed": c, "dropped": x} {
					if inP(p, dd) {
						d.add("outcomes.steps|steps|"+col, id, 1)
					}
				}
				if inP(p, e) {
					o := offers[st.OfferID]
					own := int64(*o.Price)
					for _, f := range st.Funding {
						if f.Scheme != "leave" {
							own -= f.Amount
						}
					}
					if own > 0 {
						for _, k := range spentKeys(o) {
							d.add("spent."+k+"|out_of_pocket", id, own)
						}
					}
				}
			}
		}
		if inP(p, firstEnrol) && first != 0 && first <= firstEnrol {
			w := int(firstEnrol.Time().Sub(first.Time()).Hours() / 24)
			d.add("outcomes.wait|first_enrolment|median_days", id, 0)
			waits = append(waits, w)
		}
		if guided {
			stage := "no_plan"
			switch {
			case completed:
				stage = "completed"
			case started:
				stage = "in_training"
			case gp.Plan != nil && len(gp.Plan.Steps) > 0 && day(gp.Plan.CreatedAt) <= p.To:
				stage = "plan_not_started"
			}
			age := "unknown"
			if a := int(p.To)/10000 - pe.BirthYear; pe.BirthYear != 0 {
				age = map[bool]string{true: "lt25"}[a < 25]
				for _, b := range []struct {
					hi   int
					name string
				}{{35, "25-34"}, {45, "35-44"}, {55, "45-54"}, {65, "55-64"}, {200, "65+"}} {
					if age == "" && a < b.hi {
						age = b.name
					}
				}
			}
			gender := cmpOr(pe.Gender, "unknown")
			edu := "unknown"
			switch {
			case pe.EQF == 1 || pe.EQF == 2:
				edu = "eqf1-2"
			case pe.EQF == 3 || pe.EQF == 4:
				edu = "eqf3-4"
			case pe.EQF >= 5:
				edu = "eqf5-8"
			}
			region := "unknown"
			if len(pe.Region) >= 4 {
				region = pe.Region[:4]
			}
			for dim, row := range map[string]string{"age": age, "gender": gender, "education": edu, "employment": cmpOr(pe.Employment, "unknown"), "region": region} {
				for _, r := range []string{row, "total"} {
					for _, c := range []string{stage, "total"} {
						d.add("participation."+dim+"|"+r+"|"+c, id, 1)
					}
				}
			}
			low, unemp := pe.EQF == 1 || pe.EQF == 2, pe.Employment == sessions.Unemployed
			for row, on := range map[string]bool{"low_qualified": low, "unemployed": unemp, "low_qualified_unemployed": low && unemp} {
				if on {
					for _, c := range []string{stage, "total"} {
						d.add("participation.focus|"+row+"|"+c, id, 1)
					}
				}
			}
			held := map[string]bool{}
			for _, e := range gp.Entries {
				held[e.Scheme] = true
			}
			for sc := range held {
				for _, c := range []string{stage, "total"} {
					d.add("participation.scheme|"+sc+"|"+c, id, 1)
				}
			}
		}
		// Ledger.
		for _, e := range gp.Entries {
			if !inP(p, day(e.Effective)) {
				continue
			}
			month := day(e.Effective).Month()
			d.add("entitlements."+e.Scheme+"|"+month+"|"+string(e.Kind), id, e.Amount)
			d.add("entitlements."+e.Scheme+"|total|"+string(e.Kind), id, e.Amount)
			if e.Kind == sessions.TopUp {
				d.add("topups."+e.Scheme+"|"+cmpOr(e.Funder, "unknown")+"|amount", id, e.Amount)
				d.add("topups."+e.Scheme+"|total|amount", id, e.Amount)
			}
			if e.Kind == sessions.Spend {
				st := stepOf[strings.TrimPrefix(e.Ref, "plan-step:")]
				for _, k := range spentKeys(offers[st.OfferID]) {
					d.add("spent."+k+"|"+e.Scheme, id, e.Amount)
				}
			}
		}
		for _, c := range gp.Credentials {
			if inP(p, cday(c.Issued)) {
				d.add("outcomes.credentials|credentials|earned", id, 1)
			}
		}
		for _, e := range gp.Employment {
			if inP(p, cday(e.On)) {
				col := map[int]string{6: "m6", 12: "m12"}[e.Months]
				d.add("outcomes.employment|"+e.Situation+"|"+col, id, 1)
				d.add("outcomes.employment|total|"+col, id, 1)
			}
		}
	}
	sort.Ints(waits)
	if n := len(waits); n > 0 {
		m := waits[n/2]
		if n%2 == 0 {
			m = (waits[n/2-1] + waits[n/2]) / 2
		}
		d["outcomes.wait|first_enrolment|median_days"].v = int64(m)
	}
	return d, waits
}

// spentKeys is "dim|row" for every spending table the offer's spend
// lands in, the total rows included.
func spentKeys(o catalog.Offer) []string {
	eqf := "unknown"
	if o.EQF >= 1 && o.EQF <= 8 {
		eqf = fmt.Sprint(int(o.EQF))
	}
	field := "unknown"
	if len(o.ISCED) >= 2 {
		field = o.ISCED[:2]
	}
	micro := "unknown"
	if o.ECTS != nil {
		micro = map[bool]string{true: "yes", false: "no"}[*o.ECTS < 60]
	} else if o.Hours != nil {
		micro = map[bool]string{true: "yes", false: "no"}[*o.Hours < 1500]
	}
	stack := map[string]string{"stackable": "yes", "stand-alone": "no", "": "unknown"}[o.Stackability]
	mode := cmpOr(string(o.Mode), "unknown")
	var out []string
	for dim, row := range map[string]string{"eqf": eqf, "field": field, "mode": mode, "micro": micro, "stackable": stack} {
		out = append(out, dim+"|"+row, dim+"|total")
	}
	return out
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TestReportMatchesDirectComputation generates a population, runs the
// report through the store and checks every printed figure against the
// same figure computed straight from the generated files; every printed
// cell is about at least k people, and a fair share of cells is printed
// (the check has teeth).
func TestReportMatchesDirectComputation(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	fix := reportFixtureOffers()
	if _, err := st.ImportOffers(ctx, "t", func(yield func(catalog.Offer, error) bool) {
		for _, o := range fix {
			if !yield(o, nil) {
				return
			}
		}
	}, OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	gen, err := st.GenOffers(ctx, 100)
	if err != nil || len(gen) != len(fix) {
		t.Fatalf("gen offers: %d, %v", len(gen), err)
	}
	offers := map[string]catalog.Offer{}
	for _, g := range gen {
		o, err := st.Offer(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		offers[g.ID] = o
	}
	asOf := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	pop := slices.Collect(sessions.GeneratePopulation(7, 1500, gen, asOf))
	if n, _, err := st.WritePopulation(ctx, slices.Values(pop)); err != nil || n != len(pop) {
		t.Fatalf("write population: %d, %v", n, err)
	}
	for _, p := range []report.Params{
		{From: 20251202, To: 20261201, K: 5},
		{From: 20251202, To: 20261201, K: 6, Centre: "gent"},
		{From: 20251202, To: 20261201, K: 5, Region: "BE2"},
	} {
		t.Run(fmt.Sprintf("%s-%s-k%d-%s%s", p.From, p.To, p.K, p.Centre, p.Region), func(t *testing.T) {
			r, err := st.RunReport(ctx, p, "json")
			if err != nil {
				t.Fatal(err)
			}
			want, waits := computeDirect(pop, offers, p)
			if len(waits) < p.K {
				t.Errorf("only %d people enrolled in the period: too few to test the wait", len(waits))
			}
			printed, total := 0, 0
			for _, s := range r.Sections {
				for _, tb := range s.Tables {
					for i, row := range tb.Rows {
						for j, col := range tb.Cols {
							cl := tb.Cells[i][j]
							total++
							key := tb.ID + "|" + row + "|" + col
							var wv int64
							var wn int
							if x := want[key]; x != nil {
								wv, wn = x.v, len(x.people)
							}
							if cl.Suppressed {
								if cl.Value != 0 {
									t.Errorf("%s: suppressed cell keeps value %d", key, cl.Value)
								}
								continue
							}
							printed++
							if cl.Value != wv {
								t.Errorf("%s: report %d, direct %d", key, cl.Value, wv)
							}
							if wn < p.K {
								t.Errorf("%s: printed, about %d people (k=%d)", key, wn, p.K)
							}
						}
					}
				}
			}
			if printed*3 < total {
				t.Errorf("only %d of %d cells printed: the population is too small to test the figures", printed, total)
			}
			// The run is audited with its parameters and nothing else.
			runs, err := st.ReportRuns(ctx)
			if err != nil || len(runs) == 0 {
				t.Fatalf("report runs %v %v", runs, err)
			}
			var got struct {
				From   string `json:"from"`
				K      int    `json:"k"`
				Format string `json:"format"`
			}
			if err := json.Unmarshal([]byte(runs[len(runs)-1].Detail), &got); err != nil || got.From != p.From.String() || got.K != p.K || got.Format != "json" {
				t.Errorf("audit detail %q", runs[len(runs)-1].Detail)
			}
		})
	}
}
