package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// RecordStepOutcome records that the person enrolled in, completed or
// dropped out of a plan step, as store.Store.RecordStepOutcome: in one
// unit of work with the step's status (the plan row locked), completing
// spends what the ledger reserves for the step and dropping out releases
// it; the outcome is checked against the step's earlier outcomes, and a
// linked credential must be on the same person's file.
func (s *Store) RecordStepOutcome(ctx context.Context, o sessions.StepOutcome) (sessions.StepOutcome, error) {
	notFound := fmt.Errorf("person %s has no plan step %s: %w", o.PersonID, o.StepID, store.ErrNotFound)
	if !isID(o.StepID) {
		return o, notFound
	}
	var planID, person string
	err := s.pool.QueryRow(ctx, `SELECT plan_id::text, person_id::text FROM plan_steps WHERE id=$1`, o.StepID).Scan(&planID, &person)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && o.PersonID != "" && person != o.PersonID {
		return o, notFound
	}
	if err != nil {
		return o, fmt.Errorf("read step %s: %w", o.StepID, mapErr(err))
	}
	o.PersonID, o.PlanID = person, planID
	in := o
	_, err = s.UpdatePlan(ctx, planID, func(t *PlanTx, p *sessions.Plan) error {
		o = in // a retried unit of work starts again from the request
		z, err := s.writeSeals(ctx, t.tx)
		if err != nil {
			return err
		}
		earlier, err := stepOutcomes(ctx, t.tx, z, `step_id=$1`, o.StepID)
		if err != nil {
			return err
		}
		if err := sessions.ValidateStepOutcome(o, earlier, catalog.DateOf(p.CreatedAt), s.now()).Err(); err != nil {
			return err
		}
		if o.CredentialID != "" {
			var owner string
			err := errors.New("not an id")
			if isID(o.CredentialID) {
				err = t.tx.QueryRow(ctx, `SELECT person_id::text FROM credentials WHERE id=$1`, o.CredentialID).Scan(&owner)
			}
			if err != nil && !errors.Is(err, pgx.ErrNoRows) && isID(o.CredentialID) {
				return fmt.Errorf("read credential: %w", mapErr(err))
			}
			if err != nil || owner != person {
				return fmt.Errorf("credential %s is not on this person's file: %w", o.CredentialID, store.ErrNotFound)
			}
		}
		if err := store.ApplyStepOutcome(ctx, t, p, o); err != nil {
			return err
		}
		o.ID = NewID()
		now := s.stamp()
		o.CreatedAt, o.CreatedBy = now, s.actor
		var cred any
		if o.CredentialID != "" {
			cred = o.CredentialID
		}
		if _, err := t.tx.Exec(ctx, `INSERT INTO step_outcomes (id, person_id, plan_id, step_id, status, on_date, reason, credential_id, created_at, created_by)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, o.ID, person, planID, o.StepID, string(o.Status), dateArg(o.On),
			z.Seal(o.Reason, "step_outcomes", "reason", o.ID), cred, now, s.actor); err != nil {
			return fmt.Errorf("insert step outcome: %w", mapErr(err))
		}
		return s.audit(ctx, t.tx, person, "change", "outcome "+string(o.Status)+" step "+o.StepID)
	})
	return o, err
}

// StepOutcomes lists the person's step outcomes, oldest first.
func (s *Store) StepOutcomes(ctx context.Context, personID string) ([]sessions.StepOutcome, error) {
	if !isID(personID) {
		return []sessions.StepOutcome{}, nil
	}
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	return stepOutcomes(ctx, s.pool, z, `person_id=$1`, personID)
}

func stepOutcomes(ctx context.Context, q querier, z store.Sealer, where string, arg any) ([]sessions.StepOutcome, error) {
	rows, err := q.Query(ctx, `SELECT id::text, person_id::text, plan_id::text, step_id::text, status, on_date, reason, coalesce(credential_id::text, ''), created_at, created_by
		FROM step_outcomes WHERE `+where+` ORDER BY on_date, created_at, id`, arg)
	if err != nil {
		return nil, fmt.Errorf("read step outcomes: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.StepOutcome, error) {
		var o sessions.StepOutcome
		var st string
		var on time.Time
		err := r.Scan(&o.ID, &o.PersonID, &o.PlanID, &o.StepID, &st, &on, &o.Reason, &o.CredentialID, &o.CreatedAt, &o.CreatedBy)
		o.Status, o.On, o.CreatedAt = sessions.StepStatus(st), civil(&on), o.CreatedAt.UTC()
		if err != nil {
			return o, err
		}
		return o, z.OpenFields("step_outcomes", o.ID, store.SealField("reason", &o.Reason))
	})
	if err != nil {
		return nil, fmt.Errorf("read step outcomes: %w", mapErr(err))
	}
	return emptyIfNil(out), nil
}

// RecordEmployment records the person's employment situation 6 or 12
// months after a plan, as store.Store.RecordEmployment: in a follow-up
// session (e.SessionID, on the person's file, or one recorded with it), in
// one unit of work with the plan row locked; the plan must have ended.
func (s *Store) RecordEmployment(ctx context.Context, e sessions.EmploymentOutcome, channel sessions.Channel) (sessions.EmploymentOutcome, error) {
	if e.PersonID != "" && !isID(e.PersonID) {
		return e, personNotFound(e.PersonID)
	}
	in := e
	err := s.tx(ctx, func(tx pgx.Tx) error {
		e = in // a retried unit of work starts again from the request
		p, err := s.plan(ctx, tx, e.PlanID, true)
		if err != nil {
			return err
		}
		if p.PersonID != e.PersonID {
			return fmt.Errorf("person %s has no plan %s: %w", e.PersonID, e.PlanID, store.ErrNotFound)
		}
		outs, err := stepOutcomes(ctx, tx, s.keys.LenientSealer(), `plan_id=$1`, e.PlanID)
		if err != nil {
			return err
		}
		end, _ := sessions.PlanEnd(p, outs)
		if err := e.Validate(end, s.now()).Err(); err != nil {
			return err
		}
		now := s.stamp()
		if e.SessionID == "" {
			g, err := store.FollowUpSession(e, channel, s.actor, s.now())
			if err != nil {
				return err
			}
			z, err := s.writeSeals(ctx, tx)
			if err != nil {
				return err
			}
			e.SessionID = NewID()
			if _, err := tx.Exec(ctx, `INSERT INTO guidance_sessions (id, person_id, at, channel, attended, counsellor, summary, created_at, created_by, updated_at, updated_by)
				VALUES ($1,$2,$3,$4,true,$5,$6,$7,$5,$7,$5)`, e.SessionID, e.PersonID, g.At, string(channel), s.actor,
				z.Seal(g.Summary, "guidance_sessions", "summary", e.SessionID), now); err != nil {
				return fmt.Errorf("insert follow-up session: %w", mapErr(err))
			}
		} else {
			var owner string
			err := errors.New("not an id")
			if isID(e.SessionID) {
				err = tx.QueryRow(ctx, `SELECT person_id::text FROM guidance_sessions WHERE id=$1`, e.SessionID).Scan(&owner)
			}
			if err != nil && !errors.Is(err, pgx.ErrNoRows) && isID(e.SessionID) {
				return fmt.Errorf("read session: %w", mapErr(err))
			}
			if err != nil || owner != e.PersonID {
				return fmt.Errorf("session %s is not on this person's file: %w", e.SessionID, store.ErrNotFound)
			}
		}
		e.ID = NewID()
		e.CreatedAt, e.CreatedBy = now, s.actor
		if _, err := tx.Exec(ctx, `INSERT INTO employment_outcomes (id, person_id, plan_id, session_id, months, situation, source, on_date, created_at, created_by)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, e.ID, e.PersonID, e.PlanID, e.SessionID, e.Months, e.Situation, e.Source, dateArg(e.On), now, s.actor); err != nil {
			return fmt.Errorf("insert employment outcome: %w", mapErr(err))
		}
		return s.audit(ctx, tx, e.PersonID, "change", fmt.Sprintf("follow-up %d months plan %s", e.Months, e.PlanID))
	})
	return e, err
}

