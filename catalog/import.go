package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// Format is an input format koers imports.
type Format string

// Import formats.
const (
	FormatAuto  Format = "auto"
	FormatJSONL Format = "jsonl" // koers's own: one Offer (JSON) per line
	FormatCSV   Format = "csv"   // koers's columns, or any CSV with a mapping file
	FormatELM   Format = "elm"   // European Learning Model v3 / EDC JSON-LD
	FormatOB3   Format = "ob3"   // Open Badges 3.0
	FormatLOQ   Format = "loq"   // ELM learning-opportunity register XML
	FormatESCO  Format = "esco"  // the ESCO CSV download (zip or folder)
)

// Formats lists the concrete formats.
var Formats = []Format{FormatJSONL, FormatCSV, FormatELM, FormatOB3, FormatLOQ, FormatESCO, FormatCTDL}

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if f == "" || f == FormatAuto {
		return FormatAuto, nil
	}
	for _, k := range Formats {
		if f == k {
			return f, nil
		}
	}
	return "", fmt.Errorf("%q is not a format (auto, jsonl, csv, elm, ob3, loq, esco, ctdl)", s)
}

// DetectFormat guesses the format of a file from its first bytes and its
// name. It never reads more than head.
func DetectFormat(name string, head []byte) Format {
	base := path.Base(name)
	if _, _, ok := ESCOFileKind(base); ok {
		return FormatESCO
	}
	if IsZip(head) {
		return FormatESCO // a zip: the ESCO download
	}
	switch strings.ToLower(path.Ext(base)) {
	case ".jsonl", ".ndjson":
		return FormatJSONL
	case ".csv", ".tsv":
		return FormatCSV
	}
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
	switch {
	case len(h) == 0:
		return FormatJSONL
	case h[0] == '<':
		return FormatLOQ
	case (h[0] == '{' || h[0] == '[') && looksLikeCTDL(h):
		return FormatCTDL
	case h[0] == '{':
		first, _, _ := bytes.Cut(h, []byte("\n"))
		if json.Valid(bytes.TrimSpace(first)) && !looksLikeCredential(first) {
			return FormatJSONL
		}
		if looksLikeOB3(h) {
			return FormatOB3
		}
		return FormatELM
	}
	return FormatCSV
}

func looksLikeCredential(b []byte) bool {
	return bytes.Contains(b, []byte(`"@context"`)) || bytes.Contains(b, []byte("VerifiableCredential"))
}

