package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// PlanReport is a plan with everything the planner shows about it: its
// checks and totals as of a day.
type PlanReport struct {
	Plan     sessions.Plan        `json:"plan"`
	Context  sessions.PlanContext `json:"-"`
	Warnings []sessions.Warning   `json:"warnings"`
	Totals   sessions.PlanTotals  `json:"totals"`
}

// PlanView is what the planner screen shows for a person: the current plan
// with its checks and totals, the goal occupation and the skill gap
// towards it (nil without a goal, or without ESCO).
type PlanView struct {
	PersonName string
	Report     PlanReport
	Occupation *catalog.Occupation
	Gap        *catalog.Gap
}

// Report checks and totals a plan as of today.
func (a *App) Report(ctx context.Context, p sessions.Plan, today catalog.Date) (PlanReport, error) {
	c, err := a.st.PlanContextFor(ctx, a.people, &p, today)
	if err != nil {
		return PlanReport{}, err
	}
	ws := sessions.Check(&p, &c)
	if ws == nil {
		ws = []sessions.Warning{}
	}
	return PlanReport{Plan: p, Context: c, Warnings: ws, Totals: sessions.Tally(&p, &c)}, nil
}

// PlanView loads (creating if needed) the person's current plan and
// everything the planner shows about it.
func (a *App) PlanView(ctx context.Context, personID string, today catalog.Date, lang string) (PlanView, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return PlanView{}, err
	}
	if err := a.ensureESCO(ctx); err != nil {
		return PlanView{}, err
	}
	p, err := a.people.CurrentPlan(ctx, personID, true)
	if err != nil {
		return PlanView{}, err
	}
	return a.planView(ctx, personID, p, today, lang)
}

// planView is what the planner shows of plan p.
func (a *App) planView(ctx context.Context, personID string, p sessions.Plan, today catalog.Date, lang string) (PlanView, error) {
	rep, err := a.Report(ctx, p, today)
	if err != nil {
		return PlanView{}, err
	}
	person, err := a.people.Person(ctx, personID)
	if err != nil {
		return PlanView{}, err
	}
	v := PlanView{PersonName: person.Name, Report: rep}
	oc, err := a.goal(ctx, "", &p, lang)
	if errors.Is(err, ErrNotFound) {
		return v, nil
	}
	if err != nil {
		return v, err
	}
	g, err := a.st.GapFor(ctx, a.people, personID, &p, oc, today)
	if err != nil {
		return v, err
	}
	v.Occupation, v.Gap = &oc, &g
	return v, nil
}

// LoadPlan is the plan a command works on: planID when given (it must be
// the person's), else the person's current plan (created when create is
// set). Bad ids are Invalid errors naming their field.
func (a *App) LoadPlan(ctx context.Context, personID, planID string, create bool) (sessions.Plan, error) {
	if _, err := a.MustPerson(ctx, "--person", personID); err != nil {
		return sessions.Plan{}, err
	}
	if planID != "" {
		p, err := a.people.Plan(ctx, planID)
		if err == nil && p.PersonID != personID {
			err = ErrNotFound
		}
		if err != nil {
			return p, notFound("plan", "plan.err.no_plan", "ID", planID)
		}
		return p, nil
	}
	p, err := a.people.CurrentPlan(ctx, personID, create)
	if errors.Is(err, store.ErrNoPlan) {
		return p, &Error{Kind: Invalid, Field: "person", Msg: "plan.err.none", Args: []any{"ID", personID}, Err: err}
	}
	return p, err
}

// MustPerson reads a person; a missing or empty id is an Invalid error
// naming where the id came from (a flag such as "--person", or an
// argument's name).
func (a *App) MustPerson(ctx context.Context, from, id string) (sessions.Person, error) {
	field := strings.TrimPrefix(from, "--")
	if strings.TrimSpace(id) == "" {
		return sessions.Person{}, invalid(field, "people.err.person_required", nil, "Flag", from)
	}
	p, err := a.gate(ctx, id, sessions.OpViewPerson)
	if errors.Is(err, ErrNotFound) {
		return p, notFound(field, "people.err.no_person", "Flag", from, "ID", id)
	}
	return p, err
}

// Occupation resolves an occupation by URI or label; nothing found is an
// Invalid error on the occupation field.
func (a *App) Occupation(ctx context.Context, q, lang string) (catalog.Occupation, error) {
	if err := a.ensureESCO(ctx); err != nil {
		return catalog.Occupation{}, err
	}
	oc, err := a.st.ResolveOccupation(ctx, q, lang)
	if errors.Is(err, ErrNotFound) {
		return oc, notFound("occupation", "plan.err.no_occupation", "Q", q)
	}
	return oc, err
}

