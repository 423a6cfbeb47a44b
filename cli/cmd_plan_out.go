package cli

import (
	"fmt"
	"strings"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// amountJSON is an amount in its unit: money as a decimal with currency,
// hours as a decimal number of hours.
type amountJSON struct {
	Scheme   string  `json:"scheme"`
	Unit     string  `json:"unit"`
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency,omitempty"`
}

func major(scheme string, v int64) float64 {
	return sessions.Unit(catalog.Unit(scheme)).Major(v)
}

func currencyOf(scheme string) string {
	if catalog.Unit(scheme) == "EUR" {
		return "EUR"
	}
	return ""
}

type lineJSON struct {
	amountJSON
	Reserved float64 `json:"reserved"`
}

type warningJSON struct {
	Step    string `json:"step"`
	Code    string `json:"code"`
	Message string `json:"message"`
	sessions.Warning
}

type stepJSON struct {
	ID       string         `json:"id"`
	Position int            `json:"position"`
	Kind     string         `json:"kind"`
	OfferID  *string        `json:"offer_id"`
	Title    string         `json:"title"`
	Status   string         `json:"status"`
	Start    catalog.Date   `json:"start"`
	End      catalog.Date   `json:"end"`
	Price    *catalog.Money `json:"price"`
	Currency string         `json:"currency"`
	Hours    *float64       `json:"hours"`
	ECTS     *float64       `json:"ects"`
	EQF      catalog.EQF    `json:"eqf"`
	Funding  []lineJSON     `json:"funding"`
	Warnings []string       `json:"warnings"`
}

type schemeTotalJSON struct {
	Scheme   string  `json:"scheme"`
	Unit     string  `json:"unit"`
	Asked    float64 `json:"asked"`
	Covered  float64 `json:"covered"`
	Reserved float64 `json:"reserved"`
	Gap      float64 `json:"gap"`
	Currency string  `json:"currency,omitempty"`
}

type totalsJSON struct {
	Steps       int                     `json:"steps"`
	Done        int                     `json:"done"`
	ECTS        float64                 `json:"ects"`
	Hours       float64                 `json:"hours"`
	Cost        catalog.Money           `json:"cost"`
	Currency    string                  `json:"currency"`
	OutOfPocket catalog.Money           `json:"out_of_pocket"`
	Schemes     []schemeTotalJSON       `json:"schemes"`
	Start       catalog.Date            `json:"start"`
	End         catalog.Date            `json:"end"`
	Weeks       int                     `json:"weeks"`
	WeeklyHours float64                 `json:"weekly_hours"`
	Stack       *sessions.StackProgress `json:"stack"`
	// Issue 12: cost and out-of-pocket per currency (never added across),
	// and how many steps state no price.
	Currencies    []sessions.CurrencyTotal `json:"currencies"`
	UnknownPrices int                      `json:"unknown_prices"`
}

type planOutJSON struct {
	ID         string        `json:"id"`
	PersonID   string        `json:"person_id"`
	Name       string        `json:"name"`
	Agreed     bool          `json:"agreed"`
	Occupation any           `json:"occupation"`
	Stack      *string       `json:"stack_target"`
	Steps      []stepJSON    `json:"steps"`
	Warnings   []warningJSON `json:"warnings"`
	Totals     totalsJSON    `json:"totals"`
}

func planJSON(rep app.PlanReport) planOutJSON {
	p := rep.Plan
	out := planOutJSON{ID: p.ID, PersonID: p.PersonID, Name: p.Name, Agreed: p.Agreed, Steps: []stepJSON{}}
	if p.OccupationURI != "" {
		out.Occupation = map[string]string{"uri": p.OccupationURI, "label": p.OccupationLabel}
	}
	if p.StackTarget != "" {
		out.Stack = &p.StackTarget
	}
	out.Warnings = warningsJSON(nil, rep)
	for i, s := range p.Steps {
		sj := stepJSON{ID: s.ID, Position: i + 1, Kind: string(s.Kind), Title: s.Title, Status: string(s.Status),
			Start: s.Start, End: s.End, Currency: "EUR", Funding: []lineJSON{}, Warnings: []string{}}
		if o, ok := rep.Context.Offers[s.OfferID]; ok && s.OfferID != "" {
			id, price, hours, ects := o.ID, o.Price, o.Hours, o.ECTS
			sj.OfferID, sj.Hours, sj.ECTS, sj.EQF = &id, &hours, &ects, o.EQF
			sj.Currency = o.Currency // issue 12: the offer's own currency; unknown price: null
			if o.PriceKnown() {
				sj.Price = &price
			}
			if sj.Start.IsZero() {
				sj.Start, sj.End = o.Start, o.End
			}
		} else if s.OfferID != "" {
			id := s.OfferID
			sj.OfferID = &id
		}
		for _, l := range s.Funding {
			sj.Funding = append(sj.Funding, lineJSON{amountJSON{l.Scheme, catalog.Unit(l.Scheme), major(l.Scheme, l.Amount), currencyOf(l.Scheme)}, major(l.Scheme, l.Reserved)})
		}
		for _, w := range rep.Warnings {
			if w.StepID == s.ID {
				sj.Warnings = append(sj.Warnings, w.Code)
			}
		}
		out.Steps = append(out.Steps, sj)
	}
	t := rep.Totals
	out.Totals = totalsJSON{Steps: t.Steps, Done: t.Done, ECTS: t.ECTS, Hours: t.Hours, Cost: t.Cost, Currency: "EUR",
		OutOfPocket: t.OutOfPocket, Schemes: []schemeTotalJSON{}, Start: t.Start, End: t.End, Weeks: t.Weeks, WeeklyHours: t.WeeklyHours, Stack: t.Stack,
		Currencies: t.Currencies, UnknownPrices: t.UnknownPrices}
	for _, s := range t.Schemes {
		out.Totals.Schemes = append(out.Totals.Schemes, schemeTotalJSON{s.Scheme, s.Unit, major(s.Scheme, s.Asked), major(s.Scheme, s.Covered),
			major(s.Scheme, s.Reserved), major(s.Scheme, s.Gap), currencyOf(s.Scheme)})
	}
	return out
}

// warningsJSON lists the warnings; with a, each has its message in the
// interface language.
func warningsJSON(a *invocation, rep app.PlanReport) []warningJSON {
	out := []warningJSON{}
	for _, w := range rep.Warnings {
		wj := warningJSON{Step: w.StepID, Code: w.Code, Warning: w}
		if a != nil {
			wj.Message = a.printer().Warning(w)
		}
		out = append(out, wj)
	}
	return out
}

// printPlan writes the plan for people: steps, each with its warnings, then the totals.
func printPlan(a *invocation, rep app.PlanReport) {
	tr, p := a.tr(), rep.Plan
	head := p.Name
	if p.Agreed {
		head += " (" + tr.T("plan.cli.agreed") + ")"
	}
	if p.OccupationLabel != "" {
		head += " · " + tr.T("plan.cli.target", "Label", p.OccupationLabel)
	}
	fmt.Fprintln(a.stdout, head)
	if len(p.Steps) == 0 {
		fmt.Fprintln(a.stdout, "  "+tr.T("plan.cli.none"))
	}
	for i, s := range p.Steps {
		o := rep.Context.Offers[s.OfferID]
		start, end := s.Start, s.End
		if start.IsZero() {
			start, end = o.Start, o.End
		}
		var fund []string
		for _, l := range s.Funding {
			f := a.printer().Scheme(l.Scheme) + " " + a.printer().Amount(l.Scheme, l.Amount)
			if l.Reserved > 0 {
				f += " (" + tr.T("plan.cli.reserved_short") + ")"
			}
			fund = append(fund, f)
		}
		fmt.Fprintf(a.stdout, "%2d. [%s] %s  %s  %s  %s\n", i+1, a.printer().StepStatus(s.Status), s.Title, a.printer().DateRange(start, end),
			candidatePrice(a, o), strings.Join(fund, " · "))
		for _, w := range rep.Warnings {
			if w.StepID == s.ID {
				fmt.Fprintln(a.stdout, "    ! "+a.printer().Warning(w))
			}
		}
	}
	fmt.Fprintln(a.stdout, tr.T("plan.cli.totals")+": "+a.printer().Totals(rep.Totals))
	if l := a.printer().Stack(rep.Totals.Stack); l != "" {
		fmt.Fprintln(a.stdout, l)
	}
}

func printWarnings(a *invocation, rep app.PlanReport) {
	tr := a.tr()
	if len(rep.Warnings) == 0 {
		fmt.Fprintln(a.stdout, tr.T("plan.cli.no_warnings"))
		return
	}
	for _, w := range rep.Warnings {
		n := rep.Plan.Step(w.StepID) + 1
		fmt.Fprintf(a.stdout, "%d. %s: %s\n", n, rep.Plan.Steps[n-1].Title, a.printer().Warning(w))
	}
}

type skillJSON struct {
	URI   string `json:"uri"`
	Label string `json:"label"`
}

type missingJSON struct {
	skillJSON
	Offers []catalog.OfferRef `json:"offers"`
}

type gapPartJSON struct {
	Total         int           `json:"total"`
	Covered       int           `json:"covered"`
	Planned       int           `json:"planned"`
	CoveredSkills []skillJSON   `json:"covered_skills"`
	PlannedSkills []skillJSON   `json:"planned_skills"`
	Missing       []missingJSON `json:"missing"`
}

func skillsJSON(ss []catalog.SkillRef) []skillJSON {
	out := []skillJSON{}
	for _, s := range ss {
		out = append(out, skillJSON{s.URI, s.Label})
	}
	return out
}

func gapJSON(oc catalog.Occupation, g catalog.Gap) map[string]any {
	part := func(p catalog.GapPart) gapPartJSON {
		j := gapPartJSON{Total: p.Total, Covered: len(p.Covered), Planned: len(p.Planned), CoveredSkills: skillsJSON(p.Covered),
			PlannedSkills: []skillJSON{}, Missing: []missingJSON{}}
		for _, s := range p.Planned {
			j.PlannedSkills = append(j.PlannedSkills, skillJSON{s.URI, s.Label})
		}
		for _, m := range p.Missing {
			j.Missing = append(j.Missing, missingJSON{skillJSON{m.URI, m.Label}, m.Offers})
		}
		return j
	}
	return map[string]any{"occupation": skillJSON{oc.URI, oc.Label}, "essential": part(g.Essential), "optional": part(g.Optional)}
}

func printGap(a *invocation, oc catalog.Occupation, g catalog.Gap) {
	tr := a.tr()
	for _, side := range []struct {
		id string
		p  catalog.GapPart
	}{{"plan.cli.gap.essential", g.Essential}, {"plan.cli.gap.optional", g.Optional}} {
		p := side.p
		fmt.Fprintln(a.stdout, tr.T(side.id, "Label", oc.Label, "Total", p.Total, "Covered", len(p.Covered), "Planned", len(p.Planned), "Missing", len(p.Missing)))
		for _, s := range p.Covered {
			fmt.Fprintln(a.stdout, "  ✓ "+s.Label)
		}
		for _, s := range p.Planned {
			fmt.Fprintln(a.stdout, "  ◐ "+s.Label)
		}
		for _, m := range p.Missing {
			fmt.Fprintln(a.stdout, "  ✗ "+m.Label)
			if side.id == "plan.cli.gap.essential" {
				for _, o := range m.Offers {
					fmt.Fprintf(a.stdout, "      %s  %s  %s\n", o.ID, o.Title, a.printer().RefPrice(o))
				}
			}
		}
	}
}

type pathStepJSON struct {
	Offer       string        `json:"offer"`
	Title       string        `json:"title"`
	Covers      []skillJSON   `json:"covers"`
	PrereqOf    []string      `json:"prerequisite_of"`
	Price       catalog.Money `json:"price"`
	Currency    string        `json:"currency"`
	Hours       float64       `json:"hours"`
	ECTS        float64       `json:"ects"`
	Start       catalog.Date  `json:"start"`
	End         catalog.Date  `json:"end"`
	Funding     []amountJSON  `json:"funding"`
	OutOfPocket catalog.Money `json:"out_of_pocket"`
}

type uncoveredJSON struct {
	skillJSON
	Reason string `json:"reason"`
}

type pathwayJSON struct {
	Rank      int             `json:"rank"`
	Steps     []pathStepJSON  `json:"steps"`
	Totals    map[string]any  `json:"totals"`
	Covered   []skillJSON     `json:"covered"`
	Uncovered []uncoveredJSON `json:"uncovered"`
	Without   []string        `json:"without"`
}

func fundingJSON(m map[string]int64) []amountJSON {
	out := []amountJSON{}
	for _, sc := range []string{catalog.SchemeVoucher, catalog.SchemeILA, catalog.SchemeLeave} {
		if v := m[sc]; v > 0 {
			out = append(out, amountJSON{sc, catalog.Unit(sc), major(sc, v), currencyOf(sc)})
		}
	}
	return out
}

func suggestionJSON(sg catalog.Suggestion) []pathwayJSON {
	out := []pathwayJSON{}
	for i, pw := range sg.Pathways {
		pj := pathwayJSON{Rank: i + 1, Steps: []pathStepJSON{}, Covered: skillsJSON(pw.Covered), Uncovered: []uncoveredJSON{}, Without: []string{}}
		pj.Without = append(pj.Without, pw.Without...)
		for _, s := range pw.Steps {
			pj.Steps = append(pj.Steps, pathStepJSON{Offer: s.ID, Title: s.Title, Covers: skillsJSON(s.Covers), PrereqOf: s.PrereqOf,
				Price: s.Price, Currency: "EUR", Hours: s.Hours, ECTS: s.ECTS, Start: s.Start, End: s.End, Funding: fundingJSON(s.Funding), OutOfPocket: s.Own})
		}
		for _, u := range pw.Uncovered {
			pj.Uncovered = append(pj.Uncovered, uncoveredJSON{skillJSON{u.URI, u.Label}, u.Reason})
		}
		pj.Totals = map[string]any{"cost": pw.Cost, "currency": "EUR", "out_of_pocket": pw.Own, "funded": fundingJSON(pw.Funded),
			"hours": pw.Hours, "ects": pw.ECTS, "weeks": pw.Weeks, "covered": len(pw.Covered), "missing": len(sg.Missing)}
		out = append(out, pj)
	}
	return out
}

// blockedText says why nothing fits, or that nothing is missing.
func blockedText(a *invocation, sg catalog.Suggestion) string {
	return a.printer().Blocked(sg)
}

func printSuggestion(a *invocation, oc catalog.Occupation, sg catalog.Suggestion) {
	tr := a.tr()
	titles := map[string]string{}
	for _, pw := range sg.Pathways {
		for _, s := range pw.Steps {
			titles[s.ID] = s.Title
		}
	}
	for i, pw := range sg.Pathways {
		head := tr.T("plan.cli.suggest.best", "Label", oc.Label)
		if i > 0 {
			var w []string
			for _, id := range pw.Without {
				w = append(w, titles[id])
			}
			head = tr.T("plan.cli.suggest.alt", "N", i+1, "Without", strings.Join(w, ", "))
		}
		fmt.Fprintf(a.stdout, "%s — %s\n", head, tr.T("plan.cli.suggest.summary", "Covered", len(pw.Covered), "Missing", len(sg.Missing),
			"Cost", a.printer().Money(pw.Cost, "EUR"), "Own", a.printer().Money(pw.Own, "EUR"), "Hours", a.printer().Number(pw.Hours), "Weeks", pw.Weeks))
		for j, s := range pw.Steps {
			why := []string{}
			if len(s.Covers) > 0 {
				var ls []string
				for _, c := range s.Covers {
					ls = append(ls, c.Label)
				}
				why = append(why, tr.T("plan.cli.suggest.covers", "Skills", strings.Join(ls, ", ")))
			}
			if len(s.PrereqOf) > 0 {
				var ts []string
				for _, id := range s.PrereqOf {
					ts = append(ts, titles[id])
				}
				why = append(why, tr.T("plan.cli.suggest.prereq_of", "Titles", strings.Join(ts, ", ")))
			}
			fmt.Fprintf(a.stdout, "  %d. %s  %s  %s h  %s\n     %s\n", j+1, s.Title, a.printer().Money(s.Price, "EUR"), a.printer().Number(s.Hours), a.printer().DateRange(s.Start, s.End), strings.Join(why, "; "))
		}
		byReason := map[string][]string{}
		var reasons []string
		for _, u := range pw.Uncovered {
			if byReason[u.Reason] == nil {
				reasons = append(reasons, u.Reason)
			}
			byReason[u.Reason] = append(byReason[u.Reason], u.Label)
		}
		for _, r := range reasons {
			fmt.Fprintln(a.stdout, "  "+tr.T("plan.cli.suggest.uncovered", "Skills", strings.Join(byReason[r], ", "))+" ("+a.printer().Reason(r)+")")
		}
	}
}

// candidatePrice is an offer's price in its own currency, "–" when the
// offer states none (issue 12: never € for a USD price, never 0 for unknown).
func candidatePrice(a *invocation, o catalog.Candidate) string {
	if !o.PriceKnown() {
		return "–"
	}
	return a.printer().Money(o.Price, o.Currency)
}