// EmploymentOutcomes lists the person's follow-ups, oldest first.
func (s *Store) EmploymentOutcomes(ctx context.Context, personID string) ([]sessions.EmploymentOutcome, error) {
	if !isID(personID) {
		return []sessions.EmploymentOutcome{}, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT id::text, person_id::text, plan_id::text, session_id::text, months, situation, source, on_date, created_at, created_by
		FROM employment_outcomes WHERE person_id=$1 ORDER BY on_date, months`, personID)
	if err != nil {
		return nil, fmt.Errorf("read follow-ups: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.EmploymentOutcome, error) {
		var e sessions.EmploymentOutcome
		var on time.Time
		err := r.Scan(&e.ID, &e.PersonID, &e.PlanID, &e.SessionID, &e.Months, &e.Situation, &e.Source, &on, &e.CreatedAt, &e.CreatedBy)
		e.On, e.CreatedAt = civil(&on), e.CreatedAt.UTC()
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read follow-ups: %w", mapErr(err))
	}
	return emptyIfNil(out), nil
}

// FollowUpsDue lists the follow-ups due on or before until, earliest
// first (store.DueFollowUps): for every plan whose steps are all closed
// and that saw at least one enrolment or completion, 6 and 12 months
// after its end (the last closing outcome's day, else the day the step
// was last changed, in UTC as SQLite's stamps).
func (s *Store) FollowUpsDue(ctx context.Context, until catalog.Date) ([]store.FollowUp, error) {
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT p.id::text, p.person_id::text, pe.name,
			to_char(max(coalesce((SELECT max(o.on_date) FROM step_outcomes o WHERE o.step_id = st.id AND o.status = st.status),
				(st.updated_at AT TIME ZONE 'UTC')::date)), 'YYYY-MM-DD'),
			coalesce((SELECT string_agg(e.months::text, ',') FROM employment_outcomes e WHERE e.plan_id = p.id), '')
		FROM plans p JOIN people pe ON pe.id = p.person_id JOIN plan_steps st ON st.plan_id = p.id
		GROUP BY p.id, pe.id
		HAVING count(*) FILTER (WHERE st.status NOT IN ('completed', 'dropped')) = 0
		   AND (count(*) FILTER (WHERE st.status = 'completed') > 0
			OR EXISTS (SELECT 1 FROM step_outcomes o WHERE o.plan_id = p.id AND o.status = 'enrolled'))`)
	if err != nil {
		return nil, fmt.Errorf("read ended plans: %w", mapErr(err))
	}
	ended, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.EndedPlan, error) {
		var f store.EndedPlan
		var end, done string
		if err := r.Scan(&f.PlanID, &f.PersonID, &f.Name, &end, &done); err != nil {
			return f, err
		}
		if err := z.OpenFields("people", f.PersonID, store.SealField("name", &f.Name)); err != nil {
			return f, err
		}
		d, err := catalog.ParseDate(end)
		if err != nil {
			return f, fmt.Errorf("plan %s: end %q: %w", f.PlanID, end, err)
		}
		f.End = d
		for _, m := range strings.Split(done, ",") {
			switch m {
			case "6":
				f.Done = append(f.Done, 6)
			case "12":
				f.Done = append(f.Done, 12)
			}
		}
		return f, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read ended plans: %w", mapErr(err))
	}
	return store.DueFollowUps(ended, until), nil
}

// CountFollowUpsDue is how many follow-ups are due on or before until.
func (s *Store) CountFollowUpsDue(ctx context.Context, until catalog.Date) (int, error) {
	due, err := s.FollowUpsDue(ctx, until)
	return len(due), err
}