// Goal is the occupation a plan works towards: query when given, else the
// plan's, else the person's target. No goal at all is an Invalid error on
// the occupation field.
func (a *App) Goal(ctx context.Context, query string, p *sessions.Plan, lang string) (catalog.Occupation, error) {
	if err := a.ensureESCO(ctx); err != nil {
		return catalog.Occupation{}, err
	}
	oc, err := a.goal(ctx, query, p, lang)
	if errors.Is(err, errNoGoal) {
		return oc, invalid("occupation", "plan.err.occupation_required", err)
	}
	return oc, err
}

var errNoGoal = fmt.Errorf("no goal: %w", ErrNotFound)

func (a *App) goal(ctx context.Context, query string, p *sessions.Plan, lang string) (catalog.Occupation, error) {
	q := query
	if q == "" && p != nil {
		q = p.OccupationURI
	}
	if q == "" && p != nil {
		person, err := a.people.Person(ctx, p.PersonID)
		if err != nil {
			return catalog.Occupation{}, err
		}
		q = person.TargetOccupation
	}
	if q == "" {
		return catalog.Occupation{}, errNoGoal
	}
	if query != "" {
		return a.Occupation(ctx, q, lang)
	}
	return a.st.OccupationSkills(ctx, q, lang)
}

// SetTarget sets the plan's goal occupation (query: URI or label) and/or
// the larger credential it stacks towards ("" leaves either as it is).
func (a *App) SetTarget(ctx context.Context, planID, occupation, stack, lang string) (sessions.Plan, error) {
	if err := a.planGate(ctx, planID, sessions.OpEditPerson); err != nil {
		return sessions.Plan{}, err
	}
	var oc catalog.Occupation
	if occupation != "" {
		var err error
		if oc, err = a.Occupation(ctx, occupation, lang); err != nil {
			return sessions.Plan{}, err
		}
	}
	return a.published(a.updatePlan(ctx, planID, func(tx planTx, p *sessions.Plan) error {
		if occupation != "" {
			p.OccupationURI, p.OccupationLabel = oc.URI, oc.Label
		}
		if stack != "" {
			o, err := a.offerIn(ctx, tx, stack)
			if err != nil {
				return notFound("stack", "plan.err.no_offer", "ID", stack)
			}
			p.StackTarget = o.ID
		}
		return nil
	}))
}

// AddOfferSteps appends a step per register offer, each with the default
// funding lines (voucher share, ILA rest, leave hours) for the schemes the
// person's accounts hold; reads and write in one transaction.
func (a *App) AddOfferSteps(ctx context.Context, planID string, offerIDs ...string) (sessions.Plan, error) {
	if err := a.planGate(ctx, planID, sessions.OpEditPerson); err != nil {
		return sessions.Plan{}, err
	}
	return a.published(a.updatePlan(ctx, planID, func(tx planTx, p *sessions.Plan) error {
		steps, err := a.offerSteps(ctx, tx, p.PersonID, offerIDs)
		if err != nil {
			return err
		}
		// One live step per offer: the same course twice would be booked
		// and funded twice. A dropped step may be planned again.
		for i, st := range steps {
			for _, old := range append(append([]sessions.Step(nil), p.Steps...), steps[:i]...) {
				if old.Kind == sessions.KindOffer && old.OfferID == st.OfferID && old.Status != sessions.StepDropped {
					return refused("one-step-per-offer", "plan.err.offer_twice", nil, "Title", st.Title)
				}
			}
		}
		p.Steps = append(p.Steps, steps...)
		return nil
	}))
}

