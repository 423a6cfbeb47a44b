package app

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strings"

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
	return a.people.RecordStepOutcome(ctx, o)
}

// StepOutcomes are the person's dated step outcomes.
func (a *App) StepOutcomes(ctx context.Context, personID string) ([]sessions.StepOutcome, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return nil, err
	}
	return a.people.StepOutcomes(ctx, personID)
}

// RecordEmployment records the employment situation 6 or 12 months after a
// plan, in a follow-up session (recorded with it when e names none).
func (a *App) RecordEmployment(ctx context.Context, e sessions.EmploymentOutcome, channel sessions.Channel) (sessions.EmploymentOutcome, error) {
	if _, err := a.gate(ctx, e.PersonID, sessions.OpEditPerson); err != nil {
		return e, err
	}
	return a.people.RecordEmployment(ctx, e, channel)
}

// EmploymentOutcomes are the person's follow-ups.
func (a *App) EmploymentOutcomes(ctx context.Context, personID string) ([]sessions.EmploymentOutcome, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return nil, err
	}
	return a.people.EmploymentOutcomes(ctx, personID)
}

// FollowUpsDue lists the follow-ups due on or before until (of the
// caller's caseload on a server).
func (a *App) FollowUpsDue(ctx context.Context, until catalog.Date) ([]FollowUp, error) {
	all, err := a.people.FollowUpsDue(ctx, until)
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

// CountFollowUpsDue is how many follow-ups are due on or before until (of
// the caller's caseload on a server, as FollowUpsDue).
func (a *App) CountFollowUpsDue(ctx context.Context, until catalog.Date) (int, error) {
	due, err := a.FollowUpsDue(ctx, until)
	return len(due), err
}

// RunReport computes the anonymised report and audits the run (its
// parameters, the format and who ran it); on a server for the roles the
// table allows (run-report), refused for the others before anything is
// read. A supervisor's report covers the people of their centre, a
// regional supervisor's the people of the centres of their region
// (reportScope); a centre outside them is refused.
func (a *App) RunReport(ctx context.Context, p report.Params, format string) (*report.Report, error) {
	if err := a.allowed(sessions.OpRunReport); err != nil {
		return nil, err
	}
	p, err := a.reportScope(p)
	if err != nil {
		return nil, err
	}
	if a.offline != nil {
		return nil, a.people.(offlinePeople).fail()
	}
	if a.pg == nil {
		return a.st.RunReport(ctx, p, format)
	}
	// On PostgreSQL the people side is read there; the register is each
	// process's local index (a.st), which an App opened by OpenPeople does
	// not have: the spending tables then count every step's offer as
	// unknown (their totals stay right).
	var offers map[string]store.OfferAttrs
	if a.st != nil {
		if offers, err = a.st.ReportOffers(ctx); err != nil {
			return nil, err
		}
	}
	return a.pg.RunReport(ctx, p, format, offers)
}

// ErrOutsideCentres refuses a report on a centre that is not one of the
// supervisor's centres.
var ErrOutsideCentres = errors.New("the centre is not one of the account's centres")

// reportScope limits a report to the caller's centres when the caller is
// a supervisor or a regional supervisor of a server with centres (an
// admin, an auditor and the local user report on every centre): the
// report then covers exactly the people of those centres, and a --centre
// outside them is refused.
func (a *App) reportScope(p report.Params) (report.Params, error) {
	if a.caller == nil || len(a.caller.Centres) == 0 {
		return p, nil
	}
	c := *a.caller
	if c.Role != sessions.RoleSupervisor && c.Role != sessions.RoleRegional {
		return p, nil
	}
	if p.Centre != "" && !c.InCentre(p.Centre) {
		return p, refused("report:centres", "report.err.outside_centres", ErrOutsideCentres,
			"Centre", p.Centre, "Centres", strings.Join(c.Centres, ", "))
	}
	p.Centres = slices.Clone(c.Centres)
	return p, nil
}

// GenOffers is what the population generator needs of the register.
func (a *App) GenOffers(ctx context.Context, limit int) ([]sessions.GenOffer, error) {
	return a.st.GenOffers(ctx, limit)
}

// WritePopulation writes a generated population in one transaction.
func (a *App) WritePopulation(ctx context.Context, people iter.Seq[sessions.GenPerson]) (int, int, error) {
	if err := a.sqliteOnly(); err != nil {
		return 0, 0, err
	}
	if err := a.allowed(sessions.OpImportRegister); err != nil {
		return 0, 0, err
	}
	return a.st.WritePopulation(ctx, people)
}

// ErrNotOnPostgres refuses a use-case whose data has not moved to
// PostgreSQL yet (generated populations, file backups): on a PostgreSQL
// database it must not read or write the
// process's local register index as if it were the shared record.
var ErrNotOnPostgres = errors.New("not on PostgreSQL yet")

// sqliteOnly is ErrNotOnPostgres, as an Invalid error on the db field, on
// a PostgreSQL database, and nil on SQLite.
func (a *App) sqliteOnly() error {
	if !a.network && a.pg == nil {
		return nil
	}
	return invalid("db", "db.postgres.not_yet", ErrNotOnPostgres, "DB", a.db)
}
