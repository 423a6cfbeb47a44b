package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Mode is the form of participation (Annex I element 10).
type Mode string

// Forms of participation.
const (
	ModeOnline         Mode = "online"
	ModeOnsite         Mode = "onsite"
	ModeBlended        Mode = "blended"
	ModeVolunteering   Mode = "volunteering"
	ModeWorkExperience Mode = "work-experience"
)

// Modes lists every form of participation, in display order.
var Modes = []Mode{ModeOnline, ModeOnsite, ModeBlended, ModeVolunteering, ModeWorkExperience}

// Valid reports whether m is a known form of participation.
func (m Mode) Valid() bool { return slices.Contains(Modes, m) }

// Status says whether an offer can still be planned.
type Status string

// Offer statuses.
const (
	StatusActive    Status = "active"
	StatusWithdrawn Status = "withdrawn"
)

// RelationKind is how one credential relates to another.
type RelationKind string

// Relation kinds (stacking).
const (
	PartOf         RelationKind = "part_of"
	StacksTowards  RelationKind = "stacks_towards"
	PrerequisiteOf RelationKind = "prerequisite_of"
)

// Relation links an offer to another credential, named by its source id in
// the same source (Target) and, where known, its title.
type Relation struct {
	Kind   RelationKind `json:"kind"`
	Target string       `json:"target"`
	Label  string       `json:"label,omitempty"`
}

// SkillRef is an ESCO skill (or other concept) by URI, with a label.
type SkillRef struct {
	URI   string `json:"uri"`
	Label string `json:"label,omitempty"`
}

// Outcome is one learning outcome (Annex I element 6), optionally linked to
// ESCO skills.
type Outcome struct {
	Text   string     `json:"text"`
	Skills []SkillRef `json:"skills,omitempty"`
}

// Offer is a register entry: a training offer or micro-credential with every
// Annex I element an offer carries (all but the learner and the date of
// issuing, which only an issued credential has), plus what a register needs.
//
// Its JSON form is koers's own import format (JSON lines) and the
// `koers search --json` output. Unknown values are null or absent, never
// invented.
type Offer struct {
	ID       string `json:"id"` // UUIDv7, given by the store
	Source   string `json:"source"`
	SourceID string `json:"source_id"`

	Title        string            `json:"title"`                 // 2
	TitleI18n    map[string]string `json:"title_i18n,omitempty"`  // other languages, by ISO 639-1
	Description  string            `json:"description,omitempty"` //
	DescI18n     map[string]string `json:"description_i18n,omitempty"`
	Provider     string            `json:"provider"`          // who runs it
	AwardingBody string            `json:"awarding_body"`     // 4
	Country      string            `json:"country"`           // 3: ISO 3166-1 alpha-2
	Region       string            `json:"region,omitempty"`  // 3: NUTS code
	Outcomes     []Outcome         `json:"learning_outcomes"` // 6
	ECTS         *float64          `json:"ects"`              // 7
	Hours        *float64          `json:"hours"`             // 7
	EQF          EQF               `json:"eqf"`               // 8
	Assessment   string            `json:"assessment"`        // 9
	Mode         Mode              `json:"mode"`              // 10
	QA           string            `json:"quality_assurance"` // 11

	Prerequisites []string   `json:"prerequisites,omitempty"`
	Supervision   string     `json:"supervision,omitempty"`         // supervision and identity verification
	Stackability  string     `json:"stackability,omitempty"`        // "stand-alone" or "stackable"
	Relations     []Relation `json:"relations,omitempty"`           //
	FurtherInfo   string     `json:"further_information,omitempty"` //
	URL           string     `json:"url,omitempty"`                 //
	Grade         string     `json:"grading,omitempty"`             // grading scheme, if any

	Languages []string `json:"languages"`          // ISO 639-1
	ISCED     string   `json:"isced,omitempty"`    // ISCED-F 2013 code
	Price     *Money   `json:"price"`              // nil: unknown
	Currency  string   `json:"currency,omitempty"` // ISO 4217
	Start     Date     `json:"start"`
	End       Date     `json:"end"`
	ApplyBy   Date     `json:"apply_by"` // application deadline
	Schedule  string   `json:"schedule,omitempty"`
	Location  string   `json:"location,omitempty"`
	Schemes   []string `json:"schemes"` // eligible funding scheme codes
	Status    Status   `json:"status"`
	Flags     []string `json:"flags,omitempty"` // import warnings kept with the entry

	// Issue 12: what real registers state beyond the columns above (see offer_extra.go).
	HoursRange       *Range   `json:"hours_range,omitempty"`       // workload stated as a range (hours then null)
	WeeklyHours      *Range   `json:"weekly_hours,omitempty"`      // effort per week, as stated
	Length           *Length  `json:"length,omitempty"`            // calendar length, as stated
	CertificatePrice *Money   `json:"certificate_price,omitempty"` // an optional paid certificate, in Currency
	Level            string   `json:"level,omitempty"`             // the provider's own level label
	Keywords         []string `json:"keywords,omitempty"`          // free-text subjects and keywords, searched
}

