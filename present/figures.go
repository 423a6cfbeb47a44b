package present

import (
	"math"

	"golang.org/x/text/number"
)

// Figure is a report's figure in whole major units, rounded half up, with
// the language's digit grouping (Count): the unit is the report's column
// unit, "EUR" (cents, printed as euros), "hours" (minutes, printed as
// hours), or anything else (people, count, days), printed as it is.
// Reports are about magnitudes: amounts are rounded to the euro or hour.
func (p *Printer) Figure(unit string, v int64) string {
	x := float64(v)
	switch unit {
	case "EUR":
		x /= 100
	case "hours":
		x /= 60
	}
	return p.mp.Sprint(int64(math.Floor(x + 0.5)))
}

// Percent is a percentage with one decimal, in the language's separators:
// 62.5 % (en), 62,5 % (nl, fr).
func (p *Printer) Percent(x float64) string {
	return p.Decimal1(x) + " %"
}

// Decimal1 is a number with exactly one decimal, in the language's
// separators: 2.0 (en), 2,0 (nl, fr).
func (p *Printer) Decimal1(x float64) string {
	return p.mp.Sprint(number.Decimal(x, number.MinFractionDigits(1), number.MaxFractionDigits(1)))
}
