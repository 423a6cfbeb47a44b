package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

const planCols = `id::text, person_id::text, name, occupation_uri, occupation_label, stack_target, agreed, created_at, created_by, updated_at, updated_by`

// planRead is planCols and the version (which inserts leave at its default).
const planRead = planCols + `, version`

func scanPlan(sc pgx.Row) (sessions.Plan, error) {
	var p sessions.Plan
	var ca, ua time.Time
	err := sc.Scan(&p.ID, &p.PersonID, &p.Name, &p.OccupationURI, &p.OccupationLabel, &p.StackTarget, &p.Agreed, &ca, &p.CreatedBy, &ua, &p.UpdatedBy, &p.Version)
	p.CreatedAt, p.UpdatedAt = ca.UTC(), ua.UTC()
	return p, err
}

func planNotFound(id string) error { return fmt.Errorf("plan %s: %w", id, store.ErrNotFound) }

// Plans lists the person's plans, the agreed one first, then newest first,
// each with its steps, funding lines and what the ledger holds in reserve.
func (s *Store) Plans(ctx context.Context, personID string) ([]sessions.Plan, error) {
	if err := exists(ctx, s.pool, personID); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+planRead+` FROM plans WHERE person_id=$1 ORDER BY agreed DESC, created_at DESC, id DESC`, personID)
	if err != nil {
		return nil, fmt.Errorf("read plans: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.Plan, error) { return scanPlan(r) })
	if err != nil {
		return nil, fmt.Errorf("read plans: %w", mapErr(err))
	}
	for i := range out {
		if err := s.readSteps(ctx, s.pool, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Plan reads one plan with its steps.
func (s *Store) Plan(ctx context.Context, planID string) (sessions.Plan, error) {
	return s.plan(ctx, s.pool, planID, false)
}

// plan reads one plan; with lock, its row stays locked (FOR UPDATE) until
// the transaction ends, so two edits of one plan queue.
func (s *Store) plan(ctx context.Context, q querier, planID string, lock bool) (sessions.Plan, error) {
	if !isID(planID) {
		return sessions.Plan{}, planNotFound(planID)
	}
	sql := `SELECT ` + planRead + ` FROM plans WHERE id=$1`
	if lock {
		sql += ` FOR UPDATE`
	}
	p, err := scanPlan(q.QueryRow(ctx, sql, planID))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, planNotFound(planID)
	}
	if err != nil {
		return p, fmt.Errorf("read plan %s: %w", planID, mapErr(err))
	}
	return p, s.readSteps(ctx, q, &p)
}

func (s *Store) readSteps(ctx context.Context, q querier, p *sessions.Plan) error {
	z, err := s.readSeals()
	if err != nil {
		return err
	}
	if err := z.OpenFields("plans", p.ID, store.SealField("name", &p.Name)); err != nil {
		return err
	}
	rows, err := q.Query(ctx, `SELECT id::text, kind, offer_id, title, status, start, end_date, note, created_at, created_by, updated_at, updated_by
		FROM plan_steps WHERE plan_id=$1 ORDER BY position`, p.ID)
	if err != nil {
		return fmt.Errorf("read steps: %w", err)
	}
	p.Steps, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.Step, error) {
		var st sessions.Step
		var kind, status string
		var start, end *time.Time
		var ca, ua time.Time
		err := r.Scan(&st.ID, &kind, &st.OfferID, &st.Title, &status, &start, &end, &st.Note, &ca, &st.CreatedBy, &ua, &st.UpdatedBy)
		st.Kind, st.Status = sessions.StepKind(kind), sessions.StepStatus(status)
		st.Start, st.End, st.CreatedAt, st.UpdatedAt = civil(start), civil(end), ca.UTC(), ua.UTC()
		st.Funding = []sessions.FundingLine{}
		if err != nil {
			return st, err
		}
		return st, z.OpenFields("plan_steps", st.ID, store.SealField("note", &st.Note))
	})
	if err != nil {
		return fmt.Errorf("read steps: %w", mapErr(err))
	}
	p.Steps = emptyIfNil(p.Steps)
	if len(p.Steps) == 0 {
		return nil
	}
	idx := map[string]int{}
	for i, st := range p.Steps {
		idx[st.ID] = i
	}
	rows, err = q.Query(ctx, `SELECT f.step_id::text, f.scheme, f.amount FROM plan_funding f JOIN plan_steps s ON s.id = f.step_id
		WHERE s.plan_id=$1 ORDER BY f.step_id, CASE f.scheme WHEN 'voucher' THEN 0 WHEN 'ila' THEN 1 WHEN 'leave' THEN 2 ELSE 3 END, f.scheme`, p.ID)
	if err != nil {
		return fmt.Errorf("read funding: %w", err)
	}
	var id string
	var l sessions.FundingLine
	_, err = pgx.ForEachRow(rows, []any{&id, &l.Scheme, &l.Amount}, func() error {
		st := &p.Steps[idx[id]]
		st.Funding = append(st.Funding, l)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read funding: %w", mapErr(err))
	}
	res, err := reservations(ctx, q, p.PersonID)
	if err != nil {
		return err
	}
	store.SetReserved(p, res)
	return nil
}

// reservations is what is still reserved per plan-step ref and scheme.
func reservations(ctx context.Context, q querier, personID string) (map[string]int64, error) {
	rows, err := q.Query(ctx, `SELECT e.ref, a.scheme, sum(e.d_reserved) FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
		WHERE e.person_id=$1 AND e.ref LIKE 'plan-step:%' GROUP BY e.ref, a.scheme`, personID)
	if err != nil {
		return nil, fmt.Errorf("read reservations: %w", err)
	}
	out := map[string]int64{}
	var ref, sc string
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&ref, &sc, &n}, func() error {
		out[store.ReservationKey(ref, sc)] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read reservations: %w", mapErr(err))
	}
	return out, nil
}

// CreatePlan stores a new plan (and its steps) for p.PersonID. The
// person's first plan is their agreed plan.
func (s *Store) CreatePlan(ctx context.Context, p sessions.Plan) (sessions.Plan, error) {
	in := p
	var out sessions.Plan
	err := s.tx(ctx, func(tx pgx.Tx) error {
		p := in
		p.Steps = append([]sessions.Step(nil), in.Steps...)
		if err := exists(ctx, tx, p.PersonID); err != nil {
			return err
		}
		// The person's row lock makes "first plan is agreed" hold when two
		// plans are made at once.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM people WHERE id=$1 FOR UPDATE`, p.PersonID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM plans WHERE person_id=$1`, p.PersonID).Scan(&n); err != nil {
			return err
		}
		p.ID, p.Agreed = NewID(), n == 0
		now := s.stamp()
		p.Name = store.PlanName(p.Name, n)
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO plans (id, person_id, name, occupation_uri, occupation_label, stack_target, agreed,
			created_at, created_by, updated_at, updated_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$8,$9)`,
			p.ID, p.PersonID, z.Seal(p.Name, "plans", "name", p.ID), p.OccupationURI, p.OccupationLabel, p.StackTarget, p.Agreed, now, s.actor)
		if err != nil {
			return fmt.Errorf("insert plan: %w", err)
		}
		if err := s.writeSteps(ctx, tx, z, &p, nil); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, p.PersonID, "change", "plan create "+p.ID); err != nil {
			return err
		}
		out, err = s.plan(ctx, tx, p.ID, false)
		return err
	})
	return out, err
}

// CurrentPlan is the person's agreed plan, else their newest; with create,
// a person without a plan gets an empty one.
func (s *Store) CurrentPlan(ctx context.Context, personID string, create bool) (sessions.Plan, error) {
	return store.CurrentPlanOf(ctx, s, personID, create)
}

// UpdatePlan reads the plan (locking it), lets fn change it, and writes it
// back, all in one transaction: goal and name, step order, new steps
// (without an id), statuses and funding lines. Steps cannot be deleted,
// only dropped. fn may post ledger entries through the PlanTx it gets. fn
// may be called again, with the plan read afresh, when the unit of work is
// retried (a lost connection, a deadlock), so it must act only through its
// arguments.
func (s *Store) UpdatePlan(ctx context.Context, planID string, fn func(tx *PlanTx, p *sessions.Plan) error) (sessions.Plan, error) {
	var out sessions.Plan
	err := s.tx(ctx, func(tx pgx.Tx) error {
		p, err := s.plan(ctx, tx, planID, true)
		if err != nil {
			return err
		}
		before, err := store.PlanEdit(ctx, &PlanTx{s: s, tx: tx}, planID, &p, fn)
		if err != nil {
			return err
		}
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE plans SET name=$1, occupation_uri=$2, occupation_label=$3, stack_target=$4, updated_at=$5, updated_by=$6, version=version+1 WHERE id=$7`,
			z.Seal(p.Name, "plans", "name", planID), p.OccupationURI, p.OccupationLabel, p.StackTarget, s.stamp(), s.actor, planID)
		if err != nil {
			return fmt.Errorf("update plan: %w", err)
		}
		if err := s.writeSteps(ctx, tx, z, &p, before); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, p.PersonID, "change", "plan "+planID); err != nil {
			return err
		}
		out, err = s.plan(ctx, tx, planID, false)
		return err
	})
	return out, err
}

