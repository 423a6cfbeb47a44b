package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// PlanView is what the planner screen shows for a person: the current plan
// with its checks and totals, the goal occupation and the skill gap
// towards it (nil without a goal, or without ESCO).
type PlanView struct {
	PersonName string
	Report     PlanReport
	Occupation *catalog.Occupation
	Gap        *catalog.Gap
}

// PlanView loads (creating if needed) the person's current plan and
// everything the planner shows about it.
func (s *Store) PlanView(ctx context.Context, personID string, today catalog.Date, lang string) (PlanView, error) {
	p, err := s.CurrentPlan(ctx, personID, true)
	if err != nil {
		return PlanView{}, err
	}
	rep, err := s.Report(ctx, p, today)
	if err != nil {
		return PlanView{}, err
	}
	person, err := s.Person(ctx, personID)
	if err != nil {
		return PlanView{}, err
	}
	v := PlanView{PersonName: person.Name, Report: rep}
	oc, err := s.goalOf(ctx, &p, lang)
	if errors.Is(err, ErrNotFound) {
		return v, nil
	}
	if err != nil {
		return v, err
	}
	g, err := s.Gap(ctx, personID, &p, oc, today)
	if err != nil {
		return v, err
	}
	v.Occupation, v.Gap = &oc, &g
	return v, nil
}

// goalOf is the plan's occupation, else the person's target (ErrNotFound
// when neither is set or ESCO lacks it).
func (s *Store) goalOf(ctx context.Context, p *sessions.Plan, lang string) (catalog.Occupation, error) {
	uri := p.OccupationURI
	if uri == "" {
		person, err := s.Person(ctx, p.PersonID)
		if err != nil {
			return catalog.Occupation{}, err
		}
		uri = person.TargetOccupation
	}
	if uri == "" {
		return catalog.Occupation{}, fmt.Errorf("no goal: %w", ErrNotFound)
	}
	return s.OccupationSkills(ctx, uri, lang)
}

// AddOfferSteps appends a step per register offer, each with the default
// funding lines (voucher share, ILA rest, leave hours) for the schemes the
// person's accounts hold.
func (s *Store) AddOfferSteps(ctx context.Context, planID string, offerIDs ...string) (sessions.Plan, error) {
	p, err := s.Plan(ctx, planID)
	if err != nil {
		return p, err
	}
	steps, err := s.offerSteps(ctx, p.PersonID, offerIDs)
	if err != nil {
		return p, err
	}
	return s.AddStep(ctx, planID, steps...)
}

func (s *Store) offerSteps(ctx context.Context, personID string, offerIDs []string) ([]sessions.Step, error) {
	bs, err := s.Balances(ctx, personID)
	if err != nil {
		return nil, err
	}
	held := []string{}
	for _, b := range bs {
		if !b.AsOf.IsZero() {
			held = append(held, b.Scheme)
		}
	}
	schemes, err := s.Schemes(ctx)
	if err != nil {
		return nil, err
	}
	rules := sessions.RulesFrom(schemes)
	var steps []sessions.Step
	for _, id := range offerIDs {
		o, err := s.Offer(ctx, id)
		if err != nil {
			return nil, err
		}
		steps = append(steps, sessions.Step{Kind: sessions.KindOffer, OfferID: o.ID, Title: o.Title,
			Funding: sessions.DefaultFunding(rules, catalog.CandidateOf(&o), held)})
	}
	return steps, nil
}

// SuggestFor suggests pathways for the person's plan towards its goal.
func (s *Store) SuggestFor(ctx context.Context, personID, planID string, k catalog.Constraints, today catalog.Date, lang string) (catalog.Suggestion, catalog.Occupation, error) {
	p, err := s.Plan(ctx, planID)
	if err != nil {
		return catalog.Suggestion{}, catalog.Occupation{}, err
	}
	oc, err := s.goalOf(ctx, &p, lang)
	if err != nil {
		return catalog.Suggestion{}, oc, err
	}
	in, err := s.SuggestInput(ctx, personID, &p, oc, k, today)
	if err != nil {
		return catalog.Suggestion{}, oc, err
	}
	return catalog.Suggest(in), oc, nil
}

// AcceptPathway appends the pathway's steps that the plan does not hold
// yet (as active steps) and sets the plan's occupation if it has none.
func (s *Store) AcceptPathway(ctx context.Context, planID string, oc catalog.Occupation, pw catalog.Pathway) (sessions.Plan, error) {
	p, err := s.Plan(ctx, planID)
	if err != nil {
		return p, err
	}
	var ids []string
	for _, ps := range pw.Steps {
		if !slices.ContainsFunc(p.Steps, func(st sessions.Step) bool { return st.OfferID == ps.ID && st.Status.Active() }) {
			ids = append(ids, ps.ID)
		}
	}
	steps, err := s.offerSteps(ctx, p.PersonID, ids)
	if err != nil {
		return p, err
	}
	return s.UpdatePlan(ctx, planID, func(_ *PlanTx, q *sessions.Plan) error {
		if q.OccupationURI == "" && oc.URI != "" {
			q.OccupationURI, q.OccupationLabel = oc.URI, oc.Label
		}
		q.Steps = append(q.Steps, steps...)
		return nil
	})
}
