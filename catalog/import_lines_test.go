package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"iter"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func ptr[T any](v T) *T { return &v }

func sampleOffer() Offer {
	p := Money(48000)
	return Offer{
		Source: "vdab", SourceID: "DA-101", Title: "Data-analyse met Python", TitleI18n: map[string]string{"fr": "Analyse de données"},
		Description: "Leer data analyseren.", Provider: "DigiLab Gent", AwardingBody: "DigiLab Gent", Country: "BE", Region: "BE23",
		Outcomes: []Outcome{{Text: "analyse data", Skills: []SkillRef{{URI: "http://data.europa.eu/esco/skill/abc", Label: "analyse data"}}}},
		ECTS:     ptr(4.0), Hours: ptr(100.0), EQF: 5, Assessment: "project", Mode: ModeBlended, QA: "NVAO",
		Prerequisites: []string{"EQF 4"}, Stackability: "stackable", Relations: []Relation{{Kind: PartOf, Target: "DA-100"}},
		Languages: []string{"nl"}, ISCED: "0613", Price: &p, Currency: "EUR", Start: NewDate(2027, 1, 11), End: NewDate(2027, 3, 1),
		Schemes: []string{"ila", "voucher"}, Status: StatusActive, Flags: []string{"checked"},
	}
}

func TestJSONLinesRoundTrip(t *testing.T) {
	in := []Offer{sampleOffer(), {Source: "vdab", SourceID: "X", Title: "Minimal", Provider: "P", EQF: EQFNotApplicable, Status: StatusActive}}
	var buf bytes.Buffer
	seq := func(yield func(Offer, error) bool) {
		for _, o := range in {
			if !yield(o, nil) {
				return
			}
		}
	}
	if _, err := WriteJSONLines(&buf, iter.Seq2[Offer, error](seq)); err != nil {
		t.Fatal(err)
	}
	got, errs := parseAll(t, asParser(ParseJSONLines), &buf, "reg.jsonl", ParseOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if diff := cmp.Diff(in, got, cmp.AllowUnexported(Date{})); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func line(o Offer) string {
	b, _ := json.Marshal(o)
	return string(b)
}

func TestJSONLinesBadInput(t *testing.T) {
	good := line(sampleOffer())
	for _, tc := range []struct {
		name, in    string
		wantLine    int
		wantField   string
		wantMessage string
	}{
		{"truncated", good + "\n" + good[:len(good)/2], 2, "", "not valid JSON"},
		{"eqf 9", strings.Replace(good, `"eqf":5`, `"eqf":9`, 1), 1, "eqf", "9 is not an EQF level"},
		{"negative ects", strings.Replace(good, `"ects":4`, `"ects":-2`, 1), 1, "ects", "out of range"},
		{"unknown field", strings.Replace(good, `"title":`, `"titel":"x","title":`, 1), 1, "titel", "unknown field"},
		{"wrong type", strings.Replace(good, `"hours":100`, `"hours":"lots"`, 1), 1, "hours", "is not float64"},
		{"latin-1", strings.Replace(good, "Leer", "L\xe9er", 1), 1, "", "not UTF-8"},
		{"missing title", strings.Replace(good, `"title":"Data-analyse met Python"`, `"title":""`, 1), 1, "title", "is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := parseAll(t, asParser(ParseJSONLines), strings.NewReader(tc.in), "reg.jsonl", ParseOptions{})
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			e := errs[0]
			if e.File != "reg.jsonl" || e.Line != tc.wantLine || e.Field != tc.wantField || !strings.Contains(e.Msg, tc.wantMessage) {
				t.Errorf("got %+v, want line %d field %q message ~%q", e, tc.wantLine, tc.wantField, tc.wantMessage)
			}
		})
	}
}

func TestJSONLinesAllErrorsUpToLimit(t *testing.T) {
	var b strings.Builder
	for range MaxImportErrors + 50 {
		b.WriteString("{not json\n")
	}
	_, errs := parseAll(t, asParser(ParseJSONLines), strings.NewReader(b.String()), "bad.jsonl", ParseOptions{})
	if len(errs) != MaxImportErrors || errs[MaxImportErrors-1].Line != MaxImportErrors {
		t.Fatalf("%d errors, last %v", len(errs), errs[len(errs)-1])
	}
}

// garbage is an endless reader of pseudo-random bytes that counts what is
// read: a 2 GB file of garbage without writing one.
type garbage struct {
	state uint64
	read  int64
	limit int64
}

func (g *garbage) Read(p []byte) (int, error) {
	if g.read >= g.limit {
		return 0, io.EOF
	}
	for i := range p {
		g.state = g.state*6364136223846793005 + 1442695040888963407
		p[i] = byte(g.state >> 56)
	}
	g.read += int64(len(p))
	return len(p), nil
}

func TestGarbageStopsEarly(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    parser
	}{
		{"jsonl", asParser(ParseJSONLines)}, {"csv", asParser(ParseCSV)}, {"elm", asParser(ParseELM)},
		{"ob3", asParser(ParseOB3)}, {"loq", asParser(ParseLOQ)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &garbage{state: 42, limit: 2 << 30}
			offers, errs := parseAll(t, tc.p, g, "garbage.bin", ParseOptions{})
			if len(offers) != 0 || len(errs) == 0 {
				t.Fatalf("offers %d errors %d", len(offers), len(errs))
			}
			if g.read > MaxDocumentBytes+(1<<20) {
				t.Errorf("read %d bytes of a 2 GB garbage file before giving up", g.read)
			}
			if errs[0].File != "garbage.bin" {
				t.Errorf("error does not name the file: %v", errs[0])
			}
		})
	}
}

