package export

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/koers-project/koers/catalog"
)

// Profile names koers's learning-plan JSON; ParsePlanJSON and the import
// detector look for it.
const Profile = "urn:koers:learning-plan:1"

// The JSON document: JSON-LD with the ELM v3 (EDC application profile)
// context; each step is an ELM LearningOpportunity whose
// learningAchievementSpecification carries the Annex I elements, with EU
// vocabulary URIs for EQF, ISCED-F, language, country and mode. What ELM has
// no property for (funding, the learning-account summary, koers ids) sits in
// "koers:" extension properties, so that the plan can be imported back.
type (
	planJSON struct {
		Context    []any         `json:"@context"`
		ID         string        `json:"id"`
		Type       string        `json:"type"`
		Profile    string        `json:"profile"`
		Generated  string        `json:"generated"`
		Status     string        `json:"status,omitempty"`
		Language   *concept      `json:"language,omitempty"`
		Learner    learnerJSON   `json:"learner"`
		Counsellor string        `json:"counsellor,omitempty"`
		Target     *concept      `json:"target,omitempty"`
		Goals      []Goal        `json:"goals,omitempty"`
		Steps      []opportunity `json:"learningOpportunity"`
		Funding    []schemeJSON  `json:"koers:funding,omitempty"`
		Totals     totalsJSON    `json:"koers:totals"`
		Coverage   *coverageJSON `json:"koers:skillCoverage,omitempty"`
		Actions    []Action      `json:"koers:actions,omitempty"`
		Next       *Meeting      `json:"koers:nextAppointment,omitempty"`
		Notes      []Note        `json:"koers:notes,omitempty"`
		Warnings   []string      `json:"koers:warnings,omitempty"`
	}
	learnerJSON struct {
		ID       string            `json:"id"`
		Type     string            `json:"type"`
		FullName map[string]string `json:"fullName"`
		Country  *concept          `json:"koers:country,omitempty"`
	}
	concept struct {
		ID        string            `json:"id"`
		Type      string            `json:"type"`
		InScheme  *ref              `json:"inScheme,omitempty"`
		Notation  string            `json:"notation,omitempty"`
		PrefLabel map[string]string `json:"prefLabel,omitempty"`
	}
	ref struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	note struct {
		ID          string            `json:"id,omitempty"`
		Type        string            `json:"type"`
		NoteLiteral map[string]string `json:"noteLiteral"`
	}
	organisation struct {
		ID        string            `json:"id"`
		Type      string            `json:"type"`
		LegalName map[string]string `json:"legalName"`
	}
	opportunity struct {
		ID          string            `json:"id"`
		Type        string            `json:"type"`
		Title       map[string]string `json:"title"`
		Identifier  []identifier      `json:"identifier,omitempty"`
		StartDate   *catalog.Date     `json:"startDate,omitempty"`
		EndDate     *catalog.Date     `json:"endDate,omitempty"`
		Homepage    *webResource      `json:"homepage,omitempty"`
		ProvidedBy  *organisation     `json:"providedBy,omitempty"`
		Location    *location         `json:"location,omitempty"`
		Spec        specification     `json:"learningAchievementSpecification"`
		PriceDetail []priceDetail     `json:"priceDetail,omitempty"`
		KoersStep   string            `json:"koers:stepId"`
		KoersOffer  string            `json:"koers:offerId,omitempty"`
		KoersMode   catalog.Mode      `json:"koers:mode,omitempty"`
		KoersFund   []Funding         `json:"koers:funding,omitempty"`
		KoersRegion string            `json:"koers:region,omitempty"`
	}
	identifier struct {
		Type       string `json:"type"`
		Notation   string `json:"notation"`
		SchemeName string `json:"schemeName"`
	}
	webResource struct {
		Type       string `json:"type"`
		ContentURL string `json:"contentURL"`
	}
	location struct {
		Type    string  `json:"type"`
		Address address `json:"address"`
	}
	address struct {
		Type        string  `json:"type"`
		CountryCode concept `json:"countryCode"`
	}
	specification struct {
		ID                string            `json:"id"`
		Type              string            `json:"type"`
		Title             map[string]string `json:"title"`
		EQFLevel          *concept          `json:"eqfLevel,omitempty"`
		KoersEQF          string            `json:"koers:eqf,omitempty"` // "n/a" when not applicable
		ThematicArea      []concept         `json:"thematicArea,omitempty"`
		CreditPoint       []creditPoint     `json:"creditPoint,omitempty"`
		VolumeOfLearning  string            `json:"volumeOfLearning,omitempty"`
		LearningOutcome   []outcomeJSON     `json:"learningOutcome,omitempty"`
		Mode              []concept         `json:"mode,omitempty"`
		Language          []concept         `json:"language,omitempty"`
		LearningSetting   *concept          `json:"learningSetting,omitempty"`
		EntryRequirement  *note             `json:"entryRequirement,omitempty"`
		ProvenBy          []assessmentSpec  `json:"provenBy,omitempty"`
		AwardingBody      []organisation    `json:"koers:awardingBody,omitempty"`
		QualityAssurance  *note             `json:"koers:qualityAssurance,omitempty"`
		KoersPrerequisite []string          `json:"koers:prerequisites,omitempty"`
	}
	creditPoint struct {
		Type      string  `json:"type"`
		Framework concept `json:"framework"`
		Point     string  `json:"point"`
	}
	outcomeJSON struct {
		ID               string            `json:"id"`
		Type             string            `json:"type"`
		Title            map[string]string `json:"title"`
		RelatedESCOSkill []concept         `json:"relatedESCOSkill,omitempty"`
	}
	assessmentSpec struct {
		ID    string            `json:"id"`
		Type  string            `json:"type"`
		Title map[string]string `json:"title"`
	}
	priceDetail struct {
		Type   string     `json:"type"`
		Amount amountJSON `json:"amount"`
	}
	amountJSON struct {
		Type  string        `json:"type"`
		Value catalog.Money `json:"value"`
		Unit  concept       `json:"unit"`
	}
	schemeJSON struct {
		Scheme
		Remaining int64 `json:"remaining"`
	}
	totalsJSON struct {
		Totals
		Steps int `json:"steps"`
	}
	coverageJSON struct {
		Coverage
		TargetCovered int `json:"covered_count"`
		TargetPlanned int `json:"planned_count"`
		TargetMissing int `json:"missing_count"`
	}
)

