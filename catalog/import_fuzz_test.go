package catalog

import (
	"bytes"
	"context"
	"testing"
)

// Every parser must survive any input: no panic, no offer that fails
// validation, and errors that name the file.

func fuzzParser(f *testing.F, p parser, opt func([]byte) ParseOptions) {
	f.Fuzz(func(t *testing.T, data []byte) {
		o := ParseOptions{}
		if opt != nil {
			o = opt(data)
		}
		offers, errs := parseAll(t, p, bytes.NewReader(data), "fuzz.in", o)
		for _, of := range offers {
			if p := of.Validate(); len(p) > 0 {
				t.Fatalf("yielded an invalid offer: %v", p)
			}
		}
		for _, e := range errs {
			if e.File == "" {
				t.Fatalf("error without a file: %v", e)
			}
		}
		if len(errs) > MaxImportErrors {
			t.Fatalf("%d errors, over the limit", len(errs))
		}
	})
}

func FuzzJSONLines(f *testing.F) {
	f.Add([]byte(line(sampleOffer()) + "\n"))
	f.Add([]byte(`{"source_id":"a","title":"t","provider":"p","eqf":9}`))
	fuzzParser(f, asParser(ParseJSONLines), nil)
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("source_id;title;provider;hours;price\nA;T;P;12 weeks, 9-10 hours per week;€ 1.250,50\n"))
	f.Add([]byte("source_id,title\n\"a,b\n"))
	fuzzParser(f, asParser(ParseCSV), nil)
}

func FuzzCSVMapped(f *testing.F) {
	f.Add([]byte("x\nCode;Opleiding;Weken;Belasting;Niveau;Vorm;Prijs;Taal;Status\nS1;Lassen;12;9–10 hours per week;Gevorderd;Afstand;EUR 1.250,00;NL,FR;Open\n"))
	m, err := ParseMapping(bytes.NewReader([]byte(provMap)), "m.json")
	if err != nil {
		f.Fatal(err)
	}
	fuzzParser(f, asParser(ParseCSV), func([]byte) ParseOptions { return ParseOptions{Map: m} })
}

func FuzzMapping(f *testing.F) {
	f.Add([]byte(provMap))
	f.Add([]byte(`{"fields": {"source_id": {"column": "a"}, "title": {"default": "x"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMapping(bytes.NewReader(data), "m.json")
		if err != nil {
			return
		}
		// A mapping that parses must drive the CSV parser without panicking.
		parseAll(t, asParser(ParseCSV), bytes.NewReader([]byte("a;b;c\n1;2;3\n")), "x.csv", ParseOptions{Map: m})
	})
}

func FuzzELM(f *testing.F) {
	f.Add([]byte(twinEDC))
	f.Add([]byte(`{"credentialSubject":{"hasClaim":[{"specifiedBy":"urn:x"},{"id":"urn:x"}]}}`))
	fuzzParser(f, asParser(ParseELM), nil)
}

func FuzzOB3(f *testing.F) {
	f.Add([]byte(twinOB3))
	f.Add([]byte(`{"type":"Achievement","id":"urn:a","name":{"en":"x"},"creditsAvailable":"x"}`))
	fuzzParser(f, asParser(ParseOB3), nil)
}

func FuzzLOQ(f *testing.F) {
	f.Add([]byte(`<Courses><learningOpportunityReferences><learningOpportunity id="a"><title language="en">T</title><providedBy idref="o"/></learningOpportunity></learningOpportunityReferences><agentReferences><organisation id="o"><legalName language="en">O</legalName></organisation></agentReferences></Courses>`))
	fuzzParser(f, asParser(ParseLOQ), nil)
}

func FuzzESCO(f *testing.F) {
	f.Add([]byte("conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels\nOccupation,http://data.europa.eu/esco/occupation/1,5141,\"coiffeur/coiffeuse\",\"a\nb\",\n"), "occupations_fr.csv")
	f.Add([]byte("occupationUri,relationType,skillType,skillUri\nhttp://x/1,essential,,http://y/1\n"), "occupationSkillRelations.csv")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		_, _ = ReadESCOFile(context.Background(), bytes.NewReader(data), name, ESCOVisitor{
			Concept: func(c Concept) error {
				if c.URI == "" || (c.Preferred == "" && len(c.Alt) == 0) {
					t.Fatalf("concept without uri or label: %+v", c)
				}
				for _, l := range append([]string{c.Preferred}, c.Alt...) {
					_ = FoldVariants(l)
				}
				return nil
			},
		})
	})
}
