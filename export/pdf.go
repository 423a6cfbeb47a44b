package export

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// A4 in points, and the page frame.
const (
	pageW, pageH = 595.28, 841.89
	marginX      = 42.0
	marginTop    = 48.0
	footerH      = 54.0 // reserved at the bottom for the data-protection line and page number
	bodyW        = pageW - 2*marginX
	bottom       = pageH - footerH
)

// Text sizes and line heights.
const (
	sizeTitle, sizeH2, sizeH3, sizeBody, sizeTable, sizeFooter = 18.0, 13.0, 11.0, 9.5, 8.0, 7.5
)

func lineH(size float64) float64 { return size * 1.3 }

// WritePDF renders the plan as an A4 PDF with the Go fonts embedded (real,
// selectable text), page numbers, a pathway table whose header row repeats
// on every page, and step blocks that are not split across pages when they
// fit on one. The bytes depend only on the plan and the clock.
func WritePDF(w io.Writer, p *Plan, opt Options) error {
	d := layout(p, opt)
	r, err := newPDFWriter(opt)
	if err != nil {
		return err
	}
	r.pdf.SetInfo(gopdf.PdfInfo{
		Title:        d.Title,
		Creator:      "koers",
		Producer:     "koers",
		CreationDate: opt.generated(p),
	})
	r.render(d)
	if r.err != nil {
		return fmt.Errorf("render pdf: %w", r.err)
	}
	r.footers(d, opt)
	if r.err != nil {
		return fmt.Errorf("render pdf: %w", r.err)
	}
	if _, err := r.pdf.WriteTo(w); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return nil
}

// item is one thing to draw, placed relative to the top of its block.
type item struct {
	x, y, w, h float64
	text       string
	bold       bool
	size       float64
	fill       bool // a grey band (table header)
	rule       bool // a thin line
}

// block is a unit that the page breaker keeps together when it can.
type block struct {
	items []item
	h     float64
}

func (b *block) add(o block, dy float64) {
	for _, it := range o.items {
		it.y += dy
		b.items = append(b.items, it)
	}
}

type pdfWriter struct {
	pdf  *gopdf.GoPdf
	y    float64
	err  error
	head *block // table header to repeat after a page break, or nil
}

func newPDFWriter(opt Options) (*pdfWriter, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	if err := pdf.AddTTFFontData("go", goregular.TTF); err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	if err := pdf.AddTTFFontData("go-bold", gobold.TTF); err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	r := &pdfWriter{pdf: pdf}
	r.newPage()
	return r, nil
}

func (r *pdfWriter) setFont(bold bool, size float64) {
	fam := "go"
	if bold {
		fam = "go-bold"
	}
	if err := r.pdf.SetFont(fam, "", size); err != nil && r.err == nil {
		r.err = err
	}
}

// wrap splits text into lines no wider than width in the given font,
// breaking only between words (issue 13: the French PDF read
// "expérienc / e"). A word wider than the line is broken after one of its
// own hyphens when it has one that fits, else with a visible hyphen.
func (r *pdfWriter) wrap(text string, bold bool, size, width float64) []string {
	if text == "" {
		return []string{""}
	}
	r.setFont(bold, size)
	var out []string
	for _, para := range strings.Split(text, "\n") {
		cur := ""
		for _, w := range strings.Fields(para) {
			cand := w
			if cur != "" {
				cand = cur + " " + w
			}
			if r.measure(cand) <= width {
				cur = cand
				continue
			}
			if cur != "" {
				out = append(out, cur)
			}
			for r.measure(w) > width {
				head, tail := r.breakWord(w, width)
				out = append(out, head)
				w = tail
			}
			cur = w
		}
		out = append(out, cur)
	}
	return out
}

// measure is text's width in the current font.
func (r *pdfWriter) measure(text string) float64 {
	w, err := r.pdf.MeasureTextWidth(text)
	if err != nil {
		if !errors.Is(err, gopdf.ErrEmptyString) && r.err == nil {
			r.err = err
		}
		return 0
	}
	return w
}

// breakWord splits a word wider than width: after its last own hyphen
// that fits, else before the rune that would overflow with a hyphen added
// (at least one rune goes on the line, so breaking always ends).
func (r *pdfWriter) breakWord(w string, width float64) (head, tail string) {
	runes := []rune(w)
	for i := len(runes) - 1; i > 0; i-- {
		if runes[i-1] == '-' && r.measure(string(runes[:i])) <= width {
			return string(runes[:i]), string(runes[i:])
		}
	}
	n := 1
	for n < len(runes)-1 && r.measure(string(runes[:n+1])+"-") <= width {
		n++
	}
	return string(runes[:n]) + "-", string(runes[n:])
}

