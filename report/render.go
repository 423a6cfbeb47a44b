package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/koers-project/koers/present"
)

// Labels is the message catalogue a report is written in; *locale.Tr
// satisfies it. Codes without a message are printed as they are (NUTS
// codes, funders, months).
type Labels interface {
	T(id string, kv ...any) string
	Has(id string) bool
	Lang() string
}

// Label is the text of a report message id, or fallback when the
// catalogue has none.
func Label(l Labels, id, fallback string) string {
	if l != nil && l.Has(id) {
		return l.T(id)
	}
	return fallback
}

// TableTitle, RowLabel, ColLabel and SectionTitle name the parts of a report.
func TableTitle(l Labels, t *Table) string { return Label(l, "report.t."+t.ID, t.ID) }

// RowLabel is the label of a row code.
func RowLabel(l Labels, code string) string { return Label(l, "report.r."+code, code) }

// ColLabel is the label of a column code.
func ColLabel(l Labels, code string) string { return Label(l, "report.c."+code, code) }

// SectionTitle is the label of a section.
func SectionTitle(l Labels, id string) string { return Label(l, "report.s."+id, id) }

// UnitLabel is the short unit printed beside an amount column.
func UnitLabel(l Labels, unit string) string { return Label(l, "report.u."+unit, unit) }

// Major is a cell's value in the unit people read: euros for cents, hours
// for minutes; counts and days as they are.
func Major(unit string, v int64) float64 {
	switch unit {
	case "EUR":
		return float64(v) / 100
	case "hours":
		return float64(v) / 60
	}
	return float64(v)
}

// Mark is what a suppressed cell prints as.
const Mark = "x"

// WriteText writes the report as aligned plain text for people: labels
// from pr's catalogue, figures and rates in pr's language (present is the
// one place numbers become digits).
func (r *Report) WriteText(w io.Writer, pr *present.Printer) error {
	l := pr.Tr()
	bw := &errWriter{w: w}
	bw.printf("%s\n", Label(l, "report.title", "Report"))
	bw.printf("%s\n", r.periodLine(l))
	bw.printf("%s\n\n", Label(l, "report.legend", "x: suppressed (fewer than k people, or it would reveal such a cell)"))
	for _, x := range r.Ratios {
		v := Mark
		if !x.Suppressed {
			v = pr.Percent(x.Percent)
		}
		bw.printf("  %-52s %10s\n", Label(l, "report.x."+x.ID, x.ID), v)
	}
	if v, ok := r.SessionsPerPerson(); ok {
		bw.printf("  %-52s %10s\n", Label(l, "report.x.sessions_per_person", "sessions per person"), pr.Decimal1(v))
	}
	for _, s := range r.Sections {
		bw.printf("\n== %s ==\n", SectionTitle(l, s.ID))
		for _, t := range s.Tables {
			bw.printf("\n%s\n", TableTitle(l, t))
			width := 20
			for _, row := range t.Rows {
				width = max(width, len([]rune(RowLabel(l, row)))+1)
			}
			bw.printf("%-*s", width, "")
			for j, c := range t.Cols {
				h := ColLabel(l, c)
				if u := t.Units[j]; u != "people" && u != "count" {
					h += " (" + UnitLabel(l, u) + ")"
				}
				bw.printf(" %14s", h)
			}
			bw.printf("\n")
			for i, row := range t.Rows {
				bw.printf("%-*s", width, RowLabel(l, row))
				for j, cl := range t.Cells[i] {
					v := Mark
					if !cl.Suppressed {
						v = pr.Figure(t.Units[j], cl.Value)
					}
					bw.printf(" %14s", v)
				}
				bw.printf("\n")
			}
		}
	}
	return bw.err
}

func (r *Report) periodLine(l Labels) string {
	p := r.Params
	s := fmt.Sprintf("%s %s – %s · k = %d", Label(l, "report.period", "Period"), p.From, p.To, p.K)
	if p.Centre != "" {
		s += " · " + Label(l, "report.centre", "centre") + " " + p.Centre
	}
	if p.Region != "" {
		s += " · " + Label(l, "report.region", "region") + " " + p.Region
	}
	if len(p.Centres) > 0 && p.Centre == "" {
		s += " · " + Label(l, "report.centres", "centres") + " " + strings.Join(p.Centres, ", ")
	}
	return s
}

// WriteCSV writes one row per cell: section, table, row, column (codes),
// unit, value in major units (empty when suppressed) and whether it is
// suppressed; the ratios follow as a table of their own. CSV is for
// analysts' tools: numbers are plain (a point for decimals, no grouping)
// in every language, as in JSON.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"section", "table", "row", "col", "unit", "value", "suppressed"})
	for _, s := range r.Sections {
		for _, t := range s.Tables {
			for i, row := range t.Rows {
				for j, cl := range t.Cells[i] {
					v := ""
					if !cl.Suppressed {
						v = strconv.FormatFloat(Major(t.Units[j], cl.Value), 'f', -1, 64)
					}
					_ = cw.Write([]string{s.ID, t.ID, present.CSVCell(row), present.CSVCell(t.Cols[j]), t.Units[j], v, strconv.FormatBool(cl.Suppressed)})
				}
			}
		}
	}
	for _, x := range r.Ratios {
		v := ""
		if !x.Suppressed {
			v = strconv.FormatFloat(x.Percent, 'f', 1, 64)
		}
		_ = cw.Write([]string{"ratios", "ratios", x.ID, "percent", "percent", v, strconv.FormatBool(x.Suppressed)})
	}
	cw.Flush()
	return cw.Error()
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
