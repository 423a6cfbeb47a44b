package app

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// Read models and reports of the store that faces show as they are.
type (
	// RegisterStats are the register's counts and sources.
	RegisterStats = store.RegisterStats
	// ImportOptions configure a file import.
	ImportOptions = store.ImportOptions
	// ImportReport is what an import added, changed, withdrew or refused.
	ImportReport = store.ImportReport
	// ImportProgress reports an import's progress.
	ImportProgress = store.ImportProgress
	// SourceCounts are one source's counts in an import.
	SourceCounts = store.SourceCounts
	// PersonFile is everything held on one person.
	PersonFile = store.PersonFile
	// AuditEntry is one row of a person's audit log.
	AuditEntry = store.AuditEntry
	// FactsProgress reports the planner index's progress.
	FactsProgress = store.FactsProgress
	// ImportState says whether an import runs on the database (in any
	// process) and how far it is.
	ImportState = store.ImportState
)

// ImportStatus reports an import running on the database, in this process
// or another, for a status line.
func (a *App) ImportStatus(ctx context.Context) (ImportState, error) {
	if a.st == nil {
		return ImportState{}, nil
	}
	return a.st.ImportStatus(ctx)
}

// SearchOffers is one page of hits, best match first.
func (a *App) SearchOffers(ctx context.Context, q catalog.Query) ([]catalog.Hit, error) {
	return a.st.SearchOffers(ctx, q)
}

// CountFacets counts the whole match set of q.
func (a *App) CountFacets(ctx context.Context, q catalog.Query) (catalog.Facets, error) {
	return a.st.CountFacets(ctx, q)
}

// Offer is one offer with every element (id = UUID or SOURCE:SOURCE_ID).
func (a *App) Offer(ctx context.Context, id string) (catalog.Offer, error) {
	return a.st.Offer(ctx, id)
}

// EachOffer streams a source's offers ("" for all), for the register export.
func (a *App) EachOffer(ctx context.Context, source string) iter.Seq2[catalog.Offer, error] {
	return a.st.EachOffer(ctx, source)
}

// RegisterStats are the register's counts and sources.
func (a *App) RegisterStats(ctx context.Context) (RegisterStats, error) {
	if err := a.ensureESCO(ctx); err != nil {
		return RegisterStats{}, err
	}
	return a.st.RegisterStats(ctx)
}

// MatchConcepts finds ESCO concepts by label in any loaded language.
func (a *App) MatchConcepts(ctx context.Context, kind catalog.ConceptKind, query, lang string, limit int) ([]catalog.ConceptMatch, error) {
	if err := a.ensureESCO(ctx); err != nil {
		return nil, err
	}
	return a.st.MatchConcepts(ctx, kind, query, lang, limit)
}

// OccupationSkills is the occupation at uri with its skills, labelled in lang.
func (a *App) OccupationSkills(ctx context.Context, uri, lang string) (catalog.Occupation, error) {
	if err := a.ensureESCO(ctx); err != nil {
		return catalog.Occupation{}, err
	}
	return a.st.OccupationSkills(ctx, uri, lang)
}

// ResolveOccupation finds an occupation by URI or by label (best match).
func (a *App) ResolveOccupation(ctx context.Context, uriOrQuery, lang string) (catalog.Occupation, error) {
	if err := a.ensureESCO(ctx); err != nil {
		return catalog.Occupation{}, err
	}
	return a.st.ResolveOccupation(ctx, uriOrQuery, lang)
}

// People lists people matching query (name, e-mail, id), newest first.
func (a *App) People(ctx context.Context, query string, limit int) ([]sessions.PersonSummary, error) {
	if a.caller == nil {
		return a.people.People(ctx, query, limit)
	}
	return a.caseload(ctx, query, limit)
}

// Person is one person's profile.
func (a *App) Person(ctx context.Context, id string) (sessions.Person, error) {
	return a.gate(ctx, id, sessions.OpViewPerson)
}

// CreatePerson validates and stores a new person.
func (a *App) CreatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error) {
	if a.caller != nil {
		if err := a.allowed(sessions.OpEditPerson); err != nil {
			return p, err
		}
		// A person a counsellor records is on their caseload, at their centre.
		if p.Counsellor == "" {
			p.Counsellor = a.caller.Name
		}
		if p.Centre == "" {
			p.Centre = a.caller.HomeCentre()
		} else if err := a.knownCentre(ctx, "centre", p.Centre); err != nil {
			return p, err
		}
	}
	return a.people.CreatePerson(ctx, p)
}