func (r *pdfWriter) width(text string, bold bool, size float64) float64 {
	r.setFont(bold, size)
	w, err := r.pdf.MeasureTextWidth(text)
	if err != nil && r.err == nil {
		r.err = err
	}
	return w
}

// para is wrapped text at x within width.
func (r *pdfWriter) para(x, width float64, text string, bold bool, size float64) block {
	var b block
	lh := lineH(size)
	for _, l := range r.wrap(text, bold, size, width) {
		b.items = append(b.items, item{x: x, y: b.h, text: l, bold: bold, size: size})
		b.h += lh
	}
	return b
}

// labelled is "Label: value" with the value wrapped beside the label column.
func (r *pdfWriter) labelled(label, value string, labelW float64) block {
	b := r.para(marginX, labelW-6, label, true, sizeBody)
	v := r.para(marginX+labelW, bodyW-labelW, value, false, sizeBody)
	h := max(b.h, v.h)
	b.add(v, 0)
	b.h = h
	return b
}

func (r *pdfWriter) newPage() {
	r.pdf.AddPage()
	r.y = marginTop
	if r.head != nil {
		r.draw(*r.head)
	}
}

// place draws b, first breaking the page if b does not fit in what is left
// but would fit on a fresh page. A block taller than a page is split by line.
func (r *pdfWriter) place(b block) {
	room := bottom - r.y
	full := bottom - marginTop
	if r.head != nil {
		full -= r.head.h
	}
	switch {
	case b.h <= room:
		r.draw(b)
	case b.h <= full:
		r.newPage()
		r.draw(b)
	default:
		r.drawSplit(b)
	}
}

func (r *pdfWriter) drawSplit(b block) {
	base := r.y
	for _, it := range b.items {
		y := base + it.y
		if y+lineH(it.size) > bottom {
			shift := it.y
			r.newPage()
			base = r.y - shift
			y = r.y
		}
		r.drawItem(it, y)
	}
	r.y = base + b.h
}

func (r *pdfWriter) draw(b block) {
	for _, it := range b.items {
		r.drawItem(it, r.y+it.y)
	}
	r.y += b.h
}

func (r *pdfWriter) drawItem(it item, y float64) {
	switch {
	case it.fill:
		r.pdf.SetFillColor(232, 228, 255)
		r.pdf.RectFromUpperLeftWithStyle(it.x, y, it.w, it.h, "F")
		r.pdf.SetFillColor(0, 0, 0)
	case it.rule:
		r.pdf.SetStrokeColor(170, 170, 170)
		r.pdf.SetLineWidth(0.5)
		r.pdf.Line(it.x, y, it.x+it.w, y)
	default:
		if it.text == "" {
			return
		}
		r.setFont(it.bold, it.size)
		r.pdf.SetXY(it.x, y)
		if err := r.pdf.Cell(nil, it.text); err != nil && r.err == nil {
			r.err = err
		}
	}
}

func (r *pdfWriter) gap(h float64) {
	r.y += h
	if r.y > bottom {
		r.newPage()
	}
}

// heading keeps itself with the first block that follows it.
func (r *pdfWriter) heading(text string, size float64, next block) {
	h := r.para(marginX, bodyW, text, true, size)
	h.h += 4
	first := h
	first.add(next, h.h)
	first.h = h.h + next.h
	r.place(first)
}

func (r *pdfWriter) render(d doc) {
	r.place(r.para(marginX, bodyW, d.Title, true, sizeTitle))
	r.gap(6)
	for _, m := range d.Meta {
		r.place(r.labelled(m.Label, m.Value, 110))
	}
	if d.Goals.Show {
		r.gap(10)
		r.bullets(d.Headings.Goals, d.Goals.Body)
	}
	r.gap(10)
	r.table(d.Headings.Pathway, d.Pathway, []float64{18, 106, 68, 62, 44, 28, 56, 48, 81})
	if d.Warnings.Show {
		r.gap(10)
		r.bullets(d.Headings.Warnings, d.Warnings.Body)
	}
	if len(d.Steps) > 0 {
		r.gap(10)
		for i, s := range d.Steps {
			b := r.stepBlock(s, d)
			if i == 0 {
				r.heading(d.Headings.Details, sizeH2, b)
				continue
			}
			r.gap(6)
			r.place(b)
		}
	}
	if len(d.Funding.Rows) > 0 {
		r.gap(10)
		r.table(d.Headings.Funding, d.Funding, []float64{151, 90, 90, 90, 90})
	}
	r.gap(10)
	var tot block
	for _, t := range d.Totals {
		lb := r.labelled(t.Label, t.Value, 150)
		tot.add(lb, tot.h)
		tot.h += lb.h
	}
	r.heading(d.Headings.Totals, sizeH2, tot)
	if d.Coverage.Show {
		r.gap(10)
		first := true
		for _, c := range d.Coverage.Body {
			b := r.labelled(c.Label+" ("+strconv.Itoa(c.Count)+")", orDash(joinComma(c.Skills)), 150)
			if first {
				r.heading(d.Headings.Coverage, sizeH2, b)
				first = false
				continue
			}
			r.place(b)
		}
	}
	if len(d.Actions.Rows) > 0 {
		r.gap(10)
		r.table(d.Headings.Actions, d.Actions, []float64{251, 110, 70, 80})
	}
	if d.Next.Show {
		r.gap(10)
		r.heading(d.Headings.Next, sizeH2, r.para(marginX, bodyW, d.Next.Body, false, sizeBody))
	}
	if d.Notes.Show {
		r.gap(10)
		r.bullets(d.Headings.Notes, d.Notes.Body)
	}
}

