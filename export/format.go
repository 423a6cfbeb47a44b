package export

import (
	"strconv"
	"strings"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
)

// fmtr formats numbers, money and dates in the document language.
type fmtr struct {
	tr   *locale.Tr
	lang string
}

func newFmtr(tr *locale.Tr) fmtr { return fmtr{tr: tr, lang: tr.Lang()} }

func (f fmtr) decimalSep() string {
	if f.lang == "en" {
		return "."
	}
	return ","
}

func (f fmtr) groupSep() string {
	switch f.lang {
	case "nl":
		return "."
	case "fr":
		return " "
	}
	return ","
}

// group inserts thousands separators into a string of digits.
func (f fmtr) group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	pre := len(digits) % 3
	if pre > 0 {
		b.WriteString(digits[:pre])
	}
	for i := pre; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteString(f.groupSep())
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// number writes a decimal with at most two decimals, trailing zeros dropped.
func (f fmtr) number(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	out := f.group(whole)
	if frac != "" {
		out += f.decimalSep() + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

func currencySymbol(c string) string {
	switch c {
	case "", "EUR":
		return "€"
	case "GBP":
		return "£"
	case "USD":
		return "$"
	}
	return c
}

// money writes an amount with two decimals and the currency symbol, the way
// the language puts it: €1,240.00, € 1.240,00, 1 240,00 €.
func (f fmtr) money(m catalog.Money, currency string) string {
	v := int64(m)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	num := f.group(strconv.FormatInt(v/100, 10)) + f.decimalSep() + twoDigits(v%100)
	sym := currencySymbol(currency)
	switch f.lang {
	case "nl":
		return sign + sym + " " + num
	case "fr":
		return sign + num + " " + sym
	}
	return sign + sym + num
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// amount writes a scheme amount in its unit.
func (f fmtr) amount(unit Unit, minor int64) string {
	switch unit {
	case UnitEUR:
		return f.money(catalog.Money(minor), "EUR")
	case UnitHours:
		return f.tr.T("export.unit.hours", "N", f.number(float64(minor)/60))
	case UnitDays:
		return f.tr.T("export.unit.days", "N", f.number(float64(minor)/100))
	}
	return f.number(float64(minor)) + " " + string(unit)
}

// date writes a civil date: 2026-12-03 (en), 03-12-2026 (nl), 03/12/2026 (fr);
// the unknown date is a dash.
func (f fmtr) date(d catalog.Date) string {
	if d.IsZero() {
		return "–"
	}
	t := d.Time()
	switch f.lang {
	case "nl":
		return t.Format("02-01-2006")
	case "fr":
		return t.Format("02/01/2006")
	}
	return t.Format(time.DateOnly)
}

// dateTime writes a time in its own zone with the date as date() does.
func (f fmtr) dateTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return f.date(catalog.NewDate(t.Year(), t.Month(), t.Day())) + " " + t.Format("15:04")
}

func (f fmtr) dates(start, end catalog.Date) string {
	if start.IsZero() && end.IsZero() {
		return "–"
	}
	return f.date(start) + " – " + f.date(end)
}

func (f fmtr) eqf(e catalog.EQF) string {
	switch {
	case e == catalog.EQFUnknown:
		return "–"
	case e == catalog.EQFNotApplicable:
		return f.tr.T("export.eqf_na")
	}
	return strconv.Itoa(int(e))
}

// workload writes ECTS and/or hours: "4 ECTS", "60 h", "4 ECTS / 100 h".
func (f fmtr) workload(ects, hours *float64) string {
	var parts []string
	if ects != nil {
		parts = append(parts, f.number(*ects)+" ECTS")
	}
	if hours != nil {
		parts = append(parts, f.tr.T("export.unit.hours", "N", f.number(*hours)))
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, " / ")
}

func (f fmtr) mode(m catalog.Mode) string {
	if m == "" {
		return "–"
	}
	return f.code("export.mode.", string(m))
}

func (f fmtr) cost(m *catalog.Money, currency string) string {
	if m == nil {
		return "–"
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
