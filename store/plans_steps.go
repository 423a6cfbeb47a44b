package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// This file holds the plan rules both engines share: what a step's
// reservation posts, how a step is checked before it is written, and the
// plan-step use-cases over an engine's UpdatePlan. The engines keep only
// their SQL.

// StepLedger is what the plan-step ledger decisions need from an engine's
// transaction: what the ledger still reserves under a ref (per scheme,
// with how many entries it took), and posting one entry.
type StepLedger interface {
	Outstanding(ctx context.Context, personID, ref string) (held map[string]int64, n map[string]int, err error)
	PostEntry(ctx context.Context, e sessions.Entry) (sessions.Entry, error)
}

// postStep posts one plan-step entry; its key makes the n-th entry of a
// ref and scheme unique, so a retried unit of work cannot post it twice.
func postStep(ctx context.Context, l StepLedger, personID, scheme, ref string, kind sessions.Kind, amount int64, n int) (sessions.Entry, error) {
	e := sessions.Entry{PersonID: personID, Scheme: scheme, Kind: kind, Amount: amount, Ref: ref,
		Key: fmt.Sprintf("%s:%s:%s:%d", ref, scheme, kind, n), Reason: "learning plan step"}
	out, err := l.PostEntry(ctx, e)
	if err != nil {
		return out, fmt.Errorf("%s %s %s for step: %w", kind, catalog.Unit(scheme), scheme, err)
	}
	return out, nil
}

