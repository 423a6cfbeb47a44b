package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Mapping says how to read a provider's or a national register's own CSV
// without editing it. Its file is JSON; see the README for an example.
type Mapping struct {
	// Source is the register name entries get (overridden by --source).
	Source string `json:"source,omitempty"`
	// Delimiter is the column separator (default: sniffed from the header).
	Delimiter string `json:"delimiter,omitempty"`
	// Encoding is "utf-8" (default) or "latin1" / "windows-1252".
	Encoding string `json:"encoding,omitempty"`
	// HeaderRow is the 1-based line of the header (default 1); lines above
	// it are skipped.
	HeaderRow int `json:"header_row,omitempty"`
	// Skip lists rules for rows to leave out (any rule matching skips).
	Skip []SkipRule `json:"skip,omitempty"`
	// Fields maps an offer field (its JSON name, or title_LANG /
	// description_LANG) to where its value comes from.
	Fields map[string]FieldMap `json:"fields"`
	// Unknown lists placeholder cells that mean "not known" in every
	// column ("None", "n/a", "-"), compared folded; such a cell is empty.
	Unknown []string `json:"unknown,omitempty"`

	name string // the mapping file, for messages
}

// SkipRule skips a row when its column's value (folded) is one of Values,
// matches the regular expression Matches, or is empty when Empty is set.
type SkipRule struct {
	Column  string   `json:"column"`
	Values  []string `json:"values,omitempty"`
	Matches string   `json:"matches,omitempty"`
	Empty   bool     `json:"empty,omitempty"`

	re *regexp.Regexp
}

// FieldMap is where one field's value comes from.
type FieldMap struct {
	// Column is the source column's header (exact, or case-insensitive).
	Column string `json:"column,omitempty"`
	// Default is used when the column is absent or its cell is empty.
	Default string `json:"default,omitempty"`
	// Map translates cell values (compared folded: case, accents) to field
	// values; the key "*" catches every other value. Values may be strings
	// or numbers ("Introductory": 3 for eqf).
	Map map[string]MapValue `json:"map,omitempty"`
	// Columns builds the value from several columns joined by Join
	// (default "-"): a key such as provider code + course code.
	Columns []string `json:"columns,omitempty"`
	// Join separates the parts of Columns.
	Join string `json:"join,omitempty"`
	// Row uses the data row's number (1 for the first row under the
	// header) as the value: a key for a file without one.
	Row bool `json:"row,omitempty"`
	// Unknown lists this column's placeholder cells meaning "not known".
	Unknown []string `json:"unknown,omitempty"`
	// Unit is how a workload cell counts: hours (default for hours), days,
	// weeks (× PerWeek or PerWeekColumn) or months.
	Unit string `json:"unit,omitempty"`
	// PerWeek is hours per week for Unit weeks.
	PerWeek float64 `json:"per_week,omitempty"`
	// PerWeekColumn holds hours per week ("9–10 hours per week") for Unit weeks.
	PerWeekColumn string `json:"per_week_column,omitempty"`
	// Split separates several values in one cell (default "|").
	Split string `json:"split,omitempty"`

	folded  map[string]string
	unknown map[string]bool // folded placeholders, the mapping's and the field's
}

// csvFields are the columns of koers's own CSV and the fields a mapping
// may fill (plus title_LANG and description_LANG).
var csvFields = []string{
	"source", "source_id", "title", "description", "provider", "awarding_body", "country", "region",
	"learning_outcomes", "skills", "ects", "hours", "eqf", "assessment", "mode", "quality_assurance",
	"prerequisites", "supervision", "stackability", "further_information", "url", "grading",
	"languages", "isced", "price", "currency", "start", "end", "apply_by", "schedule", "location",
	"schemes", "status", "part_of", "stacks_towards", "prerequisite_of",
	"length", "weekly_hours", "certificate_price", "level", "keywords",
}

var reI18nField = regexp.MustCompile(`^(title|description)_([a-z]{2})$`)

func knownField(f string) bool {
	for _, k := range csvFields {
		if k == f {
			return true
		}
	}
	return reI18nField.MatchString(f)
}

