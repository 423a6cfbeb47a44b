package export

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/koers-project/koers/present"
)

// WriteMarkdown renders the plan as Markdown (CommonMark with GFM tables).
func WriteMarkdown(w io.Writer, p *Plan, opt Options) error {
	d := layout(p, opt)
	bw := bufio.NewWriter(w)
	pf := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }

	pf("# %s\n\n", mdText(d.Title))
	for _, m := range d.Meta {
		pf("- **%s:** %s\n", mdText(m.Label), mdText(m.Value))
	}
	if d.Goals.Show {
		pf("\n## %s\n\n", mdText(d.Headings.Goals))
		for _, g := range d.Goals.Body {
			pf("- %s\n", mdText(g))
		}
	}
	pf("\n## %s\n\n", mdText(d.Headings.Pathway))
	mdTable(bw, d.Pathway)
	if d.Warnings.Show {
		pf("\n## %s\n\n", mdText(d.Headings.Warnings))
		for _, s := range d.Warnings.Body {
			pf("- ⚠ %s\n", mdText(s))
		}
	}
	if len(d.Steps) > 0 {
		pf("\n## %s\n", mdText(d.Headings.Details))
		for _, s := range d.Steps {
			pf("\n### %s\n\n", mdText(s.Title))
			for _, f := range s.Fields {
				pf("- **%s:** %s\n", mdText(f.Label), mdText(f.Value))
			}
			if len(s.Outcomes) > 0 {
				pf("- **%s:**\n", mdText(d.OutcomesLabel))
				for _, o := range s.Outcomes {
					pf("  - %s\n", mdText(o))
				}
			}
		}
	}
	if len(d.Funding.Rows) > 0 {
		pf("\n## %s\n\n", mdText(d.Headings.Funding))
		mdTable(bw, d.Funding)
	}
	pf("\n## %s\n\n", mdText(d.Headings.Totals))
	for _, t := range d.Totals {
		pf("- **%s:** %s\n", mdText(t.Label), mdText(t.Value))
	}
	if d.Coverage.Show {
		pf("\n## %s\n\n", mdText(d.Headings.Coverage))
		for _, c := range d.Coverage.Body {
			pf("- **%s (%d):** %s\n", mdText(c.Label), c.Count, mdText(orDash(strings.Join(c.Skills, ", "))))
		}
	}
	if len(d.Actions.Rows) > 0 {
		pf("\n## %s\n\n", mdText(d.Headings.Actions))
		mdTable(bw, d.Actions)
	}
	if d.Next.Show {
		pf("\n## %s\n\n%s\n", mdText(d.Headings.Next), mdText(d.Next.Body))
	}
	if d.Notes.Show {
		pf("\n## %s\n\n", mdText(d.Headings.Notes))
		for _, n := range d.Notes.Body {
			pf("- %s\n", mdText(n))
		}
	}
	pf("\n---\n\n_%s_\n", mdText(d.Footer))
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return nil
}

func mdTable(w io.Writer, t table) {
	row := func(cells []string) {
		esc := make([]string, len(cells))
		for i, c := range cells {
			esc[i] = strings.ReplaceAll(mdText(c), "|", `\|`)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(esc, " | "))
	}
	row(t.Head)
	sep := make([]string, len(t.Head))
	for i := range sep {
		sep[i] = "---"
		if i < len(t.Num) && t.Num[i] {
			sep[i] = "--:"
		}
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(sep, " | "))
	for _, r := range t.Rows {
		row(r)
	}
}

// mdText escapes what Markdown would read as markup and flattens newlines;
// control characters, escape sequences and bidirectional overrides from data
// are shown as placeholders (present.TerminalText).
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `&lt;`, ">", `&gt;`, "#", `\#`,
	"\r\n", " ", "\n", " ", "\r", " ",
)

func mdText(s string) string { return mdEscaper.Replace(present.TerminalText(s)) }
