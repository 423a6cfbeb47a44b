package catalog

import (
	"errors"
	"testing"
)

// hrs, pw and ln build the expected parts of a workload.
func hrs(min, max float64) *Range               { return &Range{min, max} }
func pw(min, max float64) *Range                { return &Range{min, max} }
func ln(min, max float64, u LengthUnit) *Length { return &Length{Range{min, max}, u} }

func TestParseWorkload(t *testing.T) {
	for _, tc := range []struct {
		cell, bare string
		want       Workload
		bad        bool // not read with certainty: flagged, value unknown
	}{
		// The cases of issue 12.
		{cell: "4 meses", want: Workload{Length: ln(4, 4, Months)}},
		{cell: "2 years", want: Workload{Length: ln(2, 2, Years)}},
		{cell: "90 minutes", want: Workload{Hours: hrs(1.5, 1.5)}},
		{cell: "1h30", want: Workload{Hours: hrs(1.5, 1.5)}},
		{cell: "2 or 3 years", want: Workload{Length: ln(2, 3, Years)}},
		{cell: "4 months", want: Workload{Length: ln(4, 4, Months)}},
		{cell: "5 Weeks", want: Workload{Length: ln(5, 5, Weeks)}},
		{cell: "9–10 hours per week", want: Workload{PerWeek: pw(9, 10)}},
		{cell: "5 Weeks, 9–10 hours per week", want: Workload{Hours: hrs(45, 50), PerWeek: pw(9, 10), Length: ln(5, 5, Weeks)}},
		// English (edX, Coursera, Udemy shapes).
		{cell: "60 h", want: Workload{Hours: hrs(60, 60)}},
		{cell: "60", bare: "hours", want: Workload{Hours: hrs(60, 60)}},
		{cell: "60", bad: true},
		{cell: "3.5 total hours", want: Workload{Hours: hrs(3.5, 3.5)}},
		{cell: "Approx. 20 hours to complete", bad: true},
		{cell: "approx. 20 hours", want: Workload{Hours: hrs(20, 20)}},
		{cell: "6 weeks, 4-6 hrs/wk", want: Workload{Hours: hrs(24, 36), PerWeek: pw(4, 6), Length: ln(6, 6, Weeks)}},
		{cell: "8 weeks at 3 hours a week", bad: true},
		{cell: "8 weeks, 3 hours a week", want: Workload{Hours: hrs(24, 24), PerWeek: pw(3, 3), Length: ln(8, 8, Weeks)}},
		{cell: "1 hour 30 minutes", want: Workload{Hours: hrs(1.5, 1.5)}},
		{cell: "2 hours and 45 minutes", want: Workload{Hours: hrs(2.75, 2.75)}},
		{cell: "45 mins", want: Workload{Hours: hrs(0.75, 0.75)}},
		{cell: "1:30", want: Workload{Hours: hrs(1.5, 1.5)}},
		{cell: "12:45 hours", want: Workload{Hours: hrs(12.75, 12.75)}},
		{cell: "1:75", bad: true},
		{cell: "3 days", want: Workload{Length: ln(3, 3, Days)}},
		{cell: "Self-paced", bad: true},
		{cell: "3 m", bad: true},
		{cell: "10 hours per day", bad: true},
		{cell: "3 days per week", bad: true},
		{cell: "1,500 hours", bad: true},
		{cell: "-5 hours", bad: true},
		{cell: "10-8 weeks", bad: true},
		{cell: "60 hours, 40 hours", bad: true},
		{cell: "4 weeks 2 months", bad: true},
		{cell: "2 h weekly", want: Workload{PerWeek: pw(2, 2)}},
		{cell: "Weekly", bad: true},
		{cell: "1 year", want: Workload{Length: ln(1, 1, Years)}},
		{cell: "10 to 12 weeks", want: Workload{Length: ln(10, 12, Weeks)}},
		// Dutch.
		{cell: "60 uur", want: Workload{Hours: hrs(60, 60)}},
		{cell: "1,5 uur", want: Workload{Hours: hrs(1.5, 1.5)}},
		{cell: "12 weken", want: Workload{Length: ln(12, 12, Weeks)}},
		{cell: "6 maanden", want: Workload{Length: ln(6, 6, Months)}},
		{cell: "2 jaar", want: Workload{Length: ln(2, 2, Years)}},
		{cell: "3 dagen", want: Workload{Length: ln(3, 3, Days)}},
		{cell: "4 à 6 uur per week", want: Workload{PerWeek: pw(4, 6)}},
		{cell: "ongeveer 8 uur in de week", want: Workload{PerWeek: pw(8, 8)}},
		{cell: "2 of 3 jaar", want: Workload{Length: ln(2, 3, Years)}},
		{cell: "40 lesuren", want: Workload{Hours: hrs(40, 40)}},
		{cell: "10 weken, 6 u/week", want: Workload{Hours: hrs(60, 60), PerWeek: pw(6, 6), Length: ln(10, 10, Weeks)}},
		{cell: "zelfstudie", bad: true},
		// French.
		{cell: "35 heures", want: Workload{Hours: hrs(35, 35)}},
		{cell: "1 h 30", want: Workload{Hours: hrs(1.5, 1.5)}},
		{cell: "6 semaines", want: Workload{Length: ln(6, 6, Weeks)}},
		{cell: "6 semaines, 4 h par semaine", want: Workload{Hours: hrs(24, 24), PerWeek: pw(4, 4), Length: ln(6, 6, Weeks)}},
		{cell: "3 mois", want: Workload{Length: ln(3, 3, Months)}},
		{cell: "2 ans", want: Workload{Length: ln(2, 2, Years)}},
		{cell: "5 jours", want: Workload{Length: ln(5, 5, Days)}},
		{cell: "environ 2,5 heures", want: Workload{Hours: hrs(2.5, 2.5)}},
		{cell: "2 ou 3 ans", want: Workload{Length: ln(2, 3, Years)}},
		{cell: "3 heures hebdomadaires", want: Workload{PerWeek: pw(3, 3)}},
		{cell: "à la carte", bad: true},
		// German.
		{cell: "40 Stunden", want: Workload{Hours: hrs(40, 40)}},
		{cell: "40 Std.", want: Workload{Hours: hrs(40, 40)}},
		{cell: "8 Wochen", want: Workload{Length: ln(8, 8, Weeks)}},
		{cell: "6 Monate", want: Workload{Length: ln(6, 6, Months)}},
		{cell: "2 Jahre", want: Workload{Length: ln(2, 2, Years)}},
		{cell: "3 Tage", want: Workload{Length: ln(3, 3, Days)}},
		{cell: "4 bis 5 Stunden pro Woche", want: Workload{PerWeek: pw(4, 5)}},
		{cell: "ca. 120 Minuten", want: Workload{Hours: hrs(2, 2)}},
		{cell: "2 oder 3 Jahre", want: Workload{Length: ln(2, 3, Years)}},
		{cell: "berufsbegleitend", bad: true},
		// Spanish.
		{cell: "40 horas", want: Workload{Hours: hrs(40, 40)}},
		{cell: "6 semanas", want: Workload{Length: ln(6, 6, Weeks)}},
		{cell: "1 año", want: Workload{Length: ln(1, 1, Years)}},
		{cell: "2 años", want: Workload{Length: ln(2, 2, Years)}},
		{cell: "10 días", want: Workload{Length: ln(10, 10, Days)}},
		{cell: "3 a 5 horas por semana", want: Workload{PerWeek: pw(3, 5)}},
		{cell: "4 horas a la semana", want: Workload{PerWeek: pw(4, 4)}},
		{cell: "90 minutos", want: Workload{Hours: hrs(1.5, 1.5)}},
		{cell: "aprox. 30 horas", want: Workload{Hours: hrs(30, 30)}},
		{cell: "2 o 3 meses", want: Workload{Length: ln(2, 3, Months)}},
		{cell: "a tu ritmo", bad: true},
		// ISO 8601.
		{cell: "PT60H", want: Workload{Hours: hrs(60, 60)}},
		{cell: "PT90M", want: Workload{Hours: hrs(1.5, 1.5)}},
		{cell: "P3M", want: Workload{Length: ln(3, 3, Months)}},
		{cell: "P2W", want: Workload{Length: ln(2, 2, Weeks)}},
		{cell: "P1Y", want: Workload{Length: ln(1, 1, Years)}},
		{cell: "P1DT4H", bad: true},
		{cell: "P1Y6M", want: Workload{Length: ln(18, 18, Months)}},
		{cell: "P3W3D", want: Workload{Length: ln(24, 24, Days)}},
		{cell: "P1M2D", bad: true},
		{cell: "PT", bad: true},
		{cell: "", want: Workload{}},
	} {
		t.Run(tc.cell, func(t *testing.T) {
			got, err := ParseWorkload(tc.cell, tc.bare)
			if tc.bad {
				if err == nil || !errors.Is(err, ErrWorkload) {
					t.Fatalf("ParseWorkload(%q) = %+v, %v; want a flag", tc.cell, fmtW(got), err)
				}
				if !got.IsZero() {
					t.Errorf("flagged cell returned a value %+v", fmtW(got))
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseWorkload(%q): %v", tc.cell, err)
			}
			if fmtW(got) != fmtW(tc.want) {
				t.Errorf("ParseWorkload(%q) = %s, want %s", tc.cell, fmtW(got), fmtW(tc.want))
			}
		})
	}
}

func fmtW(w Workload) string {
	s := ""
	if w.Hours != nil {
		s += "hours " + w.Hours.String() + " "
	}
	if w.PerWeek != nil {
		s += "per week " + w.PerWeek.String() + " "
	}
	if w.Length != nil {
		s += "length " + w.Length.String()
	}
	return s
}

func TestLengthWeeks(t *testing.T) {
	for _, tc := range []struct {
		l    Length
		want int
	}{
		{Length{Range{5, 5}, Weeks}, 5}, {Length{Range{3, 3}, Months}, 13}, {Length{Range{2, 3}, Years}, 156},
		{Length{Range{10, 10}, Days}, 2}, {Length{Range{7, 7}, Days}, 1},
	} {
		if got, ok := tc.l.Weeks(); !ok || got != tc.want {
			t.Errorf("%s: %d weeks, want %d", tc.l, got, tc.want)
		}
	}
}

func FuzzParseWorkload(f *testing.F) {
	for _, s := range []string{"4 meses", "1h30", "9–10 hours per week", "PT60H", "P3M", "2 or 3 years", "1:30", "6 semaines, 4 h par semaine"} {
		f.Add(s, "")
	}
	f.Add("60", "hours")
	f.Fuzz(func(t *testing.T, cell, bare string) {
		w, err := ParseWorkload(cell, bare)
		if err != nil {
			if !w.IsZero() {
				t.Fatalf("flagged %q but returned %+v", cell, fmtW(w))
			}
			return
		}
		for _, r := range []*Range{w.Hours, w.PerWeek} {
			if r != nil && (r.Min < 0 || r.Max < r.Min) {
				t.Fatalf("%q: bad range %v", cell, r)
			}
		}
		if w.Length != nil && (w.Length.Min < 0 || w.Length.Max < w.Length.Min || w.Length.Unit == "") {
			t.Fatalf("%q: bad length %v", cell, w.Length)
		}
	})
}
