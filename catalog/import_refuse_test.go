package catalog

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"unicode/utf16"
)

// ob3Doc is an Open Badges 3.0 credential with creditsAvailable set to v
// (raw JSON).
func ob3Doc(v string) string {
	return `{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
"type":["VerifiableCredential","OpenBadgeCredential"],"issuer":{"id":"https://ex.org/i","type":"Profile","name":"Hogeschool X"},
"credentialSubject":{"type":"AchievementSubject","achievement":{"id":"https://ex.org/a/1","type":"Achievement","achievementType":"MicroCredential",
"name":"Data basics","creditsAvailable":` + v + `}}}`
}

// elmDoc is an ELM learning opportunity whose ECTS point is v (raw JSON).
func elmDoc(v string) string {
	return `{"id":"urn:uuid:1","type":"LearningOpportunity","title":{"en":"Data basics"},
"awardingBody":{"id":"urn:org:1","legalName":{"en":"Hogeschool X"}},
"creditPoint":[{"framework":{"id":"http://data.europa.eu/snb/education-credit/6fcec5c5af","prefLabel":{"en":"ECTS"}},"point":` + v + `}]}`
}

// loqDoc is an LOQ document whose ECTS point is v.
func loqDoc(v string) string {
	return `<Courses><learningOpportunityReferences><learningOpportunity id="lo1"><title language="en">Data basics</title>
<providedBy idref="o1"/><learningAchievementSpecification idref="s1"/></learningOpportunity></learningOpportunityReferences>
<agentReferences><organisation id="o1"><legalName language="en">Hogeschool X</legalName></organisation></agentReferences>
<learningAchievementSpecificationReferences><learningAchievementSpecification id="s1"><title language="en">Data basics</title>
<creditPoint><framework uri="http://data.europa.eu/snb/education-credit/6fcec5c5af"/><point>` + v + `</point></creditPoint>
</learningAchievementSpecification></learningAchievementSpecificationReferences></Courses>`
}

// TestNonFiniteRefused: NaN and infinities in every format are refused
// with the file, the line or pointer, and the field; a finite value in the
// same place imports (so each case can fail).
func TestNonFiniteRefused(t *testing.T) {
	mapping, err := ParseMapping(strings.NewReader(`{"source":"m","fields":{"source_id":{"column":"Code"},"title":{"column":"Name"},"provider":{"default":"P"},"ects":{"column":"Credits"}}}`), "m.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file string
		p          parser
		opt        ParseOptions
		doc        func(string) string
		bad        []string
		good       string
		wantLine   int
		wantAt     string
	}{
		{"csv", "r.csv", asParser(ParseCSV), ParseOptions{}, func(v string) string { return "source_id,title,provider,ects\nA1,Data,P," + v + "\n" },
			[]string{"NaN", "nan", "Inf", "-Infinity", "+inf"}, "4", 2, ""},
		{"mapped csv", "m.csv", asParser(ParseCSV), ParseOptions{Map: mapping}, func(v string) string { return "Code;Name;Credits\nA1;Data;" + v + "\n" },
			[]string{"NaN", "Inf"}, "4", 2, ""},
		{"json lines", "r.jsonl", asParser(ParseJSONLines), ParseOptions{}, func(v string) string { return `{"source_id":"A1","title":"Data","provider":"P","ects":` + v + "}\n" },
			[]string{"NaN", `"NaN"`, "1e999", "Infinity"}, "4", 1, ""},
		{"elm", "c.jsonld", asParser(ParseELM), ParseOptions{}, elmDoc, []string{`"NaN"`, `"Infinity"`, `"-inf"`}, "4", 0, "/creditPoint/0/point"},
		{"ob3", "b.json", asParser(ParseOB3), ParseOptions{}, ob3Doc, []string{`"NaN"`, `"+Inf"`}, "4", 0, "/credentialSubject/achievement/creditsAvailable"},
		{"loq", "l.xml", asParser(ParseLOQ), ParseOptions{}, loqDoc, []string{"NaN", "Infinity", "-Inf"}, "4", 1, "/creditPoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			offers, errs := parseAll(t, tt.p, strings.NewReader(tt.doc(tt.good)), tt.file, tt.opt)
			if len(errs) > 0 || len(offers) != 1 || offers[0].ECTS == nil || *offers[0].ECTS != 4 {
				t.Fatalf("finite value: offers %+v, errors %v", offers, errs)
			}
			for _, v := range tt.bad {
				offers, errs := parseAll(t, tt.p, strings.NewReader(tt.doc(v)), tt.file, tt.opt)
				if len(offers) != 0 || len(errs) != 1 {
					t.Fatalf("%s: offers %d, errors %v; want one refusal", v, len(offers), errs)
				}
				e := errs[0]
				if e.File != tt.file || (tt.wantLine > 0 && e.Line < tt.wantLine) || e.Field != "ects" || !strings.Contains(e.Pointer, tt.wantAt) {
					t.Errorf("%s: got %+v; want file %s, line ≥ %d, field ects, pointer with %q", v, e, tt.file, tt.wantLine, tt.wantAt)
				}
			}
		})
	}
}