// UpdatePerson validates and stores a changed profile.
// A profile saved since p was read (p.Version) is refused with an
// "unchanged-since-read" Refused *Error.
func (a *App) UpdatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error) {
	old, err := a.gate(ctx, p.ID, sessions.OpEditPerson)
	if err != nil {
		return p, err
	}
	if a.caller != nil && p.Centre != old.Centre {
		// A file changes centre through MovePerson (its own rule and audit row).
		if _, err := a.MovePerson(ctx, p.ID, p.Centre); err != nil {
			return p, err
		}
	}
	got, err := a.people.UpdatePerson(ctx, p)
	if err != nil {
		return got, changedErr(err)
	}
	a.publish(p.ID, ChangedProfile)
	return got, nil
}

// Balances are the person's positions per scheme.
func (a *App) Balances(ctx context.Context, personID string) ([]sessions.Balance, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return nil, err
	}
	return a.people.Balances(ctx, personID)
}

// Entries are the person's ledger entries in a scheme ("" for all).
func (a *App) Entries(ctx context.Context, personID, scheme string) ([]sessions.Entry, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return nil, err
	}
	return a.people.Entries(ctx, personID, scheme)
}

// Schemes are the database's learning-account schemes.
func (a *App) Schemes(ctx context.Context) ([]sessions.Scheme, error) { return a.people.Schemes(ctx) }

// Scheme is one scheme by code (ErrUnknownScheme when there is none).
func (a *App) Scheme(ctx context.Context, code string) (sessions.Scheme, error) {
	return a.people.Scheme(ctx, code)
}

// Credentials are the person's earned credentials.
func (a *App) Credentials(ctx context.Context, personID string) ([]sessions.Credential, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return nil, err
	}
	return a.people.Credentials(ctx, personID)
}

// AddCredentials puts earned credentials on a person's file, together.
func (a *App) AddCredentials(ctx context.Context, cs []sessions.Credential) ([]sessions.Credential, error) {
	for _, c := range cs {
		if _, err := a.gate(ctx, c.PersonID, sessions.OpEditPerson); err != nil {
			return nil, err
		}
	}
	got, err := a.people.AddCredentials(ctx, cs)
	if err == nil {
		seen := map[string]bool{}
		for _, c := range got {
			if !seen[c.PersonID] {
				seen[c.PersonID] = true
				a.publish(c.PersonID, ChangedCredentials)
			}
		}
	}
	return got, err
}

// OpenActions are the person's agreed actions not done yet.
func (a *App) OpenActions(ctx context.Context, personID string) ([]sessions.Action, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return nil, err
	}
	return a.people.OpenActions(ctx, personID)
}

// Sessions are the person's guidance sessions, newest first; notes only
// when asked for.
func (a *App) Sessions(ctx context.Context, personID string, withNotes bool) ([]sessions.Session, error) {
	op := sessions.OpViewPerson
	if withNotes {
		op = sessions.OpViewNotes
	}
	if _, err := a.gate(ctx, personID, op); err != nil {
		return nil, err
	}
	return a.people.Sessions(ctx, personID, withNotes)
}

// NextAppointment is the person's next appointment, or the zero time.
func (a *App) NextAppointment(ctx context.Context, personID string) (time.Time, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return time.Time{}, err
	}
	return a.people.NextAppointment(ctx, personID)
}

// AddSession records a guidance session with its goals and actions.
func (a *App) AddSession(ctx context.Context, g sessions.Session) (sessions.Session, error) {
	if _, err := a.gate(ctx, g.PersonID, sessions.OpEditPerson); err != nil {
		return g, err
	}
	got, err := a.people.AddSession(ctx, g)
	if err == nil {
		a.publish(g.PersonID, ChangedGuidance)
	}
	return got, err
}

// SetActionStatus changes an agreed action's status.
func (a *App) SetActionStatus(ctx context.Context, actionID, status string) error {
	if a.caller != nil {
		pid, err := a.people.ActionPerson(ctx, actionID)
		if err != nil {
			return err
		}
		if _, err := a.gate(ctx, pid, sessions.OpEditPerson); err != nil {
			return err
		}
	}
	err := a.people.SetActionStatus(ctx, actionID, status)
	if err == nil {
		a.publish("", ChangedGuidance) // the action's person is not known here: every watcher reloads
	}
	return err
}

// SaveDraft keeps a form's draft for the person.
func (a *App) SaveDraft(ctx context.Context, personID, kind, body string) error {
	if _, err := a.gate(ctx, personID, sessions.OpEditPerson); err != nil {
		return err
	}
	return a.people.SaveDraft(ctx, personID, kind, body)
}

// Draft is a saved draft and when it was saved.
func (a *App) Draft(ctx context.Context, personID, kind string) (string, time.Time, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return "", time.Time{}, err
	}
	return a.people.Draft(ctx, personID, kind)
}

// DiscardDraft removes a draft.
func (a *App) DiscardDraft(ctx context.Context, personID, kind string) error {
	if _, err := a.gate(ctx, personID, sessions.OpEditPerson); err != nil {
		return err
	}
	return a.people.DiscardDraft(ctx, personID, kind)
}