func TestDetectFormat(t *testing.T) {
	for _, tc := range []struct {
		name, head string
		want       Format
	}{
		{"reg.jsonl", line(sampleOffer()) + "\n", FormatJSONL},
		{"x.json", "{\n  \"@context\": [\"https://www.w3.org/2018/credentials/v1\"], \"type\": \"EuropeanDigitalCredential\"", FormatELM},
		{"x.json", "{\"@context\": [\"https://purl.imsglobal.org/spec/ob/v3p0/context.json\"]}", FormatOB3},
		{"loq.xml", "<?xml version=\"1.0\"?><Courses>", FormatLOQ},
		{"reg.csv", "source_id,title\n", FormatCSV},
		{"occupations_en.csv", "conceptType,conceptUri\n", FormatESCO},
		{"esco.zip", "PK\x03\x04...", FormatESCO},
	} {
		if got := DetectFormat(tc.name, []byte(tc.head)); got != tc.want {
			t.Errorf("DetectFormat(%s) = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestCSVOwnColumns(t *testing.T) {
	in := "source_id;title;title_fr;provider;country;ects;hours;eqf;mode;languages;price;start;skills;schemes\n" +
		"A1;Boekhouden;Comptabilité;CVO Noord;BE;3;75 h;EQF 4;klassikaal;nl|fr;€ 120,50;2027-02-01;http://data.europa.eu/esco/skill/x|http://data.europa.eu/esco/skill/y;ila\n"
	got, errs := parseAll(t, asParser(ParseCSV), strings.NewReader(in), "cvo.csv", ParseOptions{})
	if len(errs) > 0 || len(got) != 1 {
		t.Fatalf("%v", errs)
	}
	o := got[0]
	if o.Source != "cvo" || o.SourceID != "A1" || o.TitleI18n["fr"] != "Comptabilité" || *o.ECTS != 3 || *o.Hours != 75 || o.EQF != 4 ||
		o.Mode != ModeOnsite || len(o.Languages) != 2 || *o.Price != 12050 || o.Currency != "EUR" || o.Start != NewDate(2027, 2, 1) || len(o.Skills()) != 2 {
		t.Errorf("offer %+v", o)
	}
}

func TestCSVBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, in  string
		wantLine  int
		wantField string
		wantMsg   string
	}{
		{"missing required column", "source_id,provider\nA,B\n", 1, "title", "required column missing"},
		{"latin-1", "source_id,title,provider\nA,Caf\xe9,B\n", 2, "title", "Latin-1"},
		{"eqf 9", "source_id,title,provider,eqf\nA,T,P,9\n", 2, "eqf", "not an EQF level"},
		{"negative ects", "source_id,title,provider,ects\nA,T,P,-1\n", 2, "ects", "out of range"},
		{"unknown column", "source_id,title,provider,naam\nA,T,P,x\n", 1, "naam", "not a koers column"},
		{"bad quote", "source_id,title,provider\nA,\"T,P\n", 2, "", "not CSV"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := parseAll(t, asParser(ParseCSV), strings.NewReader(tc.in), "reg.csv", ParseOptions{})
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			e := errs[0]
			if e.File != "reg.csv" || e.Line != tc.wantLine || e.Field != tc.wantField || !strings.Contains(e.Msg, tc.wantMsg) {
				t.Errorf("got %+v", e)
			}
		})
	}
}

