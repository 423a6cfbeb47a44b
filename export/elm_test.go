package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
)

func TestVocabularyURIs(t *testing.T) {
	tests := []struct{ got, want string }{
		{languageURI("nl"), "http://publications.europa.eu/resource/authority/language/NLD"},
		{languageURI("fr"), "http://publications.europa.eu/resource/authority/language/FRA"},
		{languageURI("xx-nonsense"), ""},
		{countryURI("BE"), "http://publications.europa.eu/resource/authority/country/BEL"},
		{countryURI("ZZ"), ""},
		{modeURI(catalog.ModeBlended), "http://data.europa.eu/snb/learning-assessment/e92d221e4d"},
		{modeURI(catalog.ModeVolunteering), ""},
		{languageFromURI(languageURI("nl")), "nl"},
		{countryFromURI(countryURI("BE")), "BE"},
		{string(modeFromURI(modeURI(catalog.ModeOnsite))), "onsite"},
		{isoHours(60), "PT60H"}, {isoHours(7.5), "PT7H30M"}, {isoHours(0.25), "PT15M"}, {isoHours(0), "PT0H"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
	for _, s := range []string{"PT60H", "PT7H30M", "PT15M"} {
		h, err := parseISOHours(s)
		if err != nil || isoHours(h) != s {
			t.Errorf("parseISOHours(%q) = %v, %v", s, h, err)
		}
	}
}

// TestVocabularyMatchesELMSample: the concept URIs the export writes for
// EQF, ECTS, learning setting, blended mode and language are the ones the
// European Commission's own Annex I sample credential uses.
func TestVocabularyMatchesELMSample(t *testing.T) {
	wd, _ := os.Getwd()
	path := filepath.Join(wd, "..", "..", "shared", "data", "elm", "Sample-MC-Annex1-unsigned.jsonld")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("real data %s absent: %v", path, err)
	}
	sample := string(data)
	for _, uri := range []string{catalog.EQF(6).URI(), uriECTS, uriNonFormal, modeURI(catalog.ModeBlended), modeURI(catalog.ModeOnline),
		languageURI("en"), countryURI("BE"), uriISCEDF + "0688", uriModeScheme, uriEQFScheme, uriLanguageScheme, uriCountryScheme, uriISCEDFScheme, uriELMContext} {
		if !strings.Contains(sample, `"`+uri+`"`) {
			t.Errorf("the ELM sample does not use %s", uri)
		}
	}
}
