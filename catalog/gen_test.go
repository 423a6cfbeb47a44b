package catalog

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestGenerateDeterministicAndValid(t *testing.T) {
	const n = 3000
	var a, b []string
	providers := map[string]bool{}
	for o := range Generate(7, n) {
		if p := o.Validate(); len(p) > 0 {
			t.Fatalf("%s: %v", o.SourceID, p)
		}
		if words := len(strings.Fields(o.Description)); words < 30 || words > 80 {
			t.Errorf("%s: description of %d words", o.SourceID, words)
		}
		if o.Title == "" || o.Provider == "" || len(o.Outcomes) == 0 || o.ECTS == nil || o.Price == nil || o.Start.IsZero() || len(o.Schemes) == 0 || o.EQF == EQFUnknown {
			t.Errorf("%s: a field is empty: %+v", o.SourceID, o)
		}
		for _, s := range o.Skills() {
			if !strings.HasPrefix(s.URI, "http://data.europa.eu/esco/skill/") {
				t.Errorf("%s: skill %q", o.SourceID, s.URI)
			}
		}
		for _, text := range []string{o.Title, o.Description, o.TitleI18n["fr"], o.TitleI18n["nl"], o.TitleI18n["en"]} {
			if strings.ContainsRune(text, utf8.RuneError) || !utf8.ValidString(text) {
				t.Errorf("%s: broken text %q", o.SourceID, text)
			}
		}
		if r, _ := utf8.DecodeRuneInString(o.Title); !unicode.IsUpper(r) {
			t.Errorf("%s: title %q does not start with a capital", o.SourceID, o.Title)
		}
		providers[o.Provider] = true
		js, _ := json.Marshal(o)
		a = append(a, string(js))
	}
	for o := range Generate(7, n) {
		js, _ := json.Marshal(o)
		b = append(b, string(js))
	}
	if len(a) != n || strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatal("same seed, different register")
	}
	other := Generate(8, 1)
	for o := range other {
		js, _ := json.Marshal(o)
		if string(js) == a[0] {
			t.Error("different seeds, same first offer")
		}
	}
	if len(providers) < 1000 {
		t.Errorf("%d providers in %d offers, want thousands in a large register", len(providers), n)
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		for o := range Generate(1, 1000) {
			_, _ = json.Marshal(o)
		}
	}
}
