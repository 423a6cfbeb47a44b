package sessions

import (
	"slices"

	"github.com/koers-project/koers/catalog"
)

// SchemeTotal is one scheme's part in a plan, in its minor unit.
type SchemeTotal struct {
	Scheme   string `json:"scheme"`
	Unit     string `json:"unit"`
	Asked    int64  `json:"asked_minor"`    // what the lines ask
	Covered  int64  `json:"covered_minor"`  // reserved, spent or available for it
	Reserved int64  `json:"reserved_minor"` // held in the ledger
	Gap      int64  `json:"gap_minor"`      // asked beyond what is available
}

// StackProgress is how far the plan gets towards a larger credential.
type StackProgress struct {
	TargetID       string  `json:"target"`
	Title          string  `json:"title"`
	Parts          int     `json:"parts"`
	PartsDone      int     `json:"parts_done"`
	PartsPlanned   int     `json:"parts_planned"`
	PartsMissing   int     `json:"parts_missing"`
	Credits        float64 `json:"credits"`
	CreditsDone    float64 `json:"credits_done"`
	CreditsPlanned float64 `json:"credits_planned"`
	CreditsMissing float64 `json:"credits_missing"`
}

// PlanTotals sum a plan's active (not dropped) steps.
type PlanTotals struct {
	Steps       int           `json:"steps"`
	Done        int           `json:"done"`
	ECTS        float64       `json:"ects"`
	Hours       float64       `json:"hours"`
	Cost        catalog.Money `json:"cost"`
	Schemes     []SchemeTotal `json:"schemes"`
	OutOfPocket catalog.Money `json:"out_of_pocket"`
	Start       catalog.Date  `json:"start"`
	End         catalog.Date  `json:"end"`
	// Weeks is the calendar span of dated steps plus, for undated ones,
	// the offer's stated length, else their hours at catalog.WeeklyHours a week.
	Weeks       int            `json:"weeks"`
	WeeklyHours float64        `json:"weekly_hours"`
	Stack       *StackProgress `json:"stack,omitempty"`
	// Currencies is the cost and out-of-pocket per currency, main currency
	// first (issue 12: unlike currencies are never added). Cost and
	// OutOfPocket above are the main currency's line.
	Currencies []CurrencyTotal `json:"currencies"`
	// UnknownPrices counts active steps whose offer states no price: the
	// totals leave them out, and say so.
	UnknownPrices int `json:"unknown_prices"`
}

// Tally computes the plan's totals. Like Check it is pure and cheap.
func Tally(p *Plan, c *PlanContext) PlanTotals {
	vs := views(p, c)
	f := fund(vs, c)
	t := PlanTotals{Schemes: []SchemeTotal{}}
	per := map[string]*SchemeTotal{}
	cur := currencyTotals{}
	undated := 0
	for i, v := range vs {
		if !v.active {
			continue
		}
		t.Steps++
		if v.Status == StepCompleted {
			t.Done++
		}
		t.ECTS += v.ects
		t.Hours += v.hours
		t.tallyDates(v, &undated)
		if v.offer != nil && v.cur == "" {
			t.UnknownPrices++
		}
		if v.cur != "" && v.cur != catalog.MainCurrency {
			// No scheme pays in another currency: all of it is the person's.
			cur.add(v.cur, v.price, v.price)
			continue
		}
		t.Cost += v.price
		own := int64(v.price)
		for _, l := range v.Funding {
			st := per[l.Scheme]
			if st == nil {
				st = &SchemeTotal{Scheme: l.Scheme, Unit: string(c.unit(l.Scheme))}
				per[l.Scheme] = st
			}
			st.Asked += l.Amount
			st.Reserved += l.Reserved
			st.Covered += f.covered[i][l.Scheme]
			st.Gap += f.gap[i][l.Scheme]
			if st.Unit == "EUR" {
				own -= f.covered[i][l.Scheme]
			}
		}
		t.OutOfPocket += catalog.Money(max(own, 0))
	}
	for _, sc := range f.schemes {
		if st := per[sc]; st != nil {
			t.Schemes = append(t.Schemes, *st)
		}
	}
	t.Currencies = cur.list(t.Cost, t.OutOfPocket)
	t.finishWeeks(undated)
	if c.Stack != nil {
		t.Stack = stackProgress(vs, c)
	}
	return t
}

// tallyDates adds a step's dates, or for an undated step its weeks, to t.
func (t *PlanTotals) tallyDates(v stepView, undated *int) {
	switch {
	case v.dated:
		if t.Start.IsZero() || v.start.Before(t.Start) {
			t.Start = v.start
		}
		if t.End.IsZero() || v.end.After(t.End) {
			t.End = v.end
		}
	case v.offer != nil && v.offer.Weeks > 0:
		*undated += v.offer.Weeks // the offer's stated length
	default:
		per := int64(catalog.WeeklyHours * 60)
		*undated += int((catalog.Minutes(v.hours) + per - 1) / per)
	}
}

// finishWeeks sets the plan's span in weeks and the weekly hours.
func (t *PlanTotals) finishWeeks(undated int) {
	t.Weeks = undated
	if !t.Start.IsZero() {
		t.Weeks += (t.Start.DaysUntil(t.End) + 7) / 7
	}
	if t.Weeks > 0 {
		t.WeeklyHours = t.Hours / float64(t.Weeks)
	}
}

func stackProgress(vs []stepView, c *PlanContext) *StackProgress {
	s := c.Stack
	sp := &StackProgress{TargetID: s.Target.ID, Title: s.Target.Title, Parts: len(s.Parts)}
	for _, part := range s.Parts {
		sp.Credits += part.ECTS
	}
	if s.Target.ECTS > 0 {
		sp.Credits = s.Target.ECTS
	}
	for _, part := range s.Parts {
		state := "missing"
		if slices.Contains(c.Earned, part.ID) || (part.SourceID != "" && slices.Contains(c.Earned, part.SourceID)) {
			state = "done"
		}
		for _, v := range vs {
			if state == "missing" && v.active && v.OfferID == part.ID {
				state = "planned"
				if v.Status == StepCompleted {
					state = "done"
				}
			}
		}
		switch state {
		case "done":
			sp.PartsDone++
			sp.CreditsDone += part.ECTS
		case "planned":
			sp.PartsPlanned++
			sp.CreditsPlanned += part.ECTS
		default:
			sp.PartsMissing++
		}
	}
	sp.CreditsMissing = max(sp.Credits-sp.CreditsDone-sp.CreditsPlanned, 0)
	return sp
}
