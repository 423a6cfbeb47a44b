package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// RecordStepOutcome records that the person enrolled in, completed or
// dropped out of a plan step, in one transaction with the step's status:
// completing spends what the ledger reserves for the step, dropping out
// releases it (as SetStepStatus does). The outcome is checked against the
// step's earlier outcomes (sessions.ValidateStepOutcome); a linked
// credential must be on the same person's file.
func (s *Store) RecordStepOutcome(ctx context.Context, o sessions.StepOutcome) (sessions.StepOutcome, error) {
	var planID, person string
	err := s.db.QueryRowContext(ctx, `SELECT plan_id, person_id FROM plan_steps WHERE id=?`, o.StepID).Scan(&planID, &person)
	if errors.Is(err, sql.ErrNoRows) || err == nil && o.PersonID != "" && person != o.PersonID {
		return o, fmt.Errorf("person %s has no plan step %s: %w", o.PersonID, o.StepID, ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("read step %s: %w", o.StepID, err)
	}
	o.PersonID, o.PlanID = person, planID
	_, err = s.UpdatePlan(ctx, planID, func(t *PlanTx, p *sessions.Plan) error {
		earlier, err := stepOutcomes(ctx, t.tx, `step_id=?`, o.StepID)
		if err != nil {
			return err
		}
		if err := sessions.ValidateStepOutcome(o, earlier, catalog.DateOf(p.CreatedAt), s.now()).Err(); err != nil {
			return err
		}
		if o.CredentialID != "" {
			var owner string
			err := t.tx.QueryRowContext(ctx, `SELECT person_id FROM credentials WHERE id=?`, o.CredentialID).Scan(&owner)
			if errors.Is(err, sql.ErrNoRows) || err == nil && owner != person {
				return fmt.Errorf("credential %s is not on this person's file: %w", o.CredentialID, ErrNotFound)
			}
			if err != nil {
				return fmt.Errorf("read credential: %w", err)
			}
		}
		if err := ApplyStepOutcome(ctx, t, p, o); err != nil {
			return err
		}
		o.ID = NewID()
		now := s.stamp()
		o.CreatedAt, o.CreatedBy = readStamp(now), s.actor
		z, err := s.writeSeals(ctx, t.tx)
		if err != nil {
			return err
		}
		var cred any
		if o.CredentialID != "" {
			cred = o.CredentialID
		}
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO step_outcomes (id, person_id, plan_id, step_id, status, on_date, reason, credential_id, created_at, created_by)
			VALUES (?,?,?,?,?,?,?,?,?,?)`, o.ID, person, planID, o.StepID, string(o.Status), o.On.String(), z.seal(o.Reason, "step_outcomes", "reason", o.ID), cred, now, s.actor); err != nil {
			return fmt.Errorf("insert step outcome: %w", mapErr(err))
		}
		return s.audit(ctx, t.tx, person, "change", "outcome "+string(o.Status)+" step "+o.StepID)
	})
	return o, err
}

// StepOutcomes lists the person's step outcomes, oldest first.
func (s *Store) StepOutcomes(ctx context.Context, personID string) ([]sessions.StepOutcome, error) {
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	return stepOutcomesSealed(ctx, s.db, &z, `person_id=?`, personID)
}

func stepOutcomes(ctx context.Context, q rowQuerier, where string, arg any) ([]sessions.StepOutcome, error) {
	return stepOutcomesSealed(ctx, q, nil, where, arg)
}

// stepOutcomesSealed is stepOutcomes with reasons opened by z; with z nil
// (the checks inside a transaction, which read statuses and dates) a
// reason stays as stored.
func stepOutcomesSealed(ctx context.Context, q rowQuerier, z *seals, where string, arg any) ([]sessions.StepOutcome, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, person_id, plan_id, step_id, status, on_date, reason, coalesce(credential_id, ''), created_at, created_by
		FROM step_outcomes WHERE `+where+` ORDER BY on_date, created_at, id`, arg)
	if err != nil {
		return nil, fmt.Errorf("read step outcomes: %w", err)
	}
	defer rows.Close()
	out := []sessions.StepOutcome{}
	for rows.Next() {
		var o sessions.StepOutcome
		var st, on, ca string
		if err := rows.Scan(&o.ID, &o.PersonID, &o.PlanID, &o.StepID, &st, &on, &o.Reason, &o.CredentialID, &ca, &o.CreatedBy); err != nil {
			return nil, err
		}
		if z != nil {
			if err := z.openFields("step_outcomes", o.ID, field{"reason", &o.Reason}); err != nil {
				return nil, err
			}
		}
		o.Status, o.On, o.CreatedAt = sessions.StepStatus(st), civilDate(on), readStamp(ca)
		out = append(out, o)
	}
	return out, rows.Err()
}

// RecordEmployment records the person's employment situation 6 or 12
// months after a plan. It is recorded in a follow-up session: e.SessionID
// names one already on the person's file, or, when empty, a follow-up
// session (attended, by channel) is recorded with it in the same
// transaction. The plan must have ended (every step completed or dropped).
func (s *Store) RecordEmployment(ctx context.Context, e sessions.EmploymentOutcome, channel sessions.Channel) (sessions.EmploymentOutcome, error) {
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		p, err := s.plan(ctx, tx, e.PlanID)
		if err != nil {
			return err
		}
		if p.PersonID != e.PersonID {
			return fmt.Errorf("person %s has no plan %s: %w", e.PersonID, e.PlanID, ErrNotFound)
		}
		outs, err := stepOutcomes(ctx, tx, `plan_id=?`, e.PlanID)
		if err != nil {
			return err
		}
		end, _ := sessions.PlanEnd(p, outs)
		if err := e.Validate(end, s.now()).Err(); err != nil {
			return err
		}
		now := s.stamp()
		if e.SessionID == "" {
			g, err := FollowUpSession(e, channel, s.actor, s.now())
			if err != nil {
				return err
			}
			e.SessionID = NewID()
			z, err := s.writeSeals(ctx, tx)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO guidance_sessions (id, person_id, at, channel, attended, counsellor, summary, created_at, created_by, updated_at, updated_by)
				VALUES (?,?,?,?,1,?,?,?,?,?,?)`, e.SessionID, e.PersonID, writeStamp(g.At), string(channel), s.actor,
				z.seal(g.Summary, "guidance_sessions", "summary", e.SessionID), now, s.actor, now, s.actor); err != nil {
				return fmt.Errorf("insert follow-up session: %w", err)
			}
		} else {
			var owner string
			err := tx.QueryRowContext(ctx, `SELECT person_id FROM guidance_sessions WHERE id=?`, e.SessionID).Scan(&owner)
			if errors.Is(err, sql.ErrNoRows) || err == nil && owner != e.PersonID {
				return fmt.Errorf("session %s is not on this person's file: %w", e.SessionID, ErrNotFound)
			}
			if err != nil {
				return fmt.Errorf("read session: %w", err)
			}
		}
		e.ID = NewID()
		e.CreatedAt, e.CreatedBy = readStamp(now), s.actor
		if _, err := tx.ExecContext(ctx, `INSERT INTO employment_outcomes (id, person_id, plan_id, session_id, months, situation, source, on_date, created_at, created_by)
			VALUES (?,?,?,?,?,?,?,?,?,?)`, e.ID, e.PersonID, e.PlanID, e.SessionID, e.Months, e.Situation, e.Source, e.On.String(), now, s.actor); err != nil {
			return fmt.Errorf("insert employment outcome: %w", mapErr(err))
		}
		return s.audit(ctx, tx, e.PersonID, "change", fmt.Sprintf("follow-up %d months plan %s", e.Months, e.PlanID))
	})
	return e, err
}

// EmploymentOutcomes lists the person's follow-ups, oldest first.
func (s *Store) EmploymentOutcomes(ctx context.Context, personID string) ([]sessions.EmploymentOutcome, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, person_id, plan_id, session_id, months, situation, source, on_date, created_at, created_by
		FROM employment_outcomes WHERE person_id=? ORDER BY on_date, months`, personID)
	if err != nil {
		return nil, fmt.Errorf("read follow-ups: %w", err)
	}
	defer rows.Close()
	out := []sessions.EmploymentOutcome{}
	for rows.Next() {
		var e sessions.EmploymentOutcome
		var on, ca string
		if err := rows.Scan(&e.ID, &e.PersonID, &e.PlanID, &e.SessionID, &e.Months, &e.Situation, &e.Source, &on, &ca, &e.CreatedBy); err != nil {
			return nil, err
		}
		e.On, e.CreatedAt = civilDate(on), readStamp(ca)
		out = append(out, e)
	}
	return out, rows.Err()
}

// FollowUp is an employment follow-up that is due: the plan ended, the
// months have (nearly) passed and nothing is recorded yet.
type FollowUp struct {
	PersonID string       `json:"person_id"`
	Name     string       `json:"name"`
	PlanID   string       `json:"plan_id"`
	Months   int          `json:"months"`
	PlanEnd  catalog.Date `json:"plan_end"`
	Due      catalog.Date `json:"due"`
}

// FollowUpsDue lists the follow-ups due on or before until, earliest
// first: for every plan whose steps are all closed and that saw at least
// one enrolment or completion, 6 and 12 months after its end.
func (s *Store) FollowUpsDue(ctx context.Context, until catalog.Date) ([]FollowUp, error) {
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	// The plans that ended: no open step, at least one step that started.
	rows, err := s.db.QueryContext(ctx, `SELECT p.id, p.person_id, pe.name,
			max(coalesce((SELECT max(o.on_date) FROM step_outcomes o WHERE o.step_id = st.id AND o.status = st.status), substr(st.updated_at, 1, 10))),
			(SELECT group_concat(e.months) FROM employment_outcomes e WHERE e.plan_id = p.id)
		FROM plans p JOIN people pe ON pe.id = p.person_id JOIN plan_steps st ON st.plan_id = p.id
		GROUP BY p.id
		HAVING sum(st.status NOT IN ('completed', 'dropped')) = 0
		   AND (sum(st.status = 'completed') > 0 OR EXISTS (SELECT 1 FROM step_outcomes o WHERE o.plan_id = p.id AND o.status = 'enrolled'))`)
	if err != nil {
		return nil, fmt.Errorf("read ended plans: %w", err)
	}
	defer rows.Close()
	var ended []EndedPlan
	for rows.Next() {
		var f EndedPlan
		var end string
		var done sql.NullString
		if err := rows.Scan(&f.PlanID, &f.PersonID, &f.Name, &end, &done); err != nil {
			return nil, err
		}
		if err := z.openFields("people", f.PersonID, field{"name", &f.Name}); err != nil {
			return nil, err
		}
		f.End, f.Done = civilDate(end), splitInts(done.String)
		ended = append(ended, f)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return DueFollowUps(ended, until), nil
}

// EndedPlan is a plan whose steps are all closed and that saw at least one
// enrolment or completion, as each engine reads it for FollowUpsDue: its
// end and the follow-up months already recorded.
type EndedPlan struct {
	PlanID, PersonID, Name string
	End                    catalog.Date
	Done                   []int
}

// FollowUpSession is the follow-up session RecordEmployment records with
// an employment outcome that names none (on either engine): attended, by
// channel, at noon of the outcome's day (or now, if that is later than now).
func FollowUpSession(e sessions.EmploymentOutcome, channel sessions.Channel, actor string, now time.Time) (sessions.Session, error) {
	g := sessions.Session{PersonID: e.PersonID, At: e.On.Time().Add(12 * time.Hour), Channel: channel, Attended: true,
		Counsellor: actor, Summary: fmt.Sprintf("follow-up %d months after the plan", e.Months)}
	if g.At.After(now) {
		g.At = now
	}
	return g, g.Validate(now).Err()
}

// DueFollowUps are the follow-ups of the ended plans due on or before
// until and not recorded yet (6 and 12 months after each plan's end),
// earliest first, then by person and months.
func DueFollowUps(ended []EndedPlan, until catalog.Date) []FollowUp {
	out := []FollowUp{}
	for _, f := range ended {
		for _, m := range sessions.FollowUpMonths {
			if slices.Contains(f.Done, m) {
				continue
			}
			g := FollowUp{PersonID: f.PersonID, Name: f.Name, PlanID: f.PlanID, Months: m, PlanEnd: f.End, Due: sessions.FollowUpDue(f.End, m)}
			if !g.Due.After(until) {
				out = append(out, g)
			}
		}
	}
	slices.SortFunc(out, func(a, b FollowUp) int {
		switch {
		case a.Due.Before(b.Due):
			return -1
		case b.Due.Before(a.Due):
			return 1
		}
		if a.PersonID != b.PersonID {
			if a.PersonID < b.PersonID {
				return -1
			}
			return 1
		}
		return a.Months - b.Months
	})
	return out
}

func splitInts(s string) []int {
	var out []int
	n, in := 0, false
	for _, r := range s + "," {
		if r >= '0' && r <= '9' {
			n, in = n*10+int(r-'0'), true
			continue
		}
		if in {
			out = append(out, n)
		}
		n, in = 0, false
	}
	return out
}

// CountFollowUpsDue is how many follow-ups are due on or before until
// (the TUI's "3 follow-ups due this week").
func (s *Store) CountFollowUpsDue(ctx context.Context, until catalog.Date) (int, error) {
	due, err := s.FollowUpsDue(ctx, until)
	return len(due), err
}
