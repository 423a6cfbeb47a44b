package export

import (
	"strings"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/sessions"
)

// fmtr formats numbers, money and dates in the document language through
// present, so a document prints every amount as the screens do.
type fmtr struct {
	tr *locale.Tr
	p  *present.Printer
}

func newFmtr(tr *locale.Tr) fmtr { return fmtr{tr: tr, p: present.New(tr, nil)} }

// money writes an amount with two decimals and the currency, the way the
// language puts it.
func (f fmtr) money(m catalog.Money, currency string) string { return f.p.Money(m, currency) }

// amount writes a scheme amount in its unit.
func (f fmtr) amount(unit Unit, minor int64) string {
	return f.p.UnitAmount(sessions.Unit(unit), minor)
}

// date writes a civil date in the language's order; unknown is a dash.
func (f fmtr) date(d catalog.Date) string { return f.p.Date(d) }

// dateTime writes a time in its own zone (a date only at midnight).
func (f fmtr) dateTime(t time.Time) string { return f.p.DateTime(t) }

func (f fmtr) dates(start, end catalog.Date) string { return f.p.Dates(start, end) }

func (f fmtr) eqf(e catalog.EQF) string {
	switch {
	case e == catalog.EQFUnknown:
		return "–"
	case e == catalog.EQFNotApplicable:
		return f.tr.T("export.eqf_na")
	}
	return f.p.EQFShort(e)
}

// workload writes ECTS and/or hours: "4 ECTS", "60 h", "4 ECTS / 100 h".
func (f fmtr) workload(ects, hours *float64) string { return f.p.Workload(ects, hours) }

func (f fmtr) mode(m catalog.Mode) string {
	if m == "" {
		return "–"
	}
	return f.p.Mode(m)
}

func (f fmtr) cost(m *catalog.Money, currency string) string {
	if m == nil { // unknown in words, never 0 or blank (issue 12)
		return f.p.Price(nil, "")
	}
	return f.money(*m, currency)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "–"
	}
	return s
}

// code is the label of a vocabulary code in the catalogue (prefix+code), or
// the code itself when the catalogue has none (a value another part of
// koers added later).
func (f fmtr) code(prefix, code string) string {
	if code == "" {
		return "–"
	}
	if f.tr.Has(prefix + code) {
		return f.tr.T(prefix + code)
	}
	return code
}