// offerSteps are new plan steps for offers with their default funding,
// read inside the plan's transaction.
func (a *App) offerSteps(ctx context.Context, tx planTx, personID string, offerIDs []string) ([]sessions.Step, error) {
	bs, err := tx.Balances(ctx, personID)
	if err != nil {
		return nil, err
	}
	held := []string{}
	for _, b := range bs {
		if !b.AsOf.IsZero() {
			held = append(held, b.Scheme)
		}
	}
	schemes, err := tx.Schemes(ctx)
	if err != nil {
		return nil, err
	}
	rules := sessions.RulesFrom(schemes)
	var steps []sessions.Step
	for _, id := range offerIDs {
		o, err := a.offerIn(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		steps = append(steps, sessions.Step{Kind: sessions.KindOffer, OfferID: o.ID, Title: o.Title,
			Funding: sessions.DefaultFunding(rules, catalog.CandidateOf(&o), held)})
	}
	return steps, nil
}

// Suggest suggests pathways for the plan towards occupation (query; ""
// for the plan's goal) within k, completed from the person's file
// (FitPerson) and balances.
func (a *App) Suggest(ctx context.Context, p *sessions.Plan, occupation string, k catalog.Constraints, lang string) (catalog.Suggestion, catalog.Occupation, error) {
	if _, err := a.gate(ctx, p.PersonID, sessions.OpViewPerson); err != nil {
		return catalog.Suggestion{}, catalog.Occupation{}, err
	}
	if err := a.ensureESCO(ctx); err != nil {
		return catalog.Suggestion{}, catalog.Occupation{}, err
	}
	oc, err := a.Goal(ctx, occupation, p, lang)
	if err != nil {
		return catalog.Suggestion{}, oc, err
	}
	if k, err = a.SuggestConstraints(ctx, p.PersonID, k); err != nil {
		return catalog.Suggestion{}, oc, err
	}
	in, err := a.st.SuggestInputFor(ctx, a.people, p.PersonID, p, oc, k, a.Today())
	if err != nil {
		return catalog.Suggestion{}, oc, err
	}
	return catalog.Suggest(in), oc, nil
}

// SuggestFor suggests pathways for the person's plan towards its goal.
func (a *App) SuggestFor(ctx context.Context, personID, planID string, k catalog.Constraints, today catalog.Date, lang string) (catalog.Suggestion, catalog.Occupation, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return catalog.Suggestion{}, catalog.Occupation{}, err
	}
	if err := a.ensureESCO(ctx); err != nil {
		return catalog.Suggestion{}, catalog.Occupation{}, err
	}
	p, err := a.people.Plan(ctx, planID)
	if err != nil {
		return catalog.Suggestion{}, catalog.Occupation{}, err
	}
	oc, err := a.goal(ctx, "", &p, lang)
	if err != nil {
		return catalog.Suggestion{}, oc, err
	}
	if k, err = a.SuggestConstraints(ctx, personID, k); err != nil {
		return catalog.Suggestion{}, oc, err
	}
	in, err := a.st.SuggestInputFor(ctx, a.people, personID, &p, oc, k, today)
	if err != nil {
		return catalog.Suggestion{}, oc, err
	}
	return catalog.Suggest(in), oc, nil
}

// AcceptPathway appends the pathway's steps that the plan does not hold
// yet (as active steps) and sets the plan's occupation if it has none.
// The plan, the balances, the schemes and the offers are read in the same
// immediate transaction that writes the steps.
func (a *App) AcceptPathway(ctx context.Context, planID string, oc catalog.Occupation, pw catalog.Pathway) (sessions.Plan, error) {
	if err := a.planGate(ctx, planID, sessions.OpEditPerson); err != nil {
		return sessions.Plan{}, err
	}
	return a.published(a.updatePlan(ctx, planID, func(tx planTx, q *sessions.Plan) error {
		var ids []string
		for _, ps := range pw.Steps {
			if !slices.ContainsFunc(q.Steps, func(st sessions.Step) bool { return st.OfferID == ps.ID && st.Status.Active() }) {
				ids = append(ids, ps.ID)
			}
		}
		steps, err := a.offerSteps(ctx, tx, q.PersonID, ids)
		if err != nil {
			return err
		}
		// Fund the new steps as the suggestion did: the same function
		// over the same budget, read in this transaction.
		bs, err := tx.Balances(ctx, q.PersonID)
		if err != nil {
			return err
		}
		avail := map[string]int64{}
		for _, b := range bs {
			avail[b.Scheme] = b.Available
		}
		schemes, err := tx.Schemes(ctx)
		if err != nil {
			return err
		}
		cands := make([]catalog.Candidate, len(ids))
		for i, id := range ids {
			o, err := a.offerIn(ctx, tx, id)
			if err != nil {
				return err
			}
			cands[i] = catalog.CandidateOf(&o)
		}
		lines := sessions.PathwayFunding(sessions.RulesFrom(schemes), cands, sessions.Spare(avail, q))
		for i := range steps {
			steps[i].Funding = lines[i]
		}
		if q.OccupationURI == "" && oc.URI != "" {
			q.OccupationURI, q.OccupationLabel = oc.URI, oc.Label
		}
		q.Steps = append(q.Steps, steps...)
		return nil
	}))
}
