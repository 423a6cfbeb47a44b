package export

import (
	"strings"

	"golang.org/x/text/language"

	"github.com/koers-project/koers/catalog"
)

// EU vocabulary URIs the JSON export uses.
const (
	uriEQFScheme      = "http://data.europa.eu/snb/eqf/25831c2"
	uriISCEDF         = "http://data.europa.eu/snb/isced-f/"
	uriISCEDFScheme   = "http://data.europa.eu/snb/isced-f/25831c2"
	uriLanguage       = "http://publications.europa.eu/resource/authority/language/"
	uriLanguageScheme = "http://publications.europa.eu/resource/authority/language"
	uriCountry        = "http://publications.europa.eu/resource/authority/country/"
	uriCountryScheme  = "http://publications.europa.eu/resource/authority/country"
	uriCurrency       = "http://publications.europa.eu/resource/authority/currency/"
	uriModePrefix     = "http://data.europa.eu/snb/learning-assessment/"
	uriModeScheme     = "http://data.europa.eu/snb/learning-assessment/25831c2"
	uriECTS           = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
	uriCreditScheme   = "http://data.europa.eu/snb/education-credit/25831c2"
	uriNonFormal      = "http://data.europa.eu/snb/learning-setting/e207a81fc7"
	uriSettingScheme  = "http://data.europa.eu/snb/learning-setting/25831c2"
	uriESCOSkills     = "http://data.europa.eu/esco/concept-scheme/skills"
	uriELMContext     = "http://data.europa.eu/snb/model/context/edc-ap"
)

// modeConcept maps koers's forms of participation to the EU "mode of
// learning and assessment" vocabulary. Volunteering has no concept there;
// the koers:mode extension keeps it.
func modeConcept(m catalog.Mode) string {
	switch m {
	case catalog.ModeOnline:
		return "920fbb3cbe" // Online
	case catalog.ModeOnsite:
		return "9191af2ed9" // Presential
	case catalog.ModeBlended:
		return "e92d221e4d" // Blended
	case catalog.ModeWorkExperience:
		return "729f3bed4b" // Workbased
	}
	return ""
}

// modeURI is the EU concept URI of m, or "".
func modeURI(m catalog.Mode) string {
	if c := modeConcept(m); c != "" {
		return uriModePrefix + c
	}
	return ""
}

// modeFromURI is the inverse of modeURI.
func modeFromURI(uri string) catalog.Mode {
	c := strings.TrimPrefix(uri, uriModePrefix)
	for _, m := range catalog.Modes {
		if c != "" && modeConcept(m) == c {
			return m
		}
	}
	return ""
}

// languageURI is the EU authority URI of an ISO 639-1 code (nl →
// …/language/NLD), or "".
func languageURI(code string) string {
	b, err := language.ParseBase(code)
	if err != nil {
		return ""
	}
	return uriLanguage + strings.ToUpper(b.ISO3())
}

// languageFromURI reads …/language/NLD back to nl.
func languageFromURI(uri string) string {
	c := strings.ToLower(strings.TrimPrefix(uri, uriLanguage))
	b, err := language.ParseBase(c)
	if err != nil {
		return ""
	}
	return b.String()
}

// countryURI is the EU authority URI of an ISO 3166-1 alpha-2 code (BE →
// …/country/BEL), or "".
func countryURI(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() {
		return ""
	}
	return uriCountry + r.ISO3()
}

// countryFromURI reads …/country/BEL back to BE.
func countryFromURI(uri string) string {
	r, err := language.ParseRegion(strings.TrimPrefix(uri, uriCountry))
	if err != nil {
		return ""
	}
	return r.String()
}
