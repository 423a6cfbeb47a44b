package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
)

// detailView shows one offer with every Annex I element, labelled, and
// what the register adds; it scrolls.
type detailView struct {
	sh    *Shared
	id    string
	offer catalog.Offer
	full  bool // the full offer has arrived from the store
	err   error
	vp    viewport.Model
	w, h  int
}

func newDetailView(sh *Shared, o catalog.Offer) *detailView {
	d := &detailView{sh: sh, id: o.ID, offer: o, vp: viewport.New()}
	d.vp.SoftWrap = false
	return d
}

// loaded takes the full offer (or the error) from the store.
func (d *detailView) loaded(o catalog.Offer, err error) {
	if err != nil {
		d.err = err
	} else {
		d.offer, d.full = o, true
	}
	d.render()
}

func (d *detailView) setSize(w, h int) {
	d.w, d.h = w, h
	d.vp.SetWidth(w)
	d.vp.SetHeight(h)
	d.render()
}

func (d *detailView) update(msg tea.Msg) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "home", "g":
			d.vp.GotoTop()
			return
		case "end", "G":
			d.vp.GotoBottom()
			return
		}
	}
	d.vp, _ = d.vp.Update(msg)
}

func (d *detailView) view() string { return d.vp.View() }

func (d *detailView) render() {
	off := d.vp.YOffset()
	d.vp.SetContent(d.content(d.w))
	d.vp.SetYOffset(off)
}

// detailLayout places a detail page's labels at width w: beside the
// values (at most maxLabel wide) when there is room, above them when not.
func detailLayout(w, maxLabel int) (stacked bool, labelW, valW int) {
	if w < 72 {
		return true, w, max(w-2, 10)
	}
	labelW = min(maxLabel, w*2/5)
	return false, labelW, max(w-labelW-2, 10)
}

// labelled writes one row of a detail page: the value wrapped at valW
// beside its label (labelW wide), or under it when stacked.
func labelled(b *strings.Builder, style lipgloss.Style, label, val string, labelW, valW int, stacked bool) {
	lines := strings.Split(lipgloss.NewStyle().Width(valW).Render(val), "\n")
	if stacked {
		b.WriteString(style.Render(padRight(label, labelW)) + "\n")
		for _, l := range lines {
			b.WriteString("  " + l + "\n")
		}
		return
	}
	for i, l := range lines {
		if i > 0 {
			label = ""
		}
		b.WriteString(style.Render(padRight(label, labelW)) + "  " + l + "\n")
	}
}

