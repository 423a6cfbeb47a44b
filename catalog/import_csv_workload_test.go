package catalog

import (
	"strings"
	"testing"
)

// TestCSVWorkloadCells imports issue 12's cells through koers's own CSV:
// what is read with certainty is kept apart (hours, per week, length),
// the rest is a flag naming the field, the column, the file and the line,
// and the offer still imports with the value unknown.
func TestCSVWorkloadCells(t *testing.T) {
	in := "source_id,title,provider,hours,length\n" +
		"a,A,P,4 meses,\n" +
		"b,B,P,2 or 3 years,\n" +
		"c,C,P,90 minutes,\n" +
		"d,D,P,1h30,\n" +
		"e,E,P,Self-paced,\n" +
		"f,F,P,9–10 hours per week,5 Weeks\n" +
		"g,G,P,60,\n" +
		"h,H,P,,4 months\n"
	got, errs := parseAll(t, asParser(ParseCSV), strings.NewReader(in), "cat.csv", ParseOptions{Source: "s"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(got) != 8 {
		t.Fatalf("%d offers, want 8", len(got))
	}
	by := map[string]Offer{}
	for _, o := range got {
		by[o.SourceID] = o
	}
	type want struct {
		hours  string
		length string
		week   string
		flag   string
	}
	show := func(o Offer) want {
		var w want
		if o.Hours != nil {
			w.hours = Range{*o.Hours, *o.Hours}.String()
		} else if o.HoursRange != nil {
			w.hours = o.HoursRange.String()
		}
		if o.Length != nil {
			w.length = o.Length.String()
		}
		if o.WeeklyHours != nil {
			w.week = o.WeeklyHours.String()
		}
		if len(o.Flags) > 0 {
			w.flag = o.Flags[0]
		}
		return w
	}
	for id, w := range map[string]want{
		"a": {length: "4 months"},
		"b": {length: "2–3 years"},
		"c": {hours: "1.5"},
		"d": {hours: "1.5"},
		"e": {flag: `hours: "Self-paced": workload not read with certainty: "self" is not a unit or word koers can read here; left unknown (column "hours") (cat.csv line 6)`},
		"f": {hours: "45–50", length: "5 weeks", week: "9–10"},
		"g": {hours: "60"},
		"h": {length: "4 months"},
	} {
		if g := show(by[id]); g != w {
			t.Errorf("%s: got %+v, want %+v", id, g, w)
		}
	}
}