// WriteJSON renders the plan as ELM-aligned JSON-LD, indented, ending in a newline.
func WriteJSON(w io.Writer, p *Plan, opt Options) error {
	doc := toJSON(p, opt)
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode plan json: %w", err)
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write plan json: %w", err)
	}
	return nil
}

func planLang(p *Plan, opt Options) string {
	if opt.Tr != nil {
		return opt.Tr.Lang()
	}
	if p.Person.Language != "" {
		return p.Person.Language
	}
	return "en"
}

func toJSON(p *Plan, opt Options) planJSON {
	lang := planLang(p, opt)
	lit := func(s string) map[string]string { return map[string]string{lang: s} }
	doc := planJSON{
		Context:    []any{uriELMContext, map[string]string{"koers": "urn:koers:vocab:"}},
		ID:         "urn:koers:plan:" + p.ID,
		Type:       "LearningPlan",
		Profile:    Profile,
		Generated:  opt.generated(p).Format(time.RFC3339),
		Status:     p.Status,
		Counsellor: p.Counsellor,
		Goals:      p.Goals,
		Actions:    p.Actions,
		Next:       p.Next,
		Notes:      p.Notes,
		Warnings:   p.Warnings,
		Totals:     totalsJSON{Totals: p.Totals, Steps: len(p.Steps)},
	}
	if p.Person.Language != "" {
		doc.Language = vocab(languageURI(p.Person.Language), uriLanguageScheme, p.Person.Language)
	}
	doc.Learner = learnerJSON{ID: "urn:koers:person:" + p.Person.ID, Type: "Person", FullName: lit(p.Person.Name)}
	if p.Person.Country != "" {
		doc.Learner.Country = vocab(countryURI(p.Person.Country), uriCountryScheme, p.Person.Country)
	}
	if p.Target != nil {
		doc.Target = &concept{ID: p.Target.URI, Type: "Concept", PrefLabel: lit(p.Target.Label)}
	}
	for _, s := range p.Funding {
		doc.Funding = append(doc.Funding, schemeJSON{Scheme: s, Remaining: s.Remaining()})
	}
	if c := p.Coverage; c != nil {
		doc.Coverage = &coverageJSON{Coverage: *c, TargetCovered: len(c.Covered), TargetPlanned: len(c.Planned), TargetMissing: len(c.Missing)}
	}
	for _, s := range p.Steps {
		doc.Steps = append(doc.Steps, stepJSON(s, lit))
	}
	return doc
}

func vocab(uri, scheme, notation string) *concept {
	if uri == "" {
		return nil
	}
	return &concept{ID: uri, Type: "Concept", InScheme: &ref{ID: scheme, Type: "ConceptScheme"}, Notation: notation}
}