func joinComma(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

func (r *pdfWriter) bullets(title string, items []string) {
	for i, s := range items {
		b := r.para(marginX+10, bodyW-10, s, false, sizeBody)
		b.items = append(b.items, item{x: marginX, y: 0, text: "•", size: sizeBody})
		if i == 0 {
			r.heading(title, sizeH2, b)
			continue
		}
		r.place(b)
	}
}

func (r *pdfWriter) stepBlock(s stepBlock, d doc) block {
	b := r.para(marginX, bodyW, s.Title, true, sizeH3)
	b.h += 2
	for _, f := range s.Fields {
		lb := r.labelled(f.Label, f.Value, 130)
		b.add(lb, b.h)
		b.h += lb.h
	}
	if len(s.Outcomes) > 0 {
		lb := r.para(marginX, 124, d.OutcomesLabel, true, sizeBody)
		b.add(lb, b.h)
		top := b.h
		for _, o := range s.Outcomes {
			ob := r.para(marginX+140, bodyW-140, o, false, sizeBody)
			ob.items = append(ob.items, item{x: marginX + 130, text: "•", size: sizeBody})
			b.add(ob, top)
			top += ob.h
		}
		b.h = max(top, b.h+lb.h)
	}
	return b
}

const cellPad = 3.0

// row lays out one table row; numeric columns are right-aligned.
func (r *pdfWriter) row(cells []string, widths []float64, t table, bold bool) block {
	var b block
	x := marginX
	for i, c := range cells {
		w := widths[i]
		lines := r.wrap(c, bold, sizeTable, w-2*cellPad)
		for j, l := range lines {
			lx := x + cellPad
			if t.num(i) {
				lx = x + w - cellPad - r.width(l, bold, sizeTable)
			}
			b.items = append(b.items, item{x: lx, y: cellPad + float64(j)*lineH(sizeTable), text: l, bold: bold, size: sizeTable})
		}
		b.h = max(b.h, float64(len(lines))*lineH(sizeTable)+2*cellPad)
		x += w
	}
	b.items = append(b.items, item{x: marginX, y: b.h, w: bodyW, rule: true})
	return b
}

// table draws a titled table; its header row repeats after page breaks and
// no row is split.
func (r *pdfWriter) table(title string, t table, widths []float64) {
	head := r.row(t.Head, widths, t, true)
	head.items = append([]item{{x: marginX, y: 0, w: bodyW, h: head.h, fill: true}}, head.items...)
	var first block
	first.add(head, 0)
	first.h = head.h
	if len(t.Rows) > 0 {
		row := r.row(t.Rows[0], widths, t, false)
		first.add(row, head.h)
		first.h += row.h
	}
	r.heading(title, sizeH2, first)
	r.head = &head
	for _, cells := range t.Rows[min(1, len(t.Rows)):] {
		r.place(r.row(cells, widths, t, false))
	}
	r.head = nil
}

// footers writes the data-protection line and "page i of n" on every page.
func (r *pdfWriter) footers(d doc, opt Options) {
	n := r.pdf.GetNumberOfPages()
	for i := 1; i <= n; i++ {
		if err := r.pdf.SetPage(i); err != nil {
			r.err = err
			return
		}
		y := pageH - footerH + 12
		r.pdf.SetStrokeColor(170, 170, 170)
		r.pdf.SetLineWidth(0.5)
		r.pdf.Line(marginX, y-4, pageW-marginX, y-4)
		num := opt.Tr.T("export.pdf.page", "Page", i, "Pages", n)
		nw := r.width(num, false, sizeFooter)
		foot := r.para(marginX, bodyW-nw-12, d.Footer, false, sizeFooter)
		for _, it := range foot.items {
			r.drawItem(it, y+it.y)
		}
		r.drawItem(item{x: pageW - marginX - nw, text: num, size: sizeFooter}, y)
	}
}