// Skills is every distinct skill of the offer's learning outcomes, in order.
func (o *Offer) Skills() []SkillRef {
	var out []SkillRef
	seen := map[string]bool{}
	for _, lo := range o.Outcomes {
		for _, s := range lo.Skills {
			if s.URI != "" && !seen[s.URI] {
				seen[s.URI] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// FieldError is one validation problem, naming the field.
type FieldError struct {
	Field string
	Msg   string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Msg }

// Problems is every validation problem of a value at once.
type Problems []FieldError

func (p Problems) Error() string {
	s := make([]string, len(p))
	for i, e := range p {
		s[i] = e.Error()
	}
	return strings.Join(s, "; ")
}

// Err is nil when there are no problems.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return p
}

func (p *Problems) add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
}

var (
	reCountry  = regexp.MustCompile(`^[A-Z]{2}$`)
	reNUTS     = regexp.MustCompile(`^[A-Z]{2}[0-9A-Z]{0,3}$`)
	reLang     = regexp.MustCompile(`^[a-z]{2,3}$`)
	reCurrency = regexp.MustCompile(`^[A-Z]{3}$`)
	reISCED    = regexp.MustCompile(`^[0-9]{2,4}$`)
)

// Validate reports every problem of the offer at once, each naming its
// field by its JSON name. It does not change the offer.
func (o *Offer) Validate() Problems {
	var p Problems
	if strings.TrimSpace(o.Source) == "" {
		p.add("source", "is required")
	}
	if strings.TrimSpace(o.SourceID) == "" {
		p.add("source_id", "is required")
	}
	if strings.TrimSpace(o.Title) == "" {
		p.add("title", "is required")
	}
	if strings.TrimSpace(o.AwardingBody) == "" && strings.TrimSpace(o.Provider) == "" {
		p.add("awarding_body", "is required (or provider)")
	}
	if o.Country != "" && !reCountry.MatchString(o.Country) {
		p.add("country", "%q is not an ISO 3166-1 alpha-2 code", o.Country)
	}
	if o.Region != "" && !reNUTS.MatchString(o.Region) {
		p.add("region", "%q is not a NUTS code", o.Region)
	} else if o.Region != "" && o.Country != "" && !strings.HasPrefix(o.Region, nutsCountry(o.Country)) {
		p.add("region", "%q is not in country %s", o.Region, o.Country)
	}
	for i, lo := range o.Outcomes {
		if strings.TrimSpace(lo.Text) == "" && len(lo.Skills) == 0 {
			p.add(fmt.Sprintf("learning_outcomes[%d].text", i), "is empty")
		}
		for j, s := range lo.Skills {
			if !strings.HasPrefix(s.URI, "http://") && !strings.HasPrefix(s.URI, "https://") && !strings.HasPrefix(s.URI, "urn:") {
				p.add(fmt.Sprintf("learning_outcomes[%d].skills[%d].uri", i, j), "%q is not a URI", s.URI)
			}
		}
	}
	if o.ECTS != nil && (*o.ECTS < 0 || *o.ECTS > 240) {
		p.add("ects", "%g is out of range 0–240", *o.ECTS)
	}
	if o.Hours != nil && (*o.Hours < 0 || *o.Hours > 10000) {
		p.add("hours", "%g is out of range 0–10000", *o.Hours)
	}
	if !o.EQF.Valid() {
		p.add("eqf", "%d is not an EQF level (1–8 or n/a)", o.EQF)
	}
	if o.Mode != "" && !o.Mode.Valid() {
		p.add("mode", "%q is not a form of participation (online, onsite, blended, volunteering, work-experience)", o.Mode)
	}
	for i, l := range o.Languages {
		if !reLang.MatchString(l) {
			p.add(fmt.Sprintf("languages[%d]", i), "%q is not an ISO 639 code", l)
		}
	}
	if o.ISCED != "" && !reISCED.MatchString(o.ISCED) {
		p.add("isced", "%q is not an ISCED-F code", o.ISCED)
	}
	if o.Price != nil && *o.Price < 0 {
		p.add("price", "is negative")
	}
	if o.Price != nil && *o.Price != 0 && o.Currency == "" {
		p.add("currency", "is required with a price (free needs none)")
	}
	if o.Currency != "" && !reCurrency.MatchString(o.Currency) {
		p.add("currency", "%q is not an ISO 4217 code", o.Currency)
	}
	if !o.Start.IsZero() && !o.End.IsZero() && o.End.Before(o.Start) {
		p.add("end", "%s is before start %s", o.End, o.Start)
	}
	if !o.ApplyBy.IsZero() && !o.Start.IsZero() && o.Start.Before(o.ApplyBy) {
		p.add("apply_by", "%s is after start %s", o.ApplyBy, o.Start)
	}
	switch o.Stackability {
	case "", "stand-alone", "stackable":
	default:
		p.add("stackability", "%q is not stand-alone or stackable", o.Stackability)
	}
	for i, r := range o.Relations {
		switch r.Kind {
		case PartOf, StacksTowards, PrerequisiteOf:
		default:
			p.add(fmt.Sprintf("relations[%d].kind", i), "%q is not part_of, stacks_towards or prerequisite_of", r.Kind)
		}
		if strings.TrimSpace(r.Target) == "" {
			p.add(fmt.Sprintf("relations[%d].target", i), "is required")
		}
	}
	switch o.Status {
	case "", StatusActive, StatusWithdrawn:
	default:
		p.add("status", "%q is not active or withdrawn", o.Status)
	}
	o.validateExtra(&p)
	return p
}

// AnnexIMissing names the elements Annex I of the Council Recommendation
// on micro-credentials asks of every micro-credential that o does not
// state, as their JSON field names in the Annex's order ("workload" for
// ECTS and hours both unknown). An import reports them (issue 13): the
// offer stays, and screens say "not stated".
func (o *Offer) AnnexIMissing() []string {
	var m []string
	if strings.TrimSpace(o.AwardingBody) == "" {
		m = append(m, "awarding_body")
	}
	if len(o.Outcomes) == 0 {
		m = append(m, "learning_outcomes")
	}
	if o.ECTS == nil && o.Hours == nil {
		m = append(m, "workload")
	}
	if strings.TrimSpace(o.Assessment) == "" {
		m = append(m, "assessment")
	}
	if strings.TrimSpace(o.QA) == "" {
		m = append(m, "quality_assurance")
	}
	return m
}

// WorkloadWarning says when ECTS and hours disagree with 1 ECTS ≈ 25–30 h
// (outside 20–36 h), or "" when they agree or one is missing.
func (o *Offer) WorkloadWarning() string {
	if o.ECTS == nil || o.Hours == nil || *o.ECTS == 0 {
		return ""
	}
	r := *o.Hours / *o.ECTS
	if r < 20 || r > 36 {
		return fmt.Sprintf("%g h for %g ECTS is %.0f h per ECTS (expected 25–30)", *o.Hours, *o.ECTS, r)
	}
	return ""
}

// nutsCountry maps an ISO country code to its NUTS prefix (Greece is EL).
func nutsCountry(c string) string {
	if c == "GR" {
		return "EL"
	}
	return c
}
