package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/sessions"
)

func (p *plannerPage) View() string {
	tr, st := p.sh.Tr, p.sh.Styles
	if !p.loaded {
		return Fit(" "+tr.T("plan.loading"), p.w, p.h)
	}
	if p.err != nil {
		return Fit(" "+st.Error.Render("! "+p.sh.P.Error(p.err)), p.w, p.h)
	}
	head := p.headLine()
	foot := p.totalsBar()
	bodyH := max(p.h-2-lipgloss.Height(foot)-1, 1)
	var body string
	switch p.mode {
	case modeCoverage:
		body = p.coverageView(bodyH)
	case modeSuggest:
		lim, n := p.limitsView()
		body = lim + p.suggestView(max(bodyH-n, 1))
	default:
		body = p.stepsView(bodyH)
	}
	rule := st.Rule.Render(strings.Repeat("─", p.w))
	return Fit(head+"\n"+rule+"\n"+Fit(body, p.w, bodyH)+"\n"+rule+"\n"+foot, p.w, p.h)
}

// headLine is the plan's name, goal and the view tabs.
func (p *plannerPage) headLine() string {
	tr, st, pl := p.sh.Tr, p.sh.Styles, p.plan()
	left := " " + st.Bold.Render(pl.Name)
	if pl.Agreed {
		left += " · " + tr.T("plan.cli.agreed")
	}
	if oc := p.view.Occupation; oc != nil {
		left += " · " + tr.T("plan.cli.target", "Label", oc.Label)
	} else {
		left += " · " + st.Muted.Render(tr.T("plan.no_goal"))
	}
	var tabs []string
	for i, id := range []string{"plan.tab.steps", "plan.tab.coverage", "plan.tab.suggest"} {
		t := tr.T(id)
		if plannerMode(i) == p.mode {
			t = st.Selected.Render("[" + t + "]")
		} else {
			t = st.Muted.Render(" " + t + " ")
		}
		tabs = append(tabs, t)
	}
	right := strings.Join(tabs, "") + " "
	gap := p.w - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		left = ansi.Truncate(left, max(p.w-lipgloss.Width(right)-2, 10), "…")
		gap = max(p.w-lipgloss.Width(left)-lipgloss.Width(right), 1)
	}
	return left + strings.Repeat(" ", gap) + right
}

// totalsBar is the always-visible totals line (wrapped on narrow screens)
// and the stack progress.
func (p *plannerPage) totalsBar() string {
	st := p.sh.Styles
	t := p.view.Report.Totals
	segs := strings.Split(p.sh.P.Totals(t), " · ")
	var lines []string
	cur := " Σ"
	for _, s := range segs {
		if lipgloss.Width(cur)+3+lipgloss.Width(s) > p.w-1 && cur != " Σ" {
			lines = append(lines, cur)
			cur = "  "
		}
		if cur == " Σ" || cur == "  " {
			cur += " " + s
		} else {
			cur += " · " + s
		}
	}
	lines = append(lines, cur)
	lines = lines[:min(len(lines), 3)]
	// the stack target's progress is never the line that gives way
	if l := p.sh.P.Stack(t.Stack); l != "" {
		lines = append(lines, " "+ansi.Truncate(l, p.w-2, "…"))
	}
	return st.Bold.Render(strings.Join(lines, "\n"))
}

