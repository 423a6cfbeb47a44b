package sessions

import (
	"slices"

	"github.com/koers-project/koers/catalog"
)

// Warning codes of plan checks.
const (
	WarnPrerequisite = "prerequisite"  // a prerequisite not met by an earlier step or an earned credential
	WarnOverlap      = "overlap"       // dates overlap an earlier step's
	WarnWithdrawn    = "withdrawn"     // the offer was withdrawn from the register
	WarnMissingOffer = "missing_offer" // the offer is no longer in the register
	WarnPastStart    = "past_start"    // a planned step whose start date has passed
	WarnDeadline     = "deadline"      // a planned step whose application deadline has passed
	WarnFunding      = "funding"       // a scheme has less available than its line asks
	WarnLeave        = "leave"         // hours beyond the training-leave balance
	WarnEQFJump      = "eqf_jump"      // more than one EQF level up from the previous step
	WarnUnfunded     = "unfunded"      // part of the price is asked of no scheme: out of pocket
)

// Warning is one check's finding, beside the step it concerns. The fields
// beyond Code carry what the message needs; renderers translate it.
type Warning struct {
	StepID string `json:"step"`
	Code   string `json:"code"`
	// Other names the related thing: the prerequisite's title or id, or the
	// overlapping step's title.
	Other  string        `json:"other,omitempty"`
	Scheme string        `json:"scheme,omitempty"`
	Gap    int64         `json:"gap_minor,omitempty"` // in the scheme's minor unit
	Own    catalog.Money `json:"out_of_pocket,omitempty"`
	Date   catalog.Date  `json:"date"`
	From   catalog.EQF   `json:"from,omitempty"`
	To     catalog.EQF   `json:"to,omitempty"`
}

// PlanContext is everything checks and totals read besides the plan, as
// plain values: the steps' offers (narrow view, by id), earned credentials,
// what each scheme has available now, and today.
type PlanContext struct {
	Offers map[string]catalog.Candidate
	// Earned are ids and source ids of credentials the person has earned
	// (their OfferID where known); they satisfy prerequisites.
	Earned []string
	// Available per scheme, minor units (balance minus open reservations).
	Available map[string]int64
	Today     catalog.Date
	// Units are the schemes' units from the schemes table, by code; a
	// scheme missing here counts in its default code's unit.
	Units map[string]Unit
	// Stack is the larger credential the plan stacks towards and its parts.
	Stack *Stack
}

// Stack is a larger credential and the offers that are part of it.
type Stack struct {
	Target catalog.Candidate
	Parts  []catalog.Candidate
}

// stepView is a step with its effective dates and offer.
type stepView struct {
	*Step
	offer  *catalog.Candidate
	start  catalog.Date
	end    catalog.Date
	price  catalog.Money
	cur    string // price's currency; "" unknown
	hours  float64
	ects   float64
	eqf    catalog.EQF
	dated  bool
	active bool
}

func views(p *Plan, c *PlanContext) []stepView {
	out := make([]stepView, len(p.Steps))
	for i := range p.Steps {
		s := &p.Steps[i]
		v := stepView{Step: s, start: s.Start, end: s.End, active: s.Status.Active()}
		if o, ok := c.Offers[s.OfferID]; ok && s.OfferID != "" {
			v.offer = &o
			v.price, v.cur, v.hours, v.ects, v.eqf = o.Price, o.Currency, o.Hours, o.ECTS, o.EQF
			if v.start.IsZero() {
				v.start, v.end = o.Start, o.End
			}
		}
		if !v.start.IsZero() {
			v.dated = true
			if v.end.IsZero() || v.end.Before(v.start) {
				v.end = v.start
			}
		}
		out[i] = v
	}
	return out
}