// TestCSVExtraCellsRefused: a row with more cells than the header is
// refused with its line and both counts; the other rows still import.
func TestCSVExtraCellsRefused(t *testing.T) {
	in := "source_id,title,provider\nA1,Data,P\nA2,Data, advanced,P\nA3,Stats,P\nA4,Stats,P,,\n"
	offers, errs := parseAll(t, asParser(ParseCSV), strings.NewReader(in), "r.csv", ParseOptions{})
	if len(offers) != 2 || len(errs) != 2 {
		t.Fatalf("offers %d, errors %v", len(offers), errs)
	}
	for i, want := range []struct {
		line         int
		cells, heads string
	}{{3, "4 cells", "header 3"}, {5, "5 cells", "header 3"}} {
		if e := errs[i]; e.Line != want.line || !strings.Contains(e.Msg, want.cells) || !strings.Contains(e.Msg, want.heads) {
			t.Errorf("error %d: %+v, want line %d with %q and %q", i, e, want.line, want.cells, want.heads)
		}
	}
}

func utf16LE(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = []byte{0xFF, 0xFE}
	}
	for _, r := range utf16.Encode([]rune(s)) {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func utf16BE(s string) []byte {
	b := []byte{0xFE, 0xFF}
	for _, r := range utf16.Encode([]rune(s)) {
		b = append(b, byte(r>>8), byte(r))
	}
	return b
}

// TestCSVEncodings: UTF-16 marked by a byte-order mark is decoded in
// either byte order; binary data is refused without echoing it.
func TestCSVEncodings(t *testing.T) {
	const text = "source_id;title;provider\nU1;Opleiding café Ω;CVO Noord\n"
	for _, tt := range []struct {
		name string
		in   []byte
	}{
		{"utf-16le", utf16LE(text, true)},
		{"utf-16be", utf16BE(text)},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, text...)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			offers, errs := parseAll(t, asParser(ParseCSV), strings.NewReader(string(tt.in)), "u.csv", ParseOptions{})
			if len(errs) > 0 || len(offers) != 1 || offers[0].Title != "Opleiding café Ω" || offers[0].Provider != "CVO Noord" {
				t.Fatalf("offers %+v, errors %v", offers, errs)
			}
		})
	}
	t.Run("binary", func(t *testing.T) {
		_, errs := parseAll(t, asParser(ParseCSV), strings.NewReader("PK\x05\x06\x00\x00\x00\x00\x00\x00"), "z.csv", ParseOptions{})
		if len(errs) != 1 || !strings.Contains(errs[0].Msg, "binary data") || strings.Contains(errs[0].Error(), "\x05") {
			t.Fatalf("errors %v", errs)
		}
	})
}

// TestXMLDeclaredEncodings: ISO-8859-1 and Windows-1252 declarations are
// decoded; UTF-16 with a byte-order mark too; an unknown one is refused
// in words, naming the encoding.
func TestXMLDeclaredEncodings(t *testing.T) {
	doc := func(enc string) string {
		return `<?xml version="1.0" encoding="` + enc + `"?>` + "\n" + strings.Replace(loqDoc("4"), "Data basics</title>", "Caf\xe9 cr\xe8me</title>", 1)
	}
	for _, tt := range []struct {
		name, in, want string
	}{
		{"iso-8859-1", doc("ISO-8859-1"), "Café crème"},
		{"windows-1252", strings.Replace(doc("windows-1252"), "Caf\xe9", "Caf\xe9 \x80", 1), "Café € crème"},
		{"latin1 alias", doc("latin1"), "Café crème"},
		{"utf-16 bom", string(utf16LE(strings.ReplaceAll(strings.ReplaceAll(doc("UTF-16"), "\xe9", "é"), "\xe8", "è"), true)), "Café crème"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			offers, errs := parseAll(t, asParser(ParseLOQ), strings.NewReader(tt.in), "l.xml", ParseOptions{})
			if len(errs) > 0 || len(offers) != 1 || offers[0].Title != tt.want {
				t.Fatalf("offers %+v, errors %v", offers, errs)
			}
		})
	}
	_, errs := parseAll(t, asParser(ParseLOQ), strings.NewReader(doc("x-unknown-42")), "l.xml", ParseOptions{})
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, `"x-unknown-42"`) || strings.Contains(errs[0].Msg, "CharsetReader") {
		t.Fatalf("unknown encoding: %v", errs)
	}
}

func TestDecodeBOMPlainUTF8(t *testing.T) {
	br := bufio.NewReader(strings.NewReader("plain"))
	r, u := decodeBOM(br)
	b, _ := io.ReadAll(r)
	if u || string(b) != "plain" {
		t.Fatalf("got %q, %v", b, u)
	}
}