const provMap = `{
  "source": "syntra",
  "delimiter": ";",
  "header_row": 2,
  "skip": [{"column": "Status", "values": ["Geannuleerd"]}],
  "fields": {
    "source_id": {"column": "Code"},
    "title": {"column": "Opleiding"},
    "provider": {"default": "Syntra West"},
    "country": {"default": "BE"},
    "hours": {"column": "Weken", "unit": "weeks", "per_week_column": "Belasting"},
    "eqf": {"column": "Niveau", "map": {"basis": "2", "gevorderd": "4", "expert": "5"}},
    "mode": {"column": "Vorm", "map": {"afstand": "online", "*": "onsite"}},
    "price": {"column": "Prijs"},
    "languages": {"column": "Taal", "split": ","}
  }
}`

func TestCSVWithMapping(t *testing.T) {
	m, err := ParseMapping(strings.NewReader(provMap), "syntra.map.json")
	if err != nil {
		t.Fatal(err)
	}
	in := "Export 2026-12-01;;;;;;;\n" +
		"Code;Opleiding;Weken;Belasting;Niveau;Vorm;Prijs;Taal;Status\n" +
		"S1;Lassen;12;9–10 hours per week;Gevorderd;Afstand;EUR 1.250,00 incl. btw;NL,FR;Open\n" +
		"S2;Solderen;4;6 uur per week;BASIS;avond;gratis;nl;Geannuleerd\n" +
		"S3;Frezen;2;8;Expert;dag;€ 99;nl;Open\n"
	got, errs := parseAll(t, asParser(ParseCSV), strings.NewReader(in), "syntra.csv", ParseOptions{Map: m})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(got) != 2 {
		t.Fatalf("%d offers, want 2 (one skipped)", len(got))
	}
	a, c := got[0], got[1]
	// 12 weeks at 9–10 hours a week: a length, an effort per week and a
	// range of total hours (no midpoint: hours stay unknown).
	if a.Source != "syntra" || a.Provider != "Syntra West" || a.Country != "BE" || a.Hours != nil || a.EQF != 4 ||
		a.Mode != ModeOnline || *a.Price != 125000 || a.Currency != "EUR" || len(a.Languages) != 2 {
		t.Errorf("S1 %+v price %v", a, *a.Price)
	}
	if a.HoursRange == nil || *a.HoursRange != (Range{108, 120}) || a.Length == nil || *a.Length != (Length{Range{12, 12}, Weeks}) ||
		a.WeeklyHours == nil || *a.WeeklyHours != (Range{9, 10}) {
		t.Errorf("S1 workload %v %v %v", a.HoursRange, a.Length, a.WeeklyHours)
	}
	if c.Mode != ModeOnsite || *c.Hours != 16 || c.EQF != 5 || *c.Price != 9900 {
		t.Errorf("S3 %+v", c)
	}
	// A value missing from a value map names the field, the column and the line.
	bad := strings.Replace(in, "Expert", "Meester", 1)
	_, errs = parseAll(t, asParser(ParseCSV), strings.NewReader(bad), "syntra.csv", ParseOptions{Map: m})
	if len(errs) != 1 || errs[0].Line != 5 || errs[0].Field != "eqf" || !strings.Contains(errs[0].Msg, `"Meester"`) {
		t.Errorf("errors %v", errs)
	}
	// A mapped column the file lacks names the mapping's JSON pointer.
	_, errs = parseAll(t, asParser(ParseCSV), strings.NewReader(strings.Replace(in, "Niveau", "Level", 1)), "syntra.csv", ParseOptions{Map: m})
	if len(errs) != 1 || errs[0].File != "syntra.map.json" || errs[0].Pointer != "/fields/eqf/column" {
		t.Errorf("errors %v", errs)
	}
}

