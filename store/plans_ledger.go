package store

import (
	"context"
	"database/sql"
	"fmt"

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

// Outstanding is what the ledger still reserves under ref, per scheme
// (store.StepLedger).
func (l stepLedger) Outstanding(ctx context.Context, personID, ref string) (map[string]int64, map[string]int, error) {
	rows, err := l.tx.QueryContext(ctx, `SELECT a.scheme, sum(e.d_reserved), count(*) FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
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

// stepLedger is the plan transaction as the shared step rules
// (ReserveFunding, SettleFunding) see it.
type stepLedger PlanTx

// PostEntry posts one entry in the plan's transaction.
func (l stepLedger) PostEntry(ctx context.Context, e sessions.Entry) (sessions.Entry, error) {
	return l.s.postEntry(ctx, l.tx, e)
}

// Reserve holds in the ledger what the step's funding lines ask and is not
// reserved yet (and gives back what a reduced line no longer needs). A
// scheme without enough available refuses with ErrInsufficient, and
// nothing is reserved.
func (t *PlanTx) Reserve(ctx context.Context, p *sessions.Plan, stepID string) ([]sessions.Entry, error) {
	return ReserveFunding(ctx, stepLedger(*t), p, stepID)
}

// Release gives back everything the ledger reserves for the step.
func (t *PlanTx) Release(ctx context.Context, p *sessions.Plan, stepID string) ([]sessions.Entry, error) {
	return SettleFunding(ctx, stepLedger(*t), p, stepID, sessions.Release)
}

// Spend turns the step's reservations into spending (the step is done).
func (t *PlanTx) Spend(ctx context.Context, p *sessions.Plan, stepID string) ([]sessions.Entry, error) {
	return SettleFunding(ctx, stepLedger(*t), p, stepID, sessions.Spend)
}

func edits(s *Store) StepEdits[*PlanTx] { return s.UpdatePlan }

// SetStepStatus changes a step's status: dropping it releases its
// reservations, completing it spends them.
func (s *Store) SetStepStatus(ctx context.Context, planID, stepID string, status sessions.StepStatus) (sessions.Plan, error) {
	return edits(s).SetStepStatus(ctx, planID, stepID, status)
}

// ReserveStep reserves the step's funding lines in the ledger.
func (s *Store) ReserveStep(ctx context.Context, planID, stepID string) (sessions.Plan, error) {
	return edits(s).ReserveStep(ctx, planID, stepID)
}

// ReleaseStep gives back the step's reservations.
func (s *Store) ReleaseStep(ctx context.Context, planID, stepID string) (sessions.Plan, error) {
	return edits(s).ReleaseStep(ctx, planID, stepID)
}

// MoveStep puts a step at position to (0-based).
func (s *Store) MoveStep(ctx context.Context, planID, stepID string, to int) (sessions.Plan, error) {
	return edits(s).MoveStep(ctx, planID, stepID, to)
}

// AddStep appends steps to the plan.
func (s *Store) AddStep(ctx context.Context, planID string, steps ...sessions.Step) (sessions.Plan, error) {
	return edits(s).AddStep(ctx, planID, steps...)
}
