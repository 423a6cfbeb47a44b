package present

import (
	"strconv"

	"github.com/koers-project/koers/catalog"
)

// shortMonths are the months' short names per language, as a date in a
// sentence writes them ("3 Nov", "3 nov", "3 nov.").
var shortMonths = map[string][12]string{
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	"nl": {"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
	"fr": {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
}

// DayMonth is a date in words, short: "3 Nov" in today's year, "3 Nov 2025"
// in another ("–" for no date).
func (p *Printer) DayMonth(d, today catalog.Date) string {
	if d.IsZero() {
		return "–"
	}
	months, ok := shortMonths[p.lang]
	if !ok {
		months = shortMonths["en"]
	}
	t := d.Time()
	s := strconv.Itoa(t.Day()) + "\u00a0" + months[t.Month()-1]
	if today.IsZero() || t.Year() != today.Time().Year() {
		s += "\u00a0" + strconv.Itoa(t.Year())
	}
	return s
}

// Lapse says in words why o can no longer be booked on today ("start
// passed 3 Nov", "deadline passed 1 Dec"), or "" when it still can.
func (p *Printer) Lapse(o catalog.Offer, today catalog.Date) string {
	switch o.LapseOn(today) {
	case catalog.StartPassed:
		return p.tr.T("present.lapse.start", "Date", p.DayMonth(o.Start, today))
	case catalog.DeadlinePassed:
		return p.tr.T("present.lapse.deadline", "Date", p.DayMonth(o.ApplyBy, today))
	}
	return ""
}

// RefPrice is the price of an offer listed in a skill gap, in its own
// currency: "unknown" when it states none, "free" at zero.
func (p *Printer) RefPrice(o catalog.OfferRef) string {
	switch {
	case !o.PriceKnown():
		return p.Price(nil, "")
	case o.Price == 0:
		return p.Price(&o.Price, o.Currency)
	}
	return p.Money(o.Price, o.Currency)
}
