package catalog

import (
	"slices"
	"sort"
)

// Candidate is the narrow view of an offer that skill gap and pathway
// suggestion need: no descriptions, no outcomes text. The store fetches
// exactly these fields for the offers that teach the skills in question.
type Candidate struct {
	ID        string
	Source    string
	SourceID  string
	Title     string
	Skills    []string // skill URIs taught
	EQF       EQF
	ECTS      float64
	Hours     float64 // workload; from ECTS when only ECTS is known
	Price     Money   // 0 when free or unknown
	Currency  string  // ISO 4217 code of Price; "" when the price is unknown (see PriceKnown)
	Weeks     int     // calendar length in weeks where the offer states one (0: not stated)
	Mode      Mode
	Languages []string
	Region    string
	Start     Date
	End       Date
	ApplyBy   Date
	Schemes   []string
	Withdrawn bool
	// Requires are the IDs of candidates that must come earlier (resolved
	// prerequisites). Link fills it from PrereqOf and PrereqRefs.
	Requires []string
	// PrereqOf are source ids (same source) this offer is a prerequisite of.
	PrereqOf []string
	// PrereqRefs are what the offer names as prerequisites: another offer's
	// source id or title (same source), or free text such as an entry
	// requirement ("upper secondary education"), which links to nothing and
	// blocks nothing.
	PrereqRefs []string
}

// PriceKnown reports whether the offer states its price (Price is then
// an amount in Currency; otherwise Price is 0 and means nothing).
func (c Candidate) PriceKnown() bool { return c.Currency != "" }

// FundablePrice is the part of the price a money scheme can be asked for:
// the price when it is in MainCurrency (the schemes' currency), else 0 (a
// scheme pays only in its own currency).
func (c Candidate) FundablePrice() Money {
	if c.Currency == MainCurrency {
		return c.Price
	}
	return 0
}

// CandidateOf is the candidate view of a full offer.
func CandidateOf(o *Offer) Candidate {
	c := Candidate{
		ID: o.ID, Source: o.Source, SourceID: o.SourceID, Title: o.Title, EQF: o.EQF,
		Mode: o.Mode, Languages: o.Languages, Region: o.Region, Start: o.Start, End: o.End,
		ApplyBy: o.ApplyBy, Schemes: o.Schemes, Withdrawn: o.Status == StatusWithdrawn,
		PrereqRefs: o.Prerequisites,
	}
	for _, s := range o.Skills() {
		c.Skills = append(c.Skills, s.URI)
	}
	if o.ECTS != nil {
		c.ECTS = *o.ECTS
	}
	switch {
	case o.Hours != nil:
		c.Hours = *o.Hours
	case o.ECTS != nil:
		c.Hours = *o.ECTS * HoursPerECTS
	}
	if o.Price != nil {
		c.Price, c.Currency = *o.Price, o.Currency
		if c.Currency == "" {
			c.Currency = MainCurrency // free: nothing in any currency
		}
	}
	if o.Length != nil {
		c.Weeks, _ = o.Length.Weeks()
	}
	for _, r := range o.Relations {
		if r.Kind == PrerequisiteOf {
			c.PrereqOf = append(c.PrereqOf, r.Target)
		}
	}
	return c
}

// Link resolves prerequisites between candidates of the same source (by
// source id, else by title) into Requires (sorted, distinct). References to
// nothing among cands stay free text.
func Link(cands []Candidate) {
	key := func(src, id string) string { return src + "\x00" + id }
	byKey := make(map[string]string, len(cands))
	for _, c := range cands {
		if k := key(c.Source, c.Title); c.Title != "" && byKey[k] == "" {
			byKey[k] = c.ID
		}
	}
	for _, c := range cands {
		byKey[key(c.Source, c.SourceID)] = c.ID
	}
	idx := make(map[string]int, len(cands))
	for i, c := range cands {
		idx[c.ID] = i
	}
	add := func(i int, id string) {
		if id != "" && id != cands[i].ID && !slices.Contains(cands[i].Requires, id) {
			cands[i].Requires = append(cands[i].Requires, id)
		}
	}
	for i, c := range cands {
		for _, ref := range c.PrereqRefs {
			if id, ok := byKey[key(c.Source, ref)]; ok {
				add(i, id)
			}
		}
		for _, t := range c.PrereqOf {
			if id, ok := byKey[key(c.Source, t)]; ok {
				add(idx[id], c.ID)
			}
		}
	}
	for i := range cands {
		sort.Strings(cands[i].Requires)
	}
}

