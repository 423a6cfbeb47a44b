package catalog

// ConceptMatch is one ESCO concept found by label, labelled in the asked
// language (or another where the concept lacks it).
type ConceptMatch struct {
	URI          string      `json:"uri"`
	Kind         ConceptKind `json:"kind"`
	Label        string      `json:"label"`
	LabelLang    string      `json:"label_lang"`
	MatchedLabel string      `json:"matched_label"`
	MatchedLang  string      `json:"matched_lang"`
	ISCO         string      `json:"isco"`
	Score        float64     `json:"score"`
}

// Occupation is an ESCO occupation with its essential and optional skills,
// labelled in the asked language (English, then any, where it lacks one).
type Occupation struct {
	URI       string     `json:"uri"`
	Label     string     `json:"label"`
	Essential []SkillRef `json:"essential"`
	Optional  []SkillRef `json:"optional"`
}
