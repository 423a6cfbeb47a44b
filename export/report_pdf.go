package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/signintech/gopdf"

	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/report"
)

// ReportPDF writes the anonymised report as an A4 PDF: the headline rates,
// then every table with its figures and a bar chart of its main column
// (suppressed cells print "x" and draw no bar). Only what the report
// holds is drawn, so nothing suppressed can reach the page.
// Labels come from pr's catalogue and figures from pr (present), so the
// PDF prints what the text report and the Reports screen print.
func ReportPDF(w io.Writer, r *report.Report, pr *present.Printer) error {
	l := pr.Tr()
	pw, err := newPDFWriter(Options{})
	if err != nil {
		return err
	}
	pw.pdf.SetInfo(gopdf.PdfInfo{Title: report.Label(l, "report.title", "Report"), Creator: "koers", Producer: "koers"})
	rp := &reportPDF{w: pw, l: l, pr: pr, y: marginTop}
	rp.text(report.Label(l, "report.title", "Report"), true, sizeTitle)
	rp.text(periodText(r, l), false, sizeBody)
	rp.text(report.Label(l, "report.legend", "x: suppressed"), false, sizeTable)
	rp.y += 6
	for _, x := range r.Ratios {
		v := report.Mark
		if !x.Suppressed {
			v = pr.Percent(x.Percent)
		}
		rp.pair(report.Label(l, "report.x."+x.ID, x.ID), v)
	}
	for _, s := range r.Sections {
		rp.space(lineH(sizeH2) * 3)
		rp.y += 8
		rp.text(report.SectionTitle(l, s.ID), true, sizeH2)
		for _, t := range s.Tables {
			rp.table(t)
		}
	}
	if pw.err != nil {
		return fmt.Errorf("render report pdf: %w", pw.err)
	}
	if _, err := pw.pdf.WriteTo(w); err != nil {
		return fmt.Errorf("write report pdf: %w", err)
	}
	return nil
}

func periodText(r *report.Report, l report.Labels) string {
	p := r.Params
	s := fmt.Sprintf("%s %s – %s · k = %d", report.Label(l, "report.period", "Period"), p.From, p.To, p.K)
	if p.Centre != "" {
		s += " · " + report.Label(l, "report.centre", "centre") + " " + p.Centre
	}
	if p.Region != "" {
		s += " · " + report.Label(l, "report.region", "region") + " " + p.Region
	}
	return s
}

type reportPDF struct {
	w  *pdfWriter
	l  report.Labels
	pr *present.Printer
	y  float64
}

// space starts a new page unless h fits above the bottom margin.
func (rp *reportPDF) space(h float64) {
	if rp.y+h > bottom {
		rp.w.pdf.AddPage()
		rp.y = marginTop
	}
}

func (rp *reportPDF) at(x float64, s string, bold bool, size float64) {
	rp.w.setFont(bold, size)
	rp.w.pdf.SetXY(x, rp.y)
	if err := rp.w.pdf.Cell(nil, s); err != nil && rp.w.err == nil {
		rp.w.err = err
	}
}

func (rp *reportPDF) text(s string, bold bool, size float64) {
	rp.space(lineH(size))
	rp.at(marginX, s, bold, size)
	rp.y += lineH(size)
}

func (rp *reportPDF) pair(label, value string) {
	rp.space(lineH(sizeBody))
	rp.at(marginX, label, false, sizeBody)
	rp.right(marginX+bodyW, value, true, sizeBody)
	rp.y += lineH(sizeBody)
}

// right writes s right-aligned at x.
func (rp *reportPDF) right(x float64, s string, bold bool, size float64) {
	rp.w.setFont(bold, size)
	wd, err := rp.w.pdf.MeasureTextWidth(s)
	if err != nil {
		wd = 0
	}
	rp.w.pdf.SetXY(x-wd, rp.y)
	if err := rp.w.pdf.Cell(nil, s); err != nil && rp.w.err == nil {
		rp.w.err = err
	}
}

// chartCol is the column a table's bars show: the row total when the
// table has one, else its first column.
func chartCol(t *report.Table) int {
	if t.RowSums {
		return len(t.Cols) - 1
	}
	return 0
}

func (rp *reportPDF) table(t *report.Table) {
	rowH := lineH(sizeTable)
	labelW, chartW := 130.0, 90.0
	colW := (bodyW - labelW - chartW) / float64(len(t.Cols))
	rp.space(lineH(sizeH3) + rowH*float64(min(len(t.Rows)+1, 8)))
	rp.y += 4
	rp.text(report.TableTitle(rp.l, t), true, sizeH3)
	for j, c := range t.Cols {
		h := report.ColLabel(rp.l, c)
		if u := t.Units[j]; u != "people" && u != "count" {
			h += " (" + report.UnitLabel(rp.l, u) + ")"
		}
		rp.right(marginX+labelW+colW*float64(j+1), truncate(h, int(colW/4)), true, sizeTable-1)
	}
	rp.y += rowH
	cc := chartCol(t)
	var top int64
	for i, row := range t.Rows {
		if cl := t.Cells[i][cc]; !cl.Suppressed && row != "total" && cl.Value > top {
			top = cl.Value
		}
	}
	for i, row := range t.Rows {
		rp.space(rowH)
		rp.at(marginX, truncate(report.RowLabel(rp.l, row), 30), row == "total", sizeTable)
		for j, cl := range t.Cells[i] {
			v := report.Mark
			if !cl.Suppressed {
				v = rp.pr.Figure(t.Units[j], cl.Value)
			}
			rp.right(marginX+labelW+colW*float64(j+1), v, row == "total", sizeTable)
		}
		if cl := t.Cells[i][cc]; !cl.Suppressed && row != "total" && top > 0 && cl.Value > 0 {
			wd := max((chartW-6)*float64(cl.Value)/float64(top), 1)
			rp.w.pdf.SetFillColor(90, 110, 170)
			rp.w.pdf.RectFromUpperLeftWithStyle(marginX+bodyW-chartW+6, rp.y+1.5, wd, rowH-3, "F")
		}
		rp.y += rowH
	}
}

func truncate(s string, n int) string {
	if n < 4 {
		n = 4
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