func looksLikeOB3(b []byte) bool {
	for _, s := range []string{"purl.imsglobal.org/spec/ob", "OpenBadgeCredential", "AchievementCredential", `"achievementType"`} {
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

// ParseOptions configure an offer parser.
type ParseOptions struct {
	// Source names the register the entries come from; it overrides the
	// file's own source field. Empty keeps the file's, else the file name.
	Source string
	// Map is the mapping for a provider's own CSV (nil: koers's columns).
	Map *Mapping
	// Limits bound what the parser reads and holds; zero fields take
	// DefaultLimits.
	Limits Limits
	// Lines, if set, gets the line of each offer yielded, in order (CSV
	// and JSON lines; other formats add nothing). Messages about a whole
	// file's offers (a key used twice) use it to name lines.
	Lines *[]int
}

// sourceFor picks the source of an offer read from file name.
func (o ParseOptions) sourceFor(own, name string) string {
	if o.Source != "" {
		return o.Source
	}
	if own != "" {
		return own
	}
	return DefaultSource(name)
}

// DefaultSource is the source name of a file imported without --source:
// its base name without extension.
func DefaultSource(name string) string {
	b := path.Base(strings.ReplaceAll(name, "\\", "/"))
	if i := strings.IndexByte(b, '.'); i > 0 {
		b = b[:i]
	}
	return b
}

// requiredFields are the offer fields without which an entry is refused;
// problems in any other field of a standards document are salvaged: the
// value is dropped and the problem kept as a flag on the entry.
var requiredFields = map[string]bool{"source": true, "source_id": true, "title": true, "awarding_body": true}

// salvage clears every optional field that failed validation, recording a
// flag (with where) for each, and returns the problems of required fields.
func salvage(o *Offer, p Problems, where func(field string) string) Problems {
	var hard Problems
	for _, fe := range p {
		if requiredFields[fe.Field] {
			hard = append(hard, fe)
			continue
		}
		clearField(o, fe.Field)
		flag := fe.Field + ": " + fe.Msg + "; dropped"
		if w := where(fe.Field); w != "" {
			flag += " (" + w + ")"
		}
		o.Flags = append(o.Flags, flag)
	}
	return hard
}

// clearField zeroes the offer field named by its JSON name (an indexed
// name such as languages[2] removes that element).
func clearField(o *Offer, field string) {
	name, idx := field, -1
	if i := strings.IndexByte(field, '['); i > 0 {
		name = field[:i]
		if j := strings.IndexByte(field[i:], ']'); j > 0 {
			idx, _ = strconv.Atoi(field[i+1 : i+j])
		}
	}
	if name == "learning_outcomes" {
		// learning_outcomes[i].skills[j].uri or learning_outcomes[i].text
		if idx >= 0 && idx < len(o.Outcomes) {
			rest := field[strings.IndexByte(field, ']')+1:]
			if strings.HasPrefix(rest, ".skills[") {
				var j int
				fmt.Sscanf(rest, ".skills[%d]", &j)
				if sk := o.Outcomes[idx].Skills; j >= 0 && j < len(sk) {
					o.Outcomes[idx].Skills = append(sk[:j:j], sk[j+1:]...)
				}
				return
			}
			o.Outcomes = append(o.Outcomes[:idx:idx], o.Outcomes[idx+1:]...)
		}
		return
	}
	if name == "relations" {
		if idx >= 0 && idx < len(o.Relations) {
			o.Relations = append(o.Relations[:idx:idx], o.Relations[idx+1:]...)
		}
		return
	}
	v := reflect.ValueOf(o).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if tag != name {
			continue
		}
		f := v.Field(i)
		if idx >= 0 && f.Kind() == reflect.Slice && idx < f.Len() {
			f.Set(reflect.AppendSlice(f.Slice(0, idx), f.Slice(idx+1, f.Len())))
			return
		}
		f.Set(reflect.Zero(f.Type()))
		if name == "price" {
			o.Currency = ""
		}
		return
	}
}

// finishOffer fills defaults, validates, and reports problems at a place;
// lenient parsers (standards documents) salvage optional fields. It
// returns whether the offer should be kept.
func finishOffer(o *Offer, lenient bool, file string, line int, pointer string, where func(string) string, errs *Errs) bool {
	if o.Status == "" {
		o.Status = StatusActive
	}
	if refuseNonFinite(o, file, line, pointer, where, errs) {
		return false
	}
	p := o.Validate()
	if lenient {
		if where == nil {
			where = func(string) string { return "" }
		}
		// Dropping one list element shifts the others: validate again
		// until only required fields (if any) fail.
		for range 8 {
			hard := salvage(o, p, where)
			p = o.Validate()
			if len(p) == len(hard) {
				break
			}
		}
	}
	if len(p) > 0 {
		for _, e := range problemsAt(file, line, pointer, p) {
			if errs.Add(e) {
				break
			}
		}
		return false
	}
	if w := o.WorkloadWarning(); w != "" {
		o.Flags = append(o.Flags, "workload: "+w)
	}
	return true
}

// ---- shared value parsing -------------------------------------------------

var reISODuration = regexp.MustCompile(`^P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$`)

// Notional hours per calendar unit, used to read a volume of learning given
// in days, weeks, months or years as hours of work.
const (
	HoursPerDay   = 8
	HoursPerWeek  = 40
	HoursPerMonth = 160
	HoursPerYear  = 1600
)

// Duration is an ISO 8601 duration read as notional hours of learning.
type Duration struct {
	Hours float64
	// Calendar is true when the duration used days, weeks, months or
	// years, which convert to hours only by convention.
	Calendar bool
	// Months is the duration in months (30-day months), for plausibility
	// checks against a maximum duration.
	Months float64
}

// ParseISODuration reads an ISO 8601 duration ("PT60H", "P2W", "P1M",
// "P1DT4H").
func ParseISODuration(s string) (Duration, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	m := reISODuration.FindStringSubmatch(s)
	if m == nil || s == "P" || s == "PT" {
		return Duration{}, fmt.Errorf("%q is not an ISO 8601 duration", s)
	}
	num := func(i int) float64 {
		if m[i] == "" {
			return 0
		}
		f, _ := strconv.ParseFloat(strings.ReplaceAll(m[i], ",", "."), 64)
		return f
	}
	y, mo, w, d, h, mi, sec := num(1), num(2), num(3), num(4), num(5), num(6), num(7)
	du := Duration{
		Hours:    y*HoursPerYear + mo*HoursPerMonth + w*HoursPerWeek + d*HoursPerDay + h + mi/60 + sec/3600,
		Calendar: y+mo+w+d > 0,
		Months:   y*12 + mo + (w*7+d)/30 + (h+mi/60+sec/3600)/(24*30),
	}
	if math.IsInf(du.Hours, 0) || math.IsNaN(du.Hours) {
		return Duration{}, fmt.Errorf("%q is too large", s)
	}
	du.Hours = math.Round(du.Hours*100) / 100
	return du, nil
}

// iso3to2 maps ISO 3166-1 alpha-3 codes (the EU country authority table
// uses them) to alpha-2.
var iso3to2 = map[string]string{
	"AUT": "AT", "BEL": "BE", "BGR": "BG", "HRV": "HR", "CYP": "CY", "CZE": "CZ", "DNK": "DK", "EST": "EE",
	"FIN": "FI", "FRA": "FR", "DEU": "DE", "GRC": "GR", "HUN": "HU", "IRL": "IE", "ITA": "IT", "LVA": "LV",
	"LTU": "LT", "LUX": "LU", "MLT": "MT", "NLD": "NL", "POL": "PL", "PRT": "PT", "ROU": "RO", "SVK": "SK",
	"SVN": "SI", "ESP": "ES", "SWE": "SE", "ISL": "IS", "LIE": "LI", "NOR": "NO", "CHE": "CH", "GBR": "GB",
	"TUR": "TR", "SRB": "RS", "MKD": "MK", "MNE": "ME", "ALB": "AL", "BIH": "BA", "UKR": "UA", "MDA": "MD",
	"GEO": "GE", "ARM": "AM", "USA": "US", "CAN": "CA", "XKX": "XK", "UZB": "UZ", "SHN": "SH",
}

// CountryCode reads a country as an alpha-2 code from an EU authority URI
// (".../country/IRL"), an alpha-3 or an alpha-2 code.
func CountryCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	s = strings.ToUpper(s)
	if len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' {
		if s == "EL" {
			return "GR", true
		}
		return s, true
	}
	c, ok := iso3to2[s]
	return c, ok
}