// stepsView lists the steps, each with its warnings beneath it.
func (p *plannerPage) stepsView(h int) string {
	tr, st := p.sh.Tr, p.sh.Styles
	pl := p.plan()
	if len(pl.Steps) == 0 {
		return " " + strings.ReplaceAll(ansi.Wrap(tr.T("plan.empty"), max(p.w-2, 20), ""), "\n", "\n ")
	}
	warn := map[string][]sessions.Warning{}
	for _, w := range p.view.Report.Warnings {
		warn[w.StepID] = append(warn[w.StepID], w)
	}
	wide := p.w >= WideWidth
	dateW, priceW, statW := 21, 11, 12
	fundW := 0
	titleW := max(p.w-2-4-statW-dateW-priceW-4, 12)
	if wide {
		titleW = 34
		fundW = max(p.w-2-4-statW-dateW-priceW-titleW-6, 10)
	}
	var lines []string
	first := 0
	for i, s := range pl.Steps {
		if i == p.sel {
			first = len(lines)
		}
		o := p.view.Report.Context.Offers[s.OfferID]
		start, end := s.Start, s.End
		if start.IsZero() {
			start, end = o.Start, o.End
		}
		marker := "  "
		if i == p.sel {
			marker = "▸ "
		}
		status := p.sh.P.StepStatus(s.Status)
		if s.Status == sessions.StepDropped {
			status = "✗ " + status
		}
		row := fmt.Sprintf("%s%2d. %s %s %s %s", marker, i+1, padCell(status, statW), padCell(s.Title, titleW),
			padCell(p.sh.P.DateRange(start, end), dateW), padLeft(priceText(p.sh.P, o, s), priceW))
		var fundMore []string // funding beyond the column goes on lines under it, never cut
		if wide {
			fund := packParts(p.fundingText(s), fundW)
			row += "  " + padCell(fund[0], fundW)
			for _, f := range fund[1:] {
				fundMore = append(fundMore, strings.Repeat(" ", lipgloss.Width(row)-fundW)+f)
			}
		}
		switch {
		case i == p.sel:
			row = st.Selected.Render(row)
		case s.Status == sessions.StepDropped:
			row = st.Muted.Render(row)
		}
		lines = append(lines, row)
		lines = append(lines, fundMore...)
		var notes []string // a passed start or deadline is among the warnings
		for _, w := range warn[s.ID] {
			notes = append(notes, "! "+p.sh.P.Warning(w))
		}
		for _, n := range notes { // wrapped, never cut (80 columns)
			for k, l := range strings.Split(ansi.Wrap(n, max(p.w-10, 20), ""), "\n") {
				if k > 0 {
					l = "  " + l
				}
				lines = append(lines, "       "+st.Warning.Render(l))
			}
		}
	}
	// Keep the selected step in view.
	if first < p.scroll {
		p.scroll = first
	}
	if first >= p.scroll+h {
		p.scroll = first - h + 1
	}
	p.scroll = max(0, min(p.scroll, max(len(lines)-h, 0)))
	return strings.Join(lines[p.scroll:min(len(lines), p.scroll+h)], "\n")
}

func priceText(pr *present.Printer, o catalog.Candidate, s sessions.Step) string {
	if s.OfferID == "" {
		return ""
	}
	if !o.PriceKnown() {
		return "–" // unknown, never 0 (issue 12)
	}
	return pr.Money(o.Price, o.Currency) // the offer's own currency (issue 12)
}

