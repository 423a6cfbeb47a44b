package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
)

// barWidth is the longest facet bar, in cells.
const barWidth = 5

// bar is a bar of up to barWidth cells for n out of maxN, in eighths, so
// the length (and the number beside it) carries the meaning, not colour.
func bar(n, maxN, width int) string {
	if n <= 0 || maxN <= 0 {
		return ""
	}
	eighths := max(n*width*8/maxN, 1)
	full, part := eighths/8, eighths%8
	s := strings.Repeat("█", full)
	if part > 0 {
		s += string([]rune("▏▎▍▌▋▊▉")[part-1])
	}
	return s
}

func maxCount(bs []catalog.Bucket) int {
	m := 0
	for _, b := range bs {
		m = max(m, b.Count)
	}
	return m
}

// facetLines renders the counts of f in at most w cells and n lines: EQF
// levels, then forms of participation, then languages and schemes.
func facetLines(pr *present.Printer, st *Styles, f *catalog.Facets, w, n int) []string {
	tr := pr.Tr()
	if f == nil {
		return []string{st.Muted.Render(" " + tr.T("search.counting"))}
	}
	var eqf []string
	m := maxCount(f.EQF)
	for _, b := range f.EQF {
		label := b.Value
		switch b.Value {
		case "n/a":
			label = tr.T("facet.na")
		case "unknown", "":
			label = "?"
		}
		eqf = append(eqf, label+" "+st.Bar.Render(bar(b.Count, m, barWidth))+" "+pr.Count(b.Count))
	}
	// a cell is kept free on the right, so that beside the detail the
	// counts never touch its border
	// the framework's name in the language (CEC in French)
	fw := strings.TrimSpace(strings.TrimSuffix(tr.T("vocab.eqf.level", "Level", 0), "0"))
	lines := []string{" " + st.Label.Render(fw) + " " + joinFit(eqf, "  ", w-6)}
	mode := buckets(pr, st, "mode", f.Mode, true)
	lines = append(lines, " "+joinFit(mode, " · ", w-2))
	var rest []string
	rest = append(rest, buckets(pr, st, "lang", f.Language, false)...)
	if len(f.Scheme) > 0 {
		rest = append(rest, "│")
		rest = append(rest, buckets(pr, st, "scheme", f.Scheme, false)...)
	}
	lines = append(lines, " "+joinFit(rest, " · ", w-2))
	if len(lines) > n {
		lines = lines[:n]
	}
	return lines
}

func buckets(pr *present.Printer, st *Styles, kind string, bs []catalog.Bucket, bars bool) []string {
	tr := pr.Tr()
	m := maxCount(bs)
	var out []string
	for _, b := range bs {
		s := pr.Vocab(kind, b.Value)
		if b.Value == "" || b.Value == "unknown" {
			s = tr.T("app.unknown")
		}
		if bars {
			s += " " + st.Bar.Render(bar(b.Count, m, 3))
		}
		out = append(out, s+" "+pr.Count(b.Count))
	}
	return out
}

// joinFit joins parts with sep while they fit in w cells.
func joinFit(parts []string, sep string, w int) string {
	var b strings.Builder
	for i, p := range parts {
		add := p
		if i > 0 {
			add = sep + p
		}
		if ansi.StringWidth(b.String())+ansi.StringWidth(add) > w {
			if b.Len() > 0 {
				break
			}
		}
		b.WriteString(add)
	}
	out := strings.TrimSuffix(b.String(), sep+"│") // a divider with nothing after it
	return strings.ReplaceAll(out, sep+"│"+sep, " │ ")
}
