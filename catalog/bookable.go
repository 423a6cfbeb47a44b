package catalog

import (
	"cmp"
	"slices"
)

// Lapse is why an offer can no longer be booked on a day (issue 13: an
// offer whose start or application deadline has passed looked bookable).
type Lapse int

// The lapses, worst first: a passed start outranks a passed deadline.
const (
	Bookable       Lapse = iota // nothing has passed (or no date is known)
	DeadlinePassed              // the application deadline is before the day
	StartPassed                 // the start is before the day
)

// LapseOn says whether o can still be booked on today and, when not, what
// passed. An unknown date never makes an offer look closed: it is not a
// guess that it has passed.
func (o Offer) LapseOn(today Date) Lapse {
	switch {
	case today.IsZero():
		return Bookable
	case !o.Start.IsZero() && o.Start.Before(today):
		return StartPassed
	case !o.ApplyBy.IsZero() && o.ApplyBy.Before(today):
		return DeadlinePassed
	}
	return Bookable
}

// BookableFirst orders hits so that the offers that can still be booked on
// today come first, keeping the order of each group (stable): a counsellor
// reading a result list sees what a person can sign up for before what
// has passed. A zero today keeps hits as they are.
func BookableFirst(hits []Hit, today Date) {
	if today.IsZero() {
		return
	}
	slices.SortStableFunc(hits, func(a, b Hit) int {
		return cmp.Compare(closed(a.Offer, today), closed(b.Offer, today))
	})
}

// closed is 1 for an offer that can no longer be booked on today, else 0.
func closed(o Offer, today Date) int {
	if o.LapseOn(today) != Bookable {
		return 1
	}
	return 0
}
