package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/koers-project/koers/catalog"
)

// IsPlanJSON reports whether data looks like a koers learning-plan export
// (a JSON object with the koers plan profile), for import format detection.
func IsPlanJSON(data []byte) bool {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	var head struct {
		Profile string `json:"profile"`
		Type    string `json:"type"`
	}
	if json.Unmarshal(data, &head) != nil {
		return false
	}
	return head.Profile == Profile && head.Type == "LearningPlan"
}

// ParsePlanJSON reads a plan written by WriteJSON back into a Plan. Errors
// name the line and the field.
func ParsePlanJSON(data []byte) (*Plan, error) {
	var doc planJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, jsonErr(data, err)
	}
	if doc.Profile != Profile {
		return nil, fmt.Errorf("profile: %q is not a koers learning plan (want %s)", doc.Profile, Profile)
	}
	p := &Plan{
		ID:         strings.TrimPrefix(doc.ID, "urn:koers:plan:"),
		Status:     doc.Status,
		Counsellor: doc.Counsellor,
		Goals:      doc.Goals,
		Actions:    doc.Actions,
		Next:       doc.Next,
		Notes:      doc.Notes,
		Warnings:   doc.Warnings,
		Totals:     doc.Totals.Totals,
	}
	if doc.Generated != "" {
		t, err := time.Parse(time.RFC3339, doc.Generated)
		if err != nil {
			return nil, fmt.Errorf("generated: %q is not an RFC 3339 time", doc.Generated)
		}
		p.Generated = t.UTC()
	}
	p.Person = Person{ID: strings.TrimPrefix(doc.Learner.ID, "urn:koers:person:"), Name: firstLit(doc.Learner.FullName)}
	if p.Person.ID == "" {
		return nil, errors.New("learner.id: is required")
	}
	if doc.Language != nil {
		p.Person.Language = languageFromURI(doc.Language.ID)
	}
	if doc.Learner.Country != nil {
		p.Person.Country = countryFromURI(doc.Learner.Country.ID)
	}
	if doc.Target != nil {
		p.Target = &Target{URI: doc.Target.ID, Label: firstLit(doc.Target.PrefLabel)}
	}
	for _, s := range doc.Funding {
		p.Funding = append(p.Funding, s.Scheme)
	}
	if doc.Coverage != nil {
		c := doc.Coverage.Coverage
		p.Coverage = &c
	}
	p.Steps = []Step{}
	for i, o := range doc.Steps {
		s, err := stepFromJSON(o)
		if err != nil {
			return nil, fmt.Errorf("learningOpportunity[%d].%w", i, err)
		}
		p.Steps = append(p.Steps, s)
	}
	return p, nil
}

