package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// ResolveOccupation finds the occupation named by a URI or by a label
// query (the best match).
func (s *Store) ResolveOccupation(ctx context.Context, uriOrQuery, lang string) (catalog.Occupation, error) {
	q := strings.TrimSpace(uriOrQuery)
	uri := q
	if !strings.HasPrefix(q, "http://") && !strings.HasPrefix(q, "https://") {
		ms, err := s.MatchConcepts(ctx, catalog.KindOccupation, q, lang, 1)
		if err != nil {
			return catalog.Occupation{}, err
		}
		if len(ms) == 0 {
			return catalog.Occupation{}, fmt.Errorf("occupation %q: %w", q, ErrNotFound)
		}
		uri = ms[0].URI
	}
	return s.OccupationSkills(ctx, uri, lang)
}

// OccupationSkills is the occupation at uri with its skills, each list in
// label order.
func (s *Store) OccupationSkills(ctx context.Context, uri, lang string) (catalog.Occupation, error) {
	label, _, err := s.conceptLabel(ctx, uri, lang)
	if err != nil {
		return catalog.Occupation{}, err
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM esco_concepts WHERE uri = ? AND kind = 'occupation'`, uri).Scan(&n); err != nil {
		return catalog.Occupation{}, fmt.Errorf("occupation %s: %w", uri, err)
	}
	if n == 0 {
		return catalog.Occupation{}, fmt.Errorf("occupation %s: %w", uri, ErrNotFound)
	}
	oc := catalog.Occupation{URI: uri, Label: label, Essential: []catalog.SkillRef{}, Optional: []catalog.SkillRef{}}
	rows, err := s.db.QueryContext(ctx, `SELECT r.skill_uri, r.relation,
		coalesce((SELECT preferred FROM esco_texts t WHERE t.uri = r.skill_uri ORDER BY CASE t.lang WHEN ? THEN 0 WHEN 'en' THEN 1 ELSE 2 END, t.lang LIMIT 1), '')
		FROM esco_occupation_skills r WHERE r.occupation_uri = ?`, lang, uri)
	if err != nil {
		return oc, fmt.Errorf("skills of %s: %w", uri, err)
	}
	defer rows.Close()
	for rows.Next() {
		var sk catalog.SkillRef
		var rel string
		if err := rows.Scan(&sk.URI, &rel, &sk.Label); err != nil {
			return oc, err
		}
		if rel == "essential" {
			oc.Essential = append(oc.Essential, sk)
		} else {
			oc.Optional = append(oc.Optional, sk)
		}
	}
	byLabel := func(a, b catalog.SkillRef) int {
		if c := strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)); c != 0 {
			return c
		}
		return strings.Compare(a.URI, b.URI)
	}
	slices.SortFunc(oc.Essential, byLabel)
	slices.SortFunc(oc.Optional, byLabel)
	return oc, rows.Err()
}

// PersonSide is what the planner reads of a person's file besides the
// register: this store itself on SQLite, or the PostgreSQL store when the
// register here is a local index of the network's (issue 16).
type PersonSide interface {
	Person(ctx context.Context, id string) (sessions.Person, error)
	Credentials(ctx context.Context, personID string) ([]sessions.Credential, error)
	Balances(ctx context.Context, personID string) ([]sessions.Balance, error)
	Schemes(ctx context.Context) ([]sessions.Scheme, error)
}

// PlanContext gathers what checks and totals read about a plan: its steps'
// offers, the person's earned credentials, what each scheme has available,
// and the stack target's parts.
func (s *Store) PlanContext(ctx context.Context, p *sessions.Plan, today catalog.Date) (sessions.PlanContext, error) {
	return s.PlanContextFor(ctx, s, p, today)
}

// PlanContextFor is PlanContext with the person's file read from ps.
func (s *Store) PlanContextFor(ctx context.Context, ps PersonSide, p *sessions.Plan, today catalog.Date) (sessions.PlanContext, error) {
	c := sessions.PlanContext{Offers: map[string]catalog.Candidate{}, Available: map[string]int64{}, Today: today}
	var ids []string
	for _, st := range p.Steps {
		if st.OfferID != "" {
			ids = append(ids, st.OfferID)
		}
	}
	if p.StackTarget != "" {
		ids = append(ids, p.StackTarget)
	}
	cands, err := s.CandidatesByID(ctx, ids)
	if err != nil {
		return c, err
	}
	for _, cd := range cands {
		c.Offers[cd.ID] = cd
	}
	creds, err := ps.Credentials(ctx, p.PersonID)
	if err != nil {
		return c, err
	}
	for _, cr := range creds {
		if cr.OfferID != "" {
			c.Earned = append(c.Earned, cr.OfferID)
		}
	}
	bs, err := ps.Balances(ctx, p.PersonID)
	if err != nil {
		return c, err
	}
	c.Units = map[string]sessions.Unit{}
	for _, b := range bs {
		c.Available[b.Scheme] = b.Available
		c.Units[b.Scheme] = b.Unit
	}
	if p.StackTarget != "" {
		t, parts, err := s.StackParts(ctx, p.StackTarget)
		if err == nil {
			c.Stack = &sessions.Stack{Target: *t, Parts: parts}
		}
	}
	return c, nil
}

// heldAndPlanned is the person's held skill URIs, the skills the plan's
// active steps teach (skill → step ids), and the earned credential offers
// (completed steps included).
func heldAndPlanned(person sessions.Person, p *sessions.Plan, c *sessions.PlanContext) ([]string, map[string][]string, []string) {
	held := person.SkillURIs()
	planned := map[string][]string{}
	earned := slices.Clone(c.Earned)
	for _, st := range p.Steps {
		o, ok := c.Offers[st.OfferID]
		if !ok || !st.Status.Active() {
			continue
		}
		if st.Status == sessions.StepCompleted {
			earned = append(earned, o.ID)
		}
		for _, sk := range o.Skills {
			if !slices.Contains(planned[sk], st.ID) {
				planned[sk] = append(planned[sk], st.ID)
			}
		}
	}
	return held, planned, earned
}

// Gap is the skill gap of the person (with the plan's steps) towards an
// occupation, with the offers teaching each missing skill.
func (s *Store) Gap(ctx context.Context, personID string, p *sessions.Plan, oc catalog.Occupation, today catalog.Date) (catalog.Gap, error) {
	return s.GapFor(ctx, s, personID, p, oc, today)
}

// GapFor is Gap with the person's file read from ps.
func (s *Store) GapFor(ctx context.Context, ps PersonSide, personID string, p *sessions.Plan, oc catalog.Occupation, today catalog.Date) (catalog.Gap, error) {
	person, err := ps.Person(ctx, personID)
	if err != nil {
		return catalog.Gap{}, err
	}
	c := sessions.PlanContext{}
	if p != nil {
		if c, err = s.PlanContextFor(ctx, ps, p, today); err != nil {
			return catalog.Gap{}, err
		}
	} else {
		p = &sessions.Plan{}
	}
	held, planned, _ := heldAndPlanned(person, p, &c)
	var uris []string
	for _, sk := range append(slices.Clone(oc.Essential), oc.Optional...) {
		uris = append(uris, sk.URI)
	}
	cands, err := s.Candidates(ctx, uris, CandidateQuery{Today: today, PerSkill: 12})
	if err != nil {
		return catalog.Gap{}, err
	}
	return catalog.SkillGap(catalog.GapInput{Essential: oc.Essential, Optional: oc.Optional, Held: held, Planned: planned,
		Candidates: cands, Today: today}), nil
}

// SuggestInput assembles a suggestion's input for the person and plan
// towards an occupation: held and planned skills count as covered; the
// budget per scheme is what the account has available, less what the
// plan's open steps already ask, unless k.Budget says otherwise.
func (s *Store) SuggestInput(ctx context.Context, personID string, p *sessions.Plan, oc catalog.Occupation, k catalog.Constraints, today catalog.Date) (catalog.SuggestInput, error) {
	return s.SuggestInputFor(ctx, s, personID, p, oc, k, today)
}

// SuggestInputFor is SuggestInput with the person's file read from ps.
func (s *Store) SuggestInputFor(ctx context.Context, ps PersonSide, personID string, p *sessions.Plan, oc catalog.Occupation, k catalog.Constraints, today catalog.Date) (catalog.SuggestInput, error) {
	person, err := ps.Person(ctx, personID)
	if err != nil {
		return catalog.SuggestInput{}, err
	}
	c := sessions.PlanContext{}
	if p != nil {
		if c, err = s.PlanContextFor(ctx, ps, p, today); err != nil {
			return catalog.SuggestInput{}, err
		}
	} else {
		p = &sessions.Plan{}
		bs, err := ps.Balances(ctx, personID)
		if err != nil {
			return catalog.SuggestInput{}, err
		}
		c.Available = map[string]int64{}
		for _, b := range bs {
			c.Available[b.Scheme] = b.Available
		}
	}
	held, planned, earned := heldAndPlanned(person, p, &c)
	for sk := range planned {
		held = append(held, sk)
	}
	slices.Sort(held)
	var uris []string
	for _, sk := range oc.Essential {
		uris = append(uris, sk.URI)
	}
	cands, err := s.Candidates(ctx, uris, CandidateQuery{Constraints: k, Today: today})
	if err != nil {
		return catalog.SuggestInput{}, err
	}
	schemes, err := ps.Schemes(ctx)
	if err != nil {
		return catalog.SuggestInput{}, err
	}
	// What the plan's open steps already ask (and have not reserved yet)
	// is spoken for: a suggestion plans with the rest.
	budget := sessions.Spare(c.Available, p)
	for sc, v := range k.Budget {
		budget[sc] = v
	}
	k.Budget = budget
	return catalog.SuggestInput{Essential: oc.Essential, Held: held, Earned: earned, Candidates: cands,
		Rules: sessions.RulesFrom(schemes), Today: today, Constraints: k}, nil
}
