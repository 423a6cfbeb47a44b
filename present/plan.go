package present

import (
	"math"
	"strings"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// Warning is a plan check's finding as a sentence, amounts in the
// scheme's unit.
func (p *Printer) Warning(w sessions.Warning) string {
	tr := p.tr
	switch w.Code {
	case sessions.WarnFunding:
		return tr.T("plan.warn.funding", "Scheme", p.Scheme(w.Scheme), "Gap", p.Amount(w.Scheme, w.Gap), "Own", p.Money(w.Own, "EUR"))
	case sessions.WarnUnfunded:
		return tr.T("plan.warn.unfunded", "Own", p.Money(w.Own, "EUR"))
	case sessions.WarnLeave:
		return tr.T("plan.warn.leave", "Gap", p.Amount(w.Scheme, w.Gap))
	case sessions.WarnEQFJump:
		return tr.T("plan.warn.eqf_jump", "From", int(w.From), "To", int(w.To))
	case sessions.WarnPastStart, sessions.WarnDeadline:
		return tr.T("plan.warn."+w.Code, "Date", p.Date(w.Date))
	}
	return tr.T("plan.warn."+w.Code, "Other", w.Other)
}

// Reason explains why a skill stays uncovered or a suggestion is blocked.
func (p *Printer) Reason(reason string) string { return p.tr.T("plan.reason." + reason) }

// Totals is the one-line summary of a plan's totals: steps · ECTS · hours
// · cost · per scheme (with what it is short) · out of pocket · weeks.
func (p *Printer) Totals(t sessions.PlanTotals) string {
	tr := p.tr
	parts := []string{
		tr.N("plan.totals.steps", t.Steps),
		p.Number(round1(t.ECTS)) + " ECTS",
		p.Hours(round1(t.Hours)),
		p.Money(t.Cost, "EUR"),
	}
	for _, s := range t.Schemes {
		part := p.Scheme(s.Scheme) + " " + p.Amount(s.Scheme, s.Asked)
		if s.Gap > 0 {
			part += " (" + tr.T("plan.totals.short", "Gap", p.Amount(s.Scheme, s.Gap)) + ")"
		}
		parts = append(parts, part)
	}
	parts = append(parts, tr.T("plan.totals.own", "Own", p.Money(t.OutOfPocket, "EUR")))
	if t.Weeks > 0 {
		parts = append(parts, tr.N("plan.totals.weeks", t.Weeks, "Load", p.Number(round1(t.WeeklyHours))))
	}
	return strings.Join(parts, " · ")
}

// Stack is the progress towards a stack target, or "".
func (p *Printer) Stack(sp *sessions.StackProgress) string {
	if sp == nil {
		return ""
	}
	return p.tr.T("plan.stack", "Title", sp.Title, "Done", sp.PartsDone, "Planned", sp.PartsPlanned, "Missing", sp.PartsMissing,
		"Parts", sp.Parts, "CDone", p.Number(round1(sp.CreditsDone)), "CPlanned", p.Number(round1(sp.CreditsPlanned)),
		"CMissing", p.Number(round1(sp.CreditsMissing)))
}

// DateRange is "start–end", one date, or "".
func (p *Printer) DateRange(a, b catalog.Date) string {
	switch {
	case a.IsZero():
		return ""
	case b.IsZero() || b == a:
		return p.Date(a)
	}
	return p.Date(a) + "–" + p.Date(b)
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// Blocked says, in words, why a suggestion holds no pathway: nothing is
// missing; no offer teaches what is missing; one constraint rules offers
// out on its own (named, with how many); or the offers fit one by one but
// not together. "" when the suggestion has a pathway.
func (p *Printer) Blocked(sg catalog.Suggestion) string {
	tr := p.tr
	switch {
	case len(sg.Missing) == 0:
		return tr.T("plan.cli.suggest.nothing_missing")
	case len(sg.Pathways) > 0 || sg.Blocked == nil:
		return ""
	case sg.Blocked.Constraint == "untaught":
		return tr.T("plan.suggest.blocked.untaught", "N", len(sg.Missing))
	case sg.Blocked.Offers == 0:
		return tr.T("plan.suggest.blocked.together", "Limits", tr.T("plan.suggest.limits"))
	}
	return tr.T("plan.cli.suggest.blocked", "Reason", p.Reason(sg.Blocked.Constraint), "Offers", sg.Blocked.Offers)
}

// Constraints says, in words, what a suggestion keeps to besides the
// budget: the languages of instruction, the regions (online offers always
// fit), the forms of participation and the weekly pace. "" when nothing
// limits it.
func (p *Printer) Constraints(k catalog.Constraints) string {
	tr := p.tr
	var parts []string
	list := func(xs []string) string { return strings.Join(xs, ", ") }
	if len(k.Languages) > 0 {
		var ls []string
		for _, l := range k.Languages {
			ls = append(ls, p.Vocab("lang", l))
		}
		parts = append(parts, tr.T("plan.suggest.k.languages", "List", list(ls)))
	}
	if len(k.Modes) == 1 && k.Modes[0] == catalog.ModeOnline {
		parts = append(parts, tr.T("plan.suggest.k.online"))
	} else {
		if rs := append([]string(nil), k.Regions...); len(rs) > 0 || k.Region != "" {
			if k.Region != "" {
				rs = []string{k.Region}
			}
			var ns []string
			for _, r := range rs {
				if r == "" { // every region: the counsellor lifted the limit
					ns = append(ns, tr.T("plan.suggest.k.anywhere"))
					continue
				}
				if n := p.Region(r); n != "" {
					ns = append(ns, n)
				} else {
					ns = append(ns, r)
				}
			}
			parts = append(parts, tr.T("plan.suggest.k.regions", "List", list(ns)))
		}
		if len(k.Modes) > 0 {
			var ms []string
			for _, m := range k.Modes {
				ms = append(ms, p.Mode(m))
			}
			parts = append(parts, tr.T("plan.suggest.k.modes", "List", list(ms)))
		}
	}
	if k.WeeklyHours > 0 {
		parts = append(parts, tr.T("plan.suggest.k.pace", "Hours", p.Hours(k.WeeklyHours)))
	}
	if len(parts) == 0 {
		return ""
	}
	return tr.T("plan.suggest.within", "Parts", strings.Join(parts, " · "))
}
