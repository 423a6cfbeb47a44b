package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// PlanTx is the transaction an UpdatePlan callback runs in: through it the
// callback reserves, releases and spends funds for steps, so the ledger and
// the plan change together or not at all.
type PlanTx struct {
	s  *Store
	tx *sql.Tx
}

// Balances are the person's positions, read inside the transaction.
func (t *PlanTx) Balances(ctx context.Context, personID string) ([]sessions.Balance, error) {
	return balances(ctx, t.tx, personID)
}

// Schemes are the scheme definitions, read inside the transaction.
func (t *PlanTx) Schemes(ctx context.Context) ([]sessions.Scheme, error) { return schemes(ctx, t.tx) }

// Offer is one register offer, read inside the transaction.
func (t *PlanTx) Offer(ctx context.Context, id string) (catalog.Offer, error) {
	return offer(ctx, t.tx, id)
}

// outstanding is what the ledger still reserves under ref, per scheme.
func (t *PlanTx) outstanding(ctx context.Context, personID, ref string) (map[string]int64, map[string]int, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT a.scheme, sum(e.d_reserved), count(*) FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
		WHERE e.person_id=? AND e.ref=? GROUP BY a.scheme`, personID, ref)
	if err != nil {
		return nil, nil, fmt.Errorf("read reservation %s: %w", ref, err)
	}
	defer rows.Close()
	out, n := map[string]int64{}, map[string]int{}
	for rows.Next() {
		var sc string
		var v int64
		var c int
		if err := rows.Scan(&sc, &v, &c); err != nil {
			return nil, nil, err
		}
		out[sc], n[sc] = v, c
	}
	return out, n, rows.Err()
}

func (t *PlanTx) post(ctx context.Context, personID, scheme, ref string, kind sessions.Kind, amount int64, n int) (sessions.Entry, error) {
	e := sessions.Entry{PersonID: personID, Scheme: scheme, Kind: kind, Amount: amount, Ref: ref,
		Key: fmt.Sprintf("%s:%s:%s:%d", ref, scheme, kind, n), Reason: "learning plan step"}
	out, err := t.s.postEntry(ctx, t.tx, e)
	if err != nil {
		return out, fmt.Errorf("%s %s %s for step: %w", kind, catalog.Unit(scheme), scheme, err)
	}
	return out, nil
}

// Reserve holds in the ledger what the step's funding lines ask and is not
// reserved yet (and gives back what a reduced line no longer needs). A
// scheme without enough available refuses with ErrInsufficient, and
// nothing is reserved.
func (t *PlanTx) Reserve(ctx context.Context, p *sessions.Plan, stepID string) ([]sessions.Entry, error) {
	i := p.Step(stepID)
	if i < 0 {
		return nil, fmt.Errorf("plan has no step %s: %w", stepID, ErrNotFound)
	}
	st := &p.Steps[i]
	if !st.Status.Open() {
		return nil, fmt.Errorf("%w: step %s is %s: nothing to reserve", sessions.ErrStepClosed, stepID, st.Status)
	}
	ref := sessions.ReserveRef(st.ID)
	held, n, err := t.outstanding(ctx, p.PersonID, ref)
	if err != nil {
		return nil, err
	}
	var out []sessions.Entry
	for j := range st.Funding {
		l := &st.Funding[j]
		switch d := l.Amount - held[l.Scheme]; {
		case d > 0:
			e, err := t.post(ctx, p.PersonID, l.Scheme, ref, sessions.Reserve, d, n[l.Scheme])
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		case d < 0:
			e, err := t.post(ctx, p.PersonID, l.Scheme, ref, sessions.Release, -d, n[l.Scheme])
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		l.Reserved = l.Amount
	}
	return out, nil
}

// Release gives back everything the ledger reserves for the step.
func (t *PlanTx) Release(ctx context.Context, p *sessions.Plan, stepID string) ([]sessions.Entry, error) {
	return t.settle(ctx, p, stepID, sessions.Release)
}

// Spend turns the step's reservations into spending (the step is done).
func (t *PlanTx) Spend(ctx context.Context, p *sessions.Plan, stepID string) ([]sessions.Entry, error) {
	return t.settle(ctx, p, stepID, sessions.Spend)
}

func (t *PlanTx) settle(ctx context.Context, p *sessions.Plan, stepID string, kind sessions.Kind) ([]sessions.Entry, error) {
	i := p.Step(stepID)
	if i < 0 {
		return nil, fmt.Errorf("plan has no step %s: %w", stepID, ErrNotFound)
	}
	st := &p.Steps[i]
	ref := sessions.ReserveRef(st.ID)
	held, n, err := t.outstanding(ctx, p.PersonID, ref)
	if err != nil {
		return nil, err
	}
	var out []sessions.Entry
	for _, sc := range sortedSchemes(held) {
		if held[sc] <= 0 {
			continue
		}
		e, err := t.post(ctx, p.PersonID, sc, ref, kind, held[sc], n[sc])
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

func sortedSchemes(m map[string]int64) []string { return slices.Sorted(maps.Keys(m)) }

// SetStepStatus changes a step's status: dropping it releases its
// reservations, completing it spends them.
func (s *Store) SetStepStatus(ctx context.Context, planID, stepID string, status sessions.StepStatus) (sessions.Plan, error) {
	if !status.Valid() {
		return sessions.Plan{}, fmt.Errorf("status %q is not one of planned, applied, enrolled, in_progress, completed, dropped", status)
	}
	return s.UpdatePlan(ctx, planID, func(t *PlanTx, p *sessions.Plan) error {
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
func (s *Store) ReserveStep(ctx context.Context, planID, stepID string) (sessions.Plan, error) {
	return s.UpdatePlan(ctx, planID, func(t *PlanTx, p *sessions.Plan) error {
		_, err := t.Reserve(ctx, p, stepID)
		return err
	})
}

// ReleaseStep gives back the step's reservations.
func (s *Store) ReleaseStep(ctx context.Context, planID, stepID string) (sessions.Plan, error) {
	return s.UpdatePlan(ctx, planID, func(t *PlanTx, p *sessions.Plan) error {
		_, err := t.Release(ctx, p, stepID)
		return err
	})
}

// MoveStep puts a step at position to (0-based).
func (s *Store) MoveStep(ctx context.Context, planID, stepID string, to int) (sessions.Plan, error) {
	return s.UpdatePlan(ctx, planID, func(_ *PlanTx, p *sessions.Plan) error {
		if err := p.Move(stepID, to); err != nil {
			return fmt.Errorf("%w: %w", err, ErrNotFound)
		}
		return nil
	})
}

// AddStep appends steps to the plan.
func (s *Store) AddStep(ctx context.Context, planID string, steps ...sessions.Step) (sessions.Plan, error) {
	return s.UpdatePlan(ctx, planID, func(_ *PlanTx, p *sessions.Plan) error {
		for _, st := range steps {
			st.ID = ""
			p.Steps = append(p.Steps, st)
		}
		return nil
	})
}
