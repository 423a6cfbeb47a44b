package sessions

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/koers-project/koers/catalog"
)

// Evidence is how a person's skill is known.
type Evidence string

// Kinds of evidence for a held skill.
const (
	SelfDeclared Evidence = "self-declared"
	ByCounsellor Evidence = "counsellor"
	Assessment   Evidence = "assessment"
	ByCredential Evidence = "credential"
)

// Valid reports whether e is a known kind of evidence.
func (e Evidence) Valid() bool {
	return e == SelfDeclared || e == ByCounsellor || e == Assessment || e == ByCredential
}

// HeldSkill is an ESCO skill a person holds, with its evidence.
type HeldSkill struct {
	URI      string   `json:"uri"`
	Label    string   `json:"label,omitempty"`
	Evidence Evidence `json:"evidence"`
	// Source is the credential id when Evidence is "credential".
	Source string `json:"source,omitempty"`
}

// Purpose is what a consent is for.
type Purpose string

// Consent purposes.
const (
	ConsentStore    Purpose = "store"
	ConsentShare    Purpose = "share" // with providers
	ConsentResearch Purpose = "research"
)

// Purposes lists every consent purpose.
var Purposes = []Purpose{ConsentStore, ConsentShare, ConsentResearch}

// Consent is one purpose's consent with the dates it was given and withdrawn.
type Consent struct {
	Purpose   Purpose      `json:"purpose"`
	Given     catalog.Date `json:"given"`
	Withdrawn catalog.Date `json:"withdrawn"`
}

// Active reports whether the consent holds.
func (c Consent) Active() bool { return !c.Given.IsZero() && c.Withdrawn.IsZero() }

// Employment statuses.
const (
	Employed   = "employed"
	Unemployed = "unemployed"
	SelfEmpl   = "self-employed"
	Student    = "student"
	Inactive   = "inactive"
)

// EmploymentStatuses lists every employment status.
var EmploymentStatuses = []string{Employed, Unemployed, SelfEmpl, Student, Inactive}

// Person is only what guidance needs about someone, plus the privacy record.
type Person struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Email     string      `json:"email,omitempty"`
	Phone     string      `json:"phone,omitempty"`
	Language  string      `json:"language,omitempty"`   // preferred, ISO 639-1
	BirthYear int         `json:"birth_year,omitempty"` // optional
	EQF       catalog.EQF `json:"eqf"`                  // highest education level
	// Employment is one of EmploymentStatuses, or "".
	Employment string `json:"employment,omitempty"`
	// Gender is one of Genders, or "" when the person did not state it.
	Gender string `json:"gender,omitempty"`
	// Region is the NUTS code where the person lives ("" unknown).
	Region string `json:"region,omitempty"`
	// Centre is the guidance centre whose caseload the person is on.
	Centre string `json:"centre,omitempty"`
	// Counsellor is the account name of the responsible counsellor ("" on
	// a single laptop, where the local user is everyone's counsellor).
	Counsellor        string `json:"counsellor,omitempty"`
	CurrentOccupation string `json:"current_occupation,omitempty"` // ESCO URI
	TargetOccupation  string `json:"target_occupation,omitempty"`  // ESCO URI

	Skills []HeldSkill `json:"skills"`

	// Constraints.
	Availability string         `json:"availability,omitempty"`
	Mobility     string         `json:"mobility,omitempty"` // a catalog.Mobility; older free text reads as not stated
	Modes        []catalog.Mode `json:"preferred_modes,omitempty"`
	// Languages are the languages the person can learn in (ISO 639-1);
	// empty: their preferred Language only.
	Languages []string `json:"languages,omitempty"`
	// HoursPerWeek is the study time the person can give each week; 0:
	// not stated.
	HoursPerWeek float64 `json:"hours_per_week,omitempty"`

	// Privacy.
	LawfulBasis   string       `json:"lawful_basis,omitempty"`
	NoticeVersion string       `json:"notice_version,omitempty"`
	NoticeShown   catalog.Date `json:"notice_shown"`
	Consents      []Consent    `json:"consents"`
	RetainUntil   catalog.Date `json:"retain_until"`

	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
	// Version counts the profile's saves (1 when created). An update that
	// carries a version is refused with a *ChangedError when the stored
	// one differs; 0 updates whatever is stored.
	Version int64 `json:"version"`
}