// ReserveFunding holds in the ledger what the step's funding lines ask and
// is not reserved yet (and gives back what a reduced line no longer needs).
// A scheme without enough available refuses with ErrInsufficient, and
// nothing is reserved.
func ReserveFunding(ctx context.Context, l StepLedger, p *sessions.Plan, stepID string) ([]sessions.Entry, error) {
	i := p.Step(stepID)
	if i < 0 {
		return nil, fmt.Errorf("plan has no step %s: %w", stepID, ErrNotFound)
	}
	st := &p.Steps[i]
	if !st.Status.Open() {
		return nil, fmt.Errorf("%w: step %s is %s: nothing to reserve", sessions.ErrStepClosed, stepID, st.Status)
	}
	ref := sessions.ReserveRef(st.ID)
	held, n, err := l.Outstanding(ctx, p.PersonID, ref)
	if err != nil {
		return nil, err
	}
	var out []sessions.Entry
	for j := range st.Funding {
		f := &st.Funding[j]
		kind, d := sessions.Reserve, f.Amount-held[f.Scheme]
		if d < 0 {
			kind, d = sessions.Release, -d
		}
		if d != 0 {
			e, err := postStep(ctx, l, p.PersonID, f.Scheme, ref, kind, d, n[f.Scheme])
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		f.Reserved = f.Amount
	}
	return out, nil
}

// SettleFunding releases (kind Release) or spends (kind Spend) everything
// the ledger reserves for the step.
func SettleFunding(ctx context.Context, l StepLedger, p *sessions.Plan, stepID string, kind sessions.Kind) ([]sessions.Entry, error) {
	i := p.Step(stepID)
	if i < 0 {
		return nil, fmt.Errorf("plan has no step %s: %w", stepID, ErrNotFound)
	}
	st := &p.Steps[i]
	ref := sessions.ReserveRef(st.ID)
	held, n, err := l.Outstanding(ctx, p.PersonID, ref)
	if err != nil {
		return nil, err
	}
	var out []sessions.Entry
	for _, sc := range slices.Sorted(maps.Keys(held)) {
		if held[sc] <= 0 {
			continue
		}
		e, err := postStep(ctx, l, p.PersonID, sc, ref, kind, held[sc], n[sc])
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	for j := range st.Funding {
		st.Funding[j].Reserved = 0
	}
	return out, nil
}

// StepTx is an engine's plan transaction as the step use-cases see it.
type StepTx interface {
	Reserve(ctx context.Context, p *sessions.Plan, stepID string) ([]sessions.Entry, error)
	Release(ctx context.Context, p *sessions.Plan, stepID string) ([]sessions.Entry, error)
	Spend(ctx context.Context, p *sessions.Plan, stepID string) ([]sessions.Entry, error)
}

// StepEdits are the plan-step use-cases written once over an engine's
// UpdatePlan (each runs in the one transaction UpdatePlan opens).
type StepEdits[T StepTx] func(ctx context.Context, planID string, fn func(tx T, p *sessions.Plan) error) (sessions.Plan, error)

func statusError(status sessions.StepStatus) string {
	return fmt.Sprintf("status %q is not one of planned, applied, enrolled, in_progress, completed, dropped", status)
}

// SetStepStatus changes a step's status: dropping it releases its
// reservations, completing it spends them.
func (u StepEdits[T]) SetStepStatus(ctx context.Context, planID, stepID string, status sessions.StepStatus) (sessions.Plan, error) {
	if !status.Valid() {
		return sessions.Plan{}, errors.New(statusError(status))
	}
	return u(ctx, planID, func(t T, p *sessions.Plan) error {
		i := p.Step(stepID)
		if i < 0 {
			return fmt.Errorf("plan has no step %s: %w", stepID, ErrNotFound)
		}
		var err error
		switch status {
		case sessions.StepDropped:
			_, err = t.Release(ctx, p, stepID)
		case sessions.StepCompleted:
			_, err = t.Spend(ctx, p, stepID)
		}
		p.Steps[i].Status = status
		return err
	})
}

// ReserveStep reserves the step's funding lines in the ledger.
func (u StepEdits[T]) ReserveStep(ctx context.Context, planID, stepID string) (sessions.Plan, error) {
	return u(ctx, planID, func(t T, p *sessions.Plan) error {
		_, err := t.Reserve(ctx, p, stepID)
		return err
	})
}

// ReleaseStep gives back the step's reservations.
func (u StepEdits[T]) ReleaseStep(ctx context.Context, planID, stepID string) (sessions.Plan, error) {
	return u(ctx, planID, func(t T, p *sessions.Plan) error {
		_, err := t.Release(ctx, p, stepID)
		return err
	})
}

// MoveStep puts a step at position to (0-based).
func (u StepEdits[T]) MoveStep(ctx context.Context, planID, stepID string, to int) (sessions.Plan, error) {
	return u(ctx, planID, func(_ T, p *sessions.Plan) error {
		if err := p.Move(stepID, to); err != nil {
			return fmt.Errorf("%w: %w", err, ErrNotFound)
		}
		return nil
	})
}

// AddStep appends steps to the plan.
func (u StepEdits[T]) AddStep(ctx context.Context, planID string, steps ...sessions.Step) (sessions.Plan, error) {
	return u(ctx, planID, func(_ T, p *sessions.Plan) error {
		for _, st := range steps {
			st.ID = ""
			p.Steps = append(p.Steps, st)
		}
		return nil
	})
}

// CheckStep fills a step's defaults (an offer step, planned) and refuses
// one that cannot be written; i is its 0-based position.
func CheckStep(i int, st *sessions.Step) error {
	if st.Kind == "" {
		st.Kind = sessions.KindOffer
	}
	if st.Status == "" {
		st.Status = sessions.StepPlanned
	}
	if !st.Status.Valid() {
		return fmt.Errorf("step %d: %s", i+1, statusError(st.Status))
	}
	if strings.TrimSpace(st.Title) == "" {
		return fmt.Errorf("step %d: title is required", i+1)
	}
	return nil
}

// CheckFunding refuses a negative funding line of the step at position i.
func CheckFunding(i int, l sessions.FundingLine) error {
	if l.Amount < 0 {
		return fmt.Errorf("step %d: funding %s: amount is negative", i+1, l.Scheme)
	}
	return nil
}

// StepChanged says whether st differs from its stored self old in what a
// person edits (so its updated stamp moves).
func StepChanged(old, st sessions.Step) bool {
	return old.Status != st.Status || old.Title != st.Title || old.Start != st.Start || old.End != st.End || old.Note != st.Note ||
		!slices.EqualFunc(old.Funding, st.Funding, func(a, b sessions.FundingLine) bool { return a.Scheme == b.Scheme && a.Amount == b.Amount })
}

// ReservationKey keys what the ledger reserves per plan-step ref and scheme.
func ReservationKey(ref, scheme string) string { return ref + "\x00" + scheme }

// SetReserved sets each funding line's Reserved from res (keyed by
// ReservationKey).
func SetReserved(p *sessions.Plan, res map[string]int64) {
	for i := range p.Steps {
		st := &p.Steps[i]
		for j := range st.Funding {
			st.Funding[j].Reserved = res[ReservationKey(sessions.ReserveRef(st.ID), st.Funding[j].Scheme)]
		}
	}
}

// PlanEdit runs fn on the plan p read in an UpdatePlan transaction and
// checks the result: the version the caller read (ExpectVersion) must
// still be p's, and no step may be removed. It returns the steps as they
// were, for the engine's writeSteps.
func PlanEdit[T any](ctx context.Context, tx T, planID string, p *sessions.Plan, fn func(tx T, p *sessions.Plan) error) (map[string]sessions.Step, error) {
	if read, ok := ExpectedVersion(ctx, planID); ok && read != p.Version {
		return nil, &sessions.ChangedError{What: sessions.ChangedPlan, ID: planID, Read: read, Now: p.Version, By: p.UpdatedBy, At: p.UpdatedAt}
	}
	before := map[string]sessions.Step{}
	for _, st := range p.Steps {
		before[st.ID] = st
	}
	if err := fn(tx, p); err != nil {
		return nil, err
	}
	for id := range before {
		if p.Step(id) < 0 {
			return nil, fmt.Errorf("step %s: steps are dropped, never removed", id)
		}
	}
	p.ID = planID
	return before, nil
}

// PlanName is the name a new plan gets when none is given: "Plan n+1"
// after the person's n plans.
func PlanName(name string, n int) string {
	if strings.TrimSpace(name) == "" {
		return fmt.Sprintf("Plan %d", n+1)
	}
	return name
}

// PlanStore is an engine's plan reads and writes, as CurrentPlanOf needs
// them.
type PlanStore interface {
	Plans(ctx context.Context, personID string) ([]sessions.Plan, error)
	CreatePlan(ctx context.Context, p sessions.Plan) (sessions.Plan, error)
}

// CurrentPlanOf is the person's agreed plan, else their newest; with
// create, a person without a plan gets an empty one.
func CurrentPlanOf(ctx context.Context, s PlanStore, personID string, create bool) (sessions.Plan, error) {
	ps, err := s.Plans(ctx, personID)
	if err != nil {
		return sessions.Plan{}, err
	}
	if len(ps) > 0 {
		return ps[0], nil
	}
	if !create {
		return sessions.Plan{}, fmt.Errorf("person %s: %w", personID, ErrNoPlan)
	}
	return s.CreatePlan(ctx, sessions.Plan{PersonID: personID})
}

// ApplyStepOutcome is what a step outcome does to its plan, on either
// engine, inside the plan's unit of work: a dropped step releases its
// reservation, a completed one spends it, and the step takes the outcome's
// status — except that an enrolment recorded after the step was closed
// (late paperwork) does not reopen it.
func ApplyStepOutcome(ctx context.Context, t StepTx, p *sessions.Plan, o sessions.StepOutcome) error {
	var err error
	switch o.Status {
	case sessions.StepDropped:
		_, err = t.Release(ctx, p, o.StepID)
	case sessions.StepCompleted:
		_, err = t.Spend(ctx, p, o.StepID)
	}
	if err != nil {
		return err
	}
	if i := p.Step(o.StepID); o.Status != sessions.StepEnrolled || p.Steps[i].Status.Open() {
		p.Steps[i].Status = o.Status
	}
	return nil
}
