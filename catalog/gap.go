package catalog

import "sort"

// GapInput is what a skill gap is computed from: the target's skills, what
// the person holds, what the planned steps teach, and the register offers
// that teach any of the target's skills.
type GapInput struct {
	Essential  []SkillRef
	Optional   []SkillRef
	Held       []string            // skill URIs the person holds
	Planned    map[string][]string // skill URI → ids of the plan's steps that teach it
	Candidates []Candidate         // offers teaching some of the skills
	Today      Date                // offers that started or closed before it rank last
	Limit      int                 // offers listed per missing skill; 0: 5
}

// Gap is the target's essential and optional skills against the person.
type Gap struct {
	Essential GapPart `json:"essential"`
	Optional  GapPart `json:"optional"`
}

// GapPart is one side of a gap: every skill is covered (held), planned (a
// step teaches it) or missing.
type GapPart struct {
	Total   int            `json:"total"`
	Covered []SkillRef     `json:"covered"`
	Planned []PlannedSkill `json:"planned"`
	Missing []MissingSkill `json:"missing"`
}

// PlannedSkill is a skill a planned step teaches.
type PlannedSkill struct {
	SkillRef
	Steps []string `json:"steps"`
}

// MissingSkill is a skill neither held nor planned, with the offers that
// teach it, best first.
type MissingSkill struct {
	SkillRef
	Offers []OfferRef `json:"offers"`
}

// OfferRef is an offer suggested for a missing skill.
type OfferRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Price Money  `json:"price"`
	// Currency is Price's ISO 4217 code, "" when the price is unknown
	// (issue 12: a gap listed every price in euros).
	Currency string  `json:"currency"`
	Hours    float64 `json:"hours"`
	EQF      EQF     `json:"eqf"`
	Covers   int     `json:"covers"` // missing essential skills it teaches
}

// PriceKnown reports whether the offer states its price.
func (o OfferRef) PriceKnown() bool { return o.Currency != "" }

// SkillGap splits the target's skills into covered, planned and missing and
// ranks, for each missing skill, the active offers that teach it: those
// still open first, then by how many missing essential skills they teach,
// then by price, hours and id.
func SkillGap(in GapInput) Gap {
	held := map[string]bool{}
	for _, s := range in.Held {
		held[s] = true
	}
	limit := in.Limit
	if limit <= 0 {
		limit = 5
	}
	missingEss := map[string]bool{}
	for _, s := range in.Essential {
		if !held[s.URI] && len(in.Planned[s.URI]) == 0 {
			missingEss[s.URI] = true
		}
	}
	type ranked struct {
		c      *Candidate
		covers int
		closed bool
	}
	var rs []ranked
	for i := range in.Candidates {
		c := &in.Candidates[i]
		if c.Withdrawn {
			continue
		}
		n := 0
		seen := map[string]bool{}
		for _, s := range c.Skills {
			if missingEss[s] && !seen[s] {
				seen[s] = true
				n++
			}
		}
		closed := !in.Today.IsZero() && ((!c.Start.IsZero() && c.Start.Before(in.Today)) || (!c.ApplyBy.IsZero() && c.ApplyBy.Before(in.Today)))
		rs = append(rs, ranked{c, n, closed})
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.closed != b.closed {
			return !a.closed
		}
		if a.covers != b.covers {
			return a.covers > b.covers
		}
		if a.c.Price != b.c.Price {
			return a.c.Price < b.c.Price
		}
		if a.c.Hours != b.c.Hours {
			return a.c.Hours < b.c.Hours
		}
		return a.c.ID < b.c.ID
	})
	teachers := map[string][]OfferRef{}
	for _, r := range rs {
		seen := map[string]bool{}
		for _, s := range r.c.Skills {
			if seen[s] || len(teachers[s]) >= limit {
				continue
			}
			seen[s] = true
			teachers[s] = append(teachers[s], OfferRef{ID: r.c.ID, Title: r.c.Title, Price: r.c.Price, Currency: r.c.Currency, Hours: r.c.Hours, EQF: r.c.EQF, Covers: r.covers})
		}
	}
	part := func(skills []SkillRef) GapPart {
		g := GapPart{Covered: []SkillRef{}, Planned: []PlannedSkill{}, Missing: []MissingSkill{}}
		seen := map[string]bool{}
		for _, s := range skills {
			if seen[s.URI] {
				continue
			}
			seen[s.URI] = true
			g.Total++
			switch {
			case held[s.URI]:
				g.Covered = append(g.Covered, s)
			case len(in.Planned[s.URI]) > 0:
				g.Planned = append(g.Planned, PlannedSkill{SkillRef: s, Steps: in.Planned[s.URI]})
			default:
				offers := teachers[s.URI]
				if offers == nil {
					offers = []OfferRef{}
				}
				g.Missing = append(g.Missing, MissingSkill{SkillRef: s, Offers: offers})
			}
		}
		return g
	}
	return Gap{Essential: part(in.Essential), Optional: part(in.Optional)}
}