func stepJSON(s Step, lit func(string) map[string]string) opportunity {
	o := opportunity{
		ID:          "urn:koers:step:" + s.ID,
		Type:        "LearningOpportunity",
		Title:       lit(s.Title),
		KoersStep:   s.ID,
		KoersOffer:  s.OfferID,
		KoersMode:   s.Mode,
		KoersFund:   s.Funding,
		KoersRegion: s.Region,
	}
	if s.Source != "" || s.SourceID != "" {
		o.Identifier = []identifier{{Type: "Identifier", Notation: s.SourceID, SchemeName: s.Source}}
	}
	if !s.Start.IsZero() {
		d := s.Start
		o.StartDate = &d
	}
	if !s.End.IsZero() {
		d := s.End
		o.EndDate = &d
	}
	if s.URL != "" {
		o.Homepage = &webResource{Type: "WebResource", ContentURL: s.URL}
	}
	if s.Provider != "" {
		o.ProvidedBy = &organisation{ID: "urn:koers:org:" + slug(s.Provider), Type: "Organisation", LegalName: lit(s.Provider)}
	}
	if c := vocab(countryURI(s.Country), uriCountryScheme, s.Country); c != nil {
		o.Location = &location{Type: "Location", Address: address{Type: "Address", CountryCode: *c}}
	}
	if s.Cost != nil {
		cur := s.Currency
		if cur == "" {
			cur = "EUR"
		}
		o.PriceDetail = []priceDetail{{Type: "PriceDetail", Amount: amountJSON{Type: "Amount", Value: *s.Cost, Unit: concept{ID: uriCurrency + cur, Type: "Concept", Notation: cur}}}}
	}
	sp := specification{ID: "urn:koers:spec:" + s.ID, Type: "LearningAchievementSpecification", Title: lit(s.Title)}
	switch {
	case s.EQF >= 1 && s.EQF <= 8:
		sp.EQFLevel = vocab(s.EQF.URI(), uriEQFScheme, strconv.Itoa(int(s.EQF)))
	case s.EQF == catalog.EQFNotApplicable:
		sp.KoersEQF = "n/a"
	}
	if s.ISCED != "" {
		sp.ThematicArea = []concept{*vocab(uriISCEDF+s.ISCED, uriISCEDFScheme, s.ISCED)}
	}
	if s.ECTS != nil {
		sp.CreditPoint = []creditPoint{{Type: "CreditPoint", Framework: concept{ID: uriECTS, Type: "Concept", InScheme: &ref{ID: uriCreditScheme, Type: "ConceptScheme"}, PrefLabel: map[string]string{"en": "European Credit Transfer System"}}, Point: strconv.FormatFloat(*s.ECTS, 'f', -1, 64)}}
	}
	if s.Hours != nil {
		sp.VolumeOfLearning = isoHours(*s.Hours)
	}
	for i, lo := range s.Outcomes {
		oj := outcomeJSON{ID: fmt.Sprintf("urn:koers:outcome:%s:%d", s.ID, i+1), Type: "LearningOutcome", Title: lit(lo.Text)}
		for _, sk := range lo.Skills {
			c := concept{ID: sk.URI, Type: "Concept", InScheme: &ref{ID: uriESCOSkills, Type: "ConceptScheme"}}
			if sk.Label != "" {
				c.PrefLabel = lit(sk.Label)
			}
			oj.RelatedESCOSkill = append(oj.RelatedESCOSkill, c)
		}
		sp.LearningOutcome = append(sp.LearningOutcome, oj)
	}
	if u := modeURI(s.Mode); u != "" {
		sp.Mode = []concept{*vocab(u, uriModeScheme, string(s.Mode))}
	}
	for _, l := range s.Languages {
		if c := vocab(languageURI(l), uriLanguageScheme, l); c != nil {
			sp.Language = append(sp.Language, *c)
		}
	}
	sp.LearningSetting = &concept{ID: uriNonFormal, Type: "Concept", InScheme: &ref{ID: uriSettingScheme, Type: "ConceptScheme"}, PrefLabel: map[string]string{"en": "non-formal learning"}}
	if len(s.Prerequisites) > 0 {
		sp.KoersPrerequisite = s.Prerequisites
		sp.EntryRequirement = &note{Type: "Note", NoteLiteral: lit(joinSemi(s.Prerequisites))}
	}
	if s.Assessment != "" {
		sp.ProvenBy = []assessmentSpec{{ID: "urn:koers:assessment:" + s.ID, Type: "LearningAssessmentSpecification", Title: lit(s.Assessment)}}
	}
	if s.AwardingBody != "" {
		sp.AwardingBody = []organisation{{ID: "urn:koers:org:" + slug(s.AwardingBody), Type: "Organisation", LegalName: lit(s.AwardingBody)}}
	}
	if s.QA != "" {
		sp.QualityAssurance = &note{Type: "Note", NoteLiteral: lit(s.QA)}
	}
	o.Spec = sp
	return o
}

// isoHours writes hours as an ISO 8601 duration: 60 → PT60H, 7.5 → PT7H30M.
func isoHours(h float64) string {
	mins := int64(math.Round(h * 60))
	s := "PT"
	if mins/60 > 0 || mins == 0 {
		s += strconv.FormatInt(mins/60, 10) + "H"
	}
	if mins%60 != 0 {
		s += strconv.FormatInt(mins%60, 10) + "M"
	}
	return s
}

func joinSemi(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += "; "
		}
		out += s
	}
	return out
}

// slug is a stable, URI-safe token for an organisation name.
func slug(s string) string {
	var b []rune
	dash := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b = append(b, r)
			dash = false
		case r >= 'A' && r <= 'Z':
			b = append(b, r+'a'-'A')
			dash = false
		default:
			if !dash && len(b) > 0 {
				b = append(b, '-')
				dash = true
			}
		}
	}
	for len(b) > 0 && b[len(b)-1] == '-' {
		b = b[:len(b)-1]
	}
	return string(b)
}
