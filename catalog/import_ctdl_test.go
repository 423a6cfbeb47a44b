package catalog

import (
	"os"
	"strings"
	"testing"
)

func TestParseCTDLProgram(t *testing.T) {
	got, errs := parseFile(t, asParser(ParseCTDL), "testdata/ctdl/program.json")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(got) != 4 {
		t.Fatalf("%d offers, want the program and its three courses", len(got))
	}
	by := map[string]Offer{}
	for _, o := range got {
		by[o.Title] = o
	}
	prog := by["Data Analytics Program"]
	if prog.SourceID != "ce-6a0f7c1e-4b1d-4c55-9d0e-1f2a3b4c5d60" || prog.Provider != "Example Community College" ||
		prog.Country != "" || prog.Mode != ModeOnline || *prog.Price != 135000 || prog.Currency != "USD" || *prog.Hours != 120 ||
		prog.TitleI18n["es"] == "" || strings.Join(prog.Keywords, "|") != "data analytics|SQL" {
		t.Errorf("program %+v", prog)
	}
	// The parts are part_of the program; the program's cost differs from
	// the sum of its parts with a known price in USD (the third part's
	// currency is not a code): flagged, never corrected.
	for _, title := range []string{"Introduction to SQL", "Data Visualization", "Statistics for Analysts"} {
		c := by[title]
		if len(c.Relations) != 1 || c.Relations[0].Kind != PartOf || c.Relations[0].Target != prog.SourceID {
			t.Errorf("%s relations %+v", title, c.Relations)
		}
	}
	stats := by["Statistics for Analysts"]
	if stats.Price != nil || stats.Length == nil || *stats.Length != (Length{Range{4, 6}, Weeks}) || !hasFlag(stats, `currency "US Dollar" is not an ISO 4217 code`) {
		t.Errorf("statistics: price %v length %v flags %q", stats.Price, stats.Length, stats.Flags)
	}
	sql := by["Introduction to SQL"]
	if sql.ECTS != nil || !hasFlag(sql, "creditUnit:SemesterHour are not ECTS") {
		t.Errorf("semester hours read as ECTS: %v %q", sql.ECTS, sql.Flags)
	}
	// A part has no price in USD and one a length, not hours: nothing to
	// compare, no flag ("United States" is a name, not a code: no country).
	if len(prog.Flags) != 0 {
		t.Errorf("program flags %q", prog.Flags)
	}
}

// TestCTDLPartsDiffer: a program whose stated cost and hours differ from
// the sum of its parts keeps both, flagged.
func TestCTDLPartsDiffer(t *testing.T) {
	b, err := os.ReadFile("testdata/ctdl/program.json")
	if err != nil {
		t.Fatal(err)
	}
	in := strings.Replace(string(b), `"US Dollar"`, `"USD"`, 1)
	in = strings.Replace(in, `"ceterms:minimumDuration": "P4W", "ceterms:maximumDuration": "P6W"`, `"ceterms:exactDuration": "PT30H"`, 1)
	got, errs := parseAll(t, asParser(ParseCTDL), strings.NewReader(in), "p.json", ParseOptions{Source: "ce"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var prog Offer
	for _, o := range got {
		if strings.HasPrefix(o.Title, "Data Analytics") {
			prog = o
		}
	}
	if !hasFlag(prog, "hours: 120 h stated for the whole, its 3 parts sum to 110 h") {
		t.Errorf("hours difference not flagged: %q", prog.Flags)
	}
	if hasFlag(prog, "price:") {
		t.Errorf("1350 = 450×3 flagged: %q", prog.Flags)
	}
	in = strings.Replace(in, `"ceterms:price": 1200`, `"ceterms:price": 1300`, 1)
	got, _ = parseAll(t, asParser(ParseCTDL), strings.NewReader(in), "p.json", ParseOptions{Source: "ce"})
	for _, o := range got {
		if strings.HasPrefix(o.Title, "Data Analytics") && !hasFlag(o, "price: 1450.00 USD stated for the whole, its 3 parts sum to 1350.00 USD") {
			t.Errorf("price difference not flagged: %q", o.Flags)
		}
	}
}

func TestParseCTDLMicroCredential(t *testing.T) {
	got, errs := parseFile(t, asParser(ParseCTDL), "testdata/ctdl/microcredential.json")
	if len(errs) > 0 || len(got) != 1 {
		t.Fatalf("%v %v", got, errs)
	}
	o := got[0]
	if o.Title != "Heat Pump Installation" || o.TitleI18n["nl"] == "" || o.AwardingBody != "Energy Skills Centre Gent" || o.Country != "BE" ||
		o.Mode != ModeBlended || *o.ECTS != 4.5 || *o.Price != 48000 || o.Currency != "EUR" || o.Hours != nil ||
		*o.Length != (Length{Range{3, 3}, Months}) || strings.Join(o.Languages, " ") != "en nl" || strings.Join(o.Keywords, "|") != "Renewable energy" {
		t.Errorf("%+v", o)
	}
}

// TestCTDLRefused: a resource whose organization the file does not
// describe has no awarding body: refused with its JSON pointer.
func TestCTDLRefused(t *testing.T) {
	b, err := os.ReadFile("testdata/ctdl/microcredential.json")
	if err != nil {
		t.Fatal(err)
	}
	in := strings.Replace(string(b), `"Energy Skills Centre Gent"`, `""`, 1)
	got, errs := parseAll(t, asParser(ParseCTDL), strings.NewReader(in), "m.json", ParseOptions{Source: "ce"})
	if len(got) != 0 || len(errs) != 1 || errs[0].Pointer != "/@graph/0" || errs[0].Field != "awarding_body" {
		t.Errorf("%v %v", got, errs)
	}
}

func TestDetectCTDL(t *testing.T) {
	for _, f := range []string{"testdata/ctdl/program.json", "testdata/ctdl/microcredential.json"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := DetectFormat(f, b[:min(len(b), 4096)]); got != FormatCTDL {
			t.Errorf("%s detected as %s", f, got)
		}
	}
}

func hasFlag(o Offer, sub string) bool {
	for _, f := range o.Flags {
		if strings.Contains(f, sub) {
			return true
		}
	}
	return false
}

func FuzzCTDL(f *testing.F) {
	for _, p := range []string{"testdata/ctdl/program.json", "testdata/ctdl/microcredential.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"@graph": [{"@type": "ceterms:Course", "ceterms:hasPart": ["x"], "@id": "x"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, _ := parseAll(t, asParser(ParseCTDL), strings.NewReader(string(b)), "f.json", ParseOptions{Source: "ce"})
		for _, o := range got {
			if p := o.Validate(); len(p) > 0 {
				t.Fatalf("yielded an invalid offer: %v", p)
			}
		}
	})
}