// Audit records a look at or a change of a person's file.
func (a *App) Audit(ctx context.Context, personID, action, detail string) error {
	return a.people.Audit(ctx, personID, action, detail)
}

// AuditLog is a person's audit trail.
func (a *App) AuditLog(ctx context.Context, personID string) ([]AuditEntry, error) {
	return a.people.AuditLog(ctx, personID)
}

// ExportPerson is everything held on the person (the export is audited by
// the store).
func (a *App) ExportPerson(ctx context.Context, id string) (PersonFile, error) {
	p, err := a.gate(ctx, id, sessions.OpExportPerson)
	if err != nil {
		return PersonFile{}, err
	}
	f, err := a.people.ExportPerson(ctx, id)
	if err != nil || a.decide(ctx, p, sessions.OpViewNotes) == nil {
		return f, err
	}
	// Restricted notes stay with those who may read them.
	for i := range f.Sessions {
		f.Sessions[i].Notes = nil
	}
	return f, nil
}

// ErasePerson removes the person for good.
func (a *App) ErasePerson(ctx context.Context, id string) error {
	p, err := a.people.Person(ctx, id)
	if err != nil {
		return err
	}
	if c := a.caller; c != nil {
		// A role that may only ask (a counsellor) is told how to ask.
		if sc := sessions.ScopeOf(*c, p.Counsellor, p.Centre); sessions.Decide(c.Role, sessions.OpErasePerson, sc) == sessions.Pending {
			return refused(sessions.Rule(c.Role, sessions.OpErasePerson, sc), "erase.err.ask", ErrRoleDenied, "ID", id)
		}
	}
	if err := a.decide(ctx, p, sessions.OpErasePerson); err != nil {
		return err
	}
	err = a.people.ErasePerson(ctx, id)
	if err == nil {
		a.publish(id, ChangedErased)
	}
	return err
}

// Plans are the person's plans.
func (a *App) Plans(ctx context.Context, personID string) ([]sessions.Plan, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return nil, err
	}
	return a.people.Plans(ctx, personID)
}

// Plan is one plan.
func (a *App) Plan(ctx context.Context, planID string) (sessions.Plan, error) {
	if err := a.planGate(ctx, planID, sessions.OpViewPerson); err != nil {
		return sessions.Plan{}, err
	}
	return a.people.Plan(ctx, planID)
}

// CurrentPlan is the person's plan being worked on (created if asked).
func (a *App) CurrentPlan(ctx context.Context, personID string, create bool) (sessions.Plan, error) {
	op := sessions.OpViewPerson
	if create {
		op = sessions.OpEditPerson
	}
	if _, err := a.gate(ctx, personID, op); err != nil {
		return sessions.Plan{}, err
	}
	return a.people.CurrentPlan(ctx, personID, create)
}

// CreatePlan stores a new plan.
func (a *App) CreatePlan(ctx context.Context, p sessions.Plan) (sessions.Plan, error) {
	if _, err := a.gate(ctx, p.PersonID, sessions.OpEditPerson); err != nil {
		return p, err
	}
	return a.published(a.people.CreatePlan(ctx, p))
}

// AddStep appends steps to a plan.
func (a *App) AddStep(ctx context.Context, planID string, steps ...sessions.Step) (sessions.Plan, error) {
	if err := a.planGate(ctx, planID, sessions.OpEditPerson); err != nil {
		return sessions.Plan{}, err
	}
	return a.published(a.people.AddStep(ctx, planID, steps...))
}

// MoveStep moves a step to position to.
func (a *App) MoveStep(ctx context.Context, planID, stepID string, to int) (sessions.Plan, error) {
	if err := a.planGate(ctx, planID, sessions.OpEditPerson); err != nil {
		return sessions.Plan{}, err
	}
	return a.published(a.people.MoveStep(ctx, planID, stepID, to))
}

// SetStepStatus changes a step's status (releasing what a dropped step holds).
func (a *App) SetStepStatus(ctx context.Context, planID, stepID string, status sessions.StepStatus) (sessions.Plan, error) {
	if err := a.planGate(ctx, planID, sessions.OpEditPerson); err != nil {
		return sessions.Plan{}, err
	}
	return a.published(a.people.SetStepStatus(ctx, planID, stepID, status))
}

// ReserveStep reserves in the ledger what the step's funding lines ask.
func (a *App) ReserveStep(ctx context.Context, planID, stepID string) (sessions.Plan, error) {
	if err := a.planGate(ctx, planID, sessions.OpPostLedger); err != nil {
		return sessions.Plan{}, err
	}
	p, err := a.people.ReserveStep(ctx, planID, stepID)
	if errors.Is(err, ErrStepClosed) {
		return p, refused("open-step", "", err)
	}
	return a.published(p, err)
}

