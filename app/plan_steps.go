package app

import (
	"context"
	"errors"
	"strings"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// StepInput is a step a counsellor adds by hand: a register offer, or a
// validation-of-prior-learning (VPL/RPL) or guidance step with a title
// and, optionally, the register offer it concerns.
type StepInput struct {
	Kind    sessions.StepKind
	Title   string
	OfferID string // id or SOURCE:SOURCE_ID
}

// AddPlanStep appends a step to the person's plan (planID, or the
// current plan, created when the person has none). An offer step gets the
// default funding lines for the schemes the person holds; a validation or
// guidance step needs a title (the offer's when one is given). Bad input
// is an Invalid error naming its field, checked before anything is
// written. Every face (the CLI's plan add, the TUI's planner) calls this.
func (a *App) AddPlanStep(ctx context.Context, personID, planID string, in StepInput) (sessions.Plan, error) {
	in.Title = strings.TrimSpace(in.Title)
	in.OfferID = strings.TrimSpace(in.OfferID)
	if in.Kind == "" {
		in.Kind = sessions.KindOffer
	}
	switch in.Kind {
	case sessions.KindOffer:
		if in.OfferID == "" {
			return sessions.Plan{}, invalid("offer", "plan.err.offer_required", nil)
		}
	case sessions.KindValidation, sessions.KindGuidance:
		if in.Title == "" && in.OfferID == "" {
			return sessions.Plan{}, invalid("title", "plan.err.title_required", nil)
		}
	default:
		return sessions.Plan{}, invalid("kind", "plan.err.kind", nil, "Kind", string(in.Kind))
	}
	var o catalog.Offer
	if in.OfferID != "" {
		var err error
		o, err = a.st.Offer(ctx, in.OfferID)
		if errors.Is(err, ErrNotFound) {
			return sessions.Plan{}, notFound("offer", "plan.err.no_offer", "ID", in.OfferID)
		}
		if err != nil {
			return sessions.Plan{}, err
		}
	}
	p, err := a.LoadPlan(ctx, personID, planID, true)
	if err != nil {
		return p, err
	}
	if in.Kind == sessions.KindOffer && in.Title == "" {
		return a.AddOfferSteps(ctx, p.ID, o.ID)
	}
	step := sessions.Step{Kind: in.Kind, Title: in.Title, OfferID: o.ID}
	if step.Title == "" {
		step.Title = o.Title
	}
	return a.AddStep(ctx, p.ID, step) // gated (edit) and announced
}

// NewPlan starts another plan for the person (a person may weigh several
// pathways); name "" is "Plan N". The person's first plan is the agreed
// one; a later plan starts as a draft beside it.
func (a *App) NewPlan(ctx context.Context, personID, name string) (sessions.Plan, error) {
	if _, err := a.MustPerson(ctx, "--person", personID); err != nil {
		return sessions.Plan{}, err
	}
	return a.CreatePlan(ctx, sessions.Plan{PersonID: personID, Name: strings.TrimSpace(name)}) // gated (edit)
}

// PlanViewOf is PlanView for one of the person's plans (planID ""; the
// current plan, created if needed): the planner shows the plan the
// counsellor switched to.
func (a *App) PlanViewOf(ctx context.Context, personID, planID string, today catalog.Date, lang string) (PlanView, error) {
	if planID == "" {
		return a.PlanView(ctx, personID, today, lang)
	}
	if err := a.ensureESCO(ctx); err != nil {
		return PlanView{}, err
	}
	p, err := a.LoadPlan(ctx, personID, planID, false)
	if err != nil {
		return PlanView{}, err
	}
	return a.planView(ctx, personID, p, today, lang)
}
