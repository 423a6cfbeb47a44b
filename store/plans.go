package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/koers-project/koers/sessions"
)

// ErrNoPlan is returned when a person has no plan (and none was to be made).
var ErrNoPlan = errors.New("no learning plan")

const planCols = `id, person_id, name, occupation_uri, occupation_label, stack_target, agreed, created_at, created_by, updated_at, updated_by`

// planRead is planCols and the version (which inserts leave at its default).
const planRead = planCols + `, version`

func scanPlan(sc interface{ Scan(...any) error }, z seals) (sessions.Plan, error) {
	var p sessions.Plan
	var agreed int
	var ca, ua string
	err := sc.Scan(&p.ID, &p.PersonID, &p.Name, &p.OccupationURI, &p.OccupationLabel, &p.StackTarget, &agreed, &ca, &p.CreatedBy, &ua, &p.UpdatedBy, &p.Version)
	if err != nil {
		return p, err
	}
	p.Agreed, p.CreatedAt, p.UpdatedAt = agreed == 1, readStamp(ca), readStamp(ua)
	return p, z.openFields("plans", p.ID, field{"name", &p.Name})
}

// Plans lists the person's plans, the agreed one first, then newest first,
// each with its steps, funding lines and what the ledger holds in reserve.
func (s *Store) Plans(ctx context.Context, personID string) ([]sessions.Plan, error) {
	if err := exists(ctx, s.db, personID); err != nil {
		return nil, err
	}
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+planRead+` FROM plans WHERE person_id=? ORDER BY agreed DESC, created_at DESC, id DESC`, personID)
	if err != nil {
		return nil, fmt.Errorf("read plans: %w", mapErr(err))
	}
	var out []sessions.Plan
	for rows.Next() {
		p, err := scanPlan(rows, z)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read plans: %w", err)
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read plans: %w", err)
	}
	for i := range out {
		if err := s.readSteps(ctx, s.db, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Plan reads one plan with its steps.
func (s *Store) Plan(ctx context.Context, planID string) (sessions.Plan, error) {
	return s.plan(ctx, s.db, planID)
}

func (s *Store) plan(ctx context.Context, q rowQuerier, planID string) (sessions.Plan, error) {
	z, err := s.readSeals()
	if err != nil {
		return sessions.Plan{}, err
	}
	p, err := scanPlan(q.QueryRowContext(ctx, `SELECT `+planRead+` FROM plans WHERE id=?`, planID), z)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("plan %s: %w", planID, ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("read plan %s: %w", planID, err)
	}
	return p, s.readSteps(ctx, q, &p)
}

func (s *Store) readSteps(ctx context.Context, q rowQuerier, p *sessions.Plan) error {
	z, err := s.readSeals()
	if err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, `SELECT id, kind, offer_id, title, status, start, end_date, note, created_at, created_by, updated_at, updated_by
		FROM plan_steps WHERE plan_id=? ORDER BY position`, p.ID)
	if err != nil {
		return fmt.Errorf("read steps: %w", err)
	}
	p.Steps = []sessions.Step{}
	idx := map[string]int{}
	for rows.Next() {
		var st sessions.Step
		var kind, status, start, end, ca, ua string
		if err := rows.Scan(&st.ID, &kind, &st.OfferID, &st.Title, &status, &start, &end, &st.Note, &ca, &st.CreatedBy, &ua, &st.UpdatedBy); err != nil {
			rows.Close()
			return fmt.Errorf("read steps: %w", err)
		}
		if err := z.openFields("plan_steps", st.ID, field{"note", &st.Note}); err != nil {
			rows.Close()
			return fmt.Errorf("read steps: %w", err)
		}
		st.Kind, st.Status = sessions.StepKind(kind), sessions.StepStatus(status)
		st.Start, st.End, st.CreatedAt, st.UpdatedAt = civilDate(start), civilDate(end), readStamp(ca), readStamp(ua)
		st.Funding = []sessions.FundingLine{}
		idx[st.ID] = len(p.Steps)
		p.Steps = append(p.Steps, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read steps: %w", err)
	}
	if len(p.Steps) == 0 {
		return nil
	}
	rows, err = q.QueryContext(ctx, `SELECT f.step_id, f.scheme, f.amount FROM plan_funding f JOIN plan_steps s ON s.id = f.step_id
		WHERE s.plan_id=? ORDER BY f.step_id, CASE f.scheme WHEN 'voucher' THEN 0 WHEN 'ila' THEN 1 WHEN 'leave' THEN 2 ELSE 3 END, f.scheme`, p.ID)
	if err != nil {
		return fmt.Errorf("read funding: %w", err)
	}
	for rows.Next() {
		var id string
		var l sessions.FundingLine
		if err := rows.Scan(&id, &l.Scheme, &l.Amount); err != nil {
			rows.Close()
			return fmt.Errorf("read funding: %w", err)
		}
		st := &p.Steps[idx[id]]
		st.Funding = append(st.Funding, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read funding: %w", err)
	}
	res, err := s.reservations(ctx, q, p.PersonID)
	if err != nil {
		return err
	}
	SetReserved(p, res)
	return nil
}

// reservations is what is still reserved per plan-step ref and scheme.
func (s *Store) reservations(ctx context.Context, q rowQuerier, personID string) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.ref, a.scheme, sum(e.d_reserved) FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
		WHERE e.person_id=? AND e.ref LIKE 'plan-step:%' GROUP BY e.ref, a.scheme`, personID)
	if err != nil {
		return nil, fmt.Errorf("read reservations: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var ref, sc string
		var n int64
		if err := rows.Scan(&ref, &sc, &n); err != nil {
			return nil, fmt.Errorf("read reservations: %w", err)
		}
		out[ReservationKey(ref, sc)] = n
	}
	return out, rows.Err()
}

// CreatePlan stores a new plan (and its steps) for p.PersonID. The
// person's first plan is their agreed plan.
func (s *Store) CreatePlan(ctx context.Context, p sessions.Plan) (sessions.Plan, error) {
	var out sessions.Plan
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, p.PersonID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM plans WHERE person_id=?`, p.PersonID).Scan(&n); err != nil {
			return err
		}
		p.ID, p.Agreed = NewID(), n == 0
		now := s.stamp()
		p.Name = PlanName(p.Name, n)
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO plans (`+planCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
			p.ID, p.PersonID, z.seal(p.Name, "plans", "name", p.ID), p.OccupationURI, p.OccupationLabel, p.StackTarget, boolInt(p.Agreed), now, s.actor, now, s.actor)
		if err != nil {
			return fmt.Errorf("insert plan: %w", err)
		}
		if err := s.writeSteps(ctx, tx, &p, nil); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, p.PersonID, "change", "plan create "+p.ID); err != nil {
			return err
		}
		out, err = s.plan(ctx, tx, p.ID)
		return err
	})
	return out, err
}

// CurrentPlan is the person's agreed plan, else their newest; with create,
// a person without a plan gets an empty one.
func (s *Store) CurrentPlan(ctx context.Context, personID string, create bool) (sessions.Plan, error) {
	return CurrentPlanOf(ctx, s, personID, create)
}

// UpdatePlan reads the plan, lets fn change it, and writes it back, all in
// one immediate transaction: goal and name, step order, new steps (without
// an id), statuses and funding lines. Steps cannot be deleted, only
// dropped. fn may post ledger entries through the transaction it gets.
// When ctx expects a version of the plan (ExpectVersion) and the stored
// plan has another, nothing is written: the error is a
// *sessions.ChangedError naming who changed it last, and when.
func (s *Store) UpdatePlan(ctx context.Context, planID string, fn func(tx *PlanTx, p *sessions.Plan) error) (sessions.Plan, error) {
	var out sessions.Plan
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		p, err := s.plan(ctx, tx, planID)
		if err != nil {
			return err
		}
		before, err := PlanEdit(ctx, &PlanTx{s: s, tx: tx}, planID, &p, fn)
		if err != nil {
			return err
		}
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE plans SET name=?, occupation_uri=?, occupation_label=?, stack_target=?, updated_at=?, updated_by=?, version=version+1 WHERE id=?`,
			z.seal(p.Name, "plans", "name", planID), p.OccupationURI, p.OccupationLabel, p.StackTarget, s.stamp(), s.actor, planID)
		if err != nil {
			return fmt.Errorf("update plan: %w", err)
		}
		if err := s.writeSteps(ctx, tx, &p, before); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, p.PersonID, "change", "plan "+planID); err != nil {
			return err
		}
		out, err = s.plan(ctx, tx, planID)
		return err
	})
	return out, err
}

