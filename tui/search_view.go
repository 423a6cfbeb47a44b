package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
)

// facetRows is how many lines the facet counts take under the list.
const facetRows = 3

// rowsPerHit is how many lines one result takes: the title with level,
// workload and price, then provider, form of participation and start (or
// what has passed), so a title gets the width it needs at 80 columns
// (issue 13: six identical "Data analysis with P…" rows).
const rowsPerHit = 2

// listRows is how many lines the result list has: under the filter panel
// when it is open (the facets give way), else between the rules.
func (p *searchPage) listRows() int {
	if p.panel != nil {
		return max(p.h-1-p.panelHeight()-2, 0)
	}
	return max(p.h-4-facetRows, rowsPerHit)
}

// listHeight is how many results fit.
func (p *searchPage) listHeight() int { return max(p.listRows()/rowsPerHit, 1) }

// panelHeight is the filter panel's height as drawn.
func (p *searchPage) panelHeight() int {
	if p.panel == nil {
		return 0
	}
	return lipgloss.Height(p.panel.view(p.listWidth()))
}

// View is the page body: box and summary, column heads, list (or filter
// panel), facets; the detail full screen when narrow, beside when wide.
func (p *searchPage) View() string {
	if p.detail != nil && !p.detailWide() {
		return p.detail.view()
	}
	lw := p.listWidth()
	body := Fit(p.listView(lw), lw, p.h)
	if p.detail == nil {
		return body
	}
	pane := p.sh.Styles.Pane.Height(p.h).Render(Fit(p.detail.view(), p.w-lw-p.sh.Styles.Pane.GetHorizontalFrameSize(), p.h))
	return lipgloss.JoinHorizontal(lipgloss.Top, body, pane)
}

func (p *searchPage) listView(w int) string {
	st, tr := p.sh.Styles, p.sh.Tr
	var b strings.Builder
	// the box and, right-aligned, the count and active filters
	box := p.input.View()
	summary := p.summary()
	gap := w - lipgloss.Width(box) - lipgloss.Width(summary) - 1
	if gap < 1 {
		summary = padLeft(summary, max(w-lipgloss.Width(box)-2, 0))
		gap = 1
	}
	b.WriteString(box + strings.Repeat(" ", gap) + st.Muted.Render(summary) + "\n")
	if p.panel != nil {
		// The panel is drawn whole (its border and last row are never
		// cut) and the results stay in view under it.
		b.WriteString(p.panel.view(w) + "\n")
	}
	cols := newColumns(w)
	b.WriteString(st.Muted.Render(cols.head(tr.T("search.col.title"), tr.T("search.col.eqf"), tr.T("search.col.workload"),
		tr.T("search.col.price"))) + "\n")
	rule := st.Rule.Render(strings.Repeat("─", w))
	b.WriteString(rule + "\n")
	rows := p.listRows()
	switch {
	case len(p.hits) == 0 && !p.loading && p.regEmpty:
		msg := ansi.Wrap(tr.T("search.register_empty"), max(w-2, 20), "")
		b.WriteString(Fit(" "+st.Muted.Render(strings.ReplaceAll(msg, "\n", "\n ")), w, rows))
	case len(p.hits) == 0 && !p.loading:
		b.WriteString(Fit(" "+st.Muted.Render(tr.T("search.none")), w, rows))
	default:
		var lines []string
		for i := p.top; i < min(p.top+p.listHeight(), len(p.hits)); i++ {
			lines = append(lines, p.hitRows(cols, i, w)...)
		}
		b.WriteString(Fit(strings.Join(lines, "\n"), w, rows))
	}
	if p.panel != nil {
		return b.String()
	}
	b.WriteString("\n" + rule + "\n")
	var f *catalog.Facets
	if p.fseq == p.seq {
		f = p.facets
	}
	b.WriteString(strings.Join(facetLines(p.sh.P, st, f, w, facetRows), "\n"))
	return b.String()
}

// summary is "1 284 offers · EQF 4–6 · online" (… while counting).
func (p *searchPage) summary() string {
	tr := p.sh.Tr
	total := "…"
	if p.facets != nil && p.fseq == p.seq {
		total = tr.N("search.count", p.facets.Total, "N", p.sh.P.Count(p.facets.Total))
	}
	if s := p.filters.summary(p.sh.P, p.sh.Now()); s != "" {
		return total + " · " + s
	}
	return total
}

// hitRows are the two lines of result i: the title with level, workload
// and price; under it the provider, the form of participation and the
// start, or in words what has passed ("start passed 3 Nov").
func (p *searchPage) hitRows(cols columns, i, w int) []string {
	st, pr := p.sh.Styles, p.sh.P
	o := p.hits[i].Offer
	mark := "  "
	if i == p.cursor {
		mark = "▸ "
	}
	first := cols.row(mark, present.Terminal(o.Title), pr.EQFShort(o.EQF), pr.WorkloadShort(o.ECTS, o.Hours), pr.Price(o.Price, o.Currency))
	today := catalog.DateOf(p.sh.Now())
	when := ""
	if !o.Start.IsZero() {
		when = pr.Date(o.Start)
	}
	lapse := pr.Lapse(o, today)
	if lapse != "" {
		when = lapse
	}
	tail := pr.Vocab("mode", string(o.Mode))
	if when != "" {
		tail += " · " + when
	}
	provW := max(w-4-ansi.StringWidth(tail)-3, 8)
	prov := present.Terminal(o.Provider)
	if ansi.StringWidth(prov) > provW {
		prov = padRight(prov, provW)
	}
	second := "    " + prov + " · " + tail
	if i == p.cursor {
		return []string{st.Selected.Render(padRight(first, w)), st.Selected.Render(padRight(second, w))}
	}
	second = "    " + st.Muted.Render(prov+" · "+pr.Vocab("mode", string(o.Mode)))
	if when != "" {
		style := st.Muted
		if lapse != "" {
			style = st.Warning
		}
		second += st.Muted.Render(" · ") + style.Render(when)
	}
	return []string{first, second}
}

// columns are the widths of the result list's first line for a width:
// the title takes what level, workload and price leave.
type columns struct {
	title, eqf, work, price int
}

func newColumns(w int) columns {
	c := columns{eqf: 6, work: 9, price: 9}
	c.title = max(w-2-c.eqf-c.work-c.price-3, 10)
	return c
}

// head is the column heads' line.
func (c columns) head(title, eqf, work, price string) string {
	return "  " + padRight(title, c.title) + " " + padRight(eqf, c.eqf) + " " + padLeft(work, c.work) + " " + padLeft(price, c.price)
}

// row lays out the first line of a result from its cells.
func (c columns) row(mark, title, eqf, work, price string) string {
	return mark + padRight(title, c.title) + " " + padRight(eqf, c.eqf) + " " + padLeft(work, c.work) + " " + padLeft(price, c.price)
}

// inputStyles are the box's styles: no blinking (screens stay still for
// tests and screen readers), legible on light and dark.
func inputStyles(isDark bool) textinput.Styles {
	s := textinput.DefaultStyles(isDark)
	s.Cursor.Blink = false
	return s
}