// content is the detail text for width w.
func (d *detailView) content(w int) string {
	sh, st, tr := d.sh, d.sh.Styles, d.sh.Tr
	o := d.offer
	// labels beside values when there is room, above them when not
	stacked, labelW, valW := detailLayout(w, 30)
	var b strings.Builder
	b.WriteString(lipgloss.NewStyle().Width(w).Render(st.Bold.Render(present.Terminal(o.Title))) + "\n")
	if d.err != nil {
		b.WriteString(st.Error.Render("! "+tr.T("search.error", "Err", d.sh.P.Error(d.err))) + "\n")
	}
	if l := sh.P.Lapse(o, catalog.DateOf(sh.Now())); l != "" { // issue 13: not bookable any more, said first
		b.WriteString(st.Warning.Render("! "+l) + "\n")
	}
	if o.Description != "" {
		b.WriteString(lipgloss.NewStyle().Width(w).Render(present.TerminalText(o.Description)) + "\n")
	}
	// the description in the interface language too, when the offer has it
	if d, ok := o.DescI18n[tr.Lang()]; ok && d != "" && d != o.Description && !slices.Contains(o.Languages, tr.Lang()) {
		b.WriteString(st.Muted.Render(lipgloss.NewStyle().Width(w).Render(tr.Lang()+": "+d)) + "\n")
	}
	unknown := st.Muted.Render(tr.T("app.unknown"))
	row := func(id, val string) {
		if strings.TrimSpace(val) == "" {
			val = unknown
		}
		labelled(&b, st.Label, tr.T(id), val, labelW, valW, stacked)
	}
	fixed := func(id, val string) { // a value that must not wrap
		if stacked {
			b.WriteString(st.Label.Render(padRight(tr.T(id), labelW)) + "\n  " + val + "\n")
			return
		}
		b.WriteString(st.Label.Render(padRight(tr.T(id), labelW)) + "  " + val + "\n")
	}
	section := func(id string) { b.WriteString("\n" + st.Title.Render(tr.T(id)) + "\n") }
	onIssued := st.Muted.Render(tr.T("detail.on_issued"))

	section("detail.mandatory")
	fixed("detail.learner", onIssued)
	row("detail.title_el", titles(o))
	row("detail.country", issuerPlace(sh, o))
	row("detail.awarding", present.Terminal(o.AwardingBody))
	fixed("detail.issued", onIssued)
	row("detail.outcomes", outcomesText(sh, o, valW))
	row("detail.workload", workloadText(sh, o))
	row("detail.level", sh.P.EQF(o.EQF))
	row("detail.assessment", sh.P.Vocab("assessment", o.Assessment))
	row("detail.mode", sh.P.Vocab("mode", string(o.Mode)))
	row("detail.qa", sh.P.Vocab("qa", o.QA))

	section("detail.optional")
	opt := func(id, val string) {
		if strings.TrimSpace(val) == "" {
			val = st.Muted.Render("–")
		}
		row(id, val)
	}
	opt("detail.prerequisites", strings.Join(o.Prerequisites, "\n"))
	opt("detail.supervision", sh.P.Vocab("supervision", o.Supervision))
	opt("detail.grading", sh.P.Vocab("grade", o.Grade))
	opt("detail.stackability", stackText(sh, o))
	opt("detail.further", strings.TrimSpace(o.FurtherInfo+"\n"+o.URL))

	section("detail.register")
	row("detail.provider", present.Terminal(o.Provider))
	row("detail.languages", langsText(sh, o.Languages))
	row("detail.isced", sh.P.Field(o.ISCED))
	row("detail.price", sh.P.Price(o.Price, o.Currency))
	row("detail.dates", dateRange(sh.P, o))
	applyBy := ""
	if !o.ApplyBy.IsZero() {
		applyBy = sh.P.Date(o.ApplyBy)
	}
	row("detail.apply_by", applyBy)
	row("detail.schedule", scheduleText(sh, o.Schedule))
	row("detail.location", o.Location)
	row("detail.schemes", schemesText(sh, o.Schemes))
	row("detail.status", sh.P.Vocab("status", string(o.Status)))
	row("detail.source", strings.TrimSpace(o.Source+" · "+o.SourceID))
	for _, f := range o.Flags {
		b.WriteString(st.Warning.Render("⚠ "+f) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func titles(o catalog.Offer) string {
	s := present.Terminal(o.Title)
	for _, l := range []string{"en", "nl", "fr", "de"} {
		if t, ok := o.TitleI18n[l]; ok && t != "" && t != o.Title {
			s += "\n" + l + ": " + present.Terminal(t)
		}
	}
	return s
}

func issuerPlace(sh *Shared, o catalog.Offer) string {
	var parts []string
	if o.Country != "" {
		parts = append(parts, sh.P.Vocab("country", o.Country))
	}
	if o.Region != "" {
		// The region's name, never its NUTS code (the code only when
		// koers knows no name for it or a larger region).
		r := sh.P.Region(o.Region)
		if r == "" {
			r = o.Region
		}
		parts = append(parts, r)
	}
	return strings.Join(parts, " · ")
}

func outcomesText(sh *Shared, o catalog.Offer, w int) string {
	st := sh.Styles
	var lines []string
	for _, lo := range o.Outcomes {
		lines = append(lines, "• "+present.Terminal(lo.Text))
		for _, s := range lo.Skills {
			// The skill's label; its URI only when the register gave no
			// label (a counsellor reads words, the URI is for machines).
			label := s.Label
			if label == "" {
				label = s.URI
			}
			lines = append(lines, st.Muted.Render(ansi.Truncate("  ESCO: "+present.Terminal(label), w, "…")))
		}
	}
	return strings.Join(lines, "\n")
}

func workloadText(sh *Shared, o catalog.Offer) string {
	var parts []string
	if o.ECTS != nil {
		parts = append(parts, sh.P.Number(*o.ECTS)+" ECTS")
	}
	if o.Hours != nil {
		parts = append(parts, sh.P.Hours(*o.Hours))
	}
	s := strings.Join(parts, " · ")
	if w := o.WorkloadWarning(); w != "" {
		s += "\n" + sh.Styles.Warning.Render("⚠ "+w)
	}
	return s
}

func stackText(sh *Shared, o catalog.Offer) string {
	lines := []string{sh.P.Vocab("stack", o.Stackability)}
	for _, r := range o.Relations {
		target := r.Label
		if target == "" {
			target = r.Target
		}
		lines = append(lines, sh.Tr.T("detail.relation_line", "Kind", sh.P.Vocab("relation", string(r.Kind)), "Target", target))
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func langsText(sh *Shared, ls []string) string {
	var out []string
	for _, l := range ls {
		out = append(out, sh.P.Vocab("lang", l))
	}
	return strings.Join(out, ", ")
}

func schemesText(sh *Shared, ss []string) string {
	var out []string
	for _, s := range ss {
		out = append(out, sh.P.Vocab("scheme", s))
	}
	if len(out) == 0 {
		return sh.Tr.T("detail.no_schemes")
	}
	return strings.Join(out, ", ")
}

// dateRange is an offer's dates in the interface's date format.
func dateRange(p *present.Printer, o catalog.Offer) string {
	switch {
	case o.Start.IsZero() && o.End.IsZero():
		return ""
	case o.Start.IsZero():
		return "– " + p.Date(o.End)
	case o.End.IsZero():
		return p.Date(o.Start)
	}
	return p.Date(o.Start) + " – " + p.Date(o.End)
}

// scheduleText reads "PT9H/week" as "9 h a week"; other text stays as is.
func scheduleText(sh *Shared, s string) string {
	var h int
	if n, _ := fmt.Sscanf(s, "PT%dH/week", &h); n == 1 {
		return sh.Tr.T("detail.per_week", "Hours", h)
	}
	return s
}
