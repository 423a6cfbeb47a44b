package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
)

// Amount writes minor units of a scheme in its unit: "€480.00", "12 h",
// "2 d". The CLI and the planner screen share it.
func Amount(tr *locale.Tr, scheme string, v int64) string {
	switch catalog.Unit(scheme) {
	case "hours":
		return sessions.UnitHours.Format(v) + " h"
	case "days":
		return strconv.FormatInt(v, 10) + " d"
	}
	return Euro(catalog.Money(v))
}

// Euro writes an amount of money: "€1 240.00".
func Euro(m catalog.Money) string {
	s := m.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteRune(' ')
		}
		b.WriteRune(r)
	}
	out := "€" + b.String() + "." + frac
	if neg {
		out = "-" + out
	}
	return out
}

// Num writes a number without trailing zeros ("7.5", "12").
func Num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// SchemeName is a scheme's label in the interface language.
func SchemeName(tr *locale.Tr, code string) string {
	id := "plan.scheme." + code
	if tr.Has(id) {
		return tr.T(id)
	}
	return code
}

// StatusName is a step status in the interface language.
func StatusName(tr *locale.Tr, s sessions.StepStatus) string { return tr.T("plan.status." + string(s)) }

// WarningText is a plan check's finding as a sentence.
func WarningText(tr *locale.Tr, w sessions.Warning) string {
	switch w.Code {
	case sessions.WarnFunding:
		return tr.T("plan.warn.funding", "Scheme", SchemeName(tr, w.Scheme), "Gap", Amount(tr, w.Scheme, w.Gap), "Own", Euro(w.Own))
	case sessions.WarnUnfunded:
		return tr.T("plan.warn.unfunded", "Own", Euro(w.Own))
	case sessions.WarnLeave:
		return tr.T("plan.warn.leave", "Gap", Amount(tr, w.Scheme, w.Gap))
	case sessions.WarnEQFJump:
		return tr.T("plan.warn.eqf_jump", "From", int(w.From), "To", int(w.To))
	case sessions.WarnPastStart, sessions.WarnDeadline:
		return tr.T("plan.warn."+w.Code, "Date", w.Date.String())
	}
	return tr.T("plan.warn."+w.Code, "Other", w.Other)
}

// ReasonText explains why a skill stays uncovered or a suggestion is blocked.
func ReasonText(tr *locale.Tr, reason string) string { return tr.T("plan.reason." + reason) }

// TotalsLine is the one-line summary of a plan's totals: ECTS · hours · per
// scheme · out of pocket · weeks.
func TotalsLine(tr *locale.Tr, t sessions.PlanTotals) string {
	parts := []string{
		tr.N("plan.totals.steps", t.Steps),
		Num(round1(t.ECTS)) + " ECTS",
		Num(round1(t.Hours)) + " h",
		Euro(t.Cost),
	}
	for _, s := range t.Schemes {
		p := SchemeName(tr, s.Scheme) + " " + Amount(tr, s.Scheme, s.Asked)
		if s.Gap > 0 {
			p += " (" + tr.T("plan.totals.short", "Gap", Amount(tr, s.Scheme, s.Gap)) + ")"
		}
		parts = append(parts, p)
	}
	parts = append(parts, tr.T("plan.totals.own", "Own", Euro(t.OutOfPocket)))
	if t.Weeks > 0 {
		parts = append(parts, tr.N("plan.totals.weeks", t.Weeks, "Load", Num(round1(t.WeeklyHours))))
	}
	return strings.Join(parts, " · ")
}

// StackLine is the progress towards a stack target, or "".
func StackLine(tr *locale.Tr, sp *sessions.StackProgress) string {
	if sp == nil {
		return ""
	}
	return tr.T("plan.stack", "Title", sp.Title, "Done", sp.PartsDone, "Planned", sp.PartsPlanned, "Missing", sp.PartsMissing,
		"Parts", sp.Parts, "CDone", Num(round1(sp.CreditsDone)), "CPlanned", Num(round1(sp.CreditsPlanned)),
		"CMissing", Num(round1(sp.CreditsMissing)))
}

// DateRange is "2026-11-02–2027-01-01", one date, or "".
func DateRange(a, b catalog.Date) string {
	switch {
	case a.IsZero():
		return ""
	case b.IsZero() || b == a:
		return a.String()
	}
	return fmt.Sprintf("%s–%s", a, b)
}

func round1(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 1, 64), 64)
	return v
}