// ReleaseStep releases what the ledger holds for the step.
func (a *App) ReleaseStep(ctx context.Context, planID, stepID string) (sessions.Plan, error) {
	if err := a.planGate(ctx, planID, sessions.OpPostLedger); err != nil {
		return sessions.Plan{}, err
	}
	return a.published(a.people.ReleaseStep(ctx, planID, stepID))
}

// Gap is the skill gap of the person (with the plan) towards oc.
func (a *App) Gap(ctx context.Context, personID string, p *sessions.Plan, oc catalog.Occupation, today catalog.Date) (catalog.Gap, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return catalog.Gap{}, err
	}
	if err := a.ensureESCO(ctx); err != nil {
		return catalog.Gap{}, err
	}
	return a.st.GapFor(ctx, a.people, personID, p, oc, today)
}

// SyncPlanFacts brings the planner's index of the register up to date.
func (a *App) SyncPlanFacts(ctx context.Context, progress FactsProgress) error {
	return a.st.SyncPlanFacts(ctx, progress)
}

// Import imports files, folders and zips in one transaction.
// On PostgreSQL the register is the network's (importNetwork).
func (a *App) Import(ctx context.Context, paths []string, opt ImportOptions) (ImportReport, error) {
	if err := a.allowed(sessions.OpImportRegister); err != nil {
		return ImportReport{}, err
	}
	if a.Network() {
		return a.importNetwork(ctx, paths, opt)
	}
	return a.st.Import(ctx, paths, opt)
}

// AddCredential puts one earned credential on a person's file.
func (a *App) AddCredential(ctx context.Context, c sessions.Credential) (sessions.Credential, error) {
	if _, err := a.gate(ctx, c.PersonID, sessions.OpEditPerson); err != nil {
		return c, err
	}
	got, err := a.people.AddCredential(ctx, c)
	if err == nil {
		a.publish(c.PersonID, ChangedCredentials)
	}
	return got, err
}

// DefineScheme adds a learning-account scheme with its unit.
func (a *App) DefineScheme(ctx context.Context, sc sessions.Scheme) error {
	if err := a.allowed(sessions.OpManageAccounts); err != nil {
		return err
	}
	return a.people.DefineScheme(ctx, sc)
}

// ListPeople is People for a face that shows the list to someone: every
// person listed gets a "view" row in their audit log, so a file that was
// only seen in a list is still known to have been seen.
func (a *App) ListPeople(ctx context.Context, query string, limit int) ([]sessions.PersonSummary, error) {
	list, err := a.People(ctx, query, limit)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(list))
	for i, p := range list {
		ids[i] = p.ID
	}
	if err := a.people.AuditViews(ctx, ids, "people list"); err != nil {
		return nil, err
	}
	return list, nil
}

// ShowPlan is Report for a face that shows the plan: the look is audited.
func (a *App) ShowPlan(ctx context.Context, p sessions.Plan) (PlanReport, error) {
	if _, err := a.gate(ctx, p.PersonID, sessions.OpViewPerson); err != nil {
		return PlanReport{}, err
	}
	rep, err := a.Report(ctx, p, a.Today())
	if err != nil {
		return rep, err
	}
	return rep, a.people.Audit(ctx, p.PersonID, "view", "plan "+p.ID)
}

// ConceptLabel is an ESCO concept's label in lang (else English, else any
// language); "" when the taxonomy does not know it.
func (a *App) ConceptLabel(ctx context.Context, uri, lang string) (string, error) {
	if err := a.ensureESCO(ctx); err != nil {
		return "", err
	}
	return a.st.ConceptLabel(ctx, uri, lang)
}

// OfferIn is one offer with the labels of its ESCO skills in lang, the
// interface's language, where the taxonomy knows them (a register states
// them in its own language). It never loads the taxonomy: before its first
// use the register's own labels stand.
func (a *App) OfferIn(ctx context.Context, id, lang string) (catalog.Offer, error) {
	o, err := a.st.Offer(ctx, id)
	if err != nil || lang == "" {
		return o, err
	}
	has, err := a.st.HasESCO(ctx)
	if err != nil || !has {
		return o, nil // the register's labels: still right, only in its language
	}
	o.Outcomes = append([]catalog.Outcome(nil), o.Outcomes...) // never the store's own
	for i := range o.Outcomes {
		skills := append([]catalog.SkillRef(nil), o.Outcomes[i].Skills...)
		for j, s := range skills {
			if l, err := a.st.ConceptLabel(ctx, s.URI, lang); err == nil && l != "" {
				skills[j].Label = l
			}
		}
		o.Outcomes[i].Skills = skills
	}
	return o, nil
}