// writeSteps writes every step of p at its position (new steps get ids),
// with their funding lines; unchanged steps keep their stamps. Positions
// are checked unique at commit (a deferred constraint), so a reorder
// writes them in place.
func (s *Store) writeSteps(ctx context.Context, tx pgx.Tx, z store.Sealer, p *sessions.Plan, before map[string]sessions.Step) error {
	now := s.stamp()
	for i := range p.Steps {
		st := &p.Steps[i]
		if err := store.CheckStep(i, st); err != nil {
			return err
		}
		old, known := before[st.ID]
		if st.ID == "" || !known {
			if st.ID == "" || !isID(st.ID) {
				st.ID = NewID()
			}
			_, err := tx.Exec(ctx, `INSERT INTO plan_steps (id, plan_id, person_id, position, kind, offer_id, title, status, start, end_date, note,
				created_at, created_by, updated_at, updated_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$12,$13)`,
				st.ID, p.ID, p.PersonID, i, string(st.Kind), st.OfferID, st.Title, string(st.Status), dateArg(st.Start), dateArg(st.End), z.Seal(st.Note, "plan_steps", "note", st.ID),
				now, s.actor)
			if err != nil {
				return fmt.Errorf("insert step %d: %w", i+1, mapErr(err))
			}
		} else {
			changed := store.StepChanged(old, *st)
			ua, ub := old.UpdatedAt, old.UpdatedBy
			if changed {
				ua, ub = now, s.actor
			}
			_, err := tx.Exec(ctx, `UPDATE plan_steps SET position=$1, title=$2, status=$3, start=$4, end_date=$5, note=$6, updated_at=$7, updated_by=$8 WHERE id=$9`,
				i, st.Title, string(st.Status), dateArg(st.Start), dateArg(st.End), z.Seal(st.Note, "plan_steps", "note", st.ID), ua, ub, st.ID)
			if err != nil {
				return fmt.Errorf("update step %d: %w", i+1, mapErr(err))
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM plan_funding WHERE step_id=$1`, st.ID); err != nil {
			return fmt.Errorf("write funding: %w", err)
		}
		for _, l := range st.Funding {
			if err := store.CheckFunding(i, l); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO plan_funding (step_id, person_id, scheme, amount) VALUES ($1,$2,$3,$4)`, st.ID, p.PersonID, l.Scheme, l.Amount)
			if err != nil {
				return fmt.Errorf("step %d: funding %s: %w", i+1, l.Scheme, mapErr(err))
			}
		}
	}
	return nil
}

// AgreePlan makes planID the person's agreed plan (and no other).
func (s *Store) AgreePlan(ctx context.Context, planID string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		p, err := s.plan(ctx, tx, planID, true)
		if err != nil {
			return err
		}
		now := s.stamp()
		if _, err := tx.Exec(ctx, `UPDATE plans SET agreed=false, updated_at=$1, updated_by=$2, version=version+1 WHERE person_id=$3 AND agreed AND id<>$4`, now, s.actor, p.PersonID, planID); err != nil {
			return fmt.Errorf("agree plan: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE plans SET agreed=true, updated_at=$1, updated_by=$2, version=version+1 WHERE id=$3`, now, s.actor, planID); err != nil {
			return fmt.Errorf("agree plan: %w", err)
		}
		return s.audit(ctx, tx, p.PersonID, "change", "plan agree "+planID)
	})
}
