// Package present is the one place that turns koers's values into words
// and digits for people, in the chosen language: money and scheme amounts
// by the scheme's unit (from the schemes table), numbers, workload, EQF
// (CEC in French), forms of participation, regions, scheme names, plan
// warnings and dates. The TUI, the CLI's text output and the exports all
// print through a Printer, so one amount reads the same on every face.
// It also makes strings that came from data safe for where they go (see
// Terminal).
package present

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
)

// Printer formats values for people in one language. It is safe for
// concurrent use once made.
type Printer struct {
	tr    *locale.Tr
	lang  string
	mp    *message.Printer
	units map[string]sessions.Unit
}

// New is a Printer for tr's language that knows the units of schemes (the
// database's schemes table). A scheme it does not know is counted in the
// unit its default code implies (ila and voucher EUR, leave hours).
func New(tr *locale.Tr, schemes []sessions.Scheme) *Printer {
	p := &Printer{tr: tr, lang: tr.Lang(), mp: message.NewPrinter(language.Make(tr.Lang())), units: map[string]sessions.Unit{}}
	for _, s := range schemes {
		p.units[s.Code] = s.Unit
	}
	return p
}

// Tr is the message catalogue in the printer's language.
func (p *Printer) Tr() *locale.Tr { return p.tr }

// Lang is the printer's language code.
func (p *Printer) Lang() string { return p.lang }

// Unit is the unit a scheme counts in: the schemes table's, else the
// default scheme codes' (catalog.Unit), own money in EUR.
func (p *Printer) Unit(scheme string) sessions.Unit {
	if u, ok := p.units[scheme]; ok {
		return u
	}
	return sessions.Unit(catalog.Unit(scheme))
}

// Count is a whole number with the language's digit grouping: 12,480
// (en), 12.480 (nl), 12 480 (fr).
func (p *Printer) Count(n int) string { return p.mp.Sprint(n) }

// Number is a decimal with at most two decimals, trailing zeros dropped,
// in the language's separators: 7.5 (en), 7,5 (nl, fr).
func (p *Printer) Number(v float64) string {
	return p.mp.Sprint(number.Decimal(v, number.MaxFractionDigits(2)))
}

// fixed2 is v with exactly two decimals in the language's separators.
func (p *Printer) fixed2(minor int64) string {
	neg := minor < 0
	if neg {
		minor = -minor
	}
	whole := p.mp.Sprint(minor / 100)
	s := whole + p.decimalSep() + twoDigits(minor%100)
	if neg {
		s = "-" + s
	}
	return s
}