func stepFromJSON(o opportunity) (Step, error) {
	sp := o.Spec
	s := Step{
		ID:            o.KoersStep,
		OfferID:       o.KoersOffer,
		Title:         firstLit(o.Title),
		Mode:          o.KoersMode,
		Funding:       o.KoersFund,
		Region:        o.KoersRegion,
		Assessment:    "",
		Prerequisites: sp.KoersPrerequisite,
	}
	if s.ID == "" {
		s.ID = strings.TrimPrefix(o.ID, "urn:koers:step:")
	}
	if s.Title == "" {
		return s, errors.New("title: is required")
	}
	if len(o.Identifier) > 0 {
		s.Source, s.SourceID = o.Identifier[0].SchemeName, o.Identifier[0].Notation
	}
	if o.StartDate != nil {
		s.Start = *o.StartDate
	}
	if o.EndDate != nil {
		s.End = *o.EndDate
	}
	if o.Homepage != nil {
		s.URL = o.Homepage.ContentURL
	}
	if o.ProvidedBy != nil {
		s.Provider = firstLit(o.ProvidedBy.LegalName)
	}
	if o.Location != nil {
		s.Country = countryFromURI(o.Location.Address.CountryCode.ID)
	}
	if len(o.PriceDetail) > 0 {
		m := o.PriceDetail[0].Amount.Value
		s.Cost = &m
		s.Currency = o.PriceDetail[0].Amount.Unit.Notation
	}
	if sp.EQFLevel != nil {
		e, err := catalog.ParseEQF(sp.EQFLevel.ID)
		if err != nil || !e.Valid() {
			return s, fmt.Errorf("learningAchievementSpecification.eqfLevel: %q is not an EQF level", sp.EQFLevel.ID)
		}
		s.EQF = e
	} else if sp.KoersEQF == "n/a" {
		s.EQF = catalog.EQFNotApplicable
	}
	if len(sp.ThematicArea) > 0 {
		s.ISCED = strings.TrimPrefix(sp.ThematicArea[0].ID, uriISCEDF)
	}
	for _, c := range sp.CreditPoint {
		if c.Framework.ID != uriECTS {
			continue
		}
		v, err := strconv.ParseFloat(c.Point, 64)
		if err != nil {
			return s, fmt.Errorf("learningAchievementSpecification.creditPoint.point: %q is not a number", c.Point)
		}
		s.ECTS = &v
	}
	if sp.VolumeOfLearning != "" {
		h, err := parseISOHours(sp.VolumeOfLearning)
		if err != nil {
			return s, fmt.Errorf("learningAchievementSpecification.volumeOfLearning: %w", err)
		}
		s.Hours = &h
	}
	for _, lo := range sp.LearningOutcome {
		out := catalog.Outcome{Text: firstLit(lo.Title)}
		for _, c := range lo.RelatedESCOSkill {
			out.Skills = append(out.Skills, catalog.SkillRef{URI: c.ID, Label: firstLit(c.PrefLabel)})
		}
		s.Outcomes = append(s.Outcomes, out)
	}
	if s.Mode == "" && len(sp.Mode) > 0 {
		s.Mode = modeFromURI(sp.Mode[0].ID)
	}
	for _, c := range sp.Language {
		if l := languageFromURI(c.ID); l != "" {
			s.Languages = append(s.Languages, l)
		}
	}
	if len(s.Prerequisites) == 0 && sp.EntryRequirement != nil {
		if t := firstLit(sp.EntryRequirement.NoteLiteral); t != "" {
			s.Prerequisites = []string{t}
		}
	}
	if len(sp.ProvenBy) > 0 {
		s.Assessment = firstLit(sp.ProvenBy[0].Title)
	}
	if len(sp.AwardingBody) > 0 {
		s.AwardingBody = firstLit(sp.AwardingBody[0].LegalName)
	}
	if sp.QualityAssurance != nil {
		s.QA = firstLit(sp.QualityAssurance.NoteLiteral)
	}
	return s, nil
}

// firstLit is the text of a language map: its only value, else the first
// by language code (deterministic).
func firstLit(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if m[k] != "" {
			return m[k]
		}
	}
	return ""
}

// parseISOHours reads PT60H, PT7H30M, PT90M.
func parseISOHours(s string) (float64, error) {
	rest, ok := strings.CutPrefix(strings.ToUpper(strings.TrimSpace(s)), "PT")
	if !ok || rest == "" {
		return 0, fmt.Errorf("%q is not an ISO 8601 duration in hours (PTnH)", s)
	}
	var hours float64
	for rest != "" {
		i := strings.IndexAny(rest, "HMS")
		if i <= 0 {
			return 0, fmt.Errorf("%q is not an ISO 8601 duration in hours (PTnH)", s)
		}
		v, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil || v < 0 {
			return 0, fmt.Errorf("%q is not an ISO 8601 duration in hours (PTnH)", s)
		}
		switch rest[i] {
		case 'H':
			hours += v
		case 'M':
			hours += v / 60
		case 'S':
			hours += v / 3600
		}
		rest = rest[i+1:]
	}
	return hours, nil
}

// jsonErr adds the line to a decoding error.
func jsonErr(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("line %d: %w", lineOf(data, se.Offset), err)
	case errors.As(err, &te):
		return fmt.Errorf("line %d: field %s: %w", lineOf(data, te.Offset), te.Field, err)
	}
	return fmt.Errorf("plan json: %w", err)
}

func lineOf(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}
