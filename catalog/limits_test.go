package catalog

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckZip(t *testing.T) {
	lim := Limits{EntryBytes: 100 << 20, TotalBytes: 150 << 20, Ratio: 200, Entries: 3}
	tests := []struct {
		name    string
		entries []ZipEntry
		want    string // "" accepted, else words of the refusal
	}{
		{"real ESCO-like", []ZipEntry{{"skills_en.csv", 3 << 20, 30 << 20}, {"occupations_en.csv", 1 << 20, 8 << 20}}, ""},
		{"small but very compressible", []ZipEntry{{"tiny.csv", 1, 1 << 19}}, ""},
		{"bomb", []ZipEntry{{"a.csv", 64 << 10, 64 << 20}}, "a.csv: compression ratio 1024:1 exceeds the limit of 200:1"},
		{"entry too big", []ZipEntry{{"big.csv", 90 << 20, 101 << 20}}, "big.csv: uncompressed size 101 MiB exceeds the limit of 100 MiB"},
		{"total too big", []ZipEntry{{"a.csv", 50 << 20, 80 << 20}, {"b.csv", 50 << 20, 80 << 20}}, "uncompressed size of all entries 160 MiB exceeds the limit of 150 MiB"},
		{"too many entries", make([]ZipEntry, 4), "number of zip entries 4 exceeds the limit of 3 entries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckZip("z.zip", tt.entries, lim)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "z.zip") {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// TestParseLimits: each parser refuses at its limit, naming the file and
// the limit, and accepts the same shape just inside it.
func TestParseLimits(t *testing.T) {
	lim := Limits{RecordBytes: 200, FieldBytes: 50, Depth: 8, Elements: 60}
	deep := func(n int) string {
		return `{"type":"LearningOpportunity","title":{"en":"T"},"awardingBody":{"legalName":{"en":"B"}},"x":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`
	}
	tests := []struct {
		name string
		p    parser
		in   string
		want string // "" accepted
	}{
		{"csv record inside", asParser(ParseCSV), "source_id,title,provider\nA1,\"" + strings.Repeat("a\n", 50) + "\",P\n", ""},
		{"csv record with quoted newlines", asParser(ParseCSV), "source_id,title,provider\nA1,\"" + strings.Repeat("a\n", 150) + "\",P\n", "r:2: limit: record size"},
		{"csv doubled quotes keep state", asParser(ParseCSV), "source_id,title,provider\nA1,\"say \"\"hi\"\"\nthere\",P\n" + strings.Repeat("A2,x,P\n", 60), ""},
		{"elm depth inside", asParser(ParseELM), deep(5), ""},
		{"elm depth", asParser(ParseELM), deep(9), "nesting depth 9 exceeds the limit of 8 levels"},
		{"elm values", asParser(ParseELM), deep(1)[:len(deep(1))-1] + `,"y":[` + strings.Repeat("1,", 80) + "1]}", "number of JSON values"},
		{"elm string", asParser(ParseELM), strings.Replace(deep(1), `"T"`, `"`+strings.Repeat("t", 51)+`"`, 1), "string length 51 bytes exceeds the limit of 50 bytes"},
		{"loq depth", asParser(ParseLOQ), "<Courses>" + strings.Repeat("<a>", 9) + strings.Repeat("</a>", 9) + "</Courses>", "nesting depth"},
		{"loq elements", asParser(ParseLOQ), "<Courses>" + strings.Repeat("<a/>", 61) + "</Courses>", "number of XML elements"},
		{"loq text", asParser(ParseLOQ), "<Courses><a>" + strings.Repeat("x", 51) + "</a></Courses>", "text of one element"},
		{"loq attribute", asParser(ParseLOQ), `<Courses><a id="` + strings.Repeat("x", 51) + `"/></Courses>`, "attribute length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := parseAll(t, tt.p, strings.NewReader(tt.in), "r", ParseOptions{Limits: lim})
			if tt.want == "" {
				for _, e := range errs {
					if e.Field == "limit" {
						t.Fatalf("refused inside the limit: %v", e)
					}
				}
				return
			}
			if len(errs) != 1 || errs[0].Field != "limit" || !strings.Contains(errs[0].Error(), tt.want) || errs[0].File != "r" {
				t.Fatalf("errors %v, want one limit refusal with %q", errs, tt.want)
			}
		})
	}
}