// Check recomputes every warning of the plan, in step order. It is pure and
// cheap: the planner calls it after every change.
func Check(p *Plan, c *PlanContext) []Warning {
	vs := views(p, c)
	var ws []Warning
	add := func(w Warning) { ws = append(ws, w) }
	done := map[string]bool{} // offer ids and source ids of earlier active steps
	for _, e := range c.Earned {
		done[e] = true
	}
	var prevEQF catalog.EQF
	for i, v := range vs {
		if !v.active {
			continue
		}
		if v.OfferID != "" && v.offer == nil {
			add(Warning{StepID: v.ID, Code: WarnMissingOffer, Other: v.OfferID})
		}
		if o := v.offer; o != nil {
			if o.Withdrawn && v.Status.Open() {
				add(Warning{StepID: v.ID, Code: WarnWithdrawn})
			}
			for _, r := range o.Requires {
				if !done[r] {
					add(Warning{StepID: v.ID, Code: WarnPrerequisite, Other: titleOf(c, r)})
				}
			}
			if v.Status == StepPlanned && !c.Today.IsZero() {
				if v.dated && v.start.Before(c.Today) {
					add(Warning{StepID: v.ID, Code: WarnPastStart, Date: v.start})
				} else if !o.ApplyBy.IsZero() && o.ApplyBy.Before(c.Today) {
					add(Warning{StepID: v.ID, Code: WarnDeadline, Date: o.ApplyBy})
				}
			}
			if v.eqf >= 1 && prevEQF >= 1 && v.eqf-prevEQF > 1 {
				add(Warning{StepID: v.ID, Code: WarnEQFJump, From: prevEQF, To: v.eqf})
			}
			if v.eqf >= 1 {
				prevEQF = v.eqf
			}
			done[o.ID] = true
			done[o.SourceID] = true
			done[o.Source+"\x00"+o.SourceID] = true
		}
		if v.dated && v.Status.Open() {
			for _, u := range vs[:i] {
				if u.active && u.dated && u.Status.Open() && !v.start.After(u.end) && !u.start.After(v.end) {
					add(Warning{StepID: v.ID, Code: WarnOverlap, Other: u.Title})
					break
				}
			}
		}
	}
	for _, v := range vs {
		if !v.Status.Open() || v.price <= 0 || v.cur != catalog.MainCurrency {
			continue // a price in another currency is out of pocket whole: see Tally's per-currency totals
		}
		asked := int64(0)
		for _, l := range v.Funding {
			if c.unit(l.Scheme) == UnitEUR {
				asked += l.Amount
			}
		}
		if rest := int64(v.price) - asked; rest > 0 {
			add(Warning{StepID: v.ID, Code: WarnUnfunded, Own: catalog.Money(rest)})
		}
	}
	f := fund(vs, c)
	for i, v := range vs {
		for _, sc := range f.schemes {
			g := f.gap[i][sc]
			if g <= 0 {
				continue
			}
			if c.unit(sc) == UnitEUR {
				add(Warning{StepID: v.ID, Code: WarnFunding, Scheme: sc, Gap: g, Own: catalog.Money(g)})
			} else {
				add(Warning{StepID: v.ID, Code: WarnLeave, Scheme: sc, Gap: g})
			}
		}
	}
	slices.SortStableFunc(ws, func(a, b Warning) int { return p.Step(a.StepID) - p.Step(b.StepID) })
	return ws
}

func titleOf(c *PlanContext, id string) string {
	if o, ok := c.Offers[id]; ok && o.Title != "" {
		return o.Title
	}
	return id
}

// funding is the in-order coverage of the plan's open funding lines.
type funding struct {
	schemes []string
	covered []map[string]int64 // per step: covered per scheme (reserved + from available)
	gap     []map[string]int64 // per step: asked but not available
}

// fund covers each open step's lines in plan order: what is reserved is
// held already; the rest comes from what is available, first come first
// served. A completed step's lines were spent; a dropped step asks nothing.
func fund(vs []stepView, c *PlanContext) funding {
	left := map[string]int64{}
	for k, v := range c.Available {
		left[k] = v
	}
	f := funding{covered: make([]map[string]int64, len(vs)), gap: make([]map[string]int64, len(vs))}
	seen := map[string]bool{}
	for i, v := range vs {
		f.covered[i], f.gap[i] = map[string]int64{}, map[string]int64{}
		if !v.active {
			continue
		}
		for _, l := range v.Funding {
			if !seen[l.Scheme] {
				seen[l.Scheme] = true
				f.schemes = append(f.schemes, l.Scheme)
			}
			if v.Status == StepCompleted {
				f.covered[i][l.Scheme] = l.Amount // spent already
				continue
			}
			need := max(l.Amount-l.Reserved, 0)
			got := min(need, max(left[l.Scheme], 0))
			left[l.Scheme] -= got
			f.covered[i][l.Scheme] = min(l.Reserved, l.Amount) + got
			f.gap[i][l.Scheme] = need - got
		}
	}
	slices.Sort(f.schemes)
	return f
}

// unit is the unit scheme counts in.
func (c *PlanContext) unit(scheme string) Unit {
	if u, ok := c.Units[scheme]; ok {
		return u
	}
	return Unit(catalog.Unit(scheme))
}
