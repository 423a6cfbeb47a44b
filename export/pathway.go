package export

import (
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
)

// PathwayInput is an agreed plan with what its steps refer to, as the
// planner computes it.
type PathwayInput struct {
	Plan sessions.Plan
	// Offers are the register entries of the plan's steps, by offer id.
	Offers   map[string]catalog.Offer
	Totals   sessions.PlanTotals
	Warnings []sessions.Warning
	// Gap is the skill gap towards the target occupation, if one is set.
	Gap *catalog.Gap
	// Schemes give each scheme's unit.
	Schemes []sessions.Scheme
	// StackTitle is the title of the credential the plan stacks towards, if any.
	StackTitle string
}

// FromPlan turns the planner's values into the document's pathway: each
// active (not dropped) step with its register entry's Annex I essentials,
// the totals, the skill coverage and the checks' warnings in tr's language.
func FromPlan(in PathwayInput, tr *locale.Tr) Pathway {
	pl := in.Plan
	pw := Pathway{PlanID: pl.ID, Status: "draft", Reserved: map[string]int64{}, Asked: map[string]int64{}}
	if pl.Agreed {
		pw.Status = "agreed"
	}
	switch {
	case pl.OccupationURI != "" || pl.OccupationLabel != "":
		pw.Target = &Target{URI: pl.OccupationURI, Label: pl.OccupationLabel}
	case in.StackTitle != "":
		pw.Target = &Target{Label: in.StackTitle}
	}
	units := map[string]Unit{}
	for _, s := range in.Schemes {
		units[s.Code] = Unit(s.Unit)
	}
	pw.Units = units
	titles := map[string]string{}
	pw.Steps = []Step{}
	for _, s := range pl.Steps {
		if !s.Status.Active() {
			continue
		}
		o, ok := in.Offers[s.OfferID]
		st := stepFrom(s, o, ok, units)
		titles[s.ID] = st.Title
		pw.Steps = append(pw.Steps, st)
	}
	t := in.Totals
	pw.Totals = Totals{ECTS: t.ECTS, Hours: t.Hours, Cost: t.Cost, OutOfPocket: t.OutOfPocket, Currency: "EUR", Start: t.Start, End: t.End}
	pw.Totals.Funded = max(t.Cost-t.OutOfPocket, 0)
	for _, sc := range t.Schemes {
		pw.Reserved[sc.Scheme] = sc.Reserved
		pw.Asked[sc.Scheme] = sc.Asked
	}
	if g := in.Gap; g != nil {
		c := &Coverage{Covered: []catalog.SkillRef{}, Planned: []catalog.SkillRef{}, Missing: []catalog.SkillRef{}}
		c.Covered = append(c.Covered, g.Essential.Covered...)
		for _, s := range g.Essential.Planned {
			c.Planned = append(c.Planned, s.SkillRef)
		}
		for _, s := range g.Essential.Missing {
			c.Missing = append(c.Missing, s.SkillRef)
		}
		pw.Coverage = c
	}
	f := newFmtr(tr)
	for _, w := range in.Warnings {
		pw.Warnings = append(pw.Warnings, f.warning(w, titles[w.StepID], units[w.Scheme]))
	}
	return pw
}

func stepFrom(s sessions.Step, o catalog.Offer, known bool, units map[string]Unit) Step {
	st := Step{ID: s.ID, OfferID: s.OfferID, Title: s.Title, Start: s.Start, End: s.End}
	if known {
		if st.Title == "" {
			st.Title = o.Title
		}
		if st.Start.IsZero() {
			st.Start, st.End = o.Start, o.End
		}
		st.Source, st.SourceID = o.Source, o.SourceID
		st.Provider, st.AwardingBody, st.Country, st.Region, st.URL = o.Provider, o.AwardingBody, o.Country, o.Region, o.URL
		st.Mode, st.EQF, st.ECTS, st.Hours = o.Mode, o.EQF, o.ECTS, o.Hours
		st.Cost, st.Currency = o.Price, o.Currency
		if st.Cost != nil && st.Currency == "" {
			st.Currency = "EUR"
		}
		st.Outcomes, st.Assessment, st.QA, st.Prerequisites = o.Outcomes, o.Assessment, o.QA, o.Prerequisites
		st.Languages, st.ISCED = o.Languages, o.ISCED
	}
	for _, l := range s.Funding {
		if l.Amount > 0 {
			st.Funding = append(st.Funding, Funding{Scheme: l.Scheme, Unit: units[l.Scheme], Amount: l.Amount})
		}
	}
	return st
}

// warning is a plan check's finding as a sentence in the document language.
func (f fmtr) warning(w sessions.Warning, step string, unit Unit) string {
	tr := f.tr
	id := "export.warn." + w.Code
	if !tr.Has(id) {
		id = "export.warn.other"
	}
	return tr.T(id, "Step", step, "Other", w.Other, "Scheme", f.p.SchemeLong(w.Scheme), "Gap", f.amount(unit, w.Gap),
		"Own", f.money(w.Own, "EUR"), "Date", f.date(w.Date), "From", f.eqf(w.From), "To", f.eqf(w.To), "Code", w.Code)
}