// lang3to2 maps ISO 639-2 codes (the EU language authority table uses the
// bibliographic ones) to ISO 639-1.
var lang3to2 = map[string]string{
	"BUL": "bg", "CES": "cs", "CZE": "cs", "DAN": "da", "DEU": "de", "GER": "de", "ELL": "el", "GRE": "el",
	"ENG": "en", "SPA": "es", "EST": "et", "FIN": "fi", "FRA": "fr", "FRE": "fr", "GLE": "ga", "HRV": "hr",
	"HUN": "hu", "ITA": "it", "LIT": "lt", "LAV": "lv", "MLT": "mt", "NLD": "nl", "DUT": "nl", "POL": "pl",
	"POR": "pt", "RON": "ro", "RUM": "ro", "SLK": "sk", "SLO": "sk", "SLV": "sl", "SWE": "sv", "ISL": "is",
	"ICE": "is", "NOR": "no", "NOB": "nb", "NNO": "nn", "TUR": "tr", "UKR": "uk", "RUS": "ru", "ARA": "ar",
	"LTZ": "lb", "CAT": "ca", "EUS": "eu", "BAQ": "eu", "GLG": "gl", "SQI": "sq", "ALB": "sq", "MKD": "mk",
	"SRP": "sr", "BOS": "bs", "CYM": "cy", "WEL": "cy",
}

// LanguageCode reads a language as ISO 639-1 from an EU authority URI
// (".../language/ENG"), a 639-2 code, or a BCP 47 tag ("en", "en-EN",
// "nl_BE"). ok is false for a language koers cannot name.
func LanguageCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	if len(s) == 2 && isASCIILetters(s) {
		return strings.ToLower(s), true
	}
	c, ok := lang3to2[strings.ToUpper(s)]
	if !ok {
		c, ok = languageNames[FoldSearch(s)] // catalogues write "English", "Français"
	}
	return c, ok
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// modeFromText maps a mode concept (its label or URI) to a form of
// participation.
func modeFromText(s string) (Mode, bool) {
	f := Fold(s)
	switch {
	case strings.Contains(f, "920fbb3cbe"):
		return ModeOnline, true
	case strings.Contains(f, "e92d221e4d"):
		return ModeBlended, true
	case strings.Contains(f, "blended") || strings.Contains(f, "hybrid") || strings.Contains(f, "gemengd") || strings.Contains(f, "mixte") || strings.Contains(f, "hybride"):
		return ModeBlended, true
	case strings.Contains(f, "online") || strings.Contains(f, "en ligne") || strings.Contains(f, "distance") || strings.Contains(f, "afstand") || strings.Contains(f, "e learning"):
		return ModeOnline, true
	case strings.Contains(f, "onsite") || strings.Contains(f, "on site") || strings.Contains(f, "face to face") || strings.Contains(f, "in person") || strings.Contains(f, "klassikaal") || strings.Contains(f, "presentiel") || strings.Contains(f, "ter plaatse") || strings.Contains(f, "in class"):
		return ModeOnsite, true
	case strings.Contains(f, "volunteer") || strings.Contains(f, "vrijwillig") || strings.Contains(f, "benevol"):
		return ModeVolunteering, true
	case strings.Contains(f, "work experience") || strings.Contains(f, "work based") || strings.Contains(f, "werkplek") || strings.Contains(f, "stage") || strings.Contains(f, "alternance"):
		return ModeWorkExperience, true
	}
	return "", false
}

// isESCOSkill reports whether uri is an ESCO skill or occupation URI.
func isESCOSkill(uri string) bool {
	return strings.HasPrefix(uri, "http://data.europa.eu/esco/") || strings.HasPrefix(uri, "https://data.europa.eu/esco/")
}