func (p *plannerPage) fundingText(s sessions.Step) string {
	var parts []string
	for _, l := range s.Funding {
		t := p.sh.P.Scheme(l.Scheme) + " " + p.sh.P.Amount(l.Scheme, l.Amount)
		if l.Reserved > 0 && l.Reserved >= l.Amount {
			t += " ✓"
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " · ")
}

// packParts lays "a · b · c" out on lines of at most w cells, breaking
// only between parts (a part longer than w has a line of its own).
func packParts(s string, w int) []string {
	var out []string
	cur := ""
	for _, part := range strings.Split(s, " · ") {
		switch {
		case cur == "":
			cur = part
		case lipgloss.Width(cur+" · "+part) <= w:
			cur += " · " + part
		default:
			out = append(out, cur)
			cur = part
		}
	}
	return append(out, cur)
}

// coverageView is the target's skills: covered, planned, missing (with the
// best offer teaching each missing one).
func (p *plannerPage) coverageView(h int) string {
	tr, st := p.sh.Tr, p.sh.Styles
	g, oc := p.view.Gap, p.view.Occupation
	if g == nil || oc == nil {
		return " " + tr.T("plan.no_goal_hint")
	}
	var lines []string
	for _, side := range []struct {
		id string
		p  catalog.GapPart
	}{{"plan.cli.gap.essential", g.Essential}, {"plan.cli.gap.optional", g.Optional}} {
		part := side.p
		lines = append(lines, " "+st.Title.Render(tr.T(side.id, "Label", oc.Label, "Total", part.Total, "Covered", len(part.Covered),
			"Planned", len(part.Planned), "Missing", len(part.Missing))))
		for _, s := range part.Covered {
			lines = append(lines, "  "+st.OK.Render("✓ ")+s.Label)
		}
		for _, s := range part.Planned {
			lines = append(lines, "  ◐ "+s.Label+st.Muted.Render(" · "+tr.T("plan.cov.planned")))
		}
		for _, m := range part.Missing {
			l := "  " + st.Warning.Render("✗ ") + m.Label
			if len(m.Offers) > 0 {
				o := m.Offers[0]
				l += st.Muted.Render(" · " + tr.T("plan.cov.best", "Title", o.Title, "Price", p.sh.P.RefPrice(o)))
			} else {
				l += st.Muted.Render(" · " + p.sh.P.Reason("untaught"))
			}
			lines = append(lines, ansi.Truncate(l, p.w-1, "…"))
		}
	}
	p.scroll = max(0, min(p.scroll, max(len(lines)-h, 0)))
	return strings.Join(lines[p.scroll:min(len(lines), p.scroll+h)], "\n")
}

// suggestView shows the best pathway and its alternatives side by side.
func (p *plannerPage) suggestView(h int) string {
	tr, st := p.sh.Tr, p.sh.Styles
	if p.sug == nil {
		return " " + tr.T("plan.suggesting")
	}
	if p.sug.err != nil {
		return " " + st.Error.Render("! "+p.sh.P.Error(p.sug.err))
	}
	sg := p.sug.sg
	if len(sg.Missing) == 0 {
		return " " + tr.T("plan.cli.suggest.nothing_missing")
	}
	if len(sg.Pathways) == 0 {
		if sg.Blocked == nil {
			sg.Blocked = &catalog.Blocker{Constraint: "combination"}
		}
		return " " + st.Warning.Render(strings.ReplaceAll(ansi.Wrap(p.sh.P.Blocked(sg), max(p.w-2, 20), ""), "\n", "\n "))
	}
	n := len(sg.Pathways)
	colW := (p.w - 1) / n
	titles := map[string]string{}
	for _, pw := range sg.Pathways {
		for _, s := range pw.Steps {
			titles[s.ID] = s.Title
		}
	}
	cols := make([]string, n)
	for i, pw := range sg.Pathways {
		cols[i] = Fit(p.pathwayColumn(i, pw, len(sg.Missing), titles, colW-2), colW-2, h)
		style := lipgloss.NewStyle().Width(colW).PaddingLeft(1).PaddingRight(1)
		if i == p.alt {
			style = style.Inherit(st.Bold)
		}
		cols[i] = style.Render(cols[i])
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, cols...)
}

func (p *plannerPage) pathwayColumn(i int, pw catalog.Pathway, missing int, titles map[string]string, w int) string {
	tr, st := p.sh.Tr, p.sh.Styles
	head := tr.T("plan.sug.best")
	if i > 0 {
		head = tr.T("plan.sug.alt", "N", i+1)
	}
	marker := "  "
	if i == p.alt {
		marker = "▸ "
	}
	lines := []string{marker + st.Title.Render(head)}
	if len(pw.Without) > 0 {
		var ws []string
		for _, id := range pw.Without {
			ws = append(ws, titles[id])
		}
		lines = append(lines, st.Muted.Render(tr.T("plan.sug.without", "Titles", strings.Join(ws, ", "))))
	}
	lines = append(lines,
		tr.T("plan.sug.covers", "Covered", len(pw.Covered), "Missing", missing),
		p.sh.P.Money(pw.Cost, "EUR"),
		tr.T("plan.totals.own", "Own", p.sh.P.Money(pw.Own, "EUR")),
		p.sh.P.Hours(pw.Hours)+" · "+tr.N("plan.sug.weeks", pw.Weeks), "")
	for j, s := range pw.Steps {
		for k, l := range strings.Split(ansi.Wrap(fmt.Sprintf("%d. %s", j+1, s.Title), max(w-3, 10), ""), "\n") {
			if k > 0 {
				l = "   " + l
			}
			lines = append(lines, l)
		}
		if l := p.sh.P.Lapse(catalog.Offer{Start: s.Start}, p.today()); l != "" {
			lines = append(lines, st.Warning.Render("   ! "+l))
		}
		var why []string
		for _, c := range s.Covers {
			why = append(why, c.Label)
		}
		if len(why) > 0 { // the reason wraps under the step, never cut
			for k, l := range strings.Split(ansi.Wrap("+ "+strings.Join(why, ", "), max(w-5, 10), ""), "\n") {
				if k > 0 {
					l = "  " + l
				}
				lines = append(lines, st.Muted.Render("   "+l))
			}
		}
		if len(s.PrereqOf) > 0 {
			var ts []string
			for _, id := range s.PrereqOf {
				ts = append(ts, titles[id])
			}
			lines = append(lines, st.Muted.Render("   "+tr.T("plan.cli.suggest.prereq_of", "Titles", strings.Join(ts, ", "))))
		}
	}
	if len(pw.Uncovered) > 0 {
		lines = append(lines, "", st.Warning.Render(tr.N("plan.sug.uncovered", len(pw.Uncovered))))
	}
	for k, l := range lines {
		lines[k] = ansi.Truncate(l, w, "…")
	}
	return strings.Join(lines, "\n")
}

// padCell cuts or pads s to exactly w cells.
func padCell(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(w-lipgloss.Width(s), 0))
}