// ParseMapping reads a mapping file, reporting every problem with its JSON
// pointer.
func ParseMapping(r io.Reader, name string) (*Mapping, error) {
	b, err := io.ReadAll(io.LimitReader(r, 1<<20+1))
	if err != nil {
		return nil, fmt.Errorf("read mapping %s: %w", name, err)
	}
	if len(b) > 1<<20 {
		return nil, ImportErrors{{File: name, Msg: "mapping file larger than 1 MB"}}
	}
	var m Mapping
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		line := 0
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line = 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
		case errors.As(err, &te):
			line = 1 + bytes.Count(b[:min(int(te.Offset), len(b))], []byte("\n"))
			return nil, ImportErrors{{File: name, Line: line, Pointer: pointerAt(b, te.Offset), Msg: fmt.Sprintf("%s is not %s", te.Value, te.Type)}}
		}
		if line == 0 {
			if ptrs := unknownKeys(b); len(ptrs) > 0 {
				var es ImportErrors
				for _, p := range ptrs {
					es = append(es, ImportError{File: name, Pointer: p, Msg: "is not a mapping key" + keyHint(p)})
				}
				return nil, es
			}
		}
		return nil, ImportErrors{{File: name, Line: line, Msg: "not a mapping: " + strings.TrimPrefix(err.Error(), "json: ")}}
	}
	m.name = name
	var errs ImportErrors
	bad := func(ptr, msg string) { errs = append(errs, ImportError{File: name, Pointer: ptr, Msg: msg}) }
	if len(m.Fields) == 0 {
		bad("/fields", "is required: map at least source_id and title")
	}
	for _, req := range []string{"source_id", "title"} {
		if _, ok := m.Fields[req]; !ok && len(m.Fields) > 0 {
			bad("/fields/"+req, "is required")
		}
	}
	switch strings.ToLower(m.Encoding) {
	case "", "utf-8", "utf8", "latin1", "latin-1", "iso-8859-1", "windows-1252", "cp1252":
	default:
		bad("/encoding", fmt.Sprintf("%q is not utf-8, latin1 or windows-1252", m.Encoding))
	}
	if len([]rune(m.Delimiter)) > 1 {
		bad("/delimiter", fmt.Sprintf("%q is not one character", m.Delimiter))
	}
	if m.HeaderRow < 0 {
		bad("/header_row", "is negative")
	}
	keys := make([]string, 0, len(m.Fields))
	for k := range m.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fm := m.Fields[k]
		ptr := "/fields/" + k
		if !knownField(k) {
			bad(ptr, "is not an offer field")
			continue
		}
		checkSources(fm, ptr, bad)
		switch fm.Unit {
		case "", "hours", "minutes", "days", "weeks", "months", "years":
		default:
			bad(ptr+"/unit", fmt.Sprintf("%q is not hours, minutes, days, weeks, months or years", fm.Unit))
		}
		if fm.Unit != "" && !workloadField(k) {
			bad(ptr+"/unit", "only hours, length and weekly_hours have a unit")
		}
		if (fm.PerWeek != 0 || fm.PerWeekColumn != "") && k != "hours" {
			bad(ptr, "only hours has per_week or per_week_column")
		}
		if fm.PerWeek < 0 || math.IsNaN(fm.PerWeek) {
			bad(ptr+"/per_week", "is negative")
		}
		if len(fm.Map) > 0 {
			fm.folded = map[string]string{}
			for mk, mv := range fm.Map {
				if raw, isBad := strings.CutPrefix(string(mv), badMapValue); isBad {
					bad(ptr+"/map/"+escapePtr(mk), raw+" is not a string or a number")
				}
				if mk != "*" {
					mk = Fold(mk)
				}
				fm.folded[mk] = string(mv)
			}
		}
		fm.unknown = foldSet(m.Unknown, fm.Unknown)
		m.Fields[k] = fm
	}
	if _, ok := m.Fields["provider"]; !ok && len(m.Fields) > 0 {
		bad("/fields/provider", "is required (a column, or a default naming the provider)")
	}
	for i := range m.Skip {
		ptr := fmt.Sprintf("/skip/%d", i)
		if m.Skip[i].Column == "" {
			bad(ptr+"/column", "is required")
		}
		if m.Skip[i].Matches != "" {
			re, err := regexp.Compile(m.Skip[i].Matches)
			if err != nil {
				bad(ptr+"/matches", err.Error())
			}
			m.Skip[i].re = re
		}
		if len(m.Skip[i].Values) == 0 && m.Skip[i].Matches == "" && !m.Skip[i].Empty {
			bad(ptr, "needs values, matches or empty")
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &m, nil
}

// ---- value conversions ----------------------------------------------------

var reEQFCell = regexp.MustCompile(`(?i)^\s*(?:eqf|level|niveau|nqf|klq|qf)?\s*[-:]?\s*(\d{1,2})\s*$`)

// parseEQFCell reads "5", "EQF 5", "niveau 5", "n/a" or an EQF URI.
func parseEQFCell(s string) (EQF, error) {
	if m := reEQFCell.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return EQF(n), nil
	}
	return ParseEQF(s)
}

var reDMY = regexp.MustCompile(`^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$`)

// parseDateCell reads YYYY-MM-DD, an RFC 3339 time, or DD/MM/YYYY.
func parseDateCell(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if m := reDMY.FindStringSubmatch(s); m != nil {
		return ParseDate(fmt.Sprintf("%s-%02s-%02s", m[3], pad2(m[2]), pad2(m[1])))
	}
	if len(s) > 10 && s[10] == 'T' {
		s = s[:10]
	}
	return ParseDate(s)
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}
