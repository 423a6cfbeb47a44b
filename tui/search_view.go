package tui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
)

// facetRows is how many lines the facet counts take under the list.
const facetRows = 3

// listHeight is how many result rows fit.
func (p *searchPage) listHeight() int { return max(p.h-4-facetRows, 3) }

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
	cols := newColumns(w)
	b.WriteString(st.Muted.Render(cols.row("  ", tr.T("search.col.title"), tr.T("search.col.provider"), tr.T("search.col.eqf"),
		tr.T("search.col.workload"), tr.T("search.col.mode"), tr.T("search.col.price"), tr.T("search.col.start"))) + "\n")
	rule := st.Rule.Render(strings.Repeat("─", w))
	b.WriteString(rule + "\n")
	lh := p.listHeight()
	switch {
	case p.panel != nil:
		b.WriteString(Fit(p.panel.view(w), w, lh))
	case len(p.hits) == 0 && !p.loading:
		b.WriteString(Fit(" "+st.Muted.Render(tr.T("search.none")), w, lh))
	default:
		var rows []string
		for i := p.top; i < min(p.top+lh, len(p.hits)); i++ {
			rows = append(rows, p.hitRow(cols, i, w))
		}
		b.WriteString(Fit(strings.Join(rows, "\n"), w, lh))
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

func (p *searchPage) hitRow(cols columns, i, w int) string {
	st := p.sh.Styles
	o := p.hits[i].Offer
	start := o.Start.String()
	if cols.start < 10 && len(start) >= 7 {
		start = start[:7]
	}
	mark := "  "
	if i == p.cursor {
		mark = "▸ "
	}
	line := cols.row(mark, present.Terminal(o.Title), present.Terminal(o.Provider), p.sh.P.EQFShort(o.EQF), p.sh.P.WorkloadShort(o.ECTS, o.Hours),
		p.sh.P.Vocab("modeshort", string(o.Mode)), p.sh.P.Price(o.Price, o.Currency), start)
	if i == p.cursor {
		return st.Selected.Render(padRight(line, w))
	}
	return line
}

// columns are the widths of the result list's columns for a width.
type columns struct {
	title, provider, eqf, work, mode, price, start int
}

func newColumns(w int) columns {
	c := columns{eqf: 6, work: 8, mode: 10, price: 7, start: 7}
	if w >= 110 {
		c.start = 10
		c.price = 8
	}
	if w < 78 { // beside the detail pane: keep what decides
		c.mode, c.start = 0, 0
	}
	fixed := 2 + c.eqf + c.work + c.mode + c.price + c.start + 6
	rest := max(w-fixed, 20)
	c.title = rest * 5 / 8
	c.provider = rest - c.title
	return c
}

// row lays out one line of the list from its cells.
func (c columns) row(mark, title, provider, eqf, work, mode, price, start string) string {
	parts := []string{mark + padRight(title, c.title), padRight(provider, c.provider), padRight(eqf, c.eqf),
		padLeft(work, c.work)}
	if c.mode > 0 {
		parts = append(parts, padRight(mode, c.mode))
	}
	parts = append(parts, padLeft(price, c.price))
	if c.start > 0 {
		parts = append(parts, padRight(start, c.start))
	}
	return strings.Join(parts, " ")
}

// inputStyles are the box's styles: no blinking (screens stay still for
// tests and screen readers), legible on light and dark.
func inputStyles(isDark bool) textinput.Styles {
	s := textinput.DefaultStyles(isDark)
	s.Cursor.Blink = false
	return s
}
