package catalog

import (
	"fmt"
	"math"
)

// validateExtra checks the fields issue 12 added: workload ranges, length,
// certificate price.
func (o *Offer) validateExtra(p *Problems) {
	checkRange := func(field string, r *Range, hi float64) {
		if r == nil {
			return
		}
		if r.Min < 0 || r.Max < r.Min || r.Max > hi || math.IsNaN(r.Min) || math.IsNaN(r.Max) {
			p.add(field, "%s is not a range within 0–%g", r, hi)
		}
	}
	checkRange("hours_range", o.HoursRange, 10000)
	checkRange("weekly_hours", o.WeeklyHours, 168)
	if o.HoursRange != nil && o.Hours != nil {
		p.add("hours_range", "is given with hours (a single value): keep one")
	}
	if l := o.Length; l != nil {
		switch l.Unit {
		case Days, Weeks, Months, Years:
			checkRange("length", &l.Range, 3650)
		default:
			p.add("length", "%q is not days, weeks, months or years", l.Unit)
		}
	}
	if o.CertificatePrice != nil {
		if *o.CertificatePrice < 0 {
			p.add("certificate_price", "is negative")
		}
		if o.Currency == "" {
			p.add("currency", "is required with a certificate price")
		}
	}
}

// SetWorkload puts what a workload cell stated on the offer: a single
// total in Hours, a range of totals in HoursRange (Hours stays unknown),
// effort per week and calendar length as stated. Values the offer
// already has are kept (a dedicated column wins over a derived one).
func (o *Offer) SetWorkload(w Workload) {
	if h := w.Hours; h != nil && o.Hours == nil && o.HoursRange == nil {
		if h.Single() {
			v := h.Min
			o.Hours = &v
		} else {
			r := *h
			o.HoursRange = &r
		}
	}
	if w.PerWeek != nil && o.WeeklyHours == nil {
		r := *w.PerWeek
		o.WeeklyHours = &r
	}
	if w.Length != nil && o.Length == nil {
		l := *w.Length
		o.Length = &l
	}
}

// workloadFlag is the warning kept on an offer when a workload cell could
// not be read with certainty: the field, the cell's problem and where.
func workloadFlag(field string, err error, where string) string {
	return fmt.Sprintf("%s: %v; left unknown (%s)", field, err, where)
}

// isoVolume reads a standards document's volume of learning (an ISO 8601
// duration) onto the offer: PT60H is 60 hours of effort, P3M a length of
// three months (not hours: converting calendar time to effort would be a
// guess). It returns the flags to keep, naming the field and at.
func isoVolume(o *Offer, v, at string) []string {
	w, err := ParseWorkload(v, "")
	if err != nil {
		return []string{workloadFlag("hours", err, at)}
	}
	o.SetWorkload(w)
	if w.Hours == nil && w.Length != nil {
		return []string{fmt.Sprintf("hours: volumeOfLearning %s is a calendar length (%s), not hours; hours left unknown (%s)", v, w.Length, at)}
	}
	return nil
}

// languageNames are language names as course catalogues write them, in
// English and in the language itself (folded), for the languages koers
// meets most; any other name is not guessed.
var languageNames = map[string]string{
	"english": "en", "french": "fr", "francais": "fr", "dutch": "nl", "nederlands": "nl", "flemish": "nl", "vlaams": "nl",
	"german": "de", "deutsch": "de", "spanish": "es", "espanol": "es", "castellano": "es", "italian": "it", "italiano": "it",
	"portuguese": "pt", "portugues": "pt", "polish": "pl", "polski": "pl", "swedish": "sv", "svenska": "sv",
	"danish": "da", "dansk": "da", "finnish": "fi", "suomi": "fi", "greek": "el", "romanian": "ro", "romana": "ro",
	"czech": "cs", "cestina": "cs", "hungarian": "hu", "magyar": "hu", "arabic": "ar", "turkish": "tr", "turkce": "tr",
	"ukrainian": "uk", "russian": "ru", "chinese": "zh", "japanese": "ja", "korean": "ko", "hindi": "hi",
	"engels": "en", "frans": "fr", "duits": "de", "spaans": "es", "anglais": "en", "neerlandais": "nl", "allemand": "de",
	"espagnol": "es", "englisch": "en", "franzosisch": "fr", "niederlandisch": "nl", "spanisch": "es", "ingles": "en",
	"frances": "fr", "aleman": "de", "neerlandes": "nl",
}

// inMainCurrency is cands without those priced in another currency than
// MainCurrency (a new slice when any is left out).
func inMainCurrency(cands []Candidate) []Candidate {
	for i, c := range cands {
		if c.Currency == "" || c.Currency == MainCurrency {
			continue
		}
		out := append([]Candidate(nil), cands[:i]...)
		for _, d := range cands[i+1:] {
			if d.Currency == "" || d.Currency == MainCurrency {
				out = append(out, d)
			}
		}
		return out
	}
	return cands
}