// writeSteps writes every step of p at its position (new steps get ids),
// with their funding lines; unchanged steps keep their stamps.
func (s *Store) writeSteps(ctx context.Context, tx *sql.Tx, p *sessions.Plan, before map[string]sessions.Step) error {
	// Positions are unique: park the old ones out of the way first.
	if _, err := tx.ExecContext(ctx, `UPDATE plan_steps SET position = position + 1000000 WHERE plan_id=?`, p.ID); err != nil {
		return fmt.Errorf("reorder steps: %w", err)
	}
	z, err := s.writeSeals(ctx, tx)
	if err != nil {
		return err
	}
	now := s.stamp()
	for i := range p.Steps {
		st := &p.Steps[i]
		if err := CheckStep(i, st); err != nil {
			return err
		}
		old, known := before[st.ID]
		if st.ID == "" || !known {
			if st.ID == "" {
				st.ID = NewID()
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO plan_steps (id, plan_id, person_id, position, kind, offer_id, title, status, start, end_date, note,
				created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
				st.ID, p.ID, p.PersonID, i, string(st.Kind), st.OfferID, st.Title, string(st.Status), st.Start.String(), st.End.String(),
				z.seal(st.Note, "plan_steps", "note", st.ID), now, s.actor, now, s.actor)
			if err != nil {
				return fmt.Errorf("insert step %d: %w", i+1, mapErr(err))
			}
		} else {
			changed := StepChanged(old, *st)
			ua, ub := writeStamp(old.UpdatedAt), old.UpdatedBy
			if changed {
				ua, ub = now, s.actor
			}
			_, err := tx.ExecContext(ctx, `UPDATE plan_steps SET position=?, title=?, status=?, start=?, end_date=?, note=?, updated_at=?, updated_by=? WHERE id=?`,
				i, st.Title, string(st.Status), st.Start.String(), st.End.String(), z.seal(st.Note, "plan_steps", "note", st.ID), ua, ub, st.ID)
			if err != nil {
				return fmt.Errorf("update step %d: %w", i+1, mapErr(err))
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM plan_funding WHERE step_id=?`, st.ID); err != nil {
			return fmt.Errorf("write funding: %w", err)
		}
		for _, l := range st.Funding {
			if err := CheckFunding(i, l); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO plan_funding (step_id, person_id, scheme, amount) VALUES (?,?,?,?)`, st.ID, p.PersonID, l.Scheme, l.Amount)
			if err != nil {
				return fmt.Errorf("step %d: funding %s: %w", i+1, l.Scheme, mapErr(err))
			}
		}
	}
	return nil
}

// AgreePlan makes planID the person's agreed plan (and no other).
func (s *Store) AgreePlan(ctx context.Context, planID string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		p, err := s.plan(ctx, tx, planID)
		if err != nil {
			return err
		}
		now := s.stamp()
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET agreed=0, updated_at=?, updated_by=?, version=version+1 WHERE person_id=? AND agreed=1 AND id<>?`, now, s.actor, p.PersonID, planID); err != nil {
			return fmt.Errorf("agree plan: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET agreed=1, updated_at=?, updated_by=?, version=version+1 WHERE id=?`, now, s.actor, planID); err != nil {
			return fmt.Errorf("agree plan: %w", err)
		}
		return s.audit(ctx, tx, p.PersonID, "change", "plan agree "+planID)
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