// Validate reports every problem of the person at once, each naming its
// field; now bounds the birth year.
func (p *Person) Validate(now time.Time) catalog.Problems {
	var ps catalog.Problems
	add := func(field, format string, args ...any) {
		ps = append(ps, catalog.FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(p.Name) == "" {
		add("name", "is required")
	}
	if len(p.Name) > 200 {
		add("name", "is longer than 200 characters")
	}
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
			add("email", "%q is not an e-mail address", p.Email)
		}
	}
	if p.BirthYear != 0 && (p.BirthYear < now.Year()-110 || p.BirthYear > now.Year()-14) {
		add("birth_year", "%d is not plausible for an adult of working age", p.BirthYear)
	}
	if !p.EQF.Valid() {
		add("eqf", "%d is not an EQF level 1–8", p.EQF)
	}
	if p.Employment != "" && !contains(EmploymentStatuses, p.Employment) {
		add("employment", "%q is not one of %s", p.Employment, strings.Join(EmploymentStatuses, ", "))
	}
	if p.Gender != "" && !contains(Genders, p.Gender) {
		add("gender", "%q is not one of %s (or left empty)", p.Gender, strings.Join(Genders, ", "))
	}
	if p.Region != "" && !validNUTS(p.Region) {
		add("region", "%q is not a NUTS code such as BE21", p.Region)
	}
	if len(p.Centre) > 100 {
		add("centre", "is longer than 100 characters")
	}
	for i, s := range p.Skills {
		if !strings.HasPrefix(s.URI, "http") {
			add(fmt.Sprintf("skills[%d].uri", i), "%q is not a URI", s.URI)
		}
		if !s.Evidence.Valid() {
			add(fmt.Sprintf("skills[%d].evidence", i), "%q is not self-declared, counsellor, assessment or credential", s.Evidence)
		}
	}
	for _, o := range []struct{ field, uri string }{{"current_occupation", p.CurrentOccupation}, {"target_occupation", p.TargetOccupation}} {
		if o.uri != "" && !strings.HasPrefix(o.uri, "http") {
			add(o.field, "%q is not a URI", o.uri)
		}
	}
	for _, m := range p.Modes {
		if !m.Valid() {
			add("preferred_modes", "%q is not a form of participation", m)
		}
	}
	for _, l := range p.Languages {
		if len(l) != 2 || strings.ToLower(l) != l {
			add("languages", "%q is not an ISO 639-1 code (nl, fr, en, …)", l)
		}
	}
	if p.HoursPerWeek < 0 || p.HoursPerWeek > 80 {
		add("hours_per_week", "%v is not between 0 and 80", p.HoursPerWeek)
	}
	for i, c := range p.Consents {
		if !contains(Purposes, c.Purpose) {
			add(fmt.Sprintf("consents[%d].purpose", i), "%q is not store, share or research", c.Purpose)
		}
		if !c.Withdrawn.IsZero() && c.Withdrawn.Before(c.Given) {
			add(fmt.Sprintf("consents[%d].withdrawn", i), "is before the date it was given")
		}
	}
	return ps
}

// HasSkill reports whether the person holds uri with any evidence.
func (p *Person) HasSkill(uri string) bool {
	for _, s := range p.Skills {
		if s.URI == uri {
			return true
		}
	}
	return false
}

// SkillURIs is every distinct skill URI the person holds, in order.
func (p *Person) SkillURIs() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range p.Skills {
		if !seen[s.URI] {
			seen[s.URI] = true
			out = append(out, s.URI)
		}
	}
	return out
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// validNUTS reports whether s looks like a NUTS code: a two-letter country
// and up to three more letters or digits (BE, BE2, BE21, BE211).
func validNUTS(s string) bool {
	if len(s) < 2 || len(s) > 5 {
		return false
	}
	for i, r := range s {
		upper := r >= 'A' && r <= 'Z'
		if i < 2 && !upper || i >= 2 && !upper && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
