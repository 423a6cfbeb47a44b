package catalog

import (
	"os"
	"strings"
	"testing"
)

// TestMappingKeysAndPlaceholders: a key from several columns or from the
// row number, placeholders meaning unknown, a provider's level mapped to
// EQF (numbers allowed), free-text keywords, and the provider's own level
// kept as stated.
func TestMappingKeysAndPlaceholders(t *testing.T) {
	const mp = `{
  "source": "mooc",
  "unknown": ["None", "n/a", "-"],
  "fields": {
    "source_id": {"columns": ["Org", "Code"], "join": ":"},
    "title": {"column": "Name"},
    "provider": {"column": "Org"},
    "level": {"column": "Level"},
    "eqf": {"column": "Level", "map": {"Introductory": 3, "Intermediate": 4, "Advanced": "5"}},
    "keywords": {"column": "Subjects", "split": ","},
    "hours": {"column": "Effort"},
    "languages": {"column": "Lang", "unknown": ["??"]}
  }
}`
	m, err := ParseMapping(strings.NewReader(mp), "mooc.map.json")
	if err != nil {
		t.Fatal(err)
	}
	in := "Org,Code,Name,Level,Subjects,Effort,Lang\n" +
		"HarvardX,CS50,Intro to CS,Introductory,\"Computer Science, Python\",None,en\n" +
		"MITx,6.00,Python,Advanced,n/a,10 hours,??\n" +
		"MITx,None,Broken key,Intermediate,,,en\n"
	got, errs := parseAll(t, asParser(ParseCSV), strings.NewReader(in), "mooc.csv", ParseOptions{Map: m})
	if len(got) != 2 || len(errs) != 1 || errs[0].Line != 4 || errs[0].Field != "source_id" {
		t.Fatalf("offers %d, errors %v", len(got), errs)
	}
	a, b := got[0], got[1]
	if a.SourceID != "HarvardX:CS50" || a.EQF != 3 || a.Level != "Introductory" || a.Hours != nil || len(a.Flags) != 0 ||
		strings.Join(a.Keywords, "|") != "Computer Science|Python" {
		t.Errorf("a: %+v", a)
	}
	if b.SourceID != "MITx:6.00" || b.EQF != 5 || b.Keywords != nil || b.Languages != nil || *b.Hours != 10 {
		t.Errorf("b: %+v", b)
	}

	// The row number as the key.
	m2, err := ParseMapping(strings.NewReader(`{"fields": {"source_id": {"row": true}, "title": {"column": "Name"}, "provider": {"default": "P"}}}`), "row.json")
	if err != nil {
		t.Fatal(err)
	}
	got, errs = parseAll(t, asParser(ParseCSV), strings.NewReader("Name\nA\nB\n"), "rows.csv", ParseOptions{Map: m2})
	if len(errs) > 0 || len(got) != 2 || got[0].SourceID != "1" || got[1].SourceID != "2" {
		t.Errorf("row keys: %v %v", got, errs)
	}
}

// TestMappingErrorsNamePointers: every problem of a mapping file names its
// JSON pointer, typos included.
func TestMappingErrorsNamePointers(t *testing.T) {
	base := `"source_id": {"column": "a"}, "title": {"column": "b"}, "provider": {"default": "P"}`
	for _, tc := range []struct{ in, want, msg string }{
		{`{"fields": {` + base + `, "hours": {"colum": "h"}}}`, "/fields/hours/colum", `did you mean "column"`},
		{`{"feilds": {` + base + `}}`, "/feilds", `did you mean "fields"`},
		{`{"fields": {` + base + `}, "skip": [{"column": "s", "value": ["x"]}]}`, "/skip/0/value", `did you mean "values"`},
		{`{"fields": {"source_id": {"column": "a"}, "title": {"column": "b"}}}`, "/fields/provider", "is required"},
		{`{"fields": {` + base + `, "url": {"columns": ["x"]}}}`, "/fields/url/columns", "use column"},
		{`{"fields": {` + base + `, "url": {"column": "x", "row": true}}}`, "/fields/url", "one of column"},
		{`{"fields": {` + base + `, "eqf": {"column": "x", "map": {"a": true}}}}`, "/fields/eqf/map/a", "not a string or a number"},
		{`{"fields": {` + base + `, "eqf": {"column": 5}}}`, "/fields/eqf/column", "not string"},
	} {
		_, err := ParseMapping(strings.NewReader(tc.in), "m.json")
		var ie ImportErrors
		if !asImportErrors(err, &ie) || ie[0].Pointer != tc.want || !strings.Contains(ie[0].Msg, tc.msg) {
			t.Errorf("%s: got %v, want %s %q", tc.in, err, tc.want, tc.msg)
		}
	}
}

// TestSkillsColumnNotURIs: free text in a skills column is refused naming
// the column (it used to be cut at the first space).
func TestSkillsColumnNotURIs(t *testing.T) {
	m, err := ParseMapping(strings.NewReader(`{"fields": {"source_id": {"column": "id"}, "title": {"column": "t"}, "provider": {"default": "P"}, "skills": {"column": "Skills you will gain", "split": ","}}}`), "m.json")
	if err != nil {
		t.Fatal(err)
	}
	_, errs := parseAll(t, asParser(ParseCSV), strings.NewReader("id,t,Skills you will gain\n1,A,\"Python Programming, SQL\"\n"), "c.csv", ParseOptions{Map: m})
	if len(errs) != 1 || errs[0].Line != 2 || errs[0].Field != "skills" || !strings.Contains(errs[0].Msg, `column "Skills you will gain"`) {
		t.Errorf("errors %v", errs)
	}
}

// TestReadmeMappingExample is the README's complete example, as written.
func TestReadmeMappingExample(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, "#### A complete example")
	if i < 0 {
		t.Fatal("README has no complete mapping example")
	}
	doc = doc[i:]
	js := doc[strings.Index(doc, "```json\n")+8:]
	js = js[:strings.Index(js, "```")]
	csv := doc[strings.Index(doc, "reads\n\n```\n")+11:]
	csv = csv[:strings.Index(csv, "```")]
	m, err := ParseMapping(strings.NewReader(js), "readme.map.json")
	if err != nil {
		t.Fatal(err)
	}
	got, errs := parseAll(t, asParser(ParseCSV), strings.NewReader(csv), "readme.csv", ParseOptions{Map: m})
	if len(errs) > 0 || len(got) != 1 {
		t.Fatalf("%v %v", got, errs)
	}
	o := got[0]
	if o.SourceID != "S1" || o.Hours != nil || *o.HoursRange != (Range{108, 120}) || *o.Length != (Length{Range{12, 12}, Weeks}) ||
		o.Level != "Gevorderd" || o.EQF != 4 || o.Mode != ModeOnline || *o.Price != 125000 || o.Currency != "EUR" || len(o.Languages) != 2 {
		t.Errorf("%+v", o)
	}
}