// Constraints bound a suggested pathway. Zero values mean "no limit".
type Constraints struct {
	// Budget is what may be spent per scheme, in the scheme's minor unit
	// (cents, minutes), including SchemeOwn for what the person pays
	// themselves. A money scheme absent from the map has nothing to give;
	// an absent SchemeOwn means nothing out of pocket. Leave is not a limit:
	// hours beyond it are the person's own time.
	Budget     map[string]int64
	MaxHours   float64
	MaxWeeks   int
	Modes      []Mode
	Languages  []string
	Region     string // NUTS prefix
	EQFMin     EQF
	EQFMax     EQF
	StartAfter Date
	MaxSteps   int // 0: DefaultMaxSteps
}

// DefaultMaxSteps is the longest pathway suggested when no limit is given.
const DefaultMaxSteps = 8

// WeeklyHours is the study pace assumed for an offer without dates when
// counting calendar weeks.
const WeeklyHours = 8.0

// SuggestInput is everything a suggestion is computed from: plain values, so
// that it is the same for the same data.
type SuggestInput struct {
	Essential  []SkillRef // the target's essential skills
	Held       []string   // skill URIs the person holds, or will from the current plan
	Earned     []string   // source ids ("source\x00id" or plain id) of earned credentials; satisfy prerequisites
	Candidates []Candidate
	Rules      FundingRules
	Today      Date
	Constraints
	// NodeLimit bounds the search (0: a default); a search that hits it
	// returns the best found and says it is not exhaustive.
	NodeLimit int
}

// PathStep is one step of a suggested pathway, with why it is there.
type PathStep struct {
	ID       string           `json:"offer"`
	Title    string           `json:"title"`
	Covers   []SkillRef       `json:"covers"`             // missing essential skills it is the first to teach
	PrereqOf []string         `json:"prerequisite_of"`    // ids of later steps that need it
	Price    Money            `json:"price"`              //
	Hours    float64          `json:"hours"`              //
	ECTS     float64          `json:"ects"`               //
	Start    Date             `json:"start"`              //
	End      Date             `json:"end"`                //
	Funding  map[string]int64 `json:"funding,omitempty"`  // covered per scheme, minor units
	Own      Money            `json:"out_of_pocket"`      //
	Requires []string         `json:"requires,omitempty"` //
}

// Pathway is one suggested sequence of steps.
type Pathway struct {
	Steps     []PathStep       `json:"steps"`
	Covered   []SkillRef       `json:"covered"`
	Uncovered []UncoveredSkill `json:"uncovered"`
	Cost      Money            `json:"cost"`
	Own       Money            `json:"out_of_pocket"`
	Funded    map[string]int64 `json:"funded"` // per scheme, minor units
	Hours     float64          `json:"hours"`
	ECTS      float64          `json:"ects"`
	Weeks     int              `json:"weeks"`
	Without   []string         `json:"without,omitempty"` // ids of the best pathway's steps this alternative avoids
}

// UncoveredSkill is a missing essential skill a pathway leaves uncovered,
// with why: "untaught" (no offer teaches it), a constraint name that rules
// out every offer teaching it, or "combination" (offers fit alone, not
// together with the rest).
type UncoveredSkill struct {
	SkillRef
	Reason string `json:"reason"`
}

// Blocker names the constraint that stops any pathway: relaxing it alone
// would let at least one offer in. Constraint is one of "untaught", "mode",
// "language", "region", "eqf", "start_after", "deadline", "withdrawn",
// "prerequisite", "max_steps", "max_hours", "max_weeks", "budget", "dates" or
// "combination".
type Blocker struct {
	Constraint string `json:"constraint"`
	Offers     int    `json:"offers"` // offers teaching a missing skill that it rules out
}

// Suggestion is the answer of Suggest: pathways best first (the best and up
// to two alternatives), the missing skills and what no offer teaches.
type Suggestion struct {
	Missing    []SkillRef `json:"missing"`
	Pathways   []Pathway  `json:"pathways"`
	Untaught   []SkillRef `json:"untaught"`
	Blocked    *Blocker   `json:"blocked,omitempty"`
	Exhaustive bool       `json:"exhaustive"`
}

// missingSkills is the essential skills not held, in the target's order.
func missingSkills(ess []SkillRef, held []string) []SkillRef {
	h := make(map[string]bool, len(held))
	for _, s := range held {
		h[s] = true
	}
	var out []SkillRef
	seen := map[string]bool{}
	for _, s := range ess {
		if !h[s.URI] && !seen[s.URI] {
			seen[s.URI] = true
			out = append(out, s)
		}
	}
	return out
}

func anyIn(xs, ys []string) bool {
	for _, x := range xs {
		if slices.Contains(ys, x) {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