func (p *Printer) decimalSep() string {
	if p.lang == "en" {
		return "."
	}
	return ","
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// Symbol is the sign of an ISO 4217 currency, or its code.
func Symbol(currency string) string {
	switch strings.ToUpper(currency) {
	case "", "EUR":
		return "€"
	case "GBP":
		return "£"
	case "USD":
		return "$"
	case "CHF":
		return "CHF"
	}
	return strings.ToUpper(currency)
}

// Money is an amount with two decimals and its currency, placed the way
// the language puts it: €1,240.00 (en), € 1.240,00 (nl), 1 240,00 € (fr).
// An empty currency is EUR.
func (p *Printer) Money(m catalog.Money, currency string) string {
	return p.place(p.fixed2(int64(m)), currency)
}

// MoneyShort is Money without cents when they are zero (€480, € 1.240,50):
// for result lists, where columns are narrow.
func (p *Printer) MoneyShort(m catalog.Money, currency string) string {
	if int64(m)%100 != 0 {
		return p.Money(m, currency)
	}
	return p.place(p.mp.Sprint(int64(m)/100), currency)
}

func (p *Printer) place(num, currency string) string {
	sym := Symbol(currency)
	neg := strings.HasPrefix(num, "-")
	num = strings.TrimPrefix(num, "-")
	sign := ""
	if neg {
		sign = "-"
	}
	switch p.lang {
	case "nl":
		return sign + sym + " " + num
	case "fr":
		return sign + num + "\u00a0" + sym
	}
	if len(sym) > 1 && sym != "€" && sym != "£" && sym != "$" {
		return sign + sym + " " + num
	}
	return sign + sym + num
}

// Price is an offer's price for people: "free", the amount, or "–" when
// unknown (never 0).
func (p *Printer) Price(m *catalog.Money, currency string) string {
	switch {
	case m == nil: // unknown in words, never 0 or blank (issue 12)
		return p.tr.T("app.unknown")
	case *m == 0:
		return p.tr.T("present.free")
	}
	return p.MoneyShort(*m, currency)
}

// Hours is a number of hours: "60 h" (en, fr), "60 u" (nl).
func (p *Printer) Hours(h float64) string {
	return p.tr.T("present.unit.hours", "N", p.Number(h))
}

// Days is a number of days with its plural: "1 day", "2 days".
func (p *Printer) Days(n int64) string {
	return p.tr.N("present.unit.days", int(n), "N", p.Count(int(n)))
}

// UnitAmount writes minor units in unit: cents as money, minutes as hours,
// days as days.
func (p *Printer) UnitAmount(u sessions.Unit, minor int64) string {
	switch u {
	case sessions.UnitHours:
		return p.Hours(float64(minor) / 60)
	case sessions.UnitDays:
		return p.Days(minor)
	}
	return p.Money(catalog.Money(minor), "EUR")
}

// Amount writes minor units of a scheme in the scheme's unit.
func (p *Printer) Amount(scheme string, minor int64) string {
	return p.UnitAmount(p.Unit(scheme), minor)
}

// Workload is ECTS and/or hours: "4 ECTS", "60 h", "4 ECTS / 100 h", or
// "–" when neither is known.
func (p *Printer) Workload(ects, hours *float64) string {
	var parts []string
	if ects != nil {
		parts = append(parts, p.Number(*ects)+" ECTS")
	}
	if hours != nil {
		parts = append(parts, p.Hours(*hours))
	}
	if len(parts) == 0 { // unknown in words, never 0 or blank (issue 12)
		return p.tr.T("app.unknown")
	}
	return strings.Join(parts, " / ")
}

// WorkloadShort is the first of ECTS or hours, for result lists.
func (p *Printer) WorkloadShort(ects, hours *float64) string {
	switch {
	case ects != nil:
		return p.Number(*ects) + " ECTS"
	case hours != nil:
		return p.Hours(*hours)
	}
	return p.tr.T("app.unknown")
}

// EQF is a level with the framework's name in the language (EQF 5, CEC 5
// in French), "not applicable" or "unknown".
func (p *Printer) EQF(e catalog.EQF) string {
	switch {
	case e == catalog.EQFNotApplicable:
		return p.tr.T("app.na")
	case e < 1 || e > 8:
		return p.tr.T("app.unknown")
	}
	return p.tr.T("vocab.eqf.level", "Level", int(e))
}

// EQFShort is EQF for result lists: the level, or "–".
func (p *Printer) EQFShort(e catalog.EQF) string {
	if e < 1 || e > 8 {
		return "–"
	}
	return p.tr.T("vocab.eqf.level", "Level", int(e))
}

// Vocab is the label of a vocabulary code (vocab.KIND.CODE), or the code
// itself when the catalogue has none: imported registers may use values
// koers does not know.
func (p *Printer) Vocab(kind, code string) string {
	if code == "" {
		return ""
	}
	if id := "vocab." + kind + "." + code; p.tr.Has(id) {
		return p.tr.T(id)
	}
	return code
}

// Field is the label of an ISCED-F 2013 field of education and training:
// the detailed field's narrow field (three digits) or broad field (two),
// with the code itself when the label names a wider field than the code
// ("Information and communication technologies (ICT) (0613)"); the code
// alone when the classification does not know it.
func (p *Printer) Field(code string) string {
	for _, n := range []int{3, 2} {
		if len(code) < n {
			continue
		}
		if l := p.Vocab("isced", code[:n]); l != code[:n] {
			if n == len(code) {
				return l
			}
			return l + " (" + code + ")"
		}
	}
	return code
}

// Mode is a form of participation's label.
func (p *Printer) Mode(m catalog.Mode) string { return p.Vocab("mode", string(m)) }

// Region is the label of a NUTS code, or of the nearest larger region the
// catalogue knows, or "".
func (p *Printer) Region(code string) string {
	for c := code; len(c) >= 2; c = c[:len(c)-1] {
		if l := p.Vocab("region", c); l != c {
			return l
		}
	}
	return ""
}

// Scheme is a scheme's short name (ILA, leave, voucher, own money).
func (p *Printer) Scheme(code string) string {
	if id := "plan.scheme." + code; p.tr.Has(id) {
		return p.tr.T(id)
	}
	return code
}

// SchemeLong is a scheme's full name ("Individual learning account").
func (p *Printer) SchemeLong(code string) string {
	if id := "export.scheme." + code; p.tr.Has(id) {
		return p.tr.T(id)
	}
	return p.Scheme(code)
}

// StepStatus is a plan step's status.
func (p *Printer) StepStatus(s sessions.StepStatus) string {
	return p.tr.T("plan.status." + string(s))
}

// Date is a civil date: 2026-12-03 (en), 03-12-2026 (nl), 03/12/2026
// (fr); the unknown date is a dash.
func (p *Printer) Date(d catalog.Date) string {
	if d.IsZero() {
		return "–"
	}
	t := d.Time()
	switch p.lang {
	case "nl":
		return t.Format("02-01-2006")
	case "fr":
		return t.Format("02/01/2006")
	}
	return t.Format(time.DateOnly)
}

// DateTime is a time in its own zone: the date as Date writes it and the
// hour; a time at midnight exactly is a date only (a date entered without
// an hour).
func (p *Printer) DateTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	d := p.Date(catalog.NewDate(t.Year(), t.Month(), t.Day()))
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return d
	}
	return d + " " + t.Format("15:04")
}

// Dates is a period "start – end", or "–".
func (p *Printer) Dates(start, end catalog.Date) string {
	if start.IsZero() && end.IsZero() {
		return "–"
	}
	return p.Date(start) + " – " + p.Date(end)
}
