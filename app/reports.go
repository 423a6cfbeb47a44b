package app

import (
	"context"
	"iter"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/report"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// FollowUp is an employment follow-up that is due.
type FollowUp = store.FollowUp

// RecordStepOutcome records a plan step's enrolment, completion or
// drop-out; the step's status and its reservations follow in the same
// transaction.
func (a *App) RecordStepOutcome(ctx context.Context, o sessions.StepOutcome) (sessions.StepOutcome, error) {
	if _, err := a.gate(ctx, o.PersonID, sessions.OpEditPerson); err != nil {
		return o, err
	}
	return a.st.RecordStepOutcome(ctx, o)
}

// StepOutcomes are the person's dated step outcomes.
func (a *App) StepOutcomes(ctx context.Context, personID string) ([]sessions.StepOutcome, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return nil, err
	}
	return a.st.StepOutcomes(ctx, personID)
}

// RecordEmployment records the employment situation 6 or 12 months after a
// plan, in a follow-up session (recorded with it when e names none).
func (a *App) RecordEmployment(ctx context.Context, e sessions.EmploymentOutcome, channel sessions.Channel) (sessions.EmploymentOutcome, error) {
	if _, err := a.gate(ctx, e.PersonID, sessions.OpEditPerson); err != nil {
		return e, err
	}
	return a.st.RecordEmployment(ctx, e, channel)
}

// EmploymentOutcomes are the person's follow-ups.
func (a *App) EmploymentOutcomes(ctx context.Context, personID string) ([]sessions.EmploymentOutcome, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return nil, err
	}
	return a.st.EmploymentOutcomes(ctx, personID)
}

// FollowUpsDue lists the follow-ups due on or before until (of the
// caller's caseload on a server).
func (a *App) FollowUpsDue(ctx context.Context, until catalog.Date) ([]FollowUp, error) {
	all, err := a.st.FollowUpsDue(ctx, until)
	if err != nil || a.caller == nil {
		return all, err
	}
	owners, err := a.people.Owners(ctx)
	if err != nil {
		return nil, err
	}
	out := []FollowUp{}
	c := *a.caller
	for _, f := range all {
		o := owners[f.PersonID]
		if sessions.Decide(c.Role, sessions.OpViewPerson, sessions.ScopeOf(c, o.Counsellor, o.Centre)) == sessions.Allow {
			out = append(out, f)
		}
	}
	return out, nil
}

// CountFollowUpsDue is how many follow-ups are due on or before until.
func (a *App) CountFollowUpsDue(ctx context.Context, until catalog.Date) (int, error) {
	return a.st.CountFollowUpsDue(ctx, until)
}

// RunReport computes the anonymised report and audits the run (on a
// server for the roles the table allows: supervisors, admins, auditors).
func (a *App) RunReport(ctx context.Context, p report.Params, format string) (*report.Report, error) {
	if err := a.allowed(sessions.OpRunReport); err != nil {
		return nil, err
	}
	return a.st.RunReport(ctx, p, format)
}

// GenOffers is what the population generator needs of the register.
func (a *App) GenOffers(ctx context.Context, limit int) ([]sessions.GenOffer, error) {
	return a.st.GenOffers(ctx, limit)
}

// WritePopulation writes a generated population in one transaction.
func (a *App) WritePopulation(ctx context.Context, people iter.Seq[sessions.GenPerson]) (int, int, error) {
	if err := a.allowed(sessions.OpImportRegister); err != nil {
		return 0, 0, err
	}
	return a.st.WritePopulation(ctx, people)
}
