package tui

import (
	"context"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// newValidationForm adds a validation-of-prior-learning step (VPL/RPL:
// what the person already knows, assessed and recognised) or a guidance
// step to the plan, as koers plan add --kind validation --title does.
func newValidationForm(sh *Shared, personID, planID string) *smallForm {
	tr := sh.Tr
	f := newSmallForm(sh, tr.T("plan.vpl.title"), tr.T("plan.vpl.heading"), tr.T("plan.vpl.add"))
	f.intro = []string{tr.T("plan.vpl.what")}
	kinds := []sessions.StepKind{sessions.KindValidation, sessions.KindGuidance}
	kind := f.choose(tr.T("plan.vpl.kind"), []string{tr.T("plan.kind.validation"), tr.T("plan.kind.guidance")}, 0)
	title := f.text(tr.T("plan.vpl.step_title"), "", tr.T("plan.vpl.placeholder"), nil)
	dep := sh.Deps.Plans
	f.submit = func(f *smallForm) tea.Cmd {
		in := app.StepInput{Kind: kinds[f.form.list[kind].choice], Title: f.form.trimmed(title)}
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), planTimeout)
			defer cancel()
			p, err := dep.AddPlanStep(ctx, personID, planID, in)
			if err != nil {
				return formResultMsg{err: err}
			}
			return formResultMsg{text: tr.T("plan.cli.added", "N", len(p.Steps), "Title", in.Title)}
		}
	}
	return f
}

// suggestLimits are the counsellor's changes to a suggestion's
// constraints; what is left unset comes from the person's file and
// accounts (app.FitPerson, the balances).
type suggestLimits struct {
	budget    map[string]int64 // per scheme, in its minor unit
	maxHours  float64
	mode      catalog.Mode
	languages []string
	region    string
	mobility  catalog.Mobility
}

// constraints are the limits as a suggestion's constraints, with the
// reach of a changed mobility from the person's home region.
func (l suggestLimits) constraints(ctx context.Context, dep Plans, personID string) (catalog.Constraints, error) {
	k := catalog.Constraints{Budget: l.budget, MaxHours: l.maxHours, Languages: l.languages, Region: l.region}
	if l.mode != "" {
		k.Modes = []catalog.Mode{l.mode}
	}
	return dep.ReachConstraints(ctx, personID, k, l.mobility)
}

// newLimitsForm changes the suggestion's budget per scheme, hours, form of
// participation, languages, region and mobility; the suggestion is
// recomputed with them. An empty field keeps the file's value (shown as
// the placeholder).
func newLimitsForm(sh *Shared, cur suggestLimits, available map[string]int64, shown catalog.Constraints) *smallForm {
	tr, pr := sh.Tr, sh.P
	f := newSmallForm(sh, tr.T("plan.limits.title"), tr.T("plan.limits.heading"), tr.T("plan.limits.apply"))
	f.intro = []string{tr.T("plan.limits.what")}
	f.labelW = 26
	schemes := make([]string, 0, len(available)+1)
	for c := range available {
		schemes = append(schemes, c)
	}
	slices.Sort(schemes)
	schemes = append(schemes, catalog.SchemeOwn)
	budget := map[string]int{}
	for _, c := range schemes {
		val := ""
		if v, ok := cur.budget[c]; ok {
			val = plainAmount(pr.Unit(c), v)
		}
		ph := tr.T("plan.limits.available", "Amount", pr.Amount(c, available[c]))
		if c == catalog.SchemeOwn {
			ph = pr.Amount(c, 0)
		}
		unit := pr.Unit(c)
		budget[c] = f.text(tr.T("plan.limits.budget_of", "Scheme", pr.Scheme(c)), val, ph, func(s string) string {
			if s == "" {
				return ""
			}
			if _, err := unit.Parse(decimalDot(s)); err != nil {
				return tr.T("plan.limits.err.amount", "Value", s)
			}
			return ""
		})
	}
	hoursVal := ""
	if cur.maxHours > 0 {
		hoursVal = strconv.FormatFloat(cur.maxHours, 'f', -1, 64)
	}
	hours := f.text(tr.T("plan.limits.max_hours"), hoursVal, tr.T("plan.limits.no_limit"), func(s string) string {
		if v, err := strconv.ParseFloat(decimalDot(s), 64); s != "" && (err != nil || v < 0) {
			return tr.T("plan.limits.err.hours", "Value", s)
		}
		return ""
	})
	modes := append([]catalog.Mode{""}, catalog.ModeOnline, catalog.ModeOnsite, catalog.ModeBlended, catalog.ModeVolunteering, catalog.ModeWorkExperience)
	modeLabels := []string{tr.T("plan.limits.from_file")}
	for _, m := range modes[1:] {
		modeLabels = append(modeLabels, pr.Mode(m))
	}
	mode := f.choose(tr.T("filter.mode"), modeLabels, max(slices.Index(modes, cur.mode), 0))
	langPh := strings.Join(shown.Languages, ", ")
	if langPh == "" {
		langPh = "nl, fr, en"
	}
	langs := f.text(tr.T("plan.limits.languages"), strings.Join(cur.languages, ", "), langPh, func(s string) string {
		for _, l := range splitList(s) {
			if len(l) != 2 || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz") != "" {
				return tr.T("plan.limits.err.language", "Value", l)
			}
		}
		return ""
	})
	mobs := append([]catalog.Mobility{""}, catalog.Mobilities...)
	mobLabels := []string{tr.T("plan.limits.from_file")}
	for _, m := range catalog.Mobilities {
		mobLabels = append(mobLabels, tr.T("plan.limits.mobility."+string(m)))
	}
	mob := f.choose(tr.T("people.pf.mobility"), mobLabels, max(slices.Index(mobs, cur.mobility), 0))
	region := f.text(tr.T("plan.limits.region"), cur.region, "BE2, BE33, NL4…", func(s string) string {
		if strings.Trim(strings.ToUpper(s), "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" || len(s) == 1 || len(s) > 5 {
			return tr.T("plan.limits.err.region", "Value", s)
		}
		return ""
	})
	f.submit = func(f *smallForm) tea.Cmd {
		l := suggestLimits{mode: modes[f.form.list[mode].choice], mobility: mobs[f.form.list[mob].choice],
			region: strings.ToUpper(f.form.trimmed(region)), languages: splitList(f.form.trimmed(langs))}
		for _, c := range schemes {
			s := f.form.trimmed(budget[c])
			if s == "" {
				continue
			}
			v, _ := pr.Unit(c).Parse(decimalDot(s)) // checked as typed
			if l.budget == nil {
				l.budget = map[string]int64{}
			}
			l.budget[c] = v
		}
		if s := f.form.trimmed(hours); s != "" {
			l.maxHours, _ = strconv.ParseFloat(decimalDot(s), 64)
		}
		return tea.Sequence(Pop(), func() tea.Msg { return limitsSetMsg{limits: l} })
	}
	return f
}

// decimalDot reads a decimal comma as the point the parsers take ("12,5").
func decimalDot(s string) string {
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		return strings.Replace(s, ",", ".", 1)
	}
	return s
}

// plainAmount is a minor-unit amount as the form takes it back ("500.00", "40").
func plainAmount(u sessions.Unit, v int64) string {
	switch u {
	case sessions.UnitEUR:
		return strconv.FormatFloat(float64(v)/100, 'f', 2, 64)
	case sessions.UnitHours:
		return strconv.FormatFloat(float64(v)/60, 'f', -1, 64)
	}
	return strconv.FormatInt(v, 10)
}

// splitList is a comma- or space-separated list, lower case, without empties.
func splitList(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
}