func TestParseMappingErrors(t *testing.T) {
	for _, tc := range []struct{ in, wantPtr string }{
		{`{"fields": {"titel": {"column": "x"}, "source_id": {"column": "a"}, "title": {"column": "b"}}}`, "/fields/titel"},
		{`{"fields": {"source_id": {"column": "a"}, "title": {"column": "b"}, "hours": {"column": "h", "unit": "fortnights"}}}`, "/fields/hours/unit"},
		{`{"fields": {"source_id": {"column": "a"}}}`, "/fields/title"},
		{`{"fields": {"source_id": {"column": "a"}, "title": {"column": "b"}, "provider": {"default": "P"}}, "skip": [{"column": "s", "matches": "("}]}`, "/skip/0/matches"},
		{`{"fields": {"source_id": {"column": 3}}}`, "/fields"},
	} {
		_, err := ParseMapping(strings.NewReader(tc.in), "m.json")
		var ie ImportErrors
		if err == nil || !asImportErrors(err, &ie) || !strings.HasPrefix(ie[0].Pointer, tc.wantPtr) {
			t.Errorf("%s: got %v, want pointer %s", tc.in, err, tc.wantPtr)
		}
	}
}

func asImportErrors(err error, out *ImportErrors) bool {
	ie, ok := err.(ImportErrors)
	*out = ie
	return ok && len(ie) > 0
}

func TestParsePrice(t *testing.T) {
	for _, tc := range []struct {
		cell string
		want Money
		cur  string
	}{
		{"€ 480", 48000, "EUR"}, {"480,00 EUR", 48000, "EUR"}, {"EUR 1.250,50 incl. btw", 125050, "EUR"}, {"£99.99", 9999, "GBP"},
		{"free", 0, ""}, {"1,250.50 USD", 125050, "USD"}, {"Prijs: 75 euro", 7500, "EUR"},
	} {
		got, cur, err := ParsePrice(tc.cell)
		if err != nil || got != tc.want || cur != tc.cur {
			t.Errorf("ParsePrice(%q) = %v %q %v; want %v %q", tc.cell, got, cur, err, tc.want, tc.cur)
		}
	}
	if _, _, err := ParsePrice("- 5 EUR"); err == nil {
		t.Error("negative price accepted")
	}
}

func TestReadESCOQuirks(t *testing.T) {
	occ := "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels\n" +
		"Occupation,http://data.europa.eu/esco/occupation/1,5141,\"coiffeur/coiffeuse \",\"coiffeuse\ncoiffeur  homme\",\n" +
		"Occupation,http://data.europa.eu/esco/occupation/2,5141,,,\n"
	rel := "occupationUri,relationType,skillType,skillUri\nhttp://x/1,essential,,http://y/1\nhttp://x/1,sometimes,knowledge,http://y/2\n"
	var concepts []Concept
	v := ESCOVisitor{Concept: func(c Concept) error { concepts = append(concepts, c); return nil }}
	rep, err := ReadESCOFile(context.Background(), strings.NewReader(occ), "occupations_fr.csv", v)
	if err != nil || len(concepts) != 1 || rep.Unlabelled != 1 {
		t.Fatalf("%v %+v %+v", err, concepts, rep)
	}
	if c := concepts[0]; c.Preferred != "coiffeur/coiffeuse" || len(c.Alt) != 2 || c.Alt[1] != "coiffeur homme" || c.Lang != "fr" || c.ISCO != "5141" {
		t.Errorf("concept %+v", c)
	}
	rep, err = ReadESCOFile(context.Background(), strings.NewReader(rel), "occupationSkillRelations.csv", ESCOVisitor{})
	var ie ImportErrors
	if !asImportErrors(err, &ie) || ie[0].Line != 3 || ie[0].Field != "relationType" || rep.EmptySkillType != 1 {
		t.Errorf("%v %+v", err, rep)
	}
	_, err = ReadESCOFile(context.Background(), strings.NewReader("conceptType,preferredLabel\n"), "skills_en.csv", ESCOVisitor{})
	if !asImportErrors(err, &ie) || ie[0].Field != "conceptUri" {
		t.Errorf("missing column: %v", err)
	}
}
